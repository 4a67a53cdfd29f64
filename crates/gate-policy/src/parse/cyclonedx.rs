//! CycloneDX SBOMs, like conftest's: a JSON BOM is passed through as it is (conftest only checks
//! that it decodes); an XML BOM is turned into the JSON BOM's shape — attributes and child
//! elements as fields, list wrappers (`<components><component/>…`) as arrays, `version` as a
//! number. conftest gets that shape from cyclonedx-go's structs; gate rebuilds it from the XML,
//! so fields outside the structs' schema (vendor extensions) may differ: approximate for XML.

use serde_json::{Map, Value};

use super::{Document, json, single, xml};
use crate::ParseError;

/// Parses a CycloneDX BOM, JSON when the text is JSON, else XML.
pub(super) fn parse(path: &str, text: &str) -> Result<Document, ParseError> {
    if text.trim_start().starts_with(['{', '[']) {
        let document = json::parse(path, text).map_err(rename)?;
        let value = document.json();
        if !value.is_object() {
            return Err(invalid(
                path,
                1,
                "a CycloneDX BOM is a JSON object".to_owned(),
            ));
        }
        return Ok(document);
    }
    let value = xml::parse(path, text).map_err(rename)?.json();
    let Some(Value::Object(bom)) = value.get("bom") else {
        return Err(invalid(path, 1, "expected a <bom> root element".to_owned()));
    };
    let mut out = Map::new();
    out.insert("bomFormat".to_owned(), Value::from("CycloneDX"));
    if let Some(Value::String(namespace)) = bom.get("-xmlns")
        && let Some(version) = namespace.strip_prefix("http://cyclonedx.org/schema/bom/")
    {
        out.insert("specVersion".to_owned(), Value::from(version));
    }
    if let Value::Object(rest) = convert(Value::Object(bom.clone()), "bom") {
        out.extend(rest);
    }
    single(path, &Value::Object(out))
}

/// List wrappers of the CycloneDX XML schema, each with the name of its items.
const LISTS: &[(&str, &str)] = &[
    ("components", "component"),
    ("services", "service"),
    ("tools", "tool"),
    ("hashes", "hash"),
    ("licenses", "license"),
    ("externalReferences", "reference"),
    ("dependencies", "dependency"),
    ("properties", "property"),
    ("authors", "author"),
    ("vulnerabilities", "vulnerability"),
    ("compositions", "composition"),
    ("lifecycles", "lifecycle"),
];

fn convert(value: Value, name: &str) -> Value {
    match value {
        Value::Object(fields) => {
            if let Some((_, item)) = LISTS.iter().find(|(list, _)| *list == name) {
                let items = match fields.get(*item) {
                    Some(Value::Array(items)) => items.clone(),
                    Some(single) => vec![single.clone()],
                    None => Vec::new(),
                };
                return Value::Array(items.into_iter().map(|v| convert(v, item)).collect());
            }
            let mut out = Map::new();
            for (key, value) in fields {
                if key.starts_with("-xmlns") || key.starts_with("-xsi") {
                    continue;
                }
                let key = key.strip_prefix('-').unwrap_or(&key).to_owned();
                let key = if key == "#content" {
                    "value".to_owned()
                } else {
                    key
                };
                let value = if name == "bom" && key == "version" {
                    value
                        .as_str()
                        .and_then(|v| v.parse::<i64>().ok())
                        .map_or(value.clone(), Value::from)
                } else {
                    convert(value, &key)
                };
                out.insert(key, value);
            }
            Value::Object(out)
        }
        Value::String(text) if LISTS.iter().any(|(list, _)| *list == name) && text.is_empty() => {
            Value::Array(Vec::new())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(|v| convert(v, name)).collect()),
        other => other,
    }
}

fn rename(error: ParseError) -> ParseError {
    match error {
        ParseError::Syntax {
            path,
            line,
            message,
            ..
        } => ParseError::Syntax {
            path,
            format: "cyclonedx",
            line,
            message,
        },
        other => other,
    }
}

fn invalid(path: &str, line: u32, message: String) -> ParseError {
    ParseError::Syntax {
        path: path.to_owned(),
        format: "cyclonedx",
        line,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// An XML BOM takes the JSON BOM's shape (conftest's example BOM, in both forms).
    #[test]
    fn xml_in_the_json_shape() {
        let text = "<?xml version=\"1.0\"?>\n<bom xmlns=\"http://cyclonedx.org/schema/bom/1.3\" \
                    serialNumber=\"urn:uuid:1\" version=\"1\">\n<metadata><tools><tool>\
                    <vendor>anchore</vendor><name>syft</name><hashes /></tool></tools>\
                    <component type=\"container\"><name>busybox</name><version>sha256:d7</version>\
                    </component></metadata>\n<components />\n</bom>";
        assert_eq!(
            parse("a.xml", text).unwrap().json(),
            json!({
                "bomFormat": "CycloneDX",
                "specVersion": "1.3",
                "serialNumber": "urn:uuid:1",
                "version": 1,
                "metadata": {
                    "tools": [{"vendor": "anchore", "name": "syft", "hashes": []}],
                    "component": {"type": "container", "name": "busybox", "version": "sha256:d7"},
                },
                "components": [],
            })
        );
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            ("{\n\"bomFormat\": }", 2),
            ("<bom>\n<metadata>\n</bom>", 3),
            ("[1]", 1),
            ("<x/>", 1),
        ];
        for (text, line) in cases {
            let error = parse("a.cdx", text).unwrap_err().to_string();
            assert!(
                error.starts_with(&format!("a.cdx:{line}: invalid cyclonedx")),
                "{error}"
            );
        }
    }
}
