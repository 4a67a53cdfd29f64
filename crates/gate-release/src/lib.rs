//! The release gate: Conventional Commit lint, next semantic version, release notes and changelog.
//!
//! Not built yet: see the release issue. The semantics it will match are in DESIGN.md §4 "release".
