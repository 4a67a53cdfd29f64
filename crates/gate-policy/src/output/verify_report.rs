//! `verify --report`: OPA's verbose test report (`opa test -v` layout), as conftest prints it.

use std::fmt::Write as _;

use crate::verify::{TestStatus, VerifyResults};

/// What `--report` shows of each failed test's evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportMode {
    /// `fails`: the failed tests, without their trace (regorus does not record which
    /// expression failed, which is what OPA shows here).
    Fails,
    /// `notes`: the messages of the tests' `trace()` calls (`Note "…"`).
    Notes,
    /// `full`: the notes and the rules and lines each failed test evaluated.
    Full,
}

impl ReportMode {
    /// `fails`, `notes` or `full`, as conftest's `--report` takes them.
    pub fn from_name(name: &str) -> Option<ReportMode> {
        match name {
            "fails" => Some(ReportMode::Fails),
            "notes" => Some(ReportMode::Notes),
            "full" => Some(ReportMode::Full),
            _ => None,
        }
    }
}

const RULE: &str =
    "--------------------------------------------------------------------------------";

/// The report: a `FAILURES` section (each failed test with its notes or trace), then every
/// test by file (`data.main.test_x: PASS (1.2ms)`, with its `print()` output indented), then
/// `PASS: n/total`, `FAIL: n/total`, `SKIPPED: n/total`.
pub fn verify_report(results: &VerifyResults, mode: ReportMode) -> String {
    let mut out = String::new();
    let count = |status| {
        results
            .cases
            .iter()
            .filter(|case| case.status == status)
            .count()
    };
    let (passed, failed, skipped) = (
        count(TestStatus::Passed),
        count(TestStatus::Failed),
        count(TestStatus::Skipped),
    );
    let outcome = |status| match status {
        TestStatus::Passed => "PASS",
        TestStatus::Failed => "FAIL",
        TestStatus::Skipped => "SKIPPED",
    };
    if failed > 0 {
        let _ = writeln!(out, "FAILURES\n{RULE}");
        for case in results
            .cases
            .iter()
            .filter(|case| case.status == TestStatus::Failed)
        {
            let _ = writeln!(
                out,
                "{}: FAIL ({:?})\n",
                case.qualified_name(),
                case.duration
            );
            if let Some(error) = &case.error {
                let _ = writeln!(out, "  {error}");
            }
            if mode != ReportMode::Fails {
                for note in &case.notes {
                    let _ = writeln!(
                        out,
                        "  | Note {}",
                        serde_json::to_string(note).unwrap_or_default()
                    );
                }
            }
            if mode == ReportMode::Full {
                for line in &case.traces {
                    let _ = writeln!(out, "  {line}");
                }
            }
            out.push('\n');
        }
        let _ = writeln!(out, "SUMMARY\n{RULE}");
    }
    let mut last_file = None;
    for case in &results.cases {
        if last_file != Some(&case.file) {
            let _ = writeln!(out, "{}:", case.file);
            last_file = Some(&case.file);
        }
        let _ = writeln!(
            out,
            "{}: {} ({:?})",
            case.qualified_name(),
            outcome(case.status),
            case.duration
        );
        if !case.prints.is_empty() {
            out.push('\n');
            for printed in &case.prints {
                let _ = writeln!(out, "  {printed}");
            }
            out.push('\n');
        }
    }
    let total = results.cases.len();
    let _ = writeln!(out, "{RULE}");
    for (label, number) in [("PASS", passed), ("FAIL", failed), ("SKIPPED", skipped)] {
        if number > 0 {
            let _ = writeln!(out, "{label}: {number}/{total}");
        }
    }
    out
}
