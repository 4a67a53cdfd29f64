//! The supply gate: offline OSV vulnerability audit of lockfiles and SPDX license compliance.
//!
//! Not built yet: see the supply issues. The semantics it will match are in DESIGN.md §4 "supply".
