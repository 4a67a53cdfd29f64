//! `[supply]`: the supply gate. `[supply.advisories]` audits locked dependencies against OSV
//! advisory data; `[supply.licenses]` checks every dependency's license against an allowlist.

use std::ops::Range;
use std::path::{Path, PathBuf};

use gate_core::{Severity, Verdict};
use gate_supply::AuditConfig;
use serde::Deserialize;
use serde_spanned::Spanned;

use super::Problem;

pub use gate_supply::DEFAULT_MAX_DB_AGE_DAYS;

/// The keys of `[supply]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSupply {
    advisories: Option<Spanned<RawAdvisories>>,
    licenses: Option<Spanned<RawLicenses>>,
}

/// The keys of `[supply.licenses]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawLicenses {
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    allow: Vec<Spanned<String>>,
    #[serde(default)]
    deny: Vec<Spanned<String>>,
    unknown: Option<Spanned<String>>,
    #[serde(default)]
    clarify: Vec<Spanned<RawClarification>>,
    #[serde(default)]
    exceptions: Vec<Spanned<RawException>>,
    features: Option<Spanned<String>>,
}

/// A `clarify` entry: what a package's license really is when its metadata is wrong or vague.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawClarification {
    package: String,
    license: String,
    reason: String,
    version: Option<String>,
}

/// An `exceptions` entry: a package allowed whatever its license, for a reason, until a date.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawException {
    package: String,
    reason: String,
    expires: toml::Value,
    owner: Option<String>,
}

/// Everything `[supply]` configures.
#[derive(Debug, Clone, Default)]
pub struct Supply {
    /// `[supply.advisories]`, when present.
    pub advisories: Option<Advisories>,
    /// `[supply.licenses]`, when present.
    pub licenses: Option<Licenses>,
}

/// What the license check reads and which licenses it accepts.
#[derive(Debug, Clone)]
pub struct Licenses {
    /// Site-packages directories, virtual environments, Cargo projects or `node_modules` trees
    /// (resolved against the configuration's directory).
    pub paths: Vec<PathBuf>,
    /// The allowlist, the denylist and clarifications.
    pub policy: gate_supply::license::LicensePolicy,
    /// Per-package exceptions, as waivers on `supply/license` (with their line in gate.toml).
    pub exceptions: Vec<gate_core::Waiver>,
    /// Which packages of a Cargo project are checked (`features`).
    pub cargo_features: CargoFeatures,
}

/// Which packages of a Cargo project the license check reads (`features` in `[supply.licenses]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CargoFeatures {
    /// Every package in Cargo.lock, as the advisory audit reads it: `cargo metadata
    /// --all-features`, so a crate that ships only behind a feature is checked too.
    #[default]
    All,
    /// Only the packages the default features pull in (`cargo metadata` as it is).
    Default,
}

impl CargoFeatures {
    /// The value as gate.toml and `--features` spell it: `all` or `default`.
    pub fn parse(text: &str) -> Option<CargoFeatures> {
        match text {
            "all" => Some(CargoFeatures::All),
            "default" => Some(CargoFeatures::Default),
            _ => None,
        }
    }
}

/// The keys of `[supply.advisories]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawAdvisories {
    #[serde(default)]
    lockfiles: Vec<String>,
    #[serde(default)]
    requirements: Vec<String>,
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
    /// pip requirements files read as such whatever their name (`constraints.txt`, `req.txt`),
    /// as pip-audit's `-r` (resolved against the configuration's directory).
    pub requirements: Vec<PathBuf>,
    /// Advisory data: directories or `.zip`s of OSV records, RustSec checkouts, or cache
    /// directories written by `gate supply db update`. Empty: the download cache.
    pub db: Vec<PathBuf>,
    /// How the audit judges what it finds (the database's age is filled in when it is read).
    pub audit: AuditConfig,
    /// Days since the database was downloaded before the audit warns it is stale.
    pub max_db_age_days: u64,
}

impl Default for Advisories {
    fn default() -> Advisories {
        Advisories {
            lockfiles: Vec::new(),
            requirements: Vec::new(),
            db: Vec::new(),
            audit: AuditConfig::default(),
            max_db_age_days: DEFAULT_MAX_DB_AGE_DAYS,
        }
    }
}

/// Turns the raw `[supply]` table into settings; paths are resolved against `root`, and
/// `line_of` turns a span into a line for the waivers exceptions become.
pub(crate) fn supply(
    raw: Spanned<RawSupply>,
    root: &Path,
    line_of: &dyn Fn(usize) -> u32,
    report_path: &str,
) -> Result<Supply, Problem> {
    let span = raw.span();
    let raw = raw.into_inner();
    if raw.advisories.is_none() && raw.licenses.is_none() {
        return Err((
            Some(span),
            "[supply] has nothing to check: add [supply.advisories] (lockfiles to audit) or \
             [supply.licenses] (an allowlist)"
                .to_owned(),
        ));
    }
    let advisories = raw
        .advisories
        .map(|table| advisories(table, root))
        .transpose()?;
    let licenses = raw
        .licenses
        .map(|table| licenses(table, root, line_of, report_path))
        .transpose()?;
    Ok(Supply {
        advisories,
        licenses,
    })
}

fn licenses(
    raw: Spanned<RawLicenses>,
    root: &Path,
    line_of: &dyn Fn(usize) -> u32,
    report_path: &str,
) -> Result<Licenses, Problem> {
    use gate_supply::license::{Clarification, LicensePolicy};
    let span = raw.span();
    let raw = raw.into_inner();
    let complain =
        |span: Range<usize>, message: String| (Some(span), format!("[supply.licenses]: {message}"));
    if raw.paths.is_empty() {
        return Err(complain(span, "`paths` is empty: list the site-packages directories, virtual environments, Cargo projects or node_modules trees to check".to_owned()));
    }
    if raw.allow.is_empty() {
        return Err(complain(
            span,
            "`allow` is empty: list the SPDX license ids you accept".to_owned(),
        ));
    }
    for entry in raw.allow.iter().chain(&raw.deny) {
        LicensePolicy::new(&[entry.get_ref()])
            .map_err(|error| complain(entry.span(), error.to_string()))?;
    }
    let allow: Vec<&String> = raw.allow.iter().map(Spanned::get_ref).collect();
    let deny: Vec<&String> = raw.deny.iter().map(Spanned::get_ref).collect();
    let mut policy = LicensePolicy::new(&allow)
        .and_then(|policy| policy.with_deny(&deny))
        .map_err(|error| complain(span.clone(), error.to_string()))?;
    if let Some(unknown) = &raw.unknown {
        policy.unknown = match unknown.get_ref().as_str() {
            "fail" => Verdict::Fail,
            "warn" => Verdict::Warn,
            other => {
                return Err(complain(
                    unknown.span(),
                    format!("`unknown` is `{other}`; expected fail or warn"),
                ));
            }
        };
    }
    let mut clarify = Vec::new();
    for entry in raw.clarify {
        let entry_span = entry.span();
        let entry = entry.into_inner();
        let mut clarification = Clarification::new(&entry.package, &entry.license, &entry.reason)
            .map_err(|error| complain(entry_span.clone(), error.to_string()))?;
        if let Some(version) = &entry.version {
            clarification = clarification.for_version(version);
        }
        clarify.push(clarification);
    }
    let policy = policy.with_clarifications(clarify);
    let mut exceptions = Vec::new();
    for entry in raw.exceptions {
        let entry_span = entry.span();
        let entry = entry.into_inner();
        let expires = match &entry.expires {
            toml::Value::Datetime(date) if date.time.is_none() => date.to_string(),
            toml::Value::String(text) => text.clone(),
            other => {
                return Err(complain(
                    entry_span,
                    format!("exception `expires` must be a date like 2026-12-31, not `{other}`"),
                ));
            }
        };
        let expires: gate_core::Date = expires.parse().map_err(|error: gate_core::DateError| {
            complain(entry_span.clone(), error.to_string())
        })?;
        if entry.reason.trim().is_empty() {
            return Err(complain(
                entry_span,
                format!("the exception for `{}` has an empty reason", entry.package),
            ));
        }
        let target = gate_core::Target::new(&entry.package)
            .map_err(|error| complain(entry_span.clone(), error.to_string()))?;
        let mut waiver = gate_core::Waiver::new(
            "supply",
            gate_supply::license::LICENSE.id,
            entry.reason,
            expires,
        )
        .with_target(target)
        .with_source(gate_core::Location::line(
            report_path,
            line_of(entry_span.start),
        ));
        waiver.owner = entry.owner;
        exceptions.push(waiver);
    }
    let cargo_features = cargo_features(raw.features.as_ref())?;
    Ok(Licenses {
        paths: raw.paths.iter().map(|path| root.join(path)).collect(),
        policy,
        exceptions,
        cargo_features,
    })
}

/// `features = "all" | "default"` in `[supply.licenses]`.
fn cargo_features(value: Option<&Spanned<String>>) -> Result<CargoFeatures, Problem> {
    let Some(value) = value else {
        return Ok(CargoFeatures::default());
    };
    CargoFeatures::parse(value.get_ref()).ok_or_else(|| {
        (
            Some(value.span()),
            format!(
                "[supply.licenses]: `features` is `{}`; expected all or default",
                value.get_ref()
            ),
        )
    })
}

/// Turns the raw `[supply.advisories]` table into the audit's settings.
fn advisories(advisories: Spanned<RawAdvisories>, root: &Path) -> Result<Advisories, Problem> {
    let span = advisories.span();
    let raw = advisories.into_inner();
    if raw.lockfiles.is_empty() && raw.requirements.is_empty() {
        return Err((
            Some(span),
            "[supply.advisories]: `lockfiles` and `requirements` are empty: list the lockfiles or \
             directories to audit (`requirements` takes pip requirements files of any name)"
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
    let mut audit = defaults.audit;
    audit.severity_threshold = severity_threshold;
    if let Some(level) = verdict(raw.no_severity.as_ref(), "no-severity", false)? {
        audit.no_severity = level;
    }
    if let Some(level) = verdict(raw.unpinned.as_ref(), "unpinned", false)? {
        audit.unpinned = level;
    }
    if let Some(level) = verdict(raw.informational.as_ref(), "informational", true)? {
        audit.informational = level;
    }
    if !raw.prefer_ids.is_empty() {
        audit.id_preference = raw.prefer_ids;
    }
    Ok(Advisories {
        lockfiles: raw.lockfiles.iter().map(|path| root.join(path)).collect(),
        requirements: raw
            .requirements
            .iter()
            .map(|path| root.join(path))
            .collect(),
        db: raw.db.iter().map(|path| root.join(path)).collect(),
        audit,
        max_db_age_days,
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
