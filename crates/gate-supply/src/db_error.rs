//! Why an advisory database could not be loaded.

use std::path::PathBuf;

/// An advisory database that could not be loaded. A database that cannot be read is never
/// treated as "no advisories": the audit cannot run without one.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DbError {
    /// A file or directory could not be read.
    #[error("cannot read advisory data {}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The path holds no advisory records at all.
    #[error("no advisories in {} (is the advisory database downloaded?)", path.display())]
    Empty {
        /// The directory or archive.
        path: PathBuf,
    },
    /// An OSV JSON record that does not parse.
    #[error("{}: invalid OSV JSON record", path.display())]
    Json {
        /// The record.
        path: PathBuf,
        /// The parser's message, with line and column.
        #[source]
        source: serde_json::Error,
    },
    /// An OSV YAML record that does not parse.
    #[error("{}: invalid OSV YAML record", path.display())]
    Yaml {
        /// The record.
        path: PathBuf,
        /// The parser's message, with line and column.
        #[source]
        source: serde_yaml::Error,
    },
    /// An OSV range type other than `SEMVER`, `ECOSYSTEM` and `GIT`.
    #[error("{}: unknown OSV range type `{kind}`", path.display())]
    UnknownRangeType {
        /// The record.
        path: PathBuf,
        /// The type as written.
        kind: String,
    },
    /// A RustSec advisory without a ```` ```toml ```` front-matter block.
    #[error("{}: no ```toml front matter", path.display())]
    NoFrontMatter {
        /// The advisory file.
        path: PathBuf,
    },
    /// RustSec front matter that is not valid TOML or lacks a field.
    #[error("{}:{line}: invalid RustSec advisory", path.display())]
    Toml {
        /// The advisory file.
        path: PathBuf,
        /// The 1-based line in the file.
        line: u32,
        /// The parser's message.
        #[source]
        source: Box<toml::de::Error>,
    },
    /// A RustSec `patched`/`unaffected` entry that is not a Cargo version requirement.
    #[error("{}: invalid version requirement `{requirement}`", path.display())]
    Requirement {
        /// The advisory file.
        path: PathBuf,
        /// The requirement as written.
        requirement: String,
        /// The parser's message.
        #[source]
        source: semver::Error,
    },
    /// A `.zip` archive that cannot be read.
    #[error("{}: invalid zip archive", path.display())]
    Zip {
        /// The archive.
        path: PathBuf,
        /// The zip reader's message.
        #[source]
        source: zip::result::ZipError,
    },
    /// A file (or archive entry) larger than the loader accepts.
    #[error("{}: larger than {limit} bytes", path.display())]
    TooLarge {
        /// The file, or `archive.zip!entry`.
        path: PathBuf,
        /// The limit in bytes.
        limit: u64,
    },
    /// An archive entry that inflates far more than advisory records do: a zip bomb.
    #[error("{}: expands more than {limit} times its compressed size (a zip bomb?)", path.display())]
    Compression {
        /// `archive.zip!entry`.
        path: PathBuf,
        /// The largest ratio accepted.
        limit: u64,
    },
    /// An archive whose records together expand past the loader's bound.
    #[error("{}: expands to more than {limit} bytes (reached at entry {entry})", path.display())]
    ArchiveTooLarge {
        /// The archive.
        path: PathBuf,
        /// The entry at which the sum passed the bound.
        entry: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// A symbolic link in the database directory that leads outside it. Followed, it would let
    /// any file on the machine pose as an advisory; skipped, it would hide the records it names.
    #[error("{}: symbolic link leads outside the advisory database (to {})", path.display(), target.display())]
    LinkOutside {
        /// The link.
        path: PathBuf,
        /// Where it leads.
        target: PathBuf,
    },
}
