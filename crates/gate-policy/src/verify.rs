//! `verify`: the policies' Rego unit tests, each definition on its own, with optional line
//! coverage.

use serde_json::Map;

use crate::limits::{Deadline, MemoryLimit, limit_hit};
use crate::results::{CheckResult, RuleResult, Totals};
use crate::{PolicyEngine, PolicyError};

/// How to run `verify`.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Gather Rego line coverage per policy file.
    pub coverage: bool,
    /// Run only the tests of these namespaces (literal, or globs where `*` also matches `.`);
    /// empty runs every test.
    pub namespaces: Vec<String>,
    /// Record which rules and lines each test evaluated ([`TestCase::traces`]).
    pub trace: bool,
    /// Record the messages of `trace()` calls ([`TestCase::notes`]), for `--report notes`.
    pub notes: bool,
}

/// What became of one test definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestStatus {
    /// The body evaluated to exactly `true`.
    Passed,
    /// Undefined, `false`, any other value, or an evaluation error.
    Failed,
    /// A `todo_test_*` rule: not run.
    Skipped,
}

/// One test definition and its outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct TestCase {
    /// The package path with `data.` (`data.main`).
    pub package: String,
    /// The rule name (`test_latest_is_denied`).
    pub name: String,
    /// The test's policy file.
    pub file: String,
    /// 1-based line of the test's head.
    pub line: u32,
    /// The outcome.
    pub status: TestStatus,
    /// Lines the test's `print()` calls wrote, in order.
    pub prints: Vec<String>,
    /// The evaluation error, when the test failed with one.
    pub error: Option<String>,
    /// The messages of the test's `trace()` calls (OPA's `Note` events), when asked for.
    pub notes: Vec<String>,
    /// The rules and lines the test evaluated, when asked for.
    pub traces: Vec<String>,
    /// How long the test took.
    pub duration: std::time::Duration,
}

impl TestCase {
    /// `data.main.test_x`, as conftest names a test.
    pub fn qualified_name(&self) -> String {
        format!("{}.{}", self.package, self.name)
    }
}

/// Line coverage of one policy file.
#[derive(Debug, Clone, PartialEq)]
pub struct FileCoverage {
    /// The policy file.
    pub path: String,
    /// Lines evaluated.
    pub covered: Vec<u32>,
    /// Lines with code that was never evaluated.
    pub not_covered: Vec<u32>,
}

impl FileCoverage {
    /// Covered lines as a percentage of lines with code (100 for a file with none).
    pub fn percent(&self) -> f64 {
        percent(
            self.covered.len(),
            self.covered.len() + self.not_covered.len(),
        )
    }
}

#[allow(clippy::cast_precision_loss)]
fn percent(covered: usize, total: usize) -> f64 {
    if total == 0 {
        100.0
    } else {
        covered as f64 * 100.0 / total as f64
    }
}

/// Everything `verify` found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct VerifyResults {
    /// The tests, ordered by file, then line.
    pub cases: Vec<TestCase>,
    /// Coverage per policy file (sorted by path), when asked for.
    pub coverage: Option<Vec<FileCoverage>>,
}

impl VerifyResults {
    /// Coverage over all non-test policy files (`*_test.rego` excluded), when gathered.
    pub fn coverage_percent(&self) -> Option<f64> {
        let files = self.coverage.as_ref()?;
        let (covered, total) = files
            .iter()
            .filter(|file| !file.path.ends_with("_test.rego"))
            .fold((0, 0), |(covered, total), file| {
                (
                    covered + file.covered.len(),
                    total + file.covered.len() + file.not_covered.len(),
                )
            });
        Some(percent(covered, total))
    }

    /// The results as conftest reports them: one check per test.
    pub fn check_results(&self) -> Vec<CheckResult> {
        self.cases
            .iter()
            .map(|case| {
                let mut check = CheckResult {
                    filename: case.file.clone(),
                    ..CheckResult::default()
                };
                let result = RuleResult {
                    message: case.qualified_name(),
                    location: None,
                    metadata: Map::new(),
                };
                match case.status {
                    TestStatus::Passed => check.successes = 1,
                    TestStatus::Failed => check.failures.push(result),
                    TestStatus::Skipped => check.skipped.push(result),
                }
                check
            })
            .collect()
    }

    /// The summary counts.
    pub fn totals(&self) -> Totals {
        Totals::of(&self.check_results())
    }

    /// Whether every test passed (skipped ones do not count against it).
    pub fn passed(&self) -> bool {
        self.cases
            .iter()
            .all(|case| case.status != TestStatus::Failed)
    }
}

impl PolicyEngine {
    /// Runs every `test_*` rule definition of every loaded module on its own.
    ///
    /// regorus merges definitions that share a name, so each definition is evaluated by itself
    /// (not by rule path) and passes only when its value is exactly `true`.
    pub fn verify(&self, options: &VerifyOptions) -> Result<VerifyResults, PolicyError> {
        let mut engine = self.regorus().clone();
        let limits = self.limits();
        let _memory_limit = MemoryLimit::apply(&limits);
        if options.coverage || options.trace {
            engine.set_enable_coverage(true);
        }
        // conftest filters the tests it reports by package; an empty list keeps them all.
        let selected = if options.namespaces.is_empty() {
            None
        } else {
            Some(self.select_namespaces(&options.namespaces, false)?)
        };
        let mut cases = Vec::with_capacity(self.tests.len());
        for test in &self.tests {
            if let Some(selected) = &selected
                && !selected.contains(&test.package)
            {
                continue;
            }
            let mut case = TestCase {
                package: format!("data.{}", test.package),
                name: test.name.clone(),
                file: test.file.clone(),
                line: test.line,
                status: TestStatus::Skipped,
                prints: Vec::new(),
                error: None,
                notes: Vec::new(),
                traces: Vec::new(),
                duration: std::time::Duration::ZERO,
            };
            if test.name.starts_with("todo_") {
                cases.push(case);
                continue;
            }
            // Each test gets the whole time limit, as each document does under `test`.
            Deadline::start(limits.max_eval_time).arm(&mut engine);
            let started = std::time::Instant::now();
            let evaluated = engine.eval_rule_in_module(&test.module, &test.rule, options.notes);
            case.duration = started.elapsed();
            case.status = match evaluated {
                Ok(data) => {
                    let mut value = &data;
                    for component in test.package.split('.') {
                        value = &value[component];
                    }
                    if value[test.name.as_str()] == regorus::Value::Bool(true) {
                        TestStatus::Passed
                    } else {
                        TestStatus::Failed
                    }
                }
                Err(error) => {
                    // A limit is not a failed test: the test could not run, so `verify` errs.
                    if let Some(limit) = limit_hit(&error, &limits) {
                        return Err(PolicyError::Limit {
                            file: test.file.clone(),
                            query: case.qualified_name(),
                            limit,
                        });
                    }
                    case.error = Some(crate::error::one_line(&error.to_string()));
                    TestStatus::Failed
                }
            };
            case.prints = engine.take_prints().unwrap_or_default();
            case.notes = engine.take_traces();
            if options.trace {
                // With --coverage too, the coverage must add up over all tests: keep it.
                case.traces = self
                    .rule_lines
                    .trace(&mut engine, &test.package, !options.coverage);
            }
            cases.push(case);
        }
        cases.sort_by(|a, b| a.file.cmp(&b.file).then(a.line.cmp(&b.line)));
        let coverage = if options.coverage {
            let report = engine
                .get_coverage_report()
                .map_err(|error| PolicyError::Eval {
                    file: String::new(),
                    query: "coverage".to_owned(),
                    message: error.to_string(),
                })?;
            let mut files: Vec<FileCoverage> = report
                .files
                .into_iter()
                .map(|file| FileCoverage {
                    path: file.path,
                    covered: file.covered.into_iter().collect(),
                    not_covered: file.not_covered.into_iter().collect(),
                })
                .collect();
            files.sort_by(|a, b| a.path.cmp(&b.path));
            Some(files)
        } else {
            None
        };
        Ok(VerifyResults { cases, coverage })
    }
}
