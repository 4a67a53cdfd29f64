//! `gate release …` and the release gate in `gate check`, run as the built binary on real git
//! repositories made in each test (fixed dates, so shas and snapshots are stable).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::{code, stderr, stdout};

/// A git repository in a temporary directory, isolated from the user's git configuration.
struct Repo {
    directory: tempfile::TempDir,
    /// Minutes since the first commit: each commit gets its own fixed, increasing date.
    clock: u32,
}

/// Environment for every git and gate run: no global or system configuration, fixed identity.
fn isolate(command: &mut Command) -> &mut Command {
    command
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Ada Lovelace")
        .env("GIT_AUTHOR_EMAIL", "ada@example.com")
        .env("GIT_COMMITTER_NAME", "Ada Lovelace")
        .env("GIT_COMMITTER_EMAIL", "ada@example.com")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_OUTPUT")
        .env_remove("NO_COLOR")
}

impl Repo {
    fn new() -> Repo {
        let repo = Repo {
            directory: tempfile::tempdir().unwrap(),
            clock: 0,
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    fn path(&self) -> &Path {
        self.directory.path()
    }

    fn file(&self, name: &str) -> PathBuf {
        self.path().join(name)
    }

    fn git(&self, args: &[&str]) -> String {
        let date = format!(
            "2026-01-01T{:02}:{:02}:00Z",
            self.clock / 60,
            self.clock % 60
        );
        let output = isolate(&mut Command::new("git"))
            .args(args)
            .current_dir(self.path())
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .output()
            .expect("git runs");
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// An empty commit with this message, one minute after the previous one.
    fn commit(&mut self, message: &str) -> &mut Repo {
        self.clock += 1;
        self.git(&[
            "commit",
            "-q",
            "--allow-empty",
            "--cleanup=verbatim",
            "-m",
            message,
        ]);
        self
    }

    fn tag(&mut self, name: &str) -> &mut Repo {
        self.git(&["tag", name]);
        self
    }

    fn gate(&self, args: &[&str]) -> Output {
        self.gate_with(args, &[])
    }

    fn gate_with(&self, args: &[&str], env: &[(&str, &Path)]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_gate"));
        isolate(&mut command).args(args).current_dir(self.path());
        for (name, value) in env {
            command.env(name, value);
        }
        command.output().expect("the gate binary runs")
    }
}

/// Runs and expects exit 0, returning standard output.
fn ok(output: &Output) -> String {
    assert_eq!(code(output), 0, "stderr: {}", stderr(output));
    stdout(output)
}

/// v1.0.0, then a feature (closing an issue) and a fix.
fn released_then_feature() -> Repo {
    let mut repo = Repo::new();
    repo.commit("chore: init").tag("v1.0.0");
    repo.commit("feat(api): add search\n\nCloses #12");
    repo.commit("fix: handle empty input");
    repo
}

#[test]
fn next_feat_is_a_minor_release() {
    let repo = released_then_feature();
    assert_eq!(ok(&repo.gate(&["release", "next"])), "1.1.0\n");
}

#[test]
fn next_without_releasable_commits_is_no_release_and_exit_zero() {
    let mut repo = Repo::new();
    repo.commit("feat: first").tag("v1.0.0");
    repo.commit("docs: explain").commit("chore: tidy");
    assert_eq!(ok(&repo.gate(&["release", "next"])), "no release\n");
    let json: serde_json::Value =
        serde_json::from_str(&ok(&repo.gate(&["release", "next", "--format", "json"]))).unwrap();
    assert_eq!(json["released"], false);
    assert_eq!(json["version"], serde_json::Value::Null);
    assert_eq!(json["last_release"], "v1.0.0");
    // Nothing to write: notes, changelog, tag and bump say so and exit 0.
    let notes = repo.gate(&["release", "notes", "--date", "2026-02-01"]);
    assert_eq!(ok(&notes), "");
    assert!(stderr(&notes).contains("no release"), "{}", stderr(&notes));
    assert_eq!(ok(&repo.gate(&["release", "changelog"])), "");
    assert!(!repo.file("CHANGELOG.md").exists());
}

#[test]
fn next_without_tags_is_the_first_release() {
    let mut repo = Repo::new();
    repo.commit("chore: init").commit("fix: a bug");
    assert_eq!(ok(&repo.gate(&["release", "next"])), "1.0.0\n");
}

#[test]
fn next_breaking_change_and_major_on_zero() {
    let mut repo = Repo::new();
    repo.commit("feat: first").tag("v0.3.0");
    repo.commit("feat!: drop the old API");
    assert_eq!(ok(&repo.gate(&["release", "next"])), "1.0.0\n");
    std::fs::write(repo.file("gate.toml"), "[release]\nmajor-on-zero = false\n").unwrap();
    assert_eq!(ok(&repo.gate(&["release", "next"])), "0.4.0\n");
}

#[test]
fn next_json_and_env_formats() {
    let repo = released_then_feature();
    insta::assert_snapshot!(
        "next_json",
        ok(&repo.gate(&["release", "next", "--format", "json"]))
    );
    insta::assert_snapshot!(
        "next_env",
        ok(&repo.gate(&["release", "next", "--format", "env"]))
    );
    assert_eq!(
        ok(&repo.gate(&["release", "next", "--format", "text"])),
        "1.1.0\n"
    );
}

#[test]
fn github_output_appends_the_step_outputs() {
    let repo = released_then_feature();
    let outputs = repo.file("github-output");
    std::fs::write(&outputs, "earlier=kept\n").unwrap();
    let output = repo.gate_with(
        &["release", "next", "--github-output"],
        &[("GITHUB_OUTPUT", &outputs)],
    );
    assert_eq!(ok(&output), "1.1.0\n");
    assert_eq!(
        std::fs::read_to_string(&outputs).unwrap(),
        "earlier=kept\nreleased=true\nversion=1.1.0\ntag=v1.1.0\ntype=minor\nchannel=\n"
    );

    // A prerelease branch fills `channel`; "no release" writes released=false.
    let mut repo = Repo::new();
    repo.commit("feat: first").tag("v1.0.0");
    repo.git(&["checkout", "-q", "-b", "beta"]);
    repo.commit("feat: try this");
    let outputs = repo.file("out");
    repo.gate_with(
        &["release", "next", "--github-output"],
        &[("GITHUB_OUTPUT", &outputs)],
    );
    assert_eq!(
        std::fs::read_to_string(&outputs).unwrap(),
        "released=true\nversion=1.1.0-beta.1\ntag=v1.1.0-beta.1\ntype=minor\nchannel=beta\n"
    );
    repo.git(&["tag", "v1.1.0-beta.1"]);
    repo.commit("docs: more");
    std::fs::remove_file(&outputs).unwrap();
    repo.gate_with(
        &["release", "next", "--github-output"],
        &[("GITHUB_OUTPUT", &outputs)],
    );
    assert_eq!(
        std::fs::read_to_string(&outputs).unwrap(),
        "released=false\nversion=\ntag=\ntype=\nchannel=\n"
    );

    let output = repo.gate(&["release", "next", "--github-output"]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("GITHUB_OUTPUT is not set"));
}

#[test]
fn branch_flag_config_prereleases_and_detached_head() {
    let mut repo = Repo::new();
    repo.commit("feat: first").tag("v1.0.0");
    repo.commit("feat: second");
    repo.git(&["checkout", "-q", "--detach"]);
    let output = repo.gate(&["release", "next"]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("--branch"), "{}", stderr(&output));
    assert_eq!(
        ok(&repo.gate(&["release", "next", "--branch", "main"])),
        "1.1.0\n"
    );
    assert_eq!(
        ok(&repo.gate(&["release", "next", "--branch", "beta"])),
        "1.1.0-beta.1\n"
    );
    std::fs::write(
        repo.file("gate.toml"),
        "[release]\nbranch = \"next\"\nprerelease = { next = \"rc\" }\n",
    )
    .unwrap();
    assert_eq!(ok(&repo.gate(&["release", "next"])), "1.1.0-rc.1\n");
    // A maintenance branch refuses a feature: an error naming the range.
    let output = repo.gate(&["release", "next", "--branch", "1.0.x"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("out of range"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn tag_format_flag_and_config() {
    let mut repo = Repo::new();
    repo.commit("feat: first")
        .tag("release-2.0.0")
        .tag("v9.0.0");
    repo.commit("fix: second");
    assert_eq!(
        ok(&repo.gate(&["release", "next", "--tag-format", "release-{version}"])),
        "2.0.1\n"
    );
    std::fs::write(
        repo.file("gate.toml"),
        "[release]\ntag-format = \"release-${version}\"\n",
    )
    .unwrap();
    let json = ok(&repo.gate(&["release", "next", "--format", "json"]));
    assert!(json.contains("\"tag\": \"release-2.0.1\""), "{json}");
    // --config points at another file; its [release] applies instead.
    std::fs::write(repo.file("plain.toml"), "[release]\n").unwrap();
    let json = ok(&repo.gate(&[
        "release",
        "next",
        "--format",
        "json",
        "--config",
        "plain.toml",
    ]));
    assert!(json.contains("\"tag\": \"v9.0.1\""), "{json}");
    let output = repo.gate(&["release", "next", "--tag-format", "v"]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("{version}"), "{}", stderr(&output));
}

#[test]
fn notes_use_the_configured_remote_not_its_insteadof_rewrite() {
    let repo = released_then_feature();
    repo.git(&[
        "config",
        "remote.origin.url",
        "git@github.com:acme/beacon.git",
    ]);
    repo.git(&[
        "config",
        "url.https://mirror.invalid/.insteadOf",
        "git@github.com:",
    ]);
    let notes = ok(&repo.gate(&["release", "notes", "--date", "2026-11-28"]));
    insta::assert_snapshot!("notes_with_remote", notes);
    assert!(!notes.contains("mirror.invalid"));

    let flagged = ok(&repo.gate(&[
        "release",
        "notes",
        "--date",
        "2026-11-28",
        "--repository-url",
        "https://gitlab.com/acme/beacon",
    ]));
    assert!(
        flagged.starts_with(
            "## [1.1.0](https://gitlab.com/acme/beacon/compare/v1.0.0...v1.1.0) (2026-11-28)\n"
        ),
        "{flagged}"
    );
    let output = repo.gate(&["release", "notes", "--date", "28/11/2026"]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("--date"), "{}", stderr(&output));
}

#[test]
fn notes_without_a_remote_have_no_links() {
    let repo = released_then_feature();
    insta::assert_snapshot!(
        "notes_without_remote",
        ok(&repo.gate(&["release", "notes", "--date", "2026-11-28"]))
    );
}

#[test]
fn changelog_prepends_exactly_the_notes_and_keeps_the_rest() {
    let repo = released_then_feature();
    let old = "# Changelog\n\nAll notable changes.\r\n\n## 1.0.0 (2026-01-01)\n\n* first  \n\n\n";
    std::fs::write(repo.file("CHANGELOG.md"), old).unwrap();
    let notes = ok(&repo.gate(&["release", "notes", "--date", "2026-11-28"]));
    assert!(notes.starts_with("## [1.1.0]") || notes.starts_with("## 1.1.0"));

    // --dry-run prints the section and writes nothing.
    let dry = repo.gate(&["release", "changelog", "--date", "2026-11-28", "--dry-run"]);
    assert_eq!(ok(&dry), notes);
    assert_eq!(
        std::fs::read_to_string(repo.file("CHANGELOG.md")).unwrap(),
        old
    );

    let output = repo.gate(&["release", "changelog", "--date", "2026-11-28"]);
    assert_eq!(ok(&output), "wrote CHANGELOG.md (1.1.0)\n");
    let written = std::fs::read_to_string(repo.file("CHANGELOG.md")).unwrap();
    assert_eq!(
        written,
        format!(
            "# Changelog\n\n{notes}\n{}",
            &old["# Changelog\n\n".len()..]
        )
    );

    // --file, and the configured `changelog` path.
    let output = repo.gate(&[
        "release",
        "changelog",
        "--date",
        "2026-11-28",
        "--file",
        "docs-CHANGES.md",
    ]);
    ok(&output);
    assert_eq!(
        std::fs::read_to_string(repo.file("docs-CHANGES.md")).unwrap(),
        notes
    );
    std::fs::write(
        repo.file("gate.toml"),
        "[release]\nchangelog = \"HISTORY.md\"\n",
    )
    .unwrap();
    ok(&repo.gate(&["release", "changelog", "--date", "2026-11-28"]));
    assert_eq!(
        std::fs::read_to_string(repo.file("HISTORY.md")).unwrap(),
        notes
    );
}

#[test]
fn changelog_full_rebuilds_every_release() {
    let mut repo = Repo::new();
    repo.commit("feat: first").tag("v1.0.0");
    repo.commit("fix(api): second");
    repo.commit("docs: not listed").tag("v1.0.1");
    repo.commit("feat(cli)!: third\n\nBREAKING CHANGE: flags renamed")
        .tag("v2.0.0");
    repo.commit("perf: faster");
    repo.git(&[
        "config",
        "remote.origin.url",
        "https://github.com/acme/beacon.git",
    ]);
    std::fs::write(repo.file("CHANGELOG.md"), "# Changelog\n\nstale text\n").unwrap();
    let output = repo.gate(&[
        "release",
        "changelog",
        "--full",
        "--dry-run",
        "--date",
        "2026-11-28",
    ]);
    let full = ok(&output);
    insta::assert_snapshot!("changelog_full", full);
    assert_eq!(
        std::fs::read_to_string(repo.file("CHANGELOG.md")).unwrap(),
        "# Changelog\n\nstale text\n",
        "--dry-run writes nothing"
    );
    ok(&repo.gate(&["release", "changelog", "--full", "--date", "2026-11-28"]));
    assert_eq!(
        std::fs::read_to_string(repo.file("CHANGELOG.md")).unwrap(),
        full
    );
}

#[test]
fn tag_refuses_a_dirty_tree_and_an_existing_tag_then_creates_an_annotated_tag() {
    let mut repo = released_then_feature();
    // The seed incident: someone typed v1.1.0 by hand on another branch.
    repo.git(&["checkout", "-q", "-b", "hotfix", "v1.0.0"]);
    repo.commit("fix: by hand").tag("v1.1.0");
    repo.git(&["checkout", "-q", "main"]);
    let output = repo.gate(&["release", "tag", "--date", "2026-11-28"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("tag v1.1.0 already exists"),
        "{}",
        stderr(&output)
    );
    repo.git(&["tag", "-d", "v1.1.0"]);

    std::fs::write(repo.file("untracked.txt"), "x").unwrap();
    for args in [
        vec!["release", "tag", "--date", "2026-11-28"],
        vec!["release", "tag", "--date", "2026-11-28", "--dry-run"],
    ] {
        let output = repo.gate(&args);
        assert_eq!(code(&output), 2);
        assert!(
            stderr(&output).contains("uncommitted changes"),
            "{}",
            stderr(&output)
        );
    }
    std::fs::remove_file(repo.file("untracked.txt")).unwrap();

    let dry = repo.gate(&["release", "tag", "--date", "2026-11-28", "--dry-run"]);
    assert_eq!(ok(&dry), "v1.1.0\n");
    assert_eq!(
        repo.git(&["tag", "--list", "v1.1.0"]),
        "",
        "--dry-run creates nothing"
    );

    let notes = ok(&repo.gate(&["release", "notes", "--date", "2026-11-28"]));
    assert_eq!(
        ok(&repo.gate(&["release", "tag", "--date", "2026-11-28"])),
        "v1.1.0\n"
    );
    assert_eq!(repo.git(&["cat-file", "-t", "v1.1.0"]), "tag\n");
    assert_eq!(
        repo.git(&["tag", "--list", "--format=%(contents)", "v1.1.0"]),
        format!("{notes}\n"),
        "the message is the notes (git adds a newline when listing)"
    );
    assert_eq!(
        repo.git(&["rev-parse", "v1.1.0^{commit}"]),
        repo.git(&["rev-parse", "HEAD"])
    );
    // The annotated tag is peeled: the next run sees the release.
    let output = repo.gate(&["release", "tag"]);
    assert_eq!(ok(&output), "");
    assert!(stderr(&output).contains("no commit since v1.1.0"));
}

#[test]
fn lint_a_range() {
    let mut repo = Repo::new();
    repo.commit("chore: init").tag("v1.0.0");
    repo.commit("feat: good one");
    assert_eq!(
        code(&repo.gate(&["release", "lint", "--range", "v1.0.0..HEAD"])),
        0
    );
    repo.commit("Fixed stuff.");
    let output = repo.gate(&[
        "release",
        "lint",
        "--range",
        "v1.0.0..HEAD",
        "--color",
        "never",
    ]);
    assert_eq!(code(&output), 1);
    insta::assert_snapshot!("lint_range_human", stdout(&output));
    let output = repo.gate(&[
        "release",
        "lint",
        "--range",
        "v1.0.0..HEAD",
        "--format",
        "json",
    ]);
    assert_eq!(code(&output), 1);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["gates"][0]["metrics"]["messages"], 2);
    let report = repo.file("lint.sarif");
    let output = repo.gate(&[
        "release",
        "lint",
        "--range",
        "v1.0.0..HEAD",
        "--format",
        "sarif",
        "--output",
        report.to_str().unwrap(),
    ]);
    assert_eq!(code(&output), 1);
    assert!(
        std::fs::read_to_string(&report)
            .unwrap()
            .contains("release/commit-format")
    );

    let output = repo.gate(&["release", "lint", "--range", "nope..HEAD"]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("git log"), "{}", stderr(&output));
    let output = repo.gate(&["release", "lint", "--range", "--all"]);
    assert_eq!(code(&output), 2);
}

#[test]
fn lint_a_message_file_skips_comment_lines() {
    let repo = Repo::new();
    let long_comment = format!("# {}\n", "x".repeat(150));
    std::fs::write(
        repo.file("COMMIT_EDITMSG"),
        format!("feat(api): add search\n\n{long_comment}# Please enter the commit message.\n"),
    )
    .unwrap();
    let output = repo.gate(&["release", "lint", "--message-file", "COMMIT_EDITMSG"]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    std::fs::write(repo.file("COMMIT_EDITMSG"), "Add search\n# comment\n").unwrap();
    let output = repo.gate(&[
        "release",
        "lint",
        "--message-file",
        "COMMIT_EDITMSG",
        "--format",
        "github",
    ]);
    assert_eq!(code(&output), 1);
    assert!(
        stdout(&output).contains("::error file=COMMIT_EDITMSG,line=1"),
        "{}",
        stdout(&output)
    );
    let output = repo.gate(&["release", "lint", "--message-file", "missing"]);
    assert_eq!(code(&output), 2);
}

/// `/dev/zero` reports size 0 and never ends: the read stops at the cap, an input error.
#[cfg(unix)]
#[test]
fn an_endless_message_file_is_refused_at_the_size_limit() {
    let repo = Repo::new();
    let output = repo.gate(&["release", "lint", "--message-file", "/dev/zero"]);
    assert_eq!(code(&output), 2);
    let error = stderr(&output);
    assert!(
        error.contains("/dev/zero") && error.contains(&(256 * 1024 * 1024).to_string()),
        "{error}"
    );
}

#[test]
fn lint_a_message_with_configured_rules() {
    let repo = Repo::new();
    assert_eq!(
        code(&repo.gate(&["release", "lint", "--message", "fix(ui): align buttons"])),
        0
    );
    assert_eq!(
        code(&repo.gate(&["release", "lint", "--message", "Update README"])),
        1
    );
    assert_eq!(
        code(&repo.gate(&["release", "lint", "--message", "wip: Try This"])),
        1
    );
    std::fs::write(
        repo.file("release.toml"),
        "[release]\ntypes = [\"wip\", \"feat\"]\nheader-max-length = 20\nlint-levels = { subject-case = \"off\" }\n",
    )
    .unwrap();
    let with = |message: &str| {
        code(&repo.gate(&[
            "release",
            "lint",
            "--message",
            message,
            "--config",
            "release.toml",
        ]))
    };
    assert_eq!(with("wip: Try This"), 0);
    assert_eq!(with("fix: this"), 1, "fix is not in the configured types");
    assert_eq!(with("feat: a header far longer than twenty"), 1);
    // No source, or two: a usage error.
    assert_eq!(code(&repo.gate(&["release", "lint"])), 2);
    assert_eq!(
        code(&repo.gate(&["release", "lint", "--message", "a", "--range", "a..b"])),
        2
    );
}

#[test]
fn a_shallow_clone_is_an_error_with_the_fetch_depth_hint() {
    let mut repo = Repo::new();
    repo.commit("feat: first").tag("v1.0.0");
    repo.commit("fix: second").commit("fix: third");
    let clone = tempfile::tempdir().unwrap();
    let source = format!("file://{}", repo.path().display());
    let output = isolate(&mut Command::new("git"))
        .args(["clone", "-q", "--depth", "1", &source])
        .arg(clone.path().join("shallow"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let output = isolate(&mut Command::new(env!("CARGO_BIN_EXE_gate")))
        .args(["release", "next"])
        .current_dir(clone.path().join("shallow"))
        .output()
        .unwrap();
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("fetch-depth: 0"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn not_a_repository_is_an_error_with_gits_message() {
    let directory = tempfile::tempdir().unwrap();
    let output = isolate(&mut Command::new(env!("CARGO_BIN_EXE_gate")))
        .args(["release", "next"])
        .env(
            "GIT_CEILING_DIRECTORIES",
            directory.path().parent().unwrap(),
        )
        .current_dir(directory.path())
        .output()
        .unwrap();
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("not a git repository"),
        "{}",
        stderr(&output)
    );
}

const PYPROJECT: &str = "[build-system]\nrequires = [\"hatchling\"]  # keep\n\n[project]\nname = \"beacon\"\nversion = \"0.1.0\"   # bumped by gate\ndependencies = [\n  \"httpx>=0.27\",\n]\n\n[tool.poetry]\nversion = '0.1.0'\n";
const CARGO: &str = "[package]\nname = \"beacon\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[dependencies]\nserde = { version = \"1\" }\n";
const PACKAGE_JSON: &str = "{\n  \"name\": \"beacon\",\n  \"version\": \"0.1.0\",\n  \"dependencies\": {\n    \"left-pad\": \"1.3.0\"\n  },\n  \"engines\": {\"version\": \"x\"}\n}\n";
const KUSTOMIZATION: &str = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\nimages:\n  - name: ghcr.io/acme/beacon\n    newTag: \"0.1.0\" # the release\n  - name: postgres\n    newTag: 16.4\nlabels:\n  - pairs:\n      newTag: keep\n";

#[test]
fn bump_edits_one_value_per_file_and_keeps_every_other_byte() {
    let repo = released_then_feature();
    std::fs::create_dir(repo.file("deploy")).unwrap();
    std::fs::write(repo.file("pyproject.toml"), PYPROJECT).unwrap();
    std::fs::write(repo.file("Cargo.toml"), CARGO).unwrap();
    std::fs::write(repo.file("package.json"), PACKAGE_JSON).unwrap();
    std::fs::write(repo.file("deploy/kustomization.yaml"), KUSTOMIZATION).unwrap();
    let output = repo.gate(&[
        "release",
        "bump",
        "pyproject.toml",
        "Cargo.toml",
        "package.json",
        "deploy/kustomization.yaml",
        "--image",
        "ghcr.io/acme/beacon",
    ]);
    assert_eq!(
        ok(&output),
        "pyproject.toml: 1.1.0\nCargo.toml: 1.1.0\npackage.json: 1.1.0\ndeploy/kustomization.yaml: 1.1.0\n"
    );
    let read = |name: &str| std::fs::read_to_string(repo.file(name)).unwrap();
    assert_eq!(
        read("pyproject.toml"),
        PYPROJECT
            .replace("version = \"0.1.0\"", "version = \"1.1.0\"")
            .replace("version = '0.1.0'", "version = '1.1.0'")
    );
    assert_eq!(
        read("Cargo.toml"),
        CARGO.replacen("version = \"0.1.0\"", "version = \"1.1.0\"", 1)
    );
    assert_eq!(
        read("package.json"),
        PACKAGE_JSON.replace("\"version\": \"0.1.0\"", "\"version\": \"1.1.0\"")
    );
    assert_eq!(
        read("deploy/kustomization.yaml"),
        KUSTOMIZATION.replace("newTag: \"0.1.0\"", "newTag: \"1.1.0\"")
    );

    // --to, and a kustomization with several images needs --image.
    let output = repo.gate(&[
        "release",
        "bump",
        "deploy/kustomization.yaml",
        "--to",
        "v2.0.0",
    ]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("--image"), "{}", stderr(&output));
    let output = repo.gate(&[
        "release",
        "bump",
        "deploy/kustomization.yaml",
        "Cargo.toml",
        "--to",
        "v2.0.0",
        "--image",
        "postgres",
    ]);
    ok(&output);
    assert!(read("deploy/kustomization.yaml").contains("    newTag: 2.0.0\nlabels:"));
    assert!(read("Cargo.toml").contains("version = \"2.0.0\"\nedition"));
    let output = repo.gate(&["release", "bump", "Cargo.toml", "--to", "two"]);
    assert_eq!(code(&output), 2);
}

/// A `pyproject.toml` linked from a shared directory: the shared file gets the new version and
/// the link stays a link (it used to become a plain copy, leaving the shared file behind).
#[cfg(unix)]
#[test]
fn bump_through_a_symlink_updates_the_file_it_names() {
    let repo = released_then_feature();
    std::fs::create_dir(repo.file("shared")).unwrap();
    std::fs::write(repo.file("shared/pyproject.toml"), PYPROJECT).unwrap();
    std::os::unix::fs::symlink("shared/pyproject.toml", repo.file("pyproject.toml")).unwrap();
    let output = repo.gate(&["release", "bump", "--to", "2.0.0", "pyproject.toml"]);
    assert_eq!(ok(&output), "pyproject.toml: 2.0.0\n");
    let link = std::fs::symlink_metadata(repo.file("pyproject.toml")).unwrap();
    assert!(link.file_type().is_symlink(), "the link was replaced");
    assert_eq!(
        std::fs::read_to_string(repo.file("shared/pyproject.toml")).unwrap(),
        PYPROJECT
            .replace("version = \"0.1.0\"", "version = \"2.0.0\"")
            .replace("version = '0.1.0'", "version = '2.0.0'")
    );
}

#[test]
fn bump_refuses_unknown_files_and_leaves_everything_untouched_on_error() {
    let repo = released_then_feature();
    std::fs::write(repo.file("setup.cfg"), "[metadata]\nversion = 0.1.0\n").unwrap();
    let output = repo.gate(&["release", "bump", "setup.cfg"]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("setup.cfg"), "{}", stderr(&output));

    std::fs::write(repo.file("Cargo.toml"), CARGO).unwrap();
    std::fs::write(
        repo.file("package.json"),
        "{\"name\": \"x\", \"version\": {\"not\": \"a string\"}}",
    )
    .unwrap();
    let output = repo.gate(&["release", "bump", "Cargo.toml", "package.json"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("package.json"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(repo.file("Cargo.toml")).unwrap(),
        CARGO
    );

    std::fs::write(
        repo.file("Cargo.toml"),
        "[package]\nname = \"member\"\nversion.workspace = true\n",
    )
    .unwrap();
    let output = repo.gate(&["release", "bump", "Cargo.toml"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("not a version string"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn check_runs_the_release_gate() {
    let mut repo = Repo::new();
    repo.commit("chore: init").tag("v1.0.0");
    repo.commit("feat(api): add search");
    std::fs::write(repo.file("gate.toml"), "[release]\n").unwrap();
    let output = repo.gate(&["check", "--format", "json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let metrics = &json["gates"][0]["metrics"];
    assert_eq!(metrics["next_version"], "1.1.0");
    assert_eq!(metrics["last_release"], "v1.0.0");
    assert_eq!(metrics["commits"], 1);

    repo.commit("Fixed it.");
    let output = repo.gate(&["check", "--color", "never"]);
    assert_eq!(code(&output), 1);
    insta::assert_snapshot!("check_release_fail", stdout(&output));

    // lint-base narrows the lint to lint-base..HEAD; lint-levels turn rules off.
    repo.git(&["tag", "base"]);
    repo.commit("fix: tidy");
    std::fs::write(repo.file("gate.toml"), "[release]\nlint-base = \"base\"\n").unwrap();
    assert_eq!(code(&repo.gate(&["check"])), 0);
    std::fs::write(
        repo.file("gate.toml"),
        "[release]\nlint-levels = { subject-case = \"off\", subject-full-stop = 0, type-enum = \"warning\", type-empty = \"off\", subject-empty = \"off\" }\n",
    )
    .unwrap();
    let output = repo.gate(&["check", "--format", "json"]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));

    // A waiver on the commit's short sha.
    let sha = repo.git(&["rev-parse", "--short=7", "HEAD~1"]);
    std::fs::write(
        repo.file("gate.toml"),
        format!(
            "[release]\n\n[[waiver]]\nrule = \"release/commit-format\"\ntarget = \"{}\"\nreason = \"merged before the hook\"\nexpires = 2099-01-01\n",
            sha.trim()
        ),
    )
    .unwrap();
    assert_eq!(code(&repo.gate(&["check"])), 0);
}

#[test]
fn lint_from_includes_the_first_commit_and_lint_exempt_skips_published_history() {
    let mut repo = Repo::new();
    repo.commit("Initial import");
    let root = repo.git(&["rev-parse", "HEAD"]).trim().to_owned();
    repo.commit("feat: first feature").tag("v1.0.0");
    repo.commit("Fix typo");
    let bad = repo.git(&["rev-parse", "HEAD"]).trim().to_owned();
    repo.commit("fix: a fix");
    let lint_targets = |repo: &Repo, config: &str| {
        std::fs::write(repo.file("gate.toml"), config).unwrap();
        let output = repo.gate(&["check", "--format", "json"]);
        let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        let mut targets: Vec<String> = json["gates"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|finding| finding["target"].as_str().unwrap().to_owned())
            .collect();
        targets.dedup();
        (code(&output), targets)
    };
    // Since the last release (the default): only the commits after v1.0.0.
    assert_eq!(
        lint_targets(&repo, "[release]\n"),
        (1, vec![bad[..7].to_owned()])
    );
    // From the root commit, inclusive: the root's message is linted too.
    let config = format!("[release]\nlint-from = \"{root}\"\n");
    assert_eq!(
        lint_targets(&repo, &config),
        (1, vec![bad[..7].to_owned(), root[..7].to_owned()])
    );
    // Exempt commits are skipped, by full sha or prefix; the rest still fail.
    let config = format!(
        "[release]\nlint-from = \"{root}\"\nlint-exempt = [\"{}\"]\n",
        &bad[..10]
    );
    assert_eq!(
        lint_targets(&repo, &config),
        (1, vec![root[..7].to_owned()])
    );
    let config =
        format!("[release]\nlint-from = \"{root}\"\nlint-exempt = [\"{bad}\", \"{root}\"]\n");
    assert_eq!(lint_targets(&repo, &config), (0, vec![]));

    // Bad settings name their line.
    for (config, message) in [
        (
            "[release]\nlint-base = \"v1.0.0\"\nlint-from = \"v1.0.0\"\n",
            "gate.toml:3:13: [release]: `lint-base` and `lint-from`",
        ),
        (
            "[release]\nlint-exempt = [\"abc\"]\n",
            "lint-exempt `abc` is not a commit sha",
        ),
    ] {
        std::fs::write(repo.file("gate.toml"), config).unwrap();
        let output = repo.gate(&["check"]);
        assert_eq!(code(&output), 2, "{config}");
        assert!(stderr(&output).contains(message), "{}", stderr(&output));
    }
}

#[test]
fn check_with_a_release_gate_that_cannot_read_git_is_an_error() {
    let directory = tempfile::tempdir().unwrap();
    std::fs::write(directory.path().join("gate.toml"), "[release]\n").unwrap();
    let output = isolate(&mut Command::new(env!("CARGO_BIN_EXE_gate")))
        .args(["check"])
        .env(
            "GIT_CEILING_DIRECTORIES",
            directory.path().parent().unwrap(),
        )
        .current_dir(directory.path())
        .output()
        .unwrap();
    assert_eq!(code(&output), 2, "{}", stdout(&output));
    assert!(
        stdout(&output).contains("not a git repository"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn release_config_errors_name_the_line() {
    let repo = Repo::new();
    for (config, expected) in [
        (
            "[release]\ntag-format = \"v\"\n",
            "gate.toml:2:14: [release]: tag format `v`",
        ),
        (
            "[release]\ntag-formats = \"v\"\n",
            "gate.toml:2:1: unknown field `tag-formats`",
        ),
        (
            "[release]\nlint-levels = { subject-case = \"loud\" }\n",
            "gate.toml:2:32: [release]: a lint level",
        ),
        (
            "[release]\nlint-levels = { subject-kase = \"off\" }\n",
            "gate.toml:2:32: [release]: `subject-kase` is not a lint rule",
        ),
        (
            "[release]\nprerelease = { next = \"r c\" }\n",
            "gate.toml:2:23: [release]: prerelease identifier `r c`",
        ),
        (
            "[release]\ntypes = []\n",
            "gate.toml:2:9: [release]: `types` is empty",
        ),
    ] {
        std::fs::write(repo.file("gate.toml"), config).unwrap();
        let output = repo.gate(&["check"]);
        assert_eq!(code(&output), 2);
        assert!(
            stderr(&output).starts_with(&format!("error: {expected}")),
            "{config}: {}",
            stderr(&output)
        );
        let output = repo.gate(&["release", "next"]);
        assert_eq!(code(&output), 2, "the release commands read it too");
    }
}

#[test]
fn explain_knows_the_release_rules_and_help_is_stable() {
    let repo = Repo::new();
    let output = repo.gate(&["explain", "release/commit-format"]);
    assert!(ok(&output).contains("Conventional Commits"));
    for (name, args) in [
        ("release_help", vec!["release", "--help"]),
        ("release_next_help", vec!["release", "next", "--help"]),
        ("release_lint_help", vec!["release", "lint", "--help"]),
        (
            "release_changelog_help",
            vec!["release", "changelog", "--help"],
        ),
        ("release_bump_help", vec!["release", "bump", "--help"]),
    ] {
        insta::assert_snapshot!(name, ok(&repo.gate(&args)));
    }
}

#[test]
fn merges_and_annotated_tags_on_side_branches_are_read_in_one_pass() {
    let mut repo = Repo::new();
    repo.commit("chore: init");
    repo.git(&["tag", "-a", "v1.0.0", "-m", "release 1.0.0"]);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.commit("feat(api): add search");
    repo.git(&["checkout", "-q", "main"]);
    repo.commit("fix: on main");
    repo.clock += 1;
    repo.git(&[
        "merge",
        "-q",
        "--no-ff",
        "feature",
        "-m",
        "Merge branch 'feature'",
    ]);
    let json: serde_json::Value =
        serde_json::from_str(&ok(&repo.gate(&["release", "next", "--format", "json"]))).unwrap();
    assert_eq!(json["version"], "1.1.0");
    assert_eq!(
        json["last_release"], "v1.0.0",
        "the annotated tag is peeled"
    );
    assert_eq!(json["commits"], 3, "both sides of the merge, and the merge");
    // The merge message is not linted (commitlint's default ignores).
    assert_eq!(
        code(&repo.gate(&["release", "lint", "--range", "v1.0.0..HEAD"])),
        0
    );
}

#[test]
fn branches_release_rules_and_notes_types_from_gate_toml() {
    // renovate's settings: bare `{version}` tags, `build` → patch with a "Build System"
    // section, maintenance branches named `maint/N.x`.
    let mut repo = Repo::new();
    repo.commit("chore: init").tag("1.0.0");
    repo.git(&["branch", "maint/1.x"]);
    repo.commit("feat: main feature").tag("1.1.0");
    repo.commit("build(deps): update the toolchain");
    std::fs::write(
        repo.file("gate.toml"),
        r#"[release]
tag-format = "{version}"
branches = [
  { name = "maint/+([0-9])?(.{+([0-9]),x}).x" },
  "main",
  { name = "next", prerelease = true },
]
release-rules = [{ type = "build", release = "patch" }]
notes-types = [
  { type = "feat", section = "Features" },
  { type = "build", section = "Build System" },
]
"#,
    )
    .unwrap();
    repo.git(&["add", "gate.toml"]);
    assert_eq!(ok(&repo.gate(&["release", "next"])), "1.1.1\n");
    let notes = ok(&repo.gate(&["release", "notes", "--date", "2026-01-02"]));
    assert!(
        notes.contains("### Build System\n\n* **deps:** update the toolchain"),
        "{notes}"
    );
    assert_eq!(
        ok(&repo.gate(&["release", "next", "--branch", "next"])),
        "1.1.1-next.1\n"
    );
    // `maint/1.x`, cut at 1.0.0 while main released 1.1.0, may only release `>=1.0.0 <1.1.0`.
    repo.git(&["checkout", "-q", "maint/1.x"]);
    repo.commit("fix: backport");
    assert_eq!(ok(&repo.gate(&["release", "next"])), "1.0.1\n");
    repo.commit("feat: backported feature");
    let output = repo.gate(&["release", "next"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("Only versions within `>=1.0.0 <1.1.0`"),
        "{}",
        stderr(&output)
    );
    // Globs other than the maintenance pattern are refused, naming the line.
    std::fs::write(
        repo.file("gate.toml"),
        "[release]\nbranches = [\"release/*\"]\n",
    )
    .unwrap();
    let output = repo.gate(&["release", "next"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("not other globs") && stderr(&output).contains(":2"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn bump_refuses_to_lower_a_version_unless_allowed() {
    let repo = released_then_feature();
    std::fs::write(
        repo.file("package.json"),
        "{\n  \"version\": \"2.0.0\"\n}\n",
    )
    .unwrap();
    let output = repo.gate(&["release", "bump", "package.json"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("package.json: 1.1.0 is lower than the 2.0.0 it holds")
            && stderr(&output).contains("--allow-lower"),
        "{}",
        stderr(&output)
    );
    let read = || std::fs::read_to_string(repo.file("package.json")).unwrap();
    assert_eq!(read(), "{\n  \"version\": \"2.0.0\"\n}\n");
    let output = repo.gate(&["release", "bump", "package.json", "--to", "0.1.0"]);
    assert_eq!(code(&output), 2, "{}", stdout(&output));
    assert_eq!(
        ok(&repo.gate(&["release", "bump", "package.json", "--allow-lower"])),
        "package.json: 1.1.0\n"
    );
    assert_eq!(read(), "{\n  \"version\": \"1.1.0\"\n}\n");
    // The same version again is not lowering.
    ok(&repo.gate(&["release", "bump", "package.json"]));
}

#[test]
fn changelog_twice_adds_the_section_once() {
    let repo = released_then_feature();
    let args = ["release", "changelog", "--date", "2026-01-02"];
    ok(&repo.gate(&args));
    let first = std::fs::read_to_string(repo.file("CHANGELOG.md")).unwrap();
    let output = repo.gate(&args);
    assert_eq!(code(&output), 0);
    assert!(
        stderr(&output).contains("CHANGELOG.md already has a section for 1.1.0"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(repo.file("CHANGELOG.md")).unwrap(),
        first
    );
}

#[test]
fn semantic_release_and_commitlint_files_are_read_and_gate_toml_wins() {
    // renovate's case: `${version}` tags in .releaserc.json and an old `v11.35.4` tag. Read
    // as semantic-release reads it, nothing since 12.0.0 asks for a release.
    let mut repo = Repo::new();
    repo.commit("feat: old").tag("v11.35.4");
    repo.commit("feat: new").tag("12.0.0");
    repo.commit("docs: typo");
    std::fs::write(
        repo.file(".releaserc.json"),
        r#"{"tagFormat": "${version}", "preset": "conventionalcommits",
            "plugins": ["@semantic-release/commit-analyzer",
                        "@semantic-release/release-notes-generator", "@semantic-release/npm"]}"#,
    )
    .unwrap();
    std::fs::write(
        repo.file("commitlint.config.js"),
        "module.exports = {\n  extends: ['@commitlint/config-conventional'],\n  rules: { 'header-max-length': [2, 'always', 20] },\n};\n",
    )
    .unwrap();
    let output = repo.gate(&["release", "next", "--format", "json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["released"], false);
    assert_eq!(json["last_release"], "12.0.0");
    assert!(
        stderr(&output).contains("note: .releaserc.json: gate computes the version and notes; it does not run @semantic-release/npm"),
        "{}",
        stderr(&output)
    );
    let output = repo.gate(&[
        "release",
        "lint",
        "--message",
        "fix: a subject longer than twenty",
    ]);
    assert_eq!(code(&output), 1, "{}", stdout(&output));

    // `gate init` writes them as [release]; then gate.toml wins, and says so once.
    let output = repo.gate(&["init"]);
    assert!(
        ok(&output).starts_with(
            "imported .releaserc.json and commitlint.config.js into [release]\n  not honoured: \
             .releaserc.json: gate computes the version and notes; it does not run \
             @semantic-release/npm (publishing stays in your pipeline)\nwrote gate.toml\n"
        ),
        "{}",
        ok(&output)
    );
    let config = std::fs::read_to_string(repo.file("gate.toml")).unwrap();
    assert!(
        config.contains("[release]\n# read from .releaserc.json and commitlint.config.js\n")
            && config.contains("\ntag-format = \"${version}\"\n")
            && config.contains("\nheader-max-length = 20\n"),
        "{config}"
    );
    let output = repo.gate(&["release", "next"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(
        stderr(&output).matches("note: [release] in ").count(),
        1,
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("wins; .releaserc.json and commitlint.config.js not read"),
        "{}",
        stderr(&output)
    );
}
