//! A gate's results ([`GateReport`]) and a whole run's ([`Report`]).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::baseline::{BaseFinding, BaselineCounts, BaselineState};
use crate::{Finding, Location, Outcome, Verdict};

/// A named figure a gate measured, such as a coverage total or a count of packages.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Metric {
    /// A whole count.
    Count(u64),
    /// A percentage, `0.0..=100.0`, unrounded.
    Percent(f64),
    /// Any other number.
    Number(f64),
    /// A word or version, such as the next release version.
    Text(String),
}

impl std::fmt::Display for Metric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Metric::Count(count) => write!(f, "{count}"),
            Metric::Percent(percent) => write!(f, "{percent:.2}%"),
            Metric::Number(number) => write!(f, "{number}"),
            Metric::Text(text) => f.write_str(text),
        }
    }
}

/// Why a gate could not run: it produces no pass, whatever else it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GateError {
    /// What went wrong, naming the file (and line) where known.
    pub message: String,
    /// The file (and line) at fault, where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

impl GateError {
    /// An error with a message and no location.
    pub fn new(message: impl Into<String>) -> GateError {
        GateError {
            message: message.into(),
            location: None,
        }
    }

    /// The same error pointing at a file (and line).
    #[must_use]
    pub fn with_location(mut self, location: Location) -> GateError {
        self.location = Some(location);
        self
    }
}

/// Everything one gate found in one run.
///
/// `#[non_exhaustive]` so that it can grow: build it with [`GateReport::new`] or
/// [`GateReport::errored`].
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct GateReport {
    /// The gate's name (`policy`, `coverage`, `supply`, `release`, `protect`, …).
    pub gate: String,
    /// Findings in the order the gate produced them.
    pub findings: Vec<Finding>,
    /// Named figures (sorted by name, so output is stable).
    pub metrics: BTreeMap<String, Metric>,
    /// Reasons the gate could not complete. Non-empty means the gate errored.
    pub errors: Vec<GateError>,
    /// One line for people, shown under the gate's headline in the terminal (the release
    /// gate's next version); machine formats carry the same figures as metrics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Whether [`crate::baseline::compare`] judged this gate against a base.
    #[serde(skip)]
    pub compared: bool,
    /// The base's warnings and failures this run no longer has (after a comparison).
    #[serde(skip)]
    pub fixed: Vec<BaseFinding>,
}

impl GateReport {
    /// An empty report for a gate.
    pub fn new(gate: impl Into<String>) -> GateReport {
        GateReport {
            gate: gate.into(),
            findings: Vec::new(),
            metrics: BTreeMap::new(),
            errors: Vec::new(),
            summary: None,
            compared: false,
            fixed: Vec::new(),
        }
    }

    /// A report for a gate that could not run at all.
    pub fn errored(gate: impl Into<String>, error: GateError) -> GateReport {
        let mut report = GateReport::new(gate);
        report.errors.push(error);
        report
    }

    /// Adds a finding.
    pub fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// Adds everything a part of the gate found: its findings, metrics and errors, as they are.
    ///
    /// For a gate that runs in parts (the supply audit and the license check) whose findings
    /// already say which part they come from. A metric of the same name replaces this report's.
    pub fn absorb(&mut self, part: GateReport) {
        self.findings.extend(part.findings);
        self.metrics.extend(part.metrics);
        self.errors.extend(part.errors);
    }

    /// Adds everything a named part of the gate found (one coverage project among several),
    /// marked with the part's name so that reports, waivers and metrics tell the parts apart.
    ///
    /// Each message and error gets the prefix `"{name}: "`; each finding's target becomes
    /// `"{name}:{target}"`, or `name` when it had none (so a waiver can name the part); each
    /// metric is renamed `"{name}.{metric}"`.
    pub fn absorb_named(&mut self, part: GateReport, name: &str) {
        for mut finding in part.findings {
            finding.message = format!("{name}: {}", finding.message);
            finding.target = Some(match finding.target.take() {
                Some(target) => format!("{name}:{target}"),
                None => name.to_owned(),
            });
            finding.identity_key = finding
                .identity_key
                .take()
                .map(|key| format!("{name}:{key}"));
            self.findings.push(finding);
        }
        for (metric, value) in part.metrics {
            self.metrics.insert(format!("{name}.{metric}"), value);
        }
        for mut error in part.errors {
            error.message = format!("{name}: {}", error.message);
            self.errors.push(error);
        }
    }

    /// Records a metric, replacing an earlier value of the same name.
    pub fn set_metric(&mut self, name: impl Into<String>, value: Metric) {
        self.metrics.insert(name.into(), value);
    }

    /// The worst effective verdict of the findings (waived findings count as passes).
    pub fn verdict(&self) -> Verdict {
        self.findings
            .iter()
            .map(Finding::effective_verdict)
            .max()
            .unwrap_or(Verdict::Pass)
    }

    /// The verdict, or `Error` when the gate could not complete.
    pub fn outcome(&self) -> Outcome {
        if self.errors.is_empty() {
            self.verdict().into()
        } else {
            Outcome::Error
        }
    }

    /// New, existing and fixed warnings and failures, after a comparison with a base.
    pub fn baseline_counts(&self) -> BaselineCounts {
        let state_count = |state: BaselineState| {
            self.findings
                .iter()
                .filter(|finding| finding.baseline == Some(state))
                .count()
        };
        BaselineCounts {
            new: state_count(BaselineState::New),
            existing: state_count(BaselineState::Existing),
            fixed: self.fixed.len(),
        }
    }

    /// How many findings count as each verdict, and how many are waived. An existing failure
    /// that its gate lets pass counts as a warning.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for finding in &self.findings {
            if finding.waived_by.is_some() {
                counts.waived += 1;
                continue;
            }
            match finding.effective_verdict() {
                Verdict::Pass => counts.passed += 1,
                Verdict::Warn => counts.warnings += 1,
                Verdict::Fail => counts.failures += 1,
            }
        }
        counts.errors = self.errors.len();
        counts
    }
}

/// Finding tallies for a summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Findings that passed (informational results).
    pub passed: usize,
    /// Unwaived warnings.
    pub warnings: usize,
    /// Unwaived failures.
    pub failures: usize,
    /// Findings suppressed by a waiver.
    pub waived: usize,
    /// Errors that stopped a gate.
    pub errors: usize,
}

impl std::ops::Add for Counts {
    type Output = Counts;

    fn add(self, other: Counts) -> Counts {
        Counts {
            passed: self.passed + other.passed,
            warnings: self.warnings + other.warnings,
            failures: self.failures + other.failures,
            waived: self.waived + other.waived,
            errors: self.errors + other.errors,
        }
    }
}

/// The results of every gate in one run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// One report per gate, in the order the gates are listed in the configuration.
    pub gates: Vec<GateReport>,
}

impl Report {
    /// A report of the given gates.
    pub fn new(gates: Vec<GateReport>) -> Report {
        Report { gates }
    }

    /// The worst outcome of any gate; `Pass` for a report with no gates.
    pub fn outcome(&self) -> Outcome {
        self.gates
            .iter()
            .map(GateReport::outcome)
            .max()
            .unwrap_or(Outcome::Pass)
    }

    /// Whether any gate was compared with a base.
    pub fn compared(&self) -> bool {
        self.gates.iter().any(|gate| gate.compared)
    }

    /// The new, existing and fixed tallies of all gates added up.
    pub fn baseline_counts(&self) -> BaselineCounts {
        self.gates
            .iter()
            .map(GateReport::baseline_counts)
            .fold(BaselineCounts::default(), |total, counts| total + counts)
    }

    /// The tallies of all gates added up.
    pub fn counts(&self) -> Counts {
        self.gates
            .iter()
            .map(GateReport::counts)
            .fold(Counts::default(), |total, counts| total + counts)
    }
}

/// An error and its causes on one line, joined with `: ` (as anyhow's `{:#}` prints them): the
/// text a gate error or a message shows for a library error with a source.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {

    #[test]
    fn an_error_chain_joins_every_cause() {
        let cause = std::io::Error::other("disk full");
        assert_eq!(
            error_chain(&DisplayWithSource(cause)),
            "cannot write report.json: disk full"
        );
    }

    #[derive(Debug)]
    struct DisplayWithSource(std::io::Error);

    impl std::fmt::Display for DisplayWithSource {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("cannot write report.json")
        }
    }

    impl std::error::Error for DisplayWithSource {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }
    use super::*;
    use crate::{Rule, Verdict};

    static TOTAL: Rule = Rule {
        id: "coverage/total",
        summary: "s",
        help: "h",
    };

    fn part() -> GateReport {
        let mut part = GateReport::new("coverage");
        part.push(Finding::new(&TOTAL, Verdict::Fail, "total 61.00% < 80%"));
        part.push(Finding::new(&TOTAL, Verdict::Warn, "api below 85%").with_target("api/**"));
        part.set_metric("total.percent", Metric::Percent(61.0));
        part.errors.push(
            GateError::new("coverage.xml: line 3: bad XML")
                .with_location(Location::line("coverage.xml", 3)),
        );
        part
    }

    #[test]
    fn absorb_keeps_the_part_as_it_is() {
        let mut combined = GateReport::new("coverage");
        combined.set_metric("total.percent", Metric::Percent(90.0));
        combined.absorb(part());
        let messages: Vec<&str> = combined
            .findings
            .iter()
            .map(|f| f.message.as_str())
            .collect();
        assert_eq!(messages, ["total 61.00% < 80%", "api below 85%"]);
        assert_eq!(combined.findings[0].target, None);
        assert_eq!(combined.metrics["total.percent"], Metric::Percent(61.0));
        assert_eq!(combined.errors, part().errors);
        assert_eq!(combined.gate, "coverage");
    }

    #[test]
    fn absorb_named_marks_messages_targets_metrics_and_errors() {
        let mut combined = GateReport::new("coverage");
        combined.absorb_named(part(), "api");
        combined.absorb_named(part(), "worker");
        let findings: Vec<(&str, Option<&str>)> = combined
            .findings
            .iter()
            .map(|f| (f.message.as_str(), f.target.as_deref()))
            .collect();
        assert_eq!(
            findings,
            [
                ("api: total 61.00% < 80%", Some("api")),
                ("api: api below 85%", Some("api:api/**")),
                ("worker: total 61.00% < 80%", Some("worker")),
                ("worker: api below 85%", Some("worker:api/**")),
            ]
        );
        let metrics: Vec<&str> = combined.metrics.keys().map(String::as_str).collect();
        assert_eq!(metrics, ["api.total.percent", "worker.total.percent"]);
        assert_eq!(
            combined.errors[0].message,
            "api: coverage.xml: line 3: bad XML"
        );
        assert_eq!(
            combined.errors[0].location,
            Some(Location::line("coverage.xml", 3))
        );
        assert_eq!(
            combined.errors[1].message,
            "worker: coverage.xml: line 3: bad XML"
        );
        assert_eq!(combined.verdict(), Verdict::Fail);
    }
}
