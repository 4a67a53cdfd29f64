//! `gate baseline write|prune`: the committed baseline of findings a team accepts when it adopts
//! gate on an existing repository (`[check] baseline`).

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use gate_core::baseline::BaselineFile;
use gate_core::{Report, apply_waivers, write_atomically};
use gate_project::Config;
use gate_project::run::base::read_baseline;

use crate::check::{locate_config, select};
use crate::environment::Environment;

/// `gate baseline`.
#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Run every configured gate and write each warning and failure to the baseline (sorted,
    /// one entry per finding identity, with an empty `reason` to fill in); reasons already
    /// written are kept.
    Write(BaselineArgs),
    /// Remove the baseline's entries that no longer match a finding: the baseline only shrinks.
    Prune(BaselineArgs),
}

/// The options both subcommands take.
#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// The configuration file [default: gate.toml in the current directory or the nearest parent].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The baseline file [default: `[check] baseline`, else gate-baseline.json beside gate.toml].
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Judge waivers as if today were this date (YYYY-MM-DD) [default: today, UTC].
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
}

/// Runs `gate baseline …`; exit 0 when the file was written.
pub fn run(command: &BaselineCommand, environment: &Environment) -> anyhow::Result<u8> {
    let (args, prune) = match command {
        BaselineCommand::Write(args) => (args, false),
        BaselineCommand::Prune(args) => (args, true),
    };
    let config = gate_project::load(&locate_config(args.config.as_deref())?)?;
    let path = baseline_path(&config, args.file.as_deref());
    let today =
        environment.date_or_today(args.today.as_deref(), "--today", " to judge waiver expiry")?;
    let report = current_findings(&config, environment, today)?;
    let previous = if path.exists() || prune {
        Some(read_baseline(&path)?)
    } else {
        None
    };
    let (file, verb) = match (&previous, prune) {
        (Some(previous), true) => (previous.pruned(&report), "pruned"),
        (previous, _) => (
            BaselineFile::from_report(&report, previous.as_ref()),
            "wrote",
        ),
    };
    write_atomically(&path, file.to_json().as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    let removed = previous.map_or(0, |previous| {
        previous.findings.len().saturating_sub(file.findings.len())
    });
    let unexplained = file
        .findings
        .iter()
        .filter(|entry| entry.reason.trim().is_empty())
        .count();
    eprintln!(
        "gate: {verb} {}: {} entries ({removed} removed); {unexplained} without a reason: say \
         why each is accepted for now",
        path.display(),
        file.findings.len()
    );
    Ok(crate::EXIT_PASS)
}

fn baseline_path(config: &Config, given: Option<&Path>) -> PathBuf {
    given.map_or_else(
        || {
            config
                .check
                .baseline
                .clone()
                .unwrap_or_else(|| config.root.join("gate-baseline.json"))
        },
        Path::to_path_buf,
    )
}

/// Every configured gate's findings, waivers applied; a gate that could not run stops the
/// write, since its entries would silently drop out of the baseline.
fn current_findings(
    config: &Config,
    environment: &Environment,
    today: gate_core::Date,
) -> anyhow::Result<Report> {
    let selected = select(config, &[], &[])?;
    let io = environment.io();
    let mut report = Report::new(gate_project::run_gates(config, &selected, &io)?);
    apply_waivers(&mut report, &config.waivers, today);
    if let Some(gate) = report.gates.iter().find(|gate| !gate.errors.is_empty()) {
        bail!(
            "the {} gate could not run ({}): fix it before writing the baseline, or its \
             findings would be missing from it",
            gate.gate,
            gate.errors[0].message
        );
    }
    Ok(report)
}
