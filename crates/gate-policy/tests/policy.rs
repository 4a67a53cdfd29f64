//! Integration tests: conftest's acceptance cases on fixtures mirroring conftest's examples, the
//! beacon example policy, and output snapshots.

use std::path::{Path, PathBuf};

use gate_policy::{
    EngineOptions, Format, Parsed, PolicyEngine, TestOptions, TestResults, VerifyOptions,
    load_policies, output, parse_file,
};

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(case)
}

/// Paths relative to the fixture, as a user running in that directory would see them.
fn relative(case: &str, path: &Path) -> String {
    path.strip_prefix(fixture(case))
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

fn engine(case: &str, policy: &str, include_tests: bool, options: &EngineOptions) -> PolicyEngine {
    let mut sources = load_policies(&[fixture(case).join(policy)], include_tests).unwrap();
    for source in &mut sources {
        source.path = relative(case, Path::new(&source.path));
    }
    PolicyEngine::new(sources, serde_json::json!({}), options).unwrap()
}

fn inputs(case: &str, paths: &[&str], format: Option<Format>) -> Vec<Parsed> {
    let mut files: Vec<PathBuf> = paths.iter().map(|p| fixture(case).join(p)).collect();
    files = gate_policy::find_inputs(&files).unwrap();
    files
        .iter()
        .map(|file| {
            let mut parsed = parse_file(format, file).unwrap();
            parsed.path = relative(case, file);
            parsed
        })
        .collect()
}

fn run(case: &str, paths: &[&str], options: &TestOptions) -> TestResults {
    let engine = engine(case, "policy", false, &EngineOptions::default());
    engine.test(&inputs(case, paths, None), options).unwrap()
}

fn stdout(results: &TestResults) -> String {
    output::conftest_stdout(&results.check_results(), &output::StdoutOptions::default())
}

#[test]
fn beacon_verify_passes_every_test() {
    let engine = engine("beacon", "policy", true, &EngineOptions::default());
    let results = engine.verify(VerifyOptions { coverage: true }).unwrap();
    let failed: Vec<_> = results
        .cases
        .iter()
        .filter(|case| case.status != gate_policy::TestStatus::Passed)
        .map(|case| (case.name.clone(), case.error.clone()))
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(results.cases.len(), 14);
    let coverage = results.coverage_percent().unwrap();
    assert!(coverage > 90.0, "{coverage}");
}

#[test]
fn beacon_incident_fires_each_rule() {
    let results = run("beacon", &["incident/worker.yaml"], &TestOptions::default());
    let text = stdout(&results);
    insta::assert_snapshot!("beacon_incident_stdout", text);
}

#[test]
fn beacon_deploy_passes() {
    let results = run("beacon", &["deploy"], &TestOptions::default());
    assert!(!results.has_failures(), "{}", stdout(&results));
}

#[test]
fn verify_evaluates_each_definition_on_its_own() {
    let engine = engine("verify", "policy", true, &EngineOptions::default());
    let results = engine.verify(VerifyOptions { coverage: true }).unwrap();
    let summary: Vec<(String, u32, gate_policy::TestStatus)> = results
        .cases
        .iter()
        .map(|case| (case.name.clone(), case.line, case.status))
        .collect();
    let (passed, failed, skipped) = (
        gate_policy::TestStatus::Passed,
        gate_policy::TestStatus::Failed,
        gate_policy::TestStatus::Skipped,
    );
    assert_eq!(
        summary,
        vec![
            ("test_pods_are_denied".to_owned(), 3, passed),
            ("test_same_name".to_owned(), 8, passed),
            ("test_same_name".to_owned(), 12, failed),
            ("test_prints".to_owned(), 16, passed),
            ("test_not_true".to_owned(), 21, failed),
            ("todo_test_later".to_owned(), 23, skipped),
        ]
    );
    assert_eq!(
        results.cases[3].prints.len(),
        1,
        "{:?}",
        results.cases[3].prints
    );
    assert!(results.cases[3].prints[0].contains("checking 42"));
    let totals = results.totals();
    assert_eq!((totals.passed, totals.failures, totals.skipped), (3, 2, 1));
    let text = output::conftest_stdout(
        &results.check_results(),
        &output::StdoutOptions {
            color: false,
            show_skipped: true,
        },
    );
    insta::assert_snapshot!("verify_stdout", text);
    let coverage = results.coverage.as_ref().unwrap();
    let rules = coverage
        .iter()
        .find(|file| file.path == "policy/rules.rego")
        .unwrap();
    assert!(rules.not_covered.contains(&9), "{rules:?}");
    assert!(rules.covered.contains(&4), "{rules:?}");
    let report = gate_policy::verify_report(&results);
    assert_eq!(report.findings.len(), 2);
    assert!(report.metrics.contains_key("coverage"));
}
