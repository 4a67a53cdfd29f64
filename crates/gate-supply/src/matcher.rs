//! Whether one version is affected by one OSV `affected` entry.
//!
//! Ranges pair each `introduced` with the next `fixed` or `last_affected` *in listed order*:
//! the OSV spec's sorted walk misreads real PyPA records whose events are not sorted.

use crate::osv::{Affected, Event, RangeKind, RustsecVersions};
use crate::version::{Version, VersionError};

/// Why an affected entry could not be evaluated against a version: reported, never a silent miss.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bound {0}")]
pub struct MatchError(#[from] pub VersionError);

/// Whether `version` is affected by `affected` (ecosystem and name already matched).
pub fn is_affected(version: &Version, affected: &Affected) -> Result<bool, MatchError> {
    if let Some(rustsec) = &affected.rustsec {
        return Ok(rustsec_affected(version, rustsec));
    }
    for range in &affected.ranges {
        if range.kind != RangeKind::Git && range_contains(version, affected, &range.events)? {
            return Ok(true);
        }
    }
    Ok(affected.listed_versions().iter().any(|v| v == version))
}

fn bound(affected: &Affected, text: &str) -> Result<Option<Version>, MatchError> {
    if Version::is_minimum_bound(text) {
        return Ok(None);
    }
    Ok(Some(Version::parse(affected.ecosystem, text)?))
}

fn range_contains(
    version: &Version,
    affected: &Affected,
    events: &[Event],
) -> Result<bool, MatchError> {
    // Every bound is parsed up front, so one bad bound is reported even when another would match.
    let mut parsed = Vec::with_capacity(events.len());
    for event in events {
        let text = event.text();
        let value = match event {
            Event::Introduced(_) => bound(affected, text)?,
            _ => Some(Version::parse(affected.ecosystem, text)?),
        };
        parsed.push(value);
    }
    for (event, value) in events.iter().zip(&parsed) {
        if matches!((event, value), (Event::Limit(_), Some(limit)) if version >= limit) {
            return Ok(false);
        }
    }
    for (i, event) in events.iter().enumerate() {
        let Event::Introduced(_) = event else {
            continue;
        };
        if parsed[i]
            .as_ref()
            .is_some_and(|introduced| version < introduced)
        {
            continue;
        }
        let end = events[i + 1..]
            .iter()
            .zip(&parsed[i + 1..])
            .find(|(e, _)| matches!(e, Event::Fixed(_) | Event::LastAffected(_)));
        let inside = match end {
            None => true,
            Some((Event::Fixed(_), Some(fixed))) => version < fixed,
            Some((_, Some(last))) => version <= last,
            Some((_, None)) => false,
        };
        if inside {
            return Ok(true);
        }
    }
    Ok(false)
}

/// RustSec native advisories list the versions that are *not* affected (`patched`,
/// `unaffected`) as Cargo requirements; each comparator is evaluated on `Version` order, as
/// cargo-audit does, so prereleases are not skipped the way `VersionReq::matches` skips them.
fn rustsec_affected(version: &Version, versions: &RustsecVersions) -> bool {
    let Version::Semver(version) = version else {
        return false;
    };
    !versions
        .patched
        .iter()
        .chain(&versions.unaffected)
        .any(|req| requirement_contains(req, version))
}

pub(crate) fn requirement_contains(req: &semver::VersionReq, v: &semver::Version) -> bool {
    req.comparators.iter().all(|c| comparator_contains(c, v))
}

fn comparator_contains(c: &semver::Comparator, v: &semver::Version) -> bool {
    use semver::Op;
    let (lower, upper) = comparator_bounds(c);
    let low = semver::Version {
        pre: c.pre.clone(),
        ..lower
    };
    let after_low = match c.op {
        Op::Greater if c.patch.is_some() => *v > low,
        _ => *v >= low,
    };
    // A bound Cargo derives (the top of `^0.13.10`, `~1.2`, `1.*`, `<= 1.2`) excludes the next
    // version's prereleases: `^0.13.10` does not reach `0.14.0-beta.1`, as RustSec reads it.
    let derived_top = |high: semver::Version| semver::Version {
        pre: semver::Prerelease::new("0").unwrap_or_default(),
        ..high
    };
    let before_high = match (c.op, upper) {
        (_, None) => true,
        (Op::LessEq | Op::Exact, Some(high)) if c.patch.is_some() => {
            *v <= semver::Version {
                pre: c.pre.clone(),
                ..high
            }
        }
        (Op::Less, Some(high)) if c.patch.is_some() => {
            *v < semver::Version {
                pre: c.pre.clone(),
                ..high
            }
        }
        (_, Some(high)) => *v < derived_top(high),
    };
    match c.op {
        Op::Less | Op::LessEq => before_high,
        _ => after_low && before_high,
    }
}

/// Lower bound (inclusive unless `>` with a full version) and upper bound (exclusive unless
/// `<=`/`=` with a full version) of a comparator, partial versions filled as Cargo fills them.
fn comparator_bounds(c: &semver::Comparator) -> (semver::Version, Option<semver::Version>) {
    use semver::Op;
    let major = c.major;
    let minor = c.minor.unwrap_or(0);
    let patch = c.patch.unwrap_or(0);
    let v = |a, b, p| semver::Version::new(a, b, p);
    let exact = v(major, minor, patch);
    let next_partial = match (c.minor, c.patch) {
        (None, _) => v(major + 1, 0, 0),
        (Some(m), None) => v(major, m + 1, 0),
        (Some(_), Some(_)) => exact.clone(),
    };
    match c.op {
        Op::Exact | Op::Wildcard => (exact.clone(), Some(next_partial)),
        Op::Greater => match (c.minor, c.patch) {
            (Some(_), Some(_)) => (exact, None),
            _ => (next_partial, None),
        },
        Op::GreaterEq => (exact, None),
        Op::Less => (v(0, 0, 0), Some(exact)),
        Op::LessEq => (v(0, 0, 0), Some(next_partial)),
        Op::Tilde => {
            let high = if c.minor.is_some() {
                v(major, minor + 1, 0)
            } else {
                v(major + 1, 0, 0)
            };
            (exact, Some(high))
        }
        _ => {
            // Caret (and any future operator, read the way Cargo reads a bare requirement).
            let high = match (major, c.minor, c.patch) {
                (0, None, _) => v(1, 0, 0),
                (0, Some(0), None) => v(0, 1, 0),
                (0, Some(0), Some(p)) => v(0, 0, p + 1),
                (0, Some(m), _) => v(0, m + 1, 0),
                _ => v(major + 1, 0, 0),
            };
            (exact, Some(high))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Ecosystem;
    use crate::osv::Range;

    fn affected(eco: Ecosystem, events: Vec<Event>, versions: &[&str]) -> Affected {
        let mut a = Affected::new(eco, "pkg");
        a.ranges.push(Range {
            kind: RangeKind::Ecosystem,
            events,
        });
        a.versions = versions.iter().map(|s| (*s).to_owned()).collect();
        a
    }

    fn hit(a: &Affected, v: &str) -> bool {
        is_affected(&Version::parse(a.ecosystem, v).unwrap(), a).unwrap()
    }

    #[test]
    fn introduced_pairs_with_the_next_end_in_listed_order() {
        use Event::{Fixed, Introduced};
        // Unsorted, as in real PyPA records: [1.0, 1.5) and [2.0, 2.3).
        let a = affected(
            Ecosystem::PyPI,
            vec![
                Introduced("2.0".into()),
                Fixed("2.3".into()),
                Introduced("1.0".into()),
                Fixed("1.5".into()),
            ],
            &[],
        );
        assert!(hit(&a, "1.2"));
        assert!(hit(&a, "2.2.9"));
        assert!(!hit(&a, "1.7"));
        assert!(!hit(&a, "2.3"));
        assert!(!hit(&a, "0.9"));
    }

    #[test]
    fn zero_last_affected_limit_and_versions_list() {
        use Event::{Introduced, LastAffected, Limit};
        let a = affected(
            Ecosystem::PyPI,
            vec![Introduced("0".into()), LastAffected("1.4".into())],
            &["3.0.0"],
        );
        assert!(hit(&a, "0.0.1"));
        assert!(hit(&a, "1.4.0"));
        assert!(!hit(&a, "1.4.1"));
        assert!(hit(&a, "3.0"), "versions[] compares by value: 3.0 == 3.0.0");
        let a = affected(
            Ecosystem::CratesIo,
            vec![Introduced("0.0.0-0".into()), Limit("2.0.0".into())],
            &[],
        );
        assert!(hit(&a, "0.1.0-alpha"));
        assert!(!hit(&a, "2.0.0"));
    }

    #[test]
    fn git_ranges_are_skipped_and_bad_bounds_are_errors() {
        let mut a = affected(
            Ecosystem::PyPI,
            vec![Event::Introduced("abc123".into())],
            &[],
        );
        a.ranges[0].kind = RangeKind::Git;
        assert!(!hit(&a, "1.0"));
        let a = affected(
            Ecosystem::PyPI,
            vec![
                Event::Introduced("0".into()),
                Event::Fixed("not-a-version".into()),
            ],
            &[],
        );
        let err = is_affected(&Version::parse(Ecosystem::PyPI, "1.0").unwrap(), &a).unwrap_err();
        assert_eq!(
            err.to_string(),
            "bound `not-a-version` is not a valid PyPI version"
        );
    }

    #[test]
    fn cargo_requirements_without_prerelease_skipping() {
        let contains = |req: &str, v: &str| {
            requirement_contains(
                &semver::VersionReq::parse(req).unwrap(),
                &semver::Version::parse(v).unwrap(),
            )
        };
        assert!(contains(">= 0.9.1", "0.9.1"));
        assert!(
            contains(">= 0.9.1", "1.0.0-beta.1"),
            "VersionReq::matches says no here"
        );
        assert!(!contains(">= 0.9.1", "0.9.1-rc.1"));
        assert!(contains("^0.2.5", "0.2.9"));
        assert!(
            !contains("0.13.10", "0.14.0-beta.1"),
            "a caret top excludes prereleases"
        );
        assert!(!contains("^0.2.5", "0.3.0"));
        assert!(contains(">= 1.2.0, < 1.3.0", "1.2.7"));
        assert!(!contains("< 0.1.12", "0.1.12"));
        assert!(contains("= 0.3.1", "0.3.1"));
        assert!(!contains("= 0.3.1", "0.3.2"));
        assert!(contains("~1.2", "1.2.9"));
        assert!(contains("<= 1.2", "1.2.5"));
        assert!(!contains("> 1.2", "1.2.5"));
    }
}
