//! The rules the coverage gate raises. Findings' `target` is what waivers match: `total`, the
//! path glob, the file path, or `diff`.

use gate_core::Rule;

/// The combined total against `fail-under` (coverage.py's `fail_under`).
pub static TOTAL: Rule = Rule {
    id: "coverage/total",
    summary: "Total coverage (lines and branches combined, as coverage.py) meets fail-under.",
    help: "Add tests for the missed lines and branches (`gate coverage report --show-missing` lists \
           them), or lower fail-under in a reviewed change. Waive with target `total`.",
};

/// Line coverage alone against `line-fail-under`.
pub static LINE: Rule = Rule {
    id: "coverage/line",
    summary: "Line coverage meets line-fail-under.",
    help: "Add tests that run the missed lines, or lower line-fail-under in a reviewed change. \
           Waive with target `total`.",
};

/// Branch coverage alone against `branch-fail-under`.
pub static BRANCH: Rule = Rule {
    id: "coverage/branch",
    summary: "Branch coverage meets branch-fail-under.",
    help: "Add tests for the branches never taken (both outcomes of each condition), or lower \
           branch-fail-under in a reviewed change. Waive with target `total`.",
};

/// The files under a path glob against their own threshold.
pub static PATH: Rule = Rule {
    id: "coverage/path",
    summary: "Coverage of the files under a path glob meets its threshold.",
    help: "Add tests for the files under that path, or change the path's threshold in gate.toml. \
           Waive with the glob as target (`api/**`).",
};

/// Each file against `file-fail-under`.
pub static FILE: Rule = Rule {
    id: "coverage/file",
    summary: "Every file's coverage meets file-fail-under.",
    help: "Add tests for the file, or exclude generated code from measurement. Waive with the \
           file path as target.",
};

/// The count of uncovered lines against `max-uncovered-lines`.
pub static UNCOVERED_LINES: Rule = Rule {
    id: "coverage/uncovered-lines",
    summary: "No more statements are uncovered than max-uncovered-lines allows.",
    help: "Cover some of the missed statements, or raise max-uncovered-lines in a reviewed change. \
           Waive with target `total`.",
};

/// Coverage of the lines a change adds against `diff-fail-under` (diff-cover).
pub static DIFF: Rule = Rule {
    id: "coverage/diff",
    summary: "Coverage of the added lines (diff-cover semantics) meets diff-fail-under.",
    help: "Add tests that run the added lines listed as coverage/diff-uncovered findings. \
           Waive with target `diff`.",
};

/// Added lines that no test runs; one finding per block, located on its first line.
pub static DIFF_UNCOVERED: Rule = Rule {
    id: "coverage/diff-uncovered",
    summary: "Added lines that no test runs.",
    help: "Add a test that runs these lines (and takes each branch in branch-aware mode). \
           Waive with the file path as target.",
};

/// Changed source files that the report does not know, so diff coverage cannot measure them.
pub static DIFF_UNMATCHED: Rule = Rule {
    id: "coverage/diff-unmatched",
    summary: "Every changed source file is in the coverage report, so diff coverage measures it.",
    help: "A changed file counts as source when its extension is one the report's files have \
           (`.py` for a coverage.py report), so docs and configuration never raise this. \
           Usually the report names files differently from the project (absolute paths from a \
           CI machine or container): map them with `path-map` (`--path-map /app=.`). Otherwise \
           no test imports the file: add one, or measure it (coverage.py's `source`). \
           `diff-unmatched = \"fail\"` makes this a failure. Waive with target `diff`.",
};

/// A tracked figure that dropped below the baseline by more than the tolerance.
pub static RATCHET: Rule = Rule {
    id: "coverage/ratchet",
    summary: "Coverage does not drop below the committed baseline by more than the tolerance.",
    help: "Add tests to restore the coverage, or, if the drop is intended, write a new baseline \
           with `gate coverage baseline` in a reviewed change. Waive with target `total` or the glob.",
};

/// Branch totals merged from reports that count branches without naming them.
pub static BRANCH_MERGE: Rule = Rule {
    id: "coverage/branch-merge",
    summary: "Merged branch totals are exact (warns when they are only a lower bound).",
    help: "Cobertura's condition-coverage counts a line's branches without naming them, so when \
           two merged runs each took some branches of a line, gate keeps the larger count: a \
           lower bound of the union. Merge the runs before writing the report (`coverage \
           combine`), or give coverage.py JSON or LCOV reports, whose branches gate merges by \
           name. Waive with target `total`.",
};

/// A report whose header disagrees with its body.
pub static REPORT_MISMATCH: Rule = Rule {
    id: "coverage/report-mismatch",
    summary: "A report's header counts agree with its body (warns when they do not).",
    help: "The producer wrote totals in the report's header that its per-line records do not \
           add up to (nyc/istanbul's Cobertura leaves out branches that are not on a statement \
           line). gate counts the per-line records; use the producer's LCOV or JSON output for \
           figures that match its own summary. Waive with the report's path as target.",
};

/// A file the change touches lost more coverage than `file-drop-max` allows, against the base.
pub static FILE_DROPPED: Rule = Rule {
    id: "coverage/file-dropped",
    summary: "No file the change touches loses more than file-drop-max points of coverage.",
    help: "Add tests for what the change added or made unreachable by the tests, or raise \
           file-drop-max in a reviewed change. The figures come from the base run (`gate check \
           --base`, `--base-report`). Waive with the file path as target.",
};

/// Every rule of the coverage gate.
pub static RULES: &[&Rule] = &[
    &TOTAL,
    &LINE,
    &BRANCH,
    &PATH,
    &FILE,
    &UNCOVERED_LINES,
    &DIFF,
    &DIFF_UNCOVERED,
    &DIFF_UNMATCHED,
    &RATCHET,
    &BRANCH_MERGE,
    &REPORT_MISMATCH,
    &FILE_DROPPED,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique_and_belong_to_the_coverage_gate() {
        let mut ids: Vec<&str> = RULES.iter().map(|rule| rule.id).collect();
        assert!(RULES.iter().all(|rule| rule.gate() == "coverage"));
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
    }
}
