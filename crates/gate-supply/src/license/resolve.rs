//! Record → one SPDX expression: the clarify table, then the first statement (in precedence
//! order) that normalises.

use super::names::{self, Meaning};
use super::normalise::{Normalised, Unresolved, combine, normalise};
use super::policy::Clarification;
use super::record::{Declared, Detected, LicenseRecord, LicenseSource};

/// The license a package is taken to have.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    /// An SPDX expression, and the statement it came from.
    Spdx {
        /// The normalised expression (boxed: the parsed form is large).
        expression: Box<Normalised>,
        /// The statement that decided ([`LicenseSource::Clarified`] for a clarification).
        source: LicenseSource,
        /// The clarification's reason, when the clarify table decided.
        clarified: Option<String>,
    },
    /// No statement normalised: each one tried, with why not (empty: nothing was declared).
    Unresolved {
        /// Every statement tried and why it failed, in precedence order.
        reasons: Vec<(LicenseSource, Unresolved)>,
    },
}

impl Resolution {
    /// The expression, if resolved.
    pub fn expression(&self) -> Option<&Normalised> {
        match self {
            Resolution::Spdx { expression, .. } => Some(expression.as_ref()),
            Resolution::Unresolved { .. } => None,
        }
    }

    /// Why not resolved, as one line (`source: reason; …`).
    pub fn explain(&self) -> String {
        match self {
            Resolution::Spdx { .. } => String::new(),
            Resolution::Unresolved { reasons } if reasons.is_empty() => {
                Unresolved::Missing.to_string()
            }
            Resolution::Unresolved { reasons } => reasons
                .iter()
                .map(|(source, why)| format!("{source}: {why}"))
                .collect::<Vec<_>>()
                .join("; "),
        }
    }
}

/// Resolves a record: a matching clarification wins; otherwise the first statement that
/// normalises, except that a PEP 639 `License-Expression` decides even when invalid (it is the
/// author's explicit SPDX statement; falling back to vaguer fields could pass what they did not
/// declare).
pub fn resolve(record: &LicenseRecord, clarify: &[Clarification]) -> Resolution {
    if let Some(clarification) = clarify.iter().find(|c| c.applies_to(record)) {
        return Resolution::Spdx {
            expression: Box::new(clarification.expression().clone()),
            source: LicenseSource::Clarified,
            clarified: Some(clarification.reason.clone()),
        };
    }
    let mut reasons = Vec::new();
    let (files, statements): (Vec<&Declared>, Vec<&Declared>) = record
        .declared
        .iter()
        .partition(|d| matches!(d.source, LicenseSource::LicenseFile(_)));
    for declared in statements {
        match interpret(declared) {
            Ok(expression) => {
                return Resolution::Spdx {
                    expression: Box::new(expression),
                    source: declared.source.clone(),
                    clarified: None,
                };
            }
            Err(why) => {
                reasons.push((declared.source.clone(), why));
                if declared.source == LicenseSource::LicenseExpression {
                    break;
                }
            }
        }
    }
    if reasons
        .first()
        .is_some_and(|(source, _)| *source == LicenseSource::LicenseExpression)
    {
        return Resolution::Unresolved { reasons };
    }
    // Several recognised files (`LICENSE.APACHE`, `LICENSE.BSD`) may each cover part of the
    // package or be alternatives; which, only the authors say, so all must be acceptable (AND).
    let before_files = reasons.len();
    let mut recognised = Vec::new();
    let mut first_file = None;
    for declared in files {
        first_file.get_or_insert(declared.source.clone());
        match interpret(declared) {
            Ok(expression) => recognised.push(expression),
            Err(why) => reasons.push((declared.source.clone(), why)),
        }
    }
    // A file the classifier could not read could be any license: like cargo-deny, every file
    // must be recognised before the files decide.
    let all_recognised = reasons.len() == before_files;
    if let (true, false, Some(source)) = (all_recognised, recognised.is_empty(), first_file) {
        recognised.dedup();
        if let Ok(expression) = combine(&recognised, "AND") {
            return Resolution::Spdx {
                expression: Box::new(expression),
                source,
                clarified: None,
            };
        }
    }
    Resolution::Unresolved { reasons }
}

/// One statement as an SPDX expression.
pub fn interpret(declared: &Declared) -> Result<Normalised, Unresolved> {
    if let LicenseSource::Unreadable(_) = declared.source {
        return Err(Unresolved::Unreadable {
            reason: declared.value.clone(),
        });
    }
    if declared.is_text() {
        return match &declared.detected {
            None => Err(Unresolved::TextNotClassified),
            Some(Detected {
                error: Some(error), ..
            }) => Err(Unresolved::Unreadable {
                reason: error.clone(),
            }),
            Some(detected) => match &detected.license {
                Some(id) => normalise(id),
                None => Err(Unresolved::TextNotRecognised {
                    best: detected.best.clone(),
                    confidence: detected.confidence,
                }),
            },
        };
    }
    match declared.source {
        LicenseSource::Classifier => {
            let parts = declared
                .value
                .split("; ")
                .map(classifier_license)
                .collect::<Result<Vec<_>, _>>()?;
            if parts.is_empty() {
                return Err(Unresolved::Missing);
            }
            combine(&parts, "AND")
        }
        LicenseSource::NpmLicenses => {
            let parts = declared
                .value
                .split("; ")
                .map(normalise)
                .collect::<Result<Vec<_>, _>>()?;
            if parts.is_empty() {
                return Err(Unresolved::Missing);
            }
            combine(&parts, "OR")
        }
        _ => normalise(&declared.value),
    }
}

/// One classifier's last segment (`MIT License`) as an SPDX expression.
pub fn classifier_license(name: &str) -> Result<Normalised, Unresolved> {
    match names::classifier(name) {
        Some(Meaning::Spdx(id)) => normalise(id),
        Some(Meaning::Ambiguous) => Err(Unresolved::Ambiguous {
            term: name.to_owned(),
        }),
        Some(Meaning::NotSpdx) => Err(Unresolved::NotSpdx {
            value: name.to_owned(),
        }),
        None => normalise(name),
    }
}
