//! Why a lockfile, requirements file or installed environment could not be read.

use std::path::PathBuf;

/// A dependency file that could not be read. Every message names the file, and the line where known.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The file (or directory) could not be read at all.
    #[error("cannot read {}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The file is not UTF-8 text.
    #[error("{}: not UTF-8 text", path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
    },
    /// A TOML lockfile (`Cargo.lock`, `poetry.lock`, `uv.lock`, `pylock.toml`) that does not parse
    /// or lacks a field the format requires.
    #[error("{}:{line}: invalid {format}", path.display())]
    Toml {
        /// The file.
        path: PathBuf,
        /// The 1-based line of the problem (1 when the parser gives no position).
        line: u32,
        /// The lockfile format expected.
        format: &'static str,
        /// The parser's message (boxed: it is large, and errors travel in every `Result`).
        #[source]
        source: Box<toml::de::Error>,
    },
    /// A JSON lockfile (`package-lock.json`, `Pipfile.lock`) that does not parse or lacks a field.
    #[error("{}:{line}: invalid {format}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// The 1-based line of the problem.
        line: u32,
        /// The lockfile format expected.
        format: &'static str,
        /// The parser's message.
        #[source]
        source: serde_json::Error,
    },
    /// A lockfile version this reader does not understand.
    #[error("{}: unsupported {format} version {version}", path.display())]
    UnsupportedVersion {
        /// The file.
        path: PathBuf,
        /// The lockfile format.
        format: &'static str,
        /// The version the file declares.
        version: String,
    },
    /// A requirements line that is not a valid requirement.
    #[error("{}:{line}: invalid requirement `{text}`", path.display())]
    InvalidRequirement {
        /// The file.
        path: PathBuf,
        /// The 1-based line where the requirement starts.
        line: u32,
        /// The requirement as written (continuations joined).
        text: String,
    },
    /// A requirements option this reader does not support (`-e`, `--index-url` are fine; others are not).
    #[error("{}:{line}: option `{option}` needs a value", path.display())]
    MissingOptionValue {
        /// The file.
        path: PathBuf,
        /// The 1-based line.
        line: u32,
        /// The option.
        option: String,
    },
    /// `-r`/`-c` includes that loop back to a file already being read.
    #[error("{}:{line}: include cycle through {}", path.display(), target.display())]
    IncludeCycle {
        /// The including file.
        path: PathBuf,
        /// The 1-based line of the include.
        line: u32,
        /// The file included again.
        target: PathBuf,
    },
    /// An installed package's `METADATA` without `Name` or `Version`.
    #[error("{}: missing `{field}` header", path.display())]
    MissingMetadata {
        /// The `METADATA` file.
        path: PathBuf,
        /// The header that is missing.
        field: &'static str,
    },
    /// A lockfile entry without a field the format requires.
    #[error("{}:{line}: entry lacks `{field}`", path.display())]
    MissingField {
        /// The file.
        path: PathBuf,
        /// The 1-based line of the entry.
        line: u32,
        /// The missing field.
        field: &'static str,
    },
    /// A file whose name matches no supported lockfile format.
    #[error(
        "{}: not a lockfile recognised by its name (see the gate-supply README for the list); a \
         pip requirements file of another name is audited when named as one (`gate supply audit \
         -r FILE`, `requirements = [...]` in [supply.advisories])",
        path.display()
    )]
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },
    /// A file larger than readers accept.
    #[error("{}: larger than {limit} bytes", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit in bytes.
        limit: u64,
    },
}

impl ReadError {
    pub(crate) fn toml(
        path: &std::path::Path,
        text: &str,
        format: &'static str,
        source: toml::de::Error,
    ) -> ReadError {
        let line = source
            .span()
            .map_or(1, |span| crate::dependency::line_of(text, span.start));
        ReadError::Toml {
            path: path.to_owned(),
            line,
            format,
            source: Box::new(source),
        }
    }

    pub(crate) fn json(
        path: &std::path::Path,
        format: &'static str,
        source: serde_json::Error,
    ) -> ReadError {
        ReadError::Json {
            path: path.to_owned(),
            line: u32::try_from(source.line()).unwrap_or(u32::MAX).max(1),
            format,
            source,
        }
    }
}

/// Files bigger than this are refused: no real lockfile comes near it, and it bounds memory.
pub(crate) const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Reads a whole file, at most [`MAX_FILE_BYTES`], with errors that name it.
pub(crate) fn read_bytes(path: &std::path::Path) -> Result<Vec<u8>, ReadError> {
    gate_core::read_capped(path, MAX_FILE_BYTES).map_err(|source| {
        if source.kind() == std::io::ErrorKind::FileTooLarge {
            ReadError::TooLarge {
                path: path.to_owned(),
                limit: MAX_FILE_BYTES,
            }
        } else {
            ReadError::Io {
                path: path.to_owned(),
                source,
            }
        }
    })
}

/// Reads a whole text file, with the size bound and errors that name it.
///
/// The bound is on the bytes read, not on the size the file reports: a device or FIFO reports 0,
/// so `-c /dev/zero` in a requirements file would otherwise grow without end.
pub(crate) fn read_text(path: &std::path::Path) -> Result<String, ReadError> {
    let bytes = read_bytes(path)?;
    let mut text = String::from_utf8(bytes).map_err(|_| ReadError::NotUtf8 {
        path: path.to_owned(),
    })?;
    // A byte-order mark (Windows editors) would glue itself to the first package name, so that
    // package would match no advisory and no license: a silent pass.
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}
