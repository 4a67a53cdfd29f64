//! The audit: dependencies × advisory database → a `supply` [`GateReport`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use gate_core::{
    Date, Finding, GateError, GateReport, Location, Metric, Rule, Severity, Target, TargetError,
    Verdict, Waiver,
};
use rayon::prelude::*;

use crate::download_cache::format_time;
use crate::matcher::is_affected;
use crate::osv::{Advisory, Affected};
use crate::severity::{Assessment, assess};
use crate::version::Version;
use crate::{Database, Dependency, Ecosystem, Origin, VersionSpec};

/// A locked dependency has a known vulnerability.
pub static VULNERABILITY: Rule = Rule {
    id: "supply/vulnerability",
    summary: "No locked dependency has a known vulnerability.",
    help: "Upgrade the package to a fixed version (see `fix` in the finding) and re-lock. When no \
           fix exists or the vulnerable code is unreachable, waive it (rule \
           `supply/vulnerability`) with a reason and an expiry date; the target is the advisory \
           id or any alias (CVE-…, GHSA-…, PYSEC-…, RUSTSEC-…), or the package (`urllib3`, every \
           advisory of it) or the package at one version (`urllib3@2.0.6`).",
};

/// A dependency is flagged by an informational advisory (RustSec `unsound`, `unmaintained`).
pub static INFORMATIONAL: Rule = Rule {
    id: "supply/informational",
    summary: "No locked dependency is flagged unsound or unmaintained.",
    help: "Move to a maintained or sound alternative, or waive the advisory id (rule \
           `supply/informational`) with a reason and an expiry date.",
};

/// A dependency is not pinned to one version, so it cannot be audited.
pub static UNPINNED: Rule = Rule {
    id: "supply/unpinned",
    summary: "Every dependency is pinned to exactly one version.",
    help: "Pin it (`name==1.2.3` in requirements files) or audit the lockfile that pins it. Waive \
           the package name (rule `supply/unpinned`) only with a reason and an expiry date.",
};

/// A direct reference (`name @ URL`, a VCS or URL requirement) names no version to audit.
pub static UNVERSIONED_URL: Rule = Rule {
    id: "supply/unversioned-url",
    summary: "Every direct URL or VCS dependency names the version it installs.",
    help: "Advisories describe releases by version, and this URL (a VCS checkout, an archive \
           whose file name carries no version) names none. Install the release from the index \
           (`name==1.2.3`), or point the URL at its release archive, whose file name states the \
           version (`name-1.2.3-py3-none-any.whl`, `name-1.2.3.tar.gz`): it is then audited as \
           that version. For a source you review yourself, waive the package name (rule \
           `supply/unversioned-url`) with a reason and an expiry date.",
};

/// An advisory could not be evaluated against a dependency (an unparsable version or bound).
pub static UNEVALUABLE: Rule = Rule {
    id: "supply/unevaluable",
    summary: "Every dependency version and advisory bound can be evaluated.",
    help: "Check the version in the lockfile and the advisory's ranges; a version the \
           ecosystem's scheme rejects cannot be shown safe. Waive the advisory id or package \
           with a reason once reviewed.",
};

/// Dependencies of an ecosystem the advisory data says nothing about were not checked at all.
pub static NO_ADVISORY_DATA: Rule = Rule {
    id: "supply/no-advisory-data",
    summary: "Every ecosystem the lockfiles use has advisory data in the database.",
    help: "The database holds no advisories for this ecosystem, so its packages were compared \
           against nothing. Download its data (`gate supply db update --ecosystem NAME`, such as \
           crates.io or npm) or add a directory of its OSV records to `db`. Waive the ecosystem \
           name (rule `supply/no-advisory-data`) only for packages you audit another way.",
};

/// The advisory database was downloaded longer ago than `max-db-age` allows.
pub static STALE_DATABASE: Rule = Rule {
    id: "supply/stale-database",
    summary: "The advisory database is no older than `max-db-age` days.",
    help: "Advisories published since the download are not checked. Run `gate supply db update` \
           (in CI, before the audit, or from a cached step refreshed daily), or raise \
           `max-db-age` in [supply.advisories] if the database is refreshed another way.",
};

/// The days an advisory database may age before the audit warns that it is stale.
pub const DEFAULT_MAX_DB_AGE_DAYS: u64 = 7;

/// How old the advisory data is, for the `supply/stale-database` check. Times are seconds since
/// the Unix epoch (UTC); the caller reads the clock and the download record, the audit does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatabaseAge {
    /// When the data was downloaded (the oldest download when there are several).
    pub fetched: u64,
    /// Now.
    pub now: u64,
    /// Whole days the data may age before the audit warns ([`DEFAULT_MAX_DB_AGE_DAYS`]).
    pub max_days: u64,
}

/// How the audit judges what it finds.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuditConfig {
    /// Vulnerabilities below this severity are warnings, not failures. `None`: all fail.
    pub severity_threshold: Option<Severity>,
    /// The verdict for a vulnerability whose record has no usable severity (default: fail).
    pub no_severity: Verdict,
    /// The verdict for an unpinned dependency, and for a git or URL dependency that names no
    /// version (`supply/unversioned-url`) (default: fail).
    pub unpinned: Verdict,
    /// The verdict for informational advisories of the kinds in `informational_kinds`
    /// (default: warn).
    pub informational: Verdict,
    /// Informational kinds reported with `informational` (default: `unsound`, `unmaintained`,
    /// `notice`, as cargo-audit 0.22 warns); other kinds are reported as passes.
    pub informational_kinds: Vec<String>,
    /// Id prefixes in order of preference for the id of merged records (default: `PYSEC`,
    /// `RUSTSEC`, `GHSA`).
    pub id_preference: Vec<String>,
    /// The age of the advisory data, when known (data from the download cache): the audit
    /// reports it as the `database-age-days` metric and warns when it is too old. `None`
    /// (default): data whose age cannot be known, such as a directory of records.
    pub database_age: Option<DatabaseAge>,
}

impl Default for AuditConfig {
    fn default() -> AuditConfig {
        AuditConfig {
            severity_threshold: None,
            no_severity: Verdict::Fail,
            unpinned: Verdict::Fail,
            informational: Verdict::Warn,
            informational_kinds: vec!["unsound".into(), "unmaintained".into(), "notice".into()],
            id_preference: vec!["PYSEC".into(), "RUSTSEC".into(), "GHSA".into()],
            database_age: None,
        }
    }
}

/// Audits dependencies against the advisory database.
///
/// An empty database makes the gate error (never pass), and so does an ecosystem the lockfiles
/// use but the database has no advisories for (`supply/no-advisory-data`): packages compared
/// against nothing are not "without known vulnerabilities". Local packages (the project itself,
/// workspace members, editable installs) are not audited; pinned git packages are counted in the
/// `not-audited` metric, since registry advisories do not describe a checkout by version. A
/// pinned archive URL is audited as the release it names; a git or URL dependency without a
/// version is a `supply/unversioned-url` finding.
/// With [`AuditConfig::database_age`] set, data older than its limit is a warning.
pub fn audit(dependencies: &[Dependency], db: &Database, config: &AuditConfig) -> GateReport {
    let mut report = if db.is_empty() {
        GateReport::errored(
            "supply",
            GateError::new("the advisory database is empty: nothing could be checked"),
        )
    } else {
        audit_dependencies(dependencies, db, config)
    };
    for finding in uncovered_ecosystems(dependencies, db) {
        report.push(finding);
    }
    if let Some(age) = &config.database_age {
        check_age(&mut report, age);
    }
    report
}

/// The findings and metrics of the advisories themselves.
fn audit_dependencies(
    dependencies: &[Dependency],
    db: &Database,
    config: &AuditConfig,
) -> GateReport {
    let per_dependency: Vec<(Vec<Finding>, Status)> = dependencies
        .par_iter()
        .map(|dependency| audit_one(dependency, db, config))
        .collect();
    let mut report = GateReport::new("supply");
    let mut vulnerable = BTreeSet::new();
    let (mut audited, mut unpinned, mut not_audited) = (0u64, 0u64, 0u64);
    for (dependency, (findings, status)) in dependencies.iter().zip(per_dependency) {
        match status {
            Status::Audited => audited += 1,
            Status::Unpinned => unpinned += 1,
            Status::NotAudited => not_audited += 1,
            Status::Local => {}
        }
        if findings.iter().any(|f| f.rule.id == VULNERABILITY.id) {
            vulnerable.insert((dependency.ecosystem, &dependency.name, &dependency.version));
        }
        for finding in findings {
            report.push(finding);
        }
    }
    report.set_metric("dependencies", Metric::Count(dependencies.len() as u64));
    report.set_metric("dependencies-audited", Metric::Count(audited));
    report.set_metric("unpinned", Metric::Count(unpinned));
    report.set_metric("not-audited", Metric::Count(not_audited));
    report.set_metric("advisories", Metric::Count(db.len() as u64));
    report.set_metric(
        "vulnerable-packages",
        Metric::Count(vulnerable.len() as u64),
    );
    report
}

/// A failure per ecosystem with registry dependencies but no advisories: an audit of crates
/// against a PyPI-only database must not pass as "no known vulnerabilities".
fn uncovered_ecosystems(dependencies: &[Dependency], db: &Database) -> Vec<Finding> {
    let mut counts: BTreeMap<Ecosystem, (u64, &Dependency)> = BTreeMap::new();
    for dependency in dependencies {
        if matches!(dependency.origin, Origin::Registry(_)) {
            counts
                .entry(dependency.ecosystem)
                .or_insert((0, dependency))
                .0 += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(ecosystem, _)| !db.has_ecosystem(*ecosystem))
        .map(|(ecosystem, (count, first))| {
            let location = match first.line {
                Some(line) => Location::line(first.source.to_string_lossy(), line),
                None => Location::file(first.source.to_string_lossy()),
            };
            Finding::new(
                &NO_ADVISORY_DATA,
                Verdict::Fail,
                format!(
                    "{count} {ecosystem} package(s) were not checked: the advisory database has \
                     no {ecosystem} advisories (gate supply db update --ecosystem {ecosystem})"
                ),
            )
            .with_target(ecosystem.osv_name())
            .with_location(location)
            .with_detail("ecosystem", ecosystem.osv_name())
            .with_detail("packages", count)
        })
        .collect()
}

/// The `database-age-days` metric, and a warning when the data is older than allowed.
fn check_age(report: &mut GateReport, age: &DatabaseAge) {
    let age_days = age.now.saturating_sub(age.fetched) / 86_400;
    report.set_metric("database-age-days", Metric::Count(age_days));
    if age_days > age.max_days {
        report.push(
            Finding::new(
                &STALE_DATABASE,
                Verdict::Warn,
                format!(
                    "the advisory database was downloaded {age_days} days ago ({}), more than \
                     max-db-age = {}: run `gate supply db update`",
                    format_time(age.fetched),
                    age.max_days
                ),
            )
            .with_target("advisory-database")
            .with_detail("age-days", age_days)
            .with_detail("max-db-age", age.max_days),
        );
    }
}

enum Status {
    Audited,
    Unpinned,
    NotAudited,
    Local,
}

fn location(dependency: &Dependency) -> Location {
    let path = dependency.source.to_string_lossy().into_owned();
    match dependency.line {
        Some(line) => Location::line(path, line),
        None => Location::file(path),
    }
}

fn audit_one(
    dependency: &Dependency,
    db: &Database,
    config: &AuditConfig,
) -> (Vec<Finding>, Status) {
    if dependency.origin == Origin::Local {
        return (Vec::new(), Status::Local);
    }
    let text = match &dependency.version {
        VersionSpec::Unpinned(spec)
            if matches!(dependency.origin, Origin::Git(_) | Origin::Url(_)) =>
        {
            let url = match &dependency.origin {
                Origin::Git(url) | Origin::Url(url) => url.clone(),
                Origin::Registry(_) | Origin::Local => spec.clone(),
            };
            let finding = Finding::new(
                &UNVERSIONED_URL,
                config.unpinned,
                format!(
                    "{} comes from {url}, which names no version: it cannot be audited",
                    dependency.name
                ),
            )
            .with_target(dependency.name.clone())
            .with_location(location(dependency))
            .with_detail("package", dependency.name.clone())
            .with_detail("ecosystem", dependency.ecosystem.osv_name())
            .with_detail("url", url);
            return (vec![finding], Status::Unpinned);
        }
        VersionSpec::Unpinned(spec) => {
            let finding = Finding::new(
                &UNPINNED,
                config.unpinned,
                format!(
                    "{} is not pinned to one version ({}): it cannot be audited",
                    dependency.name, dependency.version
                ),
            )
            .with_target(dependency.name.clone())
            .with_location(location(dependency))
            .with_detail("package", dependency.name.clone())
            .with_detail("ecosystem", dependency.ecosystem.osv_name())
            .with_detail("requirement", spec.clone());
            return (vec![finding], Status::Unpinned);
        }
        VersionSpec::Pinned(text) => text,
    };
    // A release archive named by URL is that release, so its version's advisories apply; a git
    // checkout may carry unreleased changes under the version it declares.
    if matches!(dependency.origin, Origin::Git(_)) {
        return (Vec::new(), Status::NotAudited);
    }
    let version = match Version::parse(dependency.ecosystem, text) {
        Ok(version) => version,
        Err(error) => {
            let finding = Finding::new(
                &UNEVALUABLE,
                Verdict::Fail,
                format!("{} {text}: could not evaluate: {error}", dependency.name),
            )
            .with_target(dependency.name.clone())
            .with_location(location(dependency))
            .with_detail("package", dependency.name.clone())
            .with_detail("version", text.clone());
            return (vec![finding], Status::Audited);
        }
    };
    let mut findings = Vec::new();
    let mut hits: Vec<(&Advisory, &Affected)> = Vec::new();
    for (advisory, affected) in db.for_package(dependency.ecosystem, &dependency.name) {
        match is_affected(&version, affected) {
            Ok(true) => hits.push((advisory, affected)),
            Ok(false) => {}
            Err(error) => findings.push(
                Finding::new(
                    &UNEVALUABLE,
                    Verdict::Fail,
                    format!(
                        "{} {text}: could not evaluate {}: {error}",
                        dependency.name, advisory.id
                    ),
                )
                .with_target(advisory.id.clone())
                .with_location(location(dependency))
                .with_detail("id", advisory.id.clone())
                .with_detail("package", dependency.name.clone())
                .with_detail("version", text.clone())
                .with_detail("source", advisory.source.to_string_lossy().into_owned()),
            ),
        }
    }
    for group in group_by_alias(&hits) {
        findings.push(advisory_finding(dependency, text, &version, &group, config));
    }
    (findings, Status::Audited)
}

/// Groups records that share an id or alias (PYSEC and GHSA of one issue) into one finding.
fn group_by_alias<'a>(
    hits: &[(&'a Advisory, &'a Affected)],
) -> Vec<Vec<(&'a Advisory, &'a Affected)>> {
    let mut groups: Vec<Vec<(&Advisory, &Affected)>> = Vec::new();
    let mut names: Vec<BTreeSet<&str>> = Vec::new();
    for &(advisory, affected) in hits {
        let own: BTreeSet<&str> = std::iter::once(advisory.id.as_str())
            .chain(advisory.aliases.iter().map(String::as_str))
            .collect();
        let overlapping: Vec<usize> = (0..groups.len())
            .filter(|&g| !names[g].is_disjoint(&own))
            .collect();
        let mut group = vec![(advisory, affected)];
        let mut merged = own;
        for &g in overlapping.iter().rev() {
            group.extend(groups.remove(g));
            merged.extend(names.remove(g));
        }
        groups.push(group);
        names.push(merged);
    }
    for group in &mut groups {
        group.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    }
    groups.sort_by(|a, b| a[0].0.id.cmp(&b[0].0.id));
    groups
}

/// The id shown for a group: record ids before aliases, by configured prefix order.
fn preferred_id(group: &[(&Advisory, &Affected)], preference: &[String]) -> String {
    let rank = |id: &str| {
        preference
            .iter()
            .position(|p| id.starts_with(p.as_str()))
            .unwrap_or(preference.len())
    };
    let records = group.iter().map(|(a, _)| (a.id.as_str(), false));
    let aliases = group
        .iter()
        .flat_map(|(a, _)| a.aliases.iter().map(|s| (s.as_str(), true)));
    records
        .chain(aliases)
        .filter(|(id, is_alias)| !is_alias || rank(id) < preference.len())
        .min_by_key(|(id, is_alias)| (rank(id), *is_alias, *id))
        .map_or_else(String::new, |(id, _)| id.to_owned())
}

fn advisory_finding(
    dependency: &Dependency,
    text: &str,
    version: &Version,
    group: &[(&Advisory, &Affected)],
    config: &AuditConfig,
) -> Finding {
    let id = preferred_id(group, &config.id_preference);
    let mut all_ids: BTreeSet<&str> = BTreeSet::new();
    for (advisory, _) in group {
        all_ids.insert(&advisory.id);
        all_ids.extend(advisory.aliases.iter().map(String::as_str));
    }
    all_ids.remove(id.as_str());
    let aliases: Vec<String> = all_ids.into_iter().map(str::to_owned).collect();
    let assessment: Option<Assessment> =
        group
            .iter()
            .filter_map(|(a, f)| assess(a, f))
            .max_by(|a, b| {
                (a.severity, a.score.unwrap_or(0.0))
                    .partial_cmp(&(b.severity, b.score.unwrap_or(0.0)))
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
    let mut fixed: Vec<String> = group.iter().flat_map(|(_, f)| f.fixed_versions()).collect();
    fixed.sort();
    fixed.dedup();
    let fix = fixed
        .iter()
        .filter_map(|f| Version::parse(dependency.ecosystem, f).ok().map(|v| (v, f)))
        .filter(|(v, _)| v > version)
        .min_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, f)| f.clone());
    let informational = group
        .iter()
        .all(|(a, _)| a.informational.is_some())
        .then(|| group[0].0.informational.clone().unwrap_or_default());
    let (rule, verdict) = match &informational {
        Some(kind) if config.informational_kinds.iter().any(|k| k == kind) => {
            (&INFORMATIONAL, config.informational)
        }
        Some(_) => (&INFORMATIONAL, Verdict::Pass),
        None => {
            let verdict = match (&assessment, config.severity_threshold) {
                (None, _) => config.no_severity,
                (Some(a), Some(threshold)) if a.severity < threshold => Verdict::Warn,
                (Some(_), _) => Verdict::Fail,
            };
            (&VULNERABILITY, verdict)
        }
    };
    let summary = group
        .iter()
        .map(|(a, _)| a.summary.as_str())
        .find(|s| !s.is_empty())
        .unwrap_or_default();
    let mut message = format!("{} {text}: {id}", dependency.name);
    if let Some(kind) = &informational {
        let _ = write!(message, " ({kind})");
    }
    if !summary.is_empty() {
        let _ = write!(message, ": {summary}");
    }
    match &fix {
        Some(fix) => drop(write!(message, " — fixed in {fix}")),
        None => message.push_str(" — no fixed version"),
    }
    let mut finding = Finding::new(rule, verdict, message)
        .with_identity(format!("{} {id}", dependency.name))
        .with_target(id.clone())
        .with_also_known_as(waiver_names(&aliases, dependency, text))
        .with_location(location(dependency))
        .with_detail("id", id)
        .with_detail("aliases", aliases)
        .with_detail("package", dependency.name.clone())
        .with_detail("ecosystem", dependency.ecosystem.osv_name())
        .with_detail("version", text)
        .with_detail("fixed", fixed)
        .with_detail(
            "records",
            group.iter().map(|(a, _)| a.id.clone()).collect::<Vec<_>>(),
        );
    if let Some(fix) = fix {
        finding = finding.with_detail("fix", fix);
    }
    if !summary.is_empty() {
        finding = finding.with_detail("summary", summary);
    }
    if let Some(kind) = informational {
        finding = finding.with_detail("informational", kind);
    }
    match assessment {
        Some(Assessment {
            score: Some(score),
            vector,
            ..
        }) => {
            finding = finding.with_score(score);
            if let Some(vector) = vector {
                finding = finding.with_detail("cvss", vector);
            }
        }
        Some(Assessment { severity, .. }) => finding = finding.with_severity(severity),
        None => finding = finding.with_detail("severity", "unknown"),
    }
    finding
}

/// What a waiver may name besides the preferred id: any other id of the merged records, the
/// package (all of its advisories, until the upgrade lands), or the package at this version.
fn waiver_names(aliases: &[String], dependency: &Dependency, version: &str) -> Vec<String> {
    let package = [
        dependency.name.clone(),
        format!("{}@{version}", dependency.name),
    ];
    aliases.iter().cloned().chain(package).collect()
}

/// An ignore as users write it: an advisory id or any of its aliases, with a reason and expiry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignore {
    /// An advisory id or alias (`PYSEC-…`, `GHSA-…`, `CVE-…`, `RUSTSEC-…`).
    pub id: String,
    /// Why it is acceptable.
    pub reason: String,
    /// The last day it applies.
    pub expires: Date,
    /// Who answers for it.
    pub owner: Option<String>,
}

/// Turns ignores into gate-core [`Waiver`]s for this report, so expiry and unused-ignore warnings
/// work exactly as for every other waiver (apply them with `gate_core::apply_waivers`).
///
/// Findings are targeted by their preferred id; an ignore written with an alias (a CVE, the GHSA
/// of a PYSEC record) is resolved here to the id of each finding that carries it. An ignore that
/// matches nothing keeps its own id, so `apply_waivers` reports it unused.
pub fn ignores_to_waivers(
    report: &GateReport,
    ignores: &[Ignore],
) -> Result<Vec<Waiver>, TargetError> {
    let mut waivers = Vec::new();
    for ignore in ignores {
        let mut targets: BTreeSet<(&'static str, String)> = BTreeSet::new();
        for finding in &report.findings {
            let carries = finding.details.get("id").and_then(|v| v.as_str()) == Some(&ignore.id)
                || finding
                    .details
                    .get("aliases")
                    .and_then(|v| v.as_array())
                    .is_some_and(|a| a.iter().any(|x| x.as_str() == Some(&ignore.id)));
            if let (true, Some(target)) = (carries, &finding.target) {
                targets.insert((finding.rule.id, target.clone()));
            }
        }
        if targets.is_empty() {
            targets.insert((VULNERABILITY.id, ignore.id.clone()));
        }
        for (rule, target) in targets {
            let mut waiver = Waiver::new("supply", rule, ignore.reason.clone(), ignore.expires)
                .with_target(Target::new(&glob_literal(&target))?);
            waiver.owner.clone_from(&ignore.owner);
            waivers.push(waiver);
        }
    }
    Ok(waivers)
}

/// Advisory ids are literal: escape glob metacharacters so an id never becomes a pattern.
fn glob_literal(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for c in id.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '{' | '}' | '\\') {
            out.push('[');
            out.push(c);
            out.push(']');
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Ecosystem, RecordFormat, parse_osv};
    use std::path::Path;

    fn record(id: &str, aliases: &[&str], extra: &str) -> Advisory {
        let json = format!(
            r#"{{"id": "{id}", "aliases": {aliases:?}, {extra}
            "affected": [{{"package": {{"ecosystem": "PyPI", "name": "demo"}},
            "ranges": [{{"type": "ECOSYSTEM", "events": [{{"introduced": "0"}}, {{"fixed": "2.0"}}]}}]}}]}}"#
        );
        parse_osv(json.as_bytes(), RecordFormat::Json, Path::new("x.json"))
            .unwrap()
            .unwrap()
    }

    fn db(records: Vec<Advisory>) -> Database {
        let mut db = Database::new();
        for r in records {
            db.insert(r);
        }
        db
    }

    fn dep(version: &str) -> Vec<Dependency> {
        vec![Dependency::new(
            Ecosystem::PyPI,
            "Demo",
            VersionSpec::Pinned(version.into()),
            "requirements.txt",
            Some(3),
        )]
    }

    #[test]
    fn transitive_aliases_merge_into_one_group() {
        // A–B share CVE-1, B–C share GHSA-x: one issue, one finding.
        let db = db(vec![
            record("PYSEC-1", &["CVE-1"], ""),
            record("GHSA-x", &["CVE-1"], ""),
            record("OSV-3", &["GHSA-x"], ""),
            record("PYSEC-9", &["CVE-9"], ""),
        ]);
        let report = audit(&dep("1.0"), &db, &AuditConfig::default());
        let targets: Vec<_> = report
            .findings
            .iter()
            .map(|f| f.target.clone().unwrap())
            .collect();
        assert_eq!(targets, vec!["PYSEC-1", "PYSEC-9"]);
        assert_eq!(
            report.findings[0].details["records"]
                .as_array()
                .unwrap()
                .len(),
            3
        );
        assert_eq!(report.metrics["vulnerable-packages"], Metric::Count(1));
        assert_eq!(report.metrics["dependencies-audited"], Metric::Count(1));
    }

    #[test]
    fn threshold_and_unparsable_versions() {
        let low = r#""severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N"}],"#;
        let db = db(vec![record("PYSEC-1", &[], low)]);
        let config = AuditConfig {
            severity_threshold: Some(Severity::Medium),
            ..AuditConfig::default()
        };
        let report = audit(&dep("1.0"), &db, &config);
        assert_eq!(report.findings[0].verdict, Verdict::Warn);
        assert_eq!(report.findings[0].severity, Some(Severity::Low));
        let report = audit(&dep("not.a.version!"), &db, &config);
        assert_eq!(report.findings[0].rule.id, UNEVALUABLE.id);
        assert_eq!(report.verdict(), Verdict::Fail);
        let report = audit(&dep("2.0"), &db, &config);
        assert!(report.findings.is_empty());
    }

    #[test]
    fn preferred_id_ranks_records_before_aliases() {
        let a = record("GHSA-a", &["PYSEC-7", "CVE-1"], "");
        let affected = &a.affected[0];
        let group = vec![(&a, affected)];
        let default = AuditConfig::default();
        assert_eq!(preferred_id(&group, &default.id_preference), "PYSEC-7");
        assert_eq!(preferred_id(&group, &["CVE".into()]), "CVE-1");
        assert_eq!(preferred_id(&group, &[]), "GHSA-a");
    }

    #[test]
    fn glob_metacharacters_in_ids_are_literal() {
        assert_eq!(glob_literal("A*B?[c]"), "A[*]B[?][[]c[]]");
    }

    #[test]
    fn the_crate_lists_every_rule_of_the_gate_once() {
        let mut ids: Vec<&str> = crate::RULES.iter().map(|rule| rule.id).collect();
        assert!(crate::RULES.iter().all(|rule| rule.gate() == "supply"));
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), crate::RULES.len());
        assert!(ids.contains(&crate::license::LICENSE.id));
    }

    #[test]
    fn an_ecosystem_without_advisories_fails_instead_of_passing() {
        let lock = "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n\n\
                    [[package]]\nname = \"serde\"\nversion = \"1.0.0\"\n\
                    source = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n\
                    [[package]]\nname = \"regex\"\nversion = \"1.0.0\"\n\
                    source = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
        let mut dependencies = crate::parse_cargo_lock(lock, Path::new("Cargo.lock")).unwrap();
        dependencies.extend(dep("2.0"));
        let db = db(vec![record("PYSEC-1", &[], "")]);
        let report = audit(&dependencies, &db, &AuditConfig::default());
        assert_eq!(report.verdict(), Verdict::Fail);
        let [finding] = report.findings.as_slice() else {
            panic!("{:?}", report.findings);
        };
        assert_eq!(finding.rule.id, "supply/no-advisory-data");
        assert_eq!(
            finding.message,
            "2 crates.io package(s) were not checked: the advisory database has no crates.io \
             advisories (gate supply db update --ecosystem crates.io)"
        );
        assert_eq!(finding.target.as_deref(), Some("crates.io"));
        let location = finding.location.as_ref().unwrap();
        assert_eq!(location.path, "Cargo.lock");
        assert_eq!(location.line.map(u32::from), Some(8));
        assert_eq!(finding.details["ecosystem"], "crates.io");
        assert_eq!(finding.details["packages"], 2);

        // PyPI alone is covered: the workspace member is not a registry package.
        let report = audit(&dep("2.0"), &db, &AuditConfig::default());
        assert_eq!(report.verdict(), Verdict::Pass);
    }

    #[test]
    fn the_database_age_is_a_metric_and_too_old_a_warning() {
        let db = db(vec![record("PYSEC-1", &[], "")]);
        let mut config = AuditConfig::default();
        let report = audit(&dep("2.0"), &db, &config);
        assert!(!report.metrics.contains_key("database-age-days"));

        let fetched = 1_764_329_461;
        config.database_age = Some(DatabaseAge {
            fetched,
            now: fetched + 7 * 86_400 + 86_399,
            max_days: DEFAULT_MAX_DB_AGE_DAYS,
        });
        let report = audit(&dep("2.0"), &db, &config);
        assert_eq!(report.metrics["database-age-days"], Metric::Count(7));
        assert!(report.findings.is_empty());

        config.database_age = Some(DatabaseAge {
            fetched,
            now: fetched + 8 * 86_400,
            max_days: DEFAULT_MAX_DB_AGE_DAYS,
        });
        let report = audit(&dep("2.0"), &db, &config);
        assert_eq!(report.metrics["database-age-days"], Metric::Count(8));
        assert_eq!(report.verdict(), Verdict::Warn);
        let finding = &report.findings[0];
        assert_eq!(finding.rule.id, "supply/stale-database");
        assert_eq!(
            finding.message,
            "the advisory database was downloaded 8 days ago (2025-11-28 11:31 UTC), more than \
             max-db-age = 7: run `gate supply db update`"
        );
        assert_eq!(finding.target.as_deref(), Some("advisory-database"));
        assert_eq!(finding.details["age-days"], 8);
        assert_eq!(finding.details["max-db-age"], 7);

        // A clock behind the download reads as age 0.
        config.database_age = Some(DatabaseAge {
            fetched,
            now: 0,
            max_days: 0,
        });
        let report = audit(&dep("2.0"), &db, &config);
        assert_eq!(report.metrics["database-age-days"], Metric::Count(0));
        assert!(report.findings.is_empty());
    }

    #[test]
    fn every_rule_is_listed() {
        for rule in [&NO_ADVISORY_DATA, &STALE_DATABASE] {
            assert!(
                crate::RULES.iter().any(|listed| listed.id == rule.id),
                "{}",
                rule.id
            );
        }
    }
}
