//! The single entry point: every configured rule over one coverage model, as a [`GateReport`].

use gate_core::{Finding, GateError, GateReport, Location, Metric, Verdict};
use globset::{GlobBuilder, GlobMatcher};

use crate::diff::{AddedLines, DiffCoverage};
use crate::ratchet::Baseline;
use crate::rules;
use crate::{Coverage, CoverageError, Threshold, Totals, display_covered};

/// The gate's name in reports.
pub const GATE: &str = "coverage";

/// A path glob with its own minimum (`api/**` ≥ 85).
#[derive(Debug, Clone)]
pub struct PathRule {
    glob: String,
    matcher: GlobMatcher,
    /// The minimum for the files the glob matches.
    pub fail_under: Threshold,
}

impl PathRule {
    /// A rule for a glob; `*` stays within a path segment, `**` crosses them, and a pattern
    /// ending in `/` means everything below (`api/` is `api/**`).
    pub fn new(glob: &str, fail_under: Threshold) -> Result<PathRule, CoverageError> {
        Ok(PathRule {
            matcher: compile_glob(glob)?,
            glob: glob.to_owned(),
            fail_under,
        })
    }

    /// Parses the command-line form `GLOB=N` (`api/**=85`); the last `=` separates them.
    pub fn parse(spec: &str) -> Result<PathRule, CoverageError> {
        let Some((glob, threshold)) = spec.rsplit_once('=') else {
            return Err(CoverageError::InvalidThreshold {
                setting: format!("--path {spec} (expected GLOB=PERCENT)"),
                value: String::new(),
            });
        };
        let threshold = Threshold::parse_setting(threshold, &format!("--path {glob}"))?;
        PathRule::new(glob.trim(), threshold)
    }

    /// The glob as written.
    pub fn glob(&self) -> &str {
        &self.glob
    }
}

pub(crate) fn compile_glob(glob: &str) -> Result<GlobMatcher, CoverageError> {
    let pattern = if glob.ends_with('/') {
        format!("{glob}**")
    } else {
        glob.to_owned()
    };
    GlobBuilder::new(&pattern)
        .literal_separator(true)
        .build()
        .map(|glob| glob.compile_matcher())
        .map_err(|source| CoverageError::Glob {
            pattern: glob.to_owned(),
            source,
        })
}

/// Diff (patch) coverage settings.
#[derive(Debug, Clone, Default)]
pub struct DiffRule {
    /// The lines the change adds.
    pub added: AddedLines,
    /// diff-cover's `--fail-under`: compared with its truncated integer figure.
    pub fail_under: Option<Threshold>,
    /// Count a line with a branch not taken as uncovered (diff-cover's `--branch-coverage`).
    pub branch_aware: bool,
    /// What changed source files the report does not know make of the check.
    pub unmatched: DiffUnmatched,
}

/// The verdict of `coverage/diff-unmatched`: changed source files the report does not know.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DiffUnmatched {
    /// A warning (the default): diff-cover's figures, with the files named.
    #[default]
    Warn,
    /// A failure, for teams that want a diff the report cannot measure to stop the change.
    Fail,
}

impl DiffUnmatched {
    /// The setting's value: `warn` or `fail`.
    pub fn parse(text: &str) -> Option<DiffUnmatched> {
        match text {
            "warn" => Some(DiffUnmatched::Warn),
            "fail" => Some(DiffUnmatched::Fail),
            _ => None,
        }
    }
}

/// Ratchet settings.
#[derive(Debug, Clone)]
pub struct RatchetRule {
    /// The committed figures.
    pub baseline: Baseline,
    /// How many percentage points a figure may drop before failing.
    pub tolerance: f64,
}

/// Everything `check` can enforce; each rule is off until set.
#[derive(Debug, Clone, Default)]
pub struct CheckConfig {
    /// coverage.py's `fail_under` for the combined total.
    pub fail_under: Option<Threshold>,
    /// coverage.py's `precision`: decimals for comparison and display.
    pub precision: u32,
    /// Ignore branch data (coverage.py without `--branch`): totals are line coverage.
    pub line_only: bool,
    /// Minimum line coverage alone.
    pub line_fail_under: Option<Threshold>,
    /// Minimum branch coverage alone.
    pub branch_fail_under: Option<Threshold>,
    /// Per-path minimums.
    pub paths: Vec<PathRule>,
    /// Minimum for every single file.
    pub file_fail_under: Option<Threshold>,
    /// Most statements allowed to be uncovered in total.
    pub max_uncovered_lines: Option<u64>,
    /// Diff coverage.
    pub diff: Option<DiffRule>,
    /// Ratchet against a baseline.
    pub ratchet: Option<RatchetRule>,
    /// Record each file's figure as a metric (`file.<path>.percent`), for a comparison with a
    /// base run ([`crate::file_drops`]).
    pub file_figures: bool,
}

/// Runs every configured rule and records the metrics (raw counts and unrounded percentages,
/// total and per path). Findings name the path and the figures.
///
/// A model without any file is an error in the report (coverage.py: "No data to report."), not a
/// 100% pass: it nearly always means a wrong path or an empty report.
pub fn check(coverage: &Coverage, config: &CheckConfig) -> GateReport {
    let mut report = GateReport::new(GATE);
    report.set_metric("files", Metric::Count(coverage.len() as u64));
    if coverage.is_empty() {
        // No threshold is checked: a total of "100" over nothing would read as a pass.
        report.errors.push(no_data_error(coverage.reports()));
        return report;
    }
    let total = config.mode(coverage.totals());
    record_totals(&mut report, "total", total, config.precision);
    for note in coverage.notes() {
        report.push(note_finding(note));
    }
    if let Some(finding) = lower_bound_finding(coverage, config) {
        report.push(finding);
    }

    if let Some(threshold) = &config.fail_under {
        report.push(total_finding(total.percent(), threshold, config.precision));
    }
    let separate = [
        (
            &config.line_fail_under,
            &rules::LINE,
            "line coverage",
            total.line_percent(),
        ),
        (
            &config.branch_fail_under,
            &rules::BRANCH,
            "branch coverage",
            total.branch_percent(),
        ),
    ];
    for (threshold, rule, subject, figure) in separate {
        if let Some(threshold) = threshold {
            let finding =
                threshold_finding(rule, subject, "total", figure, threshold, config.precision);
            report.push(finding);
        }
    }
    for rule in &config.paths {
        check_path(&mut report, coverage, rule, config);
    }
    if let Some(threshold) = &config.file_fail_under {
        for (path, file) in coverage.files() {
            let figure = config.mode(file.totals()).percent();
            if figure < threshold.value() {
                let finding = threshold_finding(
                    &rules::FILE,
                    path,
                    path,
                    figure,
                    threshold,
                    config.precision,
                );
                // A line, so annotations show in the file: its first line no test ran.
                let line = file.missing_lines().next().unwrap_or(1);
                report.push(finding.with_location(Location::line(path, line)));
            }
        }
    }
    if let Some(limit) = config.max_uncovered_lines {
        report.push(uncovered_lines_finding(total.missing_statements(), limit));
    }
    if let Some(diff) = &config.diff {
        check_diff(&mut report, coverage, diff);
    }
    if let Some(ratchet) = &config.ratchet {
        check_ratchet(&mut report, coverage, ratchet, config);
    }
    if config.file_figures {
        for (path, file) in coverage.files() {
            let figure = config.mode(file.totals()).percent();
            report.set_metric(
                format!(
                    "{}{path}{}",
                    crate::FILE_METRIC_PREFIX,
                    crate::FILE_METRIC_SUFFIX
                ),
                Metric::Percent(figure),
            );
        }
    }
    // Messages carry figures that move with every run: a finding is the same problem when it
    // is about the same thing (`total`, a path glob, a file, `diff`).
    for finding in &mut report.findings {
        if finding.identity_key.is_none() {
            finding.identity_key.clone_from(&finding.target);
        }
    }
    report
}

impl CheckConfig {
    /// The counts as this configuration measures them (without branches in line-only mode).
    fn mode(&self, totals: Totals) -> Totals {
        if self.line_only {
            totals.without_branches()
        } else {
            totals
        }
    }
}

fn check_path(report: &mut GateReport, coverage: &Coverage, rule: &PathRule, config: &CheckConfig) {
    if !coverage
        .files()
        .any(|(path, _)| rule.matcher.is_match(path))
    {
        // A glob that matches nothing would pass at "100%": say so instead.
        let message = format!("{} matches no file of the coverage report", rule.glob);
        report.push(
            Finding::new(&rules::PATH, Verdict::Fail, message).with_target(rule.glob.as_str()),
        );
        return;
    }
    let totals = config.mode(coverage.totals_matching(&rule.matcher));
    record_totals(
        report,
        &format!("path.{}", rule.glob),
        totals,
        config.precision,
    );
    let finding = threshold_finding(
        &rules::PATH,
        &rule.glob,
        &rule.glob,
        totals.percent(),
        &rule.fail_under,
        config.precision,
    );
    report.push(finding.with_detail("statements", totals.statements));
}

fn uncovered_lines_finding(missing: u64, limit: u64) -> Finding {
    let (verdict, relation) = if missing > limit {
        (Verdict::Fail, ">")
    } else {
        (Verdict::Pass, "<=")
    };
    Finding::new(
        &rules::UNCOVERED_LINES,
        verdict,
        format!("{missing} uncovered lines {relation} max-uncovered-lines={limit}"),
    )
    .with_target("total")
    .with_detail("uncovered", missing)
    .with_detail("max", limit)
}

fn record_totals(report: &mut GateReport, prefix: &str, totals: Totals, precision: u32) {
    report.set_metric(
        format!("{prefix}.statements"),
        Metric::Count(totals.statements),
    );
    report.set_metric(
        format!("{prefix}.covered_statements"),
        Metric::Count(totals.covered_statements),
    );
    report.set_metric(format!("{prefix}.branches"), Metric::Count(totals.branches));
    report.set_metric(
        format!("{prefix}.covered_branches"),
        Metric::Count(totals.covered_branches),
    );
    report.set_metric(
        format!("{prefix}.percent"),
        Metric::Percent(totals.percent()),
    );
    report.set_metric(
        format!("{prefix}.line_percent"),
        Metric::Percent(totals.line_percent()),
    );
    report.set_metric(
        format!("{prefix}.branch_percent"),
        Metric::Percent(totals.branch_percent()),
    );
    report.set_metric(
        format!("{prefix}.display"),
        Metric::Text(display_covered(totals.percent(), precision as usize)),
    );
}

/// coverage.py's own wording: `total of 61 is less than fail-under=80`.
fn total_finding(total: f64, threshold: &Threshold, precision: u32) -> Finding {
    let fails = threshold.fails(total, precision);
    let p = threshold.effective_precision(precision);
    let message = if fails {
        threshold.failure_message(total, precision)
    } else {
        format!(
            "total of {} meets fail-under={:.p$}",
            display_covered(total, p),
            threshold.value()
        )
    };
    Finding::new(
        &rules::TOTAL,
        if fails { Verdict::Fail } else { Verdict::Pass },
        message,
    )
    .with_target("total")
    .with_detail("percent", total)
    .with_detail("fail_under", threshold.as_str())
    .with_detail("precision", precision)
}

/// `api/** 83.41% < 85%`: gate's own thresholds compare the exact figure (as gcovr, nyc and
/// cargo-llvm-cov do; coverage.py's rounding belongs to its `fail_under` total alone), and the
/// figure is shown with as many decimals as it takes for the comparison to read true.
fn threshold_finding(
    rule: &'static gate_core::Rule,
    subject: &str,
    target: &str,
    figure: f64,
    threshold: &Threshold,
    precision: u32,
) -> Finding {
    let fails = figure < threshold.value();
    let decimals = threshold.effective_precision(precision).max(2);
    let shown = shown_truthfully(figure, threshold.value(), fails, decimals);
    let (verdict, relation) = if fails {
        (Verdict::Fail, "<")
    } else {
        (Verdict::Pass, ">=")
    };
    Finding::new(
        rule,
        verdict,
        format!("{subject} {shown}% {relation} {threshold}%"),
    )
    .with_target(target)
    .with_detail("percent", figure)
    .with_detail("fail_under", threshold.as_str())
}

/// `figure` with at least `decimals` decimals, and more while the shown value would compare
/// with `threshold` otherwise than the figure does (84.996 < 85 shows as `84.996`, not `85.00`).
fn shown_truthfully(figure: f64, threshold: f64, below: bool, decimals: usize) -> String {
    for decimals in decimals..=crate::MAX_PRECISION as usize {
        let shown = display_covered(figure, decimals);
        if shown
            .parse::<f64>()
            .is_ok_and(|value| (value < threshold) == below)
        {
            return shown;
        }
    }
    // Rust prints the shortest text that reads back as the same f64: exact, so always true.
    figure.to_string()
}

/// "No data to report", naming the reports that held no file; located on the report when there
/// is one.
fn no_data_error(reports: &[String]) -> GateError {
    match reports {
        [] => GateError::new("No data to report: no coverage report was read"),
        [one] => GateError::new("No data to report: the coverage report names no files")
            .with_location(Location::file(one.as_str())),
        many => GateError::new(format!(
            "No data to report: the coverage reports {} name no files",
            many.join(", ")
        )),
    }
}

/// A reader's note as a warning on the report (and line) it is about.
fn note_finding(note: &crate::ReportNote) -> Finding {
    let location = match note.line {
        Some(line) => Location::line(note.report.as_str(), line),
        None => Location::file(note.report.as_str()),
    };
    Finding::new(
        &rules::REPORT_MISMATCH,
        Verdict::Warn,
        note.message.as_str(),
    )
    .with_target(note.report.as_str())
    .with_location(location)
}

/// Branch totals merged from counts alone (Cobertura) where both runs took some branches of a
/// line: the figure is a lower bound, and the user should know before trusting a failure.
fn lower_bound_finding(coverage: &Coverage, config: &CheckConfig) -> Option<Finding> {
    if config.line_only {
        return None;
    }
    let files: Vec<(&str, u64)> = coverage
        .files()
        .map(|(path, file)| (path, file.lower_bound_branch_lines()))
        .filter(|&(_, lines)| lines > 0)
        .collect();
    let lines: u64 = files.iter().map(|&(_, lines)| lines).sum();
    let (first, _) = files.first()?;
    let more = match files.len() {
        1 => String::new(),
        n => format!(" and {} more files", n - 1),
    };
    let noun = if lines == 1 { "line" } else { "lines" };
    let message = format!(
        "branch totals are a lower bound: on {lines} {noun} of {first}{more}, several merged \
         reports each took some branches, and Cobertura's condition-coverage does not say which \
         (merge coverage.py JSON or LCOV reports instead, or run `coverage combine` first)"
    );
    Some(
        Finding::new(&rules::BRANCH_MERGE, Verdict::Warn, message)
            .with_target("total")
            .with_detail("files", files.len() as u64)
            .with_detail("lines", lines),
    )
}

fn check_diff(report: &mut GateReport, coverage: &Coverage, rule: &DiffRule) {
    let result = DiffCoverage::compute(coverage, &rule.added, rule.branch_aware);
    let exact = result.percent();
    let truncated = result.diff_cover_percent();
    report.set_metric("diff.added", Metric::Count(result.added));
    report.set_metric("diff.measured", Metric::Count(result.measured));
    report.set_metric("diff.covered", Metric::Count(result.covered));
    report.set_metric("diff.percent", Metric::Percent(exact));
    report.set_metric("diff.percent_int", Metric::Count(truncated));
    if let Some(threshold) = &rule.fail_under {
        // diff-cover passes when its integer figure is >= --fail-under.
        #[allow(clippy::cast_precision_loss)]
        let fails = (truncated as f64) < threshold.value();
        let (verdict, relation) = if fails {
            (Verdict::Fail, "<")
        } else {
            (Verdict::Pass, ">=")
        };
        let message = format!(
            "diff coverage {truncated}% {relation} {threshold}% ({exact:.2}%: {} of {} measured added lines covered)",
            result.covered, result.measured
        );
        report.push(
            Finding::new(&rules::DIFF, verdict, message)
                .with_target("diff")
                .with_detail("percent", exact)
                .with_detail("percent_int", truncated)
                .with_detail("measured", result.measured)
                .with_detail("covered", result.covered)
                .with_detail("fail_under", threshold.as_str()),
        );
    }
    if !result.unmatched.is_empty() {
        report.push(unmatched_finding(
            coverage,
            &result.unmatched,
            rule.unmatched,
        ));
    }
    let what = if rule.branch_aware {
        "not fully covered (lines or branches)"
    } else {
        "not covered"
    };
    for (path, start, end) in result.uncovered_runs(coverage) {
        let lines = if start == end {
            format!("line {start}")
        } else {
            format!("lines {start}-{end}")
        };
        report.push(
            Finding::new(
                &rules::DIFF_UNCOVERED,
                Verdict::Warn,
                format!("added {lines} of {path} {what}"),
            )
            .with_target(path.as_str())
            .with_location(Location::line(path.as_str(), start))
            .with_detail("start_line", start)
            .with_detail("end_line", end),
        );
    }
}

/// At most this many unmatched files are named in the message (all are in the details).
const UNMATCHED_NAMED: usize = 5;

/// `coverage/diff-unmatched`: names the changed source files the report does not know and, when
/// the report has one of them under a longer name, the mapping that would match it.
fn unmatched_finding(coverage: &Coverage, unmatched: &[String], policy: DiffUnmatched) -> Finding {
    let count = unmatched.len();
    let listed = unmatched
        .iter()
        .take(UNMATCHED_NAMED)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    let named = if count > UNMATCHED_NAMED {
        format!("{listed} and {} more", count - UNMATCHED_NAMED)
    } else {
        listed
    };
    let (files, their, them) = if count == 1 {
        ("file", "its", "it")
    } else {
        ("files", "their", "them")
    };
    let hint = if let Some((file, written, from)) = suggested_mapping(coverage, unmatched) {
        format!(
            "the report names {file} as {written}: map its paths onto the project with \
             path-map (--path-map {from}=.)"
        )
    } else {
        let example = coverage.files().next().map_or("", |(path, _)| path);
        format!(
            "either no test imports {them}, or the report names files differently (such as \
             {example}): map its paths onto the project with path-map (--path-map FROM=TO)"
        )
    };
    let message = format!(
        "{count} changed source {files} not in the coverage report, so diff coverage does not \
         measure {their} added lines: {named}; {hint}"
    );
    let verdict = match policy {
        DiffUnmatched::Warn => Verdict::Warn,
        DiffUnmatched::Fail => Verdict::Fail,
    };
    Finding::new(&rules::DIFF_UNMATCHED, verdict, message)
        .with_target("diff")
        .with_detail("files", unmatched.to_vec())
}

/// A report file whose name ends with an unmatched file's whole name (`/app/src/a.py` for
/// `src/a.py`), as `(unmatched, report name, prefix to map onto the project)`.
fn suggested_mapping(
    coverage: &Coverage,
    unmatched: &[String],
) -> Option<(String, String, String)> {
    unmatched.iter().take(20).find_map(|file| {
        coverage.files().find_map(|(written, _)| {
            let from = written.strip_suffix(file.as_str())?.strip_suffix('/')?;
            (!from.is_empty()).then(|| (file.clone(), written.to_owned(), from.to_owned()))
        })
    })
}

fn check_ratchet(
    report: &mut GateReport,
    coverage: &Coverage,
    rule: &RatchetRule,
    config: &CheckConfig,
) {
    let mode = |totals: Totals| config.mode(totals);
    let mut tracked = vec![(
        "total".to_owned(),
        mode(rule.baseline.total),
        mode(coverage.totals()),
    )];
    for (glob, before) in &rule.baseline.paths {
        if let Ok(matcher) = compile_glob(glob) {
            tracked.push((
                glob.clone(),
                mode(*before),
                mode(coverage.totals_matching(&matcher)),
            ));
        }
    }
    for (target, before, now) in tracked {
        let (was, is) = (before.percent(), now.percent());
        // A drop of exactly the tolerance passes; the slack absorbs binary noise in the subtraction.
        let fails = was - is > rule.tolerance + 1e-9;
        let verdict = if fails { Verdict::Fail } else { Verdict::Pass };
        let d = ratchet_decimals(was, is, rule.tolerance, fails);
        let tolerance = rule.tolerance;
        let message = if fails {
            format!(
                "{target} dropped from {was:.d$}% to {is:.d$}% (more than the {tolerance} point \
                 tolerance)"
            )
        } else {
            format!("{target} {is:.d$}% (baseline {was:.d$}%, tolerance {tolerance})")
        };
        report.push(
            Finding::new(&rules::RATCHET, verdict, message)
                .with_target(target.as_str())
                .with_detail("baseline", was)
                .with_detail("percent", is)
                .with_detail("tolerance", rule.tolerance),
        );
    }
}

/// Decimals (at least two) at which the printed figures drop by more than `tolerance` exactly
/// when the figures do: 80.004% to 79.5% with a 0.5 tolerance prints 80.004% and 79.500%, since
/// 80.00% to 79.50% would read as a drop of exactly the tolerance.
fn ratchet_decimals(was: f64, is: f64, tolerance: f64, fails: bool) -> usize {
    let max = crate::MAX_PRECISION as usize;
    (2..=max)
        .find(|&d| {
            let drop = crate::round_half_even(was, d) - crate::round_half_even(is, d);
            (drop > tolerance + 1e-9) == fails
        })
        .unwrap_or(max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BranchCounts, FileCoverage, LineHits};

    fn model() -> Coverage {
        let mut coverage = Coverage::new();
        let file = |covered: u32, total: u32| {
            let lines = (1..=total).map(|line| LineHits {
                line,
                hits: u32::from(line <= covered),
            });
            FileCoverage::new(
                lines.collect(),
                vec![BranchCounts {
                    line: 1,
                    covered: 1,
                    total: 2,
                }],
            )
        };
        coverage.insert("api/app.py", file(8, 10));
        coverage.insert("worker/job.py", file(2, 10));
        coverage
    }

    fn threshold(text: &str) -> Threshold {
        Threshold::parse(text).unwrap()
    }

    #[test]
    fn path_rules_parse_from_the_command_line_form() {
        let rule = PathRule::parse("api/**=85.5").unwrap();
        assert_eq!((rule.glob(), rule.fail_under.as_str()), ("api/**", "85.5"));
        assert!(PathRule::parse("api/**").is_err());
        assert!(PathRule::parse("api/**=lots").is_err());
        assert!(PathRule::parse("api/[=80").is_err());
    }

    #[test]
    fn total_uses_coverage_py_wording() {
        let config = CheckConfig {
            fail_under: Some(threshold("80")),
            ..CheckConfig::default()
        };
        let report = check(&model(), &config);
        assert_eq!(report.verdict(), Verdict::Fail);
        // (10 + 2) / (20 + 4) = 50%
        assert_eq!(
            report.findings[0].message,
            "total of 50 is less than fail-under=80"
        );
        assert_eq!(report.metrics["total.statements"], Metric::Count(20));
        assert_eq!(report.metrics["total.percent"], Metric::Percent(50.0));
    }

    #[test]
    fn path_and_file_rules_name_their_figures() {
        let config = CheckConfig {
            paths: vec![PathRule::new("api/", threshold("85")).unwrap()],
            file_fail_under: Some(threshold("50")),
            ..CheckConfig::default()
        };
        let report = check(&model(), &config);
        let messages: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
        // api: (8 + 1) / (10 + 2) = 75%
        assert_eq!(
            messages,
            ["api/ 75.00% < 85%", "worker/job.py 25.00% < 50%"]
        );
        assert_eq!(report.findings[1].target.as_deref(), Some("worker/job.py"));
        // Identity is what the figure is about, not the figure: a base run's finding matches.
        let identities: Vec<String> = report.findings.iter().map(Finding::identity).collect();
        assert_eq!(identities, ["api/", "worker/job.py"]);
        // On the file's first uncovered line, so a GitHub annotation has a `line=`.
        assert_eq!(
            report.findings[1].location,
            Some(Location::line("worker/job.py", 3))
        );
        assert_eq!(report.metrics["path.api/.statements"], Metric::Count(10));
    }

    /// One file, `src/a.py`, with `covered` of `total` lines run and, on line 1, `covered` of
    /// `total` branches taken.
    fn exactly(covered: u32, total: u32) -> Coverage {
        let lines = (1..=total).map(|line| LineHits {
            line,
            hits: u32::from(line <= covered),
        });
        let branch = BranchCounts {
            line: 1,
            covered: u64::from(covered),
            total: u64::from(total),
        };
        let mut coverage = Coverage::new();
        coverage.insert("src/a.py", FileCoverage::new(lines.collect(), vec![branch]));
        coverage
    }

    #[test]
    fn own_thresholds_compare_the_exact_figure_and_print_a_true_comparison() {
        // (covered, total, threshold, precision, verdict, figure as printed, relation)
        let cases = [
            // 83.93%: coverage.py's rounding to 0 decimals would call it 84, a pass.
            (47, 56, "84", 0, Verdict::Fail, "83.93", "<"),
            // 84.80% would round to 85: it is below 85, and says so.
            (424, 500, "85", 0, Verdict::Fail, "84.80", "<"),
            // 84.996% shows as 85.00 at two decimals: three are printed.
            (21_249, 25_000, "85", 0, Verdict::Fail, "84.996", "<"),
            (
                84_949_999,
                100_000_000,
                "84.95",
                2,
                Verdict::Fail,
                "84.949999",
                "<",
            ),
            (17, 20, "85", 0, Verdict::Pass, "85.00", ">="),
            (999_999, 1_000_000, "100", 0, Verdict::Fail, "99.99", "<"),
            (1, 1, "100", 0, Verdict::Pass, "100.00", ">="),
        ];
        for (covered, total, bar, precision, verdict, shown, relation) in cases {
            let config = CheckConfig {
                precision,
                line_fail_under: Some(threshold(bar)),
                branch_fail_under: Some(threshold(bar)),
                paths: vec![PathRule::new("src/**", threshold(bar)).unwrap()],
                file_fail_under: Some(threshold(bar)),
                ..CheckConfig::default()
            };
            let report = check(&exactly(covered, total), &config);
            let subjects = ["line coverage", "branch coverage", "src/**", "src/a.py"];
            let expected: Vec<String> = subjects
                .iter()
                .map(|subject| format!("{subject} {shown}% {relation} {bar}%"))
                .collect();
            let mut got: Vec<(Verdict, String)> = report
                .findings
                .iter()
                .map(|f| (f.verdict, f.message.clone()))
                .collect();
            if verdict == Verdict::Pass {
                // A file is only reported when it fails.
                got.push((
                    Verdict::Pass,
                    format!("src/a.py {shown}% {relation} {bar}%"),
                ));
            }
            let want: Vec<(Verdict, String)> = expected.into_iter().map(|m| (verdict, m)).collect();
            assert_eq!(got, want, "{covered}/{total} against {bar}");
        }
    }

    #[test]
    fn empty_models_and_unmatched_globs_never_pass() {
        let report = check(&Coverage::new(), &CheckConfig::default());
        assert_eq!(report.outcome(), gate_core::Outcome::Error);
        // An empty report is an error on that report, and no threshold reads as met beside it.
        let empty = crate::parse_report(
            b"{\"files\": {}}",
            "empty.json",
            &crate::ReadOptions::default(),
        );
        let config = CheckConfig {
            fail_under: Some(threshold("80")),
            ..CheckConfig::default()
        };
        let report = check(&empty.unwrap(), &config);
        assert!(report.findings.is_empty(), "{:?}", report.findings);
        assert_eq!(report.errors.len(), 1);
        assert_eq!(
            report.errors[0].location,
            Some(Location::file("empty.json"))
        );
        assert_eq!(
            report.errors[0].message,
            "No data to report: the coverage report names no files"
        );
        let config = CheckConfig {
            paths: vec![PathRule::new("apj/**", threshold("50")).unwrap()],
            ..CheckConfig::default()
        };
        let report = check(&model(), &config);
        assert_eq!(report.verdict(), Verdict::Fail);
        assert_eq!(
            report.findings[0].message,
            "apj/** matches no file of the coverage report"
        );
    }

    #[test]
    fn line_only_mode_drops_branches() {
        let config = CheckConfig {
            line_only: true,
            fail_under: Some(threshold("50")),
            ..CheckConfig::default()
        };
        let report = check(&model(), &config);
        assert_eq!(report.verdict(), Verdict::Pass);
        assert_eq!(report.metrics["total.branches"], Metric::Count(0));
    }

    #[test]
    fn ratchet_fails_only_beyond_the_tolerance() {
        let before = model();
        let baseline = Baseline::from_coverage(&before, &["worker/**"]).unwrap();
        let mut after = before.clone();
        after.insert(
            "worker/new.py",
            FileCoverage::new(vec![LineHits { line: 1, hits: 0 }], vec![]),
        );
        let config = |tolerance| CheckConfig {
            ratchet: Some(RatchetRule {
                baseline: baseline.clone(),
                tolerance,
            }),
            ..CheckConfig::default()
        };
        let strict = check(&after, &config(0.5));
        assert_eq!(strict.verdict(), Verdict::Fail);
        assert!(
            strict.findings[0]
                .message
                .starts_with("total dropped from 50.00% to 48.00%"),
            "{}",
            strict.findings[0].message
        );
        assert_eq!(check(&after, &config(10.0)).verdict(), Verdict::Pass);
        // Printed figures never contradict the verdict: a drop of 0.504 beyond a 0.5 tolerance
        // is not shown as 80.00% to 79.50%.
        let mut baseline = baseline.clone();
        baseline.total = Totals {
            statements: 25_000,
            covered_statements: 20_001,
            ..Totals::default()
        };
        let lines = (1..=200).map(|line| LineHits {
            line,
            hits: u32::from(line <= 159),
        });
        let mut now = Coverage::new();
        now.insert("a.py", FileCoverage::new(lines.collect(), vec![]));
        let close_call = CheckConfig {
            ratchet: Some(RatchetRule {
                baseline,
                tolerance: 0.5,
            }),
            ..CheckConfig::default()
        };
        assert_eq!(
            check(&now, &close_call).findings[0].message,
            "total dropped from 80.004% to 79.500% (more than the 0.5 point tolerance)"
        );
        assert_eq!(ratchet_decimals(80.004, 79.5, 0.5, true), 3);
        assert_eq!(ratchet_decimals(80.0, 79.5, 0.5, false), 2);
        assert_eq!(ratchet_decimals(80.004, 79.504, 0.5, false), 2);
        assert_eq!(check(&before, &config(0.0)).verdict(), Verdict::Pass);
    }

    #[test]
    fn diff_findings_locate_uncovered_blocks() {
        let diff =
            "+++ b/api/app.py\n@@ -8,0 +9,2 @@\n+a\n+b\n+++ b/docs/x.md\n@@ -0,0 +1 @@\n+text\n";
        let config = CheckConfig {
            diff: Some(DiffRule {
                added: AddedLines::parse(diff, "pr.diff").unwrap(),
                fail_under: Some(threshold("80")),
                branch_aware: false,
                unmatched: DiffUnmatched::Warn,
            }),
            ..CheckConfig::default()
        };
        let report = check(&model(), &config);
        assert_eq!(report.verdict(), Verdict::Fail);
        assert_eq!(report.metrics["diff.measured"], Metric::Count(2));
        assert_eq!(report.metrics["diff.percent_int"], Metric::Count(0));
        let block = &report.findings[1];
        assert_eq!(block.location, Some(Location::line("api/app.py", 9)));
        assert_eq!(block.message, "added lines 9-10 of api/app.py not covered");
    }

    #[test]
    fn changed_source_files_the_report_lacks_are_named() {
        let diff =
            "+++ b/api/new.py\n@@ -0,0 +1 @@\n+x = 1\n+++ b/docs/x.md\n@@ -0,0 +1 @@\n+text\n";
        let config = |unmatched| CheckConfig {
            diff: Some(DiffRule {
                added: AddedLines::parse(diff, "pr.diff").unwrap(),
                fail_under: Some(threshold("80")),
                branch_aware: false,
                unmatched,
            }),
            ..CheckConfig::default()
        };
        let report = check(&model(), &config(DiffUnmatched::Warn));
        assert_eq!(report.verdict(), Verdict::Warn);
        let finding = &report.findings[1];
        assert_eq!(finding.rule.id, "coverage/diff-unmatched");
        assert!(
            finding.message.starts_with(
                "1 changed source file not in the coverage report, so diff coverage does not \
                 measure its added lines: api/new.py; either no test imports it"
            ),
            "{}",
            finding.message
        );
        let report = check(&model(), &config(DiffUnmatched::Fail));
        assert_eq!(report.verdict(), Verdict::Fail);
        // A report with the file under a longer name suggests the mapping.
        let mut written = Coverage::new();
        written.insert("/ci/repo/api/new.py", FileCoverage::new(vec![], vec![]));
        let report = check(&written, &config(DiffUnmatched::Warn));
        assert!(
            report.findings[1]
                .message
                .ends_with("the report names api/new.py as /ci/repo/api/new.py: map its paths onto the project with path-map (--path-map /ci/repo=.)"),
            "{}",
            report.findings[1].message
        );
    }
}
