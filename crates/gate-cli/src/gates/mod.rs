//! Each gate's glue: typed settings from gate.toml or flags in, the library called, a
//! `GateReport` out. File and git access happen here, never in the gate libraries.

pub mod advisory_cache;
pub mod coverage;
pub mod git;
pub mod licenses;
pub mod policy;
pub mod protect;
pub mod release;
pub mod supply;

use gate_core::GateReport;

/// Adds one part's findings, metrics and errors to a gate's report (a gate may run in parts:
/// coverage projects, the supply audit and license check).
pub fn absorb(combined: &mut GateReport, part: GateReport) {
    combined.findings.extend(part.findings);
    combined.metrics.extend(part.metrics);
    combined.errors.extend(part.errors);
}
