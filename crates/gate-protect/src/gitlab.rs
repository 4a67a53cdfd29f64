//! Request bodies for GitLab: project merge settings and a protected branch.

use serde_json::{Value, json};

use crate::Protection;

/// The two GitLab bodies: project settings and the protected branch.
#[derive(Debug, Clone, PartialEq)]
pub struct GitlabSettings {
    /// The body of `PUT /projects/:id`: merge only after a successful, not skipped, pipeline;
    /// fast-forward merges when linear history is asked for.
    pub project: Value,
    /// The body of `POST /projects/:id/protected_branches`: no direct pushes, maintainers
    /// merge, no force pushes, code-owner approval as configured.
    pub protected_branch: Value,
}

/// The GitLab equivalent of `protection`.
///
/// GitLab has no named required checks: the merge request's pipeline as a whole must succeed,
/// so the check names are not written. Required approvals (merge request approval rules) are
/// a paid GitLab feature with their own API and are not set; nor are bypass actors. Code-owner
/// approval on the protected branch is also a paid feature (ignored on the free tier).
pub fn gitlab_settings(protection: &Protection) -> GitlabSettings {
    let merge_method = if protection.linear_history {
        "ff"
    } else {
        "merge"
    };
    GitlabSettings {
        project: json!({
            "only_allow_merge_if_pipeline_succeeds": true,
            "allow_merge_on_skipped_pipeline": false,
            "merge_method": merge_method,
        }),
        protected_branch: json!({
            "name": protection.branch,
            "push_access_level": 0,
            "merge_access_level": 40,
            "allow_force_push": false,
            "code_owner_approval_required":
                protection.required_approvals > 0 && protection.require_code_owner_review,
        }),
    }
}
