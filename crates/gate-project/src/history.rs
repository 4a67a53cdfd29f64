//! The release history from one `git log` pass: what `gate release` and the release gate plan
//! from.

use crate::git::Git;

/// The history `gate release` works on: every commit reachable from `HEAD`, with the release
/// tags on each commit, plus each commit's committer time (the date of a past release).
#[derive(Debug, Clone, Default)]
pub struct ReleaseHistory {
    /// Commits, `HEAD` first, with their tags (annotated tags peeled to their commit).
    pub history: gate_release::History,
    /// Committer time of each commit (seconds since the Unix epoch), parallel to `history`.
    pub committed_at: Vec<i64>,
}

impl ReleaseHistory {
    /// The committer date (UTC) of every commit, by sha: one map for all lookups, so dating
    /// thousands of releases stays O(commits + tags).
    pub fn dates(&self) -> std::collections::HashMap<&str, gate_core::Date> {
        self.history
            .commits
            .iter()
            .zip(&self.committed_at)
            .map(|(commit, seconds)| {
                let days = seconds.div_euclid(86_400);
                (
                    commit.sha.as_str(),
                    gate_core::Date::from_days_since_unix_epoch(days),
                )
            })
            .collect()
    }
}

// Field and record separators: control characters that do not occur in shas, ref names or
// (in practice) commit messages. Records end with NUL (`-z`), which git never puts in `%B`.
const FIELD: char = '\u{1f}';
const LOG_FORMAT: &str = "--format=%H%x1f%P%x1f%D%x1f%ct%x1f%B";

/// Reads everything reachable from `HEAD` with ONE `git log` pass: shas, parents, tags (from
/// `%D` limited to `refs/tags/`, which git peels for annotated tags), committer time and raw
/// message. O(commits + tags): no walk per tag.
///
/// A shallow clone is an error: the last release may be beyond the clone's depth, and a wrong
/// version is worse than none.
pub fn release_history(git: Git<'_>) -> Result<ReleaseHistory, String> {
    if git.text(&["rev-parse", "--is-shallow-repository"])?.trim() == "true" {
        return Err(shallow_message());
    }
    let history = log(git, &["HEAD"])?;
    if history.history.has_missing_parents() {
        return Err(shallow_message());
    }
    Ok(history)
}

fn shallow_message() -> String {
    "this is a shallow clone: the last release tag may be out of reach and the version computed \
     from it wrong. Fetch the full history (`git fetch --unshallow --tags`), or set \
     `fetch-depth: 0` on actions/checkout"
        .to_owned()
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
    let mut args = vec![
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
    ];
    args.extend(revisions);
    // Revisions only, never paths: a bad range is reported as such.
    args.push("--");
    let output = git.bytes(&args)?;
    // A message that is not UTF-8 is read lossily rather than failing the whole history.
    let text = String::from_utf8_lossy(&output);
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
            return Err(format!(
                "`git log` printed a record gate cannot read: {:?}",
                record.chars().take(80).collect::<String>()
            ));
        };
        let mut commit = gate_release::Commit::new(
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
