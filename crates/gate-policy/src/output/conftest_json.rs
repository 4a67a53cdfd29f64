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
