//! Each gate's glue: typed settings from gate.toml or flags in, the library called, a
//! `GateReport` out. File and git access happen here, never in the gate libraries.

pub mod coverage;
pub mod git;
pub mod release;
