//! The one coverage model every format is read into: per file, line hits and branch counts.

use std::collections::BTreeMap;

use globset::GlobMatcher;

/// Hits of one measured line (a statement, in coverage.py's words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineHits {
    /// 1-based line number.
    pub line: u32,
    /// Times the line ran. Saturates at `u32::MAX`: only "ran or not" and the maximum matter, and
    /// four bytes per line keep a 100 MB report within the memory budget.
    pub hits: u32,
}

/// Branch counts of one line: how many of its branches (arcs, outcomes) ran, out of how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BranchCounts {
    /// 1-based line number.
    pub line: u32,
    /// Branches taken. 64 bits: JaCoCo counts outcomes, and capping at `u32::MAX` made a line
    /// with half its branches missed look fully covered.
    pub covered: u64,
    /// Branches in total.
    pub total: u64,
}

impl BranchCounts {
    /// Not every branch was taken.
    pub fn is_partial(self) -> bool {
        self.covered < self.total
    }
}

/// Raw counts behind every percentage; sums are exact integers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Totals {
    /// Measured lines (statements).
    pub statements: u64,
    /// Measured lines that ran.
    pub covered_statements: u64,
    /// Branches.
    pub branches: u64,
    /// Branches taken.
    pub covered_branches: u64,
}

impl Totals {
    /// coverage.py's combined figure: `100 · (covered lines + covered branches) / (lines + branches)`,
    /// 100 when there is nothing to measure. Unrounded.
    pub fn percent(&self) -> f64 {
        ratio(
            self.covered_statements + self.covered_branches,
            self.statements + self.branches,
        )
    }

    /// Line coverage alone.
    pub fn line_percent(&self) -> f64 {
        ratio(self.covered_statements, self.statements)
    }

    /// Branch coverage alone (100 without branches).
    pub fn branch_percent(&self) -> f64 {
        ratio(self.covered_branches, self.branches)
    }

    /// Measured lines that did not run.
    pub fn missing_statements(&self) -> u64 {
        self.statements - self.covered_statements
    }

    /// The same counts with branches dropped: coverage.py's line-only mode.
    #[must_use]
    pub fn without_branches(self) -> Totals {
        Totals {
            branches: 0,
            covered_branches: 0,
            ..self
        }
    }

    fn add(&mut self, other: Totals) {
        // Saturating: a crafted report must not wrap (release) or panic (debug).
        self.statements = self.statements.saturating_add(other.statements);
        self.covered_statements = self
            .covered_statements
            .saturating_add(other.covered_statements);
        self.branches = self.branches.saturating_add(other.branches);
        self.covered_branches = self.covered_branches.saturating_add(other.covered_branches);
    }
}

/// `100 * numerator / denominator` in the same operation order as coverage.py's `Numbers._percent`,
/// so the binary value (and therefore its rounding) is identical.
#[allow(clippy::cast_precision_loss)] // counts stay far below 2^53
pub(crate) fn ratio(numerator: u64, denominator: u64) -> f64 {
    if denominator == 0 {
        100.0
    } else {
        (100.0 * numerator as f64) / denominator as f64
    }
}

/// How a format names the branches of a line, so that two runs can be merged branch by branch
/// (`coverage combine`, `lcov -a`) instead of line by line. Names of different schemes never
/// match: a coverage.py arc and an LCOV block/branch pair for the same `if` look nothing alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BranchScheme {
    /// coverage.py JSON arcs: the id is the destination line (negative for an exit).
    CoveragePyArcs,
    /// LCOV `BRDA:line,block,branch,taken`: the id is a hash of `block` and `branch`.
    LcovBlocks,
}

/// One named branch: where it starts, its name within the line, and whether it was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct NamedBranch {
    line: u32,
    id: u64,
    taken: bool,
}

/// Every branch of a file with its name. A name is 8 bytes (a destination line, or a hash of
/// LCOV's block and branch text) rather than the text: LCOV files with millions of `BRDA`
/// records must stay within the memory budget, and two names of one line never collide in
/// practice at 64 bits.
#[derive(Debug, Clone, PartialEq, Eq)]
struct NamedBranches {
    scheme: BranchScheme,
    branches: Vec<NamedBranch>,
}

/// Coverage of one file: lines sorted by number, each at most once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileCoverage {
    lines: Vec<LineHits>,
    branches: Vec<BranchCounts>,
    /// Branch totals the report states for the whole file (LCOV `BRF`/`BRH`, coverage.py JSON
    /// `summary`). coverage.py's own figures come from these, so they win over per-line sums.
    declared_branches: Option<(u64, u64)>,
    /// The branches by name, when the format names them (coverage.py JSON, LCOV); the per-line
    /// counts in `branches` are derived from them.
    named: Option<NamedBranches>,
    /// Lines whose branches were merged from counts alone while each report had taken some but
    /// not all of them: which ones each run took is unknown, so the merged count (the larger
    /// of the two) is a lower bound.
    lower_bound_lines: u64,
}

impl FileCoverage {
    /// A file from line and branch records in any order; repeated lines keep the most hits and the
    /// most covered branches.
    pub fn new(lines: Vec<LineHits>, branches: Vec<BranchCounts>) -> FileCoverage {
        let mut file = FileCoverage {
            lines,
            branches,
            ..FileCoverage::default()
        };
        file.normalise();
        file
    }

    /// The measured lines, sorted.
    pub fn lines(&self) -> &[LineHits] {
        &self.lines
    }

    /// The lines with branches, sorted.
    pub fn branches(&self) -> &[BranchCounts] {
        &self.branches
    }

    /// Hits of a line, `None` when the line is not measured.
    pub fn hits(&self, line: u32) -> Option<u32> {
        self.lines
            .binary_search_by_key(&line, |entry| entry.line)
            .ok()
            .map(|index| self.lines[index].hits)
    }

    /// Branch counts of a line, `None` when it has no branches.
    pub fn branch(&self, line: u32) -> Option<BranchCounts> {
        self.branches
            .binary_search_by_key(&line, |entry| entry.line)
            .ok()
            .map(|index| self.branches[index])
    }

    /// Branches not taken from lines that ran: coverage.py's `BrPart`, which counts the missing
    /// exits (a line that ran but took neither of its two exits counts 2), not the lines. A line
    /// that never ran is missing, not partial.
    pub fn partial_branches(&self) -> u64 {
        self.branches
            .iter()
            .filter(|b| self.hits(b.line).is_some_and(|hits| hits > 0))
            .map(|b| b.total.saturating_sub(b.covered))
            .sum()
    }

    /// Line numbers that never ran.
    pub fn missing_lines(&self) -> impl Iterator<Item = u32> + '_ {
        self.lines.iter().filter(|l| l.hits == 0).map(|l| l.line)
    }

    /// The file's counts (declared branch totals win over per-line sums, as coverage.py's do).
    pub fn totals(&self) -> Totals {
        let statements = self.lines.len() as u64;
        let covered_statements = self.lines.iter().filter(|l| l.hits > 0).count() as u64;
        let (covered_branches, branches) = self.declared_branches.unwrap_or_else(|| {
            self.branches.iter().fold((0, 0), |(covered, total), b| {
                (
                    covered.saturating_add(b.covered),
                    total.saturating_add(b.total),
                )
            })
        });
        Totals {
            statements,
            covered_statements,
            branches,
            covered_branches,
        }
    }

    pub(crate) fn push_line(&mut self, line: u32, hits: u32) {
        self.lines.push(LineHits { line, hits });
    }

    pub(crate) fn push_branch(&mut self, line: u32, covered: u64, total: u64) {
        self.branches.push(BranchCounts {
            line,
            covered: covered.min(total),
            total,
        });
    }

    /// A branch a format names (`scheme` must be the same for every branch of the file): the
    /// per-line counts are derived from these names in [`FileCoverage::normalise`].
    pub(crate) fn push_named_branch(
        &mut self,
        scheme: BranchScheme,
        line: u32,
        id: u64,
        taken: bool,
    ) {
        let named = self.named.get_or_insert_with(|| NamedBranches {
            scheme,
            branches: Vec::new(),
        });
        named.branches.push(NamedBranch { line, id, taken });
    }

    /// Lines whose merged branch counts are a lower bound (see [`FileCoverage::merge`]).
    pub fn lower_bound_branch_lines(&self) -> u64 {
        self.lower_bound_lines
    }

    pub(crate) fn declare_branches(&mut self, covered: u64, total: u64) {
        self.declared_branches = Some((covered.min(total), total));
    }

    /// Sorts and merges repeated lines; parsers push in report order and call this once per file.
    pub(crate) fn normalise(&mut self) {
        if let Some(named) = &mut self.named {
            // A branch named twice (two runs, or a tool repeating a record) ran if either did.
            named.branches.sort_unstable();
            named.branches.dedup_by(|later, earlier| {
                if (later.line, later.id) == (earlier.line, earlier.id) {
                    earlier.taken |= later.taken;
                    true
                } else {
                    false
                }
            });
            named.branches.shrink_to_fit();
            self.branches.clear();
            for branch in &named.branches {
                match self.branches.last_mut() {
                    Some(last) if last.line == branch.line => {
                        last.total += 1;
                        last.covered += u64::from(branch.taken);
                    }
                    _ => self.branches.push(BranchCounts {
                        line: branch.line,
                        covered: u64::from(branch.taken),
                        total: 1,
                    }),
                }
            }
        }
        self.lines.sort_unstable();
        self.lines.dedup_by(|later, earlier| {
            if later.line == earlier.line {
                earlier.hits = earlier.hits.max(later.hits);
                true
            } else {
                false
            }
        });
        self.branches.sort_unstable_by_key(|b| b.line);
        self.branches.dedup_by(|later, earlier| {
            if later.line == earlier.line {
                earlier.total = earlier.total.max(later.total);
                earlier.covered = earlier.covered.max(later.covered).min(earlier.total);
                true
            } else {
                false
            }
        });
        self.lines.shrink_to_fit();
        self.branches.shrink_to_fit();
    }

    /// Merges another report's view of the same file (another run of the tests): max hits per
    /// line, and the union of the branches taken.
    ///
    /// Where both reports name their branches the same way (coverage.py JSON arcs, LCOV
    /// block/branch ids), the union is exact, as `coverage combine` and `lcov -a` compute it.
    /// Otherwise (Cobertura's `condition-coverage` counts) a line keeps the larger count, which
    /// is exact when either run took all or none of its branches and a lower bound when both
    /// took some: those lines are counted in [`FileCoverage::lower_bound_branch_lines`].
    pub fn merge(&mut self, other: FileCoverage) {
        let declared = match (self.declared_branches, other.declared_branches) {
            // One side without any branch data: its declared totals remain the truth.
            (Some(mine), None) if other.branches.is_empty() => Some(mine),
            (None, Some(theirs)) if self.branches.is_empty() => Some(theirs),
            _ => None,
        };
        let named = match (self.named.take(), other.named) {
            (Some(mut mine), Some(theirs)) if mine.scheme == theirs.scheme => {
                mine.branches.extend(theirs.branches);
                Some(mine)
            }
            (Some(mine), None) if other.branches.is_empty() => Some(mine),
            (None, Some(theirs)) if self.branches.is_empty() => Some(theirs),
            _ => None,
        };
        if named.is_none() {
            self.lower_bound_lines += both_partial(&self.branches, &other.branches);
        }
        self.lower_bound_lines += other.lower_bound_lines;
        self.lines.extend(other.lines);
        self.branches.extend(other.branches);
        self.declared_branches = declared;
        self.named = named;
        self.normalise();
    }
}

/// Lines that both sorted lists have partly covered: merging their counts cannot tell whether
/// the two runs took the same branches or different ones.
fn both_partial(mine: &[BranchCounts], theirs: &[BranchCounts]) -> u64 {
    let partly = |b: &BranchCounts| b.covered > 0 && b.is_partial();
    let theirs_partly: Vec<u32> = theirs
        .iter()
        .filter(|b| partly(b))
        .map(|b| b.line)
        .collect();
    mine.iter()
        .filter(|b| partly(b) && theirs_partly.binary_search(&b.line).is_ok())
        .count() as u64
}

/// Something a reader noticed in a report that does not stop the check but can make gate's
/// figures differ from the producer's own summary (a header that disagrees with the body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportNote {
    /// The report, as named to the reader.
    pub report: String,
    /// 1-based line of the report the note is about, where known.
    pub line: Option<u32>,
    /// What was noticed, in plain words.
    pub message: String,
}

/// A whole report (or several merged): files by repository-relative path with `/` separators.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    files: BTreeMap<String, FileCoverage>,
    /// The reports read into this model, by the names given to the readers.
    reports: Vec<String>,
    notes: Vec<ReportNote>,
}

impl Coverage {
    /// An empty model.
    pub fn new() -> Coverage {
        Coverage::default()
    }

    /// Adds a file, merging with what is already known about the same path.
    pub fn insert(&mut self, path: impl Into<String>, file: FileCoverage) {
        match self.files.entry(path.into()) {
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(file);
            }
            std::collections::btree_map::Entry::Occupied(mut slot) => slot.get_mut().merge(file),
        }
    }

    /// The union of two reports (two test runs): a file in both keeps the most hits per line
    /// and the union of the branches taken (see [`FileCoverage::merge`]).
    pub fn merge(&mut self, other: Coverage) {
        for (path, file) in other.files {
            self.insert(path, file);
        }
        self.reports.extend(other.reports);
        self.notes.extend(other.notes);
    }

    /// The reports this model was read from, by the names given to the readers.
    pub fn reports(&self) -> &[String] {
        &self.reports
    }

    pub(crate) fn add_report(&mut self, name: &str) {
        self.reports.push(name.to_owned());
    }

    /// What the readers noticed that may make figures differ from the producer's summary.
    pub fn notes(&self) -> &[ReportNote] {
        &self.notes
    }

    pub(crate) fn add_note(&mut self, note: ReportNote) {
        self.notes.push(note);
    }

    /// Merges any number of reports.
    pub fn merged(reports: impl IntoIterator<Item = Coverage>) -> Coverage {
        let mut all = Coverage::new();
        for report in reports {
            all.merge(report);
        }
        all
    }

    /// Keeps only the files a predicate accepts (coverage.py's `omit`/`include`, applied after
    /// reading).
    pub fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.files.retain(|path, _| keep(path));
    }

    /// Files by path, sorted.
    pub fn files(&self) -> impl ExactSizeIterator<Item = (&str, &FileCoverage)> {
        self.files.iter().map(|(path, file)| (path.as_str(), file))
    }

    /// One file, by repository-relative path.
    pub fn file(&self, path: &str) -> Option<&FileCoverage> {
        self.files.get(path)
    }

    /// How many files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// No files at all.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Counts over every file.
    pub fn totals(&self) -> Totals {
        self.totals_where(|_| true)
    }

    /// Counts over the files a glob matches (such as `api/**`).
    pub fn totals_matching(&self, glob: &GlobMatcher) -> Totals {
        self.totals_where(|path| glob.is_match(path))
    }

    /// Counts over the files a predicate accepts.
    pub fn totals_where(&self, mut include: impl FnMut(&str) -> bool) -> Totals {
        let mut totals = Totals::default();
        for (path, file) in &self.files {
            if include(path) {
                totals.add(file.totals());
            }
        }
        totals
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(lines: &[(u32, u32)], branches: &[(u32, u64, u64)]) -> FileCoverage {
        FileCoverage::new(
            lines
                .iter()
                .map(|&(line, hits)| LineHits { line, hits })
                .collect(),
            branches
                .iter()
                .map(|&(line, covered, total)| BranchCounts {
                    line,
                    covered,
                    total,
                })
                .collect(),
        )
    }

    #[test]
    fn totals_follow_coverage_py_formula() {
        let f = file(&[(1, 1), (2, 0), (3, 4)], &[(3, 1, 2)]);
        let t = f.totals();
        assert_eq!(
            (
                t.statements,
                t.covered_statements,
                t.branches,
                t.covered_branches
            ),
            (3, 2, 2, 1)
        );
        assert!((t.percent() - 60.0).abs() < f64::EPSILON);
        assert!((t.line_percent() - 200.0 / 3.0).abs() < 1e-12);
        assert!((Totals::default().percent() - 100.0).abs() < f64::EPSILON);
    }

    #[test]
    fn repeated_lines_keep_the_most_hits() {
        let f = file(&[(5, 0), (2, 1), (5, 3)], &[(5, 1, 2), (5, 2, 2)]);
        assert_eq!(f.lines().len(), 2);
        assert_eq!(f.hits(5), Some(3));
        assert_eq!(f.hits(4), None);
        assert_eq!(f.branch(5).map(|b| b.covered), Some(2));
    }

    #[test]
    fn merging_reports_unions_files_and_takes_max() {
        let mut a = Coverage::new();
        a.insert("a.py", file(&[(1, 0), (2, 1)], &[]));
        let mut b = Coverage::new();
        b.insert("a.py", file(&[(1, 2), (3, 0)], &[]));
        b.insert("b.py", file(&[(1, 1)], &[]));
        let mut all = Coverage::merged([a, b]);
        assert_eq!(all.len(), 2);
        all.retain(|path| path != "b.py");
        assert_eq!(all.len(), 1);
        let t = all.file("a.py").unwrap().totals();
        assert_eq!((t.statements, t.covered_statements), (3, 2));
    }

    fn named(scheme: BranchScheme, branches: &[(u32, u64, bool)]) -> FileCoverage {
        let mut file = file(&[(5, 1)], &[]);
        for &(line, id, taken) in branches {
            file.push_named_branch(scheme, line, id, taken);
        }
        file.normalise();
        file
    }

    #[test]
    fn named_branches_merge_as_a_union() {
        let arcs = BranchScheme::CoveragePyArcs;
        let mut f = named(arcs, &[(5, 6, true), (5, 7, false)]);
        f.merge(named(arcs, &[(5, 6, false), (5, 7, true)]));
        assert_eq!(f.branch(5).map(|b| (b.covered, b.total)), Some((2, 2)));
        assert_eq!(f.lower_bound_branch_lines(), 0);
        // A third run with a branch the others never saw adds it.
        f.merge(named(arcs, &[(5, u64::MAX, false)]));
        assert_eq!(f.branch(5).map(|b| (b.covered, b.total)), Some((2, 3)));
        // A side without branch data keeps the names.
        f.merge(file(&[(9, 1)], &[]));
        f.merge(named(arcs, &[(5, u64::MAX, true)]));
        assert_eq!(f.totals().covered_branches, 3);
    }

    #[test]
    fn counts_or_other_schemes_merge_to_a_lower_bound_only_when_unknown() {
        let lcov = BranchScheme::LcovBlocks;
        let mut f = named(lcov, &[(5, 1, true), (5, 2, false)]);
        f.merge(named(
            BranchScheme::CoveragePyArcs,
            &[(5, 6, false), (5, 7, true)],
        ));
        assert_eq!(f.branch(5).map(|b| (b.covered, b.total)), Some((1, 2)));
        assert_eq!(f.lower_bound_branch_lines(), 1);
        // Counts where one run took all or none of a line's branches merge exactly.
        let mut g = file(&[(1, 1), (2, 1)], &[(1, 1, 2), (2, 0, 2)]);
        g.merge(file(&[(1, 1), (2, 1)], &[(1, 2, 2), (2, 1, 2)]));
        assert_eq!(g.lower_bound_branch_lines(), 0);
        assert_eq!(g.totals().covered_branches, 3);
        g.merge(file(&[(1, 1), (2, 1)], &[(2, 1, 2)]));
        assert_eq!(g.lower_bound_branch_lines(), 1);
    }

    #[test]
    fn declared_branch_totals_win_until_merged_with_branch_data() {
        let mut f = file(&[(1, 1)], &[(1, 1, 2)]);
        f.declare_branches(3, 4);
        assert_eq!(f.totals().branches, 4);
        f.merge(file(&[(1, 1)], &[(1, 2, 2)]));
        assert_eq!(f.totals().branches, 2);
        assert_eq!(f.totals().covered_branches, 2);
    }
}
