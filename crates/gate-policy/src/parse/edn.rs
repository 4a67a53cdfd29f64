//! EDN inputs, shaped like conftest's (olympos.io/encoding/edn, then every value that is not a
//! string, list or map printed with Go's `%v`): map keys and scalars become strings —
//! `{:port 5432}` is `{":port": "5432"}` — sets become maps of `"true"`, and tagged values
//! print as Go prints them (`#inst` as a Go time, other tags as `{tag value}`).

use serde_json::{Map, Value};

use super::{Document, single};
use crate::ParseError;

/// Parses one EDN value.
pub(super) fn parse(path: &str, text: &str) -> Result<Document, ParseError> {
    let mut reader = Reader {
        chars: text.char_indices().peekable(),
        text,
        line: 1,
        depth: 0,
    };
    let result = reader
        .value()
        .and_then(|value| match value {
            Some(value) => Ok(value),
            None => Err("no value".to_owned()),
        })
        .and_then(|value| {
            reader.skip_blank()?;
            match reader.chars.peek() {
                None => Ok(value),
                Some(_) => Err("more than one top-level value".to_owned()),
            }
        });
    let value = result.map_err(|message| ParseError::Syntax {
        path: path.to_owned(),
        format: "edn",
        line: reader.line,
        message,
    })?;
    single(path, &value.into_json())
}

/// An EDN value before conftest's stringification.
enum Edn {
    Str(String),
    /// Anything conftest prints with `%v`, already printed.
    Printed(String),
    List(Vec<Edn>),
    Map(Vec<(Edn, Edn)>),
    Set(Vec<Edn>),
}

impl Edn {
    /// conftest's `cleanupMapValue`.
    fn into_json(self) -> Value {
        match self {
            Edn::Str(text) | Edn::Printed(text) => Value::String(text),
            Edn::List(items) => Value::Array(items.into_iter().map(Edn::into_json).collect()),
            Edn::Map(entries) => Value::Object(
                entries
                    .into_iter()
                    .map(|(key, value)| (key.key(), value.into_json()))
                    .collect::<Map<_, _>>(),
            ),
            Edn::Set(items) => Value::Object(
                items
                    .into_iter()
                    .map(|key| (key.key(), Value::String("true".to_owned())))
                    .collect(),
            ),
        }
    }

    /// A map key as `fmt.Sprintf("%v", key)` prints it.
    fn key(&self) -> String {
        match self {
            Edn::Str(text) | Edn::Printed(text) => text.clone(),
            Edn::List(items) | Edn::Set(items) => {
                let inner: Vec<String> = items.iter().map(Edn::key).collect();
                format!("[{}]", inner.join(" "))
            }
            Edn::Map(entries) => {
                let inner: Vec<String> = entries
                    .iter()
                    .map(|(key, value)| format!("{}:{}", key.key(), value.key()))
                    .collect();
                format!("map[{}]", inner.join(" "))
            }
        }
    }
}

/// The deepest nesting read before giving up (the document limit applies after, too).
const MAX_NESTING: usize = 2 * super::MAX_DEPTH;

struct Reader<'a> {
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    text: &'a str,
    line: u32,
    depth: usize,
}

impl Reader<'_> {
    fn bump(&mut self) -> Option<char> {
        let (_, c) = self.chars.next()?;
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn peek(&mut self) -> Option<char> {
        self.chars.peek().map(|(_, c)| *c)
    }

    /// Skips white space, commas, `;` comments and `#_` discarded values.
    fn skip_blank(&mut self) -> Result<(), String> {
        loop {
            match self.peek() {
                Some(c) if c.is_whitespace() || c == ',' => {
                    self.bump();
                }
                Some(';') => {
                    while self.peek().is_some_and(|c| c != '\n') {
                        self.bump();
                    }
                }
                Some('#') if self.rest().starts_with("#_") => {
                    self.bump();
                    self.bump();
                    self.value()?;
                }
                _ => return Ok(()),
            }
        }
    }

    fn rest(&mut self) -> &str {
        let at = self.chars.peek().map_or(self.text.len(), |(at, _)| *at);
        &self.text[at..]
    }

    /// The next value, or `None` at a closing bracket or the end.
    fn value(&mut self) -> Result<Option<Edn>, String> {
        // Collections, tags and `#_` all recurse through here: one bound covers them.
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(format!("nested deeper than {} levels", super::MAX_DEPTH));
        }
        let value = self.value_within_depth();
        self.depth -= 1;
        value
    }

    fn value_within_depth(&mut self) -> Result<Option<Edn>, String> {
        self.skip_blank()?;
        let Some(c) = self.peek() else {
            return Ok(None);
        };
        let value = match c {
            ')' | ']' | '}' => return Ok(None),
            '(' | '[' => {
                self.bump();
                Edn::List(self.items(if c == '(' { ')' } else { ']' })?)
            }
            '{' => {
                self.bump();
                let items = self.items('}')?;
                if items.len() % 2 == 1 {
                    return Err("a map needs an even number of forms".to_owned());
                }
                let mut entries = Vec::with_capacity(items.len() / 2);
                let mut items = items.into_iter();
                while let (Some(key), Some(value)) = (items.next(), items.next()) {
                    entries.push((key, value));
                }
                Edn::Map(entries)
            }
            '#' => {
                self.bump();
                if self.peek() == Some('{') {
                    self.bump();
                    Edn::Set(self.items('}')?)
                } else {
                    let tag = self.token();
                    if tag.is_empty() {
                        return Err("expected a tag after #".to_owned());
                    }
                    let inner = self
                        .value()?
                        .ok_or_else(|| format!("#{tag} needs a value"))?;
                    tagged(&tag, inner)?
                }
            }
            '"' => {
                self.bump();
                Edn::Str(self.string()?)
            }
            '\\' => {
                self.bump();
                let name = self.token();
                // go's edn.Rune prints as its code point number.
                let code = match name.as_str() {
                    "newline" => '\n',
                    "space" => ' ',
                    "tab" => '\t',
                    "return" => '\r',
                    "" => self.bump().ok_or("unfinished character")?,
                    other => other.chars().next().unwrap_or(' '),
                };
                Edn::Printed(u32::from(code).to_string())
            }
            _ => scalar(&self.token())?,
        };
        Ok(Some(value))
    }

    fn items(&mut self, close: char) -> Result<Vec<Edn>, String> {
        let mut items = Vec::new();
        while let Some(item) = self.value()? {
            items.push(item);
        }
        match self.bump() {
            Some(c) if c == close => {}
            Some(c) => return Err(format!("expected {close:?}, found {c:?}")),
            None => return Err(format!("unclosed collection: expected {close:?}")),
        }
        Ok(items)
    }

    fn token(&mut self) -> String {
        let mut token = String::new();
        while let Some(c) = self.peek() {
            if c.is_whitespace() || ",()[]{}\";".contains(c) {
                break;
            }
            token.push(c);
            self.bump();
        }
        token
    }

    fn string(&mut self) -> Result<String, String> {
        let mut out = String::new();
        loop {
            match self.bump().ok_or("unterminated string")? {
                '"' => return Ok(out),
                '\\' => match self.bump().ok_or("unterminated string")? {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    'u' => {
                        let hex: String = (0..4).filter_map(|_| self.bump()).collect();
                        let code = u32::from_str_radix(&hex, 16)
                            .map_err(|_| format!("invalid escape \\u{hex}"))?;
                        out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                    }
                    other => out.push(other),
                },
                c => out.push(c),
            }
        }
    }
}

/// A symbol, keyword, number, boolean or nil, printed as Go's `%v` prints the decoded value.
fn scalar(token: &str) -> Result<Edn, String> {
    if token.is_empty() {
        return Err("unexpected character".to_owned());
    }
    let printed = match token {
        "nil" => "<nil>".to_owned(),
        "true" | "false" => token.to_owned(),
        _ if token.starts_with(|c: char| c.is_ascii_digit())
            || (token.len() > 1
                && token.starts_with(['+', '-'])
                && token[1..].starts_with(|c: char| c.is_ascii_digit())) =>
        {
            number(token)?
        }
        _ => token.to_owned(),
    };
    Ok(Edn::Printed(printed))
}

fn number(token: &str) -> Result<String, String> {
    let invalid = || format!("invalid number {token:?}");
    if let Some(big) = token.strip_suffix('N') {
        return big
            .parse::<i128>()
            .map(|n| n.to_string())
            .map_err(|_| invalid());
    }
    let decimal = token.strip_suffix('M').unwrap_or(token);
    if decimal.contains(['.', 'e', 'E']) || token.ends_with('M') {
        let value = decimal.parse::<f64>().map_err(|_| invalid())?;
        return Ok(go_float(value));
    }
    token
        .trim_start_matches('+')
        .parse::<i64>()
        .map(|n| n.to_string())
        .map_err(|_| invalid())
}

/// Go's `%v` of a float64 (`strconv.FormatFloat(f, 'g', -1, 64)`, exponent at 21 digits).
fn go_float(value: f64) -> String {
    let plain = format!("{value}");
    let magnitude = value.abs();
    if magnitude != 0.0 && !(1e-4..1e21).contains(&magnitude) {
        let exp = format!("{value:e}");
        let (mantissa, power) = exp.split_once('e').unwrap_or((&exp, "0"));
        let power: i32 = power.parse().unwrap_or(0);
        let sign = if power < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", power.abs());
    }
    plain
}

/// `#inst` decodes to a Go time (printed as Go prints one), `#uuid` to its string, other tags to
/// an `edn.Tag` (printed `{tag value}`).
fn tagged(tag: &str, inner: Edn) -> Result<Edn, String> {
    match (tag, inner) {
        ("inst", Edn::Str(text)) => Ok(Edn::Printed(go_time(&text)?)),
        ("uuid", Edn::Str(text)) => Ok(Edn::Printed(text)),
        (tag, inner) => Ok(Edn::Printed(format!("{{{tag} {}}}", inner.key()))),
    }
}

/// An RFC 3339 time as Go's `time.Time.String()` prints it: `2032-01-01 12:20:50.52 +0000 UTC`.
fn go_time(text: &str) -> Result<String, String> {
    let invalid = || format!("invalid #inst {text:?}");
    let (date, rest) = text.split_once('T').ok_or_else(invalid)?;
    let zone_at = rest.find(['Z', '+', '-']).ok_or_else(invalid)?;
    let (time, zone) = rest.split_at(zone_at);
    let (clock, fraction) = time.split_once('.').unwrap_or((time, ""));
    let fraction = fraction.trim_end_matches('0');
    let fraction = if fraction.is_empty() {
        String::new()
    } else {
        format!(".{fraction}")
    };
    let zone = if zone == "Z" {
        "+0000 UTC".to_owned()
    } else {
        let offset = zone.replace(':', "");
        format!("{offset} {offset}")
    };
    Ok(format!("{date} {clock}{fraction} {zone}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// conftest's own parser tests (`parser/edn/edn_test.go`).
    #[test]
    fn conftest_cases() {
        assert_eq!(
            parse("a.edn", "{:sample true}").unwrap().json(),
            json!({":sample": "true"})
        );
        let text = "{;; This is a comment and should be ignored by the parser\n\
                    :sample1 \"my-username\",\n:sample2 false,\n:sample3 5432}";
        assert_eq!(
            parse("a.edn", text).unwrap().json(),
            json!({":sample1": "my-username", ":sample2": "false", ":sample3": "5432"})
        );
    }

    #[test]
    fn sets_tags_and_numbers() {
        let text = "{:f #{:a :b} #_:all :t #inst \"2032-01-01T12:20:50.52Z\" \
                    :d #duration \"20m\" :n [1.5 nil -2 \\a]}";
        assert_eq!(
            parse("a.edn", text).unwrap().json(),
            json!({
                ":f": {":a": "true", ":b": "true"},
                ":t": "2032-01-01 12:20:50.52 +0000 UTC",
                ":d": "{duration 20m}",
                ":n": ["1.5", "<nil>", "-2", "97"],
            })
        );
    }

    #[test]
    fn errors_name_the_line() {
        for (text, line) in [("{:a 1\n:b", 2), ("{:a}", 1), ("\n\n\"open", 3), ("1 2", 1)] {
            let error = parse("a.edn", text).unwrap_err().to_string();
            assert!(
                error.starts_with(&format!("a.edn:{line}: invalid edn")),
                "{error}"
            );
        }
    }
}
