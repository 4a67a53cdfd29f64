//! Integration tests: conftest's acceptance cases on fixtures mirroring conftest's examples, the
//! beacon example policy, and output snapshots.

use std::path::{Path, PathBuf};

use gate_policy::{
    EngineOptions, Format, Parsed, PolicyEngine, PolicyError, PolicySource, RegoVersion,
    TestOptions, TestResults, VerifyOptions, load_data, load_policies, output, parse_file,
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

fn try_engine(
    case: &str,
    policies: &[&str],
    data: &[&str],
    include_tests: bool,
    options: &EngineOptions,
) -> Result<PolicyEngine, PolicyError> {
    let paths: Vec<PathBuf> = policies.iter().map(|p| fixture(case).join(p)).collect();
    let mut sources = load_policies(&paths, include_tests)?;
    for source in &mut sources {
        source.path = relative(case, Path::new(&source.path));
    }
    let data_paths: Vec<PathBuf> = data.iter().map(|p| fixture(case).join(p)).collect();
    let data = load_data(&data_paths)?;
    PolicyEngine::new(sources, data, options)
}

fn engine(case: &str, policy: &str, include_tests: bool, options: &EngineOptions) -> PolicyEngine {
    try_engine(case, &[policy], &[], include_tests, options).unwrap()
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
    let results = engine
        .verify(&VerifyOptions {
            coverage: true,
            ..VerifyOptions::default()
        })
        .unwrap();
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
    let policy = results
        .coverage
        .as_ref()
        .unwrap()
        .iter()
        .find(|f| f.path == "policy/deployment.rego")
        .unwrap();
    assert!(
        policy.not_covered.is_empty(),
        "uncovered lines {:?} ({coverage:.1}%)",
        policy.not_covered
    );
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
    let results = engine
        .verify(&VerifyOptions {
            coverage: true,
            ..VerifyOptions::default()
        })
        .unwrap();
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
            ..output::StdoutOptions::default()
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

fn no_color(results: &TestResults) -> Vec<String> {
    stdout(results).lines().map(str::to_owned).collect()
}

fn summary(results: &TestResults) -> String {
    results.totals().summary()
}

fn namespaces(names: &[&str]) -> TestOptions {
    TestOptions {
        namespaces: names.iter().map(|name| (*name).to_owned()).collect(),
        ..TestOptions::default()
    }
}

// --- conftest acceptance.bats, case by case -------------------------------------------------

#[test]
fn a_service_with_a_warning_passes_unless_warnings_fail() {
    let results = run("kubernetes", &["service.yaml"], &TestOptions::default());
    assert!(!results.has_failures());
    assert!(results.has_warnings(), "--fail-on-warn would fail");
    assert_eq!(
        summary(&results),
        "5 tests, 4 passed, 1 warning, 0 failures, 0 exceptions"
    );
    assert_eq!(
        no_color(&results)[0],
        "WARN - service.yaml - main - Found service hello-kubernetes but services are not allowed"
    );
}

#[test]
fn a_deployment_with_root_containers_fails() {
    let results = run("kubernetes", &["deployment.yaml"], &TestOptions::default());
    assert!(results.has_failures());
    assert_eq!(
        no_color(&results),
        vec![
            "FAIL - deployment.yaml - main - Containers must not run as root in Deployment hello-kubernetes",
            "",
            "5 tests, 4 passed, 0 warnings, 1 failure, 0 exceptions",
        ]
    );
}

#[test]
fn multi_file_runs_fail_when_the_last_file_is_fine() {
    let results = run(
        "kubernetes",
        &["deployment.yaml", "service.yaml"],
        &TestOptions::default(),
    );
    assert!(results.has_failures());
    assert_eq!(results.check_results().len(), 2);
}

#[test]
fn a_namespace_without_policies_passes_with_no_policies_found() {
    let results = run(
        "kubernetes",
        &["deployment.yaml"],
        &namespaces(&["notpresent"]),
    );
    assert!(!results.has_failures());
    assert_eq!(
        no_color(&results),
        vec![
            "? - deployment.yaml - notpresent - no policies found",
            "",
            "0 tests, 0 passed, 0 warnings, 0 failures, 0 exceptions",
        ]
    );
}

#[test]
fn no_policies_is_an_error() {
    let error = try_engine(
        "kubernetes",
        &["missing"],
        &[],
        false,
        &EngineOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(error, PolicyError::Read { .. }), "{error}");
    let error = try_engine(
        "kubernetes",
        &["service.yaml"],
        &[],
        false,
        &EngineOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(error, PolicyError::NoPolicies { .. }), "{error}");
}

#[test]
fn exceptions_are_reported() {
    let results = run("exceptions", &["deployments.yaml"], &TestOptions::default());
    let lines = no_color(&results);
    assert_eq!(
        lines,
        vec![
            "FAIL - deployments.yaml - main - Containers must not run as root in Deployment cannot-run-as-root",
            "EXCP - deployments.yaml - main - data.main.exception[_][_] == \"run_as_root\"",
            "",
            "2 tests, 0 passed, 0 warnings, 1 failure, 1 exception",
        ]
    );
    insta::assert_snapshot!(
        "exceptions_json",
        output::conftest_json(&results.check_results())
    );
}

#[test]
fn multiple_namespace_flags_and_globs() {
    let results = run("nested", &["data.json"], &namespaces(&["group1", "group2"]));
    assert_eq!(
        summary(&results),
        "2 tests, 0 passed, 0 warnings, 2 failures, 0 exceptions"
    );
    let globbed = run("nested", &["data.json"], &namespaces(&["group*"]));
    assert_eq!(globbed, results);
    let first = run("nested", &["data.json"], &namespaces(&["group1"]));
    assert_eq!(
        summary(&first),
        "1 test, 0 passed, 0 warnings, 1 failure, 0 exceptions"
    );
}

#[test]
fn nested_namespaces_work() {
    let results = run("nested", &["data.json"], &namespaces(&["main.gke"]));
    assert_eq!(
        no_color(&results)[0],
        "FAIL - data.json - main.gke - nested namespaces are checked"
    );
    assert_eq!(
        summary(&results),
        "1 test, 0 passed, 0 warnings, 1 failure, 0 exceptions"
    );
}

#[test]
fn all_namespaces_checks_every_package() {
    let options = TestOptions {
        all_namespaces: true,
        ..TestOptions::default()
    };
    let results = run("docker", &["Dockerfile"], &options);
    let text = stdout(&results);
    assert!(
        text.contains(r#"unallowed image found ["openjdk:8-jdk-alpine"]"#),
        "{text}"
    );
    assert!(
        text.contains(r#"unallowed commands found ["apk add --no-cache python3 python3-dev build-base && pip3 install awscli==1.18.1"]"#),
        "{text}"
    );
    let only_main = run("docker", &["Dockerfile"], &TestOptions::default());
    assert_eq!(
        summary(&only_main),
        "1 test, 0 passed, 0 warnings, 1 failure, 0 exceptions"
    );
}

#[test]
fn multiple_policy_directories() {
    let engine = try_engine(
        "multidir",
        &["org", "team"],
        &[],
        false,
        &EngineOptions::default(),
    )
    .unwrap();
    let results = engine
        .test(
            &inputs("multidir", &["data.json"], None),
            &TestOptions::default(),
        )
        .unwrap();
    assert_eq!(
        summary(&results),
        "2 tests, 0 passed, 0 warnings, 2 failures, 0 exceptions"
    );
}

#[test]
fn combine_yaml_files_and_multi_document_files_alike() {
    let options = TestOptions {
        combine: true,
        ..TestOptions::default()
    };
    let separate = run(
        "combine",
        &["team.yaml", "user1.yaml", "user2.yaml"],
        &options,
    );
    assert_eq!(
        summary(&separate),
        "2 tests, 1 passed, 0 warnings, 1 failure, 0 exceptions"
    );
    assert_eq!(
        no_color(&separate)[0],
        "FAIL - Combined - main - User bob (user2.yaml) belongs to unknown team payments"
    );
    let multi = run("combine", &["team.yaml", "users.yaml"], &options);
    assert_eq!(
        summary(&multi),
        "2 tests, 1 passed, 0 warnings, 1 failure, 0 exceptions"
    );
}

#[test]
fn data_documents_load_with_policies_and_in_unit_tests() {
    let engine = try_engine(
        "data",
        &["policy"],
        &["exclusions"],
        false,
        &EngineOptions::default(),
    )
    .unwrap();
    let results = engine
        .test(
            &inputs("data", &["service.yaml"], None),
            &TestOptions::default(),
        )
        .unwrap();
    assert_eq!(
        no_color(&results)[0],
        "FAIL - service.yaml - main - Cannot expose one of the following ports: [22, 21]"
    );
    let engine = try_engine(
        "data",
        &["policy"],
        &["exclusions"],
        true,
        &EngineOptions::default(),
    )
    .unwrap();
    let verified = engine.verify(&VerifyOptions::default()).unwrap();
    assert_eq!(
        verified.totals().summary(),
        "1 test, 1 passed, 0 warnings, 0 failures, 0 exceptions"
    );
}

#[test]
fn kubernetes_unit_tests_verify() {
    let engine = engine("kubernetes", "policy", true, &EngineOptions::default());
    let results = engine.verify(&VerifyOptions::default()).unwrap();
    assert!(results.passed(), "{:?}", results.cases);
    assert_eq!(
        results.totals().summary(),
        "4 tests, 4 passed, 0 warnings, 0 failures, 0 exceptions"
    );
}

#[test]
fn toml_inputs_and_multiple_input_types() {
    let engine = engine("traefik", "policy", false, &EngineOptions::default());
    let results = engine
        .test(
            &inputs("traefik", &["traefik.toml"], None),
            &TestOptions::default(),
        )
        .unwrap();
    assert!(results.has_failures());
    let kubernetes = try_engine(
        "kubernetes",
        &["policy"],
        &[],
        false,
        &EngineOptions::default(),
    )
    .unwrap();
    let mut files = inputs("traefik", &["traefik.toml"], None);
    files.extend(inputs("kubernetes", &["service.yaml"], None));
    let results = kubernetes.test(&files, &TestOptions::default()).unwrap();
    assert!(!results.has_failures());
    assert!(
        stdout(&results).contains("Found service hello-kubernetes but services are not allowed")
    );
}

#[test]
fn multi_type_files_ini_and_yaml() {
    let results = run(
        "multitype",
        &["deployment.yaml", "grafana.ini"],
        &TestOptions::default(),
    );
    assert!(stdout(&results).contains("FAIL - grafana.ini - main - Port should be 3000, got 8080"));
}

#[test]
fn hcl2_inputs() {
    let results = run("hcl", &["terraform.tf"], &TestOptions::default());
    let text = stdout(&results);
    assert!(
        text.contains("ALB `my-alb-listener` is using HTTP rather than HTTPS"),
        "{text}"
    );
    assert!(
        text.contains("ASG `my-rule` defines a fully open ingress"),
        "{text}"
    );
}

#[test]
fn dockerfile_inputs() {
    let results = run("docker", &["Dockerfile"], &TestOptions::default());
    assert!(results.has_failures());
    assert!(stdout(&results).contains(r#"unallowed image found ["openjdk:8-jdk-alpine"]"#));
}

#[test]
fn xml_inputs() {
    let results = run("xml", &["pom.xml"], &TestOptions::default());
    assert!(results.has_failures());
    assert!(stdout(&results).contains("--- maven-plugin must have the version: 3.6.1"));
}

#[test]
fn dotenv_inputs() {
    let results = run("dotenv", &["sample.env"], &TestOptions::default());
    assert_eq!(
        summary(&results),
        "2 tests, 0 passed, 0 warnings, 2 failures, 0 exceptions"
    );
}

#[test]
fn a_forced_parser_changes_the_input() {
    let engine = engine("hcl", "policy", false, &EngineOptions::default());
    let error = parse_file(Some(Format::Ini), &fixture("hcl/terraform.tf")).unwrap_err();
    assert!(error.to_string().contains("terraform.tf:"), "{error}");
    let results = engine
        .test(
            &inputs("hcl", &["terraform.tf"], Some(Format::Hcl2)),
            &TestOptions::default(),
        )
        .unwrap();
    assert!(results.has_failures());
}

#[test]
fn rego_v0_policies_load_with_v0() {
    let v0 = EngineOptions {
        rego_version: RegoVersion::V0,
        ..EngineOptions::default()
    };
    let engine = engine("regov0", "policy", false, &v0);
    let results = engine
        .test(
            &inputs("regov0", &["pod.yaml"], None),
            &TestOptions::default(),
        )
        .unwrap();
    assert_eq!(
        no_color(&results)[0],
        "FAIL - pod.yaml - main - no bare pods"
    );
    let error =
        try_engine("regov0", &["policy"], &[], false, &EngineOptions::default()).unwrap_err();
    assert!(matches!(error, PolicyError::Compile { .. }), "{error}");
}

#[test]
fn deny_with_if_but_without_contains_is_rejected() {
    let error = try_engine(
        "ifcontains",
        &["policy"],
        &[],
        false,
        &EngineOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "rule is using 'if' keyword without 'contains' keyword: rule in policy/policy.rego at line 3"
    );
}

#[test]
fn object_results_carry_location_and_metadata() {
    let results = run("objects", &["deployment.yaml"], &TestOptions::default());
    let checks = results.check_results();
    insta::assert_snapshot!("objects_json", output::conftest_json(&checks));
    insta::assert_snapshot!(
        "objects_stdout_color",
        output::conftest_stdout(
            &checks,
            &output::StdoutOptions {
                color: true,
                ..output::StdoutOptions::default()
            }
        )
    );
    let report = gate_policy::test_report(&results);
    let failure = &report.findings[0];
    assert_eq!(failure.rule.id, "policy/deny");
    assert_eq!(
        failure.location.as_ref().unwrap().to_string(),
        "objects/deployment.yaml:6"
    );
    assert_eq!(failure.details["severity"], "high");
    let warning = &report.findings[1];
    assert_eq!(warning.rule.id, "policy/warn");
    assert_eq!(
        warning.location.as_ref().unwrap().to_string(),
        "deployment.yaml:1"
    );
    assert_eq!(report.metrics["failures"], gate_core::Metric::Count(1));
}

#[test]
fn conftest_builtins_parse_configs_inside_allowed_roots() {
    let options = EngineOptions {
        file_roots: vec![fixture("builtins/configs")],
        ..EngineOptions::default()
    };
    let engine = engine("builtins", "policy", false, &options);
    let results = engine
        .test(
            &inputs("builtins", &["input.json"], None),
            &TestOptions::default(),
        )
        .unwrap();
    assert_eq!(
        no_color(&results),
        vec![
            "FAIL - input.json - main - port should be 8080, got 9090",
            "",
            "3 tests, 2 passed, 0 warnings, 1 failure, 0 exceptions",
        ]
    );
    let closed = engine_with_no_roots();
    let results = closed
        .test(
            &inputs("builtins", &["input.json"], None),
            &TestOptions::default(),
        )
        .unwrap();
    // The document errors (the run exits 2), it does not pass.
    let error = results.documents[0].error.as_deref().unwrap_or_default();
    assert!(
        error.contains("outside the paths policies may read"),
        "{error}"
    );
}

fn engine_with_no_roots() -> PolicyEngine {
    engine("builtins", "policy", false, &EngineOptions::default())
}

#[test]
fn multi_document_yaml_reports_each_document_line() {
    let results = run("exceptions", &["deployments.yaml"], &TestOptions::default());
    let lines: Vec<(usize, u32)> = results
        .documents
        .iter()
        .map(|d| (d.document, d.line))
        .collect();
    assert_eq!(lines, vec![(0, 1), (1, 12)]);
    let report = gate_policy::test_report(&results);
    let located: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("{} {}", f.rule.id, f.location.as_ref().unwrap()))
        .collect();
    assert_eq!(
        located,
        vec![
            "policy/deny deployments.yaml:1",
            "policy/exception deployments.yaml:12"
        ]
    );
}

#[test]
fn kubernetes_outputs_snapshot() {
    let results = run(
        "kubernetes",
        &["deployment.yaml", "service.yaml"],
        &TestOptions::default(),
    );
    let checks = results.check_results();
    insta::assert_snapshot!("kubernetes_stdout", stdout(&results));
    insta::assert_snapshot!("kubernetes_json", output::conftest_json(&checks));
    insta::assert_snapshot!("kubernetes_tap", output::conftest_tap(&checks));
}

#[test]
fn tap_output_for_exceptions_and_verify() {
    let results = run("exceptions", &["deployments.yaml"], &TestOptions::default());
    insta::assert_snapshot!(
        "exceptions_tap",
        output::conftest_tap(&results.check_results())
    );
    let engine = engine("verify", "policy", true, &EngineOptions::default());
    let verified = engine.verify(&VerifyOptions::default()).unwrap();
    let tap = output::conftest_tap(&verified.check_results());
    assert!(
        tap.starts_with("1..1\n# successes\nok 1 - policy/rules_test.rego -  - SUCCESS\n"),
        "{tap}"
    );
}

#[test]
fn bad_input_names_file_and_line() {
    let error =
        gate_policy::parse_as(None, "deploy/bad.yaml", "a: 1\nb: [1,\n  c: d: e\n").unwrap_err();
    let text = error.to_string();
    assert!(text.starts_with("deploy/bad.yaml:"), "{text}");
    let error = gate_policy::parse_as(None, "notes.txt", "x").unwrap_err();
    assert!(error.to_string().contains("no parser"), "{error}");
}

/// Arbitrary bytes into the YAML, JSON and TOML parsers: an error or a value, never a panic.
#[test]
fn arbitrary_bytes_never_panic() {
    let seeds = [
        "a: [1, {b: &x c}]\n---\n- *x\n- !Ref y\n",
        "{\"a\": [1, 2.5e3, null, \"\\u00e9\"]}",
        "[t]\nx = 1979-05-27T07:32:00Z\ny = [1, 'a']\n",
        "key: |\n  text\n  more\n? complex\n: value\n",
        "<a x=\"1\"><b>&amp;&#65;<![CDATA[c]]></b><b/></a>",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for round in 0..3000 {
        let seed = seeds[round % seeds.len()].as_bytes();
        let mut bytes = seed.to_vec();
        for _ in 0..(next() % 8) {
            let at = usize::try_from(next() % (bytes.len() as u64 + 1)).unwrap();
            match next() % 3 {
                0 if at < bytes.len() => bytes[at] = next().to_le_bytes()[0],
                1 => bytes.insert(at, next().to_le_bytes()[0]),
                _ if at < bytes.len() => {
                    bytes.remove(at);
                }
                _ => {}
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        for format in [
            Format::Yaml,
            Format::Json,
            Format::Toml,
            Format::Hcl2,
            Format::Ini,
            Format::Dotenv,
            Format::Dockerfile,
            Format::Xml,
        ] {
            let _ = gate_policy::parse::parse(format, "fuzz", &text);
        }
    }
}

#[test]
fn parse_output_shapes() {
    let single = inputs("combine", &["users.yaml"], None);
    insta::assert_snapshot!(
        "parse_multi_document",
        output::conftest_parse(&single, false)
    );
    let several = inputs("combine", &["team.yaml", "user1.yaml"], None);
    insta::assert_snapshot!(
        "parse_several_files",
        output::conftest_parse(&several, false)
    );
    let combined = inputs("combine", &["users.yaml", "team.yaml"], None);
    insta::assert_snapshot!("parse_combined", output::conftest_parse(&combined, true));
}

#[test]
fn policy_errors_name_file_and_line() {
    let broken = gate_policy::PolicySource::new(
        "policy/broken.rego",
        "package main\n\ndeny contains msg if {\n  msg := \n}\n",
    );
    let error = PolicyEngine::new(
        vec![broken],
        serde_json::json!({}),
        &EngineOptions::default(),
    )
    .unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("policy/broken.rego") && text.contains(":4:7: expecting"),
        "{text}"
    );
    let failing = gate_policy::PolicySource::new(
        "policy/object.rego",
        "package main\n\ndeny contains {\"message\": \"no msg key\"} if true\n",
    );
    let engine = PolicyEngine::new(
        vec![failing],
        serde_json::json!({}),
        &EngineOptions::default(),
    )
    .unwrap();
    let input = gate_policy::parse_as(None, "a.json", "{}").unwrap();
    let results = engine.test(&[input], &TestOptions::default()).unwrap();
    assert_eq!(
        results.documents[0].error.as_deref(),
        Some("data.main.deny: \"msg\" field must be present and a string")
    );
}

#[test]
fn several_namespaces_on_a_multi_document_file_group_per_namespace() {
    let results = run(
        "nested",
        &["multi.yaml", "data.json"],
        &namespaces(&["group2", "group1"]),
    );
    let checks: Vec<(String, String, usize)> = results
        .check_results()
        .iter()
        .map(|c| (c.namespace.clone(), c.filename.clone(), c.failures.len()))
        .collect();
    assert_eq!(
        checks,
        vec![
            ("group2".to_owned(), "multi.yaml".to_owned(), 1),
            ("group2".to_owned(), "data.json".to_owned(), 1),
            ("group1".to_owned(), "multi.yaml".to_owned(), 1),
            ("group1".to_owned(), "data.json".to_owned(), 1),
        ]
    );
    assert_eq!(
        summary(&results),
        "6 tests, 2 passed, 0 warnings, 4 failures, 0 exceptions"
    );
}

#[test]
fn namespace_selection_and_rego_version_names() {
    let engine = engine("nested", "policy", false, &EngineOptions::default());
    assert_eq!(engine.namespaces(), vec!["group1", "group2", "main.gke"]);
    assert_eq!(
        engine
            .select_namespaces(&["main*".to_owned()], false)
            .unwrap(),
        vec!["main.gke"]
    );
    assert_eq!(engine.select_namespaces(&[], false).unwrap(), vec!["main"]);
    assert_eq!(engine.select_namespaces(&[], true).unwrap().len(), 3);
    let error = engine
        .select_namespaces(&["group[".to_owned()], false)
        .unwrap_err();
    assert!(
        matches!(error, PolicyError::NamespacePattern { .. }),
        "{error}"
    );
    assert_eq!(RegoVersion::from_name("v0"), Some(RegoVersion::V0));
    assert_eq!(RegoVersion::from_name("V1"), Some(RegoVersion::V1));
    assert_eq!(RegoVersion::from_name("v2"), None);
}

#[test]
fn standard_input_is_yaml_and_prints_as_a_dash() {
    let engine = engine("kubernetes", "policy", false, &EngineOptions::default());
    let text = std::fs::read_to_string(fixture("kubernetes/service.yaml")).unwrap();
    let input = gate_policy::parse_as(None, "-", &text).unwrap();
    let results = engine.test(&[input], &TestOptions::default()).unwrap();
    let checks = results.check_results();
    assert!(
        output::conftest_stdout(&checks, &output::StdoutOptions::default())
            .starts_with("WARN - - main - Found service")
    );
    assert!(output::conftest_json(&checks).contains("\"filename\": \"\","));
}

/// conftest's `examples/<format>` runs (acceptance.bats "Can parse … files"): each case is the
/// example directory, its input, the parser chosen, and the summary and message conftest gives.
const EXAMPLES: &[(&str, &str, Option<Format>, &str, &str)] = &[
    (
        "properties",
        "sample.properties",
        None,
        "2 tests, 2 passed, 0 warnings, 0 failures, 0 exceptions",
        "",
    ),
    (
        "edn",
        "sample_config.edn",
        None,
        "2 tests, 1 passed, 0 warnings, 1 failure, 0 exceptions",
        "Applications in the production environment should have error only logging",
    ),
    (
        "hocon",
        "hocon.conf",
        Some(Format::Hocon),
        // conftest gives both: go-akka lets `address = ${?PLAY_HTTP_ADDRESS}` replace it.
        "2 tests, 0 passed, 0 warnings, 2 failures, 0 exceptions",
        "Play http server port should be 9000",
    ),
    (
        "vcl",
        "varnish.vcl",
        None,
        "2 tests, 1 passed, 0 warnings, 1 failure, 0 exceptions",
        "default backend port should be 8080",
    ),
    (
        "ignore/dockerignore",
        ".dockerignore",
        None,
        "1 test, 0 passed, 0 warnings, 1 failure, 0 exceptions",
        ".git directories should be ignored",
    ),
    (
        "ignore/gitignore",
        ".gitignore",
        None,
        "1 test, 0 passed, 0 warnings, 1 failure, 0 exceptions",
        "id_rsa files should be ignored",
    ),
    (
        "spdx",
        "sbom.spdx",
        None,
        "1 test, 1 passed, 0 warnings, 0 failures, 0 exceptions",
        "",
    ),
    (
        "cyclonedx",
        "cyclonedx.json",
        Some(Format::Cyclonedx),
        "1 test, 1 passed, 0 warnings, 0 failures, 0 exceptions",
        "",
    ),
    (
        "hcl1",
        "gke.tf",
        Some(Format::Hcl1),
        "2 tests, 2 passed, 0 warnings, 0 failures, 0 exceptions",
        "",
    ),
    (
        "cue",
        "deployment.cue",
        None,
        "4 tests, 3 passed, 0 warnings, 1 failure, 0 exceptions",
        "The image port should be 8080 in deployment.cue. you have : 8081",
    ),
    (
        "jsonnet",
        "arith.jsonnet",
        None,
        "2 tests, 1 passed, 0 warnings, 1 failure, 0 exceptions",
        "Concat array should be less than 3",
    ),
    (
        "nginx",
        "nginx.conf",
        None,
        "1 test, 1 passed, 0 warnings, 0 failures, 0 exceptions",
        "",
    ),
    (
        "cyclonedx",
        "cyclonedx.xml",
        Some(Format::Cyclonedx),
        "1 test, 1 passed, 0 warnings, 0 failures, 0 exceptions",
        "",
    ),
];

/// conftest's `examples/<format>` runs (acceptance.bats "Can parse … files"): each example's
/// policy over its input gives the summary and message conftest's tests expect.
#[test]
fn conftest_examples_of_every_parser() {
    let mut wrong = Vec::new();
    for (case, input, format, summary, message) in EXAMPLES {
        let engine = engine(case, "policy", false, &EngineOptions::default());
        let results = engine
            .test(&inputs(case, &[input], *format), &TestOptions::default())
            .unwrap();
        let printed = stdout(&results);
        if results.totals().summary() != *summary || !printed.contains(message) {
            wrong.push(format!("{case}/{input}:\n{printed}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// acceptance.bats "Can combine configs and reference by file": `--combine --parser hcl1
/// --all-namespaces` with `gke_combine.rego`, which reads `provider[0].google[0].project`.
#[test]
fn hcl1_combined_reaches_blocks_by_index() {
    let engine = try_engine(
        "hcl1",
        &["policy/gke_combine.rego"],
        &[],
        false,
        &EngineOptions::default(),
    )
    .unwrap();
    let options = TestOptions {
        combine: true,
        all_namespaces: true,
        ..TestOptions::default()
    };
    let results = engine
        .test(&inputs("hcl1", &["gke.tf"], Some(Format::Hcl1)), &options)
        .unwrap();
    assert_eq!(
        results.totals().summary(),
        "1 test, 1 passed, 0 warnings, 0 failures, 0 exceptions"
    );
}

/// acceptance.bats "`TextProto` policy returns expected results" and "… fails when the proto
/// messages could not be resolved": with the `.proto` files loaded, one of the two inputs fails;
/// without them, parsing stops at the message type.
#[test]
fn textproto_inputs_need_their_proto_files() {
    let files = gate_policy::find_inputs(&[fixture("textproto")]).unwrap();
    assert_eq!(files.len(), 2, "{files:?}");
    let options =
        gate_policy::ParseOptions::with_proto_file_dirs(&[fixture("textproto/protos")]).unwrap();
    let parsed: Vec<Parsed> = files
        .iter()
        .map(|file| {
            let mut parsed = gate_policy::parse_file_with(None, file, &options).unwrap();
            parsed.path = relative("textproto", file);
            parsed
        })
        .collect();
    let engine = engine("textproto", "policy", false, &EngineOptions::default());
    let results = engine.test(&parsed, &TestOptions::default()).unwrap();
    assert_eq!(
        results.totals().summary(),
        "2 tests, 1 passed, 0 warnings, 1 failure, 0 exceptions"
    );
    assert!(stdout(&results).contains("fail: Power level must be over 9000"));
    let error = parse_file(None, &files[0]).unwrap_err().to_string();
    assert!(error.contains("look up message type"), "{error}");
}

/// acceptance.bats "Can test a Jenkinsfile with the Groovy parser" and "… a safe Jenkinsfile".
/// The policy reads `data.conftest.file.name`, which conftest (and gate) set to each file's
/// name: the rule fires only on a file named `Jenkinsfile`.
#[test]
fn jenkinsfiles_shaped_for_conftest_policies() {
    let sources = load_policies(&[fixture("jenkins/policy")], false).unwrap();
    let data = load_data(&[]).unwrap();
    let engine = PolicyEngine::new(sources, data, &EngineOptions::default()).unwrap();
    let run = |input: &str| {
        let results = engine
            .test(&inputs("jenkins", &[input], None), &TestOptions::default())
            .unwrap();
        (results.totals().summary(), stdout(&results))
    };
    let (summary, printed) = run("Jenkinsfile");
    assert_eq!(
        summary,
        "1 test, 0 passed, 0 warnings, 1 failure, 0 exceptions"
    );
    assert!(
        printed.contains("Pipeline downloads a script and pipes it directly to an interpreter"),
        "{printed}"
    );
    let (summary, _) = run("Jenkinsfile.safe");
    assert_eq!(
        summary,
        "1 test, 1 passed, 0 warnings, 0 failures, 0 exceptions"
    );
}

/// The Jenkinsfile example's own tests (`policy/deny_test.rego`) call `parse_config("groovy", …)`.
#[test]
fn jenkins_policy_tests_parse_groovy() {
    let engine = engine("jenkins", "policy", true, &EngineOptions::default());
    let results = engine.verify(&VerifyOptions::default()).unwrap();
    let failed: Vec<_> = results
        .cases
        .iter()
        .filter(|case| case.status != gate_policy::TestStatus::Passed)
        .map(|case| (case.name.clone(), case.error.clone()))
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
    assert!(results.cases.len() >= 2);
}

/// OPA: inside a comprehension, a variable used before the comprehension's own `name := …` is
/// the enclosing rule's `name` (conftest's `examples/combine` relies on it). regorus refused the
/// policy ("var `name` used before definition below") until vendor/regorus patch U6.
#[test]
fn a_comprehension_local_declared_later_shadows_only_after_its_declaration() {
    let policy = PolicySource::new(
        "shadow.rego",
        "package main\n\nnames := [\"a\", \"b\"]\n\ndeny contains n if {\n\tname := names[_]\n\t\
         out := [name | some i; names[i] == name; name := sprintf(\"%s!\", [names[i]])]\n\t\
         n := sprintf(\"%s=%v\", [name, out])\n}\n",
    );
    let engine = PolicyEngine::new(
        vec![policy],
        serde_json::json!({}),
        &EngineOptions::default(),
    )
    .expect("the policy compiles");
    let input = gate_policy::parse_as(None, "in.json", "{}").unwrap();
    let results = engine.test(&[input], &TestOptions::default()).unwrap();
    let messages: Vec<&str> = results.documents[0]
        .failures
        .iter()
        .map(|outcome| outcome.result.message.as_str())
        .collect();
    assert_eq!(messages, [r#"a=["a!"]"#, r#"b=["b!"]"#]);
}

/// `trace()` messages are kept for the caller (vendor/regorus patch 1): `verify --report notes`
/// shows them as OPA's `Note` events.
#[test]
fn verify_keeps_trace_notes() {
    let policy = PolicySource::new(
        "notes_test.rego",
        "package main\n\ntest_note if {\n\ttrace(\"checked\")\n\tfalse\n}\n",
    );
    let engine = PolicyEngine::new(
        vec![policy],
        serde_json::json!({}),
        &EngineOptions::default(),
    )
    .unwrap();
    let results = engine
        .verify(&VerifyOptions {
            notes: true,
            ..VerifyOptions::default()
        })
        .unwrap();
    assert_eq!(results.cases[0].notes, ["checked"]);
}

/// conftest's `tests/rego-version`: a Rego v1 policy (`deny contains msg if`) read as v0
/// without `import future.keywords` does not parse in OPA; regorus only warned and loaded
/// something else (vendor/regorus patch 3).
#[test]
fn a_v1_policy_read_as_v0_is_refused() {
    let policy = PolicySource::new(
        "v1.rego",
        "package main\n\ndeny contains msg if {\n    input.bar == \"baz\"\n    msg := \"foo\"\n}\n",
    );
    let options = EngineOptions {
        rego_version: RegoVersion::V0,
        ..EngineOptions::default()
    };
    let error = PolicyEngine::new(vec![policy.clone()], serde_json::json!({}), &options)
        .unwrap_err()
        .to_string();
    assert!(error.contains("v1.rego:3:"), "{error}");
    assert!(error.contains("import future.keywords.if"), "{error}");
    PolicyEngine::new(
        vec![policy],
        serde_json::json!({}),
        &EngineOptions::default(),
    )
    .unwrap();
}

/// conftest's `examples/combine`: a `some i` that only comprehensions use is bound by each
/// comprehension (OPA's closures), and a `some i` evaluated again on the next iteration of an
/// enclosing loop declares `i` afresh. regorus could not schedule the rule, then failed with
/// "duplicated definition of local variable i" (vendor/regorus patch 4).
#[test]
fn some_variables_used_only_in_comprehensions_and_inside_loops() {
    let policy = PolicySource::new(
        "closures.rego",
        "package main\n\ndeny contains msg if {\n\tkind := input[_].contents.kind\n\t\
         kind == \"team\"\n\tsome i\n\t\
         users := {u | some i; input[i].contents.kind == \"user\"; u := input[i].contents.name}\n\t\
         teams := [t | input[i].contents.kind == \"team\"; t := input[i].contents.name]\n\t\
         msg := sprintf(\"%v %v\", [users, teams])\n}\n",
    );
    let engine = PolicyEngine::new(
        vec![policy],
        serde_json::json!({}),
        &EngineOptions::default(),
    )
    .expect("the policy compiles");
    let files: Vec<Parsed> = [
        ("a.yaml", "kind: team\nname: t1\n"),
        ("b.yaml", "kind: user\nname: u1\n"),
        ("c.yaml", "kind: team\nname: t2\n"),
    ]
    .iter()
    .map(|(path, text)| gate_policy::parse_as(None, path, text).unwrap())
    .collect();
    let options = TestOptions {
        combine: true,
        ..TestOptions::default()
    };
    let results = engine.test(&files, &options).unwrap();
    let messages: Vec<&str> = results.documents[0]
        .failures
        .iter()
        .map(|outcome| outcome.result.message.as_str())
        .collect();
    // Two team documents, one message: a set.
    assert_eq!(messages, [r#"{"u1"} ["t1", "t2"]"#]);
}

/// A document whose evaluation errors is reported with its error; the other documents are still
/// evaluated and reported, in every output.
#[test]
fn an_evaluation_error_belongs_to_its_document() {
    let policy = gate_policy::PolicySource::new(
        "policy/conflict.rego",
        "package main\n\nx := 1 if input.a\nx := 2 if input.a\n\n\
         deny contains \"x is one\" if x == 1\n\ndeny contains \"always\" if input.kind\n",
    );
    let engine = PolicyEngine::new(
        vec![policy],
        serde_json::json!({}),
        &EngineOptions::default(),
    )
    .unwrap();
    let bad = gate_policy::parse_as(None, "bad.yaml", "kind: A\na: true\n").unwrap();
    let good =
        gate_policy::parse_as(None, "good.yaml", "kind: B\n---\nkind: C\na: true\n").unwrap();
    let results = engine.test(&[bad, good], &TestOptions::default()).unwrap();
    assert!(results.has_errors());
    assert_eq!(results.totals().errors, 2);
    assert_eq!(results.totals().failures, 1);
    let checks = results.check_results();
    insta::assert_snapshot!("document_errors_stdout", stdout(&results));
    insta::assert_snapshot!("document_errors_json", output::conftest_json(&checks));
    insta::assert_snapshot!("document_errors_tap", output::conftest_tap(&checks));
    insta::assert_snapshot!("document_errors_table", output::table(&checks));
    let report = gate_policy::test_report(&results);
    assert_eq!(report.errors.len(), 2);
    assert_eq!(report.findings.len(), 1);
}
