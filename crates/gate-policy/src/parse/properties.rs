//! Java `.properties` inputs, shaped like conftest's (magiconair/properties): one object of
//! string values. `#` and `!` start comments, `=`, `:` or white space end a key, a trailing `\`
//! continues a line, and `\t`, `\n`, `\uXXXX`… escapes are decoded.

use serde_json::{Map, Value};

use super::{Document, single};
use crate::ParseError;

/// Parses a properties file.
pub(super) fn parse(path: &str, text: &str) -> Result<Document, ParseError> {
    let mut entries = Map::new();
    let mut lines = text.lines().enumerate();
    while let Some((index, raw)) = lines.next() {
        let start = index + 1;
        let line = raw.trim_start();
        if line.is_empty() || line.starts_with('#') || line.starts_with('!') {
            continue;
        }
        // A logical line goes on while the physical one ends in an odd number of backslashes.
        let mut logical = line.to_owned();
        while ends_in_escape(&logical) {
            logical.pop();
            match lines.next() {
                Some((_, next)) => logical.push_str(next.trim_start()),
                None => break,
            }
        }
        let error = |message: String| ParseError::Syntax {
            path: path.to_owned(),
            format: "properties",
            line: u32::try_from(start).unwrap_or(u32::MAX),
            message,
        };
        let (key, value) = split_key(&logical);
        let key = unescape(key).map_err(&error)?;
        let value = unescape(value).map_err(&error)?;
        entries.insert(key, Value::String(value));
    }
    single(path, &Value::Object(entries))
}

fn ends_in_escape(line: &str) -> bool {
    line.chars().rev().take_while(|c| *c == '\\').count() % 2 == 1
}

/// The raw key and value: the key ends at an unescaped `=`, `:` or white space; white space and
/// one separator after it are skipped.
fn split_key(line: &str) -> (&str, &str) {
    let mut escaped = false;
    for (at, c) in line.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        if c == '\\' {
            escaped = true;
            continue;
        }
        if c == '=' || c == ':' || c.is_whitespace() {
            let key = &line[..at];
            let mut rest = line[at..].trim_start_matches([' ', '\t', '\u{c}']);
            if c.is_whitespace()
                && let Some(after) = rest.strip_prefix(['=', ':'])
            {
                rest = after;
            } else if !c.is_whitespace() {
                rest = &rest[1..];
            }
            return (key, rest.trim_start_matches([' ', '\t', '\u{c}']));
        }
    }
    (line, "")
}

fn unescape(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('f') => out.push('\u{c}'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                let code = u32::from_str_radix(&hex, 16)
                    .ok()
                    .filter(|_| hex.len() == 4)
                    .ok_or_else(|| format!("invalid unicode escape \\u{hex}"))?;
                out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// conftest's own parser test (`parser/properties/properties_test.go`).
    #[test]
    fn conftest_sample() {
        let text = "# This is a simle properties file\n    SAMPLE_KEY=https://example.com/\n\
                    ! some comment=not-a-prop\nmy-property=some-value";
        assert_eq!(
            parse("a.properties", text).unwrap().json(),
            serde_json::json!({"SAMPLE_KEY": "https://example.com/", "my-property": "some-value"})
        );
    }

    #[test]
    fn separators_escapes_and_continuations() {
        let text = "a : 1\nb 2\nc=x\\\n   y\nd\\ e=\\u0041\\t\ne\n";
        assert_eq!(
            parse("a.properties", text).unwrap().json(),
            serde_json::json!({"a": "1", "b": "2", "c": "xy", "d e": "A\t", "e": ""})
        );
        let error = parse("a.properties", "ok=1\nbad=\\u12\n").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("a.properties:2: invalid properties"),
            "{error}"
        );
    }
}
