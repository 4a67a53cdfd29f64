//! The protect gate: required status checks as GitHub rulesets / branch protection and GitLab
//! settings, and a drift check of the settings a repository actually has.
//!
//! Describe what the protected branch must enforce as a [`Protection`]; this crate turns it into
//! request bodies ([`github_ruleset`], [`github_branch_protection`], [`gitlab_settings`]) or
//! whole calls ([`github_ruleset_request`], [`github_branch_protection_request`],
//! [`gitlab_requests`]) for the caller to send, and compares a saved API response with it
//! ([`check_drift`]), reporting each weaker setting as a failing finding of one of [`RULES`].
//! It is pure: it never opens a connection, reads the environment or prints.
//!
//! ```
//! use gate_protect::{Protection, RequiredCheck, check_drift, github_ruleset_request};
//! use serde_json::json;
//!
//! let protection = Protection::new("main", vec![RequiredCheck::github_actions("gate")]);
//!
//! let request = github_ruleset_request(&protection, "acme/beacon", "gate", None);
//! assert_eq!(request.method.as_str(), "POST");
//! assert_eq!(request.path, "/repos/acme/beacon/rulesets");
//! assert_eq!(request.body["conditions"]["ref_name"]["include"][0], "refs/heads/main");
//!
//! // A ruleset someone switched to "evaluate" and whose check accepts any source.
//! let current = json!({
//!     "id": 42, "name": "gate", "target": "branch", "enforcement": "evaluate",
//!     "bypass_actors": [],
//!     "conditions": {"ref_name": {"include": ["~DEFAULT_BRANCH"], "exclude": []}},
//!     "rules": [
//!         {"type": "deletion"}, {"type": "non_fast_forward"},
//!         {"type": "required_status_checks", "parameters": {
//!             "strict_required_status_checks_policy": true,
//!             "required_status_checks": [{"context": "gate"}]}}
//!     ]
//! });
//! let report = check_drift(&protection, &current, "ruleset.json")?;
//! let rules: Vec<&str> = report.findings.iter().map(|f| f.rule.id).collect();
//! assert_eq!(rules, ["protect/enforcement-disabled", "protect/check-source"]);
//! # Ok::<(), gate_protect::ProtectError>(())
//! ```

mod drift;
mod github;
mod gitlab;
mod merge;
mod model;
mod refname;
mod request;
mod response;
pub mod rules;

pub use drift::{GATE, MISSING_CHECKS, REQUIRED_CHECKS, check_drift};
pub use github::{github_branch_protection, github_ruleset};
pub use gitlab::{GitlabSettings, gitlab_settings};
pub use merge::{
    branch_protection_as_request, branch_protection_problem, changes,
    merge_github_branch_protection, merge_github_ruleset,
};
pub use model::{
    BypassActor, BypassActorType, BypassMode, GITHUB_ACTIONS_APP_ID, Protection, RequiredCheck,
};
pub use request::{
    ApiRequest, Method, github_branch_protection_get_request, github_branch_protection_request,
    github_repository_get_request, github_ruleset_get_request, github_ruleset_request,
    github_rulesets_list_request, gitlab_project_get_request, gitlab_protected_branch_get_request,
    gitlab_requests,
};
pub use rules::RULES;

/// Why a saved API response could not be checked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProtectError {
    /// The value is none of the responses [`check_drift`] reads.
    #[error(
        "{file}: not a protection setting gate reads: found {hint}; expected {}",
        response::SHAPES
    )]
    UnrecognisedShape {
        /// The file the value came from.
        file: String,
        /// What the value looks like instead, and the likely mistake.
        hint: String,
    },
    /// A recognised response with a field of the wrong type.
    #[error("{file}: unexpected field types in {what}: {source}")]
    Malformed {
        /// The file the value came from.
        file: String,
        /// Which part (`the ruleset`, `the pull_request rule's parameters`).
        what: String,
        /// What `serde_json` reported.
        #[source]
        source: serde_json::Error,
    },
}

/// The README's example, compiled as a doctest so it cannot drift.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctest;
