//! Why a report, setting, diff or baseline could not be read.

/// Everything that can go wrong in this crate. Messages name the file and, where known, the line.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CoverageError {
    /// A file could not be read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// The file.
        file: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The input is larger than [`crate::Limits::max_bytes`].
    #[error("{file}: larger than the limit of {limit} bytes")]
    TooLarge {
        /// The file.
        file: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// XML elements nest deeper than [`crate::Limits::max_depth`].
    #[error("{file}:{line}: XML nested deeper than {limit} elements")]
    TooDeep {
        /// The file.
        file: String,
        /// 1-based line.
        line: u64,
        /// The depth limit.
        limit: usize,
    },
    /// One XML start tag, text node or comment, or one LCOV line, is larger than
    /// [`crate::Limits::max_event_bytes`].
    #[error(
        "{file}:{line}: one XML tag or text, or one LCOV line, is larger than {limit} bytes (a \
         report holds names and numbers, not whole files)"
    )]
    EventTooLarge {
        /// The file.
        file: String,
        /// 1-based line where reading stopped, inside the tag, text or line.
        line: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// The XML is not well formed.
    #[error("{file}:{line}: malformed XML: {source}")]
    Xml {
        /// The file.
        file: String,
        /// 1-based line.
        line: u64,
        /// What quick-xml reported.
        #[source]
        source: quick_xml::Error,
    },
    /// The document ends before its root element is closed.
    #[error("{file}:{line}: the report ends before </{element}> (truncated?)")]
    Truncated {
        /// The file.
        file: String,
        /// 1-based line of the end of input.
        line: u64,
        /// The innermost element left open, or the expected root.
        element: String,
    },
    /// An LCOV report ends inside a file's record.
    #[error(
        "{file}:{line}: the report ends inside the record of SF:{source_file}, which has no \
         end_of_record line (truncated?)"
    )]
    MissingEndOfRecord {
        /// The report.
        file: String,
        /// 1-based line of the end of input.
        line: u64,
        /// The source file the open record is about (truncated to 80 characters).
        source_file: String,
    },
    /// An XML report declares entities: expanding them (a "billion laughs" bomb) is refused.
    #[error(
        "{file}:{line}: the XML declares entities (<!ENTITY …>): entity expansion refused (a \
         coverage report needs none)"
    )]
    EntityDeclaration {
        /// The file.
        file: String,
        /// 1-based line of the declaration.
        line: u64,
    },
    /// The root element is not the one the format requires.
    #[error("{file}:{line}: expected a <{expected}> root element, found <{found}>")]
    UnexpectedRoot {
        /// The file.
        file: String,
        /// 1-based line.
        line: u64,
        /// The root element the format needs.
        expected: &'static str,
        /// The root element found.
        found: String,
    },
    /// An element lacks an attribute the format requires.
    #[error("{file}:{line}: <{element}> has no `{attribute}` attribute")]
    MissingAttribute {
        /// The file.
        file: String,
        /// 1-based line.
        line: u64,
        /// The element.
        element: &'static str,
        /// The attribute.
        attribute: &'static str,
    },
    /// A field holds text that is not what the format allows there.
    #[error("{file}:{line}: `{value}` is not a valid {what}")]
    InvalidValue {
        /// The file.
        file: String,
        /// 1-based line.
        line: u64,
        /// What was expected (`line number`, `hit count`, `LCOV record`…).
        what: &'static str,
        /// The offending text (truncated to 80 characters).
        value: String,
    },
    /// The content is none of the supported formats.
    #[error(
        "{file}: not a coverage report this tool reads (Cobertura XML, JaCoCo XML, LCOV, coverage.py JSON)"
    )]
    UnknownFormat {
        /// The file.
        file: String,
    },
    /// coverage.py JSON that does not parse or lacks required fields.
    #[error("{file}: invalid coverage.py JSON: {source}")]
    Json {
        /// The file.
        file: String,
        /// `serde_json`'s error, which carries the line and column.
        #[source]
        source: serde_json::Error,
    },
    /// A `pyproject.toml` that does not parse.
    #[error("{file}: invalid TOML: {source}")]
    Toml {
        /// The file.
        file: String,
        /// The TOML error, which carries the line and column.
        #[source]
        source: toml::de::Error,
    },
    /// A threshold that is not a number between 0 and 100.
    #[error("{setting}: `{value}` is not a percentage between 0 and 100")]
    InvalidThreshold {
        /// Where the threshold came from (`fail-under`, `pyproject.toml: fail_under`…).
        setting: String,
        /// The text given.
        value: String,
    },
    /// A path pattern that is not a valid glob.
    #[error("invalid path glob `{pattern}`: {source}")]
    Glob {
        /// The pattern.
        pattern: String,
        /// What globset reported.
        #[source]
        source: globset::Error,
    },
    /// A baseline file that is not valid baseline JSON.
    #[error("{file}: invalid coverage baseline: {source}")]
    Baseline {
        /// The file.
        file: String,
        /// `serde_json`'s error, with line and column.
        #[source]
        source: serde_json::Error,
    },
    /// A baseline written by a newer, incompatible version.
    #[error("{file}: coverage baseline version {found} is not supported (expected {expected})")]
    BaselineVersion {
        /// The file.
        file: String,
        /// The version in the file.
        found: u64,
        /// The version this crate writes.
        expected: u64,
    },
}

impl CoverageError {
    /// The file the error is about, where there is one (a threshold or glob has none).
    pub fn file(&self) -> Option<&str> {
        match self {
            CoverageError::Io { file, .. }
            | CoverageError::TooLarge { file, .. }
            | CoverageError::TooDeep { file, .. }
            | CoverageError::EventTooLarge { file, .. }
            | CoverageError::Xml { file, .. }
            | CoverageError::Truncated { file, .. }
            | CoverageError::MissingEndOfRecord { file, .. }
            | CoverageError::EntityDeclaration { file, .. }
            | CoverageError::UnexpectedRoot { file, .. }
            | CoverageError::MissingAttribute { file, .. }
            | CoverageError::InvalidValue { file, .. }
            | CoverageError::UnknownFormat { file }
            | CoverageError::Json { file, .. }
            | CoverageError::Toml { file, .. }
            | CoverageError::Baseline { file, .. }
            | CoverageError::BaselineVersion { file, .. } => Some(file),
            CoverageError::InvalidThreshold { .. } | CoverageError::Glob { .. } => None,
        }
    }

    /// The 1-based line of [`CoverageError::file`] the error is on, where known.
    pub fn line(&self) -> Option<u64> {
        match self {
            CoverageError::TooDeep { line, .. }
            | CoverageError::EventTooLarge { line, .. }
            | CoverageError::Xml { line, .. }
            | CoverageError::Truncated { line, .. }
            | CoverageError::MissingEndOfRecord { line, .. }
            | CoverageError::EntityDeclaration { line, .. }
            | CoverageError::UnexpectedRoot { line, .. }
            | CoverageError::MissingAttribute { line, .. }
            | CoverageError::InvalidValue { line, .. } => Some(*line),
            CoverageError::Json { source, .. } | CoverageError::Baseline { source, .. } => {
                u64::try_from(source.line()).ok().filter(|&line| line > 0)
            }
            _ => None,
        }
    }

    /// The message without the leading `file:line: `, for a caller that shows the file and
    /// line as a location of its own (so the file is not named twice).
    pub fn detail(&self) -> String {
        let message = self.to_string();
        let Some(file) = self.file() else {
            return message;
        };
        let prefix = match self.line() {
            // JSON errors carry the line in serde's text, not in the prefix.
            Some(line)
                if !matches!(
                    self,
                    CoverageError::Json { .. } | CoverageError::Baseline { .. }
                ) =>
            {
                format!("{file}:{line}: ")
            }
            _ => format!("{file}: "),
        };
        message
            .strip_prefix(&prefix)
            .map_or(message.clone(), str::to_owned)
    }
}

/// Keeps error messages one readable line even when the offending text is huge.
pub(crate) fn excerpt(text: &str) -> String {
    const MAX: usize = 80;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_cut_long_values_on_character_boundaries() {
        assert_eq!(excerpt("short"), "short");
        let long = "é".repeat(100);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), 81);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn detail_drops_the_file_and_line_that_a_location_shows() {
        let error = CoverageError::InvalidValue {
            file: "x.xml".into(),
            line: 4,
            what: "line number",
            value: "x".into(),
        };
        assert_eq!((error.file(), error.line()), (Some("x.xml"), Some(4)));
        assert_eq!(error.detail(), "`x` is not a valid line number");
        let io = CoverageError::Io {
            file: "a.lcov".into(),
            source: std::io::Error::other("gone"),
        };
        assert_eq!(
            (io.line(), io.detail().as_str()),
            (None, "cannot read: gone")
        );
        let json = serde_json::from_str::<u8>("\n\n x").unwrap_err();
        let json = CoverageError::Json {
            file: "c.json".into(),
            source: json,
        };
        assert_eq!(json.line(), Some(3));
        assert!(
            json.detail().starts_with("invalid coverage.py JSON: "),
            "{}",
            json.detail()
        );
        let glob = CoverageError::InvalidThreshold {
            setting: "--path".into(),
            value: "x".into(),
        };
        assert_eq!((glob.file(), glob.detail()), (None, glob.to_string()));
    }

    #[test]
    fn messages_name_file_and_line() {
        let error = CoverageError::MissingAttribute {
            file: "coverage.xml".into(),
            line: 12,
            element: "line",
            attribute: "hits",
        };
        assert_eq!(
            error.to_string(),
            "coverage.xml:12: <line> has no `hits` attribute"
        );
    }
}
