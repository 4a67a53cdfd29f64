//! The one `git log` pass the release gate needs: the arguments to run it with and the reader of
//! what it prints. Running git is the caller's job; this module only builds and parses text.
//!
//! ```
//! use gate_release::git_log::{log_args, parse_log};
//!
//! let args = log_args(&["HEAD"]);
//! assert_eq!(args.first().map(String::as_str), Some("-c"));
//! assert_eq!(args.last().map(String::as_str), Some("--"));
//!
//! // What `git log` prints for a root commit tagged v1.0.0.
//! let output = b"aaaa\x1f\x1ftag: v1.0.0\x1f86400\x1fchore: init\n\0";
//! let read = parse_log(output)?;
//! assert_eq!(read.history.commits[0].tags, ["v1.0.0"]);
//! assert_eq!(read.committed_at, [86_400]);
//! # Ok::<(), gate_release::git_log::GitLogError>(())
//! ```

use std::collections::HashMap;

use gate_core::Date;

use crate::{Commit, History};

/// The history `gate release` works on: every commit reachable from `HEAD`, with the release
/// tags on each commit, plus each commit's committer time (the date of a past release).
#[derive(Debug, Clone, Default)]
pub struct ReleaseHistory {
    /// Commits, `HEAD` first, with their tags (annotated tags peeled to their commit).
    pub history: History,
    /// Committer time of each commit (seconds since the Unix epoch), parallel to `history`.
    pub committed_at: Vec<i64>,
}

impl ReleaseHistory {
    /// The committer date (UTC) of every commit, by sha: one map for all lookups, so dating
    /// thousands of releases stays O(commits + tags).
    pub fn dates(&self) -> HashMap<&str, Date> {
        self.history
            .commits
            .iter()
            .zip(&self.committed_at)
            .map(|(commit, seconds)| {
                let days = seconds.div_euclid(86_400);
                (commit.sha.as_str(), Date::from_days_since_unix_epoch(days))
            })
            .collect()
    }
}

/// Why `git log`'s output could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GitLogError {
    /// A record without the five fields the format asks for.
    #[error("`git log` printed a record gate cannot read: {record:?}")]
    UnreadableRecord {
        /// The record's first 80 characters.
        record: String,
    },
}

// Field and record separators: control characters that do not occur in shas, ref names or
// (in practice) commit messages. Records end with NUL (`-z`), which git never puts in `%B`.
const FIELD: char = '\u{1f}';
const LOG_FORMAT: &str = "--format=%H%x1f%P%x1f%D%x1f%ct%x1f%B";

/// The arguments to pass to `git` (from `-c` to the closing `--`) to read `revisions` with ONE
/// `git log` pass: shas, parents, tags (from `%D` limited to `refs/tags/`, which git peels for
/// annotated tags), committer time and raw message. O(commits + tags): no walk per tag.
///
/// The revisions follow `--end-of-options` and precede `--`, so none is read as an option or a
/// path: a bad range is reported as such.
pub fn log_args(revisions: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "-c",
        "log.showSignature=false",
        "log",
        "-z",
        "--no-color",
        // Messages come back as UTF-8 whatever `i18n.logOutputEncoding` says.
        "--encoding=UTF-8",
        "--decorate-refs=refs/tags/",
        LOG_FORMAT,
        "--end-of-options",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    args.extend(revisions.iter().map(|revision| (*revision).to_owned()));
    args.push("--".to_owned());
    args
}

/// Reads the output of `git` run with [`log_args`], newest commit first.
///
/// A message that is not UTF-8 is read lossily rather than failing the whole history, and an
/// unreadable committer time reads as 0.
pub fn parse_log(output: &[u8]) -> Result<ReleaseHistory, GitLogError> {
    let text = String::from_utf8_lossy(output);
    let mut history = ReleaseHistory::default();
    for record in text.split('\0').filter(|record| !record.is_empty()) {
        let mut fields = record.splitn(5, FIELD);
        let (Some(sha), Some(parents), Some(decorations), Some(time), Some(message)) = (
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
        ) else {
            return Err(GitLogError::UnreadableRecord {
                record: record.chars().take(80).collect(),
            });
        };
        let mut commit = Commit::new(
            sha.trim_start_matches('\n'),
            parents.split_whitespace().map(str::to_owned).collect(),
            message,
        );
        commit.tags = decorations
            .split(", ")
            .filter_map(|decoration| decoration.strip_prefix("tag: "))
            .map(str::to_owned)
            .collect();
        history.history.commits.push(commit);
        history.committed_at.push(time.parse().unwrap_or(0));
    }
    Ok(history)
}

/// Why a shallow clone is refused: the last release may be beyond the clone's depth, and a wrong
/// version is worse than none. For the caller to report when git says the repository is
/// shallow or the history read has parents missing ([`History::has_missing_parents`]).
pub fn shallow_clone_message() -> &'static str {
    "this is a shallow clone: the last release tag may be out of reach and the version computed \
     from it wrong. Fetch the full history (`git fetch --unshallow --tags`), or set \
     `fetch-depth: 0` on actions/checkout"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_args_wrap_the_revisions_in_end_of_options_and_a_double_dash() {
        assert_eq!(
            log_args(&["HEAD", "^v1.0.0^@"]),
            [
                "-c",
                "log.showSignature=false",
                "log",
                "-z",
                "--no-color",
                "--encoding=UTF-8",
                "--decorate-refs=refs/tags/",
                "--format=%H%x1f%P%x1f%D%x1f%ct%x1f%B",
                "--end-of-options",
                "HEAD",
                "^v1.0.0^@",
                "--",
            ]
        );
    }

    #[test]
    fn parse_log_reads_tags_parents_merges_and_non_utf8_messages() {
        let mut output = Vec::new();
        // HEAD: a merge, tagged twice (one annotated tag, peeled by git), with a branch name in
        // `%D` that is not a tag.
        output.extend_from_slice(
            b"cccc\x1fbbbb dddd\x1fHEAD -> main, tag: v1.1.0, tag: v1.1.0-rc.1\x1f172800\x1f\
              Merge branch 'topic'\n\nfeat: search\n\0",
        );
        // Records after the first may start with the newline git prints between them.
        output.extend_from_slice(b"\ndddd\x1faaaa\x1f\x1f129600\x1ffix: caf\xe9\n\0");
        output.extend_from_slice(b"bbbb\x1faaaa\x1f\x1fnot-a-time\x1fdocs: readme\n\0");
        output.extend_from_slice(b"aaaa\x1f\x1ftag: v1.0.0\x1f86400\x1fchore: init\n\0");

        let read = parse_log(&output).unwrap();
        let commits = &read.history.commits;
        let shas: Vec<&str> = commits.iter().map(|commit| commit.sha.as_str()).collect();
        assert_eq!(shas, ["cccc", "dddd", "bbbb", "aaaa"]);
        assert_eq!(commits[0].parents, ["bbbb", "dddd"]);
        assert!(commits[0].is_merge());
        assert_eq!(commits[0].tags, ["v1.1.0", "v1.1.0-rc.1"]);
        assert_eq!(commits[0].message, "Merge branch 'topic'\n\nfeat: search\n");
        assert_eq!(commits[1].message, "fix: caf\u{fffd}\n");
        assert!(commits[1].tags.is_empty());
        assert!(commits[3].parents.is_empty());
        assert_eq!(commits[3].tags, ["v1.0.0"]);
        assert_eq!(read.committed_at, [172_800, 129_600, 0, 86_400]);
        assert!(!read.history.has_missing_parents());

        let dates = read.dates();
        assert_eq!(dates["aaaa"], Date::new(1970, 1, 2).unwrap());
        assert_eq!(dates["dddd"], Date::new(1970, 1, 2).unwrap());
        assert_eq!(dates["cccc"], Date::new(1970, 1, 3).unwrap());
    }

    #[test]
    fn parse_log_refuses_a_record_without_five_fields() {
        assert!(parse_log(b"").unwrap().history.commits.is_empty());
        let error = parse_log(b"aaaa\x1f\x1ftag: v1.0.0\0").unwrap_err();
        assert_eq!(
            error.to_string(),
            "`git log` printed a record gate cannot read: \"aaaa\\u{1f}\\u{1f}tag: v1.0.0\""
        );
        let long = format!("{}\0", "x".repeat(100));
        let error = parse_log(long.as_bytes()).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "`git log` printed a record gate cannot read: \"{}\"",
                "x".repeat(80)
            )
        );
    }

    #[test]
    fn a_shallow_clone_is_explained() {
        assert!(shallow_clone_message().starts_with("this is a shallow clone: "));
        assert!(shallow_clone_message().ends_with("`fetch-depth: 0` on actions/checkout"));
    }
}
