//! Waivers: time-boxed, reasoned exceptions that every gate honours the same way.

use globset::{GlobBuilder, GlobMatcher};
use serde::Serialize;

use crate::{Date, Finding, Location, Report, Verdict, rules};

/// A reasoned exception from one rule of one gate, valid until `expires` (inclusive).
///
/// Build it with [`Waiver::new`] and the `with_*` methods; it is `#[non_exhaustive]` so that it
/// can grow without breaking embedders:
///
/// ```
/// use gate_core::{Date, Location, Target, Waiver};
///
/// let waiver = Waiver::new("supply", "supply/vulnerability", "no fixed release yet", Date::new(2026, 12, 31).unwrap())
///     .with_target(Target::new("urllib3")?)
///     .with_owner("@platform")
///     .with_source(Location::line("gate.toml", 12));
/// assert!(!waiver.is_expired(Date::new(2026, 12, 31).unwrap()));
/// # Ok::<(), gate_core::TargetError>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Waiver {
    /// The gate it applies to (`coverage`).
    pub gate: String,
    /// The rule id it applies to (`coverage/total`).
    pub rule: String,
    /// Which findings of the rule: a glob over the finding's target (or path); `None` means all.
    pub target: Option<Target>,
    /// Why the exception is acceptable. Required: reviewers read it.
    pub reason: String,
    /// The last day the waiver applies.
    pub expires: Date,
    /// Who answers for it.
    pub owner: Option<String>,
    /// Where the waiver is written (gate.toml and its line), so findings about it point there.
    pub source: Option<Location>,
}

/// A waiver's target pattern: a glob where `*` stays within one path segment and `**` crosses them.
#[derive(Debug, Clone)]
pub struct Target {
    pattern: String,
    matcher: GlobMatcher,
}

/// A waiver target that is not a valid glob.
#[derive(Debug, thiserror::Error)]
#[error("invalid waiver target `{pattern}`")]
pub struct TargetError {
    pattern: String,
    #[source]
    source: globset::Error,
}

impl Target {
    /// Compiles a glob such as `api/**`, `urllib3` or `PYSEC-2023-*`.
    pub fn new(pattern: &str) -> Result<Target, TargetError> {
        let glob = GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|source| TargetError {
                pattern: pattern.to_owned(),
                source,
            })?;
        Ok(Target {
            pattern: pattern.to_owned(),
            matcher: glob.compile_matcher(),
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// Whether a finding's subject matches.
    pub fn matches(&self, subject: &str) -> bool {
        self.matcher.is_match(subject)
    }
}

/// The record left on a finding that a waiver suppresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Waived {
    /// The waiver's reason.
    pub reason: String,
    /// The waiver's expiry date.
    pub expires: Date,
    /// The waiver's owner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Where the waiver is written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Location>,
}

impl Waiver {
    /// A waiver of every finding of `rule` in `gate`, for `reason`, until `expires` (inclusive).
    pub fn new(
        gate: impl Into<String>,
        rule: impl Into<String>,
        reason: impl Into<String>,
        expires: Date,
    ) -> Waiver {
        Waiver {
            gate: gate.into(),
            rule: rule.into(),
            target: None,
            reason: reason.into(),
            expires,
            owner: None,
            source: None,
        }
    }

    /// Narrows the waiver to the findings whose target (or path) matches.
    #[must_use]
    pub fn with_target(mut self, target: Target) -> Waiver {
        self.target = Some(target);
        self
    }

    /// Sets who answers for the waiver.
    #[must_use]
    pub fn with_owner(mut self, owner: impl Into<String>) -> Waiver {
        self.owner = Some(owner.into());
        self
    }

    /// Sets where the waiver is written, so findings about it point there.
    #[must_use]
    pub fn with_source(mut self, source: Location) -> Waiver {
        self.source = Some(source);
        self
    }

    /// Whether the waiver no longer applies on `today`.
    pub fn is_expired(&self, today: Date) -> bool {
        today > self.expires
    }

    fn matches(&self, gate: &str, finding: &Finding) -> bool {
        self.gate == gate
            && self.rule == finding.rule.id
            && match &self.target {
                None => true,
                Some(target) => {
                    finding
                        .waiver_subject()
                        .is_some_and(|subject| target.matches(subject))
                        || finding
                            .also_known_as
                            .iter()
                            .any(|name| target.matches(name))
                }
            }
    }

    fn describe(&self) -> String {
        match &self.target {
            Some(target) => format!("{} for `{}`", self.rule, target.as_str()),
            None => self.rule.clone(),
        }
    }

    fn record(&self) -> Waived {
        Waived {
            reason: self.reason.clone(),
            expires: self.expires,
            owner: self.owner.clone(),
            source: self.source.clone(),
        }
    }

    fn bookkeeping_finding(
        &self,
        rule: &'static crate::Rule,
        verdict: Verdict,
        message: String,
    ) -> Finding {
        let mut finding = Finding::new(rule, verdict, message)
            .with_target(self.describe())
            .with_detail("rule", self.rule.clone())
            .with_detail("expires", self.expires.to_string())
            .with_detail("reason", self.reason.clone());
        if let Some(target) = &self.target {
            finding = finding.with_detail("target", target.as_str());
        }
        if let Some(owner) = &self.owner {
            finding = finding.with_detail("owner", owner.clone());
        }
        finding.location.clone_from(&self.source);
        finding
    }
}

/// Applies waivers to a report: the one place waiver semantics live.
///
/// - A live waiver marks each matching warning or failure as waived; it stays in the report.
/// - An expired waiver suppresses nothing and adds a `waiver/expired` failure to its gate.
/// - A live waiver that matched nothing adds a `waiver/unused` warning to its gate, unless the
///   gate errored (it may simply not have got that far).
///
/// Waivers for gates that are not in the report (not configured, or skipped) are left alone.
pub fn apply_waivers(report: &mut Report, waivers: &[Waiver], today: Date) {
    for gate in &mut report.gates {
        let mut used = vec![false; waivers.len()];
        for finding in &mut gate.findings {
            if finding.verdict == Verdict::Pass || finding.waived_by.is_some() {
                continue;
            }
            let live_match = waivers.iter().enumerate().find(|(_, waiver)| {
                !waiver.is_expired(today) && waiver.matches(&gate.gate, finding)
            });
            if let Some((index, waiver)) = live_match {
                used[index] = true;
                finding.waived_by = Some(waiver.record());
            }
        }
        for (index, waiver) in waivers.iter().enumerate() {
            if waiver.gate != gate.gate {
                continue;
            }
            if waiver.is_expired(today) {
                let message = format!(
                    "waiver {} expired on {}: it no longer suppresses anything (reason given: {})",
                    waiver.describe(),
                    waiver.expires,
                    waiver.reason
                );
                let finding =
                    waiver.bookkeeping_finding(&rules::WAIVER_EXPIRED, Verdict::Fail, message);
                gate.findings.push(finding);
            } else if !used[index] && gate.errors.is_empty() {
                let message = format!("waiver {} matched no finding: remove it", waiver.describe());
                let finding =
                    waiver.bookkeeping_finding(&rules::WAIVER_UNUSED, Verdict::Warn, message);
                gate.findings.push(finding);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{GateError, GateReport, Rule};

    static VULN: Rule = Rule {
        id: "supply/vulnerability",
        summary: "s",
        help: "h",
    };

    fn date(text: &str) -> Date {
        text.parse().unwrap()
    }

    fn waiver(target: Option<&str>, expires: &str) -> Waiver {
        let mut waiver = Waiver::new(
            "supply",
            "supply/vulnerability",
            "no fixed release yet",
            date(expires),
        )
        .with_owner("@platform")
        .with_source(Location::line("gate.toml", 12));
        waiver.target = target.map(|pattern| Target::new(pattern).unwrap());
        waiver
    }

    fn supply_report() -> Report {
        let mut gate = GateReport::new("supply");
        gate.push(Finding::new(&VULN, Verdict::Fail, "urllib3 1.26.0").with_target("urllib3"));
        gate.push(Finding::new(&VULN, Verdict::Fail, "jinja2 2.0").with_target("jinja2"));
        Report::new(vec![gate])
    }

    #[test]
    fn a_live_waiver_marks_matching_findings_and_keeps_them() {
        let mut report = supply_report();
        apply_waivers(
            &mut report,
            &[waiver(Some("urllib3"), "2026-12-31")],
            date("2026-11-28"),
        );
        let gate = &report.gates[0];
        assert_eq!(gate.findings.len(), 2);
        assert!(gate.findings[0].waived_by.is_some());
        assert!(gate.findings[1].waived_by.is_none());
        assert_eq!(gate.verdict(), Verdict::Fail);
    }

    #[test]
    fn a_target_may_name_any_other_name_of_the_finding() {
        let mut gate = GateReport::new("supply");
        gate.push(
            Finding::new(&VULN, Verdict::Fail, "urllib3 2.0.6: PYSEC-2023-212")
                .with_target("PYSEC-2023-212")
                .with_also_known_as(["CVE-2023-45803", "urllib3", "urllib3@2.0.6"]),
        );
        for (target, waived) in [
            ("CVE-2023-45803", true),
            ("urllib3", true),
            ("urllib3@2.0.*", true),
            ("urllib3@2.0.7", false),
            ("requests", false),
        ] {
            let mut report = Report::new(vec![gate.clone()]);
            apply_waivers(
                &mut report,
                &[waiver(Some(target), "2026-12-31")],
                date("2026-11-28"),
            );
            assert_eq!(
                report.gates[0].findings[0].waived_by.is_some(),
                waived,
                "{target}"
            );
        }
    }

    #[test]
    fn the_expiry_date_itself_is_still_valid() {
        let mut report = supply_report();
        let waivers = [waiver(None, "2026-11-28")];
        apply_waivers(&mut report, &waivers, date("2026-11-28"));
        assert_eq!(report.gates[0].verdict(), Verdict::Pass);
    }

    #[test]
    fn an_expired_waiver_suppresses_nothing_and_fails() {
        let mut report = supply_report();
        apply_waivers(
            &mut report,
            &[waiver(None, "2026-11-27")],
            date("2026-11-28"),
        );
        let gate = &report.gates[0];
        assert!(
            gate.findings
                .iter()
                .all(|finding| finding.waived_by.is_none())
        );
        let expired = gate.findings.last().unwrap();
        assert_eq!(expired.rule.id, "waiver/expired");
        assert_eq!(expired.verdict, Verdict::Fail);
        assert_eq!(expired.location, Some(Location::line("gate.toml", 12)));
        assert!(
            expired.message.contains("expired on 2026-11-27"),
            "{}",
            expired.message
        );
    }

    #[test]
    fn an_unused_waiver_warns() {
        let mut report = supply_report();
        apply_waivers(
            &mut report,
            &[waiver(Some("requests"), "2027-01-01")],
            date("2026-11-28"),
        );
        let unused = report.gates[0].findings.last().unwrap();
        assert_eq!(unused.rule.id, "waiver/unused");
        assert_eq!(unused.verdict, Verdict::Warn);
    }

    #[test]
    fn an_errored_gate_does_not_call_its_waivers_unused() {
        let mut report = supply_report();
        report.gates[0]
            .errors
            .push(GateError::new("advisory database missing"));
        apply_waivers(
            &mut report,
            &[waiver(Some("requests"), "2027-01-01")],
            date("2026-11-28"),
        );
        assert_eq!(report.gates[0].findings.len(), 2);
    }

    #[test]
    fn waivers_for_other_gates_are_left_alone() {
        let mut report = supply_report();
        let mut other = waiver(None, "2020-01-01");
        other.gate = "coverage".into();
        apply_waivers(&mut report, &[other], date("2026-11-28"));
        assert_eq!(report.gates[0].findings.len(), 2);
    }

    #[test]
    fn star_stays_within_a_path_segment() {
        let target = Target::new("api/*").unwrap();
        assert!(target.matches("api/app.py"));
        assert!(!target.matches("api/v1/app.py"));
        assert!(Target::new("api/**").unwrap().matches("api/v1/app.py"));
        assert!(Target::new("api/[").is_err());
    }
}
