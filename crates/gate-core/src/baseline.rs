//! Clean as you code: compare a run with a base and judge only what the change introduced.
//!
//! A [`Base`] holds the findings of a base run — from the base revision's own run
//! ([`Base::from_report`]), from its saved JSON report ([`Base::from_json_report`]), or from a
//! committed [`BaselineFile`]. [`compare`] then marks each warning and failure of the head run
//! [`BaselineState::New`] or [`BaselineState::Existing`] by its [`Finding::identity`], and records
//! the base's findings the head no longer has as [`GateReport::fixed`]. A finding the change
//! makes worse (a higher verdict or severity, a lower `percent`) is new.
//!
//! An existing failure counts as a warning (see [`Finding::effective_verdict`]) unless the
//! caller says its gate keeps inherited failures, so a change fails only on what it introduced.
//!
//! ```
//! use gate_core::baseline::{Base, BaselineState, compare};
//! use gate_core::{Finding, GateReport, Report, Rule, Verdict};
//!
//! static DENY: Rule = Rule { id: "policy/deny", summary: "s", help: "h" };
//! let gate = |messages: &[&str]| {
//!     let mut gate = GateReport::new("policy");
//!     for message in messages {
//!         gate.push(Finding::new(&DENY, Verdict::Fail, *message).with_target("deploy/api.yaml"));
//!     }
//!     gate
//! };
//! let base = Base::from_report(&Report::new(vec![gate(&["latest tag", "no limits"])]));
//! let mut head = Report::new(vec![gate(&["latest tag", "runs as root"])]);
//! compare(&mut head, &base, &|_gate: &str| false);
//!
//! let findings = &head.gates[0].findings;
//! assert_eq!(findings[0].message, "runs as root"); // new ones first
//! assert_eq!(findings[0].baseline, Some(BaselineState::New));
//! assert_eq!(findings[1].baseline, Some(BaselineState::Existing));
//! assert_eq!(head.gates[0].fixed.len(), 1); // "no limits"
//! assert_eq!(head.outcome().exit_code(), 1); // the new failure
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::{Finding, GateReport, Metric, Report, Severity, Verdict};

/// Whether a finding was already there in the base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BaselineState {
    /// Introduced (or made worse) by the change: it judges the change.
    New,
    /// Already in the base: reported, and a warning unless the gate keeps inherited failures.
    Existing,
}

/// One warning or failure of a base run: as much as comparison and reports need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaseFinding {
    /// The rule id (`supply/vulnerability`).
    pub rule: String,
    /// [`Finding::identity`].
    pub identity: String,
    /// The message as the base run wrote it.
    pub message: String,
    /// The verdict before waivers and comparison.
    pub verdict: Verdict,
    /// The severity, where the rule has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// The finding's `percent` detail (coverage), where it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<f64>,
    /// The file it was in, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl BaseFinding {
    /// The base-run view of a finding.
    pub fn of(finding: &Finding) -> BaseFinding {
        BaseFinding {
            rule: finding.rule.id.to_owned(),
            identity: finding.identity(),
            message: finding.message.clone(),
            verdict: finding.verdict,
            severity: finding.severity,
            percent: finding
                .details
                .get("percent")
                .and_then(serde_json::Value::as_f64),
            path: finding
                .location
                .as_ref()
                .map(|location| location.path.clone()),
        }
    }

    /// Whether `finding` is this problem made worse: a higher verdict or severity, or a lower
    /// percentage (coverage) than in the base.
    fn worsened_by(&self, finding: &Finding) -> bool {
        let percent = finding
            .details
            .get("percent")
            .and_then(serde_json::Value::as_f64);
        // Half a hundredth of a point: below what any report shows, above float noise.
        let dropped = matches!((self.percent, percent), (Some(was), Some(is)) if is < was - 0.005);
        let raised = matches!((self.severity, finding.severity), (Some(was), Some(is)) if is > was);
        finding.verdict > self.verdict || raised || dropped
    }
}

/// Is a finding part of the comparison? Warnings and failures are; passing results are
/// information, and waiver bookkeeping is about gate.toml, not the change.
fn compared(finding: &Finding) -> bool {
    finding.verdict != Verdict::Pass && finding.rule.gate() != "waiver"
}

/// What a gate of the base found.
#[derive(Debug, Clone, PartialEq)]
enum BaseGate {
    /// The gate ran; these are its warnings and failures.
    Ran(Vec<BaseFinding>),
    /// The gate could not run in the base: nothing can be called existing.
    Errored,
}

/// The findings of a base run, per gate.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Base {
    gates: BTreeMap<String, BaseGate>,
    /// Each gate's numeric metrics (coverage figures per file), for comparisons of figures.
    metrics: BTreeMap<String, BTreeMap<String, f64>>,
    /// A committed baseline lists each identity once, and one entry covers every finding of
    /// that identity; a base run is matched finding for finding.
    per_identity: bool,
}

impl Base {
    /// The base of a run made on the base revision.
    pub fn from_report(report: &Report) -> Base {
        let gates = report
            .gates
            .iter()
            .map(|gate| {
                let base = if gate.errors.is_empty() {
                    BaseGate::Ran(
                        gate.findings
                            .iter()
                            .filter(|finding| compared(finding))
                            .map(BaseFinding::of)
                            .collect(),
                    )
                } else {
                    BaseGate::Errored
                };
                (gate.gate.clone(), base)
            })
            .collect();
        let metrics = report
            .gates
            .iter()
            .map(|gate| {
                let numbers = gate
                    .metrics
                    .iter()
                    .filter_map(|(name, metric)| match metric {
                        Metric::Percent(value) | Metric::Number(value) => {
                            Some((name.clone(), *value))
                        }
                        Metric::Count(_) | Metric::Text(_) => None,
                    })
                    .collect();
                (gate.gate.clone(), numbers)
            })
            .collect();
        Base {
            gates,
            metrics,
            per_identity: false,
        }
    }

    /// A gate's numeric metrics in the base run (percentages and numbers; counts and text are
    /// left out), when the base has them.
    pub fn metrics(&self, gate: &str) -> Option<&BTreeMap<String, f64>> {
        self.metrics.get(gate)
    }

    /// The base of a saved JSON report (`gate check --format json`, schema version 1) of the
    /// base run — the way to compare inputs that only exist in CI, such as coverage reports.
    ///
    /// # Errors
    ///
    /// When the text is not such a report, or was written by a gate too old to record each
    /// finding's `identity`.
    pub fn from_json_report(text: &str) -> Result<Base, BaseError> {
        let document: SavedReport = serde_json::from_str(text).map_err(|error| {
            BaseError::new(format!(
                "line {}: not a gate JSON report: {error}",
                error.line()
            ))
        })?;
        if document.version != 1 {
            return Err(BaseError::new(format!(
                "JSON report version {} is not supported (expected 1)",
                document.version
            )));
        }
        let mut gates = BTreeMap::new();
        let mut metrics = BTreeMap::new();
        for gate in document.gates {
            let numbers: BTreeMap<String, f64> = gate
                .metrics
                .iter()
                .filter(|(_, value)| value.is_f64())
                .filter_map(|(name, value)| Some((name.clone(), value.as_f64()?)))
                .collect();
            metrics.insert(gate.gate.clone(), numbers);
            let base = if gate.errors.is_empty() {
                let mut findings = Vec::new();
                for finding in gate.findings {
                    if finding.verdict == Verdict::Pass || finding.rule.starts_with("waiver/") {
                        continue;
                    }
                    let identity = finding.identity.ok_or_else(|| {
                        BaseError::new(format!(
                            "gate `{}`: finding `{}` has no `identity`: the report was written \
                             by an older gate; write it again with this version",
                            gate.gate, finding.rule
                        ))
                    })?;
                    findings.push(BaseFinding {
                        rule: finding.rule,
                        identity,
                        message: finding.message,
                        verdict: finding.verdict,
                        severity: finding.severity,
                        percent: finding
                            .details
                            .get("percent")
                            .and_then(serde_json::Value::as_f64),
                        path: finding.location.map(|location| location.path),
                    });
                }
                BaseGate::Ran(findings)
            } else {
                BaseGate::Errored
            };
            gates.insert(gate.gate, base);
        }
        Ok(Base {
            gates,
            metrics,
            per_identity: false,
        })
    }

    /// The base a committed baseline file describes.
    pub fn from_baseline(file: &BaselineFile) -> Base {
        let mut gates: BTreeMap<String, BaseGate> = BTreeMap::new();
        for entry in &file.findings {
            let finding = BaseFinding {
                rule: entry.rule.clone(),
                identity: entry.identity.clone(),
                message: entry.message.clone(),
                // A baseline entry accepts the finding as it was written down, failure or not.
                verdict: Verdict::Fail,
                severity: entry.severity,
                percent: entry.percent,
                path: None,
            };
            match gates
                .entry(entry.gate.clone())
                .or_insert_with(|| BaseGate::Ran(Vec::new()))
            {
                BaseGate::Ran(findings) => findings.push(finding),
                BaseGate::Errored => {}
            }
        }
        Base {
            gates,
            metrics: BTreeMap::new(),
            per_identity: true,
        }
    }

    /// Whether the base has a record of this gate (it ran, or could not run).
    pub fn has_gate(&self, gate: &str) -> bool {
        self.gates.contains_key(gate)
    }
}

/// A base that cannot be used: the message says why (the caller names the file).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct BaseError {
    /// What is wrong, with the line where known.
    pub message: String,
}

impl BaseError {
    fn new(message: String) -> BaseError {
        BaseError { message }
    }
}

#[derive(Deserialize)]
struct SavedReport {
    version: u32,
    gates: Vec<SavedGate>,
}

#[derive(Deserialize)]
struct SavedGate {
    gate: String,
    #[serde(default)]
    errors: Vec<serde_json::Value>,
    #[serde(default)]
    metrics: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    findings: Vec<SavedFinding>,
}

#[derive(Deserialize)]
struct SavedFinding {
    rule: String,
    verdict: Verdict,
    #[serde(default)]
    severity: Option<Severity>,
    message: String,
    #[serde(default)]
    identity: Option<String>,
    #[serde(default)]
    location: Option<SavedLocation>,
    #[serde(default)]
    details: BTreeMap<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct SavedLocation {
    path: String,
}

/// Marks every warning and failure of `report` new or existing against `base`, records the
/// base's findings that are gone as [`GateReport::fixed`], and lists new findings first.
///
/// `inherited_fails(gate)` says whether existing failures of that gate still fail (a gate's
/// `inherited = "fail"`). A gate the base has no record of, or that could not run in the base,
/// has only new findings; a gate that could not run in the head is left alone.
pub fn compare(report: &mut Report, base: &Base, inherited_fails: &dyn Fn(&str) -> bool) {
    for gate in &mut report.gates {
        if !gate.errors.is_empty() {
            continue;
        }
        let strict = inherited_fails(&gate.gate);
        let base_findings: &[BaseFinding] = match base.gates.get(&gate.gate) {
            Some(BaseGate::Ran(findings)) => findings,
            Some(BaseGate::Errored) | None => &[],
        };
        compare_gate(gate, base_findings, base.per_identity, strict);
    }
}

fn compare_gate(gate: &mut GateReport, base: &[BaseFinding], per_identity: bool, strict: bool) {
    let key = |rule: &str, identity: &str| format!("{rule}\u{0}{identity}");
    let mut unmatched: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, finding) in base.iter().enumerate() {
        unmatched
            .entry(key(&finding.rule, &finding.identity))
            .or_default()
            .push(index);
    }
    let mut used = BTreeSet::new();
    for finding in &mut gate.findings {
        if !compared(finding) {
            continue;
        }
        let matched = match unmatched.get_mut(&key(finding.rule.id, &finding.identity())) {
            Some(indices) if per_identity => indices.first().copied(),
            // A base run is matched one for one: a second copy of a problem is new.
            Some(indices) if !indices.is_empty() => Some(indices.remove(0)),
            _ => None,
        };
        let state = match matched {
            Some(index) => {
                used.insert(index);
                if base[index].worsened_by(finding) {
                    BaselineState::New
                } else {
                    BaselineState::Existing
                }
            }
            None => BaselineState::New,
        };
        finding.baseline = Some(state);
        finding.inherited_fails = strict;
    }
    gate.fixed = base
        .iter()
        .enumerate()
        .filter(|(index, _)| !used.contains(index))
        .map(|(_, finding)| finding.clone())
        .collect();
    gate.compared = true;
    // Stable: the gate's own order is kept within new and within existing findings.
    gate.findings
        .sort_by_key(|finding| finding.baseline != Some(BaselineState::New));
}

/// New, existing and fixed findings of one gate (only meaningful once [`compare`] ran).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BaselineCounts {
    /// Warnings and failures the change introduced or made worse.
    pub new: usize,
    /// Warnings and failures already in the base.
    pub existing: usize,
    /// The base's warnings and failures that are gone.
    pub fixed: usize,
}

impl std::ops::Add for BaselineCounts {
    type Output = BaselineCounts;

    fn add(self, other: BaselineCounts) -> BaselineCounts {
        BaselineCounts {
            new: self.new + other.new,
            existing: self.existing + other.existing,
            fixed: self.fixed + other.fixed,
        }
    }
}

/// The version written as `"version"` in a baseline file.
pub const BASELINE_FILE_VERSION: u32 = 1;

/// A committed baseline (`gate-baseline.json`): the findings a team accepted when it adopted
/// gate, one entry per identity, each with a `reason` for the team to fill in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineFile {
    /// [`BASELINE_FILE_VERSION`].
    pub version: u32,
    /// Sorted by gate, rule and identity, so that a change to it reads as a small diff.
    pub findings: Vec<BaselineEntry>,
}

/// One accepted finding of a [`BaselineFile`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    /// The gate (`supply`).
    pub gate: String,
    /// The rule id (`supply/vulnerability`).
    pub rule: String,
    /// [`Finding::identity`]: what the entry matches.
    pub identity: String,
    /// The message when it was written, for the reader.
    pub message: String,
    /// The severity when it was written: a finding whose severity rises is new again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// The percentage when it was written (coverage): a finding whose figure drops is new.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<f64>,
    /// Why the finding is accepted for now (empty when written; the team fills it in).
    #[serde(default)]
    pub reason: String,
}

impl BaselineEntry {
    fn key(&self) -> (&str, &str, &str) {
        (&self.gate, &self.rule, &self.identity)
    }
}

impl BaselineFile {
    /// The baseline of a run: every unwaived warning and failure, one entry per identity.
    /// Reasons already written in `previous` are kept for the entries that remain.
    pub fn from_report(report: &Report, previous: Option<&BaselineFile>) -> BaselineFile {
        let mut entries: BTreeMap<(String, String, String), BaselineEntry> = BTreeMap::new();
        for gate in &report.gates {
            for finding in &gate.findings {
                if !compared(finding) || finding.waived_by.is_some() {
                    continue;
                }
                let entry = BaselineEntry {
                    gate: gate.gate.clone(),
                    rule: finding.rule.id.to_owned(),
                    identity: finding.identity(),
                    message: finding.message.clone(),
                    severity: finding.severity,
                    percent: BaseFinding::of(finding).percent,
                    reason: String::new(),
                };
                let key = (
                    entry.gate.clone(),
                    entry.rule.clone(),
                    entry.identity.clone(),
                );
                entries.entry(key).or_insert(entry);
            }
        }
        if let Some(previous) = previous {
            for old in &previous.findings {
                let key = (old.gate.clone(), old.rule.clone(), old.identity.clone());
                if let Some(entry) = entries.get_mut(&key) {
                    entry.reason.clone_from(&old.reason);
                }
            }
        }
        BaselineFile {
            version: BASELINE_FILE_VERSION,
            findings: entries.into_values().collect(),
        }
    }

    /// Reads a baseline file's text.
    ///
    /// # Errors
    ///
    /// When it is not a baseline file of a known version (the message names the line).
    pub fn parse(text: &str) -> Result<BaselineFile, BaseError> {
        let file: BaselineFile = serde_json::from_str(text).map_err(|error| {
            BaseError::new(format!(
                "line {}: not a gate baseline file: {error}",
                error.line()
            ))
        })?;
        if file.version != BASELINE_FILE_VERSION {
            return Err(BaseError::new(format!(
                "baseline version {} is not supported (expected {BASELINE_FILE_VERSION})",
                file.version
            )));
        }
        Ok(file)
    }

    /// The file's text: pretty JSON, entries sorted, a final newline.
    pub fn to_json(&self) -> String {
        let mut sorted = self.clone();
        sorted.findings.sort_by(|a, b| a.key().cmp(&b.key()));
        let mut text = serde_json::to_string_pretty(&sorted).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The entries that match no warning or failure of `report` in a gate it ran (entries of
    /// gates that did not run, or could not, are not judged).
    pub fn unmatched<'a>(&'a self, report: &Report) -> Vec<&'a BaselineEntry> {
        let mut present: BTreeSet<(&str, &str, String)> = BTreeSet::new();
        let mut judged: BTreeSet<&str> = BTreeSet::new();
        for gate in &report.gates {
            if !gate.errors.is_empty() {
                continue;
            }
            judged.insert(&gate.gate);
            for finding in gate.findings.iter().filter(|finding| compared(finding)) {
                present.insert((&gate.gate, finding.rule.id, finding.identity()));
            }
        }
        self.findings
            .iter()
            .filter(|entry| judged.contains(entry.gate.as_str()))
            .filter(|entry| {
                !present.contains(&(
                    entry.gate.as_str(),
                    entry.rule.as_str(),
                    entry.identity.clone(),
                ))
            })
            .collect()
    }

    /// The file without the entries that no longer match (see [`BaselineFile::unmatched`]).
    #[must_use]
    pub fn pruned(&self, report: &Report) -> BaselineFile {
        let stale: Vec<(&str, &str, &str)> = self
            .unmatched(report)
            .into_iter()
            .map(BaselineEntry::key)
            .collect();
        BaselineFile {
            version: self.version,
            findings: self
                .findings
                .iter()
                .filter(|entry| !stale.contains(&entry.key()))
                .cloned()
                .collect(),
        }
    }
}

/// Compares `report` with a committed baseline: [`compare`], then a `baseline/unmatched`
/// warning in each gate for every entry that no longer matches (so the baseline only shrinks).
/// `file_name` names the baseline file in those warnings.
pub fn compare_with_baseline(
    report: &mut Report,
    file: &BaselineFile,
    file_name: &str,
    inherited_fails: &dyn Fn(&str) -> bool,
) {
    let stale: Vec<BaselineEntry> = file.unmatched(report).into_iter().cloned().collect();
    let base = Base::from_baseline(file);
    compare(report, &base, inherited_fails);
    for entry in stale {
        let Some(gate) = report.gates.iter_mut().find(|gate| gate.gate == entry.gate) else {
            continue;
        };
        gate.push(
            Finding::new(
                &crate::rules::BASELINE_UNMATCHED,
                Verdict::Warn,
                format!(
                    "{file_name} lists `{}` {} ({}), which no longer occurs: \
                     remove it with `gate baseline prune`",
                    entry.rule, entry.identity, entry.message
                ),
            )
            .with_target(file_name)
            .with_identity(format!("{} {}", entry.rule, entry.identity)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Location, Rule};

    static VULN: Rule = Rule {
        id: "supply/vulnerability",
        summary: "s",
        help: "h",
    };
    static FILE: Rule = Rule {
        id: "coverage/file",
        summary: "s",
        help: "h",
    };

    fn vuln(package: &str, id: &str, severity: Severity, line: u32) -> Finding {
        Finding::new(&VULN, Verdict::Fail, format!("{package}: {id} ({line})"))
            .with_target(id)
            .with_identity(format!("{package} {id}"))
            .with_severity(severity)
            .with_location(Location::line("requirements.txt", line))
    }

    fn coverage(path: &str, percent: f64) -> Finding {
        Finding::new(&FILE, Verdict::Fail, format!("{path} {percent:.2}% < 80%"))
            .with_target(path)
            .with_identity(path)
            .with_detail("percent", percent)
    }

    fn report(gate: &str, findings: Vec<Finding>) -> Report {
        let mut report = GateReport::new(gate);
        for finding in findings {
            report.push(finding);
        }
        Report::new(vec![report])
    }

    fn states(report: &Report) -> Vec<(String, Option<BaselineState>)> {
        report.gates[0]
            .findings
            .iter()
            .map(|finding| (finding.identity(), finding.baseline))
            .collect()
    }

    #[test]
    fn new_existing_and_fixed_by_identity_not_by_line() {
        let base = Base::from_report(&report(
            "supply",
            vec![
                vuln("urllib3", "PYSEC-1", Severity::High, 3),
                vuln("jinja2", "PYSEC-2", Severity::High, 4),
            ],
        ));
        let mut head = report(
            "supply",
            vec![
                // Moved down by an unrelated edit: still the same problem.
                vuln("urllib3", "PYSEC-1", Severity::High, 9),
                vuln("requests", "PYSEC-3", Severity::Medium, 5),
            ],
        );
        compare(&mut head, &base, &|_: &str| false);
        assert_eq!(
            states(&head),
            [
                ("requests PYSEC-3".to_owned(), Some(BaselineState::New)),
                ("urllib3 PYSEC-1".to_owned(), Some(BaselineState::Existing)),
            ]
        );
        let fixed: Vec<&str> = head.gates[0]
            .fixed
            .iter()
            .map(|finding| finding.identity.as_str())
            .collect();
        assert_eq!(fixed, ["jinja2 PYSEC-2"]);
        assert_eq!(
            head.gates[0].baseline_counts(),
            BaselineCounts {
                new: 1,
                existing: 1,
                fixed: 1
            }
        );
        // The new failure fails; the existing one counts as a warning.
        assert_eq!(head.outcome().exit_code(), 1);
        assert_eq!(head.gates[0].findings[1].effective_verdict(), Verdict::Warn);
        assert_eq!((head.counts().failures, head.counts().warnings), (1, 1));
    }

    #[test]
    fn existing_failures_alone_pass_unless_the_gate_keeps_them() {
        let base = Base::from_report(&report(
            "supply",
            vec![vuln("urllib3", "PYSEC-1", Severity::High, 3)],
        ));
        let mut head = report(
            "supply",
            vec![vuln("urllib3", "PYSEC-1", Severity::High, 3)],
        );
        compare(&mut head, &base, &|_: &str| false);
        assert_eq!(head.outcome().exit_code(), 0);
        compare(&mut head, &base, &|gate: &str| gate == "supply");
        assert_eq!(head.outcome().exit_code(), 1);
    }

    #[test]
    fn a_worse_severity_or_a_coverage_drop_is_new() {
        let base = Base::from_report(&report(
            "supply",
            vec![vuln("urllib3", "PYSEC-1", Severity::Medium, 3)],
        ));
        let mut head = report(
            "supply",
            vec![vuln("urllib3", "PYSEC-1", Severity::Critical, 3)],
        );
        compare(&mut head, &base, &|_: &str| false);
        assert_eq!(head.gates[0].findings[0].baseline, Some(BaselineState::New));
        assert!(head.gates[0].fixed.is_empty());

        let base = Base::from_report(&report("coverage", vec![coverage("api/a.py", 70.0)]));
        let mut same = report("coverage", vec![coverage("api/a.py", 70.0)]);
        let mut lower = report("coverage", vec![coverage("api/a.py", 65.0)]);
        compare(&mut same, &base, &|_: &str| false);
        compare(&mut lower, &base, &|_: &str| false);
        assert_eq!(
            same.gates[0].findings[0].baseline,
            Some(BaselineState::Existing)
        );
        assert_eq!(
            lower.gates[0].findings[0].baseline,
            Some(BaselineState::New)
        );
    }

    #[test]
    fn a_second_copy_of_a_base_problem_is_new_and_errored_gates_are_not_compared() {
        let base = Base::from_report(&report(
            "supply",
            vec![vuln("urllib3", "PYSEC-1", Severity::High, 3)],
        ));
        let mut head = report(
            "supply",
            vec![
                vuln("urllib3", "PYSEC-1", Severity::High, 3),
                vuln("urllib3", "PYSEC-1", Severity::High, 8),
            ],
        );
        compare(&mut head, &base, &|_: &str| false);
        let counts = head.gates[0].baseline_counts();
        assert_eq!((counts.new, counts.existing), (1, 1));

        let mut errored = GateReport::errored("supply", crate::GateError::new("no lockfile"));
        errored.push(vuln("urllib3", "PYSEC-1", Severity::High, 3));
        let mut head = Report::new(vec![errored]);
        compare(&mut head, &base, &|_: &str| false);
        assert!(!head.gates[0].compared);
        assert_eq!(head.gates[0].findings[0].baseline, None);
    }

    #[test]
    fn a_saved_json_report_is_a_base() {
        let base_report = report(
            "supply",
            vec![vuln("urllib3", "PYSEC-1", Severity::High, 3)],
        );
        let saved = Base::from_json_report(&crate::render::json(&base_report)).unwrap();
        assert_eq!(saved, Base::from_report(&base_report));
        let error = Base::from_json_report(
            r#"{"version":1,"gates":[{"gate":"policy","findings":[{"rule":"policy/deny","verdict":"fail","message":"m"}]}]}"#,
        )
        .unwrap_err();
        assert!(error.message.contains("has no `identity`"), "{error}");
        let error = Base::from_json_report("{\n  \"version\": 1,\n  \"gates\": 3\n}").unwrap_err();
        assert!(
            error.message.starts_with("line 3: not a gate JSON report"),
            "{error}"
        );
    }

    #[test]
    fn a_baseline_file_is_sorted_deduplicated_keeps_reasons_and_prunes() {
        let run = report(
            "supply",
            vec![
                vuln("urllib3", "PYSEC-1", Severity::High, 3),
                vuln("jinja2", "PYSEC-2", Severity::High, 4),
                vuln("jinja2", "PYSEC-2", Severity::High, 7),
            ],
        );
        let mut file = BaselineFile::from_report(&run, None);
        let identities: Vec<&str> = file
            .findings
            .iter()
            .map(|entry| entry.identity.as_str())
            .collect();
        assert_eq!(identities, ["jinja2 PYSEC-2", "urllib3 PYSEC-1"]);
        assert!(file.findings.iter().all(|entry| entry.reason.is_empty()));
        file.findings[1].reason = "no fix upstream".into();
        let text = file.to_json();
        assert_eq!(BaselineFile::parse(&text).unwrap(), file);
        let rewritten = BaselineFile::from_report(&run, Some(&file));
        assert_eq!(rewritten.findings[1].reason, "no fix upstream");

        // One entry covers every copy; the entry for the fixed urllib3 problem is stale.
        let mut head = report(
            "supply",
            vec![
                vuln("jinja2", "PYSEC-2", Severity::High, 4),
                vuln("jinja2", "PYSEC-2", Severity::High, 7),
                vuln("requests", "PYSEC-3", Severity::High, 5),
            ],
        );
        assert_eq!(file.pruned(&head).findings.len(), 1);
        compare_with_baseline(&mut head, &file, "gate-baseline.json", &|_: &str| false);
        let counts = head.gates[0].baseline_counts();
        assert_eq!((counts.new, counts.existing, counts.fixed), (1, 2, 1));
        let stale = head.gates[0].findings.last().unwrap();
        assert_eq!(stale.rule.id, "baseline/unmatched");
        assert_eq!(stale.verdict, Verdict::Warn);
        assert!(
            stale.message.contains("urllib3 PYSEC-1"),
            "{}",
            stale.message
        );
        assert_eq!(head.outcome().exit_code(), 1);
    }

    #[test]
    fn a_bad_baseline_file_is_an_error_with_a_line() {
        let error = BaselineFile::parse("{\n \"version\": 1,\n \"findings\": [1]\n}").unwrap_err();
        assert!(error.message.starts_with("line 3:"), "{error}");
        let error = BaselineFile::parse(r#"{"version": 2, "findings": []}"#).unwrap_err();
        assert!(error.message.contains("version 2"), "{error}");
    }
}
