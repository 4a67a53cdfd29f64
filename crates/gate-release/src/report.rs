//! The release gate's [`GateReport`]: lint findings plus the next version as a metric.

use gate_core::{Finding, GateError, GateReport, Metric, Rule, Verdict};

use crate::ReleaseError;
use crate::plan::Plan;

/// A maintenance branch whose commits ask for a version outside its range.
pub static VERSION_OUT_OF_RANGE: Rule = Rule {
    id: "release/version-out-of-range",
    summary: "The next version stays inside the maintenance branch's range.",
    help: "A maintenance branch (`1.x`, `1.2.x`) can only release versions in its range: a \
           breaking change on `1.x` or a feature on `1.2.x` belongs on the release branch. Revert \
           or reword the commit (for instance `fix:` instead of `feat:` when it is a fix), or \
           release from the main branch.",
};

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
    report.summary = Some(summary(plan));
    report
}

/// The line `gate check` shows people: what merging this would release.
fn summary(plan: &Plan<'_>) -> String {
    let since = plan
        .last_release
        .as_ref()
        .map_or_else(String::new, |last| format!(" since {}", last.tag));
    let commits = match plan.commits.len() {
        1 => "1 commit".to_owned(),
        n => format!("{n} commits"),
    };
    match &plan.next {
        Some(next) => format!(
            "next version {} ({}, tag {}): {commits}{since}",
            next.version,
            next.release_type.as_str(),
            next.tag
        ),
        None => format!("no release: {commits}{since}, none asks for one"),
    }
}

/// Builds the report from a plan that may have failed: an out-of-range version becomes a
/// failing `release/version-out-of-range` finding (targeted at the branch); any other error
/// makes the gate errored (it could not run, so it cannot pass).
pub fn gate_report_from_result(
    findings: Vec<Finding>,
    outcome: &Result<Plan<'_>, ReleaseError>,
) -> GateReport {
    match outcome {
        Ok(plan) => gate_report(findings, plan),
        Err(
            error @ ReleaseError::OutOfRange {
                version,
                branch,
                range,
            },
        ) => {
            let mut report = GateReport::new("release");
            for finding in findings {
                report.push(finding);
            }
            report.push(
                Finding::new(&VERSION_OUT_OF_RANGE, Verdict::Fail, error.to_string())
                    .with_target(branch.clone())
                    .with_detail("version", version.to_string())
                    .with_detail("range", range.clone()),
            );
            report
        }
        Err(error) => {
            let mut report = GateReport::errored("release", GateError::new(error.to_string()));
            for finding in findings {
                report.push(finding);
            }
            report
        }
    }
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

    #[test]
    fn out_of_range_is_a_finding() {
        let history = History::new(vec![
            Commit::new("b".repeat(40), vec!["a".repeat(40)], "feat!: big"),
            Commit::new("a".repeat(40), vec![], "fix: first").with_tag("v1.0.0"),
        ]);
        let config = Config {
            branch: crate::Branch::maintenance("1.x").unwrap(),
            ..Config::default()
        };
        let report = gate_report_from_result(Vec::new(), &plan(&history, &config));
        assert_eq!(report.findings[0].rule.id, "release/version-out-of-range");
        assert_eq!(report.findings[0].target.as_deref(), Some("1.x"));
        assert_eq!(report.verdict(), Verdict::Fail);
    }
}
