//! The stable JSON document, described by `schemas/report.v1.json`.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::{Counts, Finding, GateError, Metric, Outcome, Report};

/// The schema version written as `"version"`. Bumped only for incompatible changes.
pub const JSON_SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    verdict: Outcome,
    counts: Counts,
    gates: Vec<Gate<'a>>,
}

#[derive(Serialize)]
struct Gate<'a> {
    #[serde(rename = "gate")]
    name: &'a str,
    verdict: Outcome,
    counts: Counts,
    metrics: &'a BTreeMap<String, Metric>,
    errors: &'a [GateError],
    findings: &'a [Finding],
}

/// Renders the report as the versioned JSON document (pretty-printed, keys in a fixed order).
pub fn json(report: &Report) -> String {
    let document = Document {
        version: JSON_SCHEMA_VERSION,
        verdict: report.outcome(),
        counts: report.counts(),
        gates: report
            .gates
            .iter()
            .map(|gate| Gate {
                name: &gate.gate,
                verdict: gate.outcome(),
                counts: gate.counts(),
                metrics: &gate.metrics,
                errors: &gate.errors,
                findings: &gate.findings,
            })
            .collect(),
    };
    // Cannot fail: every map key is a string and every value is plain data.
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}
