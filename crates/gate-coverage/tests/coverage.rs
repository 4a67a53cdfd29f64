//! Integration tests against real coverage.py / diff-cover output and hand-written flavours.

use std::path::{Path, PathBuf};

use gate_core::{Metric, Verdict};
use gate_coverage::{
    AddedLines, CheckConfig, Coverage, CoverageError, DiffCoverage, FileTable, Format, PathMap,
    ReadOptions, Threshold, Totals, check, display_covered, load_python_settings, load_report,
    parse_report,
};

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

fn read(path: &str) -> String {
    std::fs::read_to_string(fixture(path)).unwrap()
}

/// The real coverage.py fixtures: `coveragepy-shop` (a package written for the tests) and
/// `coveragepy-idna` (idna 3.10's own test suite, see its README.md and record.sh).
const COVERAGEPY: [&str; 2] = ["coveragepy-shop", "coveragepy-idna"];

/// A report of one of the [`COVERAGEPY`] fixtures, with the path mapping it needs.
fn coveragepy(name: &str, file: &str) -> Coverage {
    let paths = match name {
        // The shop reports were made in /tmp/pyreal (`<source>/tmp/pyreal/shop</source>`), the
        // line-only ones in a copy at /tmp/pyreal-lines: another checkout, mapped onto the first.
        "coveragepy-shop" => PathMap::new()
            .with_root("/tmp/pyreal")
            .with_prefix("/tmp/pyreal-lines", "/tmp/pyreal"),
        // Recorded with `relative_files = True`: the paths are relative already.
        _ => PathMap::new(),
    };
    let options = ReadOptions {
        paths,
        ..ReadOptions::default()
    };
    load_report(&fixture(&format!("{name}/{file}")), &options).unwrap()
}

fn shop(file: &str) -> Coverage {
    coveragepy("coveragepy-shop", file)
}

fn idna(file: &str) -> Coverage {
    coveragepy("coveragepy-idna", file)
}

/// Statements, covered statements, branches, covered branches.
type Counts = (u64, u64, u64, u64);

fn counts(t: Totals) -> Counts {
    (
        t.statements,
        t.covered_statements,
        t.branches,
        t.covered_branches,
    )
}

/// The Cobertura, LCOV and JSON reports of one run agree, file by file, in both modes; returns
/// the branch-mode and line-only totals and the file names.
fn formats_agree(name: &str) -> (Counts, Counts, Vec<String>) {
    let xml = coveragepy(name, "coverage.xml");
    let json = coveragepy(name, "coverage.json");
    let lcov = coveragepy(name, "coverage.lcov");
    assert_eq!(counts(json.totals()), counts(xml.totals()), "{name}");
    // coverage.py's header agrees with its lines: nothing to note.
    assert!(xml.notes().is_empty(), "{name}: {:?}", xml.notes());
    assert_eq!(counts(lcov.totals()), counts(xml.totals()), "{name}");
    for (path, file) in xml.files() {
        // coverage.py's LCOV skips files without statements.
        if let Some(other) = lcov.file(path) {
            assert_eq!(
                counts(other.totals()),
                counts(file.totals()),
                "{name} {path}"
            );
        }
        assert_eq!(
            counts(json.file(path).unwrap().totals()),
            counts(file.totals()),
            "{name} {path}"
        );
    }
    let line_only = counts(coveragepy(name, "coverage-lines.xml").totals());
    for file in ["coverage-lines.json", "coverage-lines.lcov"] {
        assert_eq!(
            counts(coveragepy(name, file).totals()),
            line_only,
            "{name} {file}"
        );
    }
    let names = xml.files().map(|(path, _)| path.to_owned()).collect();
    (counts(xml.totals()), line_only, names)
}

#[test]
fn cobertura_lcov_and_json_give_the_same_totals() {
    let (branch, lines, names) = formats_agree("coveragepy-shop");
    assert_eq!(branch, (56, 38, 32, 17));
    assert_eq!(lines, (56, 38, 0, 0));
    assert_eq!(
        names,
        [
            "shop/__init__.py",
            "shop/inventory.py",
            "shop/legacy.py",
            "shop/pricing.py"
        ]
    );

    // coverage.xml: lines-valid="588" lines-covered="539" branches-valid="242"
    // branches-covered="192".
    let (branch, lines, names) = formats_agree("coveragepy-idna");
    assert_eq!(branch, (588, 539, 242, 192));
    assert_eq!(lines, (588, 539, 0, 0));
    assert_eq!(
        names,
        [
            "idna/__init__.py",
            "idna/codec.py",
            "idna/compat.py",
            "idna/core.py",
            "idna/idnadata.py",
            "idna/intranges.py",
            "idna/package_data.py",
            "idna/uts46data.py"
        ]
    );
}

/// `coverage report` rows: name, stmts, miss, [branch, brpart,] cover, missing.
fn report_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter(|line| !line.is_empty() && !line.starts_with("Name") && !line.starts_with('-'))
        .map(|line| line.split_whitespace().map(str::to_owned).collect())
        .collect()
}

/// gate's table of `file` against coverage.py's `report` (printed at `precision`).
fn assert_table_matches(name: &str, file: &str, report: &str, line_only: bool, precision: usize) {
    let expected = report_rows(&read(&format!("{name}/{report}")));
    let table = FileTable::new(&coveragepy(name, file), line_only);
    let mut rows = table.rows.clone();
    rows.push(table.total.clone());
    let label = format!("{name}: {file} vs {report}");
    assert_eq!(rows.len(), expected.len(), "{label}");
    for (row, want) in rows.iter().zip(&expected) {
        let mut got = vec![
            row.name.clone(),
            row.statements.to_string(),
            row.missing.to_string(),
        ];
        if !line_only {
            got.push(row.branches.to_string());
            got.push(row.partial_branches.to_string());
        }
        got.push(format!("{}%", display_covered(row.percent, precision)));
        if line_only && !row.missing_lines.is_empty() {
            got.extend(row.missing_lines.split_whitespace().map(str::to_owned));
        }
        let want = if line_only {
            want.clone()
        } else {
            // Branch mode also lists arcs (`29->27`), which only coverage.py's data has.
            want[..6].to_vec()
        };
        assert_eq!(got, want, "{label}");
    }
}

#[test]
fn the_table_matches_coverage_report_digit_for_digit() {
    for name in COVERAGEPY {
        // The shop's pyproject.toml sets precision = 2; idna's were recorded with --precision=2.
        for (file, report, line_only) in [
            ("coverage.xml", "report.txt", false),
            ("coverage.json", "report.txt", false),
            ("coverage.lcov", "report.txt", false),
            ("coverage-lines.xml", "report-lines.txt", true),
            ("coverage-lines.json", "report-lines.txt", true),
            ("coverage.xml", "report-lines.txt", true),
        ] {
            assert_table_matches(name, file, report, line_only, 2);
        }
    }
    // And at coverage.py's default precision 0.
    for (file, report, line_only) in [
        ("coverage.xml", "report-p0.txt", false),
        ("coverage-lines.xml", "report-lines-p0.txt", true),
        ("coverage.json", "report-lines-p0.txt", true),
    ] {
        assert_table_matches("coveragepy-idna", file, report, line_only, 0);
    }
}

#[derive(serde::Deserialize)]
struct Outcome {
    mode: String,
    fail_under: String,
    precision: u32,
    exit: i32,
    displayed: String,
    message: Option<String>,
}

/// Every `coverage report --fail-under=X --precision=P` recorded in `expected-outcomes.json`:
/// gate's verdict, displayed total and failure message equal coverage.py's.
fn assert_outcomes_match(name: &str) {
    let cases: Vec<Outcome> =
        serde_json::from_str(&read(&format!("{name}/expected-outcomes.json"))).unwrap();
    assert!(cases.len() > 40, "{name}");
    let branch = coveragepy(name, "coverage.xml");
    let lines = coveragepy(name, "coverage-lines.xml");
    for case in cases {
        let (coverage, line_only) = match case.mode.as_str() {
            "branch" => (&branch, false),
            _ => (&lines, true),
        };
        let config = CheckConfig {
            fail_under: Some(Threshold::parse(&case.fail_under).unwrap()),
            precision: case.precision,
            line_only,
            ..CheckConfig::default()
        };
        let report = check(coverage, &config);
        let label = format!(
            "{name}: {} fail_under={} precision={}",
            case.mode, case.fail_under, case.precision
        );
        let failed = report.verdict() == Verdict::Fail;
        assert_eq!(failed, case.exit == 2, "{label}");
        let Some(Metric::Percent(total)) = report.metrics.get("total.percent") else {
            panic!("no total.percent");
        };
        assert_eq!(
            display_covered(*total, case.precision as usize),
            case.displayed,
            "{label}"
        );
        if let Some(message) = case.message {
            assert_eq!(report.findings[0].message, message, "{label}");
        }
    }
}

#[test]
fn pass_fail_and_figures_match_coverage_py_at_every_threshold() {
    for name in COVERAGEPY {
        assert_outcomes_match(name);
    }
}

#[test]
fn idna_thresholds_bracket_both_totals() {
    // 731 / 830 = 88.072…% with branches, 539 / 588 = 91.666…% line-only: the recorded
    // thresholds pass just below and at the total and fail just above it, at precision 0 and 2.
    let cases: Vec<Outcome> =
        serde_json::from_str(&read("coveragepy-idna/expected-outcomes.json")).unwrap();
    let exit = |mode: &str, fail_under: &str, precision: u32| {
        cases
            .iter()
            .find(|c| c.mode == mode && c.fail_under == fail_under && c.precision == precision)
            .unwrap_or_else(|| panic!("{mode} {fail_under} {precision} not recorded"))
            .exit
    };
    for (mode, precision, below, at, above) in [
        ("branch", 0, "87", "88", "89"),
        ("branch", 2, "88.06", "88.07", "88.08"),
        ("line", 0, "91", "92", "93"),
        ("line", 2, "91.66", "91.67", "91.68"),
    ] {
        assert_eq!(exit(mode, below, precision), 0, "{mode} {below}");
        assert_eq!(exit(mode, at, precision), 0, "{mode} {at}");
        assert_eq!(exit(mode, above, precision), 2, "{mode} {above}");
    }
    let t = idna("coverage.xml").totals();
    assert!((t.percent() - 731.0 * 100.0 / 830.0).abs() < 1e-9);
}

#[test]
fn half_to_even_decides_the_62_5_edge() {
    // 55 / 88 = 62.5 exactly: Python's round gives 62, so fail_under = 63 fails at precision 0.
    let coverage = shop("coverage.xml");
    assert!((coverage.totals().percent() - 62.5).abs() < f64::EPSILON);
    let bar = Threshold::parse("63").unwrap();
    assert!(bar.fails(coverage.totals().percent(), 0));
    assert!(
        (coverage.totals().percent().round() - 63.0).abs() < f64::EPSILON,
        "f64::round would have passed it"
    );
}

#[test]
fn pyproject_settings_give_coverage_pys_verdict() {
    let settings =
        load_python_settings(&fixture("coveragepy-shop/project/pyproject.toml")).unwrap();
    assert_eq!(settings.precision, Some(2));
    let config = CheckConfig {
        fail_under: settings.fail_under,
        precision: settings.precision.unwrap_or(0),
        ..CheckConfig::default()
    };
    let report = check(&shop("coverage.xml"), &config);
    // pytest-cov printed "Total coverage: 62.50%" and coverage.py
    // "total of 62.50 is less than fail-under=80.00" for this project.
    assert_eq!(
        report.findings[0].message,
        "total of 62.50 is less than fail-under=80.00"
    );
    assert_eq!(report.verdict(), Verdict::Fail);
    assert_eq!(
        report.metrics["total.display"],
        Metric::Text("62.50".into())
    );
}

/// `Coverage: 71%` / `Missing: 2 lines` / `Total:   7 lines` out of diff-cover's text output.
fn diff_cover_figures(text: &str) -> (u64, u64, String) {
    let field = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(name))
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned()
    };
    (
        field("Total:").parse().unwrap(),
        field("Missing:").parse().unwrap(),
        field("Coverage:").trim_end_matches('%').to_owned(),
    )
}

#[test]
fn diff_coverage_equals_diff_covers_figures() {
    let options = ReadOptions {
        paths: PathMap::new().with_root("/tmp/pydiff"),
        ..ReadOptions::default()
    };
    let coverage = load_report(&fixture("diff-shop/coverage.xml"), &options).unwrap();
    let added = AddedLines::parse(&read("diff-shop/pr.diff"), "pr.diff").unwrap();

    let result = DiffCoverage::compute(&coverage, &added, false);
    let (total, missing, percent) = diff_cover_figures(&read("diff-shop/diff-cover.txt"));
    assert_eq!(
        (result.measured, result.measured - result.covered),
        (total, missing)
    );
    assert_eq!(result.diff_cover_percent().to_string(), percent);
    let (_, _, float) = diff_cover_figures(&read("diff-shop/diff-cover-float.txt"));
    assert_eq!(format!("{:.2}", result.percent()), float);
    assert_eq!(
        result.uncovered.get("shop/pricing.py").map(Vec::as_slice),
        Some(&[35, 37][..])
    );

    let branchy = DiffCoverage::compute(&coverage, &added, true);
    let (total, missing, percent) = diff_cover_figures(&read("diff-shop/diff-cover-branch.txt"));
    assert_eq!(
        (branchy.measured, branchy.measured - branchy.covered),
        (total, missing)
    );
    assert_eq!(branchy.diff_cover_percent().to_string(), percent);

    let config = CheckConfig {
        diff: Some(gate_coverage::DiffRule {
            added,
            fail_under: Some(Threshold::parse("80").unwrap()),
            branch_aware: false,
            unmatched: gate_coverage::DiffUnmatched::Warn,
        }),
        ..CheckConfig::default()
    };
    let report = check(&coverage, &config);
    // diff-cover --fail-under=80 exits 1 on this diff.
    assert_eq!(report.verdict(), Verdict::Fail);
    let located: Vec<String> = report
        .findings
        .iter()
        .filter_map(|f| f.location.as_ref().map(ToString::to_string))
        .collect();
    // 35 and 37 are separated by the measured (covered) line 36, so two annotations.
    assert_eq!(located, ["shop/pricing.py:35", "shop/pricing.py:37"]);
}

fn flavour(file: &str, paths: PathMap) -> Coverage {
    let options = ReadOptions {
        paths,
        ..ReadOptions::default()
    };
    load_report(&fixture(&format!("flavours/{file}")), &options).unwrap()
}

#[test]
fn gcovr_and_istanbul_methods_are_not_counted_twice() {
    let gcovr = flavour("gcovr.xml", PathMap::new());
    assert_eq!(counts(gcovr.totals()), (6, 3, 4, 1));
    assert!(gcovr.file("src/util.c").is_some());
    assert!((gcovr.totals().percent() - 40.0).abs() < f64::EPSILON);

    let istanbul = flavour(
        "istanbul.xml",
        PathMap::new().with_root("/home/runner/work/web/web"),
    );
    assert_eq!(counts(istanbul.totals()), (6, 5, 2, 1));
    assert!(istanbul.file("src/lib/a & b.ts").is_some());
    assert!(gcovr.notes().is_empty() && istanbul.notes().is_empty());
}

#[test]
fn llvm_cov_and_jacoco_reports_read() {
    let llvm = flavour("llvm-cov.xml", PathMap::new().with_root("/home/ci/gate"));
    let lib = llvm.file("crates/demo/src/lib.rs").unwrap();
    assert_eq!(lib.hits(1), Some(u32::MAX));
    assert_eq!(counts(llvm.totals()), (4, 3, 0, 0));

    let jacoco = flavour(
        "jacoco.xml",
        PathMap::new().with_prefix("com", "billing/src/main/java/com"),
    );
    let invoice = jacoco
        .file("billing/src/main/java/com/acme/billing/Invoice.java")
        .unwrap();
    assert_eq!(counts(invoice.totals()), (4, 3, 2, 1));
}

#[test]
fn merged_reports_take_the_best_of_each_line() {
    let xml = shop("coverage.xml");
    let mut partial = Coverage::new();
    // A second run that covered legacy.py entirely.
    let legacy = xml.file("shop/legacy.py").unwrap();
    let lines = legacy
        .lines()
        .iter()
        .map(|l| gate_coverage::LineHits {
            line: l.line,
            hits: 1,
        })
        .collect();
    partial.insert(
        "shop/legacy.py",
        gate_coverage::FileCoverage::new(lines, vec![]),
    );
    let merged = Coverage::merged([xml.clone(), partial]);
    assert_eq!(merged.len(), xml.len());
    assert_eq!(merged.totals().covered_statements, 38 + 6);

    // The same data in three formats merges into itself.
    let options = ReadOptions {
        paths: PathMap::new().with_root("/tmp/pyreal"),
        ..ReadOptions::default()
    };
    let files = ["coverage.xml", "coverage.json", "coverage.lcov"]
        .map(|name| fixture(&format!("coveragepy-shop/{name}")));
    let all = gate_coverage::load_reports(&files, &options).unwrap();
    assert_eq!(counts(all.totals()), counts(xml.totals()));
}

/// The reports `runN.EXT` of a merge fixture, merged as `gate coverage check` merges them.
fn merged_runs(name: &str, runs: usize, extension: &str) -> Coverage {
    let files: Vec<PathBuf> = (1..=runs)
        .map(|n| fixture(&format!("{name}/run{n}.{extension}")))
        .collect();
    gate_coverage::load_reports(&files, &ReadOptions::default()).unwrap()
}

/// `coverage combine`'s report (`coverage-combine-report.txt`, printed at `precision`) against
/// gate's table of the merged runs.
fn assert_merge_matches_combine(name: &str, runs: usize, extension: &str, precision: usize) {
    let merged = merged_runs(name, runs, extension);
    let table = FileTable::new(&merged, false);
    let mut rows = table.rows.clone();
    rows.push(table.total.clone());
    let got: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            vec![
                row.name.clone(),
                row.statements.to_string(),
                row.missing.to_string(),
                row.branches.to_string(),
                row.partial_branches.to_string(),
                format!("{}%", display_covered(row.percent, precision)),
            ]
        })
        .collect();
    let expected = report_rows(&read(&format!("{name}/coverage-combine-report.txt")));
    assert_eq!(got, expected, "{name} {extension}");
    let warned = check(&merged, &CheckConfig::default())
        .findings
        .iter()
        .any(|f| f.rule.id == "coverage/branch-merge");
    assert!(
        !warned,
        "{name} {extension}: an exact union needs no warning"
    );
}

#[test]
fn merged_runs_union_branches_by_name_as_coverage_combine_does() {
    // Each run takes one side of one `if`: 87.5% alone, 100% together (issue 16, defect 4).
    assert_merge_matches_combine("merge-branch-union", 2, "json", 0);
    assert_merge_matches_combine("merge-branch-union", 2, "lcov", 0);
    let combined = load_report(
        &fixture("merge-branch-union/combined.json"),
        &ReadOptions::default(),
    )
    .unwrap();
    for extension in ["json", "lcov"] {
        let merged = merged_runs("merge-branch-union", 2, extension);
        assert_eq!(counts(merged.totals()), counts(combined.totals()));
        assert_eq!(counts(merged.totals()), (6, 6, 2, 2));
    }
    // Eight runs over loops, exits and exceptions: 96.4286%, 1 partial branch.
    assert_merge_matches_combine("merge-runs", 8, "json", 4);
    assert_merge_matches_combine("merge-runs", 8, "lcov", 4);
}

#[test]
fn merged_cobertura_branches_are_a_lower_bound_with_a_warning() {
    let merged = merged_runs("merge-branch-union", 2, "xml");
    // condition-coverage="50% (1/2)" twice: which branch each run took is not in the report.
    assert_eq!(counts(merged.totals()), (6, 6, 2, 1));
    let report = check(&merged, &CheckConfig::default());
    let warning = report
        .findings
        .iter()
        .find(|f| f.rule.id == "coverage/branch-merge")
        .expect("a coverage/branch-merge warning");
    assert_eq!(warning.verdict, Verdict::Warn);
    assert!(
        warning.message.contains("1 line of m.py"),
        "{}",
        warning.message
    );

    let merged = merged_runs("merge-runs", 8, "xml");
    assert!(merged.totals().percent() < 96.4286);
    assert!(
        check(&merged, &CheckConfig::default())
            .findings
            .iter()
            .any(|f| f.rule.id == "coverage/branch-merge")
    );
    // A single report, or a run merged with one that took none of the line's branches, is
    // exact: no warning.
    let single = load_report(
        &fixture("merge-branch-union/run1.xml"),
        &ReadOptions::default(),
    )
    .unwrap();
    assert!(check(&single, &CheckConfig::default()).findings.is_empty());
}

#[test]
fn a_cobertura_header_that_disagrees_with_its_lines_is_a_warning_on_the_report() {
    // nyc's Cobertura: the header counts 3 branches, the lines hold the 2 of line 2.
    let xml = r#"<?xml version="1.0" ?>
<coverage lines-valid="2" lines-covered="2" branches-valid="3" branches-covered="2">
<packages><package name="src"><classes><class name="a.js" filename="src/a.js"><lines>
<line number="1" hits="1"/>
<line number="2" hits="1" branch="true" condition-coverage="50% (1/2)"/>
</lines></class></classes></package></packages></coverage>"#;
    let coverage = parse_report(xml.as_bytes(), "coverage.xml", &ReadOptions::default()).unwrap();
    let report = check(&coverage, &CheckConfig::default());
    let [finding] = report.findings.as_slice() else {
        panic!("one finding expected: {:?}", report.findings);
    };
    assert_eq!(finding.rule.id, "coverage/report-mismatch");
    assert_eq!(finding.verdict, Verdict::Warn);
    assert_eq!(
        finding
            .location
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("coverage.xml:2")
    );
    assert!(
        finding.message.starts_with(
            "the header counts 3 branches (branches-valid) but its <line> elements hold 2"
        ),
        "{}",
        finding.message
    );
}

#[test]
fn truncated_and_malformed_reports_are_errors_with_positions() {
    let text = read("coveragepy-shop/coverage.xml");
    let cut = &text[..text.len() / 2];
    let error = parse_report(cut.as_bytes(), "coverage.xml", &ReadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("coverage.xml:") && error.contains("ends before"),
        "{error}"
    );
    let broken = text.replacen("<lines>", "<lines><oops></lines>", 1);
    let error =
        parse_report(broken.as_bytes(), "coverage.xml", &ReadOptions::default()).unwrap_err();
    assert!(
        matches!(error, CoverageError::Xml { line: 16.., .. }),
        "{error}"
    );
    let json = read("coveragepy-shop/coverage.json");
    let error = parse_report(
        &json.as_bytes()[..json.len() / 3],
        "coverage.json",
        &ReadOptions::default(),
    )
    .unwrap_err();
    assert!(error.to_string().contains("line "), "{error}");
    let missing = load_report(
        Path::new("/nonexistent/coverage.xml"),
        &ReadOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        missing.starts_with("/nonexistent/coverage.xml: cannot read"),
        "{missing}"
    );
}

#[test]
fn size_limits_stop_oversized_input() {
    let options = ReadOptions {
        limits: gate_coverage::Limits {
            max_bytes: 1000,
            ..gate_coverage::Limits::default()
        },
        ..ReadOptions::default()
    };
    let error = load_report(&fixture("coveragepy-shop/coverage.xml"), &options).unwrap_err();
    assert!(matches!(error, CoverageError::TooLarge { .. }), "{error}");
    let text = read("coveragepy-shop/coverage.lcov");
    let error = parse_report(text.as_bytes(), "lcov.info", &options).unwrap_err();
    assert!(matches!(error, CoverageError::TooLarge { .. }), "{error}");
}

#[test]
fn one_huge_xml_attribute_or_text_is_an_error_naming_the_file_and_line() {
    let huge = "a".repeat(2 << 20);
    let cases = [
        ("coveragepy-shop/coverage.xml", "<source>", "text"),
        (
            "coveragepy-shop/coverage.xml",
            "filename=\"",
            "Cobertura attribute",
        ),
        (
            "flavours/jacoco.xml",
            "sourcefilename=\"",
            "JaCoCo attribute",
        ),
    ];
    for (report, before, what) in cases {
        let text = read(report);
        let at = text.find(before).unwrap() + before.len();
        let line = text[..at].matches('\n').count() + 1;
        let bloated = format!("{}{huge}{}", &text[..at], &text[at..]);
        let error =
            parse_report(bloated.as_bytes(), "huge.xml", &ReadOptions::default()).expect_err(what);
        assert!(
            matches!(error, CoverageError::EventTooLarge { .. }),
            "{what}: {error}"
        );
        assert!(
            error.to_string().starts_with(&format!(
                "huge.xml:{line}: one XML tag or text, or one LCOV line, is larger than 1048576"
            )),
            "{what}: {error}"
        );
        // The same report without the bloat reads.
        parse_report(text.as_bytes(), "huge.xml", &ReadOptions::default()).expect(what);
    }
}

/// xorshift: deterministic pseudo-random bytes without a dependency.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap()
    }
}

#[test]
fn arbitrary_bytes_never_panic_any_parser() {
    let seeds: Vec<Vec<u8>> = [
        "coveragepy-shop/coverage.xml",
        "coveragepy-shop/coverage.json",
        "coveragepy-shop/coverage.lcov",
        "flavours/jacoco.xml",
        "flavours/gcovr.xml",
        "diff-shop/pr.diff",
        "coveragepy-shop/project/pyproject.toml",
    ]
    .iter()
    .map(|path| std::fs::read(fixture(path)).unwrap())
    .collect();
    let alphabet = b"<>/=\"' \n\t:,{}[]()%-+@\\&;#SFDABRHLNT0123456789abcdlinecoverage";
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    let formats = [
        None,
        Some(Format::Cobertura),
        Some(Format::Jacoco),
        Some(Format::Lcov),
        Some(Format::CoveragePyJson),
    ];
    for round in 0..3000 {
        let mut bytes = if round % 3 == 0 {
            (0..random.below(300))
                .map(|_| {
                    if random.below(2) == 0 {
                        alphabet[random.below(alphabet.len())]
                    } else {
                        u8::try_from(random.below(256)).unwrap()
                    }
                })
                .collect()
        } else {
            seeds[random.below(seeds.len())].clone()
        };
        // Mutate: flip, insert, delete bytes and cut the tail.
        for _ in 0..random.below(8) {
            if bytes.is_empty() {
                break;
            }
            let at = random.below(bytes.len());
            match random.below(4) {
                0 => bytes[at] = alphabet[random.below(alphabet.len())],
                1 => bytes.insert(at, u8::try_from(random.below(256)).unwrap()),
                2 => {
                    bytes.remove(at);
                }
                _ => bytes.truncate(at),
            }
        }
        for format in formats {
            let options = ReadOptions {
                format,
                ..ReadOptions::default()
            };
            let _ = parse_report(&bytes, "fuzz", &options);
        }
        let text = String::from_utf8_lossy(&bytes);
        let _ = AddedLines::parse(&text, "fuzz.diff");
        let _ = gate_coverage::PythonSettings::from_pyproject(&text, "pyproject.toml");
        let _ = gate_coverage::PythonSettings::from_coveragerc(&text, ".coveragerc");
        let _ = gate_coverage::Baseline::from_json(&text, "baseline.json");
        let _ = Threshold::parse(&text);
    }
}

#[test]
fn baseline_written_from_a_report_ratchets_later_runs() {
    let before = shop("coverage.xml");
    let baseline = gate_coverage::Baseline::from_coverage(&before, &["shop/**"]).unwrap();
    let baseline =
        gate_coverage::Baseline::from_json(&baseline.to_json(), "coverage-baseline.json").unwrap();
    let after = shop("coverage-lines.xml"); // the same lines, but branch data lost: 67.86%
    let config = CheckConfig {
        ratchet: Some(gate_coverage::RatchetRule {
            baseline,
            tolerance: 0.5,
        }),
        ..CheckConfig::default()
    };
    // Line coverage without branches is higher, so nothing dropped.
    assert_eq!(check(&after, &config).verdict(), Verdict::Pass);
    let mut worse = before.clone();
    worse.insert(
        "shop/new.py",
        gate_coverage::FileCoverage::new(
            (1..=10)
                .map(|line| gate_coverage::LineHits { line, hits: 0 })
                .collect(),
            vec![],
        ),
    );
    let report = check(&worse, &config);
    assert_eq!(report.verdict(), Verdict::Fail);
    let targets: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.verdict == Verdict::Fail)
        .filter_map(|f| f.target.clone())
        .collect();
    assert_eq!(targets, ["total", "shop/**"]);
}
