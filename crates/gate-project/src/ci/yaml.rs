//! Writing YAML scalars safely: the generated files are written as text (so they can carry
//! comments), and every value that comes from gate.toml goes through one of these.

/// A single-line value: plain when YAML would read it back as the same string, else
/// double-quoted (JSON's string syntax is valid YAML).
pub fn scalar(text: &str) -> String {
    let first_is_plain = text
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b"./$_".contains(&b));
    let plain = first_is_plain
        && !text.ends_with([' ', ':'])
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.chars().any(char::is_control)
        && !is_yaml11_keyword(text);
    if plain {
        text.to_owned()
    } else {
        serde_json::Value::from(text).to_string()
    }
}

/// A literal block (`|`) holding `text`, its lines indented by `indent` spaces; the result
/// goes right after `key: `.
pub fn block(text: &str, indent: usize) -> String {
    let mut out = String::from("|");
    for line in text.lines() {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&" ".repeat(indent));
            out.push_str(line);
        }
    }
    out
}

/// Words YAML 1.1 readers (GitHub's among them) turn into booleans or null.
fn is_yaml11_keyword(text: &str) -> bool {
    matches!(
        text.to_ascii_lowercase().as_str(),
        "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_what_yaml_would_read_as_something_else() {
        assert_eq!(scalar("main"), "main");
        assert_eq!(scalar("release/1.x"), "release/1.x");
        assert_eq!(scalar("on"), "\"on\"");
        assert_eq!(scalar("1.0"), "\"1.0\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(
            scalar("gate check --only policy"),
            "gate check --only policy"
        );
        assert_eq!(scalar("echo 'x' # y"), "\"echo 'x' # y\"");
        assert_eq!(scalar("- item"), "\"- item\"");
        assert_eq!(scalar("say \"hi\""), "say \"hi\"");
        assert_eq!(scalar("'quoted'"), "\"'quoted'\"");
        assert_eq!(scalar(""), "\"\"");
    }

    #[test]
    fn blocks_indent_every_non_empty_line() {
        assert_eq!(block("a\n\nb", 4), "|\n    a\n\n    b");
    }
}
