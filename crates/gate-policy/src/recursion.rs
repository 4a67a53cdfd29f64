//! OPA's compile-time recursion check: a rule or function that depends on itself, directly or
//! through other rules and functions, is refused when the policies load.
//!
//! regorus only notices recursion between rules while evaluating them, and not at all through
//! functions: a recursive function recursed until the stack overflowed and the process aborted.
//! OPA rejects every such cycle before evaluating anything (`rego_recursion_error`), so this
//! builds the same dependency graph from the parsed modules and refuses any cycle in it, with
//! OPA's message.
//!
//! The graph errs towards fewer edges: a name declared anywhere in a rule as a local variable
//! (a function argument, `:=`, `some`, `every`) is never taken for a rule in that rule, so this
//! refuses nothing OPA accepts. One edge OPA has is left out on purpose: a reference to a
//! function's path that is not a call (`some p in data.registries.allowed` beside a function
//! `allowed`). OPA refuses that program (as recursive, or as conflicting with base data); regorus
//! reads the data document there and cannot recurse, and policies rely on it.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use regorus::unstable::{AssignOp, Expr, Literal, Module, Query, Ref, Rule as RegoRule, RuleHead};

use crate::PolicyError;

/// One rule path (all definitions of it) and where it is first defined.
struct Node {
    /// `data.main.f`, components without `data`.
    path: Vec<String>,
    file: String,
    line: u32,
    /// Whether `line` is a `default` definition's, which OPA never names when a definition with a
    /// body exists.
    default: bool,
    /// A function (called with arguments), not a rule (read as a value).
    function: bool,
}

/// A reference a rule makes: the static prefix of its path, and whether it is called.
struct Reference {
    path: Vec<String>,
    call: bool,
}

/// What a module's names resolve to while its rules are scanned.
struct Scope<'a> {
    package: &'a [String],
    /// Import aliases (`b` in `import data.b`) and the data path they name.
    imports: BTreeMap<String, Vec<String>>,
    /// Rule names defined in this module's package (any module).
    package_rules: &'a BTreeSet<String>,
}

/// Refuses the first rule (in source order) that depends on itself.
pub(crate) fn check(modules: &[Ref<Module>]) -> Result<(), PolicyError> {
    let mut nodes: Vec<Node> = Vec::new();
    let mut index: BTreeMap<Vec<String>, usize> = BTreeMap::new();
    let mut roots: BTreeMap<Vec<String>, BTreeSet<String>> = BTreeMap::new();
    let mut rules: Vec<(usize, &Ref<Module>, &Ref<RegoRule>)> = Vec::new();
    for module in modules {
        let package = package_path(module);
        let file = module.package.span.source.get_path().clone();
        for rule in &module.policy {
            let Some(head) = rule_path(rule) else {
                continue;
            };
            roots
                .entry(package.clone())
                .or_default()
                .insert(head[0].clone());
            let mut path = package.clone();
            path.extend(head);
            let default = matches!(rule.as_ref(), RegoRule::Default { .. });
            let function = match rule.as_ref() {
                RegoRule::Spec { head, .. } => matches!(head, RuleHead::Func { .. }),
                RegoRule::Default { args, .. } => !args.is_empty(),
            };
            let node = *index.entry(path.clone()).or_insert_with(|| {
                nodes.push(Node {
                    path,
                    file: file.clone(),
                    line: rule.span().line,
                    default,
                    function,
                });
                nodes.len() - 1
            });
            if nodes[node].default && !default {
                nodes[node].file.clone_from(&file);
                nodes[node].line = rule.span().line;
                nodes[node].default = false;
            }
            rules.push((node, module, rule));
        }
    }
    let empty = BTreeSet::new();
    let mut edges: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); nodes.len()];
    for (node, module, rule) in rules {
        let package = package_path(module);
        let scope = Scope {
            package: &package,
            imports: imports(module),
            package_rules: roots.get(&package).unwrap_or(&empty),
        };
        let mut refs = Vec::new();
        let mut locals = BTreeSet::new();
        collect_rule(rule, &mut refs, &mut locals);
        for reference in refs {
            let Some(target) = resolve(&reference.path, &scope, &locals) else {
                continue;
            };
            for (other, candidate) in nodes.iter().enumerate() {
                // Only a call reaches a function; a plain reference reads rules (and data).
                if candidate.function == reference.call && overlaps(&candidate.path, &target) {
                    edges[node].insert(other);
                }
            }
        }
    }
    for (start, node) in nodes.iter().enumerate() {
        if let Some(cycle) = cycle_through(start, &edges) {
            let names: Vec<String> = cycle.iter().map(|&i| dotted(&nodes[i].path)).collect();
            return Err(PolicyError::Recursion {
                path: node.file.clone(),
                line: node.line,
                rule: dotted(&node.path),
                cycle: names.join(" -> "),
            });
        }
    }
    Ok(())
}

fn dotted(path: &[String]) -> String {
    format!("data.{}", path.join("."))
}

/// Whether a rule at `rule` and a reference to `target` touch: one is a prefix of the other
/// (`data.main` depends on every rule of `main`; `data.main.a.b.c` on the rule `a.b`).
fn overlaps(rule: &[String], target: &[String]) -> bool {
    rule.iter().zip(target).all(|(a, b)| a == b)
}

/// The shortest dependency path from `start` back to itself: `[start, …, start]`.
fn cycle_through(start: usize, edges: &[BTreeSet<usize>]) -> Option<Vec<usize>> {
    let mut previous: BTreeMap<usize, usize> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for &next in &edges[node] {
            if next == start {
                let mut path = vec![start, node];
                let mut at = node;
                while at != start {
                    at = previous[&at];
                    path.push(at);
                }
                // Built backwards: [start, node, …, start] becomes [start, …, node, start].
                path.reverse();
                return Some(path);
            }
            if let std::collections::btree_map::Entry::Vacant(entry) = previous.entry(next) {
                entry.insert(node);
                queue.push_back(next);
            }
        }
    }
    None
}

/// The package's path components (`kubernetes.admission` → `[kubernetes, admission]`).
fn package_path(module: &Module) -> Vec<String> {
    static_path(&module.package.refr).unwrap_or_default()
}

/// `import data.x.y` and `import data.x.y as z`: alias → path under `data`.
fn imports(module: &Module) -> BTreeMap<String, Vec<String>> {
    let mut aliases = BTreeMap::new();
    for import in &module.imports {
        let Some(path) = static_path(&import.refr) else {
            continue;
        };
        let Some((root, rest)) = path.split_first() else {
            continue;
        };
        if root != "data" || rest.is_empty() {
            continue;
        }
        let alias = import.r#as.as_ref().map_or_else(
            || rest[rest.len() - 1].clone(),
            |span| span.text().to_owned(),
        );
        aliases.insert(alias, rest.to_vec());
    }
    aliases
}

/// The rule's path under its package: the static part of its head (`deny`, `a.b`).
fn rule_path(rule: &RegoRule) -> Option<Vec<String>> {
    let path = static_prefix(crate::rules::head_ref(rule));
    (!path.is_empty()).then_some(path)
}

/// `a.b["c"]` → `[a, b, c]`; `None` unless every part is static.
fn static_path(expr: &Expr) -> Option<Vec<String>> {
    let path = static_prefix(expr);
    (path.len() == ref_length(expr)).then_some(path)
}

/// How many parts a reference has (`a.b[x]` → 3).
fn ref_length(expr: &Expr) -> usize {
    match expr {
        Expr::RefDot { refr, .. } | Expr::RefBrack { refr, .. } => ref_length(refr) + 1,
        _ => 1,
    }
}

/// The leading static parts of a reference: `a.b[x].c` → `[a, b]`; empty unless it starts with
/// a variable.
fn static_prefix(expr: &Expr) -> Vec<String> {
    match expr {
        Expr::Var { span, .. } => vec![span.text().to_owned()],
        Expr::RefDot { refr, field, .. } => {
            let mut path = static_prefix(refr);
            if path.len() == ref_length(refr) {
                path.push(field.0.text().to_owned());
            }
            path
        }
        Expr::RefBrack { refr, index, .. } => {
            let mut path = static_prefix(refr);
            if path.len() == ref_length(refr)
                && let Expr::String { value, .. } | Expr::RawString { value, .. } = index.as_ref()
                && let Ok(text) = value.as_string()
            {
                path.push(text.to_string());
            }
            path
        }
        _ => Vec::new(),
    }
}

/// The data path (without `data`) a reference names, if it names rules at all.
fn resolve(path: &[String], scope: &Scope, locals: &BTreeSet<String>) -> Option<Vec<String>> {
    let (root, rest) = path.split_first()?;
    if root == "data" {
        return Some(rest.to_vec());
    }
    if root == "input" || locals.contains(root) {
        return None;
    }
    if let Some(target) = scope.imports.get(root) {
        let mut full = target.clone();
        full.extend_from_slice(rest);
        return Some(full);
    }
    if scope.package_rules.contains(root) {
        let mut full = scope.package.to_vec();
        full.extend_from_slice(path);
        return Some(full);
    }
    None
}

/// Every reference (as its static prefix) a rule's head and bodies make, and every name the rule
/// declares as a local variable.
fn collect_rule(rule: &RegoRule, refs: &mut Vec<Reference>, locals: &mut BTreeSet<String>) {
    match rule {
        RegoRule::Spec { head, bodies, .. } => {
            match head {
                RuleHead::Compr { refr, assign, .. } => {
                    head_indexes(refr, refs, locals);
                    if let Some(assign) = assign {
                        collect_expr(&assign.value, refs, locals);
                    }
                }
                RuleHead::Set { refr, key, .. } => {
                    head_indexes(refr, refs, locals);
                    if let Some(key) = key {
                        collect_expr(key, refs, locals);
                    }
                }
                RuleHead::Func {
                    refr, args, assign, ..
                } => {
                    head_indexes(refr, refs, locals);
                    for arg in args {
                        declare(arg, locals);
                    }
                    if let Some(assign) = assign {
                        collect_expr(&assign.value, refs, locals);
                    }
                }
            }
            for body in bodies {
                if let Some(assign) = &body.assign {
                    collect_expr(&assign.value, refs, locals);
                }
                collect_query(&body.query, refs, locals);
            }
        }
        RegoRule::Default { args, value, .. } => {
            for arg in args {
                declare(arg, locals);
            }
            collect_expr(value, refs, locals);
        }
    }
}

/// The dynamic parts of a rule head (`x` in `deny[x]`, `p[k].q`): expressions, not the name.
fn head_indexes(expr: &Expr, refs: &mut Vec<Reference>, locals: &mut BTreeSet<String>) {
    match expr {
        Expr::RefDot { refr, .. } => head_indexes(refr, refs, locals),
        Expr::RefBrack { refr, index, .. } => {
            head_indexes(refr, refs, locals);
            collect_expr(index, refs, locals);
        }
        _ => {}
    }
}

fn collect_query(query: &Query, refs: &mut Vec<Reference>, locals: &mut BTreeSet<String>) {
    for stmt in &query.stmts {
        match &stmt.literal {
            Literal::SomeVars { vars, .. } => {
                locals.extend(vars.iter().map(|span| span.text().to_owned()));
            }
            Literal::SomeIn {
                key,
                value,
                collection,
                ..
            } => {
                if let Some(key) = key {
                    declare(key, locals);
                }
                declare(value, locals);
                collect_expr(collection, refs, locals);
            }
            Literal::Expr { expr, .. } | Literal::NotExpr { expr, .. } => {
                collect_expr(expr, refs, locals);
            }
            Literal::Every {
                key,
                value,
                domain,
                query,
                ..
            } => {
                if let Some(key) = key {
                    locals.insert(key.text().to_owned());
                }
                locals.insert(value.text().to_owned());
                collect_expr(domain, refs, locals);
                collect_query(query, refs, locals);
            }
        }
        // The target of `with` is replaced, not read; its replacement is read.
        for modifier in &stmt.with_mods {
            collect_expr(&modifier.r#as, refs, locals);
        }
    }
}

/// Names bound by a pattern (`x`, `[x, y]`, `{"a": x}`) become local variables.
fn declare(expr: &Expr, locals: &mut BTreeSet<String>) {
    match expr {
        Expr::Var { span, .. } => {
            locals.insert(span.text().to_owned());
        }
        Expr::Array { items, .. } | Expr::Set { items, .. } => {
            for item in items {
                declare(item, locals);
            }
        }
        Expr::Object { fields, .. } => {
            for (_, _, value) in fields {
                declare(value, locals);
            }
        }
        _ => {}
    }
}

fn collect_expr(expr: &Expr, refs: &mut Vec<Reference>, locals: &mut BTreeSet<String>) {
    match expr {
        Expr::String { .. }
        | Expr::RawString { .. }
        | Expr::Number { .. }
        | Expr::Bool { .. }
        | Expr::Null { .. } => {}
        Expr::Var { .. } | Expr::RefDot { .. } | Expr::RefBrack { .. } => {
            reference(expr, false, refs, locals);
        }
        Expr::Array { items, .. } | Expr::Set { items, .. } => {
            for item in items {
                collect_expr(item, refs, locals);
            }
        }
        Expr::Object { fields, .. } => {
            for (_, key, value) in fields {
                collect_expr(key, refs, locals);
                collect_expr(value, refs, locals);
            }
        }
        Expr::ArrayCompr { term, query, .. } | Expr::SetCompr { term, query, .. } => {
            collect_query(query, refs, locals);
            collect_expr(term, refs, locals);
        }
        Expr::ObjectCompr {
            key, value, query, ..
        } => {
            collect_query(query, refs, locals);
            collect_expr(key, refs, locals);
            collect_expr(value, refs, locals);
        }
        Expr::Call { fcn, params, .. } => {
            reference(fcn, true, refs, locals);
            for param in params {
                collect_expr(param, refs, locals);
            }
        }
        Expr::UnaryExpr { expr, .. } => collect_expr(expr, refs, locals),
        Expr::AssignExpr { op, lhs, rhs, .. } => {
            if *op == AssignOp::ColEq {
                declare(lhs, locals);
            } else {
                collect_expr(lhs, refs, locals);
            }
            collect_expr(rhs, refs, locals);
        }
        Expr::BinExpr { lhs, rhs, .. }
        | Expr::BoolExpr { lhs, rhs, .. }
        | Expr::ArithExpr { lhs, rhs, .. } => {
            collect_expr(lhs, refs, locals);
            collect_expr(rhs, refs, locals);
        }
        Expr::Membership {
            key,
            value,
            collection,
            ..
        } => {
            if let Some(key) = key {
                collect_expr(key, refs, locals);
            }
            collect_expr(value, refs, locals);
            collect_expr(collection, refs, locals);
        }
    }
}

/// A reference (called or read) and the expressions inside its brackets.
fn reference(expr: &Expr, call: bool, refs: &mut Vec<Reference>, locals: &mut BTreeSet<String>) {
    let path = static_prefix(expr);
    if !path.is_empty() {
        refs.push(Reference { path, call });
    }
    collect_ref_indexes(expr, refs, locals);
}

/// The expressions inside a reference's brackets (`x` in `a[x].b`).
fn collect_ref_indexes(expr: &Expr, refs: &mut Vec<Reference>, locals: &mut BTreeSet<String>) {
    match expr {
        Expr::RefDot { refr, .. } => collect_ref_indexes(refr, refs, locals),
        Expr::RefBrack { refr, index, .. } => {
            collect_ref_indexes(refr, refs, locals);
            collect_expr(index, refs, locals);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each program was given to OPA 1.x (through opa-golib-python-bindings 0.4.4); the expected
    /// error is one of its `rego_recursion_error`s, word for word, or `None` where OPA accepts the
    /// program (and the one documented exception, a function's path read as data).
    const CASES: &[(&str, &[&str], Option<&str>)] = &[
        (
            "self-recursive function",
            &["package main\nf(x) = y if { y := f(x) }\n"],
            Some(
                "a.rego:2: rego_recursion_error: rule data.main.f is recursive: data.main.f -> data.main.f",
            ),
        ),
        (
            "mutually recursive functions",
            &["package main\nf(x) = y if { y := g(x) }\ng(x) = y if { y := f(x) }\n"],
            Some(
                "a.rego:2: rego_recursion_error: rule data.main.f is recursive: data.main.f -> data.main.g -> data.main.f",
            ),
        ),
        (
            "a function calling a rule that calls it",
            &["package main\nf(x) = y if { y := r }\nr := f(1)\n"],
            Some(
                "a.rego:2: rego_recursion_error: rule data.main.f is recursive: data.main.f -> data.main.r -> data.main.f",
            ),
        ),
        (
            "rules",
            &["package main\na := b\nb := a\n"],
            Some(
                "a.rego:2: rego_recursion_error: rule data.main.a is recursive: data.main.a -> data.main.b -> data.main.a",
            ),
        ),
        (
            "through data",
            &["package main\nf(x) = y if { y := data.main.f(x) }\n"],
            Some(
                "a.rego:2: rego_recursion_error: rule data.main.f is recursive: data.main.f -> data.main.f",
            ),
        ),
        (
            "in a comprehension",
            &["package main\nf(x) = y if { y := [z | z := f(x)] }\n"],
            Some(
                "a.rego:2: rego_recursion_error: rule data.main.f is recursive: data.main.f -> data.main.f",
            ),
        ),
        (
            "across packages through imports",
            &[
                "package a\nimport data.b\nf(x) = y if { y := b.g(x) }\n",
                "package b\nimport data.a\ng(x) = y if { y := a.f(x) }\n",
            ],
            Some(
                "a.rego:3: rego_recursion_error: rule data.a.f is recursive: data.a.f -> data.b.g -> data.a.f",
            ),
        ),
        (
            "inside every",
            &["package main\nf(x) if { every v in [1] { f(v) } }\n"],
            Some(
                "a.rego:2: rego_recursion_error: rule data.main.f is recursive: data.main.f -> data.main.f",
            ),
        ),
        (
            "the whole package",
            &["package main\na := data.main\n"],
            Some(
                "a.rego:2: rego_recursion_error: rule data.main.a is recursive: data.main.a -> data.main.a",
            ),
        ),
        (
            "unification with a rule",
            &["package main\nf(x) = y if { r = 1; y := x }\nr := f(1)\n"],
            Some(
                "a.rego:2: rego_recursion_error: rule data.main.f is recursive: data.main.f -> data.main.r -> data.main.f",
            ),
        ),
        (
            "in an else",
            &["package main\nf(x) := 1 if { x > 1 } else := y if { y := f(x + 1) }\n"],
            Some(
                "a.rego:2: rego_recursion_error: rule data.main.f is recursive: data.main.f -> data.main.f",
            ),
        ),
        (
            "beside a default",
            &["package main\ndefault f(_) := 1\nf(x) := y if { y := f(x) }\n"],
            Some(
                "a.rego:3: rego_recursion_error: rule data.main.f is recursive: data.main.f -> data.main.f",
            ),
        ),
        (
            "in a with value",
            &["package main\nr := 1\nf(x) := y if { y := r with input as f(1) }\n"],
            Some(
                "a.rego:3: rego_recursion_error: rule data.main.f is recursive: data.main.f -> data.main.f",
            ),
        ),
        (
            "under not",
            &["package main\nf(x) if { not f(x) }\n"],
            Some(
                "a.rego:2: rego_recursion_error: rule data.main.f is recursive: data.main.f -> data.main.f",
            ),
        ),
        (
            "no cycle",
            &["package main\nf(x) = y if { y := x + 1 }\nr := f(1)\n"],
            None,
        ),
        (
            "a local := shadowing a function",
            &["package main\nf(x) = y if { g := 1; y := x + g }\ng(x) = y if { y := f(x) }\n"],
            None,
        ),
        (
            "a some variable shadowing a rule",
            &["package main\nf(x) := y if { some g in [1]; y := g }\ng := f(1)\n"],
            None,
        ),
        (
            "an argument named like nothing",
            &["package main\nf(f2) = y if { y := f2 }\n"],
            None,
        ),
        (
            "sibling rules under one ref head",
            &["package main\na.b := 1\na.c := a.b\n"],
            None,
        ),
        (
            "a function's path read as data (OPA: recursive; regorus reads data)",
            &["package main\nf(x) if { some p in data.main.f; p == x }\n"],
            None,
        ),
        (
            "a test of a deny rule",
            &[
                "package main\ndeny contains m if { m := \"x\" }\ntest_d if { deny with input as {} }\n",
            ],
            None,
        ),
    ];

    #[test]
    fn refuses_what_opa_refuses() {
        for (name, texts, expected) in CASES {
            let mut engine = regorus::Engine::new();
            for (index, text) in texts.iter().enumerate() {
                let file = ["a.rego", "b.rego"][index];
                engine
                    .add_policy(file.to_owned(), (*text).to_owned())
                    .unwrap_or_else(|error| panic!("{name}: {error}"));
            }
            let outcome = check(engine.get_modules()).err().map(|e| e.to_string());
            assert_eq!(outcome.as_deref(), *expected, "{name}");
        }
    }
}
