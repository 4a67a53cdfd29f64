//! GitLab Code Quality: a JSON array of issues whose fingerprints follow each finding's identity
//! (not its line), so a merge request shows as new only what it introduced.

use std::collections::HashMap;

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
        // How often each identity was seen: repeats get their own fingerprint.
        let mut seen: HashMap<String, usize> = HashMap::new();
        for error in &gate.errors {
            let place = RepositoryPlace::of(error.location.as_ref(), config_path);
            let description = place.message(&format!(
                "{}: gate could not run: {}",
                gate.gate, error.message
            ));
            let occurrence = next(&mut seen, &description);
            let fingerprint = fingerprint::of_identity(
                &gate.gate,
                crate::rules::GATE_ERROR.id,
                &description,
                occurrence,
            );
            issues.push(issue(
                crate::rules::GATE_ERROR.id,
                &description,
                "blocker",
                &fingerprint,
                (place.path, place.line),
            ));
        }
        for finding in &gate.findings {
            if finding.waived_by.is_some() || finding.verdict == Verdict::Pass {
                continue;
            }
            let place = RepositoryPlace::of(finding.location.as_ref(), config_path);
            let identity = finding.identity();
            let occurrence = next(&mut seen, &format!("{}\u{0}{identity}", finding.rule.id));
            let fingerprint =
                fingerprint::of_identity(&gate.gate, finding.rule.id, &identity, occurrence);
            issues.push(issue(
                finding.rule.id,
                &place.message(&finding.message),
                severity(finding),
                &fingerprint,
                (place.path, place.line),
            ));
        }
    }
    let mut text = serde_json::to_string_pretty(&issues).unwrap_or_default();
    text.push('\n');
    text
}

/// The number of earlier issues with this key, counting this one in.
fn next(seen: &mut HashMap<String, usize>, key: &str) -> usize {
    let count = seen.entry(key.to_owned()).or_insert(0);
    *count += 1;
    *count - 1
}

fn issue(
    rule: &str,
    description: &str,
    severity: &str,
    fingerprint: &str,
    (path, line): (&str, u32),
) -> Value {
    json!({
        "description": description,
        "check_name": rule,
        "fingerprint": fingerprint,
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
