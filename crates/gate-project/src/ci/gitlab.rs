//! The GitLab CI file `gate ci gitlab` writes: a job per gate with code quality and JUnit
//! reports, for merge requests and the default branch.

use std::fmt::Write as _;

use super::yaml::{block, scalar};
use super::{CiError, shell_word, uses_default_advisory_cache};
use crate::settings::ci::Ci;
use crate::{Config, Gate};

/// The image jobs build gate in: the workspace's minimum Rust version.
const RUST_IMAGE: &str = "rust:1.88";

fn install(ci: &Ci) -> Result<String, CiError> {
    if let Some(command) = &ci.install {
        return Ok(command.clone());
    }
    let repository = env!("CARGO_PKG_REPOSITORY");
    if repository.is_empty() {
        return Err(CiError::NoInstall);
    }
    Ok(format!(
        "cargo install --locked --git {repository} --tag v{} gate-cli",
        env!("CARGO_PKG_VERSION")
    ))
}

/// The CI file for `config`; `config_argument` is the gate.toml path to pass to gate.
pub fn pipeline(config: &Config, config_argument: Option<&str>) -> Result<String, CiError> {
    let ci = config.ci.clone().unwrap_or_default();
    let install = install(&ci)?;
    let gates: Vec<&str> = config.gates().into_iter().map(Gate::name).collect();
    if gates.is_empty() {
        return Err(CiError::NoGates {
            path: config.path.clone(),
            file: "pipeline",
        });
    }
    let mut out = String::new();
    let _ = write!(
        out,
        "# Written by `gate ci gitlab` from gate.toml: include it from .gitlab-ci.yml\n\
         # (`include: {{local: this file}}`) and regenerate it instead of editing it.\n\
         # With \"Pipelines must succeed\" (`gate protect plan --provider gitlab`), a failing\n\
         # gate blocks the merge.\n\n\
         .gate:\n  image: {RUST_IMAGE}\n  stage: test\n  variables:\n    \
         # Inside the project directory, so the cache below can keep the installed binary.\n    \
         CARGO_HOME: $CI_PROJECT_DIR/.cargo\n  cache:\n    key: gate-{version}\n    \
         paths: [.cargo/bin/]\n  before_script:\n    \
         - export PATH=\"$CARGO_HOME/bin:$PATH\"\n    \
         - {install}\n  rules:\n    \
         - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"\n    \
         - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n\n",
        version = env!("CARGO_PKG_VERSION"),
        install = scalar(&format!("command -v gate >/dev/null || {install}")),
    );
    let config_flag = config_argument.map_or_else(String::new, |path| {
        format!(" --config {}", shell_word(path))
    });
    for gate in gates {
        let _ = write!(out, "{gate}:\n  extends: .gate\n");
        if gate == "release" {
            out.push_str("  variables:\n    GIT_DEPTH: 0  # every tag and commit\n");
        }
        out.push_str("  script:\n");
        if let Some(commands) = ci.setup.get(gate) {
            for command in commands {
                let _ = writeln!(out, "    - {}", setup_command(command));
            }
        }
        if gate == "supply" && uses_default_advisory_cache(config) {
            out.push_str("    - gate supply db update\n");
        }
        let command = format!(
            "gate check{config_flag} --only {gate} --format human \
             --format gitlab=gate-{gate}-codequality.json --format junit=gate-{gate}-junit.xml"
        );
        let _ = write!(
            out,
            "    - {command}\n  \
             artifacts:\n    when: always\n    reports:\n      \
             codequality: gate-{gate}-codequality.json\n      junit: gate-{gate}-junit.xml\n\n",
            command = scalar(&command),
        );
    }
    Ok(out)
}

fn setup_command(command: &str) -> String {
    if command.contains('\n') {
        block(command, 6)
    } else {
        scalar(command)
    }
}
