//! Each gate's run: typed settings in, the gate library called, a `GateReport` out. Files are
//! read by the libraries' loaders; processes, the clock and standard input go through
//! [`ProjectIo`].

pub mod base;
#[cfg(feature = "coverage")]
pub mod coverage;
#[cfg(feature = "supply")]
pub mod licenses;
#[cfg(feature = "policy")]
pub mod policy;
#[cfg(feature = "protect")]
pub mod protect;
#[cfg(feature = "release")]
pub mod release;
#[cfg(feature = "supply")]
pub mod supply;

use gate_core::{GateError, GateReport};

use crate::{Config, ConfigError, Gate, ProjectIo};

/// Runs one gate as `config` sets it up.
///
/// A gate that cannot read its inputs returns a report with errors (never a pass); an `Err`
/// means the configuration cannot run this gate at all: it has no such section, or this build
/// left the gate's feature out.
pub fn run_gate(
    config: &Config,
    gate: Gate,
    io: &dyn ProjectIo,
) -> Result<GateReport, ConfigError> {
    let line = config
        .sections
        .iter()
        .find(|section| section.gate == gate)
        .map(|section| section.line)
        .ok_or_else(|| ConfigError {
            path: config.path.display().to_string(),
            position: None,
            message: format!("there is no [{gate}] section for the {gate} gate to run"),
        })?;
    run_section(config, gate, io).ok_or_else(|| {
        config.error_at_line(
            line,
            format!("[{gate}] has no settings the {gate} gate can run"),
        )
    })
}

/// Runs the gates in parallel threads; reports come back in the order given.
pub fn run_gates(
    config: &Config,
    gates: &[Gate],
    io: &dyn ProjectIo,
) -> Result<Vec<GateReport>, ConfigError> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = gates
            .iter()
            .map(|gate| scope.spawn(|| run_gate(config, *gate, io)))
            .collect();
        handles
            .into_iter()
            .zip(gates)
            .map(|(handle, gate)| {
                handle.join().unwrap_or_else(|_| {
                    Ok(GateReport::errored(
                        gate.name(),
                        GateError::new(format!("the {gate} gate stopped unexpectedly")),
                    ))
                })
            })
            .collect()
    })
}

/// The gate's report, or `None` when its settings are missing or its feature is off.
// Without some features, `config` and `io` go unused.
#[allow(unused_variables)]
fn run_section(config: &Config, gate: Gate, io: &dyn ProjectIo) -> Option<GateReport> {
    let root = &config.root;
    match gate {
        #[cfg(feature = "policy")]
        Gate::Policy => config
            .policy
            .as_ref()
            .map(|policy| policy::run(policy, root, io)),
        #[cfg(feature = "coverage")]
        Gate::Coverage => config
            .coverage
            .as_ref()
            .map(|projects| coverage::run(projects, root, io)),
        #[cfg(feature = "supply")]
        Gate::Supply => config
            .supply
            .as_ref()
            .map(|supply| supply::run_supply(supply, root, io)),
        #[cfg(feature = "release")]
        Gate::Release => config
            .release
            .as_ref()
            .map(|release| release::run(release, root, io)),
        #[cfg(feature = "protect")]
        Gate::Protect => config.protect.as_ref().and_then(|settings| {
            let current = settings.current.as_ref()?;
            Some(protect::run(settings, config, current))
        }),
        #[allow(unreachable_patterns)]
        _ => None,
    }
}
