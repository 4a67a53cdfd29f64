//! The policy gate's glue: policies, data and inputs read from disk (and standard input), then
//! `gate_policy`'s engine; shared by `gate check` and `gate policy test`.

use std::path::{Path, PathBuf};

use gate_core::{GateError, GateReport, Location, Verdict};
use gate_policy::{
    EngineOptions, ParseOptions, Parsed, PolicyEngine, TestResults, find_inputs_ignoring,
    load_data, load_policies, parse_as_with, parse_file_with,
};

use crate::Gate;
use crate::io::ProjectIo;
use crate::paths::display;
use crate::settings::policy::Policy;

/// Runs the policy gate for `gate check`: a policy or input that cannot be read or parsed makes
/// the gate error; with `fail-on-warn`, warnings become failures.
pub fn run(policy: &Policy, root: &Path, io: &dyn ProjectIo) -> GateReport {
    let mut report = match evaluate(policy, root, io) {
        Ok(results) => report(&results, policy.fail_on_warn),
        Err(message) => return GateReport::errored(Gate::Policy.name(), located(message)),
    };
    if policy.verify {
        match verify(policy, root) {
            Ok(tests) => absorb_tests(&mut report, tests),
            Err(message) => return GateReport::errored(Gate::Policy.name(), located(message)),
        }
    }
    report
}

/// Runs the policies' unit tests, as `gate policy verify` (and `conftest verify`) does.
pub fn verify(policy: &Policy, root: &Path) -> Result<GateReport, String> {
    let engine = engine(policy, root, true)?;
    let results = engine
        .verify(&gate_policy::VerifyOptions::default())
        .map_err(|error| error.to_string())?;
    Ok(gate_policy::verify_report(&results))
}

/// Adds the failed unit tests (`policy/test`) to the gate's findings, and the test counts as
/// `tests_*` metrics beside the documents' counts.
fn absorb_tests(report: &mut GateReport, tests: GateReport) {
    for finding in tests.findings {
        report.push(finding);
    }
    for (name, value) in tests.metrics {
        report.set_metric(format!("tests_{name}"), value);
    }
}

/// The gate report of `test` results; `fail_on_warn` turns warnings into failures, as
/// conftest's `--fail-on-warn` does.
pub fn report(results: &TestResults, fail_on_warn: bool) -> GateReport {
    let mut report = gate_policy::test_report(results);
    if fail_on_warn {
        for finding in &mut report.findings {
            if finding.verdict == Verdict::Warn {
                finding.verdict = Verdict::Fail;
            }
        }
    }
    report
}

/// Loads the policies and data, reads the inputs and evaluates them. Paths in results are shown
/// relative to `root`. Errors are one line naming the file (and line, where known).
pub fn evaluate(policy: &Policy, root: &Path, io: &dyn ProjectIo) -> Result<TestResults, String> {
    let engine = engine(policy, root, false)?;
    let files = read_inputs(policy, root, io)?;
    engine
        .test(&files, &policy.test)
        .map_err(|error| error.to_string())
}

/// Compiles the policies (with `*_test.rego` files when `include_tests`, for `verify`) and data.
/// `parse_config_file` may read files under `root` only.
pub fn engine(policy: &Policy, root: &Path, include_tests: bool) -> Result<PolicyEngine, String> {
    let sources =
        load_policies(&policy.policy, include_tests).map_err(|error| error.to_string())?;
    let data = load_data(&policy.data).map_err(|error| error.to_string())?;
    let options = EngineOptions {
        rego_version: policy.rego_version,
        file_roots: vec![root.to_path_buf()],
        limits: policy.limits,
        strict: policy.strict,
        capabilities: policy.capabilities.clone(),
        strict_builtin_errors: policy.show_builtin_errors,
    };
    PolicyEngine::new(sources, data, &options).map_err(|error| error.to_string())
}

/// Finds and parses every input (standard input for `-`), each once, named relative to `root`.
pub fn read_inputs(
    policy: &Policy,
    root: &Path,
    io: &dyn ProjectIo,
) -> Result<Vec<Parsed>, String> {
    let ignore = |path: &str| {
        policy
            .ignore
            .as_ref()
            .is_some_and(|regex| regex.is_match(path))
    };
    let mut paths: Vec<PathBuf> = Vec::new();
    for input in &policy.inputs {
        // conftest ignores an explicit empty file name (`conftest test file.yaml ""`).
        if input.as_os_str().is_empty() {
            continue;
        }
        let mut found = find_inputs_ignoring(std::slice::from_ref(input), &ignore)
            .map_err(|error| error.to_string())?;
        // Files whose type is not detected are found in directories when a `parsers` glob names
        // them (`*.tpl` = yaml); otherwise a glob could only re-parse detected files.
        if !policy.parsers.is_empty() && input.is_dir() {
            walk_for_globs(input, policy, root, &mut found)?;
            found.sort();
            found.dedup();
        }
        paths.extend(found);
    }
    // A run that checks nothing is not a pass (conftest also stops at "no files found").
    if paths.is_empty() {
        let searched: Vec<String> = policy
            .inputs
            .iter()
            .map(|path| display(path, root))
            .collect();
        return Err(format!(
            "no input files found in {}: nothing to check",
            searched.join(", ")
        ));
    }
    // The `.proto` types are read once, and only when textproto inputs may need them.
    let mut options = if policy.proto_file_dirs.is_empty() {
        ParseOptions::default()
    } else {
        ParseOptions::with_proto_file_dirs(&policy.proto_file_dirs)
            .map_err(|error| format!("--proto-file-dirs: {error}"))?
    };
    options.environment = io.environment();
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        if path.as_os_str() == "-" {
            let text = io
                .read_stdin()
                .map_err(|error| format!("-: cannot read standard input: {error}"))?;
            let parsed = parse_as_with(policy.parser_for("-"), "-", &text, &options)
                .map_err(|error| error.to_string())?;
            files.push(parsed);
            continue;
        }
        let shown = display(&path, root);
        // Errors name the file as reports do, relative to the configuration's directory.
        let mut parsed =
            parse_file_with(policy.parser_for(&shown), &path, &options).map_err(|error| {
                let message = error.to_string();
                let full = path.to_string_lossy().replace('\\', "/");
                match message.strip_prefix(full.as_str()) {
                    Some(rest) => format!("{shown}{rest}"),
                    None => message,
                }
            })?;
        parsed.path = shown;
        files.push(parsed);
    }
    Ok(files)
}

/// Adds the files under `directory` that a `parsers` glob matches (and `ignore` does not).
/// Symbolic links to directories are not followed, so a link cycle cannot loop.
fn walk_for_globs(
    directory: &Path,
    policy: &Policy,
    root: &Path,
    found: &mut Vec<PathBuf>,
) -> Result<(), String> {
    let entries = std::fs::read_dir(directory)
        .map_err(|error| format!("{}: cannot read: {error}", display(directory, root)))?;
    for entry in entries {
        let entry =
            entry.map_err(|error| format!("{}: cannot read: {error}", display(directory, root)))?;
        let path = entry.path();
        let shown = display(&path, root);
        if policy
            .ignore
            .as_ref()
            .is_some_and(|regex| regex.is_match(&shown))
        {
            continue;
        }
        let kind = entry
            .file_type()
            .map_err(|error| format!("{shown}: cannot read: {error}"))?;
        if kind.is_dir() {
            walk_for_globs(&path, policy, root, found)?;
        } else if kind.is_file() && policy.parsers.iter().any(|(glob, _)| glob.is_match(&shown)) {
            found.push(path);
        }
    }
    Ok(())
}

/// An error message as a gate error, located at the `file:line` (or `file:line:column`) it
/// starts with, if any, so annotations and SARIF point at the broken policy or input. The
/// location is taken out of the message: renderers print it in front.
fn located(message: String) -> GateError {
    let mut parts = message.splitn(3, ':');
    let (Some(path), Some(Ok(line)), Some(rest)) = (
        parts.next(),
        parts.next().map(str::parse::<u32>),
        parts.next(),
    ) else {
        return GateError::new(message);
    };
    if path.is_empty() || path.contains(' ') {
        return GateError::new(message);
    }
    // A column, when the compiler gives one, is dropped with the rest of the position.
    let rest = match rest.split_once(':') {
        Some((column, after)) if column.parse::<u32>().is_ok() => after,
        _ => rest,
    };
    GateError::new(rest.trim_start()).with_location(Location::line(path, line))
}

#[cfg(test)]
mod tests {
    use super::located;
    use gate_core::Location;

    #[test]
    fn errors_are_located_at_their_file_and_line() {
        let error = located("deploy/api.yaml:5: invalid yaml: oops".to_owned());
        assert_eq!(error.location, Some(Location::line("deploy/api.yaml", 5)));
        assert_eq!(error.message, "invalid yaml: oops");
        let error = located("policy/x.rego:6:1: expecting `)`".to_owned());
        assert_eq!(error.location, Some(Location::line("policy/x.rego", 6)));
        assert_eq!(error.message, "expecting `)`");
        let error = located("no policies found in policy".to_owned());
        assert_eq!(error.location, None);
        assert_eq!(error.message, "no policies found in policy");
    }
}
