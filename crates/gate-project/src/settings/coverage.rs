//! `[coverage]`: one coverage check, or several named `[[coverage.project]]`s with their own
//! reports and thresholds (a monorepo's services, each with its own `pyproject.toml`).

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use gate_coverage::{DiffUnmatched, Threshold};
use serde::Deserialize;
use serde_spanned::Spanned;

use super::Problem;

/// The keys of `[coverage]` and of each `[[coverage.project]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawProject {
    name: Option<Spanned<String>>,
    #[serde(default)]
    reports: Vec<String>,
    report_root: Option<String>,
    #[serde(default)]
    path_map: BTreeMap<String, String>,
    pyproject: Option<String>,
    fail_under: Option<Spanned<toml::Value>>,
    precision: Option<u32>,
    branch: Option<bool>,
    line_fail_under: Option<Spanned<toml::Value>>,
    branch_fail_under: Option<Spanned<toml::Value>>,
    file_fail_under: Option<Spanned<toml::Value>>,
    max_uncovered_lines: Option<u64>,
    #[serde(default)]
    paths: BTreeMap<String, Spanned<toml::Value>>,
    diff_base: Option<String>,
    diff_file: Option<String>,
    diff_fail_under: Option<Spanned<toml::Value>>,
    #[serde(default)]
    diff_branch_aware: bool,
    diff_unmatched: Option<Spanned<String>>,
    baseline: Option<String>,
    tolerance: Option<f64>,
    file_drop_max: Option<Spanned<f64>>,
    #[serde(default)]
    project: Vec<Spanned<RawProject>>,
}

/// Where the added lines of a change come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffSource {
    /// A unified diff file.
    File(PathBuf),
    /// `git diff -U0 BASE...HEAD` against this ref.
    GitBase(String),
}

/// One coverage check: the reports it reads and the thresholds it enforces.
#[derive(Debug, Clone, Default)]
pub struct Project {
    /// The project's name; findings and metrics are prefixed with it.
    pub name: Option<String>,
    /// The reports, merged (resolved against the configuration's directory).
    pub reports: Vec<PathBuf>,
    /// The repository-relative directory relative report paths start from; `None` means each
    /// report's own directory.
    pub report_root: Option<String>,
    /// Prefix rewrites for reports written elsewhere (`/app` → `api`).
    pub path_map: Vec<(String, String)>,
    /// A `pyproject.toml`, `.coveragerc` or `setup.cfg` whose `fail_under` and `precision` apply.
    pub pyproject: Option<PathBuf>,
    /// The total's minimum (wins over the Python configuration's).
    pub fail_under: Option<Threshold>,
    /// Decimals for comparison and display (wins over the Python configuration's).
    pub precision: Option<u32>,
    /// Ignore branch data: line coverage only.
    pub line_only: bool,
    /// Line coverage minimum.
    pub line_fail_under: Option<Threshold>,
    /// Branch coverage minimum.
    pub branch_fail_under: Option<Threshold>,
    /// Minimum for every file.
    pub file_fail_under: Option<Threshold>,
    /// Most uncovered statements allowed.
    pub max_uncovered_lines: Option<u64>,
    /// Per-path minimums, as globs.
    pub paths: Vec<(String, Threshold)>,
    /// The change whose added lines diff coverage measures.
    pub diff: Option<DiffSource>,
    /// Diff coverage minimum (diff-cover semantics).
    pub diff_fail_under: Option<Threshold>,
    /// Count partially covered added lines as uncovered.
    pub diff_branch_aware: bool,
    /// Whether changed source files the report does not know warn or fail.
    pub diff_unmatched: DiffUnmatched,
    /// A baseline written by `gate coverage baseline` to ratchet against.
    pub baseline: Option<PathBuf>,
    /// Percentage points a ratcheted figure may drop.
    pub tolerance: f64,
    /// Percentage points a file the change touches may lose against the base run
    /// (`coverage/file-dropped`, with `gate check --base` or `--base-report`).
    pub file_drop_max: Option<f64>,
}

/// Turns the raw `[coverage]` table into projects; paths are resolved against `root`.
pub(crate) fn projects(raw: Spanned<RawProject>, root: &Path) -> Result<Vec<Project>, Problem> {
    let span = raw.span();
    let mut raw = raw.into_inner();
    let nested = std::mem::take(&mut raw.project);
    if nested.is_empty() {
        if let Some(name) = &raw.name {
            return Err((
                Some(name.span()),
                "`name` belongs in a [[coverage.project]], not in [coverage]".to_owned(),
            ));
        }
        return Ok(vec![project(raw, span, root)?]);
    }
    if !raw.reports.is_empty() {
        return Err((
            Some(span),
            "[coverage] has both `reports` and [[coverage.project]] entries: put every report in a project".to_owned(),
        ));
    }
    let mut projects = Vec::new();
    for spanned in nested {
        let span = spanned.span();
        let mut inner = spanned.into_inner();
        if !inner.project.is_empty() {
            return Err((
                Some(span),
                "a [[coverage.project]] cannot contain projects".to_owned(),
            ));
        }
        let Some(name) = &inner.name else {
            return Err((
                Some(span),
                "every [[coverage.project]] needs a `name`".to_owned(),
            ));
        };
        let name_text = name.get_ref().trim().to_owned();
        if name_text.is_empty()
            || projects
                .iter()
                .any(|p: &Project| p.name.as_deref() == Some(name_text.as_str()))
        {
            return Err((
                Some(name.span()),
                format!("project name `{name_text}` is empty or used twice"),
            ));
        }
        inner.name = Some(Spanned::new(name.span(), name_text));
        projects.push(project(inner, span, root)?);
    }
    Ok(projects)
}

fn project(raw: RawProject, span: Range<usize>, root: &Path) -> Result<Project, Problem> {
    if raw.reports.is_empty() {
        return Err((
            Some(span),
            "`reports` is empty: list the coverage reports to check".to_owned(),
        ));
    }
    let diff = match (raw.diff_base, raw.diff_file) {
        (Some(_), Some(_)) => {
            return Err((
                Some(span),
                "set `diff-base` or `diff-file`, not both".to_owned(),
            ));
        }
        (Some(base), None) => Some(DiffSource::GitBase(base)),
        (None, Some(file)) => Some(DiffSource::File(root.join(file))),
        (None, None) => None,
    };
    if diff.is_none() && raw.diff_fail_under.is_some() {
        return Err((
            raw.diff_fail_under.as_ref().map(Spanned::span),
            "`diff-fail-under` needs `diff-base` (a git ref) or `diff-file`".to_owned(),
        ));
    }
    let diff_unmatched = match &raw.diff_unmatched {
        None => DiffUnmatched::default(),
        Some(value) => {
            if diff.is_none() {
                return Err((
                    Some(value.span()),
                    "`diff-unmatched` needs `diff-base` (a git ref) or `diff-file`".to_owned(),
                ));
            }
            DiffUnmatched::parse(value.get_ref()).ok_or_else(|| {
                (
                    Some(value.span()),
                    format!(
                        "`diff-unmatched` is `{}`: use \"warn\" or \"fail\"",
                        value.get_ref()
                    ),
                )
            })?
        }
    };
    if let Some(precision) = raw.precision
        && precision > gate_coverage::MAX_PRECISION
    {
        return Err((
            Some(span),
            format!(
                "`precision` is {precision}: at most {} decimal places",
                gate_coverage::MAX_PRECISION
            ),
        ));
    }
    if let Some(max) = &raw.file_drop_max
        && !(max.get_ref().is_finite() && *max.get_ref() >= 0.0)
    {
        return Err((
            Some(max.span()),
            format!(
                "`file-drop-max` is {}: percentage points, 0 or more",
                max.get_ref()
            ),
        ));
    }
    let mut paths = Vec::new();
    for (glob, value) in &raw.paths {
        paths.push((
            glob.clone(),
            threshold(value, &format!("paths.\"{glob}\""))?,
        ));
    }
    Ok(Project {
        name: raw.name.map(Spanned::into_inner),
        reports: raw.reports.iter().map(|report| root.join(report)).collect(),
        report_root: raw.report_root,
        path_map: raw.path_map.into_iter().collect(),
        pyproject: raw.pyproject.map(|path| root.join(path)),
        fail_under: optional_threshold(raw.fail_under.as_ref(), "fail-under")?,
        precision: raw.precision,
        line_only: raw.branch == Some(false),
        line_fail_under: optional_threshold(raw.line_fail_under.as_ref(), "line-fail-under")?,
        branch_fail_under: optional_threshold(raw.branch_fail_under.as_ref(), "branch-fail-under")?,
        file_fail_under: optional_threshold(raw.file_fail_under.as_ref(), "file-fail-under")?,
        max_uncovered_lines: raw.max_uncovered_lines,
        paths,
        diff,
        diff_fail_under: optional_threshold(raw.diff_fail_under.as_ref(), "diff-fail-under")?,
        diff_branch_aware: raw.diff_branch_aware,
        diff_unmatched,
        baseline: raw.baseline.map(|path| root.join(path)),
        tolerance: raw.tolerance.unwrap_or(0.0),
        file_drop_max: raw.file_drop_max.map(Spanned::into_inner),
    })
}

fn optional_threshold(
    value: Option<&Spanned<toml::Value>>,
    key: &str,
) -> Result<Option<Threshold>, Problem> {
    value.map(|value| threshold(value, key)).transpose()
}

/// A percentage written as a number (`85`, `85.5`) or a string (`"85.50"`, which keeps the
/// decimals the way coverage.py's precision rule reads them).
fn threshold(value: &Spanned<toml::Value>, key: &str) -> Result<Threshold, Problem> {
    let text = match value.get_ref() {
        toml::Value::Integer(number) => number.to_string(),
        toml::Value::Float(number) => number.to_string(),
        toml::Value::String(text) => text.clone(),
        other => {
            return Err((
                Some(value.span()),
                format!("`{key}` must be a percentage, not `{other}`"),
            ));
        }
    };
    Threshold::parse_setting(&text, key).map_err(|error| (Some(value.span()), error.to_string()))
}
