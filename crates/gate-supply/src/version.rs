//! Version schemes: PEP 440 for PyPI, `SemVer` for Rust crates and npm — never string comparison.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::Ecosystem;

/// A version parsed by its ecosystem's scheme. Two versions compare only within one scheme.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Version {
    /// A PEP 440 version (`1.0` equals `1.0.0`; `1.0rc1` is a prerelease; epochs and locals).
    Pep440(pep440_rs::Version),
    /// A `SemVer` 2.0 version (Rust crates; npm after dropping a leading `v` or `=`).
    Semver(semver::Version),
}

/// A version string the ecosystem's scheme does not accept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a valid {ecosystem} version")]
pub struct VersionError {
    /// The text as written.
    pub text: String,
    /// The ecosystem whose scheme rejected it.
    pub ecosystem: Ecosystem,
}

impl Version {
    /// Parses `text` with the scheme of `ecosystem`.
    pub fn parse(ecosystem: Ecosystem, text: &str) -> Result<Version, VersionError> {
        let error = || VersionError {
            text: text.to_owned(),
            ecosystem,
        };
        let trimmed = text.trim();
        match ecosystem {
            Ecosystem::PyPI => pep440_rs::Version::from_str(trimmed)
                .map(Version::Pep440)
                .map_err(|_| error()),
            Ecosystem::CratesIo => semver::Version::parse(trimmed)
                .map(Version::Semver)
                .map_err(|_| error()),
            Ecosystem::Npm => {
                let loose = trimmed.trim_start_matches(['v', '=']).trim_start();
                semver::Version::parse(loose)
                    .map(Version::Semver)
                    .map_err(|_| error())
            }
        }
    }

    /// Whether this is OSV's "from the beginning" bound: `0`, or `0.0.0-0` as RustSec writes it.
    pub fn is_minimum_bound(text: &str) -> bool {
        matches!(text.trim(), "0" | "0.0.0-0" | "0.0.0")
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Version) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    /// Versions of different schemes never meet (an advisory has one ecosystem); PEP 440 sorts
    /// first so the order is still total.
    fn cmp(&self, other: &Version) -> Ordering {
        match (self, other) {
            (Version::Pep440(a), Version::Pep440(b)) => a.cmp(b),
            (Version::Semver(a), Version::Semver(b)) => a.cmp(b),
            (Version::Pep440(_), Version::Semver(_)) => Ordering::Less,
            (Version::Semver(_), Version::Pep440(_)) => Ordering::Greater,
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Version::Pep440(v) => v.fmt(f),
            Version::Semver(v) => v.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(eco: Ecosystem, s: &str) -> Version {
        Version::parse(eco, s).unwrap()
    }

    #[test]
    fn pep440_compares_by_value() {
        let p = |s| v(Ecosystem::PyPI, s);
        assert_eq!(p("1.0"), p("1.0.0"));
        assert_eq!(p("0.12.01"), p("0.12.1"));
        assert!(p("1.0rc1") < p("1.0"));
        assert!(p("1.0.post1") > p("1.0"));
        assert!(p("1!0.1") > p("2.0"));
        assert!(p("2.10") > p("2.9"));
        assert!(Version::parse(Ecosystem::PyPI, "not a version").is_err());
    }

    #[test]
    fn semver_orders_prereleases_below_releases() {
        let c = |s| v(Ecosystem::CratesIo, s);
        assert!(c("1.0.0-alpha") < c("1.0.0"));
        assert!(c("0.0.0-0") < c("0.0.0"));
        assert!(Version::parse(Ecosystem::CratesIo, "1.0").is_err());
        assert_eq!(v(Ecosystem::Npm, "v1.2.3"), c("1.2.3"));
    }
}
