//! Scratch directories and FIFOs for the file tests of `read` and `write`.

use std::path::{Path, PathBuf};

/// A fresh directory for one test: the tests of this crate run in parallel in one process.
pub(crate) fn scratch(name: &str) -> PathBuf {
    let directory = std::env::temp_dir().join(format!("gate-core-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).unwrap();
    directory
}

/// A named pipe `pipe` in `directory`: a file that reports size 0 and is not a regular file.
#[cfg(unix)]
pub(crate) fn fifo(directory: &Path) -> PathBuf {
    let fifo = directory.join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    fifo
}

/// Whether `path` itself is a symbolic link.
pub(crate) fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path)
        .unwrap()
        .file_type()
        .is_symlink()
}

/// The names in `directory`, sorted.
pub(crate) fn names(directory: &Path) -> Vec<std::ffi::OsString> {
    let mut names: Vec<_> = std::fs::read_dir(directory)
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    names.sort();
    names
}
