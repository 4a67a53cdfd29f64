//! OSV records (JSON or YAML) and the in-memory advisory model both data layouts load into.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::Ecosystem;
use crate::db_error::DbError;
use crate::version::Version;

/// One advisory, from an OSV record or a RustSec native file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Advisory {
    /// The record's id (`PYSEC-2018-28`, `RUSTSEC-2016-0001`, `GHSA-…`).
    pub id: String,
    /// Other ids of the same issue (CVE, GHSA, PYSEC…).
    pub aliases: Vec<String>,
    /// A one-line title (the summary, else the first line of the details).
    pub summary: String,
    /// CVSS vectors (`CVSS_V3`, `CVSS_V4`…) with the vector string.
    pub severity: Vec<SeverityVector>,
    /// `database_specific.severity` (`LOW`, `MODERATE`, `HIGH`, `CRITICAL`), for records with no vector.
    pub database_severity: Option<String>,
    /// RustSec `informational` kind (`unsound`, `unmaintained`, `notice`): not a vulnerability.
    pub informational: Option<String>,
    /// The packages and versions it affects.
    pub affected: Vec<Affected>,
    /// The file (or `archive.zip!entry`) it was read from.
    pub source: PathBuf,
}

/// A typed severity entry: `type` and `score` as OSV writes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityVector {
    /// `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, `Ubuntu`…
    #[serde(rename = "type")]
    pub kind: String,
    /// The vector (`CVSS:3.1/AV:N/…`) or, for other types, a word.
    pub score: String,
}

/// One affected package of an advisory.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Affected {
    /// The package's ecosystem.
    pub ecosystem: Ecosystem,
    /// The normalised package name.
    pub name: String,
    /// OSV ranges.
    pub ranges: Vec<Range>,
    /// Explicitly listed affected versions (compared by parsed value).
    pub versions: Vec<String>,
    /// Per-package CVSS vectors (OSV allows them here as well as on the record).
    pub severity: Vec<SeverityVector>,
    /// RustSec native `[versions]`, used instead of `ranges` when present.
    pub rustsec: Option<RustsecVersions>,
    #[serde(skip)]
    parsed_versions: OnceLock<Vec<Version>>,
}

impl Affected {
    /// An entry for a package with no ranges or versions yet.
    pub fn new(ecosystem: Ecosystem, name: &str) -> Affected {
        Affected {
            ecosystem,
            name: ecosystem.normalise_name(name),
            ranges: Vec::new(),
            versions: Vec::new(),
            severity: Vec::new(),
            rustsec: None,
            parsed_versions: OnceLock::new(),
        }
    }

    /// `versions[]` parsed once (on first use) with the ecosystem's scheme.
    ///
    /// Entries the scheme rejects are left out: a listed version that no release can equal
    /// cannot affect one, while ranges still decide every parseable version.
    pub(crate) fn listed_versions(&self) -> &[Version] {
        self.parsed_versions.get_or_init(|| {
            self.versions
                .iter()
                .filter_map(|v| Version::parse(self.ecosystem, v).ok())
                .collect()
        })
    }

    /// Every `fixed` version of the non-GIT ranges (and RustSec `patched` lower bounds), as written.
    pub fn fixed_versions(&self) -> Vec<String> {
        if let Some(rustsec) = &self.rustsec {
            return rustsec
                .patched
                .iter()
                .filter_map(|req| req.comparators.first())
                .filter(|c| !matches!(c.op, semver::Op::Less | semver::Op::LessEq))
                .map(|c| {
                    format!(
                        "{}.{}.{}",
                        c.major,
                        c.minor.unwrap_or(0),
                        c.patch.unwrap_or(0)
                    )
                })
                .collect();
        }
        self.ranges
            .iter()
            .filter(|r| r.kind != RangeKind::Git)
            .flat_map(|r| &r.events)
            .filter_map(|e| match e {
                Event::Fixed(v) => Some(v.clone()),
                _ => None,
            })
            .collect()
    }
}

/// RustSec native `[versions]`: requirements of the versions that are *not* affected.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RustsecVersions {
    /// Versions with the fix.
    pub patched: Vec<semver::VersionReq>,
    /// Versions that never had the problem.
    pub unaffected: Vec<semver::VersionReq>,
}

/// An OSV range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    /// `SEMVER`, `ECOSYSTEM` or `GIT` (skipped: commits are not versions).
    pub kind: RangeKind,
    /// Events in the order the record lists them.
    pub events: Vec<Event>,
}

/// The type of an OSV range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RangeKind {
    /// `SEMVER`.
    Semver,
    /// `ECOSYSTEM`: the package's own scheme.
    Ecosystem,
    /// `GIT`: commit hashes, never matched against versions.
    Git,
}

/// One event of an OSV range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// Affected from this version (`0` = from the beginning).
    Introduced(String),
    /// Not affected from this version.
    Fixed(String),
    /// Affected up to and including this version.
    LastAffected(String),
    /// Nothing at or above this version is affected by the range.
    Limit(String),
}

impl Event {
    /// The version text of the event.
    pub fn text(&self) -> &str {
        match self {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
        }
    }
}

#[derive(Deserialize)]
struct RawRecord {
    id: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    details: Option<String>,
    #[serde(default)]
    withdrawn: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    severity: Vec<SeverityVector>,
    #[serde(default)]
    affected: Vec<RawAffected>,
    #[serde(default)]
    database_specific: Option<RawDatabaseSpecific>,
}

#[derive(Deserialize, Default)]
struct RawDatabaseSpecific {
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    informational: Option<String>,
}

#[derive(Deserialize)]
struct RawAffected {
    package: Option<RawPackage>,
    #[serde(default)]
    ranges: Vec<RawRange>,
    #[serde(default)]
    versions: Vec<String>,
    #[serde(default)]
    severity: Vec<SeverityVector>,
    #[serde(default)]
    database_specific: Option<RawDatabaseSpecific>,
}

#[derive(Deserialize)]
struct RawPackage {
    ecosystem: String,
    name: String,
}

#[derive(Deserialize)]
struct RawRange {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    events: Vec<RawEvent>,
}

#[derive(Deserialize)]
struct RawEvent {
    introduced: Option<String>,
    fixed: Option<String>,
    last_affected: Option<String>,
    limit: Option<String>,
}

/// The format of an OSV record file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordFormat {
    /// `.json`.
    Json,
    /// `.yaml` / `.yml`.
    Yaml,
}

/// Parses one OSV record. `Ok(None)` for a `withdrawn` record, which must not be reported.
///
/// Packages of ecosystems gate does not read are dropped; an unknown range type is an error,
/// since guessing its semantics could hide an affected version.
pub fn parse_osv(
    bytes: &[u8],
    format: RecordFormat,
    source: &Path,
) -> Result<Option<Advisory>, DbError> {
    let raw: RawRecord = match format {
        RecordFormat::Json => serde_json::from_slice(bytes).map_err(|e| DbError::Json {
            path: source.to_owned(),
            source: e,
        })?,
        RecordFormat::Yaml => serde_yaml::from_slice(bytes).map_err(|e| DbError::Yaml {
            path: source.to_owned(),
            source: e,
        })?,
    };
    if raw.withdrawn.is_some() {
        return Ok(None);
    }
    let record_specific = raw.database_specific.unwrap_or_default();
    let mut informational = record_specific.informational;
    let mut affected = Vec::with_capacity(raw.affected.len());
    for entry in raw.affected {
        let Some(package) = entry.package else {
            continue;
        };
        let Some(ecosystem) = Ecosystem::from_osv_name(&package.ecosystem) else {
            continue;
        };
        if let Some(kind) = entry.database_specific.and_then(|d| d.informational) {
            informational.get_or_insert(kind);
        }
        let mut out = Affected::new(ecosystem, &package.name);
        out.versions = entry.versions;
        out.severity = entry.severity;
        for range in entry.ranges {
            let kind = match range.kind.as_str() {
                "SEMVER" => RangeKind::Semver,
                "ECOSYSTEM" => RangeKind::Ecosystem,
                "GIT" => RangeKind::Git,
                _ => {
                    return Err(DbError::UnknownRangeType {
                        path: source.to_owned(),
                        kind: range.kind,
                    });
                }
            };
            let events = range
                .events
                .into_iter()
                .filter_map(|e| {
                    e.introduced
                        .map(Event::Introduced)
                        .or(e.fixed.map(Event::Fixed))
                        .or(e.last_affected.map(Event::LastAffected))
                        .or(e.limit.map(Event::Limit))
                })
                .collect();
            out.ranges.push(Range { kind, events });
        }
        affected.push(out);
    }
    let summary = raw
        .summary
        .filter(|s| !s.trim().is_empty())
        .or_else(|| {
            raw.details
                .and_then(|d| d.lines().next().map(|line| shorten(line.trim())))
        })
        .unwrap_or_default();
    Ok(Some(Advisory {
        id: raw.id,
        aliases: raw.aliases,
        summary: summary.trim().to_owned(),
        severity: raw.severity,
        database_severity: record_specific.severity,
        informational,
        affected,
        source: source.to_owned(),
    }))
}

/// Findings carry the summary on one line; PyPA records have none, and the first line of their
/// details is often a whole paragraph.
const MAX_SUMMARY_CHARS: usize = 160;

/// `text` cut to at most [`MAX_SUMMARY_CHARS`] at a word boundary, with `…` when cut.
fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_SUMMARY_CHARS {
        return text.to_owned();
    }
    let cut: String = text.chars().take(MAX_SUMMARY_CHARS).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_details_make_a_short_summary() {
        let long = "word ".repeat(100);
        let summary = shorten(long.trim());
        assert!(summary.ends_with("word…"), "{summary}");
        assert!(summary.chars().count() <= MAX_SUMMARY_CHARS + 1);
        assert_eq!(shorten("Short, plain."), "Short, plain.");
    }

    #[test]
    fn parses_yaml_and_drops_withdrawn() {
        let yaml = b"id: PYSEC-1\naliases: [CVE-1]\ndetails: Bad thing.\n  More.\naffected:\n- package: {name: Foo_Bar, ecosystem: PyPI}\n  ranges:\n  - type: GIT\n    repo: x\n    events: [{introduced: abc}]\n  - type: ECOSYSTEM\n    events:\n    - introduced: \"0\"\n    - fixed: 1.2.0\n  versions: [\"1.0\"]\n- package: {name: x, ecosystem: Debian}\n";
        let advisory = parse_osv(yaml, RecordFormat::Yaml, Path::new("a.yaml"))
            .unwrap()
            .unwrap();
        assert_eq!(advisory.summary, "Bad thing. More.");
        assert_eq!(advisory.affected.len(), 1);
        assert_eq!(advisory.affected[0].name, "foo-bar");
        assert_eq!(advisory.affected[0].fixed_versions(), vec!["1.2.0"]);
        let withdrawn = b"{\"id\": \"X\", \"withdrawn\": \"2024-01-01T00:00:00Z\"}";
        assert!(
            parse_osv(withdrawn, RecordFormat::Json, Path::new("x.json"))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn errors_name_the_file() {
        let err = parse_osv(b"{", RecordFormat::Json, Path::new("db/x.json")).unwrap_err();
        assert!(err.to_string().starts_with("db/x.json"), "{err}");
        let bad = b"{\"id\":\"X\",\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"a\"},\"ranges\":[{\"type\":\"WEIRD\",\"events\":[]}]}]}";
        let err = parse_osv(bad, RecordFormat::Json, Path::new("x.json")).unwrap_err();
        assert!(err.to_string().contains("WEIRD"));
    }
}
