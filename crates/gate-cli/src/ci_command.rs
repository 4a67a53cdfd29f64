//! `gate ci github|gitlab`: the CI configuration that runs every configured gate as a check of
//! its own, generated from gate.toml so job names and required checks cannot drift apart.

pub mod github;
pub mod gitlab;
mod yaml;

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::{Args, Subcommand};

use crate::config::{self, Config};
use crate::{EXIT_FAIL, EXIT_PASS, output};

/// `gate ci …`.
#[derive(Debug, Subcommand)]
pub enum CiCommand {
    /// Write the GitHub Actions workflow: a job per gate, the `gate` aggregator job (the
    /// required check), SARIF uploads, and a publish job releasing the default branch.
    Github(CiArgs),
    /// Write the GitLab CI file: a job per gate with code quality and JUnit reports.
    Gitlab(CiArgs),
}

/// The flags both providers take.
#[derive(Debug, Args)]
pub struct CiArgs {
    /// The configuration file [default: gate.toml in the current directory or the nearest parent].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Write the file here instead of standard output (`.github/workflows/gate.yml`).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write nothing; exit 1 when the --output file differs from what would be written.
    #[arg(long, requires = "output")]
    pub check: bool,
}

/// Runs `gate ci …` and returns the exit code.
pub fn run(command: &CiCommand) -> anyhow::Result<u8> {
    let (args, generate, regenerate): (_, fn(&Config, Option<&str>) -> _, _) = match command {
        CiCommand::Github(args) => (args, github::workflow, "gate ci github"),
        CiCommand::Gitlab(args) => (args, gitlab::pipeline, "gate ci gitlab"),
    };
    let config_path = crate::check::locate_config(args.config.as_deref())?;
    let config = config::load(&config_path)?;
    if let Some(ci) = &config.ci {
        let jobs = gate_jobs(&config);
        if let Some(gate) = ci.setup.keys().find(|gate| !jobs.contains(&gate.as_str())) {
            anyhow::bail!(
                "{}: [ci.setup] has commands for `{gate}`, which is not a gate this file runs \
                 (no [{gate}] section{})",
                config_path.display(),
                if gate == "protect" {
                    " with `current`"
                } else {
                    ""
                }
            );
        }
    }
    let text = generate(&config, config_argument(&config_path))?;
    match (&args.output, args.check) {
        (Some(path), true) => check(path, &text, regenerate),
        (Some(path), false) => {
            if let Some(parent) = path
                .parent()
                .filter(|parent| !parent.as_os_str().is_empty())
            {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create {}", parent.display()))?;
            }
            output::write_atomically(path, text.as_bytes())?;
            Ok(EXIT_PASS)
        }
        (None, _) => {
            print!("{text}");
            Ok(EXIT_PASS)
        }
    }
}

/// The gate.toml path the jobs pass to gate: none when it is the repository root's own
/// `gate.toml`, which gate finds by itself.
fn config_argument(path: &Path) -> Option<&str> {
    let text = path.to_str()?;
    (text != config::FILE_NAME && text != "./gate.toml").then_some(text)
}

fn check(path: &Path, expected: &str, regenerate: &str) -> anyhow::Result<u8> {
    let current = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            eprintln!(
                "{} does not exist: write it with `{regenerate} --output {}`",
                path.display(),
                path.display()
            );
            return Ok(EXIT_FAIL);
        }
        Err(error) => {
            return Err(error).with_context(|| format!("cannot read {}", path.display()));
        }
    };
    if current == expected {
        println!("{} is up to date", path.display());
        return Ok(EXIT_PASS);
    }
    eprintln!(
        "{} is out of date with gate.toml: regenerate it with `{regenerate} --output {}`",
        path.display(),
        path.display()
    );
    Ok(EXIT_FAIL)
}

/// The gates `gate check` runs for this configuration; each becomes a job of its own name.
pub fn gate_jobs(config: &Config) -> Vec<&'static str> {
    config.sections.iter().map(|section| section.gate).collect()
}

/// Whether the advisory audit reads the downloaded database (no `db` configured), which the
/// CI job must fetch first.
fn uses_default_advisory_cache(config: &Config) -> bool {
    config
        .supply
        .as_ref()
        .and_then(|supply| supply.advisories.as_ref())
        .is_some_and(|advisories| advisories.db.is_empty())
}

/// A word for a shell command line: as it is when plainly safe, else single-quoted.
fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._/-+:@".contains(&b));
    if plain {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}
