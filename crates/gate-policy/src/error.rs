//! What can go wrong: [`ParseError`] for inputs, [`PolicyError`] for policies, data and evaluation.

use std::path::PathBuf;

/// An input document could not be parsed. The message names the file and, where known, the line.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The text is not valid for the format.
    #[error("{path}:{line}: invalid {format}: {message}")]
    Syntax {
        /// The input's path as given.
        path: String,
        /// The format that was tried (`yaml`, `json`, …).
        format: &'static str,
        /// 1-based line of the problem (1 when the parser does not say).
        line: u32,
        /// What the parser reported.
        message: String,
    },
    /// A YAML document expands aliases beyond the configured budget (a "billion laughs" input).
    #[error("{path}:{line}: YAML aliases expand to more than {limit} nodes")]
    AliasExpansion {
        /// The input's path as given.
        path: String,
        /// 1-based line of the alias that crossed the limit.
        line: u32,
        /// The node budget.
        limit: usize,
    },
    /// Arrays and objects nest deeper than [`crate::parse::MAX_DEPTH`] (any format).
    #[error("{location}: nested deeper than {limit} levels of arrays and objects", location = at(path, *line))]
    TooDeep {
        /// The input's path as given.
        path: String,
        /// 1-based line where the limit was crossed, where the parser says.
        line: Option<u32>,
        /// The depth limit.
        limit: usize,
    },
    /// No parser is known for the file's name and none was chosen explicitly.
    #[error("{path}: no parser for this file type (choose one with --parser)")]
    UnknownFormat {
        /// The input's path as given.
        path: String,
    },
    /// The parser name is not one gate knows.
    #[error("unknown parser {name:?}")]
    UnknownParser {
        /// The name as given.
        name: String,
    },
    /// The file could not be read.
    #[error("{path}: cannot read: {source}", path = path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// Policies, data or an evaluation failed. The message names the file and, where known, the line.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// A file or directory could not be read.
    #[error("{path}: cannot read: {source}", path = path.display())]
    Read {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// No `.rego` file was found under the given policy paths.
    #[error("no policies found in {paths}")]
    NoPolicies {
        /// The paths searched, joined with `, `.
        paths: String,
    },
    /// A policy does not compile.
    #[error("{message}")]
    Compile {
        /// The policy file.
        path: String,
        /// What the compiler reported, as `file:line:column: problem` where it says.
        message: String,
    },
    /// `deny[msg] if { … }` without `contains` is an object rule in Rego v1, never a set of messages.
    #[error("rule is using 'if' keyword without 'contains' keyword: rule in {path} at line {line}")]
    IfWithoutContains {
        /// The policy file.
        path: String,
        /// 1-based line of the rule head.
        line: u32,
    },
    /// A rule or function depends on itself (directly or through others), which OPA refuses at
    /// compile time; evaluating it would recurse without end.
    #[error("{path}:{line}: rego_recursion_error: rule {rule} is recursive: {cycle}")]
    Recursion {
        /// The policy file of the rule's first definition.
        path: String,
        /// 1-based line of that definition.
        line: u32,
        /// The rule's path (`data.main.f`).
        rule: String,
        /// The dependency cycle, `data.main.f -> data.main.g -> data.main.f`.
        cycle: String,
    },
    /// A data document could not be parsed or merged.
    #[error("data {path}: {message}")]
    Data {
        /// The data file.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// A data document could not be parsed.
    #[error(transparent)]
    DataParse(#[from] ParseError),
    /// Evaluating a rule failed for one input document.
    #[error("{file}: evaluating {query}: {message}")]
    Eval {
        /// The input document's file (`Combined` for `--combine`).
        file: String,
        /// The query or rule being evaluated.
        query: String,
        /// What the interpreter reported (with the policy file and line).
        message: String,
    },
    /// Evaluating a rule on one input document (or one `verify` test) ran into a limit.
    #[error("{file}: evaluating {query}: {limit}")]
    Limit {
        /// The input document's file (`Combined` for `--combine`; the test's file for `verify`).
        file: String,
        /// The rule being evaluated.
        query: String,
        /// Which limit, and its value.
        limit: crate::limits::LimitKind,
    },
    /// A rule returned an object without a string `msg` field.
    #[error("{file}: {query}: \"msg\" field must be present and a string")]
    MissingMessage {
        /// The input document's file.
        file: String,
        /// The rule query.
        query: String,
    },
    /// The capabilities file (`--capabilities`) cannot be read as OPA's capabilities JSON.
    #[error("{path}: {message}")]
    Capabilities {
        /// The capabilities file.
        path: String,
        /// What is wrong, with the line where known.
        message: String,
    },
    /// The policies call builtins the capabilities do not allow, or break `--strict`'s rules.
    #[error("{message}")]
    Checks {
        /// The first policy file with a problem.
        path: String,
        /// `N errors occurred:` then one `file:line: problem` line each, as OPA lists them.
        message: String,
    },
    /// A namespace pattern is not a valid glob.
    #[error("invalid namespace pattern {pattern:?}: {source}")]
    NamespacePattern {
        /// The pattern as given.
        pattern: String,
        /// The glob error.
        #[source]
        source: globset::Error,
    },
}

/// `path:line`, or `path` when the line is not known.
fn at(path: &str, line: Option<u32>) -> String {
    match line {
        Some(line) => format!("{path}:{line}"),
        None => path.to_owned(),
    }
}

/// regorus reports `\n--> file:line:col\n  |\n4 | code\n  |  ^\nerror: problem`; one line
/// `file:line:col: problem` reads better in a report and still names the place.
pub(crate) fn one_line(report: &str) -> String {
    let location = report
        .lines()
        .find_map(|line| line.trim_start().strip_prefix("--> "))
        .map(str::trim);
    let problem = report
        .lines()
        .find_map(|line| line.trim_start().strip_prefix("error: "))
        .map(str::trim);
    match (location, problem) {
        (Some(location), Some(problem)) => format!("{location}: {problem}"),
        _ => report.trim().replace('\n', " "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regorus_reports_become_one_line() {
        let report =
            "\n--> policy/a.rego:4:7\n  |\n4 |   msg := \n  |       ^\nerror: expecting `}`";
        assert_eq!(one_line(report), "policy/a.rego:4:7: expecting `}`");
        assert_eq!(one_line("plain\ntext"), "plain text");
    }
}
