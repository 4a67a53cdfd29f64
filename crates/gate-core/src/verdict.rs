//! How bad a result is: [`Verdict`] for pass/fail, [`Severity`] for impact, [`Outcome`] for a whole run.

use serde::{Deserialize, Serialize};

/// The pass/fail judgement of a finding, a gate or a whole report.
///
/// Ordered so that the worst wins: `Pass < Warn < Fail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The standard is met.
    Pass,
    /// Worth a look, but does not block a merge.
    Warn,
    /// The standard is not met: blocks the merge.
    Fail,
}

impl Verdict {
    /// The lowercase word used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
        }
    }
}

/// The impact of a finding, in the bands CVSS uses where a score applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// No direct impact (CVSS 0.0).
    Info,
    /// CVSS 0.1–3.9.
    Low,
    /// CVSS 4.0–6.9.
    Medium,
    /// CVSS 7.0–8.9.
    High,
    /// CVSS 9.0–10.0.
    Critical,
}

impl Severity {
    /// The CVSS v3/v4 qualitative band of a base score (`0.0..=10.0`).
    ///
    /// Scores outside the range are clamped, so a malformed score never panics.
    pub fn from_cvss_score(score: f64) -> Severity {
        if score >= 9.0 {
            Severity::Critical
        } else if score >= 7.0 {
            Severity::High
        } else if score >= 4.0 {
            Severity::Medium
        } else if score > 0.0 {
            Severity::Low
        } else {
            Severity::Info
        }
    }

    /// The lowercase word used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Parses the lowercase word (`info`, `low`, `medium`, `high`, `critical`), ignoring case.
    pub fn parse(word: &str) -> Option<Severity> {
        [
            Severity::Info,
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ]
        .into_iter()
        .find(|severity| severity.as_str().eq_ignore_ascii_case(word))
    }
}

/// The result of a run: a [`Verdict`], or `Error` when a gate could not run at all.
///
/// A gate that could not run is never a pass, so `Error` outranks `Fail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Every check passed.
    Pass,
    /// Passed with warnings.
    Warn,
    /// At least one check failed.
    Fail,
    /// At least one gate could not run (missing input, parse error, bad configuration).
    Error,
}

impl Outcome {
    /// The process exit code for this outcome: 0 pass or warn, 1 fail, 2 error.
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Pass | Outcome::Warn => 0,
            Outcome::Fail => 1,
            Outcome::Error => 2,
        }
    }

    /// The lowercase word used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Warn => "warn",
            Outcome::Fail => "fail",
            Outcome::Error => "error",
        }
    }
}

impl From<Verdict> for Outcome {
    fn from(verdict: Verdict) -> Outcome {
        match verdict {
            Verdict::Pass => Outcome::Pass,
            Verdict::Warn => Outcome::Warn,
            Verdict::Fail => Outcome::Fail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worst_verdict_wins() {
        let worst = [Verdict::Warn, Verdict::Fail, Verdict::Pass]
            .into_iter()
            .max();
        assert_eq!(worst, Some(Verdict::Fail));
    }

    #[test]
    fn cvss_bands_match_the_specification() {
        assert_eq!(Severity::from_cvss_score(0.0), Severity::Info);
        assert_eq!(Severity::from_cvss_score(0.1), Severity::Low);
        assert_eq!(Severity::from_cvss_score(3.9), Severity::Low);
        assert_eq!(Severity::from_cvss_score(4.0), Severity::Medium);
        assert_eq!(Severity::from_cvss_score(6.9), Severity::Medium);
        assert_eq!(Severity::from_cvss_score(7.0), Severity::High);
        assert_eq!(Severity::from_cvss_score(8.9), Severity::High);
        assert_eq!(Severity::from_cvss_score(9.0), Severity::Critical);
        assert_eq!(Severity::from_cvss_score(10.0), Severity::Critical);
    }

    #[test]
    fn severity_words_round_trip() {
        assert_eq!(Severity::parse("HIGH"), Some(Severity::High));
        assert_eq!(Severity::parse("severe"), None);
    }

    #[test]
    fn error_outranks_fail_and_maps_to_exit_code_two() {
        assert!(Outcome::Error > Outcome::Fail);
        assert_eq!(Outcome::Error.exit_code(), 2);
        assert_eq!(Outcome::Fail.exit_code(), 1);
        assert_eq!(Outcome::Warn.exit_code(), 0);
    }
}
