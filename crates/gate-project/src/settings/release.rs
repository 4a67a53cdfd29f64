//! `[release]`: tag format, branches, changelog, links and commit lint settings for the release
//! gate (`gate check`) and the `gate release` commands.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gate_release::{Level, LintConfig, TagFormat};
use serde::Deserialize;
use serde_spanned::Spanned;

use super::Problem;

/// The keys of `[release]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawRelease {
    tag_format: Option<Spanned<String>>,
    branch: Option<Spanned<String>>,
    #[serde(default)]
    prerelease: BTreeMap<String, Spanned<String>>,
    major_on_zero: Option<bool>,
    changelog: Option<String>,
    repository_url: Option<String>,
    types: Option<Spanned<Vec<String>>>,
    header_max_length: Option<usize>,
    body_max_line_length: Option<usize>,
    footer_max_line_length: Option<usize>,
    #[serde(default)]
    lint_levels: BTreeMap<String, Spanned<toml::Value>>,
    lint_base: Option<Spanned<String>>,
    lint_from: Option<Spanned<String>>,
    #[serde(default)]
    lint_exempt: Vec<Spanned<String>>,
}

/// The release settings, typed and checked.
#[derive(Debug, Clone)]
pub struct Release {
    /// How release tags are spelt.
    pub tag_format: TagFormat,
    /// The branch to release as, instead of the checked-out one (detached CI checkouts).
    pub branch: Option<String>,
    /// Extra prerelease branches: name → prerelease identifier (`next = "rc"`).
    pub prerelease: BTreeMap<String, String>,
    /// Breaking changes on `0.x` release `1.0.0` (semantic-release) unless `false`.
    pub major_on_zero: bool,
    /// The changelog file, resolved against the configuration's directory.
    pub changelog: PathBuf,
    /// Where links in the notes point; `None`: `remote.origin.url`.
    pub repository_url: Option<String>,
    /// Commit lint settings.
    pub lint: LintConfig,
    /// Which commits the gate lints.
    pub lint_range: LintRange,
    /// Commits (full shas or prefixes of at least 7 digits) the lint skips: published history
    /// that cannot be rewritten.
    pub lint_exempt: Vec<String>,
}

/// Which commits `gate check` lints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LintRange {
    /// The commits since the last release (the default).
    SinceRelease,
    /// `BASE..HEAD`: the commits after `BASE` (a pull request's, with `origin/main`).
    After(String),
    /// `FROM` and every commit after it (the whole history from a project's first
    /// Conventional Commit).
    From(String),
}

impl Release {
    /// The defaults, as if `[release]` were empty; `root` is the configuration's directory.
    pub fn defaults(root: &Path) -> Release {
        Release {
            tag_format: TagFormat::default(),
            branch: None,
            prerelease: BTreeMap::new(),
            major_on_zero: true,
            changelog: root.join("CHANGELOG.md"),
            repository_url: None,
            lint: LintConfig::default(),
            lint_range: LintRange::SinceRelease,
            lint_exempt: Vec::new(),
        }
    }
}

/// Turns the raw `[release]` table into settings; paths are resolved against `root`.
pub(crate) fn release(raw: RawRelease, root: &Path) -> Result<Release, Problem> {
    let mut settings = Release::defaults(root);
    if let Some(format) = &raw.tag_format {
        settings.tag_format = TagFormat::parse(format.get_ref())
            .map_err(|error| (Some(format.span()), error.to_string()))?;
    }
    if let Some(branch) = &raw.branch {
        let name = branch.get_ref().trim();
        if name.is_empty() {
            return Err((Some(branch.span()), "`branch` is empty".to_owned()));
        }
        settings.branch = Some(name.to_owned());
    }
    for (name, preid) in &raw.prerelease {
        let id = preid.get_ref().trim();
        // A prerelease identifier becomes part of a semver version: `1.3.0-beta.1`.
        let valid = !id.is_empty()
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !id.bytes().all(|b| b.is_ascii_digit());
        if !valid {
            return Err((
                Some(preid.span()),
                format!(
                    "prerelease identifier `{id}` for branch `{name}` must be letters, digits and `-`, such as \"beta\""
                ),
            ));
        }
        settings.prerelease.insert(name.clone(), id.to_owned());
    }
    if let Some(major_on_zero) = raw.major_on_zero {
        settings.major_on_zero = major_on_zero;
    }
    if let Some(changelog) = raw.changelog {
        settings.changelog = root.join(changelog);
    }
    settings.repository_url = raw.repository_url;
    if let Some(types) = &raw.types {
        if types.get_ref().is_empty() {
            return Err((
                Some(types.span()),
                "`types` is empty: list the allowed commit types".to_owned(),
            ));
        }
        settings.lint.types.clone_from(types.get_ref());
    }
    if let Some(length) = raw.header_max_length {
        settings.lint.header_max_length = length;
    }
    if let Some(length) = raw.body_max_line_length {
        settings.lint.body_max_line_length = length;
    }
    if let Some(length) = raw.footer_max_line_length {
        settings.lint.footer_max_line_length = length;
    }
    for (rule, value) in &raw.lint_levels {
        let level = level(value)?;
        settings
            .lint
            .set_level(rule, level)
            .map_err(|error| (Some(value.span()), error.to_string()))?;
    }
    settings.lint_range = match (raw.lint_base, raw.lint_from) {
        (Some(_), Some(from)) => {
            return Err((
                Some(from.span()),
                "`lint-base` and `lint-from` both choose the commits to lint: keep one".to_owned(),
            ));
        }
        (Some(base), None) => LintRange::After(revision(&base, "lint-base")?),
        (None, Some(from)) => LintRange::From(revision(&from, "lint-from")?),
        (None, None) => LintRange::SinceRelease,
    };
    for commit in &raw.lint_exempt {
        let sha = commit.get_ref().trim();
        if sha.len() < 7 || sha.len() > 40 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err((
                Some(commit.span()),
                format!("lint-exempt `{sha}` is not a commit sha (7 to 40 hex digits)"),
            ));
        }
        settings.lint_exempt.push(sha.to_ascii_lowercase());
    }
    Ok(settings)
}

fn revision(value: &Spanned<String>, key: &str) -> Result<String, Problem> {
    let text = value.get_ref().trim();
    if text.is_empty() || text.starts_with('-') {
        return Err((
            Some(value.span()),
            format!("`{key}` must name a commit or ref, not `{text}`"),
        ));
    }
    Ok(text.to_owned())
}

/// `"off"`, `"warning"`, `"error"`, or commitlint's numbers 0, 1, 2.
fn level(value: &Spanned<toml::Value>) -> Result<Option<Level>, Problem> {
    match value.get_ref() {
        toml::Value::String(text) if text == "off" => Ok(None),
        toml::Value::String(text) if text == "warning" || text == "warn" => {
            Ok(Some(Level::Warning))
        }
        toml::Value::String(text) if text == "error" => Ok(Some(Level::Error)),
        toml::Value::Integer(0) => Ok(None),
        toml::Value::Integer(1) => Ok(Some(Level::Warning)),
        toml::Value::Integer(2) => Ok(Some(Level::Error)),
        other => Err((
            Some(value.span()),
            format!(
                "a lint level is \"off\", \"warning\" or \"error\" (or 0, 1, 2), not `{other}`"
            ),
        )),
    }
}
