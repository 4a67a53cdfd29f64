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
    StdoutOptions, conftest_json, conftest_parse, conftest_stdout, conftest_tap,
};
use gate_policy::{
    CheckResult, Format, Limits, RegoVersion, TestOptions, TestStatus, Totals, VerifyOptions,
};

use crate::environment::Environment;
use crate::output::ColorChoice;
use crate::output::{self, Output};
use crate::{EXIT_ERROR, EXIT_FAIL, EXIT_PASS};
use gate_project::run::policy as gate;
use gate_project::settings::policy::Policy;

const EXIT_CODES: &str = "\
Exit codes: 0 every check passed (warnings allowed), 1 a check failed (or warned, with \
--fail-on-warn), 2 an error: a policy that does not compile, an input that cannot be parsed, a \
missing path, a document the policies could not be evaluated on (the other documents are still \
reported). conftest differs: it exits 1 on errors, and 2 for failures with --fail-on-warn.";

const VERIFY_EXIT_CODES: &str = "\
Exit codes: 0 every test passed, 1 a test failed or policy coverage is below \
--fail-under-coverage, 2 an error: a policy that does not compile, a missing path. conftest \
exits 1 on errors as well as failures. A failed test is also printed to standard error as \
file:line: data.pkg.test_name failed, with its print() output.";

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
    /// Normalise the whitespace of Rego files. Not `opa fmt`: no Rego formatter exists in Rust,
    /// so this only indents with tabs, removes trailing whitespace and ends each file with one
    /// newline.
    Fmt(FmtArgs),
}

/// The policies and data a command compiles.
#[derive(Debug, Args)]
pub struct PolicySetArgs {
    /// Policy files or directories (`.rego`, recursively); repeatable.
    #[arg(
        short = 'p',
        long = "policy",
        value_name = "PATH",
        default_value = "policy"
    )]
    pub policy: Vec<PathBuf>,
    /// Data files or directories (JSON, YAML) loaded under `data`; repeatable.
    #[arg(short = 'd', long = "data", value_name = "PATH")]
    pub data: Vec<PathBuf>,
    /// The Rego syntax of the policies.
    #[arg(long, value_name = "VERSION", default_value = "v1", value_parser = ["v0", "v1"])]
    pub rego_version: String,
    /// A built-in function's error (`object.get(null, …)`) is an error naming the policy file
    /// and line, instead of making the expression undefined (OPA's and conftest's default).
    #[arg(long)]
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
    /// Output format: stdout, json and tap are conftest's text; table is a plain table; junit,
    /// github and sarif are gate's renderers of the report.
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT", default_value_t = PolicyOutput::Stdout)]
    pub output: PolicyOutput,
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
    /// One row per warning, failure and exception (no borders, no rows for passes).
    Table,
    /// JUnit XML, one testsuite for the policy gate.
    Junit,
    /// GitHub Actions annotations.
    Github,
    /// SARIF 2.1.0.
    Sarif,
}

/// `gate policy test`.
// conftest's flags are booleans; a drop-in keeps them.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Files or directories to check; `-` reads standard input (YAML unless --parser).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Policies and data.
    #[command(flatten)]
    pub policies: PolicySetArgs,
    /// Namespaces (packages) to check; globs allowed; repeatable.
    #[arg(
        short = 'n',
        long = "namespace",
        value_name = "NAMESPACE",
        default_value = "main"
    )]
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
    /// Skip files found in directories whose path matches this regular expression.
    #[arg(long, value_name = "REGEX")]
    pub ignore: Option<String>,
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
    /// Policies (with their `*_test.rego` files) and data.
    #[command(flatten)]
    pub policies: PolicySetArgs,
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
    /// Skip files found in directories whose path matches this regular expression.
    #[arg(long, value_name = "REGEX")]
    pub ignore: Option<String>,
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
        PolicyCommand::Fmt(args) => fmt(args),
    }
}

fn policy_set(args: &PolicySetArgs, inputs: Vec<PathBuf>) -> anyhow::Result<Policy> {
    let mut policy = Policy::new(inputs);
    policy.policy.clone_from(&args.policy);
    policy.data.clone_from(&args.data);
    policy.show_builtin_errors = args.show_builtin_errors;
    policy.rego_version = RegoVersion::from_name(&args.rego_version)
        .ok_or_else(|| anyhow!("--rego-version must be v0 or v1"))?;
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

fn color(display: &DisplayArgs, environment: &Environment) -> bool {
    !display.no_color && !environment.no_color && std::io::stdout().is_terminal()
}

fn test(args: &TestArgs, environment: &Environment) -> anyhow::Result<u8> {
    let mut policy = policy_set(&args.policies, args.paths.clone())?;
    policy.test = TestOptions {
        namespaces: args.namespaces.clone(),
        all_namespaces: args.all_namespaces,
        combine: args.combine,
    };
    policy.limits = args.limits.limits();
    policy.fail_on_warn = args.fail_on_warn;
    policy.parser = parser(args.parser.as_ref())?;
    policy.ignore = ignore(args.ignore.as_ref())?;
    let root = PathBuf::from(".");
    let results =
        gate::evaluate(&policy, &root, &environment.io()).map_err(|message| anyhow!(message))?;
    let checks = results.check_results();
    let report = gate::report(&results, args.fail_on_warn);
    show(&checks, report, &args.display, false, environment)?;
    // Every document was evaluated and reported, but one that errored was not checked: fail
    // closed, as for any other error.
    if results.has_errors() {
        return Ok(EXIT_ERROR);
    }
    let failed = results.has_failures() || (args.fail_on_warn && results.has_warnings());
    Ok(if failed && !args.no_fail {
        EXIT_FAIL
    } else {
        EXIT_PASS
    })
}

/// Prints `checks` (or, for gate's formats, `report`) in the chosen format.
fn show(
    checks: &[CheckResult],
    report: GateReport,
    display: &DisplayArgs,
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
            };
            conftest_stdout(checks, &options)
        }
        PolicyOutput::Json => conftest_json(checks),
        PolicyOutput::Tap => conftest_tap(checks),
        PolicyOutput::Table => gate_policy::output::table(checks),
        PolicyOutput::Junit | PolicyOutput::Github | PolicyOutput::Sarif => {
            let name = match display.output {
                PolicyOutput::Junit => "junit",
                PolicyOutput::Github => "github",
                _ => "sarif",
            };
            let format = name.parse().context("output format")?;
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
    let mut policy = policy_set(&args.policies, Vec::new())?;
    policy.limits = args.limits.limits();
    let engine = gate::engine(&policy, &PathBuf::from("."), true).map_err(|e| anyhow!(e))?;
    let coverage = args.coverage || args.fail_under_coverage.is_some();
    let results = engine.verify(VerifyOptions { coverage })?;
    // conftest's lines name the test but not its line: the details go to standard error so
    // standard output stays conftest's text.
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
    show(
        &results.check_results(),
        gate_policy::verify_report(&results),
        &args.display,
        true,
        environment,
    )?;
    let mut failed = !results.passed();
    if let (true, Some(files)) = (args.coverage, &results.coverage) {
        let text =
            gate_policy::output::coverage_table(files, results.coverage_percent().unwrap_or(100.0));
        // Machine-readable formats keep standard output to themselves.
        if matches!(
            args.display.output,
            PolicyOutput::Stdout | PolicyOutput::Table
        ) {
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
    Ok(if failed && !args.no_fail {
        EXIT_FAIL
    } else {
        EXIT_PASS
    })
}

fn parse(args: &ParseArgs, environment: &Environment) -> anyhow::Result<u8> {
    let mut policy = Policy::new(args.paths.clone());
    policy.parser = parser(args.parser.as_ref())?;
    policy.ignore = ignore(args.ignore.as_ref())?;
    let files = gate::read_inputs(&policy, &PathBuf::from("."), &environment.io())
        .map_err(|e| anyhow!(e))?;
    output::print(conftest_parse(&files, args.combine))?;
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
