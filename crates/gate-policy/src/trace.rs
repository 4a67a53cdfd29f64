//! `--trace`: which rules and policy lines an evaluation went through.
//!
//! regorus has no event trace like OPA's (`Enter`, `Eval`, `Exit`, `Fail` per expression), but
//! it has line coverage. A trace here is therefore the rules whose bodies were evaluated, by
//! their full path (`Enter data.kubernetes.is_service`), each followed by the policy lines it
//! evaluated (`| file:line: text`). It answers the question a trace is mostly used for — which
//! rules ran on this document, and how far into them — without OPA's per-expression detail.

use std::collections::BTreeMap;

use regorus::unstable::{Module, Ref};

/// Where each rule of the policies is: file, first and last line, and its full path.
#[derive(Debug, Clone, Default)]
pub(crate) struct RuleLines {
    /// Per policy file: `(first line, last line, data.pkg.rule)`, in source order.
    rules: BTreeMap<String, Vec<(u32, u32, String)>>,
    /// Per policy file, its lines (to show the text of an evaluated line).
    texts: BTreeMap<String, Vec<String>>,
}

impl RuleLines {
    /// Indexes every rule of `modules`.
    pub(crate) fn of(modules: &[Ref<Module>]) -> RuleLines {
        let mut lines = RuleLines::default();
        for module in modules {
            let source = &module.package.span.source;
            let file = source.get_path().clone();
            let package = crate::rules::package_name(module);
            lines
                .texts
                .entry(file.clone())
                .or_insert_with(|| source.get_contents().lines().map(str::to_owned).collect());
            for rule in &module.policy {
                let span = rule.span();
                let head = crate::rules::head_ref(rule).span().text();
                let name = head.split(['[', '(', ' ']).next().unwrap_or(head);
                let last =
                    span.line + u32::try_from(span.text().matches('\n').count()).unwrap_or(0);
                lines.rules.entry(file.clone()).or_default().push((
                    span.line,
                    last,
                    format!("data.{package}.{name}"),
                ));
            }
        }
        lines
    }

    /// The trace of the evaluation `engine` just made, read from its line coverage (then
    /// cleared, when `clear`), headed by the namespace.
    pub(crate) fn trace(
        &self,
        engine: &mut regorus::Engine,
        namespace: &str,
        clear: bool,
    ) -> Vec<String> {
        let mut trace = vec![format!("Enter data.{namespace}")];
        let Ok(report) = engine.get_coverage_report() else {
            return trace;
        };
        if clear {
            engine.clear_coverage_data();
        }
        for file in report.files {
            let Some(rules) = self.rules.get(&file.path) else {
                continue;
            };
            let texts = self.texts.get(&file.path);
            let mut current: Option<&str> = None;
            for line in &file.covered {
                let rule = rules
                    .iter()
                    .find(|(first, last, _)| first <= line && line <= last)
                    .map(|(_, _, name)| name.as_str());
                if rule.is_some() && rule != current {
                    trace.push(format!("Enter {}", rule.unwrap_or_default()));
                    current = rule;
                }
                let index = usize::try_from(*line).unwrap_or(0).checked_sub(1);
                let text = texts
                    .zip(index)
                    .and_then(|(texts, index)| texts.get(index))
                    .map_or("", |text| text.trim());
                trace.push(format!("| {}:{line}: {text}", file.path));
            }
        }
        trace
    }
}
