//! Version bumping: write a version into the files a project keeps it in, editing the one value
//! in place so the rest of the file stays byte for byte as it was.
//!
//! ```
//! use gate_release::bump::{FileKind, bump};
//!
//! let text = "[package]\nname = \"app\"\nversion = \"0.1.0\" # set by gate\n";
//! let kind = FileKind::of(std::path::Path::new("Cargo.toml")).unwrap();
//! let out = bump(kind, text, "1.2.3", &[])?;
//! assert_eq!(out, "[package]\nname = \"app\"\nversion = \"1.2.3\" # set by gate\n");
//! # Ok::<(), gate_release::bump::BumpError>(())
//! ```

use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use serde_spanned::Spanned;

/// Why a file's version could not be set.
///
/// The text never names the file: the caller read it and knows which it was, so it prefixes the
/// path (`Cargo.toml: not valid TOML: …`). The message joined with its `source()` chain by `": "`
/// is the whole explanation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BumpError {
    /// A `pyproject.toml` or `Cargo.toml` that does not parse.
    #[error("not valid TOML")]
    Toml(#[source] toml::de::Error),
    /// A `package.json` that does not parse.
    #[error("not valid JSON")]
    Json(#[source] serde_json::Error),
    /// A TOML `version` that is not a string, such as `version.workspace = true`.
    #[error("{key} is `{value}`, not a version string: set the version where it is defined")]
    NotAVersionString {
        /// Where the value is, `[package] version`.
        key: &'static str,
        /// The value as TOML prints it.
        value: String,
    },
    /// A `pyproject.toml` without a static version.
    #[error(
        "no `version` in [project] or [tool.poetry] (a `dynamic` version is set by the build backend)"
    )]
    NoPyProjectVersion,
    /// A `Cargo.toml` without a version.
    #[error("no `version` in [package] or [workspace.package]")]
    NoCargoVersion,
    /// A `package.json` whose `"version"` is not a string.
    #[error("\"version\" is `{value}`, not a string")]
    JsonVersionNotAString {
        /// The value as JSON.
        value: String,
    },
    /// A `package.json` without a top-level `"version"`.
    #[error("no top-level \"version\"")]
    NoJsonVersion,
    /// A `package.json` whose `"version"` parses but could not be found in the text.
    #[error("cannot locate the top-level \"version\" in the text")]
    JsonVersionNotLocated,
    /// A kustomization with `images: [...]` in flow style.
    #[error(
        "`images:` is written in flow style; gate edits the block style kustomize writes (`- name: …` lines)"
    )]
    FlowStyleImages,
    /// A kustomization without `images:` entries.
    #[error("no `images:` entries to set a `newTag` on")]
    NoImages,
    /// Several images and no selection of which carry the version.
    #[error(
        "{count} images ({}): pass --image NAME to say which carry the version",
        .names.join(", ")
    )]
    AmbiguousImages {
        /// The entries' names, in file order (entries without a name left out).
        names: Vec<String>,
        /// How many entries there are, named or not.
        count: usize,
    },
    /// A selected image that is not in the file.
    #[error("no image named `{name}` under `images:`")]
    UnknownImage {
        /// The name asked for.
        name: String,
    },
    /// A selected image without a `newTag:` line.
    #[error("image `{name}` has no `newTag:` line: add one to say where the version goes")]
    NoNewTag {
        /// The image's name, `?` when the entry has none.
        name: String,
    },
}

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
    /// The kind of a file, from its name; `None` for a file gate does not edit.
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
) -> Result<String, BumpError> {
    let spans = spans(kind, text, images)?;
    Ok(replace(text, &spans, version))
}

/// The versions the file holds now, where [`bump`] would write (quotes dropped, a leading `v`
/// kept as written): what a caller compares with the new version before lowering it.
pub fn current_versions(
    kind: FileKind,
    text: &str,
    images: &[String],
) -> Result<Vec<String>, BumpError> {
    Ok(spans(kind, text, images)?
        .into_iter()
        .map(|span| text[span].trim_matches(['"', '\'']).to_owned())
        .collect())
}

fn spans(kind: FileKind, text: &str, images: &[String]) -> Result<Vec<Range<usize>>, BumpError> {
    Ok(match kind {
        FileKind::PyProject => pyproject_spans(text)?,
        FileKind::Cargo => cargo_spans(text)?,
        FileKind::PackageJson => vec![package_json_span(text)?],
        FileKind::Kustomization => kustomization_spans(text, images)?,
    })
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
fn string_span(
    table: Option<&VersionTable>,
    key: &'static str,
) -> Result<Option<Range<usize>>, BumpError> {
    let Some(value) = table.and_then(|table| table.version.as_ref()) else {
        return Ok(None);
    };
    match value.get_ref() {
        toml::Value::String(_) => Ok(Some(value.span())),
        other => Err(BumpError::NotAVersionString {
            key,
            value: other.to_string(),
        }),
    }
}

fn pyproject_spans(text: &str) -> Result<Vec<Range<usize>>, BumpError> {
    let parsed: PyProject = toml::from_str(text).map_err(BumpError::Toml)?;
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
        return Err(BumpError::NoPyProjectVersion);
    }
    Ok(spans)
}

fn cargo_spans(text: &str) -> Result<Vec<Range<usize>>, BumpError> {
    let parsed: CargoManifest = toml::from_str(text).map_err(BumpError::Toml)?;
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
        None => Err(BumpError::NoCargoVersion),
    }
}

/// The span of the top-level `"version"` string in a JSON object.
fn package_json_span(text: &str) -> Result<Range<usize>, BumpError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(BumpError::Json)?;
    match value.get("version") {
        Some(serde_json::Value::String(_)) => {}
        Some(other) => {
            return Err(BumpError::JsonVersionNotAString {
                value: other.to_string(),
            });
        }
        None => return Err(BumpError::NoJsonVersion),
    }
    let mut scanner = JsonScanner {
        bytes: text.as_bytes(),
        at: 0,
    };
    scanner
        .top_level_value("version")
        .ok_or(BumpError::JsonVersionNotLocated)
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
fn kustomization_spans(text: &str, images: &[String]) -> Result<Vec<Range<usize>>, BumpError> {
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
                    return Err(BumpError::FlowStyleImages);
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
        return Err(BumpError::NoImages);
    }
    let selected: Vec<&ImageEntry> = if images.is_empty() {
        if entries.len() > 1 {
            let names = entries.iter().filter_map(|e| e.name.clone()).collect();
            return Err(BumpError::AmbiguousImages {
                names,
                count: entries.len(),
            });
        }
        entries.iter().collect()
    } else {
        let mut selected = Vec::new();
        for wanted in images {
            let entry = entries
                .iter()
                .find(|entry| entry.name.as_deref() == Some(wanted.as_str()))
                .ok_or_else(|| BumpError::UnknownImage {
                    name: wanted.clone(),
                })?;
            selected.push(entry);
        }
        selected
    };
    selected
        .into_iter()
        .map(|entry| {
            entry.new_tag.clone().ok_or_else(|| BumpError::NoNewTag {
                name: entry.name.as_deref().unwrap_or("?").to_owned(),
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

    /// The message and its causes on one line, as the CLI prints them after the file name.
    fn chain(error: &BumpError) -> String {
        let mut text = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        text
    }

    #[test]
    fn errors_read_as_the_cli_prints_them() {
        let image = |name: &str| vec![name.to_owned()];
        let cases: &[(FileKind, &str, Vec<String>, &str)] = &[
            (
                FileKind::Cargo,
                "[package]\nname = \"m\"\nversion.workspace = true\n",
                vec![],
                "[package] version is `{ workspace = true }`, not a version string: set the version where it is defined",
            ),
            (
                FileKind::Cargo,
                "[package]\nname = \"m\"\n",
                vec![],
                "no `version` in [package] or [workspace.package]",
            ),
            (
                FileKind::PyProject,
                "[project]\nname = \"m\"\ndynamic = [\"version\"]\n",
                vec![],
                "no `version` in [project] or [tool.poetry] (a `dynamic` version is set by the build backend)",
            ),
            (
                FileKind::PyProject,
                "[tool.poetry]\nversion = 1\n",
                vec![],
                "[tool.poetry] version is `1`, not a version string: set the version where it is defined",
            ),
            (
                FileKind::PackageJson,
                "{\"name\": \"x\", \"version\": {\"not\": \"a string\"}}",
                vec![],
                "\"version\" is `{\"not\":\"a string\"}`, not a string",
            ),
            (
                FileKind::PackageJson,
                "{\"name\": \"x\"}",
                vec![],
                "no top-level \"version\"",
            ),
            (
                FileKind::PackageJson,
                "{\"name\": ",
                vec![],
                "not valid JSON: EOF while parsing a value at line 1 column 9",
            ),
            (
                FileKind::Kustomization,
                "images: [{name: app, newTag: '1'}]\n",
                vec![],
                "`images:` is written in flow style; gate edits the block style kustomize writes (`- name: …` lines)",
            ),
            (
                FileKind::Kustomization,
                "resources:\n- a.yaml\n",
                vec![],
                "no `images:` entries to set a `newTag` on",
            ),
            (
                FileKind::Kustomization,
                "images:\n- name: app\n  newTag: '1'\n- newTag: '1'\n- name: db\n",
                vec![],
                "3 images (app, db): pass --image NAME to say which carry the version",
            ),
            (
                FileKind::Kustomization,
                "images:\n- name: app\n  newTag: '1'\n",
                image("web"),
                "no image named `web` under `images:`",
            ),
            (
                FileKind::Kustomization,
                "images:\n- name: app\n  newName: x\n",
                image("app"),
                "image `app` has no `newTag:` line: add one to say where the version goes",
            ),
        ];
        for (kind, text, images, expected) in cases {
            let error = bump(*kind, text, "1.2.3", images).unwrap_err();
            assert_eq!(chain(&error), *expected, "{text}");
        }
        let error = bump(FileKind::Cargo, "[package", "1.2.3", &[]).unwrap_err();
        assert!(
            chain(&error).starts_with("not valid TOML: TOML parse error at line 1"),
            "{}",
            chain(&error)
        );
    }
}
