//! `[supply]`: the supply gate. `[supply.advisories]` audits locked dependencies against OSV
//! advisory data; `[supply.licenses]` is reserved for the license check, not built yet.

use std::ops::Range;
use std::path::{Path, PathBuf};

use gate_core::{Severity, Verdict};
use serde::Deserialize;
use serde_spanned::Spanned;

use super::coverage::Problem;

/// The days an advisory database may age before the audit warns that it is stale.
pub const DEFAULT_MAX_DB_AGE_DAYS: u64 = 7;

/// The keys of `[supply]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSupply {
    advisories: Option<Spanned<RawAdvisories>>,
    // Read as any value so that the "not built yet" error can name its line.
    licenses: Option<Spanned<toml::Value>>,
}

/// The keys of `[supply.advisories]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawAdvisories {
    #[serde(default)]
    lockfiles: Vec<String>,
    #[serde(default)]
    db: Vec<String>,
    severity_threshold: Option<Spanned<String>>,
    no_severity: Option<Spanned<String>>,
    unpinned: Option<Spanned<String>>,
    informational: Option<Spanned<String>>,
    max_db_age: Option<Spanned<i64>>,
    #[serde(default)]
    prefer_ids: Vec<String>,
}

/// What the advisory audit reads and how it judges what it finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advisories {
    /// Lockfiles, requirements files, site-packages directories, or directories holding
    /// lockfiles (resolved against the configuration's directory).
    pub lockfiles: Vec<PathBuf>,
    /// Advisory data: directories or `.zip`s of OSV records, RustSec checkouts, or cache
    /// directories written by `gate supply db update`. Empty: the download cache.
    pub db: Vec<PathBuf>,
    /// Vulnerabilities below this severity only warn.
    pub severity_threshold: Option<Severity>,
    /// The verdict for a vulnerability whose record has no severity.
    pub no_severity: Verdict,
    /// The verdict for a dependency not pinned to one version.
    pub unpinned: Verdict,
    /// The verdict for informational advisories (unsound, unmaintained).
    pub informational: Verdict,
    /// Days since the database was downloaded before the audit warns it is stale.
    pub max_db_age_days: u64,
    /// Id prefixes in order of preference for advisories known by several ids.
    pub prefer_ids: Vec<String>,
}

impl Default for Advisories {
    fn default() -> Advisories {
        let library = gate_supply::AuditConfig::default();
        Advisories {
            lockfiles: Vec::new(),
            db: Vec::new(),
            severity_threshold: library.severity_threshold,
            no_severity: library.no_severity,
            unpinned: library.unpinned,
            informational: library.informational,
            max_db_age_days: DEFAULT_MAX_DB_AGE_DAYS,
            prefer_ids: library.id_preference,
        }
    }
}

/// Turns the raw `[supply]` table into the advisory settings; paths are resolved against `root`.
pub(crate) fn advisories(raw: Spanned<RawSupply>, root: &Path) -> Result<Advisories, Problem> {
    let span = raw.span();
    let raw = raw.into_inner();
    if let Some(licenses) = &raw.licenses {
        return Err((
            Some(licenses.span()),
            "[supply.licenses] configures the license check, which this build of gate does not \
             include yet"
                .to_owned(),
        ));
    }
    let Some(advisories) = raw.advisories else {
        return Err((
            Some(span),
            "[supply] has nothing to check: add [supply.advisories] with the `lockfiles` to audit"
                .to_owned(),
        ));
    };
    let span = advisories.span();
    let raw = advisories.into_inner();
    if raw.lockfiles.is_empty() {
        return Err((
            Some(span),
            "[supply.advisories]: `lockfiles` is empty: list the lockfiles or directories to audit"
                .to_owned(),
        ));
    }
    let defaults = Advisories::default();
    let severity_threshold = raw
        .severity_threshold
        .as_ref()
        .map(|value| {
            Severity::parse(value.get_ref())
                .filter(|severity| *severity != Severity::Info)
                .ok_or_else(|| {
                    problem(
                        value.span(),
                        "severity-threshold",
                        value.get_ref(),
                        "low, medium, high or critical",
                    )
                })
        })
        .transpose()?;
    let max_db_age_days = match &raw.max_db_age {
        Some(days) => u64::try_from(*days.get_ref()).map_err(|_| {
            (
                Some(days.span()),
                "[supply.advisories]: `max-db-age` is a number of days, 0 or more".to_owned(),
            )
        })?,
        None => defaults.max_db_age_days,
    };
    Ok(Advisories {
        lockfiles: raw.lockfiles.iter().map(|path| root.join(path)).collect(),
        db: raw.db.iter().map(|path| root.join(path)).collect(),
        severity_threshold,
        no_severity: verdict(raw.no_severity.as_ref(), "no-severity", false)?
            .unwrap_or(defaults.no_severity),
        unpinned: verdict(raw.unpinned.as_ref(), "unpinned", false)?.unwrap_or(defaults.unpinned),
        informational: verdict(raw.informational.as_ref(), "informational", true)?
            .unwrap_or(defaults.informational),
        max_db_age_days,
        prefer_ids: if raw.prefer_ids.is_empty() {
            defaults.prefer_ids
        } else {
            raw.prefer_ids
        },
    })
}

/// `fail` or `warn` (and `pass` where a kind of finding may be silenced).
fn verdict(
    value: Option<&Spanned<String>>,
    key: &str,
    pass_allowed: bool,
) -> Result<Option<Verdict>, Problem> {
    let Some(value) = value else {
        return Ok(None);
    };
    match value.get_ref().to_ascii_lowercase().as_str() {
        "fail" => Ok(Some(Verdict::Fail)),
        "warn" => Ok(Some(Verdict::Warn)),
        "pass" if pass_allowed => Ok(Some(Verdict::Pass)),
        _ => Err(problem(
            value.span(),
            key,
            value.get_ref(),
            if pass_allowed {
                "fail, warn or pass"
            } else {
                "fail or warn"
            },
        )),
    }
}

fn problem(span: Range<usize>, key: &str, value: &str, expected: &str) -> Problem {
    (
        Some(span),
        format!("[supply.advisories]: `{key}` is `{value}`; expected {expected}"),
    )
}
