//! The supply gate's glue: lockfiles and advisory data read from disk (the download cache or
//! paths given), then `gate_supply::audit`, plus the database-age check only the CLI can make.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gate_core::{Finding, GateError, GateReport, Location, Metric, Rule, Verdict};
use gate_supply::{
    AuditConfig, Database, Dependency, Ecosystem, Origin, audit, find_lockfiles, read_lockfile,
};

use crate::io::ProjectIo;
use crate::paths::{chain, display};
use crate::settings::supply::{Advisories, Supply};
use advisory_cache::FetchRecord;

/// The gate's name in reports.
pub const GATE: &str = "supply";

/// The supply gate: the advisory audit and the license check, whichever are configured.
pub fn run_supply(supply: &Supply, root: &Path, io: &dyn ProjectIo) -> GateReport {
    let mut report = GateReport::new(GATE);
    if let Some(advisories) = &supply.advisories {
        report.absorb(run(advisories, root, io));
    }
    if let Some(licenses) = &supply.licenses {
        report.absorb(super::licenses::run(licenses, root, io));
    }
    report
}

/// The advisory database was downloaded longer ago than `max-db-age` allows.
pub static STALE_DATABASE: Rule = Rule {
    id: "supply/stale-database",
    summary: "The advisory database is no older than `max-db-age` days.",
    help: "Advisories published since the download are not checked. Run `gate supply db update` \
           (in CI, before the audit, or from a cached step refreshed daily), or raise \
           `max-db-age` in [supply.advisories] if the database is refreshed another way.",
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

/// Runs the advisory audit for `gate check`: anything that cannot be read makes the gate error.
pub fn run(advisories: &Advisories, root: &Path, io: &dyn ProjectIo) -> GateReport {
    audit_report(advisories, root, io).unwrap_or_else(|error| GateReport::errored(GATE, error))
}

/// Reads the lockfiles and the database, audits, and adds the database-age finding.
pub fn audit_report(
    advisories: &Advisories,
    root: &Path,
    io: &dyn ProjectIo,
) -> Result<GateReport, GateError> {
    let dependencies = read_dependencies(&advisories.lockfiles, root)?;
    let database = open_database(&advisories.db, io.advisory_cache().as_deref())?;
    let mut config = AuditConfig::default();
    config.severity_threshold = advisories.severity_threshold;
    config.no_severity = advisories.no_severity;
    config.unpinned = advisories.unpinned;
    config.informational = advisories.informational;
    config.id_preference.clone_from(&advisories.prefer_ids);
    let mut report = audit(&dependencies, &database.database, &config);
    for finding in uncovered_ecosystems(&dependencies, &database.database) {
        report.push(finding);
    }
    if let (Some(fetched), Some(now)) = (database.fetched, io.now()) {
        let age_days = now.saturating_sub(fetched) / 86_400;
        report.set_metric("database-age-days", Metric::Count(age_days));
        if age_days > advisories.max_db_age_days {
            report.push(
                Finding::new(
                    &STALE_DATABASE,
                    Verdict::Warn,
                    format!(
                        "the advisory database was downloaded {age_days} days ago ({}), more \
                         than max-db-age = {}: run `gate supply db update`",
                        advisory_cache::format_time(fetched),
                        advisories.max_db_age_days
                    ),
                )
                .with_target("advisory-database")
                .with_detail("age-days", age_days)
                .with_detail("max-db-age", advisories.max_db_age_days),
            );
        }
    }
    Ok(report)
}

/// A failure per ecosystem with audited dependencies but no advisories: an audit of crates
/// against a PyPI-only database must not pass as "no known vulnerabilities".
fn uncovered_ecosystems(dependencies: &[Dependency], database: &Database) -> Vec<Finding> {
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
        .filter(|(ecosystem, _)| database.package_names(*ecosystem).is_empty())
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

/// Every dependency of the inputs; a directory contributes the lockfiles directly inside it.
/// Sources are made relative to `root`, so findings name repository paths.
pub fn read_dependencies(inputs: &[PathBuf], root: &Path) -> Result<Vec<Dependency>, GateError> {
    let mut dependencies = Vec::new();
    for input in inputs {
        let files = if input.is_dir() {
            let found = find_lockfiles(input).map_err(|error| read_error(&error, input, root))?;
            if found.is_empty() {
                return Err(GateError::new(format!(
                    "no lockfiles in {}: name the files to audit (requirements*.txt, \
                     Cargo.lock, uv.lock, poetry.lock, Pipfile.lock, pylock.toml, \
                     package-lock.json, or a site-packages directory)",
                    display(input, root)
                ))
                .with_location(Location::file(display(input, root))));
            }
            found
        } else {
            vec![input.clone()]
        };
        for file in files {
            let read = read_lockfile(&file).map_err(|error| read_error(&error, &file, root))?;
            dependencies.extend(read.into_iter().map(|mut dependency| {
                dependency.source = PathBuf::from(display(&dependency.source, root));
                dependency
            }));
        }
    }
    Ok(dependencies)
}

fn read_error(error: &dyn std::error::Error, path: &Path, root: &Path) -> GateError {
    GateError::new(chain(error)).with_location(Location::file(display(path, root)))
}

/// The advisory data and, when it came from the download cache, when it was fetched.
pub struct OpenDatabase {
    /// The advisories.
    pub database: Database,
    /// The oldest fetch time of the cache's zips (seconds since the epoch); `None` for data
    /// whose age gate cannot know (a directory or zip the user gave).
    pub fetched: Option<u64>,
}

/// Loads the databases named, or the download cache when none is. A path holding `fetched.json`
/// is a cache directory: its zips are loaded and its fetch times give the age.
pub fn open_database(
    paths: &[PathBuf],
    default_cache: Option<&Path>,
) -> Result<OpenDatabase, GateError> {
    let given = !paths.is_empty();
    let paths: Vec<PathBuf> = if given {
        paths.to_vec()
    } else {
        vec![default_cache.map(Path::to_path_buf).ok_or_else(|| {
            GateError::new(
                "no advisory database: neither XDG_CACHE_HOME nor HOME is set, so there is no \
                 download cache; pass --db PATH (or `db` in [supply.advisories])",
            )
        })?]
    };
    let mut sources = Vec::new();
    let mut fetched: Option<u64> = None;
    for path in &paths {
        let record = if path.is_dir() {
            FetchRecord::read(path).map_err(GateError::new)?
        } else {
            None
        };
        match record {
            Some(record) => {
                if record.ecosystems.is_empty() {
                    return Err(missing_database(path));
                }
                for (ecosystem, entry) in &record.ecosystems {
                    // A partial cache would silently check some ecosystems against nothing.
                    if !path.join(&entry.file).is_file() {
                        return Err(GateError::new(format!(
                            "the advisory cache {} lists {ecosystem} in {} but {} is missing: \
                             run `gate supply db update`",
                            path.display(),
                            advisory_cache::FETCH_RECORD,
                            entry.file
                        )));
                    }
                    sources.push(path.join(&entry.file));
                    fetched = Some(fetched.map_or(entry.fetched, |f| f.min(entry.fetched)));
                }
            }
            // The download cache without a fetch record holds nothing `db update` wrote.
            None if !given => return Err(missing_database(path)),
            None => sources.push(path.clone()),
        }
    }
    let database = Database::load(&sources).map_err(|error| {
        GateError::new(format!(
            "{}; get advisory data with `gate supply db update`, or pass --db PATH (a directory \
             or .zip of OSV records)",
            chain(&error)
        ))
    })?;
    Ok(OpenDatabase { database, fetched })
}

fn missing_database(dir: &Path) -> GateError {
    GateError::new(format!(
        "no advisory database in {}: run `gate supply db update` to download one, or pass \
         --db PATH (a directory or .zip of OSV records) — an audit against nothing is not a pass",
        dir.display()
    ))
}

#[path = "advisory_cache.rs"]
pub mod advisory_cache;
