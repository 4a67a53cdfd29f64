//! The release gate's glue: settings from `[release]` (and flags), history from git, then
//! `gate_release` plans, renders and lints.

use std::path::Path;

use gate_core::{Date, Finding, GateError, GateReport};
use gate_release::{
    Branch, BranchKind, Config, LintConfig, NotesOptions, Plan, ReleaseError, lint_commits,
};

use crate::Gate;
use crate::git::Git;
use crate::history::{self, ReleaseHistory};
use crate::io::ProjectIo;
use crate::settings::release::{LintRange, Release};

/// The branch to release as: the flag, then `[release] branch`, then the checked-out branch.
///
/// A detached `HEAD` (CI checkouts of a tag or a pull request) has no branch: that is an error
/// telling the user to name one, since guessing could pick the wrong kind of branch.
pub fn branch_name(git: Git<'_>, settings: &Release, flag: Option<&str>) -> Result<String, String> {
    if let Some(name) = flag.or(settings.branch.as_deref()) {
        return Ok(name.to_owned());
    }
    git.current_branch()?.ok_or_else(|| {
        "HEAD is detached, so there is no branch to release from: pass --branch NAME (or set \
         `branch` in [release])"
            .to_owned()
    })
}

/// The branch's kind from the configured `branches` (semantic-release's defaults plus
/// `prerelease` when unset): a `range` or a maintenance name makes a maintenance branch, a
/// `prerelease` a prerelease branch. A branch no entry lists (a pull request's) plans as
/// semantic-release's defaults would name it.
pub fn branch(settings: &Release, name: &str) -> Branch {
    for spec in settings.effective_branches() {
        if !spec.covers(name) {
            continue;
        }
        if let Some(preid) = &spec.prerelease {
            return Branch::prerelease(name, preid.clone());
        }
        if let Some(range) = spec.maintenance_range(name)
            && let Ok(branch) = Branch::maintenance_with_range(name, &range)
        {
            return branch;
        }
        return Branch::release(name);
    }
    Branch::from_default_config(name)
}

/// The planning configuration for a branch, without what other branches' tags tell
/// (see [`plan_config_in`]).
pub fn plan_config(settings: &Release, branch: Branch) -> Config {
    Config {
        tag_format: settings.tag_format.clone(),
        branch,
        major_on_zero: settings.major_on_zero,
        release_rules: settings.release_rules.clone(),
        ..Config::default()
    }
}

/// The planning configuration for a branch of this repository. A maintenance branch is
/// bounded by the main release branch's releases, read from that branch's tags (not only the
/// tags reachable from `HEAD`), as semantic-release bounds it.
pub fn plan_config_in(git: Git<'_>, settings: &Release, branch: Branch) -> Result<Config, String> {
    let mut config = plan_config(settings, branch);
    if matches!(config.branch.kind, BranchKind::Maintenance { .. }) {
        config.maintenance_ceiling = maintenance_ceiling(git, settings, &config.branch.name)?;
    }
    Ok(config)
}

/// The main release branch's bound on maintenance branches; `None` when the repository has no
/// release branch to read it from (a lone maintenance branch keeps its name's range).
fn maintenance_ceiling(
    git: Git<'_>,
    settings: &Release,
    current: &str,
) -> Result<Option<gate_release::Version>, String> {
    let branches = git.branch_refs()?;
    let specs = settings.effective_branches();
    // semantic-release's `release[0]`: the first listed release branch that exists.
    let main = specs
        .iter()
        .filter(|spec| spec.is_release())
        .find_map(|spec| {
            branches
                .iter()
                .find(|(name, _)| spec.covers(name))
                .map(|(_, reference)| reference.clone())
        });
    let Some(main) = main else {
        return Ok(None);
    };
    let versions = |reference: &str| -> Result<Vec<gate_release::Version>, String> {
        Ok(git
            .tags_merged_into(reference)?
            .iter()
            .filter_map(|tag| settings.tag_format.version_of(tag))
            .collect())
    };
    let main_versions = versions(&main)?;
    let mut maintenance_versions = versions("HEAD")?;
    for (name, reference) in &branches {
        let maintenance = name != current
            && specs
                .iter()
                .any(|spec| spec.prerelease.is_none() && spec.maintenance_range(name).is_some());
        if maintenance {
            maintenance_versions.extend(versions(reference)?);
        }
    }
    Ok(Some(gate_release::maintenance_ceiling(
        &main_versions,
        &maintenance_versions,
    )))
}

/// The repository URL links point at: the given one, else `remote.origin.url` as configured.
pub fn repository_url(
    git: Git<'_>,
    settings: &Release,
    flag: Option<&str>,
) -> Result<Option<String>, String> {
    match flag.or(settings.repository_url.as_deref()) {
        Some(url) => Ok(Some(url.to_owned())),
        None => git.origin_url(),
    }
}

/// Notes options for a date and a repository URL, with the configured sections.
pub fn notes_options(settings: &Release, date: Date, url: Option<&str>) -> NotesOptions {
    let mut options = NotesOptions::new(date, url);
    if let Some(types) = &settings.notes_types {
        options.types.clone_from(types);
    }
    options
}

/// The lint findings the gate reports, for the configured range (by default the plan's
/// unreleased commits), without the exempt commits.
fn lint(
    git: Git<'_>,
    settings: &Release,
    history: &ReleaseHistory,
    config: &Config,
    outcome: &Result<Plan<'_>, ReleaseError>,
) -> Result<Vec<Finding>, String> {
    let lint_config: &LintConfig = &settings.lint;
    let exempt = |commit: &&gate_release::Commit| {
        !settings
            .lint_exempt
            .iter()
            .any(|sha| commit.sha.starts_with(sha.as_str()))
    };
    let ranged = match &settings.lint_range {
        LintRange::After(base) => Some(history::range_commits(git, &format!("{base}..HEAD"))?),
        LintRange::From(from) => Some(history::commits_from(git, from)?),
        LintRange::SinceRelease => None,
    };
    if let Some(commits) = ranged {
        return Ok(lint_commits(commits.iter().filter(exempt), lint_config));
    }
    if let Ok(plan) = outcome {
        return Ok(lint_commits(
            plan.commits.iter().map(|c| c.commit).filter(exempt),
            lint_config,
        ));
    }
    // An out-of-range maintenance release has no plan; the same range comes from planning as a
    // release branch (both take the last regular release).
    let fallback = Config {
        branch: Branch::release(config.branch.name.clone()),
        ..config.clone()
    };
    let plan =
        gate_release::plan(&history.history, &fallback).map_err(|error| error.to_string())?;
    Ok(lint_commits(
        plan.commits.iter().map(|c| c.commit).filter(exempt),
        lint_config,
    ))
}

/// Runs the release gate for `gate check`: lint findings plus the next version as a metric.
/// A gate that cannot read git is errored (exit 2), never a pass.
pub fn run(settings: &Release, root: &Path, io: &dyn ProjectIo) -> GateReport {
    let mut report = match check(settings, Git::new(io, root)) {
        Ok(report) => report,
        Err(message) => GateReport::errored(Gate::Release.name(), GateError::new(message)),
    };
    // A project moving over may still have its semantic-release or commitlint files: say
    // once that gate.toml is what counts, so nobody edits the file gate does not read.
    let others = crate::import::config_files(root);
    if !others.is_empty() {
        let note = format!("[release] in gate.toml wins over {}", others.join(" and "));
        report.summary = Some(match report.summary.take() {
            Some(summary) => format!("{summary}; {note}"),
            None => note,
        });
    }
    report
}

fn check(settings: &Release, git: Git<'_>) -> Result<GateReport, String> {
    let history = history::release_history(git)?;
    // `gate check` runs on pull request checkouts, which are detached: there the next version
    // is computed as for a release branch named `HEAD` unless `branch` is configured.
    let name = match settings.branch.clone() {
        Some(name) => name,
        None => git.current_branch()?.unwrap_or_else(|| "HEAD".to_owned()),
    };
    let config = plan_config_in(git, settings, branch(settings, &name))?;
    let outcome = gate_release::plan(&history.history, &config);
    let findings = lint(git, settings, &history, &config, &outcome)?;
    let mut report = gate_release::gate_report_from_result(findings, &outcome);
    report.set_metric("branch", gate_core::Metric::Text(name));
    Ok(report)
}
