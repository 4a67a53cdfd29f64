//! GitLab Code Quality: a JSON array of issues with stable, location-including fingerprints.

use serde_json::{Value, json};

use super::fingerprint;
use crate::{Finding, Report, Severity, Verdict};

/// Renders unwaived warnings, failures and gate errors as a GitLab Code Quality report.
///
/// GitLab requires a path and line for every issue: findings without them point at line 1 of
/// `config_path` (or of their file).
pub fn gitlab(report: &Report, config_path: &str) -> String {
    let mut issues: Vec<Value> = Vec::new();
    for gate in &report.gates {
        for error in &gate.errors {
            let (path, line) = error
                .location
                .as_ref()
                .map_or((config_path, 1), |location| {
                    (
                        location.path.as_str(),
                        location.line.map_or(1, std::num::NonZeroU32::get),
                    )
                });
            let description = format!("{}: gate could not run: {}", gate.gate, error.message);
            issues.push(issue(
                &gate.gate,
                crate::rules::GATE_ERROR.id,
                &description,
                "blocker",
                path,
                line,
            ));
        }
        for finding in &gate.findings {
            if finding.waived_by.is_some() || finding.verdict == Verdict::Pass {
                continue;
            }
            let (path, line) = finding
                .location
                .as_ref()
                .map_or((config_path, 1), |location| {
                    (
                        location.path.as_str(),
                        location.line.map_or(1, std::num::NonZeroU32::get),
                    )
                });
            issues.push(issue(
                &gate.gate,
                finding.rule.id,
                &finding.message,
                severity(finding),
                path,
                line,
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
