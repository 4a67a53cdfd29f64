//! What a protected branch must enforce: [`Protection`] and its parts.

use serde::{Deserialize, Serialize};

/// The GitHub App id of GitHub Actions: pin a required check to it so only a workflow job can
/// satisfy it (a commit status posted with some token cannot).
pub const GITHUB_ACTIONS_APP_ID: u64 = 15368;

/// One required status check: the check (job) name and the app that must report it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequiredCheck {
    /// The check name as GitHub shows it (`gate`, or a job name such as `test (ubuntu)`).
    pub context: String,
    /// The GitHub App that must report it; `None` accepts the check from any source.
    pub app_id: Option<u64>,
}

impl RequiredCheck {
    /// A check any app or commit status may satisfy.
    pub fn any(context: impl Into<String>) -> RequiredCheck {
        RequiredCheck {
            context: context.into(),
            app_id: None,
        }
    }

    /// A check only GitHub Actions may satisfy ([`GITHUB_ACTIONS_APP_ID`]).
    pub fn github_actions(context: impl Into<String>) -> RequiredCheck {
        RequiredCheck {
            context: context.into(),
            app_id: Some(GITHUB_ACTIONS_APP_ID),
        }
    }
}

/// Who may bypass a ruleset, spelt as GitHub's `actor_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BypassActorType {
    /// Organization owners (`actor_id` is always `1`).
    OrganizationAdmin,
    /// A repository role: `5` is admin, `4` write, `2` maintain; custom roles have larger ids.
    RepositoryRole,
    /// A team, by team id.
    Team,
    /// A GitHub App, by app id.
    Integration,
    /// Deploy keys (`actor_id` is always `null`).
    DeployKey,
    /// One user, by user id (rulesets of organisation repositories).
    User,
}

impl BypassActorType {
    /// The name GitHub uses (`RepositoryRole`).
    pub fn as_str(self) -> &'static str {
        match self {
            BypassActorType::OrganizationAdmin => "OrganizationAdmin",
            BypassActorType::RepositoryRole => "RepositoryRole",
            BypassActorType::Team => "Team",
            BypassActorType::Integration => "Integration",
            BypassActorType::DeployKey => "DeployKey",
            BypassActorType::User => "User",
        }
    }
}

/// When a bypass actor may bypass, spelt as GitHub's `bypass_mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BypassMode {
    /// Always, pushes included (`always`).
    Always,
    /// Only by merging a pull request (`pull_request`).
    PullRequest,
    /// Exempt: the rules do not apply to the actor at all, and no bypass is even recorded
    /// (`exempt`), which is wider than `always`.
    Exempt,
}

impl BypassMode {
    /// The name GitHub uses (`pull_request`).
    pub fn as_str(self) -> &'static str {
        match self {
            BypassMode::Always => "always",
            BypassMode::PullRequest => "pull_request",
            BypassMode::Exempt => "exempt",
        }
    }

    /// How much it lets through: `pull_request` < `always` < `exempt`. A mode this crate does
    /// not know counts as the widest.
    pub(crate) fn width(mode: &str) -> u8 {
        match mode {
            "pull_request" => 0,
            "always" => 1,
            _ => 2,
        }
    }
}

/// One actor allowed to bypass the ruleset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BypassActor {
    /// What kind of actor.
    pub actor_type: BypassActorType,
    /// Its id; `None` for [`BypassActorType::DeployKey`], and for
    /// [`BypassActorType::OrganizationAdmin`] (written as `1`). For the other types `None`
    /// matches any id in a drift check, and GitHub rejects it in a ruleset body.
    pub actor_id: Option<u64>,
    /// When it may bypass.
    pub mode: BypassMode,
}

impl BypassActor {
    /// The built-in repository admin role (`RepositoryRole` `5`), bypassing always.
    pub fn repository_admin() -> BypassActor {
        BypassActor {
            actor_type: BypassActorType::RepositoryRole,
            actor_id: Some(REPOSITORY_ADMIN_ROLE),
            mode: BypassMode::Always,
        }
    }

    /// The id written in a ruleset body: `1` for organization admins, `null` for deploy keys.
    pub(crate) fn body_id(&self) -> Option<u64> {
        match self.actor_type {
            BypassActorType::OrganizationAdmin => Some(self.actor_id.unwrap_or(1)),
            BypassActorType::DeployKey => None,
            _ => self.actor_id,
        }
    }

    /// Whether it stands for administrators (organization owners or the repository admin role).
    pub(crate) fn is_admin(actor_type: &str, actor_id: Option<u64>) -> bool {
        actor_type == BypassActorType::OrganizationAdmin.as_str()
            || (actor_type == BypassActorType::RepositoryRole.as_str()
                && actor_id == Some(REPOSITORY_ADMIN_ROLE))
    }
}

/// The id of the built-in repository admin role in rulesets' `bypass_actors`.
pub(crate) const REPOSITORY_ADMIN_ROLE: u64 = 5;

/// What the protected branch must enforce. Build it with [`Protection::new`] and set fields.
///
/// Review settings (`dismiss_stale_reviews`, `require_code_owner_review`) only apply when
/// `required_approvals` is above zero: with no approvals there is no pull-request review rule.
// The flags are independent settings, one per toggle of the GitHub and GitLab settings pages.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Protection {
    /// The branch name, without `refs/heads/` (`main`).
    pub branch: String,
    /// The checks that must pass before merging.
    pub checks: Vec<RequiredCheck>,
    /// Branches must be up to date with the base branch before merging.
    pub strict: bool,
    /// Administrators cannot bypass: `enforce_admins` in branch protection; in rulesets, no
    /// admin bypass actor beyond `bypass_actors` (when `false`, the ruleset body lets the
    /// repository admin role bypass, as branch protection does).
    pub enforce_admins: bool,
    /// Approving reviews needed to merge; `0` means no pull-request review rule.
    pub required_approvals: u8,
    /// New commits dismiss earlier approvals.
    pub dismiss_stale_reviews: bool,
    /// A code owner must approve changes to the files they own.
    pub require_code_owner_review: bool,
    /// Merge commits are refused (linear history; fast-forward merges on GitLab).
    pub linear_history: bool,
    /// The only actors that may bypass the ruleset.
    pub bypass_actors: Vec<BypassActor>,
    /// The repository's default branch, which a ruleset's `~DEFAULT_BRANCH` stands for; `None`:
    /// taken to be `branch` (a saved ruleset does not say).
    pub default_branch: Option<String>,
    /// Checks gate's workflow would name but no longer runs (a gate removed from gate.toml): a
    /// rule still requiring one blocks every pull request, as no job reports it.
    pub retired_checks: Vec<String>,
}

impl Protection {
    /// Protection of `branch` requiring `checks`: strict, admins included, no review rule, no
    /// linear-history rule, nobody may bypass. Force pushes and deletion are always blocked.
    pub fn new(branch: impl Into<String>, checks: Vec<RequiredCheck>) -> Protection {
        Protection {
            branch: branch.into(),
            checks,
            strict: true,
            enforce_admins: true,
            required_approvals: 0,
            dismiss_stale_reviews: false,
            require_code_owner_review: false,
            linear_history: false,
            bypass_actors: Vec::new(),
            default_branch: None,
            retired_checks: Vec::new(),
        }
    }

    /// The bypass actors a ruleset body lists: the configured ones, plus the repository admin
    /// role when `enforce_admins` is off and no admin actor is configured.
    pub(crate) fn ruleset_bypass_actors(&self) -> Vec<BypassActor> {
        let mut actors = self.bypass_actors.clone();
        let has_admin = actors
            .iter()
            .any(|actor| BypassActor::is_admin(actor.actor_type.as_str(), actor.body_id()));
        if !self.enforce_admins && !has_admin {
            actors.push(BypassActor::repository_admin());
        }
        actors
    }
}
