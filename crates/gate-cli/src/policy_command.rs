//! `gate policy test|verify|parse|fmt`: the policy gate as a drop-in for `conftest test`,
//! `conftest verify` and `conftest parse`, plus a whitespace-only `fmt`.

use std::fmt::Write as _;
use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, anyhow};
use clap::{Args, Subcommand, ValueEnum};
use gate_core::{GateReport, Report};
use gate_policy::output::{
    ReportMode, StdoutOptions, conftest_github, conftest_json, conftest_junit, conftest_parse,
    conftest_stdout, conftest_table, conftest_tap,
};
use gate_policy::{
    Capabilities, CheckResult, Format, Limits, RegoVersion, TestOptions, TestStatus, Totals,
    VerifyOptions,
};
use gate_project::settings::conftest::{CONFTEST_FILE_NAME, ConftestConfig};

use crate::environment::Environment;
use crate::output::ColorChoice;
use crate::output::{self, Output};
use crate::{EXIT_ERROR, EXIT_FAIL, EXIT_PASS};
use gate_project::ProjectIo as _;
use gate_project::run::policy as gate;
use gate_project::settings::policy::Policy;

const EXIT_CODES: &str = "\
Exit codes: 0 every check passed (warnings allowed), 1 a check failed (or warned, with \
--fail-on-warn), 2 an error: a policy that does not compile, an input that cannot be parsed, a \
missing path, a document the policies could not be evaluated on (the other documents are still \
reported). conftest differs: it exits 1 on errors, and 2 for failures with --fail-on-warn.

Configuration: conftest.toml in the working directory (or the file -c names) sets any flag by \
its long name (policy, namespace, data, parser, all-namespaces…); a flag on the command line \
wins. gate.toml is not read here (gate check reads it).";

const VERIFY_EXIT_CODES: &str = "\
Exit codes: 0 every test passed, 1 a test failed or policy coverage is below \
--fail-under-coverage, 2 an error: a policy that does not compile, a missing path. conftest \
exits 1 on errors as well as failures. A failed test is also printed to standard error as \
file:line: data.pkg.test_name failed, with its print() output. conftest.toml is read as by \
gate policy test.";

/// `gate policy …`.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Evaluate Rego policies on configuration files, like `conftest test` (exit 0 pass,
    /// 1 fail, 2 error).
    #[command(after_help = EXIT_CODES)]
    Test(TestArgs),
    /// Run the policies' Rego unit tests (`test_*` rules), like `conftest verify`
    /// (exit 0 pass, 1 a test failed or coverage is too low, 2 error).
    #[command(after_help = VERIFY_EXIT_CODES)]
    Verify(VerifyArgs),
    /// Print input files as the JSON policies see them, like `conftest parse`.
    Parse(ParseArgs),
    /// Print conftest's JSON results (`-o json`, from a file or standard input) in another
    /// format, like `conftest reformat`.
    Reformat(ReformatArgs),
    /// Normalise the whitespace of Rego files. Not `opa fmt`: no Rego formatter exists in Rust,
    /// so this only indents with tabs, removes trailing whitespace and ends each file with one
    /// newline.
    Fmt(FmtArgs),
}

/// The policies and data a command compiles.
#[derive(Debug, Args)]
pub struct PolicySetArgs {
    /// Policy files or directories (`.rego`, recursively); repeatable [default: policy].
    #[arg(short = 'p', long = "policy", value_name = "PATH")]
    pub policy: Vec<PathBuf>,
    /// Data files or directories (JSON, YAML) loaded under `data`; repeatable.
    #[arg(short = 'd', long = "data", value_name = "PATH")]
    pub data: Vec<PathBuf>,
    /// The Rego syntax of the policies [default: v1].
    #[arg(long, value_name = "VERSION", value_parser = ["v0", "v1"])]
    pub rego_version: Option<String>,
    /// Unused assigned variables, function arguments and imports are errors (as `opa check
    /// --strict`).
    #[arg(long)]
    pub strict: bool,
    /// OPA capabilities JSON: policies calling a builtin it does not list are refused.
    #[arg(long, value_name = "FILE")]
    pub capabilities: Option<PathBuf>,
    /// Print which rules and policy lines each evaluation went through, to standard error.
    #[arg(long)]
    pub trace: bool,
    /// conftest's configuration file [default: conftest.toml, when the working directory has
    /// one].
    #[arg(
        short = 'c',
        long = "config",
        visible_alias = "config-file",
        value_name = "FILE"
    )]
    pub config: Option<PathBuf>,
    /// A built-in function's error (`object.get(null, …)`) is an error naming the policy file
    /// and line, instead of making the expression undefined (OPA's and conftest's default).
    /// `--show-builtin-errors=false` is accepted too, as conftest's flags take a value.
    #[arg(
        long,
        action = clap::ArgAction::Set,
        num_args = 0..=1,
        require_equals = true,
        default_value = "false",
        default_missing_value = "true",
        value_name = "BOOL"
    )]
    pub show_builtin_errors: bool,
}

/// Bounds on evaluation: a policy that runs into one is an error (exit 2) naming the document
/// and the rule.
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// Time limit for evaluating one document (with verify, one test): 500ms, 10s, 2m.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = Limits::parse_duration)]
    pub max_eval_time: Duration,
    /// Heap the process may hold while policies evaluate: 512MiB, 4GiB (enforced in builds with
    /// the default `memory-limits` feature, as every release is).
    #[arg(long, value_name = "SIZE", default_value = "4GiB", value_parser = Limits::parse_bytes)]
    pub max_memory: u64,
}

impl LimitArgs {
    fn limits(&self) -> Limits {
        Limits {
            max_eval_time: self.max_eval_time,
            max_memory: self.max_memory,
        }
    }
}

/// How results are shown.
#[derive(Debug, Args)]
pub struct DisplayArgs {
    /// Output format: stdout, json, tap, table, junit and github are conftest's layouts; sarif
    /// is gate's renderer of the report [default: stdout].
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT")]
    pub output: Option<PolicyOutput>,
    /// JUnit test case names leave out the message (conftest's flag).
    #[arg(long)]
    pub junit_hide_message: bool,
    /// Print nothing with the stdout format when every check passed.
    #[arg(long)]
    pub quiet: bool,
    /// Never colour the output (it is coloured only on a terminal, without `NO_COLOR`).
    #[arg(long)]
    pub no_color: bool,
}

/// `-o/--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PolicyOutput {
    /// conftest's default text.
    Stdout,
    /// conftest's JSON.
    Json,
    /// conftest's TAP.
    Tap,
    /// conftest's bordered table, one row per result.
    Table,
    /// conftest's JUnit XML, one testsuite per namespace.
    Junit,
    /// conftest's GitHub Actions annotations.
    Github,
    /// SARIF 2.1.0.
    Sarif,
}

/// `gate policy test`.
// conftest's flags are booleans; a drop-in keeps them.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Files or directories to check; `-` reads standard input (YAML unless --parser); an
    /// empty name is ignored, as conftest does.
    #[arg(required = true, value_name = "PATH", value_parser = path_or_empty())]
    pub paths: Vec<PathBuf>,
    /// Policies and data.
    #[command(flatten)]
    pub policies: PolicySetArgs,
    /// Namespaces (packages) to check; globs allowed; repeatable [default: main].
    #[arg(short = 'n', long = "namespace", value_name = "NAMESPACE")]
    pub namespaces: Vec<String>,
    /// Check every namespace the policies define.
    #[arg(long)]
    pub all_namespaces: bool,
    /// Evaluate all inputs as one document: `[{"path", "contents"}]`.
    #[arg(long)]
    pub combine: bool,
    /// Warnings fail the check (exit 1).
    #[arg(long)]
    pub fail_on_warn: bool,
    /// Exit 0 even when checks fail (errors still exit 2).
    #[arg(long)]
    pub no_fail: bool,
    /// Parse every input with this parser instead of detecting it from the file name.
    #[arg(long, value_name = "PARSER")]
    pub parser: Option<String>,
    /// Directories of `.proto` files that type textproto inputs; repeatable or comma-separated.
    #[arg(long, value_name = "DIR", value_delimiter = ',')]
    pub proto_file_dirs: Vec<PathBuf>,
    /// Skip files found in directories whose path matches this regular expression.
    #[arg(long, value_name = "REGEX")]
    pub ignore: Option<String>,
    /// Leave exceptions out of the output (they still count in the summary).
    #[arg(long)]
    pub suppress_exceptions: bool,
    /// Time and memory limits.
    #[command(flatten)]
    pub limits: LimitArgs,
    /// How to show the results.
    #[command(flatten)]
    pub display: DisplayArgs,
}

/// `gate policy verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Accepted and ignored, as conftest does (`conftest verify -p policy service.yaml`): tests
    /// read their inputs with `parse_config_file`.
    #[arg(value_name = "PATH", value_parser = path_or_empty())]
    pub paths: Vec<PathBuf>,
    /// Policies (with their `*_test.rego` files) and data.
    #[command(flatten)]
    pub policies: PolicySetArgs,
    /// Run only the tests of these namespaces (globs allowed: `*` also matches `.`); repeatable
    /// [default: every namespace].
    #[arg(short = 'n', long = "namespace", value_name = "NAMESPACE")]
    pub namespaces: Vec<String>,
    /// Print OPA's test report instead: `fails` (failed tests), `notes` (with their `trace()`
    /// messages) or `full` (with the rules and lines they evaluated). Standard output only.
    #[arg(long, value_name = "MODE", value_parser = ["fails", "notes", "full"])]
    pub report: Option<String>,
    /// Exit 0 even when tests fail (errors still exit 2).
    #[arg(long)]
    pub no_fail: bool,
    /// Print Rego line coverage per policy file.
    #[arg(long)]
    pub coverage: bool,
    /// Fail when line coverage of the policies (test files excluded) is below this percentage.
    #[arg(long, value_name = "PERCENT")]
    pub fail_under_coverage: Option<f64>,
    /// Time and memory limits.
    #[command(flatten)]
    pub limits: LimitArgs,
    /// How to show the results.
    #[command(flatten)]
    pub display: DisplayArgs,
}

/// `gate policy parse`.
#[derive(Debug, Args)]
pub struct ParseArgs {
    /// Files or directories to print; `-` reads standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Parse every input with this parser instead of detecting it from the file name.
    #[arg(long, value_name = "PARSER")]
    pub parser: Option<String>,
    /// Print all inputs as one `[{"path", "contents"}]` document.
    #[arg(long)]
    pub combine: bool,
    /// Directories of `.proto` files that type textproto inputs; repeatable or comma-separated.
    #[arg(long, value_name = "DIR", value_delimiter = ',')]
    pub proto_file_dirs: Vec<PathBuf>,
    /// Skip files found in directories whose path matches this regular expression.
    #[arg(long, value_name = "REGEX")]
    pub ignore: Option<String>,
    /// conftest's configuration file (its `parser` key is used) [default: conftest.toml, when
    /// the working directory has one].
    #[arg(
        short = 'c',
        long = "config",
        visible_alias = "config-file",
        value_name = "FILE"
    )]
    pub config: Option<PathBuf>,
}

/// `gate policy reformat`.
#[derive(Debug, Args)]
pub struct ReformatArgs {
    /// The JSON file `gate policy test -o json` (or conftest) wrote; standard input when absent.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Output format: stdout, json, tap, table, junit or github (sarif is not available: the
    /// JSON has no report to render). An unknown format falls back to stdout with a warning, as
    /// conftest's reformat does.
    #[arg(short = 'o', long, value_name = "FORMAT", default_value = "stdout")]
    pub output: String,
}

/// `gate policy fmt`.
#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Rego files or directories.
    #[arg(value_name = "PATH", default_value = "policy")]
    pub paths: Vec<PathBuf>,
    /// Change nothing: list the files that would change and exit 1 if there are any.
    #[arg(long)]
    pub check: bool,
}

/// Runs a `gate policy` subcommand.
pub fn run(command: &PolicyCommand, environment: &Environment) -> anyhow::Result<u8> {
    match command {
        PolicyCommand::Test(args) => test(args, environment),
        PolicyCommand::Verify(args) => verify(args, environment),
        PolicyCommand::Parse(args) => parse(args, environment),
        PolicyCommand::Reformat(args) => reformat(args, environment),
        PolicyCommand::Fmt(args) => fmt(args),
    }
}

/// A path argument that may be empty (clap's `PathBuf` parser refuses `""`).
fn path_or_empty() -> impl clap::builder::TypedValueParser<Value = PathBuf> {
    use clap::builder::TypedValueParser as _;
    clap::builder::OsStringValueParser::new().map(PathBuf::from)
}

/// `conftest.toml`: the file `-c` names, else the working directory's, else nothing.
fn conftest_config(explicit: Option<&PathBuf>) -> anyhow::Result<ConftestConfig> {
    let default = PathBuf::from(CONFTEST_FILE_NAME);
    let path = if let Some(path) = explicit {
        path.clone()
    } else if default.is_file() {
        default
    } else {
        return Ok(ConftestConfig::default());
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    ConftestConfig::parse(&path, &text).map_err(|message| anyhow!(message))
}

/// The flag's values when given, else the configuration's, else `default`.
fn list_or(
    flag: &[PathBuf],
    config: Option<&gate_project::settings::conftest::StringList>,
    default: &[&str],
) -> Vec<PathBuf> {
    if !flag.is_empty() {
        return flag.to_vec();
    }
    config.map_or_else(
        || default.iter().map(PathBuf::from).collect(),
        |list| list.values().into_iter().map(PathBuf::from).collect(),
    )
}

fn policy_set(
    args: &PolicySetArgs,
    config: &ConftestConfig,
    inputs: Vec<PathBuf>,
) -> anyhow::Result<Policy> {
    let mut policy = Policy::new(inputs);
    policy.policy = list_or(&args.policy, config.policy.as_ref(), &["policy"]);
    policy.data = list_or(&args.data, config.data.as_ref(), &[]);
    let version = args
        .rego_version
        .as_deref()
        .or(config.rego_version.as_deref())
        .unwrap_or("v1");
    policy.rego_version = RegoVersion::from_name(version)
        .ok_or_else(|| anyhow!("--rego-version must be v0 or v1, not {version:?}"))?;
    policy.strict = args.strict || config.strict == Some(true);
    let capabilities = args
        .capabilities
        .clone()
        .or_else(|| config.capabilities.as_ref().map(PathBuf::from));
    if let Some(path) = capabilities {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: cannot read", path.display()))?;
        let shown = path.to_string_lossy().replace('\\', "/");
        policy.capabilities = Some(Capabilities::from_json(&shown, &text)?);
    }
    policy.show_builtin_errors =
        args.show_builtin_errors || config.show_builtin_errors == Some(true);
    Ok(policy)
}

fn parser(name: Option<&String>) -> anyhow::Result<Option<Format>> {
    name.map(|name| Format::from_name(name).context("--parser"))
        .transpose()
}

fn ignore(pattern: Option<&String>) -> anyhow::Result<Option<regex::Regex>> {
    pattern
        .map(|pattern| regex::Regex::new(pattern).context("--ignore"))
        .transpose()
}

/// How to show results, with conftest.toml's settings filled in.
// conftest's flags are booleans; a drop-in keeps them.
#[allow(clippy::struct_excessive_bools)]
struct Display {
    output: PolicyOutput,
    quiet: bool,
    no_color: bool,
    junit_hide_message: bool,
    suppress_exceptions: bool,
}

impl Display {
    fn new(args: &DisplayArgs, config: &ConftestConfig) -> anyhow::Result<Display> {
        let output = match (args.output, &config.output) {
            (Some(output), _) => output,
            (None, Some(name)) => PolicyOutput::from_str(name, true)
                .map_err(|_| anyhow!("conftest.toml: unknown output {name:?}"))?,
            (None, None) => PolicyOutput::Stdout,
        };
        Ok(Display {
            output,
            quiet: args.quiet || config.quiet == Some(true),
            no_color: args.no_color || config.no_color == Some(true),
            junit_hide_message: args.junit_hide_message || config.junit_hide_message == Some(true),
            suppress_exceptions: config.suppress_exceptions == Some(true),
        })
    }
}

fn color(display: &Display, environment: &Environment) -> bool {
    !display.no_color && !environment.no_color && std::io::stdout().is_terminal()
}

fn test(args: &TestArgs, environment: &Environment) -> anyhow::Result<u8> {
    let config = conftest_config(args.policies.config.as_ref())?;
    let mut policy = policy_set(&args.policies, &config, args.paths.clone())?;
    let namespaces = if args.namespaces.is_empty() {
        config.namespace.as_ref().map_or_else(
            || vec!["main".to_owned()],
            gate_project::settings::conftest::StringList::values,
        )
    } else {
        args.namespaces.clone()
    };
    let trace = args.policies.trace || config.trace == Some(true);
    policy.test = TestOptions {
        namespaces,
        all_namespaces: args.all_namespaces || config.all_namespaces == Some(true),
        combine: args.combine || config.combine == Some(true),
        trace,
    };
    policy.limits = args.limits.limits();
    let fail_on_warn = args.fail_on_warn || config.fail_on_warn == Some(true);
    policy.fail_on_warn = fail_on_warn;
    policy.parser = parser(args.parser.as_ref().or(config.parser.as_ref()))?;
    policy.ignore = ignore(args.ignore.as_ref().or(config.ignore.as_ref()))?;
    let mut display = Display::new(&args.display, &config)?;
    display.suppress_exceptions |= args.suppress_exceptions;
    policy.proto_file_dirs.clone_from(&args.proto_file_dirs);
    let root = PathBuf::from(".");
    let results =
        gate::evaluate(&policy, &root, &environment.io()).map_err(|message| anyhow!(message))?;
    let checks = results.check_results();
    if trace {
        print_traces(
            checks.iter().map(|check| {
                (
                    check.filename.as_str(),
                    format!("data.{}", check.namespace),
                    &check.traces,
                )
            }),
            &display,
            environment,
        );
    }
    let report = gate::report(&results, fail_on_warn);
    show(&checks, report, &display, false, environment)?;
    // Every document was evaluated and reported, but one that errored was not checked: fail
    // closed, as for any other error.
    if results.has_errors() {
        return Ok(EXIT_ERROR);
    }
    let failed = results.has_failures() || (fail_on_warn && results.has_warnings());
    let no_fail = args.no_fail || config.no_fail == Some(true);
    Ok(if failed && !no_fail {
        EXIT_FAIL
    } else {
        EXIT_PASS
    })
}

/// conftest's trace layout (`file: F | query: Q`, then `TRAC` lines), on standard error so that
/// standard output keeps the chosen format, as conftest does.
fn print_traces<'a>(
    traces: impl Iterator<Item = (&'a str, String, &'a Vec<String>)>,
    display: &Display,
    environment: &Environment,
) {
    let paint = |text: &str, code: &str| {
        if display.no_color || environment.no_color || !std::io::stderr().is_terminal() {
            text.to_owned()
        } else {
            format!("\u{1b}[{code}m{text}\u{1b}[0m")
        }
    };
    for (file, query, lines) in traces {
        eprintln!("{}", paint(&format!("file: {file} | query: {query}"), "32"));
        for line in lines {
            eprintln!("{}  {line}", paint("TRAC ", "34"));
        }
    }
}

/// Prints `checks` (or, for SARIF, `report`) in the chosen format.
fn show(
    checks: &[CheckResult],
    report: GateReport,
    display: &Display,
    verify: bool,
    environment: &Environment,
) -> anyhow::Result<()> {
    let text = match display.output {
        PolicyOutput::Stdout => {
            let totals = Totals::of(checks);
            if display.quiet
                && totals.failures + totals.warnings + totals.exceptions + totals.errors == 0
            {
                return Ok(());
            }
            let options = StdoutOptions {
                color: color(display, environment),
                show_skipped: verify,
                suppress_exceptions: display.suppress_exceptions,
            };
            conftest_stdout(checks, &options)
        }
        PolicyOutput::Json => conftest_json(checks),
        PolicyOutput::Tap => conftest_tap(checks),
        PolicyOutput::Table => conftest_table(checks),
        PolicyOutput::Junit => conftest_junit(checks, display.junit_hide_message),
        PolicyOutput::Github => {
            output::print(conftest_github(checks))?;
            output::append_job_summary(&Report::new(vec![report]), environment)?;
            return Ok(());
        }
        PolicyOutput::Sarif => {
            let format = "sarif".parse().context("output format")?;
            // Findings without a file point at the first input in SARIF.
            let fallback = checks
                .first()
                .map_or_else(String::new, |check| check.filename.clone());
            output::write_all(
                &Report::new(vec![report]),
                &[Output { format, file: None }],
                ColorChoice::Never,
                &fallback,
                environment,
            )?;
            return Ok(());
        }
    };
    output::print(&text)?;
    Ok(())
}

fn verify(args: &VerifyArgs, environment: &Environment) -> anyhow::Result<u8> {
    let config = conftest_config(args.policies.config.as_ref())?;
    let mut policy = policy_set(&args.policies, &config, Vec::new())?;
    policy.limits = args.limits.limits();
    let display = Display::new(&args.display, &config)?;
    let report = args
        .report
        .as_deref()
        .or(config.report.as_deref())
        .map(|name| {
            ReportMode::from_name(name)
                .ok_or_else(|| anyhow!("--report must be fails, notes or full, not {name:?}"))
        })
        .transpose()?;
    if report.is_some() && display.output != PolicyOutput::Stdout {
        // conftest's own words (scripts match on them); still a usage error, exit 2.
        eprintln!("Error: report flag is supported with stdout only");
        return Ok(crate::EXIT_ERROR);
    }
    let engine = gate::engine(&policy, &PathBuf::from("."), true).map_err(|e| anyhow!(e))?;
    let coverage = args.coverage || args.fail_under_coverage.is_some();
    let trace = args.policies.trace || config.trace == Some(true);
    let namespaces = if args.namespaces.is_empty() {
        config
            .namespace
            .as_ref()
            .map(gate_project::settings::conftest::StringList::values)
            .unwrap_or_default()
    } else {
        args.namespaces.clone()
    };
    let results = engine.verify(&VerifyOptions {
        coverage,
        namespaces,
        trace: trace || report == Some(ReportMode::Full),
        notes: trace || report.is_some_and(|mode| mode != ReportMode::Fails),
    })?;
    if trace {
        print_verify_traces(&results, &display, environment);
    }
    if report.is_none() {
        print_failed_tests(&results);
    }
    if let Some(mode) = report {
        output::print(gate_policy::output::verify_report(&results, mode))?;
    } else if !(display.quiet && results.passed()) {
        show(
            &results.check_results(),
            gate_policy::verify_report(&results),
            &display,
            true,
            environment,
        )?;
    }
    let mut failed = !results.passed();
    if let (true, Some(files)) = (args.coverage, &results.coverage) {
        let text =
            gate_policy::output::coverage_table(files, results.coverage_percent().unwrap_or(100.0));
        // Machine-readable formats keep standard output to themselves.
        if matches!(display.output, PolicyOutput::Stdout | PolicyOutput::Table) {
            output::print(&text)?;
        } else {
            eprint!("{text}");
        }
    }
    if let (Some(minimum), Some(percent)) = (args.fail_under_coverage, results.coverage_percent())
        && percent < minimum
    {
        eprintln!(
            "policy coverage {percent:.1}% is below --fail-under-coverage {minimum} \
             (policy files only; *_test.rego excluded)"
        );
        failed = true;
    }
    let no_fail = args.no_fail || config.no_fail == Some(true);
    Ok(if failed && !no_fail {
        EXIT_FAIL
    } else {
        EXIT_PASS
    })
}

/// `--trace` for `verify`: each test's `trace()` notes, then the rules and lines it evaluated.
fn print_verify_traces(
    results: &gate_policy::VerifyResults,
    display: &Display,
    environment: &Environment,
) {
    let traces: Vec<(&str, String, Vec<String>)> = results
        .cases
        .iter()
        .map(|case| {
            let lines = case
                .notes
                .iter()
                .map(|note| format!("Note {note:?}"))
                .chain(case.traces.iter().cloned())
                .collect();
            (case.file.as_str(), case.qualified_name(), lines)
        })
        .collect();
    print_traces(
        traces
            .iter()
            .map(|(file, name, lines)| (*file, name.clone(), lines)),
        display,
        environment,
    );
}

/// conftest's lines name a failed test but not its line: the details go to standard error so
/// standard output stays conftest's text.
fn print_failed_tests(results: &gate_policy::VerifyResults) {
    for case in &results.cases {
        if case.status == TestStatus::Failed {
            let mut line = format!(
                "{}:{}: {} failed",
                case.file,
                case.line,
                case.qualified_name()
            );
            if let Some(error) = &case.error {
                let _ = write!(line, ": {}", error.lines().next().unwrap_or_default());
            }
            eprintln!("{line}");
            for printed in &case.prints {
                eprintln!("    print: {printed}");
            }
        }
    }
}

fn reformat(args: &ReformatArgs, environment: &Environment) -> anyhow::Result<u8> {
    let text = match &args.file {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("failed to open input file {}", path.display()))?,
        None => environment
            .io()
            .read_stdin()
            .context("failed to read standard input")?,
    };
    let checks = gate_policy::output::read_conftest_json(&text).map_err(|message| {
        let source = args
            .file
            .as_ref()
            .map_or_else(|| "-".to_owned(), |path| path.display().to_string());
        anyhow!("failed to parse JSON input: {source}: {message}")
    })?;
    let format =
        <PolicyOutput as clap::ValueEnum>::from_str(&args.output, true).unwrap_or_else(|_| {
            eprintln!(
                "warning: unknown output format {:?}: writing the stdout format (as conftest)",
                args.output
            );
            PolicyOutput::Stdout
        });
    let text = match format {
        PolicyOutput::Stdout => conftest_stdout(
            &checks,
            &StdoutOptions {
                color: false,
                ..StdoutOptions::default()
            },
        ),
        PolicyOutput::Json => conftest_json(&checks),
        PolicyOutput::Tap => conftest_tap(&checks),
        PolicyOutput::Table => conftest_table(&checks),
        PolicyOutput::Junit => conftest_junit(&checks, false),
        PolicyOutput::Github => conftest_github(&checks),
        PolicyOutput::Sarif => {
            return Err(anyhow!(
                "reformat cannot write sarif: use gate policy test -o sarif"
            ));
        }
    };
    output::print(text)?;
    Ok(EXIT_PASS)
}

fn parse(args: &ParseArgs, environment: &Environment) -> anyhow::Result<u8> {
    let config = conftest_config(args.config.as_ref())?;
    let mut policy = Policy::new(args.paths.clone());
    policy.parser = parser(args.parser.as_ref().or(config.parser.as_ref()))?;
    policy.ignore = ignore(args.ignore.as_ref().or(config.ignore.as_ref()))?;
    policy.proto_file_dirs.clone_from(&args.proto_file_dirs);
    let files = gate::read_inputs(&policy, &PathBuf::from("."), &environment.io())
        .map_err(|e| anyhow!(e))?;
    output::print(conftest_parse(
        &files,
        args.combine || config.combine == Some(true),
    ))?;
    Ok(EXIT_PASS)
}

fn fmt(args: &FmtArgs) -> anyhow::Result<u8> {
    let sources = gate_policy::load_policies(&args.paths, true)?;
    let mut changed = Vec::new();
    for source in &sources {
        let formatted = gate_policy::fmt::normalise_whitespace(&source.text);
        if formatted != source.text {
            if !args.check {
                output::write_atomically(&PathBuf::from(&source.path), formatted.as_bytes())?;
            }
            changed.push(source.path.as_str());
        }
    }
    for path in &changed {
        output::print(format!("{path}\n"))?;
    }
    Ok(if args.check && !changed.is_empty() {
        EXIT_FAIL
    } else {
        EXIT_PASS
    })
}
