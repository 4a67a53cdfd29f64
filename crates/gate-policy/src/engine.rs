//! The prepared policy engine: policies and data loaded once, cloned per worker, evaluated on
//! documents with conftest's rule conventions.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::prelude::*;
use serde_json::{Map, Value};

use crate::checks::{self, Capabilities};
use crate::limits::{self, Deadline, Limits};
use crate::parse::Parsed;
use crate::results::{DocumentResult, ResultLocation, RuleOutcome, RuleResult, TestResults};
use crate::rules::{self, NamespaceRules, TestRule};
use crate::trace::RuleLines;
use crate::{PolicyError, PolicySource, builtins, recursion};

/// Which Rego syntax the policies use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RegoVersion {
    /// Rego v1 (OPA 1.x, conftest's default): `if` and `contains` required.
    #[default]
    V1,
    /// Rego v0 (`deny[msg] { … }`).
    V0,
}

impl RegoVersion {
    /// Parses `v0`/`v1` as conftest's `--rego-version` takes them.
    pub fn from_name(name: &str) -> Option<RegoVersion> {
        match name {
            "v0" | "V0" => Some(RegoVersion::V0),
            "v1" | "V1" => Some(RegoVersion::V1),
            _ => None,
        }
    }
}

/// How to build a [`PolicyEngine`].
#[derive(Debug, Clone, Default)]
pub struct EngineOptions {
    /// The Rego syntax version.
    pub rego_version: RegoVersion,
    /// Directories (or files) that `parse_config_file` and `parse_combined_config_files` may
    /// read; nothing outside them. Empty: those builtins fail.
    pub file_roots: Vec<PathBuf>,
    /// Time and memory bounds on evaluation (`test` and `verify`).
    pub limits: Limits,
    /// `--strict`: unused assigned variables, function arguments and imports are errors.
    pub strict: bool,
    /// `--capabilities`: the builtins policies may call; `None` allows all.
    pub capabilities: Option<Capabilities>,
    /// conftest's `--show-builtin-errors`: a built-in function's error (`object.get(null, …)`,
    /// `to_number("x")`) is an evaluation error naming the policy file and line. Off (OPA's and
    /// conftest's default), the call is undefined and the rule does not fire.
    pub strict_builtin_errors: bool,
}

/// How to run `test`.
#[derive(Debug, Clone, Default)]
pub struct TestOptions {
    /// Namespaces to check (globs allowed); empty means `main`.
    pub namespaces: Vec<String>,
    /// Check every namespace the policies define.
    pub all_namespaces: bool,
    /// Evaluate all files as one input `[{path, contents}]` named `Combined`.
    pub combine: bool,
    /// Record which rules and policy lines each document evaluated
    /// ([`DocumentResult::traces`](crate::DocumentResult::traces)).
    pub trace: bool,
}

/// Policies and data, compiled once; evaluation compiles one more engine per worker thread (see
/// [`PolicyEngine::test`]).
#[derive(Debug, Clone)]
pub struct PolicyEngine {
    engine: regorus::Engine,
    /// The `data` document and options `engine` was compiled with, for the workers' engines.
    data: Value,
    options: EngineOptions,
    namespaces: BTreeMap<String, NamespaceRules>,
    pub(crate) tests: Vec<TestRule>,
    pub(crate) policies: Vec<PolicySource>,
    /// Where each rule is, to turn line coverage into a trace.
    pub(crate) rule_lines: RuleLines,
    /// A policy reads `data.conftest.file`, which then names each document's file.
    reads_file_info: bool,
}

impl PolicyEngine {
    /// Compiles `policies` with `data` (the `data` document, an object) and conftest's builtins.
    pub fn new(
        policies: Vec<PolicySource>,
        data: Value,
        options: &EngineOptions,
    ) -> Result<PolicyEngine, PolicyError> {
        let mut engine = load(&policies, &data, options)?;
        let modules = engine.get_modules().clone();
        let (namespaces, tests) = rules::scan(&modules, options.rego_version == RegoVersion::V1)?;
        if let Some(capabilities) = &options.capabilities {
            checks::check_capabilities(&modules, capabilities)?;
        }
        if options.strict {
            checks::check_strict(&modules)?;
        }
        let rule_lines = RuleLines::of(&modules);
        // Before anything is evaluated: regorus would recurse through a recursive function until
        // the stack overflowed.
        recursion::check(&modules)?;
        // Compile now so that errors (unsafe variables, unknown functions, conflicts in rule
        // kinds) surface once, before any document.
        prepare(&mut engine, &policies)?;
        // Setting it costs a fresh preparation per file: only for policies that read it.
        let reads_file_info = policies
            .iter()
            .any(|policy| policy.text.contains("conftest.file"));
        Ok(PolicyEngine {
            engine,
            reads_file_info,
            data,
            options: options.clone(),
            namespaces,
            tests,
            policies,
            rule_lines,
        })
    }

    /// A prepared engine of its own for one evaluation worker, compiled from the same sources.
    ///
    /// Not a clone: a clone shares the parsed policies, whose reference counts the interpreter
    /// raises and drops on every rule and expression it evaluates, so workers on different cores
    /// keep taking the same cache lines from each other (measured on two cores: 12% more CPU than
    /// with separate engines). Compiling a handful of policy files takes well under a millisecond.
    fn worker_engine(&self) -> Result<regorus::Engine, PolicyError> {
        let mut engine = load(&self.policies, &self.data, &self.options)?;
        prepare(&mut engine, &self.policies)?;
        Ok(engine)
    }

    /// Evaluates one Rego `query` (`data.main.deny`) on one `input`, with the same settings as
    /// [`PolicyEngine::test`]: its value as JSON (sets as sorted arrays), `None` when undefined.
    ///
    /// For embedders and tests that want a rule's raw value rather than conftest's results.
    pub fn query(&self, input: &Value, query: &str) -> Result<Option<Value>, PolicyError> {
        let mut engine = self.worker_engine()?;
        engine.set_input(regorus::Value::from(input.clone()));
        let deadline = Deadline::start(self.options.limits.max_eval_time);
        deadline.arm(&mut engine);
        let results = engine
            .eval_query(query.to_owned(), false)
            .map_err(|error| PolicyError::Eval {
                file: "<input>".to_owned(),
                query: query.to_owned(),
                message: crate::error::one_line(&error.to_string()),
            })?;
        let Some(value) = results
            .result
            .first()
            .and_then(|result| result.expressions.first())
            .map(|expression| &expression.value)
        else {
            return Ok(None);
        };
        if *value == regorus::Value::Undefined {
            return Ok(None);
        }
        serde_json::to_value(value)
            .map(Some)
            .map_err(|error| PolicyError::Eval {
                file: "<input>".to_owned(),
                query: query.to_owned(),
                message: error.to_string(),
            })
    }

    /// Every namespace (package) the policies define, sorted.
    pub fn namespaces(&self) -> Vec<String> {
        self.namespaces.keys().cloned().collect()
    }

    /// The policy modules the engine was built from.
    pub fn policies(&self) -> &[PolicySource] {
        &self.policies
    }

    /// The namespaces `test` checks: all of them, or those matching the patterns (a pattern with
    /// no glob characters is taken literally even if no policy defines it, as conftest does).
    pub fn select_namespaces(
        &self,
        patterns: &[String],
        all: bool,
    ) -> Result<Vec<String>, PolicyError> {
        if all {
            return Ok(self.namespaces());
        }
        if patterns.is_empty() {
            return Ok(vec!["main".to_owned()]);
        }
        let mut selected = Vec::new();
        for pattern in patterns {
            if pattern.contains(['*', '?', '[', '{']) {
                let matcher = globset::GlobBuilder::new(pattern)
                    .literal_separator(false)
                    .build()
                    .map_err(|source| PolicyError::NamespacePattern {
                        pattern: pattern.clone(),
                        source,
                    })?
                    .compile_matcher();
                for namespace in self.namespaces.keys() {
                    if matcher.is_match(namespace) && !selected.contains(namespace) {
                        selected.push(namespace.clone());
                    }
                }
            } else if !selected.contains(pattern) {
                selected.push(pattern.clone());
            }
        }
        Ok(selected)
    }

    /// Evaluates the policies on every document of `files`, in parallel, like `conftest test`.
    ///
    /// Results are ordered by file (in the order given), document, then namespace; within a
    /// document by rule name, then message.
    pub fn test(
        &self,
        files: &[Parsed],
        options: &TestOptions,
    ) -> Result<TestResults, PolicyError> {
        let namespaces = self.select_namespaces(&options.namespaces, options.all_namespaces)?;
        let combined;
        let mut jobs: Vec<(&str, usize, u32, &regorus::Value)> = Vec::new();
        if options.combine {
            combined = combined_value(files);
            jobs.push(("Combined", 0, 1, &combined));
        } else {
            for file in files {
                for (index, (line, value)) in file.input_values().into_iter().enumerate() {
                    jobs.push((file.path.as_str(), index, line, value));
                }
            }
        }
        // One worker per thread, each with its own engine, taking batches of documents from a
        // shared counter so that a slow document does not leave the other workers idle. The
        // engines are compiled before the memory limit applies: regorus checks it on loading too,
        // where an error could name no document.
        let workers = rayon::current_num_threads().min(jobs.len());
        let engines = (0..workers)
            .map(|_| {
                let mut engine = self.worker_engine()?;
                // The trace is read from line coverage (regorus has no event trace).
                engine.set_enable_coverage(options.trace);
                Ok(engine)
            })
            .collect::<Result<Vec<_>, PolicyError>>()?;
        let _memory_limit = limits::MemoryLimit::apply(&self.options.limits);
        let next = AtomicUsize::new(0);
        let failed = AtomicBool::new(false);
        let evaluated: Result<Vec<WorkerResults>, PolicyError> = engines
            .into_par_iter()
            .map(|mut engine| {
                let mut done = Vec::new();
                let mut current_file: Option<&str> = None;
                while !failed.load(Ordering::Relaxed) {
                    let start = next.fetch_add(BATCH, Ordering::Relaxed);
                    if start >= jobs.len() {
                        break;
                    }
                    for (job, (file, index, line, value)) in
                        jobs.iter().enumerate().skip(start).take(BATCH)
                    {
                        // Documents are parsed into the interpreter's form: this shares, not
                        // copies.
                        engine.set_input((*value).clone());
                        if self.reads_file_info && current_file != Some(*file) {
                            set_file_info(&mut engine, &self.data, file)?;
                            current_file = Some(*file);
                        }
                        let deadline = Deadline::start(self.options.limits.max_eval_time);
                        let results = namespaces
                            .iter()
                            .map(|namespace| {
                                let mut result = match self.check(
                                    &mut engine,
                                    &deadline,
                                    file,
                                    *index,
                                    *line,
                                    namespace,
                                ) {
                                    Ok(result) => result,
                                    Err(error) => {
                                        return document_error(
                                            error, file, *index, *line, namespace,
                                        );
                                    }
                                };
                                if options.trace {
                                    result.traces =
                                        self.rule_lines.trace(&mut engine, namespace, true);
                                }
                                Ok(result)
                            })
                            .collect::<Result<Vec<_>, PolicyError>>()
                            .inspect_err(|_| failed.store(true, Ordering::Relaxed))?;
                        done.push((job, results));
                    }
                }
                Ok(done)
            })
            .collect();
        let mut evaluated: WorkerResults = evaluated?.into_iter().flatten().collect();
        evaluated.sort_unstable_by_key(|(job, _)| *job);
        Ok(TestResults {
            documents: evaluated
                .into_iter()
                .flat_map(|(_, results)| results)
                .collect(),
        })
    }

    /// One namespace on the engine's current input: conftest's `check`.
    fn check(
        &self,
        engine: &mut regorus::Engine,
        deadline: &Deadline,
        file: &str,
        index: usize,
        line: u32,
        namespace: &str,
    ) -> Result<DocumentResult, PolicyError> {
        let mut result = DocumentResult::empty(file, index, line, namespace);
        let Some(rules) = self.namespaces.get(namespace) else {
            return Ok(result);
        };
        let evaluation = Evaluation {
            deadline,
            limits: &self.options.limits,
            file,
        };
        let (exception_value, values) = evaluate_namespace(engine, &evaluation, namespace, rules)?;
        // conftest shows print() output (`PRNT` lines) for each document.
        result.prints = engine.take_prints().unwrap_or_default();
        let mut successes = 0;
        for ((name, query), value) in rules.names.iter().zip(&rules.queries).zip(values) {
            let exception_name = rules::exception_name(name);
            let exception_count = if rules.has_exception {
                count_exceptions(&exception_value, exception_name)
            } else {
                0
            };
            if exception_count > 0 {
                let query = format!("data.{namespace}.exception[_][_] == {exception_name:?}");
                for _ in 0..exception_count {
                    result.exceptions.push(RuleOutcome {
                        rule: name.clone(),
                        result: RuleResult {
                            message: query.clone(),
                            location: None,
                            metadata: Map::new(),
                        },
                    });
                }
                // Exceptions drop the rule's results: conftest does not even count successes.
                continue;
            }
            let messages = rule_results(&value, file, query)?;
            if messages.is_empty() {
                // conftest counts a pass for an empty collection or a non-collection value
                // (`deny if …` being true); undefined, or values that are neither strings nor
                // objects, give no result and only count through the definition total below.
                if counts_as_pass(&value) {
                    successes += 1;
                }
                continue;
            }
            let target = if rules::is_failure(name) {
                &mut result.failures
            } else {
                &mut result.warnings
            };
            target.extend(messages.into_iter().map(|result| RuleOutcome {
                rule: name.clone(),
                result,
            }));
        }
        // Only one success is reported per passing rule name however many definitions it has:
        // conftest makes up the difference so every definition counts.
        let counted = result.failures.len() + result.warnings.len() + result.exceptions.len();
        successes = successes.max(rules.definitions.saturating_sub(counted));
        result.successes = successes;
        Ok(result)
    }

    pub(crate) fn regorus(&self) -> &regorus::Engine {
        &self.engine
    }

    pub(crate) fn limits(&self) -> Limits {
        self.options.limits
    }
}

/// An evaluation error of one document as that document's result, so the other documents are
/// still evaluated and reported. Limits stay errors of the whole run: past the memory limit the
/// process may be in no state to go on, and a time limit usually hits every document alike.
fn document_error(
    error: PolicyError,
    file: &str,
    index: usize,
    line: u32,
    namespace: &str,
) -> Result<DocumentResult, PolicyError> {
    let message = match error {
        PolicyError::Eval { query, message, .. } => format!("evaluating {query}: {message}"),
        PolicyError::MissingMessage { query, .. } => {
            format!("{query}: \"msg\" field must be present and a string")
        }
        other => return Err(other),
    };
    Ok(DocumentResult {
        error: Some(message),
        ..DocumentResult::empty(file, index, line, namespace)
    })
}

/// conftest's `data.conftest.file`: the `name` and `dir` of the file being checked (its absolute
/// path split), over the `data` document the engine was built with.
fn set_file_info(
    engine: &mut regorus::Engine,
    data: &Value,
    file: &str,
) -> Result<(), PolicyError> {
    let path = std::path::absolute(file).unwrap_or_else(|_| file.into());
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned());
    let dir = path.parent().map(|dir| dir.to_string_lossy().into_owned());
    let mut data = data.clone();
    if !data.is_object() {
        data = Value::Object(serde_json::Map::new());
    }
    data["conftest"] = serde_json::json!({"file": {"name": name, "dir": dir}});
    engine.clear_data();
    engine
        .add_data(regorus::Value::from(data))
        .map_err(|error| PolicyError::Data {
            path: file.to_owned(),
            message: crate::error::one_line(&error.to_string()),
        })
}

/// What one worker evaluated: each job's index with its results.
type WorkerResults = Vec<(usize, Vec<DocumentResult>)>;

/// Documents a worker takes at a time: enough to make the shared counter cheap, few enough that
/// workers finish together.
const BATCH: usize = 16;

/// A regorus engine with the policies, the `data` document and conftest's builtins loaded.
fn load(
    policies: &[PolicySource],
    data: &Value,
    options: &EngineOptions,
) -> Result<regorus::Engine, PolicyError> {
    let mut engine = regorus::Engine::new();
    engine.set_rego_v0(options.rego_version == RegoVersion::V0);
    engine.set_gather_prints(true);
    engine.set_strict_builtin_errors(options.strict_builtin_errors);
    for policy in policies {
        engine
            .add_policy(policy.path.clone(), policy.text.clone())
            .map_err(|error| PolicyError::Compile {
                path: policy.path.clone(),
                message: crate::error::one_line(&error.to_string()),
            })?;
    }
    if data.as_object().is_some_and(|object| !object.is_empty()) {
        engine
            .add_data(regorus::Value::from(data.clone()))
            .map_err(|error| PolicyError::Data {
                path: "-d".to_owned(),
                message: crate::error::one_line(&error.to_string()),
            })?;
    }
    builtins::register(
        &mut engine,
        &options.file_roots,
        &builtin_bases(policies),
        options.strict_builtin_errors,
    )
    .and_then(|()| limits::register_ranges(&mut engine, &options.limits))
    .map_err(|error| PolicyError::Compile {
        path: "<builtins>".to_owned(),
        message: crate::error::one_line(&error.to_string()),
    })?;
    Ok(engine)
}

/// The directories of the policy files that call conftest's file builtins: conftest resolves
/// their relative paths there.
fn builtin_bases(policies: &[PolicySource]) -> Vec<PathBuf> {
    let mut bases: Vec<PathBuf> = Vec::new();
    for policy in policies {
        if policy.text.contains("parse_config_file")
            || policy.text.contains("parse_combined_config_files")
        {
            let base = std::path::Path::new(&policy.path)
                .parent()
                .map(std::path::Path::to_path_buf)
                .unwrap_or_default();
            if !bases.contains(&base) {
                bases.push(base);
            }
        }
    }
    bases
}

/// Analyses the loaded policies (regorus does it on the first evaluation), so that compile errors
/// surface here and evaluation starts prepared.
fn prepare(engine: &mut regorus::Engine, policies: &[PolicySource]) -> Result<(), PolicyError> {
    engine
        .eval_query("true".to_owned(), false)
        .map_err(|error| PolicyError::Compile {
            path: policies
                .first()
                .map_or_else(String::new, |policy| policy.path.clone()),
            message: crate::error::one_line(&error.to_string()),
        })?;
    Ok(())
}

/// The `exception` value and each check rule's value for the current input.
///
/// Each rule is evaluated with `eval_rule`: measured against one query listing them all, that is
/// faster in regorus 0.14 (no query parsing per document) and pins an error on its rule.
fn evaluate_namespace(
    engine: &mut regorus::Engine,
    evaluation: &Evaluation,
    namespace: &str,
    rules: &NamespaceRules,
) -> Result<(regorus::Value, Vec<regorus::Value>), PolicyError> {
    let exception = if rules.has_exception {
        eval_rule(engine, evaluation, &format!("data.{namespace}.exception"))?
    } else {
        regorus::Value::Undefined
    };
    let mut values = Vec::with_capacity(rules.queries.len());
    for query in &rules.queries {
        values.push(eval_rule(engine, evaluation, query)?);
    }
    Ok((exception, values))
}

/// One document's evaluation: its file, its deadline and the limits.
struct Evaluation<'a> {
    deadline: &'a Deadline,
    limits: &'a Limits,
    file: &'a str,
}

fn eval_rule(
    engine: &mut regorus::Engine,
    evaluation: &Evaluation,
    query: &str,
) -> Result<regorus::Value, PolicyError> {
    evaluation.deadline.arm(engine);
    let file = evaluation.file;
    engine.eval_rule(query.to_owned()).map_err(|error| {
        match limits::limit_hit(&error, evaluation.limits) {
            Some(limit) => PolicyError::Limit {
                file: file.to_owned(),
                query: query.to_owned(),
                limit,
            },
            None => PolicyError::Eval {
                file: file.to_owned(),
                query: query.to_owned(),
                message: crate::error::one_line(&error.to_string()),
            },
        }
    })
}

fn counts_as_pass(value: &regorus::Value) -> bool {
    match value {
        regorus::Value::Undefined => false,
        regorus::Value::Set(set) => set.is_empty(),
        regorus::Value::Array(array) => array.is_empty(),
        _ => true,
    }
}

/// How many bindings of `exception[_][_] == name` hold.
fn count_exceptions(exceptions: &regorus::Value, name: &str) -> usize {
    let target = regorus::Value::from(name);
    members(exceptions)
        .iter()
        .map(|inner| members(inner).iter().filter(|v| **v == target).count())
        .sum()
}

/// The values of a collection (set elements, array items, object values).
///
/// Matches variants rather than calling `as_set()` and friends: their errors are `anyhow` errors,
/// which capture a backtrace when `RUST_BACKTRACE` is set and would dominate the run time.
fn members(value: &regorus::Value) -> Vec<regorus::Value> {
    match value {
        regorus::Value::Set(set) => set.iter().cloned().collect(),
        regorus::Value::Array(array) => array.iter().cloned().collect(),
        regorus::Value::Object(object) => object.values().cloned().collect(),
        _ => Vec::new(),
    }
}

/// A rule's value as conftest reads it: a set or array of strings or `{msg, _loc, …}` objects;
/// anything else (a boolean, an empty set) is a pass.
fn rule_results(
    value: &regorus::Value,
    file: &str,
    query: &str,
) -> Result<Vec<RuleResult>, PolicyError> {
    let items = match value {
        regorus::Value::Set(_) | regorus::Value::Array(_) => members(value),
        _ => return Ok(Vec::new()),
    };
    let mut results = Vec::with_capacity(items.len());
    for item in items {
        if let regorus::Value::String(message) = &item {
            let mut metadata = Map::new();
            metadata.insert("query".to_owned(), Value::String(query.to_owned()));
            results.push(RuleResult {
                message: message.to_string(),
                location: None,
                metadata,
            });
        } else if let regorus::Value::Object(_) = &item {
            let Ok(Value::Object(mut object)) = serde_json::to_value(&item) else {
                continue;
            };
            let Some(Value::String(message)) = object.remove("msg") else {
                return Err(PolicyError::MissingMessage {
                    file: file.to_owned(),
                    query: query.to_owned(),
                });
            };
            let location = object.remove("_loc").and_then(|loc| parse_location(&loc));
            object.insert("query".to_owned(), Value::String(query.to_owned()));
            results.push(RuleResult {
                message,
                location,
                metadata: object,
            });
        }
    }
    results.sort_by(|a, b| a.message.cmp(&b.message));
    Ok(results)
}

fn parse_location(value: &Value) -> Option<ResultLocation> {
    let object = value.as_object()?;
    let file = object
        .get("file")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let line = match object.get("line") {
        Some(Value::Number(number)) => number.to_string(),
        _ => String::new(),
    };
    if file.is_empty() && line.is_empty() {
        return None;
    }
    Some(ResultLocation { file, line })
}

/// `--combine`: all documents as one input `[{path, contents}]`, one entry per document (a
/// multi-document file gives several entries with its path), stably sorted by path.
pub(crate) fn combined_value(files: &[Parsed]) -> regorus::Value {
    let mut entries: Vec<(&str, &regorus::Value)> = files
        .iter()
        .flat_map(|file| {
            file.input_values()
                .into_iter()
                .map(move |(_, value)| (file.path.as_str(), value))
        })
        .collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    regorus::Value::from(
        entries
            .into_iter()
            .map(|(path, contents)| {
                regorus::Value::from(BTreeMap::from([
                    (regorus::Value::from("path"), regorus::Value::from(path)),
                    (regorus::Value::from("contents"), contents.clone()),
                ]))
            })
            .collect::<Vec<_>>(),
    )
}
