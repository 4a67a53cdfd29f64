//! `pylock.toml` (PEP 751).

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::dependency::LineIndex;
use crate::read_error::ReadError;
use crate::{Dependency, Ecosystem, Origin, VersionSpec};

const FORMAT: &str = "pylock.toml";

#[derive(Deserialize)]
struct Lock {
    #[serde(rename = "lock-version")]
    lock_version: String,
    #[serde(default)]
    packages: Vec<Package>,
}

#[derive(Deserialize)]
struct Package {
    name: Spanned<String>,
    version: Option<String>,
    index: Option<String>,
    vcs: Option<toml::Table>,
    directory: Option<toml::Table>,
    archive: Option<toml::Table>,
}

/// Parses a PEP 751 `pylock.toml` (lock-version 1.x). A package without `version` (a VCS or
/// directory source) is [`VersionSpec::Unpinned`].
pub fn parse_pylock(text: &str, path: &Path) -> Result<Vec<Dependency>, ReadError> {
    let lock: Lock = toml::from_str(text).map_err(|e| ReadError::toml(path, text, FORMAT, e))?;
    let lines = LineIndex::new(text);
    if lock.lock_version.split('.').next() != Some("1") {
        return Err(ReadError::UnsupportedVersion {
            path: path.to_owned(),
            format: FORMAT,
            version: lock.lock_version,
        });
    }
    Ok(lock
        .packages
        .into_iter()
        .map(|p| {
            let url = |t: &toml::Table| {
                t.get("url")
                    .or_else(|| t.get("path"))
                    .and_then(toml::Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            let origin = if let Some(vcs) = &p.vcs {
                Origin::Git(url(vcs))
            } else if p.directory.is_some() {
                Origin::Local
            } else if let Some(archive) = &p.archive {
                Origin::Url(url(archive))
            } else {
                Origin::Registry(p.index.clone())
            };
            let version = p
                .version
                .map_or_else(|| VersionSpec::Unpinned(String::new()), VersionSpec::Pinned);
            Dependency::new(
                Ecosystem::PyPI,
                p.name.get_ref(),
                version,
                path,
                Some(lines.line(p.name.span().start)),
            )
            .with_origin(origin)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_packages_and_checks_lock_version() {
        let text = "lock-version = \"1.0\"\ncreated-by = \"x\"\n\n[[packages]]\nname = \"Pillow\"\nversion = \"9.0.0\"\nindex = \"https://example.invalid/simple\"\n\n[[packages]]\nname = \"local\"\ndirectory = { path = \".\" }\n";
        let deps = parse_pylock(text, Path::new("pylock.toml")).unwrap();
        assert_eq!((deps[0].name.as_str(), deps[0].line), ("pillow", Some(5)));
        assert_eq!(deps[1].origin, Origin::Local);
        assert!(deps[1].version.pinned().is_none());
        let err = parse_pylock("lock-version = \"2.0\"\n", Path::new("pylock.toml")).unwrap_err();
        assert!(err.to_string().contains("unsupported"));
    }
}
