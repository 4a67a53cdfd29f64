//! JSON text the way Go's `encoding/json` writes it (`json.Marshal` then `json.Indent` with a
//! tab): `<`, `>`, `&`, U+2028 and U+2029 escaped, object keys sorted.

use std::fmt::Write as _;

use serde_json::Value;

/// Appends a Go-escaped JSON string literal.
pub(super) fn string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends `value` indented with tabs, the first line already placed at `depth`.
pub(super) fn value(out: &mut String, value_: &Value, depth: usize) {
    indented(out, value_, depth, "\t");
}

/// Appends `value` indented with `unit` per level (`json.MarshalIndent`'s indent).
pub(super) fn indented(out: &mut String, value_: &Value, depth: usize, unit: &str) {
    match value_ {
        Value::Null => out.push_str("null"),
        Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Value::Number(number) => out.push_str(&number.to_string()),
        Value::String(text) => string(out, text),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                newline_with(out, depth + 1, unit);
                indented(out, item, depth + 1, unit);
            }
            newline_with(out, depth, unit);
            out.push(']');
        }
        Value::Object(entries) => {
            if entries.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (index, (key, item)) in entries.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                newline_with(out, depth + 1, unit);
                string(out, key);
                out.push_str(": ");
                indented(out, item, depth + 1, unit);
            }
            newline_with(out, depth, unit);
            out.push('}');
        }
    }
}

/// A newline and `depth` tabs.
pub(super) fn newline(out: &mut String, depth: usize) {
    newline_with(out, depth, "\t");
}

/// A newline and `depth` indent units.
pub(super) fn newline_with(out: &mut String, depth: usize, unit: &str) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str(unit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_go() {
        let mut out = String::new();
        string(&mut out, "a<b>&\"c\"\u{1}");
        assert_eq!(out, r#""a\u003cb\u003e\u0026\"c\"\u0001""#);
        let mut out = String::new();
        value(&mut out, &serde_json::json!({"b": [1, {}], "a": []}), 0);
        assert_eq!(out, "{\n\t\"a\": [],\n\t\"b\": [\n\t\t1,\n\t\t{}\n\t]\n}");
    }
}
