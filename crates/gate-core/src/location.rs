//! Where a finding is: a repository-relative path and an optional 1-based line and column.

use std::fmt;
use std::num::NonZeroU32;

use serde::Serialize;

/// A place in the repository. Lines and columns are 1-based, so `0` cannot be stored.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    /// Path relative to the repository root, with `/` separators.
    pub path: String,
    /// 1-based line, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<NonZeroU32>,
    /// 1-based column, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<NonZeroU32>,
}

impl Location {
    /// A whole file, without a line.
    pub fn file(path: impl Into<String>) -> Location {
        Location {
            path: normalise_separators(path.into()),
            line: None,
            column: None,
        }
    }

    /// A line in a file. A line of `0` is treated as unknown rather than stored.
    pub fn line(path: impl Into<String>, line: u32) -> Location {
        Location {
            line: NonZeroU32::new(line),
            ..Location::file(path)
        }
    }

    /// The same location with a column. A column of `0` is treated as unknown.
    #[must_use]
    pub fn with_column(mut self, column: u32) -> Location {
        self.column = NonZeroU32::new(column);
        self
    }

    /// Whether the path names a file inside the repository: relative and not climbing out of it.
    ///
    /// Gates keep paths as they found them when a file lies outside the project (an installed
    /// package's METADATA, a report naming another machine's files), so renderers that need a
    /// repository file (SARIF, GitLab) check this before pointing at one.
    pub fn is_inside_repository(&self) -> bool {
        let path = self.path.as_str();
        let absolute = path.starts_with('/') || has_drive_letter(path);
        !absolute && !path.split('/').any(|part| part == "..")
    }
}

/// `C:/…` or `c:` — a Windows absolute path, whichever machine wrote the report.
fn has_drive_letter(path: &str) -> bool {
    let bytes = path.as_bytes();
    bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':'
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

/// Reports are read on every platform, so paths always use `/`.
fn normalise_separators(path: String) -> String {
    if path.contains('\\') {
        path.replace('\\', "/")
    } else {
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_path_line_and_column() {
        assert_eq!(Location::file("a/b.py").to_string(), "a/b.py");
        assert_eq!(Location::line("a/b.py", 3).to_string(), "a/b.py:3");
        assert_eq!(
            Location::line("a/b.py", 3).with_column(7).to_string(),
            "a/b.py:3:7"
        );
    }

    #[test]
    fn only_relative_paths_that_stay_inside_are_in_the_repository() {
        for inside in ["api/app.py", "./api/app.py", "gate.toml", "a/..b/c.py"] {
            assert!(Location::file(inside).is_inside_repository(), "{inside}");
        }
        for outside in [
            "/home/me/.venv/lib/python3.12/site-packages/x.dist-info/METADATA",
            "../artifacts/coverage.xml",
            "api/../../x.py",
            "C:\\build\\src\\x.c",
            "d:/x.c",
        ] {
            assert!(!Location::file(outside).is_inside_repository(), "{outside}");
        }
    }

    #[test]
    fn line_zero_is_unknown_and_backslashes_become_slashes() {
        let location = Location::line("api\\app.py", 0);
        assert_eq!(location.line, None);
        assert_eq!(location.path, "api/app.py");
    }
}
