//! `[protect]`: how the default branch must be protected — the settings `gate protect plan`
//! and `apply` write, and the saved response `gate check` compares against them.

use std::path::{Path, PathBuf};

use gate_protect::{BypassActor, BypassActorType, BypassMode};
use serde::Deserialize;
use serde_spanned::Spanned;

use super::Problem;

/// The keys of `[protect]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawProtect {
    provider: Option<Spanned<String>>,
    branch: Option<Spanned<String>>,
    default_branch: Option<Spanned<String>>,
    strict: Option<bool>,
    enforce_admins: Option<bool>,
    required_approvals: Option<Spanned<i64>>,
    dismiss_stale_reviews: Option<bool>,
    code_owner_review: Option<bool>,
    linear_history: Option<bool>,
    #[serde(default)]
    checks: Vec<Spanned<String>>,
    any_source: Option<bool>,
    ruleset_name: Option<Spanned<String>>,
    pub(crate) current: Option<Spanned<String>>,
    #[serde(default)]
    bypass: Vec<Spanned<RawBypass>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawBypass {
    actor_type: Spanned<String>,
    actor_id: Option<u64>,
    mode: Option<Spanned<String>>,
}

impl RawProtect {
    /// Where `branch` is written, for errors that compare it with other sections.
    #[cfg(feature = "ci")]
    pub(crate) fn branch_span(&self) -> Option<std::ops::Range<usize>> {
        self.branch.as_ref().map(Spanned::span)
    }
}

/// Where the repository is hosted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Provider {
    /// GitHub: a ruleset (or classic branch protection) with required status checks.
    #[default]
    Github,
    /// GitLab: "pipelines must succeed" and a protected branch.
    Gitlab,
}

/// The protection settings, typed and checked.
// Each flag is one independent toggle of the providers' settings pages.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protect {
    /// Where the repository is hosted.
    pub provider: Provider,
    /// The protected branch; `None`: `[ci] branch`, else `main`.
    pub branch: Option<String>,
    /// The repository's default branch, which a ruleset's `~DEFAULT_BRANCH` means; `None`: the
    /// protected branch (`--fetch` reads it from the repository instead).
    pub default_branch: Option<String>,
    /// Branches must be up to date before merging.
    pub strict: bool,
    /// Administrators are held to the rules too.
    pub enforce_admins: bool,
    /// Approving reviews a pull request needs.
    pub required_approvals: u8,
    /// New commits dismiss earlier approvals.
    pub dismiss_stale_reviews: bool,
    /// Code owners must approve changes to what they own.
    pub code_owner_review: bool,
    /// No merge commits.
    pub linear_history: bool,
    /// Checks required beyond gate's own jobs (other workflows' jobs, such as `test`).
    pub extra_checks: Vec<String>,
    /// Accept the checks from any app, instead of pinning them to GitHub Actions.
    pub any_source: bool,
    /// The ruleset's name: `apply` updates the ruleset of this name, or creates it.
    pub ruleset_name: String,
    /// A saved API response of the current settings; when set, `gate check` runs the drift
    /// check on it.
    pub current: Option<PathBuf>,
    /// The only actors that may bypass.
    pub bypass: Vec<BypassActor>,
}

impl Default for Protect {
    fn default() -> Protect {
        Protect {
            provider: Provider::Github,
            branch: None,
            default_branch: None,
            strict: true,
            enforce_admins: true,
            required_approvals: 0,
            dismiss_stale_reviews: false,
            code_owner_review: false,
            linear_history: false,
            extra_checks: Vec::new(),
            any_source: false,
            ruleset_name: "gate".to_owned(),
            current: None,
            bypass: Vec::new(),
        }
    }
}

/// Turns the raw `[protect]` table into settings; `current` is resolved against `root`.
pub(crate) fn protect(raw: RawProtect, root: &Path) -> Result<Protect, Problem> {
    let defaults = Protect::default();
    let provider = match &raw.provider {
        None => Provider::Github,
        Some(name) => match name.get_ref().as_str() {
            "github" => Provider::Github,
            "gitlab" => Provider::Gitlab,
            other => {
                return Err((
                    Some(name.span()),
                    format!("provider `{other}` is not \"github\" or \"gitlab\""),
                ));
            }
        },
    };
    let branch = match &raw.branch {
        Some(branch) if branch.get_ref().trim().is_empty() => {
            return Err((Some(branch.span()), "`branch` is empty".to_owned()));
        }
        Some(branch) => Some(branch.get_ref().trim().to_owned()),
        None => None,
    };
    let default_branch = match &raw.default_branch {
        Some(branch) if branch.get_ref().trim().is_empty() => {
            return Err((Some(branch.span()), "`default-branch` is empty".to_owned()));
        }
        Some(branch) => Some(branch.get_ref().trim().to_owned()),
        None => None,
    };
    let required_approvals = match &raw.required_approvals {
        None => 0,
        // GitHub accepts 0 to 10 approving reviews.
        Some(count) => u8::try_from(*count.get_ref())
            .ok()
            .filter(|count| *count <= 10)
            .ok_or_else(|| {
                (
                    Some(count.span()),
                    format!(
                        "required-approvals is {}: GitHub takes 0 to 10",
                        count.get_ref()
                    ),
                )
            })?,
    };
    let mut extra_checks = Vec::new();
    for check in &raw.checks {
        let name = check.get_ref().trim();
        if name.is_empty() {
            return Err((Some(check.span()), "a check name is empty".to_owned()));
        }
        extra_checks.push(name.to_owned());
    }
    let ruleset_name = match &raw.ruleset_name {
        Some(name) if name.get_ref().trim().is_empty() => {
            return Err((Some(name.span()), "`ruleset-name` is empty".to_owned()));
        }
        Some(name) => name.get_ref().trim().to_owned(),
        None => defaults.ruleset_name,
    };
    let mut bypass = Vec::new();
    for actor in raw.bypass {
        bypass.push(bypass_actor(actor.get_ref())?);
    }
    Ok(Protect {
        provider,
        branch,
        default_branch,
        strict: raw.strict.unwrap_or(defaults.strict),
        enforce_admins: raw.enforce_admins.unwrap_or(defaults.enforce_admins),
        required_approvals,
        dismiss_stale_reviews: raw
            .dismiss_stale_reviews
            .unwrap_or(defaults.dismiss_stale_reviews),
        code_owner_review: raw.code_owner_review.unwrap_or(defaults.code_owner_review),
        linear_history: raw.linear_history.unwrap_or(defaults.linear_history),
        extra_checks,
        any_source: raw.any_source.unwrap_or(defaults.any_source),
        ruleset_name,
        current: raw.current.map(|path| root.join(path.into_inner())),
        bypass,
    })
}

fn bypass_actor(raw: &RawBypass) -> Result<BypassActor, Problem> {
    let actor_type = match raw.actor_type.get_ref().as_str() {
        "OrganizationAdmin" => BypassActorType::OrganizationAdmin,
        "RepositoryRole" => BypassActorType::RepositoryRole,
        "Team" => BypassActorType::Team,
        "Integration" => BypassActorType::Integration,
        "DeployKey" => BypassActorType::DeployKey,
        "User" => BypassActorType::User,
        other => {
            return Err((
                Some(raw.actor_type.span()),
                format!(
                    "bypass actor-type `{other}` is not one of OrganizationAdmin, RepositoryRole, \
                     Team, Integration, DeployKey, User"
                ),
            ));
        }
    };
    let needs_id = matches!(
        actor_type,
        BypassActorType::RepositoryRole
            | BypassActorType::Team
            | BypassActorType::Integration
            | BypassActorType::User
    );
    if needs_id && raw.actor_id.is_none() {
        return Err((
            Some(raw.actor_type.span()),
            format!(
                "a {} bypass actor needs its `actor-id`",
                actor_type.as_str()
            ),
        ));
    }
    let mode = match &raw.mode {
        None => BypassMode::Always,
        Some(mode) => match mode.get_ref().as_str() {
            "always" => BypassMode::Always,
            "pull_request" | "pull-request" => BypassMode::PullRequest,
            "exempt" => BypassMode::Exempt,
            other => {
                return Err((
                    Some(mode.span()),
                    format!(
                        "bypass mode `{other}` is not \"always\", \"pull_request\" or \"exempt\""
                    ),
                ));
            }
        },
    };
    // GitHub answers 422 to a deploy key that may only bypass by pull request: a deploy key
    // pushes, it never opens one.
    if actor_type == BypassActorType::DeployKey && mode == BypassMode::PullRequest {
        return Err((
            raw.mode.as_ref().map(Spanned::span),
            "a DeployKey bypass actor cannot have mode \"pull_request\" (GitHub rejects it: \
             deploy keys push, they do not open pull requests); use \"always\""
                .to_owned(),
        ));
    }
    Ok(BypassActor {
        actor_type,
        actor_id: raw.actor_id,
        mode,
    })
}
