//! The shared release repros (`tests/fixtures/release-repros`): each script builds a repository
//! and semantic-release 24.2.9's answer sits beside it; `gate release next` and
//! `gate release notes` must give the same.

use std::path::Path;
use std::process::Command;

use crate::{code, fixture, gate_with_env, stderr, stdout};

const SCRIPTS: &[&str] = &[
    "r1-revert-refs",
    "r2-maint-below-main",
    "r3-maint-ahead-of-main",
    "r5-plain-header-breaking",
];

/// Runs a repro script into a temporary directory; the repository is `DIR/repo`.
fn build(name: &str) -> tempfile::TempDir {
    let directory = tempfile::tempdir().unwrap();
    let script = fixture("release-repros").join(format!("{name}.sh"));
    let output = Command::new("bash")
        .arg(&script)
        .arg(directory.path())
        .output()
        .expect("bash runs");
    assert!(
        output.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    directory
}

fn run_gate(repo: &Path, args: &[&str]) -> std::process::Output {
    gate_with_env(
        repo,
        args,
        &[
            ("GIT_CONFIG_GLOBAL", "/dev/null"),
            ("GIT_CONFIG_NOSYSTEM", "1"),
        ],
    )
}

#[test]
fn repros_give_semantic_releases_answers() {
    for name in SCRIPTS {
        let directory = build(name);
        let repo = directory.path().join("repo");
        let expected: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(
                fixture("release-repros").join(format!("{name}.expected.json")),
            )
            .unwrap(),
        )
        .unwrap();
        let next = run_gate(&repo, &["release", "next", "--format", "json"]);
        if let Some(error) = expected["error"].as_str() {
            assert_eq!(code(&next), 2, "{name}: {}", stdout(&next));
            assert!(
                stderr(&next).contains(error),
                "{name}: expected `{error}`, got {}",
                stderr(&next)
            );
            // `gate check` fails on the same branch, naming the rule.
            std::fs::write(repo.join("gate.toml"), "[release]\n").unwrap();
            let check = run_gate(&repo, &["check"]);
            assert_eq!(code(&check), 1, "{name}: {}", stdout(&check));
            assert!(
                stdout(&check).contains("release/version-out-of-range"),
                "{name}: {}",
                stdout(&check)
            );
            // The repro's .releaserc.json is still there: gate.toml wins, and says so once.
            assert_eq!(
                stdout(&check)
                    .matches("[release] in gate.toml wins over .releaserc.json")
                    .count(),
                1,
                "{name}: {}",
                stdout(&check)
            );
            continue;
        }
        assert_eq!(code(&next), 0, "{name}: {}", stderr(&next));
        let got: serde_json::Value = serde_json::from_str(&stdout(&next)).unwrap();
        assert_eq!(got["version"], expected["nextRelease"]["version"], "{name}");
        assert_eq!(got["tag"], expected["nextRelease"]["gitTag"], "{name}");
        assert_eq!(got["type"], expected["nextRelease"]["type"], "{name}");
        assert_eq!(
            got["last_release"], expected["lastRelease"]["gitTag"],
            "{name}"
        );
        assert_eq!(got["commits"], expected["commitsAnalyzed"], "{name}");
        let notes = run_gate(&repo, &["release", "notes", "--date", "2026-01-01"]);
        assert_eq!(code(&notes), 0, "{name}: {}", stderr(&notes));
        let expected_notes = std::fs::read_to_string(
            fixture("release-repros").join(format!("{name}.expected.normalized.md")),
        )
        .unwrap();
        assert_eq!(
            stdout(&notes).replace("(2026-01-01)", "(YYYY-MM-DD)"),
            expected_notes,
            "{name}"
        );
    }
}
