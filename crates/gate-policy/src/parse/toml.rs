//! TOML inputs: tables become objects, datetimes become their RFC 3339 text.

use serde_json::{Map, Value};

use super::{Document, single};
use crate::ParseError;

/// Parses one TOML document.
pub(super) fn parse(path: &str, text: &str) -> Result<Document, ParseError> {
    let table = text.parse::<toml::Table>().map_err(|error| {
        let line = error.span().map_or(1, |span| line_of(text, span.start));
        // The TOML parser stops at 80 levels by itself: the same refusal as every other format's.
        if error.message().contains("max recursion depth") {
            return ParseError::TooDeep {
                path: path.to_owned(),
                line: Some(line),
                limit: super::MAX_DEPTH,
            };
        }
        ParseError::Syntax {
            path: path.to_owned(),
            format: "toml",
            line,
            message: error.message().to_owned(),
        }
    })?;
    single(path, &convert_table(table))
}

fn line_of(text: &str, offset: usize) -> u32 {
    let before = text.get(..offset).unwrap_or(text);
    u32::try_from(before.matches('\n').count() + 1).unwrap_or(u32::MAX)
}

fn convert_table(table: toml::Table) -> Value {
    Value::Object(
        table
            .into_iter()
            .map(|(key, value)| (key, convert(value)))
            .collect::<Map<String, Value>>(),
    )
}

fn convert(value: toml::Value) -> Value {
    match value {
        toml::Value::String(text) => Value::String(text),
        toml::Value::Integer(number) => Value::from(number),
        toml::Value::Float(number) => serde_json::Number::from_f64(number)
            .map_or_else(|| Value::String(number.to_string()), Value::Number),
        toml::Value::Boolean(flag) => Value::Bool(flag),
        toml::Value::Datetime(datetime) => Value::String(datetime.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(convert).collect()),
        toml::Value::Table(table) => convert_table(table),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_and_errors() {
        let document = parse("a.toml", "[server]\nport = 80\n").unwrap();
        assert_eq!(document.json(), serde_json::json!({"server": {"port": 80}}));
        let error = parse("a.toml", "a = 1\nb = \n").unwrap_err();
        assert!(
            error.to_string().starts_with("a.toml:2: invalid toml"),
            "{error}"
        );
    }
}
