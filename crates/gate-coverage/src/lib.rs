//! The coverage gate: coverage.py-exact totals, per-path, per-file and diff thresholds, ratchet.

mod cobertura;
mod coveragepy_json;
mod error;
mod jacoco;
mod lcov;
mod model;
mod paths;
mod read;
mod threshold;
mod xml;

pub use error::CoverageError;
pub use model::{BranchCounts, Coverage, FileCoverage, LineHits, Totals};
pub use paths::PathMap;
pub use read::{Format, Limits, ReadOptions, load_report, parse_report, read_report};
pub use threshold::{Threshold, display_covered, round_half_even};
