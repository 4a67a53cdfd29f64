//! The stable JSON document, described by `schemas/report.v1.json`.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::baseline::{BaseFinding, BaselineCounts};
use crate::{Counts, Finding, GateError, Metric, Outcome, Report};

/// The schema version written as `"version"`. Bumped only for incompatible changes.
pub const JSON_SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    verdict: Outcome,
    counts: Counts,
    /// Only when the run was compared with a base.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<BaselineCounts>,
    gates: Vec<Gate<'a>>,
}

#[derive(Serialize)]
struct Gate<'a> {
    #[serde(rename = "gate")]
    name: &'a str,
    verdict: Outcome,
    counts: Counts,
    metrics: &'a BTreeMap<String, Metric>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<BaselineCounts>,
    errors: &'a [GateError],
    findings: Vec<IdentifiedFinding<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    fixed: &'a [BaseFinding],
}

/// A finding with its identity written out, so that a saved report can serve as the base of a
/// later run (`gate check --base-report`).
#[derive(Serialize)]
struct IdentifiedFinding<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    identity: String,
}

/// Renders the report as the versioned JSON document (pretty-printed, keys in a fixed order).
pub fn json(report: &Report) -> String {
    let document = Document {
        version: JSON_SCHEMA_VERSION,
        verdict: report.outcome(),
        counts: report.counts(),
        baseline: report.compared().then(|| report.baseline_counts()),
        gates: report
            .gates
            .iter()
            .map(|gate| Gate {
                name: &gate.gate,
                verdict: gate.outcome(),
                counts: gate.counts(),
                metrics: &gate.metrics,
                baseline: gate.compared.then(|| gate.baseline_counts()),
                errors: &gate.errors,
                findings: gate
                    .findings
                    .iter()
                    .map(|finding| IdentifiedFinding {
                        finding,
                        identity: finding.identity(),
                    })
                    .collect(),
                fixed: &gate.fixed,
            })
            .collect(),
    };
    // Cannot fail: every map key is a string and every value is plain data.
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}
