//! The release gate: Conventional Commit lint, next semantic version, release notes and changelog.
//!
//! Pure: the caller (gate-cli) reads the history with one `git log` pass and hands it over as a
//! [`History`]; this crate computes what semantic-release 24 with the `conventionalcommits` preset
//! would (last release, `last..HEAD`, next version, notes) and what commitlint with
//! `config-conventional` says about messages. It never prints, reads the clock or runs git.
//!
//! ```
//! use gate_core::Date;
//! use gate_release::{plan, render_notes, Commit, Config, History, NotesOptions};
//!
//! let history = History::new(vec![
//!     Commit::new("c3".repeat(20), vec!["b2".repeat(20)], "feat(api): add search"),
//!     Commit::new("b2".repeat(20), vec!["a1".repeat(20)], "fix: handle empty input"),
//!     Commit::new("a1".repeat(20), vec![], "chore: init").with_tag("v1.0.0"),
//! ]);
//! let plan = plan(&history, &Config::default())?;
//! let next = plan.next.as_ref().expect("a feat releases");
//! assert_eq!(next.tag, "v1.1.0");
//!
//! let options = NotesOptions::new(Date::new(2026, 11, 28).unwrap(), Some("https://github.com/o/r"));
//! let notes = render_notes(&plan, &options).unwrap();
//! assert!(notes.starts_with(
//!     "## [1.1.0](https://github.com/o/r/compare/v1.0.0...v1.1.0) (2026-11-28)\n\n### Features\n"
//! ));
//! # Ok::<(), gate_release::ReleaseError>(())
//! ```

pub mod bump;
mod changelog;
mod collate;
pub mod commit;
pub mod git_log;
mod history;
mod lint;
mod notes;
mod plan;
mod report;
mod version;

pub use changelog::{changelog_has_version, prepend_changelog};
pub use commit::{ParsedCommit, ParserOptions};
pub use history::{Commit, History, ReleaseTag, TagFormat};
pub use lint::{
    COMMIT_FORMAT, LINT_RULES, Level, LintConfig, LintOutcome, Violation, is_ignored, lint_commits,
    lint_findings, lint_message,
};
pub use notes::{
    NotesOptions, Repository, TypeSection, default_types, render_notes, render_past_release,
};
pub use plan::{
    Branch, BranchKind, Config, NextRelease, PastRelease, Plan, RangeCommit, maintenance_ceiling,
    past_releases, plan,
};
pub use report::{NEXT_VERSION, VERSION_OUT_OF_RANGE, gate_report, gate_report_from_result};
pub use version::{ReleaseRule, ReleaseType, default_release_rules, increment};

use gate_core::Rule;
/// The semantic version type plans and tags hold (re-exported so embedders need not pin `semver`).
pub use semver::Version;

/// Every rule this gate raises.
pub static RULES: &[&Rule] = &[&COMMIT_FORMAT, &VERSION_OUT_OF_RANGE];

/// Why a release could not be planned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReleaseError {
    /// The next version leaves the maintenance branch's range (semantic-release's
    /// `EINVALIDNEXTVERSION`).
    #[error(
        "The release `{version}` on branch `{branch}` cannot be published as it is out of range. \
         Only versions within `{range}` can be published from branch `{branch}`."
    )]
    OutOfRange {
        /// The version the commits ask for.
        version: semver::Version,
        /// The branch.
        branch: String,
        /// The allowed range, `>=1.2.0 <1.3.0`.
        range: String,
    },
    /// The tag format has no `{version}` placeholder, or more than one.
    #[error("tag format `{format}` must contain `{{version}}` exactly once")]
    TagFormat {
        /// The format as given.
        format: String,
    },
    /// A lint level set for a rule that does not exist.
    #[error("`{rule}` is not a lint rule; the rules are {}", lint::LINT_RULES.join(", "))]
    UnknownLintRule {
        /// The name as given.
        rule: String,
    },
    /// A branch configured as maintenance whose name is not a range.
    #[error("maintenance branch `{branch}` is not named like a range (`1.x`, `1.x.x` or `1.2.x`)")]
    MaintenanceBranch {
        /// The branch name.
        branch: String,
    },
}

/// The README's example, compiled as a doctest so it cannot drift.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctest;
