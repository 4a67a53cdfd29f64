//! `JaCoCo` XML: `report/package/sourcefile/line` with instruction and branch counters per line.
//!
//! A line is a statement when it has instructions (`mi + ci > 0`) and covered when any ran
//! (`ci > 0`); its branches are `mb + cb`, of which `cb` ran. Paths are `package/sourcefile`
//! (`com/example/Foo.java`); map them onto the source tree with [`crate::PathMap::with_prefix`].

use std::io::Read;

use quick_xml::events::BytesStart;

use crate::model::FileCoverage;
use crate::read::{Input, ReadOptions};
use crate::xml::{Node, Xml, saturate};
use crate::{Coverage, CoverageError};

pub(crate) fn read<R: Read>(
    input: Input<R>,
    name: &str,
    options: &ReadOptions,
) -> Result<Coverage, CoverageError> {
    let mut xml = Xml::new(input, name, options.limits);
    let mut buffer = Vec::with_capacity(1024);
    let mut coverage = Coverage::new();
    let mut package: Option<(usize, String)> = None;
    let mut source: Option<(usize, String, FileCoverage)> = None;
    let mut seen_root = false;
    loop {
        match xml.next(&mut buffer)? {
            Node::Open {
                element,
                depth,
                empty,
            } => {
                let local = element.local_name();
                match local.as_ref() {
                    "report" if depth == 1 => seen_root = true,
                    found if depth == 1 => {
                        return Err(CoverageError::UnexpectedRoot {
                            file: name.to_owned(),
                            line: xml.line(),
                            expected: "report",
                            found: found.to_owned(),
                        });
                    }
                    "package" if package.is_none() && !empty => {
                        package = Some((depth, attribute(&xml, &element, "package", "name")?));
                    }
                    "sourcefile" if source.is_none() => {
                        let file_name = attribute(&xml, &element, "sourcefile", "name")?;
                        let path = match &package {
                            Some((_, package)) if !package.is_empty() => {
                                format!("{package}/{file_name}")
                            }
                            _ => file_name,
                        };
                        if empty {
                            coverage
                                .insert(options.paths.resolve(&path, &[]), FileCoverage::default());
                        } else {
                            source = Some((depth, path, FileCoverage::default()));
                        }
                    }
                    "line" => {
                        if let Some((at, _, file)) = &mut source
                            && depth == *at + 1
                        {
                            line(&xml, &element, file)?;
                        }
                    }
                    _ => {}
                }
            }
            Node::Close { depth } => {
                if source.as_ref().is_some_and(|(at, _, _)| *at == depth) {
                    if let Some((_, path, mut file)) = source.take() {
                        file.normalise();
                        coverage.insert(options.paths.resolve(&path, &[]), file);
                    }
                } else if package.as_ref().is_some_and(|(at, _)| *at == depth) {
                    package = None;
                }
            }
            Node::Text(_) | Node::Skip => {}
            Node::End => break,
        }
    }
    if !seen_root {
        return Err(CoverageError::Truncated {
            file: name.to_owned(),
            line: xml.line(),
            element: "report".to_owned(),
        });
    }
    Ok(coverage)
}

fn attribute<R: Read>(
    xml: &Xml<'_, R>,
    element: &BytesStart<'_>,
    element_name: &'static str,
    wanted: &'static str,
) -> Result<String, CoverageError> {
    for attribute in element.attributes().with_checks(false) {
        let attribute = attribute.map_err(|e| xml.attribute_error(e))?;
        if attribute.key.as_ref() == wanted {
            return Ok(xml.value(&attribute)?.into_owned());
        }
    }
    Err(xml.missing(element_name, wanted))
}

fn line<R: Read>(
    xml: &Xml<'_, R>,
    element: &BytesStart<'_>,
    file: &mut FileCoverage,
) -> Result<(), CoverageError> {
    let (mut nr, mut mi, mut ci, mut mb, mut cb) = (None, 0, 0, 0, 0);
    for attribute in element.attributes().with_checks(false) {
        let attribute = attribute.map_err(|e| xml.attribute_error(e))?;
        let value = &attribute.value;
        match attribute.key.as_ref() {
            "nr" => nr = Some(xml.line_number(value)?),
            "mi" => mi = xml.count("instruction count", value)?,
            "ci" => ci = xml.count("instruction count", value)?,
            "mb" => mb = xml.count("branch count", value)?,
            "cb" => cb = xml.count("branch count", value)?,
            _ => {}
        }
    }
    let nr = nr.ok_or_else(|| xml.missing("line", "nr"))?;
    if mi.saturating_add(ci) > 0 {
        file.push_line(nr, saturate(ci));
    }
    // Branch counts stay 64-bit: capped at `u32::MAX`, a line with half its branches missed
    // read as fully covered.
    let branches = mb.saturating_add(cb);
    if branches > 0 {
        file.push_branch(nr, cb, branches);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::{Format, PathMap, ReadOptions, parse_report};

    #[test]
    fn reads_lines_and_branches_per_sourcefile() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd">
<report name="demo">
  <sessioninfo id="x" start="1" dump="2"/>
  <package name="com/example">
    <class name="com/example/Foo" sourcefilename="Foo.java">
      <method name="bar" desc="()V" line="3"><counter type="LINE" missed="0" covered="2"/></method>
    </class>
    <sourcefile name="Foo.java">
      <line nr="3" mi="0" ci="4" mb="1" cb="1"/>
      <line nr="4" mi="2" ci="0" mb="0" cb="0"/>
      <line nr="5" mi="0" ci="0" mb="0" cb="0"/>
      <counter type="LINE" missed="1" covered="1"/>
    </sourcefile>
  </package>
</report>"#;
        let options = ReadOptions {
            format: None,
            paths: PathMap::new().with_prefix("com", "src/main/java/com"),
            ..ReadOptions::default()
        };
        let coverage = parse_report(xml.as_bytes(), "jacoco.xml", &options).unwrap();
        let file = coverage.file("src/main/java/com/example/Foo.java").unwrap();
        let t = file.totals();
        assert_eq!(
            (
                t.statements,
                t.covered_statements,
                t.branches,
                t.covered_branches
            ),
            (2, 1, 2, 1)
        );
        let options = ReadOptions {
            format: Some(Format::Jacoco),
            ..ReadOptions::default()
        };
        assert!(parse_report(b"<coverage/>", "x.xml", &options).is_err());
    }

    #[test]
    fn branch_counts_beyond_u32_are_not_capped() {
        let xml = r#"<report name="big"><package name="p"><sourcefile name="A.java">
      <line nr="1" mi="0" ci="1" mb="5000000000" cb="5000000000"/>
      <line nr="2" mi="0" ci="1" mb="3000000000" cb="3000000000"/>
    </sourcefile></package></report>"#;
        let coverage = parse_report(xml.as_bytes(), "jacoco.xml", &ReadOptions::default()).unwrap();
        let t = coverage.totals();
        assert_eq!(
            (t.covered_branches, t.branches),
            (8_000_000_000, 16_000_000_000)
        );
    }
}
