//! HOCON inputs, shaped like conftest's (go-akka/configuration, then each leaf printed with
//! `HoconValue.String()` and converted back): objects stay objects; a leaf is its string —
//! quoted (`"75 seconds"`, `""`) when it holds a space or is empty, as go-akka prints it — read
//! as a number or boolean when Go's `ParseFloat`/`ParseBool` accept it; an array is one string
//! `[a,b]`. Later assignments replace earlier ones, objects merge, `${path}` and `${?path}`
//! substitutions resolve against the document then the environment (as go-akka does); an
//! unresolved optional one replaces the earlier value and prints `<<unknown value>>`, as in
//! go-akka. `include` is not followed.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{Document, ini, single};
use crate::ParseError;

/// Parses a HOCON file.
pub(super) fn parse(
    path: &str,
    text: &str,
    environment: &BTreeMap<String, String>,
) -> Result<Document, ParseError> {
    let error = |(line, message): (u32, String)| ParseError::Syntax {
        path: path.to_owned(),
        format: "hocon",
        line,
        message,
    };
    let mut parser = Parser {
        chars: text.chars().collect(),
        at: 0,
        line: 1,
    };
    let root = parser.root().map_err(error)?;
    let mut resolver = Resolver {
        root: &root,
        environment,
        depth: 0,
    };
    let value = match resolver.resolve(&root).map_err(error)? {
        Resolved::Object(entries) => Value::Object(
            entries
                .into_iter()
                .map(|(key, value)| (key, leaf_or_object(value)))
                .collect(),
        ),
        _ => Value::Object(Map::new()),
    };
    single(path, &value)
}

/// A value as parsed, substitutions still to resolve.
#[derive(Debug, Clone)]
enum Raw {
    Object(Vec<(String, Raw)>),
    Array(Vec<Raw>),
    Pieces(Vec<Piece>),
}

#[derive(Debug, Clone)]
enum Piece {
    Text(String),
    Sub {
        path: String,
        optional: bool,
        line: u32,
    },
}

/// A resolved value.
#[derive(Debug, Clone)]
enum Resolved {
    Object(Vec<(String, Resolved)>),
    Array(Vec<Resolved>),
    Text(String),
    /// A value holding an unresolved optional substitution: go-akka prints it as
    /// `<<unknown value>>` (it replaces the earlier value rather than keeping it).
    Unknown,
}

/// conftest's `getConfig`/`convertType`.
fn leaf_or_object(value: Resolved) -> Value {
    match value {
        Resolved::Object(entries) => Value::Object(
            entries
                .into_iter()
                .map(|(key, value)| (key, leaf_or_object(value)))
                .collect(),
        ),
        other => ini::typed(&printed(&other)),
    }
}

/// go-akka's `HoconValue.ToString`.
fn printed(value: &Resolved) -> String {
    match value {
        Resolved::Text(text) if text.is_empty() => "\"\"".to_owned(),
        Resolved::Text(text) if text.contains([' ', '\t']) => format!("\"{text}\""),
        Resolved::Text(text) => text.clone(),
        Resolved::Unknown => "<<unknown value>>".to_owned(),
        Resolved::Array(items) => {
            let items: Vec<String> = items.iter().map(printed).collect();
            format!("[{}]", items.join(","))
        }
        Resolved::Object(entries) => {
            let items: Vec<String> = entries
                .iter()
                .map(|(key, value)| format!("{key} : {}", printed(value)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
    }
}

type Failure = (u32, String);

/// Sets `path` in `entries`: objects merge, anything else replaces.
fn assign(entries: &mut Vec<(String, Raw)>, path: &[String], value: Raw) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let value = if rest.is_empty() {
        value
    } else {
        Raw::Object(vec![]).with(rest, value)
    };
    match entries.iter_mut().find(|(key, _)| key == first) {
        Some((_, existing)) => match (existing, value) {
            (Raw::Object(old), Raw::Object(new)) => {
                for (key, value) in new {
                    assign(old, std::slice::from_ref(&key), value);
                }
            }
            (existing, value) => *existing = value,
        },
        None => entries.push((first.clone(), value)),
    }
}

impl Raw {
    fn with(mut self, path: &[String], value: Raw) -> Raw {
        if let Raw::Object(entries) = &mut self {
            assign(entries, path, value);
        }
        self
    }
}

struct Parser {
    chars: Vec<char>,
    at: usize,
    line: u32,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.at + offset).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn fail<T>(&self, message: impl Into<String>) -> Result<T, Failure> {
        Err((self.line, message.into()))
    }

    fn at_comment(&self) -> bool {
        self.peek() == Some('#') || (self.peek() == Some('/') && self.peek_at(1) == Some('/'))
    }

    fn skip_comment(&mut self) {
        while self.peek().is_some_and(|c| c != '\n') {
            self.bump();
        }
    }

    /// Skips spaces and comments, and newlines and commas when `separators`.
    fn skip(&mut self, separators: bool) {
        loop {
            match self.peek() {
                Some('\n' | ',') if separators => {
                    self.bump();
                }
                Some(c) if c != '\n' && c.is_whitespace() => {
                    self.bump();
                }
                Some(_) if self.at_comment() => self.skip_comment(),
                _ => return,
            }
        }
    }

    fn root(&mut self) -> Result<Raw, Failure> {
        self.skip(true);
        if self.peek() == Some('{') {
            self.bump();
            let object = self.object(1, Some('}'))?;
            self.skip(true);
            if self.peek().is_some() {
                return self.fail("unexpected text after the root object");
            }
            return Ok(object);
        }
        self.object(1, None)
    }

    fn object(&mut self, depth: usize, close: Option<char>) -> Result<Raw, Failure> {
        if depth > super::MAX_DEPTH {
            return self.fail(format!("nested deeper than {} levels", super::MAX_DEPTH));
        }
        let mut entries = Vec::new();
        loop {
            self.skip(true);
            match self.peek() {
                None if close.is_none() => return Ok(Raw::Object(entries)),
                None => return self.fail("unclosed object: expected }"),
                Some(c) if Some(c) == close => {
                    self.bump();
                    return Ok(Raw::Object(entries));
                }
                Some(_) => {}
            }
            let key_line = self.line;
            let path = self.key()?;
            if path.len() == 1
                && path[0] == "include"
                && self.peek().is_some_and(char::is_whitespace)
            {
                // `include "file"`: not followed (conftest's parser has no file to resolve it from).
                self.skip_comment();
                continue;
            }
            self.skip(false);
            let value = match self.peek() {
                Some('{') => self.value(depth)?,
                Some('=' | ':') => {
                    self.bump();
                    self.skip(false);
                    self.value(depth)?
                }
                Some('+') if self.peek_at(1) == Some('=') => {
                    self.at += 2;
                    self.skip(false);
                    let item = self.value(depth)?;
                    let mut items = match lookup(&entries, &path) {
                        Some(Raw::Array(items)) => items.clone(),
                        _ => Vec::new(),
                    };
                    items.push(item);
                    Raw::Array(items)
                }
                _ => {
                    return Err((
                        key_line,
                        format!("expected = or : after {}", path.join(".")),
                    ));
                }
            };
            assign(&mut entries, &path, value);
        }
    }

    /// A path expression: unquoted or quoted segments joined by `.`.
    fn key(&mut self) -> Result<Vec<String>, Failure> {
        let mut path = Vec::new();
        let mut segment = String::new();
        loop {
            match self.peek() {
                Some('"') => {
                    self.bump();
                    segment.push_str(&self.quoted()?);
                }
                Some('.') => {
                    self.bump();
                    path.push(std::mem::take(&mut segment));
                }
                Some(c)
                    if !c.is_whitespace() && !"={}:+[],#\"".contains(c) && !self.at_comment() =>
                {
                    segment.push(c);
                    self.bump();
                }
                _ => break,
            }
        }
        path.push(segment);
        // Each segment is a level of objects (and of recursion when the path is assigned).
        if path.len() > super::MAX_DEPTH {
            return self.fail(format!("key path deeper than {} levels", super::MAX_DEPTH));
        }
        if path.iter().all(String::is_empty) {
            return self.fail(format!(
                "expected a key, found {:?}",
                self.peek().map_or("end of file".to_owned(), String::from)
            ));
        }
        Ok(path.into_iter().map(|s| s.trim().to_owned()).collect())
    }

    fn quoted(&mut self) -> Result<String, Failure> {
        if self.peek() == Some('"') && self.peek_at(1) == Some('"') {
            // `"""…"""`: raw text.
            self.at += 2;
            let mut out = String::new();
            loop {
                if self.peek() == Some('"')
                    && self.peek_at(1) == Some('"')
                    && self.peek_at(2) == Some('"')
                {
                    self.at += 3;
                    return Ok(out);
                }
                match self.bump() {
                    Some(c) => out.push(c),
                    None => return self.fail("unterminated \"\"\" string"),
                }
            }
        }
        let mut out = String::new();
        loop {
            match self.bump() {
                Some('"') => return Ok(out),
                Some('\\') => match self.bump() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some(c) => out.push(c),
                    None => return self.fail("unterminated string"),
                },
                Some('\n') => {
                    self.line -= 1;
                    return self.fail("unterminated string");
                }
                None => return self.fail("unterminated string"),
                Some(c) => out.push(c),
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<Raw, Failure> {
        match self.peek() {
            Some('{') => {
                self.bump();
                self.object(depth + 1, Some('}'))
            }
            Some('[') => {
                self.bump();
                if depth > super::MAX_DEPTH {
                    return self.fail(format!("nested deeper than {} levels", super::MAX_DEPTH));
                }
                let mut items = Vec::new();
                loop {
                    self.skip(true);
                    match self.peek() {
                        Some(']') => {
                            self.bump();
                            return Ok(Raw::Array(items));
                        }
                        None => return self.fail("unclosed array: expected ]"),
                        Some(_) => items.push(self.value(depth + 1)?),
                    }
                }
            }
            _ => self.pieces(),
        }
    }

    /// A concatenation of strings and substitutions up to the end of the value.
    fn pieces(&mut self) -> Result<Raw, Failure> {
        let mut pieces = Vec::new();
        let mut text = String::new();
        let mut quoted = false;
        loop {
            match self.peek() {
                None | Some('\n' | ',' | '}' | ']') => break,
                Some(_) if self.at_comment() => break,
                Some('"') => {
                    self.bump();
                    let part = self.quoted()?;
                    text.push_str(&part);
                    quoted = true;
                }
                Some('$') if self.peek_at(1) == Some('{') => {
                    let line = self.line;
                    self.at += 2;
                    let optional = self.peek() == Some('?');
                    if optional {
                        self.at += 1;
                    }
                    let mut path = String::new();
                    loop {
                        match self.bump() {
                            Some('}') => break,
                            Some('\n') | None => {
                                return self.fail("unclosed substitution: expected }");
                            }
                            Some(c) => path.push(c),
                        }
                    }
                    if !text.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut text)));
                    }
                    pieces.push(Piece::Sub {
                        path: path.trim().to_owned(),
                        optional,
                        line,
                    });
                }
                Some(c) => {
                    text.push(c);
                    self.bump();
                }
            }
        }
        // Unquoted white space at the end is not part of the value.
        let trimmed = text.trim_end().len();
        text.truncate(trimmed);
        if !text.is_empty() || pieces.is_empty() {
            pieces.push(Piece::Text(text));
        }
        if let [Piece::Text(only)] = pieces.as_slice()
            && only.is_empty()
            && !quoted
        {
            return self.fail("expected a value");
        }
        Ok(Raw::Pieces(pieces))
    }
}

fn lookup<'a>(entries: &'a [(String, Raw)], path: &[String]) -> Option<&'a Raw> {
    let (first, rest) = path.split_first()?;
    let (_, value) = entries.iter().rev().find(|(key, _)| key == first)?;
    if rest.is_empty() {
        return Some(value);
    }
    match value {
        Raw::Object(inner) => lookup(inner, rest),
        _ => None,
    }
}

struct Resolver<'a> {
    root: &'a Raw,
    environment: &'a BTreeMap<String, String>,
    depth: usize,
}

impl Resolver<'_> {
    fn resolve(&mut self, value: &Raw) -> Result<Resolved, Failure> {
        self.depth += 1;
        if self.depth > 4 * super::MAX_DEPTH {
            return Err((1, "substitutions refer to each other in a cycle".to_owned()));
        }
        let resolved = match value {
            Raw::Object(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for (key, value) in entries {
                    out.push((key.clone(), self.resolve(value)?));
                }
                Resolved::Object(out)
            }
            Raw::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.resolve(item)?);
                }
                Resolved::Array(out)
            }
            Raw::Pieces(pieces) => {
                if let [Piece::Sub { .. }] = pieces.as_slice() {
                    self.piece(&pieces[0])?
                } else {
                    let mut text = String::new();
                    let mut unknown = false;
                    for piece in pieces {
                        match self.piece(piece)? {
                            Resolved::Text(part) => text.push_str(&part),
                            Resolved::Unknown => unknown = true,
                            other => text.push_str(&printed(&other)),
                        }
                    }
                    // go-akka's `concatString`: trimmed, and `null` is empty.
                    let text = text.trim();
                    match text {
                        _ if unknown => Resolved::Unknown,
                        "null" => Resolved::Text(String::new()),
                        _ => Resolved::Text(text.to_owned()),
                    }
                }
            }
        };
        self.depth -= 1;
        Ok(resolved)
    }

    fn piece(&mut self, piece: &Piece) -> Result<Resolved, Failure> {
        match piece {
            Piece::Text(text) => Ok(Resolved::Text(text.clone())),
            Piece::Sub {
                path,
                optional,
                line,
            } => {
                let segments: Vec<String> = path.split('.').map(str::to_owned).collect();
                let found = match self.root {
                    Raw::Object(entries) => lookup(entries, &segments),
                    _ => None,
                };
                if let Some(found) = found {
                    return self.resolve(found);
                }
                if let Some(value) = self.environment.get(path) {
                    return Ok(Resolved::Text(value.clone()));
                }
                if *optional {
                    return Ok(Resolved::Unknown);
                }
                Err((*line, format!("unresolved substitution ${{{path}}}")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn objects_leaves_and_substitutions() {
        let text = "# c\na {\n  b = 1\n  b = 9001\n  c.d = \"x\"\n  t = 75 seconds\n  e = \"\"\n  \
                    f = [1, 2]\n  g = ${a.c.d}/y\n  h = ${?NOT_SET_ANYWHERE_GATE}\n  i: true\n}\n\
                    a.j = 64k\n";
        assert_eq!(
            parse("a.conf", text, &BTreeMap::new()).unwrap().json(),
            json!({"a": {
                "b": 9001, "c": {"d": "x"}, "t": "\"75 seconds\"", "e": "\"\"",
                "f": "[1,2]", "g": "x/y", "h": "<<unknown value>>", "i": true, "j": "64k",
            }})
        );
    }

    /// A key of 100,000 dotted segments overflowed the stack.
    #[test]
    fn long_key_paths_are_refused_not_a_crash() {
        let text = format!("a{} = 1", ".b".repeat(100_000));
        let error = parse("a.conf", &text, &BTreeMap::new())
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("a.conf:1: invalid hocon: key path deeper"),
            "{error}"
        );
    }

    #[test]
    fn errors_name_the_line() {
        for (text, line) in [
            ("a {\n b = 1\n", 3),
            ("a = ${b}\n", 1),
            ("a {\n = 1\n}", 2),
            ("\n\na = \"x\n", 3),
        ] {
            let error = parse("a.conf", text, &BTreeMap::new())
                .unwrap_err()
                .to_string();
            assert!(
                error.starts_with(&format!("a.conf:{line}: invalid hocon")),
                "{error}"
            );
        }
    }
}
