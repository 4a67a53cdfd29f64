//! The coverage gate's glue: reports, Python settings, diffs and baselines read from disk, then
//! `gate_coverage::check`.

use std::path::{Path, PathBuf};

use gate_core::{GateError, GateReport, Location, Metric};
use gate_coverage::{
    AddedLines, CheckConfig, Coverage, DiffRule, PathMap, PathRule, RatchetRule, ReadOptions,
    load_baseline, load_python_settings, load_report_as,
};

use crate::git::Git;
use crate::io::ProjectIo;
use crate::settings::coverage::{DiffSource, Project};

/// Runs every project and combines them into the coverage gate's report.
pub fn run(projects: &[Project], root: &Path, io: &dyn ProjectIo) -> GateReport {
    let mut combined = GateReport::new(gate_coverage::GATE);
    let tracked = tracked_files(root, io);
    for project in projects {
        let report = match check_project(project, root, &tracked, io) {
            Ok(report) => report,
            Err(error) => GateReport::errored(gate_coverage::GATE, error),
        };
        match &project.name {
            Some(name) => combined.absorb_named(report, name),
            None => combined.absorb(report),
        }
    }
    combined
}

/// The files git tracks under `root`, relative to it; none outside a work tree. Read once per
/// run, whatever the number of projects and reports.
pub fn tracked_files(root: &Path, io: &dyn ProjectIo) -> Vec<String> {
    Git::new(io, root).tracked_files().unwrap_or_default()
}

/// Checks one project: everything it reads is read here, then the library decides.
pub fn check_project(
    project: &Project,
    root: &Path,
    tracked: &[String],
    io: &dyn ProjectIo,
) -> Result<GateReport, GateError> {
    let coverage = read_reports(project, root, tracked)?;
    let config = check_config(project, root, io)?;
    let mut report = gate_coverage::check(&coverage, &config);
    report.set_metric("reports", Metric::Count(project.reports.len() as u64));
    Ok(report)
}

/// Reads and merges the project's reports, with paths made relative to `root`.
///
/// A relative name in a report resolves to the first of its candidates (under a `<source>`,
/// under the report's directory, as written) that the project has: `tracked` ([`tracked_files`]
/// of `root`) or a file on disk. So a report with several `<source>` roots (gcovr, coverage.py
/// with `source_pkgs`) finds each file where it is, as diff-cover does, and a report downloaded
/// outside the project keeps the project-relative names it was written with.
pub fn read_reports(
    project: &Project,
    root: &Path,
    tracked: &[String],
) -> Result<Coverage, GateError> {
    let absolute_root = absolute(root);
    let mut reports = Vec::new();
    for report in &project.reports {
        let base = match &project.report_root {
            Some(base) => Some(base.clone()),
            None => relative_directory(report, &absolute_root),
        };
        let mut paths = PathMap::new()
            .with_root(absolute_root.to_string_lossy())
            .with_known_files(tracked)
            .with_checkout(&absolute_root);
        if let Some(base) = base {
            paths = paths.with_base(base);
        }
        for (from, to) in &project.path_map {
            paths = paths.with_prefix(from, to);
        }
        let options = ReadOptions {
            paths,
            ..ReadOptions::default()
        };
        let coverage = load_report_as(report, &relative_name(report, root), &options)
            .map_err(|error| gate_error(&error, root))?;
        reports.push(coverage);
    }
    Ok(Coverage::merged(reports))
}

fn check_config(
    project: &Project,
    root: &Path,
    io: &dyn ProjectIo,
) -> Result<CheckConfig, GateError> {
    let python = match &project.pyproject {
        Some(path) => load_python_settings(path).map_err(|error| gate_error(&error, root))?,
        None => gate_coverage::PythonSettings::default(),
    };
    let mut paths = Vec::new();
    for (glob, threshold) in &project.paths {
        paths.push(
            PathRule::new(glob, threshold.clone())
                .map_err(|error| GateError::new(error.to_string()))?,
        );
    }
    let diff = match &project.diff {
        None => None,
        Some(source) => Some(DiffRule {
            added: added_lines(source, root, io)?,
            fail_under: project.diff_fail_under.clone(),
            branch_aware: project.diff_branch_aware,
            unmatched: project.diff_unmatched,
        }),
    };
    let ratchet = match &project.baseline {
        None => None,
        Some(path) => Some(RatchetRule {
            baseline: load_baseline(path).map_err(|error| gate_error(&error, root))?,
            tolerance: project.tolerance,
        }),
    };
    Ok(CheckConfig {
        fail_under: project.fail_under.clone().or(python.fail_under),
        precision: project.precision.or(python.precision).unwrap_or(0),
        line_only: project.line_only,
        line_fail_under: project.line_fail_under.clone(),
        branch_fail_under: project.branch_fail_under.clone(),
        paths,
        file_fail_under: project.file_fail_under.clone(),
        max_uncovered_lines: project.max_uncovered_lines,
        diff,
        ratchet,
        file_figures: project.file_drop_max.is_some(),
    })
}

fn added_lines(
    source: &DiffSource,
    root: &Path,
    io: &dyn ProjectIo,
) -> Result<AddedLines, GateError> {
    match source {
        DiffSource::File(path) => {
            let text = crate::io::read_text(path).map_err(|error| {
                GateError::new(format!("cannot read the diff: {error}"))
                    .with_location(file_location(path, root))
            })?;
            AddedLines::parse(&text, &relative_name(path, root))
                .map_err(|error| gate_error(&error, root))
        }
        DiffSource::GitBase(base) => {
            let text = Git::new(io, root)
                .diff_against(base)
                .map_err(GateError::new)?;
            AddedLines::parse(&text, &format!("git diff {base}...HEAD"))
                .map_err(|error| GateError::new(error.to_string()))
        }
    }
}

/// The project-relative directory of a report (`api` for `api/coverage.xml`); `None` when the
/// report lies outside the project (an artifact downloaded elsewhere): its names are not
/// relative to a directory of the project, so they are not joined onto one.
fn relative_directory(report: &Path, absolute_root: &Path) -> Option<String> {
    let parent = report
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let directory = absolute(parent);
    let relative = directory.strip_prefix(absolute_root).ok()?;
    Some(relative.to_string_lossy().replace('\\', "/"))
}

fn file_location(path: &Path, root: &Path) -> Location {
    Location::file(relative_name(path, root))
}

/// A file's name relative to `root` when it lies below it (it was joined onto `root`).
fn relative_name(path: &Path, root: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative.to_string_lossy().into_owned()
}

/// A library error as a gate error: the file and line become its location, the message keeps
/// only what went wrong, so the file is named once.
fn gate_error(error: &gate_coverage::CoverageError, root: &Path) -> GateError {
    let Some(file) = error.file() else {
        return GateError::new(error.to_string());
    };
    let path = relative_name(Path::new(file), root);
    let line = error.line().and_then(|line| u32::try_from(line).ok());
    let location = match line {
        Some(line) => Location::line(path, line),
        None => Location::file(path),
    };
    GateError::new(error.detail()).with_location(location)
}

fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}
