//! The shared vocabulary of gate: what every gate returns and every renderer prints.
//!
//! A gate turns typed inputs into a [`GateReport`]: [`Finding`]s (each with a stable [`Rule`] id,
//! a [`Verdict`], a message and an optional [`Location`]) and named [`Metric`]s. A run collects
//! gate reports into a [`Report`], applies [`Waiver`]s with [`apply_waivers`], and hands the
//! report to a renderer in [`render`]. The [`Outcome`] of the report gives the exit code.
//!
//! ```
//! use gate_core::{apply_waivers, render, Date, Finding, GateReport, Report, Rule, Verdict};
//!
//! static TOTAL: Rule = Rule {
//!     id: "coverage/total",
//!     summary: "Total coverage meets fail-under.",
//!     help: "Add tests, or lower fail-under in a reviewed change.",
//! };
//!
//! let mut gate = GateReport::new("coverage");
//! gate.push(Finding::new(&TOTAL, Verdict::Fail, "total 61.00% < 80%"));
//! let mut report = Report::new(vec![gate]);
//! apply_waivers(&mut report, &[], Date::new(2026, 11, 28).unwrap());
//!
//! assert_eq!(report.outcome().exit_code(), 1);
//! let json = render::json(&report);
//! assert!(json.contains("\"verdict\": \"fail\""));
//! ```

pub mod baseline;
mod date;
mod finding;
mod location;
mod read;
pub mod render;
mod report;
mod rule;
pub mod rules;
mod verdict;
mod waiver;
mod write;

#[cfg(test)]
mod test_files;

pub use baseline::BaselineState;
pub use date::{Date, DateError};
pub use finding::Finding;
pub use location::Location;
pub use read::{read_capped, read_to_string_capped};
pub use report::{Counts, GateError, GateReport, Metric, Report, error_chain};
pub use rule::Rule;
pub use rules::RULES;
pub use verdict::{Outcome, Severity, Verdict};
pub use waiver::{Target, TargetError, Waived, Waiver, apply_waivers};
pub use write::{remove_stale_temporaries, write_atomically};

/// The README's example, compiled as a doctest so it cannot drift.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctest;
