//! OPA conformance suite: small policy + input + expected-result cases, one YAML list per topic
//! in `cases/<topic>.yaml`, evaluated through [`PolicyEngine::query`] with the settings `gate
//! policy test` uses. Expected results follow OPA's documented semantics and were checked against
//! OPA v1.20.2 with `check_with_opa.py` (see its header for what it cannot check).
//!
//! A case:
//!
//! ```yaml
//! - name: missing-ref-in-bodiless-rule      # unique within the file
//!   rego: v1                                # v0 or v1, default v1
//!   policy: |
//!     package main
//!   input: {kind: Pod}                      # any YAML value, default {}
//!   query: data.main.deny                   # default data.main.deny
//!   expect: ["msg a", "msg b"]              # the query's value as JSON (sets as sorted arrays)
//!   # or: undefined: true                   # the query is undefined
//!   # or: error: "substring of the error"   # evaluation/load error expected
//!   strict: false                           # strict builtin errors (--show-builtin-errors)
//! ```

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use gate_policy::{EngineOptions, PolicyEngine, PolicySource, RegoVersion};
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    #[serde(default)]
    rego: Option<String>,
    policy: String,
    #[serde(default)]
    input: Option<serde_yaml::Value>,
    #[serde(default)]
    query: Option<String>,
    #[serde(default)]
    expect: Option<serde_yaml::Value>,
    #[serde(default)]
    undefined: bool,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    strict: bool,
}

/// What a case expects.
#[derive(Debug, PartialEq)]
enum Outcome {
    Value(Value),
    Undefined,
    Error(String),
}

impl Case {
    fn expected(&self) -> Result<Outcome, String> {
        match (&self.expect, self.undefined, &self.error) {
            (Some(value), false, None) => Ok(Outcome::Value(to_json(value)?)),
            (None, true, None) => Ok(Outcome::Undefined),
            (None, false, Some(error)) => Ok(Outcome::Error(error.clone())),
            _ => Err("give exactly one of expect, undefined: true, error".to_owned()),
        }
    }

    fn run(&self) -> Result<Outcome, String> {
        let rego_version = match self.rego.as_deref() {
            None => RegoVersion::V1,
            Some(name) => RegoVersion::from_name(name).ok_or(format!("unknown rego {name:?}"))?,
        };
        let options = EngineOptions {
            rego_version,
            strict_builtin_errors: self.strict,
            ..EngineOptions::default()
        };
        let input = match &self.input {
            Some(input) => to_json(input)?,
            None => Value::Object(serde_json::Map::new()),
        };
        let query = self.query.as_deref().unwrap_or("data.main.deny");
        let policy = PolicySource::new("policy.rego", self.policy.clone());
        let result = PolicyEngine::new(vec![policy], serde_json::json!({}), &options)
            .and_then(|engine| engine.query(&input, query));
        Ok(match result {
            Ok(Some(value)) => Outcome::Value(value),
            Ok(None) => Outcome::Undefined,
            Err(error) => Outcome::Error(error.to_string()),
        })
    }
}

fn to_json(value: &serde_yaml::Value) -> Result<Value, String> {
    serde_json::to_value(value).map_err(|error| format!("not JSON: {error}"))
}

/// Whether `actual` is what was expected (an error matches by substring).
fn agrees(expected: &Outcome, actual: &Outcome) -> bool {
    match (expected, actual) {
        (Outcome::Error(wanted), Outcome::Error(message)) => message.contains(wanted.as_str()),
        _ => expected == actual,
    }
}

#[test]
fn opa_parity_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/opa_parity/cases");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("cases directory")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();
    let mut failures = String::new();
    let mut count = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable case file");
        let cases: Vec<Case> = serde_yaml::from_str(&text)
            .unwrap_or_else(|error| panic!("{}: {error}", file.display()));
        let topic = file.file_stem().unwrap_or_default().to_string_lossy();
        let mut names = BTreeSet::new();
        for case in &cases {
            count += 1;
            assert!(
                names.insert(&case.name),
                "{topic}: duplicate case {}",
                case.name
            );
            let outcome = case.expected().and_then(|expected| {
                let actual = case.run()?;
                if agrees(&expected, &actual) {
                    Ok(())
                } else {
                    Err(format!("expected {expected:?}, got {actual:?}"))
                }
            });
            if let Err(problem) = outcome {
                let _ = writeln!(failures, "{topic}/{}: {problem}", case.name);
            }
        }
    }
    assert!(count > 0, "no cases found in {}", dir.display());
    assert!(
        failures.is_empty(),
        "cases that disagree with OPA:\n{failures}"
    );
}
