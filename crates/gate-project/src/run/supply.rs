//! The supply gate's glue: lockfiles and advisory data read from disk (the download cache or
//! paths given), then `gate_supply::audit`; the license check is in [`super::licenses`].

use std::path::{Path, PathBuf};

use gate_core::{GateError, GateReport, Location, error_chain};
use gate_supply::download_cache::open_advisory_data;
use gate_supply::{
    DatabaseAge, Dependency, audit, find_lockfiles, read_lockfile, read_requirements,
};

use crate::Gate;
use crate::io::ProjectIo;
use crate::paths::display;
use crate::settings::supply::{Advisories, Supply};

/// The supply gate: the advisory audit and the license check, whichever are configured.
pub fn run_supply(supply: &Supply, root: &Path, io: &dyn ProjectIo) -> GateReport {
    let mut report = GateReport::new(Gate::Supply.name());
    if let Some(advisories) = &supply.advisories {
        report.absorb(run(advisories, root, io));
    }
    if let Some(licenses) = &supply.licenses {
        report.absorb(super::licenses::run(licenses, root, io));
    }
    report
}

/// Runs the advisory audit for `gate check`: anything that cannot be read makes the gate error.
pub fn run(advisories: &Advisories, root: &Path, io: &dyn ProjectIo) -> GateReport {
    audit_report(advisories, root, io)
        .unwrap_or_else(|error| GateReport::errored(Gate::Supply.name(), error))
}

/// Reads the lockfiles and the advisory data (the configured `db`, else the download cache
/// [`ProjectIo::advisory_cache`] names), then audits. The data's age comes from the cache's
/// download record and [`ProjectIo::now`].
pub fn audit_report(
    advisories: &Advisories,
    root: &Path,
    io: &dyn ProjectIo,
) -> Result<GateReport, GateError> {
    let mut dependencies = read_dependencies(&advisories.lockfiles, root)?;
    dependencies.extend(read_requirements_files(&advisories.requirements, root)?);
    let database = open_advisory_data(&advisories.db, io.advisory_cache().as_deref())
        .map_err(|error| GateError::new(error_chain(&error)))?;
    let mut config = advisories.audit.clone();
    config.database_age = database
        .fetched
        .zip(io.now())
        .map(|(fetched, now)| DatabaseAge {
            fetched,
            now,
            max_days: advisories.max_db_age_days,
        });
    Ok(audit(&dependencies, &database.database, &config))
}

/// Every dependency of the inputs; a directory contributes the lockfiles directly inside it.
/// Sources are made relative to `root`, so findings name repository paths.
pub fn read_dependencies(inputs: &[PathBuf], root: &Path) -> Result<Vec<Dependency>, GateError> {
    let mut dependencies = Vec::new();
    for input in inputs {
        let files = if input.is_dir() {
            let found = find_lockfiles(input).map_err(|error| read_error(&error, input, root))?;
            if found.is_empty() {
                // `.` itself displays as nothing relative to the root; say `.`.
                let shown = Some(display(input, root))
                    .filter(|shown| !shown.is_empty())
                    .unwrap_or_else(|| ".".to_owned());
                return Err(GateError::new(format!(
                    "no lockfiles in {shown}: name the files to audit (requirements*.txt, \
                     Cargo.lock, uv.lock, poetry.lock, Pipfile.lock, pylock.toml, \
                     package-lock.json, or a site-packages directory); requirements files of \
                     other names with -r FILE (`requirements` in [supply.advisories])"
                ))
                .with_location(Location::file(shown)));
            }
            found
        } else {
            vec![input.clone()]
        };
        for file in files {
            let read = read_lockfile(&file).map_err(|error| read_error(&error, &file, root))?;
            dependencies.extend(relative_sources(read, root));
        }
    }
    Ok(dependencies)
}

/// Every dependency of pip requirements files named as such, whatever their names (pip-audit's
/// `-r`), following their `-r`/`-c` includes.
pub fn read_requirements_files(
    files: &[PathBuf],
    root: &Path,
) -> Result<Vec<Dependency>, GateError> {
    let mut dependencies = Vec::new();
    for file in files {
        let read = read_requirements(file).map_err(|error| read_error(&error, file, root))?;
        dependencies.extend(relative_sources(read, root));
    }
    Ok(dependencies)
}

/// Sources relative to `root`, so findings name repository paths.
fn relative_sources(dependencies: Vec<Dependency>, root: &Path) -> Vec<Dependency> {
    dependencies
        .into_iter()
        .map(|mut dependency| {
            dependency.source = PathBuf::from(display(&dependency.source, root));
            dependency
        })
        .collect()
}

fn read_error(error: &dyn std::error::Error, path: &Path, root: &Path) -> GateError {
    GateError::new(error_chain(error)).with_location(Location::file(display(path, root)))
}
