//! Release types, release rules, revert cancellation and the next version (node-semver's `inc`).

use std::collections::HashMap;

use semver::{Prerelease, Version};
use serde::{Serialize, Serializer};

use crate::commit::ParsedCommit;

/// How big a release is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReleaseType {
    /// `x.y.Z`: fixes, performance improvements, reverts.
    Patch,
    /// `x.Y.0`: features.
    Minor,
    /// `X.0.0`: breaking changes.
    Major,
}

impl ReleaseType {
    /// `patch`, `minor` or `major`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReleaseType::Patch => "patch",
            ReleaseType::Minor => "minor",
            ReleaseType::Major => "major",
        }
    }
}

impl std::fmt::Display for ReleaseType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `releaseRules` entry: when a commit matches every condition set, it asks for `release`.
///
/// `type_` and `scope` are globs (`*` and `?`), matched case-sensitively as micromatch does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReleaseRule {
    /// Matches the commit type.
    pub type_: Option<String>,
    /// Matches the commit scope (a commit without scope never matches).
    pub scope: Option<String>,
    /// Matches only commits with a breaking-change note.
    pub breaking: bool,
    /// Matches only revert commits.
    pub revert: bool,
    /// The release the commit asks for; `None` means "no release" (semantic-release's `false`).
    pub release: Option<ReleaseType>,
}

impl ReleaseRule {
    /// A rule on the type alone.
    pub fn for_type(type_: &str, release: Option<ReleaseType>) -> ReleaseRule {
        ReleaseRule {
            type_: Some(type_.to_owned()),
            release,
            ..ReleaseRule::default()
        }
    }

    fn matches(&self, commit: &ParsedCommit) -> bool {
        (!self.breaking || commit.is_breaking())
            && (!self.revert || commit.revert.is_some())
            && field_matches(self.type_.as_deref(), commit.type_.as_deref())
            && field_matches(self.scope.as_deref(), commit.scope.as_deref())
    }
}

fn field_matches(pattern: Option<&str>, value: Option<&str>) -> bool {
    match (pattern, value) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(pattern), Some(value)) => glob(pattern.as_bytes(), value.as_bytes()),
    }
}

fn glob(pattern: &[u8], value: &[u8]) -> bool {
    match pattern.split_first() {
        None => value.is_empty(),
        Some((b'*', rest)) => (0..=value.len()).any(|skip| glob(rest, &value[skip..])),
        Some((b'?', rest)) => !value.is_empty() && glob(rest, &value[1..]),
        Some((c, rest)) => value.first() == Some(c) && glob(rest, &value[1..]),
    }
}

/// The commit-analyzer's default rules as they apply to conventionalcommits-parsed commits
/// (the Atom, Ember, `ESLint` and Express rules match fields this parser never sets).
pub fn default_release_rules() -> Vec<ReleaseRule> {
    let mut rules = vec![
        ReleaseRule {
            breaking: true,
            release: Some(ReleaseType::Major),
            ..ReleaseRule::default()
        },
        ReleaseRule {
            revert: true,
            release: Some(ReleaseType::Patch),
            ..ReleaseRule::default()
        },
    ];
    for (type_, release) in [
        ("feat", ReleaseType::Minor),
        ("fix", ReleaseType::Patch),
        ("perf", ReleaseType::Patch),
        // The JSHint rules: this is why `FEAT:` releases a minor while `Feat:` releases nothing.
        ("FEAT", ReleaseType::Minor),
        ("FIX", ReleaseType::Patch),
    ] {
        rules.push(ReleaseRule::for_type(type_, Some(release)));
    }
    rules
}

/// What `analyzeCommit` returns: JavaScript's `undefined`, `false` or a release type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RuleOutcome {
    Unmatched,
    NoRelease,
    Release(ReleaseType),
}

/// `analyze-commit.js`, quirks included: a later matching `release: false` rule beats a type.
fn analyze_commit(rules: &[ReleaseRule], commit: &ParsedCommit) -> RuleOutcome {
    let mut outcome = RuleOutcome::Unmatched;
    for rule in rules.iter().filter(|rule| rule.matches(commit)) {
        outcome = match (outcome, rule.release) {
            (RuleOutcome::Release(current), Some(new)) if new <= current => outcome,
            (_, Some(new)) => RuleOutcome::Release(new),
            (_, None) => RuleOutcome::NoRelease,
        };
        if outcome == RuleOutcome::Release(ReleaseType::Major) {
            break;
        }
    }
    outcome
}

/// The release type a commit asks for: the custom rules first, the default rules when no custom
/// rule matched.
pub fn commit_release_type(custom: &[ReleaseRule], commit: &ParsedCommit) -> Option<ReleaseType> {
    let mut outcome = analyze_commit(custom, commit);
    if outcome == RuleOutcome::Unmatched {
        outcome = analyze_commit(&default_release_rules(), commit);
    }
    match outcome {
        RuleOutcome::Release(release) => Some(release),
        RuleOutcome::Unmatched | RuleOutcome::NoRelease => None,
    }
}

/// `conventional-commits-filter`'s reverted-commits filter over `(sha, parsed)` pairs in history
/// order: a revert and the commit it reverts (same full sha, same header) both disappear when both
/// are in the list; a revert whose target is outside the list stays.
pub fn filter_reverted<'a, T>(
    items: Vec<(&'a str, &'a ParsedCommit, T)>,
) -> Vec<(&'a str, &'a ParsedCommit, T)> {
    let mut out = Vec::with_capacity(items.len());
    let mut hold: Vec<Option<(&'a str, &'a ParsedCommit, T)>> = Vec::new();
    let mut held_reverts: HashMap<&'a str, Vec<usize>> = HashMap::new();
    let mut held_count = 0_usize;
    for item in items {
        let (sha, parsed, _) = &item;
        let target = held_reverts.get(sha.trim()).and_then(|positions| {
            positions.iter().copied().find(|&position| {
                hold[position]
                    .as_ref()
                    .is_some_and(|(_, revert_commit, _)| {
                        revert_commit.revert.as_ref().is_some_and(|revert| {
                            trimmed(revert.header.as_deref()) == trimmed(parsed.header.as_deref())
                        })
                    })
            })
        });
        if let Some(position) = target {
            hold[position] = None;
            held_count -= 1;
            continue;
        }
        if let Some(hash) = parsed
            .revert
            .as_ref()
            .and_then(|revert| revert.hash.as_deref())
        {
            held_reverts
                .entry(hash.trim())
                .or_default()
                .push(hold.len());
            hold.push(Some(item));
            held_count += 1;
            continue;
        }
        if parsed.revert.is_some() {
            // A revert without a sha can never be matched, but it still holds back what follows.
            hold.push(Some(item));
            held_count += 1;
            continue;
        }
        if held_count > 0 {
            hold.push(Some(item));
        } else {
            out.extend(hold.drain(..).flatten());
            held_reverts.clear();
            out.push(item);
        }
    }
    out.extend(hold.into_iter().flatten());
    out
}

fn trimmed(text: Option<&str>) -> Option<&str> {
    text.map(str::trim)
}

/// node-semver's `inc(version, type)`: a prerelease is first released as its own version.
pub fn increment(version: &Version, release: ReleaseType) -> Version {
    let pre = !version.pre.is_empty();
    let mut next = Version::new(version.major, version.minor, version.patch);
    match release {
        ReleaseType::Major => {
            if version.minor != 0 || version.patch != 0 || !pre {
                next.major += 1;
            }
            next.minor = 0;
            next.patch = 0;
        }
        ReleaseType::Minor => {
            if version.patch != 0 || !pre {
                next.minor += 1;
            }
            next.patch = 0;
        }
        ReleaseType::Patch => {
            if !pre {
                next.patch += 1;
            }
        }
    }
    next
}

/// node-semver's `inc(version, "prerelease")` without an identifier: bump the last numeric
/// identifier (`beta.1` → `beta.2`), or append `.0` when there is none.
pub fn increment_prerelease(version: &Version) -> Version {
    if version.pre.is_empty() {
        let mut next = increment(version, ReleaseType::Patch);
        next.pre = Prerelease::new("0").unwrap_or(Prerelease::EMPTY);
        return next;
    }
    let mut parts: Vec<String> = version.pre.as_str().split('.').map(str::to_owned).collect();
    let numeric = parts
        .iter()
        .rposition(|part| part.bytes().all(|b| b.is_ascii_digit()));
    match numeric.and_then(|i| parts[i].parse::<u64>().ok().map(|n| (i, n))) {
        Some((i, n)) => parts[i] = (n + 1).to_string(),
        None => parts.push("0".to_owned()),
    }
    let mut next = Version::new(version.major, version.minor, version.patch);
    next.pre = Prerelease::new(&parts.join(".")).unwrap_or(Prerelease::EMPTY);
    next
}

/// Precedence order (build metadata ignored), as node-semver compares.
pub fn precedence(a: &Version, b: &Version) -> std::cmp::Ordering {
    a.cmp_precedence(b)
}

/// `X.Y.Z-{preid}.1`.
pub(crate) fn with_prerelease(version: &Version, preid: &str) -> Version {
    let mut next = Version::new(version.major, version.minor, version.patch);
    next.pre = Prerelease::new(&format!("{preid}.1")).unwrap_or(Prerelease::EMPTY);
    next
}

pub(crate) fn serialize_version<S: Serializer>(
    version: &Version,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_str(version)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commit::{ParserOptions, parse};

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    fn release_of(message: &str) -> Option<ReleaseType> {
        commit_release_type(&[], &parse(message, &ParserOptions::default()).unwrap())
    }

    #[test]
    fn default_rules() {
        assert_eq!(release_of("feat: a"), Some(ReleaseType::Minor));
        assert_eq!(release_of("fix: a"), Some(ReleaseType::Patch));
        assert_eq!(release_of("perf: a"), Some(ReleaseType::Patch));
        assert_eq!(release_of("FEAT: a"), Some(ReleaseType::Minor));
        assert_eq!(release_of("FIX: a"), Some(ReleaseType::Patch));
        assert_eq!(release_of("Feat: a"), None);
        assert_eq!(release_of("feature: a"), None);
        assert_eq!(release_of("docs!: a"), Some(ReleaseType::Major));
        assert_eq!(
            release_of("docs: a\n\nBREAKING-CHANGE: b"),
            Some(ReleaseType::Major)
        );
        assert_eq!(
            release_of("Revert \"feat: a\"\n\nThis reverts commit abc."),
            Some(ReleaseType::Patch)
        );
    }

    #[test]
    fn custom_rules_first_and_false_wins() {
        let parsed = parse("docs(readme): a", &ParserOptions::default()).unwrap();
        let rules = [ReleaseRule {
            type_: Some("docs".into()),
            scope: Some("read*".into()),
            release: Some(ReleaseType::Patch),
            ..ReleaseRule::default()
        }];
        assert_eq!(
            commit_release_type(&rules, &parsed),
            Some(ReleaseType::Patch)
        );
        let parsed = parse("feat: a", &ParserOptions::default()).unwrap();
        let rules = [ReleaseRule::for_type("feat", None)];
        assert_eq!(commit_release_type(&rules, &parsed), None);
    }

    #[test]
    fn semver_inc() {
        assert_eq!(increment(&v("1.2.3"), ReleaseType::Major), v("2.0.0"));
        assert_eq!(increment(&v("1.2.3"), ReleaseType::Minor), v("1.3.0"));
        assert_eq!(increment(&v("1.2.3"), ReleaseType::Patch), v("1.2.4"));
        assert_eq!(
            increment(&v("1.3.0-beta.1"), ReleaseType::Minor),
            v("1.3.0")
        );
        assert_eq!(
            increment(&v("1.3.0-beta.1"), ReleaseType::Major),
            v("2.0.0")
        );
        assert_eq!(
            increment(&v("2.0.0-beta.1"), ReleaseType::Major),
            v("2.0.0")
        );
        assert_eq!(
            increment(&v("1.3.1-beta.1"), ReleaseType::Patch),
            v("1.3.1")
        );
        assert_eq!(increment_prerelease(&v("1.3.0-beta.1")), v("1.3.0-beta.2"));
        assert_eq!(increment_prerelease(&v("1.3.0-beta")), v("1.3.0-beta.0"));
        assert_eq!(
            increment_prerelease(&v("1.3.0-beta.1.rc")),
            v("1.3.0-beta.2.rc")
        );
    }

    #[test]
    fn revert_pairs_cancel() {
        let opts = ParserOptions::default();
        let target = parse("feat: a", &opts).unwrap();
        let revert = parse("Revert \"feat: a\"\n\nThis reverts commit aaaa.", &opts).unwrap();
        let other = parse("fix: b", &opts).unwrap();
        let items = vec![
            ("rrrr", &revert, 0),
            ("bbbb", &other, 1),
            ("aaaa", &target, 2),
        ];
        let kept: Vec<_> = filter_reverted(items)
            .into_iter()
            .map(|(sha, _, _)| sha)
            .collect();
        assert_eq!(kept, vec!["bbbb"]);
        let items = vec![("rrrr", &revert, 0), ("bbbb", &other, 1)];
        assert_eq!(filter_reverted(items).len(), 2);
    }
}
