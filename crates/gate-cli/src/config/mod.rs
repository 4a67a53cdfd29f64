//! `gate.toml`: finding it, reading it with line numbers, and turning it into typed settings.

pub mod ci;
pub mod coverage;
pub mod policy;
pub mod protect;
pub mod release;
pub mod supply;

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use gate_core::{Date, Location, Target, Waiver};
use serde::Deserialize;
use serde_spanned::Spanned;

/// The file name `gate check` looks for in the current directory and its parents.
pub const FILE_NAME: &str = "gate.toml";

/// The gates gate knows about, in the order they run and report.
pub const GATES: [&str; 5] = ["policy", "coverage", "supply", "release", "protect"];

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
    /// The gate's name (`coverage`).
    pub gate: &'static str,
    /// 1-based line of the section's first key, for messages.
    pub line: usize,
}

/// The parsed configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file as found or given (used in messages).
    pub path: PathBuf,
    /// The directory every relative path in the file is resolved against.
    pub root: PathBuf,
    /// The file's path relative to `root`, for reports (`gate.toml`).
    pub report_path: String,
    /// Waivers, each with its line in the file.
    pub waivers: Vec<Waiver>,
    /// The gate sections present, in [`GATES`] order.
    pub sections: Vec<Section>,
    /// `[policy]`, when present.
    pub policy: Option<policy::Policy>,
    /// `[coverage]`, when present.
    pub coverage: Option<Vec<coverage::Project>>,
    /// `[supply]`, when present.
    pub supply: Option<supply::Supply>,
    /// `[release]`, when present.
    pub release: Option<release::Release>,
    /// `[protect]`, when present.
    pub protect: Option<protect::Protect>,
    /// `[ci]`, when present.
    pub ci: Option<ci::Ci>,
}

/// What a configuration file says, before it is tied to a location on disk.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// Waivers, each with its line in the file.
    pub waivers: Vec<Waiver>,
    /// The gate sections present, in [`GATES`] order.
    pub sections: Vec<Section>,
    /// `[policy]`, when present.
    pub policy: Option<policy::Policy>,
    /// `[coverage]`, when present.
    pub coverage: Option<Vec<coverage::Project>>,
    /// `[supply]`, when present.
    pub supply: Option<supply::Supply>,
    /// `[release]`, when present.
    pub release: Option<release::Release>,
    /// `[protect]`, when present.
    pub protect: Option<protect::Protect>,
    /// `[ci]`, when present.
    pub ci: Option<ci::Ci>,
}

impl Config {
    /// Whether a gate has a section.
    pub fn configures(&self, gate: &str) -> bool {
        self.sections.iter().any(|section| section.gate == gate)
    }
}

/// Looks for `gate.toml` in `start` and then each parent directory.
pub fn find(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|directory| directory.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// Reads and parses a configuration file.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|error| ConfigError {
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
    let parsed = parse(&text, &shown, &report_path, &root)?;
    Ok(Config {
        path: path.to_path_buf(),
        root,
        report_path,
        waivers: parsed.waivers,
        sections: parsed.sections,
        policy: parsed.policy,
        coverage: parsed.coverage,
        supply: parsed.supply,
        release: parsed.release,
        protect: parsed.protect,
        ci: parsed.ci,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    waiver: Vec<Spanned<RawWaiver>>,
    policy: Option<Spanned<policy::RawPolicy>>,
    coverage: Option<Spanned<coverage::RawProject>>,
    supply: Option<Spanned<supply::RawSupply>>,
    release: Option<Spanned<release::RawRelease>>,
    protect: Option<Spanned<protect::RawProtect>>,
    ci: Option<Spanned<ci::RawCi>>,
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
pub fn parse(
    text: &str,
    shown: &str,
    report_path: &str,
    root: &Path,
) -> Result<Parsed, ConfigError> {
    let error_at = |span: Option<Range<usize>>, message: String| ConfigError {
        path: shown.to_owned(),
        position: span.map(|span| line_and_column(text, span.start)),
        message,
    };
    let raw: RawConfig = toml::from_str(text)
        .map_err(|error| error_at(error.span(), error.message().trim().to_owned()))?;

    let protect_span = raw.protect.as_ref().map(Spanned::span);
    let protect = raw
        .protect
        .map(|table| protect::protect(table.into_inner(), root))
        .transpose()
        .map_err(|(span, message)| error_at(span, format!("[protect]: {message}")))?;
    // [protect] is a gate of `gate check` only with a saved response to compare; without one it
    // configures `gate protect plan|apply` alone.
    let protect_gate_span = protect_span.filter(|_| {
        protect
            .as_ref()
            .is_some_and(|protect| protect.current.is_some())
    });

    let mut sections = Vec::new();
    let present = [
        ("policy", raw.policy.as_ref().map(Spanned::span)),
        ("coverage", raw.coverage.as_ref().map(Spanned::span)),
        ("supply", raw.supply.as_ref().map(Spanned::span)),
        ("release", raw.release.as_ref().map(Spanned::span)),
        ("protect", protect_gate_span),
    ];
    for (gate, span) in present {
        if let Some(span) = span {
            sections.push(Section {
                gate,
                line: line_and_column(text, span.start).0,
            });
        }
    }
    let policy = raw
        .policy
        .map(|table| policy::policy(table, root))
        .transpose()
        .map_err(|(span, message)| error_at(span, format!("[policy]: {message}")))?;
    let coverage = raw
        .coverage
        .map(|table| coverage::projects(table, root))
        .transpose()
        .map_err(|(span, message)| error_at(span, format!("[coverage]: {message}")))?;
    let supply = raw
        .supply
        .map(|table| {
            let line_of =
                |offset: usize| u32::try_from(line_and_column(text, offset).0).unwrap_or(u32::MAX);
            supply::supply(table, root, &line_of, report_path)
        })
        .transpose()
        .map_err(|(span, message)| error_at(span, message))?;

    let release = raw
        .release
        .map(|table| release::release(table.into_inner(), root))
        .transpose()
        .map_err(|(span, message)| error_at(span, format!("[release]: {message}")))?;

    let ci = raw
        .ci
        .map(|table| ci::ci(table.into_inner()))
        .transpose()
        .map_err(|(span, message)| error_at(span, format!("[ci]: {message}")))?;

    let mut waivers = Vec::new();
    for spanned in raw.waiver {
        let span = spanned.span();
        let raw = spanned.into_inner();
        let line = line_and_column(text, span.start).0;
        waivers.push(waiver(raw, line, report_path, &error_at)?);
    }
    // License exceptions are waivers written where reviewers of the allowlist look for them.
    if let Some(licenses) = supply.as_ref().and_then(|supply| supply.licenses.as_ref()) {
        waivers.extend(licenses.exceptions.iter().cloned());
    }
    Ok(Parsed {
        waivers,
        sections,
        policy,
        coverage,
        supply,
        release,
        protect,
        ci,
    })
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
    if !GATES.contains(&gate.as_str()) {
        return Err(error_at(
            Some(gate_span),
            format!("waiver gate `{gate}` is not one of: {}", GATES.join(", ")),
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
    Ok(Waiver {
        gate,
        rule,
        target,
        reason: raw.reason.into_inner().trim().to_owned(),
        expires,
        owner: raw.owner,
        source: Some(Location::line(
            report_path,
            u32::try_from(line).unwrap_or(u32::MAX),
        )),
    })
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

    fn parse_ok(text: &str) -> (Vec<Waiver>, Vec<Section>) {
        let parsed = parse(text, "gate.toml", "gate.toml", Path::new(".")).unwrap();
        (parsed.waivers, parsed.sections)
    }

    fn parse_err(text: &str) -> String {
        parse(text, "gate.toml", "gate.toml", Path::new("."))
            .unwrap_err()
            .to_string()
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
    fn syntax_errors_name_the_line() {
        let message = parse_err("[[waiver]\nrule = 1\n");
        assert!(message.starts_with("gate.toml:1:"), "{message}");
    }

    #[test]
    fn records_gate_sections_with_their_lines() {
        let (_, sections) = parse_ok(
            "[release]\ntag-format = \"v{version}\"\n\n[coverage]\nreports = [\"c.xml\"]\n",
        );
        let gates: Vec<&str> = sections.iter().map(|section| section.gate).collect();
        assert_eq!(gates, ["coverage", "release"]);
    }
}
