//! `gate release bump`: write a version into the files a project keeps it in, editing the one
//! value in place so the rest of the file stays byte for byte as it was.

use std::ops::Range;
use std::path::Path;

use anyhow::{Context as _, anyhow, bail};
use serde::Deserialize;
use serde_spanned::Spanned;

/// The kinds of file `bump` knows, by file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `pyproject.toml`: `[project] version` and/or `[tool.poetry] version`.
    PyProject,
    /// `Cargo.toml`: `[package] version` (or `[workspace.package] version`).
    Cargo,
    /// `package.json`: the top-level `"version"`.
    PackageJson,
    /// `kustomization.yaml`: `images[].newTag`.
    Kustomization,
}

impl FileKind {
    /// The kind of a file, from its name.
    pub fn of(path: &Path) -> Option<FileKind> {
        let name = path.file_name()?.to_str()?;
        match name {
            "pyproject.toml" => Some(FileKind::PyProject),
            "Cargo.toml" => Some(FileKind::Cargo),
            "package.json" => Some(FileKind::PackageJson),
            "kustomization.yaml" | "kustomization.yml" | "Kustomization" => {
                Some(FileKind::Kustomization)
            }
            _ => None,
        }
    }
}

/// The file's text with the version replaced; `images` selects kustomization entries by name.
pub fn bump(
    kind: FileKind,
    text: &str,
    version: &str,
    images: &[String],
) -> anyhow::Result<String> {
    let spans = match kind {
        FileKind::PyProject => pyproject_spans(text)?,
        FileKind::Cargo => cargo_spans(text)?,
        FileKind::PackageJson => vec![package_json_span(text)?],
        FileKind::Kustomization => kustomization_spans(text, images)?,
    };
    Ok(replace(text, &spans, version))
}

/// Replaces each value span (quotes included) with the version, keeping the quote style.
fn replace(text: &str, spans: &[Range<usize>], version: &str) -> String {
    let mut spans = spans.to_vec();
    spans.sort_by_key(|span| span.start);
    let mut out = String::with_capacity(text.len() + 16);
    let mut at = 0;
    for span in spans {
        out.push_str(&text[at..span.start]);
        let old = &text[span.clone()];
        match old.chars().next() {
            Some(quote @ ('"' | '\'')) => {
                out.push(quote);
                out.push_str(version);
                out.push(quote);
            }
            _ => out.push_str(version),
        }
        at = span.end;
    }
    out.push_str(&text[at..]);
    out
}

#[derive(Deserialize)]
struct VersionTable {
    version: Option<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
struct PyProject {
    project: Option<VersionTable>,
    tool: Option<PyTool>,
}

#[derive(Deserialize)]
struct PyTool {
    poetry: Option<VersionTable>,
}

#[derive(Deserialize)]
struct CargoManifest {
    package: Option<VersionTable>,
    workspace: Option<CargoWorkspace>,
}

#[derive(Deserialize)]
struct CargoWorkspace {
    package: Option<VersionTable>,
}

/// The span of a `version = "…"` string value; an inherited or non-string version is an error.
fn string_span(table: Option<&VersionTable>, key: &str) -> anyhow::Result<Option<Range<usize>>> {
    let Some(value) = table.and_then(|table| table.version.as_ref()) else {
        return Ok(None);
    };
    match value.get_ref() {
        toml::Value::String(_) => Ok(Some(value.span())),
        other => {
            bail!("{key} is `{other}`, not a version string: set the version where it is defined")
        }
    }
}

fn pyproject_spans(text: &str) -> anyhow::Result<Vec<Range<usize>>> {
    let parsed: PyProject = toml::from_str(text).context("not valid TOML")?;
    let spans: Vec<Range<usize>> = [
        string_span(parsed.project.as_ref(), "[project] version")?,
        string_span(
            parsed.tool.as_ref().and_then(|tool| tool.poetry.as_ref()),
            "[tool.poetry] version",
        )?,
    ]
    .into_iter()
    .flatten()
    .collect();
    if spans.is_empty() {
        bail!(
            "no `version` in [project] or [tool.poetry] (a `dynamic` version is set by the build backend)"
        );
    }
    Ok(spans)
}

fn cargo_spans(text: &str) -> anyhow::Result<Vec<Range<usize>>> {
    let parsed: CargoManifest = toml::from_str(text).context("not valid TOML")?;
    let package = parsed.package.as_ref();
    // `version.workspace = true` reads as a table: the version lives in the workspace root.
    if let Some(span) = string_span(package, "[package] version")? {
        return Ok(vec![span]);
    }
    let workspace = parsed
        .workspace
        .as_ref()
        .and_then(|workspace| workspace.package.as_ref());
    match string_span(workspace, "[workspace.package] version")? {
        Some(span) => Ok(vec![span]),
        None => bail!("no `version` in [package] or [workspace.package]"),
    }
}

/// The span of the top-level `"version"` string in a JSON object.
fn package_json_span(text: &str) -> anyhow::Result<Range<usize>> {
    let value: serde_json::Value = serde_json::from_str(text).context("not valid JSON")?;
    match value.get("version") {
        Some(serde_json::Value::String(_)) => {}
        Some(other) => bail!("\"version\" is `{other}`, not a string"),
        None => bail!("no top-level \"version\""),
    }
    let mut scanner = JsonScanner {
        bytes: text.as_bytes(),
        at: 0,
    };
    scanner
        .top_level_value("version")
        .ok_or_else(|| anyhow!("cannot locate the top-level \"version\" in the text"))
}

/// Just enough of a JSON reader to find where a top-level member's value is (the text was
/// already validated by `serde_json`, which has no byte positions).
struct JsonScanner<'t> {
    bytes: &'t [u8],
    at: usize,
}

impl JsonScanner<'_> {
    fn skip_space(&mut self) {
        while self.bytes.get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        self.skip_space();
        (self.bytes.get(self.at) == Some(&byte)).then(|| self.at += 1)
    }

    /// A string starting at the current position; returns its span, quotes included.
    fn string(&mut self) -> Option<Range<usize>> {
        self.skip_space();
        let start = self.at;
        if self.bytes.get(self.at) != Some(&b'"') {
            return None;
        }
        self.at += 1;
        loop {
            match self.bytes.get(self.at)? {
                b'\\' => self.at += 2,
                b'"' => {
                    self.at += 1;
                    return Some(start..self.at);
                }
                _ => self.at += 1,
            }
        }
    }

    fn skip_value(&mut self) -> Option<()> {
        self.skip_space();
        match self.bytes.get(self.at)? {
            b'"' => self.string().map(|_| ()),
            b'{' | b'[' => {
                let mut depth = 0_usize;
                loop {
                    match self.bytes.get(self.at)? {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.at += 1;
                                return Some(());
                            }
                        }
                        _ => {}
                    }
                    self.at += 1;
                }
            }
            _ => {
                while !matches!(self.bytes.get(self.at)?, b',' | b'}' | b']') {
                    self.at += 1;
                }
                Some(())
            }
        }
    }

    fn top_level_value(&mut self, key: &str) -> Option<Range<usize>> {
        self.eat(b'{')?;
        let wanted = format!("\"{key}\"");
        loop {
            let name = self.string()?;
            self.eat(b':')?;
            self.skip_space();
            if &self.bytes[name] == wanted.as_bytes() && self.bytes.get(self.at) == Some(&b'"') {
                return self.string();
            }
            self.skip_value()?;
            self.eat(b',')?;
        }
    }
}

/// One `images:` entry of a kustomization: its name and where its `newTag` value is.
struct ImageEntry {
    name: Option<String>,
    new_tag: Option<Range<usize>>,
}

/// The `newTag` value spans of the selected `images:` entries (block style, as kustomize
/// writes it). With several images, `images` must say which ones carry the version.
fn kustomization_spans(text: &str, images: &[String]) -> anyhow::Result<Vec<Range<usize>>> {
    let mut entries: Vec<ImageEntry> = Vec::new();
    let mut inside = false;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let top_level = !content.starts_with([' ', '\t']);
        if top_level && !trimmed.starts_with('-') {
            inside = false;
            if let Some(rest) = content.strip_prefix("images:") {
                let rest = rest.trim();
                if !(rest.is_empty() || rest.starts_with('#')) {
                    bail!(
                        "`images:` is written in flow style; gate edits the block style kustomize writes (`- name: …` lines)"
                    );
                }
                inside = true;
            }
            continue;
        }
        if !inside {
            continue;
        }
        let indent = content.len() - trimmed.len();
        let mut item = trimmed;
        let mut item_start = start + indent;
        if let Some(rest) = trimmed.strip_prefix('-') {
            entries.push(ImageEntry {
                name: None,
                new_tag: None,
            });
            let rest_trimmed = rest.trim_start();
            item_start += trimmed.len() - rest_trimmed.len();
            item = rest_trimmed;
        }
        let Some(entry) = entries.last_mut() else {
            continue;
        };
        if let Some(value) = item.strip_prefix("name:") {
            entry.name = Some(scalar(value).0.to_owned());
        } else if let Some(value) = item.strip_prefix("newTag:") {
            let (_, span) = scalar(value);
            let value_start = item_start + "newTag:".len();
            entry.new_tag = Some(value_start + span.start..value_start + span.end);
        }
    }
    if entries.is_empty() {
        bail!("no `images:` entries to set a `newTag` on");
    }
    let selected: Vec<&ImageEntry> = if images.is_empty() {
        if entries.len() > 1 {
            let names: Vec<&str> = entries.iter().filter_map(|e| e.name.as_deref()).collect();
            bail!(
                "{} images ({}): pass --image NAME to say which carry the version",
                entries.len(),
                names.join(", ")
            );
        }
        entries.iter().collect()
    } else {
        let mut selected = Vec::new();
        for wanted in images {
            let entry = entries
                .iter()
                .find(|entry| entry.name.as_deref() == Some(wanted.as_str()))
                .ok_or_else(|| anyhow!("no image named `{wanted}` under `images:`"))?;
            selected.push(entry);
        }
        selected
    };
    selected
        .into_iter()
        .map(|entry| {
            entry.new_tag.clone().ok_or_else(|| {
                anyhow!(
                    "image `{}` has no `newTag:` line: add one to say where the version goes",
                    entry.name.as_deref().unwrap_or("?")
                )
            })
        })
        .collect()
}

/// A YAML scalar after `key:`: its text (quotes removed) and its span in `value` (quotes kept,
/// comment and trailing space left out).
fn scalar(value: &str) -> (&str, Range<usize>) {
    let start = value.len() - value.trim_start().len();
    let rest = &value[start..];
    let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''));
    let end = if let Some(quote) = quote {
        rest[1..]
            .find(quote)
            .map_or(rest.trim_end().len(), |close| close + 2)
    } else {
        let without_comment = rest.find(" #").map_or(rest, |at| &rest[..at]);
        without_comment.trim_end().len()
    };
    let raw = &rest[..end];
    let text = raw
        .strip_prefix(['"', '\''])
        .and_then(|inner| inner.strip_suffix(['"', '\'']))
        .unwrap_or(raw);
    (text, start..start + end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_scanner_skips_nested_values() {
        let text = "{\"name\": \"x\", \"deps\": {\"version\": \"9\"}, \"a\": [1, \"]\"], \"version\": \"0.1.0\"}";
        let out = bump(FileKind::PackageJson, text, "1.2.3", &[]).unwrap();
        assert_eq!(
            out,
            "{\"name\": \"x\", \"deps\": {\"version\": \"9\"}, \"a\": [1, \"]\"], \"version\": \"1.2.3\"}"
        );
    }

    #[test]
    fn kustomization_keeps_quotes_and_comments() {
        let text = "images:\n- name: app\n  newTag: '0.1.0' # set by CI\n";
        let out = bump(FileKind::Kustomization, text, "1.2.3", &[]).unwrap();
        assert_eq!(out, "images:\n- name: app\n  newTag: '1.2.3' # set by CI\n");
    }
}
