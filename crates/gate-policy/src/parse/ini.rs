//! INI inputs: `[section]` headers and `key = value` lines; every value is a string, keys before
//! the first section sit at the top level.

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
        let target = match &section {
            Some(name) => match root.get_mut(name) {
                Some(Value::Object(entries)) => entries,
                _ => return Err(error(format!("section {name:?} clashes with a key"))),
            },
            None => &mut root,
        };
        target.insert(key.trim().to_owned(), Value::String(value.to_owned()));
    }
    Ok(single(Value::Object(root)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_and_errors() {
        let document = parse("a.ini", "top=1\n[db]\nhost = x\n; c\nport: 5432\n").unwrap();
        assert_eq!(
            document.value,
            serde_json::json!({"top": "1", "db": {"host": "x", "port": "5432"}})
        );
        assert!(
            parse("a.ini", "[db\n")
                .unwrap_err()
                .to_string()
                .starts_with("a.ini:1:")
        );
    }
}
