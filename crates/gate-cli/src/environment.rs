//! What gate reads from its environment, read once in one place.

use std::path::PathBuf;

use gate_core::Date;

/// The environment variables and clock reading gate uses.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    /// `NO_COLOR` is set to a non-empty value (see no-color.org).
    pub no_color: bool,
    /// `GITHUB_ACTIONS=true`: running in a GitHub Actions job.
    pub github_actions: bool,
    /// `GITHUB_STEP_SUMMARY`: the file a job summary is appended to.
    pub github_step_summary: Option<PathBuf>,
    /// `GITHUB_OUTPUT`: the file step outputs are appended to.
    pub github_output: Option<PathBuf>,
    /// Today's date in UTC.
    pub today: Option<Date>,
}

impl Environment {
    /// Reads the process environment and the system clock.
    pub fn from_process() -> Environment {
        let non_empty = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty());
        Environment {
            no_color: non_empty("NO_COLOR").is_some(),
            github_actions: std::env::var("GITHUB_ACTIONS").is_ok_and(|value| value == "true"),
            github_step_summary: non_empty("GITHUB_STEP_SUMMARY").map(PathBuf::from),
            github_output: non_empty("GITHUB_OUTPUT").map(PathBuf::from),
            today: today_utc(),
        }
    }
}

fn today_utc() -> Option<Date> {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    let days = i64::try_from(seconds / 86_400).ok()?;
    Some(Date::from_days_since_unix_epoch(days))
}
