//! The advisory database cache `gate supply db update` writes: one OSV `all.zip` per ecosystem,
//! kept as downloaded (the library reads zips in memory, so nothing is ever extracted), and
//! `fetched.json` beside them recording where and when each was fetched.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The file in a cache directory that records each download. Its presence marks a directory
/// as a cache (its zips are the database), as opposed to a directory of OSV records.
pub const FETCH_RECORD: &str = "fetched.json";

/// `fetched.json`: what was downloaded, from where, and when.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchRecord {
    /// The record format's version (1).
    pub version: u32,
    /// Each ecosystem's download, by OSV ecosystem name.
    pub ecosystems: BTreeMap<String, Fetched>,
}

/// One ecosystem's download.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fetched {
    /// The zip's file name in the cache directory.
    pub file: String,
    /// Where it was downloaded from.
    pub url: String,
    /// When, in seconds since the Unix epoch (UTC).
    pub fetched: u64,
    /// How many advisories it held when it was validated.
    pub records: u64,
    /// Its size in bytes.
    pub bytes: u64,
}

impl FetchRecord {
    /// Reads `fetched.json` in `dir`; `Ok(None)` when there is none.
    pub fn read(dir: &Path) -> Result<Option<FetchRecord>, String> {
        let path = dir.join(FETCH_RECORD);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(format!("cannot read {}: {error}", path.display())),
        };
        let record: FetchRecord = serde_json::from_str(&text)
            .map_err(|error| format!("{}: not a fetch record: {error}", path.display()))?;
        for fetched in record.ecosystems.values() {
            // The record names files in its own directory only: never a path to follow elsewhere.
            if !is_plain_file_name(&fetched.file) {
                return Err(format!(
                    "{}: `{}` is not a file name in the cache directory",
                    path.display(),
                    fetched.file
                ));
            }
        }
        Ok(Some(record))
    }
}

/// A name without directory parts, so joining it to a directory stays in that directory.
pub fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\'])
        && Path::new(name).file_name().is_some_and(|n| n == name)
}

/// The cache file for an ecosystem: its name with anything but letters, digits, `.`, `-` and
/// `_` replaced, so `crates.io` → `crates.io.zip` and `GitHub Actions` → `GitHub_Actions.zip`.
pub fn zip_name(ecosystem: &str) -> String {
    let stem: String = ecosystem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{stem}.zip")
}

/// A date and time in UTC for people: `2026-11-28 11:30 UTC`.
pub fn format_time(seconds: u64) -> String {
    let days = i64::try_from(seconds / 86_400).unwrap_or(i64::MAX);
    let date = gate_core::Date::from_days_since_unix_epoch(days);
    let of_day = seconds % 86_400;
    format!(
        "{date} {:02}:{:02} UTC",
        of_day / 3600,
        (of_day % 3600) / 60
    )
}

/// RFC 3339 in UTC, for machine formats: `2026-11-28T11:30:00Z`.
pub fn format_rfc3339(seconds: u64) -> String {
    let days = i64::try_from(seconds / 86_400).unwrap_or(i64::MAX);
    let date = gate_core::Date::from_days_since_unix_epoch(days);
    let of_day = seconds % 86_400;
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        of_day / 3600,
        (of_day % 3600) / 60,
        of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_stay_in_the_directory() {
        assert_eq!(zip_name("crates.io"), "crates.io.zip");
        assert_eq!(zip_name("GitHub Actions"), "GitHub_Actions.zip");
        assert_eq!(zip_name("../x"), ".._x.zip");
        assert!(is_plain_file_name("PyPI.zip"));
        for bad in [
            "",
            "../PyPI.zip",
            "/etc/passwd",
            "a/b.zip",
            "..",
            ".hidden.zip",
        ] {
            assert!(!is_plain_file_name(bad), "{bad}");
        }
    }

    #[test]
    fn times_are_utc() {
        assert_eq!(format_time(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_rfc3339(1_764_329_461), "2025-11-28T11:31:01Z");
    }
}
