//! `.env` inputs: `KEY=value` lines become one object of strings.

use serde_json::{Map, Value};

use super::{Document, single};
use crate::ParseError;

/// Parses a dotenv file: comments and blank lines skipped, `export ` allowed, quotes removed.
pub(super) fn parse(path: &str, text: &str) -> Result<Document, ParseError> {
    let mut entries = Map::new();
    for (number, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            return Err(ParseError::Syntax {
                path: path.to_owned(),
                format: "dotenv",
                line: u32::try_from(number + 1).unwrap_or(u32::MAX),
                message: format!("expected KEY=value, found {raw:?}"),
            });
        };
        let value = value.trim();
        let value = if let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
            inner.replace("\\n", "\n").replace("\\\"", "\"")
        } else if let Some(inner) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
            inner.to_owned()
        } else {
            // An unquoted value ends at an inline comment.
            value
                .split_once(" #")
                .map_or(value, |(before, _)| before)
                .trim_end()
                .to_owned()
        };
        entries.insert(key.trim().to_owned(), Value::String(value));
    }
    single(path, &Value::Object(entries))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_quotes_and_errors() {
        let document = parse(".env", "# c\nA=1\nexport B=\"x y\"\nC='z' \nD=v # note\n").unwrap();
        assert_eq!(
            document.json(),
            serde_json::json!({"A": "1", "B": "x y", "C": "z", "D": "v"})
        );
        assert!(
            parse(".env", "A=1\nnonsense\n")
                .unwrap_err()
                .to_string()
                .starts_with(".env:2:")
        );
    }
}
