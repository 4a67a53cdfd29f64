//! Evaluation results: per document ([`DocumentResult`]), grouped like conftest
//! ([`CheckResult`]), counted ([`Totals`]).

use std::fmt::Write as _;

use serde_json::{Map, Value};

/// Where a result says it is (an object result's `_loc`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultLocation {
    /// `_loc.file`, empty when absent.
    pub file: String,
    /// `_loc.line` as written (a JSON number's text), empty when absent.
    pub line: String,
}

impl ResultLocation {
    /// The line as a number, when it is one.
    pub fn line_number(&self) -> Option<u32> {
        self.line.parse().ok()
    }
}

/// One message of one rule (conftest's `Result`).
#[derive(Debug, Clone, PartialEq)]
pub struct RuleResult {
    /// The message (for an exception: the exception query).
    pub message: String,
    /// `_loc`, when the rule returned an object with one.
    pub location: Option<ResultLocation>,
    /// Other keys of an object result, plus `query` (the rule query), as conftest adds it.
    pub metadata: Map<String, Value>,
}

/// A result with the rule that produced it.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleOutcome {
    /// The rule name (`deny`, `warn_tls`, …).
    pub rule: String,
    /// The result.
    pub result: RuleResult,
}

/// The results of one namespace's rules on one document.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentResult {
    /// The input file (`Combined` for `--combine`, `-` for standard input).
    pub file: String,
    /// The document's index in the file (0 for single-document files).
    pub document: usize,
    /// 1-based line where the document starts.
    pub line: u32,
    /// The namespace (package without `data.`).
    pub namespace: String,
    /// Rule definitions that passed (conftest's count).
    pub successes: usize,
    /// Failed `deny`/`violation` results, sorted by rule then message.
    pub failures: Vec<RuleOutcome>,
    /// `warn` results, sorted by rule then message.
    pub warnings: Vec<RuleOutcome>,
    /// Exceptions (message = the exception query), sorted by rule.
    pub exceptions: Vec<RuleOutcome>,
    /// What the policies' `print()` calls wrote on this document, `file:line: text`.
    pub prints: Vec<String>,
    /// The evaluation trace, when asked for ([`crate::TestOptions::trace`]).
    pub traces: Vec<String>,
    /// Why this namespace could not be evaluated on this document (`evaluating data.main.deny:
    /// policy.rego:6:20: …`), with no results: the document errored, the others still ran.
    pub error: Option<String>,
}

impl DocumentResult {
    /// A namespace's results on a document before any rule ran: nothing passed or failed.
    pub(crate) fn empty(file: &str, document: usize, line: u32, namespace: &str) -> Self {
        DocumentResult {
            file: file.to_owned(),
            document,
            line,
            namespace: namespace.to_owned(),
            successes: 0,
            failures: Vec::new(),
            warnings: Vec::new(),
            exceptions: Vec::new(),
            prints: Vec::new(),
            traces: Vec::new(),
            error: None,
        }
    }

    /// conftest's test count for this document.
    pub fn tests(&self) -> usize {
        self.successes + self.failures.len() + self.warnings.len() + self.exceptions.len()
    }
}

/// conftest's `CheckResult`: one file in one namespace (documents of a file merged), or one test
/// of `verify`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CheckResult {
    /// The file (`-` for standard input; printed empty in JSON like conftest).
    pub filename: String,
    /// The namespace (empty for verify results, as conftest leaves it).
    pub namespace: String,
    /// Passed checks.
    pub successes: usize,
    /// Skipped checks (`todo_test_*` in verify).
    pub skipped: Vec<RuleResult>,
    /// Warnings.
    pub warnings: Vec<RuleResult>,
    /// Failures.
    pub failures: Vec<RuleResult>,
    /// Exceptions.
    pub exceptions: Vec<RuleResult>,
    /// `print()` output, `file:line: text` (conftest's `PRNT` lines).
    pub prints: Vec<String>,
    /// The evaluation trace, when asked for (conftest's `--trace`).
    pub traces: Vec<String>,
    /// Evaluation errors of the file's documents (`line N: evaluating …` for a document that
    /// does not start on line 1); a file with one is neither passed nor failed but errored.
    pub errors: Vec<String>,
}

impl CheckResult {
    /// All results of this check, as the standard output counts them.
    pub fn total(&self) -> usize {
        self.successes
            + self.skipped.len()
            + self.warnings.len()
            + self.failures.len()
            + self.exceptions.len()
    }
}

/// The summary counts (`N tests, P passed, W warnings, F failures, E exceptions`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Passed.
    pub passed: usize,
    /// Warnings.
    pub warnings: usize,
    /// Failures.
    pub failures: usize,
    /// Exceptions.
    pub exceptions: usize,
    /// Skipped (verify's `todo_test_*`).
    pub skipped: usize,
    /// Documents whose evaluation errored (not counted as tests).
    pub errors: usize,
}

impl Totals {
    /// Every counted result.
    pub fn tests(&self) -> usize {
        self.passed + self.warnings + self.failures + self.exceptions + self.skipped
    }

    /// Adds up check results.
    pub fn of(checks: &[CheckResult]) -> Totals {
        let mut totals = Totals::default();
        for check in checks {
            totals.passed += check.successes;
            totals.warnings += check.warnings.len();
            totals.failures += check.failures.len();
            totals.exceptions += check.exceptions.len();
            totals.skipped += check.skipped.len();
            totals.errors += check.errors.len();
        }
        totals
    }

    /// The summary line conftest prints (without colour), plus `, N errors` when documents
    /// errored (conftest stops at the first error instead).
    pub fn summary(&self) -> String {
        fn plural(count: usize) -> &'static str {
            if count == 1 { "" } else { "s" }
        }
        let tests = self.tests();
        let mut summary = format!(
            "{tests} test{}, {} passed, {} warning{}, {} failure{}, {} exception{}",
            plural(tests),
            self.passed,
            self.warnings,
            plural(self.warnings),
            self.failures,
            plural(self.failures),
            self.exceptions,
            plural(self.exceptions),
        );
        if self.errors > 0 {
            let _ = write!(summary, ", {} error{}", self.errors, plural(self.errors));
        }
        summary
    }
}

/// Everything `test` found, document by document, in a deterministic order (file, document,
/// namespace).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TestResults {
    /// One entry per document and namespace.
    pub documents: Vec<DocumentResult>,
}

impl TestResults {
    /// The results grouped like conftest: one per file and namespace with the file's documents
    /// merged in order, namespace by namespace (in the order they were selected), files in the
    /// order given.
    pub fn check_results(&self) -> Vec<CheckResult> {
        let mut namespaces: Vec<&str> = Vec::new();
        let mut index: std::collections::HashMap<(&str, &str), usize> =
            std::collections::HashMap::new();
        let mut checks: Vec<CheckResult> = Vec::new();
        for document in &self.documents {
            if !namespaces.contains(&document.namespace.as_str()) {
                namespaces.push(&document.namespace);
            }
            let key = (document.namespace.as_str(), document.file.as_str());
            let position = *index.entry(key).or_insert_with(|| {
                checks.push(CheckResult {
                    filename: document.file.clone(),
                    namespace: document.namespace.clone(),
                    ..CheckResult::default()
                });
                checks.len() - 1
            });
            let check = &mut checks[position];
            check.successes += document.successes;
            check
                .failures
                .extend(document.failures.iter().map(|o| o.result.clone()));
            check
                .warnings
                .extend(document.warnings.iter().map(|o| o.result.clone()));
            check
                .exceptions
                .extend(document.exceptions.iter().map(|o| o.result.clone()));
            check.prints.extend(document.prints.iter().cloned());
            check.traces.extend(document.traces.iter().cloned());
            if let Some(error) = &document.error {
                check.errors.push(if document.line > 1 {
                    format!("line {}: {error}", document.line)
                } else {
                    error.clone()
                });
            }
        }
        checks.sort_by_key(|check| {
            namespaces
                .iter()
                .position(|namespace| *namespace == check.namespace)
        });
        checks
    }

    /// The summary counts.
    pub fn totals(&self) -> Totals {
        let mut totals = Totals::default();
        for document in &self.documents {
            totals.passed += document.successes;
            totals.failures += document.failures.len();
            totals.warnings += document.warnings.len();
            totals.exceptions += document.exceptions.len();
            totals.errors += usize::from(document.error.is_some());
        }
        totals
    }

    /// Whether any document failed.
    pub fn has_failures(&self) -> bool {
        self.documents.iter().any(|d| !d.failures.is_empty())
    }

    /// Whether any document's evaluation errored: the run could not check everything, so it
    /// must not pass (the CLI exits 2).
    pub fn has_errors(&self) -> bool {
        self.documents.iter().any(|d| d.error.is_some())
    }

    /// Whether any document warned.
    pub fn has_warnings(&self) -> bool {
        self.documents.iter().any(|d| !d.warnings.is_empty())
    }
}
