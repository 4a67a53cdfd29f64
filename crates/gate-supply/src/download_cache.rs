//! The advisory download cache `gate supply db update` writes, and opening advisory data for an
//! audit: one OSV `all.zip` per ecosystem, kept as downloaded (the database reads zips in memory,
//! so nothing is ever extracted), and `fetched.json` beside them recording where and when each
//! was fetched.
//!
//! This module reads the cache and formats its record; downloading and writing files (atomically)
//! is the caller's job, and so is choosing the default directory from the environment.
//!
//! ```
//! use gate_supply::download_cache::{FetchRecord, Fetched, format_time, zip_name};
//!
//! let mut record = FetchRecord { version: 1, ..FetchRecord::default() };
//! record.ecosystems.insert("crates.io".into(), Fetched {
//!     file: zip_name("crates.io"),
//!     url: "https://osv-vulnerabilities.storage.googleapis.com/crates.io/all.zip".into(),
//!     fetched: 1_764_329_461,
//!     records: 900,
//!     bytes: 1_000_000,
//! });
//! assert!(record.to_json().contains("\"file\": \"crates.io.zip\""));
//! assert_eq!(format_time(1_764_329_461), "2025-11-28 11:31 UTC");
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gate_core::Date;
use serde::{Deserialize, Serialize};

use crate::{Database, DbError};

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

/// A `fetched.json` that could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CacheError {
    /// The file exists but could not be read.
    #[error("cannot read {}", path.display())]
    Read {
        /// The `fetched.json`.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a fetch record.
    #[error("{}: not a fetch record", path.display())]
    Parse {
        /// The `fetched.json`.
        path: PathBuf,
        /// The parser's message, with line and column.
        #[source]
        source: serde_json::Error,
    },
    /// The record names a file outside its own directory.
    #[error("{}: `{file}` is not a file name in the cache directory", path.display())]
    NotAFileName {
        /// The `fetched.json`.
        path: PathBuf,
        /// The name as recorded.
        file: String,
    },
}

impl FetchRecord {
    /// Reads `fetched.json` in `dir`; `Ok(None)` when there is none.
    pub fn read(dir: &Path) -> Result<Option<FetchRecord>, CacheError> {
        let path = dir.join(FETCH_RECORD);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(CacheError::Read { path, source }),
        };
        let record: FetchRecord = match serde_json::from_str(&text) {
            Ok(record) => record,
            Err(source) => return Err(CacheError::Parse { path, source }),
        };
        for fetched in record.ecosystems.values() {
            // The record names files in its own directory only: never a path to follow elsewhere.
            if !is_plain_file_name(&fetched.file) {
                return Err(CacheError::NotAFileName {
                    file: fetched.file.clone(),
                    path,
                });
            }
        }
        Ok(Some(record))
    }

    /// The text of `fetched.json`: pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        // Serialising strings and numbers cannot fail.
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
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
    let (date, hours, minutes, _) = utc(seconds);
    format!("{date} {hours:02}:{minutes:02} UTC")
}

/// RFC 3339 in UTC, for machine formats: `2026-11-28T11:30:00Z`.
pub fn format_rfc3339(seconds: u64) -> String {
    let (date, hours, minutes, seconds) = utc(seconds);
    format!("{date}T{hours:02}:{minutes:02}:{seconds:02}Z")
}

/// The UTC date, hours, minutes and seconds of a time in seconds since the Unix epoch.
fn utc(seconds: u64) -> (Date, u64, u64, u64) {
    let days = i64::try_from(seconds / 86_400).unwrap_or(i64::MAX);
    let of_day = seconds % 86_400;
    (
        Date::from_days_since_unix_epoch(days),
        of_day / 3600,
        (of_day % 3600) / 60,
        of_day % 60,
    )
}

/// Why no advisory data could be opened. An audit never runs against nothing.
///
/// The message joined with its `source()` chain by `": "` is the whole explanation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// No paths were given and there is no default cache directory.
    #[error(
        "no advisory database: neither XDG_CACHE_HOME nor HOME is set, so there is no download \
         cache; pass --db PATH (or `db` in [supply.advisories])"
    )]
    NoDefaultCache,
    /// A cache's `fetched.json` that could not be read.
    #[error(transparent)]
    Cache(#[from] CacheError),
    /// The download cache holds no downloads (no `fetched.json`, or an empty one).
    #[error(
        "no advisory database in {}: run `gate supply db update` to download one, or pass \
         --db PATH (a directory or .zip of OSV records) — an audit against nothing is not a pass",
        dir.display()
    )]
    NoDatabase {
        /// The cache directory.
        dir: PathBuf,
    },
    /// A download the cache's record lists whose zip is gone.
    #[error(
        "the advisory cache {} lists {ecosystem} in {FETCH_RECORD} but {file} is missing: run \
         `gate supply db update`",
        dir.display()
    )]
    MissingDownload {
        /// The cache directory.
        dir: PathBuf,
        /// The ecosystem whose zip is missing.
        ecosystem: String,
        /// The zip's file name.
        file: String,
    },
    /// Advisory data that could not be loaded.
    ///
    /// The loader's error and its causes are part of this message (before the hint of what to
    /// do), so it is held here rather than returned as `source()`, which would repeat it.
    #[error(
        "{}; get advisory data with `gate supply db update`, or pass --db PATH (a directory or \
         .zip of OSV records)",
        gate_core::error_chain(error)
    )]
    Load {
        /// What the loader said.
        error: DbError,
    },
}

/// The advisory data an audit runs against and, when it came from the download cache, when it
/// was fetched.
#[derive(Debug)]
pub struct OpenDatabase {
    /// The advisories.
    pub database: Database,
    /// The oldest fetch time of the cache's zips (seconds since the epoch); `None` for data
    /// whose age gate cannot know (a directory or zip the user gave).
    pub fetched: Option<u64>,
}

/// Loads the advisory data at `paths`, or the download cache `default_cache` when none is given
/// (`None` when the environment names no cache directory). A path holding [`FETCH_RECORD`] is a
/// cache directory: its zips are loaded and their fetch times give the age.
///
/// A cache that lists a zip it does not have is an error, as is a default cache without
/// downloads: either would audit some or all dependencies against nothing.
pub fn open_advisory_data(
    paths: &[PathBuf],
    default_cache: Option<&Path>,
) -> Result<OpenDatabase, OpenError> {
    let given = !paths.is_empty();
    let paths: Vec<PathBuf> = if given {
        paths.to_vec()
    } else {
        vec![
            default_cache
                .ok_or(OpenError::NoDefaultCache)?
                .to_path_buf(),
        ]
    };
    let mut sources = Vec::new();
    let mut fetched: Option<u64> = None;
    for path in &paths {
        let record = if path.is_dir() {
            FetchRecord::read(path)?
        } else {
            None
        };
        match record {
            Some(record) => {
                if record.ecosystems.is_empty() {
                    return Err(OpenError::NoDatabase { dir: path.clone() });
                }
                for (ecosystem, entry) in &record.ecosystems {
                    // A partial cache would silently check some ecosystems against nothing.
                    if !path.join(&entry.file).is_file() {
                        return Err(OpenError::MissingDownload {
                            dir: path.clone(),
                            ecosystem: ecosystem.clone(),
                            file: entry.file.clone(),
                        });
                    }
                    sources.push(path.join(&entry.file));
                    fetched = Some(fetched.map_or(entry.fetched, |f| f.min(entry.fetched)));
                }
            }
            // The download cache without a fetch record holds nothing `db update` wrote.
            None if !given => return Err(OpenError::NoDatabase { dir: path.clone() }),
            None => sources.push(path.clone()),
        }
    }
    let database = Database::load(&sources).map_err(|error| OpenError::Load { error })?;
    Ok(OpenDatabase { database, fetched })
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

    fn record(file: &str, fetched: u64) -> Fetched {
        Fetched {
            file: file.into(),
            url: format!("https://example.org/{file}"),
            fetched,
            records: 1,
            bytes: 2,
        }
    }

    #[test]
    fn the_fetch_record_round_trips_and_refuses_paths() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(FetchRecord::read(dir.path()).unwrap(), None);

        let mut written = FetchRecord {
            version: 1,
            ..FetchRecord::default()
        };
        written
            .ecosystems
            .insert("PyPI".into(), record("PyPI.zip", 86_400));
        let text = written.to_json();
        assert_eq!(
            text,
            "{\n  \"version\": 1,\n  \"ecosystems\": {\n    \"PyPI\": {\n      \"file\": \
             \"PyPI.zip\",\n      \"url\": \"https://example.org/PyPI.zip\",\n      \"fetched\": \
             86400,\n      \"records\": 1,\n      \"bytes\": 2\n    }\n  }\n}\n"
        );
        std::fs::write(dir.path().join(FETCH_RECORD), &text).unwrap();
        assert_eq!(FetchRecord::read(dir.path()).unwrap(), Some(written));

        let path = dir.path().join(FETCH_RECORD);
        std::fs::write(&path, text.replace("\"PyPI.zip\"", "\"../PyPI.zip\"")).unwrap();
        let error = FetchRecord::read(dir.path()).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "{}: `../PyPI.zip` is not a file name in the cache directory",
                path.display()
            )
        );

        std::fs::write(&path, "{").unwrap();
        let error = FetchRecord::read(dir.path()).unwrap_err();
        assert_eq!(
            gate_core::error_chain(&error),
            format!(
                "{}: not a fetch record: EOF while parsing an object at line 1 column 1",
                path.display()
            )
        );
    }

    #[test]
    fn opening_advisory_data_refuses_to_audit_against_nothing() {
        let error = open_advisory_data(&[], None).unwrap_err();
        assert!(matches!(error, OpenError::NoDefaultCache));

        // A default cache that was never filled.
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("advisory-db");
        let error = open_advisory_data(&[], Some(&missing)).unwrap_err();
        assert_eq!(
            gate_core::error_chain(&error),
            format!(
                "no advisory database in {}: run `gate supply db update` to download one, or \
                 pass --db PATH (a directory or .zip of OSV records) — an audit against nothing \
                 is not a pass",
                missing.display()
            )
        );

        // A cache whose record lists a zip that is gone.
        let mut fetch = FetchRecord {
            version: 1,
            ..FetchRecord::default()
        };
        fetch
            .ecosystems
            .insert("crates.io".into(), record("crates.io.zip", 7));
        std::fs::write(dir.path().join(FETCH_RECORD), fetch.to_json()).unwrap();
        let error = open_advisory_data(&[], Some(dir.path())).unwrap_err();
        assert_eq!(
            gate_core::error_chain(&error),
            format!(
                "the advisory cache {} lists crates.io in fetched.json but crates.io.zip is \
                 missing: run `gate supply db update`",
                dir.path().display()
            )
        );

        // A cache with an unreadable record: the record's error, as is.
        std::fs::write(dir.path().join(FETCH_RECORD), "[]").unwrap();
        let error = open_advisory_data(&[dir.path().to_path_buf()], None).unwrap_err();
        assert!(
            gate_core::error_chain(&error).ends_with(
                "fetched.json: not a fetch record: invalid length 0, expected struct \
                 FetchRecord with 2 elements at line 1 column 2"
            ),
            "{}",
            gate_core::error_chain(&error)
        );

        // A directory given that holds no records.
        let empty = tempfile::tempdir().unwrap();
        let error = open_advisory_data(&[empty.path().to_path_buf()], None).unwrap_err();
        assert_eq!(
            gate_core::error_chain(&error),
            format!(
                "no advisories in {} (is the advisory database downloaded?); get advisory data \
                 with `gate supply db update`, or pass --db PATH (a directory or .zip of OSV \
                 records)",
                empty.path().display()
            )
        );
    }

    #[test]
    fn a_cache_gives_the_oldest_fetch_time_and_a_directory_none() {
        let osv = br#"{"id": "GHSA-1", "affected": [{"package": {"ecosystem": "PyPI", "name": "x"},
          "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]}"#;
        let records = tempfile::tempdir().unwrap();
        std::fs::write(records.path().join("GHSA-1.json"), osv).unwrap();
        let opened = open_advisory_data(&[records.path().to_path_buf()], None).unwrap();
        assert_eq!(opened.fetched, None);
        assert_eq!(opened.database.package_names(crate::Ecosystem::PyPI), ["x"]);

        let cache = tempfile::tempdir().unwrap();
        for name in ["PyPI.zip", "npm.zip"] {
            let file = std::fs::File::create(cache.path().join(name)).unwrap();
            let mut zip = zip::ZipWriter::new(file);
            zip.start_file("GHSA-1.json", zip::write::SimpleFileOptions::default())
                .unwrap();
            std::io::Write::write_all(&mut zip, osv).unwrap();
            zip.finish().unwrap();
        }
        let mut fetch = FetchRecord {
            version: 1,
            ..FetchRecord::default()
        };
        fetch
            .ecosystems
            .insert("PyPI".into(), record("PyPI.zip", 300));
        fetch
            .ecosystems
            .insert("npm".into(), record("npm.zip", 200));
        std::fs::write(cache.path().join(FETCH_RECORD), fetch.to_json()).unwrap();
        let opened = open_advisory_data(&[], Some(cache.path())).unwrap();
        assert_eq!(opened.fetched, Some(200));
    }
}
