//! The protect gate's glue: the protection gate.toml asks for, with gate's CI jobs as the
//! required checks, and the drift check of a saved API response for `gate check`.

use std::path::Path;

use gate_core::{GateError, GateReport};
use gate_protect::{Protection, RequiredCheck};

use crate::Config;
use crate::ci_checks::{required_checks, retired_checks};
use crate::settings::protect::Protect;

/// The gate's name in reports.
pub const GATE: &str = gate_protect::GATE;

/// The protected branch: `[protect] branch`, else `[ci] branch`, else `main`.
pub fn branch(protect: &Protect, config: &Config) -> String {
    protect
        .branch
        .clone()
        .or_else(|| ci_branch(config))
        .unwrap_or_else(|| "main".to_owned())
}

#[cfg(feature = "ci")]
fn ci_branch(config: &Config) -> Option<String> {
    config.ci.as_ref().map(|ci| ci.branch.clone())
}

/// Without the `ci` feature `[ci]` is not read, so its branch is not known.
#[cfg(not(feature = "ci"))]
fn ci_branch(_config: &Config) -> Option<String> {
    None
}

/// The protection to enforce: every job `gate ci github` writes for a pull request (pinned to
/// GitHub Actions unless `any-source`), then the extra checks (from any source: other CI
/// systems report them too).
pub fn protection(protect: &Protect, config: &Config) -> Protection {
    let mut checks: Vec<RequiredCheck> = required_checks(config)
        .into_iter()
        .map(|name| {
            if protect.any_source {
                RequiredCheck::any(name)
            } else {
                RequiredCheck::github_actions(name)
            }
        })
        .collect();
    for name in &protect.extra_checks {
        if !checks.iter().any(|check| &check.context == name) {
            checks.push(RequiredCheck::any(name.clone()));
        }
    }
    let mut protection = Protection::new(branch(protect, config), checks);
    protection.strict = protect.strict;
    protection.enforce_admins = protect.enforce_admins;
    protection.required_approvals = protect.required_approvals;
    protection.dismiss_stale_reviews = protect.dismiss_stale_reviews;
    protection.require_code_owner_review = protect.code_owner_review;
    protection.linear_history = protect.linear_history;
    protection.bypass_actors.clone_from(&protect.bypass);
    protection
        .default_branch
        .clone_from(&protect.default_branch);
    protection.retired_checks = retired_checks(config)
        .into_iter()
        .filter(|name| !protect.extra_checks.contains(name))
        .collect();
    if let Some(actor) = publish_bypass(config)
        && !protection.bypass_actors.contains(&actor)
    {
        protection.bypass_actors.push(actor);
    }
    protection
}

/// The identity `[ci.publish]` pushes releases with, as the bypass actor that lets it push
/// past the ruleset: the GitHub App by id, or deploy keys (always, which GitHub requires of a
/// deploy key).
#[cfg(feature = "ci")]
fn publish_bypass(config: &Config) -> Option<gate_protect::BypassActor> {
    use crate::settings::ci::PublishIdentity;
    use gate_protect::{BypassActor, BypassActorType, BypassMode};
    let (actor_type, actor_id) = match config.ci.as_ref()?.publish.as_ref()? {
        PublishIdentity::App { app_id, .. } => (BypassActorType::Integration, Some(*app_id)),
        PublishIdentity::DeployKey { .. } => (BypassActorType::DeployKey, None),
    };
    Some(BypassActor {
        actor_type,
        actor_id,
        mode: BypassMode::Always,
    })
}

/// Without the `ci` feature `[ci]` is not read, so no publish identity is known.
#[cfg(not(feature = "ci"))]
fn publish_bypass(_config: &Config) -> Option<gate_protect::BypassActor> {
    None
}

/// Compares the saved response at `current` with the protection gate.toml asks for. A file
/// that cannot be read or is not a response gate knows is an error (exit 2), never a pass.
pub fn run(protect: &Protect, config: &Config, current: &Path) -> GateReport {
    let shown = current
        .strip_prefix(&config.root)
        .unwrap_or(current)
        .display()
        .to_string();
    let text = match crate::io::read_text(current) {
        Ok(text) => text,
        Err(error) => {
            return GateReport::errored(
                GATE,
                GateError::new(format!("cannot read {shown}: {error}")),
            );
        }
    };
    let value: serde_json::Value = match serde_json::from_str(&text) {
        Ok(value) => value,
        Err(error) => {
            return GateReport::errored(
                GATE,
                GateError::new(format!(
                    "{shown}:{}:{}: not JSON: {error}",
                    error.line(),
                    error.column()
                )),
            );
        }
    };
    gate_protect::check_drift(&protection(protect, config), &value, &shown)
        .unwrap_or_else(|error| GateReport::errored(GATE, GateError::new(error.to_string())))
}
