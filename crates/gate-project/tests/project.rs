//! gate-project as a build tool embeds it: gate.toml text in, a gate run through a `ProjectIo`
//! the tool supplies, a `GateReport` out.

#![cfg(all(feature = "coverage", feature = "release", feature = "supply"))]

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use gate_core::Verdict;
use gate_project::{CommandOutput, Gate, ProjectIo, parse, run_gate};

/// A recorded machine: git answers from a table, nothing else is available.
#[derive(Default)]
struct Recorded {
    /// (first git argument, exit code, standard output)
    answers: Vec<(&'static str, i32, &'static str)>,
    advisory_cache: Option<PathBuf>,
    calls: Mutex<Vec<String>>,
}

impl ProjectIo for Recorded {
    fn git(
        &self,
        _directory: &Path,
        args: &[&str],
        _input: Option<&[u8]>,
    ) -> std::io::Result<CommandOutput> {
        self.calls.lock().unwrap().push(args.join(" "));
        let (code, stdout) = self
            .answers
            .iter()
            .find(|(command, _, _)| args.contains(command))
            .map_or((128, ""), |(_, code, stdout)| (*code, *stdout));
        Ok(CommandOutput {
            code: Some(code),
            stdout: stdout.as_bytes().to_vec(),
            stderr: b"fatal: not recorded".to_vec(),
        })
    }

    fn cargo(&self, _directory: &Path, _args: &[&str]) -> std::io::Result<CommandOutput> {
        Err(std::io::Error::other("no cargo here"))
    }

    fn read_stdin(&self) -> std::io::Result<String> {
        Ok(String::new())
    }

    fn now(&self) -> Option<u64> {
        None
    }

    fn advisory_cache(&self) -> Option<PathBuf> {
        self.advisory_cache.clone()
    }
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/service")
}

#[test]
fn diff_coverage_reads_the_change_through_the_supplied_git() {
    let config = parse(
        "[coverage]\nreports = [\"coverage.xml\"]\ndiff-base = \"origin/main\"\ndiff-fail-under = 80\n",
        "gate.toml",
        "gate.toml",
        &fixture(),
    )
    .unwrap();
    let io = Recorded {
        answers: vec![
            ("ls-files", 0, "shop/cart.py\0shop/tax.py\0"),
            (
                "diff",
                0,
                "diff --git a/shop/cart.py b/shop/cart.py\n--- a/shop/cart.py\n+++ b/shop/cart.py\n\
                 @@ -4,0 +5,3 @@ def total(items):\n+    if not items:\n+        return 0\n+    return sum(items)\n",
            ),
        ],
        ..Recorded::default()
    };
    let report = run_gate(&config, Gate::Coverage, &io).unwrap();
    let diff = report
        .findings
        .iter()
        .find(|finding| finding.rule.id == "coverage/diff")
        .expect("a diff coverage finding");
    // Lines 5-7 are added; line 5 is not covered: 2 of 3.
    assert_eq!(diff.verdict, Verdict::Fail, "{}", diff.message);
    assert!(diff.message.contains("66"), "{}", diff.message);
    let calls = io.calls.lock().unwrap();
    assert!(
        calls
            .iter()
            .any(|call| call.starts_with("diff -U0") && call.contains("origin/main...HEAD")),
        "{calls:?}"
    );
}

#[test]
fn a_shallow_history_errors_the_release_gate_instead_of_passing() {
    let config = parse("[release]\n", "gate.toml", "gate.toml", &fixture()).unwrap();
    let io = Recorded {
        answers: vec![("--is-shallow-repository", 0, "true\n")],
        ..Recorded::default()
    };
    let report = run_gate(&config, Gate::Release, &io).unwrap();
    assert_eq!(report.errors.len(), 1);
    assert!(
        report.errors[0].message.contains("shallow clone"),
        "{}",
        report.errors[0].message
    );
}

#[test]
fn the_audit_reads_the_cache_the_io_names_and_an_empty_one_is_an_error() {
    let cache = tempfile::tempdir().unwrap();
    let config = parse(
        "[supply.advisories]\nlockfiles = [\"requirements.txt\"]\n",
        "gate.toml",
        "gate.toml",
        &fixture(),
    )
    .unwrap();
    let io = Recorded {
        advisory_cache: Some(cache.path().to_path_buf()),
        ..Recorded::default()
    };
    let report = run_gate(&config, Gate::Supply, &io).unwrap();
    assert_eq!(report.errors.len(), 1, "{:?}", report.findings);
    let message = &report.errors[0].message;
    assert!(message.contains("no advisory database in"), "{message}");
    assert!(
        message.contains(&cache.path().display().to_string()),
        "{message}"
    );
}

#[test]
fn a_gate_without_a_section_cannot_run() {
    let config = parse("[release]\n", "gate.toml", "gate.toml", &fixture()).unwrap();
    let error = run_gate(&config, Gate::Coverage, &Recorded::default()).unwrap_err();
    assert!(
        error.to_string().contains("there is no [coverage] section"),
        "{error}"
    );
}
