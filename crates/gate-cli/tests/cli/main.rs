//! The built `gate` binary, run as a user would: exit codes, messages, files written.
//! One test binary for the crate; a module per command.

mod base;
mod check;
mod ci;
mod closed_stdout;
mod conftest_replay;
mod coverage;
mod explain;
mod licenses;
mod policy;
mod policy_parsers;
mod protect;
mod release;
mod release_repros;
mod supply;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `gate` in `directory` with the GitHub Actions and colour variables cleared.
fn gate(directory: &Path, args: &[&str]) -> Output {
    gate_with_env(directory, args, &[])
}

fn gate_with_env(directory: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gate"));
    command
        .args(args)
        .current_dir(directory)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("NO_COLOR");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("the gate binary runs")
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exited normally")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The human report with each wrapped message joined back onto one line, so tests can look for
/// a whole sentence whatever the width it was wrapped at.
fn human_stdout(output: &Output) -> String {
    unwrapped(&stdout(output))
}

/// [`human_stdout`] for a human report read from a file.
fn unwrapped(text: &str) -> String {
    let mut joined = String::with_capacity(text.len());
    for line in text.lines() {
        let continuation = line.starts_with("        ") && !joined.is_empty();
        if continuation {
            joined.pop();
            joined.push(' ');
            joined.push_str(line.trim_start());
        } else {
            joined.push_str(line);
        }
        joined.push('\n');
    }
    joined
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn project(config: &str) -> tempfile::TempDir {
    let directory = tempfile::tempdir().unwrap();
    std::fs::write(directory.path().join("gate.toml"), config).unwrap();
    directory
}

/// A fixture directory under `tests/fixtures`.
fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A temporary copy of a fixture directory, so a test can add or change files.
fn copy_of(name: &str) -> tempfile::TempDir {
    let directory = tempfile::tempdir().unwrap();
    copy_dir(&fixture(name), directory.path());
    directory
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn version_prints_the_package_version() {
    let directory = tempfile::tempdir().unwrap();
    let output = gate(directory.path(), &["--version"]);
    assert_eq!(code(&output), 0);
    assert_eq!(
        stdout(&output),
        format!("gate {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_snapshots() {
    let directory = tempfile::tempdir().unwrap();
    for (name, args) in [
        ("help", vec!["--help"]),
        ("check_help", vec!["check", "--help"]),
        ("init_help", vec!["init", "--help"]),
        ("explain_help", vec!["explain", "--help"]),
    ] {
        let output = gate(directory.path(), &args);
        assert_eq!(code(&output), 0);
        insta::assert_snapshot!(name, stdout(&output));
    }
}

#[test]
fn usage_errors_exit_two() {
    let directory = tempfile::tempdir().unwrap();
    let output = gate(directory.path(), &["check", "--no-such-flag"]);
    assert_eq!(code(&output), 2);
    let output = gate(directory.path(), &[]);
    assert_eq!(code(&output), 2);
}

#[test]
fn a_missing_config_is_an_error_that_says_what_to_do() {
    let directory = tempfile::tempdir().unwrap();
    let output = gate(directory.path(), &["check"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("no gate.toml in"),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("gate init"));
}

#[test]
fn a_config_error_names_file_line_and_key() {
    let directory = project(
        "[[waiver]]\nrule = \"coverage/total\"\nreason = \"r\"\nexpires = 2027-01-31\nexpire = 2027-02-01\n",
    );
    let output = gate(directory.path(), &["check"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).starts_with("error: gate.toml:5:1: unknown field `expire`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_config_is_found_in_a_parent_directory() {
    let directory =
        project("[[waiver]]\nrule = \"coverage/total\"\nreason = \"r\"\nexpires = 2027-13-01\n");
    let nested = directory.path().join("api/src");
    std::fs::create_dir_all(&nested).unwrap();
    let output = gate(&nested, &["check"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("gate.toml:4:11: invalid date"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_config_without_gates_is_not_a_pass() {
    let directory = project("# nothing configured\n");
    let output = gate(directory.path(), &["check"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("configures no gates"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn an_explicit_config_path_is_used() {
    let directory = project("");
    std::fs::write(directory.path().join("other.toml"), "[coverage\n").unwrap();
    let output = gate(directory.path(), &["check", "--config", "other.toml"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("other.toml:1:"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn unknown_gates_and_formats_are_usage_errors() {
    let directory = project("# empty\n");
    let output = gate(directory.path(), &["check", "--only", "lint"]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("unknown gate `lint`"));
    let output = gate(directory.path(), &["check", "--skip", "lint"]);
    assert_eq!(code(&output), 2);
    let output = gate(directory.path(), &["check", "--format", "yaml"]);
    assert_eq!(code(&output), 2);
    let output = gate(directory.path(), &["check", "--today", "someday"]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("--today"), "{}", stderr(&output));
}

#[test]
fn init_writes_a_starter_and_refuses_to_overwrite() {
    let directory = tempfile::tempdir().unwrap();
    let output = gate(directory.path(), &["init"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let written = std::fs::read_to_string(directory.path().join("gate.toml")).unwrap();
    assert!(written.contains("[[waiver]]"));

    std::fs::write(directory.path().join("gate.toml"), "# mine\n").unwrap();
    let output = gate(directory.path(), &["init"]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(directory.path().join("gate.toml")).unwrap(),
        "# mine\n"
    );

    let output = gate(directory.path(), &["init", "--force"]);
    assert_eq!(code(&output), 0);
    assert_eq!(
        std::fs::read_to_string(directory.path().join("gate.toml")).unwrap(),
        written
    );

    let output = gate(directory.path(), &["init", "--path", "ci/gate.toml"]);
    assert_eq!(code(&output), 2, "the directory does not exist");
    std::fs::create_dir(directory.path().join("ci")).unwrap();
    let output = gate(directory.path(), &["init", "--path", "ci/gate.toml"]);
    assert_eq!(code(&output), 0);
    assert!(directory.path().join("ci/gate.toml").is_file());
}

#[test]
fn the_starter_config_parses() {
    let directory = tempfile::tempdir().unwrap();
    assert_eq!(code(&gate(directory.path(), &["init"])), 0);
    let output = gate(directory.path(), &["check"]);
    // Everything in the starter is commented out: it parses, and says no gate is configured.
    assert!(
        stderr(&output).contains("configures no gates"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn explain_describes_a_rule_and_how_to_waive_it() {
    let directory = tempfile::tempdir().unwrap();
    let output = gate(directory.path(), &["explain", "waiver/expired"]);
    assert_eq!(code(&output), 0);
    insta::assert_snapshot!("explain_waiver_expired", stdout(&output));

    let output = gate(directory.path(), &["explain", "--list"]);
    assert_eq!(code(&output), 0);
    assert!(stdout(&output).contains("waiver/unused"));

    let output = gate(directory.path(), &["explain", "nope/never"]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("unknown rule `nope/never`"));
}

#[test]
fn completions_are_printed_for_each_shell() {
    let directory = tempfile::tempdir().unwrap();
    for (shell, marker) in [
        ("bash", "_gate()"),
        ("zsh", "#compdef gate"),
        ("fish", "complete -c gate"),
    ] {
        let output = gate(directory.path(), &["completions", shell]);
        assert_eq!(code(&output), 0);
        assert!(
            stdout(&output).contains(marker),
            "{shell}: {}",
            stdout(&output)
        );
    }
}
