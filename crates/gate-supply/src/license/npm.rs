//! npm: `license` (and the legacy `licenses` array) in `package.json`, and a walk over a
//! `node_modules` tree.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::record::{Declared, LicenseRecord, LicenseSource};
use super::text::TextClassifier;
use crate::Ecosystem;
use crate::dependency::LineIndex;
use crate::json_lines::find_key;
use crate::read_error::{ReadError, read_text};

/// Nested `node_modules` deeper than this are not followed: real trees stay far below it, and
/// it bounds the walk.
const MAX_DEPTH: usize = 64;

/// The license statements of one `package.json` text: `license` as a string or a legacy
/// `{ "type": … }` object; `SEE LICENSE IN <file>` as a license file next to it; the legacy
/// `licenses` array (of strings or `{ "type": … }`) as alternatives, joined with `; `.
pub fn package_json_license(text: &str, path: &Path) -> Result<LicenseRecord, ReadError> {
    let json: Value = serde_json::from_str(text)
        .map_err(|source| ReadError::json(path, "package.json", source))?;
    let field = |name: &'static str| {
        json.get(name)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
            .ok_or(ReadError::MissingMetadata {
                path: path.to_owned(),
                field: name,
            })
    };
    let name = field("name")?;
    let version = json.get("version").and_then(Value::as_str).unwrap_or("");
    let mut record = LicenseRecord::new(name, version, Ecosystem::Npm, path);
    let type_of = |value: &Value| match value {
        Value::String(text) => Some(text.clone()),
        Value::Object(object) => object
            .get("type")
            .and_then(Value::as_str)
            .map(str::to_owned),
        _ => None,
    };
    let lines = LineIndex::new(text);
    let line_of = |key: &str| find_key(text, &lines, key, 0).map(|(line, _)| line);
    if let Some(license) = json.get("license").and_then(type_of) {
        let trimmed = license.trim();
        let see = trimmed
            .strip_prefix("SEE LICENSE IN ")
            .or_else(|| trimmed.strip_prefix("SEE LICENCE IN "));
        match see {
            Some(file) => {
                let dir = path.parent().unwrap_or(Path::new(""));
                record.declared.push(Declared {
                    source: LicenseSource::LicenseFile(dir.join(file.trim())),
                    value: license.clone(),
                    line: line_of("license"),
                    detected: None,
                });
            }
            None => record.declared.push(Declared::value(
                LicenseSource::NpmLicense,
                license,
                line_of("license"),
            )),
        }
    }
    if let Some(Value::Array(items)) = json.get("licenses") {
        let types: Vec<String> = items.iter().filter_map(type_of).collect();
        if !types.is_empty() {
            record.declared.push(Declared::value(
                LicenseSource::NpmLicenses,
                types.join("; "),
                line_of("licenses"),
            ));
        }
    }
    Ok(record)
}

/// Reads every package under a `node_modules` directory: `name/package.json`,
/// `@scope/name/package.json`, and nested `node_modules` below them, sorted by path.
/// Symbolic links (workspace links) are not followed: they point at local code. With a
/// classifier, `SEE LICENSE IN` files are classified.
///
/// Only the tree must be readable: a `package.json` that cannot be read or parsed gets a
/// record named after its directory with a [`LicenseSource::Unreadable`] statement, so that
/// package is `unknown` and every other package is still judged.
pub fn read_node_modules(
    dir: &Path,
    classifier: Option<&TextClassifier>,
) -> Result<Vec<LicenseRecord>, ReadError> {
    let mut manifests = Vec::new();
    walk(dir, 0, &mut manifests)?;
    manifests.sort();
    let mut records: Vec<LicenseRecord> = manifests
        .iter()
        .map(|manifest| {
            read_text(manifest)
                .and_then(|text| package_json_license(&text, manifest))
                .unwrap_or_else(|error| unreadable_manifest(manifest, &error))
        })
        .collect();
    if let Some(classifier) = classifier {
        super::classify_license_files(&mut records, classifier);
    }
    if let Some(lock) = Lockfile::beside(dir) {
        for record in &mut records {
            record.locked_at = lock.entry(dir, &record.path);
        }
    }
    Ok(records)
}

/// The npm lockfile of a `node_modules` tree, for the line of each package's entry: the
/// project's `package-lock.json` beside the tree, else npm's hidden `.package-lock.json`
/// inside it (same format and keys). Only lines are taken from it: the packages judged are the
/// ones installed.
struct Lockfile {
    path: PathBuf,
    text: String,
    lines: LineIndex,
    packages_start: usize,
}

impl Lockfile {
    fn beside(node_modules: &Path) -> Option<Lockfile> {
        let project = node_modules.parent().unwrap_or(Path::new(""));
        [
            project.join("package-lock.json"),
            node_modules.join(".package-lock.json"),
        ]
        .into_iter()
        .find_map(|path| {
            // An unreadable lockfile costs only the line numbers.
            let text = read_text(&path).ok()?;
            let lines = LineIndex::new(&text);
            let packages_start = find_key(&text, &lines, "packages", 0)?.1;
            Some(Lockfile {
                path,
                text,
                lines,
                packages_start,
            })
        })
    }

    /// The lockfile and line of the package whose `package.json` is `manifest`: its key is the
    /// package directory relative to the project (`node_modules/a/node_modules/@s/b`).
    fn entry(&self, node_modules: &Path, manifest: &Path) -> Option<(PathBuf, u32)> {
        let project = node_modules.parent().unwrap_or(Path::new(""));
        let package = manifest.parent()?.strip_prefix(project).ok()?;
        let key = package
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let (line, _) = find_key(&self.text, &self.lines, &key, self.packages_start)?;
        Some((self.path.clone(), line))
    }
}

/// The record of a package whose `package.json` could not be read: named after its directory
/// (`@scope/name` for a scoped one), with why.
fn unreadable_manifest(manifest: &Path, error: &ReadError) -> LicenseRecord {
    let package = manifest.parent().unwrap_or(Path::new(""));
    let name = package
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let scope = package
        .parent()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|scope| scope.starts_with('@'));
    let name = match scope {
        Some(scope) => format!("{scope}/{name}"),
        None => name,
    };
    let mut record = LicenseRecord::new(name, "", Ecosystem::Npm, manifest);
    record.declared.push(Declared::value(
        LicenseSource::Unreadable(manifest.to_owned()),
        gate_core::error_chain(error),
        None,
    ));
    record
}

fn walk(node_modules: &Path, depth: usize, out: &mut Vec<PathBuf>) -> Result<(), ReadError> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    for package in package_dirs(node_modules)? {
        let manifest = package.join("package.json");
        if manifest.is_file() {
            out.push(manifest);
        }
        let nested = package.join("node_modules");
        if is_real_dir(&nested) {
            walk(&nested, depth + 1, out)?;
        }
    }
    Ok(())
}

fn package_dirs(node_modules: &Path) -> Result<Vec<PathBuf>, ReadError> {
    let io = |source| ReadError::Io {
        path: node_modules.to_owned(),
        source,
    };
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(node_modules).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || !is_real_dir(&path) {
            continue;
        }
        if name.starts_with('@') {
            let scope_io = |source| ReadError::Io {
                path: path.clone(),
                source,
            };
            for scoped in std::fs::read_dir(&path).map_err(scope_io)? {
                let scoped = scoped.map_err(scope_io)?.path();
                if is_real_dir(&scoped) {
                    dirs.push(scoped);
                }
            }
        } else {
            dirs.push(path);
        }
    }
    Ok(dirs)
}

fn is_real_dir(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}
