//! The per-file table of `coverage report` (`--show-missing`), as data for a renderer.

use crate::Coverage;

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
}
