//! Where reports go: `--format FMT[=FILE]`, `--output`, GitHub Actions defaults, atomic writes.

use std::io::{self, IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use gate_core::Report;
use gate_core::render::{Format, RenderOptions};

use crate::environment::Environment;
use clap::{Args, ValueEnum};

/// Writes `text` to standard output and flushes it.
///
/// Every write to standard output goes through here instead of `print!`, which panics when the
/// reader has gone away (`gate … | head -1`). A reader that stopped early has all it wanted, so
/// the rest of the output is dropped and the command goes on to its verdict: the exit code must
/// still say fail under `set -o pipefail`, as a tool killed by SIGPIPE would.
///
/// # Errors
///
/// Any other write error (a full disk behind a redirection), naming standard output.
pub fn print(text: impl AsRef<[u8]>) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_ref())
        .and_then(|()| stdout.flush())
    {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(io::Error::new(
            error.kind(),
            format!("cannot write to standard output: {error}"),
        )),
        Ok(()) => Ok(()),
    }
}

/// Where and how reports are written; shared by every command that produces a report.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format, optionally written to a file: `FMT` or `FMT=FILE`; repeat for several.
    /// FMT is one of human, json, sarif, junit, github, markdown, gitlab [default: human].
    #[arg(long, value_name = "FMT[=FILE]")]
    pub format: Vec<String>,
    /// Write the output that would go to standard output to this file instead.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// When to colour human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always (even into a file or pipe).
    Always,
    /// Never.
    Never,
}

/// One requested output: a format and its destination (`None` is standard output).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// The format.
    pub format: Format,
    /// The file to write, or standard output.
    pub file: Option<PathBuf>,
}

/// Turns `--format` values and `--output` into outputs.
///
/// With no `--format`: human output on standard output, plus GitHub annotations when running
/// in GitHub Actions. At most one format may go to standard output.
pub fn plan(
    formats: &[String],
    output: Option<&Path>,
    environment: &Environment,
) -> anyhow::Result<Vec<Output>> {
    let mut outputs = Vec::new();
    for spec in formats {
        let (name, file) = match spec.split_once('=') {
            Some((name, file)) if !file.is_empty() => (name, Some(PathBuf::from(file))),
            Some((name, _)) => bail!(
                "--format {spec}: the file after `=` is empty (use `{name}` for standard output)"
            ),
            None => (spec.as_str(), None),
        };
        let format: Format = name.parse().with_context(|| format!("--format {spec}"))?;
        outputs.push(Output { format, file });
    }
    if outputs.is_empty() {
        outputs.push(Output {
            format: Format::Human,
            file: None,
        });
        if environment.github_actions {
            outputs.push(Output {
                format: Format::Github,
                file: None,
            });
        }
    } else {
        let to_stdout = outputs
            .iter()
            .filter(|output| output.file.is_none())
            .count();
        if to_stdout > 1 {
            bail!(
                "more than one --format writes to standard output: give all but one a file (`--format sarif=gate.sarif`)"
            );
        }
    }
    if let Some(path) = output {
        match outputs
            .iter_mut()
            .find(|output| output.file.is_none() && output.format != Format::Github)
        {
            Some(stdout_output) => stdout_output.file = Some(path.to_path_buf()),
            None => bail!("--output has nothing to write: every --format already names its file"),
        }
    }
    Ok(outputs)
}

/// Renders and writes every output; appends the Markdown job summary in GitHub Actions when a
/// `github` output was produced. Paths are as the report has them.
pub fn write_all(
    report: &Report,
    outputs: &[Output],
    color: ColorChoice,
    config_path: &str,
    environment: &Environment,
) -> anyhow::Result<()> {
    write_all_in(report, outputs, color, config_path, "", environment)
}

/// [`write_all`] for a report whose paths are relative to a directory `prefix` deep inside the
/// repository (`examples/beacon/`): the formats a platform reads (json, sarif, junit, github,
/// gitlab) get repository-relative paths, so annotations and code scanning land on the right
/// file; human and markdown keep the paths as people wrote them in gate.toml.
pub fn write_all_in(
    report: &Report,
    outputs: &[Output],
    color: ColorChoice,
    config_path: &str,
    prefix: &str,
    environment: &Environment,
) -> anyhow::Result<()> {
    let rooted = (!prefix.is_empty()).then(|| with_prefix(report, prefix));
    for output in outputs {
        let use_color = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                output.file.is_none() && !environment.no_color && std::io::stdout().is_terminal()
            }
        };
        let for_people = matches!(output.format, Format::Human | Format::Markdown);
        let (report, config_path) = match &rooted {
            Some(rooted) if !for_people => (rooted, format!("{prefix}{config_path}")),
            _ => (report, config_path.to_owned()),
        };
        let options = RenderOptions {
            color: use_color,
            config_path,
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        };
        let text = output.format.render(report, &options);
        match &output.file {
            Some(path) => write_atomically(path, text.as_bytes())?,
            None => print(&text)?,
        }
    }
    let wrote_annotations = outputs.iter().any(|output| output.format == Format::Github);
    if let (true, Some(summary)) = (wrote_annotations, &environment.github_step_summary) {
        append(summary, gate_core::render::markdown(report).as_bytes())?;
    }
    Ok(())
}

/// Appends the Markdown job summary of `report` to `$GITHUB_STEP_SUMMARY`, when set: for
/// commands that print GitHub annotations in a layout of their own (`gate policy -o github`).
pub fn append_job_summary(report: &Report, environment: &Environment) -> anyhow::Result<()> {
    if let Some(summary) = &environment.github_step_summary {
        append(summary, gate_core::render::markdown(report).as_bytes())?;
    }
    Ok(())
}

/// The report with `prefix` before every location's path.
fn with_prefix(report: &Report, prefix: &str) -> Report {
    let mut rooted = report.clone();
    let locations = rooted.gates.iter_mut().flat_map(|gate| {
        gate.findings
            .iter_mut()
            .filter_map(|finding| finding.location.as_mut())
            .chain(
                gate.errors
                    .iter_mut()
                    .filter_map(|error| error.location.as_mut()),
            )
    });
    for location in locations {
        location.path = join_relative(prefix, &location.path);
    }
    rooted
}

/// `prefix` and `path` joined, with `.` and `dir/..` resolved (`../policy/x.rego` of a gate.toml
/// in `beacon/incidents/` is `beacon/policy/x.rego`).
fn join_relative(prefix: &str, path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in prefix.split('/').chain(path.split('/')) {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|last| *last != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

/// Writes a whole file or nothing ([`gate_core::write_atomically`]), naming the file in errors.
pub fn write_atomically(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    gate_core::write_atomically(path, contents)
        .with_context(|| format!("cannot write {}", path.display()))
}

fn append(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open the job summary {}", path.display()))?;
    file.write_all(contents)
        .with_context(|| format!("cannot write the job summary {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_repository_relative_paths() {
        assert_eq!(
            join_relative("beacon/", "deploy/a.yaml"),
            "beacon/deploy/a.yaml"
        );
        assert_eq!(
            join_relative("beacon/incidents/", "../policy/x.rego"),
            "beacon/policy/x.rego"
        );
        assert_eq!(join_relative("a/", "./b"), "a/b");
        assert_eq!(join_relative("a/", "../../b"), "../b");
    }

    fn specs(values: &[&str]) -> Vec<String> {
        values.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn defaults_to_human_and_adds_annotations_in_github_actions() {
        let plain = plan(&[], None, &Environment::default()).unwrap();
        assert_eq!(
            plain,
            [Output {
                format: Format::Human,
                file: None
            }]
        );
        let actions = Environment {
            github_actions: true,
            ..Environment::default()
        };
        let formats: Vec<Format> = plan(&[], None, &actions)
            .unwrap()
            .iter()
            .map(|output| output.format)
            .collect();
        assert_eq!(formats, [Format::Human, Format::Github]);
    }

    #[test]
    fn splits_format_and_file() {
        let outputs = plan(
            &specs(&["human", "sarif=out/gate.sarif"]),
            None,
            &Environment::default(),
        )
        .unwrap();
        assert_eq!(outputs[1].format, Format::Sarif);
        assert_eq!(
            outputs[1].file.as_deref(),
            Some(Path::new("out/gate.sarif"))
        );
    }

    #[test]
    fn output_redirects_the_stdout_format() {
        let outputs = plan(
            &specs(&["json"]),
            Some(Path::new("r.json")),
            &Environment::default(),
        )
        .unwrap();
        assert_eq!(outputs[0].file.as_deref(), Some(Path::new("r.json")));
    }

    #[test]
    fn rejects_two_formats_on_stdout_and_unknown_names() {
        let error = plan(&specs(&["human", "json"]), None, &Environment::default()).unwrap_err();
        assert!(error.to_string().contains("more than one --format"));
        let error = plan(&specs(&["yaml"]), None, &Environment::default()).unwrap_err();
        assert!(format!("{error:#}").contains("unknown format `yaml`"));
        let error = plan(&specs(&["json="]), None, &Environment::default()).unwrap_err();
        assert!(error.to_string().contains("is empty"));
    }
}
