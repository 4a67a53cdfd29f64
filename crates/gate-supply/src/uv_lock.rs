//! `uv.lock`.

use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::dependency::LineIndex;
use crate::read_error::ReadError;
use crate::{Dependency, Ecosystem, Origin, Relation, VersionSpec};

const FORMAT: &str = "uv.lock";

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    package: Vec<Package>,
}

#[derive(Deserialize)]
struct Package {
    name: Spanned<String>,
    version: Option<String>,
    #[serde(default)]
    source: toml::Table,
    #[serde(default)]
    dependencies: Vec<Edge>,
    #[serde(default, rename = "optional-dependencies")]
    optional: toml::Table,
    #[serde(default, rename = "dev-dependencies")]
    dev: toml::Table,
}

#[derive(Deserialize)]
struct Edge {
    name: String,
}

fn origin(source: &toml::Table) -> Origin {
    let text = |key: &str| {
        source
            .get(key)
            .and_then(toml::Value::as_str)
            .map(str::to_owned)
    };
    if let Some(url) = text("registry") {
        Origin::Registry(Some(url))
    } else if let Some(url) = text("git") {
        Origin::Git(url)
    } else if let Some(url) = text("url") {
        Origin::Url(url)
    } else if source.is_empty() {
        Origin::Registry(None)
    } else {
        // `editable`, `virtual`, `path`, `directory`: the project or a local checkout.
        Origin::Local
    }
}

/// Names listed under an `optional-dependencies`/`dev-dependencies` table of edge arrays.
fn edge_names(table: &toml::Table) -> impl Iterator<Item = &str> {
    table
        .values()
        .filter_map(toml::Value::as_array)
        .flatten()
        .filter_map(|edge| edge.get("name").and_then(toml::Value::as_str))
}

/// Parses a `uv.lock`. The project's own (editable or virtual) packages are [`Origin::Local`];
/// what they depend on is [`Relation::Direct`].
pub fn parse_uv_lock(text: &str, path: &Path) -> Result<Vec<Dependency>, ReadError> {
    let lock: Lock = toml::from_str(text).map_err(|e| ReadError::toml(path, text, FORMAT, e))?;
    let lines = LineIndex::new(text);
    let origins: Vec<Origin> = lock.package.iter().map(|p| origin(&p.source)).collect();
    let direct: HashSet<String> = lock
        .package
        .iter()
        .zip(&origins)
        .filter(|(_, origin)| **origin == Origin::Local)
        .flat_map(|(p, _)| {
            p.dependencies
                .iter()
                .map(|e| e.name.as_str())
                .chain(edge_names(&p.optional))
                .chain(edge_names(&p.dev))
        })
        .map(|name| Ecosystem::PyPI.normalise_name(name))
        .collect();
    let has_root = origins.contains(&Origin::Local);
    Ok(lock
        .package
        .into_iter()
        .zip(origins)
        .map(|(p, origin)| {
            let name = Ecosystem::PyPI.normalise_name(p.name.get_ref());
            let relation = if origin == Origin::Local || direct.contains(&name) {
                Relation::Direct
            } else if has_root {
                Relation::Transitive
            } else {
                Relation::Unknown
            };
            let version = p
                .version
                .map_or_else(|| VersionSpec::Unpinned(String::new()), VersionSpec::Pinned);
            Dependency::new(
                Ecosystem::PyPI,
                &name,
                version,
                path,
                Some(lines.line(p.name.span().start)),
            )
            .with_relation(relation)
            .with_origin(origin)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_dependencies_are_direct() {
        let text = r#"version = 1
requires-python = ">=3.12"

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "urllib3" }]

[[package]]
name = "urllib3"
version = "1.26.4"
source = { registry = "https://example.invalid/simple" }
dependencies = [{ name = "idna" }]

[[package]]
name = "idna"
version = "2.5"
source = { registry = "https://example.invalid/simple" }
"#;
        let deps = parse_uv_lock(text, Path::new("uv.lock")).unwrap();
        let got: Vec<_> = deps
            .iter()
            .map(|d| (d.name.as_str(), d.relation, d.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("app", Relation::Direct, Some(5)),
                ("urllib3", Relation::Direct, Some(11)),
                ("idna", Relation::Transitive, Some(17)),
            ]
        );
        assert_eq!(deps[0].origin, Origin::Local);
    }
}
