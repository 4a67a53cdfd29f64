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
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run every gate configured in gate.toml and report (exit 0 pass, 1 fail, 2 error).
    Check(CheckArgs),
    /// Write a commented starter gate.toml.
    Init(InitArgs),
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
    /// Judge waivers as if today were this date (YYYY-MM-DD) [default: today, UTC].
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
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
