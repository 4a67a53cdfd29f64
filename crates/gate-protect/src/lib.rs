//! The protect gate: required status checks as GitHub rulesets / branch protection, and drift checks.
//!
//! Not built yet: see the protect issue. The semantics it will match are in DESIGN.md §4 "protect".
