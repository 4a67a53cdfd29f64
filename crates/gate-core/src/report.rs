//! A gate's results ([`GateReport`]) and a whole run's ([`Report`]).

use std::collections::BTreeMap;

use serde::Serialize;

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
#[derive(Debug, Clone, Serialize)]
pub struct GateReport {
    /// The gate's name (`policy`, `coverage`, `supply`, `release`, `protect`, …).
    pub gate: String,
    /// Findings in the order the gate produced them.
    pub findings: Vec<Finding>,
    /// Named figures (sorted by name, so output is stable).
    pub metrics: BTreeMap<String, Metric>,
    /// Reasons the gate could not complete. Non-empty means the gate errored.
    pub errors: Vec<GateError>,
}

impl GateReport {
    /// An empty report for a gate.
    pub fn new(gate: impl Into<String>) -> GateReport {
        GateReport {
            gate: gate.into(),
            findings: Vec::new(),
            metrics: BTreeMap::new(),
            errors: Vec::new(),
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

    /// How many findings count as each verdict, and how many are waived.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for finding in &self.findings {
            if finding.waived_by.is_some() {
                counts.waived += 1;
                continue;
            }
            match finding.verdict {
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

    /// The tallies of all gates added up.
    pub fn counts(&self) -> Counts {
        self.gates
            .iter()
            .map(GateReport::counts)
            .fold(Counts::default(), |total, counts| total + counts)
    }
}
