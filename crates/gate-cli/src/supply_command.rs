//! `gate supply audit|db|sbom`: the supply gate without a gate.toml, the advisory database
//! download, and a CycloneDX SBOM of what the lockfiles lock.

mod db;

use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow};
use clap::{Args, Subcommand, ValueEnum};
use gate_core::{GateReport, Report, Severity, Verdict, apply_waivers};
use gate_supply::{Ignore, ignores_to_waivers};

use crate::environment::Environment;
use crate::output;
use crate::output::OutputArgs;
use gate_project::Gate;
use gate_project::paths::display;
use gate_project::run::licenses::read_records_of;
use gate_project::run::supply::{audit_report, read_dependencies, read_requirements_files};
use gate_project::settings::supply::{Advisories, CargoFeatures, DEFAULT_MAX_DB_AGE_DAYS};
use gate_supply::download_cache::format_rfc3339;
use gate_supply::sbom::{SbomOptions, cyclonedx_json};

/// `gate supply …`.
#[derive(Debug, Subcommand)]
pub enum SupplyCommand {
    /// Audit locked dependencies against OSV advisory data, offline (exit 0 pass, 1 fail,
    /// 2 error: no database, an unreadable lockfile).
    Audit(AuditArgs),
    /// The advisory database cache: download it, or show what is cached.
    #[command(subcommand)]
    Db(DbCommand),
    /// Write a CycloneDX 1.5 JSON SBOM of the locked dependencies.
    Sbom(SbomArgs),
    /// Check every dependency's license against an SPDX allowlist, or list the inventory
    /// (exit 0 pass, 1 a license is not allowed or unknown, 2 unreadable metadata).
    Licenses(LicensesArgs),
}

/// `gate supply licenses`.
#[derive(Debug, Args)]
pub struct LicensesArgs {
    /// Site-packages directories, virtual environments, Cargo projects (a directory with
    /// Cargo.lock, or the file) or `node_modules` trees.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// An accepted SPDX license id (`MIT`, `Apache-2.0`, `GPL-2.0-only WITH Classpath-exception-2.0`);
    /// repeatable. Required unless --list.
    #[arg(long, value_name = "ID", required_unless_present = "list")]
    pub allow: Vec<String>,
    /// A refused SPDX license id: wins over --allow for the term it names; repeatable.
    #[arg(long, value_name = "ID")]
    pub deny: Vec<String>,
    /// What a package's license really is, when its metadata is wrong or vague:
    /// `PACKAGE=EXPRESSION` (`idna=BSD-3-Clause`); repeatable.
    #[arg(long, value_name = "PACKAGE=EXPRESSION")]
    pub clarify: Vec<String>,
    /// The verdict for a package whose license cannot be determined [default: fail].
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub unknown: Option<Level>,
    /// Which packages of a Cargo project are checked: all (every package in Cargo.lock, as the
    /// audit reads it) or default (those the default features pull in).
    #[arg(long, value_enum, value_name = "SCOPE", default_value_t = Features::All)]
    pub features: Features,
    /// Print the inventory (package, version, license, source) instead of checking, as
    /// pip-licenses does.
    #[arg(long)]
    pub list: bool,
    /// The inventory's format, with --list.
    #[arg(long, value_enum, default_value_t = ListFormat::Table, requires = "list")]
    pub list_format: ListFormat,
    /// Output formats and destinations (the check).
    #[command(flatten)]
    pub output: OutputArgs,
}

/// How `--list` prints the inventory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned columns.
    Table,
    /// A JSON array of rows.
    Json,
    /// Comma-separated values with a header row.
    Csv,
}

impl From<ListFormat> for gate_supply::license::InventoryFormat {
    fn from(format: ListFormat) -> gate_supply::license::InventoryFormat {
        match format {
            ListFormat::Table => gate_supply::license::InventoryFormat::Table,
            ListFormat::Json => gate_supply::license::InventoryFormat::Json,
            ListFormat::Csv => gate_supply::license::InventoryFormat::Csv,
        }
    }
}

/// `--features`: which packages of a Cargo project the license check reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Features {
    /// Every package in Cargo.lock (`cargo metadata --all-features`).
    All,
    /// Only the packages the default features pull in.
    Default,
}

impl From<Features> for CargoFeatures {
    fn from(features: Features) -> CargoFeatures {
        match features {
            Features::All => CargoFeatures::All,
            Features::Default => CargoFeatures::Default,
        }
    }
}

/// A verdict a kind of finding can be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Level {
    /// The finding fails the gate.
    Fail,
    /// The finding only warns.
    Warn,
}

impl From<Level> for Verdict {
    fn from(level: Level) -> Verdict {
        match level {
            Level::Fail => Verdict::Fail,
            Level::Warn => Verdict::Warn,
        }
    }
}

/// `gate supply audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Lockfiles (requirements*.txt, Cargo.lock, uv.lock, poetry.lock, Pipfile.lock,
    /// pylock.toml, package-lock.json), site-packages directories, or directories holding
    /// lockfiles.
    #[arg(required_unless_present = "requirement", value_name = "LOCKFILE|DIR")]
    pub inputs: Vec<PathBuf>,
    /// A pip requirements file of any name (`constraints.txt`, `req.txt`), as pip-audit's -r;
    /// repeatable.
    #[arg(short = 'r', long, value_name = "FILE")]
    pub requirement: Vec<PathBuf>,
    /// Advisory data: a directory or .zip of OSV records, a RustSec checkout, or a cache
    /// written by `gate supply db update`; repeatable [default: the download cache].
    #[arg(long, value_name = "PATH")]
    pub db: Vec<PathBuf>,
    /// Vulnerabilities below this severity only warn: low, medium, high or critical.
    #[arg(long, value_name = "LEVEL", value_parser = parse_severity)]
    pub severity_threshold: Option<Severity>,
    /// The verdict for a vulnerability whose record gives no severity [default: fail].
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub no_severity: Option<Level>,
    /// The verdict for a dependency not pinned to one version [default: fail].
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub unpinned: Option<Level>,
    /// Ignore an advisory id (or any alias: CVE, GHSA…) for this run only; repeatable.
    /// Lasting exceptions belong in gate.toml as [[waiver]]s with a reason and an expiry.
    #[arg(long, value_name = "ID")]
    pub ignore: Vec<String>,
    /// Warn when the downloaded database is older than this many days.
    #[arg(long, value_name = "DAYS", default_value_t = DEFAULT_MAX_DB_AGE_DAYS)]
    pub max_db_age: u64,
    /// Judge ignore expiry as if today were this date (YYYY-MM-DD) [default: today, UTC].
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
    /// Output formats and destinations.
    #[command(flatten)]
    pub output: OutputArgs,
}

fn parse_severity(text: &str) -> Result<Severity, String> {
    match Severity::parse(text) {
        Some(Severity::Info) | None => Err(format!(
            "`{text}` is not a severity: use low, medium, high or critical"
        )),
        Some(severity) => Ok(severity),
    }
}

/// `gate supply db …`.
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Download OSV ecosystem archives into the cache (validated, then swapped in atomically).
    Update(DbUpdateArgs),
    /// Show what is cached: ecosystems, advisory counts, when each was fetched.
    Status(DbStatusArgs),
}

/// `gate supply db update`.
#[derive(Debug, Args)]
pub struct DbUpdateArgs {
    /// An OSV ecosystem to download (`PyPI`, `crates.io`, `npm`…); repeatable
    /// [default: PyPI and crates.io].
    #[arg(long, value_name = "NAME")]
    pub ecosystem: Vec<String>,
    /// Where to download from: a URL with `{ecosystem}` in it
    /// [default: https://osv-vulnerabilities.storage.googleapis.com/{ecosystem}/all.zip].
    // The doc comment is the --help text: the URL is shown as written, not as Markdown.
    #[allow(clippy::doc_markdown)]
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// The cache directory [default: $XDG_CACHE_HOME/gate/advisory-db, else
    /// ~/.cache/gate/advisory-db].
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
}

/// `gate supply db status`.
#[derive(Debug, Args)]
pub struct DbStatusArgs {
    /// The cache directory [default: $XDG_CACHE_HOME/gate/advisory-db, else
    /// ~/.cache/gate/advisory-db].
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// Call the database stale after this many days.
    #[arg(long, value_name = "DAYS", default_value_t = DEFAULT_MAX_DB_AGE_DAYS)]
    pub max_db_age: u64,
}

/// `gate supply sbom`.
#[derive(Debug, Args)]
pub struct SbomArgs {
    /// Lockfiles, site-packages directories, or directories holding lockfiles.
    #[arg(required_unless_present = "requirement", value_name = "LOCKFILE|DIR")]
    pub inputs: Vec<PathBuf>,
    /// A pip requirements file of any name, as `gate supply audit -r`; repeatable.
    #[arg(short = 'r', long, value_name = "FILE")]
    pub requirement: Vec<PathBuf>,
    /// Write the SBOM to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Record when the SBOM was made (`metadata.timestamp`); without it the output depends only
    /// on the lockfiles, so it can be committed and diffed.
    #[arg(long)]
    pub timestamp: bool,
}

/// Runs a `gate supply` subcommand.
pub fn run(command: &SupplyCommand, environment: &Environment) -> anyhow::Result<u8> {
    match command {
        SupplyCommand::Audit(args) => audit(args, environment),
        SupplyCommand::Db(DbCommand::Update(args)) => db::update(args, environment),
        SupplyCommand::Db(DbCommand::Status(args)) => db::status(args, environment),
        SupplyCommand::Sbom(args) => sbom(args, environment),
        SupplyCommand::Licenses(args) => licenses(args, environment),
    }
}

fn licenses(args: &LicensesArgs, environment: &Environment) -> anyhow::Result<u8> {
    use gate_supply::license::{
        Clarification, LicensePolicy, check_licenses, inventory, render_inventory,
    };
    let mut clarify = Vec::new();
    for spec in &args.clarify {
        let Some((package, expression)) = spec.split_once('=') else {
            anyhow::bail!(
                "--clarify {spec}: expected PACKAGE=EXPRESSION, such as idna=BSD-3-Clause"
            );
        };
        clarify.push(Clarification::new(
            package.trim(),
            expression.trim(),
            "--clarify on the command line",
        )?);
    }
    let root = Path::new(".");
    if args.list {
        let records = read_records_of(&args.paths, args.features.into(), root, &environment.io())
            .map_err(|error| anyhow::anyhow!(error.message))?;
        output::print(render_inventory(
            &inventory(&records, &clarify),
            args.list_format.into(),
        ))?;
        return Ok(crate::EXIT_PASS);
    }
    let outputs = output::plan(
        &args.output.format,
        args.output.output.as_deref(),
        environment,
    )?;
    let mut policy = LicensePolicy::new(&args.allow)?
        .with_deny(&args.deny)?
        .with_clarifications(clarify);
    if let Some(level) = args.unknown {
        policy.unknown = level.into();
    }
    let gate = match read_records_of(&args.paths, args.features.into(), root, &environment.io()) {
        Ok(records) => check_licenses(&records, &policy),
        Err(error) => GateReport::errored(Gate::Supply.name(), error),
    };
    let report = Report::new(vec![gate]);
    let fallback = display(&args.paths[0], root);
    output::write_all(&report, &outputs, args.output.color, &fallback, environment)?;
    Ok(report.outcome().exit_code())
}

fn audit(args: &AuditArgs, environment: &Environment) -> anyhow::Result<u8> {
    let outputs = output::plan(
        &args.output.format,
        args.output.output.as_deref(),
        environment,
    )?;
    let today =
        environment.date_or_today(args.today.as_deref(), "--today", " to judge ignore expiry")?;
    let mut advisories = Advisories {
        lockfiles: args.inputs.clone(),
        requirements: args.requirement.clone(),
        db: args.db.clone(),
        max_db_age_days: args.max_db_age,
        ..Advisories::default()
    };
    advisories.audit.severity_threshold = args.severity_threshold;
    if let Some(level) = args.no_severity {
        advisories.audit.no_severity = level.into();
    }
    if let Some(level) = args.unpinned {
        advisories.audit.unpinned = level.into();
    }
    let gate = audit_report(&advisories, Path::new("."), &environment.io())
        .unwrap_or_else(|error| GateReport::errored(Gate::Supply.name(), error));
    // A command-line ignore lasts for this run: it expires today, and says where it came from.
    let ignores: Vec<Ignore> = args
        .ignore
        .iter()
        .map(|id| Ignore {
            id: id.trim().to_owned(),
            reason: "ignored with --ignore".to_owned(),
            expires: today,
            owner: None,
        })
        .collect();
    let waivers = ignores_to_waivers(&gate, &ignores).context("--ignore")?;
    let mut report = Report::new(vec![gate]);
    apply_waivers(&mut report, &waivers, today);
    // Findings without a file point at the first input in SARIF and GitLab output.
    let first = args.inputs.first().or(args.requirement.first());
    let fallback = first.map_or_else(String::new, |path| display(path, Path::new(".")));
    output::write_all(&report, &outputs, args.output.color, &fallback, environment)?;
    Ok(report.outcome().exit_code())
}

/// `gate supply sbom`: a CycloneDX 1.5 JSON bill of materials of what the lockfiles lock.
fn sbom(args: &SbomArgs, environment: &Environment) -> anyhow::Result<u8> {
    let root = Path::new(".");
    let mut dependencies =
        read_dependencies(&args.inputs, root).map_err(|error| anyhow!(error.message))?;
    dependencies.extend(
        read_requirements_files(&args.requirement, root).map_err(|error| anyhow!(error.message))?,
    );
    let timestamp = if args.timestamp {
        let now = environment
            .now
            .context("cannot read the system clock for --timestamp")?;
        Some(format_rfc3339(now))
    } else {
        None
    };
    let options = SbomOptions {
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        timestamp,
    };
    let text = cyclonedx_json(&dependencies, &options);
    match &args.output {
        Some(path) => output::write_atomically(path, text.as_bytes())?,
        None => output::print(&text)?,
    }
    Ok(crate::EXIT_PASS)
}
