//! Commit message parsing, as semantic-release's commit-analyzer and release-notes-generator see it.
//!
//! This is a port of `conventional-commits-parser` 6 driven by the `conventionalcommits` preset's
//! parser options (header and breaking-header patterns, `BREAKING CHANGE` / `BREAKING-CHANGE` note
//! keywords, the revert pattern). Its quirks are kept on purpose, because they decide versions:
//! a body line starting with `breaking change:` in any case is a breaking note, a body line with
//! `#12` in it starts the footer, `FEAT` is a type distinct from `feat`.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

/// The parser's note pattern built from the preset's keywords; it is case-insensitive.
static NOTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[\s|*]*(BREAKING CHANGE|BREAKING-CHANGE)[:\s]+([^\n\r\x{2028}\x{2029}]*)")
        .expect("static regex")
});

/// The preset's revert pattern, matched against the whole message.
static REVERT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)^(?:Revert|revert:)\s"?([\s\S]+?)"?\s*This reverts commit ([A-Za-z0-9_]*)\."#)
        .expect("static regex")
});

/// The parser's field pattern (`-hash-` lines introduce a field that swallows the lines after it).
static FIELD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^-([^\n\r\x{2028}\x{2029}]*?)-$").expect("static regex"));

/// The parser's URL pattern: a sentence holding a URL yields no references.
static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:https?)://(?:www\.)?[-a-zA-Z0-9@:%_+.~#?&/=]+").expect("static regex")
});

/// The words that turn `#12` into a closing reference, per hosting service.
///
/// semantic-release's release-notes-generator picks them from the repository host; the
/// `conventionalcommits` preset then overrides the issue prefixes with `#` alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParserOptions {
    /// Reference action words, matched case-insensitively (`closes`, `fixes`…).
    pub reference_actions: Vec<String>,
    /// Whether `-field-` lines are read as fields (semantic-release: yes; commitlint: no).
    pub fields: bool,
    /// Lines starting with this character are comments, and a `<char> ------------------------ >8
    /// ------------------------` scissor line ends the message (a `commit-msg` hook's file).
    pub comment_char: Option<char>,
}

impl ParserOptions {
    /// The actions semantic-release uses for `github.com`.
    pub fn github() -> ParserOptions {
        ParserOptions::from_words(&[
            "close", "closes", "closed", "fix", "fixes", "fixed", "resolve", "resolves", "resolved",
        ])
    }

    /// The actions semantic-release uses for `gitlab.com`.
    pub fn gitlab() -> ParserOptions {
        ParserOptions::from_words(&[
            "close", "closes", "closed", "closing", "fix", "fixes", "fixed", "fixing",
        ])
    }

    /// The actions semantic-release uses for `bitbucket.org`.
    pub fn bitbucket() -> ParserOptions {
        ParserOptions::from_words(&[
            "close",
            "closes",
            "closed",
            "closing",
            "fix",
            "fixes",
            "fixed",
            "fixing",
            "resolve",
            "resolves",
            "resolved",
            "resolving",
        ])
    }

    /// The actions semantic-release uses for any other host (and when no URL is known): the
    /// same as for Bitbucket.
    pub fn other_host() -> ParserOptions {
        ParserOptions::bitbucket()
    }

    fn from_words(words: &[&str]) -> ParserOptions {
        ParserOptions {
            reference_actions: words.iter().map(|word| (*word).to_owned()).collect(),
            fields: true,
            comment_char: None,
        }
    }
}

impl Default for ParserOptions {
    fn default() -> ParserOptions {
        ParserOptions::other_host()
    }
}

/// A breaking-change note: a `BREAKING CHANGE:` footer or the subject of a `type!:` header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// The keyword as written (`BREAKING CHANGE`, `breaking-change`…).
    pub title: String,
    /// The text after the keyword, continued by the following non-reference lines.
    pub text: String,
}

/// An issue reference such as `closes #12` or `o/r#12`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    /// The action word before it (`closes`), if any.
    pub action: Option<String>,
    /// The owner part of `owner/repo#12`.
    pub owner: Option<String>,
    /// The repository part of `repo#12` or `owner/repo#12`.
    pub repository: Option<String>,
    /// The issue prefix (`#`).
    pub prefix: String,
    /// The issue id after the prefix.
    pub issue: String,
    /// The text the reference was found in, up to the issue id.
    pub raw: String,
}

/// What a revert commit says it reverts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revert {
    /// The reverted commit's header, as quoted in the revert message.
    pub header: Option<String>,
    /// The reverted commit's sha, as written in `This reverts commit <sha>.`.
    pub hash: Option<String>,
}

/// A commit message parsed the way the `conventionalcommits` preset parses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParsedCommit {
    /// The first line.
    pub header: Option<String>,
    /// The type before `:`; `None` when the header does not follow the pattern.
    #[serde(rename = "type")]
    pub type_: Option<String>,
    /// The scope in parentheses.
    pub scope: Option<String>,
    /// The text after `: `.
    pub subject: Option<String>,
    /// The body: the lines before the first note or reference.
    pub body: Option<String>,
    /// The footer: the note and reference lines and what follows them.
    pub footer: Option<String>,
    /// Breaking-change notes.
    pub notes: Vec<Note>,
    /// Issue references, deduplicated.
    pub references: Vec<Reference>,
    /// Set when the message is a revert (`Revert "…"` + `This reverts commit <sha>.`).
    pub revert: Option<Revert>,
}

impl ParsedCommit {
    /// Whether the commit carries a breaking-change note (from a footer or a `!`).
    pub fn is_breaking(&self) -> bool {
        !self.notes.is_empty()
    }
}

/// Parses a commit message. Returns `None` for a blank message, which semantic-release skips.
///
/// Never panics, whatever the input.
pub fn parse(message: &str, options: &ParserOptions) -> Option<ParsedCommit> {
    if message.trim().is_empty() {
        return None;
    }
    let mut lines = split_lines(trim_new_lines(message));
    if let Some(comment) = options.comment_char {
        let scissor = format!("{comment} ------------------------ >8 ------------------------");
        if let Some(at) = lines.iter().position(|line| *line == scissor) {
            lines.truncate(at);
        }
        lines.retain(|line| !line.starts_with(comment));
    }
    lines.retain(|line| !is_gpg_line(line));
    let mut parser = Parser {
        lines,
        index: 0,
        commit: ParsedCommit {
            header: None,
            type_: None,
            scope: None,
            subject: None,
            body: None,
            footer: None,
            notes: Vec::new(),
            references: Vec::new(),
            revert: None,
        },
        actions: &options.reference_actions,
        fields: options.fields,
    };
    parser.run(message);
    Some(parser.commit)
}

/// The `conventional-commits-parser` line machine; method names follow its source.
struct Parser<'a> {
    lines: Vec<&'a str>,
    index: usize,
    commit: ParsedCommit,
    actions: &'a [String],
    fields: bool,
}

impl<'a> Parser<'a> {
    fn run(&mut self, input: &str) {
        self.parse_header();
        if let Some(header) = self.commit.header.clone() {
            self.commit.references = parse_references(&header, self.actions);
        }
        let mut is_body = true;
        while self.available() {
            self.parse_meta();
            if self.parse_notes() {
                is_body = false;
            }
            if !self.parse_body_and_footer(is_body) {
                is_body = false;
            }
        }
        self.parse_breaking_header();
        self.parse_revert(input);
        self.cleanup();
    }

    fn available(&self) -> bool {
        self.index < self.lines.len()
    }

    fn current(&self) -> &'a str {
        self.lines.get(self.index).copied().unwrap_or("")
    }

    fn parse_header(&mut self) {
        let Some(header) = self.lines.first().copied() else {
            return;
        };
        self.index = 1;
        if header.is_empty() {
            return;
        }
        self.commit.header = Some(header.to_owned());
        if let Some(parts) = match_header(header, true).or_else(|| match_header(header, false)) {
            let owned = |s: &str| (!s.is_empty()).then(|| s.to_owned());
            self.commit.type_ = owned(parts.type_);
            self.commit.scope = parts.scope.and_then(owned);
            self.commit.subject = owned(parts.subject);
        }
    }

    /// `-field-` lines: the parser stores the following lines in that field, so they are neither
    /// body nor footer. gate drops the field values; it only needs the lines consumed the same way.
    fn parse_meta(&mut self) -> bool {
        if !self.fields {
            return false;
        }
        let mut field = false;
        let mut parsed = false;
        while self.available() {
            let line = self.current();
            let maybe_field = line.len() >= 2 && line.starts_with('-') && line.ends_with('-');
            if let Some(captures) = maybe_field.then(|| FIELD.captures(line)).flatten() {
                field = captures.get(1).is_some_and(|m| !m.as_str().is_empty());
                self.index += 1;
                continue;
            }
            if field {
                parsed = true;
                self.index += 1;
            } else {
                break;
            }
        }
        parsed
    }

    fn parse_notes(&mut self) -> bool {
        if !self.available() {
            return false;
        }
        let line = self.current();
        // A note line names `breaking`; checking that first spares the regex on most lines.
        let mentions_breaking = line
            .as_bytes()
            .windows(8)
            .any(|window| window.eq_ignore_ascii_case(b"breaking"));
        let Some(captures) = mentions_breaking.then(|| NOTE.captures(line)).flatten() else {
            return false;
        };
        let note_index = self.commit.notes.len();
        self.commit.notes.push(Note {
            title: captures[1].to_owned(),
            text: captures[2].to_owned(),
        });
        append_line(&mut self.commit.footer, line);
        self.index += 1;
        while self.available() {
            if self.parse_meta() {
                return true;
            }
            if self.parse_notes() {
                return true;
            }
            let line = self.current();
            let references = parse_references(line, self.actions);
            let found = !references.is_empty();
            if found {
                self.commit.references.extend(references);
            } else {
                let mut text = Some(std::mem::take(&mut self.commit.notes[note_index].text));
                append_line(&mut text, line);
                self.commit.notes[note_index].text = text.unwrap_or_default();
            }
            append_line(&mut self.commit.footer, line);
            self.index += 1;
            if found {
                break;
            }
        }
        true
    }

    fn parse_body_and_footer(&mut self, is_body: bool) -> bool {
        if !self.available() {
            return is_body;
        }
        let line = self.current();
        let references = parse_references(line, self.actions);
        let still_body = references.is_empty() && is_body;
        if still_body {
            append_line(&mut self.commit.body, line);
        } else {
            self.commit.references.extend(references);
            append_line(&mut self.commit.footer, line);
        }
        self.index += 1;
        still_body
    }

    fn parse_breaking_header(&mut self) {
        if !self.commit.notes.is_empty() {
            return;
        }
        let Some(header) = &self.commit.header else {
            return;
        };
        if let Some(parts) = match_header(header, true) {
            self.commit.notes.push(Note {
                title: "BREAKING CHANGE".to_owned(),
                text: parts.subject.to_owned(),
            });
        }
    }

    fn parse_revert(&mut self, input: &str) {
        let starts_with_revert = input
            .get(..6)
            .is_some_and(|start| start.eq_ignore_ascii_case("revert"));
        if !starts_with_revert {
            return;
        }
        if let Some(captures) = REVERT.captures(input) {
            let group = |i| {
                captures
                    .get(i)
                    .map(|m| m.as_str())
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
            };
            self.commit.revert = Some(Revert {
                header: group(1),
                hash: group(2),
            });
        }
    }

    fn cleanup(&mut self) {
        for field in [&mut self.commit.body, &mut self.commit.footer] {
            if let Some(text) = field.as_mut() {
                *text = trim_new_lines(text).to_owned();
            }
        }
        for note in &mut self.commit.notes {
            note.text = trim_new_lines(&note.text).to_owned();
        }
        let mut seen = std::collections::HashSet::new();
        self.commit.references.retain(|reference| {
            let action = reference.action.as_deref().unwrap_or("null");
            seen.insert(format!("{action} {}", reference.raw).to_lowercase())
        });
    }
}

/// The groups of the preset's header patterns.
#[derive(Debug, PartialEq, Eq)]
struct HeaderParts<'h> {
    type_: &'h str,
    scope: Option<&'h str>,
    subject: &'h str,
}

/// The preset's `headerPattern` `^(\w*)(?:\((.*)\))?!?: (.*)$`, or with `bang` its
/// `breakingHeaderPattern` (`!` required), matched by hand: a regex engine costs microseconds
/// per commit here. `\w` is ASCII and `.` stops at line terminators, as in JavaScript.
///
/// The type is the whole leading word (a shorter one would leave a word character where `(`,
/// `!` or `:` must be). The greedy scope ends at the rightmost `)` that the rest can follow.
fn match_header(header: &str, bang: bool) -> Option<HeaderParts<'_>> {
    let type_len = header
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    let (type_, rest) = header.split_at(type_len);
    if let Some(inside) = rest.strip_prefix('(') {
        // Only the text up to the first line terminator can be scope.
        let reach = inside.find(is_line_terminator).unwrap_or(inside.len());
        for (close, _) in inside[..reach].rmatch_indices(')') {
            if let Some(subject) = header_tail(&inside[close + 1..], bang) {
                return Some(HeaderParts {
                    type_,
                    scope: Some(&inside[..close]),
                    subject,
                });
            }
        }
    }
    header_tail(rest, bang).map(|subject| HeaderParts {
        type_,
        scope: None,
        subject,
    })
}

/// `!?: (.*)$` (`!: (.*)$` with `bang`): the subject, if the rest of the header has that shape.
fn header_tail(rest: &str, bang: bool) -> Option<&str> {
    let after_bang = match rest.strip_prefix('!') {
        Some(after) => after,
        None if bang => return None,
        None => rest,
    };
    let subject = after_bang.strip_prefix(": ")?;
    (!subject.contains(is_line_terminator)).then_some(subject)
}

/// JavaScript's `appendLine`: an empty accumulator is replaced, not joined.
fn append_line(target: &mut Option<String>, line: &str) {
    match target {
        Some(text) if !text.is_empty() => {
            text.push('\n');
            text.push_str(line);
        }
        _ => *target = Some(line.to_owned()),
    }
}

/// Strips leading and trailing `\r` / `\n` (not other whitespace).
pub(crate) fn trim_new_lines(input: &str) -> &str {
    input.trim_matches(|c| c == '\r' || c == '\n')
}

/// Splits on `\r?\n`.
pub(crate) fn split_lines(input: &str) -> Vec<&str> {
    input
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .collect()
}

fn is_gpg_line(line: &str) -> bool {
    line.trim_start().starts_with("gpg:")
}

fn is_js_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

/// `parseReferences`: split the line into sentences at action words (or take it whole when it has
/// none), then find every `repo#id` in each sentence.
fn parse_references(input: &str, actions: &[String]) -> Vec<Reference> {
    // Every reference has a `#`: most lines have none and need no further look.
    if !input.contains('#') {
        return Vec::new();
    }
    let mut references = Vec::new();
    let sentences = action_sentences(input, actions);
    let sentences = if sentences.is_empty() {
        whole_line_sentence(input)
    } else {
        sentences
    };
    for (action, sentence) in sentences {
        if URL.is_match(sentence) {
            continue;
        }
        let mut start = 0;
        while let Some((reference, end)) = reference_part(sentence, start, action) {
            references.push(reference);
            start = end;
        }
    }
    references
}

/// `/()(.+)/g`: the text up to the first line terminator, if not empty.
fn whole_line_sentence(input: &str) -> Vec<(Option<&str>, &str)> {
    let end = input.find(is_line_terminator).unwrap_or(input.len());
    if end == 0 {
        Vec::new()
    } else {
        vec![(None, &input[..end])]
    }
}

/// Finds an action word (case-insensitive, anywhere, in listed order) followed by whitespace.
fn action_at<'s>(input: &'s str, at: usize, actions: &[String]) -> Option<&'s str> {
    let rest = &input[at..];
    actions.iter().find_map(|action| {
        let word = rest.get(..action.len())?;
        if !word.eq_ignore_ascii_case(action) {
            return None;
        }
        rest[action.len()..]
            .chars()
            .next()
            .filter(|c| is_js_space(*c))
            .map(|_| word)
    })
}

fn starts_with_action(input: &str, at: usize, actions: &[String]) -> bool {
    let rest = &input[at..];
    actions.iter().any(|action| {
        rest.get(..action.len())
            .is_some_and(|word| word.eq_ignore_ascii_case(action))
    })
}

/// `(action)(?:\s+(.*?))(?=(?:action)|$)` with the global flag.
fn action_sentences<'s>(input: &'s str, actions: &[String]) -> Vec<(Option<&'s str>, &'s str)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < input.len() {
        let Some(word) = action_at(input, at, actions) else {
            at += input[at..].chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let mut cursor = at + word.len();
        while let Some(c) = input[cursor..].chars().next().filter(|c| is_js_space(*c)) {
            cursor += c.len_utf8();
        }
        let start = cursor;
        let mut end = None;
        let mut probe = start;
        loop {
            if probe == input.len() || starts_with_action(input, probe, actions) {
                end = Some(probe);
                break;
            }
            let Some(c) = input[probe..].chars().next() else {
                break;
            };
            if is_line_terminator(c) {
                break;
            }
            probe += c.len_utf8();
        }
        if let Some(end) = end {
            out.push((Some(word), &input[start..end]));
            at = end.max(at + 1);
        } else {
            at += word.len();
        }
    }
    out
}

/// One match of `(?:.*?)??\s*([\w-\.\/]*?)??(#)([\w-]+)(?=\s|$|[,;)\]])` from `start`.
///
/// The lazy prefix makes the match start at `start` and end at the first `#` whose id is followed
/// by a separator (an id that runs into another character can never match, since the id class is
/// greedy). The repository is the run of `[\w-./]` right before that `#`: the prefix stops as
/// early as it can, so the run reaches back over whitespace-free text to the previous whitespace
/// or non-run character, but never before `start`. Linear in the sentence's length.
fn reference_part(
    sentence: &str,
    start: usize,
    action: Option<&str>,
) -> Option<(Reference, usize)> {
    let is_repo_char = |c: char| is_word(c) || matches!(c, '-' | '.' | '/');
    // `.` in the prefix stops at a line terminator.
    let limit = sentence[start..]
        .find(is_line_terminator)
        .map_or(sentence.len(), |i| start + i);
    let mut search = start;
    let (hash_at, id_end) = loop {
        let hash_at = search + sentence[search..limit].find('#')?;
        let id_start = hash_at + 1;
        let id_len: usize = sentence[id_start..]
            .chars()
            .take_while(|c| is_word(*c) || *c == '-')
            .map(char::len_utf8)
            .sum();
        let id_end = id_start + id_len;
        let separator_ok = sentence[id_end..]
            .chars()
            .next()
            .is_none_or(|c| is_js_space(c) || matches!(c, ',' | ';' | ')' | ']'));
        if id_len > 0 && separator_ok {
            break (hash_at, id_end);
        }
        search = id_start;
    };
    let before = &sentence[start..hash_at];
    let repo_len: usize = before
        .chars()
        .rev()
        .take_while(|c| is_repo_char(*c))
        .map(char::len_utf8)
        .sum();
    let repository = &before[before.len() - repo_len..];
    let (owner, repository) = match repository.split_once('/') {
        Some((owner, repository)) => (Some(owner), repository),
        None => (None, repository),
    };
    let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    Some((
        Reference {
            action: action.map(str::to_owned),
            owner: owner.and_then(non_empty),
            repository: non_empty(repository),
            prefix: "#".to_owned(),
            issue: sentence[hash_at + 1..id_end].to_owned(),
            raw: sentence[start..id_end].to_owned(),
        },
        id_end,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(message: &str) -> ParsedCommit {
        parse(message, &ParserOptions::github()).expect("non-blank")
    }

    /// The hand-written header matcher agrees with the preset's patterns run by a regex engine.
    #[test]
    fn header_matcher_equals_the_regexes() {
        let header = Regex::new(
            r"^([A-Za-z0-9_]*)(?:\(([^\n\r\x{2028}\x{2029}]*)\))?!?: ([^\n\r\x{2028}\x{2029}]*)$",
        )
        .unwrap();
        let breaking = Regex::new(
            r"^([A-Za-z0-9_]*)(?:\(([^\n\r\x{2028}\x{2029}]*)\))?!: ([^\n\r\x{2028}\x{2029}]*)$",
        )
        .unwrap();
        let pieces = [
            "feat", "(", ")", "!", ":", " ", "a", "é", "\r", "_", "-", "x(y)",
        ];
        let mut state: u32 = 7;
        for _ in 0..20_000 {
            let mut text = String::new();
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let len = (state >> 16) % 9;
            for _ in 0..len {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                text.push_str(pieces[((state >> 16) as usize) % pieces.len()]);
            }
            for (regex, bang) in [(&header, false), (&breaking, true)] {
                let expected = regex.captures(&text).map(|c| HeaderParts {
                    type_: c.get(1).map_or("", |m| m.as_str()),
                    scope: c.get(2).map(|m| m.as_str()),
                    subject: c.get(3).map_or("", |m| m.as_str()),
                });
                assert_eq!(match_header(&text, bang), expected, "{text:?}");
            }
        }
    }

    #[test]
    fn header_parts() {
        let commit = p("feat(api): add thing");
        assert_eq!(commit.type_.as_deref(), Some("feat"));
        assert_eq!(commit.scope.as_deref(), Some("api"));
        assert_eq!(commit.subject.as_deref(), Some("add thing"));
        assert!(!commit.is_breaking());
    }

    #[test]
    fn non_conventional_headers_have_no_type() {
        for message in [
            "feat:no-space",
            "feature add",
            "Merge branch 'x'",
            "my-type: x",
        ] {
            assert_eq!(p(message).type_, None, "{message}");
        }
        assert_eq!(p("Feat: x").type_.as_deref(), Some("Feat"));
        assert_eq!(p("FEAT: x").type_.as_deref(), Some("FEAT"));
    }

    #[test]
    fn bang_is_a_breaking_note() {
        let commit = p("chore(deps)!: drop node 14");
        assert_eq!(commit.notes[0].text, "drop node 14");
        assert_eq!(commit.scope.as_deref(), Some("deps"));
    }

    #[test]
    fn footer_note_any_case_any_line() {
        let commit = p("fix: x\n\nsome body\nbreaking-change: gone\nmore");
        assert_eq!(commit.notes.len(), 1);
        assert_eq!(commit.notes[0].text, "gone\nmore");
        assert_eq!(commit.body.as_deref(), Some("some body"));
        let commit = p("docs: x\n\n  * BREAKING CHANGE old");
        assert_eq!(commit.notes[0].text, "old");
        assert!(p("fix: x\n\nBREAKING CHANGES: no").notes.is_empty());
    }

    #[test]
    fn references_in_footer_and_header() {
        let commit = p("fix: crash (#3)\n\nbody\n\nCloses #12, fixes o/r#13\nRefs #14.");
        let issues: Vec<_> = commit
            .references
            .iter()
            .map(|r| {
                (
                    r.action.clone(),
                    r.owner.clone(),
                    r.repository.clone(),
                    r.issue.clone(),
                )
            })
            .collect();
        assert_eq!(
            issues,
            vec![
                (None, None, None, "3".to_owned()),
                (Some("Closes".to_owned()), None, None, "12".to_owned()),
                (
                    Some("fixes".to_owned()),
                    Some("o".to_owned()),
                    Some("r".to_owned()),
                    "13".to_owned()
                ),
            ]
        );
        assert_eq!(commit.body.as_deref(), Some("body"));
    }

    #[test]
    fn revert_detection() {
        let commit = p("Revert \"feat: zeta\"\n\nThis reverts commit abc123.\n");
        let revert = commit.revert.expect("revert");
        assert_eq!(revert.header.as_deref(), Some("feat: zeta"));
        assert_eq!(revert.hash.as_deref(), Some("abc123"));
        assert_eq!(commit.type_, None);
        let commit = p("revert: feat: zeta\n\nThis reverts commit abc123.");
        assert_eq!(
            commit.revert.and_then(|r| r.header).as_deref(),
            Some("feat: zeta")
        );
        assert!(p("revert: feat: zeta").revert.is_none());
    }

    #[test]
    fn blank_is_none_and_nothing_panics() {
        assert!(parse(" \n\n", &ParserOptions::default()).is_none());
        for message in [
            "\u{2028}x",
            "#",
            "closes",
            "closes #",
            "a#b#c",
            "feat(: x",
            "é#1 ü",
            "-x-\nBREAKING CHANGE: y",
            "\r\r\n\r",
            "fix: a\r\n\r\nBREAKING CHANGE:\r\nnext",
            "gpg: sig\nfeat: x",
        ] {
            let _ = parse(message, &ParserOptions::default());
        }
        assert_eq!(p("gpg: sig\nfeat: x").type_.as_deref(), Some("feat"));
        assert!(p("fix: a\n\n-x-\nBREAKING CHANGE: y").notes.is_empty());
    }
}
