//! Installed Python packages: `*.dist-info/METADATA` in a site-packages directory.

use std::path::{Path, PathBuf};

use crate::read_error::{ReadError, read_text};
use crate::{Dependency, Ecosystem, Origin, VersionSpec};

/// The core-metadata headers of one installed distribution, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    /// `(header, value)` pairs, continuation lines joined; repeated headers repeat.
    pub headers: Vec<(String, String)>,
}

impl Metadata {
    /// The first value of a header (names compare case-insensitively, as in email headers).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Every value of a repeated header (`Classifier`, `License-File`).
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Parses the header block of a `METADATA` file (RFC 822 style; the body after the first blank
/// line is the long description and is ignored). Returns the headers with each one's 1-based line.
pub fn parse_metadata(text: &str) -> (Metadata, Vec<u32>) {
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut lines = Vec::new();
    for (index, line) in text.lines().enumerate() {
        // Only an empty line ends the headers: a whitespace-only line is a continuation (a
        // blank line inside a `License` text), as Python's email parser reads it.
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = headers.last_mut() {
                value.push('\n');
                value.push_str(line.trim());
            }
            continue;
        }
        if let Some((key, value)) = line.split_once(':') {
            headers.push((key.trim().to_owned(), value.trim().to_owned()));
            lines.push(u32::try_from(index + 1).unwrap_or(u32::MAX));
        }
    }
    (Metadata { headers }, lines)
}

/// A distribution's `Name` and `Version` (the first of each header), and the 1-based line of
/// its `Version`.
pub(crate) struct NameVersion<'m> {
    pub(crate) name: &'m str,
    pub(crate) version: &'m str,
    pub(crate) version_line: Option<u32>,
}

/// The `Name` and `Version` of parsed `METADATA` headers (`lines` as [`parse_metadata`] returns
/// them); a missing or empty one is an error naming `path`. The dependency reader and the
/// license reader both use it, so they agree on which package a file describes.
pub(crate) fn name_and_version<'m>(
    metadata: &'m Metadata,
    lines: &[u32],
    path: &Path,
) -> Result<NameVersion<'m>, ReadError> {
    let missing = |field| ReadError::MissingMetadata {
        path: path.to_owned(),
        field,
    };
    let name = metadata
        .get("Name")
        .filter(|n| !n.is_empty())
        .ok_or_else(|| missing("Name"))?;
    let at = metadata
        .headers
        .iter()
        .position(|(key, _)| key.eq_ignore_ascii_case("Version"))
        .filter(|&at| !metadata.headers[at].1.is_empty())
        .ok_or_else(|| missing("Version"))?;
    Ok(NameVersion {
        name,
        version: &metadata.headers[at].1,
        version_line: lines.get(at).copied(),
    })
}

/// The installed package a `METADATA` text describes; `path` names it in locations and errors.
pub fn parse_dist_info(text: &str, path: &Path) -> Result<Dependency, ReadError> {
    let (metadata, lines) = parse_metadata(text);
    let found = name_and_version(&metadata, &lines, path)?;
    Ok(Dependency::new(
        Ecosystem::PyPI,
        found.name,
        VersionSpec::Pinned(found.version.to_owned()),
        path,
        found.version_line,
    ))
}

/// Reads every `*.dist-info/METADATA` directly inside a site-packages directory, sorted by path.
///
/// A distribution installed from a local directory (its `direct_url.json` has `dir_info`) is
/// [`Origin::Local`].
pub fn read_site_packages(dir: &Path) -> Result<Vec<Dependency>, ReadError> {
    dist_info_dirs(dir)?
        .into_iter()
        .map(|info| {
            let metadata = info.join("METADATA");
            let mut dependency = parse_dist_info(&read_text(&metadata)?, &metadata)?;
            // Capped like METADATA: a `direct_url.json` that is a device must not grow memory.
            // Unreadable, the package keeps the registry origin and is audited, never skipped.
            let direct_url = read_text(&info.join("direct_url.json"));
            if direct_url.is_ok_and(|text| text.contains("\"dir_info\"")) {
                dependency.origin = Origin::Local;
            }
            Ok(dependency)
        })
        .collect()
}

/// The `*.dist-info` directories directly inside a site-packages directory, sorted by path.
pub(crate) fn dist_info_dirs(dir: &Path) -> Result<Vec<PathBuf>, ReadError> {
    let io = |source| ReadError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut infos: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|p| p.extension().is_some_and(|e| e == "dist-info") && p.is_dir())
        .collect();
    infos.sort();
    Ok(infos)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `direct_url.json` that never ends (a link to `/dev/zero`) stops at the size cap; the
    /// package is still read, with the registry origin, so it is audited.
    #[cfg(unix)]
    #[test]
    fn an_endless_direct_url_is_capped_and_the_package_kept() {
        let site = tempfile::tempdir().unwrap();
        let info = site.path().join("urllib3-2.0.6.dist-info");
        std::fs::create_dir(&info).unwrap();
        std::fs::write(info.join("METADATA"), "Name: urllib3\nVersion: 2.0.6\n").unwrap();
        std::os::unix::fs::symlink("/dev/zero", info.join("direct_url.json")).unwrap();
        let dependencies = read_site_packages(site.path()).unwrap();
        assert_eq!(dependencies.len(), 1);
        assert_ne!(dependencies[0].origin, Origin::Local);
    }

    #[test]
    fn reads_name_and_version_lines() {
        let text = "Metadata-Version: 2.1\nName: Jinja2\nVersion: 2.10\nClassifier: A\nClassifier: B\n  continued\n\nName: not-a-header\n";
        let dep = parse_dist_info(text, Path::new("sp/Jinja2-2.10.dist-info/METADATA")).unwrap();
        assert_eq!(
            (dep.name.as_str(), dep.version.pinned(), dep.line),
            ("jinja2", Some("2.10"), Some(3))
        );
        let (metadata, _) = parse_metadata(text);
        assert_eq!(
            metadata.all("classifier").collect::<Vec<_>>(),
            vec!["A", "B\ncontinued"]
        );
        let err = parse_dist_info("Name: x\n", Path::new("M")).unwrap_err();
        assert_eq!(err.to_string(), "M: missing `Version` header");
    }

    #[test]
    fn the_first_name_and_version_headers_count_and_must_not_be_empty() {
        let cases = [
            ("Name: a\nVersion: 1\nVersion: 2\n", Ok(("a", "1", Some(2)))),
            ("version: 1\nNAME: a\n", Ok(("a", "1", Some(1)))),
            ("Version: 1\n", Err("M: missing `Name` header")),
            ("Name:\nVersion: 1\n", Err("M: missing `Name` header")),
            (
                "Name: a\nVersion:\nVersion: 2\n",
                Err("M: missing `Version` header"),
            ),
        ];
        for (text, expected) in cases {
            let (metadata, lines) = parse_metadata(text);
            let found = name_and_version(&metadata, &lines, Path::new("M"))
                .map(|found| (found.name, found.version, found.version_line))
                .map_err(|error| error.to_string());
            assert_eq!(found, expected.map_err(str::to_owned), "{text:?}");
        }
    }
}
