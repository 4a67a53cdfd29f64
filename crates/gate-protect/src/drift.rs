//! The drift check: a saved API response compared with the [`Protection`] it should enforce.

use gate_core::{Finding, GateReport, Metric, Rule, Verdict};
use serde_json::{Value, json};

use crate::response::{
    RawBranchProtection, RawBypassActor, RawGitlabProject, RawGitlabProtectedBranch,
    RawGitlabSettings, RawPullRequest, RawRule, RawRuleset, RawStatusChecks, Shape, describe,
    detect, enabled, parse,
};

use crate::rules::{
    ADMINS_EXEMPT, BRANCH_NOT_COVERED, BYPASS_UNKNOWN, CHECK_SOURCE, DELETION_ALLOWED,
    DIRECT_PUSH_ALLOWED, ENFORCEMENT_DISABLED, FORCE_PUSH_ALLOWED, LINEAR_HISTORY, MISSING_CHECK,
    NOT_STRICT, PIPELINE_NOT_REQUIRED, RETIRED_CHECK, WEAKER_REVIEWS,
};
use crate::{
    BypassActor, BypassActorType, BypassMode, GITHUB_ACTIONS_APP_ID, ProtectError, Protection,
};

/// The gate name of the report [`check_drift`] returns.
pub const GATE: &str = "protect";

/// The metric counting the configured required checks.
pub const REQUIRED_CHECKS: &str = "required_checks";

/// The metric counting `protect/missing-check` findings.
pub const MISSING_CHECKS: &str = "missing_checks";

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
/// A stronger setting than configured is not drift, nor is an extra required check (but a
/// check in [`Protection::retired_checks`] warns: no job reports it). A ruleset's
/// `~DEFAULT_BRANCH` covers [`Protection::default_branch`] (the protected branch when unset).
/// A bypass actor is drift when its mode is wider than configured (`pull_request` <
/// `always` < `exempt`) on a ruleset whose compared rules no other ruleset enforces for it
/// (an admin bypass on a ruleset that only blocks deletion, beside gate's, is not). A ruleset
/// without `bypass_actors` (GitHub omits them for callers without write access) warns that the
/// bypass check could not run. Metrics: `required_checks` and `missing_checks`.
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
        // The same problem while it is about the same branch and setting (or check, or
        // ruleset), whatever values the message shows.
        let subject = extra
            .iter()
            .find(|(key, _)| matches!(*key, "setting" | "check" | "ruleset_id"))
            .map(|(_, value)| {
                value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned)
            });
        let identity = match subject {
            Some(subject) => format!("{} {subject}", self.protection.branch),
            None => self.protection.branch.clone(),
        };
        let mut finding = Finding::new(rule, Verdict::Fail, message)
            .with_identity(identity)
            .with_target(self.file)
            .with_detail("branch", self.protection.branch.clone())
            .with_detail("expected", expected)
            .with_detail("found", found);
        for (key, value) in extra {
            finding = finding.with_detail(key, value);
        }
        self.report.push(finding);
    }

    /// A warning: something the check could not verify, or that blocks more than configured.
    fn warn(&mut self, rule: &'static Rule, message: String, extra: Vec<(&str, Value)>) {
        let mut finding = Finding::new(rule, Verdict::Warn, message)
            .with_target(self.file)
            .with_detail("branch", self.protection.branch.clone());
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
        let default_branch = self
            .protection
            .default_branch
            .clone()
            .unwrap_or_else(|| branch.clone());
        let covering: Vec<&RawRuleset> = rulesets
            .iter()
            .filter(|r| r.covers(&branch, &default_branch))
            .collect();
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
            let Some(actors) = &ruleset.bypass_actors else {
                self.warn(
                    &BYPASS_UNKNOWN,
                    format!(
                        "{} was saved without its bypass actors (a token without write access), \
                         so who may bypass it on `{branch}` is not checked",
                        ruleset.label()
                    ),
                    vec![("ruleset_id", Value::from(ruleset.id))],
                );
                continue;
            };
            for actor in actors {
                if Self::enforced_elsewhere(ruleset, actor, &evaluated) {
                    continue;
                }
                self.bypass_actor(ruleset, actor);
            }
        }
        Ok(())
    }

    /// Whether every compared rule of `ruleset` is also in another evaluated ruleset that does
    /// not list `actor` as a bypass actor: GitHub applies each ruleset on its own, so bypassing
    /// this one lets the actor past nothing gate checks.
    fn enforced_elsewhere(
        ruleset: &RawRuleset,
        actor: &RawBypassActor,
        evaluated: &[&RawRuleset],
    ) -> bool {
        let binds = |other: &RawRuleset| {
            !std::ptr::eq(other, ruleset)
                && other.bypass_actors.as_ref().is_some_and(|actors| {
                    !actors.iter().any(|other_actor| {
                        other_actor.actor_type == actor.actor_type
                            && other_actor.actor_id == actor.actor_id
                    })
                })
        };
        ruleset.checked_rule_types().iter().all(|kind| {
            evaluated
                .iter()
                .any(|other| binds(other) && other.checked_rule_types().contains(kind))
        })
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

    /// A configured actor (same type and id, a mode no wider), or an admin bypassing no wider
    /// than `always` when admins are not enforced. `pull_request` < `always` < `exempt` (an
    /// exempt actor's pushes are not even recorded as bypasses); an unknown mode is the widest.
    fn bypass_allowed(&self, actor_type: &str, actor_id: Option<u64>, mode: &str) -> bool {
        let width = BypassMode::width;
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
            || (!self.protection.enforce_admins
                && BypassActor::is_admin(actor_type, actor_id)
                && width(mode) <= width(BypassMode::Always.as_str()))
    }

    /// Warns about each required check no job of gate's reports any more.
    fn retired_checks(&mut self, found: &Found) {
        let branch = self.branch().to_owned();
        let mut warned: Vec<&str> = Vec::new();
        for (context, _) in &found.checks {
            if warned.contains(&context.as_str()) {
                continue;
            }
            warned.push(context);
            let retired = self.protection.retired_checks.contains(context)
                && !self.protection.checks.iter().any(|c| &c.context == context);
            if retired {
                self.warn(
                    &RETIRED_CHECK,
                    format!(
                        "`{context}` is a required check on `{branch}`, but gate.toml no longer \
                         runs its gate: no job reports it, so every pull request waits for it"
                    ),
                    vec![("check", Value::from(context.as_str()))],
                );
            }
        }
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
        self.retired_checks(found);
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
        let Some(branch) =
            branch.filter(|branch| crate::refname::gitlab_covers(&branch.name, &protected))
        else {
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
        let deploy_keys = crate::gitlab::gitlab_deploy_keys(self.protection);
        let pushers: Vec<String> = branch
            .push_access_levels
            .iter()
            .filter(|level| level.access_level != Some(0))
            // A configured deploy key pushes releases; it is not a person skipping review.
            .filter(|level| {
                !level
                    .deploy_key_id
                    .is_some_and(|id| deploy_keys.contains(&id))
            })
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
