//! `[policy]`: conftest's `test` settings (inputs, policy directories, data, namespaces, parsers)
//! for the policy gate in `gate check`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gate_policy::{Format, Limits, RegoVersion, TestOptions};
use serde::Deserialize;
use serde_spanned::Spanned;

use super::Problem;

/// The keys of `[policy]`.
// conftest's flags are booleans, and the keys mirror them.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawPolicy {
    #[serde(default)]
    inputs: Vec<String>,
    policy: Option<Vec<String>>,
    #[serde(default)]
    data: Vec<String>,
    #[serde(default)]
    namespaces: Vec<String>,
    #[serde(default)]
    all_namespaces: bool,
    #[serde(default)]
    combine: bool,
    #[serde(default)]
    fail_on_warn: bool,
    parser: Option<Spanned<String>>,
    #[serde(default)]
    parsers: BTreeMap<String, Spanned<String>>,
    ignore: Option<Spanned<String>>,
    rego_version: Option<Spanned<String>>,
    max_eval_time: Option<Spanned<String>>,
    max_memory: Option<Spanned<String>>,
    #[serde(default)]
    verify: bool,
    #[serde(default)]
    show_builtin_errors: bool,
}

/// The policy gate's settings: what `gate policy test` takes as flags.
// conftest's flags are booleans, and the settings mirror them.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Clone)]
pub struct Policy {
    /// Input files and directories (`-` is standard input).
    pub inputs: Vec<PathBuf>,
    /// Policy files and directories (`.rego`, recursively).
    pub policy: Vec<PathBuf>,
    /// Data documents and directories (`-d`).
    pub data: Vec<PathBuf>,
    /// Which namespaces to check, and whether to combine the inputs into one document.
    pub test: TestOptions,
    /// Warnings fail the gate.
    pub fail_on_warn: bool,
    /// One parser for every input, instead of detecting it from the file name.
    pub parser: Option<Format>,
    /// Parsers for the inputs whose path (relative to the configuration) matches a glob; the
    /// first matching glob in sorted order wins, and they win over `parser`.
    pub parsers: Vec<(globset::GlobMatcher, Format)>,
    /// Files found in input directories whose path matches this regular expression are skipped.
    pub ignore: Option<regex::Regex>,
    /// The Rego syntax version of the policies.
    pub rego_version: RegoVersion,
    /// Time and memory bounds on evaluation.
    pub limits: Limits,
    /// `gate check` also runs the policies' unit tests (`*_test.rego`, as `conftest verify`):
    /// a failing test fails the gate.
    pub verify: bool,
    /// Directories of `.proto` files that type textproto inputs (conftest's `--proto-file-dirs`).
    pub proto_file_dirs: Vec<PathBuf>,
    /// `--strict`: unused assigned variables, function arguments and imports are errors.
    pub strict: bool,
    /// `--capabilities`: the builtins the policies may call (`None`: all).
    pub capabilities: Option<gate_policy::Capabilities>,
    /// conftest's `--show-builtin-errors`: a built-in function's error is an evaluation error
    /// (naming the policy file and line) instead of making the expression undefined.
    pub show_builtin_errors: bool,
}

impl Policy {
    /// Settings with conftest's defaults: policies in `policy`, namespace `main`, Rego v1.
    pub fn new(inputs: Vec<PathBuf>) -> Policy {
        Policy {
            inputs,
            policy: vec![PathBuf::from("policy")],
            data: Vec::new(),
            test: TestOptions::default(),
            fail_on_warn: false,
            parser: None,
            parsers: Vec::new(),
            ignore: None,
            rego_version: RegoVersion::V1,
            limits: Limits::default(),
            verify: false,
            proto_file_dirs: Vec::new(),
            strict: false,
            capabilities: None,
            show_builtin_errors: false,
        }
    }

    /// The parser for one input: a matching `parsers` glob, else `parser`, else detection.
    pub fn parser_for(&self, relative_path: &str) -> Option<Format> {
        self.parsers
            .iter()
            .find(|(glob, _)| glob.is_match(relative_path))
            .map(|(_, format)| *format)
            .or(self.parser)
    }
}

/// Turns the raw `[policy]` table into settings; paths are resolved against `root`.
pub(crate) fn policy(raw: Spanned<RawPolicy>, root: &Path) -> Result<Policy, Problem> {
    let span = raw.span();
    let raw = raw.into_inner();
    if raw.inputs.is_empty() {
        return Err((
            Some(span),
            "`inputs` is missing or empty: name the manifests to check (`inputs = [\"deploy\"]`)"
                .to_owned(),
        ));
    }
    let resolve = |paths: &[String]| -> Vec<PathBuf> {
        paths
            .iter()
            .map(|path| {
                // `./deploy/api.yaml` would read worse than `deploy/api.yaml` in every message.
                if path == "-" || root == Path::new(".") {
                    PathBuf::from(path)
                } else {
                    root.join(path)
                }
            })
            .collect()
    };
    let mut policy = Policy::new(resolve(&raw.inputs));
    if let Some(dirs) = &raw.policy {
        if dirs.is_empty() {
            return Err((
                Some(span),
                "`policy` is empty: name the directories holding .rego files".to_owned(),
            ));
        }
        policy.policy = resolve(dirs);
    } else {
        policy.policy = resolve(&["policy".to_owned()]);
    }
    policy.data = resolve(&raw.data);
    policy.test = TestOptions {
        namespaces: raw.namespaces,
        all_namespaces: raw.all_namespaces,
        combine: raw.combine,
        trace: false,
    };
    policy.fail_on_warn = raw.fail_on_warn;
    policy.verify = raw.verify;
    policy.show_builtin_errors = raw.show_builtin_errors;
    policy.parser = raw.parser.as_ref().map(parser).transpose()?;
    for (pattern, name) in &raw.parsers {
        let glob = globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|error| {
                (
                    Some(name.span()),
                    format!("`parsers`: invalid glob `{pattern}`: {error}"),
                )
            })?
            .compile_matcher();
        policy.parsers.push((glob, parser(name)?));
    }
    if let Some(ignore) = &raw.ignore {
        policy.ignore = Some(regex::Regex::new(ignore.get_ref()).map_err(|error| {
            (
                Some(ignore.span()),
                format!("`ignore` is not a regular expression: {error}"),
            )
        })?);
    }
    if let Some(version) = &raw.rego_version {
        policy.rego_version = RegoVersion::from_name(version.get_ref()).ok_or_else(|| {
            (
                Some(version.span()),
                format!(
                    "`rego-version` must be \"v0\" or \"v1\", not {:?}",
                    version.get_ref()
                ),
            )
        })?;
    }
    if let Some(time) = &raw.max_eval_time {
        policy.limits.max_eval_time = Limits::parse_duration(time.get_ref())
            .map_err(|error| (Some(time.span()), format!("`max-eval-time`: {error}")))?;
    }
    if let Some(memory) = &raw.max_memory {
        policy.limits.max_memory = Limits::parse_bytes(memory.get_ref())
            .map_err(|error| (Some(memory.span()), format!("`max-memory`: {error}")))?;
    }
    Ok(policy)
}

fn parser(name: &Spanned<String>) -> Result<Format, Problem> {
    Format::from_name(name.get_ref()).map_err(|error| {
        let known: Vec<&str> = Format::ALL.iter().map(|format| format.name()).collect();
        (
            Some(name.span()),
            format!("{error}: parsers are {}", known.join(", ")),
        )
    })
}
