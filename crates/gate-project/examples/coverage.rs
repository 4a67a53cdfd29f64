//! Runs the coverage gate of a project's gate.toml with gate-project and gate-core alone, and
//! prints what `gate check --only coverage --color never` prints:
//!
//! ```text
//! cargo run -p gate-project --no-default-features --features coverage --example coverage -- \
//!     examples/beacon/gate.toml
//! ```

// An example program talks to its terminal.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;
use std::process::ExitCode;

use gate_core::render::{Format, RenderOptions};
use gate_core::{Date, Report, apply_waivers};
use gate_project::{Gate, SystemIo, load, run_gate};

fn main() -> ExitCode {
    let path = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("gate.toml"), PathBuf::from);
    let config = match load(&path) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let gate = match run_gate(&config, Gate::Coverage, &SystemIo::new()) {
        Ok(gate) => gate,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let mut report = Report::new(vec![gate]);
    apply_waivers(&mut report, &config.waivers, today());
    let options = RenderOptions {
        color: false,
        config_path: config.report_path.clone(),
        ..RenderOptions::default()
    };
    print!("{}", Format::Human.render(&report, &options));
    ExitCode::from(report.outcome().exit_code())
}

fn today() -> Date {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    Date::from_days_since_unix_epoch(i64::try_from(seconds / 86_400).unwrap_or(0))
}
