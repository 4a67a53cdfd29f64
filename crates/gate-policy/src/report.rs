//! Conversion of results to the shared report model ([`GateReport`] named `policy`).

use gate_core::{Finding, GateError, GateReport, Location, Metric, Verdict};

use crate::results::{DocumentResult, ResultLocation, RuleOutcome, TestResults};
use crate::rules::{DENY, EXCEPTION, TEST, WARN};
use crate::verify::{TestStatus, VerifyResults};

/// The `test` results as a gate report: one finding per failure (fail), warning (warn) and
/// exception (pass), located at the result's `_loc` line, else the document's first line; one
/// error per document whose evaluation errored (the gate errors); the counts as metrics.
pub fn test_report(results: &TestResults) -> GateReport {
    let mut report = GateReport::new("policy");
    for document in &results.documents {
        for outcome in &document.failures {
            report.push(finding(document, outcome, &DENY, Verdict::Fail));
        }
        for outcome in &document.warnings {
            report.push(finding(document, outcome, &WARN, Verdict::Warn));
        }
        for outcome in &document.exceptions {
            report.push(finding(document, outcome, &EXCEPTION, Verdict::Pass));
        }
        if let Some(error) = &document.error {
            // Fail closed: a document that could not be checked makes the gate error, while
            // the other documents' findings are still reported.
            report.errors.push(
                GateError::new(format!("{}: {error}", document.namespace))
                    .with_location(Location::line(document.file.clone(), document.line)),
            );
        }
    }
    let totals = results.totals();
    set_counts(
        &mut report,
        totals.tests(),
        totals.passed,
        totals.warnings,
        totals.failures,
    );
    report.set_metric("exceptions", Metric::Count(totals.exceptions as u64));
    report.set_metric("documents", Metric::Count(results.documents.len() as u64));
    if totals.errors > 0 {
        report.set_metric("errors", Metric::Count(totals.errors as u64));
    }
    report
}

fn finding(
    document: &DocumentResult,
    outcome: &RuleOutcome,
    rule: &'static gate_core::Rule,
    verdict: Verdict,
) -> Finding {
    let line = outcome
        .result
        .location
        .as_ref()
        .and_then(ResultLocation::line_number)
        .unwrap_or(document.line);
    let path = outcome
        .result
        .location
        .as_ref()
        .map(|location| location.file.clone())
        .filter(|file| !file.is_empty())
        .unwrap_or_else(|| document.file.clone());
    let mut finding = Finding::new(rule, verdict, outcome.result.message.clone())
        .with_target(document.file.clone())
        .with_location(Location::line(path, line))
        .with_detail("namespace", document.namespace.clone())
        .with_detail("rule", outcome.rule.clone())
        .with_detail("document", document.document as u64);
    for (key, value) in &outcome.result.metadata {
        if key != "query" {
            finding = finding.with_detail(key.clone(), value.clone());
        }
    }
    finding
}

fn set_counts(
    report: &mut GateReport,
    tests: usize,
    passed: usize,
    warnings: usize,
    failures: usize,
) {
    report.set_metric("tests", Metric::Count(tests as u64));
    report.set_metric("passed", Metric::Count(passed as u64));
    report.set_metric("warnings", Metric::Count(warnings as u64));
    report.set_metric("failures", Metric::Count(failures as u64));
}

/// The `verify` results as a gate report: one failing finding per failed test at its file and
/// line; counts and, when gathered, coverage (`coverage` percent over non-test files) as metrics.
pub fn verify_report(results: &VerifyResults) -> GateReport {
    let mut report = GateReport::new("policy");
    for case in &results.cases {
        if case.status != TestStatus::Failed {
            continue;
        }
        let mut message = format!("{} failed", case.qualified_name());
        if let Some(error) = &case.error {
            message.push_str(": ");
            message.push_str(error.lines().next().unwrap_or_default());
        }
        let mut finding = Finding::new(&TEST, Verdict::Fail, message)
            .with_target(case.file.clone())
            .with_location(Location::line(case.file.clone(), case.line));
        if !case.prints.is_empty() {
            finding = finding.with_detail("prints", case.prints.clone());
        }
        report.push(finding);
    }
    let totals = results.totals();
    set_counts(
        &mut report,
        totals.tests(),
        totals.passed,
        totals.warnings,
        totals.failures,
    );
    report.set_metric("skipped", Metric::Count(totals.skipped as u64));
    if let Some(percent) = results.coverage_percent() {
        report.set_metric("coverage", Metric::Percent(percent));
    }
    report
}
