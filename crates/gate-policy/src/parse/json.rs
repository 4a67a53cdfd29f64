//! JSON inputs.

use serde_json::Value;

use super::{Document, single};
use crate::ParseError;

/// Parses one JSON document.
pub(super) fn parse(path: &str, text: &str) -> Result<Document, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str::<Value>(text)
        .map(|value| single(&value))
        .map_err(|error| ParseError::Syntax {
            path: path.to_owned(),
            format: "json",
            line: u32::try_from(error.line()).unwrap_or(u32::MAX).max(1),
            message: error.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_line() {
        let error = parse("a.json", "{\n\"a\": }").unwrap_err();
        assert!(
            error.to_string().starts_with("a.json:2: invalid json"),
            "{error}"
        );
    }
}
