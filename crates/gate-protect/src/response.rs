//! The API responses the drift check reads: which shape a value is, and the parts of each
//! shape it compares (unknown fields are ignored).

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::ProtectError;

/// The response shapes [`crate::check_drift`] accepts, for error messages.
pub(crate) const SHAPES: &str = "a GitHub ruleset (GET /repos/OWNER/REPO/rulesets/ID), an array \
     of such rulesets, the rules for a branch (GET /repos/OWNER/REPO/rules/branches/BRANCH), \
     classic branch protection (GET /repos/OWNER/REPO/branches/BRANCH/protection), GitLab \
     project settings (GET /projects/ID), a GitLab protected branch (GET \
     /projects/ID/protected_branches/BRANCH), or both as {\"project\": …, \"protected_branch\": …}";

/// The response shapes, recognised by their fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Ruleset,
    Rulesets,
    BranchRules,
    BranchProtection,
    GitlabProject,
    GitlabProtectedBranch,
    GitlabSettings,
}

pub(crate) fn detect(current: &Value) -> Option<Shape> {
    match current {
        Value::Object(object) if is_ruleset(object) => Some(Shape::Ruleset),
        Value::Object(object) if object.contains_key("only_allow_merge_if_pipeline_succeeds") => {
            Some(Shape::GitlabProject)
        }
        Value::Object(object) if object.contains_key("push_access_levels") => {
            Some(Shape::GitlabProtectedBranch)
        }
        Value::Object(object)
            if object.contains_key("protected_branch")
                && object.get("project").is_some_and(|project| {
                    project
                        .get("only_allow_merge_if_pipeline_succeeds")
                        .is_some()
                }) =>
        {
            Some(Shape::GitlabSettings)
        }
        Value::Object(object)
            if [
                "enforce_admins",
                "required_status_checks",
                "allow_force_pushes",
            ]
            .iter()
            .any(|key| object.contains_key(*key)) =>
        {
            Some(Shape::BranchProtection)
        }
        Value::Array(items) if items.is_empty() => Some(Shape::BranchRules),
        Value::Array(items)
            if items
                .iter()
                .all(|item| item.as_object().is_some_and(is_ruleset)) =>
        {
            Some(Shape::Rulesets)
        }
        Value::Array(items) if items.iter().all(is_branch_rule) => Some(Shape::BranchRules),
        _ => None,
    }
}

pub(crate) fn is_ruleset(object: &Map<String, Value>) -> bool {
    object.get("rules").is_some_and(Value::is_array)
        && object.get("enforcement").is_some_and(Value::is_string)
}

pub(crate) fn is_branch_rule(item: &Value) -> bool {
    item.as_object().is_some_and(|object| {
        object.get("type").is_some_and(Value::is_string)
            && (object.contains_key("ruleset_id") || object.contains_key("ruleset_source_type"))
    })
}

/// What the unrecognised value looks like, and the likely mistake.
pub(crate) fn describe(current: &Value) -> String {
    match current {
        Value::Object(object) => {
            if let Some(message) = object.get("message").and_then(Value::as_str) {
                if message == "Branch not protected" {
                    return "GitHub's answer for a branch without classic protection \
                            (\"Branch not protected\")"
                        .to_owned();
                }
                return format!("an API error response (\"{message}\")");
            }
            if object.contains_key("full_name") && object.contains_key("default_branch") {
                return "a repository (GET /repos/OWNER/REPO), not its rules or protection"
                    .to_owned();
            }
            let keys: Vec<&str> = object.keys().map(String::as_str).take(8).collect();
            if keys.is_empty() {
                "an empty object".to_owned()
            } else {
                format!("an object with keys {}", keys.join(", "))
            }
        }
        Value::Array(items) => {
            if items
                .iter()
                .any(|item| item.get("enforcement").is_some() && item.get("rules").is_none())
            {
                return "a ruleset list without rules (GET /repos/OWNER/REPO/rulesets omits \
                        them: save each ruleset with GET /repos/OWNER/REPO/rulesets/ID)"
                    .to_owned();
            }
            format!(
                "an array of {} items that are neither rulesets nor rules",
                items.len()
            )
        }
        Value::String(_) => "a string".to_owned(),
        Value::Number(_) => "a number".to_owned(),
        Value::Bool(_) => "a boolean".to_owned(),
        Value::Null => "null".to_owned(),
    }
}

pub(crate) fn parse<T: DeserializeOwned>(
    current: &Value,
    file: &str,
    what: &str,
) -> Result<T, ProtectError> {
    T::deserialize(current).map_err(|source| malformed(file, what, source))
}

pub(crate) fn malformed(file: &str, what: &str, source: serde_json::Error) -> ProtectError {
    ProtectError::Malformed {
        file: file.to_owned(),
        what: what.to_owned(),
        source,
    }
}

// ---- The responses, as far as the check reads them (unknown fields are ignored). ----

#[derive(Debug, Deserialize)]
pub(crate) struct RawRuleset {
    #[serde(default)]
    pub(crate) id: Option<u64>,
    #[serde(default)]
    pub(crate) name: Option<String>,
    #[serde(default)]
    pub(crate) target: Option<String>,
    pub(crate) enforcement: String,
    #[serde(default)]
    pub(crate) bypass_actors: Option<Vec<RawBypassActor>>,
    #[serde(default)]
    pub(crate) conditions: Option<RawConditions>,
    pub(crate) rules: Vec<RawRule>,
}

impl RawRuleset {
    pub(crate) fn label(&self) -> String {
        match (&self.name, self.id) {
            (Some(name), Some(id)) => format!("ruleset `{name}` (id {id})"),
            (Some(name), None) => format!("ruleset `{name}`"),
            (None, Some(id)) => format!("ruleset {id}"),
            (None, None) => "the ruleset".to_owned(),
        }
    }

    pub(crate) fn is_branch_ruleset(&self) -> bool {
        self.target
            .as_deref()
            .is_none_or(|target| target == "branch")
    }

    pub(crate) fn ref_name(&self) -> (&[String], &[String]) {
        self.conditions
            .as_ref()
            .and_then(|conditions| conditions.ref_name.as_ref())
            .map_or((&[], &[]), |ref_name| {
                (ref_name.include.as_slice(), ref_name.exclude.as_slice())
            })
    }

    pub(crate) fn covers(&self, branch: &str, default_branch: &str) -> bool {
        let (include, exclude) = self.ref_name();
        self.is_branch_ruleset() && crate::refname::covers(include, exclude, branch, default_branch)
    }

    /// The rule types of this ruleset the drift check compares.
    pub(crate) fn checked_rule_types(&self) -> Vec<&str> {
        self.rules
            .iter()
            .map(|rule| rule.kind.as_str())
            .filter(|kind| CHECKED_RULE_TYPES.contains(kind))
            .collect()
    }

    pub(crate) fn identity(&self) -> Value {
        let (include, exclude) = self.ref_name();
        json!({
            "ruleset": self.name,
            "ruleset_id": self.id,
            "target": self.target,
            "include": include,
            "exclude": exclude,
        })
    }
}

/// The rule types the drift check compares; a ruleset with none of them protects nothing gate
/// asks for, so who may bypass it does not matter here.
pub(crate) const CHECKED_RULE_TYPES: [&str; 5] = [
    "required_status_checks",
    "pull_request",
    "required_linear_history",
    "non_fast_forward",
    "deletion",
];

#[derive(Debug, Deserialize)]
pub(crate) struct RawBypassActor {
    #[serde(default)]
    pub(crate) actor_id: Option<u64>,
    pub(crate) actor_type: String,
    #[serde(default)]
    pub(crate) bypass_mode: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawConditions {
    #[serde(default)]
    pub(crate) ref_name: Option<RawRefName>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawRefName {
    #[serde(default)]
    pub(crate) include: Vec<String>,
    #[serde(default)]
    pub(crate) exclude: Vec<String>,
}

/// A rule, in a ruleset or in the rules for a branch.
#[derive(Debug, Deserialize)]
pub(crate) struct RawRule {
    #[serde(rename = "type")]
    pub(crate) kind: String,
    #[serde(default)]
    pub(crate) parameters: Option<Value>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawStatusChecks {
    #[serde(default)]
    pub(crate) required_status_checks: Vec<RawRulesetCheck>,
    #[serde(default)]
    pub(crate) strict_required_status_checks_policy: bool,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawRulesetCheck {
    pub(crate) context: String,
    #[serde(default)]
    pub(crate) integration_id: Option<u64>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawPullRequest {
    #[serde(default)]
    pub(crate) required_approving_review_count: u64,
    #[serde(default)]
    pub(crate) dismiss_stale_reviews_on_push: bool,
    #[serde(default)]
    pub(crate) require_code_owner_review: bool,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawBranchProtection {
    #[serde(default)]
    pub(crate) url: Option<String>,
    #[serde(default)]
    pub(crate) required_status_checks: Option<RawClassicChecks>,
    #[serde(default)]
    pub(crate) enforce_admins: Option<Enabled>,
    #[serde(default)]
    pub(crate) required_pull_request_reviews: Option<RawClassicReviews>,
    #[serde(default)]
    pub(crate) required_linear_history: Option<Enabled>,
    #[serde(default)]
    pub(crate) allow_force_pushes: Option<Enabled>,
    #[serde(default)]
    pub(crate) allow_deletions: Option<Enabled>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Enabled {
    pub(crate) enabled: bool,
}

pub(crate) fn enabled(setting: Option<&Enabled>) -> bool {
    setting.is_some_and(|setting| setting.enabled)
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawClassicChecks {
    #[serde(default)]
    pub(crate) strict: bool,
    #[serde(default)]
    pub(crate) contexts: Vec<String>,
    #[serde(default)]
    pub(crate) checks: Option<Vec<RawClassicCheck>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawClassicCheck {
    pub(crate) context: String,
    /// `null` (or `-1` in a request) is any app.
    #[serde(default)]
    pub(crate) app_id: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawClassicReviews {
    #[serde(default)]
    pub(crate) required_approving_review_count: u64,
    #[serde(default)]
    pub(crate) dismiss_stale_reviews: bool,
    #[serde(default)]
    pub(crate) require_code_owner_reviews: bool,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawGitlabProject {
    pub(crate) only_allow_merge_if_pipeline_succeeds: bool,
    #[serde(default)]
    pub(crate) allow_merge_on_skipped_pipeline: Option<bool>,
    #[serde(default)]
    pub(crate) merge_method: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawGitlabProtectedBranch {
    pub(crate) name: String,
    pub(crate) push_access_levels: Vec<RawGitlabAccessLevel>,
    #[serde(default)]
    pub(crate) allow_force_push: bool,
    #[serde(default)]
    pub(crate) code_owner_approval_required: bool,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawGitlabAccessLevel {
    /// 0 no one, 30 developers, 40 maintainers, 60 administrators; `null` for a user or group.
    pub(crate) access_level: Option<u64>,
    #[serde(default)]
    pub(crate) access_level_description: Option<String>,
    /// The deploy key allowed to push, for a deploy key's entry.
    #[serde(default)]
    pub(crate) deploy_key_id: Option<u64>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawGitlabSettings {
    pub(crate) project: RawGitlabProject,
    pub(crate) protected_branch: Option<RawGitlabProtectedBranch>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_recognised_by_their_fields() {
        assert_eq!(
            detect(&json!({"rules": [], "enforcement": "active"})),
            Some(Shape::Ruleset)
        );
        assert_eq!(
            detect(&json!([{"rules": [], "enforcement": "active"}])),
            Some(Shape::Rulesets)
        );
        assert_eq!(detect(&json!([])), Some(Shape::BranchRules));
        assert_eq!(
            detect(&json!([{"type": "deletion", "ruleset_id": 1}])),
            Some(Shape::BranchRules)
        );
        assert_eq!(
            detect(&json!({"enforce_admins": {"enabled": true}})),
            Some(Shape::BranchProtection)
        );
        assert_eq!(
            detect(&json!({"only_allow_merge_if_pipeline_succeeds": true})),
            Some(Shape::GitlabProject)
        );
        assert_eq!(
            detect(&json!({"name": "main", "push_access_levels": []})),
            Some(Shape::GitlabProtectedBranch)
        );
        assert_eq!(
            detect(&json!({
                "project": {"only_allow_merge_if_pipeline_succeeds": true},
                "protected_branch": null
            })),
            Some(Shape::GitlabSettings)
        );
        assert_eq!(detect(&json!({"name": "x"})), None);
        assert_eq!(detect(&json!([{"type": "deletion"}])), None);
        assert_eq!(detect(&json!("main")), None);
    }

    #[test]
    fn descriptions_point_at_the_likely_mistake() {
        assert!(describe(&json!([{"id": 1, "enforcement": "active"}])).contains("rulesets/ID"));
        assert!(describe(&json!({"message": "Branch not protected"})).contains("without classic"));
        assert_eq!(
            describe(&json!({"message": "Not Found"})),
            "an API error response (\"Not Found\")"
        );
        assert_eq!(describe(&json!({"a": 1})), "an object with keys a");
    }
}
