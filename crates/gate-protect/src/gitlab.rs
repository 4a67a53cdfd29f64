//! Request bodies for GitLab: project merge settings and a protected branch.

use serde_json::{Value, json};

use crate::{BypassActorType, Protection};

/// The two GitLab bodies: project settings and the protected branch.
#[derive(Debug, Clone, PartialEq)]
pub struct GitlabSettings {
    /// The body of `PUT /projects/:id`: merge only after a successful, not skipped, pipeline;
    /// fast-forward merges when linear history is asked for (otherwise the project's merge
    /// method, `ff` or `rebase_merge` included, is left as it is).
    pub project: Value,
    /// The body of `POST /projects/:id/protected_branches`: no direct pushes, maintainers
    /// merge, no force pushes, code-owner approval as configured; the deploy keys among the
    /// bypass actors (`DeployKey` with an `actor_id`) may push, for a release job.
    pub protected_branch: Value,
}

/// The GitLab equivalent of `protection`.
///
/// GitLab has no named required checks: the merge request's pipeline as a whole must succeed,
/// so the check names are not written. Required approvals (merge request approval rules) are
/// a paid GitLab feature with their own API and are not set; nor are bypass actors. Code-owner
/// approval on the protected branch is also a paid feature (ignored on the free tier).
pub fn gitlab_settings(protection: &Protection) -> GitlabSettings {
    let mut project = json!({
        "only_allow_merge_if_pipeline_succeeds": true,
        "allow_merge_on_skipped_pipeline": false,
    });
    if protection.linear_history {
        project["merge_method"] = json!("ff");
    }
    let mut protected_branch = json!({
        "name": protection.branch,
        "push_access_level": 0,
        "merge_access_level": 40,
        "allow_force_push": false,
        "code_owner_approval_required":
            protection.required_approvals > 0 && protection.require_code_owner_review,
    });
    let deploy_keys = gitlab_deploy_keys(protection);
    if !deploy_keys.is_empty() {
        let allowed: Vec<Value> = deploy_keys
            .iter()
            .map(|id| json!({"deploy_key_id": id}))
            .collect();
        protected_branch["allowed_to_push"] = Value::Array(allowed);
    }
    GitlabSettings {
        project,
        protected_branch,
    }
}

/// The ids of the deploy keys that may push to the protected branch.
pub(crate) fn gitlab_deploy_keys(protection: &Protection) -> Vec<u64> {
    protection
        .bypass_actors
        .iter()
        .filter(|actor| actor.actor_type == BypassActorType::DeployKey)
        .filter_map(|actor| actor.actor_id)
        .collect()
}
