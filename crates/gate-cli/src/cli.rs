//! The command line: every subcommand and flag, as clap types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;

/// Executable quality gates for pull requests and releases, configured in gate.toml.
#[derive(Debug, Parser)]
#[command(name = "gate", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
// Parsed once per process: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run every gate configured in gate.toml and report (exit 0 pass, 1 fail, 2 error).
    Check(CheckArgs),
    /// Write a commented starter gate.toml.
    Init(InitArgs),
    /// Policy gate on its own: Rego policies over manifests, drop-in for conftest
    /// (`test`, `verify`, `parse`) plus `fmt`.
    #[command(subcommand)]
    Policy(crate::policy_command::PolicyCommand),
    /// Coverage gate on its own: check thresholds, print the per-file table, write a baseline.
    #[command(subcommand)]
    Coverage(CoverageCommand),
    /// Supply gate on its own: audit lockfiles against OSV advisories, manage the advisory
    /// database, write an SBOM, check licenses.
    #[command(subcommand)]
    Supply(crate::supply_command::SupplyCommand),
    /// Release gate on its own: next version, notes, changelog, tag, commit lint, version bumps.
    #[command(subcommand)]
    Release(crate::release_command::ReleaseCommand),
    /// Protect gate: required status checks as a GitHub ruleset or branch protection (or GitLab
    /// settings) derived from gate.toml — print, check for drift, apply.
    #[command(subcommand)]
    Protect(crate::protect_command::ProtectCommand),
    /// Generate the CI configuration that runs every configured gate as its own check.
    #[command(subcommand)]
    Ci(crate::ci_command::CiCommand),
    /// Explain what a rule checks and how to fix or waive it.
    Explain(ExplainArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
}

/// `gate check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The configuration file [default: gate.toml in the current directory or the nearest parent].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Run only these gates (comma-separated or repeated).
    #[arg(long, value_name = "GATE", value_delimiter = ',')]
    pub only: Vec<String>,
    /// Skip these gates (comma-separated or repeated).
    #[arg(long, value_name = "GATE", value_delimiter = ',')]
    pub skip: Vec<String>,
    /// Output formats and destinations.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Judge waivers as if today were this date (YYYY-MM-DD) [default: today, UTC].
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
}

/// Where and how reports are written; shared by every command that produces a report.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format, optionally written to a file: `FMT` or `FMT=FILE`; repeat for several.
    /// FMT is one of human, json, sarif, junit, github, markdown, gitlab [default: human].
    #[arg(long, value_name = "FMT[=FILE]")]
    pub format: Vec<String>,
    /// Write the output that would go to standard output to this file instead.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// When to colour human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always (even into a file or pipe).
    Always,
    /// Never.
    Never,
}

/// `gate init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write it.
    #[arg(long, value_name = "FILE", default_value = "gate.toml")]
    pub path: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

/// `gate explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule id, such as `coverage/total` or `waiver/expired`.
    #[arg(required_unless_present = "list")]
    pub rule: Option<String>,
    /// List every rule id with its one-line summary.
    #[arg(long, conflicts_with = "rule")]
    pub list: bool,
}

/// `gate completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: Shell,
}

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
    #[arg(long, value_name = "DIGITS")]
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
    #[arg(long, value_name = "DIGITS", default_value_t = 0)]
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

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    /// clap checks its own rules (unique flag names, valid defaults) only when asked.
    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
