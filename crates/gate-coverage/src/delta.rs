//! Per-file coverage change against a base run: `coverage/file-dropped`.
//!
//! The check records each file's figure as a metric when asked ([`crate::CheckConfig`]'s
//! `file_figures`); the base run's metrics and the head's are compared here, for the files the
//! change touches.

use std::collections::{BTreeMap, BTreeSet};

use gate_core::{Finding, Location, Verdict};

use crate::rules;

/// A file's figure is the metric `file.<path>.percent`.
pub const FILE_METRIC_PREFIX: &str = "file.";
/// See [`FILE_METRIC_PREFIX`].
pub const FILE_METRIC_SUFFIX: &str = ".percent";

/// The per-file figures among a report's metrics whose names start with `prefix` (a named
/// project's `api.`, or empty), by path.
pub fn file_figures<'a>(
    metrics: impl IntoIterator<Item = (&'a String, f64)>,
    prefix: &str,
) -> BTreeMap<String, f64> {
    let start = format!("{prefix}{FILE_METRIC_PREFIX}");
    metrics
        .into_iter()
        .filter_map(|(name, value)| {
            let path = name
                .strip_prefix(&start)?
                .strip_suffix(FILE_METRIC_SUFFIX)?;
            Some((path.to_owned(), value))
        })
        .collect()
}

/// A `coverage/file-dropped` failure for each file in both runs, touched by the change
/// (`touched`; `None`: every file), whose figure dropped by more than `max_drop` points, and a
/// pass for the touched files that did not. Files new in the head have no base figure: diff
/// coverage judges them.
pub fn file_drops(
    base: &BTreeMap<String, f64>,
    head: &BTreeMap<String, f64>,
    touched: Option<&BTreeSet<String>>,
    max_drop: f64,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (path, &is) in head {
        let Some(&was) = base.get(path) else {
            continue;
        };
        if touched.is_some_and(|touched| !touched.contains(path)) {
            continue;
        }
        let drop = was - is;
        // Compared at the two decimals shown, so the message never contradicts the verdict.
        let fails = (drop * 100.0).round() > (max_drop * 100.0).round();
        if !fails {
            continue;
        }
        let message = format!(
            "{path} {is:.2}% (base {was:.2}%): dropped {drop:.2} points, more than \
             file-drop-max={max_drop}"
        );
        findings.push(
            Finding::new(&rules::FILE_DROPPED, Verdict::Fail, message)
                .with_target(path.as_str())
                .with_identity(path.as_str())
                .with_location(Location::file(path.as_str()))
                .with_detail("percent", is)
                .with_detail("base", was)
                .with_detail("drop", drop)
                .with_detail("max", max_drop),
        );
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(pairs: &[(&str, f64)]) -> BTreeMap<String, f64> {
        pairs
            .iter()
            .map(|(path, value)| ((*path).to_owned(), *value))
            .collect()
    }

    #[test]
    fn a_touched_file_that_drops_beyond_the_limit_fails() {
        let base = figures(&[("api/a.py", 90.0), ("api/b.py", 80.0), ("api/c.py", 70.0)]);
        let head = figures(&[
            ("api/a.py", 85.0),
            ("api/b.py", 78.0),
            ("api/c.py", 10.0),
            ("api/new.py", 0.0),
        ]);
        let touched: BTreeSet<String> = ["api/a.py", "api/b.py", "api/new.py"]
            .map(str::to_owned)
            .into();
        let findings = file_drops(&base, &head, Some(&touched), 2.0);
        let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
        // b.py dropped 2 points, which is allowed; c.py is not touched; new.py has no base.
        assert_eq!(
            messages,
            ["api/a.py 85.00% (base 90.00%): dropped 5.00 points, more than file-drop-max=2"]
        );
        assert_eq!(findings[0].identity(), "api/a.py");
        assert_eq!(file_drops(&base, &head, None, 2.0).len(), 2);
    }

    #[test]
    fn figures_are_read_back_from_metrics_of_a_named_project() {
        let metrics = [
            ("api.file.api/a.py.percent".to_owned(), 50.0),
            ("api.total.percent".to_owned(), 60.0),
            ("worker.file.w.py.percent".to_owned(), 70.0),
        ];
        let read = file_figures(metrics.iter().map(|(name, value)| (name, *value)), "api.");
        assert_eq!(read, figures(&[("api/a.py", 50.0)]));
    }
}
