//! conftest's `--output table`: a bordered table (Go's tablewriter layout), one row per result.

use std::fmt::Write as _;

use crate::results::CheckResult;

/// The table `conftest test -o table` (or `verify`) prints: a `RESULT | FILE | NAMESPACE |
/// MESSAGE` header and one row per success (`SUCCESS`), exception, warning, skipped test and
/// failure, in that order per check. Nothing at all when there are no rows, as conftest.
pub fn conftest_table(checks: &[CheckResult]) -> String {
    let mut rows: Vec<[&str; 4]> = Vec::new();
    for check in checks {
        for _ in 0..check.successes {
            rows.push(["success", &check.filename, &check.namespace, "SUCCESS"]);
        }
        for (word, results) in [
            ("exception", &check.exceptions),
            ("warning", &check.warnings),
            ("skipped", &check.skipped),
            ("failure", &check.failures),
        ] {
            for result in results {
                rows.push([word, &check.filename, &check.namespace, &result.message]);
            }
        }
    }
    if rows.is_empty() {
        return String::new();
    }
    let header = ["RESULT", "FILE", "NAMESPACE", "MESSAGE"];
    let mut widths = header.map(|cell| cell.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    border(&mut out, &widths, ['┌', '┬', '┐']);
    out.push('│');
    for (cell, width) in header.iter().zip(widths) {
        // Headers are centred; an odd remainder goes to the right.
        let space = width - cell.chars().count();
        let left = space / 2;
        let _ = write!(
            out,
            " {}{cell}{} │",
            " ".repeat(left),
            " ".repeat(space - left)
        );
    }
    out.push('\n');
    border(&mut out, &widths, ['├', '┼', '┤']);
    for row in &rows {
        out.push('│');
        for (cell, width) in row.iter().zip(widths) {
            let space = width - cell.chars().count();
            let _ = write!(out, " {cell}{} │", " ".repeat(space));
        }
        out.push('\n');
    }
    border(&mut out, &widths, ['└', '┴', '┘']);
    out
}

fn border(out: &mut String, widths: &[usize; 4], [left, middle, right]: [char; 3]) {
    out.push(left);
    for (index, width) in widths.iter().enumerate() {
        if index > 0 {
            out.push(middle);
        }
        out.push_str(&"─".repeat(width + 2));
    }
    out.push(right);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RuleResult;

    fn result(message: &str) -> RuleResult {
        RuleResult {
            message: message.to_owned(),
            location: None,
            metadata: serde_json::Map::new(),
        }
    }

    /// conftest's own `output/table_test.go` case, byte for byte.
    #[test]
    fn matches_conftests_table_test() {
        let checks = [CheckResult {
            filename: "examples/kubernetes/service.yaml".to_owned(),
            namespace: "namespace".to_owned(),
            warnings: vec![result("first warning")],
            failures: vec![result("first failure")],
            skipped: vec![result("first skipped")],
            ..CheckResult::default()
        }];
        let expected = [
            "┌─────────┬──────────────────────────────────┬───────────┬───────────────┐",
            "│ RESULT  │               FILE               │ NAMESPACE │    MESSAGE    │",
            "├─────────┼──────────────────────────────────┼───────────┼───────────────┤",
            "│ warning │ examples/kubernetes/service.yaml │ namespace │ first warning │",
            "│ skipped │ examples/kubernetes/service.yaml │ namespace │ first skipped │",
            "│ failure │ examples/kubernetes/service.yaml │ namespace │ first failure │",
            "└─────────┴──────────────────────────────────┴───────────┴───────────────┘",
            "",
        ];
        assert_eq!(conftest_table(&checks), expected.join("\n"));
    }

    #[test]
    fn no_rows_print_nothing() {
        assert_eq!(conftest_table(&[CheckResult::default()]), "");
    }
}
