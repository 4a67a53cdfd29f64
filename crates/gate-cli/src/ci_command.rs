//! `gate ci github|gitlab`: the CI configuration that runs every configured gate as a check of
//! its own, generated from gate.toml so job names and required checks cannot drift apart.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::{Args, Subcommand};
use gate_project::{Config, ci};

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
        CiCommand::Github(args) => (args, ci::github::workflow, "gate ci github"),
        CiCommand::Gitlab(args) => (args, ci::gitlab::pipeline, "gate ci gitlab"),
    };
    let config_path = crate::check::locate_config(args.config.as_deref())?;
    let config = gate_project::load(&config_path)?;
    ci::check_setup(&config, &config_path)?;
    let in_repository = repository_relative(&config_path)?;
    let text = generate(&config, ci::config_argument(&in_repository))?;
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
            output::print(&text)?;
            Ok(EXIT_PASS)
        }
    }
}

/// The configuration's path from the repository root, where the jobs run: the root is the
/// nearest directory above it holding `.git`, else the current directory. An absolute path
/// would name a directory of this machine, which the runner does not have.
fn repository_relative(config_path: &Path) -> anyhow::Result<PathBuf> {
    let absolute = std::fs::canonicalize(config_path)
        .with_context(|| format!("cannot resolve {}", config_path.display()))?;
    let root = match absolute
        .ancestors()
        .skip(1)
        .find(|directory| directory.join(".git").exists())
    {
        Some(root) => root.to_path_buf(),
        None => std::env::current_dir()
            .and_then(std::fs::canonicalize)
            .context("cannot read the current directory")?,
    };
    absolute
        .strip_prefix(&root)
        .map(Path::to_path_buf)
        .map_err(|_| {
            anyhow::anyhow!(
                "{} is outside the repository ({}): the workflow's jobs run from the repository \
                 root and can only pass a path inside it",
                config_path.display(),
                root.display()
            )
        })
}

fn check(path: &Path, expected: &str, regenerate: &str) -> anyhow::Result<u8> {
    let current = match crate::read_text(path) {
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
        output::print(format!("{} is up to date\n", path.display()))?;
        return Ok(EXIT_PASS);
    }
    eprintln!(
        "{} is out of date with gate.toml: regenerate it with `{regenerate} --output {}`",
        path.display(),
        path.display()
    );
    Ok(EXIT_FAIL)
}
