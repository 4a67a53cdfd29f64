//! Whether a ruleset's `conditions.ref_name` covers a branch.
//!
//! GitHub matches `include` / `exclude` entries against the full ref name (`refs/heads/main`)
//! with Ruby's `File.fnmatch` and `FNM_PATHNAME`: `*` and `?` stop at `/`, `**/` crosses
//! directories, `[…]` is a character class, and there are no `{a,b}` alternatives and no
//! backslash escapes. `~ALL` is every branch. `~DEFAULT_BRANCH` is taken to be the protected
//! branch: the saved response does not say which branch is the default.

use globset::GlobBuilder;

/// The special entry for every branch.
const ALL: &str = "~ALL";
/// The special entry for the default branch.
const DEFAULT_BRANCH: &str = "~DEFAULT_BRANCH";

/// Whether the conditions include `branch` and do not exclude it.
pub(crate) fn covers(include: &[String], exclude: &[String], branch: &str) -> bool {
    let full = format!("refs/heads/{branch}");
    include.iter().any(|pattern| matches(pattern, &full))
        && !exclude.iter().any(|pattern| matches(pattern, &full))
}

/// Whether one entry matches the full ref name.
fn matches(pattern: &str, full_ref: &str) -> bool {
    if pattern == ALL || pattern == DEFAULT_BRANCH {
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
        assert!(covers(&strings(&["refs/heads/main"]), &[], "main"));
        assert!(!covers(&strings(&["refs/heads/main"]), &[], "develop"));
        assert!(!covers(&strings(&["main"]), &[], "main"));
        assert!(covers(&strings(&["~ALL"]), &[], "release/1.x"));
        assert!(covers(&strings(&["~DEFAULT_BRANCH"]), &[], "main"));
        assert!(!covers(&[], &[], "main"));
    }

    #[test]
    fn star_stops_at_slashes_and_double_star_crosses_them() {
        assert!(covers(&strings(&["refs/heads/*"]), &[], "main"));
        assert!(!covers(&strings(&["refs/heads/*"]), &[], "release/1.x"));
        assert!(covers(
            &strings(&["refs/heads/release/*"]),
            &[],
            "release/1.x"
        ));
        assert!(covers(&strings(&["refs/heads/**/*"]), &[], "a/b/c"));
        assert!(covers(&strings(&["refs/heads/ma?n"]), &[], "main"));
        assert!(covers(&strings(&["refs/heads/[lm]ain"]), &[], "main"));
        assert!(!covers(&strings(&["refs/heads/{main,dev}"]), &[], "main"));
    }

    #[test]
    fn excludes_win() {
        let include = strings(&["~ALL"]);
        assert!(!covers(&include, &strings(&["refs/heads/main"]), "main"));
        assert!(!covers(&include, &strings(&["~DEFAULT_BRANCH"]), "main"));
        assert!(covers(
            &include,
            &strings(&["refs/heads/dependabot/**/*"]),
            "main"
        ));
    }
}
