//! From history and configuration to the release plan: last release, range, next version.

use semver::Version;
use serde::Serialize;

use crate::ReleaseError;
use crate::commit::{ParsedCommit, ParserOptions, parse};
use crate::history::{Commit, History, ReleaseTag, TagFormat};
use crate::version::{
    ReleaseRule, ReleaseType, commit_release_type, filter_reverted, increment,
    increment_prerelease, precedence, with_prerelease,
};

/// The kind of branch being released, as semantic-release's `branches` option describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum BranchKind {
    /// A release branch such as `main`: any version above the last release.
    Release,
    /// A maintenance branch such as `1.x` or `1.2.x`: versions stay inside its range.
    Maintenance {
        /// The range's lower bound (`1.0.0` for `1.x`, `1.2.0` for `1.2.x`).
        #[serde(serialize_with = "crate::version::serialize_version")]
        lower: Version,
        /// The range's (exclusive) upper bound (`2.0.0` for `1.x`, `1.3.0` for `1.2.x`).
        #[serde(serialize_with = "crate::version::serialize_version")]
        upper: Version,
    },
    /// A prerelease branch such as `beta`: versions `X.Y.Z-beta.N`.
    Prerelease {
        /// The prerelease identifier (`beta`), also the channel.
        preid: String,
    },
}

/// The branch being released.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Branch {
    /// The branch name (`main`, `1.x`, `beta`).
    pub name: String,
    /// What kind of branch it is.
    #[serde(flatten)]
    pub kind: BranchKind,
}

impl Branch {
    /// A release branch.
    pub fn release(name: impl Into<String>) -> Branch {
        Branch {
            name: name.into(),
            kind: BranchKind::Release,
        }
    }

    /// A prerelease branch whose identifier is `preid` (semantic-release's `prerelease: true`
    /// uses the branch name).
    pub fn prerelease(name: impl Into<String>, preid: impl Into<String>) -> Branch {
        Branch {
            name: name.into(),
            kind: BranchKind::Prerelease {
                preid: preid.into(),
            },
        }
    }

    /// A maintenance branch whose range is its name: `1.x`, `1.x.x` or `1.2.x`.
    pub fn maintenance(name: impl Into<String>) -> Result<Branch, ReleaseError> {
        let name = name.into();
        let (lower, upper) =
            maintenance_range(&name).ok_or_else(|| ReleaseError::MaintenanceBranch {
                branch: name.clone(),
            })?;
        Ok(Branch {
            name,
            kind: BranchKind::Maintenance { lower, upper },
        })
    }

    /// A maintenance branch whose range is given apart from its name (semantic-release's
    /// `{ name: "maint/1.x", range: "1.x" }`): `range` is `1.x`, `1.x.x` or `1.2.x`.
    pub fn maintenance_with_range(
        name: impl Into<String>,
        range: &str,
    ) -> Result<Branch, ReleaseError> {
        let name = name.into();
        let (lower, upper) =
            maintenance_range(range).ok_or_else(|| ReleaseError::MaintenanceBranch {
                branch: name.clone(),
            })?;
        Ok(Branch {
            name,
            kind: BranchKind::Maintenance { lower, upper },
        })
    }

    /// The branch as semantic-release's default `branches` would treat it: `N.x` / `N.N.x` are
    /// maintenance branches, `beta` and `alpha` prerelease branches, anything else a release branch.
    pub fn from_default_config(name: &str) -> Branch {
        if let Ok(branch) = Branch::maintenance(name) {
            return branch;
        }
        match name {
            "beta" | "alpha" => Branch::prerelease(name, name),
            _ => Branch::release(name),
        }
    }
}

/// `N.x`, `N.x.x` → `[N.0.0, N+1.0.0)`; `N.M.x` → `[N.M.0, N.M+1.0)`.
pub(crate) fn maintenance_range(name: &str) -> Option<(Version, Version)> {
    let number = |part: &str| -> Option<u64> {
        (!part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse().ok())
            .flatten()
    };
    let parts: Vec<&str> = name.split('.').collect();
    match parts.as_slice() {
        [major, "x"] | [major, "x", "x"] => {
            let major = number(major)?;
            Some((
                Version::new(major, 0, 0),
                Version::new(major.checked_add(1)?, 0, 0),
            ))
        }
        [major, minor, "x"] => {
            let (major, minor) = (number(major)?, number(minor)?);
            Some((
                Version::new(major, minor, 0),
                Version::new(major, minor.checked_add(1)?, 0),
            ))
        }
        _ => None,
    }
}

/// The upper bound the main release branch puts on maintenance branches, as semantic-release
/// computes it (`normalize.maintenance`): the first release of the main branch above every
/// maintenance branch's releases; when there is none, the main branch's latest release; when
/// the main branch never released, `1.0.0`.
///
/// `main` holds the versions of the tags reachable from the main release branch (the first
/// release branch), `maintenance` those reachable from any maintenance branch, this one included.
/// A maintenance branch cut at `v1.0.0` after main released `v1.1.0` may only release
/// `>=1.0.0 <1.1.0`.
pub fn maintenance_ceiling(main: &[Version], maintenance: &[Version]) -> Version {
    let highest_maintenance = maintenance.iter().max_by(|a, b| precedence(a, b));
    let mut sorted: Vec<&Version> = main.iter().collect();
    sorted.sort_by(|a, b| precedence(a, b));
    let first_above = match highest_maintenance {
        Some(highest) => sorted
            .iter()
            .find(|version| precedence(version, highest).is_gt())
            .copied(),
        // No maintenance release: the main branch's earliest regular release.
        None => sorted
            .iter()
            .find(|version| version.pre.is_empty())
            .copied(),
    };
    let latest = sorted.iter().rev().find(|version| version.pre.is_empty());
    first_above
        .or(latest.copied())
        .cloned()
        .unwrap_or_else(|| Version::new(1, 0, 0))
}

/// What to release and how: everything `gate release` reads from `gate.toml` and flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Tag spelling, `v{version}` by default.
    pub tag_format: TagFormat,
    /// The branch being released.
    pub branch: Branch,
    /// `releaseRules`: consulted before the default rules.
    pub release_rules: Vec<ReleaseRule>,
    /// When `false`, a breaking change on `0.x` releases a minor (semantic-release has no such
    /// rule: the default `true` gives `0.3.0` + breaking → `1.0.0`).
    pub major_on_zero: bool,
    /// For a maintenance branch: the first version released on the main release branch above
    /// this branch's releases, which caps the range (semantic-release derives it from the
    /// release branch's tags). `None` caps it at the branch name's own bound only.
    pub maintenance_ceiling: Option<Version>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            tag_format: TagFormat::default(),
            branch: Branch::release("main"),
            release_rules: Vec::new(),
            major_on_zero: true,
            maintenance_ceiling: None,
        }
    }
}

/// The version to release next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NextRelease {
    /// The version.
    #[serde(serialize_with = "crate::version::serialize_version")]
    pub version: Version,
    /// The tag to create (`v1.3.0`).
    pub tag: String,
    /// The release type the commits asked for.
    #[serde(rename = "type")]
    pub release_type: ReleaseType,
    /// The distribution channel: the prerelease or maintenance branch's name (`beta`, `1.x`);
    /// `None` on a release branch.
    pub channel: Option<String>,
}

/// A commit of the range, parsed once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RangeCommit<'h> {
    /// The commit.
    pub commit: &'h Commit,
    /// How the preset reads its message; `None` for a blank message.
    pub parsed: Option<ParsedCommit>,
}

/// The outcome of [`plan`]: where the last release was, what came since, and what comes next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan<'h> {
    /// The branch released from.
    pub branch: Branch,
    /// The last release on this branch (`None`: never released).
    pub last_release: Option<ReleaseTag>,
    /// The commits since the last release (`last..HEAD`), newest first, parsed.
    pub commits: Vec<RangeCommit<'h>>,
    /// The next release; `None` when no commit asks for one ("no release" is not an error).
    pub next: Option<NextRelease>,
}

impl Plan<'_> {
    /// Whether there is something to release.
    pub fn releases(&self) -> bool {
        self.next.is_some()
    }
}

/// Computes the release plan for `HEAD` of `history`, in O(commits + tags).
///
/// Errors: a maintenance branch whose next version leaves its range ([`ReleaseError::OutOfRange`]).
pub fn plan<'h>(history: &'h History, config: &Config) -> Result<Plan<'h>, ReleaseError> {
    let tags = history.release_tags(&config.tag_format);
    let last_release = last_release(&tags, &config.branch);
    let range = history.range(last_release.as_ref().map(|tag| tag.sha.as_str()));
    // The analyzer parses with default options; references do not change release types.
    let options = ParserOptions::default();
    let commits: Vec<RangeCommit<'h>> = range
        .into_iter()
        .map(|commit| RangeCommit {
            commit,
            parsed: parse(&commit.message, &options),
        })
        .collect();
    let release_type = analyze(&commits, &config.release_rules);
    let next = match release_type {
        None => None,
        Some(release_type) => Some(next_release(
            &tags,
            last_release.as_ref(),
            release_type,
            config,
        )?),
    };
    Ok(Plan {
        branch: config.branch.clone(),
        last_release,
        commits,
        next,
    })
}

/// A release already in the history: its tag, the release before it, and the commits it added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PastRelease<'h> {
    /// The release's tag.
    pub tag: ReleaseTag,
    /// The release before it (by version), if any.
    pub previous: Option<ReleaseTag>,
    /// The commits reachable from this tag and from no lower release, newest first.
    pub commits: Vec<&'h Commit>,
}

/// Every release of this branch in the history, oldest first, with the commits each added: what
/// a full `CHANGELOG.md` is made of.
///
/// O(commits + tags): tags are taken in version order and each commit is given to the first
/// release it is reachable from, in one walk over the parents overall (never one walk per tag).
pub fn past_releases<'h>(history: &'h History, config: &Config) -> Vec<PastRelease<'h>> {
    let mut tags: Vec<ReleaseTag> = history
        .release_tags(&config.tag_format)
        .into_iter()
        .filter(|tag| belongs_to_branch(tag, &config.branch))
        .collect();
    tags.sort_by(|a, b| precedence(&a.version, &b.version));
    tags.dedup_by(|b, a| precedence(&a.version, &b.version).is_eq());
    let owners = history.first_reaching(tags.iter().map(|tag| tag.sha.as_str()));
    let mut commits: Vec<Vec<&'h Commit>> = vec![Vec::new(); tags.len()];
    for (commit, owner) in history.commits.iter().zip(owners) {
        if let Some(owner) = owner {
            commits[owner].push(commit);
        }
    }
    let mut previous: Option<ReleaseTag> = None;
    tags.into_iter()
        .zip(commits)
        .map(|(tag, commits)| PastRelease {
            previous: previous.replace(tag.clone()),
            tag,
            commits,
        })
        .collect()
}

fn belongs_to_branch(tag: &ReleaseTag, branch: &Branch) -> bool {
    match &branch.kind {
        BranchKind::Prerelease { preid } => {
            tag.version.pre.is_empty()
                || (tag.channel() == Some(preid.as_str())
                    && tag.version.pre.as_str().split('.').any(|id| id == preid))
        }
        _ => tag.version.pre.is_empty(),
    }
}

/// The highest release on this branch: regular releases, plus the branch's own prereleases on
/// a prerelease branch.
fn last_release(tags: &[ReleaseTag], branch: &Branch) -> Option<ReleaseTag> {
    tags.iter()
        .filter(|tag| belongs_to_branch(tag, branch))
        .max_by(|a, b| precedence(&a.version, &b.version))
        .cloned()
}

/// The commit-analyzer: reverted pairs dropped, the biggest release type asked for wins.
fn analyze(commits: &[RangeCommit<'_>], rules: &[ReleaseRule]) -> Option<ReleaseType> {
    let parsed: Vec<(&str, &ParsedCommit, ())> = commits
        .iter()
        .filter_map(|c| c.parsed.as_ref().map(|p| (c.commit.sha.as_str(), p, ())))
        .collect();
    let mut release: Option<ReleaseType> = None;
    for (_, commit, ()) in filter_reverted(parsed) {
        if let Some(asked) = commit_release_type(rules, commit) {
            release = release.max(Some(asked));
            if release == Some(ReleaseType::Major) {
                break;
            }
        }
    }
    release
}

fn next_release(
    tags: &[ReleaseTag],
    last: Option<&ReleaseTag>,
    asked: ReleaseType,
    config: &Config,
) -> Result<NextRelease, ReleaseError> {
    let release_type = match last {
        Some(last)
            if !config.major_on_zero && asked == ReleaseType::Major && last.version.major == 0 =>
        {
            ReleaseType::Minor
        }
        _ => asked,
    };
    let branch = &config.branch;
    let version = match (&branch.kind, last) {
        (BranchKind::Prerelease { preid }, None) => with_prerelease(&Version::new(1, 0, 0), preid),
        (BranchKind::Prerelease { preid }, Some(last)) if !last.version.pre.is_empty() => {
            let latest = tags
                .iter()
                .map(|tag| &tag.version)
                .max_by(|a, b| precedence(a, b))
                .unwrap_or(&last.version);
            let bumped = with_prerelease(&increment(latest, release_type), preid);
            let continued = increment_prerelease(&last.version);
            if precedence(&bumped, &continued).is_gt() {
                bumped
            } else {
                continued
            }
        }
        (BranchKind::Prerelease { preid }, Some(last)) => {
            with_prerelease(&increment(&last.version, release_type), preid)
        }
        (_, None) => Version::new(1, 0, 0),
        (_, Some(last)) => increment(&last.version, release_type),
    };
    if let BranchKind::Maintenance { lower, upper } = &branch.kind {
        let latest = tags
            .iter()
            .filter(|tag| tag.version.pre.is_empty())
            .map(|tag| &tag.version)
            .max_by(|a, b| precedence(a, b));
        // semantic-release: the highest of the branch's last release (`1.0.0` when it has
        // none) and the range's lower bound.
        let first = Version::new(1, 0, 0);
        let latest = latest.unwrap_or(&first);
        let min = if precedence(latest, lower).is_gt() {
            latest.clone()
        } else {
            lower.clone()
        };
        let max = match &config.maintenance_ceiling {
            Some(ceiling) if precedence(ceiling, upper).is_lt() => ceiling.clone(),
            _ => upper.clone(),
        };
        if precedence(&version, &min).is_lt() || precedence(&version, &max).is_ge() {
            return Err(ReleaseError::OutOfRange {
                version,
                branch: branch.name.clone(),
                range: format!(">={min} <{max}"),
            });
        }
    }
    // semantic-release publishes prereleases and maintenance releases on a channel named after
    // the branch (its default `channel`).
    let channel = match &branch.kind {
        BranchKind::Prerelease { .. } | BranchKind::Maintenance { .. } => Some(branch.name.clone()),
        BranchKind::Release => None,
    };
    Ok(NextRelease {
        tag: config.tag_format.tag(&version),
        version,
        release_type,
        channel,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maintenance_names() {
        assert_eq!(
            maintenance_range("1.x"),
            Some((Version::new(1, 0, 0), Version::new(2, 0, 0)))
        );
        assert_eq!(
            maintenance_range("1.2.x"),
            Some((Version::new(1, 2, 0), Version::new(1, 3, 0)))
        );
        assert_eq!(maintenance_range("main"), None);
        assert_eq!(maintenance_range("x.x"), None);
        assert!(matches!(
            Branch::from_default_config("beta").kind,
            BranchKind::Prerelease { .. }
        ));
        assert!(Branch::maintenance("next").is_err());
    }
}
