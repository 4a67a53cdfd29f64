//! The command line: every subcommand and flag, as clap types.

use clap::{Args, Parser, Subcommand};
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
    Check(crate::check::CheckArgs),
    /// Write a commented starter gate.toml.
    Init(crate::init::InitArgs),
    /// The committed baseline of accepted findings (`[check] baseline`): write it, prune it.
    #[command(subcommand)]
    Baseline(crate::baseline_command::BaselineCommand),
    /// Policy gate on its own: Rego policies over manifests, drop-in for conftest
    /// (`test`, `verify`, `parse`) plus `fmt`.
    #[command(subcommand)]
    Policy(crate::policy_command::PolicyCommand),
    /// Coverage gate on its own: check thresholds, print the per-file table, write a baseline.
    #[command(subcommand)]
    Coverage(crate::coverage_command::CoverageCommand),
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
    Explain(crate::explain::ExplainArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
}

/// `gate completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: Shell,
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
