//! The project's I/O seam: the processes, clock and standard input a gate run needs, behind
//! one small trait, so a build tool can run gates with its own process runner (a sandbox, a
//! recorded git, a fixed clock). Files named in gate.toml are read by the gate libraries'
//! loaders (`load_report`, `read_lockfile`, `load_policies`…), which only read what they are
//! given.

use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Files the project layer reads whole (gate.toml, a diff, a ruleset) bigger than this are
/// refused: none comes near it, and it bounds memory.
pub(crate) const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Reads a whole text file, capping the bytes read rather than trusting the reported size: a
/// device or FIFO (`--diff <(git diff)`, `/dev/zero`) reports 0.
pub(crate) fn read_text(path: &Path) -> std::io::Result<String> {
    gate_core::read_to_string_capped(path, MAX_FILE_BYTES)
}

/// What a finished process gave back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandOutput {
    /// The exit code; `None` when the process was ended by a signal.
    pub code: Option<i32>,
    /// Everything it wrote to standard output.
    pub stdout: Vec<u8>,
    /// Everything it wrote to standard error.
    pub stderr: Vec<u8>,
}

impl CommandOutput {
    /// Whether the process exited with code 0.
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }
}

/// Everything a gate run asks of the machine besides reading the files it was given.
///
/// Gates run in parallel threads, so an implementation is shared between them.
pub trait ProjectIo: Sync {
    /// Runs `git ARGS` in `directory`, with `input` (if any) on its standard input. An error
    /// means git could not be started at all; a failing git is an `Ok` with its exit code.
    fn git(
        &self,
        directory: &Path,
        args: &[&str],
        input: Option<&[u8]>,
    ) -> std::io::Result<CommandOutput>;

    /// Runs `cargo ARGS` in `directory` (the license check's `cargo metadata`).
    fn cargo(&self, directory: &Path, args: &[&str]) -> std::io::Result<CommandOutput>;

    /// Reads all of standard input (a policy input named `-`).
    fn read_stdin(&self) -> std::io::Result<String>;

    /// Seconds since the Unix epoch, or `None` without a usable clock: the advisory
    /// database's age.
    fn now(&self) -> Option<u64>;

    /// The directory `gate supply db update` downloads advisory data into, when there is one:
    /// the audit's database when `db` is not configured.
    fn advisory_cache(&self) -> Option<PathBuf>;

    /// The environment variables an input file may read (HOCON's `${NAME}` fallback). None
    /// unless the implementation says otherwise.
    fn environment(&self) -> BTreeMap<String, String> {
        BTreeMap::new()
    }
}

/// The real machine: `git` and `cargo` from `PATH`, the process's standard input, the system
/// clock, and the advisory cache directory the caller names (reading environment variables is
/// the caller's business).
#[derive(Debug, Clone, Default)]
pub struct SystemIo {
    advisory_cache: Option<PathBuf>,
    environment: BTreeMap<String, String>,
}

impl SystemIo {
    /// The machine, without an advisory cache directory.
    pub fn new() -> SystemIo {
        SystemIo::default()
    }

    /// The machine, with `directory` as the advisory download cache.
    #[must_use]
    pub fn with_advisory_cache(mut self, directory: impl Into<PathBuf>) -> SystemIo {
        self.advisory_cache = Some(directory.into());
        self
    }

    /// The machine, with `variables` as the environment input files may read.
    #[must_use]
    pub fn with_environment(mut self, variables: BTreeMap<String, String>) -> SystemIo {
        self.environment = variables;
        self
    }
}

impl ProjectIo for SystemIo {
    fn git(
        &self,
        directory: &Path,
        args: &[&str],
        input: Option<&[u8]>,
    ) -> std::io::Result<CommandOutput> {
        run(Command::new("git").args(args).current_dir(directory), input)
    }

    fn cargo(&self, directory: &Path, args: &[&str]) -> std::io::Result<CommandOutput> {
        run(
            Command::new("cargo").args(args).current_dir(directory),
            None,
        )
    }

    fn read_stdin(&self) -> std::io::Result<String> {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        Ok(text)
    }

    fn now(&self) -> Option<u64> {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .map(|elapsed| elapsed.as_secs())
    }

    fn advisory_cache(&self) -> Option<PathBuf> {
        self.advisory_cache.clone()
    }

    fn environment(&self) -> BTreeMap<String, String> {
        self.environment.clone()
    }
}

fn run(command: &mut Command, input: Option<&[u8]>) -> std::io::Result<CommandOutput> {
    let output = match input {
        None => command.output()?,
        Some(input) => {
            let mut child = command
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()?;
            if let Some(mut stdin) = child.stdin.take() {
                stdin.write_all(input)?;
            }
            child.wait_with_output()?
        }
    };
    Ok(CommandOutput {
        code: output.status.code(),
        stdout: output.stdout,
        stderr: output.stderr,
    })
}
