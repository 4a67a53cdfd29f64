//! conftest's Rego builtins as regorus extensions: `parse_config`, `parse_config_file`,
//! `parse_combined_config_files`. The file builtins read only files under the given roots.
//!
//! conftest resolves a relative path against the directory of the policy file that calls the
//! builtin. regorus does not tell an extension who called it, so a relative path is looked up
//! next to each policy file that calls one of these builtins (the first that has the file
//! wins), then in the working directory.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail};
use regorus::Value;

use crate::engine::combined_value;
use crate::parse::{self, Format, Parsed};

/// Adds the builtins to `engine`. `strict`: built-in errors are errors, not undefined.
pub(crate) fn register(
    engine: &mut regorus::Engine,
    roots: &[PathBuf],
    bases: &[PathBuf],
    strict: bool,
) -> anyhow::Result<()> {
    // OPA resolves the name through DNS. gate evaluates offline, as OPA does on a machine
    // without DNS: the call fails, so it is undefined unless built-in errors are shown.
    engine.add_extension(
        "net.lookup_ip_addr".to_owned(),
        1,
        Box::new(move |params: Vec<Value>| {
            let [name] = params.as_slice() else {
                bail!("net.lookup_ip_addr expects 1 argument");
            };
            if strict {
                bail!(
                    "built-in error: net.lookup_ip_addr({name}): gate evaluates policies offline \
                     and resolves no host names"
                );
            }
            Ok(Value::Undefined)
        }),
    )?;
    engine.add_extension(
        "parse_config".to_owned(),
        2,
        Box::new(|params: Vec<Value>| {
            let [parser, content] = params.as_slice() else {
                bail!("parse_config expects 2 arguments");
            };
            let format = Format::from_name(parser.as_string()?.as_ref())?;
            let parsed = parse::parse(format, "parse_config", content.as_string()?.as_ref())?;
            Ok(parsed.rego_value())
        }),
    )?;
    // The policies' own directories may be read too: conftest reads files next to them.
    let allowed: Vec<PathBuf> = roots.iter().chain(bases).cloned().collect();
    let near = bases.to_vec();
    engine.add_extension(
        "parse_config_file".to_owned(),
        1,
        Box::new(move |params: Vec<Value>| {
            let [path] = params.as_slice() else {
                bail!("parse_config_file expects 1 argument");
            };
            let path = resolve(&near, path.as_string()?.as_ref());
            let parsed = read_allowed(&allowed, &path)?;
            Ok(parsed.rego_value())
        }),
    )?;
    let allowed: Vec<PathBuf> = roots.iter().chain(bases).cloned().collect();
    let near = bases.to_vec();
    engine.add_extension(
        "parse_combined_config_files".to_owned(),
        1,
        Box::new(move |params: Vec<Value>| {
            let [paths] = params.as_slice() else {
                bail!("parse_combined_config_files expects 1 argument");
            };
            let mut files = Vec::new();
            for path in paths.as_array()? {
                let path = resolve(&near, path.as_string()?.as_ref());
                files.push(read_allowed(&allowed, &path)?);
            }
            Ok(combined_value(&files))
        }),
    )?;
    Ok(())
}

/// `path` joined to the first of `bases` that has it, as conftest joins it to the calling
/// policy's directory; `path` itself when none has it (or it is absolute).
fn resolve(bases: &[PathBuf], path: &str) -> String {
    if Path::new(path).is_absolute() {
        return path.to_owned();
    }
    bases
        .iter()
        .map(|base| base.join(path))
        .find(|joined| joined.is_file())
        .map_or_else(
            || path.to_owned(),
            |joined| joined.to_string_lossy().replace('\\', "/"),
        )
}

/// Reads and parses `path` if it lies under one of `roots`.
fn read_allowed(roots: &[PathBuf], path: &str) -> anyhow::Result<Parsed> {
    // The reason in Go's words, as conftest reports it (`x.yaml: no such file or directory`).
    let real = Path::new(path)
        .canonicalize()
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => anyhow!("{path}: no such file or directory"),
            _ => anyhow!("{path}: cannot read: {error}"),
        })?;
    let inside = roots.iter().any(|root| {
        root.canonicalize()
            .is_ok_and(|root| real.starts_with(&root))
    });
    if !inside {
        bail!("{path}: outside the paths policies may read");
    }
    Ok(parse::parse_file(None, Path::new(path))?)
}
