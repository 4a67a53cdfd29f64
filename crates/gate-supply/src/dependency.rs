//! What every lockfile reader returns: [`Dependency`], in one shape for every ecosystem.

use std::fmt;
use std::path::PathBuf;

/// A package ecosystem, named as OSV names it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[non_exhaustive]
pub enum Ecosystem {
    /// Python packages (`PyPI` in OSV), versioned by PEP 440.
    PyPI,
    /// Rust crates (OSV ecosystem of the Rust registry), versioned by `SemVer`.
    CratesIo,
    /// JavaScript packages (`npm` in OSV), versioned by npm's `SemVer`.
    Npm,
}

impl Ecosystem {
    /// The ecosystem's name in OSV records.
    pub fn osv_name(self) -> &'static str {
        match self {
            Ecosystem::PyPI => "PyPI",
            Ecosystem::CratesIo => "crates.io",
            Ecosystem::Npm => "npm",
        }
    }

    /// The ecosystem of an OSV `package.ecosystem` value; `None` for ecosystems gate does not read.
    ///
    /// OSV allows a `:suffix` (such as `Debian:11`); only the part before it names the ecosystem.
    pub fn from_osv_name(name: &str) -> Option<Ecosystem> {
        let base = name.split(':').next().unwrap_or(name);
        match base {
            "PyPI" => Some(Ecosystem::PyPI),
            "crates.io" => Some(Ecosystem::CratesIo),
            "npm" => Some(Ecosystem::Npm),
            _ => None,
        }
    }

    /// A package name in the ecosystem's canonical form, so lookups ignore spelling variants.
    ///
    /// `PyPI` names follow PEP 503 (`Foo.Bar_baz` → `foo-bar-baz`); crate and npm names are
    /// compared as written (the Rust registry forbids names that differ only in `-`/`_` or case, and
    /// npm names are lowercase).
    pub fn normalise_name(self, name: &str) -> String {
        match self {
            Ecosystem::PyPI => pep503(name),
            Ecosystem::CratesIo | Ecosystem::Npm => name.trim().to_owned(),
        }
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.osv_name())
    }
}

/// PEP 503: lowercase, and every run of `-`, `_`, `.` becomes one `-`.
fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_separator = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            in_separator = true;
        } else {
            if in_separator && !out.is_empty() {
                out.push('-');
            }
            in_separator = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// The version a dependency is locked to, or the requirement that failed to lock it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VersionSpec {
    /// Exactly one version (`==1.2.3`, a lockfile entry, an installed package).
    Pinned(String),
    /// Anything else (`>=1.2`, no version, a URL): it cannot be audited, and is reported.
    Unpinned(String),
}

impl VersionSpec {
    /// The pinned version, if there is exactly one.
    pub fn pinned(&self) -> Option<&str> {
        match self {
            VersionSpec::Pinned(version) => Some(version),
            VersionSpec::Unpinned(_) => None,
        }
    }
}

impl fmt::Display for VersionSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VersionSpec::Pinned(version) => f.write_str(version),
            VersionSpec::Unpinned(spec) if spec.is_empty() => f.write_str("(any version)"),
            VersionSpec::Unpinned(spec) => f.write_str(spec),
        }
    }
}

/// Whether the project asks for a dependency itself or gets it through another one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    /// Listed by the project itself.
    Direct,
    /// Pulled in by another dependency.
    Transitive,
    /// The file does not say (a flat `requirements.txt`, a `Cargo.lock`, a site-packages dir).
    Unknown,
}

/// Where a dependency comes from: only registry packages have advisories.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Origin {
    /// A package index or registry (the URL where the file names one).
    Registry(Option<String>),
    /// A git repository.
    Git(String),
    /// The project itself, a workspace member, or a local path / editable install.
    Local,
    /// A direct URL to an archive.
    Url(String),
}

/// One dependency as a lockfile, requirements file or installed environment records it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Dependency {
    /// Which ecosystem's advisories and version scheme apply.
    pub ecosystem: Ecosystem,
    /// The normalised name (see [`Ecosystem::normalise_name`]).
    pub name: String,
    /// The locked version, or the requirement that left it unpinned.
    pub version: VersionSpec,
    /// The file it was read from, as the caller named it.
    pub source: PathBuf,
    /// The 1-based line of its entry in `source`, where the format has lines.
    pub line: Option<u32>,
    /// Direct or transitive, where the file says.
    pub relation: Relation,
    /// Registry, git, local or URL.
    pub origin: Origin,
}

impl Dependency {
    /// A registry dependency with unknown relation; set the other fields directly as needed.
    pub fn new(
        ecosystem: Ecosystem,
        name: &str,
        version: VersionSpec,
        source: impl Into<PathBuf>,
        line: Option<u32>,
    ) -> Dependency {
        Dependency {
            ecosystem,
            name: ecosystem.normalise_name(name),
            version,
            source: source.into(),
            line,
            relation: Relation::Unknown,
            origin: Origin::Registry(None),
        }
    }

    /// The same dependency with a relation.
    #[must_use]
    pub fn with_relation(mut self, relation: Relation) -> Dependency {
        self.relation = relation;
        self
    }

    /// The same dependency with an origin.
    #[must_use]
    pub fn with_origin(mut self, origin: Origin) -> Dependency {
        self.origin = origin;
        self
    }
}

/// Byte offsets of line starts, so many offsets map to lines without rescanning the text.
pub(crate) struct LineIndex {
    newlines: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        LineIndex {
            newlines: text
                .bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        }
    }

    /// The 1-based line of a byte offset.
    pub(crate) fn line(&self, offset: usize) -> u32 {
        let before = self.newlines.partition_point(|&nl| nl < offset);
        u32::try_from(before + 1).unwrap_or(u32::MAX)
    }
}

/// The 1-based line of a byte offset in `text` (one-off; use [`LineIndex`] for many).
pub(crate) fn line_of(text: &str, offset: usize) -> u32 {
    LineIndex::new(text).line(offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep503_collapses_separator_runs_and_case() {
        assert_eq!(pep503("Foo.Bar__baz"), "foo-bar-baz");
        assert_eq!(pep503("  zope.interface "), "zope-interface");
        assert_eq!(pep503("A-_.-B"), "a-b");
        assert_eq!(
            Ecosystem::CratesIo.normalise_name("serde_json"),
            "serde_json"
        );
    }

    #[test]
    fn osv_ecosystem_names_round_trip_and_ignore_suffixes() {
        for eco in [Ecosystem::PyPI, Ecosystem::CratesIo, Ecosystem::Npm] {
            assert_eq!(Ecosystem::from_osv_name(eco.osv_name()), Some(eco));
        }
        assert_eq!(Ecosystem::from_osv_name("npm:foo"), Some(Ecosystem::Npm));
        assert_eq!(Ecosystem::from_osv_name("Debian:11"), None);
    }

    #[test]
    fn line_of_counts_from_one() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 99), 3);
    }
}
