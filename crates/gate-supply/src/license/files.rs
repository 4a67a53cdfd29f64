//! License files on disk: which files a Python distribution ships as licenses, which declared
//! files are no licenses, and reading a license text.

use std::path::{Path, PathBuf};

use crate::read_error::{ReadError, read_bytes};

/// Whether a file name is a license file's, as pip-licenses picks them: `LICENSE*`,
/// `LICENCE*`, `COPYING*`, in any case (`LICENSE.txt`, `licence`, `COPYING.rst`).
pub(crate) fn is_license_file_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["license", "licence", "copying"]
        .iter()
        .any(|prefix| name.starts_with(prefix))
}

/// Whether a file name says the file is something other than a license text, though metadata
/// lists it as a license file (prompt-toolkit lists `AUTHORS.rst`): authors, notices,
/// changelogs, readmes. pip-licenses reads these apart from the license (`NOTICE*` as a
/// notice, `AUTHORS*` as "other"); classifying them would turn a licensed package `unknown`.
pub(crate) fn is_other_file_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "authors",
        "contributors",
        "credits",
        "maintainers",
        "notice",
        "readme",
        "changelog",
        "changes",
        "history",
    ]
    .iter()
    .any(|prefix| name.starts_with(prefix))
}

/// `licenses/` subdirectories deeper than this are not searched (PEP 639 keeps the source
/// tree's layout there, a few levels at most); it bounds the walk.
const MAX_DEPTH: usize = 8;

/// The license files a dist-info directory ships, whether or not `METADATA` declares them:
/// files named like licenses ([`is_license_file_name`]) directly in the dist-info directory
/// (wheels built before PEP 639) and anywhere under its `licenses/` folder (PEP 639), sorted.
/// Symbolic links to directories are not followed; unreadable directories are skipped (the
/// declared statements still decide, and a package with none is `unknown`).
pub(crate) fn shipped_license_files(dist_info: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for (path, is_dir) in entries(dist_info) {
        if !is_dir && file_name(&path).is_some_and(is_license_file_name) {
            found.push(path);
        }
    }
    walk(&dist_info.join("licenses"), 0, &mut found);
    found.sort();
    found.dedup();
    found
}

fn walk(dir: &Path, depth: usize, found: &mut Vec<PathBuf>) {
    if depth > MAX_DEPTH {
        return;
    }
    for (path, is_dir) in entries(dir) {
        if is_dir {
            walk(&path, depth + 1, found);
        } else if file_name(&path).is_some_and(is_license_file_name) {
            found.push(path);
        }
    }
}

/// The entries of a directory with whether each is a real directory (not a link to one).
fn entries(dir: &Path) -> Vec<(PathBuf, bool)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|entry| {
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            (entry.path(), is_dir)
        })
        .collect()
}

fn file_name(path: &Path) -> Option<&str> {
    path.file_name().and_then(|n| n.to_str())
}

/// Reads a license text. Bytes that are not UTF-8 become U+FFFD (a Latin-1 `©` must not make
/// the text unreadable: pip-licenses reads with replacement too); the size is bounded.
pub(crate) fn read_license_text(path: &Path) -> Result<String, ReadError> {
    let bytes = read_bytes(path)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn license_names_as_pip_licenses_matches_them() {
        for name in [
            "LICENSE",
            "LICENSE.txt",
            "licence.md",
            "COPYING.rst",
            "License-MIT",
        ] {
            assert!(is_license_file_name(name), "{name}");
        }
        for name in [
            "AUTHORS.rst",
            "NOTICE",
            "README.md",
            "BSD-2-Clause.rst",
            "MY-LICENSE",
        ] {
            assert!(!is_license_file_name(name), "{name}");
        }
        for name in ["AUTHORS.rst", "NOTICE.txt", "Contributors", "CHANGES.rst"] {
            assert!(is_other_file_name(name), "{name}");
        }
        for name in ["LICENSE", "BSD-2-Clause.rst", "gpl-3-0.txt"] {
            assert!(!is_other_file_name(name), "{name}");
        }
    }

    #[test]
    fn shipped_files_beside_metadata_and_under_licenses() {
        let dir = tempfile::tempdir().unwrap();
        let info = dir.path().join("pkg-1.0.dist-info");
        let write = |rel: &str| {
            let path = info.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "text").unwrap();
        };
        for rel in [
            "METADATA",
            "LICENSE.txt",
            "AUTHORS.rst",
            "licenses/COPYING",
            "licenses/vendor/lib/LICENSE",
            "licenses/vendor/lib/NOTICE",
        ] {
            write(rel);
        }
        std::fs::create_dir_all(info.join("LICENSE_FILES")).unwrap();
        assert_eq!(
            shipped_license_files(&info),
            [
                info.join("LICENSE.txt"),
                info.join("licenses/COPYING"),
                info.join("licenses/vendor/lib/LICENSE"),
            ]
        );
        assert!(shipped_license_files(&dir.path().join("missing")).is_empty());
    }

    #[test]
    fn license_texts_that_are_not_utf8_are_read_with_replacements() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("LICENSE");
        std::fs::write(&path, b"Copyright \xa9 2020\n").unwrap();
        assert_eq!(
            read_license_text(&path).unwrap(),
            "Copyright \u{fffd} 2020\n"
        );
        let missing = read_license_text(&dir.path().join("nope")).unwrap_err();
        assert!(missing.to_string().starts_with("cannot read "), "{missing}");
    }
}
