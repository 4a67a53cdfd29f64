//! A JavaScript configuration file read as data: the plain object literal after
//! `module.exports =` or `export default`, turned into JSON. Anything that needs JavaScript to
//! run (a variable, a function call, `require`, a spread, a regular expression, a template with
//! `${…}`) is refused, so a config is never half read.

use std::fmt::Write as _;

/// The object literal of a `module.exports = {…}` / `export default {…}` file as JSON text, or
/// why it is not plain data.
pub(crate) fn object_literal_to_json(source: &str) -> Result<String, String> {
    let start = ["module.exports", "export default"]
        .iter()
        .find_map(|marker| source.find(marker).map(|at| (marker, at)))
        .ok_or("it has no `module.exports =` or `export default`")?;
    let mut rest = &source[start.1 + start.0.len()..];
    if *start.0 == "module.exports" {
        rest = rest
            .trim_start()
            .strip_prefix('=')
            .ok_or("`module.exports` is not assigned an object")?;
    }
    let mut reader = Reader {
        chars: rest.chars().collect(),
        at: 0,
        out: String::new(),
    };
    reader.skip_blank();
    if reader.peek() != Some('{') {
        return Err("what it exports is not an object literal `{ … }`".to_owned());
    }
    reader.value(0)?;
    reader.skip_blank();
    if reader.peek() == Some(';') {
        reader.at += 1;
    }
    reader.skip_blank();
    if reader.at < reader.chars.len() {
        return Err("code follows the exported object".to_owned());
    }
    Ok(reader.out)
}

struct Reader {
    chars: Vec<char>,
    at: usize,
    out: String,
}

/// Nesting deeper than this is not a configuration file.
const MAX_DEPTH: usize = 64;

impl Reader {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    /// Skips whitespace and `//` / `/* */` comments.
    fn skip_blank(&mut self) {
        loop {
            match (self.peek(), self.chars.get(self.at + 1).copied()) {
                (Some(c), _) if c.is_whitespace() => self.at += 1,
                (Some('/'), Some('/')) => {
                    while self.peek().is_some_and(|c| c != '\n') {
                        self.at += 1;
                    }
                }
                (Some('/'), Some('*')) => {
                    self.at += 2;
                    while self.at < self.chars.len()
                        && !(self.peek() == Some('*') && self.chars.get(self.at + 1) == Some(&'/'))
                    {
                        self.at += 1;
                    }
                    self.at = (self.at + 2).min(self.chars.len());
                }
                _ => return,
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err("it nests too deeply".to_owned());
        }
        self.skip_blank();
        match self.peek() {
            Some('{') => self.sequence('{', '}', depth, true),
            Some('[') => self.sequence('[', ']', depth, false),
            Some(quote @ ('"' | '\'' | '`')) => {
                let text = self.string(quote)?;
                self.push_string(&text);
                Ok(())
            }
            Some(c) if c == '-' || c.is_ascii_digit() => {
                let mut number = String::new();
                while let Some(c) = self
                    .peek()
                    .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '+'))
                {
                    number.push(c);
                    self.at += 1;
                }
                // Only what JSON spells the same way (no hex, no `1_000`, no trailing dot).
                if serde_json::from_str::<serde_json::Number>(&number).is_err() {
                    return Err(format!("`{number}` is not a plain number"));
                }
                self.out.push_str(&number);
                Ok(())
            }
            Some(c) if is_identifier_start(c) => {
                let word = self.identifier();
                match word.as_str() {
                    "true" | "false" | "null" => {
                        self.out.push_str(&word);
                        Ok(())
                    }
                    _ => Err(format!("`{word}` is code, not a value")),
                }
            }
            Some('.') => Err("a spread (`...`) is code, not a value".to_owned()),
            Some('/') => Err("a regular expression is code, not a value".to_owned()),
            Some(c) => Err(format!("`{c}` starts no value")),
            None => Err("the file ends inside the object".to_owned()),
        }
    }

    /// An object (`keyed`) or array; trailing commas are dropped.
    fn sequence(
        &mut self,
        open: char,
        close: char,
        depth: usize,
        keyed: bool,
    ) -> Result<(), String> {
        self.at += 1;
        self.out.push(open);
        let mut first = true;
        loop {
            self.skip_blank();
            if self.peek() == Some(close) {
                self.at += 1;
                self.out.push(close);
                return Ok(());
            }
            if !first {
                self.out.push(',');
            }
            first = false;
            if keyed {
                self.key()?;
                self.skip_blank();
                if self.peek() != Some(':') {
                    return Err(
                        "an object key without `:` (a shorthand or method is code)".to_owned()
                    );
                }
                self.at += 1;
                self.out.push(':');
            }
            self.value(depth + 1)?;
            self.skip_blank();
            match self.peek() {
                Some(',') => self.at += 1,
                Some(c) if c == close => {}
                Some(c) => return Err(format!("`{c}` where `,` or `{close}` was expected")),
                None => return Err("the file ends inside the object".to_owned()),
            }
        }
    }

    fn key(&mut self) -> Result<(), String> {
        match self.peek() {
            Some(quote @ ('"' | '\'')) => {
                let text = self.string(quote)?;
                self.push_string(&text);
                Ok(())
            }
            Some(c) if is_identifier_start(c) => {
                let word = self.identifier();
                self.push_string(&word);
                Ok(())
            }
            Some('[') => Err("a computed key is code, not a value".to_owned()),
            Some('.') => Err("a spread (`...`) is code, not a value".to_owned()),
            _ => Err("an object key was expected".to_owned()),
        }
    }

    fn identifier(&mut self) -> String {
        let mut word = String::new();
        while let Some(c) = self
            .peek()
            .filter(|c| is_identifier_start(*c) || c.is_ascii_digit())
        {
            word.push(c);
            self.at += 1;
        }
        word
    }

    /// A quoted string's text, escapes resolved; a template literal with `${` is refused.
    fn string(&mut self, quote: char) -> Result<String, String> {
        self.at += 1;
        let mut text = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err("a string is not closed".to_owned());
            };
            self.at += 1;
            match c {
                _ if c == quote => return Ok(text),
                '\\' => {
                    let Some(escaped) = self.peek() else {
                        return Err("a string is not closed".to_owned());
                    };
                    self.at += 1;
                    text.push(match escaped {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        other => other,
                    });
                }
                '$' if quote == '`' && self.peek() == Some('{') => {
                    return Err("a template literal with `${…}` is code, not a value".to_owned());
                }
                '\n' if quote != '`' => return Err("a string is not closed".to_owned()),
                _ => text.push(c),
            }
        }
    }

    fn push_string(&mut self, text: &str) {
        let _ = write!(self.out, "{}", serde_json::Value::String(text.to_owned()));
    }
}

fn is_identifier_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == '$'
}

#[cfg(test)]
mod tests {
    use super::object_literal_to_json;

    #[test]
    fn plain_objects_become_json() {
        let source = "// commitlint\nmodule.exports = {\n  extends: ['@commitlint/config-conventional'],\n  rules: { 'header-max-length': [2, \"always\", 72], }, /* done */\n};\n";
        assert_eq!(
            object_literal_to_json(source).unwrap(),
            r#"{"extends":["@commitlint/config-conventional"],"rules":{"header-max-length":[2,"always",72]}}"#
        );
        assert_eq!(
            object_literal_to_json("export default { a: `x`, b: -1.5, c: null };").unwrap(),
            r#"{"a":"x","b":-1.5,"c":null}"#
        );
    }

    proptest::proptest! {
        /// Any text is read or refused, never a panic; what is read is JSON.
        #[test]
        fn any_text_is_read_or_refused(body in ".{0,200}") {
            for source in [format!("module.exports = {body}"), format!("export default {{{body}")] {
                if let Ok(json) = object_literal_to_json(&source) {
                    proptest::prop_assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok(), "{json}");
                }
            }
        }
    }

    #[test]
    fn code_is_refused() {
        for source in [
            "const c = {}; export default c;",
            "module.exports = { rules: require('./rules') };",
            "module.exports = { ...base };",
            "module.exports = { a: `${x}` };",
            "module.exports = { a: /x/ };",
            "module.exports = { a: 1 }; console.log(1);",
            "module.exports = { a: 1",
            "module.exports = { a: 0x10 };",
            "nothing exported",
        ] {
            assert!(object_literal_to_json(source).is_err(), "{source}");
        }
    }
}
