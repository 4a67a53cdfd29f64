//! The coverage gate: coverage.py-exact totals, per-path, per-file and diff thresholds, ratchet.
//!
//! Not built yet: see the coverage issue. The semantics it will match are in DESIGN.md §4 "coverage".
