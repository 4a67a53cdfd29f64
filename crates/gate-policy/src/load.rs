//! Loaders: the only code that reads files, and only the files and directories it is given.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::PolicyError;
use crate::parse::{self, Format, display_path};

/// One Rego module's text and the path it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicySource {
    /// The path as found (with `/` separators); errors, coverage and verify results name it.
    pub path: String,
    /// The Rego text.
    pub text: String,
}

impl PolicySource {
    /// A module from text in memory.
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> PolicySource {
        PolicySource {
            path: path.into(),
            text: text.into(),
        }
    }

    /// Whether this is a test module (`*_test.rego`), which `test` skips and `verify` loads.
    pub fn is_test(&self) -> bool {
        self.path.ends_with("_test.rego")
    }
}

/// Reads every `.rego` file under `paths` (files as given, directories recursively, in sorted
/// order). `include_tests` keeps `*_test.rego` files, as `verify` needs.
pub fn load_policies(
    paths: &[PathBuf],
    include_tests: bool,
) -> Result<Vec<PolicySource>, PolicyError> {
    let mut files = Vec::new();
    for path in paths {
        walk(path, &mut files, &|file| {
            file.extension()
                .is_some_and(|extension| extension == "rego")
        })?;
    }
    let mut sources = Vec::with_capacity(files.len());
    for file in files {
        let text = read(&file)?;
        let source = PolicySource::new(display_path(&file), text);
        if include_tests || !source.is_test() {
            sources.push(source);
        }
    }
    if sources.is_empty() {
        return Err(PolicyError::NoPolicies {
            paths: paths
                .iter()
                .map(|path| display_path(path))
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    Ok(sources)
}

/// Reads the data documents (`.json`, `.yaml`, `.yml`) under `paths` into one `data` tree.
///
/// Like OPA's loader, a file in a subdirectory of a given directory is placed under that
/// subdirectory's path (`data/k8s/x.yaml` given `data` → `data.k8s`); objects merge, and two files
/// setting the same leaf are an error.
pub fn load_data(paths: &[PathBuf]) -> Result<Value, PolicyError> {
    let mut root = Value::Object(Map::new());
    for base in paths {
        let mut files = Vec::new();
        walk(base, &mut files, &|file| {
            matches!(
                file.extension().and_then(|e| e.to_str()),
                Some("json" | "yaml" | "yml")
            )
        })?;
        for file in files {
            let text = read(&file)?;
            let format = Format::detect(&file).unwrap_or(Format::Json);
            let shown = display_path(&file);
            let parsed = parse::parse(format, &shown, &text)?;
            let prefix: Vec<String> = file
                .parent()
                .and_then(|parent| parent.strip_prefix(base).ok())
                .map(|relative| {
                    relative
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default();
            let mut value = parsed.value();
            for key in prefix.iter().rev() {
                let mut wrapper = Map::new();
                wrapper.insert(key.clone(), value);
                value = Value::Object(wrapper);
            }
            merge(&mut root, value).map_err(|key| PolicyError::Data {
                path: shown.clone(),
                message: if key.is_empty() {
                    "a data document must be an object (or sit in a subdirectory)".to_owned()
                } else {
                    format!("merge error: {key:?} is already set by another data file")
                },
            })?;
        }
    }
    Ok(root)
}

/// The input files under `paths`: files as given, and in directories every file whose format
/// conftest would detect, sorted. `-` is kept as is (standard input, read by the caller).
pub fn find_inputs(paths: &[PathBuf]) -> Result<Vec<PathBuf>, PolicyError> {
    find_inputs_ignoring(paths, &|_| false)
}

/// [`find_inputs`], leaving out files found in directories whose path (with `/` separators)
/// `ignore` accepts — conftest's `--ignore` regular expression, which, like here, never drops a
/// file named explicitly.
pub fn find_inputs_ignoring(
    paths: &[PathBuf],
    ignore: &dyn Fn(&str) -> bool,
) -> Result<Vec<PathBuf>, PolicyError> {
    let mut files = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            files.push(path.clone());
            continue;
        }
        let metadata = std::fs::metadata(path).map_err(|source| PolicyError::Read {
            path: path.clone(),
            source,
        })?;
        if metadata.is_dir() {
            walk(path, &mut files, &|file| {
                Format::detect(file).is_some() && !ignore(&display_path(file))
            })?;
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn merge(into: &mut Value, from: Value) -> Result<(), String> {
    match (into, from) {
        (Value::Object(target), Value::Object(source)) => {
            for (key, value) in source {
                match target.get_mut(&key) {
                    Some(existing) if existing.is_object() && value.is_object() => {
                        merge(existing, value)?;
                    }
                    Some(_) => return Err(key),
                    None => {
                        target.insert(key, value);
                    }
                }
            }
            Ok(())
        }
        (_, _) => Err(String::new()),
    }
}

fn read(path: &Path) -> Result<String, PolicyError> {
    gate_core::read_to_string_capped(path, crate::parse::MAX_FILE_BYTES).map_err(|source| {
        PolicyError::Read {
            path: path.to_owned(),
            source,
        }
    })
}

/// Collects matching files under `path` in sorted order. Symbolic links to directories are not
/// followed, so a link cycle cannot loop.
fn walk(
    path: &Path,
    files: &mut Vec<PathBuf>,
    keep: &dyn Fn(&Path) -> bool,
) -> Result<(), PolicyError> {
    let metadata = std::fs::metadata(path).map_err(|source| PolicyError::Read {
        path: path.to_owned(),
        source,
    })?;
    if !metadata.is_dir() {
        if keep(path) {
            files.push(path.to_owned());
        }
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|source| PolicyError::Read {
            path: path.to_owned(),
            source,
        })?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    entries.sort();
    for entry in entries {
        let is_link = std::fs::symlink_metadata(&entry).is_ok_and(|m| m.file_type().is_symlink());
        if entry.is_dir() {
            if !is_link {
                walk(&entry, files, keep)?;
            }
        } else if keep(&entry) {
            files.push(entry);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_directories_become_prefixes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("k8s")).unwrap();
        std::fs::write(dir.path().join("top.json"), r#"{"a": 1}"#).unwrap();
        std::fs::write(dir.path().join("k8s/kinds.yaml"), "kinds: [Pod]\n").unwrap();
        let data = load_data(&[dir.path().to_owned()]).unwrap();
        assert_eq!(data, serde_json::json!({"a": 1, "k8s": {"kinds": ["Pod"]}}));
    }

    #[test]
    fn conflicting_data_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.json"), r#"{"a": 1}"#).unwrap();
        std::fs::write(dir.path().join("b.json"), r#"{"a": 2}"#).unwrap();
        assert!(load_data(&[dir.path().to_owned()]).is_err());
    }

    #[test]
    fn inputs_are_detected_sorted_and_ignorable() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("sub")).unwrap();
        for name in ["b.yaml", "a.json", "notes.md", "sub/c.tf", "sub/skip.yaml"] {
            std::fs::write(dir.path().join(name), "{}").unwrap();
        }
        let found = find_inputs_ignoring(&[dir.path().to_owned()], &|path| {
            path.ends_with("skip.yaml")
        })
        .unwrap();
        let names: Vec<String> = found
            .iter()
            .map(|p| display_path(p.strip_prefix(dir.path()).unwrap()))
            .collect();
        assert_eq!(names, vec!["a.json", "b.yaml", "sub/c.tf"]);
        assert!(find_inputs(&[dir.path().join("missing.yaml")]).is_err());
    }

    #[test]
    fn policies_skip_tests_unless_asked() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.rego"), "package main\n").unwrap();
        std::fs::write(dir.path().join("a_test.rego"), "package main\n").unwrap();
        std::fs::write(dir.path().join("notes.md"), "x").unwrap();
        assert_eq!(
            load_policies(&[dir.path().to_owned()], false)
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            load_policies(&[dir.path().to_owned()], true).unwrap().len(),
            2
        );
        assert!(load_policies(&[dir.path().join("none")], true).is_err());
    }
}
