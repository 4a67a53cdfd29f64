//! `gate check`: run the configured gates, apply waivers, render, and pick the exit code.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow, bail};
use gate_core::{Report, apply_waivers};
use gate_project::git::Git;
use gate_project::run::base;
use gate_project::{Config, Gate};

use crate::environment::Environment;
use crate::output;
use crate::output::OutputArgs;
use clap::Args;

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
    /// Fail only on findings that are new against this revision (`origin/main`): the gates
    /// also run on it, in a temporary worktree [default: `[check] base`].
    #[arg(long, value_name = "REF", conflicts_with_all = ["base_report", "no_base"])]
    pub base: Option<String>,
    /// Like --base, with the base run's saved JSON report (`gate check --format json`): for
    /// inputs that only exist in CI, such as coverage reports.
    #[arg(long, value_name = "FILE", conflicts_with = "no_base")]
    pub base_report: Option<PathBuf>,
    /// Judge every finding: ignore `[check] base` (the default branch's own runs).
    #[arg(long)]
    pub no_base: bool,
}

/// Runs `gate check` and returns the exit code.
pub fn run(args: &CheckArgs, environment: &Environment) -> anyhow::Result<u8> {
    let config_path = locate_config(args.config.as_deref())?;
    let config = gate_project::load(&config_path)?;
    let today =
        environment.date_or_today(args.today.as_deref(), "--today", " to judge waiver expiry")?;
    let selected = select(&config, &args.only, &args.skip)?;
    let outputs = output::plan(
        &args.output.format,
        args.output.output.as_deref(),
        environment,
    )?;

    let io = environment.io();
    let mut report = Report::new(gate_project::run_gates(&config, &selected, &io)?);
    apply_waivers(&mut report, &config.waivers, today);
    let base = match (&args.base_report, args.base.as_deref()) {
        (Some(path), _) => Some(base::base_from_report(path)?),
        (None, Some(revision)) => {
            Some(base::base_from_revision(&config, &selected, &io, revision)?)
        }
        (None, None) => match config.check.base.as_deref() {
            Some(revision) if !args.no_base => {
                Some(base::base_from_revision(&config, &selected, &io, revision)?)
            }
            _ => None,
        },
    };
    base::judge(&mut report, &config, base.as_ref())?;

    // Findings are relative to gate.toml's directory; platforms want the repository's root.
    let prefix = Git::new(&io, &config.root)
        .prefix_in_repository()
        .unwrap_or_default();
    output::write_all_in(
        &report,
        &outputs,
        args.output.color,
        &config.report_path,
        &prefix,
        environment,
    )?;
    Ok(report.outcome().exit_code())
}

pub(crate) fn locate_config(given: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(path) = given {
        return Ok(path.to_path_buf());
    }
    let current = std::env::current_dir().context("cannot read the current directory")?;
    let found = gate_project::find(&current).ok_or_else(|| {
        anyhow!(
            "no {} in {} or any parent directory: run `gate init` to write one, or pass --config",
            gate_project::FILE_NAME,
            current.display()
        )
    })?;
    // Messages read better as `gate.toml:3:1` than with the whole absolute path.
    Ok(found
        .strip_prefix(&current)
        .map_or_else(|_| found.clone(), Path::to_path_buf))
}

/// The sections to run: those configured, narrowed by `--only` and `--skip`.
pub(crate) fn select(
    config: &Config,
    only: &[String],
    skip: &[String],
) -> anyhow::Result<Vec<Gate>> {
    let gates = |names: &[String]| -> anyhow::Result<Vec<Gate>> {
        names
            .iter()
            .map(|name| {
                Gate::from_name(name)
                    .ok_or_else(|| anyhow!("unknown gate `{name}`: gates are {}", Gate::names()))
            })
            .collect()
    };
    let (only, skip) = (gates(only)?, gates(skip)?);
    for &name in &only {
        if name == Gate::Protect && config.protect.is_some() && !config.configures(name) {
            bail!(
                "--only protect: [protect] in {} has no `current` (a saved API response), so \
                 there is nothing to check; `gate protect plan` shows the settings it asks for",
                config.path.display()
            );
        }
        if !config.configures(name) {
            bail!(
                "--only {name}: {} has no [{name}] section, so the {name} gate cannot run",
                config.path.display()
            );
        }
    }
    let selected: Vec<Gate> = config
        .gates()
        .into_iter()
        .filter(|gate| only.is_empty() || only.contains(gate))
        .filter(|gate| !skip.contains(gate))
        .collect();
    if selected.is_empty() {
        if config.sections.is_empty() {
            bail!(
                "{} configures no gates: add a section such as [coverage] (see docs/config.md); \
                 a run that checks nothing is not a pass",
                config.path.display()
            );
        }
        bail!("--skip left no gates to run");
    }
    Ok(selected)
}
