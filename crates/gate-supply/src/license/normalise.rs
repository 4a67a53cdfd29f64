//! Declared license values → SPDX expressions: lax parsing, the name tables, and what stays
//! unresolved (and why).

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use super::names::{self, AMBIGUOUS_TERMS, Meaning};

/// A license statement read as an SPDX expression.
#[derive(Debug, Clone)]
pub struct Normalised {
    canonical: String,
    expression: spdx::Expression,
}

impl Normalised {
    /// The canonical SPDX text (`MIT/Apache-2.0` → `MIT OR Apache-2.0`).
    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    pub(crate) fn expression(&self) -> &spdx::Expression {
        &self.expression
    }
}

impl PartialEq for Normalised {
    fn eq(&self, other: &Normalised) -> bool {
        self.canonical == other.canonical
    }
}

impl fmt::Display for Normalised {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical)
    }
}

/// Why a license statement is not an SPDX expression.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Unresolved {
    /// No statement at all, or an empty / `UNKNOWN` one.
    Missing,
    /// A family name (`BSD License`, `GPL`): which member is meant is not said.
    Ambiguous {
        /// The ambiguous term.
        term: String,
    },
    /// A name SPDX has no id for (`Public Domain`, `Proprietary`, `UNLICENSED`).
    NotSpdx {
        /// The value.
        value: String,
    },
    /// Text that is no valid SPDX expression, even read laxly.
    Unparsable {
        /// The value.
        value: String,
        /// What the SPDX parser objected to.
        reason: String,
    },
    /// A license text that was not classified (no classifier was given).
    TextNotClassified,
    /// A license file or metadata file that could not be read.
    Unreadable {
        /// Why, naming the file.
        reason: String,
    },
    /// A license text the classifier did not recognise with enough confidence.
    TextNotRecognised {
        /// The closest license.
        best: String,
        /// Its confidence, `0.0..=1.0`.
        confidence: f32,
    },
}

impl fmt::Display for Unresolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unresolved::Missing => f.write_str("no license declared"),
            Unresolved::Ambiguous { term } => {
                write!(f, "`{term}` names a family of licenses, not one")
            }
            Unresolved::NotSpdx { value } => write!(f, "`{value}` has no SPDX identifier"),
            Unresolved::Unparsable { value, reason } => {
                write!(f, "`{value}` is not an SPDX expression: {reason}")
            }
            Unresolved::TextNotClassified => f.write_str("a license text, not classified"),
            Unresolved::Unreadable { reason } => f.write_str(reason),
            Unresolved::TextNotRecognised { best, .. } if best.is_empty() => {
                f.write_str("a license text not recognised (empty or too long)")
            }
            Unresolved::TextNotRecognised { confidence, .. }
                if *confidence < super::text::HINT_THRESHOLD =>
            {
                f.write_str("a license text not recognised (no known license is close)")
            }
            Unresolved::TextNotRecognised { best, confidence } => write!(
                f,
                "a license text not recognised (closest: {best} at {:.0}%)",
                confidence * 100.0
            ),
        }
    }
}

impl std::error::Error for Unresolved {}

/// Parse mode for canonical text: canonicalisation has already mapped the lax spellings, but
/// deprecated ids (`GPL-2.0`) stay readable.
const CANONICAL: spdx::ParseMode = spdx::ParseMode {
    allow_slash_as_or_operator: false,
    allow_imprecise_license_names: false,
    allow_postfix_plus_on_gpl: true,
    allow_deprecated: true,
    allow_unknown: false,
};

/// Reads a declared value as an SPDX expression, laxly: `MIT/Apache-2.0`, `Apache 2.0`,
/// `GPLv3+`, `MIT License`, `Apache Software License` all normalise; family names (`BSD`,
/// `GPL`, `BSD License`) do not.
pub fn normalise(value: &str) -> Result<Normalised, Unresolved> {
    let value = value.trim();
    if value.is_empty()
        || ["unknown", "none", "n/a", "-"]
            .iter()
            .any(|v| value.eq_ignore_ascii_case(v))
    {
        return Err(Unresolved::Missing);
    }
    match names::free_form(value) {
        Some(Meaning::Spdx(id)) => return parse_canonical(id, value),
        Some(Meaning::Ambiguous) => {
            return Err(Unresolved::Ambiguous {
                term: value.to_owned(),
            });
        }
        Some(Meaning::NotSpdx) => {
            return Err(Unresolved::NotSpdx {
                value: value.to_owned(),
            });
        }
        None => {}
    }
    if let Some(license) = spdx::identifiers::LICENSES
        .iter()
        .filter(|l| spdx::license_id(l.name).is_some_and(|id| !id.is_deprecated()))
        .find(|l| l.full_name.eq_ignore_ascii_case(value))
    {
        return parse_canonical(license.name, value);
    }
    let fixed = fix_case(value);
    let value = fixed.as_str();
    let unparsable = |error: spdx::ParseError| Unresolved::Unparsable {
        value: value.to_owned(),
        reason: error.reason.to_string(),
    };
    let lax = spdx::Expression::parse_mode(value, spdx::ParseMode::LAX).map_err(unparsable)?;
    for requirement in lax.requirements() {
        let start = requirement.span.start as usize;
        let end = requirement.span.end as usize;
        let term = value.get(start..end).unwrap_or_default();
        let bare = term.trim_end_matches('+').to_lowercase();
        if AMBIGUOUS_TERMS.contains(&bare.as_str()) {
            return Err(Unresolved::Ambiguous {
                term: term.to_owned(),
            });
        }
    }
    let canonical = spdx::Expression::canonicalize(value)
        .map_err(unparsable)?
        .unwrap_or_else(|| value.to_owned());
    parse_canonical(&canonical, value)
}

/// SPDX ids match case-insensitively (SPDX spec, annex D), but the parser compares them
/// exactly: respell each word that is an id in another case. Lengths do not change, so parser
/// spans still index the original.
fn fix_case(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut word = String::new();
    let ids = ids_by_lower_case();
    let flush = |word: &mut String, out: &mut String| {
        let known = ids.get(&word.to_ascii_lowercase()).copied();
        out.push_str(known.unwrap_or(word));
        word.clear();
    };
    for c in value.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '-') {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Every SPDX license and exception id by its lower-case spelling. `fix_case` looks up each word
/// of a value: scanning the ~700 ids per word made a long value (a `License:` header holding a
/// whole license text) take seconds.
fn ids_by_lower_case() -> &'static HashMap<String, &'static str> {
    static IDS: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    IDS.get_or_init(|| {
        let mut ids = HashMap::new();
        let names = spdx::identifiers::LICENSES
            .iter()
            .map(|l| l.name)
            .chain(spdx::identifiers::EXCEPTIONS.iter().map(|e| e.name));
        for name in names {
            // The first spelling wins, as the scan this replaces found it.
            ids.entry(name.to_ascii_lowercase()).or_insert(name);
        }
        ids
    })
}

fn parse_canonical(canonical: &str, original: &str) -> Result<Normalised, Unresolved> {
    let expression = spdx::Expression::parse_mode(canonical, CANONICAL).map_err(|error| {
        Unresolved::Unparsable {
            value: original.to_owned(),
            reason: error.reason.to_string(),
        }
    })?;
    Ok(Normalised {
        canonical: canonical.to_owned(),
        expression,
    })
}

/// Joins normalised expressions with `AND` (several classifiers: each may cover part of the
/// package, so all must be acceptable) or `OR` (npm's legacy `licenses` array: alternatives).
pub(crate) fn combine(parts: &[Normalised], operator: &str) -> Result<Normalised, Unresolved> {
    if parts.len() == 1 {
        return Ok(parts[0].clone());
    }
    let text = parts
        .iter()
        .map(|p| {
            if p.expression
                .iter()
                .any(|n| matches!(n, spdx::expression::ExprNode::Op(_)))
            {
                format!("({})", p.canonical)
            } else {
                p.canonical.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(&format!(" {operator} "));
    parse_canonical(&text, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(value: &str) -> String {
        normalise(value)
            .unwrap_or_else(|e| panic!("{value}: {e}"))
            .as_str()
            .to_owned()
    }

    #[test]
    fn a_long_value_normalises_in_bounded_time() {
        // A `License:` header may hold a whole license text. Comparing each word (and each
        // separator's empty word) with every SPDX id took ~3 s here in a debug build; now ~0.1 s.
        let value = "a,".repeat(128 * 1024);
        let start = std::time::Instant::now();
        let _ = normalise(&value);
        let elapsed = start.elapsed();
        assert!(
            elapsed < std::time::Duration::from_secs(1),
            "took {elapsed:?}"
        );
    }

    #[test]
    fn lax_spellings_normalise() {
        for (value, expected) in [
            ("MIT", "MIT"),
            ("MIT/Apache-2.0", "MIT OR Apache-2.0"),
            ("Apache 2.0", "Apache-2.0"),
            ("GPLv3+", "GPL-3.0-or-later"),
            ("GPL-2.0", "GPL-2.0-only"),
            ("Apache Software License", "Apache-2.0"),
            ("MIT License", "MIT"),
            ("apache-2.0 OR bsd-2-clause", "Apache-2.0 OR BSD-2-Clause"),
            (
                "Apache-2.0 WITH LLVM-exception",
                "Apache-2.0 WITH LLVM-exception",
            ),
            ("LicenseRef-Proprietary", "LicenseRef-Proprietary"),
            ("Mozilla Public License 2.0 (MPL 2.0)", "MPL-2.0"),
            ("  BSD-3-Clause  ", "BSD-3-Clause"),
            (
                "GNU General Public License v3.0 or later",
                "GPL-3.0-or-later",
            ),
            (
                "mit OR apache-2.0 WITH llvm-exception",
                "MIT OR Apache-2.0 WITH LLVM-exception",
            ),
        ] {
            assert_eq!(ok(value), expected, "{value}");
        }
    }

    #[test]
    fn families_are_ambiguous_not_guessed() {
        for value in ["BSD", "BSD License", "GPL", "LGPL", "MIT OR BSD", "GPL+"] {
            assert!(
                matches!(normalise(value), Err(Unresolved::Ambiguous { .. })),
                "{value}: {:?}",
                normalise(value)
            );
        }
    }

    #[test]
    fn nothing_and_nonsense_are_unresolved() {
        assert_eq!(normalise(" "), Err(Unresolved::Missing));
        assert_eq!(normalise("UNKNOWN"), Err(Unresolved::Missing));
        assert!(matches!(
            normalise("Public Domain"),
            Err(Unresolved::NotSpdx { .. })
        ));
        assert!(matches!(
            normalise("UNLICENSED"),
            Err(Unresolved::NotSpdx { .. })
        ));
        assert!(matches!(
            normalise("Totally Custom License v7"),
            Err(Unresolved::Unparsable { .. })
        ));
        assert!(matches!(
            normalise("MIT AND (Apache-2.0"),
            Err(Unresolved::Unparsable { .. })
        ));
    }

    #[test]
    fn combining_keeps_operator_precedence() {
        let parts = [ok("MIT OR Apache-2.0"), ok("BSD-3-Clause")].map(|t| normalise(&t).unwrap());
        assert_eq!(
            combine(&parts, "AND").unwrap().as_str(),
            "(MIT OR Apache-2.0) AND BSD-3-Clause"
        );
    }
}
