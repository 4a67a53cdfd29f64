//! gate-release against semantic-release 24 and commitlint 20, on recorded and scripted histories.
//!
//! `tests/fixtures/semantic-release/*.json` and `tests/fixtures/commitlint.json` were recorded by
//! `tests/fixtures/record.sh` from the real tools; the scripted histories below pin the same
//! behaviour in code with exact strings and snapshots.

use std::fs;
use std::path::Path;

use gate_core::{Date, Verdict};
use gate_release::{
    Branch, Commit, Config, History, LintConfig, NotesOptions, ReleaseError, ReleaseRule,
    ReleaseType, TagFormat, gate_report, lint_commits, lint_message, plan, prepend_changelog,
    render_notes,
};
use serde_json::Value;

const URL: &str = "https://github.com/o/r.git";

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}

fn history_from_json(commits: &Value) -> History {
    let commits = commits
        .as_array()
        .expect("commits")
        .iter()
        .map(|c| {
            let strings = |key: &str| -> Vec<String> {
                c[key]
                    .as_array()
                    .expect(key)
                    .iter()
                    .map(|v| v.as_str().expect("string").to_owned())
                    .collect()
            };
            let mut commit = Commit::new(
                c["sha"].as_str().expect("sha"),
                strings("parents"),
                c["message"].as_str().expect("message"),
            );
            commit.tags = strings("tags");
            commit
        })
        .collect();
    History::new(commits)
}

#[test]
fn semantic_release_recordings() {
    let dir = fixtures().join("semantic-release");
    let mut checked = 0;
    let mut entries: Vec<_> = fs::read_dir(&dir).expect("fixtures").flatten().collect();
    entries.sort_by_key(std::fs::DirEntry::path);
    for entry in entries {
        let text = fs::read_to_string(entry.path()).expect("read");
        let recorded: Value = serde_json::from_str(&text).expect("json");
        let name = recorded["name"].as_str().expect("name");
        let history = history_from_json(&recorded["commits"]);
        let config = Config {
            branch: Branch::from_default_config(recorded["branch"].as_str().expect("branch")),
            tag_format: TagFormat::parse(recorded["tagFormat"].as_str().expect("tagFormat"))
                .expect("format"),
            ..Config::default()
        };
        let result = &recorded["result"];
        let outcome = plan(&history, &config);
        if let Some(errors) = result.get("error") {
            let expected = errors[0]["message"].as_str().expect("message");
            let error = outcome.expect_err(name);
            assert!(matches!(error, ReleaseError::OutOfRange { .. }), "{name}");
            assert!(
                error.to_string().starts_with(expected),
                "{name}: {error} does not start with {expected}"
            );
        } else if result.get("noRelease").is_some() {
            assert_eq!(outcome.expect(name).next, None, "{name}");
        } else {
            let plan = outcome.expect(name);
            let next = plan.next.as_ref().expect(name);
            assert_eq!(next.version.to_string(), result["version"], "{name}");
            assert_eq!(next.tag, result["tag"], "{name}");
            assert_eq!(next.release_type.as_str(), result["type"], "{name}");
            assert_eq!(
                next.channel.as_deref(),
                result["channel"].as_str(),
                "{name}"
            );
            assert_eq!(
                plan.last_release.as_ref().map(|t| t.tag.as_str()),
                result["lastRelease"].as_str(),
                "{name}"
            );
            let date: Date = result["date"]
                .as_str()
                .expect("date")
                .parse()
                .expect("date");
            let options = NotesOptions::new(date, recorded["repositoryUrl"].as_str());
            let notes = render_notes(&plan, &options).expect(name);
            assert_eq!(notes, result["notes"].as_str().expect("notes"), "{name}");
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} recordings");
}

#[test]
fn commitlint_recordings() {
    let text = fs::read_to_string(fixtures().join("commitlint.json")).expect("read");
    let recorded: Vec<Value> = serde_json::from_str(&text).expect("json");
    assert!(recorded.len() >= 30);
    for case in &recorded {
        let message = case["message"].as_str().expect("message");
        let outcome = lint_message(message, &LintConfig::default());
        let names = |level: gate_release::Level| -> Vec<&str> {
            outcome
                .violations
                .iter()
                .filter(|v| v.level == level)
                .map(|v| v.rule)
                .collect()
        };
        let expected = |key: &str| -> Vec<&str> {
            case[key]
                .as_array()
                .expect(key)
                .iter()
                .map(|v| v.as_str().expect("name"))
                .collect()
        };
        assert_eq!(
            names(gate_release::Level::Error),
            expected("errors"),
            "{message:?}"
        );
        assert_eq!(
            names(gate_release::Level::Warning),
            expected("warnings"),
            "{message:?}"
        );
        assert_eq!(outcome.valid(), case["valid"], "{message:?}");
    }
}

/// Builds a linear history from oldest to newest: `(message, tags)`; shas are `c000…`, `c001…`.
fn linear(commits: &[(&str, &[&str])]) -> History {
    let sha = |i: usize| format!("{i:04}{}", "0".repeat(36));
    let mut out: Vec<Commit> = commits
        .iter()
        .enumerate()
        .map(|(i, (message, tags))| {
            let parents = if i == 0 { vec![] } else { vec![sha(i - 1)] };
            let mut commit = Commit::new(sha(i), parents, *message);
            commit.tags = tags.iter().map(|t| (*t).to_owned()).collect();
            commit
        })
        .collect();
    out.reverse();
    History::new(out)
}

fn date() -> Date {
    Date::new(2026, 11, 28).expect("date")
}

fn notes_for(history: &History, config: &Config) -> Option<String> {
    let plan = plan(history, config).expect("plan");
    render_notes(&plan, &NotesOptions::new(date(), Some(URL)))
}

fn next_version(history: &History, config: &Config) -> Option<String> {
    plan(history, config)
        .expect("plan")
        .next
        .map(|n| n.version.to_string())
}

#[test]
fn fix_and_perf_only_is_a_patch_with_exact_notes() {
    let history = linear(&[
        ("chore: init", &["v1.0.0"]),
        ("fix(parser): handle empty input", &[]),
        ("perf: cache the index", &[]),
        ("docs: explain the cache", &[]),
    ]);
    assert_eq!(
        notes_for(&history, &Config::default()).expect("release"),
        "## [1.0.1](https://github.com/o/r/compare/v1.0.0...v1.0.1) (2026-11-28)\n\
         \n\
         ### Bug Fixes\n\
         \n\
         * **parser:** handle empty input ([0001000](https://github.com/o/r/commit/0001000000000000000000000000000000000000))\n\
         \n\
         ### Performance Improvements\n\
         \n\
         * cache the index ([0002000](https://github.com/o/r/commit/0002000000000000000000000000000000000000))\n"
    );
}

#[test]
fn feat_breaking_and_nothing() {
    let base = [("chore: init", &["v1.2.0"][..])];
    let with = |message: &'static str| {
        let mut commits = base.to_vec();
        commits.push((message, &[]));
        linear(&commits)
    };
    let config = Config::default();
    assert_eq!(
        next_version(&with("feat: a"), &config).as_deref(),
        Some("1.3.0")
    );
    assert_eq!(
        next_version(&with("feat!: a"), &config).as_deref(),
        Some("2.0.0")
    );
    assert_eq!(
        next_version(&with("ci!: a"), &config).as_deref(),
        Some("2.0.0")
    );
    assert_eq!(
        next_version(&with("style: a\n\nBREAKING CHANGE: b"), &config).as_deref(),
        Some("2.0.0")
    );
    assert_eq!(
        next_version(&with("test: a\n\nBreaking-Change: b"), &config).as_deref(),
        Some("2.0.0")
    );
    assert_eq!(next_version(&with("docs: a"), &config), None);
    assert_eq!(next_version(&with("Feat: a"), &config), None);
    assert_eq!(next_version(&with("feat:no-space"), &config), None);
    assert_eq!(next_version(&with("feature: a"), &config), None);
    assert_eq!(
        next_version(&with("FEAT: a"), &config).as_deref(),
        Some("1.3.0")
    );
    let notes = notes_for(&with("refactor!: drop the old engine"), &config).expect("major");
    insta::assert_snapshot!("hidden_type_breaking", notes);
}

#[test]
fn no_tags_is_a_first_release_without_compare_link() {
    let history = linear(&[("chore: init", &[]), ("fix: first", &[])]);
    let notes = notes_for(&history, &Config::default()).expect("release");
    assert!(notes.starts_with("## 1.0.0 (2026-11-28)\n\n### Bug Fixes\n\n* first ("));
}

#[test]
fn zero_x_breaking_goes_to_one_unless_major_on_zero_is_off() {
    let history = linear(&[("chore: init", &["v0.3.0"]), ("feat!: new format", &[])]);
    assert_eq!(
        next_version(&history, &Config::default()).as_deref(),
        Some("1.0.0")
    );
    let config = Config {
        major_on_zero: false,
        ..Config::default()
    };
    assert_eq!(next_version(&history, &config).as_deref(), Some("0.4.0"));
}

#[test]
fn reverts() {
    let target = "0001000000000000000000000000000000000000";
    let revert = format!("Revert \"feat: risky\"\n\nThis reverts commit {target}.");
    // The reverted commit is before the tag: the revert is a patch and listed under Reverts.
    let history = linear(&[
        ("chore: init", &[]),
        ("feat: risky", &["v1.0.0"]),
        (&revert, &[]),
    ]);
    let notes = notes_for(&history, &Config::default()).expect("patch");
    insta::assert_snapshot!("revert_before_tag", notes);
    // Both in range: they cancel out.
    let history = linear(&[
        ("chore: init", &["v1.0.0"]),
        ("feat: risky", &[]),
        ("docs: x", &[]),
        (&revert, &[]),
    ]);
    assert_eq!(next_version(&history, &Config::default()), None);
}

#[test]
fn feat_variants_in_notes() {
    let history = linear(&[
        ("chore: init", &["v1.0.0"]),
        ("Feat: capitalised type", &[]),
        ("feat:no-space", &[]),
        ("feature: long type", &[]),
        ("FEAT: shouting", &[]),
        ("fix: a fix", &[]),
    ]);
    insta::assert_snapshot!(
        "feat_variants",
        notes_for(&history, &Config::default()).expect("release")
    );
}

#[test]
fn prerelease_branch() {
    let beta = Config {
        branch: Branch::prerelease("beta", "beta"),
        ..Config::default()
    };
    let first = linear(&[("chore: init", &["v1.0.0"]), ("feat: b", &[])]);
    assert_eq!(next_version(&first, &beta).as_deref(), Some("1.1.0-beta.1"));
    let second = linear(&[
        ("chore: init", &["v1.0.0"]),
        ("feat: b", &["v1.1.0-beta.1"]),
        ("fix: c", &[]),
    ]);
    let planned = plan(&second, &beta).expect("plan");
    let next = planned.next.expect("release");
    assert_eq!(
        (next.tag.as_str(), next.channel.as_deref()),
        ("v1.1.0-beta.2", Some("beta"))
    );
    let breaking = linear(&[
        ("chore: init", &["v1.0.0"]),
        ("feat: b", &["v1.1.0-beta.1"]),
        ("feat!: c", &[]),
    ]);
    assert_eq!(
        next_version(&breaking, &beta).as_deref(),
        Some("2.0.0-beta.1")
    );
    // Another channel's prereleases are not this branch's last release.
    let alpha = linear(&[
        ("chore: init", &["v1.0.0"]),
        ("feat: b", &["v1.1.0-alpha.3"]),
        ("fix: c", &[]),
    ]);
    assert_eq!(next_version(&alpha, &beta).as_deref(), Some("1.1.0-beta.1"));
    // On the release branch prereleases are ignored.
    assert_eq!(
        next_version(&second, &Config::default()).as_deref(),
        Some("1.1.0")
    );
}

#[test]
fn maintenance_branch() {
    let history = |message: &'static str| {
        linear(&[
            ("chore: init", &["v1.0.0"]),
            ("feat: one", &["v1.1.0"]),
            (message, &[]),
        ])
    };
    let one_x = Config {
        branch: Branch::maintenance("1.x").expect("range"),
        ..Config::default()
    };
    assert_eq!(
        next_version(&history("fix: a"), &one_x).as_deref(),
        Some("1.1.1")
    );
    assert_eq!(
        next_version(&history("feat: a"), &one_x).as_deref(),
        Some("1.2.0")
    );
    let error = plan(&history("feat!: a"), &one_x).expect_err("out of range");
    assert_eq!(
        error.to_string(),
        "The release `2.0.0` on branch `1.x` cannot be published as it is out of range. \
         Only versions within `>=1.1.0 <2.0.0` can be published from branch `1.x`."
    );
    let one_one_x = Config {
        branch: Branch::maintenance("1.1.x").expect("range"),
        ..Config::default()
    };
    assert!(matches!(
        plan(&history("feat: a"), &one_one_x),
        Err(ReleaseError::OutOfRange { .. })
    ));
    let capped = Config {
        maintenance_ceiling: Some(semver::Version::new(1, 2, 0)),
        ..one_x
    };
    assert!(plan(&history("feat: a"), &capped).is_err());
}

#[test]
fn merges_and_tag_on_side_branch() {
    // init ── feat ──────── merge ── fix
    //    └── hotfix (v1.0.0) ──┘
    let sha = |c: char| c.to_string().repeat(40);
    let history = History::new(vec![
        Commit::new(sha('e'), vec![sha('d')], "fix: after the merge"),
        Commit::new(sha('d'), vec![sha('b'), sha('c')], "Merge branch 'release'"),
        Commit::new(sha('c'), vec![sha('a')], "fix: hotfix on the side").with_tag("v1.0.0"),
        Commit::new(sha('b'), vec![sha('a')], "feat: mainline feature"),
        Commit::new(sha('a'), vec![], "chore: init"),
    ]);
    let planned = plan(&history, &Config::default()).expect("plan");
    let range: Vec<char> = planned
        .commits
        .iter()
        .map(|c| c.commit.sha.chars().next().expect("sha"))
        .collect();
    assert_eq!(range, vec!['e', 'd', 'b']);
    assert_eq!(planned.next.expect("release").tag, "v1.1.0");
    insta::assert_snapshot!(
        "tag_on_side_branch",
        notes_for(&history, &Config::default()).expect("release")
    );
}

#[test]
fn release_rules_override_defaults() {
    let history = linear(&[("chore: init", &["v1.0.0"]), ("docs(readme): typo", &[])]);
    let config = Config {
        release_rules: vec![ReleaseRule {
            type_: Some("docs".to_owned()),
            scope: Some("readme".to_owned()),
            release: Some(ReleaseType::Patch),
            ..ReleaseRule::default()
        }],
        ..Config::default()
    };
    assert_eq!(next_version(&history, &config).as_deref(), Some("1.0.1"));
    let history = linear(&[("chore: init", &["v1.0.0"]), ("feat(deps): bump", &[])]);
    let config = Config {
        release_rules: vec![ReleaseRule {
            scope: Some("deps".to_owned()),
            release: None,
            ..ReleaseRule::default()
        }],
        ..Config::default()
    };
    assert_eq!(next_version(&history, &config), None);
}

#[test]
fn seed_incident_tags() {
    let history = linear(&[
        ("chore: init", &["v1.4.0"]),
        ("fix: a", &["v1.4.0-final"]),
        ("fix: b", &["v1.5", "1.6.0"]),
        ("fix: c", &[]),
    ]);
    let planned = plan(&history, &Config::default()).expect("plan");
    assert_eq!(planned.last_release.expect("tag").tag, "v1.4.0");
    assert_eq!(planned.commits.len(), 3);
    assert_eq!(planned.next.expect("release").tag, "v1.4.1");
}

#[test]
fn gitlab_links_and_changelog() {
    let history = linear(&[
        ("chore: init", &["v1.0.0"]),
        ("fix: gitlab fix\n\nCloses #8", &[]),
    ]);
    let planned = plan(&history, &Config::default()).expect("plan");
    let options = NotesOptions::new(date(), Some("git@gitlab.com:group/sub/proj.git"));
    let notes = render_notes(&planned, &options).expect("release");
    insta::assert_snapshot!("gitlab_links", notes);
    let changelog = prepend_changelog("# Changelog\n\n## 1.0.0 (2026-01-01)\n", &notes);
    assert!(changelog.starts_with(
        "# Changelog\n\n## [1.0.1](https://gitlab.com/group/sub/proj/compare/v1.0.0...v1.0.1)"
    ));
    assert!(changelog.ends_with("\n\n## 1.0.0 (2026-01-01)\n"));
}

#[test]
fn gate_report_for_a_range() {
    let history = linear(&[
        ("chore: init", &["v1.0.0"]),
        ("feat: Capital subject", &[]),
        ("fix: fine", &[]),
    ]);
    let planned = plan(&history, &Config::default()).expect("plan");
    let findings = lint_commits(
        planned.commits.iter().map(|c| c.commit),
        &LintConfig::default(),
    );
    let report = gate_report(findings, &planned);
    assert_eq!(report.verdict(), Verdict::Fail);
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].target.as_deref(), Some("0001000"));
    assert_eq!(report.metrics["next_version"].to_string(), "1.1.0");
}

#[test]
fn never_panics_on_odd_messages() {
    let odd = [
        "",
        " ",
        "\n\n",
        "\r",
        "(",
        "feat(",
        "feat()!: ",
        "!: x",
        "#1",
        "Revert \"",
        "é\u{2028}ü",
        "feat: a\n\nBREAKING CHANGE:",
        "fix: x\n\n-\n--\n---\n-a-",
        "closes closes #1 #2",
        "\u{feff}feat: bom",
        "fix: \u{0}",
        "x\n\ngpg: y\nbreaking change z",
    ];
    let commits: Vec<(String, &[&str])> = odd.iter().map(|m| ((*m).to_owned(), &[][..])).collect();
    let refs: Vec<(&str, &[&str])> = commits.iter().map(|(m, t)| (m.as_str(), *t)).collect();
    let history = linear(&refs);
    let planned = plan(&history, &Config::default()).expect("plan");
    let _ = render_notes(&planned, &NotesOptions::new(date(), Some(URL)));
    for message in odd {
        let _ = lint_message(message, &LintConfig::default());
    }
}

#[test]
fn past_releases_split_the_history_once() {
    let history = linear(&[
        ("chore: init", &[]),
        ("feat: one", &["v1.0.0"]),
        ("fix: two", &[]),
        ("fix: three", &["v1.0.1", "v1.0.1-rc.1"]),
        ("feat: four", &["v1.1.0"]),
        ("docs: unreleased", &[]),
    ]);
    let releases = gate_release::past_releases(&history, &Config::default());
    let summary: Vec<(String, Option<String>, usize)> = releases
        .iter()
        .map(|r| {
            (
                r.tag.tag.clone(),
                r.previous.as_ref().map(|p| p.tag.clone()),
                r.commits.len(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("v1.0.0".to_owned(), None, 2),
            ("v1.0.1".to_owned(), Some("v1.0.0".to_owned()), 2),
            ("v1.1.0".to_owned(), Some("v1.0.1".to_owned()), 1),
        ]
    );
    let notes =
        gate_release::render_past_release(&releases[1], &NotesOptions::new(date(), Some(URL)));
    assert!(notes.starts_with("## [1.0.1](https://github.com/o/r/compare/v1.0.0...v1.0.1) (2026-11-28)\n\n### Bug Fixes\n\n* three ("));
}

/// 25,000 commits with 10,000 release tags and merges: the plan and every release's notes in one
/// pass each. Not timed here (see the benchmark); it must simply finish quickly in debug builds.
#[test]
fn long_history_with_many_tags() {
    let n = 25_000;
    let sha = |i: usize| format!("{i:040x}");
    let mut commits: Vec<Commit> = (0..n)
        .map(|i| {
            let mut parents = if i == 0 { vec![] } else { vec![sha(i - 1)] };
            if i % 50 == 0 && i > 10 {
                parents.push(sha(i - 7));
            }
            let message = match i % 4 {
                0 => format!("feat(core): feature {i}\n\ncloses #{i}"),
                1 => format!("fix: fix {i}"),
                2 => format!("docs: doc {i}"),
                _ => format!("perf(io)!: perf {i}\n\nBREAKING CHANGE: broke {i}"),
            };
            let mut commit = Commit::new(sha(i), parents, message);
            if i % 5 == 2 && i + 10 < n {
                commit.tags.push(format!("v{}.{}.0", i / 1000, i % 1000));
            }
            commit
        })
        .collect();
    commits.reverse();
    let history = History::new(commits);
    let planned = plan(&history, &Config::default()).expect("plan");
    assert!(planned.next.is_some());
    let releases = gate_release::past_releases(&history, &Config::default());
    assert_eq!(releases.len(), 5_000 - 2);
    let options = NotesOptions::new(date(), Some(URL));
    let total: usize = releases
        .iter()
        .map(|r| gate_release::render_past_release(r, &options).len())
        .sum();
    assert!(total > 0);
    let in_releases: usize = releases.iter().map(|r| r.commits.len()).sum();
    assert_eq!(in_releases + planned.commits.len(), n);
}

/// Pseudo-random messages built from the characters the parsers care about: no panic, ever.
#[test]
fn arbitrary_messages_never_panic() {
    const PIECES: &[&str] = &[
        "feat",
        "FIX",
        "(",
        ")",
        "!",
        ":",
        " ",
        "\n",
        "\r\n",
        "\r",
        "#",
        "12",
        "closes ",
        "o/r",
        "BREAKING CHANGE",
        "breaking-change:",
        "Revert \"",
        "\"",
        "This reverts commit ",
        ".",
        "-x-",
        "---",
        "@",
        "é",
        "日本",
        "\u{2028}",
        "\u{feff}",
        "gpg:",
        "http://x.y/",
        "`",
        "'",
        "Merge branch ",
        "1.2.3",
        "\t",
        "*",
        "fixup!",
        "Release-As: 2.0.0",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut messages = Vec::new();
    for _ in 0..3_000 {
        let len = next() % 24;
        let message: String = (0..len)
            .map(|_| PIECES[usize::try_from(next() % PIECES.len() as u64).expect("index")])
            .collect();
        messages.push(message);
    }
    for message in &messages {
        let _ = lint_message(message, &LintConfig::default());
        let _ = gate_release::commit::parse(message, &gate_release::ParserOptions::github());
    }
    let refs: Vec<(&str, &[&str])> = messages.iter().map(|m| (m.as_str(), &[][..])).collect();
    let history = linear(&refs);
    let planned = plan(&history, &Config::default()).expect("plan");
    let _ = render_notes(&planned, &NotesOptions::new(date(), Some(URL)));
}
