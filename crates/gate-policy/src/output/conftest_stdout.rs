//! conftest's default `--output stdout`.

use std::fmt::Write as _;

use crate::results::{CheckResult, Totals};

/// How to render the standard output.
#[derive(Debug, Clone, Copy, Default)]
pub struct StdoutOptions {
    /// Colour the verdict words and the summary with ANSI codes, as conftest does unless
    /// `--no-color`.
    pub color: bool,
    /// Append `, N skipped` to the summary (conftest's `verify`).
    pub show_skipped: bool,
    /// Leave out the `EXCP` lines (they still count in the summary): `--suppress-exceptions`.
    pub suppress_exceptions: bool,
}

const RED: &str = "31";
const YELLOW: &str = "33";
const CYAN: &str = "36";
const GREEN: &str = "32";
const WHITE: &str = "37";
const BLUE: &str = "34";

fn paint(text: &str, color: &str, options: StdoutOptions) -> String {
    if options.color {
        format!("\u{1b}[{color}m{text}\u{1b}[0m")
    } else {
        text.to_owned()
    }
}

/// The text `conftest test` (or `verify`) prints for `checks`: one line per warning, failure and
/// exception, `?` lines for checks without policies, a blank line and the summary. `print()`
/// output comes first, as `PRNT` lines (each followed by a blank line, as conftest's are).
pub fn conftest_stdout(checks: &[CheckResult], options: &StdoutOptions) -> String {
    let options = *options;
    let mut out = String::new();
    for check in checks {
        for printed in &check.prints {
            let _ = writeln!(out, "{}  {printed}\n", paint("PRNT ", BLUE, options));
        }
    }
    for check in checks {
        let indicator = if check.filename == "-" {
            "-".to_owned()
        } else {
            format!("- {}", check.filename)
        };
        let namespace = if check.namespace == "-" {
            "-".to_owned()
        } else {
            format!("- {} -", check.namespace)
        };
        for error in &check.errors {
            let _ = writeln!(
                out,
                "{} {indicator} {namespace} {error}",
                paint("ERROR", RED, options)
            );
        }
        if check.total() == 0 && check.errors.is_empty() {
            let _ = writeln!(
                out,
                "{} {indicator} {namespace} no policies found",
                paint("?", WHITE, options)
            );
            continue;
        }
        for (word, color, results) in [
            ("WARN", YELLOW, &check.warnings),
            ("FAIL", RED, &check.failures),
            ("EXCP", CYAN, &check.exceptions),
        ] {
            if word == "EXCP" && options.suppress_exceptions {
                continue;
            }
            for result in results {
                let _ = writeln!(
                    out,
                    "{} {indicator} {namespace} {}",
                    paint(word, color, options),
                    result.message
                );
            }
        }
    }
    let totals = Totals::of(checks);
    let mut summary = totals.summary();
    if options.show_skipped {
        let _ = write!(summary, ", {} skipped", totals.skipped);
    }
    let color = if totals.failures + totals.errors > 0 {
        RED
    } else if totals.warnings > 0 {
        YELLOW
    } else if totals.exceptions > 0 {
        CYAN
    } else {
        GREEN
    };
    out.push('\n');
    out.push_str(&paint(&summary, color, options));
    out.push('\n');
    out
}
