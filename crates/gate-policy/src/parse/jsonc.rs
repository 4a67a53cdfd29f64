//! JSON with comments (`.jsonc`), like conftest's (muhammadmuzzammil1998/jsonc): `//` and
//! `/* */` comments are removed outside strings, then the text is read as JSON.

use super::{Document, json};
use crate::ParseError;

/// Parses a JSONC document. Comments are blanked rather than removed, so lines stay put.
pub(super) fn parse(path: &str, text: &str) -> Result<Document, ParseError> {
    json::parse(path, &strip_comments(text)).map_err(|error| match error {
        ParseError::Syntax {
            path,
            line,
            message,
            ..
        } => ParseError::Syntax {
            path,
            format: "jsonc",
            line,
            message,
        },
        other => other,
    })
}

fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                while chars.peek().is_some_and(|c| *c != '\n') {
                    chars.next();
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                    }
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
                out.push(' ');
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_go_strings_stay() {
        let text = "{\n  \"a\": \"x // y\", // note\n  /* block\n */ \"b\": 1\n}";
        assert_eq!(
            parse("a.jsonc", text).unwrap().json(),
            serde_json::json!({"a": "x // y", "b": 1})
        );
        let error = parse("a.jsonc", "{\n/* c */\n\"a\": }")
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("a.jsonc:3: invalid jsonc"), "{error}");
    }
}
