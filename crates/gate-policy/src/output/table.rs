//! gate's own plain tables: the checks that did not simply pass, and `verify`'s coverage.

use std::fmt::Write as _;

use crate::{CheckResult, FileCoverage, Totals};

/// A plain table: one row per warning, failure, exception, skipped test and evaluation error, then the summary
/// line. Unlike conftest's table it has no borders and no rows for checks that passed.
pub fn table(checks: &[CheckResult]) -> String {
    let mut rows: Vec<[&str; 4]> = vec![["RESULT", "FILE", "NAMESPACE", "MESSAGE"]];
    for check in checks {
        for (word, results) in [
            ("warning", &check.warnings),
            ("failure", &check.failures),
            ("exception", &check.exceptions),
            ("skipped", &check.skipped),
        ] {
            for result in results {
                rows.push([word, &check.filename, &check.namespace, &result.message]);
            }
        }
        for error in &check.errors {
            rows.push(["error", &check.filename, &check.namespace, error]);
        }
    }
    let mut widths = [0; 3];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let _ = writeln!(
            out,
            "{:w0$}  {:w1$}  {:w2$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
    }
    let _ = writeln!(out, "\n{}", Totals::of(checks).summary());
    out
}

/// Per-file line coverage of `verify`: covered lines, lines with code, percentage, lines never
/// evaluated, then the `total` percentage. Starts with a blank line, to follow the results.
pub fn coverage_table(files: &[FileCoverage], total: f64) -> String {
    let width = files
        .iter()
        .map(|file| file.path.chars().count())
        .max()
        .unwrap_or(0)
        .max("TOTAL".len());
    let mut out = format!(
        "\n{:width$}  {:>5}  {:>5}  {:>6}  MISSING\n",
        "FILE", "LINES", "COVER", "%"
    );
    for file in files {
        let lines = file.covered.len() + file.not_covered.len();
        let missing: Vec<String> = file.not_covered.iter().map(ToString::to_string).collect();
        let _ = writeln!(
            out,
            "{:width$}  {lines:>5}  {:>5}  {:>5.1}%  {}",
            file.path,
            file.covered.len(),
            file.percent(),
            missing.join(",")
        );
    }
    let _ = writeln!(
        out,
        "{:width$}  {:>5}  {:>5}  {total:>5.1}%",
        "TOTAL", "", ""
    );
    out
}

#[cfg(test)]
mod tests {
    use serde_json::Map;

    use super::*;
    use crate::RuleResult;

    fn results(messages: &[&str]) -> Vec<RuleResult> {
        messages
            .iter()
            .map(|message| RuleResult {
                message: (*message).to_owned(),
                location: None,
                metadata: Map::new(),
            })
            .collect()
    }

    #[test]
    fn the_table_lists_what_did_not_pass_then_the_summary() {
        let checks = [
            CheckResult {
                filename: "deploy/service.yaml".into(),
                namespace: "main".into(),
                successes: 3,
                warnings: results(&["replicas is 1"]),
                failures: results(&["runs as root", "no limits"]),
                ..CheckResult::default()
            },
            CheckResult {
                filename: "Dockerfile".into(),
                namespace: "docker".into(),
                successes: 1,
                exceptions: results(&["data.docker.exception[_][_] == \"latest\""]),
                ..CheckResult::default()
            },
        ];
        assert_eq!(
            table(&checks),
            "\
RESULT     FILE                 NAMESPACE  MESSAGE
warning    deploy/service.yaml  main       replicas is 1
failure    deploy/service.yaml  main       runs as root
failure    deploy/service.yaml  main       no limits
exception  Dockerfile           docker     data.docker.exception[_][_] == \"latest\"

8 tests, 4 passed, 1 warning, 2 failures, 1 exception
"
        );
        assert_eq!(
            table(&[]),
            "RESULT  FILE  NAMESPACE  MESSAGE\n\n0 tests, 0 passed, 0 warnings, 0 failures, 0 exceptions\n"
        );
    }

    #[test]
    fn the_coverage_table_aligns_paths_and_lists_missing_lines() {
        let files = [
            FileCoverage {
                path: "policy/deployment.rego".into(),
                covered: vec![3, 4, 5],
                not_covered: vec![8, 9],
            },
            FileCoverage {
                path: "a.rego".into(),
                covered: vec![1],
                not_covered: vec![],
            },
        ];
        assert_eq!(
            coverage_table(&files, 66.666),
            "
FILE                    LINES  COVER       %  MISSING
policy/deployment.rego      5      3   60.0%  8,9
a.rego                      1      1  100.0%  
TOTAL                                  66.7%
"
        );
        assert_eq!(
            coverage_table(&[], 100.0),
            "\nFILE   LINES  COVER       %  MISSING\nTOTAL                100.0%\n"
        );
    }
}
