//! JSON inputs.

use serde_json::Value;

use super::{Document, single};
use crate::ParseError;

/// Parses one JSON document.
pub(super) fn parse(path: &str, text: &str) -> Result<Document, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value = serde_json::from_str::<Value>(text).map_err(|error| {
        let line = u32::try_from(error.line()).unwrap_or(u32::MAX).max(1);
        // serde_json stops at 128 levels by itself: the same refusal as every other format's.
        if error.to_string().starts_with("recursion limit exceeded") {
            return ParseError::TooDeep {
                path: path.to_owned(),
                line: Some(line),
                limit: super::MAX_DEPTH,
            };
        }
        ParseError::Syntax {
            path: path.to_owned(),
            format: "json",
            line,
            message: error.to_string(),
        }
    })?;
    single(path, &value)
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
