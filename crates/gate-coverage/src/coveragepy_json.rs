//! coverage.py's `coverage json` report.
//!
//! Only each file's own `executed_lines`, `missing_lines`, branch arcs and `summary` are read;
//! the `functions` and `classes` sections repeat the same lines and are ignored. Branch totals
//! come from the summary (`covered = num_branches − missing_branches`), as coverage.py's do.

use std::collections::BTreeMap;
use std::io::Read;

use serde::Deserialize;

use crate::model::{BranchScheme, FileCoverage};
use crate::read::{Input, ReadOptions};
use crate::{Coverage, CoverageError};

#[derive(Deserialize)]
struct Report {
    files: BTreeMap<String, JsonFile>,
}

#[derive(Deserialize)]
struct JsonFile {
    executed_lines: Vec<u32>,
    missing_lines: Vec<u32>,
    #[serde(default)]
    executed_branches: Vec<(i64, i64)>,
    #[serde(default)]
    missing_branches: Vec<(i64, i64)>,
    #[serde(default)]
    summary: Option<Summary>,
}

#[derive(Deserialize)]
struct Summary {
    #[serde(default)]
    num_branches: Option<u64>,
    #[serde(default)]
    missing_branches: Option<u64>,
}

pub(crate) fn read<R: Read>(
    mut input: Input<R>,
    name: &str,
    options: &ReadOptions,
) -> Result<Coverage, CoverageError> {
    let report: Result<Report, _> = serde_json::from_reader(&mut input);
    let report = match report {
        Ok(report) => report,
        Err(source) if source.is_io() => {
            return Err(input.io_error(name, std::io::Error::other(source.to_string())));
        }
        Err(source) => {
            return Err(CoverageError::Json {
                file: name.to_owned(),
                source,
            });
        }
    };
    let mut coverage = Coverage::new();
    for (path, json) in report.files {
        let mut file = FileCoverage::default();
        for line in json.executed_lines {
            file.push_line(line, 1);
        }
        for line in json.missing_lines {
            file.push_line(line, 0);
        }
        // Arcs start at a line; a negative or zero start is an entry arc, not a branch line.
        // Each arc is named by its destination, so two runs merge arc by arc, as
        // `coverage combine` does.
        for (arcs, taken) in [
            (&json.executed_branches, true),
            (&json.missing_branches, false),
        ] {
            for &(from, to) in arcs {
                if let Ok(from) = u32::try_from(from)
                    && from > 0
                {
                    #[allow(clippy::cast_sign_loss)] // a name only: exits (negative) stay distinct
                    file.push_named_branch(BranchScheme::CoveragePyArcs, from, to as u64, taken);
                }
            }
        }
        file.normalise();
        if let Some(Summary {
            num_branches: Some(total),
            missing_branches,
        }) = json.summary
        {
            file.declare_branches(total.saturating_sub(missing_branches.unwrap_or(0)), total);
        }
        coverage.insert(options.paths.resolve(&path, &[]), file);
    }
    Ok(coverage)
}

#[cfg(test)]
mod tests {
    use crate::{ReadOptions, parse_report};

    #[test]
    fn reads_files_and_summary_branches() {
        let json = r#"{"meta": {"format": 3, "branch_coverage": true},
          "files": {"pkg/a.py": {
            "executed_lines": [1, 2, 4], "missing_lines": [5], "excluded_lines": [],
            "executed_branches": [[2, 4]], "missing_branches": [[2, 5]],
            "summary": {"covered_lines": 3, "num_statements": 4, "num_branches": 2,
                        "num_partial_branches": 1, "covered_branches": 1, "missing_branches": 1},
            "functions": {"f": {"executed_lines": [1, 2, 4], "missing_lines": [5]}}
          }},
          "totals": {"covered_lines": 3}}"#;
        let coverage =
            parse_report(json.as_bytes(), "coverage.json", &ReadOptions::default()).unwrap();
        let file = coverage.file("pkg/a.py").unwrap();
        let t = file.totals();
        assert_eq!(
            (
                t.statements,
                t.covered_statements,
                t.branches,
                t.covered_branches
            ),
            (4, 3, 2, 1)
        );
        assert_eq!(file.partial_branches(), 1);
    }

    #[test]
    fn errors_carry_line_and_column() {
        let error = parse_report(b"{\n\"files\": [", "c.json", &ReadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("c.json: invalid coverage.py JSON"),
            "{error}"
        );
        assert!(error.contains("line 2"), "{error}");
    }
}
