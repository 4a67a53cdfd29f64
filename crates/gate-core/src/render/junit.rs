//! JUnit XML: one testsuite per gate, failures as `<failure>`, waived as `<skipped>`, gate errors
//! as `<error>`.

use std::fmt::Write as _;

use super::escape::xml;
use crate::{Finding, GateReport, Report, Verdict};

/// Renders the report as JUnit XML.
pub fn junit(report: &Report) -> String {
    let suites: Vec<Suite> = report.gates.iter().map(Suite::of).collect();
    let total = |pick: fn(&Suite) -> usize| suites.iter().map(pick).sum::<usize>();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"gate\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        total(|suite| suite.cases.len()),
        total(|suite| suite.failures),
        total(|suite| suite.errors),
        total(|suite| suite.skipped),
    );
    for suite in &suites {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
            xml(&suite.name),
            suite.cases.len(),
            suite.failures,
            suite.errors,
            suite.skipped,
        );
        for case in &suite.cases {
            out.push_str(case);
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

struct Suite {
    name: String,
    cases: Vec<String>,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Suite {
    fn of(gate: &GateReport) -> Suite {
        let mut suite = Suite {
            name: gate.gate.clone(),
            cases: Vec::new(),
            failures: 0,
            errors: 0,
            skipped: 0,
        };
        for error in &gate.errors {
            suite.errors += 1;
            let place = error
                .location
                .as_ref()
                .map(|location| format!(" file=\"{}\"", xml(&location.path)))
                .unwrap_or_default();
            suite.cases.push(format!(
                "    <testcase classname=\"{gate}\" name=\"{gate} could not run\"{place}>\n      <error message=\"{message}\" type=\"{rule}\">{message}</error>\n    </testcase>\n",
                rule = crate::rules::GATE_ERROR.id,
                gate = xml(&gate.gate),
                message = xml(&error.message),
            ));
        }
        for finding in &gate.findings {
            let case = suite.case(gate, finding);
            suite.cases.push(case);
        }
        if suite.cases.is_empty() {
            // An empty suite reads as "nothing ran"; say that the gate ran and passed.
            suite.cases.push(format!(
                "    <testcase classname=\"{gate}\" name=\"{gate} passed\"/>\n",
                gate = xml(&gate.gate)
            ));
        }
        suite
    }

    fn case(&mut self, gate: &GateReport, finding: &Finding) -> String {
        let subject = finding
            .target
            .clone()
            .or_else(|| finding.location.as_ref().map(ToString::to_string));
        let name = match subject {
            Some(subject) => format!("{}: {subject}", finding.rule.id),
            None => finding.rule.id.to_owned(),
        };
        let mut attributes = format!(
            "classname=\"{}.{}\" name=\"{}\"",
            xml(&gate.gate),
            xml(finding.rule.id),
            xml(&name)
        );
        if let Some(location) = &finding.location {
            let _ = write!(attributes, " file=\"{}\"", xml(&location.path));
            if let Some(line) = location.line {
                let _ = write!(attributes, " line=\"{line}\"");
            }
        }
        let message = xml(&finding.message);
        let body = if let Some(waived) = &finding.waived_by {
            self.skipped += 1;
            let reason = format!("waived until {}: {}", waived.expires, waived.reason);
            format!("      <skipped message=\"{}\"/>\n", xml(&reason))
        } else {
            match finding.effective_verdict() {
                Verdict::Fail => {
                    self.failures += 1;
                    format!(
                        "      <failure message=\"{message}\" type=\"{}\">{message}</failure>\n",
                        xml(finding.rule.id)
                    )
                }
                Verdict::Warn => format!("      <system-out>warning: {message}</system-out>\n"),
                Verdict::Pass => format!("      <system-out>{message}</system-out>\n"),
            }
        };
        format!("    <testcase {attributes}>\n{body}    </testcase>\n")
    }
}
