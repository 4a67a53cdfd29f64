//! Writing a whole file or nothing: the one way gate writes files it was asked to write
//! (reports, changelogs, caches), so a crash or a full disk never leaves half a file.

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// How many symbolic links a path may pass through, as Linux allows (`MAXSYMLINKS`).
const MAX_LINKS: usize = 40;

/// Where `/proc` cannot say whether a process runs, a leftover temporary file this old is
/// stale: no write of gate's (a report, a changelog, a 1 GiB download at a slow 300 kB/s) takes
/// an hour, and a younger one may belong to a writer that is still running.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// Writes `contents` to a temporary file beside `path`, then renames it over `path`.
///
/// A path that exists and is not a regular file (`/dev/null`, `/dev/stdout`, a FIFO) is written
/// in place: renaming over it would replace the device with a plain file.
///
/// A symbolic link is followed to the file it names, which is replaced; the link stays a link
/// (a `pyproject.toml` linked from a shared directory is updated, not forked). The replacement
/// keeps the old file's permissions, and a file without write permission for its owner is refused
/// with [`std::io::ErrorKind::PermissionDenied`] rather than replaced: renaming would otherwise
/// succeed, since it needs write permission on the directory only.
pub fn write_atomically(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    if std::fs::metadata(path).is_ok_and(|metadata| !metadata.is_file() && !metadata.is_dir()) {
        return std::fs::write(path, contents);
    }
    let path = &final_target(path)?;
    let permissions = match std::fs::metadata(path) {
        Ok(metadata) => Some(metadata.permissions()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => return Err(error),
    };
    if permissions.as_ref().is_some_and(read_only) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "the file is read-only: make it writable to let gate replace it",
        ));
    }
    let directory = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Some(file_name) = path.file_name() else {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a file path",
        ));
    };
    // A write killed with SIGKILL leaves its temporary behind; the next write of the same file
    // removes it (best effort: a leftover that cannot be removed does not stop this write).
    if let Some(name) = file_name.to_str() {
        remove_stale_temporaries(directory, &format!(".{name}."), ".tmp");
    }
    let mut temporary_name = std::ffi::OsString::from(".");
    temporary_name.push(file_name);
    temporary_name.push(format!(".{}.tmp", std::process::id()));
    let temporary = directory.join(temporary_name);
    let written = std::fs::File::create(&temporary)
        .and_then(|mut file| {
            if let Some(permissions) = permissions {
                file.set_permissions(permissions)?;
            }
            file.write_all(contents).and_then(|()| file.sync_all())
        })
        .and_then(|()| std::fs::rename(&temporary, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// Removes the files in `directory` named exactly `{prefix}{pid}{suffix}` (the pid in decimal
/// digits) whose process no longer runs: the leftovers of a writer killed mid-write. A file of
/// this process or of a running one, a name that differs in any way, and anything that is not a
/// regular file are left alone. On Linux `/proc/{pid}` tells whether the process runs; where
/// there is no `/proc`, a leftover counts as stale once unmodified for an hour. Errors are
/// ignored: this is tidying, and it must never stop the write that triggered it.
pub fn remove_stale_temporaries(directory: &Path, prefix: &str, suffix: &str) {
    let Ok(entries) = std::fs::read_dir(directory) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|name| name.strip_prefix(prefix)?.strip_suffix(suffix))
            .filter(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(metadata) = std::fs::symlink_metadata(entry.path()) else {
            continue;
        };
        if metadata.is_file() && pid != std::process::id() && !runs(pid, &metadata) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether process `pid` may still be writing a file with this metadata.
fn runs(pid: u32, metadata: &std::fs::Metadata) -> bool {
    if Path::new("/proc/self").exists() {
        return Path::new(&format!("/proc/{pid}")).exists();
    }
    metadata
        .modified()
        .ok()
        .and_then(|modified| modified.elapsed().ok())
        .is_none_or(|age| age < STALE_AFTER)
}

/// The file `path` names once every symbolic link in its last component is followed; `path`
/// itself when it is not a link. A dangling link gives the missing file it points at, so the
/// write creates that file as writing through the link would. Not `canonicalize`: that fails on
/// a dangling link, and turning the rest of the path absolute is not needed.
fn final_target(path: &Path) -> std::io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&current) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                let link = std::fs::read_link(&current)?;
                // A relative link is relative to the directory holding it, not to ours.
                current = match current.parent() {
                    Some(parent) if link.is_relative() => parent.join(link),
                    _ => link,
                };
            }
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(error),
            _ => return Ok(current),
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!("more than {MAX_LINKS} symbolic links in a row (a loop?)"),
    ))
}

/// No write permission for the file's owner (on Unix; elsewhere, the read-only attribute).
#[cfg(unix)]
fn read_only(permissions: &std::fs::Permissions) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    permissions.mode() & 0o200 == 0
}

/// No write permission for the file's owner (on Unix; elsewhere, the read-only attribute).
#[cfg(not(unix))]
fn read_only(permissions: &std::fs::Permissions) -> bool {
    permissions.readonly()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_files::{is_symlink, names, scratch};

    /// The pid of a process that has exited (and been reaped), so it no longer runs.
    fn dead_pid() -> u32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn removes_the_leftover_of_a_dead_writer_and_nothing_else() {
        let directory = scratch("write-stale");
        let path = directory.join("CHANGELOG.md");
        let dead = dead_pid();
        let parent = std::os::unix::process::parent_id();
        let own = std::process::id();
        let kept = [
            format!(".CHANGELOG.md.{own}1.tmp.bak"),
            format!(".CHANGELOG.md.{parent}.tmp"),
            format!(".CHANGELOG.md.x{dead}.tmp"),
            format!(".CHANGELOG.md.old.{dead}.tmp"),
            format!(".NEWS.md.{dead}.tmp"),
            format!("CHANGELOG.md.{dead}.tmp"),
            ".CHANGELOG.md..tmp".to_owned(),
        ];
        for name in &kept {
            std::fs::write(directory.join(name), "a user's file").unwrap();
        }
        std::fs::write(directory.join(format!(".CHANGELOG.md.{dead}.tmp")), "").unwrap();
        write_atomically(&path, b"new").unwrap();
        let mut expected: Vec<std::ffi::OsString> = kept.iter().map(Into::into).collect();
        expected.push("CHANGELOG.md".into());
        expected.sort();
        assert_eq!(names(&directory), expected);
        // This process's own temporary, as if another thread were mid-write, is not touched.
        let own = directory.join(format!(".CHANGELOG.md.{own}.tmp"));
        std::fs::write(&own, "").unwrap();
        remove_stale_temporaries(&directory, ".CHANGELOG.md.", ".tmp");
        assert!(own.exists());
        std::fs::remove_dir_all(&directory).unwrap();
    }

    #[test]
    fn replaces_a_file_whole_and_leaves_no_temporary() {
        let directory = scratch("write-whole");
        let path = directory.join("report.json");
        std::fs::write(&path, "old, longer contents").unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(names(&directory), ["report.json"]);
        std::fs::remove_dir_all(&directory).unwrap();
    }

    /// A FIFO stands in for `/dev/null`: it must still be a FIFO afterwards, not a plain file.
    #[cfg(unix)]
    #[test]
    fn writes_special_files_in_place() {
        use std::os::unix::fs::FileTypeExt as _;
        let directory = scratch("write-fifo");
        let fifo = crate::test_files::fifo(&directory);
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        write_atomically(&fifo, b"report").unwrap();
        // Checked before joining: had the FIFO been replaced, the reader would wait forever.
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
        assert_eq!(reader.join().unwrap(), b"report");
        std::fs::remove_dir_all(&directory).unwrap();
    }

    /// `pyproject.toml -> shared/pyproject.toml`: the link stays, the file it names changes.
    #[cfg(unix)]
    #[test]
    fn writes_through_a_symlink_to_its_target() {
        let directory = scratch("write-symlink");
        std::fs::create_dir(directory.join("shared")).unwrap();
        let target = directory.join("shared/pyproject.toml");
        std::fs::write(&target, "old").unwrap();
        // A chain of two relative links, so each hop is resolved beside its own link.
        std::os::unix::fs::symlink("shared/pyproject.toml", directory.join("middle")).unwrap();
        let link = directory.join("pyproject.toml");
        std::os::unix::fs::symlink("middle", &link).unwrap();
        write_atomically(&link, b"new").unwrap();
        assert!(is_symlink(&link));
        assert_eq!(std::fs::read_link(&link).unwrap(), Path::new("middle"));
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        assert_eq!(names(&directory.join("shared")), ["pyproject.toml"]);
        std::fs::remove_dir_all(&directory).unwrap();
    }

    /// A link to a file not yet there creates that file, as writing through the link would.
    #[cfg(unix)]
    #[test]
    fn writes_through_a_dangling_symlink() {
        let directory = scratch("write-dangling");
        let link = directory.join("report.json");
        std::os::unix::fs::symlink("reports/latest.json", &link).unwrap();
        std::fs::create_dir(directory.join("reports")).unwrap();
        write_atomically(&link, b"{}").unwrap();
        assert!(is_symlink(&link));
        assert_eq!(
            std::fs::read(directory.join("reports/latest.json")).unwrap(),
            b"{}"
        );
        std::fs::remove_dir_all(&directory).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_loop_is_an_error() {
        let directory = scratch("write-loop");
        let (a, b) = (directory.join("a"), directory.join("b"));
        std::os::unix::fs::symlink("b", &a).unwrap();
        std::os::unix::fs::symlink("a", &b).unwrap();
        assert!(write_atomically(&a, b"x").is_err());
        assert!(is_symlink(&a));
        std::fs::remove_dir_all(&directory).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn keeps_the_mode_of_the_file_it_replaces() {
        use std::os::unix::fs::PermissionsExt as _;
        let directory = scratch("write-mode");
        let script = directory.join("release.sh");
        std::fs::write(&script, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        write_atomically(&script, b"#!/bin/sh\nexit 0\n").unwrap();
        let mode = std::fs::metadata(&script).unwrap().permissions().mode();
        assert_eq!(mode & 0o7777, 0o755);
        assert_eq!(std::fs::read(&script).unwrap(), b"#!/bin/sh\nexit 0\n");
        std::fs::remove_dir_all(&directory).unwrap();
    }

    /// Checked by mode, not by the system refusing: root may write anything.
    #[cfg(unix)]
    #[test]
    fn refuses_a_read_only_file_and_leaves_it_as_it_was() {
        use std::os::unix::fs::PermissionsExt as _;
        let directory = scratch("write-readonly");
        let locked = directory.join("CHANGELOG.md");
        std::fs::write(&locked, "old").unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o444)).unwrap();
        let error = write_atomically(&locked, b"new").unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::PermissionDenied);
        assert!(error.to_string().contains("read-only"), "{error}");
        assert_eq!(std::fs::read(&locked).unwrap(), b"old");
        let mode = std::fs::metadata(&locked).unwrap().permissions().mode();
        assert_eq!(mode & 0o7777, 0o444);
        assert_eq!(names(&directory), ["CHANGELOG.md"]);
        std::fs::remove_dir_all(&directory).unwrap();
    }
}
