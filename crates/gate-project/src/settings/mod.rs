//! Each gate's gate.toml section as typed, checked settings. Relative paths are resolved
//! against the configuration's directory when the section is read.

use std::ops::Range;

pub mod check;
#[cfg(feature = "ci")]
pub mod ci;
#[cfg(feature = "policy")]
pub mod conftest;
#[cfg(feature = "coverage")]
pub mod coverage;
#[cfg(feature = "policy")]
pub mod policy;
#[cfg(feature = "protect")]
pub mod protect;
#[cfg(feature = "release")]
pub mod release;
#[cfg(feature = "supply")]
pub mod supply;

/// How a configuration value that went wrong is reported: a message at a span of the file.
#[allow(dead_code)]
pub(crate) type Problem = (Option<Range<usize>>, String);
