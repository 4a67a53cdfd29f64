//! conftest's acceptance cases (`acceptance.bats`, `tests/*/test.bats`), replayed with
//! `gate policy` on copies of conftest's examples (`tests/fixtures/conftest`, Apache-2.0): the
//! same commands from the same directories, the same exit codes (gate's 2 where conftest exits
//! 1 on an error) and the same output lines. `crates/gate-policy/tests/conftest_acceptance`
//! runs conftest's own bats files the same way.

use std::path::PathBuf;

use super::{code, gate, stderr, stdout};

fn root() -> PathBuf {
    super::fixture("conftest")
}

/// One acceptance case: the directory under the fixture root, the `gate policy` arguments,
/// the exit code, and text the output (standard output and error together, as bats' `run`
/// sees it) must contain.
struct Case {
    name: &'static str,
    directory: &'static str,
    args: &'static [&'static str],
    code: i32,
    contains: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "Not fail when passed an explicit blank filename",
        directory: "",
        args: &[
            "test",
            "-p",
            "examples/kubernetes/policy",
            "examples/kubernetes/service.yaml",
            "",
        ],
        code: 0,
        contains: &["1 warning"],
    },
    Case {
        name: "Fail due to picking up settings from configuration file",
        directory: "examples/configfile",
        args: &["test", "deployment.yaml"],
        code: 1,
        contains: &["Containers must not run as root"],
    },
    Case {
        name: "Fail due to picking up settings from config-file flag",
        directory: "",
        args: &[
            "test",
            "-c",
            "examples/configfile/conftest.toml",
            "-p",
            "examples/configfile/test",
            "examples/configfile/deployment.yaml",
        ],
        code: 1,
        contains: &["Containers must not run as root"],
    },
    Case {
        name: "Test command has trace flag",
        directory: "",
        args: &[
            "test",
            "-p",
            "examples/kubernetes/policy",
            "examples/kubernetes/service.yaml",
            "--trace",
        ],
        code: 0,
        contains: &["data.kubernetes.is_service"],
    },
    Case {
        name: "Verify command has trace flag",
        directory: "",
        args: &[
            "verify",
            "--policy",
            "./examples/kubernetes/policy",
            "--trace",
        ],
        code: 0,
        contains: &["data.kubernetes.is_service"],
    },
    Case {
        name: "Verify command matches a namespace literally",
        directory: "",
        args: &[
            "verify",
            "--policy",
            "./examples/kubernetes/policy",
            "--namespace",
            "main",
        ],
        code: 0,
        contains: &["4 tests, 4 passed"],
    },
    Case {
        name: "Verify command matches namespaces with a wildcard",
        directory: "",
        args: &[
            "verify",
            "--policy",
            "./examples/kubernetes/policy",
            "--namespace",
            "ma*",
        ],
        code: 0,
        contains: &["4 tests, 4 passed"],
    },
    Case {
        name: "Verify command filters out non-matching namespaces",
        directory: "",
        args: &[
            "verify",
            "--policy",
            "./examples/kubernetes/policy",
            "-n",
            "doesnotexist",
        ],
        code: 0,
        contains: &["0 tests, 0 passed"],
    },
    Case {
        name: "Verify command has report flag - no failures",
        directory: "",
        args: &[
            "verify",
            "--policy",
            "./examples/report/policy",
            "--policy",
            "./examples/report/success",
            "--report",
            "fails",
        ],
        code: 0,
        contains: &["data.main.test_no_missing_label: PASS", "PASS: 1/1"],
    },
    Case {
        name: "Verify command has report flag - success with print output",
        directory: "",
        args: &[
            "verify",
            "--policy",
            "./examples/report/policy_print",
            "--policy",
            "./examples/report/success",
            "--report",
            "fails",
        ],
        code: 0,
        contains: &[
            "data.main.test_no_missing_label: PASS",
            "sample",
            "PASS: 1/1",
        ],
    },
    Case {
        name: "Verify command does not support report flag with table output",
        directory: "",
        args: &[
            "verify",
            "--policy",
            "./examples/report/policy",
            "-o",
            "table",
            "--report",
            "fails",
        ],
        code: 2,
        contains: &["Error: report flag is supported with stdout only"],
    },
    Case {
        name: "Verify command has report flag - failure with report notes",
        directory: "",
        args: &[
            "verify",
            "--policy",
            "./examples/report/policy",
            "--policy",
            "./examples/report/fail",
            "--report",
            "notes",
        ],
        code: 1,
        contains: &[
            "FAILURES",
            "data.main.test_missing_required_label_fail: FAIL",
            "Note \"just testing notes flag\"",
            "FAIL: 1/1",
        ],
    },
    Case {
        name: "Verify command has report flag - failure with report full",
        directory: "",
        args: &[
            "verify",
            "--policy",
            "./examples/report/policy",
            "--policy",
            "./examples/report/fail",
            "--report",
            "full",
        ],
        code: 1,
        contains: &[
            "FAILURES",
            "data.main.test_missing_required_label_fail: FAIL",
            "Note \"just testing notes flag\"",
            "FAIL: 1/1",
        ],
    },
    Case {
        name: "Can output table format in verify command",
        directory: "",
        args: &["verify", "-p", "examples/kubernetes/policy/", "-o", "table"],
        code: 0,
        contains: &["│ success │"],
    },
    Case {
        name: "Can load data in unit tests",
        directory: "",
        args: &[
            "verify",
            "-p",
            "examples/data/policy",
            "-d",
            "examples/data/exclusions",
            "examples/data/service.yaml",
        ],
        code: 0,
        contains: &["1 test, 1 passed, 0 warnings, 0 failures"],
    },
    Case {
        name: "Should fail if strict is set and there are unused variables in the policy",
        directory: "",
        args: &[
            "test",
            "-p",
            "examples/strict-rules/policy/",
            "examples/kubernetes/deployment.yaml",
            "--strict",
        ],
        code: 2,
        contains: &[
            "rego_compile_error: assigned var b unused",
            "rego_compile_error: assigned var x unused",
            "rego_compile_error: assigned var c unused",
            "rego_compile_error: unused argument y",
        ],
    },
    Case {
        name: "Should fail when verifying if strict is set and there are unused variables",
        directory: "",
        args: &[
            "verify",
            "-p",
            "examples/strict-rules/policy/",
            "examples/kubernetes/deployment.yaml",
            "--strict",
        ],
        code: 2,
        contains: &[
            "rego_compile_error: assigned var b unused",
            "rego_compile_error: unused argument y",
        ],
    },
    Case {
        name: "Should fail if an opa function is not defined given capabilities file",
        directory: "",
        args: &[
            "test",
            "examples/kubernetes/deployment.yaml",
            "-p",
            "examples/kubernetes/policy/",
            "-p",
            "examples/capabilities/malicious.rego",
            "--capabilities",
            "examples/capabilities/capabilities.json",
        ],
        code: 2,
        contains: &[
            "undefined function opa.runtime",
            "undefined function http.send",
        ],
    },
    Case {
        name: "Can verify rego tests that uses parse_combined_config_files",
        directory: "",
        args: &["verify", "--policy", "./examples/kubernetes/combine"],
        code: 0,
        contains: &["2 tests, 2 passed"],
    },
    Case {
        name: "Can combine yaml files",
        directory: "",
        args: &[
            "test",
            "-p",
            "examples/combine/policy",
            "examples/combine/team.yaml",
            "examples/combine/user1.yaml",
            "examples/combine/user2.yaml",
            "--combine",
        ],
        code: 1,
        contains: &["2 tests, 1 passed, 0 warnings, 1 failure"],
    },
    Case {
        name: "Combining multi-document yaml file has same result",
        directory: "",
        args: &[
            "test",
            "-p",
            "examples/combine/policy",
            "examples/combine/team.yaml",
            "examples/combine/users.yaml",
            "--combine",
        ],
        code: 1,
        contains: &["2 tests, 1 passed, 0 warnings, 1 failure"],
    },
    Case {
        name: "Location is included in GitHub results - Different file",
        directory: "tests/source-location",
        args: &[
            "test",
            "-o",
            "github",
            "-d",
            "loc_different_file.yaml",
            "data.yaml",
        ],
        code: 1,
        contains: &[
            "::error file=test.txt,line=123::",
            "::error file=data.yaml,line=1::(ORIGINATING FROM test.txt L123)",
        ],
    },
    Case {
        name: "Location is included in GitHub results - Same file",
        directory: "tests/source-location",
        args: &[
            "test",
            "-o",
            "github",
            "-d",
            "loc_same_file.yaml",
            "data.yaml",
        ],
        code: 1,
        contains: &["::error file=data.yaml,line=123::"],
    },
    Case {
        name: "Can test a Jenkinsfile with the Groovy parser (data.conftest.file)",
        directory: "",
        args: &[
            "test",
            "-p",
            "examples/jenkins/policy",
            "examples/jenkins/Jenkinsfile",
            "--output",
            "json",
        ],
        code: 1,
        contains: &[
            "Pipeline downloads a script and pipes it directly to an interpreter",
            "\"line\": 6",
        ],
    },
    Case {
        name: "Can test a safe Jenkinsfile",
        directory: "",
        args: &[
            "test",
            "-p",
            "examples/jenkins/policy",
            "examples/jenkins/Jenkinsfile.safe",
        ],
        code: 0,
        contains: &[],
    },
    Case {
        name: "Should fail evaluation if a builtin function returns error",
        directory: "",
        args: &[
            "test",
            "--show-builtin-errors",
            "-p",
            "examples/builtin-errors/invalid-dns.rego",
            "examples/kubernetes/deployment.yaml",
        ],
        code: 2,
        contains: &["built-in error"],
    },
    Case {
        name: "A builtin error is undefined without --show-builtin-errors",
        directory: "",
        args: &[
            "test",
            "-p",
            "examples/builtin-errors/invalid-dns.rego",
            "examples/kubernetes/deployment.yaml",
        ],
        code: 0,
        contains: &["0 failures"],
    },
    Case {
        name: "Parsing error without show-builtin-errors flag returns test failed",
        directory: "tests/builtin-errors",
        args: &["verify", "--show-builtin-errors=false"],
        code: 1,
        contains: &["1 test, 0 passed, 0 warnings, 1 failure, 0 exceptions, 0 skipped"],
    },
    Case {
        name: "Parsing error with show-builtin-errors flag returns builtin error",
        directory: "tests/builtin-errors",
        args: &["verify", "--show-builtin-errors=true"],
        code: 1,
        contains: &["file_does_not_exist.yaml: no such file or directory"],
    },
];

#[test]
fn conftest_acceptance_cases() {
    let mut failures = Vec::new();
    for case in CASES {
        let mut args = vec!["policy"];
        args.extend_from_slice(case.args);
        let output = gate(&root().join(case.directory), &args);
        let text = format!("{}{}", stdout(&output), stderr(&output));
        if code(&output) != case.code {
            failures.push(format!(
                "{}: exit {} not {}\n{text}",
                case.name,
                code(&output),
                case.code
            ));
        }
        for expected in case.contains {
            if !text.contains(expected) {
                failures.push(format!("{}: no {expected:?} in\n{text}", case.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// `Supports print() output`: the `PRNT` line comes first.
#[test]
fn print_output_comes_first() {
    let output = gate(
        &root(),
        &[
            "policy",
            "test",
            "-p",
            "examples/report/policy_print/labels.rego",
            "examples/kubernetes/deployment.yaml",
            "--no-color",
        ],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_eq!(
        stdout(&output).lines().next(),
        Some("PRNT   examples/report/policy_print/labels.rego:14: hello-kubernetes")
    );
}

/// `Suppress exceptions output`: the exception is counted but not shown.
#[test]
fn suppress_exceptions_hides_excp_lines() {
    let args = [
        "policy",
        "test",
        "-p",
        "examples/exceptions/policy",
        "examples/exceptions/deployments.yaml",
        "--no-color",
    ];
    let shown = gate(&root(), &args);
    assert!(stdout(&shown).contains("EXCP"), "{}", stdout(&shown));
    let mut suppressed = args.to_vec();
    suppressed.push("--suppress-exceptions");
    let output = gate(&root(), &suppressed);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().filter(|line| !line.is_empty()).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(
        lines[1],
        "2 tests, 0 passed, 0 warnings, 1 failure, 1 exception"
    );
}

/// `Can parse files from a symlinked directory`: a directory named through a symbolic link is
/// walked like the directory itself.
#[cfg(unix)]
#[test]
fn inputs_through_a_symlinked_directory() {
    let directory = tempfile::tempdir().unwrap();
    let link = directory.path().join("linked");
    std::os::unix::fs::symlink(root().join("examples/kubernetes"), &link).unwrap();
    let output = gate(
        &root(),
        &[
            "policy",
            "test",
            "-p",
            "examples/kubernetes/policy",
            link.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        stdout(&output).contains("Containers must not run as root"),
        "{}",
        stdout(&output)
    );
}

/// A flag on the command line wins over conftest.toml, and a malformed conftest.toml is an
/// error naming the file and line.
#[test]
fn conftest_toml_precedence_and_errors() {
    let directory = root().join("examples/configfile");
    // conftest.toml says namespace = "conftest"; -n main finds no rules there.
    let output = gate(
        &directory,
        &["policy", "test", "-n", "main", "deployment.yaml"],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let bad = tempfile::tempdir().unwrap();
    std::fs::write(
        bad.path().join("conftest.toml"),
        "policy = \"p\"\ncombine = 3\n",
    )
    .unwrap();
    std::fs::write(bad.path().join("a.yaml"), "a: 1\n").unwrap();
    let output = gate(bad.path(), &["policy", "test", "a.yaml"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("conftest.toml:2:"),
        "{}",
        stderr(&output)
    );
}

/// `--junit-hide-message` names JUnit test cases after the file only.
#[test]
fn junit_hide_message() {
    let output = gate(
        &root(),
        &[
            "policy",
            "test",
            "-p",
            "examples/kubernetes/policy",
            "examples/kubernetes/deployment.yaml",
            "-o",
            "junit",
            "--junit-hide-message",
        ],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("name=\"examples/kubernetes/deployment.yaml\""),
        "{text}"
    );
    assert!(!text.contains("deployment.yaml - "), "{text}");
}

/// `tests/reformat`: conftest's JSON, from a file or standard input, printed as a table or
/// JUnit; a missing file or bad JSON is an error (exit 2) saying so.
#[test]
fn reformat_reads_conftest_json() {
    let directory = tempfile::tempdir().unwrap();
    let results = saved_results(directory.path());
    let file = results.to_str().unwrap();
    let table = gate(&root(), &["policy", "reformat", file, "--output", "table"]);
    assert_eq!(code(&table), 0, "{}", stderr(&table));
    assert!(stdout(&table).contains("│ RESULT  │"), "{}", stdout(&table));
    assert!(stdout(&table).contains("examples/kubernetes/deployment.yaml"));
    let junit = gate(&root(), &["policy", "reformat", file, "-o", "junit"]);
    assert!(stdout(&junit).starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>"));
    assert!(stdout(&junit).contains("hello-kubernetes"));
    let missing = gate(&root(), &["policy", "reformat", "nonexistent.json"]);
    assert_eq!(code(&missing), 2);
    assert!(
        stderr(&missing).contains("failed to open input file"),
        "{}",
        stderr(&missing)
    );
    std::fs::write(&results, "invalid json").unwrap();
    let invalid = gate(&root(), &["policy", "reformat", file]);
    assert_eq!(code(&invalid), 2);
    assert!(
        stderr(&invalid).contains("failed to parse JSON input"),
        "{}",
        stderr(&invalid)
    );
}

/// `tests/reformat` "Handle invalid output format gracefully": an unknown format writes the
/// stdout format, as conftest does, and says so on standard error.
#[test]
fn reformat_falls_back_to_stdout_on_an_unknown_format() {
    let directory = tempfile::tempdir().unwrap();
    let results = saved_results(directory.path());
    let file = results.to_str().unwrap();
    let output = gate(
        &root(),
        &["policy", "reformat", file, "--output", "invalidformat"],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        stdout(&output).contains("hello-kubernetes"),
        "{}",
        stdout(&output)
    );
    assert!(
        stderr(&output).contains("unknown output format \"invalidformat\""),
        "{}",
        stderr(&output)
    );
}

/// conftest JSON results of the kubernetes example, saved in `directory` for `reformat`.
fn saved_results(directory: &std::path::Path) -> PathBuf {
    let json = gate(
        &root(),
        &[
            "policy",
            "test",
            "-o",
            "json",
            "-p",
            "examples/kubernetes/policy",
            "examples/kubernetes/deployment.yaml",
        ],
    );
    let results = directory.join("results.json");
    std::fs::write(&results, stdout(&json)).unwrap();
    results
}
