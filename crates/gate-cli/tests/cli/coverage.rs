//! `gate coverage check|report|baseline` without a gate.toml: every flag, as a script uses it.

use std::path::Path;
use std::process::Command;

use crate::{code, copy_of, fixture, gate, human_stdout, stderr, stdout};

fn service() -> std::path::PathBuf {
    fixture("service")
}

fn check(args: &[&str]) -> std::process::Output {
    let mut all = vec!["coverage", "check", "coverage.xml"];
    all.extend_from_slice(args);
    gate(&service(), &all)
}

#[test]
fn fail_under_and_precision_follow_coverage_py() {
    // 71.43% (10 statements + 4 branches, 8 + 2 covered).
    let output = check(&["--fail-under", "71.43", "--precision", "2"]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    let output = check(&["--fail-under", "71.44", "--precision", "2"]);
    assert_eq!(code(&output), 1);
    assert!(stdout(&output).contains("total of 71.43 is less than fail-under=71.44"));
    // With precision 0 the total rounds to 71: 71.4 needs one decimal, so it fails.
    let output = check(&["--fail-under", "71.4"]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    let output = check(&["--fail-under", "72"]);
    assert_eq!(code(&output), 1);
    assert!(stdout(&output).contains("total of 71 is less than fail-under=72"));
}

#[test]
fn pyproject_supplies_fail_under_and_precision() {
    let output = check(&["--pyproject", "pyproject.toml"]);
    assert_eq!(code(&output), 0);
    assert!(
        stdout(&output).contains("total of 71.43 meets fail-under=70.00"),
        "{}",
        stdout(&output)
    );
    // An explicit flag wins over the file.
    let output = check(&["--pyproject", "pyproject.toml", "--fail-under", "75"]);
    assert_eq!(code(&output), 1);
}

#[test]
fn line_branch_file_path_and_uncovered_thresholds() {
    assert_eq!(code(&check(&["--line-fail-under", "80"])), 0);
    assert_eq!(code(&check(&["--line-fail-under", "81"])), 1);
    assert_eq!(code(&check(&["--branch-fail-under", "50"])), 0);
    assert_eq!(code(&check(&["--branch-fail-under", "51"])), 1);
    let output = check(&["--path", "shop/pay.py=65"]);
    assert_eq!(code(&output), 1);
    assert!(
        stdout(&output).contains("shop/pay.py 60.00% < 65%"),
        "{}",
        stdout(&output)
    );
    let output = check(&["--file-fail-under", "70"]);
    assert_eq!(code(&output), 1);
    assert!(
        stdout(&output).contains("shop/pay.py"),
        "{}",
        stdout(&output)
    );
    assert_eq!(code(&check(&["--max-uncovered-lines", "2"])), 0);
    assert_eq!(code(&check(&["--max-uncovered-lines", "1"])), 1);
    let output = check(&["--path", "no-equals-sign"]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("expected GLOB=PERCENT"));
}

#[test]
fn no_branch_uses_line_coverage_only() {
    // 8 of 10 lines: 80%.
    let output = check(&["--no-branch", "--fail-under", "80"]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    let output = check(&["--branch", "--fail-under", "80"]);
    assert_eq!(code(&output), 1);
}

#[test]
fn diff_coverage_from_a_file() {
    let output = check(&["--diff", "pr.diff", "--diff-fail-under", "66"]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    let output = check(&["--diff", "pr.diff", "--diff-fail-under", "67"]);
    assert_eq!(code(&output), 1);
    assert!(
        human_stdout(&output)
            .contains("diff coverage 66% < 67% (66.67%: 2 of 3 measured added lines covered)")
    );
    // Branch-aware: line 3 of cart.py is partial but not added, so the figure is unchanged here.
    let output = check(&[
        "--diff",
        "pr.diff",
        "--diff-branch-aware",
        "--diff-fail-under",
        "66",
    ]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    let output = check(&["--diff-fail-under", "66"]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("needs --diff FILE or --compare-branch REF"));
}

fn git(directory: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(directory)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[test]
fn compare_branch_diffs_against_the_merge_base() {
    let directory = copy_of("service");
    let root = directory.path();
    std::fs::create_dir(root.join("shop")).unwrap();
    std::fs::write(root.join("shop/cart.py"), "a\nb\nc\nd\n").unwrap();
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "chore: start"]);
    git(root, &["checkout", "-q", "-b", "feature"]);
    std::fs::write(root.join("shop/cart.py"), "a\nb\nc\nd\ne\nf\ng\n").unwrap();
    git(root, &["commit", "-q", "-am", "feat: totals"]);
    let output = gate(
        root,
        &[
            "coverage",
            "check",
            "coverage.xml",
            "--compare-branch",
            "main",
            "--diff-fail-under",
            "80",
        ],
    );
    assert_eq!(code(&output), 1, "{}{}", stdout(&output), stderr(&output));
    assert!(
        human_stdout(&output).contains("2 of 3 measured added lines covered"),
        "{}",
        stdout(&output)
    );
    let output = gate(
        root,
        &[
            "coverage",
            "check",
            "coverage.xml",
            "--compare-branch",
            "no-such-ref",
        ],
    );
    assert_eq!(code(&output), 2);
    assert!(
        stdout(&output).contains("git diff no-such-ref...HEAD"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn report_root_and_path_map_make_paths_repository_relative() {
    let output = check(&[
        "--report-root",
        "services/shop",
        "--path",
        "services/shop/shop/**=70",
    ]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    let output = check(&["--path-map", "shop=lib/shop", "--path", "lib/shop/**=70"]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    let output = check(&["--path-map", "nonsense"]);
    assert_eq!(code(&output), 2);
}

#[test]
fn baseline_and_ratchet() {
    let directory = copy_of("service");
    let root = directory.path();
    let output = gate(
        root,
        &[
            "coverage",
            "baseline",
            "coverage.xml",
            "--path",
            "shop/**",
            "-o",
            "baseline.json",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(stdout(&output).contains("wrote baseline.json (total 71.43%)"));
    let baseline: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("baseline.json")).unwrap())
            .unwrap();
    assert_eq!(baseline["version"], 1);
    assert_eq!(baseline["total"]["statements"], 10);
    assert!(baseline["paths"]["shop/**"].is_object());
    // The same report does not drop.
    let output = gate(
        root,
        &[
            "coverage",
            "check",
            "coverage.xml",
            "--baseline",
            "baseline.json",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    // A baseline that was higher: a drop beyond the tolerance fails, within it passes.
    let raised = std::fs::read_to_string(root.join("baseline.json"))
        .unwrap()
        .replace("\"covered_statements\": 8", "\"covered_statements\": 9");
    std::fs::write(root.join("baseline.json"), raised).unwrap();
    let output = gate(
        root,
        &[
            "coverage",
            "check",
            "coverage.xml",
            "--baseline",
            "baseline.json",
        ],
    );
    assert_eq!(code(&output), 1, "{}", stdout(&output));
    let output = gate(
        root,
        &[
            "coverage",
            "check",
            "coverage.xml",
            "--baseline",
            "baseline.json",
            "--tolerance",
            "10",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stdout(&output));
}

#[test]
fn report_prints_the_coverage_table() {
    let output = gate(
        &service(),
        &[
            "coverage",
            "report",
            "coverage.xml",
            "--show-missing",
            "--precision",
            "2",
        ],
    );
    assert_eq!(code(&output), 0);
    insta::assert_snapshot!("report_missing", stdout(&output));
    let output = gate(
        &service(),
        &["coverage", "report", "coverage.xml", "--sort", "-cover"],
    );
    let text = stdout(&output);
    assert!(
        text.find("cart.py").unwrap() < text.find("pay.py").unwrap(),
        "{text}"
    );
    let output = gate(
        &service(),
        &["coverage", "report", "coverage.xml", "--sort", "cover"],
    );
    let text = stdout(&output);
    assert!(
        text.find("pay.py").unwrap() < text.find("cart.py").unwrap(),
        "{text}"
    );
    let output = gate(
        &service(),
        &["coverage", "report", "coverage.xml", "--json"],
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["total"]["statements"], 10);
    assert_eq!(json["files"][1]["missing_lines"], "3");
    let output = gate(
        &service(),
        &["coverage", "report", "coverage.xml", "--no-branch"],
    );
    assert!(!stdout(&output).contains("Branch"));
    let output = gate(
        &service(),
        &["coverage", "report", "coverage.xml", "--sort", "size"],
    );
    assert_eq!(code(&output), 2);
}

#[test]
fn a_broken_report_is_an_error_naming_the_file_and_line() {
    let directory = copy_of("service");
    std::fs::write(
        directory.path().join("broken.xml"),
        "<coverage>\n<packages>\n<package>\n</coverage>\n",
    )
    .unwrap();
    let output = gate(
        directory.path(),
        &["coverage", "check", "broken.xml", "--fail-under", "10"],
    );
    assert_eq!(code(&output), 2);
    assert!(
        stdout(&output).contains("broken.xml"),
        "{}",
        stdout(&output)
    );
    let output = gate(directory.path(), &["coverage", "report", "missing.xml"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("missing.xml"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn check_output_formats_work_without_a_config() {
    let output = check(&["--fail-under", "90", "--format", "sarif"]);
    assert_eq!(code(&output), 1);
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let location = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    // The total has no file of its own: it points at the report.
    assert_eq!(location["artifactLocation"]["uri"], "coverage.xml");
    assert_eq!(location["region"]["startLine"], 1);
}

#[test]
fn a_report_with_several_sources_resolves_files_where_the_project_has_them() {
    let directory = tempfile::tempdir().unwrap();
    let root = directory.path().canonicalize().unwrap();
    let root_text = root.to_str().unwrap();
    // gcovr-style: two source roots, file names relative to whichever holds them.
    let report = format!(
        r#"<?xml version="1.0" ?>
<coverage version="7.17.5" timestamp="1" lines-valid="2" lines-covered="1" line-rate="0.5" branches-covered="0" branches-valid="0" branch-rate="0" complexity="0">
  <sources><source>{root_text}/api</source><source>{root_text}/worker</source></sources>
  <packages><package name="." line-rate="0.5" branch-rate="0" complexity="0"><classes>
    <class name="jobs.py" filename="jobs.py" complexity="0" line-rate="0.5" branch-rate="0">
      <methods/><lines><line number="1" hits="1"/><line number="2" hits="0"/></lines>
    </class>
  </classes></package></packages>
</coverage>
"#
    );
    std::fs::write(root.join("coverage.xml"), report).unwrap();
    let names = |root: &Path| {
        let output = gate(root, &["coverage", "report", "coverage.xml", "--json"]);
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        json["files"][0]["name"].as_str().unwrap().to_owned()
    };
    // When the project has the file nowhere, the first source wins.
    assert_eq!(names(&root), "api/jobs.py");
    // Without git, the file system says which source holds it.
    std::fs::create_dir_all(root.join("worker")).unwrap();
    std::fs::write(root.join("worker/jobs.py"), "x = 1\ny = 2\n").unwrap();
    assert_eq!(names(&root), "worker/jobs.py");
    // With git, its list says so too (a file deleted from disk but still tracked).
    git(&root, &["init", "-q"]);
    git(&root, &["add", "worker/jobs.py"]);
    std::fs::remove_file(root.join("worker/jobs.py")).unwrap();
    assert_eq!(names(&root), "worker/jobs.py");
}

#[test]
fn an_absurd_precision_is_a_usage_error_not_a_panic() {
    for command in ["check", "report"] {
        let output = gate(
            &service(),
            &["coverage", command, "coverage.xml", "--precision", "65536"],
        );
        assert_eq!(code(&output), 2, "{command}: {}", stderr(&output));
        assert!(
            stderr(&output).contains("--precision"),
            "{}",
            stderr(&output)
        );
        assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
    }
}

#[test]
fn a_path_map_onto_the_project_root_applies() {
    let directory = fixture("coverage-path-map-dot");
    for report in ["e12-path-map-dot.lcov", "e12-path-map-dot.xml"] {
        for map in ["/app=.", "/app/=./", "/app/src=src"] {
            let args = [
                "coverage",
                "check",
                report,
                "--path-map",
                map,
                "--diff",
                "e12-path-map-dot.diff",
                "--diff-fail-under",
                "80",
            ];
            let output = gate(&directory, &args);
            let text = human_stdout(&output);
            assert_eq!(code(&output), 1, "{report} {map}: {text}");
            assert!(
                text.contains("diff coverage 25% < 80% (25.00%: 1 of 4 measured added lines"),
                "{report} {map}: {text}"
            );
        }
    }
}

/// `gate coverage check` in the CI artifact fixture's project (see its README).
fn check_artifact(report: &str, args: &[&str]) -> std::process::Output {
    let project = fixture("coverage-ci-artifact").join("project");
    let mut all = vec!["coverage", "check", report, "--diff", "pr.diff"];
    all.extend_from_slice(args);
    gate(&project, &all)
}

/// diff-cover 11.0.3 on these reports, run from the project: 4 of 11 added lines, 36%.
const DIFF_COVER_FIGURES: &str =
    "diff coverage 36% < 80% (36.36%: 4 of 11 measured added lines covered)";

#[test]
fn a_report_downloaded_outside_the_project_keeps_its_relative_names() {
    let absolute = fixture("coverage-ci-artifact").join("artifacts");
    for format in ["xml", "lcov", "json"] {
        let relative = format!("../artifacts/coverage.{format}");
        let absolute = absolute.join(format!("coverage.{format}"));
        for report in [relative.as_str(), absolute.to_str().unwrap()] {
            let output =
                check_artifact(report, &["--diff-fail-under", "80", "--path", "src/**=85"]);
            let text = stdout(&output);
            assert_eq!(code(&output), 1, "{report}: {text}");
            assert!(text.contains(DIFF_COVER_FIGURES), "{report}: {text}");
            assert!(text.contains("src/** 42.86% < 85%"), "{report}: {text}");
            assert!(!text.contains("diff-unmatched"), "{report}: {text}");
            let project = fixture("coverage-ci-artifact").join("project");
            let output = gate(&project, &["coverage", "report", report, "--json"]);
            let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
            let names: Vec<&str> = json["files"]
                .as_array()
                .unwrap()
                .iter()
                .map(|row| row["name"].as_str().unwrap())
                .collect();
            assert_eq!(
                names,
                ["src/pkg/__init__.py", "src/pkg/extra.py", "src/pkg/mod.py"],
                "{report}"
            );
        }
    }
}

#[test]
fn absolute_names_from_another_machine_warn_until_mapped() {
    for format in ["xml", "lcov", "json"] {
        let report = format!("../artifacts-abs/coverage.{format}");
        // diff-cover measures nothing here and passes; gate passes too, but says why.
        let output = check_artifact(&report, &["--diff-fail-under", "80"]);
        let text = human_stdout(&output);
        assert_eq!(code(&output), 0, "{format}: {text}");
        assert!(text.contains("0 of 0 measured"), "{format}: {text}");
        assert!(
            text.contains(
                "2 changed source files not in the coverage report, so diff coverage does not \
                 measure their added lines: src/pkg/extra.py, src/pkg/mod.py; the report names \
                 src/pkg/extra.py as /home/runner/work/proj/proj/src/pkg/extra.py: map its paths \
                 onto the project with path-map (--path-map /home/runner/work/proj/proj=.)"
            ),
            "{format}: {text}"
        );
        let output = check_artifact(&report, &["--diff-unmatched", "fail"]);
        assert_eq!(code(&output), 1, "{format}: {}", stdout(&output));
        let mapped = [
            "--diff-fail-under",
            "80",
            "--path-map",
            "/home/runner/work/proj/proj=.",
        ];
        let output = check_artifact(&report, &mapped);
        let text = stdout(&output);
        assert_eq!(code(&output), 1, "{format}: {text}");
        assert!(text.contains(DIFF_COVER_FIGURES), "{format}: {text}");
        assert!(!text.contains("diff-unmatched"), "{format}: {text}");
    }
    let output = check(&["--diff-unmatched", "fail"]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("--diff-unmatched needs --diff FILE"));
    let output = check(&["--diff", "pr.diff", "--diff-unmatched", "never"]);
    assert_eq!(code(&output), 2);
}

#[test]
fn documentation_changes_are_not_unmatched_source() {
    let directory = tempfile::tempdir().unwrap();
    let root = directory.path();
    std::fs::write(
        root.join("cov.lcov"),
        "SF:src/a.py\nDA:1,1\nend_of_record\n",
    )
    .unwrap();
    let diff = "+++ b/README.md\n@@ -0,0 +1 @@\n+docs\n+++ b/Makefile\n@@ -0,0 +1 @@\n+all:\n";
    std::fs::write(root.join("pr.diff"), diff).unwrap();
    let output = gate(
        root,
        &["coverage", "check", "cov.lcov", "--diff", "pr.diff"],
    );
    assert_eq!(code(&output), 0);
    assert!(
        !stdout(&output).contains("diff-unmatched"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn gate_toml_maps_paths_onto_its_own_directory() {
    let directory = copy_of("coverage-ci-artifact");
    let project = directory.path().join("project");
    let config = |extra: &str| {
        format!(
            "[coverage]\nreports = [\"../artifacts-abs/coverage.lcov\"]\ndiff-file = \"pr.diff\"\n\
             diff-fail-under = 80\n{extra}\n"
        )
    };
    std::fs::write(
        project.join("gate.toml"),
        config(
            "path-map = { \"/home/runner/work/proj/proj\" = \".\" }\npaths = { \"src/**\" = 85 }",
        ),
    )
    .unwrap();
    // Run from a subdirectory: names stay relative to the gate.toml directory.
    for here in [project.clone(), project.join("src")] {
        let output = gate(&here, &["check"]);
        let text = stdout(&output);
        assert_eq!(code(&output), 1, "{text}{}", stderr(&output));
        assert!(text.contains(DIFF_COVER_FIGURES), "{text}");
        assert!(text.contains("src/** 42.86% < 85%"), "{text}");
    }
    std::fs::write(
        project.join("gate.toml"),
        config("diff-unmatched = \"fail\""),
    )
    .unwrap();
    let output = gate(&project, &["check"]);
    assert_eq!(code(&output), 1, "{}", stdout(&output));
    assert!(stdout(&output).contains("coverage/diff-unmatched"));
    std::fs::write(
        project.join("gate.toml"),
        config("diff-unmatched = \"loud\""),
    )
    .unwrap();
    let output = gate(&project, &["check"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("`diff-unmatched` is `loud`: use \"warn\" or \"fail\""),
        "{}",
        stderr(&output)
    );
}

/// gate-coverage's fixture of two coverage.py runs taking opposite sides of one `if`.
fn merge_branch_union() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../gate-coverage/tests/fixtures/merge-branch-union")
}

#[test]
fn merged_runs_union_their_branches_as_coverage_combine_does() {
    for [first, second] in [["run1.json", "run2.json"], ["run1.lcov", "run2.lcov"]] {
        let args = ["coverage", "check", first, second, "--fail-under", "100"];
        let output = gate(&merge_branch_union(), &args);
        assert_eq!(code(&output), 0, "{first}: {}", stdout(&output));
        assert!(
            stdout(&output).contains("total of 100 meets fail-under=100"),
            "{}",
            stdout(&output)
        );
    }
    // Cobertura counts branches without naming them: a lower bound, and a warning says so.
    let args = [
        "coverage",
        "check",
        "run1.xml",
        "run2.xml",
        "--fail-under",
        "100",
    ];
    let output = gate(&merge_branch_union(), &args);
    assert_eq!(code(&output), 1, "{}", stdout(&output));
    assert!(
        stdout(&output).contains("warn   coverage/branch-merge"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn report_errors_name_the_file_and_line_once() {
    let directory = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(directory.path().join(name), text).unwrap();
    write(
        "x.xml",
        "<coverage>\n<packages>\n<package><classes><class filename=\"a.py\"><lines>\n<line number=\"x\" hits=\"1\"/>",
    );
    let output = gate(directory.path(), &["coverage", "check", "x.xml"]);
    assert_eq!(code(&output), 2);
    let text = stdout(&output);
    assert!(
        text.contains("  error x.xml:4: `x` is not a valid line number\n"),
        "{text}"
    );
    let output = gate(
        directory.path(),
        &["coverage", "check", "x.xml", "--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let error = &json["gates"][0]["errors"][0];
    assert_eq!(error["message"], "`x` is not a valid line number");
    assert_eq!(error["location"]["path"], "x.xml");
    assert_eq!(error["location"]["line"], 4);

    // A report without files is an error on that report, with no "ok … total of 100" beside it.
    write("empty.json", "{\"files\": {}}");
    let output = gate(
        directory.path(),
        &["coverage", "check", "empty.json", "--fail-under", "80"],
    );
    assert_eq!(code(&output), 2);
    let text = stdout(&output);
    assert!(
        text.contains("  error empty.json: No data to report: the coverage report names no files"),
        "{text}"
    );
    assert!(!text.contains("ok "), "{text}");

    // LCOV cut off inside a record says what is missing.
    write("cut.lcov", "SF:a.c\nDA:1,1\n");
    let output = gate(directory.path(), &["coverage", "check", "cut.lcov"]);
    assert!(
        human_stdout(&output).contains(
            "error cut.lcov:3: the report ends inside the record of SF:a.c, which has no \
             end_of_record line (truncated?)"
        ),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_file_below_its_minimum_is_annotated_on_its_first_uncovered_line() {
    let output = check(&["--file-fail-under", "70", "--format", "github"]);
    assert_eq!(code(&output), 1);
    assert!(
        stdout(&output).contains("::error file=shop/pay.py,line=3,title=coverage/file::"),
        "{}",
        stdout(&output)
    );
}
