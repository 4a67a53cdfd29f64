//! Clean as you code: the base a run is judged against — the configured gates run on a base
//! revision in a temporary `git worktree`, a saved JSON report of the base run, or the
//! committed baseline of `[check] baseline` — and the comparison itself
//! ([`gate_core::baseline`]).

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
) -> Result<Base, BaseRunError> {
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
    Ok(Base::from_report(&report))
}

/// Reads a saved JSON report (`gate check --format json`) of the base run.
///
/// # Errors
///
/// When it cannot be read or is not a gate JSON report with finding identities.
pub fn base_from_report(path: &Path) -> Result<Base, BaseRunError> {
    let fail = |message: String| BaseRunError::File {
        path: path.display().to_string(),
        message,
    };
    let text = read_to_string_capped(path, MAX_FILE_BYTES)
        .map_err(|error| fail(format!("cannot read the base report: {error}")))?;
    Base::from_json_report(&text).map_err(|error| fail(error.message))
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
    base: Option<&Base>,
) -> Result<(), BaseRunError> {
    let inherited = |gate: &str| config.check.inherited_fails(gate);
    if let Some(base) = base {
        compare(report, base, &inherited);
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
        Ok(Worktree {
            io,
            top: top.to_path_buf(),
            path,
            _directory: directory,
        })
    }
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
