//! `.gitignore` and `.dockerignore` inputs, shaped like conftest's (shteou/go-ignore): a list
//! holding one list of entries, each `{"Kind", "Value", "Original"}`, one per line (the text is
//! split on `\n`, so a final newline gives a last `Empty` entry, as in conftest).

use serde_json::{Value, json};

use super::{Document, single};
use crate::ParseError;

/// Parses an ignore file; every line is valid.
pub(super) fn parse(path: &str, text: &str) -> Result<Document, ParseError> {
    let entries: Vec<Value> = text.split('\n').map(entry).collect();
    single(path, &Value::Array(vec![Value::Array(entries)]))
}

fn entry(line: &str) -> Value {
    let stripped = trim_right_space(line);
    let (kind, value) = if stripped.is_empty() {
        ("Empty", line.to_owned())
    } else if line.starts_with('#') {
        ("Comment", stripped[1..].trim().to_owned())
    } else if line.starts_with('!') {
        ("NegatedPath", unescape(&stripped[1..]))
    } else {
        ("Path", unescape(stripped))
    };
    json!({"Kind": kind, "Value": value, "Original": line})
}

/// Trailing spaces go unless escaped with a backslash (go-ignore's `TrimRightSpace`).
fn trim_right_space(line: &str) -> &str {
    let trimmed = line.trim_end_matches(' ');
    if trimmed.ends_with('\\') && trimmed.len() < line.len() {
        &line[..=trimmed.len()]
    } else {
        trimmed
    }
}

/// go-ignore's `Unescape`: a backslash is dropped, `\\` keeps one.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
        } else if chars.peek() == Some(&'\\') {
            out.push('\\');
            chars.next();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// conftest's own parser test (`parser/ignore/ignore_test.go`) and go-ignore's rules.
    #[test]
    fn entries_like_go_ignore() {
        let value = parse(".gitignore", "!bar\n\n# Test").unwrap().json();
        assert_eq!(
            value,
            json!([[
                {"Kind": "NegatedPath", "Value": "bar", "Original": "!bar"},
                {"Kind": "Empty", "Value": "", "Original": ""},
                {"Kind": "Comment", "Value": "Test", "Original": "# Test"},
            ]])
        );
        let value = parse(".gitignore", "qux\\ \na\\\\b  \n").unwrap().json();
        assert_eq!(
            value,
            json!([[
                {"Kind": "Path", "Value": "qux ", "Original": "qux\\ "},
                {"Kind": "Path", "Value": "a\\b", "Original": "a\\\\b  "},
                {"Kind": "Empty", "Value": "", "Original": ""},
            ]])
        );
    }
}
