//! CUE inputs, the data subset: conftest evaluates the file with the CUE library and exports it
//! as JSON; gate reads CUE that is already data — structs (with `a: b: c` shorthand), lists,
//! strings, numbers, booleans, null, `*default | other` choices, comments, a `package` clause —
//! and unifies repeated fields as CUE does (structs merge, equal values agree, different ones
//! conflict). Definitions (`#D`), hidden (`_x`) and optional (`x?`) fields are left out of the
//! export as CUE leaves them out. Expressions (references, arithmetic, interpolation,
//! comprehensions, imports) are refused with an error naming the line: approximate.

use serde_json::{Map, Value};

use super::{Document, single};
use crate::ParseError;

/// Parses a CUE file.
pub(super) fn parse(path: &str, text: &str) -> Result<Document, ParseError> {
    let error = |(line, message): (u32, String)| ParseError::Syntax {
        path: path.to_owned(),
        format: "cue",
        line,
        message,
    };
    let mut parser = Parser {
        chars: text.chars().collect(),
        at: 0,
        line: 1,
        lenient: false,
    };
    let value = parser.file().map_err(error)?;
    single(path, &value)
}

type Failure = (u32, String);

struct Parser {
    chars: Vec<char>,
    at: usize,
    line: u32,
    /// Inside a definition, hidden or optional field: types are allowed, nothing is exported.
    lenient: bool,
}

/// What a field's value is, once parsed.
enum Parsed {
    Concrete(Value),
    /// A value only a definition or optional field may hold (`string`, `int`, `>0`…).
    Type(String),
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
                Some('/') if self.peek_at(1) == Some('/') => {
                    while self.peek().is_some_and(|c| c != '\n') {
                        self.bump();
                    }
                }
                _ => return,
            }
        }
    }

    fn file(&mut self) -> Result<Value, Failure> {
        self.skip(true);
        if self.word_ahead("package") {
            self.ident();
            self.skip(false);
            self.ident();
        }
        self.skip(true);
        if self.word_ahead("import") {
            return self.fail("imports are not supported (gate reads CUE data files)");
        }
        let mut fields = Map::new();
        self.fields(&mut fields, None, 0)?;
        Ok(Value::Object(fields))
    }

    fn word_ahead(&self, word: &str) -> bool {
        let end = self.at + word.len();
        self.chars
            .get(self.at..end)
            .is_some_and(|chars| chars.iter().copied().eq(word.chars()))
            && !self
                .chars
                .get(end)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_')
    }

    fn ident(&mut self) -> String {
        let mut word = String::new();
        while let Some(c) = self.peek() {
            if c.is_alphanumeric() || matches!(c, '_' | '#' | '$') {
                word.push(c);
                self.bump();
            } else {
                break;
            }
        }
        word
    }

    /// Fields up to `close` (or the end of the file), unified into `fields`.
    fn fields(
        &mut self,
        fields: &mut Map<String, Value>,
        close: Option<char>,
        depth: usize,
    ) -> Result<(), Failure> {
        if depth > super::MAX_DEPTH {
            return self.fail(format!("nested deeper than {} levels", super::MAX_DEPTH));
        }
        loop {
            self.skip(true);
            match self.peek() {
                None if close.is_none() => return Ok(()),
                None => return self.fail("unclosed struct: expected }"),
                Some(c) if Some(c) == close => {
                    self.bump();
                    return Ok(());
                }
                _ => {}
            }
            self.field(fields, depth)?;
        }
    }

    /// `label: label: … value`.
    fn field(&mut self, fields: &mut Map<String, Value>, depth: usize) -> Result<(), Failure> {
        // `a: b: c: …` nests through here.
        if depth > super::MAX_DEPTH {
            return self.fail(format!("nested deeper than {} levels", super::MAX_DEPTH));
        }
        let line = self.line;
        let (label, exported) = self.label()?;
        self.skip(false);
        if self.bump() != Some(':') {
            return Err((line, format!("expected : after {label}")));
        }
        self.skip(false);
        let outer = self.lenient;
        self.lenient = outer || !exported;
        // `a: b: 1` is `a: {b: 1}`: a following label then colon starts a nested field.
        let value = if self.label_ahead() {
            let mut inner = Map::new();
            self.field(&mut inner, depth + 1)
                .map(|()| Parsed::Concrete(Value::Object(inner)))
        } else {
            self.value(depth)
        };
        self.lenient = outer;
        let value = value?;
        if !exported {
            return Ok(());
        }
        match value {
            Parsed::Type(_) if self.lenient => Ok(()),
            Parsed::Concrete(value) => {
                unify(fields, label, value).map_err(|message| (line, message))
            }
            Parsed::Type(name) => Err((
                line,
                format!("incomplete value {name} for {label}: not concrete data"),
            )),
        }
    }

    fn label_ahead(&self) -> bool {
        let mut at = self.at;
        if self.chars.get(at) == Some(&'"') {
            at += 1;
            while self.chars.get(at).is_some_and(|c| *c != '"' && *c != '\n') {
                at += 1;
            }
            at += 1;
        } else {
            let start = at;
            while self
                .chars
                .get(at)
                .is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '#' | '$' | '-'))
            {
                at += 1;
            }
            if at == start {
                return false;
            }
        }
        while self.chars.get(at).is_some_and(|c| matches!(c, '?' | '!')) {
            at += 1;
        }
        while self.chars.get(at).is_some_and(|c| *c == ' ' || *c == '\t') {
            at += 1;
        }
        self.chars.get(at) == Some(&':')
    }

    /// A label and whether the export keeps it (not a definition, hidden or optional field).
    fn label(&mut self) -> Result<(String, bool), Failure> {
        let label = if self.peek() == Some('"') {
            self.bump();
            self.string('"')?
        } else {
            let word = self.ident();
            if word.is_empty() {
                let found = self.peek().map_or("end of file".to_owned(), String::from);
                return self.fail(format!("expected a field, found {found:?}"));
            }
            word
        };
        let mut exported = !label.starts_with('#') && !label.starts_with('_');
        while let Some(mark) = self.peek().filter(|c| matches!(c, '?' | '!')) {
            self.bump();
            if mark == '?' {
                exported = false;
            }
        }
        Ok((label, exported))
    }

    fn value(&mut self, depth: usize) -> Result<Parsed, Failure> {
        // Lists nest through here (structs through `fields`): each level is bounded.
        if depth > super::MAX_DEPTH {
            return self.fail(format!("nested deeper than {} levels", super::MAX_DEPTH));
        }
        let first = self.term(depth)?;
        self.skip(false);
        if self.peek() != Some('|') {
            return Ok(first.1);
        }
        // A choice: the marked default wins; without one the value is not concrete.
        let mut default = first.0.then_some(first.1);
        while self.peek() == Some('|') {
            self.bump();
            self.skip(false);
            let (marked, parsed) = self.term(depth)?;
            if marked && default.is_none() {
                default = Some(parsed);
            }
            self.skip(false);
        }
        Ok(default.unwrap_or_else(|| Parsed::Type("choice without a default".to_owned())))
    }

    /// One operand, with whether it is marked as the default (`*`).
    fn term(&mut self, depth: usize) -> Result<(bool, Parsed), Failure> {
        let marked = self.peek() == Some('*');
        if marked {
            self.bump();
            self.skip(false);
        }
        let value = match self.peek() {
            Some('{') => {
                self.bump();
                let mut fields = Map::new();
                self.fields(&mut fields, Some('}'), depth + 1)?;
                Parsed::Concrete(Value::Object(fields))
            }
            Some('[') => {
                self.bump();
                let mut items = Vec::new();
                loop {
                    self.skip(true);
                    match self.peek() {
                        Some(']') => {
                            self.bump();
                            break;
                        }
                        None => return self.fail("unclosed list: expected ]"),
                        _ => match self.value(depth + 1)? {
                            Parsed::Concrete(value) => items.push(value),
                            Parsed::Type(_) if self.lenient => {}
                            Parsed::Type(name) => {
                                return self.fail(format!("incomplete value {name} in a list"));
                            }
                        },
                    }
                }
                Parsed::Concrete(Value::Array(items))
            }
            Some(quote @ ('"' | '\'')) => {
                self.bump();
                if self.peek() == Some(quote) && self.peek_at(1) == Some(quote) {
                    self.at += 2;
                    Parsed::Concrete(Value::String(self.multiline(quote)?))
                } else {
                    Parsed::Concrete(Value::String(self.string(quote)?))
                }
            }
            Some('.') if self.peek_at(1) == Some('.') => {
                // `[...T]`: an open list's element type.
                self.at += 3;
                self.skip(false);
                self.ident();
                Parsed::Type("...".to_owned())
            }
            Some(c) if c.is_ascii_digit() || c == '-' || c == '.' => {
                let mut word = String::new();
                while let Some(c) = self
                    .peek()
                    .filter(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '+'))
                {
                    word.push(c);
                    self.bump();
                }
                Parsed::Concrete(
                    number(&word).ok_or((self.line, format!("invalid number {word:?}")))?,
                )
            }
            Some('<' | '>' | '=' | '!') => {
                // A bound (`>0`, `!=""`): a constraint, not data.
                while self
                    .peek()
                    .is_some_and(|c| !matches!(c, '\n' | ',' | '}' | ']' | '|'))
                {
                    self.bump();
                }
                Parsed::Type("bound".to_owned())
            }
            _ => {
                let word = self.ident();
                match word.as_str() {
                    "true" => Parsed::Concrete(Value::Bool(true)),
                    "false" => Parsed::Concrete(Value::Bool(false)),
                    "null" => Parsed::Concrete(Value::Null),
                    "" => {
                        let found = self.peek().map_or("end of file".to_owned(), String::from);
                        return self.fail(format!("expected a value, found {found:?}"));
                    }
                    "string" | "int" | "float" | "number" | "bool" | "bytes" | "_" => {
                        Parsed::Type(word)
                    }
                    _ => {
                        return self.fail(format!(
                            "reference {word:?}: expressions are not supported (gate reads CUE data files)"
                        ));
                    }
                }
            }
        };
        self.skip(false);
        if matches!(self.peek(), Some('+' | '*' | '/' | '&'))
            || (self.peek() == Some('-') && self.peek_at(1) == Some(' '))
        {
            return self.fail("expressions are not supported (gate reads CUE data files)");
        }
        Ok((marked, value))
    }

    fn string(&mut self, quote: char) -> Result<String, Failure> {
        let mut out = String::new();
        loop {
            match self.bump() {
                Some(c) if c == quote => return Ok(out),
                Some('\\') => match self.bump() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some('(') => return self.fail("string interpolation is not supported"),
                    Some('u') => {
                        let hex: String = (0..4).filter_map(|_| self.bump()).collect();
                        let c = u32::from_str_radix(&hex, 16)
                            .ok()
                            .and_then(char::from_u32)
                            .ok_or((self.line, format!("invalid escape \\u{hex}")))?;
                        out.push(c);
                    }
                    Some(c) => out.push(c),
                    None => return self.fail("unterminated string"),
                },
                Some('\n') => {
                    self.line -= 1;
                    return self.fail("unterminated string");
                }
                Some(c) => out.push(c),
                None => return self.fail("unterminated string"),
            }
        }
    }

    /// `"""…"""`: the lines between, less the closing line's indentation.
    fn multiline(&mut self, quote: char) -> Result<String, Failure> {
        let mut raw = String::new();
        loop {
            if self.peek() == Some(quote)
                && self.peek_at(1) == Some(quote)
                && self.peek_at(2) == Some(quote)
            {
                self.at += 3;
                break;
            }
            match self.bump() {
                Some(c) => raw.push(c),
                None => return self.fail("unterminated multi-line string"),
            }
        }
        let body = raw.strip_prefix('\n').unwrap_or(&raw);
        let (body, indent) = body.rsplit_once('\n').unwrap_or(("", body));
        Ok(body
            .lines()
            .map(|line| line.strip_prefix(indent).unwrap_or(line))
            .collect::<Vec<_>>()
            .join("\n"))
    }
}

fn number(word: &str) -> Option<Value> {
    let digits = word.replace('_', "");
    if let Ok(n) = digits.parse::<i64>() {
        return Some(Value::from(n));
    }
    if let Some(hex) = digits.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok().map(Value::from);
    }
    let n: f64 = digits.parse().ok()?;
    serde_json::Number::from_f64(n).map(Value::Number)
}

/// CUE's unification of a field given twice.
fn unify(fields: &mut Map<String, Value>, label: String, value: Value) -> Result<(), String> {
    match fields.get_mut(&label) {
        None => {
            fields.insert(label, value);
            Ok(())
        }
        Some(Value::Object(existing)) => match value {
            Value::Object(more) => {
                for (key, value) in more {
                    unify(existing, key, value)?;
                }
                Ok(())
            }
            other => Err(format!(
                "conflicting values for {label}: a struct and {other}"
            )),
        },
        Some(existing) if *existing == value => Ok(()),
        Some(existing) => Err(format!(
            "conflicting values for {label}: {existing} and {value}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// conftest's example (`examples/cue/deployment.cue`), as `cue export` gives it.
    #[test]
    fn conftest_example() {
        let text = "apiVersion: \"apps/v1\"\nkind:       \"Deployment\"\n\
                    metadata: name: \"hello-kubernetes\"\nspec: {\n\treplicas: 3\n\
                    \tselector: matchLabels: app: \"hello-kubernetes\"\n\ttemplate: {\n\
                    \t\tspec: containers: [{\n\t\t\tname:  \"hello\"\n\t\t\tports: [{\n\
                    \t\t\t\tcontainerPort: 8081\n\t\t\t}]\n\t\t}]\n\t}\n}\n";
        assert_eq!(
            parse("deployment.cue", text).unwrap().json(),
            json!({
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "hello-kubernetes"},
                "spec": {
                    "replicas": 3,
                    "selector": {"matchLabels": {"app": "hello-kubernetes"}},
                    "template": {"spec": {"containers": [{"name": "hello", "ports": [{"containerPort": 8081}]}]}},
                },
            })
        );
    }

    #[test]
    fn unification_defaults_and_hidden_fields() {
        let text = "package x\n// c\na: b: 1\na: c: \"x\"\nd: *\"on\" | \"off\"\n#D: {n: int, m: [...string]}\n\
                    _h: 1\no?: string\nf: 1.5, g: null\ns: \"\"\"\n    one\n    two\n    \"\"\"\n";
        assert_eq!(
            parse("a.cue", text).unwrap().json(),
            json!({"a": {"b": 1, "c": "x"}, "d": "on", "f": 1.5, "g": null, "s": "one\ntwo"})
        );
    }

    /// 100,000 nested lists overflowed the stack (the depth was checked for structs only).
    #[test]
    fn deep_lists_are_refused_not_a_crash() {
        let text = format!("\na: {}{}", "[".repeat(100_000), "]".repeat(100_000));
        let error = parse("a.cue", &text).unwrap_err().to_string();
        assert!(
            error.starts_with("a.cue:2: invalid cue: nested deeper than 64"),
            "{error}"
        );
        // And a chain of 100,000 labels (`a: b: c: …`), which overflowed too.
        let text = format!("a: {}1", "b: ".repeat(100_000));
        let error = parse("a.cue", &text).unwrap_err().to_string();
        assert!(
            error.starts_with("a.cue:1: invalid cue: nested deeper than 64"),
            "{error}"
        );
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            ("a: 1\na: 2\n", 2),
            ("a: {\n b: 1\n", 3),
            ("a: 1\nb: a\n", 2),
            ("a: 1\nb: string\n", 2),
            ("a: \"x\n", 1),
            ("\n\na: 1 + 2\n", 3),
        ];
        for (text, line) in cases {
            let error = parse("a.cue", text).unwrap_err().to_string();
            assert!(
                error.starts_with(&format!("a.cue:{line}: invalid cue")),
                "{error}"
            );
        }
    }
}
