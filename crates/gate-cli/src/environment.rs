//! What gate reads from its environment, read once in one place.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

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
    /// Seconds since the Unix epoch (the clock): the advisory database's fetch time and age.
    pub now: Option<u64>,
    /// `XDG_CACHE_HOME`: where the advisory database is cached (`gate/advisory-db` inside).
    pub xdg_cache_home: Option<PathBuf>,
    /// `HOME`: the cache is `~/.cache/gate/advisory-db` when `XDG_CACHE_HOME` is unset.
    pub home: Option<PathBuf>,
    /// The proxy for downloads: `ALL_PROXY`, `HTTPS_PROXY` or `HTTP_PROXY` (either case).
    #[cfg_attr(not(feature = "network"), allow(dead_code))]
    pub proxy: Option<String>,
    /// `NO_PROXY`: comma-separated hosts (or `.domain` suffixes, or `*`) reached directly.
    #[cfg_attr(not(feature = "network"), allow(dead_code))]
    pub no_proxy: Option<String>,
    /// `GITHUB_TOKEN` (else `GH_TOKEN`): the token `gate protect apply` sends to GitHub.
    pub github_token: Option<Secret>,
    /// `GITHUB_REPOSITORY`: `owner/repo`, set in GitHub Actions.
    pub github_repository: Option<String>,
    /// `GITHUB_API_URL`: the REST API's root, set in GitHub Actions (GitHub Enterprise too).
    pub github_api_url: Option<String>,
    /// `GITLAB_TOKEN`: the token `gate protect apply --provider gitlab` sends.
    pub gitlab_token: Option<Secret>,
    /// `CI_PROJECT_PATH`: `group/project`, set in GitLab CI.
    pub gitlab_project: Option<String>,
    /// `CI_API_V4_URL`: the REST API's root, set in GitLab CI.
    pub gitlab_api_url: Option<String>,
    /// `GATE_HTTP_IDLE_TIMEOUT_SECS`: how long a connection may pass without a byte before gate
    /// gives up on it; the tests shorten it to see a stalled server in seconds. A value that is
    /// not a positive whole number is ignored.
    #[cfg_attr(not(feature = "network"), allow(dead_code))]
    pub http_idle_timeout: Option<Duration>,
    /// The variables input files may read (HOCON's `${NAME}`, as conftest's parser reads the
    /// environment), without any whose name suggests a credential: a pull request's file must
    /// not be able to copy a token into a finding.
    pub file_variables: BTreeMap<String, String>,
}

/// A credential: usable, but never shown by `{:?}`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
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
            now: seconds_since_epoch(),
            xdg_cache_home: non_empty("XDG_CACHE_HOME").map(PathBuf::from),
            home: non_empty("HOME").map(PathBuf::from),
            proxy: [
                "ALL_PROXY",
                "all_proxy",
                "HTTPS_PROXY",
                "https_proxy",
                "HTTP_PROXY",
                "http_proxy",
            ]
            .into_iter()
            .find_map(|name| std::env::var(name).ok().filter(|value| !value.is_empty())),
            no_proxy: ["NO_PROXY", "no_proxy"]
                .into_iter()
                .find_map(|name| std::env::var(name).ok()),
            github_token: ["GITHUB_TOKEN", "GH_TOKEN"]
                .into_iter()
                .find_map(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))
                .map(Secret),
            github_repository: text("GITHUB_REPOSITORY"),
            github_api_url: text("GITHUB_API_URL"),
            gitlab_token: text("GITLAB_TOKEN").map(Secret),
            gitlab_project: text("CI_PROJECT_PATH"),
            gitlab_api_url: text("CI_API_V4_URL"),
            http_idle_timeout: text("GATE_HTTP_IDLE_TIMEOUT_SECS")
                .and_then(|seconds| seconds.trim().parse::<u64>().ok())
                .filter(|&seconds| seconds > 0)
                .map(Duration::from_secs),
            file_variables: std::env::vars()
                .filter(|(name, _)| !names_a_credential(name))
                .collect(),
        }
    }
}

impl Environment {
    /// The machine as the gate runs see it: `git`, `cargo`, standard input, the clock, and the
    /// advisory cache these variables point at.
    pub fn io(&self) -> gate_project::SystemIo {
        let io = gate_project::SystemIo::new().with_environment(self.file_variables.clone());
        match self.advisory_cache_dir() {
            Some(directory) => io.with_advisory_cache(directory),
            None => io,
        }
    }

    /// Where `gate supply db update` keeps advisory data: `$XDG_CACHE_HOME/gate/advisory-db`,
    /// else `$HOME/.cache/gate/advisory-db`. A relative `XDG_CACHE_HOME` is ignored, as the XDG
    /// base directory specification says.
    pub fn advisory_cache_dir(&self) -> Option<PathBuf> {
        let base = match &self.xdg_cache_home {
            Some(path) if path.is_absolute() => path.clone(),
            _ => self.home.as_ref()?.join(".cache"),
        };
        Some(base.join("gate").join("advisory-db"))
    }

    /// The date a flag gives (`--today`, `--date`), else today's, for `purpose` (a message
    /// saying what the date is for when the clock cannot be read).
    pub fn date_or_today(
        &self,
        given: Option<&str>,
        flag: &str,
        purpose: &str,
    ) -> anyhow::Result<Date> {
        use anyhow::Context as _;
        match given {
            Some(text) => text.parse().with_context(|| format!("{flag} {text}")),
            None => self.today.ok_or_else(|| {
                anyhow::anyhow!("cannot read the system clock{purpose}: pass {flag} YYYY-MM-DD")
            }),
        }
    }
}

fn text(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

fn today_utc() -> Option<Date> {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    let days = i64::try_from(seconds / 86_400).ok()?;
    Some(Date::from_days_since_unix_epoch(days))
}

fn seconds_since_epoch() -> Option<u64> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .map(|elapsed| elapsed.as_secs())
}

/// Whether an environment variable's name suggests it holds a credential.
fn names_a_credential(name: &str) -> bool {
    let name = name.to_ascii_uppercase();
    [
        "TOKEN",
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "KEY",
        "CREDENTIAL",
        "AUTH",
    ]
    .iter()
    .any(|word| name.contains(word))
}

#[cfg(test)]
mod tests {
    #[test]
    fn credentials_are_not_offered_to_input_files() {
        for name in [
            "GITHUB_TOKEN",
            "gh_token",
            "AWS_SECRET_ACCESS_KEY",
            "DB_PASSWORD",
            "SSH_KEY",
        ] {
            assert!(super::names_a_credential(name), "{name}");
        }
        for name in ["HOME", "PLAY_HTTP_ADDRESS", "PORT"] {
            assert!(!super::names_a_credential(name), "{name}");
        }
    }

    use super::*;

    #[test]
    fn the_advisory_cache_follows_xdg_then_home() {
        let mut environment = Environment {
            home: Some(PathBuf::from("/home/me")),
            ..Environment::default()
        };
        assert_eq!(
            environment.advisory_cache_dir(),
            Some(PathBuf::from("/home/me/.cache/gate/advisory-db"))
        );
        environment.xdg_cache_home = Some(PathBuf::from("relative"));
        assert_eq!(
            environment.advisory_cache_dir(),
            Some(PathBuf::from("/home/me/.cache/gate/advisory-db"))
        );
        environment.xdg_cache_home = Some(PathBuf::from("/xdg"));
        assert_eq!(
            environment.advisory_cache_dir(),
            Some(PathBuf::from("/xdg/gate/advisory-db"))
        );
        assert_eq!(Environment::default().advisory_cache_dir(), None);
    }
}
