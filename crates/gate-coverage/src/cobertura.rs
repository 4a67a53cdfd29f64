//! Cobertura XML, in the flavours of coverage.py, gcovr, istanbul/nyc, cargo-llvm-cov and
//! JaCoCo-converted reports.
//!
//! Only `class/lines/line` is counted: gcovr and istanbul repeat the same lines under
//! `class/methods/method/lines/line`, and counting both inflates the totals. Classes naming the
//! same file are merged. Totals come from the lines, never from the rounded `line-rate`.

use std::collections::HashMap;
use std::io::Read;

use quick_xml::events::BytesStart;

use crate::model::FileCoverage;
use crate::read::{Input, ReadOptions};
use crate::xml::{Node, Xml, saturate};
use crate::{Coverage, CoverageError, ReportNote};

/// Where the reader is inside the current `<class>`.
struct Class {
    /// The raw `filename`, as the report wrote it.
    filename: String,
    file: FileCoverage,
    depth: usize,
    /// Depth of the `<lines>` directly under the class, while inside it.
    lines_depth: Option<usize>,
}

pub(crate) fn read<R: Read>(
    input: Input<R>,
    name: &str,
    options: &ReadOptions,
) -> Result<Coverage, CoverageError> {
    let mut xml = Xml::new(input, name, options.limits);
    let mut sources: Vec<String> = Vec::new();
    let mut source_text: Option<(usize, String)> = None;
    let mut files: HashMap<String, FileCoverage> = HashMap::new();
    let mut class: Option<Class> = None;
    // Once the root is read: its `branches-valid`, and its line.
    let mut root: Option<(Option<u64>, u64)> = None;
    let mut buffer = Vec::with_capacity(1024);

    loop {
        match xml.next(&mut buffer)? {
            Node::Open {
                element,
                depth,
                empty,
            } => {
                let local = element.local_name();
                let local = local.as_ref();
                if depth == 1 {
                    if local != "coverage" {
                        return Err(CoverageError::UnexpectedRoot {
                            file: name.to_owned(),
                            line: xml.line(),
                            expected: "coverage",
                            found: element.name().as_ref().to_owned(),
                        });
                    }
                    root = Some((declared_branches(&element), xml.line()));
                    continue;
                }
                match (local, &mut class) {
                    ("line", Some(current))
                        if current.lines_depth.is_some_and(|lines| depth == lines + 1) =>
                    {
                        let (line, hits, branches) = line_attributes(&xml, &element)?;
                        current.file.push_line(line, hits);
                        if let Some((covered, total)) = branches {
                            current
                                .file
                                .push_branch(line, u64::from(covered), u64::from(total));
                        }
                    }
                    ("lines", Some(current)) if depth == current.depth + 1 && !empty => {
                        current.lines_depth = Some(depth);
                    }
                    ("class", None) => {
                        let filename = filename(&xml, &element)?;
                        let file = files.remove(&filename).unwrap_or_default();
                        if empty {
                            files.insert(filename, file);
                        } else {
                            class = Some(Class {
                                filename,
                                file,
                                depth,
                                lines_depth: None,
                            });
                        }
                    }
                    ("source", None) if !empty => source_text = Some((depth, String::new())),
                    _ => {}
                }
            }
            Node::Close { depth } => {
                if let Some(current) = &mut class {
                    if current.lines_depth == Some(depth) {
                        current.lines_depth = None;
                    } else if current.depth == depth {
                        let Class {
                            filename, mut file, ..
                        } = class.take().unwrap_or_else(|| unreachable!());
                        file.normalise();
                        files.insert(filename, file);
                    }
                } else if source_text.as_ref().is_some_and(|(at, _)| *at == depth)
                    && let Some((_, text)) = source_text.take()
                {
                    sources.push(text.trim().to_owned());
                }
            }
            Node::Text(text) => {
                if let Some((_, source)) = &mut source_text {
                    source.push_str(&text);
                }
            }
            Node::Skip => {}
            Node::End => break,
        }
    }
    let Some(root) = root else {
        return Err(CoverageError::Truncated {
            file: name.to_owned(),
            line: xml.line(),
            element: "coverage".to_owned(),
        });
    };
    Ok(into_model(files, &sources, root, name, options))
}

/// The files with their paths resolved, and a note when the root's `branches-valid` (read at
/// `root.1`, a line) differs from the branches of the lines.
fn into_model(
    files: HashMap<String, FileCoverage>,
    sources: &[String],
    root: (Option<u64>, u64),
    name: &str,
    options: &ReadOptions,
) -> Coverage {
    let mut coverage = Coverage::new();
    let mut body_branches: u64 = 0;
    for (filename, file) in files {
        body_branches = body_branches.saturating_add(file.totals().branches);
        coverage.insert(options.paths.resolve(&filename, sources), file);
    }
    if let (Some(header), line) = root
        && header != body_branches
    {
        coverage.add_note(header_mismatch(name, line, header, body_branches));
    }
    coverage
}

/// The root's `branches-valid`, when it is a plain count (it is informational: a value gate
/// cannot read is left alone, never an error).
fn declared_branches(root: &BytesStart<'_>) -> Option<u64> {
    root.attributes()
        .with_checks(false)
        .flatten()
        .find(|attribute| attribute.key.as_ref() == "branches-valid")
        .and_then(|attribute| attribute.value.trim().parse().ok())
}

/// nyc/istanbul count every branch in the header but write only those on a statement line into
/// the `<line>` elements, so a check of the lines misses branches the tool's summary has.
fn header_mismatch(name: &str, line: u64, header: u64, body: u64) -> ReportNote {
    ReportNote {
        report: name.to_owned(),
        line: u32::try_from(line).ok(),
        message: format!(
            "the header counts {header} branches (branches-valid) but its <line> elements hold \
             {body}; gate counts the {body} of the lines, so its branch figures differ from the \
             producer's summary (nyc/istanbul leave out branches not on a statement line)"
        ),
    }
}

fn filename<R: Read>(xml: &Xml<'_, R>, element: &BytesStart<'_>) -> Result<String, CoverageError> {
    for attribute in element.attributes().with_checks(false) {
        let attribute = attribute.map_err(|e| xml.attribute_error(e))?;
        if attribute.key.as_ref() == "filename" {
            return Ok(xml.value(&attribute)?.into_owned());
        }
    }
    Err(xml.missing("class", "filename"))
}

type LineRecord = (u32, u32, Option<(u32, u32)>);

fn line_attributes<R: Read>(
    xml: &Xml<'_, R>,
    element: &BytesStart<'_>,
) -> Result<LineRecord, CoverageError> {
    let mut number = None;
    let mut hits = None;
    let mut branch = false;
    let mut condition: Option<std::borrow::Cow<'_, str>> = None;
    let mut take = |key: &str, value: &str| -> Result<(), CoverageError> {
        match key {
            "number" => number = Some(xml.line_number(value)?),
            "hits" => hits = Some(saturate(xml.count("hit count", value)?)),
            "branch" => branch = value.trim().eq_ignore_ascii_case("true"),
            "condition-coverage" => condition = Some(value.to_owned().into()),
            _ => {}
        }
        Ok(())
    };
    // Millions of `<line>` elements make this the hot path: scan the common `key="value"` form
    // directly, and leave anything else (quotes, entities, odd spacing) to quick-xml.
    if let Some(pairs) = simple_attributes(element.attributes_raw()) {
        for (key, value) in pairs {
            take(key, value)?;
        }
    } else {
        for attribute in element.attributes() {
            let attribute = attribute.map_err(|e| xml.attribute_error(e))?;
            let value = xml.value(&attribute)?;
            take(attribute.key.as_ref(), &value)?;
        }
    }
    let number = number.ok_or_else(|| xml.missing("line", "number"))?;
    let hits = hits.ok_or_else(|| xml.missing("line", "hits"))?;
    let branches = match condition {
        Some(text) if branch => {
            let (covered, total) =
                condition_counts(&text).ok_or_else(|| xml.invalid("condition-coverage", &text))?;
            (total > 0).then_some((covered, total))
        }
        _ => None,
    };
    Ok((number, hits, branches))
}

/// Attributes of the plain form `a="1" b="two"` (at most eight, no `&`, no `'`, no spaces
/// around `=`), or `None` when the text needs a real XML attribute parser.
fn simple_attributes(raw: &str) -> Option<impl Iterator<Item = (&str, &str)>> {
    let bytes = raw.as_bytes();
    let mut pairs: [(&str, &str); 8] = [("", ""); 8];
    let mut count = 0;
    let mut at = 0;
    loop {
        let before = at;
        while at < bytes.len() && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        if at == bytes.len() {
            break;
        }
        if (count > 0 && at == before) || count == pairs.len() {
            return None; // attributes must be separated by whitespace
        }
        let key_start = at;
        while at < bytes.len() && is_name_byte(bytes[at]) {
            at += 1;
        }
        if at == key_start || bytes.get(at) != Some(&b'=') || bytes.get(at + 1) != Some(&b'"') {
            return None;
        }
        let key_end = at;
        at += 2;
        let value_start = at;
        while at < bytes.len() && bytes[at] != b'"' {
            if bytes[at] == b'&' || bytes[at] == b'<' {
                return None;
            }
            at += 1;
        }
        if at == bytes.len() {
            return None;
        }
        // Both ends sit on ASCII bytes, so they are character boundaries.
        pairs[count] = (raw.get(key_start..key_end)?, raw.get(value_start..at)?);
        count += 1;
        at += 1;
    }
    Some(pairs.into_iter().take(count))
}

fn is_name_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b':' | b'.')
}

/// `(1/2)` out of `condition-coverage="50% (1/2)"`.
fn condition_counts(text: &str) -> Option<(u32, u32)> {
    let inside = text.split_once('(')?.1.split_once(')')?.0;
    let (covered, total) = inside.split_once('/')?;
    let covered: u32 = covered.trim().parse().ok()?;
    let total: u32 = total.trim().parse().ok()?;
    (covered <= total).then_some((covered, total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Format, PathMap, parse_report};

    fn parse(xml: &str, paths: PathMap) -> Result<Coverage, CoverageError> {
        let options = ReadOptions {
            format: Some(Format::Cobertura),
            paths,
            ..ReadOptions::default()
        };
        parse_report(xml.as_bytes(), "coverage.xml", &options)
    }

    #[test]
    fn scans_simple_attributes_and_defers_the_rest() {
        let pairs: Vec<_> = simple_attributes(r#" number="3" hits="1" branch="true""#)
            .unwrap()
            .collect();
        assert_eq!(pairs, [("number", "3"), ("hits", "1"), ("branch", "true")]);
        assert!(simple_attributes(" number='3'").is_none());
        assert!(simple_attributes(r#" number = "3""#).is_none());
        assert!(simple_attributes(r#" a="&amp;""#).is_none());
        assert!(simple_attributes(r#" a="1"b="2""#).is_none());
        assert_eq!(simple_attributes("").map(Iterator::count), Some(0));
    }

    #[test]
    fn the_fast_scan_agrees_with_quick_xml_whenever_it_answers() {
        let alphabet: &[&str] = &[
            " ", "\t", "\n", "a", "hits", "number", "=", "\"", "'", "1", "&amp;", "-", "x:y", "<",
        ];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut agreed = 0;
        for _ in 0..20_000 {
            let mut raw = String::from(" ");
            for _ in 0..(state % 12) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                raw.push_str(alphabet[usize::try_from(state % alphabet.len() as u64).unwrap()]);
            }
            let Some(fast) = simple_attributes(&raw) else {
                continue;
            };
            let fast: Vec<(String, String)> =
                fast.map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
            let element = BytesStart::from_content(format!("line{raw}"), 4);
            let slow: Result<Vec<(String, String)>, _> = element
                .attributes()
                .map(|a| a.map(|a| (a.key.as_ref().to_owned(), a.value.into_owned())))
                .collect();
            assert_eq!(Ok(fast), slow.map_err(|_| ()), "{raw:?}");
            agreed += 1;
        }
        assert!(agreed > 100, "only {agreed} inputs took the fast path");
    }

    #[test]
    fn single_quoted_attributes_still_parse() {
        let xml = "<coverage><packages><package><classes><class filename='a.py'><lines>\n<line number='1' hits='2' branch='true' condition-coverage='50% (1/2)'/></lines></class></classes></package></packages></coverage>";
        let coverage = parse(xml, PathMap::new()).unwrap();
        let t = coverage.file("a.py").unwrap().totals();
        assert_eq!(
            (
                t.statements,
                t.covered_statements,
                t.branches,
                t.covered_branches
            ),
            (1, 1, 2, 1)
        );
    }

    #[test]
    fn parses_condition_coverage() {
        assert_eq!(condition_counts("50% (1/2)"), Some((1, 2)));
        assert_eq!(condition_counts("100% (4/4)"), Some((4, 4)));
        assert_eq!(condition_counts("50%"), None);
        assert_eq!(condition_counts("(3/2)"), None);
    }

    #[test]
    fn counts_only_class_lines_and_merges_classes() {
        let xml = r#"<?xml version="1.0"?>
<coverage line-rate="0.9999">
  <sources><source>
     /ci/repo/src
  </source></sources>
  <packages><package name="p"><classes>
    <class name="A" filename="p/a.py">
      <methods><method name="f"><lines><line number="1" hits="1"/></lines></method></methods>
      <lines>
        <line number="1" hits="1"/>
        <line number="2" hits="0" branch="true" condition-coverage="0% (0/2)"/>
      </lines>
    </class>
    <class name="B" filename="p/a.py"><lines>
        <line number="3" hits="5" branch="true" condition-coverage="50% (1/2)"><conditions><condition number="0" type="jump" coverage="50%"/></conditions></line>
    </lines></class>
    <class name="C" filename="p/empty.py"/>
  </classes></package></packages>
</coverage>"#;
        let coverage = parse(xml, PathMap::new().with_root("/ci/repo")).unwrap();
        assert_eq!(coverage.len(), 2);
        let a = coverage.file("src/p/a.py").unwrap();
        let t = a.totals();
        assert_eq!(
            (
                t.statements,
                t.covered_statements,
                t.branches,
                t.covered_branches
            ),
            (3, 2, 4, 1)
        );
        assert_eq!(
            coverage.file("src/p/empty.py").unwrap().totals().statements,
            0
        );
    }

    #[test]
    fn errors_name_file_and_line() {
        let bad = "<coverage>\n<packages>\n<package><classes><class filename=\"a.py\"><lines>\n<line number=\"x\" hits=\"1\"/>";
        let error = parse(bad, PathMap::new()).unwrap_err().to_string();
        assert!(error.starts_with("coverage.xml:4:"), "{error}");
        let truncated = "<coverage>\n<packages>\n";
        let error = parse(truncated, PathMap::new()).unwrap_err().to_string();
        assert!(error.contains("ends before </packages>"), "{error}");
        let wrong = parse("<report/>", PathMap::new()).unwrap_err().to_string();
        assert!(wrong.contains("expected a <coverage>"), "{wrong}");
        assert!(parse("", PathMap::new()).is_err());
        let missing = parse("<coverage><class/></coverage>", PathMap::new()).unwrap_err();
        assert!(missing.to_string().contains("`filename`"), "{missing}");
    }

    #[test]
    fn entity_declarations_are_refused_by_name() {
        use std::fmt::Write as _;
        let small = "<?xml version=\"1.0\"?>\n<!DOCTYPE c [\n <!ENTITY a \"aaaa\">\n]>\n<coverage><sources><source>&a;</source></sources></coverage>";
        let error = parse(small, PathMap::new()).unwrap_err();
        assert!(
            matches!(error, CoverageError::EntityDeclaration { .. }),
            "{error}"
        );
        assert!(
            error
                .to_string()
                .starts_with("coverage.xml:3: the XML declares entities"),
            "{error}"
        );
        // Enough declarations to push <coverage> out of the format detection's window.
        let mut bomb =
            String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol0 \"lol\">\n");
        for level in 1..10 {
            let references = format!("&lol{};", level - 1).repeat(10);
            writeln!(bomb, " <!ENTITY lol{level} \"{references}\">").unwrap();
        }
        bomb.push_str("]>\n<coverage><sources><source>&lol9;</source></sources></coverage>\n");
        let detected = crate::parse_report(bomb.as_bytes(), "bomb.xml", &ReadOptions::default())
            .unwrap_err()
            .to_string();
        assert_eq!(
            detected,
            "bomb.xml:3: the XML declares entities (<!ENTITY …>): entity expansion refused (a \
             coverage report needs none)"
        );
    }

    #[test]
    fn a_header_that_counts_branches_the_lines_lack_is_noted() {
        // nyc: branches-valid counts a branch that is on no statement line.
        let xml = r#"<coverage lines-valid="2" branches-valid="4" branches-covered="2">
<packages><package><classes><class filename="a.js"><lines>
  <line number="1" hits="1" branch="true" condition-coverage="50% (1/2)"/>
  <line number="2" hits="1"/>
</lines></class></classes></package></packages></coverage>"#;
        let coverage = parse(xml, PathMap::new()).unwrap();
        let [note] = coverage.notes() else {
            panic!("one note expected: {:?}", coverage.notes());
        };
        assert_eq!((note.report.as_str(), note.line), ("coverage.xml", Some(1)));
        assert!(
            note.message.starts_with(
                "the header counts 4 branches (branches-valid) but its <line> elements hold 2"
            ),
            "{}",
            note.message
        );
        // Header and lines agreeing, or no header count at all, is not worth a note.
        let agreeing = xml.replace("branches-valid=\"4\"", "branches-valid=\"2\"");
        assert!(parse(&agreeing, PathMap::new()).unwrap().notes().is_empty());
        let silent = xml.replace("branches-valid=\"4\"", "");
        assert!(parse(&silent, PathMap::new()).unwrap().notes().is_empty());
    }

    #[test]
    fn depth_is_bounded() {
        let deep = "<coverage>".to_owned() + &"<a>".repeat(100);
        let error = parse(&deep, PathMap::new()).unwrap_err();
        assert!(matches!(error, CoverageError::TooDeep { .. }), "{error}");
    }
}
