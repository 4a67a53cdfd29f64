//! The history the CLI reads with one `git log` pass, release tags in it, and commit ranges.

use std::collections::HashMap;

use semver::Version;
use serde::Serialize;

use crate::ReleaseError;

/// One commit as `git log` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Commit {
    /// The full sha (`%H`).
    pub sha: String,
    /// The parents' full shas (`%P`); empty for a root commit, two or more for a merge.
    pub parents: Vec<String>,
    /// The raw message (`%B`).
    pub message: String,
    /// The names of the tags pointing at this commit (annotated tags peeled).
    pub tags: Vec<String>,
}

impl Commit {
    /// A commit with no tags.
    pub fn new(sha: impl Into<String>, parents: Vec<String>, message: impl Into<String>) -> Commit {
        Commit {
            sha: sha.into(),
            parents,
            message: message.into(),
            tags: Vec::new(),
        }
    }

    /// The same commit with one more tag.
    #[must_use]
    pub fn with_tag(mut self, tag: impl Into<String>) -> Commit {
        self.tags.push(tag.into());
        self
    }

    /// Whether it has more than one parent.
    pub fn is_merge(&self) -> bool {
        self.parents.len() > 1
    }

    /// The first 7 characters of the sha (what git and the notes print).
    pub fn short_sha(&self) -> &str {
        self.sha.get(..7).unwrap_or(&self.sha)
    }
}

/// Every commit reachable from `HEAD`, in `git log` order (newest first, `HEAD` first).
///
/// Parents that are not in the list (a shallow clone's boundary) are treated as absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct History {
    /// The commits, `HEAD` first.
    pub commits: Vec<Commit>,
}

impl History {
    /// Wraps commits given newest first.
    pub fn new(commits: Vec<Commit>) -> History {
        History { commits }
    }

    /// The commit at `HEAD`, if the history is not empty.
    pub fn head(&self) -> Option<&Commit> {
        self.commits.first()
    }

    /// Whether some parent is missing from the history: the sign of a shallow clone, where the
    /// last release may be out of reach and the computed version wrong.
    pub fn has_missing_parents(&self) -> bool {
        let index = self.index();
        self.commits
            .iter()
            .flat_map(|commit| &commit.parents)
            .any(|parent| !index.contains_key(parent.as_str()))
    }

    /// The commits reachable from `HEAD` but not from `since` (`since..HEAD`), in history order.
    ///
    /// `None` for `since` gives the whole history. One walk over the parents: O(commits).
    pub fn range(&self, since: Option<&str>) -> Vec<&Commit> {
        let Some(since) = since else {
            return self.commits.iter().collect();
        };
        let index = self.index();
        let mut excluded = vec![false; self.commits.len()];
        let mut stack: Vec<usize> = index.get(since).copied().into_iter().collect();
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut excluded[i], true) {
                continue;
            }
            for parent in &self.commits[i].parents {
                if let Some(&p) = index.get(parent.as_str())
                    && !excluded[p]
                {
                    stack.push(p);
                }
            }
        }
        self.commits
            .iter()
            .zip(excluded)
            .filter_map(|(commit, excluded)| (!excluded).then_some(commit))
            .collect()
    }

    /// For each commit (in history order), the index of the first of `starts` it is reachable
    /// from, walking from each start in turn and stopping at commits already claimed.
    ///
    /// Every commit is visited at most once overall: O(commits + parents).
    pub fn first_reaching<'s>(
        &self,
        starts: impl IntoIterator<Item = &'s str>,
    ) -> Vec<Option<usize>> {
        let index = self.index();
        let mut owner: Vec<Option<usize>> = vec![None; self.commits.len()];
        let mut stack = Vec::new();
        for (n, start) in starts.into_iter().enumerate() {
            stack.extend(index.get(start).copied());
            while let Some(i) = stack.pop() {
                if owner[i].is_some() {
                    continue;
                }
                owner[i] = Some(n);
                for parent in &self.commits[i].parents {
                    if let Some(&p) = index.get(parent.as_str())
                        && owner[p].is_none()
                    {
                        stack.push(p);
                    }
                }
            }
        }
        owner
    }

    fn index(&self) -> HashMap<&str, usize> {
        self.commits
            .iter()
            .enumerate()
            .map(|(i, commit)| (commit.sha.as_str(), i))
            .collect()
    }

    /// Every tag in the history that matches `format` and holds a valid semantic version.
    pub fn release_tags(&self, format: &TagFormat) -> Vec<ReleaseTag> {
        self.commits
            .iter()
            .flat_map(|commit| {
                commit.tags.iter().filter_map(move |tag| {
                    format.version_of(tag).map(|version| ReleaseTag {
                        tag: tag.clone(),
                        version,
                        sha: commit.sha.clone(),
                    })
                })
            })
            .collect()
    }
}

/// A tag naming a release: `v1.2.3` on some commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReleaseTag {
    /// The tag name.
    pub tag: String,
    /// The version it names.
    #[serde(serialize_with = "crate::version::serialize_version")]
    pub version: Version,
    /// The commit it points at.
    pub sha: String,
}

impl ReleaseTag {
    /// The prerelease channel the tag belongs to: the first prerelease identifier (`beta` for
    /// `1.3.0-beta.2`), `None` for a regular release.
    ///
    /// semantic-release records channels in git notes; gate derives them from the tag itself so
    /// that two runs on a prerelease branch never compute the same tag.
    pub fn channel(&self) -> Option<&str> {
        if self.version.pre.is_empty() {
            None
        } else {
            self.version.pre.as_str().split('.').next()
        }
    }
}

/// How release tags are spelt: `v{version}` by default.
///
/// `{version}` and semantic-release's `${version}` are both accepted as the placeholder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TagFormat {
    prefix: String,
    suffix: String,
}

impl TagFormat {
    /// Parses a format holding exactly one `{version}` (or `${version}`).
    pub fn parse(format: &str) -> Result<TagFormat, ReleaseError> {
        let (placeholder, at) = ["${version}", "{version}"]
            .iter()
            .find_map(|p| format.find(p).map(|at| (*p, at)))
            .ok_or_else(|| ReleaseError::TagFormat {
                format: format.to_owned(),
            })?;
        let prefix = &format[..at];
        let suffix = &format[at + placeholder.len()..];
        if suffix.contains("{version}") {
            return Err(ReleaseError::TagFormat {
                format: format.to_owned(),
            });
        }
        Ok(TagFormat {
            prefix: prefix.to_owned(),
            suffix: suffix.to_owned(),
        })
    }

    /// The tag for a version.
    pub fn tag(&self, version: &Version) -> String {
        format!("{}{version}{}", self.prefix, self.suffix)
    }

    /// The version a tag names, as semantic-release reads it: the text between the prefix and the
    /// last occurrence of the suffix, cleaned like `semver.clean` (trimmed, leading `v`/`=`
    /// dropped) and valid strict semver. `v1.5` and `v1.4.x` are not releases; `v1.4.0-final` is a
    /// prerelease.
    pub fn version_of(&self, tag: &str) -> Option<Version> {
        let rest = tag.strip_prefix(&self.prefix)?;
        let raw = if self.suffix.is_empty() {
            rest
        } else {
            &rest[..rest.rfind(&self.suffix)?]
        };
        if raw.is_empty() {
            return None;
        }
        let cleaned = raw.trim().trim_start_matches(['=', 'v']);
        let version = Version::parse(cleaned).ok()?;
        // node-semver caps each number at 2^53 - 1.
        let max = (1_u64 << 53) - 1;
        (version.major <= max && version.minor <= max && version.patch <= max).then_some(version)
    }
}

impl Default for TagFormat {
    fn default() -> TagFormat {
        TagFormat {
            prefix: "v".to_owned(),
            suffix: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(sha: &str, parents: &[&str]) -> Commit {
        Commit::new(
            sha,
            parents.iter().map(|p| (*p).to_owned()).collect(),
            format!("chore: {sha}"),
        )
    }

    #[test]
    fn range_excludes_everything_reachable_from_the_tag() {
        // m merges side branch s (which holds the tag) into main a..b
        //   r - a - b - m
        //    \- s -----/
        let history = History::new(vec![
            c("m", &["b", "s"]),
            c("b", &["a"]),
            c("s", &["r"]),
            c("a", &["r"]),
            c("r", &[]),
        ]);
        let shas: Vec<_> = history
            .range(Some("s"))
            .iter()
            .map(|c| c.sha.as_str())
            .collect();
        assert_eq!(shas, vec!["m", "b", "a"]);
        assert_eq!(history.range(None).len(), 5);
        assert!(!history.has_missing_parents());
        assert!(History::new(vec![c("x", &["gone"])]).has_missing_parents());
        assert_eq!(history.range(Some("unknown")).len(), 5);
    }

    #[test]
    fn tag_versions() {
        let format = TagFormat::default();
        assert_eq!(format.version_of("v1.4.0"), Some(Version::new(1, 4, 0)));
        assert!(
            format
                .version_of("v1.4.0-final")
                .is_some_and(|v| !v.pre.is_empty())
        );
        assert_eq!(format.version_of("v1.5"), None);
        assert_eq!(format.version_of("1.5.0"), None);
        assert_eq!(format.version_of("vv1.0.0"), Some(Version::new(1, 0, 0)));
        assert_eq!(format.version_of("v01.0.0"), None);
        let format = TagFormat::parse("release-${version}-x").unwrap();
        assert_eq!(
            format.version_of("release-2.0.0-x"),
            Some(Version::new(2, 0, 0))
        );
        assert_eq!(format.tag(&Version::new(2, 0, 0)), "release-2.0.0-x");
        assert!(TagFormat::parse("v").is_err());
    }
}
