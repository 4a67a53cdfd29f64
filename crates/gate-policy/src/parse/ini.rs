//! INI inputs, shaped like conftest's: an object of sections (keys outside any section belong
//! to the default section, which conftest leaves out), numbers and booleans converted.

use serde_json::{Map, Value};

use super::{Document, single};
use crate::ParseError;

/// Parses an INI file.
pub(super) fn parse(path: &str, text: &str) -> Result<Document, ParseError> {
    let mut root = Map::new();
    let mut section: Option<String> = None;
    for (number, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with(';') || line.starts_with('#') {
            continue;
        }
        let error = |message: String| ParseError::Syntax {
            path: path.to_owned(),
            format: "ini",
            line: u32::try_from(number + 1).unwrap_or(u32::MAX),
            message,
        };
        if let Some(name) = line.strip_prefix('[') {
            let name = name
                .strip_suffix(']')
                .ok_or_else(|| error(format!("unclosed section header {raw:?}")))?;
            let name = name.trim().to_owned();
            root.entry(name.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            section = Some(name);
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .or_else(|| line.split_once(':'))
            .ok_or_else(|| error(format!("expected key = value, found {raw:?}")))?;
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        let Some(name) = &section else {
            continue;
        };
        if let Some(Value::Object(entries)) = root.get_mut(name) {
            entries.insert(key.trim().to_owned(), typed(value));
        }
    }
    single(path, &Value::Object(root))
}

/// conftest converts a value that Go's `strconv.ParseFloat` reads (finite) to a number, else one
/// `strconv.ParseBool` reads to a boolean, else keeps the string.
pub(super) fn typed(value: &str) -> Value {
    if let Some(number) = go_float(value) {
        #[allow(clippy::cast_possible_truncation)]
        if number.fract() == 0.0 && number.abs() < 9.0e15 {
            return Value::from(number as i64);
        }
        if let Some(number) = serde_json::Number::from_f64(number) {
            return Value::Number(number);
        }
    }
    match value {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Value::Bool(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Value::Bool(false),
        _ => Value::String(value.to_owned()),
    }
}

/// Decimal floats as `strconv.ParseFloat` accepts them (no infinities or NaN).
fn go_float(value: &str) -> Option<f64> {
    let body = value.strip_prefix(['+', '-']).unwrap_or(value);
    let plausible = !body.is_empty()
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-' | '_'))
        && body
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '.');
    if !plausible {
        return None;
    }
    value.parse::<f64>().ok().filter(|n| n.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_and_errors() {
        let document = parse(
            "a.ini",
            "top=1\n[db]\nhost = x\n; c\nport: 5432\nratio = 0.5\ntls = true\n",
        )
        .unwrap();
        assert_eq!(
            document.json(),
            serde_json::json!({"db": {"host": "x", "port": 5432, "ratio": 0.5, "tls": true}})
        );
        assert!(
            parse("a.ini", "[db\n")
                .unwrap_err()
                .to_string()
                .starts_with("a.ini:1:")
        );
    }
}
