//! HCL2 inputs (`.tf`, `.tfvars`, `.hcl`) shaped like conftest's hcl2json output: attributes are
//! values, each block is appended to an array under its type and labels, and expressions that are
//! not literals become `${…}` strings.

use serde_json::{Map, Value};

use super::{Document, single};
use crate::ParseError;

/// Parses an HCL2 body.
pub(super) fn parse(path: &str, text: &str) -> Result<Document, ParseError> {
    let body = hcl::parse(text).map_err(|error| {
        let line = match &error {
            hcl::Error::Parse(parse) => u32::try_from(parse.location().line()).unwrap_or(1),
            _ => 1,
        };
        // The HCL parser stops past 64 levels by itself: the same refusal as every other format's.
        if let hcl::Error::Parse(parse) = &error
            && parse.message().contains("nesting depth")
        {
            return ParseError::TooDeep {
                path: path.to_owned(),
                line: Some(line),
                limit: super::MAX_DEPTH,
            };
        }
        ParseError::Syntax {
            path: path.to_owned(),
            format: "hcl2",
            line,
            message: error
                .to_string()
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned(),
        }
    })?;
    single(path, &Value::Object(convert_body(body)))
}

fn convert_body(body: hcl::Body) -> Map<String, Value> {
    let mut object = Map::new();
    for structure in body {
        match structure {
            hcl::Structure::Attribute(attribute) => {
                let value = hcl::Value::from(attribute.expr);
                object.insert(
                    attribute.key.into_inner(),
                    serde_json::to_value(value).unwrap_or(Value::Null),
                );
            }
            hcl::Structure::Block(block) => {
                let mut slot = object
                    .entry(block.identifier.into_inner())
                    .or_insert_with(|| Value::Object(Map::new()));
                for label in block.labels {
                    if !slot.is_object() {
                        *slot = Value::Object(Map::new());
                    }
                    let Value::Object(map) = slot else { break };
                    slot = map
                        .entry(label.into_inner())
                        .or_insert_with(|| Value::Object(Map::new()));
                }
                let body = Value::Object(convert_body(block.body));
                match slot {
                    Value::Array(items) => items.push(body),
                    other if other.as_object().is_some_and(Map::is_empty) => {
                        *other = Value::Array(vec![body]);
                    }
                    other => *other = Value::Array(vec![other.take(), body]),
                }
            }
        }
    }
    object
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn blocks_nest_under_their_labels() {
        let text = "resource \"aws_s3_bucket\" \"b\" {\n  acl = \"private\"\n  tags = { a = 1 }\n  \
                    name = var.name\n}\nterraform {\n  required_version = \">= 1.0\"\n}\n";
        let document = parse("main.tf", text).unwrap();
        assert_eq!(
            document.json(),
            json!({
                "resource": {"aws_s3_bucket": {"b": [{"acl": "private", "tags": {"a": 1}, "name": "${var.name}"}]}},
                "terraform": [{"required_version": ">= 1.0"}]
            })
        );
    }

    #[test]
    fn errors_name_the_line() {
        let error = parse("main.tf", "a = 1\nb = {\n").unwrap_err();
        assert!(error.to_string().starts_with("main.tf:"), "{error}");
    }
}
