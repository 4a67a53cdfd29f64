//! `gate explain`: what a rule checks and how to fix or waive it.

use anyhow::bail;
use gate_core::Rule;

use crate::{EXIT_PASS, output};
use clap::Args;

/// `gate explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule id, such as `coverage/total` or `waiver/expired`.
    #[arg(required_unless_present = "list")]
    pub rule: Option<String>,
    /// List every rule id with its one-line summary.
    #[arg(long, conflicts_with = "rule")]
    pub list: bool,
}

/// Every rule id any gate in this build can raise.
pub fn catalog() -> Vec<&'static Rule> {
    let mut rules: Vec<&'static Rule> = Vec::new();
    rules.extend(gate_core::RULES);
    rules.extend(gate_policy::RULES);
    rules.extend(gate_coverage::RULES);
    rules.extend(gate_supply::RULES);
    rules.extend(gate_release::RULES);
    rules.extend(gate_protect::RULES);
    rules.sort_by_key(|rule| rule.id);
    rules
}

/// Runs `gate explain`.
pub fn run(args: &ExplainArgs) -> anyhow::Result<u8> {
    let rules = catalog();
    if args.list {
        let width = rules.iter().map(|rule| rule.id.len()).max().unwrap_or(0);
        for rule in &rules {
            output::print(format!("{:width$}  {}\n", rule.id, rule.summary))?;
        }
        return Ok(EXIT_PASS);
    }
    let wanted = args.rule.as_deref().unwrap_or_default();
    let Some(rule) = rules.iter().find(|rule| rule.id == wanted) else {
        let ids: Vec<&str> = rules.iter().map(|rule| rule.id).collect();
        bail!("unknown rule `{wanted}`; known rules: {}", ids.join(", "));
    };
    output::print(format!(
        "{}\n\n{}\n\n{}\n",
        rule.id, rule.summary, rule.help
    ))?;
    output::print(format!(
        "\nTo waive it, add to gate.toml:\n\n[[waiver]]\nrule = \"{}\"\ntarget = \"<package, path or id glob>\"\nreason = \"<why this is acceptable for now>\"\nexpires = <YYYY-MM-DD>\nowner = \"<team or person>\"\n",
        rule.id
    ))?;
    Ok(EXIT_PASS)
}
