//! The status checks a pull request reports: one per gate `gate check` runs, plus the `gate`
//! aggregator. `gate ci github` writes a job of each name and `[protect]` requires them, so
//! both come from this one list.

use crate::Config;

/// The aggregator job's name: the one check that stays stable however the gates change.
pub const AGGREGATOR: &str = "gate";

/// The jobs a pull request runs, in workflow order: one per configured gate, then the
/// aggregator. These are exactly the checks `gate protect plan` requires.
pub fn required_checks(config: &Config) -> Vec<String> {
    config
        .gates()
        .into_iter()
        .map(|gate| gate.name().to_owned())
        .chain([AGGREGATOR.to_owned()])
        .collect()
}
