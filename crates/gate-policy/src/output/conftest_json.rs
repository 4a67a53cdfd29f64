//! conftest's `--output json`.

use super::go_json::{self, newline};
use crate::results::{CheckResult, RuleResult};

/// The text `conftest test -o json` prints for `checks` (with its trailing newline).
///
/// Field order, omitted empty lists, tab indentation and Go's HTML-safe escaping follow conftest;
/// standard input (`-`) prints as an empty file name. Beyond conftest (which stops at the first
/// evaluation error): a file whose documents errored has an `"errors"` list of messages, after
/// its results.
pub fn conftest_json(checks: &[CheckResult]) -> String {
    let mut out = String::new();
    if checks.is_empty() {
        // conftest marshals a nil slice.
        out.push_str("null\n");
        return out;
    }
    out.push('[');
    for (index, check) in checks.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        newline(&mut out, 1);
        out.push('{');
        newline(&mut out, 2);
        out.push_str("\"filename\": ");
        let filename = if check.filename == "-" {
            ""
        } else {
            &check.filename
        };
        go_json::string(&mut out, filename);
        out.push(',');
        newline(&mut out, 2);
        out.push_str("\"namespace\": ");
        go_json::string(&mut out, &check.namespace);
        out.push(',');
        newline(&mut out, 2);
        out.push_str("\"successes\": ");
        out.push_str(&check.successes.to_string());
        for (name, results) in [
            ("skipped", &check.skipped),
            ("warnings", &check.warnings),
            ("failures", &check.failures),
            ("exceptions", &check.exceptions),
        ] {
            if results.is_empty() {
                continue;
            }
            out.push(',');
            newline(&mut out, 2);
            out.push('"');
            out.push_str(name);
            out.push_str("\": [");
            for (position, result) in results.iter().enumerate() {
                if position > 0 {
                    out.push(',');
                }
                newline(&mut out, 3);
                write_result(&mut out, result);
            }
            newline(&mut out, 2);
            out.push(']');
        }
        if !check.errors.is_empty() {
            out.push(',');
            newline(&mut out, 2);
            out.push_str("\"errors\": [");
            for (position, error) in check.errors.iter().enumerate() {
                if position > 0 {
                    out.push(',');
                }
                newline(&mut out, 3);
                go_json::string(&mut out, error);
            }
            newline(&mut out, 2);
            out.push(']');
        }
        newline(&mut out, 1);
        out.push('}');
    }
    out.push_str("\n]\n");
    out
}

fn write_result(out: &mut String, result: &RuleResult) {
    out.push('{');
    newline(out, 4);
    out.push_str("\"msg\": ");
    go_json::string(out, &result.message);
    if let Some(location) = &result.location {
        out.push(',');
        newline(out, 4);
        out.push_str("\"loc\": {");
        let mut first = true;
        if !location.file.is_empty() {
            newline(out, 5);
            out.push_str("\"file\": ");
            go_json::string(out, &location.file);
            first = false;
        }
        if !location.line.is_empty() {
            if !first {
                out.push(',');
            }
            newline(out, 5);
            out.push_str("\"line\": ");
            out.push_str(&location.line);
        }
        newline(out, 4);
        out.push('}');
    }
    if !result.metadata.is_empty() {
        out.push(',');
        newline(out, 4);
        out.push_str("\"metadata\": ");
        go_json::value(out, &serde_json::Value::Object(result.metadata.clone()), 4);
    }
    newline(out, 3);
    out.push('}');
}

/// Reads conftest's JSON output back into check results (`conftest reformat`): an array of
/// `{filename, namespace, successes, skipped, warnings, failures, exceptions}` whose results are
/// `{msg, loc, metadata}`; `null` or a missing list is empty. Errors say where the JSON breaks.
pub fn read_conftest_json(text: &str) -> Result<Vec<CheckResult>, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|error| format!("line {}: {error}", error.line()))?;
    let Some(checks) = value.as_array() else {
        return if value.is_null() {
            Ok(Vec::new())
        } else {
            Err("expected an array of check results".to_owned())
        };
    };
    let text_of = |value: &serde_json::Value, key: &str| {
        value
            .get(key)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let results = |check: &serde_json::Value, key: &str| -> Vec<RuleResult> {
        check
            .get(key)
            .and_then(serde_json::Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .map(|item| RuleResult {
                        message: text_of(item, "msg"),
                        location: item.get("loc").and_then(|loc| {
                            let file = text_of(loc, "file");
                            let line = match loc.get("line") {
                                Some(serde_json::Value::Number(number)) => number.to_string(),
                                Some(serde_json::Value::String(line)) => line.clone(),
                                _ => String::new(),
                            };
                            (!file.is_empty() || !line.is_empty())
                                .then_some(crate::ResultLocation { file, line })
                        }),
                        metadata: item
                            .get("metadata")
                            .and_then(serde_json::Value::as_object)
                            .cloned()
                            .unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    checks
        .iter()
        .map(|check| {
            if !check.is_object() {
                return Err("expected an array of check results".to_owned());
            }
            Ok(CheckResult {
                filename: text_of(check, "filename"),
                namespace: text_of(check, "namespace"),
                successes: check
                    .get("successes")
                    .and_then(serde_json::Value::as_u64)
                    .and_then(|count| usize::try_from(count).ok())
                    .unwrap_or_default(),
                skipped: results(check, "skipped"),
                warnings: results(check, "warnings"),
                failures: results(check, "failures"),
                exceptions: results(check, "exceptions"),
                ..CheckResult::default()
            })
        })
        .collect()
}

#[cfg(test)]
mod read_tests {
    use super::*;
    use crate::ResultLocation;

    #[test]
    fn reads_back_what_it_writes() {
        let checks = vec![CheckResult {
            filename: "a.yaml".to_owned(),
            namespace: "main".to_owned(),
            successes: 2,
            failures: vec![RuleResult {
                message: "bad".to_owned(),
                location: Some(ResultLocation {
                    file: "a.yaml".to_owned(),
                    line: "3".to_owned(),
                }),
                metadata: serde_json::Map::from_iter([(
                    "query".to_owned(),
                    serde_json::Value::from("data.main.deny"),
                )]),
            }],
            ..CheckResult::default()
        }];
        assert_eq!(read_conftest_json(&conftest_json(&checks)).unwrap(), checks);
    }

    #[test]
    fn malformed_json_says_where() {
        let error = read_conftest_json("[\n  {\"filename\": }\n]").unwrap_err();
        assert!(error.starts_with("line 2: "), "{error}");
        assert!(read_conftest_json("{}").is_err());
        assert_eq!(read_conftest_json("null").unwrap(), Vec::new());
    }
}
