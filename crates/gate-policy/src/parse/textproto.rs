//! Protocol buffer text format (`.textproto`, `.textpb`), shaped like conftest's: the file
//! names its message type in a `# proto-message: pkg.Message` comment, the type comes from the
//! `.proto` files under `--proto-file-dirs`, and the message is printed as protojson with the
//! `.proto` field names — 64-bit integers as strings, enums by name, bytes in base64, proto3
//! fields at their default value left out. gate reads `.proto` messages, enums, maps and
//! oneofs itself; options, extensions, groups, `Any` expansion and the well-known types'
//! special JSON forms are not modelled: approximate beyond plain messages.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::{Document, single};
use crate::ParseError;

/// The message and enum types of a set of `.proto` files, by full name (`pkg.Outer.Inner`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProtoSchemas {
    messages: BTreeMap<String, Message>,
    enums: BTreeMap<String, Vec<(String, i64)>>,
}

#[derive(Debug, Clone, PartialEq)]
struct Message {
    proto3: bool,
    fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq)]
struct Field {
    name: String,
    label: Label,
    /// A scalar type name, or the full name of a message or enum once resolved.
    kind: String,
    /// `map<K, V>` fields: the key and value types.
    map: Option<(String, String)>,
    /// In a oneof or marked `optional`: presence is tracked, so a default value is still printed.
    presence: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Label {
    Single,
    Repeated,
}

impl ProtoSchemas {
    /// Loads every `*.proto` file under `directories` (as conftest's `--proto-file-dirs`).
    pub fn load(directories: &[PathBuf]) -> Result<ProtoSchemas, ParseError> {
        let mut files = Vec::new();
        for directory in directories {
            collect(directory, &mut files)?;
        }
        files.sort();
        let mut schemas = ProtoSchemas::default();
        for file in files {
            let text = gate_core::read_to_string_capped(&file, super::MAX_FILE_BYTES).map_err(
                |source| ParseError::Read {
                    path: file.clone(),
                    source,
                },
            )?;
            schemas
                .add(&text)
                .map_err(|(line, message)| ParseError::Syntax {
                    path: super::display_path(&file),
                    format: "proto",
                    line,
                    message,
                })?;
        }
        schemas.resolve();
        Ok(schemas)
    }

    /// Adds the types one `.proto` file defines.
    fn add(&mut self, text: &str) -> Result<(), Failure> {
        let tokens = tokenize(text, false)?;
        let mut reader = Tokens { tokens, at: 0 };
        let mut package = String::new();
        let mut proto3 = false;
        while let Some(token) = reader.next() {
            match token.as_word() {
                Some("syntax" | "edition") => {
                    reader.expect("=")?;
                    proto3 = reader
                        .next()
                        .and_then(|t| t.as_str().map(|s| s == "proto3"))
                        == Some(true);
                    reader.expect(";")?;
                }
                Some("package") => {
                    package = reader.word()?;
                    reader.expect(";")?;
                }
                Some("import" | "option") => reader.skip_statement(),
                Some("message") => self.message(&mut reader, &package, proto3, 0)?,
                Some("enum") => self.enumeration(&mut reader, &package)?,
                Some("service" | "extend") => {
                    reader.word()?;
                    reader.skip_block()?;
                }
                _ if token.is(";") => {}
                _ => return reader.fail(format!("unexpected {token}")),
            }
        }
        Ok(())
    }

    fn message(
        &mut self,
        reader: &mut Tokens,
        scope: &str,
        proto3: bool,
        depth: usize,
    ) -> Result<(), Failure> {
        if depth > super::MAX_DEPTH {
            return reader.fail("messages nested too deeply");
        }
        let name = join(scope, &reader.word()?);
        reader.expect("{")?;
        let mut fields = Vec::new();
        let mut oneof_depth = 0usize;
        loop {
            let token = reader
                .next()
                .ok_or((reader.line(), format!("message {name} is not closed")))?;
            if token.is("}") {
                if oneof_depth > 0 {
                    oneof_depth -= 1;
                    continue;
                }
                break;
            }
            match token.as_word() {
                Some("message") => self.message(reader, &name, proto3, depth + 1)?,
                Some("enum") => self.enumeration(reader, &name)?,
                Some("oneof") => {
                    reader.word()?;
                    reader.expect("{")?;
                    oneof_depth += 1;
                }
                Some("option" | "reserved" | "extensions") => reader.skip_statement(),
                Some("extend") => {
                    reader.word()?;
                    reader.skip_block()?;
                }
                Some(word) => {
                    let mut label = Label::Single;
                    let mut presence = oneof_depth > 0 || !proto3;
                    let mut kind = word.to_owned();
                    if matches!(word, "repeated" | "optional" | "required") {
                        label = if word == "repeated" {
                            Label::Repeated
                        } else {
                            Label::Single
                        };
                        presence = word != "repeated";
                        kind = reader.word()?;
                    }
                    let mut map = None;
                    if kind == "map" {
                        reader.expect("<")?;
                        let key = reader.word()?;
                        reader.expect(",")?;
                        let value = reader.word()?;
                        reader.expect(">")?;
                        map = Some((key, value));
                    }
                    let field_name = reader.word()?;
                    reader.skip_statement();
                    fields.push(Field {
                        name: field_name,
                        label: if map.is_some() {
                            Label::Repeated
                        } else {
                            label
                        },
                        kind,
                        map,
                        presence,
                    });
                }
                None if token.is(";") => {}
                None => return reader.fail(format!("unexpected {token} in message {name}")),
            }
        }
        // Types named inside the message resolve from its scope first: remember it.
        for field in &mut fields {
            field.kind = format!("{name}\u{0}{}", field.kind);
            if let Some((_, value)) = &mut field.map {
                *value = format!("{name}\u{0}{value}");
            }
        }
        self.messages.insert(name, Message { proto3, fields });
        Ok(())
    }

    fn enumeration(&mut self, reader: &mut Tokens, scope: &str) -> Result<(), Failure> {
        let name = join(scope, &reader.word()?);
        reader.expect("{")?;
        let mut values = Vec::new();
        loop {
            let token = reader
                .next()
                .ok_or((reader.line(), format!("enum {name} is not closed")))?;
            if token.is("}") {
                break;
            }
            match token.as_word() {
                Some("option" | "reserved") => reader.skip_statement(),
                Some(value) => {
                    let value = value.to_owned();
                    reader.expect("=")?;
                    let number = reader.integer()?;
                    reader.skip_statement();
                    values.push((value, number));
                }
                None if token.is(";") => {}
                None => return reader.fail(format!("unexpected {token} in enum {name}")),
            }
        }
        self.enums.insert(name, values);
        Ok(())
    }

    /// Replaces each field's type name by the full name it refers to (protobuf's scoping:
    /// innermost scope first), leaving scalar types as they are.
    fn resolve(&mut self) {
        let names: Vec<String> = self
            .messages
            .keys()
            .chain(self.enums.keys())
            .cloned()
            .collect();
        let lookup = |scoped: &str| -> String {
            let (scope, name) = scoped.split_once('\u{0}').unwrap_or(("", scoped));
            if SCALARS.contains(&name) {
                return name.to_owned();
            }
            if let Some(absolute) = name.strip_prefix('.') {
                return absolute.to_owned();
            }
            let mut scope = scope.to_owned();
            loop {
                let candidate = join(&scope, name);
                if names.contains(&candidate) {
                    return candidate;
                }
                match scope.rfind('.') {
                    Some(at) => scope.truncate(at),
                    None if !scope.is_empty() => scope.clear(),
                    None => return name.to_owned(),
                }
            }
        };
        for message in self.messages.values_mut() {
            for field in &mut message.fields {
                field.kind = lookup(&field.kind);
                if let Some((_, value)) = &mut field.map {
                    *value = lookup(value);
                }
            }
        }
    }
}

const SCALARS: &[&str] = &[
    "double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32",
    "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes",
];

fn join(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_owned()
    } else {
        format!("{scope}.{name}")
    }
}

fn collect(directory: &Path, files: &mut Vec<PathBuf>) -> Result<(), ParseError> {
    let entries = std::fs::read_dir(directory).map_err(|source| ParseError::Read {
        path: directory.to_owned(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| ParseError::Read {
            path: directory.to_owned(),
            source,
        })?;
        let path = entry.path();
        let kind = entry.file_type().map_err(|source| ParseError::Read {
            path: path.clone(),
            source,
        })?;
        if kind.is_dir() {
            collect(&path, files)?;
        } else if path
            .extension()
            .is_some_and(|extension| extension == "proto")
        {
            files.push(path);
        }
    }
    Ok(())
}

/// Parses a textproto file against `schemas`.
pub(super) fn parse(
    path: &str,
    text: &str,
    schemas: &ProtoSchemas,
) -> Result<Document, ParseError> {
    let error = |(line, message): (u32, String)| ParseError::Syntax {
        path: path.to_owned(),
        format: "textproto",
        line,
        message,
    };
    let (line, name) = message_type(text).ok_or_else(|| {
        error((
            1,
            "file does not contain the necessary `# proto-message: TYPE` comment".to_owned(),
        ))
    })?;
    let Some(message) = schemas.messages.get(&name) else {
        return Err(error((
            line,
            format!(
                "look up message type {name:?}: not found (load its .proto with --proto-file-dirs)"
            ),
        )));
    };
    let tokens = tokenize(text, true).map_err(error)?;
    let mut reader = Tokens { tokens, at: 0 };
    let value = Decoder { schemas }
        .message(&mut reader, &name, message, None, 0)
        .map_err(error)?;
    single(path, &value)
}

/// The `# proto-message: TYPE` comment and its line.
fn message_type(text: &str) -> Option<(u32, String)> {
    text.lines().enumerate().find_map(|(index, line)| {
        let (_, after) = line.split_once('#')?;
        let rest = after.trim_start().strip_prefix("proto-message:")?;
        let name: String = rest
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '_')
            .collect();
        (!name.is_empty()).then(|| (u32::try_from(index + 1).unwrap_or(u32::MAX), name))
    })
}

struct Decoder<'a> {
    schemas: &'a ProtoSchemas,
}

impl Decoder<'_> {
    /// Fields up to `close` (or the end), as protojson.
    fn message(
        &self,
        reader: &mut Tokens,
        name: &str,
        message: &Message,
        close: Option<&str>,
        depth: usize,
    ) -> Result<Value, Failure> {
        if depth > super::MAX_DEPTH / 2 {
            return reader.fail("messages nested too deeply");
        }
        let mut out = Map::new();
        loop {
            let Some(token) = reader.next() else {
                if close.is_none() {
                    break;
                }
                return reader.fail(format!("message {name} is not closed"));
            };
            if close.is_some_and(|close| token.is(close)) {
                break;
            }
            if token.is(",") || token.is(";") {
                continue;
            }
            let Some(field_name) = token.as_word().map(str::to_owned) else {
                return reader.fail(format!("expected a field name of {name}, found {token}"));
            };
            let field = message
                .fields
                .iter()
                .find(|field| field.name == field_name)
                .ok_or((
                    reader.line(),
                    format!("unknown field {field_name:?} in {name}"),
                ))?;
            let is_message = field.map.is_some() || self.schemas.messages.contains_key(&field.kind);
            let separated = reader.peek().is_some_and(|t| t.is(":"));
            if separated {
                reader.next();
            } else if !is_message {
                return reader.fail(format!("expected : after {field_name}"));
            }
            let in_list = reader.peek().is_some_and(|t| t.is("["));
            let mut values = Vec::new();
            if in_list {
                reader.next();
                loop {
                    if reader.peek().is_some_and(|t| t.is("]")) {
                        reader.next();
                        break;
                    }
                    values.push(self.value(reader, field, depth)?);
                    if reader.peek().is_some_and(|t| t.is(",")) {
                        reader.next();
                    }
                }
            } else {
                values.push(self.value(reader, field, depth)?);
            }
            if field.label == Label::Single && in_list {
                return reader.fail(format!("{field_name} is not a repeated field"));
            }
            if let Some((key_type, _)) = &field.map {
                let entries = out
                    .entry(field.name.clone())
                    .or_insert_with(|| Value::Object(Map::new()));
                for entry in values {
                    let key = match entry.get("key") {
                        Some(Value::String(key)) => key.clone(),
                        Some(other) => other.to_string(),
                        None => default_key(key_type),
                    };
                    let value = entry.get("value").cloned().unwrap_or(Value::Null);
                    if let Value::Object(entries) = entries {
                        entries.insert(key, value);
                    }
                }
            } else if field.label == Label::Repeated {
                if let Value::Array(items) = out
                    .entry(field.name.clone())
                    .or_insert_with(|| Value::Array(Vec::new()))
                {
                    items.extend(values);
                }
            } else {
                if out.contains_key(&field.name) {
                    return reader.fail(format!("non-repeated field {field_name:?} is repeated"));
                }
                let value = values.pop().unwrap_or(Value::Null);
                // protojson leaves out proto3 fields without presence at their default value.
                if field.presence || !message.proto3 || !is_default(&value) || is_message {
                    out.insert(field.name.clone(), value);
                }
            }
        }
        Ok(Value::Object(out))
    }

    fn value(&self, reader: &mut Tokens, field: &Field, depth: usize) -> Result<Value, Failure> {
        if let Some((key, value)) = &field.map {
            let entry = Message {
                proto3: false,
                fields: vec![
                    Field {
                        name: "key".to_owned(),
                        label: Label::Single,
                        kind: key.clone(),
                        map: None,
                        presence: true,
                    },
                    Field {
                        name: "value".to_owned(),
                        label: Label::Single,
                        kind: value.clone(),
                        map: None,
                        presence: true,
                    },
                ],
            };
            let close = open(reader)?;
            return self.message(reader, "map entry", &entry, Some(close), depth + 1);
        }
        if let Some(message) = self.schemas.messages.get(&field.kind) {
            let close = open(reader)?;
            return self.message(reader, &field.kind, message, Some(close), depth + 1);
        }
        let token = reader.next().ok_or((
            reader.line(),
            format!("expected a value for {}", field.name),
        ))?;
        let invalid = |what: &str| {
            (
                reader.line(),
                format!("invalid {what} value {token} for {}", field.name),
            )
        };
        Ok(match field.kind.as_str() {
            "string" | "bytes" => {
                let mut text = token
                    .as_str()
                    .ok_or_else(|| invalid(&field.kind))?
                    .to_owned();
                // Adjacent string literals concatenate.
                while let Some(more) = reader.peek().and_then(Token::as_str).map(str::to_owned) {
                    reader.next();
                    text.push_str(&more);
                }
                if field.kind == "bytes" {
                    Value::String(base64(text.as_bytes()))
                } else {
                    Value::String(text)
                }
            }
            "bool" => match token.as_word() {
                Some("true" | "True" | "t") => Value::Bool(true),
                Some("false" | "False" | "f") => Value::Bool(false),
                _ => match token.as_number().as_deref() {
                    Some("1") => Value::Bool(true),
                    Some("0") => Value::Bool(false),
                    _ => return Err(invalid("bool")),
                },
            },
            "int64" | "uint64" | "sint64" | "fixed64" | "sfixed64" => Value::String(
                integer(&token)
                    .ok_or_else(|| invalid("integer"))?
                    .to_string(),
            ),
            "int32" | "uint32" | "sint32" | "fixed32" | "sfixed32" => {
                let value = integer(&token).and_then(|n| {
                    i32::try_from(n)
                        .ok()
                        .map(i64::from)
                        .or_else(|| u32::try_from(n).ok().map(i64::from))
                });
                Value::from(value.ok_or_else(|| invalid("integer"))?)
            }
            "float" | "double" => float(&token).ok_or_else(|| invalid("number"))?,
            kind => {
                let values = self.schemas.enums.get(kind).ok_or((
                    reader.line(),
                    format!("unknown type {kind:?} of {}", field.name),
                ))?;
                if let Some(word) = token.as_word() {
                    if !values.iter().any(|(name, _)| name == word) {
                        return Err(invalid("enum"));
                    }
                    Value::String(word.to_owned())
                } else {
                    let number = integer(&token).ok_or_else(|| invalid("enum"))?;
                    values
                        .iter()
                        .find(|(_, value)| i128::from(*value) == number)
                        .map_or_else(
                            || Value::from(i64::try_from(number).unwrap_or_default()),
                            |(name, _)| Value::String(name.clone()),
                        )
                }
            }
        })
    }
}

/// `{` or `<` opening a message; returns the matching close.
fn open(reader: &mut Tokens) -> Result<&'static str, Failure> {
    match reader.next() {
        Some(token) if token.is("{") => Ok("}"),
        Some(token) if token.is("<") => Ok(">"),
        _ => reader.fail("expected { to open a message"),
    }
}

fn default_key(kind: &str) -> String {
    match kind {
        "string" => String::new(),
        "bool" => "false".to_owned(),
        _ => "0".to_owned(),
    }
}

fn is_default(value: &Value) -> bool {
    match value {
        Value::String(text) => text.is_empty() || text == "0",
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        _ => false,
    }
}

fn integer(token: &Token) -> Option<i128> {
    let text = token.as_number()?;
    let (negative, body) = text
        .strip_prefix('-')
        .map_or((false, text.as_str()), |rest| (true, rest));
    let value = if let Some(hex) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        i128::from_str_radix(hex, 16).ok()?
    } else if body.len() > 1 && body.starts_with('0') {
        i128::from_str_radix(&body[1..], 8).ok()?
    } else {
        body.parse().ok()?
    };
    Some(if negative { -value } else { value })
}

/// A float field: protojson prints NaN and infinities as strings.
fn float(token: &Token) -> Option<Value> {
    let text = match token {
        Token::Word(word) => word.clone(),
        _ => token.as_number()?,
    };
    let lower = text.to_ascii_lowercase();
    let lower = lower.trim_end_matches('f');
    match lower {
        "inf" | "infinity" => return Some(Value::from("Infinity")),
        "-inf" | "-infinity" => return Some(Value::from("-Infinity")),
        "nan" => return Some(Value::from("NaN")),
        _ => {}
    }
    let value: f64 = lower.parse().ok()?;
    // protojson prints `2`, not `2.0`; conftest then reads it back as a number like any other.
    #[allow(clippy::cast_possible_truncation)]
    if value.fract() == 0.0 && value.abs() < 9.0e15 {
        return Some(Value::from(value as i64));
    }
    serde_json::Number::from_f64(value).map(Value::Number)
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

type Failure = (u32, String);

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Str(String),
    Number(String),
    Punct(char),
}

impl Token {
    fn is(&self, punct: &str) -> bool {
        matches!(self, Token::Punct(c) if punct.starts_with(*c) && punct.len() == 1)
    }

    fn as_word(&self) -> Option<&str> {
        match self {
            Token::Word(word) => Some(word),
            _ => None,
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Token::Str(text) => Some(text),
            _ => None,
        }
    }

    fn as_number(&self) -> Option<String> {
        match self {
            Token::Number(text) => Some(text.clone()),
            _ => None,
        }
    }
}

impl std::fmt::Display for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Token::Word(text) | Token::Number(text) => write!(f, "{text:?}"),
            Token::Str(text) => write!(f, "string {text:?}"),
            Token::Punct(c) => write!(f, "{c:?}"),
        }
    }
}

/// Tokens of `.proto` (`//` and `/* */` comments) or text format (`#` comments) files.
fn tokenize(text: &str, hash_comments: bool) -> Result<Vec<(u32, Token)>, Failure> {
    let mut tokens = Vec::new();
    let mut line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => line += 1,
            c if c.is_whitespace() => {}
            '#' if hash_comments => {
                while chars.peek().is_some_and(|c| *c != '\n') {
                    chars.next();
                }
            }
            '/' if !hash_comments && chars.peek() == Some(&'/') => {
                while chars.peek().is_some_and(|c| *c != '\n') {
                    chars.next();
                }
            }
            '/' if !hash_comments && chars.peek() == Some(&'*') => {
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
            quote @ ('"' | '\'') => {
                let bytes = string_literal(&mut chars, quote, line)?;
                let text = String::from_utf8_lossy(&bytes).into_owned();
                tokens.push((line, Token::Str(text)));
            }
            c if c.is_ascii_digit()
                || c == '-'
                || (c == '.' && chars.peek().is_some_and(char::is_ascii_digit)) =>
            {
                let mut number = String::from(c);
                while let Some(next) =
                    chars.next_if(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-'))
                {
                    // A sign only follows an exponent marker.
                    if matches!(next, '+' | '-') && !number.ends_with(['e', 'E']) {
                        return Err((line, format!("invalid number {number}{next}")));
                    }
                    number.push(next);
                }
                if number == "-" {
                    // `-inf`, `-nan`: a sign before a word.
                    let word: String =
                        std::iter::from_fn(|| chars.next_if(char::is_ascii_alphabetic)).collect();
                    tokens.push((line, Token::Word(format!("-{word}"))));
                } else {
                    tokens.push((line, Token::Number(number)));
                }
            }
            c if c.is_alphabetic() || c == '_' || c == '.' => {
                let mut word = String::from(c);
                while let Some(next) =
                    chars.next_if(|c| c.is_alphanumeric() || matches!(c, '_' | '.'))
                {
                    word.push(next);
                }
                tokens.push((line, Token::Word(word)));
            }
            c => tokens.push((line, Token::Punct(c))),
        }
    }
    Ok(tokens)
}

/// A quoted string's bytes after its opening quote, escapes decoded (C-style, as protobuf's
/// text format has them).
fn string_literal(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    quote: char,
    line: u32,
) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    loop {
        let c = chars
            .next()
            .ok_or((line, "unterminated string".to_owned()))?;
        match c {
            '\n' => return Err((line, "unterminated string".to_owned())),
            c if c == quote => break,
            '\\' => {
                let escape = chars
                    .next()
                    .ok_or((line, "unterminated string".to_owned()))?;
                match escape {
                    'n' => bytes.push(b'\n'),
                    't' => bytes.push(b'\t'),
                    'r' => bytes.push(b'\r'),
                    'a' => bytes.push(7),
                    'b' => bytes.push(8),
                    'f' => bytes.push(12),
                    'v' => bytes.push(11),
                    'x' => {
                        let hex: String =
                            std::iter::from_fn(|| chars.next_if(char::is_ascii_hexdigit))
                                .take(2)
                                .collect();
                        bytes.push(
                            u8::from_str_radix(&hex, 16)
                                .map_err(|_| (line, "invalid \\x escape".to_owned()))?,
                        );
                    }
                    '0'..='7' => {
                        let mut octal = String::from(escape);
                        while octal.len() < 3 {
                            match chars.next_if(|c| ('0'..='7').contains(c)) {
                                Some(digit) => octal.push(digit),
                                None => break,
                            }
                        }
                        bytes.push(
                            u8::from_str_radix(&octal, 8)
                                .map_err(|_| (line, "invalid octal escape".to_owned()))?,
                        );
                    }
                    other => {
                        let mut buffer = [0; 4];
                        bytes.extend_from_slice(other.encode_utf8(&mut buffer).as_bytes());
                    }
                }
            }
            other => {
                let mut buffer = [0; 4];
                bytes.extend_from_slice(other.encode_utf8(&mut buffer).as_bytes());
            }
        }
    }
    Ok(bytes)
}

struct Tokens {
    tokens: Vec<(u32, Token)>,
    at: usize,
}

impl Tokens {
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

    fn expect(&mut self, punct: &str) -> Result<(), Failure> {
        match self.next() {
            Some(token) if token.is(punct) => Ok(()),
            Some(token) => self.fail(format!("expected {punct}, found {token}")),
            None => self.fail(format!("expected {punct}, found the end of the file")),
        }
    }

    fn word(&mut self) -> Result<String, Failure> {
        match self.next() {
            Some(Token::Word(word)) => Ok(word),
            Some(token) => self.fail(format!("expected a name, found {token}")),
            None => self.fail("expected a name, found the end of the file"),
        }
    }

    fn integer(&mut self) -> Result<i64, Failure> {
        let token = self.next();
        token
            .as_ref()
            .and_then(integer)
            .and_then(|n| i64::try_from(n).ok())
            .ok_or((self.line(), "expected a number".to_owned()))
    }

    /// Skips to the end of a statement (`;`), over any bracketed options.
    fn skip_statement(&mut self) {
        let mut depth = 0usize;
        while let Some(token) = self.next() {
            if token.is("[") || token.is("{") || token.is("(") {
                depth += 1;
            } else if (token.is("]") || token.is("}") || token.is(")")) && depth > 0 {
                depth -= 1;
            } else if token.is(";") && depth == 0 {
                return;
            }
        }
    }

    fn skip_block(&mut self) -> Result<(), Failure> {
        self.expect("{")?;
        let mut depth = 1usize;
        while depth > 0 {
            let token = self
                .next()
                .ok_or((self.line(), "block is not closed".to_owned()))?;
            if token.is("{") {
                depth += 1;
            } else if token.is("}") {
                depth -= 1;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const PROTO: &str = "syntax = \"proto3\";\npackage conftest.prototext;\n\
        enum AnOption {\n  OPTION_UNDEFIED = 0;\n  OPTION_GOOD = 1;\n}\n\
        message TestMessage {\n  string name = 1;\n  int32 number = 2;\n  bool truthy = 3;\n\
        AnOption option = 4;\n  int64 big = 5;\n  repeated Inner inner = 6;\n\
        map<string, int32> counts = 7;\n  bytes raw = 8;\n\
        message Inner { double x = 1 [deprecated = true]; }\n}\n";

    fn schemas() -> ProtoSchemas {
        let mut schemas = ProtoSchemas::default();
        schemas.add(PROTO).unwrap();
        schemas.resolve();
        schemas
    }

    /// conftest's own cases (`parser/textproto/textproto_test.go`) and protojson's rules.
    #[test]
    fn protojson_shape() {
        let text = "# proto-message: conftest.prototext.TestMessage\n\nname: \"foobarbaz\"\n\
                    number: 123123123\ntruthy: true\noption: OPTION_GOOD\n";
        assert_eq!(
            parse("a.textproto", text, &schemas()).unwrap().json(),
            json!({"name": "foobarbaz", "number": 123_123_123, "truthy": true, "option": "OPTION_GOOD"})
        );
        let text = "# proto-message: conftest.prototext.TestMessage\nnumber: 0 big: 9\n\
                    inner { x: 1.5 } inner: < x: 2 >\ncounts { key: \"a\" value: 1 }\nraw: \"hi\"\n";
        assert_eq!(
            parse("a.textproto", text, &schemas()).unwrap().json(),
            json!({"big": "9", "inner": [{"x": 1.5}, {"x": 2}], "counts": {"a": 1}, "raw": "aGk="})
        );
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            ("number: 1\n", 1, "proto-message"),
            (
                "\n# proto-message: another.TestMessage\n",
                2,
                "look up message type",
            ),
            (
                "# proto-message: conftest.prototext.TestMessage\nnope: 1\n",
                2,
                "unknown field",
            ),
            (
                "# proto-message: conftest.prototext.TestMessage\n\noption: BAD\n",
                3,
                "invalid enum",
            ),
            (
                "# proto-message: conftest.prototext.TestMessage\ninner {\n",
                2,
                "not closed",
            ),
        ];
        for (text, line, message) in cases {
            let error = parse("a.textproto", text, &schemas())
                .unwrap_err()
                .to_string();
            assert!(
                error.starts_with(&format!("a.textproto:{line}: invalid textproto")),
                "{error}"
            );
            assert!(error.contains(message), "{error}");
        }
        let mut schemas = ProtoSchemas::default();
        let error = schemas
            .add("syntax = \"proto3\";\nmessage M {\n  string a = 1;\n")
            .unwrap_err();
        assert_eq!(error.0, 3, "{error:?}");
    }
}
