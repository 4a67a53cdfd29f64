//! Aligned terminal output with a summary line per gate and one for the run.

use std::fmt::Write as _;

use crate::{Counts, Finding, GateReport, Outcome, Report, Verdict};

const RED: &str = "\u{1b}[31m";
const YELLOW: &str = "\u{1b}[33m";
const GREEN: &str = "\u{1b}[32m";
const DIM: &str = "\u{1b}[2m";
const BOLD: &str = "\u{1b}[1m";
const RESET: &str = "\u{1b}[0m";

/// Renders the report for a terminal. `color` adds ANSI colours; the caller decides when
/// (a TTY, and `NO_COLOR` unset). Metrics are left to the machine formats: the findings already
/// state the figures a person needs.
pub fn human(report: &Report, color: bool) -> String {
    let paint = Paint { color };
    let mut out = String::new();
    for gate in &report.gates {
        write_gate(&mut out, gate, paint);
    }
    let outcome = report.outcome();
    let counts = report.counts();
    let gates = report.gates.len();
    let _ = writeln!(
        out,
        "{} {} — {} {}: {}",
        paint.bold("gate:"),
        paint.outcome(outcome),
        gates,
        if gates == 1 { "gate" } else { "gates" },
        tally(counts)
    );
    out
}

fn write_gate(out: &mut String, gate: &GateReport, paint: Paint) {
    let _ = writeln!(
        out,
        "{} {} ({})",
        paint.bold(&gate.gate),
        paint.outcome(gate.outcome()),
        tally(gate.counts())
    );
    for error in &gate.errors {
        let place = error
            .location
            .as_ref()
            .map(|location| format!("{location}: "))
            .unwrap_or_default();
        let _ = writeln!(out, "  {} {place}{}", paint.red("error"), error.message);
    }
    let rule_width = column_width(gate.findings.iter().map(|finding| finding.rule.id));
    let place_width = column_width(gate.findings.iter().map(place));
    for finding in &gate.findings {
        let mark = mark(finding, paint);
        let rule = pad(finding.rule.id, rule_width);
        let place = pad(&place(finding), place_width);
        // Continuation lines of a multi-line message start under its first line.
        let indent = format!(
            "\n{}",
            " ".repeat(2 + 6 + 1 + rule_width + 2 + place_width + 2)
        );
        let message = finding.message.trim_end().replace('\n', &indent);
        let line = format!("{rule}  {place}  {message}");
        let _ = writeln!(out, "  {mark} {}", line.trim_end());
        if let Some(waived) = &finding.waived_by {
            let owner = waived
                .owner
                .as_deref()
                .map(|owner| format!(", owner {owner}"))
                .unwrap_or_default();
            let note = format!("waived until {}{owner}: {}", waived.expires, waived.reason);
            let _ = writeln!(out, "    {}", paint.dim(&note));
        }
    }
}

fn place(finding: &Finding) -> String {
    finding
        .location
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default()
}

fn mark(finding: &Finding, paint: Paint) -> String {
    if finding.waived_by.is_some() {
        return paint.dim("waived");
    }
    match finding.verdict {
        Verdict::Pass => paint.green("ok    "),
        Verdict::Warn => paint.yellow("warn  "),
        Verdict::Fail => paint.red("fail  "),
    }
}

fn column_width<'a>(cells: impl Iterator<Item = impl AsRef<str> + 'a>) -> usize {
    cells
        .map(|cell| cell.as_ref().chars().count())
        .max()
        .unwrap_or(0)
}

fn pad(text: &str, width: usize) -> String {
    let missing = width.saturating_sub(text.chars().count());
    format!("{text}{}", " ".repeat(missing))
}

fn tally(counts: Counts) -> String {
    let mut parts = Vec::new();
    if counts.passed > 0 {
        parts.push(format!("{} passed", counts.passed));
    }
    parts.extend([
        plural(counts.failures, "failure", "failures"),
        plural(counts.warnings, "warning", "warnings"),
    ]);
    if counts.waived > 0 {
        parts.push(format!("{} waived", counts.waived));
    }
    if counts.errors > 0 {
        parts.push(plural(counts.errors, "error", "errors"));
    }
    parts.join(", ")
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

#[derive(Clone, Copy)]
struct Paint {
    color: bool,
}

impl Paint {
    fn wrap(self, code: &str, text: &str) -> String {
        if self.color {
            format!("{code}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }

    fn red(self, text: &str) -> String {
        self.wrap(RED, text)
    }

    fn yellow(self, text: &str) -> String {
        self.wrap(YELLOW, text)
    }

    fn green(self, text: &str) -> String {
        self.wrap(GREEN, text)
    }

    fn dim(self, text: &str) -> String {
        self.wrap(DIM, text)
    }

    fn bold(self, text: &str) -> String {
        self.wrap(BOLD, text)
    }

    fn outcome(self, outcome: Outcome) -> String {
        let word = outcome.as_str().to_uppercase();
        match outcome {
            Outcome::Pass => self.green(&word),
            Outcome::Warn => self.yellow(&word),
            Outcome::Fail | Outcome::Error => self.red(&word),
        }
    }
}
