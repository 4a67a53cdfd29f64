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
    // PEP 508 direct reference, `name[extras] @ URL ; markers`: checked before a bare URL, whose
    // `://` the URL of a direct reference contains too.
    if let Some((name, after_at)) = direct_reference(requirement) {
        let url = direct_url(after_at).ok_or_else(invalid)?;
        return Ok(direct_dependency(name, url, path, line));
    }
    if requirement.contains("://") || requirement.starts_with(['.', '/']) {
        return Ok(url_requirement(requirement, path, line));
    }
    let before_markers = requirement
        .split_once(';')
        .map_or(requirement, |(req, _)| req)
        .trim();
    let (name, mut rest) = split_name(before_markers).ok_or_else(invalid)?;
    if let Some(extras) = rest.strip_prefix('[') {
        let close = extras.find(']').ok_or_else(invalid)?;
        rest = extras[close + 1..].trim_start();
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

/// The project name at the start of a requirement, and the text after it (trimmed).
fn split_name(text: &str) -> Option<(&str, &str)> {
    let end = text.find(|c: char| !is_name_char(c)).unwrap_or(text.len());
    let name = &text[..end];
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some((name, text[end..].trim_start()))
}

/// `name[extras] @ …` (PEP 508): the name and the text after the `@`, or `None` when the
/// requirement is not a direct reference.
fn direct_reference(requirement: &str) -> Option<(&str, &str)> {
    let (name, mut rest) = split_name(requirement)?;
    if let Some(extras) = rest.strip_prefix('[') {
        let close = extras.find(']')?;
        rest = extras[close + 1..].trim_start();
    }
    Some((name, rest.strip_prefix('@')?.trim_start()))
}

/// The URL of a direct reference: it ends at whitespace, and only a marker
/// (`; python_version < "3.11"`) may follow it. `None` when there is no URL or other text follows.
fn direct_url(after_at: &str) -> Option<&str> {
    let (url, tail) = after_at
        .split_once(char::is_whitespace)
        .map_or((after_at, ""), |(url, tail)| (url, tail.trim_start()));
    let url = url.strip_suffix(';').unwrap_or(url);
    (!url.is_empty() && (tail.is_empty() || tail.starts_with(';'))).then_some(url)
}

/// A direct reference: pinned when the URL names a release archive whose file name carries the
/// version (a wheel, an sdist), else unpinned, with the URL as its requirement.
fn direct_dependency(name: &str, url: &str, path: &Path, line: u32) -> Dependency {
    let origin = origin_of_url(url);
    let version = match &origin {
        Origin::Url(_) => archive_version(name, url),
        _ => None,
    };
    let version = version.map_or_else(
        || VersionSpec::Unpinned(format!("@ {url}")),
        VersionSpec::Pinned,
    );
    Dependency::new(Ecosystem::PyPI, name, version, path, Some(line))
        .with_relation(Relation::Direct)
        .with_origin(origin)
}

/// The version a release archive's file name states: `{name}-{version}(-{build})?-{tags}.whl`
/// (the wheel specification) or `{name}-{version}.tar.gz` / `.zip` / `.tar.bz2` / `.tgz` (sdists,
/// whose name part may itself hold dashes). The name part must be the requirement's project, and
/// the version must be valid PEP 440, or nothing is claimed.
fn archive_version(name: &str, url: &str) -> Option<String> {
    let without_fragment = url.split(['#', '?']).next().unwrap_or(url);
    let file = without_fragment.rsplit('/').next()?;
    let file = percent_decode(file);
    let project = Ecosystem::PyPI.normalise_name(name);
    let is_version = |text: &str| crate::Version::parse(Ecosystem::PyPI, text).is_ok();
    if let Some(stem) = file.strip_suffix(".whl") {
        let mut parts = stem.split('-');
        let (wheel_name, version) = (parts.next()?, parts.next()?);
        let tags = parts.count();
        let named = Ecosystem::PyPI.normalise_name(wheel_name) == project;
        return (named && (3..=4).contains(&tags) && is_version(version))
            .then(|| version.to_owned());
    }
    let stem = [".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".zip"]
        .iter()
        .find_map(|extension| file.strip_suffix(extension))?;
    stem.match_indices('-').find_map(|(at, _)| {
        let (sdist_name, version) = (&stem[..at], &stem[at + 1..]);
        (Ecosystem::PyPI.normalise_name(sdist_name) == project && is_version(version))
            .then(|| version.to_owned())
    })
}

/// `%2B` → `+` in a URL's file name (local versions such as `1.0+cpu` are written encoded).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
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
    fn direct_references_name_the_project_and_a_version_only_an_archive_states() {
        let url = |text: &str| format!("https://files.example.invalid/packages/{text}");
        let cases = [
            // (line, name, version pinned by the URL)
            (
                format!("Jinja2 @ {}", url("Jinja2-3.1.2-py3-none-any.whl")),
                "jinja2",
                Some("3.1.2"),
            ),
            (
                format!(
                    "jinja2[i18n] @ {} ; python_version >= \"3.8\"",
                    url("jinja2-3.1.2.tar.gz#sha256=ab")
                ),
                "jinja2",
                Some("3.1.2"),
            ),
            (
                format!("python-dateutil @ {}", url("python-dateutil-2.8.2.tar.gz")),
                "python-dateutil",
                Some("2.8.2"),
            ),
            (
                format!(
                    "torch @ {}",
                    url("torch-2.1.0%2Bcpu-cp311-cp311-linux_x86_64.whl")
                ),
                "torch",
                Some("2.1.0+cpu"),
            ),
            // Another project's archive, or no version in the file name: nothing is claimed.
            (
                format!("jinja2 @ {}", url("markupsafe-2.1.3.tar.gz")),
                "jinja2",
                None,
            ),
            (format!("jinja2 @ {}", url("main.zip")), "jinja2", None),
            (
                "jinja2 @ git+https://example.invalid/pallets/jinja.git@3.1.2".to_owned(),
                "jinja2",
                None,
            ),
            (
                "jinja2@file:///wheels/jinja2-3.1.2-py3-none-any.whl".to_owned(),
                "jinja2",
                None,
            ),
        ];
        for (text, name, version) in cases {
            let parsed = parse(&text);
            let dependency = &parsed.dependencies[0];
            assert_eq!(dependency.name, name, "{text}");
            assert_eq!(dependency.version.pinned(), version, "{text}");
            assert!(!matches!(dependency.origin, Origin::Registry(_)), "{text}");
        }
        assert!(parse_requirements("jinja2 @\n", Path::new("r.txt")).is_err());
        assert!(
            parse_requirements("jinja2 @ https://x/y.whl extra\n", Path::new("r.txt")).is_err()
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
