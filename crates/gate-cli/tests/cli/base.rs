//! Clean as you code: `gate check --base`, `--base-report`, `--no-base`, `[check] baseline` and
//! `gate baseline write|prune`, on a copy of examples/beacon made a git repository.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::{code, copy_dir, gate, stderr, stdout};

const TODAY: &str = "--today=2026-12-04";

fn beacon() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/beacon")
}

fn git(directory: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args(args)
        .current_dir(directory)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// beacon without its incidents, committed on `main` as `message`.
fn clean_beacon(message: &str) -> tempfile::TempDir {
    let directory = tempfile::tempdir().unwrap();
    copy_dir(&beacon(), directory.path());
    std::fs::remove_dir_all(directory.path().join("incidents")).unwrap();
    git(directory.path(), &["init", "-q", "-b", "main"]);
    git(directory.path(), &["add", "-A"]);
    git(directory.path(), &["commit", "-q", "-m", message]);
    directory
}

fn incident(path: &str) -> PathBuf {
    beacon().join("incidents").join(path)
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(from, to).unwrap();
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no `{from}`", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn commit_all(directory: &Path, message: &str) {
    git(directory, &["add", "-A"]);
    git(directory, &["commit", "-q", "-m", message]);
}

/// Replays beacon's incidents 1–4 and 6 (examples/beacon/README.md) as files of the repository.
fn replay_incidents(root: &Path) {
    copy(
        &incident("policy-latest/deploy/worker.yaml"),
        &root.join("deploy/worker.yaml"),
    );
    copy(
        &incident("coverage-regression/api-coverage.xml"),
        &root.join("api/coverage.xml"),
    );
    copy(
        &incident("coverage-regression/digest.py"),
        &root.join("api/beacon_api/digest.py"),
    );
    copy(
        &incident("vulnerable-dependency/requirements.txt"),
        &root.join("worker/requirements.txt"),
    );
    let mutagen = "site-packages/mutagen-1.47.0.dist-info/METADATA";
    copy(
        &incident(&format!("unapproved-license/{mutagen}")),
        &root.join("api").join(mutagen),
    );
    copy(
        &incident("unprotected-branch/ruleset.json"),
        &root.join("protect/ruleset.json"),
    );
}

fn json(output: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(output))
        .unwrap_or_else(|error| panic!("{error}: {}{}", stdout(output), stderr(output)))
}

/// Each gate's findings of a state (`new`, `existing`) as `rule identity` lines.
fn findings_in(report: &Value, state: &str) -> BTreeSet<String> {
    report["gates"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|gate| gate["findings"].as_array().unwrap())
        .filter(|finding| finding["baseline"] == state)
        .map(|finding| {
            format!(
                "{} {}",
                finding["rule"].as_str().unwrap(),
                finding["identity"].as_str().unwrap()
            )
        })
        .collect()
}

fn gate_counts(report: &Value, name: &str) -> (u64, u64, u64) {
    let gate = report["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|gate| gate["gate"] == name)
        .unwrap_or_else(|| panic!("no gate {name}"));
    let counts = &gate["baseline"];
    (
        counts["new"].as_u64().unwrap(),
        counts["existing"].as_u64().unwrap(),
        counts["fixed"].as_u64().unwrap(),
    )
}

#[test]
fn beacons_incidents_replayed_on_a_clean_beacon_are_new() {
    let repository = clean_beacon("feat: beacon");
    let root = repository.path();
    git(root, &["checkout", "-q", "-b", "incidents"]);
    replay_incidents(root);
    commit_all(root, "fix: the hot-fixes of the incidents");

    let output = gate(
        root,
        &["check", "--base", "main", "--format", "json", TODAY],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let report = json(&output);
    assert!(findings_in(&report, "existing").is_empty());
    let new = findings_in(&report, "new");
    for expected in [
        "policy/deny deploy/worker.yaml: Deployment/beacon-worker: container \"worker\" uses image \"python:latest\" with a floating tag: pin a version",
        "coverage/total api:total",
        "supply/vulnerability urllib3 PYSEC-2023-212",
        "supply/license mutagen GPL-2.0-or-later",
    ] {
        assert!(new.contains(expected), "{expected} not new in {new:#?}");
    }
    assert!(
        new.iter().any(|finding| finding.starts_with("protect/")),
        "{new:#?}"
    );
    // The temporary worktree is gone.
    let worktrees = Command::new("git")
        .args(["worktree", "list", "--porcelain"])
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&worktrees.stdout)
            .matches("worktree ")
            .count(),
        1
    );
}

/// A repository with problems in every gate, then a change that adds one problem to each and
/// fixes some: the run fails on exactly the new ones.
fn repository_with_problems() -> tempfile::TempDir {
    let repository = clean_beacon("feat: beacon");
    let root = repository.path();
    let config = root.join("gate.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[release]\n");
    std::fs::write(&config, text).unwrap();
    replay_incidents(root);
    // The release gate's existing problem: a commit that is not a Conventional Commit.
    commit_all(root, "Fixed stuff.");
    repository
}

/// The change: one new problem per gate, and fixes where the gate has something to fix.
fn change(root: &Path) {
    git(root, &["checkout", "-q", "-b", "change"]);
    // policy: a floating tag on the API (new); the worker's public image replaced (fixed).
    edit(
        &root.join("deploy/api.yaml"),
        "ghcr.io/beacon/api:1.3.0",
        "ghcr.io/beacon/api:latest",
    );
    edit(
        &root.join("deploy/worker.yaml"),
        "image: python:latest",
        "image: registry.internal/beacon/worker:1.3.0",
    );
    // coverage: the API's total, already failing, drops further — worse is new.
    edit(&root.join("api/coverage.xml"), "hits=\"1\"", "hits=\"0\"");
    // supply: requests 2.30.0 in the API (PYSEC-2023-74, new); urllib3 2.0.7 in the worker
    // (PYSEC-2023-212 fixed); a GPL package in the worker (new) beside mutagen (existing).
    edit(
        &root.join("api/requirements.txt"),
        "requests==2.32.3",
        "requests==2.30.0",
    );
    edit(
        &root.join("worker/requirements.txt"),
        "urllib3==2.0.6",
        "urllib3==2.0.7",
    );
    let gpl = root.join("worker/site-packages/copyleft-1.0.dist-info/METADATA");
    std::fs::create_dir_all(gpl.parent().unwrap()).unwrap();
    std::fs::write(
        &gpl,
        "Metadata-Version: 2.4\nName: copyleft\nVersion: 1.0\nLicense-Expression: GPL-3.0-only\n",
    )
    .unwrap();
    // protect: enforcement back on (fixed); required approvals dropped to 0 (new).
    let ruleset = root.join("protect/ruleset.json");
    edit(
        &ruleset,
        "\"enforcement\": \"evaluate\"",
        "\"enforcement\": \"active\"",
    );
    edit(
        &ruleset,
        "\"required_approving_review_count\": 1",
        "\"required_approving_review_count\": 0",
    );
    // release: another commit that is not a Conventional Commit (new).
    commit_all(root, "Changed more stuff.");
}

fn assert_only_new_ones_fail(report: &Value) {
    let new = findings_in(report, "new");
    let failing_new: BTreeSet<String> = new
        .iter()
        .filter(|finding| !finding.starts_with("baseline/"))
        .cloned()
        .collect();
    let gates: BTreeSet<&str> = failing_new
        .iter()
        .map(|finding| finding.split('/').next().unwrap())
        .collect();
    assert_eq!(
        gates,
        BTreeSet::from(["coverage", "policy", "protect", "release", "supply"]),
        "one new problem per gate: {new:#?}"
    );
    for expected in [
        "policy/deny deploy/api.yaml: Deployment/beacon-api: container \"api\" uses image \"ghcr.io/beacon/api:latest\" with a floating tag: pin a version",
        "coverage/total api:total",
        "supply/vulnerability requests PYSEC-2023-74",
        "supply/license copyleft GPL-3.0-only",
    ] {
        assert!(new.contains(expected), "{expected} not new in {new:#?}");
    }
    assert!(
        new.iter().all(|finding| !finding.contains("beacon-worker")
            && !finding.contains("urllib3")
            && !finding.contains("mutagen")),
        "existing problems are not new: {new:#?}"
    );
    // Exactly the new findings fail: the gate's failures are its new failures.
    for gate in report["gates"].as_array().unwrap() {
        let failures_new = gate["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|finding| finding["baseline"] == "new" && finding["verdict"] == "fail")
            .count() as u64;
        assert_eq!(gate["counts"]["failures"], failures_new, "{}", gate["gate"]);
    }
    for gate in ["policy", "coverage", "supply", "protect", "release"] {
        let (new, existing, _) = gate_counts(report, gate);
        assert!(new >= 1, "{gate}: nothing new");
        assert!(
            existing >= 1 || gate == "coverage",
            "{gate}: nothing existing"
        );
    }
    for gate in ["policy", "supply", "protect"] {
        let (_, _, fixed) = gate_counts(report, gate);
        assert!(fixed >= 1, "{gate}: nothing fixed");
    }
}

#[test]
fn with_base_only_what_the_change_introduced_fails() {
    let repository = repository_with_problems();
    let root = repository.path();
    // On main, unjudged, everything fails.
    let strict = gate(root, &["check", TODAY]);
    assert_eq!(code(&strict), 1);
    change(root);

    let output = gate(
        root,
        &["check", "--base", "main", "--format", "json", TODAY],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let report = json(&output);
    assert_only_new_ones_fail(&report);
    let existing = findings_in(&report, "existing");
    assert!(
        existing.contains("supply/license mutagen GPL-2.0-or-later"),
        "{existing:#?}"
    );
    assert!(
        existing
            .iter()
            .any(|finding| finding.contains("beacon-worker")),
        "{existing:#?}"
    );

    // The human report counts them per gate and lists new ones first.
    let human = gate(root, &["check", "--base", "main", TODAY]);
    let text = stdout(&human);
    assert!(text.contains("new, "), "{text}");
    let policy = text.split("\ncoverage ").next().unwrap();
    let first_new = policy.find("new: ").unwrap();
    let first_existing = policy.find("existing: ").unwrap();
    assert!(first_new < first_existing, "{policy}");

    // `inherited = "fail"` keeps the existing failures failing.
    let config = root.join("gate.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[check]\nbase = \"main\"\ninherited = { supply = \"fail\" }\n");
    std::fs::write(&config, text).unwrap();
    let output = gate(root, &["check", "--format", "json", TODAY]);
    let report = json(&output);
    let supply = &report["gates"][2];
    assert_eq!(supply["gate"], "supply");
    let (new, existing, _) = gate_counts(&report, "supply");
    assert_eq!(
        supply["counts"]["failures"].as_u64().unwrap(),
        new + existing,
        "{supply}"
    );
    // --no-base judges everything again.
    let output = gate(root, &["check", "--no-base", "--format", "json", TODAY]);
    assert!(json(&output).get("baseline").is_none());
}

#[test]
fn with_a_saved_base_report_only_what_the_change_introduced_fails() {
    let repository = repository_with_problems();
    let root = repository.path();
    let saved = gate(root, &["check", "--format", "json", TODAY]);
    assert_eq!(code(&saved), 1);
    let base_report = root.join("../base-report.json");
    std::fs::write(&base_report, stdout(&saved)).unwrap();
    change(root);
    let shown = base_report.display().to_string();
    let output = gate(
        root,
        &["check", "--base-report", &shown, "--format", "json", TODAY],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_only_new_ones_fail(&json(&output));

    std::fs::write(&base_report, "{\"version\": 1, \"gates\": 7}").unwrap();
    let output = gate(root, &["check", "--base-report", &shown, TODAY]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("base-report.json: line 1: not a gate JSON report"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn with_a_committed_baseline_only_what_the_change_introduced_fails() {
    let repository = repository_with_problems();
    let root = repository.path();
    let config = root.join("gate.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[check]\nbaseline = \"gate-baseline.json\"\n");
    std::fs::write(&config, text).unwrap();
    // Before it is written, a configured baseline is an error, not a pass.
    let missing = gate(root, &["check", TODAY]);
    assert_eq!(code(&missing), 2);
    assert!(
        stderr(&missing).contains("gate baseline write"),
        "{}",
        stderr(&missing)
    );

    let written = gate(root, &["baseline", "write", TODAY]);
    assert_eq!(code(&written), 0, "{}", stderr(&written));
    let baseline = std::fs::read_to_string(root.join("gate-baseline.json")).unwrap();
    let entries: Value = serde_json::from_str(&baseline).unwrap();
    let entries = entries["findings"].as_array().unwrap();
    assert!(entries.iter().all(|entry| entry["reason"] == ""));
    let keys: Vec<(String, String, String)> = entries
        .iter()
        .map(|entry| {
            let field = |name: &str| entry[name].as_str().unwrap().to_owned();
            (field("gate"), field("rule"), field("identity"))
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(keys, sorted, "sorted, one entry per identity");
    // With the baseline, main passes.
    let output = gate(root, &["check", TODAY]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    commit_all(root, "chore: adopt gate with a baseline");

    change(root);
    let output = gate(root, &["check", "--format", "json", TODAY]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let report = json(&output);
    assert_only_new_ones_fail(&report);
    // Entries of fixed problems warn, so the baseline only shrinks.
    let unmatched = findings_in(&report, "new")
        .into_iter()
        .chain(
            report["gates"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|gate| gate["findings"].as_array().unwrap())
                .filter(|finding| finding["rule"] == "baseline/unmatched")
                .map(|finding| finding["message"].as_str().unwrap().to_owned()),
        )
        .filter(|text| text.contains("no longer occurs"))
        .count();
    assert!(unmatched >= 3, "{report:#}");

    let pruned = gate(root, &["baseline", "prune", TODAY]);
    assert_eq!(code(&pruned), 0, "{}", stderr(&pruned));
    assert!(stderr(&pruned).contains("removed"), "{}", stderr(&pruned));
    let after: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("gate-baseline.json")).unwrap())
            .unwrap();
    assert!(after["findings"].as_array().unwrap().len() < entries.len());
    let output = gate(root, &["check", "--format", "json", TODAY]);
    let stale = stdout(&output).matches("baseline/unmatched").count();
    assert_eq!(stale, 0);
}

#[test]
fn a_base_that_does_not_exist_is_an_error() {
    let repository = clean_beacon("feat: beacon");
    let output = gate(
        repository.path(),
        &["check", "--base", "no-such-branch", TODAY],
    );
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("base `no-such-branch`: no such commit"),
        "{}",
        stderr(&output)
    );
    let output = gate(repository.path(), &["check", "--base=--output=x", TODAY]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("starts with `-`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn init_points_at_adopting_gate_on_an_existing_repository() {
    let directory = tempfile::tempdir().unwrap();
    let output = gate(directory.path(), &["init"]);
    assert_eq!(code(&output), 0);
    let text = stdout(&output);
    assert!(text.contains("gate check --base origin/main"), "{text}");
    assert!(text.contains("gate baseline write"), "{text}");
    assert!(
        text.contains("Adopting gate on an existing repository"),
        "{text}"
    );
}

#[test]
fn a_touched_file_that_loses_coverage_against_the_base_fails() {
    let repository = clean_beacon("feat: beacon");
    let root = repository.path();
    edit(
        &root.join("gate.toml"),
        "pyproject = \"api/pyproject.toml\"\n",
        "pyproject = \"api/pyproject.toml\"\nfile-drop-max = 1\n",
    );
    commit_all(root, "chore: no touched file loses more than a point");
    git(root, &["checkout", "-q", "-b", "change"]);
    let source = root.join("api/beacon_api/notifications.py");
    let mut text = std::fs::read_to_string(&source).unwrap();
    text.push_str("# touched\n");
    std::fs::write(&source, text).unwrap();
    let report = root.join("api/coverage.xml");
    for _ in 0..3 {
        edit(&report, "hits=\"1\"", "hits=\"0\"");
    }
    commit_all(root, "feat: drop three lines' tests");

    let output = gate(
        root,
        &["check", "--base", "main", "--only", "coverage", TODAY],
    );
    assert_eq!(code(&output), 1, "{}", stdout(&output));
    let text = super::human_stdout(&output);
    assert!(
        text.contains(
            "new: api: api/beacon_api/notifications.py 90.57% (base 96.23%): dropped 5.66 \
             points, more than file-drop-max=1"
        ),
        "{text}"
    );
    // Untouched, the same drop is not this change's: only the total's figures judge it.
    git(root, &["checkout", "-q", "main"]);
    git(root, &["checkout", "-q", "-b", "untouched"]);
    for _ in 0..3 {
        edit(&report, "hits=\"1\"", "hits=\"0\"");
    }
    commit_all(root, "test: regenerate the report");
    let output = gate(
        root,
        &["check", "--base", "main", "--only", "coverage", TODAY],
    );
    assert!(
        !stdout(&output).contains("coverage/file-dropped"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn baseline_write_takes_another_file_and_refuses_a_gate_that_could_not_run() {
    let repository = repository_with_problems();
    let root = repository.path();
    let output = gate(
        root,
        &["baseline", "write", "--file", "accepted.json", TODAY],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("wrote accepted.json"),
        "{}",
        stderr(&output)
    );
    let file: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("accepted.json")).unwrap())
            .unwrap();
    assert_eq!(file["version"], 1);
    assert!(!root.join("gate-baseline.json").exists());

    std::fs::remove_file(root.join("api/coverage.xml")).unwrap();
    let output = gate(root, &["baseline", "write", TODAY]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("the coverage gate could not run"),
        "{}",
        stderr(&output)
    );
    assert!(!root.join("gate-baseline.json").exists());
}
