//! YAML inputs, built from yaml-rust2's event stream so that scalar resolution follows go-yaml v2
//! (YAML 1.1, what conftest uses): `on`/`yes`/`y` are booleans, `0755` is octal, unknown tags
//! such as `CloudFormation`'s `!Ref` are tolerated, and alias expansion is bounded.
//!
//! Documents are built as `regorus::Value` directly, the form policies evaluate, so evaluation
//! converts nothing; scalars still resolve to JSON first, where go-yaml's rules are simplest to
//! state.

use std::collections::{BTreeMap, HashMap};

use regorus::Value as Node;
use serde_json::{Number, Value};
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::{Document, MAX_DEPTH};
use crate::ParseError;

/// The most nodes alias expansion may add to one file before parsing fails.
pub const ALIAS_NODE_LIMIT: usize = 1_000_000;

/// A container being filled while events stream in.
enum Frame {
    Sequence {
        items: Vec<Node>,
        anchor: usize,
    },
    Mapping {
        entries: BTreeMap<Node, Node>,
        /// The pending key, already a string node (the merge marker for `<<`).
        key: Option<Node>,
        /// Values of `<<` merge keys, applied when the mapping ends (explicit keys win).
        merges: Vec<Node>,
        anchor: usize,
    },
}

/// An anchored node, its node count (for the alias budget) and its depth (for [`MAX_DEPTH`]).
struct Anchored {
    node: Node,
    size: usize,
    depth: usize,
}

struct Builder<'a> {
    path: &'a str,
    stack: Vec<Frame>,
    /// Anchored nodes with their node counts and depths; an alias shares the node (values are
    /// immutable).
    anchors: HashMap<usize, Anchored>,
    expanded: usize,
    documents: Vec<Document>,
    document_line: Option<u32>,
    /// Start lines of the elements of a top-level sequence, as they complete.
    item_lines: Vec<u32>,
    /// Start line of the top-level sequence element being built.
    item_start: Option<u32>,
}

/// Parses a YAML stream into its documents. Empty documents are dropped, except that an empty
/// stream yields one `null` document (as conftest evaluates it).
pub(super) fn parse(path: &str, text: &str) -> Result<Vec<Document>, ParseError> {
    let mut parser = Parser::new_from_str(text);
    let mut builder = Builder {
        path,
        stack: Vec::new(),
        anchors: HashMap::new(),
        expanded: 0,
        documents: Vec::new(),
        document_line: None,
        item_lines: Vec::new(),
        item_start: None,
    };
    loop {
        let (event, marker) = parser.next_token().map_err(|error| {
            // The scanner stops deep flow collections (`[[[…`) before the builder sees them.
            if error.info() == "recursion limit exceeded" {
                return too_deep(path, error.marker());
            }
            ParseError::Syntax {
                path: path.to_owned(),
                format: "yaml",
                line: line(error.marker()),
                message: error.info().to_owned(),
            }
        })?;
        match event {
            Event::StreamEnd => break,
            Event::StreamStart | Event::Nothing | Event::DocumentEnd => {}
            Event::DocumentStart => builder.document_line = None,
            Event::Alias(id) => builder.alias(id, &marker)?,
            Event::Scalar(text, style, anchor, tag) => {
                builder.note_start(&marker);
                let is_merge_key = style == TScalarStyle::Plain && text == "<<";
                let value = scalar_node(resolve(text, style, tag.as_ref()));
                if anchor > 0 {
                    builder.anchors.insert(
                        anchor,
                        Anchored {
                            node: value.clone(),
                            size: 1,
                            depth: 0,
                        },
                    );
                }
                builder.push(value, &marker, is_merge_key)?;
            }
            Event::SequenceStart(anchor, _) => {
                builder.note_start(&marker);
                builder.open(&marker)?;
                builder.stack.push(Frame::Sequence {
                    items: Vec::new(),
                    anchor,
                });
            }
            Event::MappingStart(anchor, _) => {
                builder.note_start(&marker);
                builder.open(&marker)?;
                builder.stack.push(Frame::Mapping {
                    entries: BTreeMap::new(),
                    key: None,
                    merges: Vec::new(),
                    anchor,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (value, anchor) = match builder.stack.pop() {
                    Some(Frame::Sequence { items, anchor }) => (Node::from(items), anchor),
                    Some(Frame::Mapping {
                        mut entries,
                        merges,
                        anchor,
                        ..
                    }) => {
                        for merge in &merges {
                            apply_merge(&mut entries, merge);
                        }
                        (Node::from(entries), anchor)
                    }
                    None => return Err(syntax(path, &marker, "unbalanced collection")),
                };
                if anchor > 0 {
                    // Both walks are recursive, and safe: nothing built is deeper than MAX_DEPTH.
                    let anchored = Anchored {
                        node: value.clone(),
                        size: node_count(&value),
                        depth: depth(&value),
                    };
                    builder.anchors.insert(anchor, anchored);
                }
                builder.push(value, &marker, false)?;
            }
        }
    }
    if builder.documents.is_empty() {
        builder.documents.push(Document {
            value: Node::Null,
            line: 1,
            item_lines: Vec::new(),
        });
    }
    Ok(builder.documents)
}

impl Builder<'_> {
    /// An alias: its anchor's node, shared, within the alias budget and the depth limit.
    fn alias(&mut self, id: usize, marker: &Marker) -> Result<(), ParseError> {
        self.note_start(marker);
        let Some(anchored) = self.anchors.get(&id) else {
            return Err(syntax(self.path, marker, "unknown anchor"));
        };
        // An alias nests its anchor's whole depth where it stands.
        if self.stack.len() + anchored.depth > MAX_DEPTH {
            return Err(too_deep(self.path, marker));
        }
        self.expanded = self.expanded.saturating_add(anchored.size);
        if self.expanded > ALIAS_NODE_LIMIT {
            return Err(ParseError::AliasExpansion {
                path: self.path.to_owned(),
                line: line(marker),
                limit: ALIAS_NODE_LIMIT,
            });
        }
        let value = anchored.node.clone();
        self.push(value, marker, false)
    }

    /// Refuses a collection that would nest deeper than [`MAX_DEPTH`], before building it: the
    /// builder itself uses no recursion, but everything that reads the document does.
    fn open(&self, marker: &Marker) -> Result<(), ParseError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(too_deep(self.path, marker));
        }
        Ok(())
    }

    fn note_start(&mut self, marker: &Marker) {
        if self.stack.is_empty() && self.document_line.is_none() {
            self.document_line = Some(line(marker));
        }
        if self.item_start.is_none()
            && let [Frame::Sequence { .. }] = self.stack.as_slice()
        {
            self.item_start = Some(line(marker));
        }
    }

    fn push(&mut self, value: Node, marker: &Marker, is_merge_key: bool) -> Result<(), ParseError> {
        let top_level = self.stack.len() == 1;
        match self.stack.last_mut() {
            None => {
                // go-yaml yields nothing for an empty document: conftest never sees it.
                let item_lines = std::mem::take(&mut self.item_lines);
                if value != Node::Null {
                    self.documents.push(Document {
                        value,
                        line: self.document_line.take().unwrap_or(1),
                        item_lines,
                    });
                }
                self.document_line = None;
            }
            Some(Frame::Sequence { items, .. }) => {
                if top_level {
                    let start = self.item_start.take().unwrap_or_else(|| line(marker));
                    self.item_lines.push(start);
                }
                items.push(value);
            }
            Some(Frame::Mapping {
                entries,
                key,
                merges,
                ..
            }) => match key.take() {
                None if is_merge_key => *key = Some(Node::from(MERGE_KEY)),
                None => {
                    *key = Some(key_node(value).ok_or_else(|| {
                        syntax(self.path, marker, "mapping keys must be scalars")
                    })?);
                }
                Some(Node::String(name)) if &*name == MERGE_KEY => merges.push(value),
                Some(name) => {
                    entries.insert(name, value);
                }
            },
        }
        Ok(())
    }
}

/// Marks a pending `<<` key; not a valid YAML plain scalar result, so no real key collides.
const MERGE_KEY: &str = "\u{0}<<";

fn apply_merge(entries: &mut BTreeMap<Node, Node>, merge: &Node) {
    match merge {
        Node::Object(source) => {
            for (key, value) in source.iter() {
                entries.entry(key.clone()).or_insert_with(|| value.clone());
            }
        }
        Node::Array(sources) => {
            for source in sources.iter() {
                apply_merge(entries, source);
            }
        }
        _ => {}
    }
}

/// How deeply arrays and objects nest in `value` (a scalar is 0).
fn depth(value: &Node) -> usize {
    match value {
        Node::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Node::Object(entries) => 1 + entries.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn too_deep(path: &str, marker: &Marker) -> ParseError {
    ParseError::TooDeep {
        path: path.to_owned(),
        line: Some(line(marker)),
        limit: MAX_DEPTH,
    }
}

fn node_count(value: &Node) -> usize {
    match value {
        Node::Array(items) => 1 + items.iter().map(node_count).sum::<usize>(),
        Node::Object(entries) => 1 + entries.values().map(node_count).sum::<usize>(),
        _ => 1,
    }
}

/// A resolved scalar as a node; a string moves into it.
fn scalar_node(value: Value) -> Node {
    match value {
        Value::String(text) => Node::from(text),
        other => crate::value::to_regorus(&other),
    }
}

/// Keys become strings the way conftest's YAML-to-JSON conversion writes them.
fn key_node(value: Node) -> Option<Node> {
    let text = match &value {
        Node::String(_) => return Some(value),
        Node::Null => "null".to_owned(),
        Node::Bool(flag) => flag.to_string(),
        Node::Number(_) => crate::value::to_json(&value).to_string(),
        _ => return None,
    };
    Some(Node::from(text))
}

fn line(marker: &Marker) -> u32 {
    u32::try_from(marker.line()).unwrap_or(u32::MAX).max(1)
}

fn syntax(path: &str, marker: &Marker, message: &str) -> ParseError {
    ParseError::Syntax {
        path: path.to_owned(),
        format: "yaml",
        line: line(marker),
        message: message.to_owned(),
    }
}

/// Resolves a scalar like go-yaml v2 decoding into `interface{}`.
fn resolve(text: String, style: TScalarStyle, tag: Option<&Tag>) -> Value {
    if let Some(tag) = tag {
        if tag.handle == "tag:yaml.org,2002:" || tag.handle == "!!" {
            return match tag.suffix.as_str() {
                "str" | "binary" | "timestamp" => Value::String(text),
                "null" => Value::Null,
                "bool" => resolve_bool(&text).map_or(Value::String(text), Value::Bool),
                "int" | "float" => resolve_plain(text),
                _ => resolve_plain_or_string(text, style),
            };
        }
        // Unknown (local) tags such as `!Ref`: go-yaml keeps the scalar's text.
        return Value::String(text);
    }
    resolve_plain_or_string(text, style)
}

fn resolve_plain_or_string(text: String, style: TScalarStyle) -> Value {
    if style == TScalarStyle::Plain {
        resolve_plain(text)
    } else {
        Value::String(text)
    }
}

fn resolve_bool(text: &str) -> Option<bool> {
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Some(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Some(false)
        }
        _ => None,
    }
}

fn resolve_plain(text: String) -> Value {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => {
            // JSON has no infinities or NaN; conftest's YAML-to-JSON step keeps no number either.
            return Value::String(text);
        }
        _ => {}
    }
    if let Some(flag) = resolve_bool(&text) {
        return Value::Bool(flag);
    }
    let first = text.as_bytes().first().copied().unwrap_or(b'x');
    if first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.') {
        if let Some(number) = resolve_int(&text) {
            return number;
        }
        if let Some(number) = resolve_float(&text) {
            return number;
        }
    }
    Value::String(text)
}

/// Integers as go-yaml v2 reads them: underscores dropped, then Go's `strconv.ParseInt(s, 0, 64)`
/// (`0x`, `0o`, `0b` prefixes and a leading `0` for octal).
fn resolve_int(text: &str) -> Option<Value> {
    let plain = text.replace('_', "");
    let (negative, digits) = match plain.as_bytes().first()? {
        b'-' => (true, &plain[1..]),
        b'+' => (false, &plain[1..]),
        _ => (false, plain.as_str()),
    };
    let lower = digits.to_ascii_lowercase();
    let (radix, body) = if let Some(rest) = lower.strip_prefix("0x") {
        (16, rest)
    } else if let Some(rest) = lower.strip_prefix("0b") {
        (2, rest)
    } else if let Some(rest) = lower.strip_prefix("0o") {
        (8, rest)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(body, radix).ok()?;
    let value = if negative { -magnitude } else { magnitude };
    if let Ok(small) = i64::try_from(value) {
        return Some(Value::from(small));
    }
    // Beyond int64 go-yaml v2 tries uint64, then float.
    if let Ok(big) = u64::try_from(value) {
        return Some(Value::from(big));
    }
    #[allow(clippy::cast_precision_loss)]
    Number::from_f64(value as f64).map(Value::Number)
}

fn resolve_float(text: &str) -> Option<Value> {
    // YAML 1.1 float syntax as go-yaml v2 checks it before strconv.ParseFloat.
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (mantissa, None),
    };
    let whole_ok = whole.chars().all(|c| c.is_ascii_digit() || c == '_');
    let fraction_ok = fraction.is_none_or(|f| f.chars().all(|c| c.is_ascii_digit() || c == '_'));
    let exponent_ok = exponent.is_none_or(|e| {
        let digits = e.strip_prefix(['-', '+']).unwrap_or(e);
        !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
    });
    let has_digits = whole.chars().any(|c| c.is_ascii_digit())
        || fraction.is_some_and(|f| f.chars().any(|c| c.is_ascii_digit()));
    if !(whole_ok && fraction_ok && exponent_ok && has_digits) {
        return None;
    }
    let number: f64 = text.replace('_', "").parse().ok()?;
    Number::from_f64(number).map(Value::Number)
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use serde_json::json;

    use super::*;

    fn one(text: &str) -> Value {
        let documents = parse("t.yaml", text).unwrap();
        assert_eq!(documents.len(), 1);
        documents[0].json()
    }

    #[test]
    fn yaml_1_1_scalars_like_go_yaml_v2() {
        let value = one(
            "a: on\nb: yes\nc: off\nd: n\ne: 0755\nf: 0x1F\ng: 1.5\nh: ~\ni: \"on\"\nj: 1e3\n\
             k: 2026-01-01\nl: -12\nm: 0b101\nq: 1_000\no: .inf\nn: x\n",
        );
        assert_eq!(
            value,
            json!({"a": true, "b": true, "c": false, "d": false, "e": 493, "f": 31, "g": 1.5,
                   "h": null, "i": "on", "j": 1000.0, "k": "2026-01-01", "l": -12, "m": 5, "false": "x",
                   "q": 1000, "o": ".inf"})
        );
    }

    #[test]
    fn unknown_tags_are_tolerated() {
        let value = one("Value: !Ref MyBucket\nList: !GetAZs ''\nSub: !Sub\n  - x\n");
        assert_eq!(
            value,
            json!({"Value": "MyBucket", "List": "", "Sub": ["x"]})
        );
    }

    #[test]
    fn documents_record_their_start_line() {
        let documents = parse("t.yaml", "# c\na: 1\n---\n\n---\nb: 2\n").unwrap();
        let lines: Vec<u32> = documents.iter().map(|d| d.line).collect();
        assert_eq!(lines, vec![2, 6]);
    }

    #[test]
    fn top_level_sequence_items_record_their_lines() {
        let documents = parse(
            "list.yaml",
            "# c\n- kind: Pod\n  name: a\n- kind: Service\n- x\n",
        )
        .unwrap();
        assert_eq!(documents[0].item_lines, vec![2, 4, 5]);
    }

    #[test]
    fn merge_keys_and_aliases() {
        let value = one("base: &b {x: 1, z: 2}\nderived:\n  <<: *b\n  z: 3\n");
        assert_eq!(
            value,
            json!({"base": {"x": 1, "z": 2}, "derived": {"x": 1, "z": 3}})
        );
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..10 {
            let previous = level - 1;
            let _ = writeln!(
                text,
                "a{level}: &a{level} [*a{previous}, *a{previous}, *a{previous}, *a{previous}, \
                 *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}]"
            );
        }
        let error = parse("bomb.yaml", &text).unwrap_err();
        assert!(
            matches!(error, ParseError::AliasExpansion { .. }),
            "{error}"
        );
    }

    #[test]
    fn errors_name_file_and_line() {
        let error = parse("bad.yaml", "a: 1\nb: [1, 2\nc: 3\n").unwrap_err();
        assert!(error.to_string().starts_with("bad.yaml:"), "{error}");
    }

    #[test]
    fn empty_stream_is_one_null_document() {
        assert_eq!(parse("e.yaml", "").unwrap().len(), 1);
    }
}
