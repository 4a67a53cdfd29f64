//! `gate supply audit|db|sbom` and the supply gate in `gate check`: exit codes, every audit
//! flag, the download cache against a local HTTP server, the SBOM, and real advisory data.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::{code, copy_of, fixture, human_stdout, stderr, stdout};

/// Runs `gate` in `directory` with the download cache under `cache` (never the user's), no
/// proxy, and the GitHub Actions and colour variables cleared.
fn gate_cached(directory: &Path, cache: &Path, args: &[&str]) -> Output {
    gate_command(directory, cache, args)
        .output()
        .expect("the gate binary runs")
}

/// The command [`gate_cached`] runs, for a test that sets more or waits differently.
fn gate_command(directory: &Path, cache: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gate"));
    command
        .args(args)
        .current_dir(directory)
        .env("XDG_CACHE_HOME", cache)
        .env("HOME", cache)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("NO_COLOR")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy");
    command
}

/// A copy of the `supply` fixture (advisories/ and project/) with an empty cache beside it.
struct Workspace {
    directory: tempfile::TempDir,
    cache: tempfile::TempDir,
}

impl Workspace {
    fn new() -> Workspace {
        Workspace {
            directory: copy_of("supply"),
            cache: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self) -> &Path {
        self.directory.path()
    }

    fn run(&self, args: &[&str]) -> Output {
        gate_cached(self.path(), self.cache.path(), args)
    }

    /// `gate supply audit ARGS --db advisories --color never`.
    fn audit(&self, args: &[&str]) -> Output {
        let mut all = vec!["supply", "audit", "--db", "advisories", "--color", "never"];
        all.extend_from_slice(args);
        self.run(&all)
    }

    fn write(&self, name: &str, text: &str) {
        let path = self.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path().join(name)).unwrap()
    }
}

fn both(output: &Output) -> String {
    format!("{}{}", stdout(output), stderr(output))
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!("not JSON ({error}): {}", both(output));
    })
}

/// `(rule, target, verdict, waived)` of every finding of the first gate.
fn findings(report: &serde_json::Value) -> Vec<(String, String, String, bool)> {
    report["gates"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["target"].as_str().unwrap_or_default().to_owned(),
                f["verdict"].as_str().unwrap().to_owned(),
                !f["waived_by"].is_null(),
            )
        })
        .collect()
}

#[test]
fn a_vulnerable_pin_fails_and_names_the_advisory_file_and_line() {
    let workspace = Workspace::new();
    let output = workspace.audit(&["project/requirements.txt"]);
    assert_eq!(code(&output), 1, "{}", both(&output));
    let text = human_stdout(&output);
    assert!(text.contains("PYSEC-2099-1"), "{text}");
    assert!(text.contains("project/requirements.txt:2"), "{text}");
    assert!(text.contains("fixed in 2.0.0"), "{text}");
    // Both records of insecure-lib (one written `Insecure_Lib`): PEP 503 names match.
    assert!(text.contains("PYSEC-2099-2"), "{text}");
}

#[test]
fn a_fixed_pin_passes() {
    let workspace = Workspace::new();
    workspace.write(
        "fixed/requirements.txt",
        "insecure-lib==2.0.0\nsafe-lib==3.0.0\n",
    );
    let output = workspace.audit(&["fixed/requirements.txt", "--format", "json"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    let report = json(&output);
    assert_eq!(report["verdict"], "pass");
    assert_eq!(report["gates"][0]["metrics"]["dependencies-audited"], 2);
    assert_eq!(report["gates"][0]["metrics"]["advisories"], 4);
}

#[test]
fn a_directory_argument_audits_every_lockfile_in_it() {
    let workspace = Workspace::new();
    let output = workspace.audit(&["project", "--format", "json"]);
    assert_eq!(code(&output), 1, "{}", both(&output));
    let report = json(&output);
    let mut targets: Vec<String> = findings(&report).into_iter().map(|f| f.1).collect();
    targets.sort();
    assert_eq!(
        targets,
        [
            "GHSA-npm0-0000-0001",
            "PYSEC-2099-1",
            "PYSEC-2099-2",
            "RUSTSEC-2099-0001"
        ]
    );
    let paths: Vec<&str> = report["gates"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["location"]["path"].as_str().unwrap())
        .collect();
    for path in ["project/Cargo.lock", "project/package-lock.json"] {
        assert!(paths.contains(&path), "{paths:?}");
    }
    // The Cargo workspace member `app` is the project itself: read, not audited.
    assert_eq!(report["gates"][0]["metrics"]["dependencies"], 7);
    assert_eq!(report["gates"][0]["metrics"]["dependencies-audited"], 6);
}

/// `(rule, location path:line)` of every finding of the first gate.
fn located(report: &serde_json::Value) -> Vec<(String, String)> {
    report["gates"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let location = &f["location"];
            (
                f["rule"].as_str().unwrap().to_owned(),
                format!(
                    "{}:{}",
                    location["path"].as_str().unwrap(),
                    location["line"]
                ),
            )
        })
        .collect()
}

/// Requirements files by any name: `-r/--requirement FILE` (repeatable, as pip-audit), the
/// `requirements` key, `requirements/*.txt` named from inside the folder, `dev-requirements.txt`,
/// and the folder `.` named in "no lockfiles in".
#[test]
fn requirements_files_by_any_name() {
    let workspace = Workspace::new();
    workspace.write("req.txt", "insecure-lib==1.2.0\n");
    workspace.write(
        "constraints.txt",
        "# pins\nsafe-lib==3.0.0\ninsecure-lib==1.0.0\n",
    );
    let output = workspace.audit(&[
        "-r",
        "req.txt",
        "--requirement",
        "constraints.txt",
        "--format",
        "json",
    ]);
    assert_eq!(code(&output), 1, "{}", both(&output));
    let report = json(&output);
    assert_eq!(
        located(&report),
        [
            ("supply/vulnerability".to_owned(), "req.txt:1".to_owned()),
            ("supply/vulnerability".to_owned(), "req.txt:1".to_owned()),
            (
                "supply/vulnerability".to_owned(),
                "constraints.txt:3".to_owned()
            ),
            (
                "supply/vulnerability".to_owned(),
                "constraints.txt:3".to_owned()
            ),
        ]
    );
    assert_eq!(report["gates"][0]["metrics"]["dependencies"], 3);
    // Named as a lockfile, an unrecognised name says how to read it.
    let output = workspace.audit(&["req.txt"]);
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert!(both(&output).contains("-r FILE"), "{}", both(&output));

    // The same from gate.toml.
    workspace.write(
        "gate.toml",
        "[supply.advisories]\nrequirements = [\"req.txt\"]\ndb = [\"advisories\"]\n",
    );
    let output = workspace.run(&["check", "--format", "json"]);
    assert_eq!(code(&output), 1, "{}", both(&output));
    assert_eq!(located(&json(&output))[0].1, "req.txt:1");

    // `requirements/base.txt` named from inside `requirements/`, alone or as the folder `.`.
    workspace.write("requirements/base.txt", "insecure-lib==1.2.0\n");
    let inside = workspace.path().join("requirements");
    for target in ["base.txt", "."] {
        let output = gate_cached(
            &inside,
            workspace.cache.path(),
            &[
                "supply",
                "audit",
                target,
                "--db",
                "../advisories",
                "--format",
                "json",
            ],
        );
        assert_eq!(code(&output), 1, "{target}: {}", both(&output));
        assert_eq!(located(&json(&output))[0].1, "base.txt:1", "{target}");
    }
    workspace.write("dev/dev-requirements.txt", "insecure-lib==1.2.0\n");
    let output = workspace.audit(&["dev", "--format", "json"]);
    assert_eq!(code(&output), 1, "{}", both(&output));
    assert_eq!(located(&json(&output))[0].1, "dev/dev-requirements.txt:1");

    // A folder without lockfiles is named, `.` included.
    let empty = workspace.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let output = gate_cached(
        &empty,
        workspace.cache.path(),
        &["supply", "audit", ".", "--db", "../advisories"],
    );
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert!(
        both(&output).contains("no lockfiles in .: "),
        "{}",
        both(&output)
    );
}

#[test]
fn severity_threshold_and_no_severity_turn_failures_into_warnings() {
    let workspace = Workspace::new();
    // PYSEC-2099-1 is high (7.5), PYSEC-2099-2 low, the npm one moderate, RUSTSEC has none.
    let output = workspace.audit(&[
        "project",
        "--severity-threshold",
        "medium",
        "--format",
        "json",
    ]);
    assert_eq!(code(&output), 1);
    let verdicts: Vec<(String, String)> = findings(&json(&output))
        .into_iter()
        .map(|f| (f.1, f.2))
        .collect();
    assert!(
        verdicts.contains(&("PYSEC-2099-1".into(), "fail".into())),
        "{verdicts:?}"
    );
    assert!(
        verdicts.contains(&("PYSEC-2099-2".into(), "warn".into())),
        "{verdicts:?}"
    );
    assert!(
        verdicts.contains(&("GHSA-npm0-0000-0001".into(), "fail".into())),
        "{verdicts:?}"
    );
    assert!(
        verdicts.contains(&("RUSTSEC-2099-0001".into(), "fail".into())),
        "{verdicts:?}"
    );

    let output = workspace.audit(&[
        "project",
        "--severity-threshold",
        "critical",
        "--no-severity",
        "warn",
    ]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    assert!(stdout(&output).contains("warn"), "{}", stdout(&output));

    let output = workspace.audit(&["project", "--severity-threshold", "critical"]);
    assert_eq!(code(&output), 1, "a record without severity still fails");

    let output = workspace.audit(&["project", "--severity-threshold", "severe"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("is not a severity"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn ignore_accepts_any_alias_and_lasts_one_run() {
    let workspace = Workspace::new();
    // CVE-2099-0001 is an alias of PYSEC-2099-1; PYSEC-2099-2 is ignored by its own id.
    let output = workspace.audit(&[
        "project/requirements.txt",
        "--ignore",
        "CVE-2099-0001",
        "--ignore",
        "PYSEC-2099-2",
        "--today",
        "2026-11-28",
        "--format",
        "json",
    ]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    let report = json(&output);
    let all = findings(&report);
    assert!(all.iter().all(|f| f.3), "{all:?}");
    let waived = &report["gates"][0]["findings"][0]["waived_by"];
    assert_eq!(waived["reason"], "ignored with --ignore");
    assert_eq!(waived["expires"], "2026-11-28");

    // An ignore that matches nothing warns, so stale ignores get noticed.
    let output = workspace.audit(&[
        "project/requirements.txt",
        "--ignore",
        "GHSA-aaaa-bbbb-cccc",
        "--ignore",
        "CVE-2099-0002",
        "--ignore",
        "CVE-1999-9999",
        "--format",
        "json",
    ]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    let all = findings(&json(&output));
    assert!(
        all.iter()
            .any(|f| f.0 == "waiver/unused" && f.1.contains("CVE-1999-9999")),
        "{all:?}"
    );
}

#[test]
fn an_unpinned_requirement_fails_unless_configured_to_warn() {
    let workspace = Workspace::new();
    workspace.write("loose/requirements.txt", "insecure-lib>=2.0\n");
    let output = workspace.audit(&["loose/requirements.txt"]);
    assert_eq!(code(&output), 1, "{}", both(&output));
    assert!(
        stdout(&output).contains("supply/unpinned"),
        "{}",
        stdout(&output)
    );
    assert!(stdout(&output).contains("loose/requirements.txt:1"));
    let output = workspace.audit(&["loose/requirements.txt", "--unpinned", "warn"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
}

#[test]
fn no_database_is_an_error_that_says_how_to_get_one() {
    let workspace = Workspace::new();
    let output = workspace.run(&["supply", "audit", "project/requirements.txt"]);
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert!(
        both(&output).contains("gate supply db update"),
        "{}",
        both(&output)
    );

    std::fs::create_dir(workspace.path().join("empty")).unwrap();
    let output = workspace.run(&[
        "supply",
        "audit",
        "project/requirements.txt",
        "--db",
        "empty",
    ]);
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert!(
        both(&output).contains("no advisories in empty"),
        "{}",
        both(&output)
    );

    let output = workspace.run(&[
        "supply",
        "audit",
        "project/requirements.txt",
        "--db",
        "nowhere",
    ]);
    assert_eq!(code(&output), 2, "{}", both(&output));
}

#[test]
fn an_unreadable_lockfile_is_an_error_naming_it() {
    let workspace = Workspace::new();
    let output = workspace.audit(&["missing/requirements.txt"]);
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert!(both(&output).contains("missing/requirements.txt"));

    workspace.write(
        "broken/Cargo.lock",
        "[[package]]\nname = \"x\"\nversion = \n",
    );
    let output = workspace.audit(&["broken/Cargo.lock", "--format", "json"]);
    assert_eq!(code(&output), 2, "{}", both(&output));
    let report = json(&output);
    let error = report["gates"][0]["errors"][0]["message"].as_str().unwrap();
    assert!(error.contains("broken/Cargo.lock:3"), "{error}");

    let output = workspace.audit(&["advisories"]);
    assert_eq!(code(&output), 2, "a directory without lockfiles");
    assert!(
        both(&output).contains("no lockfiles in advisories"),
        "{}",
        both(&output)
    );
}

#[test]
fn every_output_flag() {
    let workspace = Workspace::new();
    let output = workspace.audit(&[
        "project",
        "--format",
        "human",
        "--format",
        "sarif=out/supply.sarif",
        "--format",
        "junit=out/supply.xml",
        "--format",
        "gitlab=out/gl.json",
        "--format",
        "markdown=out/summary.md",
        "--output",
        "out/human.txt",
    ]);
    // The output directory does not exist yet: writing fails, which is an error.
    assert_eq!(code(&output), 2, "{}", both(&output));
    std::fs::create_dir(workspace.path().join("out")).unwrap();
    let output = workspace.audit(&[
        "project",
        "--format",
        "human",
        "--format",
        "sarif=out/supply.sarif",
        "--format",
        "junit=out/supply.xml",
        "--format",
        "gitlab=out/gl.json",
        "--format",
        "markdown=out/summary.md",
        "--output",
        "out/human.txt",
    ]);
    assert_eq!(code(&output), 1, "{}", both(&output));
    assert!(stdout(&output).is_empty(), "--output took standard output");
    assert!(workspace.read("out/human.txt").contains("PYSEC-2099-1"));
    let sarif: serde_json::Value =
        serde_json::from_str(&workspace.read("out/supply.sarif")).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "project/Cargo.lock"
    }));
    assert!(workspace.read("out/supply.xml").contains("<testsuite"));
    assert!(
        workspace
            .read("out/gl.json")
            .contains("project/requirements.txt")
    );
    assert!(workspace.read("out/summary.md").contains("PYSEC-2099-1"));

    let output = workspace.audit(&["project", "--format", "github"]);
    assert!(
        stdout(&output).contains("::error file=project/requirements.txt,line=2"),
        "{}",
        stdout(&output)
    );
    let mut args = vec!["supply", "audit", "--db", "advisories", "project"];
    args.extend(["--color", "always"]);
    let output = workspace.run(&args);
    assert!(stdout(&output).contains("\u{1b}["), "colour was asked for");
}

/// A gate.toml in the fixture's root auditing the project against the fixture's advisories.
const CHECK: &str =
    "[supply.advisories]\nlockfiles = [\"project/requirements.txt\"]\ndb = [\"advisories\"]\n";

#[test]
fn gate_check_runs_the_supply_gate_with_waivers() {
    let workspace = Workspace::new();
    workspace.write("gate.toml", CHECK);
    let output = workspace.run(&["check", "--today", "2026-11-28", "--color", "never"]);
    assert_eq!(code(&output), 1, "{}", both(&output));
    assert!(
        stdout(&output).contains("PYSEC-2099-1"),
        "{}",
        stdout(&output)
    );

    // Waivers on the advisory ids (PYSEC-2099-2 by glob): a pass until they expire.
    let waived = format!(
        "{CHECK}severity-threshold = \"medium\"\n\n[[waiver]]\nrule = \"supply/vulnerability\"\n\
         target = \"PYSEC-2099-1\"\nreason = \"not reachable (SEC-1)\"\nexpires = 2026-12-31\n"
    );
    workspace.write("gate.toml", &waived);
    let output = workspace.run(&["check", "--today", "2026-12-31", "--format", "json"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    let all = findings(&json(&output));
    assert!(
        all.contains(&(
            "supply/vulnerability".into(),
            "PYSEC-2099-1".into(),
            "fail".into(),
            true
        )),
        "{all:?}"
    );
    assert!(
        all.contains(&(
            "supply/vulnerability".into(),
            "PYSEC-2099-2".into(),
            "warn".into(),
            false
        )),
        "{all:?}"
    );

    let output = workspace.run(&["check", "--today", "2027-01-01", "--color", "never"]);
    assert_eq!(code(&output), 1, "{}", both(&output));
    assert!(
        stdout(&output).contains("waiver/expired"),
        "{}",
        stdout(&output)
    );
    assert!(
        stdout(&output).contains("gate.toml:6"),
        "{}",
        stdout(&output)
    );
}

/// `[[waiver]]`s on `supply/vulnerability` name the advisory by any alias, or the package,
/// optionally at a version; `gate init`'s starter waiver (`target = "urllib3"`) is one.
#[test]
fn gate_check_waivers_by_alias_and_by_package() {
    let workspace = Workspace::new();
    let waiver = |target: &str| {
        format!(
            "{CHECK}\n[[waiver]]\nrule = \"supply/vulnerability\"\ntarget = \"{target}\"\n\
             reason = \"reviewed\"\nexpires = 2026-12-31\n"
        )
    };
    // CVE-2099-0001 and GHSA-aaaa-bbbb-cccc are aliases of PYSEC-2099-1; PYSEC-2099-2 is the
    // other advisory of insecure-lib, which the package waivers cover too.
    for (target, waived) in [
        ("CVE-2099-0001", vec!["PYSEC-2099-1"]),
        ("GHSA-aaaa-*", vec!["PYSEC-2099-1"]),
        ("insecure-lib", vec!["PYSEC-2099-1", "PYSEC-2099-2"]),
        ("insecure-lib@1.2.0", vec!["PYSEC-2099-1", "PYSEC-2099-2"]),
        ("insecure-lib@1.1.0", vec![]),
    ] {
        workspace.write("gate.toml", &waiver(target));
        let output = workspace.run(&["check", "--today", "2026-11-28", "--format", "json"]);
        let all = findings(&json(&output));
        let got: Vec<&str> = all
            .iter()
            .filter(|f| f.0 == "supply/vulnerability" && f.3)
            .map(|f| f.1.as_str())
            .collect();
        assert_eq!(got, waived, "{target}: {all:?}");
        let unused = all.iter().any(|f| f.0 == "waiver/unused");
        assert_eq!(unused, waived.is_empty(), "{target}: {all:?}");
    }

    // The starter's example waiver, uncommented, waives urllib3's advisory.
    let output = workspace.run(&["init", "--path", "starter.toml"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    let starter = workspace.read("starter.toml");
    let example: String = starter
        .lines()
        .skip_while(|line| *line != "# [[waiver]]")
        .filter_map(|line| line.strip_prefix("# "))
        .flat_map(|line| [line, "\n"])
        .collect();
    assert!(example.contains("target = \"urllib3\""), "{example}");
    workspace.write(
        "advisories/PYSEC-2099-9.json",
        r#"{"id": "PYSEC-2099-9", "aliases": ["CVE-2099-0009"],
            "affected": [{"package": {"ecosystem": "PyPI", "name": "urllib3"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0.7"}]}]}]}"#,
    );
    workspace.write("web/requirements.txt", "urllib3==2.0.6\n");
    workspace.write(
        "gate.toml",
        &format!(
            "[supply.advisories]\nlockfiles = [\"web/requirements.txt\"]\n\
             db = [\"advisories\"]\n\n{example}"
        ),
    );
    let output = workspace.run(&["check", "--today", "2026-11-28", "--format", "json"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    assert_eq!(
        findings(&json(&output)),
        [(
            "supply/vulnerability".to_owned(),
            "PYSEC-2099-9".to_owned(),
            "fail".to_owned(),
            true
        )]
    );
}

/// A Cargo project whose only GPL crate ships behind the `extra` feature, with its Cargo.lock
/// (both packages, as cargo locks every feature's dependencies).
fn cargo_project_with_a_feature_only_crate(workspace: &Workspace) {
    workspace.write(
        "app/Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
         license = \"MIT\"\n\n[features]\nextra = [\"dep:gpl-only\"]\n\n[dependencies]\n\
         gpl-only = { path = \"gpl-only\", optional = true }\n",
    );
    workspace.write("app/src/lib.rs", "");
    workspace.write(
        "app/gpl-only/Cargo.toml",
        "[package]\nname = \"gpl-only\"\nversion = \"1.0.0\"\nedition = \"2021\"\n\
         license = \"GPL-3.0-only\"\n",
    );
    workspace.write("app/gpl-only/src/lib.rs", "");
    workspace.write(
        "app/Cargo.lock",
        "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n\
         dependencies = [\n \"gpl-only\",\n]\n\n\
         [[package]]\nname = \"gpl-only\"\nversion = \"1.0.0\"\n",
    );
}

/// Rust license scope: every package in Cargo.lock by default, like the advisory audit, so a
/// crate that ships only behind a feature is checked; `features = "default"` narrows it.
#[test]
fn the_license_check_reads_every_locked_crate_unless_told_default_features() {
    let workspace = Workspace::new();
    cargo_project_with_a_feature_only_crate(&workspace);
    let licenses = |extra: &[&str]| {
        let mut args = vec![
            "supply", "licenses", "app", "--allow", "MIT", "--format", "json",
        ];
        args.extend_from_slice(extra);
        workspace.run(&args)
    };
    let output = licenses(&[]);
    assert_eq!(code(&output), 1, "{}", both(&output));
    let all = findings(&json(&output));
    assert!(
        all.iter()
            .any(|f| f.0 == "supply/license" && f.1 == "gpl-only" && f.2 == "fail"),
        "{all:?}"
    );
    let output = licenses(&["--features", "all"]);
    assert_eq!(code(&output), 1, "{}", both(&output));
    let output = licenses(&["--features", "default"]);
    assert_eq!(code(&output), 0, "{}", both(&output));

    let config = |features: &str| {
        format!("[supply.licenses]\npaths = [\"app\"]\nallow = [\"MIT\"]\n{features}")
    };
    for (features, expected) in [
        ("", 1),
        ("features = \"all\"\n", 1),
        ("features = \"default\"\n", 0),
    ] {
        workspace.write("gate.toml", &config(features));
        let output = workspace.run(&["check", "--color", "never"]);
        assert_eq!(code(&output), expected, "{features}: {}", both(&output));
    }
    workspace.write("gate.toml", &config("features = \"some\"\n"));
    let output = workspace.run(&["check"]);
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert!(
        stderr(&output).contains("gate.toml:4:12: [supply.licenses]: `features` is `some`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn gate_check_errors_when_the_supply_gate_cannot_run() {
    let workspace = Workspace::new();
    workspace.write(
        "gate.toml",
        "[supply.advisories]\nlockfiles = [\"project/requirements.txt\"]\n",
    );
    let output = workspace.run(&["check"]);
    assert_eq!(code(&output), 2, "no database: {}", both(&output));
    assert!(
        stdout(&output).contains("gate supply db update"),
        "{}",
        both(&output)
    );

    workspace.write(
        "gate.toml",
        "[supply.advisories]\nlockfiles = [\"nope.txt\"]\ndb = [\"advisories\"]\n",
    );
    let output = workspace.run(&["check"]);
    assert_eq!(code(&output), 2, "{}", both(&output));
}

#[test]
fn supply_config_errors_name_their_line() {
    let workspace = Workspace::new();
    let cases = [
        (
            "[supply.advisories]\nlockfiles = [\"a\"]\nseverity-threshold = \"huge\"\n",
            "gate.toml:3:22: [supply.advisories]: `severity-threshold` is `huge`",
        ),
        (
            "[supply.advisories]\nlockfiles = [\"a\"]\nseverity-threshold = \"info\"\n",
            "gate.toml:3:22: [supply.advisories]: `severity-threshold` is `info`",
        ),
        (
            "[supply.advisories]\nlockfiles = [\"a\"]\nunpinned = \"pass\"\n",
            "gate.toml:3:12:",
        ),
        (
            "[supply.advisories]\nlockfiles = [\"a\"]\nmax-db-age = -1\n",
            "gate.toml:3:14:",
        ),
        (
            "[supply.advisories]\nlockfile = [\"a\"]\n",
            "gate.toml:2:1: unknown field `lockfile`",
        ),
        (
            "[supply.advisories]\ndb = [\"x\"]\n",
            "`lockfiles` and `requirements` are empty",
        ),
        (
            "[supply.advisories]\nlockfiles = [\"a\"]\n\n[supply.licenses]\nallow = [\"MIT\"]\n",
            "gate.toml:4:1: [supply.licenses]: `paths` is empty",
        ),
    ];
    for (config, expected) in cases {
        workspace.write("gate.toml", config);
        let output = workspace.run(&["check"]);
        assert_eq!(code(&output), 2, "{config}");
        assert!(
            stderr(&output).contains(expected),
            "{config}: {}",
            stderr(&output)
        );
    }
}

/// The files a [`Server`] serves, by request path.
type Files = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// A tiny HTTP/1.1 server on 127.0.0.1 serving `/{ecosystem}/all.zip` from a map that tests
/// change between runs; it counts the requests it answers.
struct Server {
    port: u16,
    files: Files,
    requests: Arc<AtomicUsize>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let files: Files = Arc::default();
        let requests = Arc::new(AtomicUsize::new(0));
        let (served, counter) = (Arc::clone(&files), Arc::clone(&requests));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    continue;
                }
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                    line.clear();
                }
                counter.fetch_add(1, Ordering::SeqCst);
                let path = request_line.split(' ').nth(1).unwrap_or("").to_owned();
                let body = served
                    .lock()
                    .unwrap()
                    .iter()
                    .find(|(p, _)| *p == path)
                    .map(|(_, body)| body.clone());
                let (status, body) = match body {
                    Some(body) => ("200 OK", body),
                    None => ("404 Not Found", b"not found".to_vec()),
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nContent-Type: application/zip\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
                let _ = stream.flush();
            }
        });
        Server {
            port,
            files,
            requests,
        }
    }

    fn serve(&self, path: &str, body: Vec<u8>) {
        let mut files = self.files.lock().unwrap();
        files.retain(|(p, _)| p != path);
        files.push((path.to_owned(), body));
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/{{ecosystem}}/all.zip", self.port)
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// An OSV `all.zip` of the fixture's advisory files, as OSV lays them out (flat `ID.json`).
fn osv_zip(names: &[&str]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for name in names {
        let bytes =
            std::fs::read(fixture("supply/advisories").join(format!("{name}.json"))).unwrap();
        writer.start_file(format!("{name}.json"), options).unwrap();
        writer.write_all(&bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn cache_dir(workspace: &Workspace) -> PathBuf {
    workspace.cache.path().join("gate/advisory-db")
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn db_update_downloads_validates_and_swaps_in_atomically() {
    let workspace = Workspace::new();
    let server = Server::start();
    let pypi = osv_zip(&["PYSEC-2099-1", "PYSEC-2099-2"]);
    server.serve("/PyPI/all.zip", pypi.clone());
    server.serve("/npm/all.zip", osv_zip(&["GHSA-npm0-0000-0001"]));
    let url = server.url();

    let update = [
        "supply",
        "db",
        "update",
        "--url",
        &url,
        "--ecosystem",
        "PyPI",
        "--ecosystem",
        "npm",
    ];
    let output = workspace.run(&update);
    assert_eq!(code(&output), 0, "{}", both(&output));
    assert_eq!(server.requests(), 2);
    let dir = cache_dir(&workspace);
    assert_eq!(
        listing(&dir),
        ["PyPI.zip", "fetched.json", "npm.zip"],
        "no temporary files left"
    );
    assert_eq!(
        std::fs::read(dir.join("PyPI.zip")).unwrap(),
        pypi,
        "kept as downloaded"
    );
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("fetched.json")).unwrap()).unwrap();
    assert_eq!(record["ecosystems"]["PyPI"]["records"], 2);
    assert_eq!(
        record["ecosystems"]["npm"]["url"],
        url.replace("{ecosystem}", "npm")
    );

    // The default database is the cache: the audit runs without --db.
    let output = workspace.run(&["supply", "audit", "project", "--format", "json"]);
    assert_eq!(code(&output), 1, "{}", both(&output));
    let targets: Vec<String> = findings(&json(&output)).into_iter().map(|f| f.1).collect();
    assert!(
        targets.contains(&"GHSA-npm0-0000-0001".to_owned()),
        "{targets:?}"
    );
    assert!(
        !targets.contains(&"RUSTSEC-2099-0001".to_owned()),
        "crates.io was not downloaded"
    );
    // …so the crates in Cargo.lock were checked against nothing: that fails, it does not pass.
    assert!(targets.contains(&"crates.io".to_owned()), "{targets:?}");
    let output = workspace.run(&["supply", "audit", "project/Cargo.lock", "--color", "never"]);
    assert_eq!(code(&output), 1, "{}", both(&output));
    assert!(
        stdout(&output).contains("supply/no-advisory-data"),
        "{}",
        stdout(&output)
    );
    assert!(
        stdout(&output).contains("2 crates.io package(s) were not checked"),
        "{}",
        stdout(&output)
    );

    let output = workspace.run(&["supply", "db", "status"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    let text = stdout(&output);
    assert!(text.contains("PyPI: 2 advisories"), "{text}");
    assert!(text.contains("npm: 1 advisories"), "{text}");
    assert!(text.contains("(0 days ago)"), "{text}");

    // A zip the record lists but that is gone: an error, not a partial audit.
    std::fs::remove_file(dir.join("npm.zip")).unwrap();
    let output = workspace.run(&["supply", "audit", "project/requirements.txt"]);
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert!(
        human_stdout(&output).contains("npm.zip is missing"),
        "{}",
        stdout(&output)
    );
    let output = workspace.run(&["supply", "db", "status"]);
    assert_eq!(code(&output), 2, "{}", both(&output));
}

#[test]
fn a_failed_download_leaves_the_cached_database_in_place() {
    let workspace = Workspace::new();
    let server = Server::start();
    let pypi = osv_zip(&["PYSEC-2099-1", "PYSEC-2099-2"]);
    server.serve("/PyPI/all.zip", pypi.clone());
    server.serve("/npm/all.zip", osv_zip(&["GHSA-npm0-0000-0001"]));
    let url = server.url();
    let update = [
        "supply",
        "db",
        "update",
        "--url",
        &url,
        "--ecosystem",
        "PyPI",
        "--ecosystem",
        "npm",
    ];
    assert_eq!(code(&workspace.run(&update)), 0);
    let dir = cache_dir(&workspace);
    let record = std::fs::read_to_string(dir.join("fetched.json")).unwrap();

    // A corrupt download leaves the previous database in place, and exits 2.
    server.serve("/PyPI/all.zip", b"PK\x03\x04 this is not a zip".to_vec());
    let output = workspace.run(&[
        "supply",
        "db",
        "update",
        "--url",
        &url,
        "--ecosystem",
        "PyPI",
    ]);
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert!(
        stderr(&output).contains("not a readable archive"),
        "{}",
        stderr(&output)
    );
    assert_eq!(std::fs::read(dir.join("PyPI.zip")).unwrap(), pypi);
    assert_eq!(listing(&dir), ["PyPI.zip", "fetched.json", "npm.zip"]);

    // A zip whose records do not parse is refused as well.
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    writer
        .start_file("PYSEC-BAD.json", zip::write::SimpleFileOptions::default())
        .unwrap();
    writer.write_all(b"{\"id\": 1}").unwrap();
    server.serve("/PyPI/all.zip", writer.finish().unwrap().into_inner());
    let output = workspace.run(&[
        "supply",
        "db",
        "update",
        "--url",
        &url,
        "--ecosystem",
        "PyPI",
    ]);
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert_eq!(std::fs::read(dir.join("PyPI.zip")).unwrap(), pypi);

    // An ecosystem the server does not have (404) is an error; the others are unaffected.
    let output = workspace.run(&["supply", "db", "update", "--url", &url, "--ecosystem", "Go"]);
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert!(stderr(&output).contains("404"), "{}", stderr(&output));
    assert_eq!(listing(&dir), ["PyPI.zip", "fetched.json", "npm.zip"]);

    // Names that could steer a path or a URL are refused before any request.
    let before = server.requests();
    let output = workspace.run(&[
        "supply",
        "db",
        "update",
        "--url",
        &url,
        "--ecosystem",
        "../x",
    ]);
    assert_eq!(code(&output), 2);
    let output = workspace.run(&[
        "supply",
        "db",
        "update",
        "--url",
        "http://127.0.0.1:1/all.zip",
    ]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("{ecosystem}"),
        "{}",
        stderr(&output)
    );
    assert_eq!(server.requests(), before);
    assert_eq!(
        std::fs::read_to_string(dir.join("fetched.json")).unwrap(),
        record,
        "the fetch record is untouched by failures"
    );
}

#[test]
fn db_update_refuses_a_zip_bomb_and_keeps_the_cached_database() {
    let workspace = Workspace::new();
    let server = Server::start();
    let pypi = osv_zip(&["PYSEC-2099-1"]);
    server.serve("/PyPI/all.zip", pypi.clone());
    let url = server.url();
    let update = [
        "supply",
        "db",
        "update",
        "--url",
        &url,
        "--ecosystem",
        "PyPI",
    ];
    assert_eq!(code(&workspace.run(&update)), 0);
    let dir = cache_dir(&workspace);
    let record = std::fs::read_to_string(dir.join("fetched.json")).unwrap();

    // 8 MiB of spaces deflates to about 8 KB: small to serve, refused after a bounded read.
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    writer.start_file("PYSEC-BOMB.json", options).unwrap();
    writer.write_all(&vec![b' '; 8 * 1024 * 1024]).unwrap();
    server.serve("/PyPI/all.zip", writer.finish().unwrap().into_inner());
    let output = workspace.run(&update);
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert!(
        stderr(&output).contains("download.zip!PYSEC-BOMB.json: larger than 1048576 bytes"),
        "{}",
        stderr(&output)
    );
    assert_eq!(std::fs::read(dir.join("PyPI.zip")).unwrap(), pypi);
    assert_eq!(listing(&dir), ["PyPI.zip", "fetched.json"]);
    assert_eq!(
        std::fs::read_to_string(dir.join("fetched.json")).unwrap(),
        record
    );
}

#[test]
fn db_update_removes_a_dead_run_s_download_and_keeps_a_running_one() {
    let workspace = Workspace::new();
    let server = Server::start();
    server.serve("/PyPI/all.zip", osv_zip(&["PYSEC-2099-1"]));
    let url = server.url();
    let dir = cache_dir(&workspace);
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let running = std::process::id();
    for name in [
        format!(".PyPI.{dead}.download.zip"),
        format!(".PyPI.{running}.download.zip"),
        format!(".npm.{running}.download.zip"),
        "PyPI.backup.zip".to_owned(),
    ] {
        std::fs::write(dir.join(name), "partial").unwrap();
    }
    let output = workspace.run(&[
        "supply",
        "db",
        "update",
        "--url",
        &url,
        "--ecosystem",
        "PyPI",
    ]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    let mut expected = vec![
        format!(".PyPI.{running}.download.zip"),
        format!(".npm.{running}.download.zip"),
        "PyPI.backup.zip".to_owned(),
        "PyPI.zip".to_owned(),
        "fetched.json".to_owned(),
    ];
    expected.sort();
    assert_eq!(listing(&dir), expected);
}

/// A server that accepts and then goes quiet: before the response for `/PyPI/all.zip`, and in
/// the middle of the body for `/crates.io/all.zip`. Each connection is kept open, never closed.
fn stalled_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut open = Vec::new();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            let _ = reader.read_line(&mut request_line);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                line.clear();
            }
            if request_line.contains("/crates.io/") {
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nPK");
                let _ = stream.flush();
            }
            open.push(stream);
        }
    });
    port
}

#[test]
fn db_update_gives_up_on_a_server_that_stops_answering() {
    let workspace = Workspace::new();
    let url = format!(
        "http://127.0.0.1:{}/{{ecosystem}}/all.zip",
        stalled_server()
    );
    let started = std::time::Instant::now();
    let mut child = gate_command(
        workspace.path(),
        workspace.cache.path(),
        &[
            "supply", "db", "update", "--url", &url, "--cache", "db-cache",
        ],
    )
    .env("GATE_HTTP_IDLE_TIMEOUT_SECS", "1")
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    // Bounded whether or not gate gives up: a hung gate is killed and the test fails.
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(60) {
            child.kill().unwrap();
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    let elapsed = started.elapsed();
    assert!(
        elapsed < std::time::Duration::from_secs(30),
        "took {elapsed:?}: {}",
        both(&output)
    );
    assert_eq!(output.status.code(), Some(2), "{}", both(&output));
    let message = stderr(&output);
    for ecosystem in ["PyPI", "crates.io"] {
        assert!(
            message
                .lines()
                .any(|line| line.starts_with(&format!("error: {ecosystem}: "))
                    && line.contains("the server stopped answering")
                    && line.contains("1 s")),
            "{message}"
        );
    }
    let dir = workspace.path().join("db-cache");
    assert!(
        listing(&dir).is_empty(),
        "nothing is installed or left behind: {:?}",
        listing(&dir)
    );
}

#[test]
fn db_update_defaults_to_pypi_and_crates_and_honours_cache() {
    let workspace = Workspace::new();
    let server = Server::start();
    server.serve("/PyPI/all.zip", osv_zip(&["PYSEC-2099-1"]));
    server.serve("/crates.io/all.zip", osv_zip(&["RUSTSEC-2099-0001"]));
    let url = server.url();
    let output = workspace.run(&[
        "supply", "db", "update", "--url", &url, "--cache", "db-cache",
    ]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    assert_eq!(server.requests(), 2);
    let dir = workspace.path().join("db-cache");
    assert_eq!(listing(&dir), ["PyPI.zip", "crates.io.zip", "fetched.json"]);
    assert!(
        !cache_dir(&workspace).exists(),
        "--cache replaces the default"
    );

    // A damaged fetch record is rewritten by the next update rather than blocking it.
    let saved = std::fs::read_to_string(dir.join("fetched.json")).unwrap();
    std::fs::write(dir.join("fetched.json"), "{ not json").unwrap();
    let output = workspace.run(&["supply", "db", "status", "--cache", "db-cache"]);
    assert_eq!(code(&output), 2, "{}", both(&output));
    let output = workspace.run(&[
        "supply", "db", "update", "--url", &url, "--cache", "db-cache",
    ]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    assert!(
        stderr(&output).contains("not a fetch record"),
        "{}",
        stderr(&output)
    );
    let rewritten = std::fs::read_to_string(dir.join("fetched.json")).unwrap();
    assert_eq!(rewritten.len(), saved.len(), "{rewritten}");

    // A cache directory given with --db is read through its fetch record.
    let output = workspace.run(&[
        "supply", "audit", "project", "--db", "db-cache", "--format", "json",
    ]);
    assert_eq!(code(&output), 1, "{}", both(&output));
    let report = json(&output);
    assert_eq!(report["gates"][0]["metrics"]["advisories"], 2);
    assert_eq!(report["gates"][0]["metrics"]["database-age-days"], 0);

    let output = workspace.run(&["supply", "db", "status", "--cache", "db-cache"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    assert!(
        stdout(&output).contains("crates.io: 1 advisories"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn db_status_without_a_database_is_an_error() {
    let workspace = Workspace::new();
    let output = workspace.run(&["supply", "db", "status"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("gate supply db update"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_stale_database_warns() {
    let workspace = Workspace::new();
    let server = Server::start();
    server.serve("/PyPI/all.zip", osv_zip(&["PYSEC-2099-1"]));
    let url = server.url();
    let output = workspace.run(&[
        "supply",
        "db",
        "update",
        "--url",
        &url,
        "--ecosystem",
        "PyPI",
    ]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    workspace.write("fixed/requirements.txt", "insecure-lib==2.0.0\n");

    let output = workspace.run(&["supply", "audit", "fixed", "--format", "json"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    assert!(findings(&json(&output)).is_empty(), "fresh: no warning");

    // Pretend the download is 30 days old.
    let record_path = cache_dir(&workspace).join("fetched.json");
    let mut record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&record_path).unwrap()).unwrap();
    let fetched = record["ecosystems"]["PyPI"]["fetched"].as_u64().unwrap();
    record["ecosystems"]["PyPI"]["fetched"] = (fetched - 30 * 86_400).into();
    std::fs::write(&record_path, record.to_string()).unwrap();

    let output = workspace.run(&["supply", "audit", "fixed", "--format", "json"]);
    assert_eq!(
        code(&output),
        0,
        "a warning, not a failure: {}",
        both(&output)
    );
    let all = findings(&json(&output));
    assert_eq!(
        all,
        [(
            "supply/stale-database".into(),
            "advisory-database".into(),
            "warn".into(),
            false
        )]
    );
    let output = workspace.run(&[
        "supply",
        "audit",
        "fixed",
        "--max-db-age",
        "31",
        "--format",
        "json",
    ]);
    assert!(findings(&json(&output)).is_empty());
    let output = workspace.run(&["supply", "db", "status"]);
    assert!(
        stdout(&output).contains("30 days ago, stale"),
        "{}",
        stdout(&output)
    );

    // A directory the user gives has no known age: no warning.
    let output = workspace.audit(&["fixed", "--format", "json"]);
    let report = json(&output);
    assert!(findings(&report).is_empty());
    assert!(
        report["gates"][0]["metrics"]
            .get("database-age-days")
            .is_none()
    );
}

#[test]
fn sbom_lists_every_locked_package_with_purls() {
    let workspace = Workspace::new();
    let output = workspace.run(&["supply", "sbom", "project"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    insta::assert_snapshot!("sbom_project", stdout(&output));

    let output = workspace.run(&["supply", "sbom", "project", "-o", "bom.json"]);
    assert_eq!(code(&output), 0);
    assert!(stdout(&output).is_empty());
    let bom: serde_json::Value = serde_json::from_str(&workspace.read("bom.json")).unwrap();
    assert_eq!(bom["specVersion"], "1.5");
    assert!(
        bom["metadata"].get("timestamp").is_none(),
        "no timestamp unless asked"
    );

    let output = workspace.run(&["supply", "sbom", "project/Cargo.lock", "--timestamp"]);
    let bom: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let timestamp = bom["metadata"]["timestamp"].as_str().unwrap();
    assert!(
        timestamp.ends_with('Z') && timestamp.len() == 20,
        "{timestamp}"
    );
    assert_eq!(
        bom["components"].as_array().unwrap().len(),
        2,
        "app is the project itself"
    );

    let output = workspace.run(&["supply", "sbom", "missing.lock"]);
    assert_eq!(code(&output), 2);

    // A requirements file of any name, with a direct reference parsed into name and version.
    workspace.write(
        "req.txt",
        "jinja2 @ https://files.example.invalid/jinja2-3.1.2-py3-none-any.whl\n",
    );
    let output = workspace.run(&["supply", "sbom", "-r", "req.txt"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    let bom: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let purl = bom["components"][0]["purl"].as_str().unwrap();
    assert!(
        purl.starts_with("pkg:pypi/jinja2@3.1.2?download_url=https%3A%2F%2F"),
        "{purl}"
    );
}

/// The Python advisory data in `../shared/advisory-db` (beside the checkout, in CI too).
/// Whether shared/advisory-db is beside the checkout: a bare clone skips the test on real data;
/// `.ci/run` sets `GATE_REQUIRE_SHARED_DATA=1`, and there a missing directory fails it.
// A skipped test says so on standard error, where cargo shows it.
#[allow(clippy::print_stderr)]
fn shared_data_present() -> bool {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/advisory-db/pypa-osv/vulns");
    let present = path.is_dir();
    if !present {
        assert!(
            std::env::var_os("GATE_REQUIRE_SHARED_DATA").is_none(),
            "the real advisory data is missing at {} and GATE_REQUIRE_SHARED_DATA is set",
            path.display()
        );
        eprintln!("skipped: no shared/advisory-db at {}", path.display());
    }
    present
}

/// Ends the test early when the shared advisory data is absent.
macro_rules! skip_without_shared_data {
    () => {
        if !shared_data_present() {
            return;
        }
    };
}

fn pypa_data() -> PathBuf {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/advisory-db/pypa-osv/vulns");
    assert!(
        path.is_dir(),
        "the real advisory data is missing: expected {} (the shared advisory-db beside the \
         checkout)",
        path.display()
    );
    path
}

fn beacon() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/beacon")
}

#[test]
fn real_pypa_data_finds_the_beacon_incident_and_passes_the_service() {
    skip_without_shared_data!();
    let cache = tempfile::tempdir().unwrap();
    let data = pypa_data();
    let data = data.to_str().unwrap();
    let output = gate_cached(
        &beacon(),
        cache.path(),
        &[
            "supply",
            "audit",
            "incidents/vulnerable-dependency",
            "--db",
            data,
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&output), 1, "{}", both(&output));
    let report = json(&output);
    let targets: Vec<String> = findings(&report).into_iter().map(|f| f.1).collect();
    assert!(
        targets.contains(&"PYSEC-2023-212".to_owned()),
        "{targets:?}"
    );
    let finding = report["gates"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["target"] == "PYSEC-2023-212")
        .unwrap();
    assert_eq!(finding["details"]["fix"], "2.0.7");
    assert_eq!(
        finding["location"]["path"],
        "incidents/vulnerable-dependency/requirements.txt"
    );
    assert!(
        finding["details"]["aliases"]
            .as_array()
            .unwrap()
            .contains(&"CVE-2023-45803".into())
    );

    let output = gate_cached(
        &beacon(),
        cache.path(),
        &[
            "supply",
            "audit",
            "api/requirements.txt",
            "worker/requirements.txt",
            "--db",
            data,
        ],
    );
    assert_eq!(code(&output), 0, "{}", both(&output));
}

#[test]
fn beacon_passes_and_its_incidents_fail_with_the_excerpt() {
    let cache = tempfile::tempdir().unwrap();
    let output = gate_cached(
        &beacon(),
        cache.path(),
        &["check", "--only", "supply", "--format", "json"],
    );
    assert_eq!(code(&output), 0, "{}", both(&output));
    let output = gate_cached(
        &beacon().join("incidents"),
        cache.path(),
        &["check", "--only", "supply", "--format", "json"],
    );
    assert_eq!(code(&output), 1, "{}", both(&output));
    let targets: Vec<String> = findings(&json(&output)).into_iter().map(|f| f.1).collect();
    // The audit's advisory, then the license check's unapproved package.
    assert_eq!(targets, ["PYSEC-2023-212", "mutagen"]);
}

#[test]
fn supply_help_snapshots() {
    let directory = tempfile::tempdir().unwrap();
    for (name, args) in [
        ("supply_audit_help", vec!["supply", "audit", "--help"]),
        (
            "supply_db_update_help",
            vec!["supply", "db", "update", "--help"],
        ),
        ("supply_sbom_help", vec!["supply", "sbom", "--help"]),
    ] {
        let output = gate_cached(directory.path(), directory.path(), &args);
        assert_eq!(code(&output), 0);
        insta::assert_snapshot!(name, stdout(&output));
    }
    // `--ignore` is documented as one run only, pointing at waivers for lasting exceptions.
    let output = gate_cached(
        directory.path(),
        directory.path(),
        &["supply", "audit", "--help"],
    );
    let mut text = String::new();
    output.stdout.as_slice().read_to_string(&mut text).unwrap();
    assert!(text.contains("[[waiver]]"), "{text}");
}
