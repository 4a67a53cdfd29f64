//! The few git commands gate runs, through the `git` binary.

use std::path::Path;
use std::process::Command;

/// The unified diff (no context) of the change from the merge base of `base` and `HEAD` to
/// `HEAD` — what a pull request adds — with paths relative to `directory`.
pub fn diff_against(directory: &Path, base: &str) -> Result<String, String> {
    let range = format!("{base}...HEAD");
    let output = Command::new("git")
        .args([
            "diff",
            "-U0",
            "--no-color",
            "--no-ext-diff",
            "--relative",
            &range,
            "--",
        ])
        .current_dir(directory)
        .output()
        .map_err(|error| format!("cannot run git: {error}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!("`git diff {range}` failed: {}", stderr.trim()));
    }
    String::from_utf8(output.stdout)
        .map_err(|_| format!("`git diff {range}` printed text that is not UTF-8"))
}

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
pub fn release_history(directory: &Path) -> Result<ReleaseHistory, String> {
    if git_text(directory, &["rev-parse", "--is-shallow-repository"])?.trim() == "true" {
        return Err(shallow_message());
    }
    let history = log(directory, &["HEAD"])?;
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
pub fn range_commits(directory: &Path, range: &str) -> Result<Vec<gate_release::Commit>, String> {
    if range.starts_with('-') {
        return Err(format!(
            "`{range}` is not a revision range such as v1.0.0..HEAD"
        ));
    }
    Ok(log(directory, &[range])?.history.commits)
}

/// `from` and every commit after it up to `HEAD`, newest first. `^FROM^@` excludes only
/// FROM's parents, so FROM itself is included, even when it is the root commit.
pub fn commits_from(directory: &Path, from: &str) -> Result<Vec<gate_release::Commit>, String> {
    if from.starts_with('-') {
        return Err(format!("`{from}` is not a commit"));
    }
    Ok(log(directory, &["HEAD", &format!("^{from}^@")])?
        .history
        .commits)
}

fn log(directory: &Path, revisions: &[&str]) -> Result<ReleaseHistory, String> {
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
    let output = git_bytes(directory, &args)?;
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

/// The current branch (`git rev-parse --abbrev-ref HEAD`); `None` on a detached `HEAD`.
pub fn current_branch(directory: &Path) -> Result<Option<String>, String> {
    let name = git_text(directory, &["rev-parse", "--abbrev-ref", "HEAD"])?;
    let name = name.trim();
    Ok((name != "HEAD" && !name.is_empty()).then(|| name.to_owned()))
}

/// The files git tracks under `directory`, relative to it (`git ls-files`); `None` outside a
/// work tree or without git.
pub fn tracked_files(directory: &Path) -> Option<Vec<String>> {
    let output = run(directory, &["ls-files", "-z"]).ok()?;
    output.status.success().then(|| {
        String::from_utf8_lossy(&output.stdout)
            .split('\0')
            .filter(|path| !path.is_empty())
            .map(str::to_owned)
            .collect()
    })
}

/// Where `directory` is inside its git work tree (`examples/beacon/`, or empty at the top);
/// `None` outside a work tree.
pub fn prefix_in_repository(directory: &Path) -> Option<String> {
    let output = run(directory, &["rev-parse", "--show-prefix"]).ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// `remote.origin.url` as configured, read with `git config --get` rather than
/// `git remote get-url`, which applies `url.*.insteadOf` rewrites (a CI token URL, a mirror):
/// links in the notes should point at the repository people browse. `None` when unset.
pub fn origin_url(directory: &Path) -> Result<Option<String>, String> {
    let output = run(directory, &["config", "--get", "remote.origin.url"])?;
    match output.status.code() {
        Some(0) => Ok(Some(
            String::from_utf8_lossy(&output.stdout).trim().to_owned(),
        )),
        // `git config --get` exits 1 when the key is not set.
        Some(1) => Ok(None),
        _ => Err(failure("git config --get remote.origin.url", &output)),
    }
}

/// Whether the working tree has changes (tracked or untracked, `.gitignore` respected).
pub fn is_dirty(directory: &Path) -> Result<bool, String> {
    Ok(!git_text(directory, &["status", "--porcelain"])?
        .trim()
        .is_empty())
}

/// Whether a tag of this name exists.
pub fn tag_exists(directory: &Path, tag: &str) -> Result<bool, String> {
    let reference = format!("refs/tags/{tag}");
    let output = run(
        directory,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &reference,
        ],
    )?;
    match output.status.code() {
        Some(0) => Ok(true),
        Some(1) => Ok(false),
        _ => Err(failure("git rev-parse --verify", &output)),
    }
}

/// Creates an annotated tag on `HEAD` whose message is `message`, kept verbatim (git's default
/// cleanup would drop the notes' `### ` headings as comment lines).
pub fn create_annotated_tag(directory: &Path, tag: &str, message: &str) -> Result<(), String> {
    use std::io::Write as _;
    let mut child = Command::new("git")
        .args(["tag", "--annotate", "--cleanup=verbatim", "--file=-", tag])
        .current_dir(directory)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|error| format!("cannot run git: {error}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(message.as_bytes())
            .map_err(|error| format!("cannot pass the tag message to git: {error}"))?;
    }
    let output = child
        .wait_with_output()
        .map_err(|error| format!("cannot run git: {error}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(failure(&format!("git tag {tag}"), &output))
    }
}

fn run(directory: &Path, args: &[&str]) -> Result<std::process::Output, String> {
    Command::new("git")
        .args(args)
        .current_dir(directory)
        .output()
        .map_err(|error| format!("cannot run git: {error}"))
}

fn git_bytes(directory: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = run(directory, args)?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        // Name the command without its plumbing (`-c` settings, formats, `--end-of-options`).
        let shown: Vec<&str> = args
            .iter()
            .copied()
            .filter(|arg| !arg.starts_with('-') && !arg.contains('='))
            .collect();
        Err(failure(&format!("git {}", shown.join(" ")), &output))
    }
}

fn git_text(directory: &Path, args: &[&str]) -> Result<String, String> {
    let bytes = git_bytes(directory, args)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn failure(command: &str, output: &std::process::Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    format!("`{command}` failed: {}", stderr.trim())
}
