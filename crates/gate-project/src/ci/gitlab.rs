//! The GitLab CI file `gate ci gitlab` writes: a job per gate with code quality and JUnit
//! reports, for merge requests and the default branch.

use std::fmt::Write as _;

use super::yaml::{block, scalar};
use super::{CiError, shell_word, uses_default_advisory_cache};
use crate::settings::ci::Ci;
use crate::{Config, Gate};

/// The image jobs build gate in when `[ci] install` says how: the workspace's minimum Rust version.
const RUST_IMAGE: &str = "rust:1.88";

/// How the jobs get gate: gate's own container image, or the `[ci] install` command.
enum Source {
    /// `ghcr.io/OWNER/gate:VERSION`, which the release workflow publishes.
    Image(String),
    /// A shell command run in the Rust image, its result cached.
    Install(String),
}

fn gate_source(ci: &Ci) -> Result<Source, CiError> {
    if let Some(command) = &ci.install {
        return Ok(Source::Install(command.clone()));
    }
    image(env!("CARGO_PKG_REPOSITORY"))
        .map(Source::Image)
        .ok_or(CiError::NoInstall)
}

/// The image the release of this build pushed: `ghcr.io/OWNER/gate:VERSION` for a repository
/// `https://github.com/OWNER/REPO` (the registry's names are lowercase).
fn image(repository: &str) -> Option<String> {
    let path = repository.strip_prefix("https://github.com/")?;
    let owner = path.split('/').next().filter(|owner| !owner.is_empty())?;
    Some(format!(
        "ghcr.io/{}/gate:{}",
        owner.to_ascii_lowercase(),
        env!("CARGO_PKG_VERSION")
    ))
}

/// The CI file for `config`; `config_argument` is the gate.toml path to pass to gate.
pub fn pipeline(config: &Config, config_argument: Option<&str>) -> Result<String, CiError> {
    let ci = config.ci.clone().unwrap_or_default();
    let source = gate_source(&ci)?;
    let gates: Vec<&str> = config.gates().into_iter().map(Gate::name).collect();
    if gates.is_empty() {
        return Err(CiError::NoGates {
            path: config.path.clone(),
            file: "pipeline",
        });
    }
    let mut out = String::new();
    out.push_str(
        "# Written by `gate ci gitlab` from gate.toml: include it from .gitlab-ci.yml\n\
         # (`include: {local: this file}`) and regenerate it instead of editing it.\n\
         # With \"Pipelines must succeed\" (`gate protect plan --provider gitlab`), a failing\n\
         # gate blocks the merge.\n\n\
         .gate:\n",
    );
    match source {
        Source::Image(image) => {
            let _ = write!(
                out,
                "  # gate's image: gate and git on Alpine. Its entrypoint is gate, and GitLab runs\n  \
                 # the job's script with a shell, so the entrypoint is reset.\n  \
                 image:\n    name: {image}\n    entrypoint: [\"\"]\n  stage: test\n",
                image = scalar(&image),
            );
        }
        Source::Install(install) => {
            let _ = write!(
                out,
                "  image: {RUST_IMAGE}\n  stage: test\n  variables:\n    \
                 # Inside the project directory, so the cache below can keep the installed binary.\n    \
                 CARGO_HOME: $CI_PROJECT_DIR/.cargo\n  cache:\n    key: gate-{version}\n    \
                 paths: [.cargo/bin/]\n  before_script:\n    \
                 - export PATH=\"$CARGO_HOME/bin:$PATH\"\n    \
                 - {install}\n",
                version = env!("CARGO_PKG_VERSION"),
                install = scalar(&format!("command -v gate >/dev/null || {install}")),
            );
        }
    }
    out.push_str(
        "  rules:\n    \
         - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"\n    \
         - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n\n",
    );
    let config_flag = config_argument.map_or_else(String::new, |path| {
        format!(" --config {}", shell_word(path))
    });
    for gate in gates {
        // Prefixed: a job of the same name in the including .gitlab-ci.yml would be merged
        // into this one.
        let _ = write!(
            out,
            "{}:\n  extends: .gate\n",
            crate::ci_checks::job_name(config, gate)
        );
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

#[cfg(test)]
mod tests {
    use super::image;

    #[test]
    fn the_image_is_the_github_owners_in_lowercase_at_this_version() {
        let version = env!("CARGO_PKG_VERSION");
        assert_eq!(
            image("https://github.com/Your-Org/gate").as_deref(),
            Some(format!("ghcr.io/your-org/gate:{version}").as_str())
        );
        assert_eq!(
            image("https://github.com/acme/gate-fork/").as_deref(),
            Some(format!("ghcr.io/acme/gate:{version}").as_str())
        );
        assert_eq!(image("https://gitlab.com/acme/gate"), None);
        assert_eq!(image(""), None);
    }
}
