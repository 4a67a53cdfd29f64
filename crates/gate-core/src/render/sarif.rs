//! SARIF 2.1.0, shaped for GitHub code scanning: one run per gate, relative URIs, 1-based lines.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::{RenderOptions, RepositoryPlace, fingerprint};
use crate::baseline::BaseFinding;
use crate::{BaselineState, Finding, GateReport, Report, Rule, Verdict};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Renders the report as a SARIF 2.1.0 log.
///
/// Results are the failures and warnings, waived ones included as suppressed: code scanning shows
/// every result as an alert, so passing checks (which the other formats list) are left out.
/// Every result has a repository location, as code scanning requires: findings without a file,
/// or with a file outside the repository, point at line 1 of `options.config_path` (the message
/// names the outside file), and findings with a file but no line at its line 1.
pub fn sarif(report: &Report, options: &RenderOptions) -> String {
    let runs: Vec<Value> = report.gates.iter().map(|gate| run(gate, options)).collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": runs,
    });
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

fn run(gate: &GateReport, options: &RenderOptions) -> Value {
    let alerts: Vec<&Finding> = gate
        .findings
        .iter()
        .filter(|finding| finding.verdict != Verdict::Pass)
        .collect();
    let rules = rules_of(&alerts);
    let mut results: Vec<Value> = alerts
        .iter()
        .map(|finding| result(gate, finding, &rules, options))
        .collect();
    results.extend(gate.fixed.iter().map(|fixed| absent(gate, fixed, options)));
    let rule_objects: Vec<Value> = rules.iter().map(|rule| rule_object(gate, rule)).collect();
    let notifications: Vec<Value> = gate
        .errors
        .iter()
        .map(|error| {
            json!({
                "level": "error",
                "message": { "text": error.message },
            })
        })
        .collect();
    json!({
        "tool": {
            "driver": {
                "name": "gate",
                "semanticVersion": options.tool_version,
                "rules": rule_objects,
            }
        },
        // GitHub keeps one analysis per automation id: a run per gate stops gates replacing each other.
        "automationDetails": { "id": format!("gate/{}/", gate.gate) },
        "invocations": [{
            "executionSuccessful": gate.errors.is_empty(),
            "toolExecutionNotifications": notifications,
        }],
        "results": results,
    })
}

/// The distinct rules of the results, in first-seen order (the order `ruleIndex` uses).
fn rules_of(alerts: &[&Finding]) -> Vec<&'static Rule> {
    let mut rules: Vec<&'static Rule> = Vec::new();
    for finding in alerts {
        if !rules.iter().any(|rule| rule.id == finding.rule.id) {
            rules.push(finding.rule);
        }
    }
    rules
}

fn rule_object(gate: &GateReport, rule: &Rule) -> Value {
    let mut properties = json!({ "tags": [gate.gate.as_str()] });
    // Code scanning reads security-severity from the rule: use the worst score seen for it.
    let worst_score = gate
        .findings
        .iter()
        .filter(|finding| finding.rule.id == rule.id)
        .filter_map(|finding| finding.score)
        .fold(None, |worst: Option<f64>, score| {
            Some(worst.map_or(score, |w| w.max(score)))
        });
    if let Some(score) = worst_score {
        properties["security-severity"] = json!(format!("{score:.1}"));
        properties["tags"] = json!([gate.gate.as_str(), "security"]);
    }
    json!({
        "id": rule.id,
        "name": rule.id,
        "shortDescription": { "text": rule.summary },
        "fullDescription": { "text": rule.summary },
        "help": {
            "text": rule.help,
            "markdown": rule.help,
        },
        "properties": properties,
    })
}

fn result(gate: &GateReport, finding: &Finding, rules: &[&Rule], options: &RenderOptions) -> Value {
    let rule_index = rules
        .iter()
        .position(|rule| rule.id == finding.rule.id)
        .unwrap_or_default();
    let place = RepositoryPlace::of(finding.location.as_ref(), &options.config_path);
    let mut region = json!({ "startLine": place.line });
    if let Some(column) = place.column {
        region["startColumn"] = json!(column);
    }
    let mut value = json!({
        "ruleId": finding.rule.id,
        "ruleIndex": rule_index,
        // A waived result keeps its level (it is marked suppressed); an existing one that its
        // gate lets pass is shown as the warning it counts as.
        "level": level(if finding.waived_by.is_some() { finding.verdict } else { finding.effective_verdict() }),
        "message": { "text": place.message(&finding.message) },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": relative_uri(place.path), "uriBaseId": "%SRCROOT%" },
                "region": region,
            }
        }],
        "partialFingerprints": { "gateFinding/v1": fingerprint::identity(&gate.gate, finding) },
    });
    let mut properties = serde_json::Map::new();
    if let Some(severity) = finding.severity {
        properties.insert("severity".into(), json!(severity.as_str()));
    }
    if let Some(score) = finding.score {
        properties.insert("security-severity".into(), json!(format!("{score:.1}")));
    }
    if !finding.details.is_empty() {
        properties.insert("details".into(), json!(finding.details));
    }
    if !properties.is_empty() {
        value["properties"] = Value::Object(properties);
    }
    if let Some(state) = finding.baseline {
        value["baselineState"] = json!(match state {
            BaselineState::New => "new",
            BaselineState::Existing => "unchanged",
        });
    }
    if let Some(waived) = &finding.waived_by {
        value["suppressions"] = json!([{
            "kind": "external",
            "status": "accepted",
            "justification": format!("{} (expires {})", waived.reason, waived.expires),
        }]);
    }
    value
}

/// A base result this run no longer has: SARIF's `baselineState: absent`. It is a `pass` of
/// level `none`, so code scanning does not raise it as an alert.
fn absent(gate: &GateReport, fixed: &BaseFinding, options: &RenderOptions) -> Value {
    let location = fixed.path.as_deref().map(crate::Location::file);
    let place = RepositoryPlace::of(location.as_ref(), &options.config_path);
    json!({
        "ruleId": fixed.rule,
        "kind": "pass",
        "level": "none",
        "message": { "text": place.message(&fixed.message) },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": relative_uri(place.path), "uriBaseId": "%SRCROOT%" },
                "region": { "startLine": place.line },
            }
        }],
        "partialFingerprints": {
            "gateFinding/v1": fingerprint::of_identity(&gate.gate, &fixed.rule, &fixed.identity, 0)
        },
        "baselineState": "absent",
    })
}

fn level(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Pass => "note",
        Verdict::Warn => "warning",
        Verdict::Fail => "error",
    }
}

/// A repository-relative URI reference: `/` separators, no leading `./` or `/`, and the
/// characters a URI cannot hold percent-encoded.
fn relative_uri(path: &str) -> String {
    let trimmed = path.trim_start_matches("./").trim_start_matches('/');
    let mut uri = String::with_capacity(trimmed.len());
    for byte in trimmed.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                uri.push(char::from(byte));
            }
            other => {
                let _ = write!(uri, "%{other:02X}");
            }
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::relative_uri;

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(relative_uri("./api/app.py"), "api/app.py");
        assert_eq!(relative_uri("/abs/x.py"), "abs/x.py");
        assert_eq!(relative_uri("dir name/ü.py"), "dir%20name/%C3%BC.py");
    }
}
