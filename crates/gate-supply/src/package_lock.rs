//! npm `package-lock.json`, lockfile versions 2 and 3 (the `packages` map).

use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;

use crate::dependency::LineIndex;
use crate::json_lines::find_key;
use crate::read_error::ReadError;
use crate::{Dependency, Ecosystem, Origin, Relation, VersionSpec};

const FORMAT: &str = "package-lock.json";

#[derive(Deserialize)]
struct Lock {
    #[serde(rename = "lockfileVersion")]
    lockfile_version: Option<serde_json::Value>,
    #[serde(default)]
    packages: serde_json::Map<String, serde_json::Value>,
}

/// Root dependency lists whose members are direct dependencies.
const ROOT_LISTS: &[&str] = &[
    "dependencies",
    "devDependencies",
    "optionalDependencies",
    "peerDependencies",
];

/// Parses a `package-lock.json` v2/v3. Each `node_modules/…` key is one installed copy, nested
/// ones included (`node_modules/a/node_modules/b` is a second copy of `b`); workspace folders and
/// links are [`Origin::Local`].
pub fn parse_package_lock(text: &str, path: &Path) -> Result<Vec<Dependency>, ReadError> {
    let lock: Lock = serde_json::from_str(text).map_err(|e| ReadError::json(path, FORMAT, e))?;
    let lines = LineIndex::new(text);
    let version = lock
        .lockfile_version
        .as_ref()
        .and_then(serde_json::Value::as_u64);
    if !matches!(version, Some(2 | 3)) {
        return Err(ReadError::UnsupportedVersion {
            path: path.to_owned(),
            format: FORMAT,
            version: lock
                .lockfile_version
                .map_or_else(|| "(none)".to_owned(), |v| v.to_string()),
        });
    }
    let root = lock.packages.get("");
    let direct: HashSet<&str> = ROOT_LISTS
        .iter()
        .filter_map(|list| {
            root.and_then(|r| r.get(list))
                .and_then(serde_json::Value::as_object)
        })
        .flat_map(|deps| deps.keys().map(String::as_str))
        .collect();
    let packages_start = find_key(text, &lines, "packages", 0).map_or(0, |(_, end)| end);
    let mut out = Vec::new();
    for (key, entry) in &lock.packages {
        let Some(at) = key.rfind("node_modules/") else {
            continue; // the root project, or a workspace folder listed by path
        };
        let installed_as = &key[at + "node_modules/".len()..];
        let name = entry
            .get("name")
            .and_then(serde_json::Value::as_str)
            .unwrap_or(installed_as);
        let line = find_key(text, &lines, key, packages_start).map(|(line, _)| line);
        let field = |k: &str| entry.get(k).and_then(serde_json::Value::as_str);
        let is_link = entry.get("link").and_then(serde_json::Value::as_bool) == Some(true);
        let resolved = field("resolved").unwrap_or_default();
        let origin = if is_link || resolved.starts_with("file:") {
            Origin::Local
        } else if resolved.starts_with("git") {
            Origin::Git(resolved.to_owned())
        } else {
            Origin::Registry((!resolved.is_empty()).then(|| resolved.to_owned()))
        };
        let version = match field("version") {
            Some(v) if !is_link => VersionSpec::Pinned(v.to_owned()),
            _ => VersionSpec::Unpinned(resolved.to_owned()),
        };
        let top_level = at == 0;
        let relation = if top_level && direct.contains(installed_as) {
            Relation::Direct
        } else {
            Relation::Transitive
        };
        out.push(
            Dependency::new(Ecosystem::Npm, name, version, path, line)
                .with_relation(relation)
                .with_origin(origin),
        );
    }
    // serde_json maps are sorted by key: file order reads better in reports.
    out.sort_by_key(|d| d.line);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"{
  "name": "app",
  "lockfileVersion": 3,
  "packages": {
    "": {"name": "app", "dependencies": {"lodash": "^4.17.0", "@scope/pkg": "1"}},
    "node_modules/lodash": {"version": "4.17.20", "resolved": "https://example.invalid/lodash-4.17.20.tgz"},
    "node_modules/@scope/pkg": {"version": "1.0.0"},
    "node_modules/@scope/pkg/node_modules/lodash": {"version": "3.10.1"},
    "node_modules/alias": {"name": "minimist", "version": "1.2.0"},
    "packages/local": {"version": "0.0.1"},
    "node_modules/local": {"resolved": "packages/local", "link": true}
  }
}"#;

    #[test]
    fn reads_nested_scoped_aliased_and_linked_packages() {
        let deps = parse_package_lock(LOCK, Path::new("package-lock.json")).unwrap();
        let got: Vec<_> = deps
            .iter()
            .map(|d| (d.name.as_str(), d.version.pinned(), d.line, d.relation))
            .collect();
        assert_eq!(
            got,
            vec![
                ("lodash", Some("4.17.20"), Some(6), Relation::Direct),
                ("@scope/pkg", Some("1.0.0"), Some(7), Relation::Direct),
                ("lodash", Some("3.10.1"), Some(8), Relation::Transitive),
                ("minimist", Some("1.2.0"), Some(9), Relation::Transitive),
                ("local", None, Some(11), Relation::Transitive),
            ]
        );
        assert_eq!(deps[4].origin, Origin::Local);
    }

    #[test]
    fn v1_is_refused() {
        let err = parse_package_lock(
            "{\"lockfileVersion\": 1, \"dependencies\": {}}",
            Path::new("package-lock.json"),
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("unsupported package-lock.json version 1")
        );
    }
}
