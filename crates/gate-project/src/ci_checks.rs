//! The status checks a pull request reports: one per gate `gate check` runs, plus the `gate`
//! aggregator. `gate ci github` writes a job of each name and `[protect]` requires them, so
//! both come from this one list.

use crate::Config;

/// The aggregator job's name: the one check that stays stable however the gates change.
pub const AGGREGATOR: &str = "gate";

/// The prefix of gate's job names when `[ci] job-prefix` is not set.
pub const DEFAULT_JOB_PREFIX: &str = "gate-";

/// The prefix of every job name but the aggregator's: `[ci] job-prefix`, else `gate-`. Required
/// checks match by name across all workflows, so a bare `coverage` job of another workflow
/// would satisfy (or block) gate's check of that name.
pub fn job_prefix(config: &Config) -> &str {
    configured_prefix(config).unwrap_or(DEFAULT_JOB_PREFIX)
}

#[cfg(feature = "ci")]
fn configured_prefix(config: &Config) -> Option<&str> {
    config.ci.as_ref().map(|ci| ci.job_prefix.as_str())
}

/// Without the `ci` feature `[ci]` is not read, so its prefix is the default.
#[cfg(not(feature = "ci"))]
fn configured_prefix(_config: &Config) -> Option<&str> {
    None
}

/// The job (and check) name of the gate called `gate` (`gate-coverage`).
pub fn job_name(config: &Config, gate: &str) -> String {
    format!("{}{gate}", job_prefix(config))
}

/// The jobs a pull request runs, in workflow order: one per configured gate, then the
/// aggregator. These are exactly the checks `gate protect plan` requires.
pub fn required_checks(config: &Config) -> Vec<String> {
    config
        .gates()
        .into_iter()
        .map(|gate| job_name(config, gate.name()))
        .chain([AGGREGATOR.to_owned()])
        .collect()
}

/// The checks gate's workflow would name for the gates this configuration does not run, with
/// and without the prefix (the names before `job-prefix`): a branch still requiring one
/// waits for a job that never reports.
pub fn retired_checks(config: &Config) -> Vec<String> {
    let running = config.gates();
    let mut names = Vec::new();
    for gate in crate::Gate::ALL {
        let prefixed = job_name(config, gate.name());
        if !running.contains(&gate) {
            names.push(prefixed.clone());
        }
        // Before job names had a prefix, the job was named after the gate alone.
        if prefixed != gate.name() {
            names.push(gate.name().to_owned());
        }
    }
    names
}
