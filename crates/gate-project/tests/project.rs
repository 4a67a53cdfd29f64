//! gate-project as a build tool embeds it: gate.toml text in, a gate run through a `ProjectIo`
//! the tool supplies, a `GateReport` out.

#![cfg(all(feature = "coverage", feature = "release", feature = "supply"))]

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use gate_core::Verdict;
use gate_project::{CommandOutput, Gate, ProjectIo, parse, run_gate};

/// A recorded machine: git answers from a table, nothing else is available.
#[derive(Default)]
struct Recorded {
    /// (first git argument, exit code, standard output)
    answers: Vec<(&'static str, i32, &'static str)>,
    advisory_cache: Option<PathBuf>,
    calls: Mutex<Vec<String>>,
}

impl ProjectIo for Recorded {
    fn git(
        &self,
        _directory: &Path,
        args: &[&str],
        _input: Option<&[u8]>,
    ) -> std::io::Result<CommandOutput> {
        self.calls.lock().unwrap().push(args.join(" "));
        let (code, stdout) = self
            .answers
            .iter()
            .find(|(command, _, _)| args.contains(command))
            .map_or((128, ""), |(_, code, stdout)| (*code, *stdout));
        Ok(CommandOutput {
            code: Some(code),
            stdout: stdout.as_bytes().to_vec(),
            stderr: b"fatal: not recorded".to_vec(),
        })
    }

    fn cargo(&self, _directory: &Path, _args: &[&str]) -> std::io::Result<CommandOutput> {
        Err(std::io::Error::other("no cargo here"))
    }

    fn read_stdin(&self) -> std::io::Result<String> {
        Ok(String::new())
    }

    fn now(&self) -> Option<u64> {
        None
    }

    fn advisory_cache(&self) -> Option<PathBuf> {
        self.advisory_cache.clone()
    }
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/service")
}

#[test]
fn diff_coverage_reads_the_change_through_the_supplied_git() {
    let config = parse(
        "[coverage]\nreports = [\"coverage.xml\"]\ndiff-base = \"origin/main\"\ndiff-fail-under = 80\n",
        "gate.toml",
        "gate.toml",
        &fixture(),
    )
    .unwrap();
    let io = Recorded {
        answers: vec![
            ("ls-files", 0, "shop/cart.py\0shop/tax.py\0"),
            (
                "diff",
                0,
                "diff --git a/shop/cart.py b/shop/cart.py\n--- a/shop/cart.py\n+++ b/shop/cart.py\n\
                 @@ -4,0 +5,3 @@ def total(items):\n+    if not items:\n+        return 0\n+    return sum(items)\n",
            ),
        ],
        ..Recorded::default()
    };
    let report = run_gate(&config, Gate::Coverage, &io).unwrap();
    let diff = report
        .findings
        .iter()
        .find(|finding| finding.rule.id == "coverage/diff")
        .expect("a diff coverage finding");
    // Lines 5-7 are added; line 5 is not covered: 2 of 3.
    assert_eq!(diff.verdict, Verdict::Fail, "{}", diff.message);
    assert!(diff.message.contains("66"), "{}", diff.message);
    let calls = io.calls.lock().unwrap();
    assert!(
        calls
            .iter()
            .any(|call| call.starts_with("diff -U0") && call.contains("origin/main...HEAD")),
        "{calls:?}"
    );
}

#[test]
fn a_shallow_history_errors_the_release_gate_instead_of_passing() {
    let config = parse("[release]\n", "gate.toml", "gate.toml", &fixture()).unwrap();
    let io = Recorded {
        answers: vec![("--is-shallow-repository", 0, "true\n")],
        ..Recorded::default()
    };
    let report = run_gate(&config, Gate::Release, &io).unwrap();
    assert_eq!(report.errors.len(), 1);
    assert!(
        report.errors[0].message.contains("shallow clone"),
        "{}",
        report.errors[0].message
    );
}

#[test]
fn the_audit_reads_the_cache_the_io_names_and_an_empty_one_is_an_error() {
    let cache = tempfile::tempdir().unwrap();
    let config = parse(
        "[supply.advisories]\nlockfiles = [\"requirements.txt\"]\n",
        "gate.toml",
        "gate.toml",
        &fixture(),
    )
    .unwrap();
    let io = Recorded {
        advisory_cache: Some(cache.path().to_path_buf()),
        ..Recorded::default()
    };
    let report = run_gate(&config, Gate::Supply, &io).unwrap();
    assert_eq!(report.errors.len(), 1, "{:?}", report.findings);
    let message = &report.errors[0].message;
    assert!(message.contains("no advisory database in"), "{message}");
    assert!(
        message.contains(&cache.path().display().to_string()),
        "{message}"
    );
}

#[test]
fn a_gate_without_a_section_cannot_run() {
    let config = parse("[release]\n", "gate.toml", "gate.toml", &fixture()).unwrap();
    let error = run_gate(&config, Gate::Coverage, &Recorded::default()).unwrap_err();
    assert!(
        error.to_string().contains("there is no [coverage] section"),
        "{error}"
    );
}

#[cfg(feature = "release")]
mod import {
    use std::path::{Path, PathBuf};

    use gate_project::import::import_release;
    use gate_project::settings::release::release_from_toml;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/import")
            .join(name)
    }

    /// renovate's `.releaserc.json`: `${version}` tags, build → patch, its notes sections,
    /// `maint/N.x` maintenance branches; the publishing plugins are listed as not run.
    #[test]
    fn real_configs_are_read_as_the_tools_read_them() {
        let renovate = import_release(&fixture("renovate")).unwrap().unwrap();
        assert_eq!(renovate.sources, [".releaserc.json"]);
        assert_eq!(
            renovate.notes,
            [
                ".releaserc.json: gate computes the version and notes; it does not run \
              @semantic-release/github, @semantic-release/exec, \
              @containerbase/semantic-release-pnpm (publishing stays in your pipeline)"
            ]
        );
        assert!(renovate.section.contains("\ntag-format = \"${version}\"\n"));
        assert!(renovate.section.contains(
            "\nbranches = [\n  { name = \"maint/+([0-9])?(.{+([0-9]),x}).x\" },\n  \
             { name = \"main\" },\n  { name = \"next\", prerelease = true },\n]\n"
        ));
        assert!(renovate.section.contains(
            "\nrelease-rules = [\n  { release = \"patch\", scope = \"readme.md\", type = \"docs\" },\n  \
             { release = \"patch\", type = \"build\" },\n]\n"
        ));
        assert!(
            renovate
                .section
                .contains("  { section = \"Build System\", type = \"build\" },\n")
        );
        let root = fixture("renovate");
        let settings = release_from_toml(&renovate.section, ".releaserc.json", &root).unwrap();
        assert_eq!(
            settings
                .tag_format
                .tag(&gate_release::Version::new(41, 137, 1)),
            "41.137.1"
        );
        assert_eq!(settings.release_rules.len(), 2);
        assert_eq!(settings.notes_types.as_ref().map(Vec::len), Some(12));
        let branch = gate_project::run::release::branch(&settings, "maint/41.x");
        assert!(matches!(
            branch.kind,
            gate_release::BranchKind::Maintenance { .. }
        ));
        let next = gate_project::run::release::branch(&settings, "next");
        assert!(matches!(
            next.kind,
            gate_release::BranchKind::Prerelease { ref preid } if preid == "next"
        ));

        // commitlint's own package.json: config-conventional plus a plugin config gate lacks.
        let commitlint = import_release(&fixture("commitlint")).unwrap().unwrap();
        assert_eq!(commitlint.sources, ["package.json"]);
        assert_eq!(
            commitlint.notes,
            [
                "package.json: the shareable config `@commitlint/config-workspace-scopes` is not read"
            ]
        );

        // 100ms web-sdks: a type-enum override, and a rule gate does not check.
        let web = import_release(&fixture("web-sdks")).unwrap().unwrap();
        assert_eq!(web.sources, ["commitlint.config.js"]);
        assert_eq!(
            web.notes,
            [
                "commitlint.config.js: the rule `header-min-length` [2,\"always\",5] is not one \
              gate checks"
            ]
        );
        let settings =
            release_from_toml(&web.section, "commitlint.config.js", &fixture("web-sdks")).unwrap();
        assert!(settings.lint.types.contains(&"lint".to_owned()));
        assert!(!settings.lint.types.contains(&"chore".to_owned()));
    }

    /// cosmiconfig's order decides which file wins; a JavaScript file that is code is an error
    /// naming the keys to write in gate.toml; rule levels and scopes are read.
    #[test]
    fn lookup_order_code_files_and_rule_overrides() {
        let directory = tempfile::tempdir().unwrap();
        let write =
            |name: &str, text: &str| std::fs::write(directory.path().join(name), text).unwrap();
        write(
            "release.config.js",
            "module.exports = { tagFormat: 'js-${version}' };",
        );
        write(
            ".releaserc.yml",
            "tagFormat: yml-${version}\nbranches: main\n",
        );
        // package.json without a `release` key does not count.
        write("package.json", "{\"name\": \"x\"}");
        let found = import_release(directory.path()).unwrap().unwrap();
        assert_eq!(found.sources, [".releaserc.yml"]);
        assert!(found.section.contains("tag-format = \"yml-${version}\""));
        assert!(found.section.contains("branches = [\"main\"]"));
        // The angular preset is semantic-release's default: said, not ignored.
        assert!(
            found
                .notes
                .iter()
                .any(|note| note.contains("`angular` preset"))
        );
        write(
            "package.json",
            "{\"release\": {\"tagFormat\": \"pkg-${version}\"}}",
        );
        let found = import_release(directory.path()).unwrap().unwrap();
        assert_eq!(found.sources, ["package.json"]);
        assert!(found.section.contains("pkg-${version}"));

        let directory = tempfile::tempdir().unwrap();
        let write =
            |name: &str, text: &str| std::fs::write(directory.path().join(name), text).unwrap();
        write(
            "release.config.js",
            "const branches = ['main'];\nmodule.exports = { branches };\n",
        );
        let error = import_release(directory.path()).unwrap_err();
        assert!(
            error.starts_with("release.config.js: gate reads a JavaScript config only when")
                && error.contains("tag-format (tagFormat), branches"),
            "{error}"
        );
        std::fs::remove_file(directory.path().join("release.config.js")).unwrap();
        write(
            ".commitlintrc.json",
            r#"{"extends": ["@commitlint/config-conventional"], "rules": {
                "scope-enum": [2, "always", ["api", "cli"]],
                "header-max-length": [1, "always", 72],
                "subject-case": [0],
                "body-max-line-length": [2, "always", 100]
            }}"#,
        );
        let found = import_release(directory.path()).unwrap().unwrap();
        assert_eq!(found.notes, Vec::<String>::new());
        let settings =
            release_from_toml(&found.section, ".commitlintrc.json", directory.path()).unwrap();
        assert_eq!(settings.lint.scopes, ["api", "cli"]);
        assert_eq!(settings.lint.header_max_length, 72);
        assert_eq!(
            settings.lint.levels.get("header-max-length"),
            Some(&Some(gate_release::Level::Warning))
        );
        assert_eq!(settings.lint.levels.get("subject-case"), Some(&None));
    }
}
