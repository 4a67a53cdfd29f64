//! Integration tests of the supply audit: fixtures under `tests/fixtures/<case>/` and the real
//! advisory data in `../shared/advisory-db` (beside the checkout, in CI too).

// The fuzzing PRNG truncates its 64-bit output to bytes and indices on purpose.
#![allow(clippy::cast_possible_truncation)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::OnceLock;

use gate_core::{Date, GateReport, Report, Verdict, apply_waivers};
use gate_supply::{
    AuditConfig, Database, DbError, Ecosystem, Ignore, LockfileKind, RecordFormat, audit,
    ignores_to_waivers, parse_osv, read_lockfile,
};

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(case)
}

/// Whether shared/advisory-db is beside the checkout. A bare clone has no such directory and
/// skips the tests on real data; `.ci/run` sets `GATE_REQUIRE_SHARED_DATA=1`, and there a
/// missing directory fails them.
// A skipped test says so on standard error, where cargo shows it.
#[allow(clippy::print_stderr)]
fn shared_data_present() -> bool {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/advisory-db");
    let present =
        path.join("pypa-osv/vulns").is_dir() && path.join("rustsec-native/crates").is_dir();
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

/// Ends the test early when the shared advisory data is absent (see [`shared_data_present`]).
macro_rules! skip_without_shared_data {
    () => {
        if !shared_data_present() {
            return;
        }
    };
}

fn advisory_db() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/advisory-db");
    assert!(
        path.join("pypa-osv/vulns").is_dir() && path.join("rustsec-native/crates").is_dir(),
        "the real advisory data is missing at {}: these tests need shared/advisory-db beside the \
         checkout (it is there in CI); they do not skip",
        path.display()
    );
    path
}

fn pypa() -> &'static Database {
    static DB: OnceLock<Database> = OnceLock::new();
    DB.get_or_init(|| Database::load(&[advisory_db().join("pypa-osv/vulns")]).unwrap())
}

fn rustsec_native() -> &'static Database {
    static DB: OnceLock<Database> = OnceLock::new();
    DB.get_or_init(|| Database::load(&[advisory_db().join("rustsec-native/crates")]).unwrap())
}

fn rustsec_osv() -> &'static Database {
    static DB: OnceLock<Database> = OnceLock::new();
    DB.get_or_init(|| Database::load(&[advisory_db().join("rustsec-osv/crates")]).unwrap())
}

/// `(package, record id)` of every advisory finding (merged records each listed).
fn hits(report: &GateReport) -> BTreeSet<(String, String)> {
    report
        .findings
        .iter()
        .filter(|f| f.details.contains_key("records"))
        .flat_map(|f| {
            let package = f.details["package"].as_str().unwrap().to_owned();
            f.details["records"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |id| (package.clone(), id.as_str().unwrap().to_owned()))
        })
        .collect()
}

fn ids_of(report: &GateReport, rule: &str) -> BTreeSet<String> {
    report
        .findings
        .iter()
        .filter(|f| f.rule.id == rule)
        .map(|f| f.target.clone().unwrap())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// An independent matcher over the PyPA YAML, for cross-checking: it reads the records as plain
// YAML values and closes every open `introduced` at the next end event while scanning.

fn pep503(name: &str) -> String {
    let lower = name.to_lowercase().replace(['_', '.'], "-");
    let mut out = String::new();
    for c in lower.chars() {
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    out
}

#[derive(Default, Debug)]
struct Expected {
    affected: BTreeSet<(String, String)>,
    unevaluable: BTreeSet<String>,
}

fn independent_pypa(pins: &[(String, String)]) -> Expected {
    use pep440_rs::Version;
    let vulns = advisory_db().join("pypa-osv/vulns");
    let mut dirs: Vec<(String, PathBuf)> = std::fs::read_dir(&vulns)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            (pep503(path.file_name().unwrap().to_str().unwrap()), path)
        })
        .collect();
    dirs.sort();
    let mut expected = Expected::default();
    for (name, version) in pins {
        let name = pep503(name);
        let version = Version::from_str(version).unwrap();
        for (_, dir) in dirs.iter().filter(|(n, _)| *n == name) {
            for file in std::fs::read_dir(dir).unwrap() {
                let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
                let record: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
                if record.get("withdrawn").is_some() {
                    continue;
                }
                let id = record["id"].as_str().unwrap().to_owned();
                for affected in record["affected"].as_sequence().into_iter().flatten() {
                    if affected["package"]["ecosystem"].as_str() != Some("PyPI")
                        || pep503(affected["package"]["name"].as_str().unwrap()) != name
                    {
                        continue;
                    }
                    let listed = affected["versions"]
                        .as_sequence()
                        .into_iter()
                        .flatten()
                        .filter_map(|v| Version::from_str(v.as_str()?).ok())
                        .any(|v| v == version);
                    let mut hit = listed;
                    for range in affected["ranges"].as_sequence().into_iter().flatten() {
                        if range["type"].as_str() == Some("GIT") {
                            continue;
                        }
                        let mut open: Vec<Option<Version>> = Vec::new();
                        let mut intervals = Vec::new();
                        for event in range["events"].as_sequence().unwrap() {
                            let (key, value) = event.as_mapping().unwrap().iter().next().unwrap();
                            let (key, value) = (key.as_str().unwrap(), value.as_str().unwrap());
                            let parsed = if key == "introduced" && value == "0" {
                                None
                            } else if let Ok(v) = Version::from_str(value) {
                                Some(v)
                            } else {
                                expected.unevaluable.insert(id.clone());
                                continue;
                            };
                            match key {
                                "introduced" => open.push(parsed),
                                "fixed" | "last_affected" => {
                                    for start in open.drain(..) {
                                        intervals.push((start, Some((key, parsed.clone()))));
                                    }
                                }
                                _ => {}
                            }
                        }
                        intervals.extend(open.into_iter().map(|s| (s, None)));
                        for (start, end) in intervals {
                            let above = start.is_none_or(|s| version >= s);
                            let below = match end {
                                None => true,
                                Some(("fixed", Some(f))) => version < f,
                                Some((_, Some(l))) => version <= l,
                                Some((_, None)) => false,
                            };
                            hit |= above && below;
                        }
                    }
                    if hit {
                        expected.affected.insert((name.clone(), id.clone()));
                    }
                }
            }
        }
    }
    expected
}

fn python_pins() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(fixture("python-pins/requirements.txt")).unwrap();
    text.lines()
        .filter_map(|l| l.split_once("=="))
        .map(|(n, v)| {
            (
                n.to_owned(),
                v.split_whitespace().next().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn python_locks_in_every_format_agree_with_an_independent_matcher() {
    skip_without_shared_data!();
    let pins = python_pins();
    assert_eq!(pins.len(), 24);
    let expected = independent_pypa(&pins);
    assert!(expected.affected.len() > 40, "{expected:?}");
    for file in [
        "requirements.txt",
        "poetry.lock",
        "uv.lock",
        "Pipfile.lock",
        "pylock.toml",
        "site-packages",
    ] {
        let path = fixture("python-pins").join(file);
        let deps = read_lockfile(&path).unwrap();
        let registry: Vec<_> = deps
            .iter()
            .filter(|d| d.origin != gate_supply::Origin::Local)
            .collect();
        assert!(
            registry.iter().all(|d| d.version.pinned().is_some()),
            "{file}"
        );
        assert_eq!(registry.len(), 24, "{file}");
        let report = audit(&deps, pypa(), &AuditConfig::default());
        assert_eq!(hits(&report), expected.affected, "{file}");
        let unevaluable: BTreeSet<String> = ids_of(&report, "supply/unevaluable");
        assert_eq!(unevaluable, expected.unevaluable, "{file}");
        assert_eq!(report.verdict(), Verdict::Fail);
        assert!(
            report
                .findings
                .iter()
                .all(|f| f.location.as_ref().unwrap().line.is_some())
        );
    }
}

#[test]
fn real_uv_output_agrees_with_the_independent_matcher() {
    skip_without_shared_data!();
    // Pins from the exported requirements file, read with plain string handling.
    let text = std::fs::read_to_string(fixture("python-uv/requirements.txt")).unwrap();
    let pins: Vec<(String, String)> = text
        .lines()
        .filter(|l| !l.starts_with([' ', '#']))
        .filter_map(|l| l.split_once("=="))
        .map(|(n, rest)| {
            let version = rest.split([' ', ';']).next().unwrap();
            (n.to_owned(), version.to_owned())
        })
        .collect();
    assert!(pins.len() >= 20, "{pins:?}");
    let expected = independent_pypa(&pins);
    assert!(expected.affected.len() > 20, "{expected:?}");
    for file in ["uv.lock", "requirements.txt", "pylock.toml"] {
        let deps = read_lockfile(&fixture("python-uv").join(file)).unwrap();
        let registry = deps
            .iter()
            .filter(|d| d.origin != gate_supply::Origin::Local)
            .count();
        assert_eq!(registry, pins.len(), "{file}");
        let report = audit(&deps, pypa(), &AuditConfig::default());
        assert_eq!(hits(&report), expected.affected, "{file}");
        assert!(ids_of(&report, "supply/unpinned").is_empty(), "{file}");
    }
    let uv = read_lockfile(&fixture("python-uv/uv.lock")).unwrap();
    let requests = uv.iter().find(|d| d.name == "requests").unwrap();
    assert_eq!(requests.relation, gate_supply::Relation::Direct);
    let idna = uv.iter().find(|d| d.name == "idna").unwrap();
    assert_eq!(idna.relation, gate_supply::Relation::Transitive);
}

#[test]
fn real_pipenv_lock_agrees_with_the_independent_matcher() {
    skip_without_shared_data!();
    let path = fixture("python-pipenv/Pipfile.lock");
    let lock: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let pins: Vec<(String, String)> = ["default", "develop"]
        .iter()
        .flat_map(|section| lock[section].as_object().unwrap())
        .map(|(name, entry)| {
            let version = entry["version"].as_str().unwrap().trim_start_matches("==");
            (name.clone(), version.to_owned())
        })
        .collect();
    let expected = independent_pypa(&pins);
    assert!(expected.affected.len() > 10, "{expected:?}");
    let deps = read_lockfile(&path).unwrap();
    assert_eq!(deps.len(), pins.len());
    let report = audit(&deps, pypa(), &AuditConfig::default());
    assert_eq!(hits(&report), expected.affected);
}

#[test]
fn real_site_packages_agree_with_the_independent_matcher() {
    skip_without_shared_data!();
    let dir = fixture("site-packages-real/site-packages");
    let pins: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            let stem = name.trim_end_matches(".dist-info");
            let (n, v) = stem.split_once('-').unwrap();
            (n.to_owned(), v.to_owned())
        })
        .collect();
    assert_eq!(pins.len(), 12);
    let expected = independent_pypa(&pins);
    assert!(expected.affected.len() > 10, "{expected:?}");
    let deps = read_lockfile(&dir).unwrap();
    assert_eq!(deps.len(), 12);
    assert!(deps.iter().all(|d| d.line.is_some()));
    let report = audit(&deps, pypa(), &AuditConfig::default());
    assert_eq!(hits(&report), expected.affected);
}

#[test]
fn awkward_pypa_records() {
    skip_without_shared_data!();
    let deps = read_lockfile(&fixture("python-pins/requirements.txt")).unwrap();
    let report = audit(&deps, pypa(), &AuditConfig::default());
    let hit = |package: &str, id: &str| hits(&report).contains(&(package.into(), id.into()));
    // Unsorted events: [2.4.0.0, 2.4.1.0) listed before [2.3.0.0, 2.3.3.0).
    assert!(hit("ansible", "PYSEC-2017-4"));
    // `versions` lists 23.9.0 although the range says fixed in 23.9.0: either source suffices.
    assert!(hit("gevent", "PYSEC-2023-177"));
    // A record with only `versions`, no ranges.
    assert!(hit("gratient", "PYSEC-2024-1"));
    // `last_affected` is inclusive.
    assert!(hit("py", "PYSEC-2022-42969"));
    // GIT ranges are skipped; the ECOSYSTEM range from "0" with no end still matches.
    assert!(hit("cdo-local-uuid", "PYSEC-2024-6"));
    // Withdrawn records are not loaded at all.
    assert!(
        pypa()
            .advisories()
            .iter()
            .all(|a| a.id != "PYSEC-2023-73" && a.id != "PYSEC-2022-43059")
    );
    // Records without severity fail by default and carry "severity": "unknown".
    let requests = report
        .findings
        .iter()
        .find(|f| f.target.as_deref() == Some("PYSEC-2018-28"))
        .unwrap();
    assert_eq!(requests.verdict, Verdict::Fail);
    // Package and advisory, not the pinned version: a newer affected pin is the same problem.
    assert_eq!(requests.identity(), "requests PYSEC-2018-28");
    assert_eq!(requests.details["severity"], "unknown");
    assert_eq!(requests.details["fix"], "2.20.0");
    assert_eq!(
        requests
            .location
            .as_ref()
            .unwrap()
            .to_string()
            .rsplit_once(':')
            .unwrap()
            .1,
        "2"
    );
    // A record with a CVSS vector is scored.
    let cdo = report
        .findings
        .iter()
        .find(|f| f.target.as_deref() == Some("PYSEC-2024-6"))
        .unwrap();
    assert!(cdo.score.is_some());
    // With "no severity" downgraded, such findings warn instead.
    let mut config = AuditConfig::default();
    config.no_severity = Verdict::Warn;
    let relaxed = audit(&deps, pypa(), &config);
    let requests = relaxed
        .findings
        .iter()
        .find(|f| f.target.as_deref() == Some("PYSEC-2018-28"))
        .unwrap();
    assert_eq!(requests.verdict, Verdict::Warn);
}

#[test]
fn severity_threshold_turns_lower_findings_into_warnings() {
    skip_without_shared_data!();
    let deps = read_lockfile(&fixture("cargo-vulnerable/Cargo.lock")).unwrap();
    let mut config = AuditConfig::default();
    config.severity_threshold = Some(gate_core::Severity::Critical);
    let report = audit(&deps, rustsec_osv(), &config);
    for finding in report
        .findings
        .iter()
        .filter(|f| f.rule.id == "supply/vulnerability")
    {
        match finding.severity {
            Some(gate_core::Severity::Critical) | None => {
                assert_eq!(finding.verdict, Verdict::Fail);
            }
            Some(_) => assert_eq!(finding.verdict, Verdict::Warn, "{}", finding.message),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// RustSec: the expected ids are what cargo-audit reports on the same lock and native DB
// (tests/fixtures/cargo-vulnerable/expected-cargo-audit.json, see the README there).

type Triples = BTreeSet<(String, String, String)>;

/// `(id, package, version)` of cargo-audit's vulnerabilities and of its advisory warnings.
fn cargo_audit_expectation() -> (Triples, Triples) {
    let text =
        std::fs::read_to_string(fixture("cargo-vulnerable/expected-cargo-audit.json")).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let triple = |v: &serde_json::Value| {
        Some((
            v["advisory"]["id"].as_str()?.to_owned(),
            v["package"]["name"].as_str()?.to_owned(),
            v["package"]["version"].as_str()?.to_owned(),
        ))
    };
    let vulnerabilities = value["vulnerabilities"]["list"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(triple)
        .collect();
    // `yanked` warnings carry no advisory (they need the registry index): not part of the audit.
    let warnings = value["warnings"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|list| list.as_array().unwrap())
        .filter_map(triple)
        .collect();
    (vulnerabilities, warnings)
}

fn triples(report: &GateReport, rule: &str, verdict: Verdict) -> Triples {
    report
        .findings
        .iter()
        .filter(|f| f.rule.id == rule && f.verdict == verdict)
        .map(|f| {
            (
                f.target.clone().unwrap(),
                f.details["package"].as_str().unwrap().to_owned(),
                f.details["version"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn cargo_lock_matches_cargo_audit_on_both_rustsec_layouts() {
    skip_without_shared_data!();
    let (vulnerabilities, warnings) = cargo_audit_expectation();
    assert!(vulnerabilities.len() > 10 && warnings.len() > 5);
    let deps = read_lockfile(&fixture("cargo-vulnerable/Cargo.lock")).unwrap();
    for db in [rustsec_native(), rustsec_osv()] {
        let report = audit(&deps, db, &AuditConfig::default());
        assert_eq!(
            triples(&report, "supply/vulnerability", Verdict::Fail),
            vulnerabilities
        );
        assert_eq!(
            triples(&report, "supply/informational", Verdict::Warn),
            warnings
        );
        assert_eq!(
            report.findings.len(),
            vulnerabilities.len() + warnings.len(),
            "nothing else reported"
        );
    }
}

#[test]
fn rustsec_shapes_cvss_v4_and_prereleases() {
    skip_without_shared_data!();
    let deps = read_lockfile(&fixture("cargo-vulnerable/Cargo.lock")).unwrap();
    let report = audit(&deps, rustsec_osv(), &AuditConfig::default());
    let find = |id: &str| {
        report
            .findings
            .iter()
            .find(|f| f.target.as_deref() == Some(id))
            .unwrap()
    };
    // CVSS v4 vectors are scored (cap-primitives, zip).
    let v4 = find("RUSTSEC-2024-0445");
    assert!(
        v4.details["cvss"]
            .as_str()
            .unwrap()
            .starts_with("CVSS:4.0/")
    );
    assert!(v4.score.is_some());
    // `introduced: 0.0.0-0` is the beginning, and prereleases are inside ranges.
    let prerelease: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.details.get("version").and_then(|v| v.as_str()) == Some("0.14.0-beta.1"))
        .map(|f| f.target.clone().unwrap())
        .collect();
    assert!(
        prerelease.contains(&"RUSTSEC-2021-0020".to_owned()),
        "{prerelease:?}"
    );
    // Informational advisories warn.
    assert_eq!(find("RUSTSEC-2021-0139").verdict, Verdict::Warn);
    assert_eq!(
        find("RUSTSEC-2021-0139").details["informational"],
        "unmaintained"
    );
    // Loading both layouts together keeps one copy of each advisory.
    let both = Database::load(&[
        advisory_db().join("rustsec-native/crates"),
        advisory_db().join("rustsec-osv/crates"),
    ])
    .unwrap();
    assert_eq!(both.len(), rustsec_native().len().max(rustsec_osv().len()));
}

// ---------------------------------------------------------------------------------------------
// Fail closed.

#[test]
fn missing_or_empty_database_is_an_error_never_a_pass() {
    let empty = tempfile::tempdir().unwrap();
    assert!(matches!(
        Database::load(&[empty.path()]),
        Err(DbError::Empty { .. })
    ));
    let missing = empty.path().join("nope");
    assert!(matches!(
        Database::load(&[&missing]),
        Err(DbError::Io { .. })
    ));
    let deps = read_lockfile(&fixture("python-pins/requirements.txt")).unwrap();
    let report = audit(&deps, &Database::new(), &AuditConfig::default());
    assert_eq!(report.outcome(), gate_core::Outcome::Error);
}

#[test]
fn unpinned_and_unreadable_inputs_never_pass() {
    skip_without_shared_data!();
    let report = audit(
        &read_lockfile(&fixture("requirements-includes/requirements.txt")).unwrap(),
        pypa(),
        &AuditConfig::default(),
    );
    let unpinned = ids_of(&report, "supply/unpinned");
    assert_eq!(unpinned, BTreeSet::from(["flask".to_owned()]));
    assert_eq!(report.verdict(), Verdict::Fail);
    let err = read_lockfile(&fixture("requirements-includes/missing.txt")).unwrap_err();
    assert!(err.to_string().contains("missing.txt"));
    let err =
        read_lockfile(&fixture("requirements-includes/requirements-cycle-a.txt")).unwrap_err();
    assert!(err.to_string().contains("include cycle"), "{err}");
}

#[test]
fn requirements_includes_and_constraints() {
    let deps = read_lockfile(&fixture("requirements-includes/requirements.txt")).unwrap();
    let got: Vec<_> = deps
        .iter()
        .map(|d| {
            (
                d.name.as_str(),
                d.version.to_string(),
                d.source.file_name().unwrap().to_str().unwrap().to_owned(),
                d.line.unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("requests", "2.19.1".into(), "requirements.txt".into(), 2),
            ("flask", ">=1.0".into(), "requirements.txt".into(), 3),
            ("urllib3", "1.26.4".into(), "requirements.txt".into(), 6),
            ("jinja2", "2.10".into(), "base.txt".into(), 1),
        ]
    );
}

/// `/dev/zero` reports size 0 and never ends: the cap must count the bytes read, not trust the
/// reported size (a requirements file with `-c /dev/zero` once grew past 5 GB). Run on a thread
/// with a deadline so a regression fails the test instead of exhausting the machine.
#[cfg(unix)]
#[test]
fn an_endless_include_is_refused_at_the_size_limit() {
    let directory = tempfile::tempdir().unwrap();
    let requirements = directory.path().join("requirements.txt");
    std::fs::write(&requirements, "requests==2.19.1\n-c /dev/zero\n").unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    let path = requirements.clone();
    std::thread::spawn(move || {
        let _ = sender.send(read_lockfile(&path).map_err(|error| error.to_string()));
    });
    let result = receiver
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("reading `-c /dev/zero` did not stop at the size limit");
    let error = result.unwrap_err();
    assert!(
        error.contains("/dev/zero") && error.contains(&(256 * 1024 * 1024).to_string()),
        "{error}"
    );
}

/// Advisory records reached through symbolic links (an alias linked to one record) are read
/// like plain files; a link to an ancestor does not loop; a link leading outside the database is
/// an error, never a skip (a skipped record once let urllib3 2.0.6 pass).
#[cfg(unix)]
#[test]
fn linked_advisory_records_are_followed_inside_the_database_only() {
    use std::os::unix::fs::symlink;
    let database = tempfile::tempdir().unwrap();
    let store = database.path().join("store");
    std::fs::create_dir(&store).unwrap();
    // Not a record name, so it is only found through the link.
    std::fs::write(
        store.join("pysec-x.record"),
        r#"{"id": "PYSEC-X", "affected": [{"package": {"ecosystem": "PyPI", "name": "urllib3"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.0.0"}, {"fixed": "2.0.7"}]}]}]}"#,
    )
    .unwrap();
    symlink("store/pysec-x.record", database.path().join("PYSEC-X.json")).unwrap();
    symlink("..", store.join("loop")).unwrap();
    let pins = database.path().join("requirements.txt");
    std::fs::write(&pins, "urllib3==2.0.6\n").unwrap();

    let db = Database::load(&[database.path()]).unwrap();
    let report = audit(&read_lockfile(&pins).unwrap(), &db, &AuditConfig::default());
    assert_eq!(
        ids_of(&report, "supply/vulnerability"),
        BTreeSet::from(["PYSEC-X".to_owned()])
    );

    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("elsewhere.json"), "{}").unwrap();
    let link = database.path().join("PYSEC-Y.json");
    symlink(outside.path().join("elsewhere.json"), &link).unwrap();
    let error = Database::load(&[database.path()]).unwrap_err();
    assert!(
        matches!(&error, DbError::LinkOutside { path, .. } if *path == link),
        "{error}"
    );
    assert!(error.to_string().contains("PYSEC-Y.json"), "{error}");
}

/// A RustSec advisory-db checkout as `--db`: only `crates/` holds crate advisories (`rust/` is the
/// toolchain's). Its `.github/workflows/*.yml` are CI files, not OSV records: never parsed.
#[test]
fn a_rustsec_checkout_reads_only_its_advisory_directories() {
    let checkout = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = checkout.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    let advisory = |id: &str, package: &str| {
        format!(
            "```toml\n[advisory]\nid = \"{id}\"\npackage = \"{package}\"\ndate = \"2099-01-01\"\n\n\
             [versions]\npatched = [\">= 1.0.1\"]\n```\n\n# A flaw in {package}\n"
        )
    };
    write(
        "crates/demo/RUSTSEC-2099-0001.md",
        &advisory("RUSTSEC-2099-0001", "demo"),
    );
    write(
        "rust/cargo/CVE-2099-0002.md",
        &advisory("CVE-2099-0002", "cargo"),
    );
    write(
        ".github/workflows/x.yml",
        "name: lint\non: [push]\njobs:\n  lint:\n    runs-on: ubuntu-latest\n",
    );
    write(".github/dependabot.yml", "version: 2\n");
    write(".git/info/attributes.json", "[1, 2]\n");
    write("README.md", "# RustSec Advisory Database\n");
    write("support.toml", "[[support]]\n");
    let db = Database::load(&[checkout.path()]).unwrap();
    let mut ids: Vec<&str> = db.advisories().iter().map(|a| a.id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, ["RUSTSEC-2099-0001"]);
    let lock = checkout.path().join("Cargo.lock");
    std::fs::write(
        &lock,
        "version = 3\n\n[[package]]\nname = \"demo\"\nversion = \"1.0.0\"\n\
         source = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
    )
    .unwrap();
    let report = audit(&read_lockfile(&lock).unwrap(), &db, &AuditConfig::default());
    assert_eq!(
        ids_of(&report, "supply/vulnerability"),
        BTreeSet::from(["RUSTSEC-2099-0001".to_owned()])
    );
}

/// The real RustSec snapshot, loaded from its root as a checkout is: its `crates/`.
#[test]
fn the_real_rustsec_snapshot_loads_from_its_root() {
    skip_without_shared_data!();
    let root = Database::load(&[advisory_db().join("rustsec-native")]).unwrap();
    assert_eq!(root.len(), rustsec_native().len());
}

/// `name @ URL` lines (pip-compile, `pip freeze` of a VCS or URL install): the package is the
/// name, a release archive's file name pins the version it is audited at, and a URL without one
/// is its own finding on the package, never the whole line as a name.
#[test]
fn direct_references_are_audited_by_the_version_their_archive_names() {
    let record = br#"{"id": "PYSEC-2099-7", "aliases": ["CVE-2099-7"],
        "affected": [{"package": {"ecosystem": "PyPI", "name": "Jinja2"},
        "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.1.3"}]}]}]}"#;
    let mut db = Database::new();
    db.insert(
        parse_osv(record, RecordFormat::Json, Path::new("PYSEC-2099-7.json"))
            .unwrap()
            .unwrap(),
    );
    let text = "jinja2 @ https://files.example.invalid/jinja2-3.1.2-py3-none-any.whl\n\
                flask @ git+https://example.invalid/pallets/flask.git@3.0.0\n";
    let deps = gate_supply::parse_requirements(text, Path::new("requirements.txt"))
        .unwrap()
        .dependencies;
    let report = audit(&deps, &db, &AuditConfig::default());
    let got: Vec<(&str, Option<&str>, Verdict)> = report
        .findings
        .iter()
        .map(|f| (f.rule.id, f.target.as_deref(), f.verdict))
        .collect();
    assert_eq!(
        got,
        [
            ("supply/vulnerability", Some("PYSEC-2099-7"), Verdict::Fail),
            ("supply/unversioned-url", Some("flask"), Verdict::Fail),
        ]
    );
    assert_eq!(report.findings[0].details["package"], "jinja2");
    assert_eq!(report.findings[0].details["version"], "3.1.2");
    assert_eq!(
        report.findings[1].message,
        "flask comes from git+https://example.invalid/pallets/flask.git@3.0.0, which names no \
         version: it cannot be audited"
    );
    assert_eq!(
        report.findings[1]
            .location
            .as_ref()
            .unwrap()
            .line
            .map(u32::from),
        Some(2)
    );
    assert!(
        gate_supply::RULES
            .iter()
            .any(|rule| rule.id == "supply/unversioned-url")
    );
    // The SBOM's package URLs are valid: the name, the version, the URL as a qualifier.
    let options = gate_supply::sbom::SbomOptions {
        tool_version: "0".into(),
        timestamp: None,
    };
    let sbom = gate_supply::sbom::cyclonedx_json(&deps, &options);
    assert!(
        sbom.contains("\"pkg:pypi/jinja2@3.1.2?download_url=https%3A%2F%2Ffiles."),
        "{sbom}"
    );
    assert!(
        sbom.contains("\"pkg:pypi/flask?vcs_url=git%2Bhttps"),
        "{sbom}"
    );
}

// ---------------------------------------------------------------------------------------------
// npm, with records written for the test (there is no npm data in shared/).

#[test]
fn npm_lock_against_hand_written_records() {
    let db = Database::load(&[fixture("npm/advisories")]).unwrap();
    let deps = read_lockfile(&fixture("npm/package-lock.json")).unwrap();
    let report = audit(&deps, &db, &AuditConfig::default());
    let got: BTreeSet<(String, String)> = report
        .findings
        .iter()
        .map(|f| {
            (
                f.target.clone().unwrap(),
                f.details["version"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        got,
        BTreeSet::from([
            ("GHSA-p6mc-m468-83gw".to_owned(), "4.17.15".to_owned()),
            ("GHSA-vh95-rmgr-6w4m".to_owned(), "1.2.0".to_owned()),
        ])
    );
    let nested = report
        .findings
        .iter()
        .find(|f| f.details["version"] == "4.17.15")
        .unwrap();
    assert_eq!(nested.location.as_ref().unwrap().line.unwrap().get(), 8);
}

// ---------------------------------------------------------------------------------------------
// Archives, merging, ignores.

#[test]
fn zip_archives_load_like_directories() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("all.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&archive).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for entry in std::fs::read_dir(fixture("npm/advisories")).unwrap() {
        let path = entry.unwrap().path();
        zip.start_file(path.file_name().unwrap().to_str().unwrap(), options)
            .unwrap();
        zip.write_all(&std::fs::read(&path).unwrap()).unwrap();
    }
    zip.finish().unwrap();
    let db = Database::load(&[&archive]).unwrap();
    assert_eq!(
        db.len(),
        Database::load(&[fixture("npm/advisories")]).unwrap().len()
    );
    std::fs::write(dir.path().join("bad.zip"), b"PK not really").unwrap();
    assert!(matches!(
        Database::load(&[dir.path().join("bad.zip")]),
        Err(DbError::Zip { .. })
    ));
}

/// A zip of `(name, bytes, deflated)` entries, written at test time.
fn zip_of(path: &Path, entries: &[(&str, &[u8], bool)]) {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for &(name, bytes, deflated) in entries {
        let method = if deflated {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        };
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(method)
            .large_file(bytes.len() > u32::MAX as usize);
        zip.start_file(name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

#[test]
fn zip_bombs_are_refused_after_a_bounded_read_naming_the_entry() {
    let dir = tempfile::tempdir().unwrap();
    let good = br#"{"id": "X-1", "affected": [{"package": {"ecosystem": "PyPI", "name": "a"}}]}"#;
    // 512 KiB of spaces deflates about 1,000 times: under the record bound, over the ratio.
    let bomb = vec![b' '; 512 * 1024];
    // 2 MiB stored as is (ratio 1): over the record bound.
    let big = vec![b' '; 2 * 1024 * 1024];
    // A tiny, very compressible record is fine: valid JSON padded with 40 KB of spaces.
    let mut padded = good.to_vec();
    padded.extend(std::iter::repeat_n(b' ', 40_000));
    let cases: [(&str, &[u8], bool, &str); 3] = [
        (
            "bomb.zip",
            &bomb,
            true,
            "times its compressed size (a zip bomb?)",
        ),
        ("big.zip", &big, false, "larger than 1048576 bytes"),
        ("padded.zip", &padded, true, ""),
    ];
    for (archive, bytes, deflated, expected) in cases {
        let path = dir.path().join(archive);
        zip_of(
            &path,
            &[("X-0.json", good, true), ("X-1.json", bytes, deflated)],
        );
        let result = Database::load(&[&path]);
        if expected.is_empty() {
            assert_eq!(result.unwrap().len(), 1, "{archive}");
            continue;
        }
        let error = result.unwrap_err();
        assert!(
            matches!(
                error,
                DbError::Compression { .. } | DbError::TooLarge { .. }
            ),
            "{archive}: {error:?}"
        );
        let message = error.to_string();
        assert!(
            message.starts_with(&format!("{}!X-1.json: ", path.display())),
            "{message}"
        );
        assert!(message.ends_with(expected), "{message}");
    }
}

#[test]
fn records_sharing_aliases_merge_under_the_preferred_id_and_ignores_follow_aliases() {
    let pysec = br#"{"id": "PYSEC-2099-1", "aliases": ["GHSA-aaaa-bbbb-cccc", "CVE-2099-1"],
        "affected": [{"package": {"ecosystem": "PyPI", "name": "demo"},
        "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.1"}]}]}]}"#;
    let ghsa = br#"{"id": "GHSA-aaaa-bbbb-cccc", "aliases": ["CVE-2099-1"],
        "database_specific": {"severity": "HIGH"},
        "affected": [{"package": {"ecosystem": "PyPI", "name": "Demo"},
        "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0.1"}]}]}]}"#;
    let mut db = Database::new();
    for (bytes, name) in [(&pysec[..], "p.json"), (&ghsa[..], "g.json")] {
        db.insert(
            parse_osv(bytes, RecordFormat::Json, Path::new(name))
                .unwrap()
                .unwrap(),
        );
    }
    let deps = gate_supply::parse_requirements("demo==1.0\n", Path::new("requirements.txt"))
        .unwrap()
        .dependencies;
    let report = audit(&deps, &db, &AuditConfig::default());
    assert_eq!(report.findings.len(), 1);
    let finding = &report.findings[0];
    assert_eq!(finding.target.as_deref(), Some("PYSEC-2099-1"));
    assert_eq!(finding.details["fix"], "1.0.1");
    assert_eq!(finding.severity, Some(gate_core::Severity::High));
    let mut config = AuditConfig::default();
    config.id_preference = vec!["GHSA".into()];
    let ghsa_first = audit(&deps, &db, &config);
    assert_eq!(
        ghsa_first.findings[0].target.as_deref(),
        Some("GHSA-aaaa-bbbb-cccc")
    );

    let today = Date::new(2026, 11, 28).unwrap();
    let ignore = |id: &str, expires| Ignore {
        id: id.into(),
        reason: "not reachable".into(),
        expires,
        owner: None,
    };
    let ignores = [
        ignore("CVE-2099-1", Date::new(2027, 1, 1).unwrap()),
        ignore("CVE-1999-0", Date::new(2027, 1, 1).unwrap()),
    ];
    let mut full = Report::new(vec![report.clone()]);
    apply_waivers(
        &mut full,
        &ignores_to_waivers(&report, &ignores).unwrap(),
        today,
    );
    let gate = &full.gates[0];
    assert!(gate.findings[0].waived_by.is_some());
    assert_eq!(
        gate.findings
            .iter()
            .filter(|f| f.rule.id == "waiver/unused")
            .count(),
        1
    );
    assert_eq!(gate.verdict(), Verdict::Warn);
    let expired = [ignore("CVE-2099-1", Date::new(2026, 1, 1).unwrap())];
    let mut full = Report::new(vec![report.clone()]);
    apply_waivers(
        &mut full,
        &ignores_to_waivers(&report, &expired).unwrap(),
        today,
    );
    assert_eq!(full.gates[0].verdict(), Verdict::Fail);
    assert!(full.gates[0].findings[0].waived_by.is_none());
}

/// Waivers name an advisory by any alias, or the package, as the README documents with the real
/// zope records: PYSEC-2021-368 (CVE-2021-32811) and PYSEC-2021-875 (CVE-2021-32807) share
/// GHSA-qcx9-j53g-ccgf, so they are one finding, and a waiver naming either CVE waives both.
#[test]
fn waivers_name_any_alias_or_the_package_on_real_zope_records() {
    skip_without_shared_data!();
    let deps = gate_supply::parse_requirements("zope==5.1\n", Path::new("requirements.txt"))
        .unwrap()
        .dependencies;
    let report = audit(&deps, pypa(), &AuditConfig::default());
    let groups: Vec<Vec<&str>> = report
        .findings
        .iter()
        .map(|f| {
            f.details["records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_str().unwrap())
                .collect()
        })
        .collect();
    assert!(
        groups.contains(&vec!["PYSEC-2021-368", "PYSEC-2021-875"]),
        "{groups:?}"
    );
    let today = Date::new(2026, 11, 28).unwrap();
    let waive = |target: &str| {
        gate_core::Waiver::new("supply", "supply/vulnerability", "reviewed", today)
            .with_target(gate_core::Target::new(target).unwrap())
    };
    let waived = |waivers: &[gate_core::Waiver]| {
        let mut full = Report::new(vec![report.clone()]);
        apply_waivers(&mut full, waivers, today);
        full.gates[0]
            .findings
            .iter()
            .filter(|f| f.waived_by.is_some())
            .map(|f| f.target.clone().unwrap())
            .collect::<BTreeSet<String>>()
    };
    let pysec_368 = BTreeSet::from(["PYSEC-2021-368".to_owned()]);
    assert_eq!(waived(&[waive("CVE-2021-32807")]), pysec_368);
    assert_eq!(waived(&[waive("CVE-2021-32811")]), pysec_368);
    assert_eq!(waived(&[waive("GHSA-qcx9-j53g-ccgf")]), pysec_368);
    let every: BTreeSet<String> = report
        .findings
        .iter()
        .map(|f| f.target.clone().unwrap())
        .collect();
    assert!(every.len() >= 2, "{every:?}");
    assert_eq!(waived(&[waive("zope")]), every);
    assert_eq!(waived(&[waive("zope@5.1")]), every);
    assert!(waived(&[waive("zope@5.2")]).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Arbitrary bytes into every parser: an error or a value, never a panic.

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn mutations(seed_text: &[u8], rng: &mut XorShift) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for round in 0..200 {
        let mut bytes = seed_text.to_vec();
        let edits = 1 + (rng.next() % 8) as usize;
        for _ in 0..edits {
            if bytes.is_empty() {
                bytes.push(0);
            }
            let at = (rng.next() as usize) % bytes.len();
            match rng.next() % 4 {
                0 => bytes[at] = rng.next() as u8,
                1 => {
                    bytes.remove(at);
                }
                2 => bytes.insert(at, {
                    let alphabet = b"\"[]{}=:\n\\#-0.<>";
                    alphabet[(rng.next() as usize) % alphabet.len()]
                }),
                _ => bytes.truncate(at),
            }
        }
        if round % 10 == 0 {
            bytes = (0..(rng.next() % 300)).map(|_| rng.next() as u8).collect();
        }
        out.push(bytes);
    }
    out
}

#[test]
fn arbitrary_bytes_never_panic_any_parser() {
    skip_without_shared_data!();
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let seeds: Vec<(LockfileKind, PathBuf)> = vec![
        (
            LockfileKind::Requirements,
            fixture("python-pins/requirements.txt"),
        ),
        (LockfileKind::PoetryLock, fixture("python-pins/poetry.lock")),
        (LockfileKind::UvLock, fixture("python-pins/uv.lock")),
        (
            LockfileKind::PipfileLock,
            fixture("python-pins/Pipfile.lock"),
        ),
        (LockfileKind::Pylock, fixture("python-pins/pylock.toml")),
        (
            LockfileKind::CargoLock,
            fixture("cargo-vulnerable/Cargo.lock"),
        ),
        (LockfileKind::PackageLock, fixture("npm/package-lock.json")),
        (
            LockfileKind::SitePackages,
            fixture("python-pins/site-packages/requests-2.19.1.dist-info/METADATA"),
        ),
    ];
    for (kind, path) in seeds {
        let seed = std::fs::read(&path).unwrap();
        for bytes in mutations(&seed, &mut rng) {
            let text = String::from_utf8_lossy(&bytes);
            let _ = kind.parse(&text, &path);
        }
    }
    let osv_seed =
        std::fs::read(advisory_db().join("pypa-osv/vulns/requests/PYSEC-2014-13.yaml")).unwrap();
    let json_seed =
        std::fs::read(advisory_db().join("rustsec-osv/crates/RUSTSEC-2016-0001.json")).unwrap();
    let md_seed =
        std::fs::read(advisory_db().join("rustsec-native/crates/abi_stable/RUSTSEC-2020-0105.md"))
            .unwrap();
    let deps = read_lockfile(&fixture("cargo-vulnerable/Cargo.lock")).unwrap();
    for bytes in mutations(&osv_seed, &mut rng) {
        if let Ok(Some(advisory)) = parse_osv(&bytes, RecordFormat::Yaml, Path::new("x.yaml")) {
            let mut db = Database::new();
            db.insert(advisory);
            let _ = audit(&deps, &db, &AuditConfig::default());
        }
    }
    for bytes in mutations(&json_seed, &mut rng) {
        if let Ok(Some(advisory)) = parse_osv(&bytes, RecordFormat::Json, Path::new("x.json")) {
            let mut db = Database::new();
            db.insert(advisory);
            let _ = audit(&deps, &db, &AuditConfig::default());
        }
    }
    for bytes in mutations(&md_seed, &mut rng) {
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(Some(advisory)) = gate_supply::parse_rustsec(&text, Path::new("x.md")) {
            let mut db = Database::new();
            db.insert(advisory);
            let _ = audit(&deps, &db, &AuditConfig::default());
        }
    }
    for bytes in mutations(
        b"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        &mut rng,
    ) {
        let _ = String::from_utf8_lossy(&bytes)
            .parse::<cvss::Cvss>()
            .map(|c| c.score());
    }
    for eco in [Ecosystem::PyPI, Ecosystem::CratesIo, Ecosystem::Npm] {
        for bytes in mutations(b"1.2.3rc1.post4.dev5+local", &mut rng) {
            let _ = gate_supply::Version::parse(eco, &String::from_utf8_lossy(&bytes));
        }
    }
}

#[test]
fn the_cache_is_used_only_while_the_data_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    for entry in std::fs::read_dir(fixture("npm/advisories")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, data.join(path.file_name().unwrap())).unwrap();
    }
    let cache = dir.path().join("advisories.cache.json");
    let (first, status) = Database::load_cached(&[&data], &cache).unwrap();
    assert_eq!(status, gate_supply::CacheStatus::Rebuilt);
    let (second, status) = Database::load_cached(&[&data], &cache).unwrap();
    assert_eq!(status, gate_supply::CacheStatus::Hit);
    let deps = read_lockfile(&fixture("npm/package-lock.json")).unwrap();
    let config = AuditConfig::default();
    assert_eq!(
        hits(&audit(&deps, &first, &config)),
        hits(&audit(&deps, &second, &config))
    );
    assert_eq!(first.len(), second.len());
    // Changed data rebuilds; so does a corrupt cache.
    std::fs::remove_file(data.join("GHSA-types-prerelease.json")).unwrap();
    let (third, status) = Database::load_cached(&[&data], &cache).unwrap();
    assert_eq!(status, gate_supply::CacheStatus::Rebuilt);
    assert_eq!(third.len(), first.len() - 1);
    std::fs::write(&cache, b"{ not json").unwrap();
    let (_, status) = Database::load_cached(&[&data], &cache).unwrap();
    assert_eq!(status, gate_supply::CacheStatus::Rebuilt);
    // An empty data directory is still an error, cache or not.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    assert!(Database::load_cached(&[&empty], &cache).is_err());
}

/// License discovery, normalisation and evaluation on real metadata.
#[path = "supply/licenses.rs"]
mod licenses;
