//! Dockerfile inputs, shaped like conftest's: one document that is the list of instructions, each
//! `{"Cmd", "Flags", "JSON", "Original", "Stage", "SubCmd", "Value"}`.

use serde_json::{Value, json};

use super::{Document, single};
use crate::ParseError;

/// Parses a Dockerfile: continuation lines joined, comments and parser directives skipped.
pub(super) fn parse(path: &str, text: &str) -> Result<Document, ParseError> {
    let mut instructions = Vec::new();
    let mut stage: i64 = -1;
    let mut pending = String::new();
    let mut start_line = 0;
    for (number, raw) in text.lines().enumerate() {
        let trimmed = raw.trim();
        if pending.is_empty() && (trimmed.is_empty() || trimmed.starts_with('#')) {
            continue;
        }
        if !pending.is_empty() && trimmed.starts_with('#') {
            continue;
        }
        if pending.is_empty() {
            start_line = number + 1;
        }
        if let Some(body) = trimmed.strip_suffix('\\') {
            pending.push_str(body);
            pending.push(' ');
            continue;
        }
        pending.push_str(trimmed);
        let line = std::mem::take(&mut pending);
        instructions.push(instruction(path, &line, start_line, &mut stage)?);
    }
    if !pending.is_empty() {
        instructions.push(instruction(path, &pending, start_line, &mut stage)?);
    }
    // conftest wraps the instruction list so that the top-level split leaves one document.
    single(path, &Value::Array(vec![Value::Array(instructions)]))
}

fn instruction(
    path: &str,
    line: &str,
    number: usize,
    stage: &mut i64,
) -> Result<Value, ParseError> {
    let (command, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    if command.is_empty() || !command.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(ParseError::Syntax {
            path: path.to_owned(),
            format: "dockerfile",
            line: u32::try_from(number).unwrap_or(u32::MAX),
            message: format!("unknown instruction {command:?}"),
        });
    }
    let cmd = command.to_ascii_lowercase();
    if cmd == "from" {
        *stage += 1;
    }
    let mut rest = rest.trim();
    let mut flags = Vec::new();
    while let Some(flag) = rest.strip_prefix("--") {
        let (flag, tail) = flag.split_once(char::is_whitespace).unwrap_or((flag, ""));
        flags.push(Value::String(format!("--{flag}")));
        rest = tail.trim_start();
    }
    let (sub_cmd, rest) = if cmd == "onbuild" {
        let (sub, tail) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        (sub.to_ascii_lowercase(), tail.trim())
    } else {
        (String::new(), rest)
    };
    let json_form = serde_json::from_str::<Vec<String>>(rest).ok();
    let is_json = json_form.is_some();
    let values: Vec<Value> = match json_form {
        Some(items) => items.into_iter().map(Value::String).collect(),
        None => split_values(&cmd, rest),
    };
    Ok(json!({
        "Cmd": cmd,
        "Flags": flags,
        "JSON": is_json,
        "Original": line,
        "Stage": (*stage).max(0),
        "SubCmd": sub_cmd,
        "Value": values,
    }))
}

/// Arguments the way buildkit's parser splits them for each instruction family.
fn split_values(cmd: &str, rest: &str) -> Vec<Value> {
    match cmd {
        // Shell-form commands keep the whole command line as one value.
        "run" | "cmd" | "entrypoint" | "shell" | "healthcheck" | "maintainer" | "workdir"
        | "stopsignal" | "user" => vec![Value::String(rest.to_owned())],
        "env" | "label" => {
            let mut values = Vec::new();
            if rest.contains('=') {
                for pair in rest.split_whitespace() {
                    let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                    values.push(Value::String(key.to_owned()));
                    values.push(Value::String(value.trim_matches('"').to_owned()));
                }
            } else {
                let (key, value) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                values.push(Value::String(key.to_owned()));
                values.push(Value::String(value.trim().to_owned()));
            }
            values
        }
        _ => rest
            .split_whitespace()
            .map(|word| Value::String(word.to_owned()))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instructions_in_order() {
        let text = "# syntax\nFROM openjdk:8u212 AS build\nRUN apt-get update && \\\n  apt-get install x\n\
                    COPY --from=build /a /b\nCMD [\"java\", \"-jar\"]\n";
        let document = parse("Dockerfile", text).unwrap();
        let json = document.json();
        let commands = &json[0];
        assert_eq!(commands[0]["Cmd"], "from");
        assert_eq!(
            commands[0]["Value"],
            json!(["openjdk:8u212", "AS", "build"])
        );
        assert_eq!(
            commands[1]["Value"],
            json!(["apt-get update &&  apt-get install x"])
        );
        assert_eq!(commands[2]["Flags"], json!(["--from=build"]));
        assert_eq!(commands[3]["JSON"], true);
        assert!(parse("Dockerfile", "FROM x\n!!! y\n").is_err());
        let args = parse("Dockerfile", "ARG A=1 B\nENV K=v L=\"w\"\n").unwrap();
        assert_eq!(args.json()[0][0]["Value"], json!(["A=1", "B"]));
        assert_eq!(args.json()[0][1]["Value"], json!(["K", "v", "L", "w"]));
    }
}
