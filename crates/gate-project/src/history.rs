//! The release history from one `git log` pass: what `gate release` and the release gate plan
//! from.

pub use gate_release::git_log::ReleaseHistory;
use gate_release::git_log::{log_args, parse_log, shallow_clone_message};

use crate::git::Git;

/// Reads everything reachable from `HEAD` with ONE `git log` pass: shas, parents, tags (from
/// `%D` limited to `refs/tags/`, which git peels for annotated tags), committer time and raw
/// message. O(commits + tags): no walk per tag.
///
/// A shallow clone is an error: the last release may be beyond the clone's depth, and a wrong
/// version is worse than none.
pub fn release_history(git: Git<'_>) -> Result<ReleaseHistory, String> {
    if git.text(&["rev-parse", "--is-shallow-repository"])?.trim() == "true" {
        return Err(shallow_clone_message().to_owned());
    }
    let history = log(git, &["HEAD"])?;
    if history.history.has_missing_parents() {
        return Err(shallow_clone_message().to_owned());
    }
    Ok(history)
}

/// The commits of a revision range (`A..B`, as `git log` takes it), newest first.
pub fn range_commits(git: Git<'_>, range: &str) -> Result<Vec<gate_release::Commit>, String> {
    if range.starts_with('-') {
        return Err(format!(
            "`{range}` is not a revision range such as v1.0.0..HEAD"
        ));
    }
    Ok(log(git, &[range])?.history.commits)
}

/// `from` and every commit after it up to `HEAD`, newest first. `^FROM^@` excludes only
/// FROM's parents, so FROM itself is included, even when it is the root commit.
pub fn commits_from(git: Git<'_>, from: &str) -> Result<Vec<gate_release::Commit>, String> {
    if from.starts_with('-') {
        return Err(format!("`{from}` is not a commit"));
    }
    Ok(log(git, &["HEAD", &format!("^{from}^@")])?.history.commits)
}

fn log(git: Git<'_>, revisions: &[&str]) -> Result<ReleaseHistory, String> {
    let args = log_args(revisions);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = git.bytes(&args)?;
    parse_log(&output).map_err(|error| error.to_string())
}
