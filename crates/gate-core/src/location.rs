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
    fn line_zero_is_unknown_and_backslashes_become_slashes() {
        let location = Location::line("api\\app.py", 0);
        assert_eq!(location.line, None);
        assert_eq!(location.path, "api/app.py");
    }
}
