//! nginx configuration (`nginx.conf`), shaped like conftest's (gonginx, comments skipped):
//! `{"directives": [{"name", "parameters", "block": {"directives": […]}}]}`, `parameters` left
//! out when there are none and `block` when the directive has no block. Parameters are kept as
//! written, quotes included, as gonginx prints them.

use serde_json::{Map, Value};

use super::{Document, single};
use crate::ParseError;

/// Parses an nginx configuration file.
pub(super) fn parse(path: &str, text: &str) -> Result<Document, ParseError> {
    let mut reader = Reader {
        chars: text.chars().collect(),
        at: 0,
        line: 1,
    };
    let directives = reader
        .directives(false, 0)
        .map_err(|(line, message)| ParseError::Syntax {
            path: path.to_owned(),
            format: "nginx",
            line,
            message,
        })?;
    let root = Map::from_iter([("directives".to_owned(), Value::Array(directives))]);
    single(path, &Value::Object(root))
}

type Failure = (u32, String);

struct Reader {
    chars: Vec<char>,
    at: usize,
    line: u32,
}

impl Reader {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn skip_blank(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_whitespace() {
                self.bump();
            } else if c == '#' {
                while self.peek().is_some_and(|c| c != '\n') {
                    self.bump();
                }
            } else {
                return;
            }
        }
    }

    /// Directives up to `}` (in a block) or the end of the file.
    fn directives(&mut self, in_block: bool, depth: usize) -> Result<Vec<Value>, Failure> {
        if depth > super::MAX_DEPTH / 2 {
            return Err((
                self.line,
                format!("nested deeper than {} blocks", super::MAX_DEPTH / 2),
            ));
        }
        let mut directives = Vec::new();
        loop {
            self.skip_blank();
            match self.peek() {
                None if in_block => {
                    return Err((self.line, "unclosed block: expected }".to_owned()));
                }
                None => return Ok(directives),
                Some('}') if in_block => {
                    self.bump();
                    return Ok(directives);
                }
                Some('}') => return Err((self.line, "unexpected }".to_owned())),
                Some(';' | '{') => return Err((self.line, "expected a directive name".to_owned())),
                Some(_) => {}
            }
            let name = self.word()?;
            let mut parameters = Vec::new();
            let block = loop {
                self.skip_blank();
                match self.peek() {
                    Some(';') => {
                        self.bump();
                        break None;
                    }
                    Some('{') => {
                        self.bump();
                        break Some(self.directives(true, depth + 1)?);
                    }
                    Some('}') | None => {
                        return Err((
                            self.line,
                            format!("directive {name:?} is not terminated by \";\""),
                        ));
                    }
                    Some(_) => parameters.push(Value::String(self.word()?)),
                }
            };
            let mut directive = Map::new();
            directive.insert("name".to_owned(), Value::String(name));
            if !parameters.is_empty() {
                directive.insert("parameters".to_owned(), Value::Array(parameters));
            }
            if let Some(block) = block {
                let block = Map::from_iter([("directives".to_owned(), Value::Array(block))]);
                directive.insert("block".to_owned(), Value::Object(block));
            }
            directives.push(Value::Object(directive));
        }
    }

    /// A word, or a quoted string kept with its quotes.
    fn word(&mut self) -> Result<String, Failure> {
        let mut word = String::new();
        if let Some(quote @ ('"' | '\'')) = self.peek() {
            let line = self.line;
            word.push(quote);
            self.bump();
            loop {
                let c = self
                    .bump()
                    .ok_or((line, "unterminated string".to_owned()))?;
                word.push(c);
                if c == '\\' {
                    if let Some(next) = self.bump() {
                        word.push(next);
                    }
                } else if c == quote {
                    return Ok(word);
                }
            }
        }
        let mut braces = 0usize;
        while let Some(c) = self.peek() {
            // `${var}` is one word; otherwise `;`, `{` and white space end it.
            if c == '{' && word.ends_with('$') {
                braces += 1;
            } else if c == '}' && braces > 0 {
                braces -= 1;
            } else if braces == 0 && (c.is_whitespace() || matches!(c, ';' | '{' | '}')) {
                break;
            }
            word.push(c);
            self.bump();
        }
        Ok(word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// conftest's own parser test (`parser/nginx/nginx_test.go`).
    #[test]
    fn conftest_sample() {
        let text = "\nworker_processes 1;\nhttp {\n    server {\n        listen 80;\n\
                    # note\n        server_name example.com;\n        location / {\n\
                    root /var/www/html;\n        }\n    }\n}\n";
        assert_eq!(
            parse("nginx.conf", text).unwrap().json(),
            json!({"directives": [
                {"name": "worker_processes", "parameters": ["1"]},
                {"name": "http", "block": {"directives": [
                    {"name": "server", "block": {"directives": [
                        {"name": "listen", "parameters": ["80"]},
                        {"name": "server_name", "parameters": ["example.com"]},
                        {"name": "location", "parameters": ["/"], "block": {"directives": [
                            {"name": "root", "parameters": ["/var/www/html"]},
                        ]}},
                    ]}},
                ]}},
            ]})
        );
    }

    #[test]
    fn errors_name_the_line() {
        for (text, line) in [
            ("http {", 1),
            ("a 1;\nb 2\n", 3),
            ("a \"x;\n", 1),
            ("\n}", 2),
        ] {
            let error = parse("nginx.conf", text).unwrap_err().to_string();
            assert!(
                error.starts_with(&format!("nginx.conf:{line}: invalid nginx")),
                "{error}"
            );
        }
    }
}
