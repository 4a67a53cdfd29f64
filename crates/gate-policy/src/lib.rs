//! The policy gate: conftest-compatible Rego policies over configuration documents.
//!
//! Load policies ([`load_policies`]) and data ([`load_data`]) once into a [`PolicyEngine`], parse
//! inputs ([`parse_as`], [`parse_file`], or [`parse_file_with`] and [`ParseOptions`] for
//! textproto's message types) — YAML with go-yaml v2 scalar rules, JSON, TOML, HCL2, Dockerfile,
//! INI, dotenv, XML and every other format conftest parses ([`Format::ALL`]) — and evaluate them with [`PolicyEngine::test`] (conftest's `deny`,
//! `violation`, `warn` and `exception` conventions) or run the Rego unit tests with
//! [`PolicyEngine::verify`]. Results render as conftest's outputs ([`output`]) or convert to a
//! [`gate_core::GateReport`] ([`test_report`]).
//!
//! ```
//! use gate_policy::{EngineOptions, PolicyEngine, PolicySource, TestOptions, output, parse_as};
//!
//! let policy = PolicySource::new(
//!     "policy/k8s.rego",
//!     "package main\n\ndeny contains msg if {\n  input.kind == \"Pod\"\n  \
//!      not input.spec.securityContext.runAsNonRoot\n  msg := \"pods must not run as root\"\n}\n",
//! );
//! let engine = PolicyEngine::new(vec![policy], serde_json::json!({}), &EngineOptions::default())?;
//! let input = parse_as(None, "pod.yaml", "kind: Pod\nspec: {}\n")?;
//! let results = engine.test(&[input], &TestOptions::default())?;
//!
//! assert_eq!(results.totals().failures, 1);
//! let text = output::conftest_stdout(&results.check_results(), &output::StdoutOptions::default());
//! assert!(text.starts_with("FAIL - pod.yaml - main - pods must not run as root\n"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod builtins;
mod checks;
mod engine;
mod error;
pub mod fmt;
mod limits;
mod load;
pub mod output;
pub mod parse;
mod recursion;
mod report;
mod results;
mod rules;
mod trace;
mod value;
mod verify;

pub use checks::Capabilities;
pub use engine::{EngineOptions, PolicyEngine, RegoVersion, TestOptions};
pub use error::{ParseError, PolicyError};
pub use limits::{LimitKind, Limits};
pub use load::{PolicySource, find_inputs, find_inputs_ignoring, load_data, load_policies};
pub use parse::{
    Document, Format, ParseOptions, Parsed, ProtoSchemas, parse_as, parse_as_with, parse_file,
    parse_file_with,
};
pub use report::{test_report, verify_report};
pub use results::{
    CheckResult, DocumentResult, ResultLocation, RuleOutcome, RuleResult, TestResults, Totals,
};
pub use rules::{DENY, EXCEPTION, RULES, TEST, WARN, exception_name, is_failure, is_warning};
pub use verify::{FileCoverage, TestCase, TestStatus, VerifyOptions, VerifyResults};

/// The README's example, compiled as a doctest so it cannot drift.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctest;
