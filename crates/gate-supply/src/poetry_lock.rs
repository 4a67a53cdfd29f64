//! `poetry.lock`.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::dependency::LineIndex;
use crate::read_error::ReadError;
use crate::{Dependency, Ecosystem, Origin, VersionSpec};

const FORMAT: &str = "poetry.lock";

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    package: Vec<Package>,
}

#[derive(Deserialize)]
struct Package {
    name: Spanned<String>,
    version: String,
    source: Option<Source>,
}

#[derive(Deserialize)]
struct Source {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    url: String,
}

/// Parses a `poetry.lock`. Poetry does not record which packages are direct.
pub fn parse_poetry_lock(text: &str, path: &Path) -> Result<Vec<Dependency>, ReadError> {
    let lock: Lock = toml::from_str(text).map_err(|e| ReadError::toml(path, text, FORMAT, e))?;
    let lines = LineIndex::new(text);
    Ok(lock
        .package
        .into_iter()
        .map(|p| {
            let origin = match p.source {
                None => Origin::Registry(None),
                Some(source) => match source.kind.as_str() {
                    "git" => Origin::Git(source.url),
                    "directory" | "file" => Origin::Local,
                    "url" => Origin::Url(source.url),
                    _ => Origin::Registry(Some(source.url)),
                },
            };
            Dependency::new(
                Ecosystem::PyPI,
                p.name.get_ref(),
                VersionSpec::Pinned(p.version),
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
    fn reads_packages_and_sources() {
        let text = "[[package]]\nname = \"Jinja2\"\nversion = \"2.10\"\noptional = false\n\n[package.source]\ntype = \"git\"\nurl = \"https://example.invalid/j.git\"\n\n[[package]]\nname = \"six\"\nversion = \"1.16.0\"\n\n[metadata]\nlock-version = \"2.0\"\n";
        let deps = parse_poetry_lock(text, Path::new("poetry.lock")).unwrap();
        assert_eq!(deps[0].name, "jinja2");
        assert!(matches!(deps[0].origin, Origin::Git(_)));
        assert_eq!(deps[1].line, Some(11));
        assert!(parse_poetry_lock("[[package]]\nname = 1\n", Path::new("poetry.lock")).is_err());
    }
}
