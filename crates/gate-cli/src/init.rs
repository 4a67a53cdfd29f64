//! `gate init`: a commented starter gate.toml.

use anyhow::{anyhow, bail};
use gate_project::import;

use crate::output::{self, write_atomically};
use clap::Args;
use std::path::{Path, PathBuf};

/// `gate init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write it.
    #[arg(long, value_name = "FILE", default_value = "gate.toml")]
    pub path: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

/// The starter configuration: every section commented out, with the waiver format shown.
pub const STARTER: &str = r#"# gate.toml: the quality gates this repository must pass.
# Every path here is relative to this file. Reference: docs/config.md.
# Run `gate check` locally or in CI; exit 0 = pass, 1 = a gate failed, 2 = configuration or input error.
# A gate runs when its section is present: uncomment the ones this repository needs.

# [policy]                         # Rego rules over manifests, conftest's conventions
# inputs = ["deploy"]
# policy = ["policy"]

# [coverage]                       # coverage.py's exact figures, per-path and diff thresholds
# reports = ["coverage.xml"]
# pyproject = "pyproject.toml"     # fail_under and precision from [tool.coverage.report]
# diff-base = "origin/main"
# diff-fail-under = 80

# [supply.advisories]              # locked dependencies against OSV advisories, offline
# lockfiles = ["requirements.txt", "Cargo.lock"]

# [supply.licenses]                # every dependency's license against an SPDX allowlist
# paths = [".venv", "."]
# allow = ["MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "ISC"]

# [release]                        # commit lint and the next version from Conventional Commits
# lint-base = "origin/main"

# [protect]                        # every gate job a required check (`gate protect plan|apply`)
# required-approvals = 1
# current = "protect/ruleset.json" # saved `gh api repos/O/R/rulesets/ID`: checked for drift

# [ci]                             # what `gate ci github|gitlab` writes the workflow with
# action = "your-org/gate@v0.1.0"  # where the workflow gets gate from
# branch = "main"

# On an existing repository: fail only on what a change introduces (README, "Adopting gate on an
# existing repository"). Either compare with a base revision, or commit today's findings with
# `gate baseline write` and name the file here.
# [check]
# base = "origin/main"             # local runs judge what is new since it (CI: the action's `base`)
# baseline = "gate-baseline.json"  # accepted findings; `gate baseline prune` shrinks it
# inherited = "warn"               # or "fail", or per gate: { supply = "fail" }

# Waivers: reasoned, time-boxed exceptions. A matching finding stays visible but does not fail;
# an expired waiver fails the run; a waiver that matches nothing warns so it gets cleaned up.
# `gate explain RULE` describes each rule id.
#
# [[waiver]]
# rule = "supply/vulnerability"    # the rule id; its gate is the part before `/`
# target = "urllib3"               # optional glob over what the finding is about; here an advisory
#                                  # id or alias (CVE-…, GHSA-…), a package or `urllib3@2.0.6`
# reason = "no fixed release yet; not reachable from our code (SEC-123)"
# expires = 2026-12-31             # the last day the waiver applies
# owner = "@platform-team"
"#;

/// The starter's commented-out `[release]` lines, which an imported section replaces.
const STARTER_RELEASE: &str = "# [release]                        # commit lint and the next version from Conventional Commits\n# lint-base = \"origin/main\"\n";

/// Runs `gate init`. The project's semantic-release and commitlint files, when it has them,
/// become the `[release]` section (what gate cannot honour is listed, in the file and here).
pub fn run(args: &InitArgs) -> anyhow::Result<()> {
    if args.path.exists() && !args.force {
        bail!(
            "{} already exists: pass --force to overwrite it",
            args.path.display()
        );
    }
    let directory = args
        .path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new(""));
    let imported = import::import_release(directory).map_err(|message| anyhow!(message))?;
    let text = match &imported {
        Some(found) => {
            // The section must be valid before it is written.
            gate_project::settings::release::release_from_toml(
                &found.section,
                &found.sources.join(" and "),
                directory,
            )
            .map_err(|message| anyhow!(message))?;
            STARTER.replacen(STARTER_RELEASE, &found.section, 1)
        }
        None => STARTER.to_owned(),
    };
    write_atomically(&args.path, text.as_bytes())?;
    if let Some(found) = &imported {
        output::print(format!(
            "imported {} into [release]\n",
            found.sources.join(" and ")
        ))?;
        for note in &found.notes {
            output::print(format!("  not honoured: {note}\n"))?;
        }
    }
    output::print(format!(
        "wrote {}\n\
         On an existing repository, judge only what each change introduces: \
         `gate check --base origin/main`, or commit the current findings with \
         `gate baseline write` (README: \"Adopting gate on an existing repository\").\n",
        args.path.display()
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::STARTER;

    /// Every commented-out section of the starter is real configuration once uncommented.
    #[test]
    fn the_uncommented_starter_is_valid_configuration() {
        let uncommented = STARTER
            .lines()
            .map(|line| match line.strip_prefix("# ") {
                Some(rest)
                    if rest.starts_with('[')
                        || rest
                            .split_once(" = ")
                            .is_some_and(|(key, _)| !key.contains(' ')) =>
                {
                    rest
                }
                _ => line,
            })
            .collect::<Vec<&str>>()
            .join("\n");
        let parsed = gate_project::parse(
            &uncommented,
            "gate.toml",
            "gate.toml",
            std::path::Path::new("."),
        );
        let parsed = parsed.unwrap_or_else(|error| panic!("{error}\n{uncommented}"));
        let gates: Vec<&str> = parsed
            .gates()
            .into_iter()
            .map(gate_project::Gate::name)
            .collect();
        assert_eq!(
            gates,
            ["policy", "coverage", "supply", "release", "protect"]
        );
        assert!(parsed.ci.is_some());
        assert!(STARTER.contains(super::STARTER_RELEASE));
        assert_eq!(parsed.waivers.len(), 1);
    }
}
