//! The rules the protect gate raises. Every finding's `target` is the file the settings were
//! read from (the saved API response), so a waiver can name it.

use gate_core::Rule;

/// A required check that the branch does not require.
pub static MISSING_CHECK: Rule = Rule {
    id: "protect/missing-check",
    summary: "Every configured gate is a required status check on the protected branch.",
    help: "Apply the ruleset or branch-protection body gate generates, or add the check by hand \
           in the repository's rules. A check that is not required lets pull requests merge \
           while the gate fails.",
};

/// A required check that may be reported by another app than the configured one.
pub static CHECK_SOURCE: Rule = Rule {
    id: "protect/check-source",
    summary: "Each required check is pinned to the app that runs it (GitHub Actions).",
    help: "A check that any app may report can be satisfied by a commit status posted with any \
           token; one pinned to another app is never satisfied by the workflow. Set the check's \
           source to GitHub Actions (app id 15368) in the ruleset or branch protection.",
};

/// Branches need not be up to date before merging.
pub static NOT_STRICT: Rule = Rule {
    id: "protect/not-strict",
    summary: "Branches must be up to date with the base branch before merging.",
    help: "Without it a pull request can merge on checks that ran against an older base. Turn on \
           \"Require branches to be up to date before merging\" \
           (`strict_required_status_checks_policy` in rulesets, `strict` in branch protection).",
};

/// Administrators (or another actor nobody configured) may bypass the rules.
pub static ADMINS_EXEMPT: Rule = Rule {
    id: "protect/admins-exempt",
    summary: "Nobody bypasses the protection except the configured bypass actors.",
    help: "Turn on \"Do not allow bypassing the above settings\" (`enforce_admins`) in branch \
           protection, or remove the bypass actor from the ruleset. If the bypass is intended, \
           configure it in gate.toml's protect section so it is reviewed like any other setting.",
};

/// The ruleset exists but does not enforce anything.
pub static ENFORCEMENT_DISABLED: Rule = Rule {
    id: "protect/enforcement-disabled",
    summary: "The ruleset protecting the branch is active.",
    help: "A ruleset in `evaluate` (dry run) or `disabled` enforcement blocks nothing. Set its \
           enforcement status to Active.",
};

/// No ruleset applies to the branch.
pub static BRANCH_NOT_COVERED: Rule = Rule {
    id: "protect/branch-not-covered",
    summary: "The ruleset's target branches include the protected branch.",
    help: "Add `refs/heads/<branch>` (or `~DEFAULT_BRANCH`) to the ruleset's included refs and \
           make sure no exclude pattern matches it.",
};

/// Fewer approvals, or weaker review settings, than configured.
pub static WEAKER_REVIEWS: Rule = Rule {
    id: "protect/weaker-reviews",
    summary: "Pull requests need the configured approvals, stale-review dismissal and code owners.",
    help: "Raise the required approving review count, and turn on dismissing stale approvals \
           and code-owner review where gate.toml asks for them.",
};

/// Merge commits are allowed although linear history is configured.
pub static LINEAR_HISTORY: Rule = Rule {
    id: "protect/linear-history",
    summary: "The branch requires a linear history when configured to.",
    help: "Turn on \"Require linear history\" (GitHub) or set the merge method to fast-forward \
           (GitLab).",
};

/// Force pushes to the branch are allowed.
pub static FORCE_PUSH_ALLOWED: Rule = Rule {
    id: "protect/force-push-allowed",
    summary: "Nobody can force-push to the protected branch.",
    help: "Block force pushes (`non_fast_forward` rule in rulesets, `allow_force_pushes: false` \
           in branch protection). A force push can remove commits that passed the gates.",
};

/// The branch can be deleted.
pub static DELETION_ALLOWED: Rule = Rule {
    id: "protect/deletion-allowed",
    summary: "Nobody can delete the protected branch.",
    help: "Restrict deletions (`deletion` rule in rulesets, `allow_deletions: false` in branch \
           protection).",
};

/// GitLab merges without a successful pipeline.
pub static PIPELINE_NOT_REQUIRED: Rule = Rule {
    id: "protect/pipeline-not-required",
    summary: "GitLab merge requests merge only after a successful, not skipped, pipeline.",
    help: "Turn on \"Pipelines must succeed\" (`only_allow_merge_if_pipeline_succeeds`) and turn \
           off \"Skipped pipelines are considered successful\" \
           (`allow_merge_on_skipped_pipeline`) in the project's merge request settings.",
};

/// GitLab lets people push to the protected branch without a merge request.
pub static DIRECT_PUSH_ALLOWED: Rule = Rule {
    id: "protect/direct-push-allowed",
    summary: "Nobody pushes to GitLab's protected branch directly: changes arrive by merge request.",
    help: "Set \"Allowed to push and merge\" to \"No one\" for the protected branch \
           (`push_access_level: 0`), so every change goes through a merge request and its \
           pipeline.",
};

/// A ruleset response without its bypass actors, so who may bypass it is unknown.
pub static BYPASS_UNKNOWN: Rule = Rule {
    id: "protect/bypass-unknown",
    summary: "The saved ruleset lists its bypass actors, so the bypass check can run.",
    help: "GitHub leaves `bypass_actors` out of a ruleset for a token without write access to \
           the repository. Save (or fetch) the ruleset with a token that may administer it, so \
           an actor that bypasses the rules is seen.",
};

/// A required check no job reports any more.
pub static RETIRED_CHECK: Rule = Rule {
    id: "protect/retired-check",
    summary: "The branch requires no check of a gate that gate.toml no longer runs.",
    help: "The check was a job of gate's workflow, for a gate since removed from gate.toml: no job \
           reports it, so every pull request waits for it forever. Apply the protection gate \
           writes now (`gate protect apply`), or remove the check from the repository's rules.",
};

/// Every rule this gate raises (re-exported as `gate_protect::RULES`).
pub static RULES: &[&Rule] = &[
    &MISSING_CHECK,
    &CHECK_SOURCE,
    &NOT_STRICT,
    &ADMINS_EXEMPT,
    &ENFORCEMENT_DISABLED,
    &BRANCH_NOT_COVERED,
    &WEAKER_REVIEWS,
    &LINEAR_HISTORY,
    &FORCE_PUSH_ALLOWED,
    &DELETION_ALLOWED,
    &PIPELINE_NOT_REQUIRED,
    &DIRECT_PUSH_ALLOWED,
    &BYPASS_UNKNOWN,
    &RETIRED_CHECK,
];
