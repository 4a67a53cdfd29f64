//! Property tests: every report parser, the diff parser and the settings readers return a value
//! or an error for any input (arbitrary bytes, or a real fixture mutated), never panic, and
//! finish within a bounded time. `PROPTEST_CASES` raises the number of cases.

#[path = "../../../tests/support/properties.rs"]
mod support;

use gate_coverage::{
    AddedLines, Baseline, CheckConfig, DiffCoverage, Format, PythonSettings, ReadOptions, check,
    parse_report,
};
use proptest::prelude::*;
use support::{bounded, bytes, config, lossy, mutated, text, timed};

const REPORTS: &[&[u8]] = &[
    include_bytes!("fixtures/coveragepy-shop/coverage.xml"),
    include_bytes!("fixtures/coveragepy-shop/coverage.lcov"),
    include_bytes!("fixtures/coveragepy-shop/coverage.json"),
    include_bytes!("fixtures/coveragepy-shop/coverage-lines.json"),
    include_bytes!("fixtures/flavours/gcovr.xml"),
    include_bytes!("fixtures/flavours/istanbul.xml"),
    include_bytes!("fixtures/flavours/jacoco.xml"),
    include_bytes!("fixtures/flavours/llvm-cov.xml"),
    include_bytes!("fixtures/coveragepy-idna/coverage.xml"),
    include_bytes!("fixtures/coveragepy-idna/coverage.lcov"),
];

const DIFFS: &[&[u8]] = &[include_bytes!("fixtures/diff-shop/pr.diff")];

const SETTINGS: &[&[u8]] = &[
    include_bytes!("fixtures/coveragepy-shop/project/pyproject.toml"),
    b"[run]\nbranch = True\nsource = src\nomit =\n    */tests/*\n[report]\nprecision = 2\n",
    b"[coverage:run]\nbranch = true\n[coverage:report]\nfail_under = 80.5\nprecision = 1\n",
];

const BASELINES: &[&[u8]] = &[
    br#"{"version": 1, "files": {"src/a.py": {"covered": 3, "total": 4}}, "total": {"covered": 3, "total": 4}}"#,
];

/// The syntax of the formats here, spliced into arbitrary text and into fixtures.
const TOKENS: &[&str] = &[
    "<",
    ">",
    "</",
    "/>",
    "=\"",
    "\"",
    "<coverage",
    "<report",
    "<package",
    "<class",
    "<line",
    "<lines>",
    "<counter",
    "<sourcefile",
    "number=\"",
    "hits=\"",
    "nr=\"",
    "mi=\"",
    "ci=\"",
    "filename=\"",
    "branch=\"true\"",
    "condition-coverage=\"",
    "50% (1/2)",
    "<!DOCTYPE",
    "&amp;",
    "&#",
    "<![CDATA[",
    "TN:",
    "SF:",
    "DA:",
    "BRDA:",
    "FN:",
    "FNDA:",
    "LF:",
    "LH:",
    "end_of_record",
    ",",
    "{",
    "}",
    "[",
    "]",
    ":",
    "\"files\"",
    "\"executed_lines\"",
    "\"missing_branches\"",
    "\"meta\"",
    "\"version\"",
    "4294967295",
    "18446744073709551616",
    "-1",
    "1e999",
    "NaN",
    "diff --git a/x b/x",
    "--- a/",
    "+++ b/",
    "@@ -1,3 +1,4 @@",
    "@@",
    "+",
    "-",
    " ",
    "\\ No newline at end of file",
    "/dev/null",
    "rename to ",
    "Binary files ",
    "[run]",
    "[report]",
    "[tool.coverage.run]",
    "precision",
    "fail_under",
    "branch",
    "omit",
    "0",
    "999999999999",
    "\r\n",
];

/// Every report entry point the CLI uses: detection, then each format forced, and for a report
/// that reads, the gate's check over it.
fn read_every_way(name: &str, input: &[u8]) -> Result<(), TestCaseError> {
    let detected = timed("detected read", || {
        parse_report(input, name, &ReadOptions::default())
    })?;
    if let Ok(coverage) = detected {
        bounded("check", || check(&coverage, &CheckConfig::default()))?;
    }
    for format in [
        Format::Cobertura,
        Format::Jacoco,
        Format::Lcov,
        Format::CoveragePyJson,
    ] {
        let options = ReadOptions {
            format: Some(format),
            ..ReadOptions::default()
        };
        bounded(&format!("{format:?} read"), || {
            parse_report(input, name, &options)
        })?;
    }
    Ok(())
}

fn diff_every_way(text: &str) -> Result<(), TestCaseError> {
    let added = timed("diff parse", || AddedLines::parse(text, "pr.diff"))?;
    if let Ok(added) = added {
        let coverage = parse_report(REPORTS[0], "coverage.xml", &ReadOptions::default())
            .expect("the fixture reads");
        bounded("diff coverage", || {
            let diff = DiffCoverage::compute(&coverage, &added, true);
            (diff.percent(), diff.uncovered_runs(&coverage))
        })?;
    }
    Ok(())
}

fn settings_every_way(text: &str) -> Result<(), TestCaseError> {
    bounded("pyproject.toml", || {
        PythonSettings::from_pyproject(text, "pyproject.toml")
    })?;
    bounded(".coveragerc", || {
        PythonSettings::from_coveragerc(text, ".coveragerc")
    })?;
    bounded("setup.cfg", || {
        PythonSettings::from_setup_cfg(text, "setup.cfg")
    })?;
    bounded("baseline", || Baseline::from_json(text, "baseline.json"))?;
    Ok(())
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn reports_take_arbitrary_bytes(input in bytes()) {
        for name in ["coverage.xml", "lcov.info", "coverage.json", "report"] {
            read_every_way(name, &input)?;
        }
    }

    #[test]
    fn reports_take_arbitrary_text(input in text(TOKENS)) {
        read_every_way("coverage.xml", input.as_bytes())?;
    }

    #[test]
    fn reports_take_mutated_fixtures((_, input) in mutated(REPORTS, TOKENS)) {
        read_every_way("coverage.xml", &input)?;
    }

    #[test]
    fn diffs_take_arbitrary_text(input in text(TOKENS), raw in bytes()) {
        diff_every_way(&input)?;
        diff_every_way(&lossy(&raw))?;
    }

    #[test]
    fn diffs_take_mutated_fixtures((_, input) in mutated(DIFFS, TOKENS)) {
        diff_every_way(&lossy(&input))?;
    }

    #[test]
    fn settings_take_arbitrary_text(input in text(TOKENS), raw in bytes()) {
        settings_every_way(&input)?;
        settings_every_way(&lossy(&raw))?;
    }

    #[test]
    fn settings_take_mutated_fixtures(
        (_, input) in mutated(SETTINGS, TOKENS),
        (_, baseline) in mutated(BASELINES, TOKENS),
    ) {
        settings_every_way(&lossy(&input))?;
        settings_every_way(&lossy(&baseline))?;
    }
}
