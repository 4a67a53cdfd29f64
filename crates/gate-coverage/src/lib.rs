//! The coverage gate: coverage.py-exact totals, per-path, per-file and diff thresholds, ratchet.
//!
//! Read one or more reports (Cobertura, `JaCoCo`, LCOV, coverage.py JSON) into a [`Coverage`]
//! model, then [`check()`] it against a [`CheckConfig`] to get a [`gate_core::GateReport`]. The
//! totals, the `fail_under` comparison and the displayed figures follow coverage.py 7.17 exactly;
//! diff coverage follows diff-cover.
//!
//! ```
//! use gate_coverage::{check, parse_report, CheckConfig, PathRule, ReadOptions, Threshold};
//! use gate_core::Verdict;
//!
//! let xml = br#"<coverage><sources><source>/ci/repo</source></sources><packages><package><classes>
//!   <class filename="api/app.py"><lines>
//!     <line number="1" hits="1"/><line number="2" hits="0"/>
//!     <line number="3" hits="1" branch="true" condition-coverage="50% (1/2)"/>
//!   </lines></class></classes></package></packages></coverage>"#;
//! let coverage = parse_report(xml, "coverage.xml", &ReadOptions::default())?;
//!
//! let config = CheckConfig {
//!     fail_under: Some(Threshold::parse("80")?),
//!     paths: vec![PathRule::new("api/**", Threshold::parse("50")?)?],
//!     ..CheckConfig::default()
//! };
//! let report = check(&coverage, &config);
//! // (2 lines + 1 branch) / (3 lines + 2 branches) = 60%
//! assert_eq!(report.findings[0].message, "total of 60 is less than fail-under=80");
//! assert_eq!(report.verdict(), Verdict::Fail);
//! # Ok::<(), gate_coverage::CoverageError>(())
//! ```

mod check;
mod cobertura;
mod coveragepy_json;
mod delta;
mod diff;
mod error;
mod jacoco;
mod lcov;
mod model;
mod paths;
mod pyconfig;
mod ratchet;
mod read;
pub mod rules;
mod table;
mod threshold;
mod xml;

pub use check::{CheckConfig, DiffRule, DiffUnmatched, GATE, PathRule, RatchetRule, check};
pub use delta::{FILE_METRIC_PREFIX, FILE_METRIC_SUFFIX, file_drops, file_figures};
pub use diff::{AddedLines, DiffCoverage};
pub use error::CoverageError;
pub use model::{BranchCounts, Coverage, FileCoverage, LineHits, ReportNote, Totals};
pub use paths::PathMap;
pub use pyconfig::{PythonSettings, load_python_settings};
pub use ratchet::{BASELINE_VERSION, Baseline, load_baseline};
pub use read::{
    Format, Limits, ReadOptions, load_report, load_report_as, load_reports, parse_report,
    read_report,
};
pub use rules::RULES;
pub use table::{FileRow, FileTable, SortKey, format_lines};
pub use threshold::{MAX_PRECISION, Threshold, display_covered, round_half_even};

/// The README's example, compiled as a doctest so it cannot drift.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctest;
