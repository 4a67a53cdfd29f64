//! `gate init`: a commented starter gate.toml.

use anyhow::bail;

use crate::cli::InitArgs;
use crate::output::write_atomically;

/// The starter configuration: every section commented out, with the waiver format shown.
pub const STARTER: &str = r#"# gate.toml: the quality gates this repository must pass.
# Every path here is relative to this file. Reference: docs/config.md.
# Run `gate check` locally or in CI; exit 0 = pass, 1 = a gate failed, 2 = configuration or input error.

# Waivers: reasoned, time-boxed exceptions. A matching finding stays visible but does not fail;
# an expired waiver fails the run; a waiver that matches nothing warns so it gets cleaned up.
# `gate explain RULE` describes each rule id.
#
# [[waiver]]
# rule = "supply/vulnerability"    # the rule id; its gate is the part before `/`
# target = "urllib3"               # optional glob over the package, path or id the finding is about
# reason = "no fixed release yet; not reachable from our code (SEC-123)"
# expires = 2026-12-31             # the last day the waiver applies
# owner = "@platform-team"
"#;

/// Runs `gate init`.
pub fn run(args: &InitArgs) -> anyhow::Result<()> {
    if args.path.exists() && !args.force {
        bail!(
            "{} already exists: pass --force to overwrite it",
            args.path.display()
        );
    }
    write_atomically(&args.path, STARTER.as_bytes())?;
    println!("wrote {}", args.path.display());
    Ok(())
}
