//! The protect gate against saved GitHub and GitLab API responses (`tests/fixtures/`), and
//! snapshots of every body and request it builds.

use std::path::Path;

use gate_core::{Finding, GateReport, Metric, Verdict};
use gate_protect::{
    ApiRequest, BypassActor, BypassActorType, BypassMode, GITHUB_ACTIONS_APP_ID, Method,
    ProtectError, Protection, RULES, RequiredCheck, check_drift, github_branch_protection,
    github_branch_protection_request, github_ruleset, github_ruleset_request, gitlab_requests,
    gitlab_settings,
};
use serde_json::{Value, json};

/// What the fixtures were recorded against: two Actions checks, one approval with stale-review
/// dismissal and code owners, linear history.
fn protection() -> Protection {
    let mut protection = Protection::new(
        "main",
        vec![
            RequiredCheck::github_actions("gate"),
            RequiredCheck::github_actions("beacon / test"),
        ],
    );
    protection.required_approvals = 1;
    protection.dismiss_stale_reviews = true;
    protection.require_code_owner_review = true;
    protection.linear_history = true;
    protection
}

/// The defaults plus a check from any source, on a branch with a slash, admins exempt.
fn minimal() -> Protection {
    let mut protection = Protection::new("release/1.x", vec![RequiredCheck::any("ci")]);
    protection.enforce_admins = false;
    protection
}

fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!("{}: {error}", path.display());
    });
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{name}: {error}"))
}

fn check(protection: &Protection, name: &str) -> GateReport {
    check_drift(protection, &fixture(name), name).unwrap_or_else(|error| panic!("{error}"))
}

fn rule_ids(report: &GateReport) -> Vec<&'static str> {
    report
        .findings
        .iter()
        .map(|finding| finding.rule.id)
        .collect()
}

fn detail<'a>(finding: &'a Finding, key: &str) -> &'a Value {
    finding
        .details
        .get(key)
        .unwrap_or_else(|| panic!("{} has no detail `{key}`", finding.rule.id))
}

fn find<'a>(report: &'a GateReport, rule: &str) -> &'a Finding {
    report
        .findings
        .iter()
        .find(|finding| finding.rule.id == rule)
        .unwrap_or_else(|| panic!("no {rule} finding in {:?}", rule_ids(report)))
}

fn settings_of(report: &GateReport, rule: &str) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|finding| finding.rule.id == rule)
        .map(|finding| detail(finding, "setting").as_str().unwrap().to_owned())
        .collect()
}

fn metrics(report: &GateReport) -> (u64, u64) {
    let count = |name: &str| match report.metrics.get(name) {
        Some(Metric::Count(count)) => *count,
        other => panic!("metric {name}: {other:?}"),
    };
    (count("required_checks"), count("missing_checks"))
}

/// The parts of findings a person reads, for snapshots.
fn readable(report: &GateReport) -> Value {
    report
        .findings
        .iter()
        .map(|finding| {
            json!({
                "rule": finding.rule.id,
                "message": finding.message,
                "details": finding.details,
            })
        })
        .collect()
}

// ---- Matching settings: every shape, no findings. ----

#[test]
fn matching_settings_of_every_shape_pass() {
    for name in [
        "ruleset.json",
        "rulesets.json",
        "branch-rules.json",
        "branch-protection.json",
        "gitlab-project.json",
        "gitlab-protected-branch.json",
    ] {
        let report = check(&protection(), name);
        assert_eq!(report.gate, "protect");
        assert!(
            report.findings.is_empty(),
            "{name}: {:#?}",
            readable(&report)
        );
        assert_eq!(report.verdict(), Verdict::Pass, "{name}");
        assert_eq!(metrics(&report), (2, 0), "{name}");
    }
}

#[test]
fn every_body_gate_builds_passes_its_own_drift_check() {
    for protection in [protection(), minimal()] {
        let body = github_ruleset(&protection, "gate");
        let report = check_drift(&protection, &body, "ruleset body").unwrap();
        assert!(report.findings.is_empty(), "{:#?}", readable(&report));
    }
}

// ---- Rulesets. ----

#[test]
fn a_ruleset_in_evaluate_mode_with_admin_bypass_drifts() {
    let report = check(&protection(), "ruleset-evaluate-bypass.json");
    assert_eq!(
        rule_ids(&report),
        [
            "protect/enforcement-disabled",
            "protect/admins-exempt",
            "protect/admins-exempt",
            "protect/admins-exempt",
        ]
    );
    let disabled = find(&report, "protect/enforcement-disabled");
    assert_eq!(detail(disabled, "expected"), "active");
    assert_eq!(detail(disabled, "found"), "evaluate");
    assert_eq!(detail(disabled, "ruleset_id"), 42);
    assert_eq!(
        disabled.target.as_deref(),
        Some("ruleset-evaluate-bypass.json")
    );
    let actors: Vec<&Value> = report.findings[1..]
        .iter()
        .map(|finding| &finding.details["found"]["actor_type"])
        .collect();
    assert_eq!(
        actors,
        ["OrganizationAdmin", "RepositoryRole", "Integration"]
    );
    assert_eq!(report.verdict(), Verdict::Fail);
    insta::assert_json_snapshot!("ruleset_evaluate_bypass", readable(&report));
}

#[test]
fn configured_bypass_actors_and_exempt_admins_are_not_drift() {
    let mut configured = protection();
    configured.bypass_actors = vec![BypassActor {
        actor_type: BypassActorType::Integration,
        actor_id: Some(29110),
        mode: BypassMode::PullRequest,
    }];
    let report = check(&configured, "ruleset-evaluate-bypass.json");
    assert_eq!(
        rule_ids(&report),
        [
            "protect/enforcement-disabled",
            "protect/admins-exempt",
            "protect/admins-exempt",
        ]
    );

    configured.enforce_admins = false;
    let report = check(&configured, "ruleset-evaluate-bypass.json");
    assert_eq!(rule_ids(&report), ["protect/enforcement-disabled"]);
}

#[test]
fn a_bypass_wider_than_configured_drifts() {
    let mut configured = protection();
    configured.bypass_actors = vec![BypassActor {
        actor_type: BypassActorType::Integration,
        actor_id: Some(29110),
        mode: BypassMode::PullRequest,
    }];
    let mut current = fixture("ruleset.json");
    current["bypass_actors"] =
        json!([{"actor_id": 29110, "actor_type": "Integration", "bypass_mode": "always"}]);
    let report = check_drift(&configured, &current, "ruleset.json").unwrap();
    assert_eq!(rule_ids(&report), ["protect/admins-exempt"]);
    assert_eq!(report.findings[0].details["found"]["bypass_mode"], "always");
    assert_eq!(
        report.findings[0].details["expected"],
        json!([{"actor_id": 29110, "actor_type": "Integration", "bypass_mode": "pull_request"}])
    );
}

#[test]
fn a_disabled_ruleset_drifts() {
    let mut current = fixture("ruleset.json");
    current["enforcement"] = json!("disabled");
    let report = check_drift(&protection(), &current, "ruleset.json").unwrap();
    assert_eq!(rule_ids(&report), ["protect/enforcement-disabled"]);
    assert_eq!(report.findings[0].details["found"], "disabled");
}

#[test]
fn a_weaker_ruleset_reports_each_weaker_setting() {
    let report = check(&protection(), "ruleset-weak.json");
    assert_eq!(
        rule_ids(&report),
        [
            "protect/check-source",
            "protect/missing-check",
            "protect/not-strict",
            "protect/weaker-reviews",
            "protect/weaker-reviews",
            "protect/weaker-reviews",
            "protect/linear-history",
            "protect/force-push-allowed",
        ]
    );
    let source = find(&report, "protect/check-source");
    assert_eq!(detail(source, "check"), "gate");
    assert_eq!(
        detail(source, "expected"),
        &json!({"context": "gate", "app_id": GITHUB_ACTIONS_APP_ID})
    );
    assert_eq!(
        detail(source, "found"),
        &json!({"context": "gate", "app_id": null})
    );
    let missing = find(&report, "protect/missing-check");
    assert_eq!(detail(missing, "check"), "beacon / test");
    // Identity is the branch and the setting or check, not the figures found.
    assert_eq!(missing.identity(), "main beacon / test");
    assert_eq!(
        find(&report, "protect/weaker-reviews").identity(),
        "main required_approving_review_count"
    );
    assert_eq!(detail(missing, "found"), &json!(["gate", "lint"]));
    assert_eq!(
        settings_of(&report, "protect/weaker-reviews"),
        [
            "required_approving_review_count",
            "dismiss_stale_reviews",
            "require_code_owner_review"
        ]
    );
    let approvals = find(&report, "protect/weaker-reviews");
    assert_eq!(
        (detail(approvals, "expected"), detail(approvals, "found")),
        (&json!(1), &json!(0))
    );
    assert_eq!(metrics(&report), (2, 1));
    insta::assert_json_snapshot!("ruleset_weak", readable(&report));
}

#[test]
fn a_ruleset_for_other_branches_does_not_cover_main() {
    let report = check(&protection(), "ruleset-other-branch.json");
    assert_eq!(rule_ids(&report), ["protect/branch-not-covered"]);
    let finding = &report.findings[0];
    assert_eq!(detail(finding, "expected"), "refs/heads/main");
    assert_eq!(
        detail(finding, "found")[0]["include"],
        json!(["refs/heads/release/*", "refs/heads/main/*"])
    );
    assert_eq!(
        finding.message,
        "ruleset `releases` (id 44) does not include `refs/heads/main`"
    );
}

#[test]
fn excludes_and_targets_decide_coverage() {
    let mut current = fixture("ruleset.json");
    current["conditions"]["ref_name"] =
        json!({"include": ["~ALL"], "exclude": ["refs/heads/main"]});
    let report = check_drift(&protection(), &current, "ruleset.json").unwrap();
    assert_eq!(rule_ids(&report), ["protect/branch-not-covered"]);

    current["conditions"]["ref_name"] = json!({"include": ["~ALL"], "exclude": []});
    current["target"] = json!("tag");
    let report = check_drift(&protection(), &current, "ruleset.json").unwrap();
    assert_eq!(rule_ids(&report), ["protect/branch-not-covered"]);
    assert_eq!(report.findings[0].details["found"][0]["target"], "tag");
}

#[test]
fn layered_rulesets_that_all_miss_the_branch_drift() {
    let report = check(&protection(), "rulesets-not-covering.json");
    // The `experiment` ruleset's admin bypass only skips signed commits, which gate does not
    // compare: it is no `admins-exempt`.
    assert_eq!(rule_ids(&report), ["protect/branch-not-covered"]);
    let covered = &report.findings[0];
    assert_eq!(
        covered.message,
        "no branch ruleset includes `refs/heads/main`"
    );
    assert_eq!(detail(covered, "found").as_array().unwrap().len(), 4);
}

/// gate's ruleset (no bypass) and a second one that only blocks deletion, as a ruleset list.
fn layered_with_a_deletion_ruleset(bypass: &Value) -> Value {
    let gate = fixture("ruleset.json");
    let deletion = json!({
        "id": 77, "name": "keep main", "target": "branch", "enforcement": "active",
        "conditions": {"ref_name": {"include": ["~DEFAULT_BRANCH"], "exclude": []}},
        "rules": [{"type": "deletion"}],
        "bypass_actors": bypass,
    });
    json!([gate, deletion])
}

#[test]
fn an_admin_bypass_of_a_ruleset_that_only_repeats_gates_rules_is_not_drift() {
    let admin = json!([{"actor_id": 5, "actor_type": "RepositoryRole", "bypass_mode": "always"}]);
    let report = check_drift(
        &protection(),
        &layered_with_a_deletion_ruleset(&admin),
        "r.json",
    )
    .unwrap();
    assert_eq!(rule_ids(&report), Vec::<&str>::new());
    // Alone, the same ruleset's bypass lets admins delete the branch: drift.
    let mut alone = layered_with_a_deletion_ruleset(&admin)[1].clone();
    alone["rules"] = json!(fixture("ruleset.json")["rules"]);
    let report = check_drift(&protection(), &alone, "r.json").unwrap();
    assert!(rule_ids(&report).contains(&"protect/admins-exempt"));
}

#[test]
fn an_exempt_bypass_is_wider_than_always() {
    let mut current = fixture("ruleset.json");
    current["bypass_actors"] =
        json!([{"actor_id": 2740, "actor_type": "Integration", "bypass_mode": "exempt"}]);
    let mut allowed = protection();
    allowed.bypass_actors = vec![BypassActor {
        actor_type: BypassActorType::Integration,
        actor_id: Some(2740),
        mode: BypassMode::Always,
    }];
    let report = check_drift(&allowed, &current, "r.json").unwrap();
    assert_eq!(rule_ids(&report), ["protect/admins-exempt"]);
    // Configured as exempt, it is what was asked for.
    allowed.bypass_actors[0].mode = BypassMode::Exempt;
    let report = check_drift(&allowed, &current, "r.json").unwrap();
    assert_eq!(rule_ids(&report), Vec::<&str>::new());
    // An admin role exempt from the rules is drift even when admins are not enforced.
    current["bypass_actors"] =
        json!([{"actor_id": 5, "actor_type": "RepositoryRole", "bypass_mode": "exempt"}]);
    let mut lax = protection();
    lax.enforce_admins = false;
    let report = check_drift(&lax, &current, "r.json").unwrap();
    assert_eq!(rule_ids(&report), ["protect/admins-exempt"]);
}

#[test]
fn default_branch_rulesets_cover_only_the_default_branch() {
    let mut current = fixture("ruleset.json");
    current["conditions"]["ref_name"] = json!({"include": ["~DEFAULT_BRANCH"], "exclude": []});
    let mut release = protection();
    release.branch = "release".to_owned();
    // Unknown default branch: taken to be the protected one.
    assert_eq!(
        rule_ids(&check_drift(&release, &current, "r.json").unwrap()),
        Vec::<&str>::new()
    );
    release.default_branch = Some("main".to_owned());
    assert_eq!(
        rule_ids(&check_drift(&release, &current, "r.json").unwrap()),
        ["protect/branch-not-covered"]
    );
}

#[test]
fn a_ruleset_without_bypass_actors_warns_that_bypass_was_not_checked() {
    let mut current = fixture("ruleset.json");
    current.as_object_mut().unwrap().remove("bypass_actors");
    let report = check_drift(&protection(), &current, "r.json").unwrap();
    assert_eq!(rule_ids(&report), ["protect/bypass-unknown"]);
    assert_eq!(report.findings[0].verdict, Verdict::Warn);
    assert_eq!(report.verdict(), Verdict::Warn);
}

#[test]
fn a_required_check_of_a_removed_gate_warns() {
    let current = fixture("ruleset.json");
    let mut fewer = protection();
    fewer
        .checks
        .retain(|check| check.context != "beacon / test");
    fewer.retired_checks = vec!["beacon / test".to_owned()];
    let report = check_drift(&fewer, &current, "r.json").unwrap();
    assert_eq!(rule_ids(&report), ["protect/retired-check"]);
    assert_eq!(report.findings[0].verdict, Verdict::Warn);
    assert!(report.findings[0].message.contains("`beacon / test`"));
}

#[test]
fn an_inactive_ruleset_does_not_count_when_an_active_one_covers() {
    let mut current = fixture("rulesets.json");
    // The org ruleset holding the checks goes to evaluate mode: its checks no longer count.
    current[0]["enforcement"] = json!("evaluate");
    let report = check_drift(&protection(), &current, "rulesets.json").unwrap();
    assert_eq!(
        rule_ids(&report),
        [
            "protect/missing-check",
            "protect/missing-check",
            "protect/not-strict"
        ]
    );
    assert_eq!(metrics(&report), (2, 2));
}

// ---- The rules for a branch. ----

#[test]
fn weaker_branch_rules_drift_without_enforcement_or_bypass_findings() {
    let report = check(&protection(), "branch-rules-weak.json");
    assert_eq!(
        rule_ids(&report),
        [
            "protect/check-source",
            "protect/not-strict",
            "protect/weaker-reviews",
            "protect/linear-history",
            "protect/force-push-allowed",
        ]
    );
    let source = find(&report, "protect/check-source");
    assert_eq!(detail(source, "check"), "beacon / test");
    assert_eq!(detail(source, "found")["app_id"], 9426);
    assert_eq!(
        settings_of(&report, "protect/weaker-reviews"),
        ["dismiss_stale_reviews"]
    );
    insta::assert_json_snapshot!("branch_rules_weak", readable(&report));
}

#[test]
fn no_rules_for_a_branch_means_nothing_is_enforced() {
    let report = check_drift(&protection(), &json!([]), "rules.json").unwrap();
    assert_eq!(
        rule_ids(&report),
        [
            "protect/missing-check",
            "protect/missing-check",
            "protect/not-strict",
            "protect/weaker-reviews",
            "protect/weaker-reviews",
            "protect/weaker-reviews",
            "protect/linear-history",
            "protect/force-push-allowed",
            "protect/deletion-allowed",
        ]
    );
    assert_eq!(metrics(&report), (2, 2));
}

// ---- Classic branch protection. ----

#[test]
fn weaker_branch_protection_drifts() {
    let report = check(&protection(), "branch-protection-weak.json");
    assert_eq!(
        rule_ids(&report),
        [
            "protect/check-source",
            "protect/missing-check",
            "protect/not-strict",
            "protect/weaker-reviews",
            "protect/weaker-reviews",
            "protect/weaker-reviews",
            "protect/linear-history",
            "protect/force-push-allowed",
            "protect/deletion-allowed",
            "protect/admins-exempt",
        ]
    );
    let source = find(&report, "protect/check-source");
    assert_eq!(
        detail(source, "found"),
        &json!({"context": "gate", "app_id": 9426})
    );
    let admins = find(&report, "protect/admins-exempt");
    assert_eq!(detail(admins, "setting"), "enforce_admins");
    assert_eq!(
        (detail(admins, "expected"), detail(admins, "found")),
        (&json!(true), &json!(false))
    );
    insta::assert_json_snapshot!("branch_protection_weak", readable(&report));
}

#[test]
fn legacy_contexts_accept_any_source() {
    let mut current = fixture("branch-protection.json");
    current["required_status_checks"]
        .as_object_mut()
        .unwrap()
        .remove("checks");
    let report = check_drift(&protection(), &current, "protection.json").unwrap();
    assert_eq!(
        rule_ids(&report),
        ["protect/check-source", "protect/check-source"]
    );

    // A check we accept from any source may be pinned: that is stronger, not drift.
    let mut any = protection();
    any.checks = vec![RequiredCheck::any("gate")];
    let report = check(&any, "branch-protection.json");
    assert!(report.findings.is_empty());
}

#[test]
fn protection_of_another_branch_is_not_coverage() {
    let mut current = fixture("branch-protection.json");
    current["url"] = json!("https://api.github.com/repos/acme/beacon/branches/develop/protection");
    let report = check_drift(&protection(), &current, "protection.json").unwrap();
    assert_eq!(rule_ids(&report), ["protect/branch-not-covered"]);
    assert_eq!(report.findings[0].details["found"], "develop");
}

#[test]
fn stronger_settings_and_extra_checks_are_not_drift() {
    let mut current = fixture("branch-protection.json");
    current["required_pull_request_reviews"]["required_approving_review_count"] = json!(3);
    current["required_status_checks"]["checks"]
        .as_array_mut()
        .unwrap()
        .push(json!({"context": "docs", "app_id": null}));
    let report = check_drift(&protection(), &current, "protection.json").unwrap();
    assert!(report.findings.is_empty(), "{:#?}", readable(&report));

    let mut relaxed = protection();
    relaxed.strict = false;
    relaxed.linear_history = false;
    relaxed.required_approvals = 0;
    assert!(check(&relaxed, "ruleset.json").findings.is_empty());
}

// ---- GitLab. ----

#[test]
fn gitlab_merging_without_a_pipeline_drifts() {
    let report = check(&protection(), "gitlab-project-weak.json");
    assert_eq!(
        rule_ids(&report),
        [
            "protect/pipeline-not-required",
            "protect/pipeline-not-required",
            "protect/linear-history",
        ]
    );
    assert_eq!(
        settings_of(&report, "protect/pipeline-not-required"),
        [
            "only_allow_merge_if_pipeline_succeeds",
            "allow_merge_on_skipped_pipeline"
        ]
    );
    let linear = find(&report, "protect/linear-history");
    assert_eq!(
        (detail(linear, "expected"), detail(linear, "found")),
        (&json!("ff"), &json!("rebase_merge"))
    );
    assert_eq!(metrics(&report), (2, 0));
    insta::assert_json_snapshot!("gitlab_project_weak", readable(&report));
}

#[test]
fn gitlab_protected_branch_drifts() {
    let report = check(&protection(), "gitlab-protected-branch-weak.json");
    assert_eq!(
        rule_ids(&report),
        [
            "protect/direct-push-allowed",
            "protect/force-push-allowed",
            "protect/weaker-reviews",
        ]
    );
    let push = find(&report, "protect/direct-push-allowed");
    assert_eq!(detail(push, "found"), &json!(["Maintainers", "Jane Smith"]));
    insta::assert_json_snapshot!("gitlab_protected_branch_weak", readable(&report));
}

#[test]
fn gitlab_settings_together_and_an_unprotected_branch() {
    let together = json!({
        "project": fixture("gitlab-project.json"),
        "protected_branch": fixture("gitlab-protected-branch.json"),
    });
    let report = check_drift(&protection(), &together, "gitlab.json").unwrap();
    assert!(report.findings.is_empty(), "{:#?}", readable(&report));

    let unprotected = json!({
        "project": fixture("gitlab-project.json"),
        "protected_branch": null,
    });
    let report = check_drift(&protection(), &unprotected, "gitlab.json").unwrap();
    assert_eq!(rule_ids(&report), ["protect/branch-not-covered"]);

    let mut other = fixture("gitlab-protected-branch.json");
    other["name"] = json!("release/*");
    let report = check_drift(&protection(), &other, "branch.json").unwrap();
    assert_eq!(rule_ids(&report), ["protect/branch-not-covered"]);
    assert_eq!(report.findings[0].details["found"], "release/*");
}

// ---- Input errors. ----

#[test]
fn unknown_json_is_an_error_naming_the_file() {
    let error = check_drift(
        &protection(),
        &fixture("repository.json"),
        "repository.json",
    )
    .expect_err("a repository is not a protection setting");
    assert!(matches!(
        &error,
        ProtectError::UnrecognisedShape { file, .. } if file == "repository.json"
    ));
    let message = error.to_string();
    assert!(message.starts_with("repository.json: "), "{message}");
    assert!(
        message.contains("found a repository (GET /repos/OWNER/REPO)"),
        "{message}"
    );
    assert!(
        message.contains("GET /repos/OWNER/REPO/rulesets/ID"),
        "{message}"
    );
    assert!(message.contains("GET /projects/ID"), "{message}");
}

#[test]
fn common_mistakes_get_a_hint() {
    let list = check_drift(&protection(), &fixture("ruleset-list.json"), "list.json");
    let message = list.unwrap_err().to_string();
    assert!(message.contains("omits them"), "{message}");

    let unprotected = fixture("branch-not-protected.json");
    let message = check_drift(&protection(), &unprotected, "protection.json")
        .unwrap_err()
        .to_string();
    assert!(message.contains("Branch not protected"), "{message}");

    for value in [json!("main"), json!(null), json!([1, 2])] {
        let error = check_drift(&protection(), &value, "x.json").unwrap_err();
        assert!(error.to_string().starts_with("x.json: "));
    }
}

#[test]
fn wrongly_typed_fields_are_an_error_naming_the_file() {
    let mut current = fixture("ruleset.json");
    current["rules"][3]["parameters"]["required_approving_review_count"] = json!("one");
    let error = check_drift(&protection(), &current, "ruleset.json").unwrap_err();
    assert!(matches!(error, ProtectError::Malformed { .. }));
    let message = error.to_string();
    assert!(
        message.starts_with("ruleset.json: unexpected field types in the pull_request rule's"),
        "{message}"
    );
    assert!(std::error::Error::source(&error).is_some());
}

// ---- Bodies and requests. ----

#[test]
fn github_ruleset_bodies() {
    insta::assert_json_snapshot!("github_ruleset", github_ruleset(&protection(), "gate"));
    insta::assert_json_snapshot!("github_ruleset_minimal", github_ruleset(&minimal(), "gate"));
}

#[test]
fn github_branch_protection_bodies() {
    insta::assert_json_snapshot!(
        "github_branch_protection",
        github_branch_protection(&protection())
    );
    insta::assert_json_snapshot!(
        "github_branch_protection_minimal",
        github_branch_protection(&minimal())
    );
    let body = github_branch_protection(&Protection::new("main", vec![]));
    assert_eq!(body["required_status_checks"], Value::Null);
    assert_eq!(body["required_pull_request_reviews"], Value::Null);
}

#[test]
fn gitlab_bodies() {
    let full = gitlab_settings(&protection());
    insta::assert_json_snapshot!(
        "gitlab_settings",
        json!({"project": full.project, "protected_branch": full.protected_branch})
    );
    let minimal = gitlab_settings(&minimal());
    insta::assert_json_snapshot!(
        "gitlab_settings_minimal",
        json!({"project": minimal.project, "protected_branch": minimal.protected_branch})
    );
}

#[test]
fn request_methods_and_paths() {
    let protection = protection();
    let minimal = minimal();
    let requests: Vec<ApiRequest> = [
        github_ruleset_request(&protection, "acme/beacon", "gate", None),
        github_ruleset_request(&protection, "acme/beacon", "gate", Some(42)),
        github_branch_protection_request(&protection, "acme/beacon"),
        github_branch_protection_request(&minimal, "acme/beacon"),
    ]
    .into_iter()
    .chain(gitlab_requests(&protection, "acme/beacon"))
    .chain(gitlab_requests(&minimal, "4812"))
    .collect();
    let lines: Vec<String> = requests
        .iter()
        .map(|request| format!("{} {}", request.method, request.path))
        .collect();
    insta::assert_json_snapshot!("request_lines", lines);
    assert_eq!(requests[1].method, Method::Put);
    assert_eq!(requests[0].body, github_ruleset(&protection, "gate"));
    assert_eq!(requests[3].body, github_branch_protection(&minimal));
    assert_eq!(requests[4].body, gitlab_settings(&protection).project);
    insta::assert_json_snapshot!("request_serialised", requests[5]);
}

#[test]
fn every_rule_is_listed_once_with_help() {
    let mut ids: Vec<&str> = RULES.iter().map(|rule| rule.id).collect();
    assert!(ids.iter().all(|id| id.starts_with("protect/")));
    assert!(
        RULES
            .iter()
            .all(|rule| !rule.summary.is_empty() && !rule.help.is_empty())
    );
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), RULES.len());
}
