//! conftest's `--output junit`: the XML of go-junit-report's formatter, one test suite per
//! namespace (`conftest.<namespace>`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::results::CheckResult;

/// One test case: its name, and a failure or skip message.
struct Case {
    name: String,
    failure: Option<String>,
    skipped: Option<String>,
}

/// The XML `conftest test -o junit` (or `verify`) prints: per namespace a
/// `<testsuite name="conftest.ns">` with one `<testcase>` per warning and failure (both
/// `<failure message="Failed">`), skipped test and success, named `file - first message line`
/// (`file` alone for a success, or for every case when `hide_message`, conftest's
/// `--junit-hide-message`). Suites are sorted by namespace (conftest's order is Go's map order,
/// which varies from run to run); the `go.version` property is left out.
pub fn conftest_junit(checks: &[CheckResult], hide_message: bool) -> String {
    let name = |file: &str, message: &str| {
        if hide_message || message.is_empty() {
            file.to_owned()
        } else {
            format!(
                "{file} - {}",
                message.split('\n').next().unwrap_or_default()
            )
        }
    };
    let mut suites: BTreeMap<&str, Vec<Case>> = BTreeMap::new();
    for check in checks {
        let cases = suites.entry(check.namespace.as_str()).or_default();
        for result in check.warnings.iter().chain(&check.failures) {
            cases.push(Case {
                name: name(&check.filename, &result.message),
                failure: Some(result.message.clone()),
                skipped: None,
            });
        }
        for result in &check.skipped {
            cases.push(Case {
                name: name(&check.filename, &result.message),
                failure: None,
                skipped: Some(result.message.clone()),
            });
        }
        for _ in 0..check.successes {
            cases.push(Case {
                name: name(&check.filename, ""),
                failure: None,
                skipped: None,
            });
        }
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    for (namespace, cases) in &suites {
        let suite = format!("conftest.{namespace}");
        // go-junit-report names the class after the last `/` part of the package.
        let class = suite.rsplit('/').next().unwrap_or(&suite);
        let failures = cases.iter().filter(|case| case.failure.is_some()).count();
        let _ = writeln!(
            out,
            "\t<testsuite tests=\"{}\" failures=\"{failures}\" time=\"0.000\" name=\"{}\">",
            cases.len(),
            escape(&suite)
        );
        for case in cases {
            let _ = write!(
                out,
                "\t\t<testcase classname=\"{}\" name=\"{}\" time=\"0.000\">",
                escape(class),
                escape(&case.name)
            );
            if let Some(message) = &case.skipped {
                let _ = write!(
                    out,
                    "\n\t\t\t<skipped message=\"{}\"></skipped>\n\t\t",
                    escape(message)
                );
            }
            if let Some(message) = &case.failure {
                let _ = write!(
                    out,
                    "\n\t\t\t<failure message=\"Failed\" type=\"\">{}</failure>\n\t\t",
                    escape(message)
                );
            }
            out.push_str("</testcase>\n");
        }
        out.push_str("\t</testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Go's `xml.EscapeText`, as `encoding/xml` writes attributes and text.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
    out
}
