//! The advisory database cache `gate supply db update` writes: one OSV `all.zip` per ecosystem,
//! kept as downloaded (the library reads zips in memory, so nothing is ever extracted), and
//! `fetched.json` beside them recording where and when each was fetched.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use crate::environment::Environment;
use crate::output::write_atomically;

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
// `fetched` is the word the file format uses.
#[allow(clippy::struct_field_names)]
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

/// The cache directory: `$XDG_CACHE_HOME/gate/advisory-db`, else `$HOME/.cache/gate/advisory-db`.
/// A relative `XDG_CACHE_HOME` is ignored, as the XDG base directory specification says.
pub fn default_dir(environment: &Environment) -> Option<PathBuf> {
    let base = match &environment.xdg_cache_home {
        Some(path) if path.is_absolute() => path.clone(),
        _ => environment.home.as_ref()?.join(".cache"),
    };
    Some(base.join("gate").join("advisory-db"))
}

/// The directory given, or the default one; an error says which variables were missing.
pub fn dir_or_default(given: Option<&Path>, environment: &Environment) -> anyhow::Result<PathBuf> {
    match given {
        Some(path) => Ok(path.to_path_buf()),
        None => default_dir(environment).context(
            "neither XDG_CACHE_HOME nor HOME is set, so there is no default cache directory: \
             pass --cache DIR",
        ),
    }
}

impl FetchRecord {
    /// Reads `fetched.json` in `dir`; `Ok(None)` when there is none.
    pub fn read(dir: &Path) -> anyhow::Result<Option<FetchRecord>> {
        let path = dir.join(FETCH_RECORD);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => {
                return Err(error).with_context(|| format!("cannot read {}", path.display()));
            }
        };
        let record: FetchRecord = serde_json::from_str(&text)
            .with_context(|| format!("{}: not a fetch record", path.display()))?;
        for fetched in record.ecosystems.values() {
            // The record names files in its own directory only: never a path to follow elsewhere.
            if !is_plain_file_name(&fetched.file) {
                anyhow::bail!(
                    "{}: `{}` is not a file name in the cache directory",
                    path.display(),
                    fetched.file
                );
            }
        }
        Ok(Some(record))
    }

    /// Writes `fetched.json` in `dir` atomically.
    pub fn write(&self, dir: &Path) -> anyhow::Result<()> {
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        write_atomically(&dir.join(FETCH_RECORD), text.as_bytes())
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
    fn the_default_directory_follows_xdg_then_home() {
        let mut environment = Environment {
            home: Some(PathBuf::from("/home/me")),
            ..Environment::default()
        };
        assert_eq!(
            default_dir(&environment),
            Some(PathBuf::from("/home/me/.cache/gate/advisory-db"))
        );
        environment.xdg_cache_home = Some(PathBuf::from("relative"));
        assert_eq!(
            default_dir(&environment),
            Some(PathBuf::from("/home/me/.cache/gate/advisory-db"))
        );
        environment.xdg_cache_home = Some(PathBuf::from("/xdg"));
        assert_eq!(
            default_dir(&environment),
            Some(PathBuf::from("/xdg/gate/advisory-db"))
        );
        assert_eq!(default_dir(&Environment::default()), None);
    }

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
