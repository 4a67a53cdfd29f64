//! Commit message lint: commitlint with `@commitlint/config-conventional`, same rules, same levels,
//! same default ignores.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use gate_core::{Finding, Rule, Verdict};
use regex::Regex;
use serde::Serialize;

use crate::ReleaseError;
use crate::commit::{ParsedCommit, ParserOptions, parse, split_lines};
use crate::history::Commit;

/// The rule every lint finding carries; the commitlint rule name is in the message and in the
/// `commitlint_rule` detail.
pub static COMMIT_FORMAT: Rule = Rule {
    id: "release/commit-format",
    summary: "Commit messages follow Conventional Commits (commitlint config-conventional).",
    help: "Reword the message as `type(scope): subject` with a lower-case type from the allowed \
           list, a subject that does not start with a capital or end with a period, a header of \
           at most 100 characters, and a blank line before the body and the footer. For a commit \
           already on the branch, reword it with `git rebase -i`, or waive the finding with a \
           [[waiver]] whose target is the short sha.",
};

/// How serious a violation is, as commitlint's rule levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Level 1: reported, does not fail.
    Warning,
    /// Level 2: fails the lint.
    Error,
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// The commitlint rule name (`subject-case`).
    pub rule: &'static str,
    /// Its level.
    pub level: Level,
    /// commitlint's message for it.
    pub message: String,
}

/// The lint configuration: config-conventional's values by default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintConfig {
    /// `type-enum`: the allowed types.
    pub types: Vec<String>,
    /// `scope-enum`: the allowed scopes; empty allows any (config-conventional has no
    /// scope-enum).
    pub scopes: Vec<String>,
    /// `header-max-length`.
    pub header_max_length: usize,
    /// `body-max-line-length`.
    pub body_max_line_length: usize,
    /// `footer-max-line-length`.
    pub footer_max_line_length: usize,
    /// commitlint's default ignores (merges, reverts, `fixup!`, version-only subjects…).
    pub default_ignores: bool,
    /// Comment character of a `commit-msg` hook's message file (`#`); `None` for commit messages
    /// read from history and PR titles.
    pub comment_char: Option<char>,
    /// Per-rule level overrides (`None` turns the rule off); set them with
    /// [`LintConfig::set_level`], which rejects names that are not rules.
    pub levels: BTreeMap<&'static str, Option<Level>>,
}

/// The rules `lint_message` checks, in commitlint's order.
pub const LINT_RULES: &[&str] = &[
    "body-leading-blank",
    "body-max-line-length",
    "footer-leading-blank",
    "footer-max-line-length",
    "header-max-length",
    "header-trim",
    "scope-enum",
    "subject-case",
    "subject-empty",
    "subject-full-stop",
    "type-case",
    "type-empty",
    "type-enum",
];

impl LintConfig {
    /// Changes a rule's level, or turns it off with `None` (commitlint's level 0).
    pub fn set_level(&mut self, rule: &str, level: Option<Level>) -> Result<(), ReleaseError> {
        let name = LINT_RULES
            .iter()
            .find(|name| **name == rule)
            .ok_or_else(|| ReleaseError::UnknownLintRule {
                rule: rule.to_owned(),
            })?;
        self.levels.insert(name, level);
        Ok(())
    }
}

impl Default for LintConfig {
    fn default() -> LintConfig {
        LintConfig {
            types: [
                "build", "chore", "ci", "docs", "feat", "fix", "perf", "refactor", "revert",
                "style", "test",
            ]
            .into_iter()
            .map(str::to_owned)
            .collect(),
            scopes: Vec::new(),
            header_max_length: 100,
            body_max_line_length: 100,
            footer_max_line_length: 100,
            default_ignores: true,
            comment_char: None,
            levels: BTreeMap::new(),
        }
    }
}

/// The lint verdict for one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LintOutcome {
    /// Matched one of commitlint's default ignores: not checked.
    pub ignored: bool,
    /// What is wrong, in commitlint's rule order.
    pub violations: Vec<Violation>,
}

impl LintOutcome {
    /// No error-level violation (warnings allowed), as commitlint's `valid`.
    pub fn valid(&self) -> bool {
        self.violations.iter().all(|v| v.level != Level::Error)
    }
}

macro_rules! lazy_regex {
    ($name:ident, $pattern:expr) => {
        static $name: LazyLock<Regex> =
            LazyLock::new(|| Regex::new($pattern).expect("static regex"));
    };
}

// `@commitlint/is-ignored` defaults; `.` written as `[^\n\r]` because JavaScript's dot stops at
// `\r` too.
lazy_regex!(
    IGNORE_MERGE,
    r"(?mR)^((Merge pull request)|(Merge ([^\n\r]*?) into ([^\n\r]*?)|(Merge branch ([^\n\r]*?)))(?:\r?\n)*$)"
);
lazy_regex!(
    IGNORE_MERGE_TAG,
    r"(?mR)^(Merge tag ([^\n\r]*?))(?:\r?\n)*$"
);
lazy_regex!(IGNORE_REVERT, r"^(R|r)evert ");
lazy_regex!(IGNORE_REAPPLY, r"^(R|r)eapply ");
lazy_regex!(IGNORE_AUTOSQUASH, r"^(amend|fixup|squash)!");
lazy_regex!(
    IGNORE_MERGED,
    r"^(Merged ([^\n\r]*?)(in|into) ([^\n\r]*)|Merged PR ([^\n\r]*): ([^\n\r]*))"
);
lazy_regex!(IGNORE_REMOTE_TRACKING, r"^Merge remote-tracking branch");
lazy_regex!(IGNORE_AUTOMATIC, r"^Automatic merge");
lazy_regex!(IGNORE_AUTO_MERGED, r"^Auto-merged ([^\n\r]*?) into ");
lazy_regex!(SEMVER_CHORE, r"^chore(\([^)]+\))?:");
lazy_regex!(SEMVER_SKIP_BRACKET, r"(?i)\[(skip|ci)(-|\s)(ci|skip)\]");
lazy_regex!(SEMVER_SKIP_PAREN, r"(?i)\((skip|ci)(-|\s)(ci|skip)\)");
lazy_regex!(QUOTED, r#"`[^\n\r]*?`|"[^\n\r]*?"|'[^\n\r]*?'"#);
lazy_regex!(URL_IN_LINE, r"\bhttps?://\S+");

/// Whether commitlint's default ignores skip this message.
pub fn is_ignored(message: &str) -> bool {
    [
        &*IGNORE_MERGE,
        &*IGNORE_MERGE_TAG,
        &*IGNORE_REVERT,
        &*IGNORE_REAPPLY,
        &*IGNORE_AUTOSQUASH,
        &*IGNORE_MERGED,
        &*IGNORE_REMOTE_TRACKING,
        &*IGNORE_AUTOMATIC,
        &*IGNORE_AUTO_MERGED,
    ]
    .iter()
    .any(|regex| regex.is_match(message))
        || is_version_only(message)
}

/// `isSemver`: the first line, minus a `chore(…):` prefix and `[skip ci]` markers, is a version.
fn is_version_only(message: &str) -> bool {
    let first = message.split('\n').next().unwrap_or("");
    let stripped = SEMVER_CHORE.replace(first, "");
    let stripped = SEMVER_SKIP_BRACKET.replace(&stripped, "");
    let stripped = SEMVER_SKIP_PAREN.replace(&stripped, "");
    let stripped = stripped.trim();
    let stripped = stripped.strip_prefix('v').unwrap_or(stripped);
    stripped.len() <= 256 && semver::Version::parse(stripped).is_ok()
}

/// JavaScript string length: UTF-16 code units.
fn js_len(text: &str) -> usize {
    text.encode_utf16().count()
}

fn js_is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// Lints one message the way `commitlint` with config-conventional does.
///
/// A blank message fails `type-empty` and `subject-empty` (commitlint passes `""` and throws on
/// whitespace; a blank PR title or hook message should not pass).
pub fn lint_message(message: &str, config: &LintConfig) -> LintOutcome {
    if config.default_ignores && is_ignored(message) {
        return LintOutcome {
            ignored: true,
            violations: Vec::new(),
        };
    }
    let options = ParserOptions {
        fields: false,
        comment_char: config.comment_char,
        ..ParserOptions::github()
    };
    let Some(parsed) = parse(message, &options) else {
        return LintOutcome {
            ignored: false,
            violations: vec![
                violation(
                    "subject-empty",
                    Level::Error,
                    "subject may not be empty".to_owned(),
                ),
                violation(
                    "type-empty",
                    Level::Error,
                    "type may not be empty".to_owned(),
                ),
            ],
        };
    };
    let mut violations = Vec::new();
    body_and_footer_rules(&parsed, message, config, &mut violations);
    header_rules(&parsed, config, &mut violations);
    let violations = violations
        .into_iter()
        .filter_map(|mut violation| match config.levels.get(violation.rule) {
            None => Some(violation),
            Some(None) => None,
            Some(Some(level)) => {
                violation.level = *level;
                Some(violation)
            }
        })
        .collect();
    LintOutcome {
        ignored: false,
        violations,
    }
}

fn body_and_footer_rules(
    parsed: &ParsedCommit,
    message: &str,
    config: &LintConfig,
    violations: &mut Vec<Violation>,
) {
    let mut check = |rule: &'static str, level: Level, ok: bool, message: String| {
        if !ok {
            violations.push(violation(rule, level, message));
        }
    };
    check(
        "body-leading-blank",
        Level::Warning,
        body_leading_blank(parsed, message),
        "body must have leading blank line".to_owned(),
    );
    check(
        "body-max-line-length",
        Level::Error,
        max_line_length(parsed.body.as_deref(), config.body_max_line_length),
        format!(
            "body's lines must not be longer than {} characters",
            config.body_max_line_length
        ),
    );
    check(
        "footer-leading-blank",
        Level::Warning,
        footer_leading_blank(parsed, message),
        "footer must have leading blank line".to_owned(),
    );
    check(
        "footer-max-line-length",
        Level::Error,
        max_line_length(parsed.footer.as_deref(), config.footer_max_line_length),
        format!(
            "footer's lines must not be longer than {} characters",
            config.footer_max_line_length
        ),
    );
}

fn header_rules(parsed: &ParsedCommit, config: &LintConfig, violations: &mut Vec<Violation>) {
    let mut check = |rule: &'static str, level: Level, ok: bool, message: String| {
        if !ok {
            violations.push(violation(rule, level, message));
        }
    };
    let header_len = parsed.header.as_deref().map_or(0, js_len);
    check(
        "header-max-length",
        Level::Error,
        parsed.header.is_some() && header_len <= config.header_max_length,
        format!(
            "header must not be longer than {} characters, current length is {header_len}",
            config.header_max_length
        ),
    );
    if let Some(message) = header_trim(parsed.header.as_deref()) {
        check("header-trim", Level::Error, false, message.to_owned());
    }
    // commitlint splits a scope on `/`, a backslash and `,` and wants every part listed.
    let scope_ok = config.scopes.is_empty()
        || parsed.scope.as_deref().is_none_or(|scope| {
            scope
                .split(['/', '\\', ','])
                .map(|part| part.strip_prefix(' ').unwrap_or(part))
                .all(|part| config.scopes.iter().any(|allowed| allowed == part))
        });
    check(
        "scope-enum",
        Level::Error,
        scope_ok,
        format!("scope must be one of [{}]", config.scopes.join(", ")),
    );
    check(
        "subject-case",
        Level::Error,
        subject_case_ok(parsed.subject.as_deref()),
        "subject must not be sentence-case, start-case, pascal-case, upper-case".to_owned(),
    );
    check(
        "subject-empty",
        Level::Error,
        parsed.subject.as_deref().is_some_and(|s| !s.is_empty()),
        "subject may not be empty".to_owned(),
    );
    check(
        "subject-full-stop",
        Level::Error,
        subject_full_stop_ok(parsed.header.as_deref()),
        "subject may not end with full stop".to_owned(),
    );
    let type_ = parsed.type_.as_deref().filter(|t| !t.is_empty());
    check(
        "type-case",
        Level::Error,
        type_.is_none_or(|t| t.to_lowercase() == t),
        "type must be lower-case".to_owned(),
    );
    check(
        "type-empty",
        Level::Error,
        type_.is_some(),
        "type may not be empty".to_owned(),
    );
    check(
        "type-enum",
        Level::Error,
        type_.is_none_or(|t| config.types.iter().any(|allowed| allowed == t)),
        format!("type must be one of [{}]", config.types.join(", ")),
    );
}

fn violation(rule: &'static str, level: Level, message: String) -> Violation {
    Violation {
        rule,
        level,
        message,
    }
}

fn max_line_length(text: Option<&str>, max: usize) -> bool {
    text.is_none_or(|text| {
        split_lines(text)
            .iter()
            .all(|line| URL_IN_LINE.is_match(line) || js_len(line) <= max)
    })
}

/// The second raw line is empty whenever there is a body.
fn body_leading_blank(parsed: &ParsedCommit, raw: &str) -> bool {
    if parsed.body.as_deref().is_none_or(str::is_empty) {
        return true;
    }
    split_lines(raw).get(1).is_none_or(|line| line.is_empty())
}

/// The raw line before the footer's first line (its first occurrence in the message) is empty.
fn footer_leading_blank(parsed: &ParsedCommit, raw: &str) -> bool {
    let Some(footer) = parsed.footer.as_deref().filter(|f| !f.is_empty()) else {
        return true;
    };
    let raw_lines = split_lines(raw);
    let first = split_lines(footer).first().copied().unwrap_or("");
    // `rawLines.slice(offset - 1)[0]`: a negative start counts from the end.
    let leading = match raw_lines.iter().position(|line| *line == first) {
        Some(0) => raw_lines.last(),
        Some(offset) => raw_lines.get(offset - 1),
        None => raw_lines
            .len()
            .checked_sub(2)
            .and_then(|i| raw_lines.get(i)),
    };
    leading.is_some_and(|line| line.is_empty())
}

fn header_trim(header: Option<&str>) -> Option<&'static str> {
    let header = header.filter(|h| !h.is_empty())?;
    let starts = header.starts_with(js_is_space);
    let ends = header.ends_with(js_is_space);
    match (starts, ends) {
        (true, true) => Some("header must not be surrounded by whitespace"),
        (true, false) => Some("header must not start with whitespace"),
        (false, true) => Some("header must not end with whitespace"),
        (false, false) => None,
    }
}

/// `subject-case: never [sentence-case, start-case, pascal-case, upper-case]`.
///
/// Subjects that do not start with a cased letter are not checked. For one that does, quoted
/// parts are dropped first; the result is sentence-case (hence a failure) exactly when its first
/// character is its own upper case, and none of the other three cases can hold for a subject
/// starting with a lower-case letter.
fn subject_case_ok(subject: Option<&str>) -> bool {
    let Some(subject) = subject else {
        return true;
    };
    let Some(first) = subject.chars().next() else {
        return true;
    };
    let cased = first.is_lowercase() || first.is_uppercase();
    if !cased {
        return true;
    }
    let input = QUOTED.replace_all(subject, "");
    let input = input.trim_matches(js_is_space);
    let Some(first) = input.chars().next() else {
        // An empty transform counts as "is that case": a failure under `never`.
        return false;
    };
    if first.is_ascii_digit() {
        return false;
    }
    let upper: String = first.to_uppercase().collect();
    upper != first.to_string()
}

/// `subject-full-stop: never "."`, read on the header as commitlint does.
fn subject_full_stop_ok(header: Option<&str>) -> bool {
    let Some(header) = header else {
        return true;
    };
    let colon = header.find(':').unwrap_or(0);
    if colon > 0 && colon == header.len() - 1 {
        return true;
    }
    !header.ends_with('.') || header.ends_with("...")
}

/// One finding per violation, `target` naming the commit (short sha) or `message`.
pub fn lint_findings(target: &str, message: &str, config: &LintConfig) -> Vec<Finding> {
    let header = message
        .trim_start_matches(['\r', '\n'])
        .lines()
        .next()
        .unwrap_or("");
    lint_message(message, config)
        .violations
        .into_iter()
        .map(|violation| {
            let verdict = match violation.level {
                Level::Error => Verdict::Fail,
                Level::Warning => Verdict::Warn,
            };
            Finding::new(
                &COMMIT_FORMAT,
                verdict,
                format!("{target}: {}: {}", violation.rule, violation.message),
            )
            .with_target(target)
            .with_detail("commitlint_rule", violation.rule)
            .with_detail("header", header)
        })
        .collect()
}

/// Lints commits (a PR range), one finding per problem, targets being short shas.
pub fn lint_commits<'c>(
    commits: impl IntoIterator<Item = &'c Commit>,
    config: &LintConfig,
) -> Vec<Finding> {
    commits
        .into_iter()
        .flat_map(|commit| lint_findings(commit.short_sha(), &commit.message, config))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(message: &str) -> Vec<&'static str> {
        lint_message(message, &LintConfig::default())
            .violations
            .into_iter()
            .map(|v| v.rule)
            .collect()
    }

    #[test]
    fn config_conventional_rules() {
        assert!(rules("feat(api): add a thing").is_empty());
        assert_eq!(rules("Feat: add"), vec!["type-case", "type-enum"]);
        assert_eq!(rules("feature: add"), vec!["type-enum"]);
        let scoped = LintConfig {
            scopes: vec!["api".to_owned(), "cli".to_owned()],
            ..LintConfig::default()
        };
        let scope_rules = |message: &str| -> Vec<&str> {
            lint_message(message, &scoped)
                .violations
                .iter()
                .map(|v| v.rule)
                .collect()
        };
        assert_eq!(scope_rules("fix(api): a"), Vec::<&str>::new());
        assert_eq!(scope_rules("fix(api/cli): a"), Vec::<&str>::new());
        assert_eq!(scope_rules("fix(api, cli): a"), Vec::<&str>::new());
        assert_eq!(scope_rules("fix: a"), Vec::<&str>::new());
        assert_eq!(scope_rules("fix(web): a"), vec!["scope-enum"]);
        assert_eq!(rules("feat:no-space"), vec!["subject-empty", "type-empty"]);
        assert_eq!(rules("feat: Add thing"), vec!["subject-case"]);
        assert_eq!(rules("feat: add thing."), vec!["subject-full-stop"]);
        assert!(rules("feat: add thing...").is_empty());
        assert_eq!(
            rules(" feat: add"),
            vec!["header-trim", "subject-empty", "type-empty"]
        );
        assert_eq!(
            rules(&format!("feat: {}", "a".repeat(100))),
            vec!["header-max-length"]
        );
        assert_eq!(rules("feat: add\nbody"), vec!["body-leading-blank"]);
        assert_eq!(
            rules("feat: add\n\nbody\nCloses #1"),
            vec!["footer-leading-blank"]
        );
        assert!(rules("feat: add\n\nbody\n\nCloses #1").is_empty());
        assert!(
            rules(&format!(
                "feat: add\n\nsee https://x.org/{}",
                "a".repeat(120)
            ))
            .is_empty()
        );
        assert_eq!(
            rules(&format!("feat: add\n\n{}", "a".repeat(101))),
            vec!["body-max-line-length"]
        );
        assert!(rules("feat: `Foo` and bar").is_empty());
    }

    #[test]
    fn default_ignores() {
        for message in [
            "Merge branch 'main' into x",
            "Merge branch 'x'",
            "Revert \"feat: a\"",
            "fixup! feat: a",
            "1.2.3",
            "chore(release): 1.2.3 [skip ci]",
            "Automatic merge from x",
            // The alternation binds loosely: any message starting with this is ignored.
            "Merge pull request #1 from o/b",
        ] {
            assert!(
                lint_message(message, &LintConfig::default()).ignored,
                "{message}"
            );
        }
        assert!(!lint_message("Merge the two parsers", &LintConfig::default()).ignored);
    }

    #[test]
    fn levels_can_be_changed_or_turned_off() {
        let mut config = LintConfig::default();
        config.set_level("subject-case", None).unwrap();
        config.set_level("type-enum", Some(Level::Warning)).unwrap();
        assert!(config.set_level("subject-kase", None).is_err());
        let outcome = lint_message("feature: Add", &config);
        assert_eq!(outcome.violations.len(), 1);
        assert_eq!(outcome.violations[0].level, Level::Warning);
        assert!(outcome.valid());
    }

    #[test]
    fn findings_name_target_and_rule() {
        let findings = lint_findings("abc1234", "Feat: x", &LintConfig::default());
        assert_eq!(findings.len(), 2);
        assert_eq!(
            findings[0].message,
            "abc1234: type-case: type must be lower-case"
        );
        assert_eq!(findings[0].target.as_deref(), Some("abc1234"));
        assert_eq!(findings[0].verdict, Verdict::Fail);
        assert!(lint_findings("message", "", &LintConfig::default()).len() == 2);
    }
}
