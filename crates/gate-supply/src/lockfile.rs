//! Which reader a file needs, and the loaders that read files from disk.

use std::path::{Path, PathBuf};

use crate::read_error::{ReadError, read_text};
use crate::{
    Dependency, cargo_lock, dist_info, package_lock, pipfile_lock, poetry_lock, pylock,
    requirements, uv_lock,
};

/// A supported dependency source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LockfileKind {
    /// `requirements*.txt`, `*requirements.txt` (`dev-requirements.txt`), and `*.txt` in a
    /// `requirements/` folder. A requirements file of any other name is read with
    /// [`read_requirements`](crate::read_requirements).
    Requirements,
    /// `Cargo.lock`.
    CargoLock,
    /// `poetry.lock`.
    PoetryLock,
    /// `uv.lock`.
    UvLock,
    /// `Pipfile.lock`.
    PipfileLock,
    /// `pylock.toml` or `pylock.*.toml` (PEP 751).
    Pylock,
    /// `package-lock.json` (or `npm-shrinkwrap.json`, the same format).
    PackageLock,
    /// A site-packages directory of installed `*.dist-info`.
    SitePackages,
}

impl LockfileKind {
    /// The kind a path's file name says, or `None`. Directories are checked for `*.dist-info`.
    #[allow(clippy::case_sensitive_file_extension_comparisons)]
    pub fn detect(path: &Path) -> Option<LockfileKind> {
        if path.is_dir() {
            return is_site_packages(path).then_some(LockfileKind::SitePackages);
        }
        // Lockfile names are fixed by their tools, case included.
        let name = path.file_name()?.to_str()?;
        Some(match name {
            "Cargo.lock" => LockfileKind::CargoLock,
            "poetry.lock" => LockfileKind::PoetryLock,
            "uv.lock" => LockfileKind::UvLock,
            "Pipfile.lock" => LockfileKind::PipfileLock,
            "package-lock.json" | "npm-shrinkwrap.json" => LockfileKind::PackageLock,
            "pylock.toml" => LockfileKind::Pylock,
            _ if name.starts_with("pylock.") && name.ends_with(".toml") => LockfileKind::Pylock,
            _ if name.ends_with(".txt")
                && (name.starts_with("requirements")
                    || name.ends_with("requirements.txt")
                    || in_requirements_dir(path)) =>
            {
                LockfileKind::Requirements
            }
            _ => return None,
        })
    }

    /// Parses text of this kind. `path` names the file in locations and errors; `-r` includes of a
    /// requirements file are not followed (use [`read_lockfile`] for that).
    ///
    /// [`LockfileKind::SitePackages`] is a directory: here `text` is one `METADATA` file.
    pub fn parse(self, text: &str, path: &Path) -> Result<Vec<Dependency>, ReadError> {
        match self {
            LockfileKind::Requirements => {
                requirements::parse_requirements(text, path).map(|r| r.dependencies)
            }
            LockfileKind::CargoLock => cargo_lock::parse_cargo_lock(text, path),
            LockfileKind::PoetryLock => poetry_lock::parse_poetry_lock(text, path),
            LockfileKind::UvLock => uv_lock::parse_uv_lock(text, path),
            LockfileKind::PipfileLock => pipfile_lock::parse_pipfile_lock(text, path),
            LockfileKind::Pylock => pylock::parse_pylock(text, path),
            LockfileKind::PackageLock => package_lock::parse_package_lock(text, path),
            LockfileKind::SitePackages => dist_info::parse_dist_info(text, path).map(|d| vec![d]),
        }
    }
}

/// Whether a file sits in a folder named `requirements`, as typed or where it really is: `base.txt`
/// typed from inside `requirements/` (or `./base.txt`, `../requirements/x/../base.txt`) has no
/// such parent in the path as typed.
fn in_requirements_dir(path: &Path) -> bool {
    let parent_is = |path: &Path| {
        path.parent()
            .and_then(Path::file_name)
            .is_some_and(|d| d == "requirements")
    };
    parent_is(path) || std::fs::canonicalize(path).is_ok_and(|real| parent_is(&real))
}

fn is_site_packages(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .filter_map(Result::ok)
            .any(|e| e.path().extension().is_some_and(|x| x == "dist-info"))
    })
}

/// Reads the dependencies of one lockfile, requirements file (following `-r`/`-c`) or
/// site-packages directory, choosing the reader by file name.
pub fn read_lockfile(path: &Path) -> Result<Vec<Dependency>, ReadError> {
    match LockfileKind::detect(path) {
        Some(LockfileKind::Requirements) => requirements::read_requirements(path),
        Some(LockfileKind::SitePackages) => dist_info::read_site_packages(path),
        Some(kind) => kind.parse(&read_text(path)?, path),
        None if path.is_dir() || !path.exists() => Err(ReadError::Io {
            path: path.to_owned(),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no lockfile or site-packages here",
            ),
        }),
        None => Err(ReadError::UnknownFormat {
            path: path.to_owned(),
        }),
    }
}

/// The supported lockfiles directly inside `dir` (not recursive), sorted; `dir` itself when it
/// is a site-packages directory.
pub fn find_lockfiles(dir: &Path) -> Result<Vec<PathBuf>, ReadError> {
    if is_site_packages(dir) {
        return Ok(vec![dir.to_owned()]);
    }
    let entries = std::fs::read_dir(dir).map_err(|source| ReadError::Io {
        path: dir.to_owned(),
        source,
    })?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && LockfileKind::detect(p).is_some())
        .collect();
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_name() {
        let directory = tempfile::tempdir().unwrap();
        for (name, text) in [
            ("requirements.txt", "django==1.0\n"),
            (
                "Cargo.lock",
                "[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n",
            ),
        ] {
            let plain = directory.path().join(name);
            std::fs::write(&plain, text).unwrap();
            let expected = read_lockfile(&plain).unwrap();
            std::fs::write(&plain, format!("\u{feff}{text}")).unwrap();
            assert_eq!(read_lockfile(&plain).unwrap(), expected, "{name}");
        }
    }

    #[test]
    fn detects_by_file_name() {
        let kind = |p: &str| LockfileKind::detect(Path::new(p));
        assert_eq!(kind("a/Cargo.lock"), Some(LockfileKind::CargoLock));
        assert_eq!(
            kind("requirements-dev.txt"),
            Some(LockfileKind::Requirements)
        );
        assert_eq!(
            kind("requirements/base.txt"),
            Some(LockfileKind::Requirements)
        );
        assert_eq!(kind("pylock.dev.toml"), Some(LockfileKind::Pylock));
        assert_eq!(
            kind("dev-requirements.txt"),
            Some(LockfileKind::Requirements)
        );
        assert_eq!(kind("notes.txt"), None);
        assert_eq!(kind("constraints.txt"), None);
    }

    #[test]
    fn a_file_in_a_requirements_folder_is_recognised_where_it_really_is() {
        let directory = tempfile::tempdir().unwrap();
        let folder = directory.path().join("requirements");
        std::fs::create_dir_all(folder.join("sub")).unwrap();
        std::fs::write(folder.join("base.txt"), "django==1.0\n").unwrap();
        // As typed, the parent of `requirements/sub/../base.txt` is `..`, not `requirements`.
        let typed = folder.join("sub/../base.txt");
        assert_eq!(
            LockfileKind::detect(&typed),
            Some(LockfileKind::Requirements)
        );
        assert_eq!(read_lockfile(&typed).unwrap()[0].name, "django");
        std::fs::write(directory.path().join("base.txt"), "django==1.0\n").unwrap();
        assert_eq!(
            LockfileKind::detect(&folder.join("../base.txt")),
            None,
            "a base.txt outside requirements/ stays unrecognised"
        );
    }
}
