//! One result of one check: [`Finding`].

use std::collections::BTreeMap;

use serde::Serialize;

use crate::{BaselineState, Location, Rule, Severity, Verdict, waiver::Waived};

/// One result of one check, with everything a renderer needs to show it.
///
/// Build it with [`Finding::new`] and the `with_*` methods:
///
/// ```
/// use gate_core::{Finding, Location, Rule, Verdict};
///
/// static TOTAL: Rule = Rule { id: "coverage/total", summary: "Total coverage", help: "Add tests." };
/// let finding = Finding::new(&TOTAL, Verdict::Fail, "total 61.00% < 80%")
///     .with_target("api")
///     .with_location(Location::file("api/coverage.xml"))
///     .with_detail("total", 61.0);
/// assert_eq!(finding.effective_verdict(), Verdict::Fail);
/// ```
///
/// Fields stay public to read and adjust; the struct is `#[non_exhaustive]` so that new facts
/// can be added without breaking embedders, which is why construction goes through
/// [`Finding::new`].
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Finding {
    /// The rule that produced it.
    pub rule: &'static Rule,
    /// Pass, warn or fail, before waivers.
    pub verdict: Verdict,
    /// Impact, where the rule has a notion of it (vulnerabilities).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// A numeric score (CVSS base score, `0.0..=10.0`) behind `severity`, where one exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// What a person reads: one line, figures included.
    pub message: String,
    /// What the finding is about — a package, a path, an advisory id, a commit. Waivers match it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Other names of what the finding is about, which a waiver's target may name as well as
    /// `target`: an advisory's aliases (`CVE-…`, `GHSA-…`), the package it was found in. Not
    /// rendered (the gate puts them in `details` where readers need them).
    #[serde(skip)]
    pub also_known_as: Vec<String>,
    /// Where it is in the repository.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// Structured facts for machines (figures, versions, ids).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub details: BTreeMap<String, serde_json::Value>,
    /// The waiver that suppresses it, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waived_by: Option<Waived>,
    /// What makes two runs' findings of this rule the same problem, when the default
    /// (`target` or path, then the message) is not stable: a vulnerability's package and
    /// advisory id, a coverage finding's file (its message carries figures). See
    /// [`Finding::identity`]. Rendered through `identity`, not on its own.
    #[serde(skip)]
    pub identity_key: Option<String>,
    /// New or existing against a base run or a committed baseline; `None` when the run was
    /// not compared (see [`crate::baseline`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineState>,
    /// An existing finding keeps its failure (the gate's `inherited = "fail"`); otherwise an
    /// existing failure counts as a warning.
    #[serde(skip)]
    pub inherited_fails: bool,
}

impl Finding {
    /// A finding with only a rule, a verdict and a message.
    pub fn new(rule: &'static Rule, verdict: Verdict, message: impl Into<String>) -> Finding {
        Finding {
            rule,
            verdict,
            severity: None,
            score: None,
            message: message.into(),
            target: None,
            also_known_as: Vec::new(),
            location: None,
            details: BTreeMap::new(),
            waived_by: None,
            identity_key: None,
            baseline: None,
            inherited_fails: false,
        }
    }

    /// Sets the severity.
    #[must_use]
    pub fn with_severity(mut self, severity: Severity) -> Finding {
        self.severity = Some(severity);
        self
    }

    /// Sets a CVSS base score and the severity band it falls in.
    #[must_use]
    pub fn with_score(mut self, score: f64) -> Finding {
        self.score = Some(score);
        self.severity = Some(Severity::from_cvss_score(score));
        self
    }

    /// Sets what the finding is about (what waivers match).
    #[must_use]
    pub fn with_target(mut self, target: impl Into<String>) -> Finding {
        self.target = Some(target.into());
        self
    }

    /// Adds other names a waiver's target may match (see [`Finding::also_known_as`]).
    #[must_use]
    pub fn with_also_known_as<S: Into<String>>(
        mut self,
        names: impl IntoIterator<Item = S>,
    ) -> Finding {
        self.also_known_as.extend(names.into_iter().map(Into::into));
        self
    }

    /// Sets where the finding is.
    #[must_use]
    pub fn with_location(mut self, location: Location) -> Finding {
        self.location = Some(location);
        self
    }

    /// Adds one structured detail.
    #[must_use]
    pub fn with_detail(
        mut self,
        key: impl Into<String>,
        value: impl Into<serde_json::Value>,
    ) -> Finding {
        self.details.insert(key.into(), value.into());
        self
    }

    /// Sets what makes this finding the same problem across runs (see [`Finding::identity`]).
    #[must_use]
    pub fn with_identity(mut self, key: impl Into<String>) -> Finding {
        self.identity_key = Some(key.into());
        self
    }

    /// The finding's identity within its gate and rule: the thing it is about, never a line
    /// number, so that it survives unrelated edits and a base run can be compared with a head
    /// run. It is the gate's [`Finding::identity_key`] when set (a vulnerability's
    /// `package id`, a coverage finding's file or `total`), else the target (or the location's
    /// path) and the message (`deploy/api.yaml: image uses :latest`).
    pub fn identity(&self) -> String {
        if let Some(key) = &self.identity_key {
            return key.clone();
        }
        match self.waiver_subject() {
            Some(subject) => format!("{subject}: {}", self.message),
            None => self.message.clone(),
        }
    }

    /// The verdict that counts: a waived finding counts as a pass, and an existing one (see
    /// [`crate::baseline`]) as at most a warning unless its gate keeps inherited failures.
    pub fn effective_verdict(&self) -> Verdict {
        if self.waived_by.is_some() {
            Verdict::Pass
        } else if self.baseline == Some(BaselineState::Existing) && !self.inherited_fails {
            self.verdict.min(Verdict::Warn)
        } else {
            self.verdict
        }
    }

    /// What waivers match first: the target, else the location's path. A waiver's target also
    /// matches any of [`Finding::also_known_as`].
    pub fn waiver_subject(&self) -> Option<&str> {
        self.target.as_deref().or_else(|| {
            self.location
                .as_ref()
                .map(|location| location.path.as_str())
        })
    }
}
