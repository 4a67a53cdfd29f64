//! gate.toml as a library: find and parse it (with line-precise errors), the settings of each
//! gate, a run per gate that turns settings into a [`gate_core::GateReport`], and the CI files
//! derived from the configuration.
//!
//! A build tool (a cargo xtask, a Bazel rule, a pre-commit plugin) runs "the coverage gate as
//! configured" with this crate alone; the `gate` command line is a thin layer over it. Each gate
//! is a Cargo feature (`policy`, `coverage`, `supply`, `release`, `protect`; `ci` needs them
//! all), so an embedder compiles only the gates it runs. Processes, the clock and standard input
//! go through [`ProjectIo`]; [`SystemIo`] is the real machine.
//!
//! ```no_run
//! use std::path::Path;
//! use gate_project::{Gate, SystemIo, load};
//!
//! let config = load(Path::new("gate.toml"))?;
//! let report = gate_project::run_gate(&config, Gate::Coverage, &SystemIo::new())?;
//! for finding in &report.findings {
//!     eprintln!("{}: {}", finding.rule.id, finding.message);
//! }
//! # Ok::<(), gate_project::ConfigError>(())
//! ```

pub mod ci_checks;
mod config;
pub mod git;
#[cfg(feature = "release")]
pub mod history;
#[cfg(feature = "release")]
pub mod import;
pub mod io;
pub mod paths;
pub mod run;
pub mod settings;

#[cfg(feature = "ci")]
pub mod ci;

pub use config::{Config, ConfigError, FILE_NAME, Gate, Section, find, load, parse};
pub use io::{CommandOutput, ProjectIo, SystemIo};
pub use run::{run_gate, run_gates};

/// The README's example, compiled as a doctest so it cannot drift.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
