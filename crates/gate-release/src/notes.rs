//! Release notes in the conventional-changelog `conventionalcommits` markdown, byte for byte.
//!
//! The rendering follows the preset's `template.hbs`, `header.hbs` and `commit.hbs` as
//! conventional-changelog-writer 8 renders them (blank lines included), and its `writer.js`
//! transform: section titles, hidden types kept only with a breaking note, `*` scope dropped,
//! issue and `@user` links in subjects, references already linked in the subject not repeated,
//! entries sorted by `scope + subject` with `localeCompare`.

use std::fmt::Write as _;
use std::sync::LazyLock;

use gate_core::Date;
use regex::Regex;

use crate::collate::locale_compare;
use crate::commit::{ParsedCommit, ParserOptions, Reference, parse};
use crate::history::Commit;
use crate::plan::{PastRelease, Plan};
use crate::version::filter_reverted;

/// `Release-As:` in a body or footer keeps a commit in the notes whatever its type.
static RELEASE_AS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)release-as:\s*[A-Za-z0-9_]*@?([0-9]+\.[0-9]+\.[0-9a-z]+(-[0-9a-z.]+)?)\s*")
        .expect("static regex")
});

/// `(#)([a-z0-9]+)` from the preset's transform (case-sensitive).
static SUBJECT_ISSUE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"#([a-z0-9]+)").expect("static regex"));

/// One commit type's section in the notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeSection {
    /// The commit type (`feat`), compared with the lower-cased commit type.
    pub type_: String,
    /// The heading (`Features`).
    pub section: String,
    /// Hidden sections only list commits that carry a breaking-change note.
    pub hidden: bool,
}

/// The preset's default types: feat/feature, fix, perf and revert shown; the rest hidden.
pub fn default_types() -> Vec<TypeSection> {
    [
        ("feat", "Features", false),
        ("feature", "Features", false),
        ("fix", "Bug Fixes", false),
        ("perf", "Performance Improvements", false),
        ("revert", "Reverts", false),
        ("docs", "Documentation", true),
        ("style", "Styles", true),
        ("chore", "Miscellaneous Chores", true),
        ("refactor", "Code Refactoring", true),
        ("test", "Tests", true),
        ("build", "Build System", true),
        ("ci", "Continuous Integration", true),
    ]
    .into_iter()
    .map(|(type_, section, hidden)| TypeSection {
        type_: type_.to_owned(),
        section: section.to_owned(),
        hidden,
    })
    .collect()
}

/// Where the repository lives, read from its URL as semantic-release's notes generator reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repository {
    /// Scheme, host and port: `https://github.com`.
    pub host: String,
    /// The first path segment (`o`).
    pub owner: String,
    /// The rest of the path (`r`, or `sub/r` for a GitLab subgroup).
    pub name: String,
    /// Reference action words for this host.
    pub parser: ParserOptions,
}

impl Repository {
    /// Reads `https://github.com/o/r.git`, `git@github.com:o/r.git`, `ssh://git@host:2222/o/r`…
    /// Returns `None` when there is no host or owner to link to.
    pub fn from_url(url: &str) -> Option<Repository> {
        let url = strip_suffix_ignore_case(url.trim(), ".git");
        let Some((scheme, rest)) = url.split_once("://") else {
            // scp-like `user@host:path`
            let (authority, path) = url.split_once(':')?;
            let host = authority
                .rsplit_once('@')
                .map_or(authority, |(_, host)| host);
            return Repository::from_parts("ssh", host, "", &format!("/{path}"));
        };
        let scheme = scheme.to_ascii_lowercase();
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let host_port = authority
            .rsplit_once('@')
            .map_or(authority, |(_, host)| host);
        let (host, port) = match host_port.rsplit_once(':') {
            Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => (host, port),
            _ => (host_port, ""),
        };
        Repository::from_parts(&scheme, host, port, path)
    }

    fn from_parts(scheme: &str, host: &str, port: &str, path: &str) -> Option<Repository> {
        let host = host.to_ascii_lowercase();
        if host.is_empty() {
            return None;
        }
        let default_port = matches!((scheme, port), ("https", "443") | ("http", "80"));
        let port = if scheme.contains("ssh") || default_port {
            ""
        } else {
            port
        };
        let protocol = if scheme.starts_with("http") && scheme != "https" {
            "http"
        } else {
            "https"
        };
        let path = path.strip_prefix('/')?;
        let (owner, name) = path.split_once('/').unwrap_or((path, ""));
        if owner.is_empty() {
            return None;
        }
        let parser = match host.as_str() {
            "github.com" => ParserOptions::github(),
            "gitlab.com" => ParserOptions::gitlab(),
            "bitbucket.org" => ParserOptions::bitbucket(),
            _ => ParserOptions::other_host(),
        };
        let host = if port.is_empty() {
            format!("{protocol}://{host}")
        } else {
            format!("{protocol}://{host}:{port}")
        };
        Some(Repository {
            host,
            owner: owner.to_owned(),
            name: name.to_owned(),
            parser,
        })
    }

    fn commit_url(&self, sha: &str) -> String {
        format!("{}/{}/{}/commit/{sha}", self.host, self.owner, self.name)
    }

    fn compare_url(&self, previous: &str, current: &str) -> String {
        format!(
            "{}/{}/{}/compare/{previous}...{current}",
            self.host, self.owner, self.name
        )
    }

    fn issue_url(&self, owner: Option<&str>, repository: Option<&str>, issue: &str) -> String {
        format!(
            "{}/{}/{}/issues/{issue}",
            self.host,
            owner.unwrap_or(&self.owner),
            repository.unwrap_or(&self.name)
        )
    }
}

fn strip_suffix_ignore_case<'a>(text: &'a str, suffix: &str) -> &'a str {
    let cut = text.len().saturating_sub(suffix.len());
    match text.get(cut..) {
        Some(tail) if tail.eq_ignore_ascii_case(suffix) => &text[..cut],
        _ => text,
    }
}

/// What the notes need besides the plan: the date (the library never reads a clock), the
/// repository for links, and the type sections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotesOptions {
    /// The release date printed in the header.
    pub date: Date,
    /// Where links point; `None` renders no links.
    pub repository: Option<Repository>,
    /// The type sections (see [`default_types`]).
    pub types: Vec<TypeSection>,
}

impl NotesOptions {
    /// Default types, links from `repository_url` when it can be read.
    pub fn new(date: Date, repository_url: Option<&str>) -> NotesOptions {
        NotesOptions {
            date,
            repository: repository_url.and_then(Repository::from_url),
            types: default_types(),
        }
    }
}

/// One line of a section, after the preset's transform.
struct Entry {
    scope: Option<String>,
    subject: Option<String>,
    header: Option<String>,
    sha: String,
    references: Vec<Reference>,
}

/// Renders the notes for the plan's next release, or `None` when there is nothing to release.
///
/// The text ends with one newline, as semantic-release's `nextRelease.notes` does.
pub fn render_notes(plan: &Plan<'_>, options: &NotesOptions) -> Option<String> {
    let next = plan.next.as_ref()?;
    let previous = plan.last_release.as_ref().map(|tag| tag.tag.as_str());
    Some(render_commits(
        &next.version.to_string(),
        previous.map(|previous| (previous, next.tag.as_str())),
        plan.commits.iter().map(|c| c.commit),
        options,
    ))
}

/// Renders the notes of a release already in the history (see [`past_releases`]), as
/// semantic-release rendered them when it made that release; `options.date` is its date.
///
/// [`past_releases`]: crate::past_releases
pub fn render_past_release(release: &PastRelease<'_>, options: &NotesOptions) -> String {
    render_commits(
        &release.tag.version.to_string(),
        release
            .previous
            .as_ref()
            .map(|previous| (previous.tag.as_str(), release.tag.tag.as_str())),
        release.commits.iter().copied(),
        options,
    )
}

/// Parses with the host's reference words, drops revert pairs, renders.
fn render_commits<'h>(
    version: &str,
    compare: Option<(&str, &str)>,
    commits: impl Iterator<Item = &'h Commit>,
    options: &NotesOptions,
) -> String {
    let parser = options
        .repository
        .as_ref()
        .map_or_else(ParserOptions::other_host, |repository| {
            repository.parser.clone()
        });
    let parsed: Vec<(&str, ParsedCommit)> = commits
        .filter_map(|c| {
            parse(&c.message, &parser).map(|mut p| {
                // A header the preset cannot parse has no subject of its own; the notes
                // generator then keeps git's subject (`%s`) from the raw commit, and links
                // `#N` / `@user` in it like any subject (`Revert "…" (#425)`, `v9 (#639)`).
                if p.type_.is_none() && p.subject.is_none() {
                    p.subject = Some(git_subject(&c.message));
                }
                (c.sha.as_str(), p)
            })
        })
        .collect();
    let items: Vec<(&str, &ParsedCommit, ())> =
        parsed.iter().map(|(sha, p)| (*sha, p, ())).collect();
    let kept = filter_reverted(items);
    render(
        version,
        compare,
        kept.into_iter().map(|(sha, parsed, ())| (sha, parsed)),
        options,
    )
}

/// git's `%s`: the first paragraph (after leading blank lines), its lines joined by a space.
fn git_subject(message: &str) -> String {
    message
        .lines()
        .skip_while(|line| line.trim().is_empty())
        .take_while(|line| !line.trim().is_empty())
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The markdown for one release from parsed, already revert-filtered commits (newest first).
fn render<'a>(
    version: &str,
    compare: Option<(&str, &str)>,
    commits: impl Iterator<Item = (&'a str, &'a ParsedCommit)>,
    options: &NotesOptions,
) -> String {
    let repository = options.repository.as_ref();
    let mut notes: Vec<(Option<String>, String)> = Vec::new();
    // Groups keep the order they first appear in; the sort below is stable, as JavaScript's is.
    let mut groups: Vec<(String, Vec<Entry>)> = Vec::new();
    for (sha, commit) in commits {
        let type_key = if commit.revert.is_some() {
            "revert".to_owned()
        } else {
            commit.type_.as_deref().unwrap_or("").to_lowercase()
        };
        let entry = options.types.iter().find(|entry| entry.type_ == type_key);
        let release_as = [&commit.footer, &commit.body]
            .into_iter()
            .flatten()
            .any(|text| RELEASE_AS.is_match(text));
        let shown = !commit.notes.is_empty() || release_as || entry.is_some_and(|e| !e.hidden);
        if !shown {
            continue;
        }
        let group = entry.map_or_else(
            || commit.type_.clone().unwrap_or_default(),
            |entry| entry.section.clone(),
        );
        let scope = commit.scope.clone().filter(|scope| scope != "*");
        let mut issues = Vec::new();
        let subject = commit
            .subject
            .as_deref()
            .map(|subject| link_subject(subject, repository, &mut issues));
        let references = commit
            .references
            .iter()
            .filter(|reference| {
                !issues.contains(&format!("{}{}", reference.prefix, reference.issue))
            })
            .cloned()
            .collect();
        for note in &commit.notes {
            notes.push((scope.clone(), note.text.clone()));
        }
        let entry = Entry {
            scope,
            subject,
            header: commit.header.clone(),
            sha: sha.to_owned(),
            references,
        };
        match groups.iter_mut().find(|(title, _)| *title == group) {
            Some((_, entries)) => entries.push(entry),
            None => groups.push((group, vec![entry])),
        }
    }
    let order: Vec<&str> = options.types.iter().map(|t| t.section.as_str()).collect();
    let rank = |title: &str| {
        order
            .iter()
            .position(|s| *s == title)
            .map_or(-1, |i| i64::try_from(i).unwrap_or(i64::MAX))
    };
    groups.sort_by_key(|(title, _)| rank(title));
    for (_, entries) in &mut groups {
        // `commitsSort: ['scope', 'subject']` compares the two concatenated.
        let mut keyed: Vec<(String, Entry)> = std::mem::take(entries)
            .into_iter()
            .map(|e| {
                let key = format!(
                    "{}{}",
                    e.scope.as_deref().unwrap_or(""),
                    e.subject.as_deref().unwrap_or("")
                );
                (key, e)
            })
            .collect();
        keyed.sort_by(|(a, _), (b, _)| locale_compare(a, b));
        *entries = keyed.into_iter().map(|(_, e)| e).collect();
    }
    write_notes(version, compare, repository, &notes, &groups, options.date)
}

/// `template.hbs` and `header.hbs`, with the blank lines Handlebars leaves.
fn write_notes(
    version: &str,
    compare: Option<(&str, &str)>,
    repository: Option<&Repository>,
    notes: &[(Option<String>, String)],
    groups: &[(String, Vec<Entry>)],
    date: Date,
) -> String {
    let mut out = String::from("## ");
    match (compare, repository) {
        (Some((previous, current)), Some(repository)) => {
            let _ = write!(
                out,
                "[{version}]({})",
                repository.compare_url(previous, current)
            );
        }
        _ => out.push_str(version),
    }
    let _ = writeln!(out, " ({date})");
    if !notes.is_empty() {
        out.push_str("\n### ⚠ BREAKING CHANGES\n\n");
        for (scope, text) in notes {
            out.push_str("* ");
            if let Some(scope) = scope.as_deref().filter(|s| !s.is_empty()) {
                let _ = write!(out, "**{scope}:** ");
            }
            out.push_str(text);
            out.push('\n');
        }
    }
    for (title, entries) in groups {
        out.push('\n');
        if !title.is_empty() {
            let _ = write!(out, "### {title}\n\n");
        }
        for entry in entries {
            out.push_str(&render_entry(entry, repository));
            out.push('\n');
        }
    }
    let trimmed = out.trim();
    format!("{trimmed}\n")
}

/// `commit.hbs`.
fn render_entry(entry: &Entry, repository: Option<&Repository>) -> String {
    let mut line = String::from("*");
    if let Some(scope) = entry.scope.as_deref().filter(|s| !s.is_empty()) {
        let _ = write!(line, " **{scope}:**");
    }
    line.push(' ');
    match entry.subject.as_deref().filter(|s| !s.is_empty()) {
        Some(subject) => line.push_str(subject),
        None => line.push_str(entry.header.as_deref().unwrap_or("")),
    }
    let short = entry.sha.get(..7).unwrap_or(&entry.sha);
    if let Some(repository) = repository {
        let _ = write!(line, " ([{short}]({}))", repository.commit_url(&entry.sha));
    } else {
        line.push(' ');
        line.push_str(short);
    }
    if !entry.references.is_empty() {
        line.push_str(", closes");
        for reference in &entry.references {
            let owner = reference.owner.as_deref();
            let name = reference.repository.as_deref();
            let label = format!(
                "{}{}{}{}",
                owner.map(|o| format!("{o}/")).unwrap_or_default(),
                name.unwrap_or(""),
                reference.prefix,
                reference.issue
            );
            if let Some(repository) = repository {
                let url = repository.issue_url(owner, name, &reference.issue);
                let _ = write!(line, " [{label}]({url})");
            } else {
                line.push(' ');
                line.push_str(&label);
            }
        }
    }
    line
}

/// The preset's subject transform: `#12` → issue link, `@user` → profile link.
fn link_subject(
    subject: &str,
    repository: Option<&Repository>,
    issues: &mut Vec<String>,
) -> String {
    let Some(repository) = repository else {
        for captures in SUBJECT_ISSUE.captures_iter(subject) {
            issues.push(format!("#{}", &captures[1]));
        }
        return subject.to_owned();
    };
    let with_issues = SUBJECT_ISSUE.replace_all(subject, |captures: &regex::Captures<'_>| {
        let issue = &captures[1];
        issues.push(format!("#{issue}"));
        format!("[#{issue}]({})", repository.issue_url(None, None, issue))
    });
    link_users(&with_issues, &repository.host)
}

/// `\B@([a-z0-9](?:-?[a-z0-9/]){0,38})` → `[@user](host/user)` unless the name holds a `/`.
fn link_users(text: &str, host: &str) -> String {
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        // `\B` before `@`: both sides non-word (`@` is non-word), so the previous byte is non-word.
        let boundary_ok = bytes[i] == b'@' && (i == 0 || !is_word(bytes[i - 1]));
        if let Some(len) = boundary_ok
            .then(|| user_name_len(&bytes[i + 1..]))
            .flatten()
        {
            {
                let user = &text[i + 1..i + 1 + len];
                out.push_str(&text[copied..i]);
                if user.contains('/') {
                    out.push('@');
                    out.push_str(user);
                } else {
                    let _ = write!(out, "[@{user}]({host}/{user})");
                }
                i += 1 + len;
                copied = i;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    out
}

/// Length of `[a-z0-9](?:-?[a-z0-9/]){0,38}` at the start of `bytes`, greedy.
fn user_name_len(bytes: &[u8]) -> Option<usize> {
    let name_char = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    if !bytes.first().is_some_and(|c| name_char(*c)) {
        return None;
    }
    let mut len = 1;
    for _ in 0..38 {
        match bytes.get(len..) {
            Some([b'-', c, ..]) if name_char(*c) || *c == b'/' => len += 2,
            Some([c, ..]) if name_char(*c) || *c == b'/' => len += 1,
            _ => break,
        }
    }
    Some(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_urls() {
        let r = Repository::from_url("git@github.com:o/r.git").unwrap();
        assert_eq!(
            (r.host.as_str(), r.owner.as_str(), r.name.as_str()),
            ("https://github.com", "o", "r")
        );
        let r = Repository::from_url("https://gitlab.com/group/sub/r.git").unwrap();
        assert_eq!(
            (r.host.as_str(), r.owner.as_str(), r.name.as_str()),
            ("https://gitlab.com", "group", "sub/r")
        );
        let r = Repository::from_url("ssh://git@example.org:2222/o/r").unwrap();
        assert_eq!(r.host, "https://example.org");
        let r = Repository::from_url("http://example.org:8080/o/r.GIT").unwrap();
        assert_eq!(
            (r.host.as_str(), r.name.as_str()),
            ("http://example.org:8080", "r")
        );
        assert!(Repository::from_url("not a url").is_none());
    }

    #[test]
    fn users_and_issues_in_subjects() {
        let repository = Repository::from_url("https://github.com/o/r").unwrap();
        let mut issues = Vec::new();
        let linked = link_subject(
            "crash on #7 @alice and a@b and @o/team",
            Some(&repository),
            &mut issues,
        );
        assert_eq!(
            linked,
            "crash on [#7](https://github.com/o/r/issues/7) [@alice](https://github.com/alice) and a@b and @o/team"
        );
        assert_eq!(issues, vec!["#7"]);
    }
}
