//! conftest's `--output github`: GitHub Actions workflow commands, one group per checked file.

use std::fmt::Write as _;

use crate::results::{CheckResult, ResultLocation, RuleResult, Totals};

/// The annotations `conftest test -o github` prints: per file and namespace a
/// `::group::Testing "file" against N policies in namespace "ns"` block with an `::error`,
/// `::warning` or `::notice` line per result (at the policy's `_loc` when it gave one, else at
/// line 1 of the file), the count of successful checks, then the summary line.
pub fn conftest_github(checks: &[CheckResult]) -> String {
    let mut out = String::new();
    for check in checks {
        let file = ResultLocation {
            file: check.filename.clone(),
            line: "1".to_owned(),
        };
        let _ = writeln!(
            out,
            "::group::Testing {} against {} policies in namespace {}",
            go_quote(&check.filename),
            check.total(),
            go_quote(&check.namespace)
        );
        for (level, results) in [
            ("error", &check.failures),
            ("warning", &check.warnings),
            ("notice", &check.exceptions),
        ] {
            for result in results {
                annotate(&mut out, level, &file, result, &result.message);
            }
        }
        for skipped in &check.skipped {
            let message = format!("Test was skipped: {}", skipped.message);
            annotate(&mut out, "notice", &file, skipped, &message);
        }
        let message = format!("Number of successful checks: {}", check.successes);
        line(&mut out, "notice", &file, &message);
        out.push_str("::endgroup::\n");
    }
    let _ = writeln!(out, "{}", Totals::of(checks).summary());
    out
}

/// A result at the location its policy gave (if in the same file), or at both that location
/// and the file's first line (`(ORIGINATING FROM file Lline)`), as conftest does.
fn annotate(
    out: &mut String,
    level: &str,
    file: &ResultLocation,
    result: &RuleResult,
    message: &str,
) {
    match &result.location {
        None => line(out, level, file, message),
        Some(location) if location.file == file.file => line(out, level, location, message),
        Some(location) => {
            line(out, level, location, message);
            let origin = format!(
                "(ORIGINATING FROM {} L{}) {message}",
                location.file, location.line
            );
            line(out, level, file, &origin);
        }
    }
}

fn line(out: &mut String, level: &str, location: &ResultLocation, message: &str) {
    let _ = writeln!(
        out,
        "::{level} file={},line={}::{message}",
        escape_property(&location.file),
        location.line
    );
}

/// Workflow command property escaping: `%`, CR, LF, `:` and `,`.
fn escape_property(value: &str) -> String {
    value
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
        .replace(':', "%3A")
        .replace(',', "%2C")
}

/// Go's `%q` for the plain strings file names and namespaces are.
fn go_quote(value: &str) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(message: &str, location: Option<(&str, &str)>) -> RuleResult {
        RuleResult {
            message: message.to_owned(),
            location: location.map(|(file, line)| ResultLocation {
                file: file.to_owned(),
                line: line.to_owned(),
            }),
            metadata: serde_json::Map::new(),
        }
    }

    #[test]
    fn locations_follow_conftest() {
        let checks = [CheckResult {
            filename: "data.yaml".to_owned(),
            namespace: "main".to_owned(),
            successes: 1,
            failures: vec![
                result("elsewhere", Some(("test.txt", "123"))),
                result("here", Some(("data.yaml", "7"))),
                result("nowhere", None),
            ],
            ..CheckResult::default()
        }];
        let expected = "\
::group::Testing \"data.yaml\" against 4 policies in namespace \"main\"
::error file=test.txt,line=123::elsewhere
::error file=data.yaml,line=1::(ORIGINATING FROM test.txt L123) elsewhere
::error file=data.yaml,line=7::here
::error file=data.yaml,line=1::nowhere
::notice file=data.yaml,line=1::Number of successful checks: 1
::endgroup::
4 tests, 1 passed, 0 warnings, 3 failures, 0 exceptions
";
        assert_eq!(conftest_github(&checks), expected);
    }
}
