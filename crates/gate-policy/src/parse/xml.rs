//! XML inputs, shaped like conftest's (goxml2json): `{"root": {…}}`, attributes as `-name`,
//! text as the element's string or, beside attributes or children, as `#content`; repeated
//! children become arrays; every value is a string. Nesting depth is bounded by [`MAX_DEPTH`].

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use serde_json::{Map, Value};

use super::{Document, MAX_DEPTH, single};
use crate::ParseError;

struct Element {
    name: String,
    fields: Map<String, Value>,
    text: String,
}

/// Parses an XML document.
pub(super) fn parse(path: &str, text: &str) -> Result<Document, ParseError> {
    let mut reader = Reader::from_str(text);
    let error = |message: String, offset: u64| ParseError::Syntax {
        path: path.to_owned(),
        format: "xml",
        line: line_of(text, offset),
        message,
    };
    let mut stack: Vec<Element> = Vec::new();
    let mut root = Map::new();
    loop {
        let offset = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| error(e.to_string(), reader.error_position()))?;
        match event {
            Event::Start(start) => {
                // Each element is an object at least: past MAX_DEPTH elements the document is too
                // deep whatever it holds, refused before it is built.
                if stack.len() >= MAX_DEPTH {
                    return Err(ParseError::TooDeep {
                        path: path.to_owned(),
                        line: Some(line_of(text, offset)),
                        limit: MAX_DEPTH,
                    });
                }
                stack.push(open(&start).map_err(|message| error(message, offset))?);
            }
            Event::Empty(start) => {
                let element = open(&start).map_err(|message| error(message, offset))?;
                close(element, &mut stack, &mut root);
            }
            Event::End(_) => {
                let element = stack
                    .pop()
                    .ok_or_else(|| error("unexpected end tag".to_owned(), offset))?;
                close(element, &mut stack, &mut root);
            }
            Event::Text(content) => {
                if let Some(element) = stack.last_mut() {
                    element.text.push_str(&content.xml10_content());
                }
            }
            Event::CData(content) => {
                if let Some(element) = stack.last_mut() {
                    element.text.push_str(&content.xml10_content());
                }
            }
            Event::GeneralRef(reference) => {
                let resolved = if let Ok(Some(c)) = reference.resolve_char_ref() {
                    c.to_string()
                } else {
                    let name = reference.xml10_content();
                    quick_xml::escape::resolve_xml_entity(&name)
                        .map(str::to_owned)
                        .ok_or_else(|| error(format!("unknown entity &{name};"), offset))?
                };
                if let Some(element) = stack.last_mut() {
                    element.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if let Some(element) = stack.last() {
        return Err(error(
            format!("element <{}> is not closed", element.name),
            reader.buffer_position(),
        ));
    }
    single(path, &Value::Object(root))
}

fn open(start: &BytesStart<'_>) -> Result<Element, String> {
    let name = start.name().as_ref().to_owned();
    let mut fields = Map::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| e.to_string())?;
        let key = attribute.key.as_ref().to_owned();
        let value = attribute
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| e.to_string())?;
        fields.insert(format!("-{key}"), Value::String(value.into_owned()));
    }
    Ok(Element {
        name,
        fields,
        text: String::new(),
    })
}

fn close(element: Element, stack: &mut [Element], root: &mut Map<String, Value>) {
    let Element {
        name,
        mut fields,
        text,
    } = element;
    // Text arrives in pieces around entity references; trim the whole, as goxml2json does.
    let text = text.trim().to_owned();
    let value = if fields.is_empty() {
        Value::String(text)
    } else {
        if !text.is_empty() {
            fields.insert("#content".to_owned(), Value::String(text));
        }
        Value::Object(fields)
    };
    let target = match stack.last_mut() {
        Some(parent) => &mut parent.fields,
        None => root,
    };
    match target.get_mut(&name) {
        Some(Value::Array(items)) => items.push(value),
        Some(existing) => {
            let first = existing.take();
            *existing = Value::Array(vec![first, value]);
        }
        None => {
            target.insert(name, value);
        }
    }
}

fn line_of(text: &str, offset: u64) -> u32 {
    let offset = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    u32::try_from(before.matches('\n').count() + 1).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn elements_attributes_and_repeats() {
        let text = "<?xml version=\"1.0\"?>\n<project>\n  <plugin id=\"a\">maven &amp; co</plugin>\n  \
                    <plugin id=\"b\"/>\n  <version>3.6.1</version>\n</project>\n";
        let document = parse("pom.xml", text).unwrap();
        assert_eq!(
            document.json(),
            json!({"project": {
                "plugin": [{"-id": "a", "#content": "maven & co"}, {"-id": "b"}],
                "version": "3.6.1"
            }})
        );
    }

    #[test]
    fn errors_name_the_line_and_depth_is_bounded() {
        let error = parse("a.xml", "<a>\n<b>\n</a>\n").unwrap_err();
        assert!(error.to_string().starts_with("a.xml:"), "{error}");
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        assert!(parse("deep.xml", &deep).is_err());
    }
}
