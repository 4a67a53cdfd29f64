//! HCL1 inputs (`--parser hcl1`), shaped like conftest's: hashicorp/hcl v1 decoded into an empty
//! interface. Its decoder puts every object that is not directly inside a list into a list of
//! maps, so `a { b = 1 }` and `a = { b = 1 }` are both `{"a": [{"b": 1}]}`; blocks with labels
//! nest one list per label (`resource "t" "n" {…}` is
//! `{"resource": [{"t": [{"n": [{…}]}]}]}`), each block of a type its own element; repeated
//! blocks append; integers stay integers; `${…}` interpolations stay text.

use serde_json::{Map, Value};

use super::{Document, single};
use crate::ParseError;

/// Parses an HCL1 file.
pub(super) fn parse(path: &str, text: &str) -> Result<Document, ParseError> {
    let error = |(line, message): (u32, String)| ParseError::Syntax {
        path: path.to_owned(),
        format: "hcl1",
        line,
        message,
    };
    let tokens = Lexer::new(text).tokens().map_err(error)?;
    let mut parser = Parser { tokens, at: 0 };
    let items = parser.items(None, 0).map_err(error)?;
    let value = decode_map(&items).map_err(error)?;
    single(path, &value)
}

type Failure = (u32, String);

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Str(String),
    Heredoc(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Punct(char),
}

/// One `keys… = value` or `keys… { … }` item.
#[derive(Debug, Clone)]
struct Item {
    keys: Vec<String>,
    value: Node,
    line: u32,
}

#[derive(Debug, Clone)]
enum Node {
    Object(Vec<Item>),
    List(Vec<Node>),
    Literal(Value),
}

/// hcl's decoder on an object list decoded into a map: an item with one key decodes its value
/// (appending to the list an earlier block of that key started); items with more keys are
/// filtered by their first key (case-insensitively, as hcl's `Filter`) and decoded together as
/// a list, one map per item.
fn decode_map(items: &[Item]) -> Result<Value, Failure> {
    let mut map = Map::new();
    let mut done: Vec<String> = Vec::new();
    for item in items {
        let Some(key) = item.keys.first() else {
            return Err((item.line, "map must have string keys".to_owned()));
        };
        if done.contains(key) {
            continue;
        }
        if item.keys.len() > 1 {
            done.push(key.clone());
            let filtered: Vec<Item> = items
                .iter()
                .filter(|other| {
                    other
                        .keys
                        .first()
                        .is_some_and(|k| k.eq_ignore_ascii_case(key))
                })
                .map(|other| Item {
                    keys: other.keys[1..].to_vec(),
                    ..other.clone()
                })
                .collect();
            let mut list = match map.remove(key) {
                Some(Value::Array(list)) => list,
                Some(_) => return Err((item.line, format!("{key}: cannot add blocks to a value"))),
                None => Vec::new(),
            };
            for one in &filtered {
                list.push(decode_map(std::slice::from_ref(one))?);
            }
            map.insert(key.clone(), Value::Array(list));
            continue;
        }
        let value = match (&item.value, map.remove(key)) {
            (Node::Object(inner), Some(Value::Array(mut list))) => {
                list.push(decode_map(inner)?);
                Value::Array(list)
            }
            (
                Node::Object(_) | Node::List(_),
                Some(Value::String(_) | Value::Number(_) | Value::Bool(_)),
            ) => {
                return Err((
                    item.line,
                    format!("{key}: cannot replace a value with an object"),
                ));
            }
            (node, _) => decode(node, false)?,
        };
        map.insert(key.clone(), value);
    }
    Ok(Value::Object(map))
}

/// A value; objects directly inside a list are maps, elsewhere a list of one map.
fn decode(node: &Node, in_list: bool) -> Result<Value, Failure> {
    Ok(match node {
        Node::Literal(value) => value.clone(),
        Node::List(items) => Value::Array(
            items
                .iter()
                .map(|item| decode(item, true))
                .collect::<Result<_, _>>()?,
        ),
        Node::Object(items) if in_list => decode_map(items)?,
        Node::Object(items) => Value::Array(vec![decode_map(items)?]),
    })
}

struct Lexer<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    line: u32,
}

impl<'a> Lexer<'a> {
    fn new(text: &'a str) -> Self {
        Lexer {
            chars: text.chars().peekable(),
            line: 1,
        }
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.chars.next()?;
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn fail<T>(&self, message: impl Into<String>) -> Result<T, Failure> {
        Err((self.line, message.into()))
    }

    fn tokens(mut self) -> Result<Vec<(u32, Token)>, Failure> {
        let mut tokens = Vec::new();
        while let Some(&c) = self.chars.peek() {
            let line = self.line;
            match c {
                c if c.is_whitespace() => {
                    self.bump();
                }
                '#' => self.skip_line(),
                '/' => {
                    self.bump();
                    match self.bump() {
                        Some('/') => self.skip_line(),
                        Some('*') => self.skip_block_comment()?,
                        _ => return self.fail("expected a comment after /"),
                    }
                }
                '"' => {
                    self.bump();
                    tokens.push((line, Token::Str(self.string()?)));
                }
                '<' => {
                    self.bump();
                    if self.bump() != Some('<') {
                        return self.fail("expected a heredoc (<<)");
                    }
                    tokens.push((line, Token::Heredoc(self.heredoc()?)));
                }
                '{' | '}' | '[' | ']' | '=' | ',' => {
                    self.bump();
                    tokens.push((line, Token::Punct(c)));
                }
                c if c.is_ascii_digit() || c == '-' || c == '+' || c == '.' => {
                    let word = self.word();
                    tokens.push((
                        line,
                        number(&word).ok_or((line, format!("invalid number {word:?}")))?,
                    ));
                }
                c if c.is_alphabetic() || c == '_' => {
                    let word = self.word();
                    let token = match word.as_str() {
                        "true" => Token::Bool(true),
                        "false" => Token::Bool(false),
                        _ => Token::Ident(word),
                    };
                    tokens.push((line, token));
                }
                other => return self.fail(format!("unexpected character {other:?}")),
            }
        }
        Ok(tokens)
    }

    fn word(&mut self) -> String {
        let mut word = String::new();
        while let Some(&c) = self.chars.peek() {
            if c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '+') {
                word.push(c);
                self.bump();
            } else {
                break;
            }
        }
        word
    }

    fn skip_line(&mut self) {
        while self.chars.peek().is_some_and(|c| *c != '\n') {
            self.bump();
        }
    }

    fn skip_block_comment(&mut self) -> Result<(), Failure> {
        let mut last = ' ';
        loop {
            let Some(c) = self.bump() else {
                return self.fail("unclosed comment");
            };
            if last == '*' && c == '/' {
                return Ok(());
            }
            last = c;
        }
    }

    /// A quoted string; `${…}` may hold quotes and braces, and is kept as written.
    fn string(&mut self) -> Result<String, Failure> {
        let mut out = String::new();
        let mut braces = 0usize;
        loop {
            let Some(c) = self.bump() else {
                return self.fail("unterminated string");
            };
            match c {
                '"' if braces == 0 => return Ok(out),
                '\n' if braces == 0 => {
                    self.line -= 1;
                    return self.fail("unterminated string");
                }
                '$' if self.chars.peek() == Some(&'{') => {
                    self.bump();
                    braces += 1;
                    out.push_str("${");
                }
                '{' if braces > 0 => {
                    braces += 1;
                    out.push(c);
                }
                '}' if braces > 0 => {
                    braces -= 1;
                    out.push(c);
                }
                '\\' if braces == 0 => match self.bump() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some('u') => {
                        let hex: String = (0..4).filter_map(|_| self.bump()).collect();
                        let code = u32::from_str_radix(&hex, 16)
                            .ok()
                            .and_then(char::from_u32)
                            .ok_or((self.line, format!("invalid escape \\u{hex}")))?;
                        out.push(code);
                    }
                    Some(c) => out.push(c),
                    None => return self.fail("unterminated string"),
                },
                c => out.push(c),
            }
        }
    }

    /// `<<EOF … EOF` (the text with its final newline) or `<<-EOF`, whose lines lose the
    /// indentation they share.
    fn heredoc(&mut self) -> Result<String, Failure> {
        let start = self.line;
        let indented = self.chars.peek() == Some(&'-');
        if indented {
            self.bump();
        }
        let mut marker = String::new();
        while let Some(c) = self.bump() {
            if c == '\n' {
                break;
            }
            marker.push(c);
        }
        let marker = marker.trim_end().to_owned();
        if marker.is_empty() {
            return self.fail("heredoc without a marker");
        }
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            let mut ended = true;
            while let Some(c) = self.bump() {
                if c == '\n' {
                    ended = false;
                    break;
                }
                line.push(c);
            }
            let closing = if indented { line.trim() } else { line.as_str() };
            if closing == marker {
                break;
            }
            if ended {
                return Err((start, format!("heredoc not closed with {marker}")));
            }
            lines.push(line);
        }
        if indented {
            let indent = lines
                .iter()
                .filter(|line| !line.trim().is_empty())
                .map(|line| line.len() - line.trim_start().len())
                .min()
                .unwrap_or(0);
            for line in &mut lines {
                *line = line.get(indent..).unwrap_or("").to_owned();
            }
        }
        let mut text = String::new();
        for line in &lines {
            text.push_str(line);
            text.push('\n');
        }
        Ok(text)
    }
}

/// hcl's numbers: integers (decimal, hex, octal) and floats.
fn number(word: &str) -> Option<Token> {
    let (negative, body) = match word.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, word.strip_prefix('+').unwrap_or(word)),
    };
    let integer = if let Some(hex) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        i64::from_str_radix(hex, 16).ok()
    } else if body.len() > 1 && body.starts_with('0') && body.chars().all(|c| c.is_ascii_digit()) {
        i64::from_str_radix(&body[1..], 8).ok()
    } else {
        body.parse::<i64>().ok()
    };
    if let Some(value) = integer {
        return Some(Token::Int(if negative { -value } else { value }));
    }
    let value: f64 = word.parse().ok()?;
    value.is_finite().then_some(Token::Float(value))
}

struct Parser {
    tokens: Vec<(u32, Token)>,
    at: usize,
}

impl Parser {
    fn line(&self) -> u32 {
        self.tokens
            .get(self.at.min(self.tokens.len().saturating_sub(1)))
            .map_or(1, |(line, _)| *line)
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at).map(|(_, token)| token)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.peek().cloned();
        self.at += 1;
        token
    }

    fn fail<T>(&self, message: impl Into<String>) -> Result<T, Failure> {
        Err((self.line(), message.into()))
    }

    /// Items up to `close` (or the end of the file at the top level).
    fn items(&mut self, close: Option<char>, depth: usize) -> Result<Vec<Item>, Failure> {
        if depth > super::MAX_DEPTH {
            return self.fail(format!("nested deeper than {} levels", super::MAX_DEPTH));
        }
        let mut items = Vec::new();
        loop {
            match self.peek() {
                None if close.is_none() => return Ok(items),
                None => return self.fail("unclosed object: expected }"),
                Some(Token::Punct(c)) if Some(*c) == close => {
                    self.at += 1;
                    return Ok(items);
                }
                Some(Token::Punct(',')) => {
                    self.at += 1;
                    continue;
                }
                _ => {}
            }
            let line = self.line();
            let mut keys = Vec::new();
            while let Some(Token::Ident(key) | Token::Str(key)) = self.peek() {
                keys.push(key.clone());
                self.at += 1;
            }
            if keys.is_empty() {
                return self.fail("expected a key");
            }
            // Each label nests a list and a map (and a level of decoding).
            if keys.len() > super::MAX_DEPTH / 2 {
                return self.fail(format!("more than {} labels", super::MAX_DEPTH / 2));
            }
            let value = match self.next() {
                Some(Token::Punct('=')) => {
                    if keys.len() > 1 {
                        return self.fail("an assignment takes one key");
                    }
                    self.value(depth)?
                }
                Some(Token::Punct('{')) => Node::Object(self.items(Some('}'), depth + 1)?),
                _ => {
                    self.at -= 1;
                    return self.fail(format!("expected = or {{ after {}", keys.join(" ")));
                }
            };
            items.push(Item { keys, value, line });
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, Failure> {
        if depth > super::MAX_DEPTH {
            return self.fail(format!("nested deeper than {} levels", super::MAX_DEPTH));
        }
        Ok(match self.next() {
            Some(Token::Str(text) | Token::Heredoc(text)) => Node::Literal(Value::String(text)),
            Some(Token::Int(n)) => Node::Literal(Value::from(n)),
            Some(Token::Float(n)) => Node::Literal(Value::from(n)),
            Some(Token::Bool(b)) => Node::Literal(Value::Bool(b)),
            Some(Token::Punct('{')) => Node::Object(self.items(Some('}'), depth + 1)?),
            Some(Token::Punct('[')) => {
                let mut items = Vec::new();
                loop {
                    match self.peek() {
                        Some(Token::Punct(']')) => {
                            self.at += 1;
                            break;
                        }
                        Some(Token::Punct(',')) if !items.is_empty() => self.at += 1,
                        None => return self.fail("unclosed list: expected ]"),
                        _ => items.push(self.value(depth + 1)?),
                    }
                }
                Node::List(items)
            }
            _ => {
                self.at -= 1;
                return self.fail("expected a value");
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// conftest's example (`examples/hcl1/gke.tf`), cut down: the shapes its decoder gives.
    #[test]
    fn blocks_become_lists_of_maps() {
        let text = r#"provider "google" {
  version = "2.5.0"
}
resource "google_container_cluster" "primary" {
  initial_node_count = 1
  master_auth {
    username = ""
  }
}
resource "google_container_node_pool" "pool" {
  cluster = "${google_container_cluster.primary.name}"
  node_config {
    metadata = { disable-legacy-endpoints = "true" }
    oauth_scopes = ["a", "b",]
  }
}
ingress { port = 1 }
ingress { port = 2.5 }
"#;
        assert_eq!(
            parse("gke.tf", text).unwrap().json(),
            json!({
                "provider": [{"google": [{"version": "2.5.0"}]}],
                "resource": [
                    {"google_container_cluster": [{"primary": [{
                        "initial_node_count": 1,
                        "master_auth": [{"username": ""}],
                    }]}]},
                    {"google_container_node_pool": [{"pool": [{
                        "cluster": "${google_container_cluster.primary.name}",
                        "node_config": [{
                            "metadata": [{"disable-legacy-endpoints": "true"}],
                            "oauth_scopes": ["a", "b"],
                        }],
                    }]}]},
                ],
                "ingress": [{"port": 1}, {"port": 2.5}],
            })
        );
    }

    #[test]
    fn heredocs_lists_of_objects_and_numbers() {
        let text = "a = <<EOF\nx\n  y\nEOF\nb = <<-EOT\n    p\n      q\n    EOT\n\
                    c = [{ d = 0x10 }, -3]\n";
        assert_eq!(
            parse("a.hcl", text).unwrap().json(),
            json!({"a": "x\n  y\n", "b": "p\n  q\n", "c": [{"d": 16}, -3]})
        );
    }

    /// A block with 100,000 labels overflowed the stack.
    #[test]
    fn many_labels_are_refused_not_a_crash() {
        let text = format!("a{} {{ }}", " b".repeat(100_000));
        let error = parse("a.tf", &text).unwrap_err().to_string();
        assert!(
            error.starts_with("a.tf:1: invalid hcl1: more than 32 labels"),
            "{error}"
        );
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            ("a {\n  b = \n}\n", 3),
            ("a = \"x\n", 1),
            ("a {\n b = 1\n", 2),
            ("\na = <<EOF\nx\n", 2),
            ("\n\n= 1", 3),
        ];
        for (text, line) in cases {
            let error = parse("a.tf", text).unwrap_err().to_string();
            assert!(
                error.starts_with(&format!("a.tf:{line}: invalid hcl1")),
                "{error}"
            );
        }
    }
}
