//! Added lines from a unified diff (`git diff -U0 BASE...HEAD`) and their coverage, with
//! diff-cover's semantics.

use std::collections::{BTreeMap, BTreeSet};

use crate::{Coverage, CoverageError, PathMap};

/// The lines a change adds, per repository-relative file path (the new name after a rename).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddedLines {
    files: BTreeMap<String, Vec<u32>>,
}

impl AddedLines {
    /// Parses unified diff text. `name` is used in errors. Deleted files, binary files and
    /// `\ No newline at end of file` markers add nothing; renames count under the new path.
    pub fn parse(diff: &str, name: &str) -> Result<AddedLines, CoverageError> {
        let mut files: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        let mut current: Option<String> = None;
        // Inside a hunk: the next new-side line number and the old/new lines still to come.
        // Counting them is what tells an added line `+++ x` from the next file's header.
        let mut hunk: Option<Hunk> = None;
        // The last hunk header, to name it when the text ends before the hunk does.
        let mut header = (0, "");
        // Text with no diff structure at all is a wrong file, not "no changes".
        let mut looks_like_a_diff = false;
        for (index, line) in diff.lines().enumerate() {
            let invalid = |what: &'static str| CoverageError::InvalidValue {
                file: name.to_owned(),
                line: index as u64 + 1,
                what,
                value: crate::error::excerpt(line),
            };
            if let Some(open) = hunk.as_mut().filter(|h| h.old_left > 0 || h.new_left > 0) {
                match line.as_bytes().first() {
                    Some(b'+') if open.new_left > 0 => {
                        if let Some(path) = &current {
                            files.entry(path.clone()).or_default().push(open.next_line);
                        }
                        open.next_line += 1;
                        open.new_left -= 1;
                    }
                    Some(b'-') if open.old_left > 0 => open.old_left -= 1,
                    Some(b' ') | None if open.new_left > 0 && open.old_left > 0 => {
                        open.next_line += 1;
                        open.new_left -= 1;
                        open.old_left -= 1;
                    }
                    Some(b'\\') => {}
                    _ => return Err(invalid("diff line (the hunk ends early)")),
                }
                continue;
            }
            if line.starts_with("diff --git ") {
                looks_like_a_diff = true;
                current = None;
                hunk = None;
            } else if let Some(path) = line.strip_prefix("+++ ") {
                looks_like_a_diff = true;
                current = new_path(path);
            } else if line.starts_with("--- ") {
                looks_like_a_diff = true;
            } else if line.starts_with("@@") {
                looks_like_a_diff = true;
                let parsed = Hunk::parse(line).ok_or_else(|| invalid("hunk header"))?;
                // Every new-side line number, and the one after the last, must fit: a wrap
                // would file added lines under line 0, 1, 2… of the file.
                if parsed.next_line.checked_add(parsed.new_left).is_none() {
                    return Err(invalid("hunk header (line numbers beyond 4294967295)"));
                }
                header = (index, line);
                hunk = Some(parsed);
            }
            // Anything else (index, mode, rename, Binary files … differ, `\ No newline`) adds
            // nothing.
        }
        if hunk.is_some_and(|h| h.old_left > 0 || h.new_left > 0) {
            return Err(CoverageError::InvalidValue {
                file: name.to_owned(),
                line: header.0 as u64 + 1,
                what: "hunk (the diff ends before its last line: a cut-off file?)",
                value: crate::error::excerpt(header.1),
            });
        }
        if !looks_like_a_diff && !diff.trim().is_empty() {
            return Err(CoverageError::InvalidValue {
                file: name.to_owned(),
                line: 1,
                what: "unified diff (no `diff --git`, `---`, `+++` or `@@` line)",
                value: crate::error::excerpt(diff.lines().next().unwrap_or_default()),
            });
        }
        for lines in files.values_mut() {
            lines.sort_unstable();
            lines.dedup();
        }
        Ok(AddedLines { files })
    }

    /// The same added lines with each path passed through a [`PathMap`] (for diffs taken in a
    /// subdirectory or another checkout).
    #[must_use]
    pub fn with_paths(self, paths: &PathMap) -> AddedLines {
        let mut files: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for (path, lines) in self.files {
            files
                .entry(paths.normalise(&path))
                .or_default()
                .extend(lines);
        }
        AddedLines { files }
    }

    /// Added lines by file, sorted.
    pub fn files(&self) -> impl Iterator<Item = (&str, &[u32])> {
        self.files
            .iter()
            .map(|(path, lines)| (path.as_str(), lines.as_slice()))
    }

    /// How many lines were added in all.
    pub fn len(&self) -> usize {
        self.files.values().map(Vec::len).sum()
    }

    /// Nothing was added.
    pub fn is_empty(&self) -> bool {
        self.files.values().all(Vec::is_empty)
    }
}

/// `b/path` from a `+++` line; `None` for `/dev/null`. Handles git's quoting and timestamps.
fn new_path(text: &str) -> Option<String> {
    let text = text.split('\t').next().unwrap_or(text).trim_end();
    let text = if text.len() >= 2 && text.starts_with('"') && text.ends_with('"') {
        unquote(&text[1..text.len() - 1])
    } else {
        text.to_owned()
    };
    if text == "/dev/null" {
        return None;
    }
    let path = text.strip_prefix("b/").unwrap_or(&text);
    Some(crate::paths::clean(path))
}

/// git's C-style quoting of unusual file names (`"b/caf\303\251.py"`).
fn unquote(text: &str) -> String {
    let mut bytes = Vec::with_capacity(text.len());
    let mut chars = text.bytes().peekable();
    while let Some(b) = chars.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match chars.next() {
            Some(b'n') => bytes.push(b'\n'),
            Some(b't') => bytes.push(b'\t'),
            Some(d @ b'0'..=b'7') => {
                let mut value = u32::from(d - b'0');
                for _ in 0..2 {
                    if let Some(&next @ b'0'..=b'7') = chars.peek() {
                        value = value * 8 + u32::from(next - b'0');
                        chars.next();
                    }
                }
                bytes.push(u8::try_from(value).unwrap_or(b'?'));
            }
            Some(other) => bytes.push(other),
            None => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

struct Hunk {
    next_line: u32,
    old_left: u32,
    new_left: u32,
}

impl Hunk {
    /// `@@ -a,b +c,d @@`; a missing count means 1.
    fn parse(header: &str) -> Option<Hunk> {
        let mut parts = header.split_whitespace().skip(1);
        let (_, old_left) = range(parts.next()?.strip_prefix('-')?)?;
        let (next_line, new_left) = range(parts.next()?.strip_prefix('+')?)?;
        Some(Hunk {
            next_line,
            old_left,
            new_left,
        })
    }
}

fn range(text: &str) -> Option<(u32, u32)> {
    match text.split_once(',') {
        Some((start, count)) => Some((start.parse().ok()?, count.parse().ok()?)),
        None => Some((text.parse().ok()?, 1)),
    }
}

/// Coverage of the added lines, as diff-cover computes it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DiffCoverage {
    /// Lines the diff adds.
    pub added: u64,
    /// Added lines the report measures (statements).
    pub measured: u64,
    /// Measured added lines that ran (and, in branch-aware mode, took every branch).
    pub covered: u64,
    /// Uncovered measured added lines, per file, sorted.
    pub uncovered: BTreeMap<String, Vec<u32>>,
    /// Source files (an extension the report's files have) with added lines that the report does
    /// not know at all, sorted: their lines are not measured, which is right for a file no test
    /// imports but usually means the report's paths do not match the project's.
    pub unmatched: Vec<String>,
}

impl DiffCoverage {
    /// Computes diff coverage. Lines of files the report does not know are not measured, as in
    /// diff-cover. With `branch_aware`, a line with a branch not taken counts as uncovered.
    pub fn compute(coverage: &Coverage, added: &AddedLines, branch_aware: bool) -> DiffCoverage {
        let mut result = DiffCoverage::default();
        let extensions = report_extensions(coverage);
        for (path, lines) in added.files() {
            result.added += lines.len() as u64;
            let Some(file) = coverage.file(path) else {
                if !lines.is_empty() && is_source(path, &extensions) {
                    result.unmatched.push(path.to_owned());
                }
                continue;
            };
            for &line in lines {
                let Some(hits) = file.hits(line) else {
                    continue;
                };
                result.measured += 1;
                let partial = branch_aware
                    && file
                        .branch(line)
                        .is_some_and(crate::BranchCounts::is_partial);
                if hits > 0 && !partial {
                    result.covered += 1;
                } else {
                    result
                        .uncovered
                        .entry(path.to_owned())
                        .or_default()
                        .push(line);
                }
            }
        }
        result
    }

    /// `100 · covered / measured`, 100 when nothing is measured.
    pub fn percent(&self) -> f64 {
        crate::model::ratio(self.covered, self.measured)
    }

    /// diff-cover's displayed and compared figure: `int(float(covered) / measured * 100)`.
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    pub fn diff_cover_percent(&self) -> u64 {
        if self.measured == 0 {
            return 100;
        }
        // Same operation order as diff-cover (divide first): 29/50*100 is 57.99…, shown as 57.
        (self.covered as f64 / self.measured as f64 * 100.0) as u64
    }

    /// Uncovered added lines grouped into runs of consecutive uncovered statements of one file,
    /// so one annotation covers a block instead of one per line.
    pub fn uncovered_runs(&self, coverage: &Coverage) -> Vec<(String, u32, u32)> {
        let mut runs = Vec::new();
        for (path, lines) in &self.uncovered {
            let measured: Vec<u32> = coverage
                .file(path)
                .map(|file| file.lines().iter().map(|l| l.line).collect())
                .unwrap_or_default();
            let mut start = lines[0];
            let mut end = lines[0];
            for &line in &lines[1..] {
                // Consecutive when no measured line lies between them (blank lines and comments
                // do not split a block).
                let between = measured.iter().any(|&m| m > end && m < line);
                if between {
                    runs.push((path.clone(), start, end));
                    start = line;
                }
                end = line;
            }
            runs.push((path.clone(), start, end));
        }
        runs
    }
}

/// The extensions (lower case, without the dot) of the report's files: `py` for coverage.py.
fn report_extensions(coverage: &Coverage) -> BTreeSet<String> {
    coverage
        .files()
        .filter_map(|(path, _)| extension(path))
        .collect()
}

/// A changed file is source when its extension is one the report's files have: a `.py` file
/// against a coverage.py report, never a `.md`, `.toml` or `.yml` beside it. Files without an
/// extension (`Makefile`, scripts) are not source.
fn is_source(path: &str, extensions: &BTreeSet<String>) -> bool {
    extension(path).is_some_and(|extension| extensions.contains(&extension))
}

fn extension(path: &str) -> Option<String> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let (stem, extension) = name.rsplit_once('.')?;
    (!stem.is_empty() && !extension.is_empty()).then(|| extension.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FileCoverage, LineHits};

    const DIFF: &str = "\
diff --git a/api/app.py b/api/app.py
index 1111111..2222222 100644
--- a/api/app.py
+++ b/api/app.py
@@ -3,0 +4,2 @@ def handler():
+    x = 1
+    y = 2
@@ -10 +12 @@ def other():
-    old
+    new
\\ No newline at end of file
diff --git a/old.py b/worker/renamed.py
similarity index 90%
rename from old.py
rename to worker/renamed.py
--- a/old.py
+++ b/worker/renamed.py
@@ -1,2 +1,4 @@
 context
+added
 context
+added two
diff --git a/gone.py b/gone.py
deleted file mode 100644
--- a/gone.py
+++ /dev/null
@@ -1,2 +0,0 @@
-a
-b
diff --git a/logo.png b/logo.png
Binary files a/logo.png and b/logo.png differ
diff --git \"a/caf\\303\\251.py\" \"b/caf\\303\\251.py\"
--- \"a/caf\\303\\251.py\"
+++ \"b/caf\\303\\251.py\"
@@ -0,0 +1 @@
+print()
";

    #[test]
    fn parses_added_lines_with_renames_deletions_and_binaries() {
        let added = AddedLines::parse(DIFF, "pr.diff").unwrap();
        let files: Vec<(&str, &[u32])> = added.files().collect();
        assert_eq!(
            files,
            vec![
                ("api/app.py", &[4, 5, 12][..]),
                ("café.py", &[1][..]),
                ("worker/renamed.py", &[2, 4][..]),
            ]
        );
        assert_eq!(added.len(), 6);
        assert!(AddedLines::parse("@@ -1 +x @@\n", "bad.diff").is_err());
        let early = AddedLines::parse(
            "+++ b/a.py\n@@ -0,0 +1,2 @@\n+one\ndiff --git a/b b/b\n",
            "pr.diff",
        );
        assert!(early.unwrap_err().to_string().starts_with("pr.diff:4:"));
        // An added line that looks like a header is still an added line.
        let tricky =
            AddedLines::parse("+++ b/a.py\n@@ -0,0 +1,2 @@\n+++ x\n+y\n", "pr.diff").unwrap();
        assert_eq!(tricky.files().next(), Some(("a.py", &[1, 2][..])));
    }

    #[test]
    fn rejects_what_is_not_a_whole_diff() {
        let error = |diff: &str| AddedLines::parse(diff, "pr.diff").unwrap_err().to_string();
        let cut = error("+++ b/a.py\n@@ -0,0 +1,3 @@\n+one\n+two\n");
        assert!(cut.starts_with("pr.diff:2:"), "{cut}");
        let prose = error("this is not a diff\nat all\n");
        assert!(prose.starts_with("pr.diff:1:"), "{prose}");
        let wraps = error("+++ b/a.py\n@@ -0,0 +4294967295,2 @@\n+one\n+two\n");
        assert!(wraps.starts_with("pr.diff:2:"), "{wraps}");
        // No changes, and a change that only deletes, are valid diffs with nothing added.
        for valid in [
            "",
            "\n",
            "--- a/a.py\n+++ b/a.py\n@@ -3,2 +2,0 @@\n-x\n-y\n",
        ] {
            assert!(
                AddedLines::parse(valid, "pr.diff").unwrap().is_empty(),
                "{valid:?}"
            );
        }
    }

    #[test]
    fn computes_diff_cover_figures() {
        let mut coverage = Coverage::new();
        let lines = [(4, 1), (5, 0), (6, 0), (12, 0)]
            .iter()
            .map(|&(line, hits)| LineHits { line, hits })
            .collect();
        coverage.insert("api/app.py", FileCoverage::new(lines, vec![]));
        let added = AddedLines::parse(DIFF, "pr.diff").unwrap();
        let result = DiffCoverage::compute(&coverage, &added, false);
        assert_eq!((result.added, result.measured, result.covered), (6, 3, 1));
        assert_eq!(result.diff_cover_percent(), 33);
        let runs = result.uncovered_runs(&coverage);
        assert_eq!(
            runs,
            vec![("api/app.py".into(), 5, 5), ("api/app.py".into(), 12, 12)]
        );
        let nothing = DiffCoverage::compute(&Coverage::new(), &added, false);
        assert!((nothing.percent() - 100.0).abs() < f64::EPSILON);
        assert_eq!(nothing.diff_cover_percent(), 100);
    }

    #[test]
    fn truncation_uses_diff_covers_operation_order() {
        let result = DiffCoverage {
            measured: 50,
            covered: 29,
            ..DiffCoverage::default()
        };
        assert_eq!(result.diff_cover_percent(), 57);
        assert!((result.percent() - 58.0).abs() < f64::EPSILON);
    }
}
