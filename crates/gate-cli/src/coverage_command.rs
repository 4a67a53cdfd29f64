//! `gate coverage check|report|baseline`: the coverage gate without a gate.toml, for scripts and
//! for teams moving over from `coverage report --fail-under` and diff-cover.

use std::path::Path;

use anyhow::{Context as _, bail};
use gate_core::{GateReport, Report};
use gate_coverage::{Baseline, DiffUnmatched, FileTable, SortKey, Threshold, display_covered};

use gate_project::run::coverage::{check_project, read_reports, tracked_files};
use gate_project::settings::coverage::{DiffSource, Project};

use crate::environment::Environment;
use crate::output::OutputArgs;
use crate::{EXIT_PASS, output};
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// `gate coverage …`.
// Parsed once per process: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum CoverageCommand {
    /// Check reports against thresholds, as coverage.py's `fail_under` and diff-cover do
    /// (exit 0 pass, 1 fail, 2 error).
    Check(CoverageCheckArgs),
    /// Print the per-file table of `coverage report`.
    Report(CoverageReportArgs),
    /// Write the baseline file the ratchet compares against.
    Baseline(CoverageBaselineArgs),
}

/// The reports and how their paths map to the repository; shared by the coverage commands.
#[derive(Debug, Args)]
pub struct CoverageInputArgs {
    /// Coverage reports (Cobertura XML, JaCoCo XML, LCOV, coverage.py JSON), merged.
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<PathBuf>,
    /// The repository-relative directory that relative paths in the reports start from
    /// [default: each report's own directory].
    #[arg(long, value_name = "DIR")]
    pub report_root: Option<String>,
    /// Rewrite report paths starting with FROM to start with TO (reports made in a container).
    #[arg(long, value_name = "FROM=TO")]
    pub path_map: Vec<String>,
    /// Use line coverage only, ignoring branch data (coverage.py without --branch).
    #[arg(long, conflicts_with = "branch")]
    pub no_branch: bool,
    /// Use branch data where the reports have it (the default).
    #[arg(long)]
    pub branch: bool,
}

/// `gate coverage check`.
#[derive(Debug, Args)]
pub struct CoverageCheckArgs {
    /// Reports and paths.
    #[command(flatten)]
    pub input: CoverageInputArgs,
    /// Fail when the total is below this percentage (coverage.py's `fail_under`).
    #[arg(long, value_name = "PERCENT")]
    pub fail_under: Option<String>,
    /// Decimal places for comparing and showing the total (coverage.py's precision).
    #[arg(long, value_name = "DIGITS", value_parser = precision_parser())]
    pub precision: Option<u32>,
    /// Read `fail_under` and `precision` from this pyproject.toml, .coveragerc or setup.cfg.
    #[arg(long, value_name = "FILE")]
    pub pyproject: Option<PathBuf>,
    /// Fail when line coverage alone is below this percentage.
    #[arg(long, value_name = "PERCENT")]
    pub line_fail_under: Option<String>,
    /// Fail when branch coverage alone is below this percentage.
    #[arg(long, value_name = "PERCENT")]
    pub branch_fail_under: Option<String>,
    /// Minimum for the files under a glob: `GLOB=PERCENT` (`api/**=85`); repeatable.
    #[arg(long = "path", value_name = "GLOB=PERCENT")]
    pub paths: Vec<String>,
    /// Minimum for every single file.
    #[arg(long, value_name = "PERCENT")]
    pub file_fail_under: Option<String>,
    /// Fail when more statements than this are uncovered.
    #[arg(long, value_name = "COUNT")]
    pub max_uncovered_lines: Option<u64>,
    /// Measure the lines added by this unified diff (diff coverage).
    #[arg(long, value_name = "FILE", conflicts_with = "compare_branch")]
    pub diff: Option<PathBuf>,
    /// Measure the lines added since the merge base with this git ref (`git diff BASE...HEAD`).
    #[arg(long, value_name = "REF")]
    pub compare_branch: Option<String>,
    /// Fail when diff coverage is below this percentage (diff-cover's --fail-under).
    #[arg(long, value_name = "PERCENT")]
    pub diff_fail_under: Option<String>,
    /// Count added lines with a branch not taken as uncovered.
    #[arg(long)]
    pub diff_branch_aware: bool,
    /// Whether changed source files the reports do not know (coverage/diff-unmatched) warn
    /// or fail.
    #[arg(long, value_name = "WHAT", value_parser = ["warn", "fail"])]
    pub diff_unmatched: Option<String>,
    /// Fail when a figure drops below this baseline (written by `gate coverage baseline`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Percentage points a baseline figure may drop before failing.
    #[arg(long, value_name = "POINTS", default_value_t = 0.0)]
    pub tolerance: f64,
    /// Output formats and destinations.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `gate coverage report`.
#[derive(Debug, Args)]
pub struct CoverageReportArgs {
    /// Reports and paths.
    #[command(flatten)]
    pub input: CoverageInputArgs,
    /// Sort rows by this column; prefix with `-` for descending (`-cover`).
    #[arg(
        long,
        value_name = "COLUMN",
        default_value = "name",
        allow_hyphen_values = true
    )]
    pub sort: String,
    /// Add a column with the line numbers not covered.
    #[arg(long, short = 'm')]
    pub show_missing: bool,
    /// Decimal places in the Cover column.
    #[arg(long, value_name = "DIGITS", default_value_t = 0, value_parser = precision_parser())]
    pub precision: u32,
    /// Print JSON rows instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// `gate coverage baseline`.
#[derive(Debug, Args)]
pub struct CoverageBaselineArgs {
    /// Reports and paths.
    #[command(flatten)]
    pub input: CoverageInputArgs,
    /// Also track the total of the files under these globs; repeatable.
    #[arg(long = "path", value_name = "GLOB")]
    pub paths: Vec<String>,
    /// Where to write the baseline.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,
}

/// Runs a `gate coverage` subcommand.
pub fn run(command: &CoverageCommand, environment: &Environment) -> anyhow::Result<u8> {
    match command {
        CoverageCommand::Check(args) => check(args, environment),
        CoverageCommand::Report(args) => report(args, environment),
        CoverageCommand::Baseline(args) => baseline(args, environment),
    }
}

fn check(args: &CoverageCheckArgs, environment: &Environment) -> anyhow::Result<u8> {
    let outputs = output::plan(
        &args.output.format,
        args.output.output.as_deref(),
        environment,
    )?;
    let project = project_from(args)?;
    let (here, io) = (Path::new("."), environment.io());
    let gate = check_project(&project, here, &tracked_files(here, &io), &io)
        .unwrap_or_else(|error| GateReport::errored(gate_coverage::GATE, error));
    let report = Report::new(vec![gate]);
    // Findings without a file (the total) point at the first report in SARIF and GitLab output.
    let fallback = args.input.reports[0].display().to_string();
    output::write_all(&report, &outputs, args.output.color, &fallback, environment)?;
    Ok(report.outcome().exit_code())
}

fn threshold(value: Option<&String>, flag: &str) -> anyhow::Result<Option<Threshold>> {
    value
        .map(|text| Threshold::parse_setting(text, flag))
        .transpose()
        .map_err(anyhow::Error::from)
}

fn project_from(args: &CoverageCheckArgs) -> anyhow::Result<Project> {
    let mut paths = Vec::new();
    for spec in &args.paths {
        let Some((glob, percent)) = spec.rsplit_once('=') else {
            bail!("--path {spec}: expected GLOB=PERCENT, such as api/**=85");
        };
        paths.push((
            glob.to_owned(),
            Threshold::parse_setting(percent, "--path")?,
        ));
    }
    let diff = match (&args.diff, &args.compare_branch) {
        (Some(file), _) => Some(DiffSource::File(file.clone())),
        (None, Some(base)) => Some(DiffSource::GitBase(base.clone())),
        (None, None) => None,
    };
    if diff.is_none() && args.diff_fail_under.is_some() {
        bail!("--diff-fail-under needs --diff FILE or --compare-branch REF");
    }
    if diff.is_none() && args.diff_unmatched.is_some() {
        bail!("--diff-unmatched needs --diff FILE or --compare-branch REF");
    }
    let mut project = input_project(&args.input)?;
    project.pyproject.clone_from(&args.pyproject);
    project.fail_under = threshold(args.fail_under.as_ref(), "--fail-under")?;
    project.precision = args.precision;
    project.line_fail_under = threshold(args.line_fail_under.as_ref(), "--line-fail-under")?;
    project.branch_fail_under = threshold(args.branch_fail_under.as_ref(), "--branch-fail-under")?;
    project.file_fail_under = threshold(args.file_fail_under.as_ref(), "--file-fail-under")?;
    project.max_uncovered_lines = args.max_uncovered_lines;
    project.paths = paths;
    project.diff = diff;
    project.diff_fail_under = threshold(args.diff_fail_under.as_ref(), "--diff-fail-under")?;
    project.diff_branch_aware = args.diff_branch_aware;
    project.diff_unmatched = args
        .diff_unmatched
        .as_deref()
        .and_then(DiffUnmatched::parse)
        .unwrap_or_default();
    project.baseline.clone_from(&args.baseline);
    project.tolerance = args.tolerance;
    Ok(project)
}

fn input_project(input: &CoverageInputArgs) -> anyhow::Result<Project> {
    let mut path_map = Vec::new();
    for spec in &input.path_map {
        let Some((from, to)) = spec.split_once('=') else {
            bail!("--path-map {spec}: expected FROM=TO, such as /app=api");
        };
        path_map.push((from.to_owned(), to.to_owned()));
    }
    Ok(Project {
        reports: input.reports.clone(),
        report_root: input.report_root.clone(),
        path_map,
        line_only: input.no_branch,
        ..Project::default()
    })
}

fn report(args: &CoverageReportArgs, environment: &Environment) -> anyhow::Result<u8> {
    let project = input_project(&args.input)?;
    let here = Path::new(".");
    let coverage = read_reports(&project, here, &tracked_files(here, &environment.io()))
        .map_err(read_error)?;
    let mut table = FileTable::new(&coverage, project.line_only);
    let (descending, column) = match args.sort.strip_prefix('-') {
        Some(column) => (true, column),
        None => (false, args.sort.as_str()),
    };
    let key = match column.to_ascii_lowercase().as_str() {
        "name" => SortKey::Name,
        "stmts" => SortKey::Statements,
        "miss" => SortKey::Missing,
        "branch" => SortKey::Branches,
        "brpart" => SortKey::PartialBranches,
        "cover" => SortKey::Cover,
        other => bail!("--sort {other}: sort by name, stmts, miss, branch, brpart or cover"),
    };
    table.sort(key, descending);
    let text = if args.json {
        table.to_json()
    } else {
        table.to_text(
            args.show_missing,
            !project.line_only,
            args.precision as usize,
        )
    };
    output::print(&text)?;
    Ok(EXIT_PASS)
}

fn baseline(args: &CoverageBaselineArgs, environment: &Environment) -> anyhow::Result<u8> {
    let project = input_project(&args.input)?;
    let here = Path::new(".");
    let coverage = read_reports(&project, here, &tracked_files(here, &environment.io()))
        .map_err(read_error)?;
    let globs: Vec<&str> = args.paths.iter().map(String::as_str).collect();
    let baseline = Baseline::from_coverage(&coverage, &globs)?;
    output::write_atomically(&args.output, baseline.to_json().as_bytes())
        .with_context(|| format!("cannot write the baseline {}", args.output.display()))?;
    output::print(format!(
        "wrote {} (total {}%)\n",
        args.output.display(),
        display_covered(baseline.total.percent(), 2)
    ))?;
    Ok(EXIT_PASS)
}

/// A report that could not be read, naming its file (and line) once, as the gate's report does.
fn read_error(error: gate_core::GateError) -> anyhow::Error {
    match error.location {
        Some(location) => anyhow::anyhow!("{location}: {}", error.message),
        None => anyhow::anyhow!(error.message),
    }
}

/// `--precision` up to [`gate_coverage::MAX_PRECISION`]: more decimals than an f64 holds is a
/// usage error, not a panic in `format!`.
fn precision_parser() -> clap::builder::RangedI64ValueParser<u32> {
    clap::value_parser!(u32).range(..=i64::from(gate_coverage::MAX_PRECISION))
}
