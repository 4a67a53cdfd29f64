//! GitLab Code Quality: a JSON array of issues with stable, location-including fingerprints.

use serde_json::{Value, json};

use super::{RepositoryPlace, fingerprint};
use crate::{Finding, Report, Severity, Verdict};

/// Renders unwaived warnings, failures and gate errors as a GitLab Code Quality report.
///
/// GitLab requires a repository path and a line for every issue: findings without a path, or
/// with one outside the repository, point at line 1 of `config_path` (and name their own path in
/// the description); findings without a line point at line 1 of their file.
pub fn gitlab(report: &Report, config_path: &str) -> String {
    let mut issues: Vec<Value> = Vec::new();
    for gate in &report.gates {
        for error in &gate.errors {
            let place = RepositoryPlace::of(error.location.as_ref(), config_path);
            let description = place.message(&format!(
                "{}: gate could not run: {}",
                gate.gate, error.message
            ));
            issues.push(issue(
                &gate.gate,
                crate::rules::GATE_ERROR.id,
                &description,
                "blocker",
                place.path,
                place.line,
            ));
        }
        for finding in &gate.findings {
            if finding.waived_by.is_some() || finding.verdict == Verdict::Pass {
                continue;
            }
            let place = RepositoryPlace::of(finding.location.as_ref(), config_path);
            issues.push(issue(
                &gate.gate,
                finding.rule.id,
                &place.message(&finding.message),
                severity(finding),
                place.path,
                place.line,
            ));
        }
    }
    let mut text = serde_json::to_string_pretty(&issues).unwrap_or_default();
    text.push('\n');
    text
}

fn issue(
    gate: &str,
    rule: &str,
    description: &str,
    severity: &str,
    path: &str,
    line: u32,
) -> Value {
    json!({
        "description": description,
        "check_name": rule,
        "fingerprint": fingerprint::with_location(gate, rule, path, line, description),
        "severity": severity,
        "location": {
            "path": path,
            "lines": { "begin": line },
        },
    })
}

/// GitLab's scale is info < minor < major < critical < blocker.
fn severity(finding: &Finding) -> &'static str {
    match (finding.severity, finding.verdict) {
        (Some(Severity::Critical), _) => "blocker",
        (Some(Severity::High), _) => "critical",
        (Some(Severity::Medium), _) | (None, Verdict::Fail) => "major",
        (Some(Severity::Low) | None, _) => "minor",
        (Some(Severity::Info), _) => "info",
    }
}
