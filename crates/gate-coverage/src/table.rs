//! The per-file table of `coverage report` (`--show-missing`): the data, and its text and JSON.

use std::fmt::Write as _;

use serde::Serialize;

use crate::{Coverage, display_covered};

/// One row: a file, or the total.
#[derive(Debug, Clone, PartialEq)]
pub struct FileRow {
    /// Repository-relative path (`TOTAL` for the total row).
    pub name: String,
    /// Statements (`Stmts`).
    pub statements: u64,
    /// Statements not run (`Miss`).
    pub missing: u64,
    /// Branches (`Branch`).
    pub branches: u64,
    /// Lines with some but not all branches taken (`BrPart`).
    pub partial_branches: u64,
    /// Unrounded coverage (`Cover`); format it with [`crate::display_covered`].
    pub percent: f64,
    /// Missed lines as coverage.py prints them: `12-15, 20` (empty for the total).
    pub missing_lines: String,
}

/// What to sort rows by, as `coverage report --sort`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// File name.
    Name,
    /// Statements.
    Statements,
    /// Missed statements.
    Missing,
    /// Branches.
    Branches,
    /// Partially covered branch lines.
    PartialBranches,
    /// Coverage percentage.
    Cover,
}

/// The rows of every file plus a total row.
#[derive(Debug, Clone, PartialEq)]
pub struct FileTable {
    /// One row per file, sorted by name until [`FileTable::sort`] is called.
    pub rows: Vec<FileRow>,
    /// The `TOTAL` row.
    pub total: FileRow,
}

impl FileTable {
    /// The table of a model; `line_only` drops branch figures (coverage.py without `--branch`).
    pub fn new(coverage: &Coverage, line_only: bool) -> FileTable {
        let mut rows = Vec::with_capacity(coverage.len());
        let mut partial_total = 0;
        for (path, file) in coverage.files() {
            let mut totals = file.totals();
            let partial = if line_only {
                totals = totals.without_branches();
                0
            } else {
                file.partial_branches()
            };
            partial_total += partial;
            let statements: Vec<u32> = file.lines().iter().map(|l| l.line).collect();
            let missing: Vec<u32> = file.missing_lines().collect();
            rows.push(FileRow {
                name: path.to_owned(),
                statements: totals.statements,
                missing: totals.missing_statements(),
                branches: totals.branches,
                partial_branches: partial,
                percent: totals.percent(),
                missing_lines: format_lines(&statements, &missing),
            });
        }
        let mut totals = coverage.totals();
        if line_only {
            totals = totals.without_branches();
        }
        let total = FileRow {
            name: "TOTAL".to_owned(),
            statements: totals.statements,
            missing: totals.missing_statements(),
            branches: totals.branches,
            partial_branches: partial_total,
            percent: totals.percent(),
            missing_lines: String::new(),
        };
        FileTable { rows, total }
    }

    /// Sorts the file rows (ties broken by name), as `coverage report --sort`; `descending`
    /// reverses the order (coverage.py's `-cover`).
    pub fn sort(&mut self, key: SortKey, descending: bool) {
        self.rows.sort_by(|a, b| {
            let order = match key {
                SortKey::Name => a.name.cmp(&b.name),
                SortKey::Statements => a.statements.cmp(&b.statements),
                SortKey::Missing => a.missing.cmp(&b.missing),
                SortKey::Branches => a.branches.cmp(&b.branches),
                SortKey::PartialBranches => a.partial_branches.cmp(&b.partial_branches),
                SortKey::Cover => a.percent.total_cmp(&b.percent),
            };
            let order = order.then_with(|| a.name.cmp(&b.name));
            if descending { order.reverse() } else { order }
        });
    }
}

impl FileTable {
    /// The table as `coverage report` lays it out: names left, figures right, rules around the
    /// body, lines without trailing spaces. `show_missing` adds the `Missing` column, `branches`
    /// the `Branch` and `BrPart` ones; `precision` is the decimals of `Cover`.
    pub fn to_text(&self, show_missing: bool, branches: bool, precision: usize) -> String {
        let cells = |row: &FileRow| -> [String; 7] {
            [
                row.name.clone(),
                row.statements.to_string(),
                row.missing.to_string(),
                row.branches.to_string(),
                row.partial_branches.to_string(),
                format!("{}%", display_covered(row.percent, precision)),
                row.missing_lines.clone(),
            ]
        };
        let header = [
            "Name", "Stmts", "Miss", "Branch", "BrPart", "Cover", "Missing",
        ]
        .map(String::from);
        let body: Vec<[String; 7]> = self.rows.iter().map(cells).collect();
        let total = cells(&self.total);
        let width = |column: usize| {
            body.iter()
                .chain([&header, &total])
                .map(|row| row[column].chars().count())
                .max()
                .unwrap_or(0)
        };
        let name_width = width(0);
        let cover_width = width(5);
        let format_row = |row: &[String; 7]| {
            let mut text = format!("{:<name_width$} {:>6} {:>6}", row[0], row[1], row[2]);
            if branches {
                let _ = write!(text, " {:>6} {:>6}", row[3], row[4]);
            }
            let _ = write!(text, " {:>cover_width$}", row[5]);
            if show_missing {
                let _ = write!(text, "   {}", row[6]);
            }
            text.trim_end().to_owned()
        };
        let header_line = format_row(&header);
        let rule = "-".repeat(header_line.chars().count());
        let mut out = format!("{header_line}\n{rule}\n");
        for row in &body {
            out.push_str(&format_row(row));
            out.push('\n');
        }
        let _ = write!(out, "{rule}\n{}\n", format_row(&total));
        out
    }

    /// The table as pretty JSON with a trailing newline: `{"files": [rows], "total": row}`, each
    /// row's keys in alphabetical order and `percent` unrounded.
    pub fn to_json(&self) -> String {
        let document = JsonTable {
            files: self.rows.iter().map(JsonRow::from).collect(),
            total: JsonRow::from(&self.total),
        };
        // Serialising strings and numbers cannot fail (a non-finite percent is written `null`).
        let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// [`FileTable::to_json`]'s document. Fields are declared in alphabetical order, the order a
/// `serde_json` map prints its keys in, so the bytes do not depend on whether some crate in the
/// build turns on `serde_json/preserve_order`.
#[derive(Serialize)]
struct JsonTable<'t> {
    files: Vec<JsonRow<'t>>,
    total: JsonRow<'t>,
}

/// One row of [`JsonTable`], keys in alphabetical order.
#[derive(Serialize)]
struct JsonRow<'t> {
    branches: u64,
    missing: u64,
    missing_lines: &'t str,
    name: &'t str,
    partial_branches: u64,
    percent: f64,
    statements: u64,
}

impl<'t> From<&'t FileRow> for JsonRow<'t> {
    fn from(row: &'t FileRow) -> JsonRow<'t> {
        JsonRow {
            branches: row.branches,
            missing: row.missing,
            missing_lines: &row.missing_lines,
            name: &row.name,
            partial_branches: row.partial_branches,
            percent: row.percent,
            statements: row.statements,
        }
    }
}

/// coverage.py's `format_lines`: runs of missed lines that are consecutive *statements* (gaps of
/// blank lines or comments do not split them), `1-2, 5-11, 13-14`. Both inputs sorted.
pub fn format_lines(statements: &[u32], missing: &[u32]) -> String {
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    let mut start: Option<u32> = None;
    let mut end = 0;
    let mut next_missing = missing.iter().peekable();
    for &statement in statements {
        let Some(&&wanted) = next_missing.peek() else {
            break;
        };
        if statement == wanted {
            next_missing.next();
            start.get_or_insert(statement);
            end = statement;
        } else if let Some(first) = start.take() {
            ranges.push((first, end));
        }
    }
    if let Some(first) = start {
        ranges.push((first, end));
    }
    ranges
        .iter()
        .map(|&(first, last)| {
            if first == last {
                first.to_string()
            } else {
                format!("{first}-{last}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FileCoverage, LineHits};

    #[test]
    fn formats_ranges_like_coverage_py() {
        // The example from coverage.py's docstring.
        let statements = [1, 2, 3, 4, 5, 10, 11, 12, 13, 14];
        let missing = [1, 2, 5, 10, 11, 13, 14];
        assert_eq!(format_lines(&statements, &missing), "1-2, 5-11, 13-14");
        assert_eq!(format_lines(&statements, &[]), "");
    }

    #[test]
    fn builds_and_sorts_rows() {
        let mut coverage = Coverage::new();
        let file = |hits: &[u32]| {
            FileCoverage::new(
                hits.iter()
                    .zip(1..)
                    .map(|(&hits, line)| LineHits { line, hits })
                    .collect(),
                vec![],
            )
        };
        coverage.insert("b.py", file(&[1, 1, 0, 0]));
        coverage.insert("a.py", file(&[1, 1, 1, 0]));
        let mut table = FileTable::new(&coverage, false);
        assert_eq!(table.rows[0].name, "a.py");
        assert_eq!(table.rows[1].missing_lines, "3-4");
        table.sort(SortKey::Cover, false);
        assert_eq!(table.rows[0].name, "b.py");
        assert_eq!((table.total.statements, table.total.missing), (8, 3));
    }

    fn table() -> FileTable {
        let row = |name: &str, figures: [u64; 4], percent: f64, missing_lines: &str| FileRow {
            name: name.into(),
            statements: figures[0],
            missing: figures[1],
            branches: figures[2],
            partial_branches: figures[3],
            percent,
            missing_lines: missing_lines.into(),
        };
        FileTable {
            rows: vec![
                row("api/app.py", [120, 6, 40, 3], 93.75, "12-15, 20"),
                row("api/__init__.py", [0, 0, 0, 0], 100.0, ""),
            ],
            total: row("TOTAL", [120, 6, 40, 3], 93.75, ""),
        }
    }

    #[test]
    fn text_is_laid_out_like_coverage_report() {
        assert_eq!(
            table().to_text(true, true, 0),
            "\
Name             Stmts   Miss Branch BrPart Cover   Missing
-----------------------------------------------------------
api/app.py         120      6     40      3   94%   12-15, 20
api/__init__.py      0      0      0      0  100%
-----------------------------------------------------------
TOTAL              120      6     40      3   94%
"
        );
        assert_eq!(
            table().to_text(false, false, 2),
            "\
Name             Stmts   Miss   Cover
-------------------------------------
api/app.py         120      6  93.75%
api/__init__.py      0      0 100.00%
-------------------------------------
TOTAL              120      6  93.75%
"
        );
    }

    #[test]
    fn json_has_every_row_and_the_total() {
        let mut table = table();
        table.rows.truncate(1);
        assert_eq!(
            table.to_json(),
            r#"{
  "files": [
    {
      "branches": 40,
      "missing": 6,
      "missing_lines": "12-15, 20",
      "name": "api/app.py",
      "partial_branches": 3,
      "percent": 93.75,
      "statements": 120
    }
  ],
  "total": {
    "branches": 40,
    "missing": 6,
    "missing_lines": "",
    "name": "TOTAL",
    "partial_branches": 3,
    "percent": 93.75,
    "statements": 120
  }
}
"#
        );
    }
}
