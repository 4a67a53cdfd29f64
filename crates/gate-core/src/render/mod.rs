//! Renderers: pure functions from a [`Report`] to text. They format; they decide nothing.
//!
//! Each output format is one module and one function. [`Format`] names them for command lines
//! and configuration, and [`Format::render`] dispatches with the few [`RenderOptions`] some need.

mod escape;
mod fingerprint;
mod github;
mod gitlab;
mod human;
mod json;
mod junit;
mod markdown;
mod sarif;

use std::fmt;
use std::str::FromStr;

use crate::{Location, Report};

pub use github::{MAX_ANNOTATIONS_PER_LEVEL, github};
pub use gitlab::gitlab;
pub use human::human;
pub use json::{JSON_SCHEMA_VERSION, json};
pub use junit::junit;
pub use markdown::markdown;
pub use sarif::sarif;

/// What the renderers that need context are given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// Use ANSI colours in `human` output. The caller decides (TTY, `NO_COLOR`); renderers never look.
    pub color: bool,
    /// The configuration file's repository-relative path: where findings without a file point
    /// (SARIF and GitLab need a file for every result).
    pub config_path: String,
    /// The version of the tool, recorded in SARIF.
    pub tool_version: String,
}

impl Default for RenderOptions {
    fn default() -> RenderOptions {
        RenderOptions {
            color: false,
            config_path: "gate.toml".to_owned(),
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

/// Where a SARIF result or GitLab issue points: code scanning and merge-request widgets can only
/// show files of the repository.
struct RepositoryPlace<'a> {
    path: &'a str,
    line: u32,
    column: Option<u32>,
    /// The finding's own path when it lies outside the repository (an installed package's
    /// METADATA, another machine's absolute path): the result points at the configuration that
    /// asked for the check instead, and the message names this path.
    outside: Option<String>,
}

impl<'a> RepositoryPlace<'a> {
    fn of(location: Option<&'a Location>, config_path: &'a str) -> RepositoryPlace<'a> {
        match location {
            Some(location) if location.is_inside_repository() => RepositoryPlace {
                path: &location.path,
                line: location.line.map_or(1, std::num::NonZeroU32::get),
                column: location.column.map(std::num::NonZeroU32::get),
                outside: None,
            },
            Some(location) => RepositoryPlace {
                outside: Some(location.to_string()),
                ..RepositoryPlace::configuration(config_path)
            },
            None => RepositoryPlace::configuration(config_path),
        }
    }

    fn configuration(config_path: &'a str) -> RepositoryPlace<'a> {
        RepositoryPlace {
            path: config_path,
            line: 1,
            column: None,
            outside: None,
        }
    }

    /// The message, naming the finding's own path when the place had to move to the config.
    fn message(&self, message: &str) -> String {
        match &self.outside {
            Some(path) => format!("{message} (in {path})"),
            None => message.to_owned(),
        }
    }
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Aligned terminal text.
    Human,
    /// The stable, versioned JSON document (`schemas/report.v1.json`).
    Json,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// JUnit XML for test-report viewers.
    Junit,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// A Markdown summary for job summaries and pull-request comments.
    Markdown,
    /// GitLab Code Quality JSON.
    Gitlab,
}

impl Format {
    /// Every format, in the order help texts list them.
    pub const ALL: [Format; 7] = [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Github,
        Format::Markdown,
        Format::Gitlab,
    ];

    /// The name used on command lines and in configuration.
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Github => "github",
            Format::Markdown => "markdown",
            Format::Gitlab => "gitlab",
        }
    }

    /// Renders a report in this format.
    pub fn render(self, report: &Report, options: &RenderOptions) -> String {
        match self {
            Format::Human => human(report, options.color),
            Format::Json => json(report),
            Format::Sarif => sarif(report, options),
            Format::Junit => junit(report),
            Format::Github => github(report),
            Format::Markdown => markdown(report),
            Format::Gitlab => gitlab(report, &options.config_path),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A format name that is not one of [`Format::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown format `{name}` (expected one of: human, json, sarif, junit, github, markdown, gitlab)"
)]
pub struct UnknownFormat {
    name: String,
}

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(name: &str) -> Result<Format, UnknownFormat> {
        Format::ALL
            .into_iter()
            .find(|format| format.name() == name)
            .ok_or_else(|| UnknownFormat {
                name: name.to_owned(),
            })
    }
}
