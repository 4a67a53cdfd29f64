//! GitHub Actions workflow commands: `::error file=…,line=…,title=…::message` annotations.

use std::fmt::Write as _;

use crate::{Location, Report, Verdict};

/// GitHub shows at most 10 annotations of each level per step; more are dropped silently, so
/// gate annotates the first ten and counts the rest in a notice.
pub const MAX_ANNOTATIONS_PER_LEVEL: usize = 10;

/// Renders errors and warnings as workflow commands (waived findings and passes are left out),
/// at most [`MAX_ANNOTATIONS_PER_LEVEL`] of each level, then a `::notice` counting the rest.
/// The job summary is [`markdown`](super::markdown()).
pub fn github(report: &Report) -> String {
    let mut annotations = Annotations::default();
    for gate in &report.gates {
        for error in &gate.errors {
            let title = format!("{}: gate could not run", gate.gate);
            annotations.add(
                Level::Error,
                error.location.as_ref(),
                &title,
                &error.message,
            );
        }
        for finding in &gate.findings {
            if finding.waived_by.is_some() {
                continue;
            }
            let level = match finding.effective_verdict() {
                Verdict::Fail => Level::Error,
                Verdict::Warn => Level::Warning,
                Verdict::Pass => continue,
            };
            annotations.add(
                level,
                finding.location.as_ref(),
                finding.rule.id,
                &finding.message,
            );
        }
    }
    annotations.finish()
}

#[derive(Clone, Copy)]
enum Level {
    Error,
    Warning,
}

#[derive(Default)]
struct Annotations {
    out: String,
    errors: usize,
    warnings: usize,
}

impl Annotations {
    fn add(&mut self, level: Level, location: Option<&Location>, title: &str, message: &str) {
        let (seen, command) = match level {
            Level::Error => (&mut self.errors, "error"),
            Level::Warning => (&mut self.warnings, "warning"),
        };
        *seen += 1;
        if *seen > MAX_ANNOTATIONS_PER_LEVEL {
            return;
        }
        let mut properties = Vec::new();
        // GitHub can only annotate files of the checked-out repository: a file outside it (an
        // installed package) is named in the message instead.
        let outside = location.filter(|location| !location.is_inside_repository());
        let message = match outside {
            Some(location) => format!("{message} (in {location})"),
            None => message.to_owned(),
        };
        if let Some(location) = location.filter(|location| location.is_inside_repository()) {
            properties.push(format!("file={}", property(&location.path)));
            if let Some(line) = location.line {
                properties.push(format!("line={line}"));
            }
            if let Some(column) = location.column {
                properties.push(format!("col={column}"));
            }
        }
        properties.push(format!("title={}", property(title)));
        let _ = writeln!(
            self.out,
            "::{command} {}::{}",
            properties.join(","),
            data(&message)
        );
    }

    fn finish(mut self) -> String {
        let hidden_errors = self.errors.saturating_sub(MAX_ANNOTATIONS_PER_LEVEL);
        let hidden_warnings = self.warnings.saturating_sub(MAX_ANNOTATIONS_PER_LEVEL);
        if hidden_errors + hidden_warnings > 0 {
            let message = format!(
                "{hidden_errors} more errors and {hidden_warnings} more warnings were not annotated \
                 (GitHub shows {MAX_ANNOTATIONS_PER_LEVEL} of each); see the job summary for all findings"
            );
            let _ = writeln!(self.out, "::notice title=gate::{}", data(&message));
        }
        self.out
    }
}

/// Escapes a command's message: `%`, CR and LF, as the Actions runner decodes them.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property: as for the message, plus `:` and `,` which delimit properties.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_messages_and_properties_as_the_runner_decodes_them() {
        assert_eq!(data("100% done\r\nnext"), "100%25 done%0D%0Anext");
        assert_eq!(property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
