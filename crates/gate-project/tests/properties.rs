//! Property tests: `gate.toml` parsing returns a configuration or an error for any input
//! (arbitrary bytes, or a real configuration mutated), never panics, and finishes within a
//! bounded time. `PROPTEST_CASES` raises the number of cases.

#[path = "../../../tests/support/properties.rs"]
mod support;

use std::path::Path;

use gate_project::parse;
use proptest::prelude::*;
use support::{bounded, bytes, config, lossy, mutated, text};

/// This repository's own `gate.toml`, the example project's, and the CLI tests'.
const CONFIGS: &[&[u8]] = &[
    include_bytes!("../../../gate.toml"),
    include_bytes!("../../../examples/beacon/gate.toml"),
    include_bytes!("../../../examples/beacon/incidents/gate.toml"),
    include_bytes!("../../gate-cli/tests/fixtures/ci/gate.toml"),
    include_bytes!("../../gate-cli/tests/fixtures/protect/gate.toml"),
];

/// TOML syntax and `gate.toml`'s own keys and values, spliced into text and fixtures.
const TOKENS: &[&str] = &[
    "[policy]",
    "[coverage]",
    "[supply]",
    "[release]",
    "[protect]",
    "[ci]",
    "[[",
    "]]",
    "[",
    "]",
    "{",
    "}",
    " = ",
    "=",
    "\"",
    "'",
    "\"\"\"",
    ",",
    ".",
    "#",
    "\n",
    "\r\n",
    "true",
    "false",
    "0",
    "-1",
    "100.5",
    "1e400",
    "nan",
    "9223372036854775808",
    "\"*\"",
    "\"**/*.rs\"",
    "\"../../\"",
    "\"/\"",
    "\"\"",
    "\"[\"",
    "\"(\"",
    "\"a{\"",
    "fail_under",
    "min",
    "precision",
    "paths",
    "inputs",
    "policy",
    "namespace",
    "branches",
    "tag_format",
    "\"v{version}\"",
    "\"{version}\"",
    "waivers",
    "rule",
    "reason",
    "expires",
    "\"2026-13-45\"",
    "allow",
    "deny",
    "lockfiles",
    "database",
    "max_age_days",
    "repository",
    "\u{feff}",
];

proptest! {
    #![proptest_config(config(1024))]

    #[test]
    fn config_takes_arbitrary_input(raw in bytes(), made in text(TOKENS)) {
        let root = Path::new(".");
        bounded("parse", || parse(&lossy(&raw), "gate.toml", "gate.toml", root))?;
        bounded("parse", || parse(&made, "gate.toml", "gate.toml", root))?;
    }

    #[test]
    fn config_takes_mutated_fixtures((_, input) in mutated(CONFIGS, TOKENS)) {
        let root = Path::new(".");
        bounded("parse", || parse(&lossy(&input), "gate.toml", "gate.toml", root))?;
    }
}
