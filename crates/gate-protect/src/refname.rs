//! Whether a ruleset's `conditions.ref_name` covers a branch.
//!
//! GitHub matches `include` / `exclude` entries against the full ref name (`refs/heads/main`)
//! with Ruby's `File.fnmatch` and `FNM_PATHNAME`: `*` and `?` stop at `/`, `**/` crosses
//! directories, `[…]` is a character class, and there are no `{a,b}` alternatives and no
//! backslash escapes. `~ALL` is every branch. `~DEFAULT_BRANCH` is the repository's default
//! branch, given by the caller (a saved response does not say which it is).

use globset::GlobBuilder;

/// The special entry for every branch.
const ALL: &str = "~ALL";
/// The special entry for the default branch.
const DEFAULT_BRANCH: &str = "~DEFAULT_BRANCH";

/// Whether the conditions include `branch` and do not exclude it; `default_branch` is what
/// `~DEFAULT_BRANCH` stands for.
pub(crate) fn covers(
    include: &[String],
    exclude: &[String],
    branch: &str,
    default_branch: &str,
) -> bool {
    let full = format!("refs/heads/{branch}");
    let matches = |pattern: &String| {
        if pattern == DEFAULT_BRANCH {
            branch == default_branch
        } else {
            matches(pattern, &full)
        }
    };
    include.iter().any(matches) && !exclude.iter().any(matches)
}

/// Whether a GitLab protected branch name (or wildcard) covers `branch`. GitLab's `*` matches
/// any characters, `/` included (`release/*` protects `release/1.x/hotfix`), and nothing else is
/// special.
pub(crate) fn gitlab_covers(pattern: &str, branch: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = branch.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(index) => rest = &rest[index + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// Whether one entry matches the full ref name.
fn matches(pattern: &str, full_ref: &str) -> bool {
    if pattern == ALL {
        return true;
    }
    // fnmatch without FNM_EXTGLOB has no alternatives: braces are literal characters.
    let literal_braces = pattern.replace('{', "[{]").replace('}', "[}]");
    GlobBuilder::new(&literal_braces)
        .literal_separator(true)
        .backslash_escape(false)
        .build()
        .map_or_else(
            |_| pattern == full_ref,
            |glob| glob.compile_matcher().is_match(full_ref),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|&value| value.to_owned()).collect()
    }

    #[test]
    fn exact_refs_and_special_entries() {
        assert!(covers(&strings(&["refs/heads/main"]), &[], "main", "main"));
        assert!(!covers(
            &strings(&["refs/heads/main"]),
            &[],
            "develop",
            "main"
        ));
        assert!(!covers(&strings(&["main"]), &[], "main", "main"));
        assert!(covers(&strings(&["~ALL"]), &[], "release/1.x", "main"));
        assert!(covers(&strings(&["~DEFAULT_BRANCH"]), &[], "main", "main"));
        assert!(!covers(&[], &[], "main", "main"));
        // `~DEFAULT_BRANCH` is the repository's default branch, not any protected branch.
        assert!(!covers(
            &strings(&["~DEFAULT_BRANCH"]),
            &[],
            "release",
            "main"
        ));
    }

    #[test]
    fn star_stops_at_slashes_and_double_star_crosses_them() {
        assert!(covers(&strings(&["refs/heads/*"]), &[], "main", "main"));
        assert!(!covers(
            &strings(&["refs/heads/*"]),
            &[],
            "release/1.x",
            "main"
        ));
        assert!(covers(
            &strings(&["refs/heads/release/*"]),
            &[],
            "release/1.x",
            "main"
        ));
        assert!(covers(&strings(&["refs/heads/**/*"]), &[], "a/b/c", "main"));
        assert!(covers(&strings(&["refs/heads/ma?n"]), &[], "main", "main"));
        assert!(covers(
            &strings(&["refs/heads/[lm]ain"]),
            &[],
            "main",
            "main"
        ));
        assert!(!covers(
            &strings(&["refs/heads/{main,dev}"]),
            &[],
            "main",
            "main"
        ));
    }

    #[test]
    fn gitlab_wildcards_cross_slashes() {
        assert!(gitlab_covers("main", "main"));
        assert!(!gitlab_covers("main", "main2"));
        assert!(gitlab_covers("release/*", "release/1.x"));
        assert!(gitlab_covers("release/*", "release/1.x/hotfix"));
        assert!(gitlab_covers("*", "a/b"));
        assert!(gitlab_covers("*-stable", "16-stable"));
        assert!(!gitlab_covers("*-stable", "16-stable-x"));
        assert!(gitlab_covers("a*b*c", "a/x/b/y/c"));
        assert!(!gitlab_covers("a*b*c", "a/x/c"));
        assert!(!gitlab_covers("ab*ba", "aba"));
        assert!(!gitlab_covers("rel/?", "rel/1"));
    }

    #[test]
    fn excludes_win() {
        let include = strings(&["~ALL"]);
        assert!(!covers(
            &include,
            &strings(&["refs/heads/main"]),
            "main",
            "main"
        ));
        assert!(!covers(
            &include,
            &strings(&["~DEFAULT_BRANCH"]),
            "main",
            "main"
        ));
        assert!(covers(
            &include,
            &strings(&["refs/heads/dependabot/**/*"]),
            "main",
            "main"
        ));
    }
}
