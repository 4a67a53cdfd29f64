//! The CI files `gate ci github|gitlab` writes: every configured gate as a check of its own,
//! generated from gate.toml so job names and required checks cannot drift apart.

pub mod github;
pub mod gitlab;
mod yaml;

use std::path::{Path, PathBuf};

use crate::{Config, FILE_NAME, Gate};

/// Why a CI file cannot be generated from a configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CiError {
    /// The configuration runs no gate, so the file would check nothing.
    #[error(
        "{} configures no gates, so the {file} would check nothing: add a gate section first",
        path.display()
    )]
    NoGates {
        /// The configuration file.
        path: PathBuf,
        /// `workflow` or `pipeline`.
        file: &'static str,
    },
    /// `[ci.setup]` prepares a gate this configuration does not run.
    #[error(
        "{}: [ci.setup] has commands for `{gate}`, which is not a gate this file runs (no [{gate}] section{})",
        path.display(),
        if gate == "protect" { " with `current`" } else { "" }
    )]
    SetupForAbsentGate {
        /// The configuration file.
        path: PathBuf,
        /// The gate named in `[ci.setup]`.
        gate: String,
    },
    /// Neither `[ci] action` nor this build's repository says where gate's action lives.
    #[error(
        "[ci] has no `action`, and this build of gate does not know the repository it was \
         published from: set `action = \"OWNER/REPO@REF\"` (where gate's action.yml lives) in [ci]"
    )]
    NoAction,
    /// Neither `[ci] install` nor this build's GitHub repository (whose release publishes
    /// gate's image) says how the jobs get gate.
    #[error(
        "[ci] has no `install`, and this build of gate does not know the GitHub repository whose \
         image (ghcr.io/OWNER/gate) to use: set `install` in [ci] to the command that installs \
         gate, such as \"cargo install --locked --git URL --tag vX.Y.Z gate-cli\""
    )]
    NoInstall,
    /// The workflow publishes, `[protect]` writes a ruleset, and nothing may push past it.
    #[error(
        "{}: the publish job pushes the release commit and tag to the protected branch, and the \
         ruleset [protect] writes refuses that push from the workflow's own token. Give the job \
         an identity that may bypass it: a GitHub App (`[ci.publish] app-id = …`, its client id \
         in the repository variable RELEASE_APP_CLIENT_ID and its private key in the secret \
         RELEASE_APP_PRIVATE_KEY) or a deploy key with write access (`[ci.publish] \
         deploy-key-secret = \"NAME\"`); `gate protect apply` then adds it as the ruleset's \
         bypass actor",
        path.display()
    )]
    PublishCannotPush {
        /// The configuration file.
        path: PathBuf,
    },
}

/// Checks what the generators cannot check alone: `[ci.setup]` names only gates that run.
pub fn check_setup(config: &Config, shown_path: &Path) -> Result<(), CiError> {
    let Some(ci) = &config.ci else {
        return Ok(());
    };
    let gates = config.gates();
    let runs = |name: &str| Gate::from_name(name).is_some_and(|gate| gates.contains(&gate));
    match ci.setup.keys().find(|gate| !runs(gate)) {
        Some(gate) => Err(CiError::SetupForAbsentGate {
            path: shown_path.to_path_buf(),
            gate: gate.clone(),
        }),
        None => Ok(()),
    }
}

/// The gate.toml path the jobs pass to gate: none when it is the repository root's own
/// `gate.toml`, which gate finds by itself.
pub fn config_argument(path: &Path) -> Option<&str> {
    let text = path.to_str()?;
    (text != FILE_NAME && text != "./gate.toml").then_some(text)
}

/// Whether the advisory audit reads the downloaded database (no `db` configured), which the
/// CI job must fetch first.
fn uses_default_advisory_cache(config: &Config) -> bool {
    config
        .supply
        .as_ref()
        .and_then(|supply| supply.advisories.as_ref())
        .is_some_and(|advisories| advisories.db.is_empty())
}

/// A word for a shell command line: as it is when plainly safe, else single-quoted.
fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._/-+:@".contains(&b));
    if plain {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}
