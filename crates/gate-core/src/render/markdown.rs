//! A Markdown summary for GitHub job summaries and pull-request comments.

use std::fmt::Write as _;

use super::escape::markdown_cell;
use crate::{BaselineState, Finding, Outcome, Report, Verdict};

/// Findings listed per gate before the rest are only counted, so a comment stays readable.
const MAX_ROWS_PER_GATE: usize = 50;

/// Renders the report as Markdown: an overview table, then each gate's findings (passes too:
/// they carry the headline figures). Metrics are left to the machine formats.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## gate: {}\n", badge(report.outcome()));
    let compared = report.compared();
    if compared {
        out.push_str(
            "| Gate | Result | New | Existing | Fixed | Failures | Warnings | Waived | Errors |\n",
        );
        out.push_str("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    } else {
        out.push_str("| Gate | Result | Failures | Warnings | Waived | Errors |\n");
        out.push_str("|---|---|---:|---:|---:|---:|\n");
    }
    for gate in &report.gates {
        let counts = gate.counts();
        let baseline = if compared {
            let b = gate.baseline_counts();
            format!(" {} | {} | {} |", b.new, b.existing, b.fixed)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "| {} | {} |{baseline} {} | {} | {} | {} |",
            markdown_cell(&gate.gate),
            badge(gate.outcome()),
            counts.failures,
            counts.warnings,
            counts.waived,
            counts.errors
        );
    }
    for gate in &report.gates {
        let listed: Vec<&Finding> = gate.findings.iter().collect();
        if listed.is_empty() && gate.errors.is_empty() && gate.fixed.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n### {}\n", markdown_cell(&gate.gate));
        for error in &gate.errors {
            let place = error
                .location
                .as_ref()
                .map(|location| format!(" (`{}`)", markdown_cell(&location.to_string())))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- ⛔ could not run{place}: {}",
                markdown_cell(&error.message)
            );
        }
        if !gate.errors.is_empty() {
            out.push('\n');
        }
        if !listed.is_empty() {
            out.push_str("| Result | Rule | Location | Message |\n|---|---|---|---|\n");
            for finding in listed.iter().take(MAX_ROWS_PER_GATE) {
                let place = finding
                    .location
                    .as_ref()
                    .map(|location| format!("`{}`", markdown_cell(&location.to_string())))
                    .unwrap_or_default();
                let state = match finding.baseline {
                    Some(BaselineState::New) => " · new",
                    Some(BaselineState::Existing) => " · existing",
                    None => "",
                };
                let _ = writeln!(
                    out,
                    "| {}{state} | `{}` | {place} | {} |",
                    finding_badge(finding),
                    finding.rule.id,
                    markdown_cell(&finding.message)
                );
            }
            if listed.len() > MAX_ROWS_PER_GATE {
                let _ = writeln!(
                    out,
                    "\n…and {} more; the JSON or SARIF report has them all.",
                    listed.len() - MAX_ROWS_PER_GATE
                );
            }
        }
        if !gate.fixed.is_empty() {
            let _ = writeln!(out, "\nFixed by this change:\n");
            for fixed in gate.fixed.iter().take(MAX_ROWS_PER_GATE) {
                let _ = writeln!(
                    out,
                    "- `{}` {}",
                    markdown_cell(&fixed.rule),
                    markdown_cell(&fixed.message)
                );
            }
            if gate.fixed.len() > MAX_ROWS_PER_GATE {
                let _ = writeln!(out, "- …and {} more", gate.fixed.len() - MAX_ROWS_PER_GATE);
            }
        }
    }
    out
}

fn badge(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass => "✅ pass",
        Outcome::Warn => "⚠️ warn",
        Outcome::Fail => "❌ fail",
        Outcome::Error => "⛔ error",
    }
}

fn finding_badge(finding: &Finding) -> &'static str {
    if finding.waived_by.is_some() {
        return "💤 waived";
    }
    match finding.effective_verdict() {
        Verdict::Pass => "✅ pass",
        Verdict::Warn => "⚠️ warn",
        Verdict::Fail => "❌ fail",
    }
}
