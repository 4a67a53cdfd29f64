//! Property tests: commit message parsing and linting, and the reading of `git log` output,
//! return a value or an error for any input (arbitrary bytes, or real messages mutated), never
//! panic, and finish within a bounded time; a history read then goes through the release plan
//! and notes, as in `gate release`. `PROPTEST_CASES` raises the number of cases.

#[path = "../../../tests/support/properties.rs"]
mod support;

use gate_core::Date;
use gate_release::commit::{ParserOptions, parse};
use gate_release::git_log::parse_log;
use gate_release::{
    Config, LintConfig, NotesOptions, TagFormat, lint_findings, lint_message, past_releases, plan,
    render_notes, render_past_release,
};
use proptest::prelude::*;
use support::{bounded, bytes, config, lossy, mutated, text, timed};

/// Messages from `tests/fixtures/lint-messages.json` and the scenarios' histories.
const MESSAGES: &[&[u8]] = &[
    b"feat(api)!: remove v1\n\nBREAKING CHANGE: the v1 endpoints are gone\nRefs: #12, #13\n",
    b"fix: crash on #7 reported by @alice\n\nCloses #12\nReviewed-by: Z\n",
    b"Revert \"feat: add search\"\n\nThis reverts commit 2d27392882c1ce0b8f5f8831650621c5e4d60dc1.\n",
    b"Merge pull request #3 from o/feature\n\nfeat(scope): add thing\n",
    b"feat: ends with a period.\n# Please enter the commit message\n# comment\n",
    b"chore(release): 1.2.0 [skip ci]\n\nRelease-As: 2.0.0\n",
    b"fixup! feat: add search\n",
];

/// A `git log` output in the format `log_args` asks for: a tagged release and commits since.
const LOGS: &[&[u8]] = &[b"aaaa\x1fbbbb\x1fHEAD -> main\x1f1700000300\x1f\
feat(api)!: remove v1\n\nBREAKING CHANGE: gone\n\0\n\
bbbb\x1fcccc dddd\x1f\x1f1700000200\x1fMerge branch 'x'\n\0\n\
cccc\x1fdddd\x1ftag: v1.0.0, tag: v1.0.0-beta.1\x1f1700000100\x1ffix: crash on #7\n\nCloses #12\n\0\n\
dddd\x1f\x1ftag: v0.9.0\x1f1700000000\x1ffeat: first\n\0"];

/// The syntax of commit messages and of the log format, spliced into text and fixtures.
const TOKENS: &[&str] = &[
    "feat",
    "fix",
    "perf",
    "revert",
    "Revert ",
    "\"",
    "(",
    ")",
    "!",
    ": ",
    ":",
    "\n\n",
    "BREAKING CHANGE: ",
    "BREAKING-CHANGE: ",
    "Closes #",
    "#",
    "@",
    "Refs: ",
    "Release-As: ",
    "This reverts commit ",
    ".",
    "Merge pull request #",
    "Merge branch '",
    "fixup! ",
    "squash! ",
    "# ",
    "\x1f",
    "\0",
    "tag: v",
    "tag: ",
    ", ",
    "HEAD -> ",
    "v1.0.0",
    "v0.0.0-rc.1",
    "99999999999999999999",
    "-",
    "+",
    "1.x",
    " ",
    "\t",
    "\r\n",
    "\u{feff}",
    "\u{200b}",
    "\u{1F600}",
    "é",
    "İ",
];

fn message_every_way(message: &str) -> Result<(), TestCaseError> {
    for options in [ParserOptions::github(), ParserOptions::other_host()] {
        bounded("parse", || parse(message, &options))?;
    }
    let hook = LintConfig {
        comment_char: Some('#'),
        ..LintConfig::default()
    };
    for lint in [LintConfig::default(), hook] {
        bounded("lint", || lint_message(message, &lint))?;
        bounded("lint findings", || lint_findings("HEAD", message, &lint))?;
    }
    bounded("tag format", || TagFormat::parse(message))
}

fn log_every_way(output: &[u8]) -> Result<(), TestCaseError> {
    let read = timed("git log", || parse_log(output))?;
    let Ok(read) = read else {
        return Ok(());
    };
    let history = read.history;
    let config = Config::default();
    let options = NotesOptions::new(
        Date::new(2026, 1, 2).expect("a date"),
        Some("https://github.com/o/r.git"),
    );
    bounded("plan and notes", || {
        let plan = plan(&history, &config);
        let notes = plan
            .as_ref()
            .ok()
            .and_then(|plan| render_notes(plan, &options));
        let past: Vec<String> = past_releases(&history, &config)
            .iter()
            .map(|release| render_past_release(release, &options))
            .collect();
        (notes, past)
    })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn messages_take_arbitrary_input(raw in bytes(), made in text(TOKENS)) {
        message_every_way(&lossy(&raw))?;
        message_every_way(&made)?;
    }

    #[test]
    fn messages_take_mutated_fixtures((_, input) in mutated(MESSAGES, TOKENS)) {
        message_every_way(&lossy(&input))?;
    }

    #[test]
    fn logs_take_arbitrary_input(raw in bytes(), made in text(TOKENS)) {
        log_every_way(&raw)?;
        log_every_way(made.as_bytes())?;
    }

    #[test]
    fn logs_take_mutated_fixtures((_, input) in mutated(LOGS, TOKENS)) {
        log_every_way(&input)?;
    }
}
