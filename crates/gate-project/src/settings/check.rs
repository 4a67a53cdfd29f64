//! `[check]`: how `gate check` judges a change against what the repository already had — a
//! base revision (`base`), a committed baseline (`baseline`), and which gates keep inherited
//! failures (`inherited`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_spanned::Spanned;

use super::Problem;
use crate::Gate;

/// The keys of `[check]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawCheck {
    base: Option<Spanned<String>>,
    baseline: Option<Spanned<String>>,
    inherited: Option<Spanned<toml::Value>>,
}

/// The `[check]` settings, typed and checked. The default judges every finding (no base).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Check {
    /// The revision whose findings count as existing (`origin/main`): `gate check` runs the
    /// configured gates on it too.
    pub base: Option<String>,
    /// The committed baseline file, resolved against the configuration's directory.
    pub baseline: Option<PathBuf>,
    /// The baseline file as written in gate.toml, for messages and reports.
    pub baseline_shown: Option<String>,
    /// Gates whose existing failures still fail (`inherited = "fail"`); the others report them
    /// as warnings.
    pub inherited_fail: BTreeSet<Gate>,
}

impl Check {
    /// Whether existing failures of the gate named `gate` still fail.
    pub fn inherited_fails(&self, gate: &str) -> bool {
        Gate::from_name(gate).is_some_and(|gate| self.inherited_fail.contains(&gate))
    }
}

/// Checks a revision given as a base: git would read a leading `-` as an option.
///
/// # Errors
///
/// When it is empty or starts with `-`.
pub fn check_revision(revision: &str) -> Result<(), String> {
    if revision.trim().is_empty() {
        return Err("the base revision is empty".to_owned());
    }
    if revision.starts_with('-') {
        return Err(format!(
            "the base revision `{revision}` starts with `-`: name a branch, tag or commit"
        ));
    }
    Ok(())
}

pub(crate) fn check(raw: RawCheck, root: &Path) -> Result<Check, Problem> {
    let mut check = Check::default();
    if let Some(base) = raw.base {
        check_revision(base.get_ref()).map_err(|message| (Some(base.span()), message))?;
        check.base = Some(base.into_inner());
    }
    if let Some(baseline) = raw.baseline {
        if baseline.get_ref().trim().is_empty() {
            return Err((Some(baseline.span()), "`baseline` is empty".to_owned()));
        }
        check.baseline = Some(root.join(baseline.get_ref()));
        check.baseline_shown = Some(baseline.into_inner());
    }
    if let Some(inherited) = raw.inherited {
        let span = inherited.span();
        check.inherited_fail = inherited_fail(inherited.get_ref()).map_err(|m| (Some(span), m))?;
    }
    Ok(check)
}

/// `inherited = "fail"` (every gate) or `inherited = { supply = "fail", policy = "warn" }`.
fn inherited_fail(value: &toml::Value) -> Result<BTreeSet<Gate>, String> {
    let strict = |word: &toml::Value, what: &str| match word.as_str() {
        Some("fail") => Ok(true),
        Some("warn") => Ok(false),
        _ => Err(format!(
            "`inherited{what}` must be \"fail\" or \"warn\", not `{word}`"
        )),
    };
    match value {
        toml::Value::Table(table) => {
            let mut gates = BTreeSet::new();
            for (name, word) in table {
                let gate = Gate::from_name(name).ok_or_else(|| {
                    format!(
                        "`inherited.{name}`: `{name}` is not a gate ({})",
                        Gate::names()
                    )
                })?;
                if strict(word, &format!(".{name}"))? {
                    gates.insert(gate);
                }
            }
            Ok(gates)
        }
        word => Ok(if strict(word, "")? {
            Gate::ALL.into_iter().collect()
        } else {
            BTreeSet::new()
        }),
    }
}
