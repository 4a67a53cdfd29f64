//! `[release]`: tag format, branches, changelog, links and commit lint settings for the release
//! gate (`gate check`) and the `gate release` commands.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gate_release::{Level, LintConfig, ReleaseRule, ReleaseType, TagFormat, TypeSection};
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
    scopes: Option<Vec<String>>,
    header_max_length: Option<usize>,
    body_max_line_length: Option<usize>,
    footer_max_line_length: Option<usize>,
    #[serde(default)]
    lint_levels: BTreeMap<String, Spanned<toml::Value>>,
    lint_base: Option<Spanned<String>>,
    lint_from: Option<Spanned<String>>,
    #[serde(default)]
    lint_exempt: Vec<Spanned<String>>,
    branches: Option<Spanned<Vec<Spanned<RawBranch>>>>,
    #[serde(default)]
    release_rules: Vec<Spanned<RawReleaseRule>>,
    notes_types: Option<Spanned<Vec<Spanned<RawNotesType>>>>,
}

/// One entry of `branches`: a name, or a table as in semantic-release's `branches`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawBranch {
    Name(String),
    Table(RawBranchTable),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBranchTable {
    name: String,
    range: Option<String>,
    channel: Option<String>,
    prerelease: Option<toml::Value>,
}

/// One entry of `release-rules` (the commit-analyzer's `releaseRules`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReleaseRule {
    #[serde(rename = "type")]
    type_: Option<String>,
    scope: Option<String>,
    breaking: Option<bool>,
    revert: Option<bool>,
    release: toml::Value,
}

/// One entry of `notes-types` (the notes generator's `presetConfig.types`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotesType {
    #[serde(rename = "type")]
    type_: String,
    section: Option<String>,
    #[serde(default)]
    hidden: bool,
}

/// `[release]` from a section's text (such as [`crate::import::Import::section`]), as if it
/// were a gate.toml in `root`; `shown` names it in errors.
pub fn release_from_toml(text: &str, shown: &str, root: &Path) -> Result<Release, String> {
    let config = crate::parse(text, shown, shown, root).map_err(|error| error.to_string())?;
    Ok(config.release.unwrap_or_else(|| Release::defaults(root)))
}

/// semantic-release's maintenance-branch glob: `1.x`, `1.x.x`, `1.2.x`.
pub const MAINTENANCE_GLOB: &str = "+([0-9])?(.{+([0-9]),x}).x";

/// A release branch as semantic-release's `branches` option lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchSpec {
    /// Which branch names the entry covers.
    pub name: BranchName,
    /// A maintenance range given apart from the name (`1.x` for `maint/1.x`).
    pub range: Option<String>,
    /// The distribution channel, when set.
    pub channel: Option<String>,
    /// The prerelease identifier of a prerelease branch (`prerelease = true`: the name).
    pub prerelease: Option<String>,
}

/// The names a [`BranchSpec`] covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BranchName {
    /// One branch.
    Literal(String),
    /// `PREFIX` followed by a maintenance range (`maint/1.x` for `maint/`), semantic-release's
    /// `PREFIX+([0-9])?(.{+([0-9]),x}).x`; the range is the name without the prefix.
    Maintenance {
        /// The literal prefix, often empty.
        prefix: String,
    },
}

impl BranchSpec {
    /// A spec for one branch name, nothing else set.
    pub fn named(name: &str) -> BranchSpec {
        BranchSpec {
            name: BranchName::Literal(name.to_owned()),
            range: None,
            channel: None,
            prerelease: None,
        }
    }

    /// The maintenance range of `branch` when this entry makes it a maintenance branch.
    pub fn maintenance_range(&self, branch: &str) -> Option<String> {
        match &self.name {
            BranchName::Literal(name) if name == branch => self
                .range
                .clone()
                .or_else(|| is_maintenance_range(name).then(|| name.clone())),
            BranchName::Literal(_) => None,
            BranchName::Maintenance { prefix } => branch
                .strip_prefix(prefix.as_str())
                .filter(|rest| is_maintenance_range(rest))
                .map(str::to_owned),
        }
    }

    /// Whether the entry covers `branch`.
    pub fn covers(&self, branch: &str) -> bool {
        match &self.name {
            BranchName::Literal(name) => name == branch,
            BranchName::Maintenance { .. } => self.maintenance_range(branch).is_some(),
        }
    }

    /// Whether the entry lists a release branch (neither maintenance nor prerelease).
    pub fn is_release(&self) -> bool {
        self.prerelease.is_none()
            && self.range.is_none()
            && match &self.name {
                BranchName::Literal(name) => !is_maintenance_range(name),
                BranchName::Maintenance { .. } => false,
            }
    }
}

/// `N.x`, `N.x.x` or `N.N.x`.
pub fn is_maintenance_range(name: &str) -> bool {
    gate_release::Branch::maintenance(name).is_ok()
}

/// semantic-release's default `branches`, with `[release] prerelease` entries added.
pub fn default_branches(prerelease: &BTreeMap<String, String>) -> Vec<BranchSpec> {
    let mut branches = vec![BranchSpec {
        name: BranchName::Maintenance {
            prefix: String::new(),
        },
        range: None,
        channel: None,
        prerelease: None,
    }];
    for name in ["master", "main", "next", "next-major"] {
        branches.push(BranchSpec::named(name));
    }
    for name in ["beta", "alpha"] {
        branches.push(BranchSpec {
            prerelease: Some(name.to_owned()),
            ..BranchSpec::named(name)
        });
    }
    for (name, preid) in prerelease {
        branches.retain(|branch| !branch.covers(name));
        branches.push(BranchSpec {
            prerelease: Some(preid.clone()),
            ..BranchSpec::named(name)
        });
    }
    branches
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
    /// The release branches, in semantic-release's order (the first release branch is the
    /// main one); `None`: semantic-release's defaults plus `prerelease`.
    pub branches: Option<Vec<BranchSpec>>,
    /// `releaseRules`, consulted before the preset's rules.
    pub release_rules: Vec<ReleaseRule>,
    /// The notes' sections (`presetConfig.types`); `None`: the preset's defaults.
    pub notes_types: Option<Vec<TypeSection>>,
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
            branches: None,
            release_rules: Vec::new(),
            notes_types: None,
        }
    }

    /// The branches in effect: `branches`, else semantic-release's defaults plus `prerelease`.
    pub fn effective_branches(&self) -> Vec<BranchSpec> {
        self.branches
            .clone()
            .unwrap_or_else(|| default_branches(&self.prerelease))
    }
}

/// Turns the raw `[release]` table into settings; paths are resolved against `root`.
pub(crate) fn release(raw: RawRelease, root: &Path) -> Result<Release, Problem> {
    let mut settings = Release::defaults(root);
    branch_settings(&raw, &mut settings)?;
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
    if let Some(scopes) = &raw.scopes {
        settings.lint.scopes.clone_from(scopes);
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

/// `branches`, `release-rules` and `notes-types`: what semantic-release's configuration says.
fn branch_settings(raw: &RawRelease, settings: &mut Release) -> Result<(), Problem> {
    if let Some(branches) = &raw.branches {
        if raw.prerelease.is_empty() {
            settings.branches = Some(
                branches
                    .get_ref()
                    .iter()
                    .map(branch_spec)
                    .collect::<Result<_, _>>()?,
            );
        } else {
            return Err((
                Some(branches.span()),
                "`branches` and `prerelease` both describe branches: list prerelease branches in \
                 `branches` as { name = \"next\", prerelease = \"rc\" }"
                    .to_owned(),
            ));
        }
    }
    for rule in &raw.release_rules {
        settings.release_rules.push(release_rule(rule)?);
    }
    if let Some(types) = &raw.notes_types {
        settings.notes_types = Some(
            types
                .get_ref()
                .iter()
                .map(|entry| {
                    let raw = entry.get_ref();
                    TypeSection {
                        type_: raw.type_.clone(),
                        section: raw.section.clone().unwrap_or_else(|| raw.type_.clone()),
                        hidden: raw.hidden,
                    }
                })
                .collect(),
        );
    }
    Ok(())
}

/// A `branches` entry: a name (or semantic-release's maintenance glob after a prefix), a
/// maintenance `range`, a `channel`, a `prerelease` identifier (`true`: the name).
fn branch_spec(entry: &Spanned<RawBranch>) -> Result<BranchSpec, Problem> {
    let span = Some(entry.span());
    let table = match entry.get_ref() {
        RawBranch::Name(name) => RawBranchTable {
            name: name.clone(),
            range: None,
            channel: None,
            prerelease: None,
        },
        RawBranch::Table(table) => RawBranchTable {
            name: table.name.clone(),
            range: table.range.clone(),
            channel: table.channel.clone(),
            prerelease: table.prerelease.clone(),
        },
    };
    let name = match table.name.strip_suffix(MAINTENANCE_GLOB) {
        Some(prefix) if !has_glob(prefix) => BranchName::Maintenance {
            prefix: prefix.to_owned(),
        },
        _ if has_glob(&table.name) => {
            return Err((
                span,
                format!(
                    "branch `{}`: gate reads branch names and semantic-release's maintenance \
                     pattern `{MAINTENANCE_GLOB}` (after a literal prefix such as `maint/`), not \
                     other globs; list the branches by name",
                    table.name
                ),
            ));
        }
        _ if table.name.trim().is_empty() => {
            return Err((span, "a branch name is empty".to_owned()));
        }
        _ => BranchName::Literal(table.name.clone()),
    };
    if let Some(range) = &table.range
        && (!is_maintenance_range(range) || matches!(name, BranchName::Maintenance { .. }))
    {
        return Err((
            span,
            format!(
                "branch `{}`: `range` is a maintenance range such as \"1.x\" or \"1.2.x\" on a \
                     branch named literally (a pattern's range is its name without the prefix), \
                     not `{range}`",
                table.name
            ),
        ));
    }
    let prerelease = match &table.prerelease {
        None | Some(toml::Value::Boolean(false)) => None,
        Some(toml::Value::Boolean(true)) => Some(table.name.clone()),
        Some(toml::Value::String(id)) => Some(id.clone()),
        Some(other) => {
            return Err((
                span,
                format!(
                    "`prerelease` is true, false or an identifier such as \"rc\", not `{other}`"
                ),
            ));
        }
    };
    Ok(BranchSpec {
        name,
        range: table.range,
        channel: table.channel,
        prerelease,
    })
}

fn has_glob(text: &str) -> bool {
    text.contains(['*', '?', '+', '@', '!', '(', ')', '{', '}', '[', ']'])
}

/// A `release-rules` entry; `release` is `"major"`, `"minor"`, `"patch"` or `false`.
fn release_rule(rule: &Spanned<RawReleaseRule>) -> Result<ReleaseRule, Problem> {
    let raw = rule.get_ref();
    let release = match &raw.release {
        toml::Value::Boolean(false) => None,
        toml::Value::String(text) if text == "major" => Some(ReleaseType::Major),
        toml::Value::String(text) if text == "minor" => Some(ReleaseType::Minor),
        toml::Value::String(text) if text == "patch" => Some(ReleaseType::Patch),
        other => {
            return Err((
                Some(rule.span()),
                format!(
                    "a release rule's `release` is \"major\", \"minor\", \"patch\" or false, not `{other}`"
                ),
            ));
        }
    };
    Ok(ReleaseRule {
        type_: raw.type_.clone(),
        scope: raw.scope.clone(),
        breaking: raw.breaking.unwrap_or(false),
        revert: raw.revert.unwrap_or(false),
        release,
    })
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
