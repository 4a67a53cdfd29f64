//! conftest's rule conventions: which rules are checks, and the gate rules findings cite.

use std::collections::BTreeMap;

use gate_core::Rule;
use regorus::unstable::{Expr, Module, Ref, Rule as RegoRule, RuleHead};

use crate::PolicyError;

/// A `deny`/`violation` result: the document breaks a policy.
pub static DENY: Rule = Rule {
    id: "policy/deny",
    summary: "A document breaks a deny or violation rule of the Rego policies.",
    help: "Change the document so the rule no longer fires (the message says what it wants), or \
           add an `exception` rule for it in the policy package, or waive the finding in gate.toml \
           with a reason and an expiry date.",
};

/// A `warn` result: worth a look, does not fail the gate unless warnings fail it.
pub static WARN: Rule = Rule {
    id: "policy/warn",
    summary: "A document triggers a warn rule of the Rego policies.",
    help: "Review the document against the message; fix it, or accept the warning. Warnings fail \
           the gate only with fail-on-warn.",
};

/// A rule whose results an `exception` rule dropped for one document.
pub static EXCEPTION: Rule = Rule {
    id: "policy/exception",
    summary: "An exception rule in the policies suppressed a rule for a document.",
    help: "Informational: the policy package's `exception` rule names this rule for this \
           document. Remove the exception when it is no longer needed.",
};

/// A Rego unit test (`test_*`) that did not pass under `verify`.
pub static TEST: Rule = Rule {
    id: "policy/test",
    summary: "A Rego unit test of the policies failed.",
    help: "Run `gate policy verify` and fix the policy or the test; a test passes only when its \
           body is exactly true.",
};

/// Every rule the policy gate declares.
pub static RULES: &[&Rule] = &[&DENY, &WARN, &EXCEPTION, &TEST];

/// Whether a rule name fails a check: `^(deny|violation)(_[a-zA-Z0-9]+)*$`.
pub fn is_failure(name: &str) -> bool {
    ["deny", "violation"]
        .iter()
        .any(|prefix| name.strip_prefix(prefix).is_some_and(valid_suffixes))
}

/// Whether a rule name warns: `^warn(_[a-zA-Z0-9]+)*$`.
pub fn is_warning(name: &str) -> bool {
    name.strip_prefix("warn").is_some_and(valid_suffixes)
}

/// `(_[a-zA-Z0-9]+)*`
fn valid_suffixes(rest: &str) -> bool {
    if rest.is_empty() {
        return true;
    }
    let Some(rest) = rest.strip_prefix('_') else {
        return false;
    };
    rest.split('_')
        .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The name exceptions use for a rule: without its `deny_`/`violation_`/`warn_` prefix, and
/// empty for the bare `deny`, `violation` and `warn`.
pub fn exception_name(rule: &str) -> &str {
    if matches!(rule, "deny" | "violation" | "warn") {
        return "";
    }
    let rule = rule.strip_prefix("violation_").unwrap_or(rule);
    let rule = rule.strip_prefix("deny_").unwrap_or(rule);
    rule.strip_prefix("warn_").unwrap_or(rule)
}

/// The check rules of one namespace (package).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct NamespaceRules {
    /// Distinct check rule names, in first-definition order.
    pub names: Vec<String>,
    /// How many definitions they have in all (conftest counts one test per definition).
    pub definitions: usize,
    /// Whether the package defines `exception`.
    pub has_exception: bool,
    /// `data.<package>.<name>` for each of `names`: the rule paths evaluated for every document
    /// and the `query` results carry, written once rather than per document.
    pub queries: Vec<String>,
}

/// A `test_*` / `todo_test_*` rule definition found in a module.
#[derive(Debug, Clone)]
pub(crate) struct TestRule {
    pub module: Ref<Module>,
    pub rule: Ref<RegoRule>,
    pub package: String,
    pub name: String,
    pub file: String,
    pub line: u32,
}

/// The reference a rule's head names (`deny`, `a.b[x]`, `f` of a function).
pub(crate) fn head_ref(rule: &RegoRule) -> &Ref<Expr> {
    match rule {
        RegoRule::Spec { head, .. } => match head {
            RuleHead::Compr { refr, .. }
            | RuleHead::Set { refr, .. }
            | RuleHead::Func { refr, .. } => refr,
        },
        RegoRule::Default { refr, .. } => refr,
    }
}

/// The simple name of a rule head (`deny` in `deny contains msg`), if the head is a plain name.
fn head_name(rule: &RegoRule) -> Option<(&str, u32)> {
    match head_ref(rule).as_ref() {
        Expr::Var { span, .. } => Some((span.text(), span.line)),
        _ => None,
    }
}

/// `deny[msg] if { … }` parses in Rego v1 as an object rule whose value is `true`.
fn if_without_contains(rule: &RegoRule) -> Option<u32> {
    let RegoRule::Spec {
        head: RuleHead::Compr {
            refr, assign: None, ..
        },
        ..
    } = rule
    else {
        return None;
    };
    let Expr::RefBrack { refr: base, .. } = refr.as_ref() else {
        return None;
    };
    match base.as_ref() {
        Expr::Var { span, .. } if is_failure(span.text()) || is_warning(span.text()) => {
            Some(span.line)
        }
        _ => None,
    }
}

/// The package path of a module without `data.` (`main`, `kubernetes.admission`).
pub(crate) fn package_name(module: &Module) -> String {
    let text = module.package.refr.span().text();
    text.trim().to_owned()
}

/// Scans modules: check rules per namespace, test rules, and the v1 `if`-without-`contains` error.
pub(crate) fn scan(
    modules: &[Ref<Module>],
    rego_v1: bool,
) -> Result<(BTreeMap<String, NamespaceRules>, Vec<TestRule>), PolicyError> {
    let mut namespaces: BTreeMap<String, NamespaceRules> = BTreeMap::new();
    let mut tests = Vec::new();
    for module in modules {
        let package = package_name(module);
        let file = module.package.span.source.get_path().clone();
        let entry = namespaces.entry(package.clone()).or_default();
        for rule in &module.policy {
            if rego_v1 && let Some(line) = if_without_contains(rule) {
                return Err(PolicyError::IfWithoutContains { path: file, line });
            }
            let Some((name, line)) = head_name(rule) else {
                continue;
            };
            if is_failure(name) || is_warning(name) {
                entry.definitions += 1;
                if !entry.names.iter().any(|known| known == name) {
                    entry.names.push(name.to_owned());
                }
            } else if name == "exception" {
                entry.has_exception = true;
            } else if name.starts_with("test_") || name.starts_with("todo_test_") {
                if matches!(
                    rule.as_ref(),
                    RegoRule::Spec {
                        head: RuleHead::Func { .. },
                        ..
                    }
                ) {
                    continue;
                }
                tests.push(TestRule {
                    module: module.clone(),
                    rule: rule.clone(),
                    package: package.clone(),
                    name: name.to_owned(),
                    file: file.clone(),
                    line,
                });
            }
        }
    }
    for (package, rules) in &mut namespaces {
        rules.names.sort();
        rules.queries = rules
            .names
            .iter()
            .map(|name| format!("data.{package}.{name}"))
            .collect();
    }
    Ok((namespaces, tests))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_name_conventions() {
        for name in ["deny", "violation", "deny_x", "violation_a_b2", "deny_"] {
            assert_eq!(is_failure(name), name != "deny_", "{name}");
        }
        assert!(is_warning("warn") && is_warning("warn_tls"));
        assert!(!is_warning("warning") && !is_failure("denyx") && !is_failure("deny__x"));
        assert_eq!(exception_name("deny_run_as_root"), "run_as_root");
        assert_eq!(exception_name("warn_x"), "x");
        assert_eq!(exception_name("deny"), "");
    }
}
