//! The release gate's [`GateReport`]: lint findings plus the next version as a metric.

use gate_core::{Finding, GateReport, Metric};

use crate::plan::Plan;

/// The metric naming the next version (`1.3.0`, or `none` when nothing is released).
pub const NEXT_VERSION: &str = "next_version";

/// Builds the `release` gate report from lint findings and the plan.
///
/// Metrics: `next_version` (text, `none` when no release), `commits` (the range's size), and
/// `last_release` (the last release tag, when there is one).
pub fn gate_report(findings: Vec<Finding>, plan: &Plan<'_>) -> GateReport {
    let mut report = GateReport::new("release");
    for finding in findings {
        report.push(finding);
    }
    let next = plan
        .next
        .as_ref()
        .map_or_else(|| "none".to_owned(), |next| next.version.to_string());
    report.set_metric(NEXT_VERSION, Metric::Text(next));
    report.set_metric(
        "commits",
        Metric::Count(u64::try_from(plan.commits.len()).unwrap_or(u64::MAX)),
    );
    if let Some(last) = &plan.last_release {
        report.set_metric("last_release", Metric::Text(last.tag.clone()));
    }
    report
}

#[cfg(test)]
mod tests {
    use gate_core::Verdict;

    use super::*;
    use crate::{Commit, Config, History, LintConfig, lint_commits, plan};

    #[test]
    fn report_has_findings_and_next_version() {
        let history = History::new(vec![
            Commit::new("b".repeat(40), vec!["a".repeat(40)], "Feat: shiny"),
            Commit::new("a".repeat(40), vec![], "fix: first"),
        ]);
        let plan = plan(&history, &Config::default()).unwrap();
        let report = gate_report(
            lint_commits(&history.commits, &LintConfig::default()),
            &plan,
        );
        assert_eq!(
            report.metrics[NEXT_VERSION],
            Metric::Text("1.0.0".to_owned())
        );
        assert_eq!(report.verdict(), Verdict::Fail);
        assert_eq!(report.findings.len(), 2);
    }
}
