//! The `gate` command line: maps flags onto `gate-project` and the gate libraries, renders, and
//! sets the exit code (0 pass, 1 a gate failed, 2 usage, configuration or input error).

// The one crate that talks to the terminal.
#![allow(clippy::print_stderr)]
// Doc comments here are clap's --help text, written for a terminal: `[protect]` names a
// gate.toml section, not an item to link.
#![allow(rustdoc::broken_intra_doc_links, rustdoc::bare_urls)]

mod baseline_command;
mod check;
mod ci_command;
mod cli;
mod coverage_command;
mod environment;
mod explain;
mod http;
mod init;
mod output;
mod policy_command;
mod protect_command;
mod release_command;
mod supply_command;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::cli::{Cli, Command};
use crate::environment::Environment;

// The allocator is mimalloc, installed by regorus with gate-policy's `memory-limits` feature
// (gate-cli's default `memory-limits` feature, Cargo.toml): it counts the heap so that `--max-memory` can stop an evaluation. The policy
// interpreter allocates heavily on every core, and glibc's allocator costs it about a sixth of its
// time (crates/gate-policy/benches/policy.rs measures both).

/// Exit code: every gate passed (warnings allowed).
const EXIT_PASS: u8 = 0;
/// Exit code: at least one gate failed.
const EXIT_FAIL: u8 = 1;
/// Exit code: usage, configuration or input error, or a gate could not run.
const EXIT_ERROR: u8 = 2;

/// Files the command line reads whole (a commit message, a changelog, a file to bump, a CI file)
/// bigger than this are refused: none comes near it, and it bounds memory.
const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Reads a whole text file, capping the bytes read rather than trusting the reported size: a
/// device or FIFO (`--message-file /dev/zero`) reports 0.
fn read_text(path: &std::path::Path) -> std::io::Result<String> {
    gate_core::read_to_string_capped(path, MAX_FILE_BYTES)
}

/// Parses the process's arguments, runs the command, and returns its exit code.
fn main() -> ExitCode {
    let cli = Cli::parse();
    let environment = Environment::from_process();
    ExitCode::from(run(cli, &environment))
}

/// Runs a parsed command line. Errors are printed to standard error and become exit code 2.
fn run(cli: Cli, environment: &Environment) -> u8 {
    let result = match cli.command {
        Command::Check(args) => check::run(&args, environment),
        Command::Init(args) => init::run(&args).map(|()| EXIT_PASS),
        Command::Baseline(command) => baseline_command::run(&command, environment),
        Command::Policy(command) => policy_command::run(&command, environment),
        Command::Coverage(command) => coverage_command::run(&command, environment),
        Command::Supply(command) => supply_command::run(&command, environment),
        Command::Release(command) => release_command::run(&command, environment),
        Command::Ci(command) => ci_command::run(&command),
        Command::Protect(command) => protect_command::run(&command, environment),
        Command::Explain(args) => explain::run(&args),
        Command::Completions(args) => {
            // Into memory first: `generate` panics when its writer fails.
            let mut command = Cli::command();
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut command, "gate", &mut script);
            output::print(&script)
                .map(|()| EXIT_PASS)
                .map_err(anyhow::Error::from)
        }
    };
    result.unwrap_or_else(|error| {
        eprintln!("error: {error:#}");
        EXIT_ERROR
    })
}
