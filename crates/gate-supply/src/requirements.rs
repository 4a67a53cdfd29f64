//! pip `requirements*.txt` files: pins, hashes, extras, markers, `-r`/`-c` includes, continuations.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::read_error::{ReadError, read_text};
use crate::{Dependency, Ecosystem, Origin, Relation, VersionSpec};

/// How one requirements file pulls in another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncludeKind {
    /// `-r FILE` / `--requirement FILE`: its requirements are added.
    Requirements,
    /// `-c FILE` / `--constraint FILE`: its pins constrain, but add nothing.
    Constraints,
}

/// An `-r`/`-c` line, with the target resolved against the including file's directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Include {
    /// Requirements or constraints.
    pub kind: IncludeKind,
    /// The included file, relative to the including file's directory (as pip resolves it).
    pub target: PathBuf,
    /// The 1-based line of the include.
    pub line: u32,
}

/// One requirements file, parsed without touching the file system.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requirements {
    /// Every requirement line, pinned or not, in file order.
    pub dependencies: Vec<Dependency>,
    /// The `-r`/`-c` lines, for a loader to follow.
    pub includes: Vec<Include>,
}

/// Options that take a value and say nothing about which packages are installed.
const VALUE_OPTIONS: &[&str] = &[
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "--trusted-host",
    "--no-binary",
    "--only-binary",
    "--use-feature",
    "--config-settings",
    "--global-option",
    "--hash",
];

/// Parses the text of a requirements file. `path` is used for locations and to resolve includes.
pub fn parse_requirements(text: &str, path: &Path) -> Result<Requirements, ReadError> {
    let base = path.parent().unwrap_or_else(|| Path::new(""));
    let mut parsed = Requirements::default();
    for (line, logical) in logical_lines(text) {
        let mut tokens = logical.split_whitespace().peekable();
        let Some(first) = tokens.peek().copied() else {
            continue;
        };
        if first.starts_with('-') {
            let (option, inline) = match first.split_once('=') {
                Some((option, value)) if first.starts_with("--") => (option, Some(value)),
                _ => split_short(first),
            };
            tokens.next();
            let mut value = || {
                inline
                    .filter(|v| !v.is_empty())
                    .or_else(|| tokens.next())
                    .ok_or_else(|| ReadError::MissingOptionValue {
                        path: path.to_owned(),
                        line,
                        option: option.to_owned(),
                    })
            };
            match option {
                "-r" | "--requirement" | "-c" | "--constraint" => {
                    let kind = if matches!(option, "-r" | "--requirement") {
                        IncludeKind::Requirements
                    } else {
                        IncludeKind::Constraints
                    };
                    let target = base.join(value()?);
                    parsed.includes.push(Include { kind, target, line });
                }
                "-e" | "--editable" => {
                    let target = value()?;
                    parsed
                        .dependencies
                        .push(url_requirement(target, path, line));
                }
                _ if VALUE_OPTIONS.contains(&option) => {
                    value()?;
                }
                // Flags such as `--require-hashes`, `--pre`, `--no-index` change how pip resolves,
                // not what is locked here.
                _ => {}
            }
            continue;
        }
        parsed
            .dependencies
            .push(parse_requirement(&logical, path, line)?);
    }
    Ok(parsed)
}

/// `-rfile` is how pip spells a short option glued to its value.
fn split_short(token: &str) -> (&str, Option<&str>) {
    if !token.starts_with("--") && token.len() > 2 && token.is_char_boundary(2) {
        (&token[..2], Some(&token[2..]))
    } else {
        (token, None)
    }
}

/// Joins `\` continuations and drops comments, keeping each requirement's first line number.
fn logical_lines(text: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut start = 0u32;
    for (index, raw) in text.lines().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        if current.is_empty() {
            start = number;
        }
        let content = strip_comment(raw);
        if let Some(body) = content.strip_suffix('\\') {
            current.push_str(body);
            current.push(' ');
            continue;
        }
        current.push_str(content);
        let logical = std::mem::take(&mut current);
        if !logical.trim().is_empty() {
            out.push((start, logical.trim().to_owned()));
        }
    }
    if !current.trim().is_empty() {
        out.push((start, current.trim().to_owned()));
    }
    out
}

/// pip strips `#` comments that start a line or follow whitespace (a URL fragment `#egg=` stays).
fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) {
            return line[..i].trim_end();
        }
    }
    line.trim_end()
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')
}

/// One requirement: `name[extras] specifiers ; markers --hash=…`, or a URL / path.
fn parse_requirement(text: &str, path: &Path, line: u32) -> Result<Dependency, ReadError> {
    let invalid = || ReadError::InvalidRequirement {
        path: path.to_owned(),
        line,
        text: text.to_owned(),
    };
    // Per-requirement options come after the requirement itself.
    let requirement = text
        .find(" --")
        .or_else(|| text.find("\t--"))
        .map_or(text, |at| &text[..at])
        .trim();
    if requirement.contains("://") || requirement.starts_with(['.', '/']) {
        return Ok(url_requirement(requirement, path, line));
    }
    let before_markers = requirement
        .split_once(';')
        .map_or(requirement, |(req, _)| req)
        .trim();
    let name_end = before_markers
        .find(|c: char| !is_name_char(c))
        .unwrap_or(before_markers.len());
    let name = &before_markers[..name_end];
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(invalid());
    }
    let mut rest = before_markers[name_end..].trim_start();
    if let Some(extras) = rest.strip_prefix('[') {
        let close = extras.find(']').ok_or_else(invalid)?;
        rest = extras[close + 1..].trim_start();
    }
    if let Some(url) = rest.strip_prefix('@') {
        let url = url.trim();
        if url.is_empty() {
            return Err(invalid());
        }
        return Ok(Dependency::new(
            Ecosystem::PyPI,
            name,
            VersionSpec::Unpinned(format!("@ {url}")),
            path,
            Some(line),
        )
        .with_relation(Relation::Direct)
        .with_origin(origin_of_url(url)));
    }
    let spec = rest
        .strip_prefix('(')
        .and_then(|inner| inner.strip_suffix(')'))
        .unwrap_or(rest)
        .trim();
    if !spec.is_empty() && !spec.starts_with(['=', '<', '>', '!', '~']) {
        return Err(invalid());
    }
    Ok(
        Dependency::new(Ecosystem::PyPI, name, pin_of(spec), path, Some(line))
            .with_relation(Relation::Direct),
    )
}

/// `==X` (without a wildcard) and `===X` pin one version; anything else does not.
fn pin_of(spec: &str) -> VersionSpec {
    let single = !spec.contains(',');
    if single {
        if let Some(version) = spec.strip_prefix("===") {
            return VersionSpec::Pinned(version.trim().to_owned());
        }
        if let Some(version) = spec.strip_prefix("==") {
            let version = version.trim();
            if !version.is_empty() && !version.contains('*') {
                return VersionSpec::Pinned(version.to_owned());
            }
        }
    }
    VersionSpec::Unpinned(spec.to_owned())
}

fn origin_of_url(url: &str) -> Origin {
    if url.starts_with("git+") {
        Origin::Git(url.to_owned())
    } else if url.starts_with("file:") || url.starts_with(['.', '/']) {
        Origin::Local
    } else {
        Origin::Url(url.to_owned())
    }
}

/// A URL or path requirement, named by its `#egg=` fragment when it has one.
fn url_requirement(target: &str, path: &Path, line: u32) -> Dependency {
    let egg = target
        .split_once("#egg=")
        .map(|(_, egg)| egg.split('&').next().unwrap_or(egg));
    let mut dependency = Dependency::new(
        Ecosystem::PyPI,
        egg.unwrap_or(target),
        VersionSpec::Unpinned(target.to_owned()),
        path,
        Some(line),
    )
    .with_relation(Relation::Direct)
    .with_origin(origin_of_url(target));
    if egg.is_none() {
        // No project name to normalise: the path or URL is the best name there is.
        target.clone_into(&mut dependency.name);
    }
    dependency
}

/// Reads a requirements file and every file it includes with `-r` (paths relative to the
/// including file); pins from `-c` constraint files apply to requirements left unpinned.
pub fn read_requirements(path: &Path) -> Result<Vec<Dependency>, ReadError> {
    let mut stack = Vec::new();
    let mut constraints = HashMap::new();
    let mut dependencies = Vec::new();
    collect(path, &mut stack, &mut dependencies, &mut constraints, false)?;
    for dependency in &mut dependencies {
        if let (VersionSpec::Unpinned(_), Some(version)) =
            (&dependency.version, constraints.get(&dependency.name))
        {
            dependency.version = VersionSpec::Pinned(String::clone(version));
        }
    }
    Ok(dependencies)
}

fn collect(
    path: &Path,
    stack: &mut Vec<PathBuf>,
    dependencies: &mut Vec<Dependency>,
    constraints: &mut HashMap<String, String>,
    as_constraints: bool,
) -> Result<(), ReadError> {
    let text = read_text(path)?;
    let parsed = parse_requirements(&text, path)?;
    let identity = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    stack.push(identity);
    if as_constraints {
        for dependency in parsed.dependencies {
            if let VersionSpec::Pinned(version) = dependency.version {
                constraints.insert(dependency.name, version);
            }
        }
    } else {
        dependencies.extend(parsed.dependencies);
    }
    for include in parsed.includes {
        let target = std::fs::canonicalize(&include.target).unwrap_or(include.target.clone());
        if stack.contains(&target) {
            return Err(ReadError::IncludeCycle {
                path: path.to_owned(),
                line: include.line,
                target: include.target,
            });
        }
        let constraint = as_constraints || include.kind == IncludeKind::Constraints;
        collect(
            &include.target,
            stack,
            dependencies,
            constraints,
            constraint,
        )?;
    }
    stack.pop();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Requirements {
        parse_requirements(text, Path::new("dir/requirements.txt")).unwrap()
    }

    #[test]
    fn pins_extras_markers_hashes_and_continuations() {
        let parsed = parse(
            "# comment\n\
             Requests[security,socks]==2.19.1 ; python_version >= \"3\" \\\n    --hash=sha256:abc \\\n    --hash=sha256:def\n\
             \n\
             Django===1.11  # trailing comment\n\
             flask>=1.0\n\
             six\n\
             zope.interface (==4.0)\n",
        );
        let got: Vec<_> = parsed
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.version.clone(), d.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("requests", VersionSpec::Pinned("2.19.1".into()), Some(2)),
                ("django", VersionSpec::Pinned("1.11".into()), Some(6)),
                ("flask", VersionSpec::Unpinned(">=1.0".into()), Some(7)),
                ("six", VersionSpec::Unpinned(String::new()), Some(8)),
                ("zope-interface", VersionSpec::Pinned("4.0".into()), Some(9)),
            ]
        );
    }

    #[test]
    fn wildcards_and_ranges_are_not_pins() {
        let parsed = parse("a==1.*\nb==1.0,<2\nc~=1.0\n");
        assert!(
            parsed
                .dependencies
                .iter()
                .all(|d| d.version.pinned().is_none())
        );
    }

    #[test]
    fn includes_resolve_against_the_including_file() {
        let parsed = parse(
            "-r base.txt\n--constraint=c.txt\n-rother.txt\n-i https://example.invalid/simple\n",
        );
        let targets: Vec<_> = parsed
            .includes
            .iter()
            .map(|i| (i.kind, i.target.clone()))
            .collect();
        assert_eq!(
            targets,
            vec![
                (IncludeKind::Requirements, PathBuf::from("dir/base.txt")),
                (IncludeKind::Constraints, PathBuf::from("dir/c.txt")),
                (IncludeKind::Requirements, PathBuf::from("dir/other.txt")),
            ]
        );
        assert!(parsed.dependencies.is_empty());
    }

    #[test]
    fn urls_and_editables_are_unpinned_with_their_origin() {
        let parsed = parse(
            "-e .\ngit+https://example.invalid/x.git#egg=Foo_Bar\npkg @ https://example.invalid/pkg.whl\n",
        );
        let got: Vec<_> = parsed
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), &d.origin))
            .collect();
        assert_eq!(got[0], (".", &Origin::Local));
        assert_eq!(got[1].0, "foo-bar");
        assert!(matches!(got[1].1, Origin::Git(_)));
        assert!(matches!(got[2].1, Origin::Url(_)));
        assert!(
            parsed
                .dependencies
                .iter()
                .all(|d| d.version.pinned().is_none())
        );
    }

    #[test]
    fn invalid_lines_name_file_and_line() {
        let err = parse_requirements("ok==1\n\n[broken\n", Path::new("r.txt")).unwrap_err();
        assert_eq!(err.to_string(), "r.txt:3: invalid requirement `[broken`");
        let err = parse_requirements("-r\n", Path::new("r.txt")).unwrap_err();
        assert!(err.to_string().starts_with("r.txt:1:"));
    }
}
