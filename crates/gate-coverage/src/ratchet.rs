//! The ratchet: a committed baseline of coverage figures that later runs must not drop below.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::check::compile_glob;
use crate::{Coverage, CoverageError, Totals};

/// The baseline file format version this crate writes and reads.
pub const BASELINE_VERSION: u64 = 1;

/// Tracked figures: the total and each path glob, as raw counts (percentages are recomputed from
/// them, so a baseline never carries rounding).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// Format version, [`BASELINE_VERSION`].
    pub version: u64,
    /// Counts over every file.
    pub total: Totals,
    /// Counts per path glob (`api/**`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub paths: BTreeMap<String, Totals>,
}

impl Baseline {
    /// The figures of a coverage model, total and per glob.
    pub fn from_coverage(coverage: &Coverage, globs: &[&str]) -> Result<Baseline, CoverageError> {
        let mut paths = BTreeMap::new();
        for &glob in globs {
            let matcher = compile_glob(glob)?;
            paths.insert(glob.to_owned(), coverage.totals_matching(&matcher));
        }
        Ok(Baseline {
            version: BASELINE_VERSION,
            total: coverage.totals(),
            paths,
        })
    }

    /// Pretty JSON with a trailing newline, stable across runs (keys sorted), for committing.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Reads a baseline; `file` names it in errors. Rejects other versions and invalid globs.
    pub fn from_json(text: &str, file: &str) -> Result<Baseline, CoverageError> {
        let error = |source| CoverageError::Baseline {
            file: file.to_owned(),
            source,
        };
        let value: serde_json::Value = serde_json::from_str(text).map_err(error)?;
        let version = value.get("version").and_then(serde_json::Value::as_u64);
        if let Some(found) = version
            && found != BASELINE_VERSION
        {
            return Err(CoverageError::BaselineVersion {
                file: file.to_owned(),
                found,
                expected: BASELINE_VERSION,
            });
        }
        let baseline: Baseline = serde_json::from_value(value).map_err(error)?;
        for glob in baseline.paths.keys() {
            compile_glob(glob)?;
        }
        Ok(baseline)
    }
}

/// Reads a baseline file (the ratchet's only file access).
pub fn load_baseline(path: &std::path::Path) -> Result<Baseline, CoverageError> {
    let file = path.display().to_string();
    let text = crate::read::read_text(path).map_err(|source| CoverageError::Io {
        file: file.clone(),
        source,
    })?;
    Baseline::from_json(&text, &file)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `/dev/zero` reports size 0 and never ends: the read stops at the cap instead.
    #[cfg(unix)]
    #[test]
    fn an_endless_baseline_is_refused_at_the_size_limit() {
        let error = load_baseline(std::path::Path::new("/dev/zero")).unwrap_err();
        assert!(matches!(&error, CoverageError::Io { file, .. } if file == "/dev/zero"));
        let source = std::error::Error::source(&error).map(ToString::to_string);
        assert!(source.is_some_and(|s| s.contains("larger than")), "{error}");
    }
    use crate::{FileCoverage, LineHits};

    fn coverage() -> Coverage {
        let mut coverage = Coverage::new();
        let lines = (1..=4).map(|line| LineHits {
            line,
            hits: u32::from(line != 4),
        });
        coverage.insert("api/a.py", FileCoverage::new(lines.collect(), vec![]));
        coverage
    }

    #[test]
    fn round_trips_through_json() {
        let baseline = Baseline::from_coverage(&coverage(), &["api/**"]).unwrap();
        let text = baseline.to_json();
        assert!(text.contains("\"version\": 1"), "{text}");
        assert_eq!(Baseline::from_json(&text, "b.json").unwrap(), baseline);
        assert_eq!(baseline.paths["api/**"].covered_statements, 3);
    }

    #[test]
    fn rejects_other_versions_and_bad_json() {
        let error = Baseline::from_json("{\"version\": 2}", "b.json").unwrap_err();
        assert!(
            matches!(error, CoverageError::BaselineVersion { found: 2, .. }),
            "{error}"
        );
        let error = Baseline::from_json("{\"version\": 1,\n\"total\": 3}", "b.json")
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("b.json: invalid coverage baseline"),
            "{error}"
        );
    }
}
