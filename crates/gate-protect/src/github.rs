//! Request bodies for GitHub: a repository ruleset and classic branch protection.

use serde_json::{Map, Value, json};

use crate::Protection;

/// The body of `POST /repos/{owner}/{repo}/rulesets` (or `PUT …/rulesets/{id}`): an active
/// branch ruleset named `name` that targets `refs/heads/<branch>`.
///
/// Rules: `deletion` and `non_fast_forward` always; `required_linear_history` when asked;
/// `pull_request` when approvals are required; `required_status_checks` (each check pinned to
/// its app through `integration_id`, omitted for any source) when there are checks.
/// `bypass_actors` lists the configured actors, plus the repository admin role when
/// `enforce_admins` is off.
pub fn github_ruleset(protection: &Protection, name: &str) -> Value {
    let bypass_actors: Vec<Value> = protection
        .ruleset_bypass_actors()
        .iter()
        .map(|actor| {
            json!({
                "actor_id": actor.body_id(),
                "actor_type": actor.actor_type.as_str(),
                "bypass_mode": actor.mode.as_str(),
            })
        })
        .collect();
    let mut rules = vec![
        json!({"type": "deletion"}),
        json!({"type": "non_fast_forward"}),
    ];
    if protection.linear_history {
        rules.push(json!({"type": "required_linear_history"}));
    }
    if protection.required_approvals > 0 {
        rules.push(json!({
            "type": "pull_request",
            "parameters": {
                "required_approving_review_count": protection.required_approvals,
                "dismiss_stale_reviews_on_push": protection.dismiss_stale_reviews,
                "require_code_owner_review": protection.require_code_owner_review,
                "require_last_push_approval": false,
                "required_review_thread_resolution": false,
            },
        }));
    }
    if !protection.checks.is_empty() {
        let checks: Vec<Value> = protection
            .checks
            .iter()
            .map(|check| {
                let mut entry = Map::new();
                entry.insert("context".into(), Value::from(check.context.as_str()));
                if let Some(app_id) = check.app_id {
                    entry.insert("integration_id".into(), Value::from(app_id));
                }
                Value::Object(entry)
            })
            .collect();
        rules.push(json!({
            "type": "required_status_checks",
            "parameters": {
                "strict_required_status_checks_policy": protection.strict,
                "do_not_enforce_on_create": false,
                "required_status_checks": checks,
            },
        }));
    }
    json!({
        "name": name,
        "target": "branch",
        "enforcement": "active",
        "bypass_actors": bypass_actors,
        "conditions": {
            "ref_name": {
                "include": [format!("refs/heads/{}", protection.branch)],
                "exclude": [],
            },
        },
        "rules": rules,
    })
}

/// The body of `PUT /repos/{owner}/{repo}/branches/{branch}/protection`.
///
/// Every key the endpoint requires is present: `required_status_checks` (`null` without
/// checks), `enforce_admins`, `required_pull_request_reviews` (`null` without approvals) and
/// `restrictions` (`null`: no push restrictions). A check pinned to an app carries its
/// `app_id`; a check from any source carries `app_id: -1`, because GitHub reads a missing
/// `app_id` as "the app that last reported this check" rather than "any app".
/// Bypass actors have no equivalent here and are not written.
pub fn github_branch_protection(protection: &Protection) -> Value {
    let status_checks = if protection.checks.is_empty() {
        Value::Null
    } else {
        let checks: Vec<Value> = protection
            .checks
            .iter()
            .map(|check| {
                json!({
                    "context": check.context,
                    "app_id": check.app_id.map_or(Value::from(-1), Value::from),
                })
            })
            .collect();
        json!({"strict": protection.strict, "checks": checks})
    };
    let reviews = if protection.required_approvals > 0 {
        json!({
            "dismiss_stale_reviews": protection.dismiss_stale_reviews,
            "require_code_owner_reviews": protection.require_code_owner_review,
            "required_approving_review_count": protection.required_approvals,
            "require_last_push_approval": false,
        })
    } else {
        Value::Null
    };
    json!({
        "required_status_checks": status_checks,
        "enforce_admins": protection.enforce_admins,
        "required_pull_request_reviews": reviews,
        "restrictions": null,
        "required_linear_history": protection.linear_history,
        "allow_force_pushes": false,
        "allow_deletions": false,
    })
}
