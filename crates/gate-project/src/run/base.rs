//! Clean as you code: the base a run is judged against — the configured gates run on a base
//! revision in a temporary `git worktree`, a saved JSON report of the base run, or the
//! committed baseline of `[check] baseline` — and the comparison itself
//! ([`gate_core::baseline`]).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use gate_core::baseline::{Base, BaselineFile, compare, compare_with_baseline};
use gate_core::{Report, read_to_string_capped};

use crate::git::Git;
use crate::io::{MAX_FILE_BYTES, ProjectIo};
use crate::settings::check::check_revision;
use crate::{Config, Gate, run_gates};

/// Why the base could not be had: the run cannot be judged, which is an error, not a pass.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BaseRunError {
    /// The base revision could not be checked out or run.
    #[error("base `{revision}`: {message}")]
    Revision {
        /// The revision as given.
        revision: String,
        /// What went wrong.
        message: String,
    },
    /// A base report or baseline file could not be read or is not one.
    #[error("{path}: {message}")]
    File {
        /// The file as given.
        path: String,
        /// What went wrong, with the line where known.
        message: String,
    },
}

/// A base to judge a run against: a base run's findings (and figures), and the files the
/// change touches where they are known.
#[derive(Debug, Clone)]
pub struct BaseRun {
    /// The base run's findings and metrics.
    pub base: Base,
    /// The files (relative to the configuration's directory) changed since the base; `None`
    /// when the base is a saved report and the change is not known.
    pub touched: Option<BTreeSet<String>>,
}

/// Runs `gates` as `config` sets them up on `revision`, checked out in a temporary worktree
/// that is removed afterwards (also when a gate fails to run). The head's gate.toml is used,
/// so a rule added by the change judges the base too and what it finds there is existing.
///
/// # Errors
///
/// When the project is not in a git work tree, the revision does not exist, or the worktree
/// cannot be made. A gate that cannot run on the base is not an error: none of its head
/// findings can be called existing, so they are all new.
pub fn base_from_revision(
    config: &Config,
    gates: &[Gate],
    io: &dyn ProjectIo,
    revision: &str,
) -> Result<BaseRun, BaseRunError> {
    let fail = |message: String| BaseRunError::Revision {
        revision: revision.to_owned(),
        message,
    };
    check_revision(revision).map_err(fail)?;
    let git = Git::new(io, &config.root);
    let top = PathBuf::from(
        git.text(&["rev-parse", "--show-toplevel"])
            .map_err(|error| {
                fail(format!(
                    "{} is not in a git work tree: {error}",
                    config.root.display()
                ))
            })?
            .trim(),
    );
    let prefix = git.prefix_in_repository().unwrap_or_default();
    let commit = git
        .text(&[
            "rev-parse",
            "--verify",
            "--end-of-options",
            &format!("{revision}^{{commit}}"),
        ])
        .map_err(|_| {
            fail("no such commit (fetch it first, e.g. `git fetch origin main`)".to_owned())
        })?;
    let worktree = Worktree::add(io, &top, commit.trim()).map_err(fail)?;
    let root = worktree.path.join(prefix.trim_end_matches('/'));
    let text = crate::io::read_text(&config.path)
        .map_err(|error| fail(format!("cannot read {}: {error}", config.path.display())))?;
    let base_config = crate::parse(
        &text,
        &config.path.display().to_string(),
        &config.report_path,
        &root,
    )
    .map_err(|error| fail(error.to_string()))?;
    let reports = run_gates(&base_config, gates, io).map_err(|error| fail(error.to_string()))?;
    let mut report = Report::new(reports);
    rebase_paths(&mut report, &root, &config.root);
    let range = format!("{}...HEAD", commit.trim());
    let touched = git
        .text(&[
            "diff",
            "--name-only",
            "--no-renames",
            "--relative",
            &range,
            "--",
        ])
        .map_err(fail)?
        .lines()
        .map(str::to_owned)
        .collect();
    Ok(BaseRun {
        base: Base::from_report(&report),
        touched: Some(touched),
    })
}

/// Reads a saved JSON report (`gate check --format json`) of the base run.
///
/// # Errors
///
/// When it cannot be read or is not a gate JSON report with finding identities.
pub fn base_from_report(path: &Path) -> Result<BaseRun, BaseRunError> {
    let fail = |message: String| BaseRunError::File {
        path: path.display().to_string(),
        message,
    };
    let text = read_to_string_capped(path, MAX_FILE_BYTES)
        .map_err(|error| fail(format!("cannot read the base report: {error}")))?;
    let base = Base::from_json_report(&text).map_err(|error| fail(error.message))?;
    Ok(BaseRun {
        base,
        touched: None,
    })
}

/// Reads a committed baseline file.
///
/// # Errors
///
/// When it cannot be read (a missing file names `gate baseline write`) or is not a baseline.
pub fn read_baseline(path: &Path) -> Result<BaselineFile, BaseRunError> {
    let fail = |message: String| BaseRunError::File {
        path: path.display().to_string(),
        message,
    };
    let text = read_to_string_capped(path, MAX_FILE_BYTES).map_err(|error| {
        if error.kind() == std::io::ErrorKind::NotFound {
            fail("the baseline does not exist: write it with `gate baseline write`".to_owned())
        } else {
            fail(format!("cannot read the baseline: {error}"))
        }
    })?;
    BaselineFile::parse(&text).map_err(|error| fail(error.message))
}

/// Judges `report` against `base` when given, else against the committed baseline of
/// `[check] baseline` when there is one; gates of `[check] inherited` keep existing failures.
///
/// # Errors
///
/// When the committed baseline cannot be read.
pub fn judge(
    report: &mut Report,
    config: &Config,
    base: Option<&BaseRun>,
) -> Result<(), BaseRunError> {
    let inherited = |gate: &str| config.check.inherited_fails(gate);
    if let Some(run) = base {
        #[cfg(feature = "coverage")]
        coverage_deltas(report, config, run);
        compare(report, &run.base, &inherited);
    } else if let Some(path) = &config.check.baseline {
        let file = read_baseline(path)?;
        let shown = config
            .check
            .baseline_shown
            .as_deref()
            .unwrap_or("gate-baseline.json");
        compare_with_baseline(report, &file, shown, &inherited);
    }
    Ok(())
}

/// `coverage/file-dropped`: for each coverage project with `file-drop-max`, the touched files
/// whose figure dropped against the base run by more than that. Added before the comparison,
/// so a drop that was already there and grew is new, and one that stayed is existing.
#[cfg(feature = "coverage")]
fn coverage_deltas(report: &mut Report, config: &Config, run: &BaseRun) {
    let Some(projects) = &config.coverage else {
        return;
    };
    let gate_name = gate_coverage::GATE;
    let Some(base_metrics) = run.base.metrics(gate_name) else {
        return;
    };
    let Some(gate) = report
        .gates
        .iter_mut()
        .find(|gate| gate.gate == gate_name && gate.errors.is_empty())
    else {
        return;
    };
    for project in projects {
        let Some(max_drop) = project.file_drop_max else {
            continue;
        };
        let prefix = project
            .name
            .as_ref()
            .map(|name| format!("{name}."))
            .unwrap_or_default();
        let base = gate_coverage::file_figures(
            base_metrics.iter().map(|(name, value)| (name, *value)),
            &prefix,
        );
        let head_numbers: Vec<(String, f64)> = gate
            .metrics
            .iter()
            .filter_map(|(name, metric)| match metric {
                gate_core::Metric::Percent(value) => Some((name.clone(), *value)),
                _ => None,
            })
            .collect();
        let head = gate_coverage::file_figures(
            head_numbers.iter().map(|(name, value)| (name, *value)),
            &prefix,
        );
        for mut finding in gate_coverage::file_drops(&base, &head, run.touched.as_ref(), max_drop) {
            if let Some(name) = &project.name {
                finding.message = format!("{name}: {}", finding.message);
                finding.target = finding.target.map(|target| format!("{name}:{target}"));
                finding.identity_key = finding.identity_key.map(|key| format!("{name}:{key}"));
            }
            gate.push(finding);
        }
    }
}

/// Paths in the base run's findings point into the worktree: make them what the head run
/// would write, so that identities that contain a path match.
fn rebase_paths(report: &mut Report, from: &Path, to: &Path) {
    let from = format!("{}/", from.display());
    let to = if to == Path::new(".") || to.as_os_str().is_empty() {
        String::new()
    } else {
        format!("{}/", to.display())
    };
    let fix = |text: &mut String| {
        if text.contains(&from) {
            *text = text.replace(&from, &to);
        }
    };
    for gate in &mut report.gates {
        for finding in &mut gate.findings {
            fix(&mut finding.message);
            if let Some(target) = &mut finding.target {
                fix(target);
            }
            if let Some(key) = &mut finding.identity_key {
                fix(key);
            }
            if let Some(location) = &mut finding.location {
                fix(&mut location.path);
            }
        }
    }
}

/// A detached worktree in a temporary directory, removed on drop.
struct Worktree<'a> {
    io: &'a dyn ProjectIo,
    top: PathBuf,
    path: PathBuf,
    // Kept for its drop: removes whatever git leaves behind.
    _directory: tempfile::TempDir,
}

impl<'a> Worktree<'a> {
    fn add(io: &'a dyn ProjectIo, top: &Path, commit: &str) -> Result<Worktree<'a>, String> {
        let directory = tempfile::Builder::new()
            .prefix("gate-base-")
            .tempdir()
            .map_err(|error| format!("cannot make a temporary directory: {error}"))?;
        let path = directory.path().join("tree");
        let shown = path.display().to_string();
        let output = io
            .git(
                top,
                &["worktree", "add", "--detach", "--quiet", &shown, commit],
                None,
            )
            .map_err(|error| format!("cannot run git: {error}"))?;
        if !output.success() {
            return Err(format!(
                "`git worktree add` failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        let worktree = Worktree {
            io,
            top: top.to_path_buf(),
            path,
            _directory: directory,
        };
        // The gates only read the base: a gate that tried to write there would be a bug.
        make_files_read_only(&worktree.path)
            .map_err(|error| format!("cannot make the base worktree read-only: {error}"))?;
        Ok(worktree)
    }
}

/// Makes every file under `directory` read-only. Directories stay writable, so that
/// `git worktree remove` can still delete the tree; symbolic links are not followed.
fn make_files_read_only(directory: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(directory)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            make_files_read_only(&entry.path())?;
        } else if kind.is_file() {
            let mut permissions = entry.metadata()?.permissions();
            permissions.set_readonly(true);
            std::fs::set_permissions(entry.path(), permissions)?;
        }
    }
    Ok(())
}

impl Drop for Worktree<'_> {
    fn drop(&mut self) {
        let shown = self.path.display().to_string();
        // Best effort: a failure leaves a stale entry that `git worktree prune` clears.
        let _ = self
            .io
            .git(&self.top, &["worktree", "remove", "--force", &shown], None);
        let _ = self.io.git(&self.top, &["worktree", "prune"], None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_worktree_is_made_read_only_but_stays_removable() {
        let directory = tempfile::tempdir().unwrap();
        let nested = directory.path().join("deploy");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::write(nested.join("api.yaml"), "kind: Deployment\n").unwrap();
        make_files_read_only(directory.path()).unwrap();
        let permissions = std::fs::metadata(nested.join("api.yaml"))
            .unwrap()
            .permissions();
        assert!(permissions.readonly());
        assert!(!std::fs::metadata(&nested).unwrap().permissions().readonly());
        std::fs::remove_dir_all(directory.path().join("deploy")).unwrap();
    }
}
