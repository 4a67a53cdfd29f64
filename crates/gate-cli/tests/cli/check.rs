//! `gate check` on a small service: exit codes 0/1/2, waivers, output destinations.

use crate::{code, copy_of, gate, gate_with_env, stderr, stdout};

const PASSING: &str = "[coverage]\nreports = [\"coverage.xml\"]\npyproject = \"pyproject.toml\"\n";

fn service(config: &str) -> tempfile::TempDir {
    let directory = copy_of("service");
    std::fs::write(directory.path().join("gate.toml"), config).unwrap();
    directory
}

#[test]
fn passes_with_exit_zero() {
    let directory = service(PASSING);
    let output = gate(directory.path(), &["check", "--today", "2026-11-28"]);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    insta::assert_snapshot!("check_pass", stdout(&output));
}

#[test]
fn fails_with_exit_one() {
    let directory =
        service("[coverage]\nreports = [\"coverage.xml\"]\nfail-under = 80\nprecision = 2\n");
    let output = gate(directory.path(), &["check"]);
    assert_eq!(code(&output), 1);
    assert!(
        stdout(&output)
            .contains("fail   coverage/total    total of 71.43 is less than fail-under=80.00"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_missing_report_is_an_error_not_a_pass() {
    let directory = service("[coverage]\nreports = [\"missing.xml\"]\n");
    let output = gate(directory.path(), &["check"]);
    assert_eq!(code(&output), 2);
    assert!(
        stdout(&output).contains("coverage ERROR"),
        "{}",
        stdout(&output)
    );
    assert!(
        stdout(&output).contains("missing.xml"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn protect_without_saved_settings_is_not_a_gate_of_check() {
    // [protect] alone configures `gate protect plan|apply`; with `current` it is checked too.
    let directory = service(&format!("{PASSING}\n[protect]\nbranch = \"main\"\n"));
    let output = gate(directory.path(), &["check"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(!stdout(&output).contains("protect"), "{}", stdout(&output));
    let output = gate(directory.path(), &["check", "--only", "protect"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("has no `current`"),
        "{}",
        stderr(&output)
    );

    let directory = service(&format!(
        "{PASSING}\n[protect]\nbranch = \"main\"\ncurrent = \"missing.json\"\n"
    ));
    let output = gate(directory.path(), &["check"]);
    assert_eq!(
        code(&output),
        2,
        "a settings file that cannot be read is an error"
    );
    assert!(
        stdout(&output).contains("protect ERROR"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_coverage_config_error_names_its_line() {
    let directory = service("[coverage]\nreports = [\"coverage.xml\"]\nfail-under = 120\n");
    let output = gate(directory.path(), &["check"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("gate.toml:3:14:"),
        "{}",
        stderr(&output)
    );
    let directory = service("[coverage]\nreports = [\"coverage.xml\"]\nfail_under = 80\n");
    let output = gate(directory.path(), &["check"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("gate.toml:3:1: unknown field `fail_under`"),
        "{}",
        stderr(&output)
    );
}

const FAILING_WITH_WAIVER: &str = "[coverage]\nreports = [\"coverage.xml\"]\nfail-under = 80\nprecision = 2\n\n\
    [[waiver]]\nrule = \"coverage/total\"\ntarget = \"total\"\nreason = \"checkout rewrite brings tests (SHOP-7)\"\nexpires = 2026-12-31\nowner = \"@shop\"\n";

#[test]
fn a_live_waiver_turns_a_failure_into_a_pass_and_keeps_it_visible() {
    let directory = service(FAILING_WITH_WAIVER);
    let output = gate(directory.path(), &["check", "--today", "2026-12-31"]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    assert!(
        stdout(&output).contains(
            "waived until 2026-12-31, owner @shop: checkout rewrite brings tests (SHOP-7)"
        )
    );
}

#[test]
fn an_expired_waiver_fails_and_names_its_line() {
    let directory = service(FAILING_WITH_WAIVER);
    let output = gate(
        directory.path(),
        &["check", "--today", "2027-01-01", "--color", "never"],
    );
    assert_eq!(code(&output), 1);
    let text = stdout(&output);
    assert!(text.contains("fail   coverage/total"), "{text}");
    assert!(text.contains("waiver/expired  gate.toml:6"), "{text}");
    assert!(text.contains("expired on 2026-12-31"), "{text}");
}

#[test]
fn machine_formats_give_repository_relative_paths_for_a_config_in_a_subdirectory() {
    let repository = tempfile::tempdir().unwrap();
    let service_dir = repository.path().join("services/shop");
    std::fs::create_dir_all(&service_dir).unwrap();
    super::copy_dir(&super::fixture("service"), &service_dir);
    std::fs::write(service_dir.join("gate.toml"), FAILING_WITH_WAIVER).unwrap();
    let git = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(repository.path())
        .status()
        .unwrap();
    assert!(git.success());
    let output = gate(
        &service_dir,
        &[
            "check",
            "--today",
            "2027-01-01",
            "--color",
            "never",
            "--format",
            "human",
            "--format",
            "json=report.json",
            "--format",
            "sarif=report.sarif",
        ],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    // People read paths as gate.toml has them; platforms resolve them from the repository root.
    assert!(
        stdout(&output).contains("waiver/expired  gate.toml:6"),
        "{}",
        stdout(&output)
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(service_dir.join("report.json")).unwrap())
            .unwrap();
    let expired = json["gates"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["rule"] == "waiver/expired")
        .unwrap();
    assert_eq!(expired["location"]["path"], "services/shop/gate.toml");
    let sarif = std::fs::read_to_string(service_dir.join("report.sarif")).unwrap();
    assert!(
        sarif.contains("\"uri\": \"services/shop/gate.toml\""),
        "{sarif}"
    );
}

#[test]
fn an_unused_waiver_warns_without_failing() {
    let config = format!(
        "{PASSING}\n[[waiver]]\nrule = \"coverage/path\"\ntarget = \"shop/**\"\nreason = \"old\"\nexpires = 2027-06-30\n"
    );
    let directory = service(&config);
    let output = gate(directory.path(), &["check", "--today", "2026-11-28"]);
    assert_eq!(code(&output), 0);
    assert!(
        stdout(&output).contains("warn   waiver/unused"),
        "{}",
        stdout(&output)
    );
    assert!(stdout(&output).contains("1 warning"));
}

#[test]
fn only_and_skip_select_gates() {
    let directory = service(PASSING);
    assert_eq!(
        code(&gate(directory.path(), &["check", "--only", "coverage"])),
        0
    );
    let output = gate(directory.path(), &["check", "--skip", "coverage"]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("--skip left no gates"));
    let output = gate(directory.path(), &["check", "--only", "release"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("has no [release] section"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn several_formats_go_to_their_files_in_one_run() {
    let directory = service(PASSING);
    let output = gate(
        directory.path(),
        &[
            "check",
            "--format",
            "human",
            "--format",
            "json=out.json",
            "--format",
            "sarif=out.sarif",
            "--format",
            "junit=out.xml",
            "--format",
            "gitlab=gl.json",
            "--format",
            "markdown=summary.md",
        ],
    );
    assert_eq!(code(&output), 0);
    assert!(stdout(&output).contains("coverage PASS"));
    let read = |name: &str| std::fs::read_to_string(directory.path().join(name)).unwrap();
    let json: serde_json::Value = serde_json::from_str(&read("out.json")).unwrap();
    assert_eq!(json["verdict"], "pass");
    assert_eq!(json["gates"][0]["metrics"]["total.statements"], 10);
    let sarif: serde_json::Value = serde_json::from_str(&read("out.sarif")).unwrap();
    assert_eq!(
        sarif["runs"][0]["automationDetails"]["id"],
        "gate/coverage/"
    );
    assert!(read("out.xml").contains("<testsuite name=\"coverage\""));
    assert_eq!(read("gl.json").trim(), "[]");
    assert!(read("summary.md").starts_with("## gate: ✅ pass"));
    // Nothing is left behind by the atomic writes.
    let leftovers: Vec<_> = std::fs::read_dir(directory.path())
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| {
            std::path::Path::new(name)
                .extension()
                .is_some_and(|extension| extension == "tmp")
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn output_sends_the_standard_output_format_to_a_file() {
    let directory = service(PASSING);
    let output = gate(
        directory.path(),
        &["check", "--format", "json", "--output", "report.json"],
    );
    assert_eq!(code(&output), 0);
    assert!(stdout(&output).is_empty());
    assert!(
        std::fs::read_to_string(directory.path().join("report.json"))
            .unwrap()
            .contains("\"version\": 1")
    );
}

#[test]
fn github_actions_get_annotations_and_a_job_summary() {
    let directory =
        service("[coverage]\nreports = [\"coverage.xml\"]\nfail-under = 80\nprecision = 2\n");
    let summary = directory.path().join("summary.md");
    let output = gate_with_env(
        directory.path(),
        &["check"],
        &[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
        ],
    );
    assert_eq!(code(&output), 1);
    let text = stdout(&output);
    assert!(text.contains("coverage FAIL"), "{text}");
    assert!(
        text.contains("::error title=coverage/total::total of 71.43 is less than fail-under=80.00"),
        "{text}"
    );
    let summary = std::fs::read_to_string(summary).unwrap();
    assert!(
        summary.contains("| coverage | ❌ fail | 1 | 0 | 0 | 0 |"),
        "{summary}"
    );
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let directory = service(PASSING);
    let coloured = gate(directory.path(), &["check", "--color", "always"]);
    assert!(stdout(&coloured).contains("\u{1b}[32mPASS"));
    let plain = gate(directory.path(), &["check", "--color", "never"]);
    assert!(!stdout(&plain).contains('\u{1b}'));
    // Standard output is not a terminal here, and NO_COLOR is set: no colour either way.
    let auto = gate_with_env(directory.path(), &["check"], &[("NO_COLOR", "1")]);
    assert!(!stdout(&auto).contains('\u{1b}'));
}

#[test]
fn projects_have_their_own_thresholds_and_prefixed_findings() {
    let directory = service(
        "[[coverage.project]]\nname = \"shop\"\nreports = [\"coverage.xml\"]\npyproject = \"pyproject.toml\"\n\n\
         [[coverage.project]]\nname = \"strict\"\nreports = [\"coverage.xml\"]\nfail-under = 90\n",
    );
    let output = gate(directory.path(), &["check", "--format", "json"]);
    assert_eq!(code(&output), 1);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let findings = json["gates"][0]["findings"].as_array().unwrap();
    assert_eq!(
        findings[0]["message"],
        "shop: total of 71.43 meets fail-under=70.00"
    );
    assert_eq!(
        findings[1]["message"],
        "strict: total of 71 is less than fail-under=90"
    );
    assert_eq!(findings[1]["target"], "strict:total");
    assert_eq!(json["gates"][0]["metrics"]["shop.total.statements"], 10);
}

#[test]
fn diff_coverage_from_a_diff_file_annotates_uncovered_added_lines() {
    let directory = service(
        "[coverage]\nreports = [\"coverage.xml\"]\ndiff-file = \"pr.diff\"\ndiff-fail-under = 80\n",
    );
    let output = gate(directory.path(), &["check", "--format", "github"]);
    assert_eq!(code(&output), 1);
    let text = stdout(&output);
    assert!(
        text.contains("::error title=coverage/diff::diff coverage 66%25 < 80%25"),
        "{text}"
    );
    assert!(
        text.contains("::warning file=shop/cart.py,line=5,title=coverage/diff-uncovered::"),
        "{text}"
    );
}
