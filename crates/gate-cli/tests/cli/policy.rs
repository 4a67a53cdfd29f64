//! `gate policy test|verify|parse|fmt` and `[policy]` in `gate check`: conftest's flags, exit
//! codes, every output format, the beacon example.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::{code, copy_of, fixture, gate, gate_with_env, stderr, stdout};

/// `gate policy …` in the policy fixture.
fn policy(args: &[&str]) -> Output {
    let mut all = vec!["policy"];
    all.extend_from_slice(args);
    gate(&fixture("policy"), &all)
}

/// Both streams, for assertion messages.
fn both(output: &Output) -> String {
    format!("stdout:\n{}\nstderr:\n{}", stdout(output), stderr(output))
}

fn beacon() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/beacon")
}

/// `gate policy test -` with `input` on standard input.
fn test_stdin(input: &str, extra: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gate"))
        .args(["policy", "test", "--no-color"])
        .args(extra)
        .arg("-")
        .current_dir(fixture("policy"))
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the gate binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn passing_inputs_exit_zero_with_conftests_summary() {
    let output = policy(&["test", "inputs/pass", "--no-color"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    assert_eq!(
        stdout(&output),
        "\n3 tests, 3 passed, 0 warnings, 0 failures, 0 exceptions\n"
    );
}

#[test]
fn failures_exit_one_and_name_file_namespace_and_message() {
    let output = policy(&["test", "inputs/fail", "--no-color"]);
    assert_eq!(code(&output), 1, "{}", both(&output));
    let text = stdout(&output);
    assert!(
        text.contains("FAIL - inputs/fail/worker.yaml - main - worker: image docker.io/acme/worker:latest uses :latest\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "EXCP - inputs/fail/legacy.yaml - main - data.main.exception[_][_] == \"latest\"\n"
        ),
        "{text}"
    );
}

#[test]
fn warnings_pass_unless_fail_on_warn() {
    let output = policy(&["test", "inputs/warn", "--no-color"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    assert!(
        stdout(&output).contains("WARN - inputs/warn/web.yaml - main - web: no team label"),
        "{}",
        both(&output)
    );
    let output = policy(&["test", "inputs/warn", "--no-color", "--fail-on-warn"]);
    assert_eq!(code(&output), 1, "{}", both(&output));
}

#[test]
fn no_fail_exits_zero_on_failures_but_not_on_errors() {
    let output = policy(&["test", "inputs/fail", "--no-fail"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    let output = policy(&["test", "inputs/warn", "--no-fail", "--fail-on-warn"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    let output = policy(&["test", "inputs/broken", "--no-fail"]);
    assert_eq!(code(&output), 2, "{}", both(&output));
}

#[test]
fn an_unparsable_input_exits_two_naming_file_and_line() {
    let output = policy(&["test", "inputs/broken"]);
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert!(
        stderr(&output).contains("inputs/broken/bad.yaml:5: invalid yaml"),
        "{}",
        both(&output)
    );
}

#[test]
fn a_missing_path_exits_two_naming_it() {
    let output = policy(&["test", "inputs/nowhere.yaml"]);
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert!(
        stderr(&output).contains("inputs/nowhere.yaml"),
        "{}",
        both(&output)
    );
    let output = policy(&["test", "inputs/pass", "-p", "no-such-policy"]);
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert!(
        stderr(&output).contains("no-such-policy"),
        "{}",
        both(&output)
    );
}

#[test]
fn no_input_files_is_an_error_not_a_pass() {
    let output = policy(&["test", "inputs/mixed", "--ignore", "."]);
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert!(
        stderr(&output).contains("no input files found in inputs/mixed"),
        "{}",
        both(&output)
    );
}

#[test]
fn a_policy_syntax_error_exits_two_naming_file_and_line() {
    let output = policy(&["test", "inputs/pass", "--policy", "broken-policy/policy"]);
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert!(
        stderr(&output).contains("broken-policy/policy/bad.rego:6:1: expecting `)`"),
        "{}",
        both(&output)
    );
}

#[test]
fn namespaces_can_be_chosen_by_name_and_glob_or_all_at_once() {
    // Without -d, the registries namespace allows no image.
    let output = policy(&[
        "test",
        "inputs/pass",
        "-n",
        "k8s.labels",
        "--namespace",
        "registries",
        "--no-color",
    ]);
    assert_eq!(code(&output), 1, "{}", both(&output));
    let text = stdout(&output);
    assert!(text.contains("FAIL - inputs/pass/api.yaml - registries - api: image ghcr.io/acme/api:1.4.2 is not from an allowed registry"), "{text}");
    assert!(text.contains("2 tests, 1 passed"), "{text}");

    let output = policy(&["test", "inputs/fail", "-n", "k8s.*", "-o", "json"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    let text = stdout(&output);
    assert!(text.contains("\"namespace\": \"k8s.labels\""), "{text}");
    assert!(!text.contains("\"namespace\": \"main\""), "{text}");

    let output = policy(&["test", "inputs/pass", "--all-namespaces", "-o", "json"]);
    assert_eq!(code(&output), 1, "{}", both(&output));
    let text = stdout(&output);
    for namespace in ["combined", "k8s.labels", "main", "registries"] {
        assert!(
            text.contains(&format!("\"namespace\": \"{namespace}\"")),
            "{namespace}: {text}"
        );
    }
}

#[test]
fn data_documents_feed_the_policies() {
    let output = policy(&["test", "inputs/pass", "-n", "registries"]);
    assert_eq!(code(&output), 1, "{}", both(&output));
    let output = policy(&["test", "inputs/pass", "-n", "registries", "-d", "data"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    let output = policy(&[
        "test",
        "inputs/pass",
        "-n",
        "registries",
        "--data",
        "data/registries/list.yaml",
    ]);
    assert_eq!(
        code(&output),
        1,
        "a file given directly is not under a directory prefix: data.allowed, not data.registries.allowed: {}",
        both(&output)
    );
}

#[test]
fn combine_evaluates_every_input_as_one_document() {
    let output = policy(&["test", "inputs/dupes", "-n", "combined", "--no-color"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    let output = policy(&[
        "test",
        "inputs/dupes",
        "-n",
        "combined",
        "--combine",
        "--no-color",
    ]);
    assert_eq!(code(&output), 1, "{}", both(&output));
    assert_eq!(
        stdout(&output),
        "FAIL - Combined - combined - api is defined more than once\n\n1 test, 0 passed, 0 warnings, 1 failure, 0 exceptions\n"
    );
}

#[test]
fn parser_forces_a_format_for_unknown_file_types() {
    let output = policy(&["test", "inputs/text/manifest.txt"]);
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert!(
        stderr(&output).contains("no parser for this file type"),
        "{}",
        both(&output)
    );
    let output = policy(&[
        "test",
        "inputs/text/manifest.txt",
        "--parser",
        "yaml",
        "--no-color",
    ]);
    assert_eq!(code(&output), 1, "{}", both(&output));
    assert!(
        stdout(&output).contains("plain: image quay.io/plain:1.0 is not from ghcr.io/acme"),
        "{}",
        both(&output)
    );
    let output = policy(&["test", "inputs/pass", "--parser", "nope"]);
    assert_eq!(code(&output), 2, "{}", both(&output));
}

#[test]
fn ignore_skips_matching_files_found_in_directories() {
    let output = policy(&["test", "inputs/mixed"]);
    assert_eq!(code(&output), 1, "{}", both(&output));
    let output = policy(&["test", "inputs/mixed", "--ignore", "vendor/"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    let output = policy(&["test", "inputs/mixed", "--ignore", "("]);
    assert_eq!(code(&output), 2, "{}", both(&output));
}

#[test]
fn standard_input_is_read_for_a_dash() {
    let passing = std::fs::read_to_string(fixture("policy/inputs/pass/api.yaml")).unwrap();
    let output = test_stdin(&passing, &[]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    let failing = std::fs::read_to_string(fixture("policy/inputs/fail/worker.yaml")).unwrap();
    let output = test_stdin(&failing, &[]);
    assert_eq!(code(&output), 1, "{}", both(&output));
    assert!(
        stdout(&output)
            .contains("FAIL - - main - worker: image docker.io/acme/worker:latest uses :latest"),
        "{}",
        both(&output)
    );
    let output = test_stdin(
        "{\"kind\": \"Deployment\", \"metadata\": {\"name\": \"j\"}}",
        &["--parser", "json"],
    );
    assert_eq!(code(&output), 0, "{}", both(&output));
}

#[test]
fn quiet_hides_passing_output_only() {
    let output = policy(&["test", "inputs/pass", "--quiet"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    assert_eq!(stdout(&output), "");
    let output = policy(&["test", "inputs/fail", "--quiet", "--no-color"]);
    assert_eq!(code(&output), 1, "{}", both(&output));
    assert!(stdout(&output).contains("FAIL - "), "{}", both(&output));
}

#[test]
fn colour_only_on_request_of_a_terminal_and_never_with_no_color() {
    // Standard output is a pipe here: no colour codes either way.
    let output = policy(&["test", "inputs/fail"]);
    assert!(!stdout(&output).contains('\u{1b}'), "{}", both(&output));
    let output = policy(&["test", "inputs/fail", "--no-color"]);
    assert!(!stdout(&output).contains('\u{1b}'), "{}", both(&output));
}

#[test]
fn every_output_format_is_snapshotted() {
    for format in ["stdout", "json", "tap", "table", "junit", "github", "sarif"] {
        let output = policy(&[
            "test",
            "inputs/fail",
            "inputs/warn",
            "--no-color",
            "-o",
            format,
        ]);
        assert_eq!(code(&output), 1, "{format}: {}", both(&output));
        insta::assert_snapshot!(format!("test_output_{format}"), stdout(&output));
    }
    let output = policy(&["test", "inputs/pass", "--output", "json"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    insta::assert_snapshot!("test_output_json_pass", stdout(&output));
}

#[test]
fn github_output_writes_the_job_summary() {
    let directory = tempfile::tempdir().unwrap();
    let summary = directory.path().join("summary.md");
    let output = gate_with_env(
        &fixture("policy"),
        &["policy", "test", "inputs/fail", "-o", "github"],
        &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
    );
    assert_eq!(code(&output), 1, "{}", both(&output));
    assert!(
        // conftest's layout: a result without `_loc` is annotated at the file's first line.
        stdout(&output).contains("::error file=inputs/fail/worker.yaml,line=1::"),
        "{}",
        both(&output)
    );
    assert!(
        std::fs::read_to_string(&summary)
            .unwrap()
            .contains("policy")
    );
}

#[test]
fn rego_v0_policies_need_the_flag() {
    let directory = tempfile::tempdir().unwrap();
    std::fs::create_dir(directory.path().join("policy")).unwrap();
    std::fs::write(
        directory.path().join("policy/old.rego"),
        "package main\n\ndeny[msg] {\n  input.kind == \"Pod\"\n  msg := \"no bare pods\"\n}\n",
    )
    .unwrap();
    std::fs::write(directory.path().join("pod.yaml"), "kind: Pod\n").unwrap();
    let output = gate(directory.path(), &["policy", "test", "pod.yaml"]);
    assert_eq!(code(&output), 2, "{}", both(&output));
    let output = gate(
        directory.path(),
        &[
            "policy",
            "test",
            "pod.yaml",
            "--rego-version",
            "v0",
            "--no-color",
        ],
    );
    assert_eq!(code(&output), 1, "{}", both(&output));
    assert!(
        stdout(&output).contains("FAIL - pod.yaml - main - no bare pods"),
        "{}",
        both(&output)
    );
    let output = gate(
        directory.path(),
        &["policy", "test", "pod.yaml", "--rego-version", "v2"],
    );
    assert_eq!(code(&output), 2, "{}", both(&output));
}

#[test]
fn verify_passes_on_the_beacon_policy_with_full_coverage() {
    let output = gate(&beacon(), &["policy", "verify", "--no-color"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    assert!(
        stdout(&output).contains(" passed, 0 warnings, 0 failures, 0 exceptions, 0 skipped"),
        "{}",
        both(&output)
    );
    let output = gate(
        &beacon(),
        &[
            "policy",
            "verify",
            "--coverage",
            "--fail-under-coverage",
            "100",
            "--no-color",
        ],
    );
    assert_eq!(code(&output), 0, "{}", both(&output));
    let text = stdout(&output);
    assert!(text.contains("policy/deployment.rego"), "{text}");
    assert!(text.contains("TOTAL"), "{text}");
    assert!(text.contains("100.0%"), "{text}");
}

#[test]
fn a_failing_rego_test_exits_one_and_shows_file_line_and_prints() {
    let output = gate(
        &fixture("policy/verify"),
        &["policy", "verify", "--no-color"],
    );
    assert_eq!(code(&output), 1, "{}", both(&output));
    assert!(
        stderr(&output)
            .contains("policy/rules_test.rego:7: data.main.test_non_root_pod_passes failed"),
        "{}",
        both(&output)
    );
    assert!(
        stderr(&output).contains("print: policy/rules_test.rego:8: checking a non-root pod"),
        "{}",
        both(&output)
    );
    assert!(
        stdout(&output)
            .contains("FAIL - policy/rules_test.rego -  - data.main.test_non_root_pod_passes"),
        "{}",
        both(&output)
    );
    assert!(stdout(&output).contains("1 skipped"), "{}", both(&output));
    let output = gate(
        &fixture("policy/verify"),
        &["policy", "verify", "--no-fail"],
    );
    assert_eq!(code(&output), 0, "{}", both(&output));
    let output = gate(
        &fixture("policy/verify"),
        &["policy", "verify", "-o", "junit"],
    );
    assert_eq!(code(&output), 1, "{}", both(&output));
    assert!(stdout(&output).contains("<testsuite"), "{}", both(&output));
}

#[test]
fn fail_under_coverage_gates_on_policy_line_coverage() {
    let directory = copy_of("policy/verify");
    // Only the passing test: the warn rule is never evaluated.
    std::fs::write(
        directory.path().join("policy/rules_test.rego"),
        "package main\n\ntest_root_pod_is_denied if {\n\tcount(deny) == 1 with input as {\"kind\": \"Pod\", \"spec\": {}}\n}\n",
    )
    .unwrap();
    let output = gate(
        directory.path(),
        &["policy", "verify", "--coverage", "--no-color"],
    );
    assert_eq!(code(&output), 0, "{}", both(&output));
    let text = stdout(&output);
    assert!(text.contains("policy/rules.rego"), "{text}");
    assert!(text.contains("50.0%  9,10,11,12"), "{text}");
    let output = gate(
        directory.path(),
        &["policy", "verify", "--fail-under-coverage", "95"],
    );
    assert_eq!(code(&output), 1, "{}", both(&output));
    assert!(
        stderr(&output).contains("is below --fail-under-coverage 95"),
        "{}",
        both(&output)
    );
    let output = gate(
        directory.path(),
        &["policy", "verify", "--fail-under-coverage", "10"],
    );
    assert_eq!(code(&output), 0, "{}", both(&output));
}

#[test]
fn parse_prints_multi_document_yaml_as_an_array() {
    let output = policy(&["parse", "inputs/fail/worker.yaml"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    insta::assert_snapshot!("parse_multi_document", stdout(&output));
    let output = policy(&["parse", "inputs/dupes", "--combine"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    insta::assert_snapshot!("parse_combine", stdout(&output));
    let output = policy(&["parse", "inputs/text/manifest.txt", "--parser", "yaml"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    assert!(
        stdout(&output).contains("\"name\": \"plain\""),
        "{}",
        both(&output)
    );
    let output = policy(&["parse", "inputs/broken/bad.yaml"]);
    assert_eq!(code(&output), 2, "{}", both(&output));
}

#[test]
fn fmt_check_lists_files_that_would_change_and_fmt_fixes_them() {
    let directory = tempfile::tempdir().unwrap();
    std::fs::create_dir(directory.path().join("policy")).unwrap();
    let untidy = "package main   \n\ndeny contains msg if {\n    input.kind == \"Pod\"\n    msg := \"no pods\"\n}\n\n\n";
    let tidy = "package main\n\ndeny contains msg if {\n\tinput.kind == \"Pod\"\n\tmsg := \"no pods\"\n}\n";
    let file = directory.path().join("policy/pods.rego");
    std::fs::write(&file, untidy).unwrap();
    std::fs::write(directory.path().join("policy/tidy.rego"), tidy).unwrap();

    let output = gate(directory.path(), &["policy", "fmt", "--check"]);
    assert_eq!(code(&output), 1, "{}", both(&output));
    assert_eq!(stdout(&output), "policy/pods.rego\n");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), untidy);

    let output = gate(directory.path(), &["policy", "fmt"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), tidy);

    let output = gate(directory.path(), &["policy", "fmt", "--check", "policy"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    assert_eq!(stdout(&output), "");
}

#[test]
fn policy_help_snapshots() {
    let directory = tempfile::tempdir().unwrap();
    for (name, args) in [
        ("policy_test_help", vec!["policy", "test", "--help"]),
        ("policy_verify_help", vec!["policy", "verify", "--help"]),
        ("policy_fmt_help", vec!["policy", "fmt", "--help"]),
    ] {
        let output = gate(directory.path(), &args);
        assert_eq!(code(&output), 0);
        insta::assert_snapshot!(name, stdout(&output));
    }
}

/// A copy of the policy fixture with this gate.toml.
fn configured(config: &str) -> tempfile::TempDir {
    let directory = copy_of("policy");
    std::fs::write(directory.path().join("gate.toml"), config).unwrap();
    directory
}

#[test]
fn check_runs_the_policy_gate() {
    let directory = configured("[policy]\ninputs = [\"inputs/pass\"]\n");
    let output = gate(directory.path(), &["check", "--color", "never"]);
    assert_eq!(code(&output), 0, "{}", both(&output));

    let directory = configured("[policy]\ninputs = [\"inputs/fail\"]\n");
    let output = gate(directory.path(), &["check", "--format", "json"]);
    assert_eq!(code(&output), 1, "{}", both(&output));
    let text = stdout(&output);
    assert!(text.contains("\"rule\": \"policy/deny\""), "{text}");
    assert!(text.contains("inputs/fail/worker.yaml"), "{text}");
    assert!(!text.contains("./inputs"), "{text}");
}

#[test]
fn check_honours_every_policy_key() {
    let directory = configured(
        "[policy]\ninputs = [\"inputs/warn\"]\npolicy = [\"policy\"]\nfail-on-warn = true\n",
    );
    let output = gate(directory.path(), &["check"]);
    assert_eq!(code(&output), 1, "{}", both(&output));

    let directory = configured(
        "[policy]\ninputs = [\"inputs/pass\"]\ndata = [\"data\"]\nnamespaces = [\"registries\", \"k8s.*\"]\nrego-version = \"v1\"\n",
    );
    let output = gate(directory.path(), &["check"]);
    assert_eq!(code(&output), 0, "{}", both(&output));

    let directory = configured("[policy]\ninputs = [\"inputs/pass\"]\nall-namespaces = true\n");
    let output = gate(directory.path(), &["check"]);
    assert_eq!(
        code(&output),
        1,
        "registries without data: {}",
        both(&output)
    );

    let directory = configured(
        "[policy]\ninputs = [\"inputs/dupes\"]\nnamespaces = [\"combined\"]\ncombine = true\n",
    );
    let output = gate(directory.path(), &["check"]);
    assert_eq!(code(&output), 1, "{}", both(&output));

    let directory = configured(
        "[policy]\ninputs = [\"inputs/text\"]\nparsers = { \"inputs/text/*.txt\" = \"yaml\" }\n",
    );
    let output = gate(directory.path(), &["check", "--color", "never"]);
    assert_eq!(
        code(&output),
        1,
        "manifest.txt is found in the directory and read as YAML: {}",
        both(&output)
    );
    assert!(
        stdout(&output).contains("inputs/text/manifest.txt:1  plain: image quay.io/plain:1.0"),
        "{}",
        both(&output)
    );

    let directory =
        configured("[policy]\ninputs = [\"inputs/text/manifest.txt\"]\nparser = \"yaml\"\n");
    let output = gate(directory.path(), &["check"]);
    assert_eq!(
        code(&output),
        1,
        "quay.io is not allowed: {}",
        both(&output)
    );

    let directory = configured("[policy]\ninputs = [\"inputs/mixed\"]\nignore = \"vendor/\"\n");
    let output = gate(directory.path(), &["check"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
}

#[test]
fn check_errors_when_a_policy_or_input_cannot_be_read() {
    let directory = configured("[policy]\ninputs = [\"inputs/broken\"]\n");
    let output = gate(directory.path(), &["check", "--color", "never"]);
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert!(
        stdout(&output).contains("error inputs/broken/bad.yaml:5: invalid yaml"),
        "{}",
        both(&output)
    );

    // From elsewhere, with --config: the input is still named relative to gate.toml.
    let config = directory.path().join("gate.toml");
    let elsewhere = tempfile::tempdir().unwrap();
    let output = gate(
        elsewhere.path(),
        &[
            "check",
            "--config",
            config.to_str().unwrap(),
            "--format",
            "github",
        ],
    );
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert!(
        stdout(&output).contains("::error file=inputs/broken/bad.yaml,line=5"),
        "{}",
        both(&output)
    );

    let directory =
        configured("[policy]\ninputs = [\"inputs/pass\"]\npolicy = [\"broken-policy/policy\"]\n");
    let output = gate(directory.path(), &["check", "--color", "never"]);
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert!(
        stdout(&output).contains("broken-policy/policy/bad.rego:6: expecting `)`"),
        "{}",
        both(&output)
    );
}

#[test]
fn policy_config_errors_name_the_line() {
    for (config, at) in [
        (
            "[policy]\ninputs = [\"inputs\"]\nrego-version = \"v2\"\n",
            "gate.toml:3:16:",
        ),
        (
            "[policy]\ninputs = [\"inputs\"]\nparser = \"nope\"\n",
            "gate.toml:3:10:",
        ),
        (
            "[policy]\ninputs = [\"inputs\"]\nignore = \"(\"\n",
            "gate.toml:3:10:",
        ),
        (
            "[policy]\ninputs = [\"inputs\"]\nparsers = { \"*.txt\" = \"nope\" }\n",
            "gate.toml:3:",
        ),
        (
            "[policy]\ninputs = [\"inputs\"]\nnamespace = [\"main\"]\n",
            "gate.toml:3:1:",
        ),
        ("\n[policy]\npolicy = [\"policy\"]\n", "gate.toml:2:1:"),
    ] {
        let directory = configured(config);
        let output = gate(directory.path(), &["check"]);
        assert_eq!(code(&output), 2, "{config}: {}", both(&output));
        assert!(stderr(&output).contains(at), "{config}: {}", both(&output));
    }
}

#[test]
fn the_beacon_policy_passes_and_every_rule_fires_on_the_incident() {
    let output = gate(
        &beacon(),
        &["check", "--only", "policy", "--color", "never"],
    );
    assert_eq!(code(&output), 0, "{}", both(&output));

    let output = gate(
        &beacon().join("incidents"),
        &["check", "--only", "policy", "--format", "json"],
    );
    assert_eq!(code(&output), 1, "{}", both(&output));
    let text = stdout(&output);
    for fired in [
        "outside the approved registries",
        "with a floating tag",
        "has no memory limit",
        "has no cpu request",
        "has no memory request",
        "runAsNonRoot: true",
        "mounts the host path",
        "has no readiness probe",
    ] {
        assert!(text.contains(fired), "{fired}: {text}");
    }
}

#[test]
fn explain_knows_the_policy_rules() {
    let directory = tempfile::tempdir().unwrap();
    let output = gate(directory.path(), &["explain", "policy/deny"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
}

#[test]
fn verify_takes_the_policy_data_version_and_output_flags() {
    let data = fixture("policy/data");
    let output = gate(
        &beacon(),
        &[
            "policy",
            "verify",
            "-p",
            "policy",
            "-d",
            data.to_str().unwrap(),
            "--rego-version",
            "v1",
            "-o",
            "json",
        ],
    );
    assert_eq!(code(&output), 0, "{}", both(&output));
    let text = stdout(&output);
    assert!(text.starts_with('['), "{text}");
    assert!(
        text.contains("\"filename\": \"policy/deployment_test.rego\""),
        "{text}"
    );
    let output = gate(
        &beacon(),
        &[
            "policy", "verify", "--policy", "policy", "--output", "tap", "--quiet",
        ],
    );
    assert_eq!(code(&output), 0, "{}", both(&output));
    // conftest prints nothing at all with --quiet when every test passed, whatever the format.
    assert_eq!(stdout(&output), "", "{}", both(&output));
    let output = gate(&beacon(), &["policy", "verify", "-p", "no-such-policy"]);
    assert_eq!(code(&output), 2, "{}", both(&output));
}

#[test]
fn parse_ignores_matching_files_in_directories() {
    let output = policy(&["parse", "inputs/mixed", "--ignore", "vendor/"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    let text = stdout(&output);
    assert!(text.contains("\"name\": \"api\""), "{text}");
    assert!(!text.contains("worker"), "{text}");
    let output = policy(&["parse", "inputs/mixed"]);
    assert!(stdout(&output).contains("worker"), "{}", both(&output));
}

#[test]
fn a_byte_order_mark_fails_like_the_plain_input() {
    let worker = std::fs::read_to_string(fixture("policy/inputs/fail/worker.yaml")).unwrap();
    let (_, deployment) = worker.split_once("---\n").unwrap();
    let plain = test_stdin(deployment, &[]);
    assert_eq!(code(&plain), 1, "{}", both(&plain));
    let marked = test_stdin(&format!("\u{feff}{deployment}"), &[]);
    assert_eq!(code(&marked), 1, "{}", both(&marked));
    assert_eq!(stdout(&marked), stdout(&plain));
}

/// A scratch directory with `policy/p.rego` holding `policy` and a one-line `doc.yaml`.
fn scratch_policy(policy: &str) -> tempfile::TempDir {
    let directory = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(directory.path().join("policy")).unwrap();
    std::fs::write(directory.path().join("policy/p.rego"), policy).unwrap();
    std::fs::write(directory.path().join("doc.yaml"), "kind: Pod\n").unwrap();
    directory
}

/// A recursive function recursed until the stack overflowed (exit 134); like OPA, it is now
/// refused when the policies load, naming the file, the line and the cycle.
#[test]
fn recursive_functions_are_refused_when_policies_load() {
    let directory = scratch_policy(
        "package main\n\nf(x) := y if { y := g(x) }\n\ng(x) := y if { y := f(x) }\n\n\
         deny contains \"x\" if { f(1) }\n\ntest_f if { f(1) }\n",
    );
    for command in [
        &["policy", "test", "doc.yaml"][..],
        &["policy", "verify"][..],
    ] {
        let output = gate(directory.path(), command);
        assert_eq!(code(&output), 2, "{command:?}: {}", both(&output));
        assert_eq!(
            stderr(&output),
            "error: policy/p.rego:3: rego_recursion_error: rule data.main.f is recursive: \
             data.main.f -> data.main.g -> data.main.f\n",
            "{command:?}"
        );
    }
}

/// 10,000 levels of YAML overflowed the stack in `policy parse` (exit 134); every format is now
/// refused past 64 levels, the same way in `parse` and `test`.
#[test]
fn deeply_nested_inputs_are_refused_in_every_format() {
    let directory = scratch_policy("package main\n\ndeny contains \"x\" if { input.never }\n");
    let arrays = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    let block: String = (0..10_000)
        .map(|level| "  ".repeat(level) + "k:\n")
        .collect();
    let inputs = [
        ("block.yaml", block),
        ("flow.yaml", format!("a: {}\n", arrays(100_000))),
        ("deep.json", arrays(10_000)),
        ("deep.toml", format!("a = {}\n", arrays(10_000))),
        ("deep.tf", format!("a = {}\n", arrays(10_000))),
        ("deep.xml", "<a>".repeat(10_000) + &"</a>".repeat(10_000)),
    ];
    for (name, text) in &inputs {
        std::fs::write(directory.path().join(name), text).unwrap();
        for command in ["parse", "test"] {
            let output = gate(directory.path(), &["policy", command, name]);
            assert_eq!(code(&output), 2, "{command} {name}: {}", both(&output));
            let message = stderr(&output);
            assert!(
                message.starts_with(&format!("error: {name}:"))
                    && message.contains("nested deeper than 64 levels of arrays and objects"),
                "{command} {name}: {message}"
            );
        }
    }
}

/// The 3000 × 3000 comprehension took 35 s: `--max-eval-time` stops it, naming the document and
/// the rule (exit 2); `verify` takes the flag too and stops a slow test the same way.
#[test]
fn max_eval_time_stops_a_slow_policy() {
    let slow = "n := numbers.range(1, 3000)\n  count([1 | some a in n; some b in n; a != b]) > 0";
    let directory = scratch_policy(&format!(
        "package main\n\ndeny contains \"x\" if {{\n  {slow}\n}}\n\ntest_slow if {{\n  {slow}\n}}\n"
    ));
    let output = gate(
        directory.path(),
        &["policy", "test", "doc.yaml", "--max-eval-time", "1s"],
    );
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert_eq!(
        stderr(&output),
        "error: doc.yaml: evaluating data.main.deny: time limit of 1s exceeded (raise it with \
         --max-eval-time or [policy] max-eval-time)\n"
    );
    let output = gate(
        directory.path(),
        &["policy", "verify", "--max-eval-time", "200ms"],
    );
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert_eq!(
        stderr(&output),
        "error: policy/p.rego: evaluating data.main.test_slow: time limit of 200ms exceeded \
         (raise it with --max-eval-time or [policy] max-eval-time)\n"
    );
    let output = gate(
        directory.path(),
        &["policy", "test", "doc.yaml", "--max-eval-time", "0s"],
    );
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert!(stderr(&output).contains("above zero"), "{}", both(&output));
}

/// `numbers.range(1, 4e8)` allocated 9.6 GB: it is refused at once under the memory limit, the
/// default one or `--max-memory` (in `test` and `verify`); a heap that grows past
/// `--max-memory` is stopped too.
#[test]
fn max_memory_stops_a_policy_that_allocates_too_much() {
    let directory = scratch_policy(
        "package main\n\ndeny contains \"x\" if { count(numbers.range(1, 4e8)) > 0 }\n\n\
         warn contains \"y\" if { count([x | some x in numbers.range(1, 2000000)]) < 0 }\n\n\
         test_big if { count(numbers.range(1, 4e6)) > 0 }\n",
    );
    let output = gate(directory.path(), &["policy", "test", "doc.yaml"]);
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert_eq!(
        stderr(&output),
        "error: doc.yaml: evaluating data.main.deny: memory limit of 4GiB exceeded (raise it \
         with --max-memory or [policy] max-memory)\n"
    );
    let output = gate(
        directory.path(),
        &[
            "policy",
            "test",
            "doc.yaml",
            "-n",
            "main",
            "--max-memory",
            "64MiB",
        ],
    );
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert!(
        stderr(&output).contains("memory limit of 64MiB exceeded"),
        "{}",
        both(&output)
    );
    let output = gate(
        directory.path(),
        &["policy", "verify", "--max-memory", "32MiB"],
    );
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert_eq!(
        stderr(&output),
        "error: policy/p.rego: evaluating data.main.test_big: memory limit of 32MiB exceeded \
         (raise it with --max-memory or [policy] max-memory)\n"
    );
    let output = gate(
        directory.path(),
        &["policy", "test", "doc.yaml", "--max-memory", "lots"],
    );
    assert_eq!(code(&output), 2, "{}", both(&output));
}

/// `[policy] max-eval-time` and `max-memory` set the limits for `gate check`.
#[test]
fn check_takes_the_limits_from_gate_toml() {
    let directory = scratch_policy(
        "package main\n\ndeny contains \"x\" if {\n  n := numbers.range(1, 3000)\n  \
         count([1 | some a in n; some b in n; a != b]) < 0\n}\n",
    );
    let config = |keys: &str| format!("[policy]\ninputs = [\"doc.yaml\"]\n{keys}");
    std::fs::write(
        directory.path().join("gate.toml"),
        config("max-eval-time = \"300ms\"\n"),
    )
    .unwrap();
    let output = gate(directory.path(), &["check", "--color", "never"]);
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert!(
        both(&output).contains("time limit of 300ms exceeded"),
        "{}",
        both(&output)
    );
    std::fs::write(
        directory.path().join("gate.toml"),
        config("max-memory = \"1KiB\"\n"),
    )
    .unwrap();
    let output = gate(directory.path(), &["check", "--color", "never"]);
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert!(
        both(&output).contains("memory limit of 1KiB exceeded"),
        "{}",
        both(&output)
    );
    std::fs::write(
        directory.path().join("gate.toml"),
        config("max-eval-time = \"soon\"\n"),
    )
    .unwrap();
    let output = gate(directory.path(), &["check", "--color", "never"]);
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert!(both(&output).contains("max-eval-time"), "{}", both(&output));
}

#[test]
fn verify_in_gate_toml_makes_a_failing_policy_test_fail_the_gate() {
    let directory = tempfile::tempdir().unwrap();
    let root = directory.path();
    std::fs::create_dir_all(root.join("deploy")).unwrap();
    std::fs::create_dir_all(root.join("policy")).unwrap();
    std::fs::write(root.join("deploy/app.yaml"), "kind: Deployment\n").unwrap();
    std::fs::write(
        root.join("policy/main.rego"),
        "package main\n\ndeny contains \"no kind\" if not input.kind\n",
    )
    .unwrap();
    // The test is wrong (a Deployment is denied nothing), as `conftest verify` would report.
    std::fs::write(
        root.join("policy/main_test.rego"),
        "package main\n\ntest_denied if {\n\tcount(deny) == 1 with input as {\"kind\": \"Deployment\"}\n}\n",
    )
    .unwrap();
    std::fs::write(root.join("gate.toml"), "[policy]\ninputs = [\"deploy\"]\n").unwrap();
    let output = gate(root, &["check", "--color", "never"]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));

    std::fs::write(
        root.join("gate.toml"),
        "[policy]\ninputs = [\"deploy\"]\nverify = true\n",
    )
    .unwrap();
    let output = gate(root, &["check", "--color", "never"]);
    assert_eq!(code(&output), 1, "{}", stdout(&output));
    assert!(
        stdout(&output).contains("policy/test") && stdout(&output).contains("test_denied failed"),
        "{}",
        stdout(&output)
    );

    // A test that cannot run (a syntax error) is an error, never a pass.
    std::fs::write(
        root.join("policy/main_test.rego"),
        "package main\n\ntest_x if {\n",
    )
    .unwrap();
    assert_eq!(code(&gate(root, &["check", "--color", "never"])), 2);
}

/// `gate policy test <case>/input.yaml -p <case>/policy.rego -o json` in `policy-opa`, and the
/// JSON the real OPA engine (through conftest) gives for it, `<case>/opa.json`.
fn against_opa(case: &str) -> (serde_json::Value, serde_json::Value, Output) {
    let directory = fixture("policy-opa");
    let input = format!("{case}/input.yaml");
    let policy = format!("{case}/policy.rego");
    let output = gate(
        &directory,
        &["policy", "test", &input, "-p", &policy, "-o", "json"],
    );
    let ours = serde_json::from_str(&stdout(&output)).unwrap_or(serde_json::Value::Null);
    let opa = std::fs::read_to_string(directory.join(case).join("opa.json")).unwrap();
    (ours, serde_json::from_str(&opa).unwrap(), output)
}

#[test]
fn sprintf_formats_like_go_as_opa_does() {
    let (ours, opa, output) = against_opa("06-sprintf");
    assert_eq!(code(&output), 1, "{}", both(&output));
    assert_eq!(ours, opa, "{}", both(&output));
}

#[test]
fn decimal_arithmetic_gives_opas_results() {
    let (ours, opa, output) = against_opa("08-arith-precision");
    assert_eq!(code(&output), 1, "{}", both(&output));
    assert_eq!(ours, opa, "{}", both(&output));
}

/// `gate policy …` in the OPA-parity fixture (the shared repros of issue 13).
fn opa_parity(args: &[&str]) -> Output {
    let mut all = vec!["policy"];
    all.extend_from_slice(args);
    gate(&fixture("policy").join("opa-parity"), &all)
}

/// Each repro gives the output conftest gives on the real OPA engine, byte for byte.
fn assert_repro_matches_opa(repro: &str) {
    let input = format!("{repro}/input.yaml");
    let policy = format!("{repro}/policy.rego");
    let output = opa_parity(&["test", &input, "-p", &policy, "-o", "json"]);
    let expected = std::fs::read_to_string(
        fixture("policy")
            .join("opa-parity")
            .join(repro)
            .join("opa.json"),
    )
    .unwrap();
    assert_eq!(stdout(&output), expected, "{}", both(&output));
    let failures = expected.contains("\"failures\"");
    assert_eq!(code(&output), i32::from(failures), "{}", both(&output));
}

#[test]
fn repro_bodiless_iteration_over_a_missing_path_is_undefined() {
    assert_repro_matches_opa("01-bodiless-iteration-undefined");
}

#[test]
fn repro_some_in_a_scalar_is_undefined() {
    assert_repro_matches_opa("02-some-in-scalar");
}

#[test]
fn repro_unification_with_the_same_variable_on_both_sides() {
    assert_repro_matches_opa("03-unify-var-both-sides");
}

#[test]
fn repro_not_of_a_call_with_an_undefined_argument_is_undefined() {
    assert_repro_matches_opa("04-not-call-undefined-arg");
}

#[test]
fn repro_builtin_errors_are_undefined_by_default() {
    assert_repro_matches_opa("05-builtin-error-fatal");
}

#[test]
fn repro_comprehension_reusing_an_outer_variable_name() {
    assert_repro_matches_opa("07-comprehension-shadowing");
}

#[test]
fn show_builtin_errors_makes_a_builtin_error_an_error_naming_file_and_line() {
    let output = opa_parity(&[
        "test",
        "05-builtin-error-fatal/input.yaml",
        "-p",
        "05-builtin-error-fatal/policy.rego",
        "--show-builtin-errors",
        "--no-color",
    ]);
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert!(
        stdout(&output).contains(
            "ERROR - 05-builtin-error-fatal/input.yaml - main - evaluating data.main.deny: \
             05-builtin-error-fatal/policy.rego:6:20: `object.get` expects object argument"
        ),
        "{}",
        both(&output)
    );
}

#[test]
fn verify_show_builtin_errors_fails_the_test_naming_file_and_line() {
    let output = opa_parity(&["verify", "-p", "verify-builtin-errors", "--no-color"]);
    assert_eq!(code(&output), 0, "{}", both(&output));
    let output = opa_parity(&[
        "verify",
        "-p",
        "verify-builtin-errors",
        "--no-color",
        "--show-builtin-errors",
    ]);
    assert_eq!(code(&output), 1, "{}", both(&output));
    assert!(
        stderr(&output).contains("verify-builtin-errors/fields.rego:4:20: `object.get`"),
        "{}",
        both(&output)
    );
}

#[test]
fn show_builtin_errors_is_a_policy_setting_of_gate_check() {
    let dir = tempfile::tempdir().unwrap();
    let repro = fixture("policy")
        .join("opa-parity")
        .join("05-builtin-error-fatal");
    std::fs::create_dir(dir.path().join("policy")).unwrap();
    std::fs::copy(repro.join("policy.rego"), dir.path().join("policy/p.rego")).unwrap();
    std::fs::copy(repro.join("input.yaml"), dir.path().join("input.yaml")).unwrap();
    let config = "[policy]\ninputs = [\"input.yaml\"]\n";
    std::fs::write(dir.path().join("gate.toml"), config).unwrap();
    let output = gate(dir.path(), &["check", "--only", "policy"]);
    assert_eq!(code(&output), 1, "{}", both(&output));
    let strict = format!("{config}show-builtin-errors = true\n");
    std::fs::write(dir.path().join("gate.toml"), strict).unwrap();
    let output = gate(dir.path(), &["check", "--only", "policy"]);
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert!(
        both(&output).contains("p.rego:6:20: `object.get`"),
        "{}",
        both(&output)
    );
}

#[test]
fn an_evaluation_error_is_reported_for_its_document_and_the_others_still_run() {
    let output = opa_parity(&[
        "test",
        "several-documents",
        "-p",
        "several-documents/policy.rego",
        "--no-color",
    ]);
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert_eq!(
        stdout(&output),
        "FAIL - several-documents/a.yaml - main - Secret is not allowed\n\
         ERROR - several-documents/b.yaml - main - evaluating data.main.deny: \
         several-documents/policy.rego:5:1: rule conflicts with rule at \
         several-documents/policy.rego:3:1\n\
         FAIL - several-documents/c.yaml - main - Secret is not allowed\n\
         \n\
         4 tests, 2 passed, 0 warnings, 2 failures, 0 exceptions, 1 error\n"
    );
    let json = opa_parity(&[
        "test",
        "several-documents",
        "-p",
        "several-documents/policy.rego",
        "-o",
        "json",
    ]);
    assert_eq!(code(&json), 2, "{}", both(&json));
    insta::assert_snapshot!("test_document_error_json", stdout(&json));
}

#[test]
fn quiet_still_prints_documents_that_errored() {
    let output = opa_parity(&[
        "test",
        "several-documents/b.yaml",
        "-p",
        "several-documents/policy.rego",
        "--quiet",
        "--no-color",
    ]);
    assert_eq!(code(&output), 2, "{}", both(&output));
    assert!(
        stdout(&output).starts_with("ERROR - several-documents/b.yaml - main - "),
        "{}",
        both(&output)
    );
}
