//! `gate check`: run the configured gates, apply waivers, render, and pick the exit code.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow, bail};
use gate_core::{Date, GateReport, Report, apply_waivers};

use crate::cli::CheckArgs;
use crate::config::supply::Supply;
use crate::config::{self, Config, ConfigError, GATES, Section};
use crate::environment::Environment;
use crate::{gates, output};

/// Runs `gate check` and returns the exit code.
pub fn run(args: &CheckArgs, environment: &Environment) -> anyhow::Result<u8> {
    let config_path = locate_config(args.config.as_deref())?;
    let config = config::load(&config_path)?;
    let today = today(args.today.as_deref(), environment)?;
    let selected = select(&config, &args.only, &args.skip)?;
    let outputs = output::plan(
        &args.output.format,
        args.output.output.as_deref(),
        environment,
    )?;

    let mut report = Report::new(run_gates(&config, &selected, environment)?);
    apply_waivers(&mut report, &config.waivers, today);

    // Findings are relative to gate.toml's directory; platforms want the repository's root.
    let prefix = gates::git::prefix_in_repository(&config.root).unwrap_or_default();
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
    let found = config::find(&current).ok_or_else(|| {
        anyhow!(
            "no {} in {} or any parent directory: run `gate init` to write one, or pass --config",
            config::FILE_NAME,
            current.display()
        )
    })?;
    // Messages read better as `gate.toml:3:1` than with the whole absolute path.
    Ok(found
        .strip_prefix(&current)
        .map_or_else(|_| found.clone(), Path::to_path_buf))
}

fn today(given: Option<&str>, environment: &Environment) -> anyhow::Result<Date> {
    match given {
        Some(text) => text.parse().with_context(|| "--today"),
        None => environment.today.ok_or_else(|| {
            anyhow!("cannot read the system clock to judge waiver expiry: pass --today YYYY-MM-DD")
        }),
    }
}

/// The sections to run: those configured, narrowed by `--only` and `--skip`.
fn select<'a>(
    config: &'a Config,
    only: &[String],
    skip: &[String],
) -> anyhow::Result<Vec<&'a Section>> {
    for name in only.iter().chain(skip) {
        if !GATES.contains(&name.as_str()) {
            bail!("unknown gate `{name}`: gates are {}", GATES.join(", "));
        }
    }
    for name in only {
        if name == "protect" && config.protect.is_some() && !config.configures(name) {
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
    let selected: Vec<&Section> = config
        .sections
        .iter()
        .filter(|section| only.is_empty() || only.iter().any(|name| name == section.gate))
        .filter(|section| !skip.iter().any(|name| name == section.gate))
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

/// Runs the selected gates in parallel; reports come back in configuration order.
fn run_gates(
    config: &Config,
    selected: &[&Section],
    environment: &Environment,
) -> Result<Vec<GateReport>, ConfigError> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = selected
            .iter()
            .map(|section| scope.spawn(|| run_gate(config, section, environment)))
            .collect();
        handles
            .into_iter()
            .zip(selected)
            .map(|(handle, section)| {
                handle.join().unwrap_or_else(|_| {
                    Ok(GateReport::errored(
                        section.gate,
                        gate_core::GateError::new(format!(
                            "the {} gate stopped unexpectedly",
                            section.gate
                        )),
                    ))
                })
            })
            .collect()
    })
}

fn run_gate(
    config: &Config,
    section: &Section,
    environment: &Environment,
) -> Result<GateReport, ConfigError> {
    let root = &config.root;
    let report = match section.gate {
        "policy" => config
            .policy
            .as_ref()
            .map(|policy| gates::policy::run(policy, root)),
        "coverage" => config
            .coverage
            .as_ref()
            .map(|projects| gates::coverage::run(projects, root)),
        "supply" => config
            .supply
            .as_ref()
            .map(|supply| run_supply(supply, root, environment)),
        "release" => config
            .release
            .as_ref()
            .map(|release| gates::release::run(release, root)),
        "protect" => config.protect.as_ref().and_then(|protect| {
            let current = protect.current.as_ref()?;
            Some(gates::protect::run(protect, config, current))
        }),
        _ => None,
    };
    report.ok_or_else(|| ConfigError {
        path: config.path.display().to_string(),
        position: Some((section.line, 1)),
        message: format!(
            "[{gate}] has no settings the {gate} gate can run",
            gate = section.gate
        ),
    })
}

/// The supply gate: the advisory audit and the license check, whichever are configured.
fn run_supply(supply: &Supply, root: &Path, environment: &Environment) -> GateReport {
    let mut report = GateReport::new(gates::supply::GATE);
    if let Some(advisories) = &supply.advisories {
        gates::absorb(
            &mut report,
            gates::supply::run(advisories, root, environment),
        );
    }
    if let Some(licenses) = &supply.licenses {
        gates::absorb(&mut report, gates::licenses::run(licenses, root));
    }
    report
}
