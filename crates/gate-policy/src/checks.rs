//! Compile-time checks regorus does not make: `--strict` (OPA's `opa check --strict`: unused
//! local variables, function arguments and imports are errors) and `--capabilities` (a policy may
//! call only the builtins a capabilities file lists).
//!
//! Both walk the parsed modules before anything is evaluated, so a refused policy never runs.

use std::collections::{BTreeMap, BTreeSet};

use regorus::unstable::{
    AssignOp, Expr, Literal, Module, Query, Ref, Rule as RegoRule, RuleBody, RuleHead,
};
use serde_json::Value;

use crate::PolicyError;

/// conftest's own builtins: conftest registers them whatever the capabilities file says.
const CONFTEST_BUILTINS: [&str; 3] = [
    "parse_config",
    "parse_config_file",
    "parse_combined_config_files",
];

/// The builtins a capabilities file (OPA's `capabilities.json`) allows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Capabilities {
    /// The file it was read from, for messages.
    pub path: String,
    /// Allowed builtin names (`http.send`, `count`).
    pub builtins: BTreeSet<String>,
}

impl Capabilities {
    /// Reads OPA's capabilities JSON: `{"builtins": [{"name": "count", …}, …], …}`.
    pub fn from_json(path: &str, text: &str) -> Result<Capabilities, PolicyError> {
        let invalid = |message: String| PolicyError::Capabilities {
            path: path.to_owned(),
            message,
        };
        let value: Value = serde_json::from_str(text)
            .map_err(|error| invalid(format!("line {}: {error}", error.line())))?;
        let builtins = value
            .get("builtins")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid("no \"builtins\" array".to_owned()))?;
        let mut names = BTreeSet::new();
        for builtin in builtins {
            let name = builtin
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| invalid("a builtin without a \"name\"".to_owned()))?;
            names.insert(name.to_owned());
        }
        Ok(Capabilities {
            path: path.to_owned(),
            builtins: names,
        })
    }
}

/// Every call to a builtin that `capabilities` does not list, as OPA reports it:
/// `file:line: rego_type_error: undefined function http.send`.
pub(crate) fn check_capabilities(
    modules: &[Ref<Module>],
    capabilities: &Capabilities,
) -> Result<(), PolicyError> {
    // Functions the policies define, by their last name part: a call to one is not a builtin.
    let mut functions = BTreeSet::new();
    for module in modules {
        for rule in &module.policy {
            if let RegoRule::Spec {
                head: RuleHead::Func { refr, .. },
                ..
            } = rule.as_ref()
                && let Some(name) = dotted(refr)
            {
                functions.insert(name.rsplit('.').next().unwrap_or_default().to_owned());
            }
        }
    }
    let mut problems = Vec::new();
    for module in modules {
        let file = module.package.span.source.get_path().clone();
        let imports = import_aliases(module);
        for rule in &module.policy {
            each_expr_of_rule(rule, &mut |expr| {
                let Expr::Call { fcn, .. } = expr else {
                    return;
                };
                let Some(name) = dotted(fcn) else {
                    return;
                };
                let first = name.split('.').next().unwrap_or_default();
                let last = name.rsplit('.').next().unwrap_or_default();
                let user_function = functions.contains(last)
                    && (!name.contains('.') || first == "data" || imports.contains_key(first));
                if user_function
                    || CONFTEST_BUILTINS.contains(&name.as_str())
                    || capabilities.builtins.contains(&name)
                {
                    return;
                }
                problems.push((
                    file.clone(),
                    fcn.span().line,
                    format!("rego_type_error: undefined function {name}"),
                ));
            });
        }
    }
    report(problems)
}

/// `opa check --strict`'s checks on variables and imports: an assigned (`:=`) variable never
/// used, a function argument never used, an import never used.
pub(crate) fn check_strict(modules: &[Ref<Module>]) -> Result<(), PolicyError> {
    let mut problems = Vec::new();
    for module in modules {
        let file = module.package.span.source.get_path().clone();
        let mut module_uses: BTreeMap<String, usize> = BTreeMap::new();
        for rule in &module.policy {
            let mut uses: BTreeMap<String, usize> = BTreeMap::new();
            let mut assigned = Vec::new();
            each_expr_of_rule(rule, &mut |expr| match expr {
                Expr::Var { span, .. } => {
                    *uses.entry(span.text().to_owned()).or_default() += 1;
                }
                Expr::AssignExpr {
                    op: AssignOp::ColEq,
                    lhs,
                    ..
                } => {
                    if let Expr::Var { span, .. } = lhs.as_ref() {
                        assigned.push((span.text().to_owned(), span.line));
                    }
                }
                _ => {}
            });
            for (name, count) in &uses {
                *module_uses.entry(name.clone()).or_default() += count;
            }
            for (name, line) in assigned {
                // The assignment itself is the one use.
                if name != "_" && uses.get(&name).copied().unwrap_or_default() <= 1 {
                    problems.push((
                        file.clone(),
                        line,
                        format!("rego_compile_error: assigned var {name} unused"),
                    ));
                }
            }
            if let RegoRule::Spec {
                head: RuleHead::Func { args, .. },
                ..
            } = rule.as_ref()
            {
                // Arguments are not visited as uses (see `each_expr_of_rule`).
                for arg in args {
                    if let Expr::Var { span, .. } = arg.as_ref()
                        && span.text() != "_"
                        && !uses.contains_key(span.text())
                    {
                        problems.push((
                            file.clone(),
                            span.line,
                            format!("rego_compile_error: unused argument {}", span.text()),
                        ));
                    }
                }
            }
        }
        for import in &module.imports {
            let path = import.refr.span().text().to_owned();
            if !path.starts_with("data.") && !path.starts_with("input.") {
                // `import rego.v1`, `import future.keywords…`: syntax, not names.
                continue;
            }
            let alias = import.r#as.as_ref().map_or_else(
                || path.rsplit('.').next().unwrap_or_default().to_owned(),
                |alias| alias.text().to_owned(),
            );
            if !module_uses.contains_key(&alias) {
                problems.push((
                    file.clone(),
                    import.span.line,
                    format!("rego_compile_error: import {path} unused"),
                ));
            }
        }
    }
    report(problems)
}

/// One error listing every problem, sorted by file and line, like OPA's
/// `N errors occurred:` list.
fn report(mut problems: Vec<(String, u32, String)>) -> Result<(), PolicyError> {
    if problems.is_empty() {
        return Ok(());
    }
    problems.sort();
    problems.dedup();
    let count = problems.len();
    let lines: Vec<String> = problems
        .iter()
        .map(|(file, line, message)| format!("{file}:{line}: {message}"))
        .collect();
    Err(PolicyError::Checks {
        path: problems[0].0.clone(),
        message: format!(
            "{count} error{} occurred:\n{}",
            if count == 1 { "" } else { "s" },
            lines.join("\n")
        ),
    })
}

/// Import aliases of a module (`import data.lib` → `lib`), to the imported path.
fn import_aliases(module: &Module) -> BTreeMap<String, String> {
    module
        .imports
        .iter()
        .map(|import| {
            let path = import.refr.span().text().to_owned();
            let alias = import.r#as.as_ref().map_or_else(
                || path.rsplit('.').next().unwrap_or_default().to_owned(),
                |alias| alias.text().to_owned(),
            );
            (alias, path)
        })
        .collect()
}

/// `a.b.c` for a reference made of a variable and static fields; `None` otherwise.
fn dotted(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Var { span, .. } => Some(span.text().to_owned()),
        Expr::RefDot { refr, field, .. } => Some(format!("{}.{}", dotted(refr)?, field.0.text())),
        _ => None,
    }
}

/// Calls `visit` on every expression of a rule: head values and indexes, bodies, `else`
/// branches, `with` modifiers, nested queries. Function arguments in the head are not visited,
/// so a count of variable uses tells whether an argument is used.
fn each_expr_of_rule(rule: &RegoRule, visit: &mut dyn FnMut(&Expr)) {
    match rule {
        RegoRule::Spec { head, bodies, .. } => {
            match head {
                RuleHead::Compr { refr, assign, .. } => {
                    head_indexes(refr, visit);
                    if let Some(assign) = assign {
                        each_expr(&assign.value, visit);
                    }
                }
                RuleHead::Set { refr, key, .. } => {
                    head_indexes(refr, visit);
                    if let Some(key) = key {
                        each_expr(key, visit);
                    }
                }
                RuleHead::Func { assign, .. } => {
                    if let Some(assign) = assign {
                        each_expr(&assign.value, visit);
                    }
                }
            }
            for RuleBody { assign, query, .. } in bodies {
                if let Some(assign) = assign {
                    each_expr(&assign.value, visit);
                }
                each_expr_of_query(query, visit);
            }
        }
        RegoRule::Default { value, .. } => each_expr(value, visit),
    }
}

/// The dynamic parts of a rule head (`x` in `deny[x]`), not its name.
fn head_indexes(expr: &Expr, visit: &mut dyn FnMut(&Expr)) {
    match expr {
        Expr::RefDot { refr, .. } => head_indexes(refr, visit),
        Expr::RefBrack { refr, index, .. } => {
            head_indexes(refr, visit);
            each_expr(index, visit);
        }
        _ => {}
    }
}

fn each_expr_of_query(query: &Query, visit: &mut dyn FnMut(&Expr)) {
    for stmt in &query.stmts {
        for with in &stmt.with_mods {
            each_expr(&with.refr, visit);
            each_expr(&with.r#as, visit);
        }
        match &stmt.literal {
            Literal::SomeVars { .. } => {}
            Literal::SomeIn {
                key,
                value,
                collection,
                ..
            } => {
                if let Some(key) = key {
                    each_expr(key, visit);
                }
                each_expr(value, visit);
                each_expr(collection, visit);
            }
            Literal::Expr { expr, .. } | Literal::NotExpr { expr, .. } => each_expr(expr, visit),
            Literal::Every { domain, query, .. } => {
                each_expr(domain, visit);
                each_expr_of_query(query, visit);
            }
        }
    }
}

fn each_expr(expr: &Expr, visit: &mut dyn FnMut(&Expr)) {
    visit(expr);
    match expr {
        Expr::Array { items, .. } | Expr::Set { items, .. } => {
            for item in items {
                each_expr(item, visit);
            }
        }
        Expr::Object { fields, .. } => {
            for (_, key, value) in fields {
                each_expr(key, visit);
                each_expr(value, visit);
            }
        }
        Expr::ArrayCompr { term, query, .. } | Expr::SetCompr { term, query, .. } => {
            each_expr(term, visit);
            each_expr_of_query(query, visit);
        }
        Expr::ObjectCompr {
            key, value, query, ..
        } => {
            each_expr(key, visit);
            each_expr(value, visit);
            each_expr_of_query(query, visit);
        }
        Expr::Call { fcn, params, .. } => {
            each_expr(fcn, visit);
            for param in params {
                each_expr(param, visit);
            }
        }
        Expr::UnaryExpr { expr, .. } => each_expr(expr, visit),
        Expr::RefDot { refr, .. } => each_expr(refr, visit),
        Expr::RefBrack { refr, index, .. } => {
            each_expr(refr, visit);
            each_expr(index, visit);
        }
        Expr::BinExpr { lhs, rhs, .. }
        | Expr::BoolExpr { lhs, rhs, .. }
        | Expr::ArithExpr { lhs, rhs, .. }
        | Expr::AssignExpr { lhs, rhs, .. } => {
            each_expr(lhs, visit);
            each_expr(rhs, visit);
        }
        Expr::Membership {
            key,
            value,
            collection,
            ..
        } => {
            if let Some(key) = key {
                each_expr(key, visit);
            }
            each_expr(value, visit);
            each_expr(collection, visit);
        }
        // Literals and variables have no parts (nor has `OrExpr`, with a feature gate does not
        // use).
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn modules(text: &str) -> Vec<Ref<Module>> {
        let mut engine = regorus::Engine::new();
        engine
            .add_policy("p.rego".to_owned(), text.to_owned())
            .unwrap();
        engine.get_modules().clone()
    }

    #[test]
    fn strict_reports_unused_assignments_arguments_and_imports() {
        let text = "package main\nimport data.lib\nallow if {\n  a := 1\n  b := 2\n  a == 1\n}\n\
                    f(x, y) if { x == 1 }\n";
        let error = check_strict(&modules(text)).unwrap_err().to_string();
        assert!(
            error.contains("p.rego:2: rego_compile_error: import data.lib unused"),
            "{error}"
        );
        assert!(
            error.contains("p.rego:5: rego_compile_error: assigned var b unused"),
            "{error}"
        );
        assert!(
            error.contains("p.rego:8: rego_compile_error: unused argument y"),
            "{error}"
        );
        assert!(!error.contains("var a"), "{error}");
        assert!(error.starts_with("3 errors occurred:"), "{error}");
    }

    #[test]
    fn strict_accepts_a_clean_policy() {
        let text = "package main\nimport data.lib\ndeny contains msg if {\n  x := lib.name\n  \
                    msg := sprintf(\"%s\", [x])\n}\n";
        check_strict(&modules(text)).unwrap();
    }

    #[test]
    fn capabilities_refuse_unlisted_builtins_only() {
        let text = "package main\nf(x) := x\nallow if {\n  count([f(1)]) == 1\n  \
                    http.send({})\n}\n";
        let allowed =
            Capabilities::from_json("caps.json", r#"{"builtins":[{"name":"count"}]}"#).unwrap();
        let error = check_capabilities(&modules(text), &allowed)
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "1 error occurred:\np.rego:5: rego_type_error: undefined function http.send"
        );
    }

    #[test]
    fn malformed_capabilities_name_the_file() {
        let error = Capabilities::from_json("caps.json", "{\n  \"builtins\": [}")
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("caps.json: line 2:"), "{error}");
    }
}
