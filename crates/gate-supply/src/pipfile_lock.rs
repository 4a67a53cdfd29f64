//! `Pipfile.lock` (pipenv).

use std::path::Path;

use serde::Deserialize;

use crate::dependency::LineIndex;
use crate::json_lines::find_key;
use crate::read_error::ReadError;
use crate::requirements::parse_requirements;
use crate::{Dependency, Ecosystem, Origin, VersionSpec};

const FORMAT: &str = "Pipfile.lock";

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    default: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    develop: serde_json::Map<String, serde_json::Value>,
}

/// Parses a `Pipfile.lock`: both the `default` and the `develop` sections.
///
/// A `version` is a requirement string (`==1.2.3`); git, path and editable entries have none and
/// are [`VersionSpec::Unpinned`].
pub fn parse_pipfile_lock(text: &str, path: &Path) -> Result<Vec<Dependency>, ReadError> {
    let lock: Lock = serde_json::from_str(text).map_err(|e| ReadError::json(path, FORMAT, e))?;
    let lines = LineIndex::new(text);
    let mut out = Vec::new();
    for (section, entries) in [("default", &lock.default), ("develop", &lock.develop)] {
        let section_start = find_key(text, &lines, section, 0).map_or(0, |(_, end)| end);
        for (name, entry) in entries {
            let line = find_key(text, &lines, name, section_start).map(|(line, _)| line);
            let field = |key: &str| entry.get(key).and_then(serde_json::Value::as_str);
            let (version, origin) = if let Some(url) = field("git") {
                (
                    VersionSpec::Unpinned(url.to_owned()),
                    Origin::Git(url.to_owned()),
                )
            } else if let Some(local) = field("path").or_else(|| field("file")) {
                (VersionSpec::Unpinned(local.to_owned()), Origin::Local)
            } else {
                let spec = field("version").unwrap_or_default();
                // Reuse the requirements grammar so `==`, `===` and wildcards mean the same.
                let requirement = format!("{name}{spec}");
                let parsed = parse_requirements(&requirement, path).map_err(|_| {
                    ReadError::InvalidRequirement {
                        path: path.to_owned(),
                        line: line.unwrap_or(1),
                        text: requirement.clone(),
                    }
                })?;
                let version = parsed
                    .dependencies
                    .into_iter()
                    .next()
                    .map_or(VersionSpec::Unpinned(String::new()), |d| d.version);
                let index = field("index").map(str::to_owned);
                (version, Origin::Registry(index))
            };
            out.push(
                Dependency::new(Ecosystem::PyPI, name, version, path, line).with_origin(origin),
            );
        }
    }
    // serde_json maps are sorted by key: file order reads better in reports.
    out.sort_by_key(|d| d.line);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_sections_with_lines() {
        let text = r#"{
    "_meta": {"hash": {"sha256": "x"}},
    "default": {
        "requests": {
            "hashes": ["sha256:abc"],
            "index": "pypi",
            "version": "==2.19.1"
        },
        "mylib": {"editable": true, "path": "."}
    },
    "develop": {
        "requests": {"version": "==2.31.0"}
    }
}"#;
        let deps = parse_pipfile_lock(text, Path::new("Pipfile.lock")).unwrap();
        let got: Vec<_> = deps
            .iter()
            .map(|d| (d.name.as_str(), d.version.pinned(), d.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("requests", Some("2.19.1"), Some(4)),
                ("mylib", None, Some(9)),
                ("requests", Some("2.31.0"), Some(12)),
            ]
        );
        let err = parse_pipfile_lock("{\n\"default\": 3}", Path::new("Pipfile.lock")).unwrap_err();
        assert!(err.to_string().starts_with("Pipfile.lock:2:"), "{err}");
    }
}
