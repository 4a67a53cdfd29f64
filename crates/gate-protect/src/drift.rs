//! The drift check: a saved API response compared with the [`Protection`] it should enforce.

use gate_core::{Finding, GateReport, Metric, Rule, Verdict};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::rules::{
    ADMINS_EXEMPT, BRANCH_NOT_COVERED, CHECK_SOURCE, DELETION_ALLOWED, DIRECT_PUSH_ALLOWED,
    ENFORCEMENT_DISABLED, FORCE_PUSH_ALLOWED, LINEAR_HISTORY, MISSING_CHECK, NOT_STRICT,
    PIPELINE_NOT_REQUIRED, WEAKER_REVIEWS,
};
use crate::{BypassActor, BypassActorType, GITHUB_ACTIONS_APP_ID, ProtectError, Protection};

/// The gate name of the report [`check_drift`] returns.
pub const GATE: &str = "protect";

/// The metric counting the configured required checks.
pub const REQUIRED_CHECKS: &str = "required_checks";

/// The metric counting `protect/missing-check` findings.
pub const MISSING_CHECKS: &str = "missing_checks";

/// The response shapes [`check_drift`] accepts, for error messages.
pub(crate) const SHAPES: &str = "a GitHub ruleset (GET /repos/OWNER/REPO/rulesets/ID), an array \
     of such rulesets, the rules for a branch (GET /repos/OWNER/REPO/rules/branches/BRANCH), \
     classic branch protection (GET /repos/OWNER/REPO/branches/BRANCH/protection), GitLab \
     project settings (GET /projects/ID), a GitLab protected branch (GET \
     /projects/ID/protected_branches/BRANCH), or both as {\"project\": …, \"protected_branch\": …}";

/// Compares `current`, a saved API response, with `protection`, and reports each way the
/// repository enforces less than configured as a failing finding targeted at `source`.
///
/// `current` may be any of these responses (the shape is recognised from its fields):
///
/// 1. one GitHub ruleset, `GET /repos/{owner}/{repo}/rulesets/{id}`;
/// 2. an array of such rulesets: the active branch rulesets that cover the branch are merged,
///    as GitHub layers them (a check required by any of them counts);
/// 3. the rules that apply to a branch, `GET /repos/{owner}/{repo}/rules/branches/{branch}`
///    (an empty array means no rule applies): enforcement and bypass actors are not part of
///    that response and are not checked;
/// 4. classic branch protection, `GET /repos/{owner}/{repo}/branches/{branch}/protection`;
/// 5. GitLab project settings, `GET /projects/{id}`: GitLab has no named required checks, so
///    only the pipeline requirement and the merge method are checked;
/// 6. a GitLab protected branch, `GET /projects/{id}/protected_branches/{name}`: direct pushes,
///    force pushes and code-owner approval;
/// 7. both GitLab responses as `{"project": …, "protected_branch": …}`, `null` for a branch
///    that is not protected (what `gate protect check --fetch` reads from GitLab).
///
/// A stronger setting than configured is not drift, nor is an extra required check. A
/// ruleset's `~DEFAULT_BRANCH` is taken to cover the protected branch. A ruleset without
/// `bypass_actors` (GitHub omits them for callers without write access) is not checked for
/// bypass. Metrics: `required_checks` and `missing_checks`.
///
/// # Errors
///
/// [`ProtectError::UnrecognisedShape`] when `current` is none of the shapes above (the message
/// names `source` and the accepted shapes); [`ProtectError::Malformed`] when a recognised shape
/// has a field of the wrong type.
pub fn check_drift(
    protection: &Protection,
    current: &Value,
    source: &str,
) -> Result<GateReport, ProtectError> {
    let mut drift = Drift {
        protection,
        file: source,
        report: GateReport::new(GATE),
        missing: 0,
    };
    match detect(current) {
        Some(Shape::Ruleset) => {
            let ruleset: RawRuleset = parse(current, source, "the ruleset")?;
            drift.rulesets(&[ruleset], false)?;
        }
        Some(Shape::Rulesets) => {
            let rulesets: Vec<RawRuleset> = parse(current, source, "the rulesets")?;
            drift.rulesets(&rulesets, true)?;
        }
        Some(Shape::BranchRules) => {
            let rules: Vec<RawRule> = parse(current, source, "the branch rules")?;
            let mut found = Found::default();
            found.add_rules(&rules, source)?;
            drift.compare(&found);
        }
        Some(Shape::BranchProtection) => {
            let classic: RawBranchProtection = parse(current, source, "the branch protection")?;
            drift.branch_protection(&classic);
        }
        Some(Shape::GitlabProject) => {
            let project: RawGitlabProject = parse(current, source, "the GitLab project")?;
            drift.gitlab(&project);
        }
        Some(Shape::GitlabProtectedBranch) => {
            let branch: RawGitlabProtectedBranch =
                parse(current, source, "the GitLab protected branch")?;
            drift.gitlab_branch(Some(&branch));
        }
        Some(Shape::GitlabSettings) => {
            let settings: RawGitlabSettings = parse(current, source, "the GitLab settings")?;
            drift.gitlab(&settings.project);
            drift.gitlab_branch(settings.protected_branch.as_ref());
        }
        None => {
            return Err(ProtectError::UnrecognisedShape {
                file: source.to_owned(),
                hint: describe(current),
            });
        }
    }
    Ok(drift.finish())
}

/// The response shapes, recognised by their fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Ruleset,
    Rulesets,
    BranchRules,
    BranchProtection,
    GitlabProject,
    GitlabProtectedBranch,
    GitlabSettings,
}

fn detect(current: &Value) -> Option<Shape> {
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

fn is_ruleset(object: &Map<String, Value>) -> bool {
    object.get("rules").is_some_and(Value::is_array)
        && object.get("enforcement").is_some_and(Value::is_string)
}

fn is_branch_rule(item: &Value) -> bool {
    item.as_object().is_some_and(|object| {
        object.get("type").is_some_and(Value::is_string)
            && (object.contains_key("ruleset_id") || object.contains_key("ruleset_source_type"))
    })
}

/// What the unrecognised value looks like, and the likely mistake.
fn describe(current: &Value) -> String {
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

fn parse<T: DeserializeOwned>(current: &Value, file: &str, what: &str) -> Result<T, ProtectError> {
    T::deserialize(current).map_err(|source| malformed(file, what, source))
}

fn malformed(file: &str, what: &str, source: serde_json::Error) -> ProtectError {
    ProtectError::Malformed {
        file: file.to_owned(),
        what: what.to_owned(),
        source,
    }
}

// ---- The responses, as far as the check reads them (unknown fields are ignored). ----

#[derive(Debug, Deserialize)]
struct RawRuleset {
    #[serde(default)]
    id: Option<u64>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    target: Option<String>,
    enforcement: String,
    #[serde(default)]
    bypass_actors: Option<Vec<RawBypassActor>>,
    #[serde(default)]
    conditions: Option<RawConditions>,
    rules: Vec<RawRule>,
}

impl RawRuleset {
    fn label(&self) -> String {
        match (&self.name, self.id) {
            (Some(name), Some(id)) => format!("ruleset `{name}` (id {id})"),
            (Some(name), None) => format!("ruleset `{name}`"),
            (None, Some(id)) => format!("ruleset {id}"),
            (None, None) => "the ruleset".to_owned(),
        }
    }

    fn is_branch_ruleset(&self) -> bool {
        self.target
            .as_deref()
            .is_none_or(|target| target == "branch")
    }

    fn ref_name(&self) -> (&[String], &[String]) {
        self.conditions
            .as_ref()
            .and_then(|conditions| conditions.ref_name.as_ref())
            .map_or((&[], &[]), |ref_name| {
                (ref_name.include.as_slice(), ref_name.exclude.as_slice())
            })
    }

    fn covers(&self, branch: &str) -> bool {
        let (include, exclude) = self.ref_name();
        self.is_branch_ruleset() && crate::refname::covers(include, exclude, branch)
    }

    fn identity(&self) -> Value {
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

#[derive(Debug, Deserialize)]
struct RawBypassActor {
    #[serde(default)]
    actor_id: Option<u64>,
    actor_type: String,
    #[serde(default)]
    bypass_mode: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RawConditions {
    #[serde(default)]
    ref_name: Option<RawRefName>,
}

#[derive(Debug, Deserialize)]
struct RawRefName {
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
}

/// A rule, in a ruleset or in the rules for a branch.
#[derive(Debug, Deserialize)]
struct RawRule {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    parameters: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct RawStatusChecks {
    #[serde(default)]
    required_status_checks: Vec<RawRulesetCheck>,
    #[serde(default)]
    strict_required_status_checks_policy: bool,
}

#[derive(Debug, Deserialize)]
struct RawRulesetCheck {
    context: String,
    #[serde(default)]
    integration_id: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct RawPullRequest {
    #[serde(default)]
    required_approving_review_count: u64,
    #[serde(default)]
    dismiss_stale_reviews_on_push: bool,
    #[serde(default)]
    require_code_owner_review: bool,
}

#[derive(Debug, Deserialize)]
struct RawBranchProtection {
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    required_status_checks: Option<RawClassicChecks>,
    #[serde(default)]
    enforce_admins: Option<Enabled>,
    #[serde(default)]
    required_pull_request_reviews: Option<RawClassicReviews>,
    #[serde(default)]
    required_linear_history: Option<Enabled>,
    #[serde(default)]
    allow_force_pushes: Option<Enabled>,
    #[serde(default)]
    allow_deletions: Option<Enabled>,
}

#[derive(Debug, Deserialize)]
struct Enabled {
    enabled: bool,
}

fn enabled(setting: Option<&Enabled>) -> bool {
    setting.is_some_and(|setting| setting.enabled)
}

#[derive(Debug, Deserialize)]
struct RawClassicChecks {
    #[serde(default)]
    strict: bool,
    #[serde(default)]
    contexts: Vec<String>,
    #[serde(default)]
    checks: Option<Vec<RawClassicCheck>>,
}

#[derive(Debug, Deserialize)]
struct RawClassicCheck {
    context: String,
    /// `null` (or `-1` in a request) is any app.
    #[serde(default)]
    app_id: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct RawClassicReviews {
    #[serde(default)]
    required_approving_review_count: u64,
    #[serde(default)]
    dismiss_stale_reviews: bool,
    #[serde(default)]
    require_code_owner_reviews: bool,
}

#[derive(Debug, Deserialize)]
struct RawGitlabProject {
    only_allow_merge_if_pipeline_succeeds: bool,
    #[serde(default)]
    allow_merge_on_skipped_pipeline: Option<bool>,
    #[serde(default)]
    merge_method: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RawGitlabProtectedBranch {
    name: String,
    push_access_levels: Vec<RawGitlabAccessLevel>,
    #[serde(default)]
    allow_force_push: bool,
    #[serde(default)]
    code_owner_approval_required: bool,
}

#[derive(Debug, Deserialize)]
struct RawGitlabAccessLevel {
    /// 0 no one, 30 developers, 40 maintainers, 60 administrators; `null` for a user or group.
    access_level: Option<u64>,
    #[serde(default)]
    access_level_description: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RawGitlabSettings {
    project: RawGitlabProject,
    protected_branch: Option<RawGitlabProtectedBranch>,
}

// ---- What the branch enforces, whatever the response shape. ----

// One flag per independent setting of the response.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Default)]
struct Found {
    /// Required checks: context and app (`None` is any app).
    checks: Vec<(String, Option<u64>)>,
    strict: bool,
    approvals: u64,
    dismiss_stale: bool,
    code_owners: bool,
    linear: bool,
    force_push_blocked: bool,
    deletion_blocked: bool,
}

impl Found {
    /// Adds rules the way GitHub layers them: the most restrictive setting wins.
    fn add_rules(&mut self, rules: &[RawRule], file: &str) -> Result<(), ProtectError> {
        for rule in rules {
            let parameters = rule.parameters.clone().unwrap_or(Value::Null);
            match rule.kind.as_str() {
                "required_status_checks" => {
                    let what = "the required_status_checks rule's parameters";
                    let checks: RawStatusChecks = parse(&parameters, file, what)?;
                    self.strict |= checks.strict_required_status_checks_policy;
                    self.checks.extend(
                        checks
                            .required_status_checks
                            .into_iter()
                            .map(|check| (check.context, check.integration_id)),
                    );
                }
                "pull_request" => {
                    let what = "the pull_request rule's parameters";
                    let reviews: RawPullRequest = parse(&parameters, file, what)?;
                    self.add_reviews(
                        reviews.required_approving_review_count,
                        reviews.dismiss_stale_reviews_on_push,
                        reviews.require_code_owner_review,
                    );
                }
                "required_linear_history" => self.linear = true,
                "non_fast_forward" => self.force_push_blocked = true,
                "deletion" => self.deletion_blocked = true,
                _ => {}
            }
        }
        Ok(())
    }

    fn add_reviews(&mut self, approvals: u64, dismiss_stale: bool, code_owners: bool) {
        self.approvals = self.approvals.max(approvals);
        self.dismiss_stale |= dismiss_stale;
        self.code_owners |= code_owners;
    }
}

// ---- The comparison. ----

struct Drift<'a> {
    protection: &'a Protection,
    file: &'a str,
    report: GateReport,
    missing: u64,
}

impl Drift<'_> {
    fn branch(&self) -> &str {
        &self.protection.branch
    }

    fn push(
        &mut self,
        rule: &'static Rule,
        message: String,
        expected: Value,
        found: Value,
        extra: Vec<(&str, Value)>,
    ) {
        let mut finding = Finding::new(rule, Verdict::Fail, message)
            .with_target(self.file)
            .with_detail("branch", self.protection.branch.clone())
            .with_detail("expected", expected)
            .with_detail("found", found);
        for (key, value) in extra {
            finding = finding.with_detail(key, value);
        }
        self.report.push(finding);
    }

    fn finish(mut self) -> GateReport {
        let required = u64::try_from(self.protection.checks.len()).unwrap_or(u64::MAX);
        self.report
            .set_metric(REQUIRED_CHECKS, Metric::Count(required));
        self.report
            .set_metric(MISSING_CHECKS, Metric::Count(self.missing));
        self.report
    }

    /// One ruleset, or several that GitHub layers.
    fn rulesets(&mut self, rulesets: &[RawRuleset], several: bool) -> Result<(), ProtectError> {
        let branch = self.branch().to_owned();
        let full_ref = format!("refs/heads/{branch}");
        let covering: Vec<&RawRuleset> = rulesets.iter().filter(|r| r.covers(&branch)).collect();
        if covering.is_empty() {
            let message = if several || rulesets.is_empty() {
                format!("no branch ruleset includes `{full_ref}`")
            } else {
                format!("{} does not include `{full_ref}`", rulesets[0].label())
            };
            let found = rulesets.iter().map(RawRuleset::identity).collect();
            self.push(
                &BRANCH_NOT_COVERED,
                message,
                Value::from(full_ref.as_str()),
                Value::Array(found),
                vec![],
            );
        }
        let active: Vec<&RawRuleset> = covering
            .iter()
            .copied()
            .filter(|ruleset| ruleset.enforcement == "active")
            .collect();
        if active.is_empty() {
            for ruleset in &covering {
                self.push(
                    &ENFORCEMENT_DISABLED,
                    format!(
                        "{} is in `{}` enforcement, so it blocks nothing on `{branch}`",
                        ruleset.label(),
                        ruleset.enforcement
                    ),
                    Value::from("active"),
                    Value::from(ruleset.enforcement.as_str()),
                    vec![("ruleset_id", Value::from(ruleset.id))],
                );
            }
        }
        // Compare what would apply once the problems above are fixed: the active covering
        // rulesets, else the covering ones, else every (branch) ruleset given.
        let evaluated: Vec<&RawRuleset> = if !active.is_empty() {
            active
        } else if !covering.is_empty() {
            covering
        } else if rulesets.iter().any(RawRuleset::is_branch_ruleset) {
            rulesets.iter().filter(|r| r.is_branch_ruleset()).collect()
        } else {
            rulesets.iter().collect()
        };
        let mut found = Found::default();
        for ruleset in &evaluated {
            found.add_rules(&ruleset.rules, self.file)?;
        }
        self.compare(&found);
        for ruleset in &evaluated {
            for actor in ruleset.bypass_actors.iter().flatten() {
                self.bypass_actor(ruleset, actor);
            }
        }
        Ok(())
    }

    fn bypass_actor(&mut self, ruleset: &RawRuleset, actor: &RawBypassActor) {
        let mode = actor.bypass_mode.as_deref().unwrap_or("always");
        if self.bypass_allowed(&actor.actor_type, actor.actor_id, mode) {
            return;
        }
        let who = match actor.actor_id {
            Some(id) => format!("{} {id}", actor.actor_type),
            None => actor.actor_type.clone(),
        };
        let expected: Vec<Value> = self
            .protection
            .ruleset_bypass_actors()
            .iter()
            .map(|allowed| {
                json!({
                    "actor_type": allowed.actor_type.as_str(),
                    "actor_id": allowed.body_id(),
                    "bypass_mode": allowed.mode.as_str(),
                })
            })
            .collect();
        self.push(
            &ADMINS_EXEMPT,
            format!(
                "{} lets {who} bypass it (`{mode}`) on `{}`",
                ruleset.label(),
                self.branch()
            ),
            Value::Array(expected),
            json!({
                "actor_type": actor.actor_type,
                "actor_id": actor.actor_id,
                "bypass_mode": mode,
            }),
            vec![("ruleset_id", Value::from(ruleset.id))],
        );
    }

    /// A configured actor (same type and id, a mode no wider), or an admin when admins are not
    /// enforced. `pull_request` is narrower than `always`; any other mode counts as `always`.
    fn bypass_allowed(&self, actor_type: &str, actor_id: Option<u64>, mode: &str) -> bool {
        let width = |mode: &str| u8::from(mode != "pull_request");
        let configured = self.protection.bypass_actors.iter().any(|allowed| {
            allowed.actor_type.as_str() == actor_type
                && (matches!(
                    allowed.actor_type,
                    BypassActorType::OrganizationAdmin | BypassActorType::DeployKey
                ) || allowed.actor_id.is_none()
                    || allowed.actor_id == actor_id)
                && width(mode) <= width(allowed.mode.as_str())
        });
        configured
            || (!self.protection.enforce_admins && BypassActor::is_admin(actor_type, actor_id))
    }

    /// Checks, strictness, reviews, history, force pushes and deletion.
    fn compare(&mut self, found: &Found) {
        let branch = self.branch().to_owned();
        let found_contexts: Vec<Value> = found
            .checks
            .iter()
            .map(|(context, _)| Value::from(context.as_str()))
            .collect();
        for check in &self.protection.checks {
            let apps: Vec<Option<u64>> = found
                .checks
                .iter()
                .filter(|(context, _)| *context == check.context)
                .map(|(_, app)| *app)
                .collect();
            let expected = json!({"context": check.context, "app_id": check.app_id});
            let check_detail = ("check", Value::from(check.context.as_str()));
            if apps.is_empty() {
                self.missing += 1;
                self.push(
                    &MISSING_CHECK,
                    format!("`{}` is not a required check on `{branch}`", check.context),
                    expected,
                    Value::Array(found_contexts.clone()),
                    vec![check_detail],
                );
            } else if let Some(app) = check.app_id
                && !apps.contains(&Some(app))
            {
                let source = match apps[0] {
                    Some(other) => format!("must come from app {other}, not"),
                    None => "is accepted from any source, not only from".to_owned(),
                };
                let ours = if app == GITHUB_ACTIONS_APP_ID {
                    format!("app {app} (GitHub Actions)")
                } else {
                    format!("app {app}")
                };
                self.push(
                    &CHECK_SOURCE,
                    format!(
                        "required check `{}` on `{branch}` {source} {ours}",
                        check.context
                    ),
                    expected,
                    json!({"context": check.context, "app_id": apps[0]}),
                    vec![check_detail],
                );
            }
        }
        if self.protection.strict && !self.protection.checks.is_empty() && !found.strict {
            self.push(
                &NOT_STRICT,
                format!("`{branch}` does not require branches to be up to date before merging"),
                Value::from(true),
                Value::from(false),
                vec![("setting", Value::from("strict"))],
            );
        }
        self.reviews(found);
        if self.protection.linear_history && !found.linear {
            self.push(
                &LINEAR_HISTORY,
                format!("`{branch}` does not require a linear history"),
                Value::from(true),
                Value::from(false),
                vec![("setting", Value::from("required_linear_history"))],
            );
        }
        if !found.force_push_blocked {
            self.push(
                &FORCE_PUSH_ALLOWED,
                format!("force pushes to `{branch}` are allowed"),
                Value::from(false),
                Value::from(true),
                vec![("setting", Value::from("allow_force_pushes"))],
            );
        }
        if !found.deletion_blocked {
            self.push(
                &DELETION_ALLOWED,
                format!("`{branch}` can be deleted"),
                Value::from(false),
                Value::from(true),
                vec![("setting", Value::from("allow_deletions"))],
            );
        }
    }

    fn reviews(&mut self, found: &Found) {
        let protection = self.protection;
        if protection.required_approvals == 0 {
            return;
        }
        let branch = self.branch().to_owned();
        let wanted = u64::from(protection.required_approvals);
        if found.approvals < wanted {
            self.push(
                &WEAKER_REVIEWS,
                format!(
                    "`{branch}` requires {} approving reviews, not {wanted}",
                    found.approvals
                ),
                Value::from(wanted),
                Value::from(found.approvals),
                vec![("setting", Value::from("required_approving_review_count"))],
            );
        }
        if protection.dismiss_stale_reviews && !found.dismiss_stale {
            self.push(
                &WEAKER_REVIEWS,
                format!("new commits on pull requests to `{branch}` keep earlier approvals"),
                Value::from(true),
                Value::from(false),
                vec![("setting", Value::from("dismiss_stale_reviews"))],
            );
        }
        if protection.require_code_owner_review && !found.code_owners {
            self.push(
                &WEAKER_REVIEWS,
                format!("`{branch}` does not require code-owner review"),
                Value::from(true),
                Value::from(false),
                vec![("setting", Value::from("require_code_owner_review"))],
            );
        }
    }

    /// Classic branch protection.
    fn branch_protection(&mut self, classic: &RawBranchProtection) {
        if let Some(protected) = classic.url.as_deref().and_then(protected_branch)
            && protected != self.protection.branch
        {
            let message = format!(
                "the branch protection is for `{protected}`, not `{}`",
                self.branch()
            );
            let expected = Value::from(self.branch());
            self.push(
                &BRANCH_NOT_COVERED,
                message,
                expected,
                Value::from(protected),
                vec![],
            );
        }
        let mut found = Found::default();
        if let Some(status) = &classic.required_status_checks {
            found.strict = status.strict;
            match &status.checks {
                Some(checks) => found.checks.extend(checks.iter().map(|check| {
                    let app = check.app_id.and_then(|app| u64::try_from(app).ok());
                    (check.context.clone(), app)
                })),
                None => found.checks.extend(
                    status
                        .contexts
                        .iter()
                        .map(|context| (context.clone(), None)),
                ),
            }
        }
        if let Some(reviews) = &classic.required_pull_request_reviews {
            found.add_reviews(
                reviews.required_approving_review_count,
                reviews.dismiss_stale_reviews,
                reviews.require_code_owner_reviews,
            );
        }
        found.linear = enabled(classic.required_linear_history.as_ref());
        found.force_push_blocked = !enabled(classic.allow_force_pushes.as_ref());
        found.deletion_blocked = !enabled(classic.allow_deletions.as_ref());
        self.compare(&found);
        if self.protection.enforce_admins && !enabled(classic.enforce_admins.as_ref()) {
            self.push(
                &ADMINS_EXEMPT,
                format!(
                    "administrators are exempt from the protection of `{}` (enforce_admins is off)",
                    self.branch()
                ),
                Value::from(true),
                Value::from(false),
                vec![("setting", Value::from("enforce_admins"))],
            );
        }
    }

    /// GitLab project merge settings.
    fn gitlab(&mut self, project: &RawGitlabProject) {
        if !project.only_allow_merge_if_pipeline_succeeds {
            self.push(
                &PIPELINE_NOT_REQUIRED,
                "merge requests can merge without a successful pipeline".to_owned(),
                Value::from(true),
                Value::from(false),
                vec![(
                    "setting",
                    Value::from("only_allow_merge_if_pipeline_succeeds"),
                )],
            );
        }
        if project.allow_merge_on_skipped_pipeline == Some(true) {
            self.push(
                &PIPELINE_NOT_REQUIRED,
                "merge requests can merge when the pipeline was skipped".to_owned(),
                Value::from(false),
                Value::from(true),
                vec![("setting", Value::from("allow_merge_on_skipped_pipeline"))],
            );
        }
        let method = project.merge_method.as_deref().unwrap_or("merge");
        if self.protection.linear_history && method != "ff" {
            self.push(
                &LINEAR_HISTORY,
                format!("the merge method is `{method}`, which does not keep a linear history"),
                Value::from("ff"),
                Value::from(method),
                vec![("setting", Value::from("merge_method"))],
            );
        }
    }

    /// A GitLab protected branch: no direct pushes, no force pushes, code owners when asked.
    fn gitlab_branch(&mut self, branch: Option<&RawGitlabProtectedBranch>) {
        let protected = self.branch().to_owned();
        let Some(branch) = branch.filter(|branch| {
            crate::refname::covers(&[format!("refs/heads/{}", branch.name)], &[], &protected)
        }) else {
            let found = branch.map_or(Value::Null, |branch| Value::from(branch.name.clone()));
            self.push(
                &BRANCH_NOT_COVERED,
                format!("`{protected}` is not a protected branch"),
                Value::from(protected.clone()),
                found,
                Vec::new(),
            );
            return;
        };
        let pushers: Vec<String> = branch
            .push_access_levels
            .iter()
            .filter(|level| level.access_level != Some(0))
            .map(|level| {
                level.access_level_description.clone().unwrap_or_else(|| {
                    level
                        .access_level
                        .map_or_else(|| "a user or group".to_owned(), |n| format!("level {n}"))
                })
            })
            .collect();
        if !pushers.is_empty() {
            self.push(
                &DIRECT_PUSH_ALLOWED,
                format!(
                    "{} can push to `{protected}` without a merge request",
                    pushers.join(", ")
                ),
                json!([]),
                json!(pushers),
                vec![("setting", Value::from("push_access_levels"))],
            );
        }
        if branch.allow_force_push {
            self.push(
                &FORCE_PUSH_ALLOWED,
                format!("force pushes to `{protected}` are allowed"),
                Value::from(false),
                Value::from(true),
                vec![("setting", Value::from("allow_force_push"))],
            );
        }
        let wants_code_owners =
            self.protection.required_approvals > 0 && self.protection.require_code_owner_review;
        if wants_code_owners && !branch.code_owner_approval_required {
            self.push(
                &WEAKER_REVIEWS,
                format!("`{protected}` does not require code owners' approval"),
                Value::from(true),
                Value::from(false),
                vec![("setting", Value::from("code_owner_approval_required"))],
            );
        }
    }
}

/// The branch of a classic protection's `url` (`…/branches/{branch}/protection`), decoded.
fn protected_branch(url: &str) -> Option<String> {
    let rest = url.strip_suffix("/protection")?;
    let (_, branch) = rest.rsplit_once("/branches/")?;
    Some(percent_decode(branch))
}

/// Decodes `%XX` escapes; anything malformed is kept as written.
fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%'
            && let Some(hex) = value.get(index + 1..index + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            decoded.push(byte);
            index += 3;
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
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

    #[test]
    fn classic_urls_name_the_branch() {
        assert_eq!(
            protected_branch("https://api.github.com/repos/o/r/branches/release%2F1.x/protection")
                .as_deref(),
            Some("release/1.x")
        );
        assert_eq!(protected_branch("https://example.com/other"), None);
        assert_eq!(percent_decode("a%2"), "a%2");
    }
}
