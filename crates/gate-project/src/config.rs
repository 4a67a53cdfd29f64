//! `gate.toml`: finding it, reading it with line numbers, and turning it into typed settings.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use gate_core::{Date, Location, Target, Waiver};
use serde::Deserialize;
use serde_spanned::Spanned;

use crate::settings::check;
#[cfg(feature = "ci")]
use crate::settings::ci;
#[cfg(feature = "coverage")]
use crate::settings::coverage;
#[cfg(feature = "policy")]
use crate::settings::policy;
#[cfg(feature = "protect")]
use crate::settings::protect;
#[cfg(feature = "release")]
use crate::settings::release;
#[cfg(feature = "supply")]
use crate::settings::supply;

/// The file name `gate check` looks for in the current directory and its parents.
pub const FILE_NAME: &str = "gate.toml";

/// One of the gates, as `gate check` runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Gate {
    /// Rego policies over manifests (`[policy]`).
    Policy,
    /// Coverage thresholds (`[coverage]`).
    Coverage,
    /// Advisories and licenses of dependencies (`[supply]`).
    Supply,
    /// Commit lint and the next version (`[release]`).
    Release,
    /// Drift of the branch protection from a saved response (`[protect]` with `current`).
    Protect,
}

impl Gate {
    /// Every gate, in the order they run and report.
    pub const ALL: [Gate; 5] = [
        Gate::Policy,
        Gate::Coverage,
        Gate::Supply,
        Gate::Release,
        Gate::Protect,
    ];

    /// The gate's name, as in reports, rule ids and gate.toml sections.
    pub fn name(self) -> &'static str {
        match self {
            Gate::Policy => "policy",
            Gate::Coverage => "coverage",
            Gate::Supply => "supply",
            Gate::Release => "release",
            Gate::Protect => "protect",
        }
    }

    /// The gate of a name, if it is one.
    pub fn from_name(name: &str) -> Option<Gate> {
        Gate::ALL.into_iter().find(|gate| gate.name() == name)
    }

    /// Every gate's name, comma-separated, for messages (`policy, coverage, …`).
    pub fn names() -> String {
        Gate::ALL.map(Gate::name).join(", ")
    }
}

impl fmt::Display for Gate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A problem with the configuration file, naming the file, line and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    /// The file, as the user named it or as found.
    pub path: String,
    /// 1-based line and column, where known.
    pub position: Option<(usize, usize)>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some((line, column)) => write!(f, "{}:{line}:{column}: {}", self.path, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// A gate section that is present in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The gate.
    pub gate: Gate,
    /// 1-based line of the section's first key, for messages.
    pub line: usize,
}

/// The parsed configuration.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// The file as found or given (used in messages).
    pub path: PathBuf,
    /// The directory every relative path in the file is resolved against.
    pub root: PathBuf,
    /// The file's path relative to `root`, for reports (`gate.toml`).
    pub report_path: String,
    /// Waivers, each with its line in the file (license exceptions included).
    pub waivers: Vec<Waiver>,
    /// The gates the file configures, in [`Gate::ALL`] order.
    pub sections: Vec<Section>,
    /// `[check]`: the base and baseline findings are judged against (default: none).
    pub check: check::Check,
    /// `[policy]`, when present.
    #[cfg(feature = "policy")]
    pub policy: Option<policy::Policy>,
    /// `[coverage]`, when present.
    #[cfg(feature = "coverage")]
    pub coverage: Option<Vec<coverage::Project>>,
    /// `[supply]`, when present.
    #[cfg(feature = "supply")]
    pub supply: Option<supply::Supply>,
    /// `[release]`, when present.
    #[cfg(feature = "release")]
    pub release: Option<release::Release>,
    /// `[protect]`, when present.
    #[cfg(feature = "protect")]
    pub protect: Option<protect::Protect>,
    /// `[ci]`, when present.
    #[cfg(feature = "ci")]
    pub ci: Option<ci::Ci>,
}

impl Config {
    /// Whether a gate has a section `gate check` can run.
    pub fn configures(&self, gate: Gate) -> bool {
        self.sections.iter().any(|section| section.gate == gate)
    }

    /// The gates `gate check` runs for this configuration, in order; `gate ci` writes a job
    /// of the same name for each.
    pub fn gates(&self) -> Vec<Gate> {
        self.sections.iter().map(|section| section.gate).collect()
    }

    /// An error at a line of this file.
    pub fn error_at_line(&self, line: usize, message: impl Into<String>) -> ConfigError {
        ConfigError {
            path: self.path.display().to_string(),
            position: Some((line, 1)),
            message: message.into(),
        }
    }
}

/// Looks for `gate.toml` in `start` and then each parent directory.
///
/// Any entry of that name counts, readable or not (a dangling link, a directory, a device): the
/// nearest one is the project's configuration, and [`load`] reports what is wrong with it, where
/// skipping it would silently check the project against a parent directory's gate.toml.
pub fn find(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|directory| directory.join(FILE_NAME))
        .find(|candidate| candidate.symlink_metadata().is_ok())
}

/// Reads and parses a configuration file.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let shown = path.display().to_string();
    let text = crate::io::read_text(path).map_err(|error| ConfigError {
        path: shown.clone(),
        position: None,
        message: format!("cannot read the configuration: {error}"),
    })?;
    let root = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let report_path = path.file_name().map_or_else(
        || FILE_NAME.to_owned(),
        |name| name.to_string_lossy().into_owned(),
    );
    let mut config = parse(&text, &shown, &report_path, &root)?;
    config.path = path.to_path_buf();
    Ok(config)
}

/// A gate section whose gate this build leaves out (its Cargo feature is off): accepted as it
/// is, so one gate.toml serves every embedder, and never run.
#[allow(dead_code)]
type Unbuilt = Spanned<toml::Table>;

// The sections of gates this build leaves out are accepted and never read.
#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    waiver: Vec<Spanned<RawWaiver>>,
    check: Option<check::RawCheck>,
    #[cfg(feature = "policy")]
    policy: Option<Spanned<policy::RawPolicy>>,
    #[cfg(not(feature = "policy"))]
    policy: Option<Unbuilt>,
    #[cfg(feature = "coverage")]
    coverage: Option<Spanned<coverage::RawProject>>,
    #[cfg(not(feature = "coverage"))]
    coverage: Option<Unbuilt>,
    #[cfg(feature = "supply")]
    supply: Option<Spanned<supply::RawSupply>>,
    #[cfg(not(feature = "supply"))]
    supply: Option<Unbuilt>,
    #[cfg(feature = "release")]
    release: Option<Spanned<release::RawRelease>>,
    #[cfg(not(feature = "release"))]
    release: Option<Unbuilt>,
    #[cfg(feature = "protect")]
    protect: Option<Spanned<protect::RawProtect>>,
    #[cfg(not(feature = "protect"))]
    protect: Option<Unbuilt>,
    #[cfg(feature = "ci")]
    ci: Option<Spanned<ci::RawCi>>,
    #[cfg(not(feature = "ci"))]
    ci: Option<Unbuilt>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    gate: Option<Spanned<String>>,
    rule: Spanned<String>,
    target: Option<Spanned<String>>,
    reason: Spanned<String>,
    expires: Spanned<toml::Value>,
    owner: Option<String>,
}

/// Parses the text of a configuration file; `shown` names it in errors, `report_path` in
/// reports, and relative paths in it are resolved against `root`.
// One short block per gate, each behind its feature: splitting them would scatter the order in
// which sections are checked.
#[allow(clippy::too_many_lines)]
pub fn parse(
    text: &str,
    shown: &str,
    report_path: &str,
    root: &Path,
) -> Result<Config, ConfigError> {
    // Windows editors save a byte-order mark, which TOML rejects; spans count from after it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let error_at = |span: Option<Range<usize>>, message: String| ConfigError {
        path: shown.to_owned(),
        position: span.map(|span| line_and_column(text, span.start)),
        message,
    };
    let raw: RawConfig = toml::from_str(text)
        .map_err(|error| error_at(error.span(), error.message().trim().to_owned()))?;

    // [protect] is a gate of `gate check` only with a saved response to compare; without one it
    // configures `gate protect plan|apply` alone.
    #[cfg(feature = "protect")]
    let protect_gate_span = raw
        .protect
        .as_ref()
        .filter(|table| table.get_ref().current.is_some())
        .map(Spanned::span);
    #[cfg(not(feature = "protect"))]
    let protect_gate_span = raw
        .protect
        .as_ref()
        .filter(|table| table.get_ref().contains_key("current"))
        .map(Spanned::span);
    let present = [
        (Gate::Policy, raw.policy.as_ref().map(Spanned::span)),
        (Gate::Coverage, raw.coverage.as_ref().map(Spanned::span)),
        (Gate::Supply, raw.supply.as_ref().map(Spanned::span)),
        (Gate::Release, raw.release.as_ref().map(Spanned::span)),
        (Gate::Protect, protect_gate_span),
    ];
    let sections = present
        .into_iter()
        .filter_map(|(gate, span)| {
            Some(Section {
                gate,
                line: line_and_column(text, span?.start).0,
            })
        })
        .collect();

    let mut config = Config {
        path: PathBuf::from(shown),
        root: root.to_path_buf(),
        report_path: report_path.to_owned(),
        waivers: Vec::new(),
        sections,
        check: check::Check::default(),
        #[cfg(feature = "policy")]
        policy: None,
        #[cfg(feature = "coverage")]
        coverage: None,
        #[cfg(feature = "supply")]
        supply: None,
        #[cfg(feature = "release")]
        release: None,
        #[cfg(feature = "protect")]
        protect: None,
        #[cfg(feature = "ci")]
        ci: None,
    };
    #[cfg(feature = "ci")]
    let protect_branch_span = raw
        .protect
        .as_ref()
        .and_then(|table| table.get_ref().branch_span());
    if let Some(raw_check) = raw.check {
        config.check = check::check(raw_check, root)
            .map_err(|(span, message)| error_at(span, format!("[check]: {message}")))?;
    }
    #[cfg(feature = "protect")]
    {
        config.protect = raw
            .protect
            .map(|table| protect::protect(table.into_inner(), root))
            .transpose()
            .map_err(|(span, message)| error_at(span, format!("[protect]: {message}")))?;
    }
    #[cfg(feature = "policy")]
    {
        config.policy = raw
            .policy
            .map(|table| policy::policy(table, root))
            .transpose()
            .map_err(|(span, message)| error_at(span, format!("[policy]: {message}")))?;
    }
    #[cfg(feature = "coverage")]
    {
        config.coverage = raw
            .coverage
            .map(|table| coverage::projects(table, root))
            .transpose()
            .map_err(|(span, message)| error_at(span, format!("[coverage]: {message}")))?;
    }
    #[cfg(feature = "supply")]
    {
        config.supply = raw
            .supply
            .map(|table| {
                let line_of = |offset: usize| {
                    u32::try_from(line_and_column(text, offset).0).unwrap_or(u32::MAX)
                };
                supply::supply(table, root, &line_of, report_path)
            })
            .transpose()
            .map_err(|(span, message)| error_at(span, message))?;
    }
    #[cfg(feature = "release")]
    {
        config.release = raw
            .release
            .map(|table| release::release(table.into_inner(), root))
            .transpose()
            .map_err(|(span, message)| error_at(span, format!("[release]: {message}")))?;
    }
    #[cfg(feature = "ci")]
    {
        config.ci = raw
            .ci
            .map(|table| ci::ci(table.into_inner()))
            .transpose()
            .map_err(|(span, message)| error_at(span, format!("[ci]: {message}")))?;
        // The workflow runs on `[ci] branch` only: a different protected branch would require
        // checks that never report there, blocking every pull request into it.
        if let (Some(ci), Some(protect)) = (&config.ci, &config.protect)
            && let Some(branch) = protect.branch.as_ref().filter(|b| **b != ci.branch)
        {
            return Err(error_at(
                protect_branch_span,
                format!(
                    "[protect]: branch `{branch}` is not [ci] branch `{}`: gate's workflow runs \
                     on [ci] branch only, so the checks required on `{branch}` would never \
                     report and every pull request into it would stay blocked. Protect the \
                     branch the workflow runs on (remove `branch` from [protect], or set both \
                     to the same name)",
                    ci.branch
                ),
            ));
        }
    }

    for spanned in raw.waiver {
        let span = spanned.span();
        let raw = spanned.into_inner();
        let line = line_and_column(text, span.start).0;
        config
            .waivers
            .push(waiver(raw, line, report_path, &error_at)?);
    }
    // License exceptions are waivers written where reviewers of the allowlist look for them.
    #[cfg(feature = "supply")]
    if let Some(licenses) = config
        .supply
        .as_ref()
        .and_then(|supply| supply.licenses.as_ref())
    {
        let exceptions = licenses.exceptions.clone();
        config.waivers.extend(exceptions);
    }
    Ok(config)
}

fn waiver(
    raw: RawWaiver,
    line: usize,
    report_path: &str,
    error_at: &dyn Fn(Option<Range<usize>>, String) -> ConfigError,
) -> Result<Waiver, ConfigError> {
    let rule = raw.rule.get_ref().trim().to_owned();
    let Some((rule_gate, check)) = rule.split_once('/') else {
        return Err(error_at(
            Some(raw.rule.span()),
            format!(
                "waiver rule `{rule}` is not a rule id like `coverage/total` (see `gate explain --list`)"
            ),
        ));
    };
    if check.is_empty() {
        return Err(error_at(
            Some(raw.rule.span()),
            format!("waiver rule `{rule}` names no check"),
        ));
    }
    let gate = match &raw.gate {
        Some(gate) => gate.get_ref().trim().to_owned(),
        None => rule_gate.to_owned(),
    };
    let gate_span = raw
        .gate
        .as_ref()
        .map_or_else(|| raw.rule.span(), Spanned::span);
    if Gate::from_name(&gate).is_none() {
        return Err(error_at(
            Some(gate_span),
            format!("waiver gate `{gate}` is not one of: {}", Gate::names()),
        ));
    }
    // waiver/* rules are raised on every gate, so they may be waived on any gate.
    if rule_gate != gate && rule_gate != "waiver" {
        return Err(error_at(
            Some(gate_span),
            format!("waiver rule `{rule}` belongs to the `{rule_gate}` gate, not `{gate}`"),
        ));
    }
    if raw.reason.get_ref().trim().is_empty() {
        return Err(error_at(
            Some(raw.reason.span()),
            "waiver reason is empty: say why the exception is acceptable".to_owned(),
        ));
    }
    let target = match &raw.target {
        Some(pattern) => Some(Target::new(pattern.get_ref()).map_err(|error| {
            error_at(
                Some(pattern.span()),
                format!("{error}: {}", error_source(&error)),
            )
        })?),
        None => None,
    };
    let expires =
        expiry(&raw.expires).map_err(|message| error_at(Some(raw.expires.span()), message))?;
    let mut waiver = Waiver::new(gate, rule, raw.reason.into_inner().trim(), expires).with_source(
        Location::line(report_path, u32::try_from(line).unwrap_or(u32::MAX)),
    );
    waiver.target = target;
    waiver.owner = raw.owner;
    Ok(waiver)
}

fn error_source(error: &dyn std::error::Error) -> String {
    error.source().map(ToString::to_string).unwrap_or_default()
}

/// `expires` may be a TOML date (`2026-12-31`) or a string (`"2026-12-31"`).
fn expiry(value: &Spanned<toml::Value>) -> Result<Date, String> {
    let text = match value.get_ref() {
        toml::Value::Datetime(datetime) if datetime.time.is_none() && datetime.offset.is_none() => {
            datetime.to_string()
        }
        toml::Value::String(text) => text.clone(),
        other => {
            return Err(format!(
                "waiver expires must be a date like 2026-12-31, not `{other}`"
            ));
        }
    };
    text.parse::<Date>()
        .map_err(|error| format!("waiver expires: {error}"))
}

/// 1-based line and column (in characters) of a byte offset.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |index| index + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The nearest gate.toml is the configuration even when it cannot be read: a parent's
    /// gate.toml must not be used in its place.
    #[test]
    fn the_nearest_gate_toml_is_found_even_when_it_is_not_a_file() {
        let parent = tempfile::tempdir().unwrap();
        std::fs::write(parent.path().join(FILE_NAME), "[release]\n").unwrap();
        let project = parent.path().join("project");
        std::fs::create_dir_all(project.join(FILE_NAME)).unwrap();
        let found = find(&project).unwrap();
        assert_eq!(found, project.join(FILE_NAME));
        let error = load(&found).unwrap_err();
        assert!(error.path.ends_with("gate.toml"), "{error}");
        assert!(
            error.message.starts_with("cannot read the configuration"),
            "{error}"
        );
    }

    /// `/dev/zero` reports size 0 and never ends: the read stops at the cap instead.
    #[cfg(unix)]
    #[test]
    fn an_endless_configuration_is_refused_at_the_size_limit() {
        let error = load(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(error.path, "/dev/zero");
        let limit = crate::io::MAX_FILE_BYTES.to_string();
        assert!(error.message.contains(&limit), "{error}");
    }

    fn parse_ok(text: &str) -> (Vec<Waiver>, Vec<Section>) {
        let parsed = parse(text, "gate.toml", "gate.toml", Path::new(".")).unwrap();
        (parsed.waivers, parsed.sections)
    }

    fn parse_err(text: &str) -> String {
        parse(text, "gate.toml", "gate.toml", Path::new("."))
            .unwrap_err()
            .to_string()
    }

    #[cfg(feature = "coverage")]
    #[test]
    fn a_precision_beyond_an_f64_is_an_error() {
        let error = parse_err("[coverage]\nreports = [\"c.xml\"]\nprecision = 65536\n");
        assert!(error.contains("`precision` is 65536"), "{error}");
    }

    #[cfg(feature = "coverage")]
    #[test]
    fn file_drop_max_is_points_zero_or_more() {
        let error = parse_err("[coverage]\nreports = [\"c.xml\"]\nfile-drop-max = -1.0\n");
        assert!(
            error.starts_with("gate.toml:3:17: [coverage]: `file-drop-max` is -1"),
            "{error}"
        );
        let config = parse(
            "[coverage]\nreports = [\"c.xml\"]\nfile-drop-max = 2.5\n",
            "gate.toml",
            "gate.toml",
            Path::new("."),
        )
        .unwrap();
        assert_eq!(config.coverage.unwrap()[0].file_drop_max, Some(2.5));
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let text = "[[waiver]]\nrule = \"supply/vulnerability\"\ntarget = \"urllib3\"\nreason = \"r\"\nexpires = 2026-12-31\n";
        // Waivers have no `PartialEq`; their debug form shows every field.
        let marked = format!("{:?}", parse_ok(&format!("\u{feff}{text}")));
        assert_eq!(marked, format!("{:?}", parse_ok(text)));
    }

    #[test]
    fn reads_waivers_with_dates_and_lines() {
        let (waivers, sections) = parse_ok(
            "# comment\n\n[[waiver]]\nrule = \"supply/vulnerability\"\ntarget = \"urllib3\"\nreason = \"no fix yet\"\nexpires = 2026-12-31\nowner = \"@platform\"\n",
        );
        assert!(sections.is_empty());
        let waiver = &waivers[0];
        assert_eq!(waiver.gate, "supply");
        assert_eq!(waiver.expires.to_string(), "2026-12-31");
        assert_eq!(
            waiver.source,
            Some(Location::line("gate.toml", 3)),
            "the `[[waiver]]` header line"
        );
        assert_eq!(waiver.target.as_ref().map(Target::as_str), Some("urllib3"));
    }

    #[test]
    fn accepts_an_expiry_written_as_a_string() {
        let (waivers, _) = parse_ok(
            "[[waiver]]\nrule = \"coverage/total\"\nreason = \"r\"\nexpires = \"2027-01-31\"\n",
        );
        assert_eq!(waivers[0].expires.to_string(), "2027-01-31");
    }

    #[test]
    fn unknown_keys_name_line_column_and_key() {
        let message = parse_err(
            "[[waiver]]\nrule = \"coverage/total\"\nreason = \"r\"\nexpires = 2027-01-31\nexpire = 1\n",
        );
        assert!(
            message.starts_with("gate.toml:5:1: unknown field `expire`"),
            "{message}"
        );
        let message = parse_err("\n[coverge]\nfail-under = 80\n");
        assert!(message.starts_with("gate.toml:2:"), "{message}");
        assert!(message.contains("unknown field `coverge`"), "{message}");
    }

    #[test]
    fn wrong_types_and_bad_values_name_the_line() {
        let message = parse_err(
            "[[waiver]]\nrule = \"coverage/total\"\nreason = \"r\"\nexpires = 20270131\n",
        );
        assert!(
            message.starts_with("gate.toml:4:11: waiver expires must be a date"),
            "{message}"
        );
        let message = parse_err(
            "[[waiver]]\nrule = \"coverage/total\"\nreason = \"r\"\nexpires = 2027-02-30\n",
        );
        assert!(message.starts_with("gate.toml:4:"), "{message}");
        let message =
            parse_err("[[waiver]]\nrule = \"total\"\nreason = \"r\"\nexpires = 2027-01-31\n");
        assert!(
            message.starts_with("gate.toml:2:8: waiver rule `total`"),
            "{message}"
        );
        let message = parse_err(
            "[[waiver]]\nrule = \"coverage/total\"\nreason = \"  \"\nexpires = 2027-01-31\n",
        );
        assert!(message.contains("waiver reason is empty"), "{message}");
        let message = parse_err(
            "[[waiver]]\ngate = \"supply\"\nrule = \"coverage/total\"\nreason = \"r\"\nexpires = 2027-01-31\n",
        );
        assert!(
            message.contains("belongs to the `coverage` gate"),
            "{message}"
        );
        let message =
            parse_err("[[waiver]]\nrule = \"lint/x\"\nreason = \"r\"\nexpires = 2027-01-31\n");
        assert!(
            message.contains("waiver gate `lint` is not one of"),
            "{message}"
        );
        let message = parse_err(
            "[[waiver]]\nrule = \"coverage/total\"\ntarget = \"api/[\"\nreason = \"r\"\nexpires = 2027-01-31\n",
        );
        assert!(
            message.starts_with("gate.toml:3:10: invalid waiver target `api/[`"),
            "{message}"
        );
    }

    #[test]
    fn check_reads_base_baseline_and_inherited() {
        let config = parse(
            "[check]\nbase = \"origin/main\"\nbaseline = \"gate-baseline.json\"\ninherited = { supply = \"fail\", policy = \"warn\" }\n",
            "gate.toml",
            "gate.toml",
            Path::new("."),
        )
        .unwrap();
        assert_eq!(config.check.base.as_deref(), Some("origin/main"));
        assert_eq!(
            config.check.baseline_shown.as_deref(),
            Some("gate-baseline.json")
        );
        assert!(config.check.inherited_fails("supply"));
        assert!(!config.check.inherited_fails("policy"));
        assert!(config.sections.is_empty(), "[check] is not a gate");
        let all = parse(
            "[check]\ninherited = \"fail\"\n",
            "gate.toml",
            "gate.toml",
            Path::new("."),
        )
        .unwrap();
        assert!(all.check.inherited_fails("coverage"));
        let message = parse_err("[check]\nbase = \"--output=x\"\n");
        assert!(
            message.starts_with("gate.toml:2:8: [check]: the base revision"),
            "{message}"
        );
        let message = parse_err("[check]\ninherited = { lint = \"fail\" }\n");
        assert!(message.contains("`lint` is not a gate"), "{message}");
        let message = parse_err("[check]\ninherited = \"strict\"\n");
        assert!(
            message.contains("must be \"fail\" or \"warn\""),
            "{message}"
        );
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let message = parse_err("[[waiver]\nrule = 1\n");
        assert!(message.starts_with("gate.toml:1:"), "{message}");
    }

    #[test]
    fn records_gate_sections_with_their_lines() {
        let (_, sections) = parse_ok(
            "[release]\ntag-format = \"v{version}\"\n\n[coverage]\nreports = [\"c.xml\"]\n",
        );
        let gates: Vec<&str> = sections.iter().map(|section| section.gate.name()).collect();
        assert_eq!(gates, ["coverage", "release"]);
    }
}
