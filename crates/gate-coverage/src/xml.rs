//! The streaming XML layer shared by the Cobertura and `JaCoCo` readers: depth limits, line
//! numbers, and errors that name the file.

use std::borrow::Cow;
use std::io::Read;

use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::read::Input;
use crate::{CoverageError, Limits};

/// What the readers need from the event stream.
pub(crate) enum Node<'b> {
    /// An element opens; `depth` is its own depth (the root is 1). `empty` for `<x/>`.
    Open {
        element: BytesStart<'b>,
        depth: usize,
        empty: bool,
    },
    /// The element at `depth` closes.
    Close { depth: usize },
    /// Character data (entities resolved).
    Text(Cow<'b, str>),
    /// Markup the readers ignore (comments, declarations).
    Skip,
    /// End of input with every element closed.
    End,
}

pub(crate) struct Xml<'n, R> {
    reader: Reader<Input<R>>,
    open: Vec<String>,
    max_depth: usize,
    pub(crate) file: &'n str,
}

impl<'n, R: Read> Xml<'n, R> {
    pub(crate) fn new(mut input: Input<R>, file: &'n str, limits: Limits) -> Xml<'n, R> {
        input.limit_events(limits.max_event_bytes);
        let mut reader = Reader::from_reader(input);
        reader.config_mut().check_end_names = true;
        // Whitespace between elements is half of all events in a pretty-printed report.
        reader.config_mut().trim_text(true);
        Xml {
            reader,
            open: Vec::new(),
            max_depth: limits.max_depth,
            file,
        }
    }

    /// The line of the input read so far (the end of the current element). Costs a scan of the
    /// buffer: for errors only.
    pub(crate) fn line(&self) -> u64 {
        self.reader.get_ref().line()
    }

    /// The next event; elements borrow `buffer` (owned by the caller, so `self` stays free for
    /// error reporting while an element is inspected).
    pub(crate) fn next<'b>(&mut self, buffer: &'b mut Vec<u8>) -> Result<Node<'b>, CoverageError> {
        buffer.clear();
        self.reader.get_mut().start_event();
        let event = match self.reader.read_event_into(buffer) {
            Ok(event) => event,
            Err(_) if self.reader.get_ref().event_exceeded => {
                return Err(self.event_too_large());
            }
            Err(source) => return Err(self.read_error(source)),
        };
        match event {
            Event::Start(element) => {
                if self.open.len() >= self.max_depth {
                    return Err(self.too_deep());
                }
                self.open.push(element.name().as_ref().to_owned());
                let depth = self.open.len();
                Ok(Node::Open {
                    element,
                    depth,
                    empty: false,
                })
            }
            Event::Empty(element) => {
                let depth = self.open.len() + 1;
                if depth > self.max_depth {
                    return Err(self.too_deep());
                }
                Ok(Node::Open {
                    element,
                    depth,
                    empty: true,
                })
            }
            Event::End(_) => {
                let depth = self.open.len();
                self.open.pop();
                Ok(Node::Close { depth })
            }
            Event::Text(text) => Ok(Node::Text(text.xml_content(XmlVersion::Implicit1_0))),
            Event::CData(data) => Ok(Node::Text(Cow::Owned(
                AsRef::<str>::as_ref(&data).to_owned(),
            ))),
            Event::GeneralRef(reference) => {
                let name = reference.xml_content(XmlVersion::Implicit1_0);
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    _ => quick_xml::escape::resolve_predefined_entity(&name).map(str::to_owned),
                };
                resolved
                    .map(|text| Node::Text(Cow::Owned(text)))
                    .ok_or_else(|| self.invalid("XML entity reference", &name))
            }
            Event::Eof => match self.open.last() {
                Some(open) => Err(CoverageError::Truncated {
                    file: self.file.to_owned(),
                    line: self.line(),
                    element: open.clone(),
                }),
                None => Ok(Node::End),
            },
            // quick-xml never expands a declared entity (an unknown `&name;` is an error below),
            // but a document that declares any is hostile or broken: say so by name.
            Event::DocType(doctype) => match doctype.find("<!ENTITY") {
                Some(at) => {
                    // The reader stands after the DOCTYPE: count back to the declaration's line.
                    let after = doctype[at..].bytes().filter(|&b| b == b'\n').count() as u64;
                    Err(CoverageError::EntityDeclaration {
                        file: self.file.to_owned(),
                        line: self.line().saturating_sub(after).max(1),
                    })
                }
                None => Ok(Node::Skip),
            },
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => Ok(Node::Skip),
        }
    }

    fn read_error(&self, source: quick_xml::Error) -> CoverageError {
        let input = self.reader.get_ref();
        if let quick_xml::Error::Io(io) = &source {
            return input.io_error(self.file, std::io::Error::new(io.kind(), io.to_string()));
        }
        CoverageError::Xml {
            file: self.file.to_owned(),
            line: input.line(),
            source,
        }
    }

    /// The error for an event past the bound, at the line where reading stopped (the event's
    /// own bytes are in the caller's buffer, still borrowed by the event type).
    fn event_too_large(&self) -> CoverageError {
        let input = self.reader.get_ref();
        CoverageError::EventTooLarge {
            file: self.file.to_owned(),
            line: input.line(),
            limit: input.event_limit(),
        }
    }

    fn too_deep(&self) -> CoverageError {
        CoverageError::TooDeep {
            file: self.file.to_owned(),
            line: self.line(),
            limit: self.max_depth,
        }
    }

    pub(crate) fn missing(&self, element: &'static str, attribute: &'static str) -> CoverageError {
        CoverageError::MissingAttribute {
            file: self.file.to_owned(),
            line: self.line(),
            element,
            attribute,
        }
    }

    pub(crate) fn invalid(&self, what: &'static str, value: &str) -> CoverageError {
        CoverageError::InvalidValue {
            file: self.file.to_owned(),
            line: self.line(),
            what,
            value: crate::error::excerpt(value),
        }
    }

    pub(crate) fn attribute_error(&self, source: impl Into<quick_xml::Error>) -> CoverageError {
        CoverageError::Xml {
            file: self.file.to_owned(),
            line: self.line(),
            source: source.into(),
        }
    }

    /// An attribute's value with entities resolved.
    pub(crate) fn value<'a>(
        &self,
        attribute: &Attribute<'a>,
    ) -> Result<Cow<'a, str>, CoverageError> {
        attribute
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|source| self.attribute_error(source))
    }

    /// A non-negative integer attribute; hit counts saturate rather than fail.
    pub(crate) fn count(&self, what: &'static str, text: &str) -> Result<u64, CoverageError> {
        if let Ok(count) = text.parse() {
            return Ok(count);
        }
        let digits = text.trim();
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(digits.parse().unwrap_or(u64::MAX));
        }
        // Some producers write hit counts as floats ("1.0") or in exponent form.
        match digits.parse::<f64>() {
            Ok(value) if value >= 0.0 && value.is_finite() =>
            {
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                Ok(value as u64)
            }
            _ => Err(self.invalid(what, text)),
        }
    }

    /// A 1-based line number.
    pub(crate) fn line_number(&self, text: &str) -> Result<u32, CoverageError> {
        let parsed = text.parse::<u32>().or_else(|_| text.trim().parse::<u32>());
        match parsed {
            Ok(line) if line > 0 => Ok(line),
            _ => Err(self.invalid("line number", text)),
        }
    }
}

pub(crate) fn saturate(count: u64) -> u32 {
    u32::try_from(count).unwrap_or(u32::MAX)
}
