//! What is acceptable: allowed and denied licenses, clarifications, and the verdict for
//! licenses that cannot be determined.

use gate_core::Verdict;

use super::normalise::{Normalised, Unresolved, normalise};
use super::record::LicenseRecord;
use crate::Ecosystem;

/// A license policy entry or clarification that is not valid SPDX.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// An allow or deny entry that is not one SPDX license (optionally `+` and `WITH` an
    /// exception), such as `MIT OR Apache-2.0` or `BSD`.
    #[error(
        "invalid {list} entry `{entry}`: not a single SPDX license id (with an optional WITH exception)"
    )]
    InvalidEntry {
        /// `allow` or `deny`.
        list: &'static str,
        /// The entry as written.
        entry: String,
        /// What the SPDX parser said.
        #[source]
        source: spdx::ParseError,
    },
    /// A clarification whose expression does not normalise.
    #[error("invalid clarification for `{package}`: {reason}")]
    InvalidClarification {
        /// The package.
        package: String,
        /// Why the expression is not SPDX.
        reason: Unresolved,
    },
}

/// The license a package really has, when its metadata is wrong or missing; it wins over the
/// metadata. `version`, when set, limits it to that version, so an upgrade that may change the
/// license is looked at again.
#[derive(Debug, Clone, PartialEq)]
pub struct Clarification {
    /// The package name (compared in the ecosystem's normal form: `PyYAML` = `pyyaml`).
    pub package: String,
    /// Only this ecosystem's package of that name, if set.
    pub ecosystem: Option<Ecosystem>,
    /// Only this exact version, if set.
    pub version: Option<String>,
    /// Why the metadata is wrong, for reviewers (and the report).
    pub reason: String,
    expression: Normalised,
}

impl Clarification {
    /// A clarification of `package` as `expression` (lax SPDX), for `reason`.
    pub fn new(
        package: &str,
        expression: &str,
        reason: &str,
    ) -> Result<Clarification, PolicyError> {
        let expression =
            normalise(expression).map_err(|reason| PolicyError::InvalidClarification {
                package: package.to_owned(),
                reason,
            })?;
        Ok(Clarification {
            package: package.to_owned(),
            ecosystem: None,
            version: None,
            reason: reason.to_owned(),
            expression,
        })
    }

    /// The same, limited to one ecosystem.
    #[must_use]
    pub fn in_ecosystem(mut self, ecosystem: Ecosystem) -> Clarification {
        self.ecosystem = Some(ecosystem);
        self
    }

    /// The same, limited to one version.
    #[must_use]
    pub fn for_version(mut self, version: &str) -> Clarification {
        self.version = Some(version.to_owned());
        self
    }

    /// The clarified expression.
    pub fn expression(&self) -> &Normalised {
        &self.expression
    }

    /// Whether it applies to a record.
    pub fn applies_to(&self, record: &LicenseRecord) -> bool {
        self.ecosystem.is_none_or(|e| e == record.ecosystem)
            && self.version.as_deref().is_none_or(|v| v == record.version)
            && record.ecosystem.normalise_name(&self.package)
                == record.ecosystem.normalise_name(&record.package)
    }
}

/// An allowlist (and optional denylist) of licenses, clarifications, and what an unknown
/// license earns.
///
/// Entries are SPDX licensees: one license id, optionally with `+` (`GPL-2.0+`, `-or-later`)
/// and `WITH` an exception. An expression's `WITH` term is allowed only by an entry with that
/// exception: allowing `Apache-2.0` does not allow `Apache-2.0 WITH LLVM-exception`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LicensePolicy {
    allow: Vec<spdx::Licensee>,
    deny: Vec<spdx::Licensee>,
    /// Clarifications, first match wins.
    pub clarify: Vec<Clarification>,
    /// The verdict for a package whose license cannot be determined (default: fail).
    pub unknown: Verdict,
}

impl LicensePolicy {
    /// A policy allowing exactly these licenses.
    pub fn new<S: AsRef<str>>(allow: &[S]) -> Result<LicensePolicy, PolicyError> {
        Ok(LicensePolicy {
            allow: licensees("allow", allow)?,
            deny: Vec::new(),
            clarify: Vec::new(),
            unknown: Verdict::Fail,
        })
    }

    /// The same policy with a denylist.
    ///
    /// Like cargo-deny, a denied license is never accepted for a term of an expression, even
    /// when also allowed; but the deny acts per term, so `MIT OR GPL-3.0-only` with MIT allowed
    /// and GPL-3.0-only denied still passes (the package can be used under MIT). A deny entry
    /// without an exception denies the license with any exception too.
    pub fn with_deny<S: AsRef<str>>(mut self, deny: &[S]) -> Result<LicensePolicy, PolicyError> {
        self.deny = licensees("deny", deny)?;
        Ok(self)
    }

    /// The same policy with clarifications.
    #[must_use]
    pub fn with_clarifications(mut self, clarify: Vec<Clarification>) -> LicensePolicy {
        self.clarify = clarify;
        self
    }

    /// The allowed licenses, as written canonically.
    pub fn allowed(&self) -> Vec<String> {
        self.allow.iter().map(ToString::to_string).collect()
    }

    /// The denied licenses, as written canonically.
    pub fn denied(&self) -> Vec<String> {
        self.deny.iter().map(ToString::to_string).collect()
    }

    pub(crate) fn is_denied(&self, req: &spdx::LicenseReq) -> bool {
        self.deny.iter().any(|licensee| {
            let bare = spdx::LicenseReq {
                license: req.license.clone(),
                addition: None,
            };
            licensee.satisfies(req) || licensee.satisfies(&bare)
        })
    }

    pub(crate) fn is_allowed(&self, req: &spdx::LicenseReq) -> bool {
        self.allow
            .iter()
            .any(|licensee| licensee.satisfies(req) || gnu_or_later(licensee.as_ref(), req))
    }
}

/// `spdx` honours `+` on most licenses but reads the GNU `-or-later` ids as plain ids, so
/// `LGPL-2.1-or-later` would not accept an allowed `LGPL-3.0-only`. The GNU licenses say "or
/// any later version": the same family at the same or a later version satisfies it, with the
/// same exception.
fn gnu_or_later(allowed: &spdx::LicenseReq, req: &spdx::LicenseReq) -> bool {
    let (Some(wanted), Some(have)) = (req.license.id(), allowed.license.id()) else {
        return false;
    };
    if req.addition != allowed.addition || !wanted.is_gnu() || !have.is_gnu() {
        return false;
    }
    let Some(base) = wanted.name.strip_suffix("-or-later") else {
        return false;
    };
    let split = |name: &'static str| -> Option<(&'static str, Vec<u32>)> {
        let name = name
            .trim_end_matches("-or-later")
            .trim_end_matches("-only")
            .trim_end_matches('+');
        let (family, version) = name.rsplit_once('-')?;
        let version = version
            .split('.')
            .map(str::parse)
            .collect::<Result<Vec<u32>, _>>()
            .ok()?;
        Some((family, version))
    };
    match (split(base), split(have.name)) {
        (Some((family, minimum)), Some((have_family, version))) => {
            family == have_family && version >= minimum
        }
        _ => false,
    }
}

/// Policy entries are written by the project, so they must be real SPDX ids: no lax guessing
/// (`BSD` would silently become BSD-2-Clause), only `+` on GNU ids and deprecated ids allowed.
const ENTRY: spdx::ParseMode = spdx::ParseMode {
    allow_slash_as_or_operator: false,
    allow_imprecise_license_names: false,
    allow_postfix_plus_on_gpl: true,
    allow_deprecated: true,
    allow_unknown: false,
};

fn licensees<S: AsRef<str>>(
    list: &'static str,
    entries: &[S],
) -> Result<Vec<spdx::Licensee>, PolicyError> {
    entries
        .iter()
        .map(|entry| {
            let entry = entry.as_ref().trim();
            spdx::Licensee::parse_mode(entry, ENTRY).map_err(|source| PolicyError::InvalidEntry {
                list,
                entry: entry.to_owned(),
                source,
            })
        })
        .collect()
}

/// Reads an allowlist file: one licensee per line; `#` starts a comment; blank lines are
/// skipped. Returns the entries for [`LicensePolicy::new`].
pub fn parse_allowlist(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| line.split('#').next().unwrap_or_default().trim())
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}
