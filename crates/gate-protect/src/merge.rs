//! `apply` merges with the settings a repository has instead of replacing them: what gate
//! configures is written, the stronger of two values is kept, and what gate does not manage
//! (settings turned on by hand) stays as it is. [`changes`] lists what a merge changes, for
//! `apply --dry-run`.

use serde_json::{Map, Value, json};

use crate::Protection;

/// The `pull_request` parameters gate writes from its configuration; every other parameter
/// (`require_last_push_approval`, `required_review_thread_resolution`, merge methods…) is the
/// repository's.
const MANAGED_REVIEW_PARAMETERS: [&str; 3] = [
    "required_approving_review_count",
    "dismiss_stale_reviews_on_push",
    "require_code_owner_review",
];

/// The ruleset body `apply` sends when the ruleset exists: `desired` (from
/// [`crate::github_ruleset`]) merged into `current` (`GET …/rulesets/{id}`).
///
/// Name, target, enforcement and bypass actors are gate's (the bypass actors are the only ones
/// configured). Rules of a type gate does not write are kept. For a rule of both, the stronger
/// value of each parameter gate configures wins (more approvals, `true` over `false`), and the
/// other parameters are kept; required checks are the union, less `retired` (checks of gates
/// gate.toml no longer runs). The included refs are the union; excludes that would exclude the
/// protected branch are dropped.
pub fn merge_github_ruleset(desired: &Value, current: &Value, retired: &[String]) -> Value {
    let mut merged = desired.clone();
    let current_rules = current["rules"].as_array().cloned().unwrap_or_default();
    let mut rules: Vec<Value> = desired["rules"].as_array().cloned().unwrap_or_default();
    for rule in &mut rules {
        let kind = rule["type"].as_str().unwrap_or_default().to_owned();
        let Some(existing) = current_rules.iter().find(|r| r["type"] == kind.as_str()) else {
            continue;
        };
        match kind.as_str() {
            "pull_request" => merge_reviews(rule, existing),
            "required_status_checks" => merge_status_checks(rule, existing, retired),
            _ => {}
        }
    }
    for rule in &current_rules {
        if !rules.iter().any(|r| r["type"] == rule["type"]) {
            rules.push(rule.clone());
        }
    }
    merged["rules"] = Value::Array(rules);
    let ours = desired["conditions"]["ref_name"]["include"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut include = ours.clone();
    for entry in current["conditions"]["ref_name"]["include"]
        .as_array()
        .into_iter()
        .flatten()
    {
        if !include.contains(entry) {
            include.push(entry.clone());
        }
    }
    let exclude: Vec<Value> = current["conditions"]["ref_name"]["exclude"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|entry| !ours.contains(entry))
        .cloned()
        .collect();
    merged["conditions"]["ref_name"] = json!({"include": include, "exclude": exclude});
    merged
}

fn merge_reviews(rule: &mut Value, existing: &Value) {
    let mut parameters = existing["parameters"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for key in MANAGED_REVIEW_PARAMETERS {
        let stronger = stronger(&rule["parameters"][key], &existing["parameters"][key]);
        parameters.insert(key.to_owned(), stronger);
    }
    // Keys gate writes only because GitHub requires them in a new rule take the repository's
    // value when it has one.
    for (key, value) in rule["parameters"].as_object().into_iter().flatten() {
        parameters
            .entry(key.clone())
            .or_insert_with(|| value.clone());
    }
    rule["parameters"] = Value::Object(parameters);
}

fn merge_status_checks(rule: &mut Value, existing: &Value, retired: &[String]) {
    let mut parameters = existing["parameters"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let strict_key = "strict_required_status_checks_policy";
    let strict = stronger(
        &rule["parameters"][strict_key],
        &existing["parameters"][strict_key],
    );
    parameters.insert(strict_key.to_owned(), strict);
    let mut checks: Vec<Value> = rule["parameters"]["required_status_checks"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for check in existing["parameters"]["required_status_checks"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let context = check["context"].as_str().unwrap_or_default();
        let ours = checks.iter().any(|c| c["context"] == context);
        if !ours && !retired.iter().any(|name| name == context) {
            checks.push(check.clone());
        }
    }
    parameters.insert("required_status_checks".to_owned(), Value::Array(checks));
    for (key, value) in rule["parameters"].as_object().into_iter().flatten() {
        parameters
            .entry(key.clone())
            .or_insert_with(|| value.clone());
    }
    rule["parameters"] = Value::Object(parameters);
}

/// The stronger of two settings: the larger number, `true` over `false`; `desired` when the
/// repository has no such value.
fn stronger(desired: &Value, current: &Value) -> Value {
    match (desired, current) {
        (Value::Number(a), Value::Number(b)) => {
            if b.as_u64().unwrap_or(0) > a.as_u64().unwrap_or(0) {
                current.clone()
            } else {
                desired.clone()
            }
        }
        (Value::Bool(a), Value::Bool(b)) => Value::Bool(*a || *b),
        _ => desired.clone(),
    }
}

/// The classic protection body `apply` sends (`PUT …/branches/{b}/protection`): `desired`
/// (from [`crate::github_branch_protection`]) merged with `current`, the `GET` response of the
/// same endpoint (`None`: the branch has no protection yet).
///
/// Push restrictions, conversation resolution, creation blocking, branch locking, fork syncing
/// and the review settings gate does not manage (last-push approval, dismissal restrictions,
/// bypass allowances) are kept as they are, instead of being reset by the `PUT`, which
/// replaces the whole protection. Approvals and the booleans gate manages keep the stronger
/// value; required checks are the union, less `retired`.
pub fn merge_github_branch_protection(
    desired: &Value,
    current: Option<&Value>,
    retired: &[String],
) -> Value {
    let Some(current) = current else {
        return desired.clone();
    };
    let mut merged = desired.clone();
    // As a `Value`, a key the response lacks reads as `null` instead of panicking.
    let current = Value::Object(classic_as_request(current));
    for key in [
        "restrictions",
        "required_conversation_resolution",
        "block_creations",
        "lock_branch",
        "allow_fork_syncing",
    ] {
        if let Some(value) = current.get(key).filter(|value| !value.is_null()) {
            merged[key] = value.clone();
        }
    }
    for key in ["enforce_admins", "required_linear_history"] {
        merged[key] = stronger(&desired[key], &current[key]);
    }
    match (
        &desired["required_pull_request_reviews"],
        &current["required_pull_request_reviews"],
    ) {
        (Value::Null, existing) => merged["required_pull_request_reviews"] = existing.clone(),
        (ours, Value::Object(existing)) => {
            let mut reviews = existing.clone();
            for key in [
                "required_approving_review_count",
                "dismiss_stale_reviews",
                "require_code_owner_reviews",
            ] {
                let value = stronger(&ours[key], existing.get(key).unwrap_or(&Value::Null));
                reviews.insert(key.to_owned(), value);
            }
            for (key, value) in ours.as_object().into_iter().flatten() {
                reviews.entry(key.clone()).or_insert_with(|| value.clone());
            }
            merged["required_pull_request_reviews"] = Value::Object(reviews);
        }
        _ => {}
    }
    match (
        &desired["required_status_checks"],
        &current["required_status_checks"],
    ) {
        (Value::Null, existing) => merged["required_status_checks"] = existing.clone(),
        (ours, Value::Object(existing)) => {
            let mut checks: Vec<Value> = ours["checks"].as_array().cloned().unwrap_or_default();
            for check in existing
                .get("checks")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let context = check["context"].as_str().unwrap_or_default();
                let ours = checks.iter().any(|c| c["context"] == context);
                if !ours && !retired.iter().any(|name| name == context) {
                    checks.push(check.clone());
                }
            }
            let strict = stronger(
                &ours["strict"],
                existing.get("strict").unwrap_or(&Value::Null),
            );
            merged["required_status_checks"] = json!({"strict": strict, "checks": checks});
        }
        _ => {}
    }
    merged
}

/// A classic protection `GET` response in the shape of the `PUT` body, to compare with one
/// ([`changes`]).
pub fn branch_protection_as_request(current: &Value) -> Value {
    Value::Object(classic_as_request(current))
}

/// A classic protection `GET` response in the shape of the `PUT` body: `{enabled}` objects as
/// booleans, restrictions and dismissal restrictions as login and slug lists, checks with
/// `app_id` (`-1`: any app).
fn classic_as_request(current: &Value) -> Map<String, Value> {
    let mut request = Map::new();
    let enabled = |key: &str| current[key]["enabled"].as_bool();
    for key in [
        "enforce_admins",
        "required_linear_history",
        "allow_force_pushes",
        "allow_deletions",
        "required_conversation_resolution",
        "block_creations",
        "lock_branch",
        "allow_fork_syncing",
    ] {
        if let Some(value) = enabled(key) {
            request.insert(key.to_owned(), Value::Bool(value));
        }
    }
    if let Some(restrictions) = current.get("restrictions").filter(|r| r.is_object()) {
        request.insert("restrictions".to_owned(), names(restrictions));
    }
    if let Some(reviews) = current
        .get("required_pull_request_reviews")
        .and_then(Value::as_object)
    {
        let mut body = Map::new();
        for key in [
            "required_approving_review_count",
            "dismiss_stale_reviews",
            "require_code_owner_reviews",
            "require_last_push_approval",
        ] {
            if let Some(value) = reviews.get(key) {
                body.insert(key.to_owned(), value.clone());
            }
        }
        for key in ["dismissal_restrictions", "bypass_pull_request_allowances"] {
            if let Some(value) = reviews.get(key).filter(|value| value.is_object()) {
                body.insert(key.to_owned(), names(value));
            }
        }
        request.insert(
            "required_pull_request_reviews".to_owned(),
            Value::Object(body),
        );
    }
    if let Some(status) = current
        .get("required_status_checks")
        .and_then(Value::as_object)
    {
        let checks: Vec<Value> = match status.get("checks").and_then(Value::as_array) {
            Some(checks) => checks
                .iter()
                .map(|check| {
                    json!({
                        "context": check["context"],
                        "app_id": if check["app_id"].is_null() { json!(-1) } else { check["app_id"].clone() },
                    })
                })
                .collect(),
            None => status
                .get("contexts")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|context| json!({"context": context, "app_id": -1}))
                .collect(),
        };
        request.insert(
            "required_status_checks".to_owned(),
            json!({"strict": status.get("strict").cloned().unwrap_or(Value::Bool(false)), "checks": checks}),
        );
    }
    request
}

/// `{users: [{login}], teams: [{slug}], apps: [{slug}]}` as the request's name lists.
fn names(value: &Value) -> Value {
    let list = |key: &str, field: &str| -> Vec<Value> {
        value[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|entry| entry[field].as_str().map(Value::from))
            .collect()
    };
    let mut names = Map::new();
    names.insert("users".to_owned(), Value::Array(list("users", "login")));
    names.insert("teams".to_owned(), Value::Array(list("teams", "slug")));
    if value.get("apps").is_some() {
        names.insert("apps".to_owned(), Value::Array(list("apps", "slug")));
    }
    Value::Object(names)
}

/// What a `PUT` of `after` changes on `before` (both in the request's shape), one line per
/// changed value: `path: before → after`, the path in JSON-pointer style with rules and checks
/// named by their `type` and `context` instead of their position. Keys `after` does not have
/// are not compared (the response's `id`, `_links`…).
pub fn changes(before: &Value, after: &Value) -> Vec<String> {
    let mut lines = Vec::new();
    diff("", before, after, &mut lines);
    lines
}

fn diff(path: &str, before: &Value, after: &Value, lines: &mut Vec<String>) {
    match (before, after) {
        (Value::Object(old), Value::Object(new)) => {
            for (key, value) in new {
                let old_value = old.get(key).unwrap_or(&Value::Null);
                diff(&format!("{path}/{key}"), old_value, value, lines);
            }
        }
        (Value::Array(old), Value::Array(new)) if keyed(new) && keyed(old) => {
            for item in new {
                let key = key_of(item);
                let previous = old.iter().find(|o| key_of(o) == key);
                let item_path = format!("{path}[{key}]");
                match previous {
                    Some(previous) => diff(&item_path, previous, item, lines),
                    None => lines.push(format!("+ {item_path}: {item}")),
                }
            }
            for item in old {
                let key = key_of(item);
                if !new.iter().any(|n| key_of(n) == key) {
                    lines.push(format!("- {path}[{key}]: {item}"));
                }
            }
        }
        _ if before == after => {}
        _ => lines.push(format!("~ {path}: {before} → {after}")),
    }
}

/// Arrays of rules or checks, whose items are compared by name.
fn keyed(items: &[Value]) -> bool {
    !items.is_empty()
        && items
            .iter()
            .all(|item| item.get("type").is_some() || item.get("context").is_some())
}

fn key_of(item: &Value) -> String {
    item.get("type")
        .or_else(|| item.get("context"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Why GitHub would reject `protection` as classic branch protection, if it would.
pub fn branch_protection_problem(protection: &Protection) -> Option<String> {
    // Rulesets take 0 to 10 approving reviews; classic protection only 0 to 6.
    (protection.required_approvals > 6).then(|| {
        format!(
            "classic branch protection takes 0 to 6 required approvals, not {}: lower \
             required-approvals, or apply a ruleset (the default format), which takes up to 10",
            protection.required_approvals
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stronger_value_wins() {
        assert_eq!(stronger(&json!(1), &json!(2)), json!(2));
        assert_eq!(stronger(&json!(3), &json!(2)), json!(3));
        assert_eq!(stronger(&json!(false), &json!(true)), json!(true));
        assert_eq!(stronger(&json!(true), &Value::Null), json!(true));
    }

    #[test]
    fn odd_responses_merge_without_panicking() {
        let desired_ruleset = json!({"rules": [{"type": "pull_request", "parameters": {}}],
            "conditions": {"ref_name": {"include": ["refs/heads/main"], "exclude": []}}});
        let desired_classic = json!({"required_status_checks": {"strict": true, "checks": []},
            "required_pull_request_reviews": {"required_approving_review_count": 1}});
        for current in [
            json!(null),
            json!([]),
            json!("x"),
            json!({}),
            json!({"rules": "x", "conditions": 1}),
            json!({"rules": [{"type": "pull_request", "parameters": 3}]}),
            json!({"restrictions": [], "required_status_checks": {"checks": "x"},
                "required_pull_request_reviews": {"dismissal_restrictions": 1}}),
        ] {
            let _ = merge_github_ruleset(&desired_ruleset, &current, &[]);
            let _ = merge_github_branch_protection(&desired_classic, Some(&current), &[]);
            let _ = changes(&current, &desired_ruleset);
        }
    }

    #[test]
    fn changes_name_rules_and_checks() {
        let before = json!({"rules": [{"type": "deletion"}, {"type": "pull_request",
            "parameters": {"required_approving_review_count": 0}}], "id": 1});
        let after = json!({"rules": [{"type": "pull_request",
            "parameters": {"required_approving_review_count": 1}}, {"type": "non_fast_forward"}]});
        assert_eq!(
            changes(&before, &after),
            [
                "~ /rules[pull_request]/parameters/required_approving_review_count: 0 → 1",
                "+ /rules[non_fast_forward]: {\"type\":\"non_fast_forward\"}",
                "- /rules[deletion]: {\"type\":\"deletion\"}",
            ]
        );
    }
}
