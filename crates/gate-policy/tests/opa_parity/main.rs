//! OPA conformance cases: each `cases/*.yaml` entry is a policy, an input, a query and the value
//! the real OPA engine (v1.20.2) gives for it.
//!
//! Minimal runner for the number and sprintf cases; it evaluates with regorus directly.

use std::path::Path;

use serde_json::Value as Json;
use yaml_rust2::{Yaml, YamlLoader};

fn to_json(yaml: &Yaml) -> Json {
    match yaml {
        Yaml::Null | Yaml::BadValue => Json::Null,
        Yaml::Boolean(b) => Json::Bool(*b),
        Yaml::Integer(i) => Json::from(*i),
        Yaml::Real(text) => {
            // Integers beyond i64 come as reals; keep them exact when they are integral.
            if let Ok(u) = text.parse::<u64>() {
                Json::from(u)
            } else {
                let f: f64 = text.parse().expect("a YAML real is a number");
                serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number)
            }
        }
        Yaml::String(s) => Json::String(s.clone()),
        Yaml::Array(items) => Json::Array(items.iter().map(to_json).collect()),
        Yaml::Hash(map) => Json::Object(
            map.iter()
                .map(|(k, v)| (k.as_str().expect("string keys").to_owned(), to_json(v)))
                .collect(),
        ),
        Yaml::Alias(_) => panic!("aliases are not used in cases"),
    }
}

/// Runs one case; `Err` describes how the result differs from OPA's.
fn run_case(case: &Yaml) -> Result<(), String> {
    let policy = case["policy"].as_str().ok_or("no policy")?;
    let query = case["query"].as_str().unwrap_or("data.main.deny");
    let v0 = case["rego"].as_str() == Some("v0");
    let input = if case["input"].is_badvalue() {
        Json::Object(serde_json::Map::default())
    } else {
        to_json(&case["input"])
    };

    let mut engine = regorus::Engine::new();
    engine.set_rego_v0(v0);
    engine.set_strict_builtin_errors(case["strict"].as_bool().unwrap_or(false));
    engine
        .add_policy("policy.rego".to_owned(), policy.to_owned())
        .map_err(|e| format!("policy does not load: {e}"))?;
    engine.set_input(regorus::Value::from_json_str(&input.to_string()).map_err(|e| e.to_string())?);
    let result = engine.eval_rule(query.to_owned());

    if let Some(wanted) = case["error"].as_str() {
        return match result {
            Err(e) if e.to_string().contains(wanted) => Ok(()),
            Err(e) => Err(format!("error {e:?} does not contain {wanted:?}")),
            Ok(v) => Err(format!("expected an error, got {v}")),
        };
    }
    let value = result.map_err(|e| format!("evaluation failed: {e}"))?;
    if case["undefined"].as_bool() == Some(true) {
        return if value == regorus::Value::Undefined {
            Ok(())
        } else {
            Err(format!("expected undefined, got {value}"))
        };
    }
    let got: Json = serde_json::from_str(&value.to_json_str().map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    let expected = to_json(&case["expect"]);
    if got == expected {
        Ok(())
    } else {
        Err(format!("expected {expected}\n     got {got}"))
    }
}

#[test]
fn opa_parity_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/opa_parity/cases");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("cases dir")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let mut failures = Vec::new();
    let mut count = 0;
    for file in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
    {
        let text = std::fs::read_to_string(file).expect("read cases");
        let docs = YamlLoader::load_from_str(&text).expect("cases are YAML");
        for case in docs[0].as_vec().expect("a list of cases") {
            count += 1;
            let name = case["name"].as_str().unwrap_or("?");
            if let Err(why) = run_case(case) {
                failures.push(format!(
                    "{}: {name}: {why}",
                    file.file_name().unwrap().to_string_lossy()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} cases differ from OPA:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
