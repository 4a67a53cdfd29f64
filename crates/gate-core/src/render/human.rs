//! Aligned terminal output with a summary line per gate and one for the run.

use std::fmt::Write as _;

use crate::baseline::BaselineCounts;
use crate::{BaselineState, Counts, Finding, GateReport, Outcome, Report, Verdict};

const RED: &str = "\u{1b}[31m";
const YELLOW: &str = "\u{1b}[33m";
const GREEN: &str = "\u{1b}[32m";
const DIM: &str = "\u{1b}[2m";
const BOLD: &str = "\u{1b}[1m";
const RESET: &str = "\u{1b}[0m";

/// The terminal width rows are laid out for: long paths are shortened and long messages wrapped
/// to stay inside it.
const WIDTH: usize = 100;
/// Paths outside the repository longer than this keep only their last components behind `…`.
const PLACE_WIDTH: usize = 40;
/// A message starting further right than this goes on the lines below its row instead, so it
/// is never squeezed into a narrow column.
const MESSAGE_COLUMN_LIMIT: usize = 50;
/// `  ` + the six-character mark + ` `.
const MARK_WIDTH: usize = 9;

/// Renders the report for a terminal. `color` adds ANSI colours; the caller decides when
/// (a TTY, and `NO_COLOR` unset). Metrics are left to the machine formats: the findings and a
/// gate's one-line `summary` already state the figures a person needs.
pub fn human(report: &Report, color: bool) -> String {
    let paint = Paint { color };
    let mut out = String::new();
    for gate in &report.gates {
        write_gate(&mut out, gate, paint);
    }
    let outcome = report.outcome();
    let gates = format!(
        "gate: {} — {}",
        outcome.as_str().to_uppercase(),
        gate_tally(report)
    );
    let mut checks = format!("checks: {}", tally(report.counts()));
    if report.compared() {
        checks = format!("{checks} · {}", baseline_tally(report.baseline_counts()));
    }
    let separator = if gates.chars().count() + 3 + checks.chars().count() <= WIDTH {
        " · "
    } else {
        "\n      "
    };
    let _ = writeln!(
        out,
        "{} {} — {}{separator}{checks}",
        paint.bold("gate:"),
        paint.outcome(outcome),
        gate_tally(report),
    );
    out
}

fn write_gate(out: &mut String, gate: &GateReport, paint: Paint) {
    let baseline = if gate.compared {
        format!(" · {}", baseline_tally(gate.baseline_counts()))
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "{} {} ({}){baseline}",
        paint.bold(&gate.gate),
        paint.outcome(gate.outcome()),
        tally(gate.counts())
    );
    if let Some(summary) = &gate.summary {
        let _ = writeln!(out, "  {}", paint.dim(&wrap(summary, WIDTH - 2, 2)));
    }
    for error in &gate.errors {
        let place = error
            .location
            .as_ref()
            .map(|location| format!("{location}: "))
            .unwrap_or_default();
        let text = format!("{place}{}", error.message);
        let _ = writeln!(
            out,
            "  {} {}",
            paint.red("error"),
            wrap(&text, WIDTH - 8, 8)
        );
    }
    let places: Vec<String> = gate.findings.iter().map(place).collect();
    let rule_width = column_width(gate.findings.iter().map(|finding| finding.rule.id));
    let place_width = column_width(places.iter());
    let message_column = MARK_WIDTH + rule_width + 2 + place_width + 2;
    for (finding, place) in gate.findings.iter().zip(&places) {
        let mark = mark(finding, paint);
        let rule = pad(finding.rule.id, rule_width);
        let place = pad(place, place_width);
        let message = match finding.baseline {
            Some(BaselineState::New) => format!("new: {}", finding.message.trim_end()),
            Some(BaselineState::Existing) => format!("existing: {}", finding.message.trim_end()),
            None => finding.message.trim_end().to_owned(),
        };
        let message = message.as_str();
        if message_column <= MESSAGE_COLUMN_LIMIT {
            let message = wrap(message, WIDTH - message_column, message_column);
            let line = format!("{rule}  {place}  {message}");
            let _ = writeln!(out, "  {mark} {}", line.trim_end());
        } else {
            let line = format!("{rule}  {place}");
            let _ = writeln!(out, "  {mark} {}", line.trim_end());
            let message = wrap(message, WIDTH - MARK_WIDTH, MARK_WIDTH);
            let _ = writeln!(out, "{}{message}", " ".repeat(MARK_WIDTH));
        }
        if let Some(waived) = &finding.waived_by {
            let owner = waived
                .owner
                .as_deref()
                .map(|owner| format!(", owner {owner}"))
                .unwrap_or_default();
            let note = format!("waived until {}{owner}: {}", waived.expires, waived.reason);
            let _ = writeln!(out, "    {}", paint.dim(&wrap(&note, WIDTH - 4, 4)));
        }
    }
    for fixed in &gate.fixed {
        let text = format!("{}  {}", fixed.rule, fixed.message.trim_end());
        let _ = writeln!(
            out,
            "  {} {}",
            paint.green("fixed "),
            wrap(&text, WIDTH - MARK_WIDTH, MARK_WIDTH)
        );
    }
}

/// `1 new, 2 existing, 1 fixed`: what a change introduced, inherited and removed.
fn baseline_tally(counts: BaselineCounts) -> String {
    format!(
        "{} new, {} existing, {} fixed",
        counts.new, counts.existing, counts.fixed
    )
}

/// The finding's location as shown: a long path outside the repository (an installed package)
/// keeps its last components.
fn place(finding: &Finding) -> String {
    let Some(location) = &finding.location else {
        return String::new();
    };
    let full = location.to_string();
    // Repository paths are already relative to the project and are what an editor opens.
    if location.is_inside_repository() || full.chars().count() <= PLACE_WIDTH {
        return full;
    }
    shorten(&full)
}

/// `…/` and the longest tail of whole path components that fits the column, but always the file
/// and its folder: for an installed package the folder (`name-1.0.dist-info`) is what tells
/// which package it is.
fn shorten(path: &str) -> String {
    let components: Vec<&str> = path.split('/').collect();
    let mut kept = components.len().min(2);
    while kept < components.len() {
        let longer = components[components.len() - kept - 1..].join("/");
        if longer.chars().count() + 2 > PLACE_WIDTH {
            break;
        }
        kept += 1;
    }
    if kept == components.len() {
        return path.to_owned();
    }
    format!("…/{}", components[components.len() - kept..].join("/"))
}

/// Word-wraps `text` to `width` columns; continuation lines start with `indent` spaces. The
/// message's own line breaks are kept, and a word longer than the width (a URL) stays whole.
fn wrap(text: &str, width: usize, indent: usize) -> String {
    let width = width.max(20);
    let mut lines: Vec<String> = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split(' ') {
            let needed = line.chars().count() + 1 + word.chars().count();
            if !line.is_empty() && needed > width {
                lines.push(std::mem::take(&mut line));
            } else if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    let separator = format!("\n{}", " ".repeat(indent));
    lines
        .iter()
        .map(|line| line.trim_end())
        .collect::<Vec<_>>()
        .join(&separator)
}

/// How many gates ended each way: `4 gates: 2 passed, 1 failed, 1 error`.
fn gate_tally(report: &Report) -> String {
    let count = |wanted: Outcome| {
        report
            .gates
            .iter()
            .filter(|gate| gate.outcome() == wanted)
            .count()
    };
    let gates = report.gates.len();
    let mut parts = Vec::new();
    for (outcome, word) in [
        (Outcome::Pass, "passed"),
        (Outcome::Warn, "warned"),
        (Outcome::Fail, "failed"),
    ] {
        let n = count(outcome);
        if n > 0 {
            parts.push(format!("{n} {word}"));
        }
    }
    let errors = count(Outcome::Error);
    if errors > 0 {
        parts.push(plural(errors, "error", "errors"));
    }
    let noun = if gates == 1 { "gate" } else { "gates" };
    if parts.is_empty() {
        format!("{gates} {noun}")
    } else {
        format!("{gates} {noun}: {}", parts.join(", "))
    }
}

fn mark(finding: &Finding, paint: Paint) -> String {
    if finding.waived_by.is_some() {
        return paint.dim("waived");
    }
    match finding.effective_verdict() {
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
