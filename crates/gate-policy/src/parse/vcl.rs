//! Varnish VCL inputs, shaped like conftest's (KeisukeYamashita/go-vcl decoded into a map):
//! top-level blocks grouped by type then first label (`backend app {…}` is
//! `{"backend": {"app": {…}}}`), attributes without their leading dot, a block of bare values
//! (`acl purge { "127.0.0.1"; }`) as a list. go-vcl also reads statements inside `sub`
//! routines; gate skips `sub` bodies (policies check the declarations): approximate.

use serde_json::{Map, Value};

use super::{Document, single};
use crate::ParseError;

/// Parses a VCL file.
pub(super) fn parse(path: &str, text: &str) -> Result<Document, ParseError> {
    let tokens = tokenize(text).map_err(|(line, message)| syntax(path, line, message))?;
    let mut parser = Parser { tokens, at: 0 };
    let body = parser
        .body(0, true)
        .map_err(|(line, message)| syntax(path, line, message))?;
    let mut root = Map::new();
    for (name, value) in body.attributes {
        root.insert(name, value);
    }
    for (kind, blocks) in group(body.blocks) {
        let mut by_label = Map::new();
        for block in blocks {
            let label = block.labels.first().cloned().unwrap_or_default();
            let value = if block.body.attributes.is_empty() && block.body.blocks.is_empty() {
                Value::Array(block.body.flats)
            } else {
                let mut value = block_map(block.body);
                for label in block.labels.iter().skip(1) {
                    value = Value::Object(Map::from_iter([(label.clone(), value)]));
                }
                value
            };
            by_label.insert(label, value);
        }
        root.insert(kind, Value::Object(by_label));
    }
    single(path, &Value::Object(root))
}

fn syntax(path: &str, line: u32, message: String) -> ParseError {
    ParseError::Syntax {
        path: path.to_owned(),
        format: "vcl",
        line,
        message,
    }
}

/// go-vcl's `decodeBlockToMap`: one block of a type is a map, several are a list of maps
/// wrapped in their labels.
fn block_map(body: Body) -> Value {
    let mut map = Map::new();
    for (name, value) in body.attributes {
        map.insert(name.trim_start_matches('.').to_owned(), value);
    }
    for (kind, mut blocks) in group(body.blocks) {
        let value = if blocks.len() == 1 {
            block_map(blocks.remove(0).body)
        } else {
            let items = blocks.into_iter().map(|block| {
                let mut value = block_map(block.body);
                for label in &block.labels {
                    value = Value::Object(Map::from_iter([(label.clone(), value)]));
                }
                value
            });
            Value::Array(items.collect())
        };
        map.insert(kind, value);
    }
    Value::Object(map)
}

fn group(blocks: Vec<Block>) -> Vec<(String, Vec<Block>)> {
    let mut groups: Vec<(String, Vec<Block>)> = Vec::new();
    for block in blocks {
        match groups.iter_mut().find(|(kind, _)| *kind == block.kind) {
            Some((_, list)) => list.push(block),
            None => groups.push((block.kind.clone(), vec![block])),
        }
    }
    groups
}

#[derive(Default)]
struct Body {
    attributes: Vec<(String, Value)>,
    blocks: Vec<Block>,
    flats: Vec<Value>,
}

struct Block {
    kind: String,
    labels: Vec<String>,
    body: Body,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Str(String),
    Punct(char),
}

fn tokenize(text: &str) -> Result<Vec<(u32, Token)>, (u32, String)> {
    let mut tokens = Vec::new();
    let mut line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => line += 1,
            c if c.is_whitespace() => {}
            '#' => {
                while chars.peek().is_some_and(|c| *c != '\n') {
                    chars.next();
                }
            }
            '/' if chars.peek() == Some(&'/') => {
                while chars.peek().is_some_and(|c| *c != '\n') {
                    chars.next();
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                loop {
                    let c = chars.next().ok_or((line, "unclosed comment".to_owned()))?;
                    if c == '\n' {
                        line += 1;
                    }
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            '"' => {
                let mut value = String::new();
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\n') | None => return Err((line, "unterminated string".to_owned())),
                        Some(c) => value.push(c),
                    }
                }
                tokens.push((line, Token::Str(value)));
            }
            '{' | '}' | ';' | '=' | '(' | ')' | ',' | '!' | '/' | '~' | '+' | '-' | '&' | '|'
            | '<' | '>' => tokens.push((line, Token::Punct(c))),
            c => {
                let mut word = String::from(c);
                while let Some(&next) = chars.peek() {
                    if next.is_whitespace() || "{};=(),!\"#~+&|<>".contains(next) {
                        break;
                    }
                    word.push(next);
                    chars.next();
                }
                tokens.push((line, Token::Word(word)));
            }
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<(u32, Token)>,
    at: usize,
}

type Failure = (u32, String);

impl Parser {
    /// The line of the last token read (errors are found just after reading it).
    fn line(&self) -> u32 {
        self.tokens
            .get(self.at.saturating_sub(1))
            .or_else(|| self.tokens.last())
            .map_or(1, |(line, _)| *line)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).map(|(_, token)| token.clone());
        self.at += 1;
        token
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at).map(|(_, token)| token)
    }

    fn fail<T>(&self, message: impl Into<String>) -> Result<T, Failure> {
        Err((self.line(), message.into()))
    }

    /// Statements up to the closing brace (or the end, at the top level).
    fn body(&mut self, depth: usize, top: bool) -> Result<Body, Failure> {
        if depth > super::MAX_DEPTH {
            return self.fail(format!("nested deeper than {} levels", super::MAX_DEPTH));
        }
        let mut body = Body::default();
        loop {
            let Some(token) = self.next() else {
                if top {
                    return Ok(body);
                }
                return self.fail("unclosed block: expected }");
            };
            match token {
                Token::Punct('}') if !top => return Ok(body),
                Token::Punct(';') => {}
                Token::Str(value) => {
                    // A bare value (`"127.0.0.1";`), possibly a CIDR (`"10.0.0.0"/8`).
                    let mut value = value;
                    if self.peek() == Some(&Token::Punct('/')) {
                        self.next();
                        match self.next() {
                            Some(Token::Word(bits)) => value = format!("{value}/{bits}"),
                            _ => return self.fail("expected a prefix length after /"),
                        }
                    }
                    body.flats.push(Value::String(value));
                    self.expect_semicolon()?;
                }
                Token::Punct('!') => {
                    // A negated ACL entry: `! "10.0.0.1";`.
                    match self.next() {
                        Some(Token::Str(value)) => {
                            body.flats.push(Value::String(format!("!{value}")));
                        }
                        _ => return self.fail("expected a string after !"),
                    }
                    self.expect_semicolon()?;
                }
                Token::Word(word) if word == "sub" => {
                    // A routine: its name, then a body of statements gate does not model.
                    self.next();
                    self.skip_braces()?;
                }
                Token::Word(word) if word == "vcl" || word == "import" || word == "include" => {
                    while !matches!(self.next(), Some(Token::Punct(';')) | None) {}
                }
                Token::Word(word) => {
                    if self.peek() == Some(&Token::Punct('=')) {
                        self.next();
                        let value = self.value()?;
                        body.attributes.retain(|(name, _)| *name != word);
                        body.attributes.push((word, value));
                        self.expect_semicolon()?;
                        continue;
                    }
                    let mut labels = Vec::new();
                    loop {
                        // Each label nests an object: bounded like any nesting.
                        if labels.len() > super::MAX_DEPTH / 2 {
                            return self.fail(format!("more than {} labels", super::MAX_DEPTH / 2));
                        }
                        match self.next() {
                            Some(Token::Word(label) | Token::Str(label)) => labels.push(label),
                            Some(Token::Punct('{')) => break,
                            _ => return self.fail(format!("expected {{ or = after {word:?}")),
                        }
                    }
                    let inner = self.body(depth + 1, false)?;
                    body.blocks.push(Block {
                        kind: word,
                        labels,
                        body: inner,
                    });
                }
                Token::Punct(c) => return self.fail(format!("unexpected {c:?}")),
            }
        }
    }

    fn expect_semicolon(&mut self) -> Result<(), Failure> {
        match self.next() {
            Some(Token::Punct(';')) => Ok(()),
            _ => self.fail("expected ;"),
        }
    }

    fn value(&mut self) -> Result<Value, Failure> {
        match self.next() {
            Some(Token::Str(value)) => Ok(Value::String(value)),
            Some(Token::Word(word)) => Ok(match word.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => word
                    .parse::<i64>()
                    .map_or_else(|_| Value::String(word.clone()), Value::from),
            }),
            Some(Token::Punct('{')) => {
                // An inline object (`.probe = { … }`): its attributes.
                let body = self.body(1, false)?;
                Ok(block_map(body))
            }
            _ => self.fail("expected a value"),
        }
    }

    fn skip_braces(&mut self) -> Result<(), Failure> {
        match self.next() {
            Some(Token::Punct('{')) => {}
            _ => return self.fail("expected {"),
        }
        let mut open = 1usize;
        while open > 0 {
            match self.next() {
                Some(Token::Punct('{')) => open += 1,
                Some(Token::Punct('}')) => open -= 1,
                Some(_) => {}
                None => return self.fail("unclosed sub: expected }"),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn blocks_attributes_and_flats() {
        let text = "vcl 4.0;\nbackend app {\n  .host = \"127.0.0.1\";\n  .port = \"8081\";\n\
                    .max = 800;\n  .t = 60s;\n}\nacl purge { \"127.0.0.1\"; \"10.0.0.0\"/8; }\n\
                    sub vcl_recv { if (req.url ~ \"x\") { return (pass); } }\n";
        assert_eq!(
            parse("a.vcl", text).unwrap().json(),
            json!({
                "backend": {"app": {"host": "127.0.0.1", "port": "8081", "max": 800, "t": "60s"}},
                "acl": {"purge": ["127.0.0.1", "10.0.0.0/8"]},
            })
        );
    }

    /// A block with 100,000 labels overflowed the stack (dropping the nested objects).
    #[test]
    fn many_labels_are_refused_not_a_crash() {
        let text = format!("backend{} {{ .x = 1; }}", " b".repeat(100_000));
        let error = parse("a.vcl", &text).unwrap_err().to_string();
        assert!(
            error.starts_with("a.vcl:1: invalid vcl: more than 32 labels"),
            "{error}"
        );
    }

    #[test]
    fn errors_name_the_line() {
        for (text, line) in [
            ("backend a {\n.host = ;\n}", 2),
            ("acl b {\n", 1),
            ("x {\n\"a\"\n}", 3),
        ] {
            let error = parse("a.vcl", text).unwrap_err().to_string();
            assert!(
                error.starts_with(&format!("a.vcl:{line}: invalid vcl")),
                "{error}"
            );
        }
    }
}
