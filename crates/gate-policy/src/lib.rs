//! The policy gate: conftest-compatible Rego policies over manifests (YAML, JSON, TOML, …).
//!
//! Not built yet: see the policy issue. The semantics it will match are in DESIGN.md §4 "policy".
