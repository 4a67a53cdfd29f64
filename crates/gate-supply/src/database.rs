//! The advisory database: OSV records and RustSec advisories indexed by package.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::Ecosystem;
use crate::db_error::DbError;
use crate::osv::{Advisory, Affected, RecordFormat, parse_osv};
use crate::rustsec::parse_rustsec;

/// No advisory record comes near this; it bounds memory for files read from a directory.
const MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;

/// What one `.zip` archive may expand to. The archive comes from a download, so a zip bomb (a
/// few megabytes that inflate to gigabytes) must be refused after a small, bounded read.
#[derive(Debug, Clone, Copy)]
struct ZipLimits {
    /// Uncompressed bytes of one entry. The largest real record measured is 17 KB (PyPA YAML;
    /// RustSec OSV JSON: 11 KB), so 1 MiB is 60 times that and still cheap to hold.
    record: u64,
    /// Uncompressed bytes of all record entries together. The real PyPA + RustSec records are
    /// 7.6 MB; OSV's PyPI export, the largest archive gate downloads, is tens of megabytes
    /// compressed and so some hundred megabytes of JSON: 512 MiB leaves room for it to grow
    /// several times, and stays a quarter of what the previous 2 GiB limit let a bomb hold.
    total: u64,
    /// Uncompressed size over compressed size of one entry. Real records deflate 1.4 to 5.2
    /// times (median 2.3); a deflate bomb reaches 1,000. 100 leaves room for records made of
    /// long repetitive version lists.
    ratio: u64,
    /// Entries up to this size skip the ratio check: a tiny record of repeated text can
    /// compress far better than 100 times and still costs nothing to read.
    ratio_exempt: u64,
}

const ZIP_LIMITS: ZipLimits = ZipLimits {
    record: 1024 * 1024,
    total: 512 * 1024 * 1024,
    ratio: 100,
    ratio_exempt: 64 * 1024,
};

/// Archive entries are parsed in batches of about this many uncompressed bytes: enough records
/// to keep every core busy, while the raw bytes held at once stay small.
const BATCH_BYTES: u64 = 8 * 1024 * 1024;

/// Advisories indexed by (ecosystem, normalised package name).
#[derive(Debug, Default)]
pub struct Database {
    advisories: Vec<Advisory>,
    ids: HashSet<String>,
    index: HashMap<(Ecosystem, String), Vec<(usize, usize)>>,
}

/// One file's content before parsing.
struct RawFile {
    path: PathBuf,
    bytes: Vec<u8>,
    kind: FileKind,
}

#[derive(Clone, Copy)]
enum FileKind {
    Osv(RecordFormat),
    RustsecNative,
}

fn kind_of(path: &Path) -> Option<FileKind> {
    match path.extension()?.to_str()? {
        "json" => Some(FileKind::Osv(RecordFormat::Json)),
        "yaml" | "yml" => Some(FileKind::Osv(RecordFormat::Yaml)),
        // Only advisories are `.md` files in the RustSec layout; READMEs are not named RUSTSEC-*.
        "md" if path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("RUSTSEC-")) =>
        {
            Some(FileKind::RustsecNative)
        }
        _ => None,
    }
}

impl Database {
    /// An empty database (add advisories with [`Database::insert`] or the loaders).
    pub fn new() -> Database {
        Database::default()
    }

    /// Loads advisory data from each path: a directory (searched recursively for OSV `.json` /
    /// `.yaml` records and RustSec `RUSTSEC-*.md` files) or a `.zip` of OSV records.
    ///
    /// Fails when a path cannot be read, when any record is invalid, or when a path holds no
    /// advisories: an audit against nothing must not pass.
    pub fn load<P: AsRef<Path>>(paths: &[P]) -> Result<Database, DbError> {
        let mut db = Database::new();
        for path in paths {
            db.load_path(path.as_ref())?;
        }
        Ok(db)
    }

    /// Adds the advisories of one directory or `.zip` archive (see [`Database::load`]).
    pub fn load_path(&mut self, path: &Path) -> Result<usize, DbError> {
        let before = self.advisories.len();
        if is_zip(path) {
            // Parsed batch by batch, so the raw bytes held stay bounded whatever the archive.
            let records = read_zip(path, ZIP_LIMITS, |batch| {
                for advisory in parse_all(&batch)? {
                    self.insert(advisory);
                }
                Ok(())
            })?;
            if records == 0 {
                return Err(DbError::Empty {
                    path: path.to_owned(),
                });
            }
        } else {
            for advisory in parse_all(&raw_files(path)?)? {
                self.insert(advisory);
            }
        }
        Ok(self.advisories.len() - before)
    }

    /// Like [`Database::load`], with a cache file of the parsed advisories keyed by a hash of
    /// every record's path and bytes: when the data is unchanged the records are not parsed
    /// again. A missing, stale or unreadable cache is rebuilt (written to a temporary file in the
    /// same directory, then renamed). The data itself is still read in full to compute the key.
    pub fn load_cached<P: AsRef<Path>>(
        paths: &[P],
        cache: &Path,
    ) -> Result<(Database, CacheStatus), DbError> {
        let mut files = Vec::new();
        for path in paths {
            files.push(raw_files(path.as_ref())?);
        }
        let key = crate::cache::key(
            files
                .iter()
                .flatten()
                .map(|f| (f.path.as_path(), f.bytes.as_slice())),
        );
        if let Some(advisories) = crate::cache::read(cache, &key) {
            let mut db = Database::new();
            for advisory in advisories {
                db.insert(advisory);
            }
            return Ok((db, CacheStatus::Hit));
        }
        let mut db = Database::new();
        let mut all = Vec::new();
        for group in &files {
            all.extend(parse_all(group)?);
        }
        for advisory in &all {
            db.insert(advisory.clone());
        }
        crate::cache::write(cache, &key, &all)?;
        Ok((db, CacheStatus::Rebuilt))
    }

    /// Adds one advisory. A second record with an id already present (the same RustSec advisory
    /// from both the OSV export and the native layout) is ignored.
    pub fn insert(&mut self, advisory: Advisory) {
        if !self.ids.insert(advisory.id.clone()) {
            return;
        }
        let position = self.advisories.len();
        for (i, affected) in advisory.affected.iter().enumerate() {
            self.index
                .entry((affected.ecosystem, affected.name.clone()))
                .or_default()
                .push((position, i));
        }
        self.advisories.push(advisory);
    }

    /// How many advisories are loaded (withdrawn ones are never loaded).
    pub fn len(&self) -> usize {
        self.advisories.len()
    }

    /// Whether nothing is loaded.
    pub fn is_empty(&self) -> bool {
        self.advisories.is_empty()
    }

    /// Every advisory, in load order.
    pub fn advisories(&self) -> &[Advisory] {
        &self.advisories
    }

    /// The advisories that name a package, each with its entry for that package.
    pub fn for_package(
        &self,
        ecosystem: Ecosystem,
        name: &str,
    ) -> impl Iterator<Item = (&Advisory, &Affected)> {
        let key = (ecosystem, ecosystem.normalise_name(name));
        self.index
            .get(&key)
            .into_iter()
            .flatten()
            .map(|&(a, i)| (&self.advisories[a], &self.advisories[a].affected[i]))
    }

    /// Whether any advisory names a package of the ecosystem.
    pub(crate) fn has_ecosystem(&self, ecosystem: Ecosystem) -> bool {
        self.index.keys().any(|(e, _)| *e == ecosystem)
    }

    /// The distinct package names with advisories in an ecosystem (for benchmarks and tests).
    pub fn package_names(&self, ecosystem: Ecosystem) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .index
            .keys()
            .filter(|(e, _)| *e == ecosystem)
            .map(|(_, n)| n.as_str())
            .collect();
        names.sort_unstable();
        names
    }
}

/// Whether [`Database::load_cached`] used its cache or parsed the data (and rewrote the cache).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheStatus {
    /// The cache matched the data: nothing was parsed.
    Hit,
    /// The cache was missing, stale or unreadable: the data was parsed and the cache rewritten.
    Rebuilt,
}

/// The record files of one directory, archive or single file.
fn raw_files(path: &Path) -> Result<Vec<RawFile>, DbError> {
    let files = if !path.exists() {
        return Err(DbError::Io {
            path: path.to_owned(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        });
    } else if path.is_dir() {
        read_dir_files(path)?
    } else if is_zip(path) {
        let mut files = Vec::new();
        read_zip(path, ZIP_LIMITS, |batch| {
            files.extend(batch);
            Ok(())
        })?;
        files
    } else {
        let kind = kind_of(path).ok_or_else(|| DbError::Empty {
            path: path.to_owned(),
        })?;
        vec![RawFile {
            path: path.to_owned(),
            bytes: read_bounded(path)?,
            kind,
        }]
    };
    if files.is_empty() {
        return Err(DbError::Empty {
            path: path.to_owned(),
        });
    }
    Ok(files)
}

/// Parses records in parallel; withdrawn ones are left out.
fn parse_all(files: &[RawFile]) -> Result<Vec<Advisory>, DbError> {
    let parsed: Vec<Option<Advisory>> =
        files.par_iter().map(parse_file).collect::<Result<_, _>>()?;
    Ok(parsed.into_iter().flatten().collect())
}

fn parse_file(file: &RawFile) -> Result<Option<Advisory>, DbError> {
    match file.kind {
        FileKind::Osv(format) => parse_osv(&file.bytes, format, &file.path),
        FileKind::RustsecNative => {
            let text = std::str::from_utf8(&file.bytes).map_err(|_| DbError::NoFrontMatter {
                path: file.path.clone(),
            })?;
            parse_rustsec(text, &file.path)
        }
    }
}

/// Reads one record, bounded by the bytes read rather than the reported size (0 for a FIFO).
fn read_bounded(path: &Path) -> Result<Vec<u8>, DbError> {
    gate_core::read_capped(path, MAX_RECORD_BYTES).map_err(|source| {
        if source.kind() == std::io::ErrorKind::FileTooLarge {
            DbError::TooLarge {
                path: path.to_owned(),
                limit: MAX_RECORD_BYTES,
            }
        } else {
            DbError::Io {
                path: path.to_owned(),
                source,
            }
        }
    })
}

/// What marks a RustSec advisory-db checkout: both collections side by side. Only `crates/` is
/// read: `rust/` holds advisories about the toolchain (`std`, `cargo`, `rustdoc`, by Rust release),
/// which would misjudge crates that share those names (the `cargo` crate is versioned 0.x).
/// cargo-audit, too, checks a Cargo.lock against the crates collection only.
const RUSTSEC_COLLECTIONS: [&str; 2] = ["crates", "rust"];

/// Collects record files under `dir`.
///
/// Hidden entries (a name starting with `.`) are skipped: in a checkout of an advisory
/// repository they are `.git` objects and `.github/workflows/*.yml` CI files, never records. Of a
/// RustSec checkout (`crates/` and `rust/` side by side) only `crates/` is read.
///
/// Symbolic links are followed when what they name stays inside `dir`: mirrors and hand-kept
/// databases link aliases to one record, and skipping them would let a vulnerable pin pass. A
/// link leading outside, or nowhere, is an error rather than a skip, and each directory is read
/// once, so a link to an ancestor cannot loop.
fn read_dir_files(dir: &Path) -> Result<Vec<RawFile>, DbError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| DbError::Io { path, source }
    };
    let root = std::fs::canonicalize(dir).map_err(io(dir))?;
    let mut paths = Vec::new();
    let mut visited = HashSet::from([root.clone()]);
    // Each directory with its canonical path, so a link's target can be checked against both.
    let mut pending = vec![(dir.to_owned(), root.clone())];
    if RUSTSEC_COLLECTIONS
        .iter()
        .all(|name| dir.join(name).is_dir())
    {
        let crates = dir.join(RUSTSEC_COLLECTIONS[0]);
        let real = std::fs::canonicalize(&crates).map_err(io(&crates))?;
        if !real.starts_with(&root) {
            return Err(DbError::LinkOutside {
                path: crates,
                target: real,
            });
        }
        visited.insert(real.clone());
        pending = vec![(crates, real)];
    }
    while let Some((current, canonical)) = pending.pop() {
        let entries = std::fs::read_dir(&current).map_err(io(&current))?;
        for entry in entries {
            let entry = entry.map_err(io(&current))?;
            if entry.file_name().as_encoded_bytes().starts_with(b".") {
                continue;
            }
            let path = entry.path();
            let mut file_type = entry.file_type().map_err(io(&path))?;
            let mut real = canonical.join(entry.file_name());
            if file_type.is_symlink() {
                real = std::fs::canonicalize(&path).map_err(io(&path))?;
                if !real.starts_with(&root) {
                    return Err(DbError::LinkOutside { path, target: real });
                }
                file_type = std::fs::metadata(&real).map_err(io(&path))?.file_type();
            }
            if file_type.is_dir() {
                if visited.insert(real.clone()) {
                    pending.push((path, real));
                }
            } else if let Some(kind) = kind_of(&path).filter(|_| file_type.is_file()) {
                paths.push((path, kind));
            }
        }
    }
    paths.sort_by(|a, b| a.0.cmp(&b.0));
    paths
        .into_par_iter()
        .map(|(path, kind)| {
            let bytes = read_bounded(&path)?;
            Ok(RawFile { path, bytes, kind })
        })
        .collect()
}

fn is_zip(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

/// Reads the records of an OSV archive (nothing is extracted to disk) and hands them to `batch`
/// a few megabytes at a time; returns how many records there were.
///
/// Every entry is read through a bound, whatever its header claims: the smaller of
/// `limits.record` and, past `limits.ratio_exempt`, `limits.ratio` times its compressed size.
/// The sum is bounded by `limits.total`. A refusal names the archive and the entry.
fn read_zip(
    path: &Path,
    limits: ZipLimits,
    mut batch: impl FnMut(Vec<RawFile>) -> Result<(), DbError>,
) -> Result<usize, DbError> {
    let zip_error = |source| DbError::Zip {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(|source| DbError::Io {
        path: path.to_owned(),
        source,
    })?;
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(zip_error)?;
    let mut pending = Vec::new();
    let mut pending_bytes = 0u64;
    let mut records = 0;
    let mut total = 0u64;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(zip_error)?;
        if !entry.is_file() {
            continue;
        }
        let name = entry.name().map_err(zip_error)?.into_owned();
        let Some(kind) = kind_of(Path::new(&name)) else {
            continue;
        };
        let shown = PathBuf::from(format!("{}!{name}", path.display()));
        let ratio_bound = entry
            .compressed_size()
            .saturating_mul(limits.ratio)
            .max(limits.ratio_exempt);
        let bound = limits.record.min(ratio_bound);
        let refuse = |size: u64| {
            if size > limits.record {
                DbError::TooLarge {
                    path: shown.clone(),
                    limit: limits.record,
                }
            } else {
                DbError::Compression {
                    path: shown.clone(),
                    limit: limits.ratio,
                }
            }
        };
        // The declared size can lie; the read itself is bounded too.
        if entry.size() > bound {
            return Err(refuse(entry.size()));
        }
        let mut bytes = Vec::new();
        (&mut entry)
            .take(bound + 1)
            .read_to_end(&mut bytes)
            .map_err(|source| DbError::Io {
                path: shown.clone(),
                source,
            })?;
        let size = bytes.len() as u64;
        if size > bound {
            return Err(refuse(size));
        }
        total += size;
        if total > limits.total {
            return Err(DbError::ArchiveTooLarge {
                path: path.to_owned(),
                entry: name,
                limit: limits.total,
            });
        }
        records += 1;
        pending_bytes += size;
        pending.push(RawFile {
            path: shown,
            bytes,
            kind,
        });
        if pending_bytes >= BATCH_BYTES {
            batch(std::mem::take(&mut pending))?;
            pending_bytes = 0;
        }
    }
    if !pending.is_empty() {
        batch(pending)?;
    }
    Ok(records)
}

/// Reads every record file under `dir` without parsing: the baseline the benchmark compares
/// loading against.
#[doc(hidden)]
pub fn read_only(dir: &Path) -> Result<usize, DbError> {
    Ok(read_dir_files(dir)?.iter().map(|f| f.bytes.len()).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_record_files_are_read() {
        assert!(matches!(
            kind_of(Path::new("a/PYSEC-1.yaml")),
            Some(FileKind::Osv(RecordFormat::Yaml))
        ));
        assert!(matches!(
            kind_of(Path::new("a/x.json")),
            Some(FileKind::Osv(RecordFormat::Json))
        ));
        assert!(matches!(
            kind_of(Path::new("crates/a/RUSTSEC-2020-1.md")),
            Some(FileKind::RustsecNative)
        ));
        assert!(kind_of(Path::new("README.md")).is_none());
        assert!(kind_of(Path::new("support.toml")).is_none());
    }

    /// A zip of `(name, bytes)` entries, deflated, in a fresh temporary directory.
    fn zip_of(entries: &[(&str, &[u8])]) -> (tempfile::TempDir, PathBuf) {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("all.zip");
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        for (name, bytes) in entries {
            zip.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
        (dir, path)
    }

    #[test]
    fn the_sum_of_an_archive_is_bounded_and_the_refusal_names_the_entry() {
        let record = [b' '; 1000];
        let (_dir, path) = zip_of(&[
            ("a.json", &record),
            ("b.json", &record),
            ("c.json", &record),
        ]);
        let limits = ZipLimits {
            total: 2500,
            ..ZIP_LIMITS
        };
        let mut seen = 0;
        let error = read_zip(&path, limits, |batch| {
            seen += batch.len();
            Ok(())
        })
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "{}: expands to more than 2500 bytes (reached at entry c.json)",
                path.display()
            )
        );
        assert_eq!(
            seen, 0,
            "nothing is parsed from an archive refused before a batch"
        );
        let count = read_zip(&path, ZIP_LIMITS, |batch| {
            seen += batch.len();
            Ok(())
        })
        .unwrap();
        assert_eq!((count, seen), (3, 3));
    }

    #[test]
    fn duplicate_ids_are_kept_once_and_indexed_by_normalised_name() {
        let record = br#"{"id": "X-1", "affected": [{"package": {"ecosystem": "PyPI", "name": "Foo_Bar"}}]}"#;
        let mut db = Database::new();
        for _ in 0..2 {
            db.insert(
                parse_osv(record, RecordFormat::Json, Path::new("x.json"))
                    .unwrap()
                    .unwrap(),
            );
        }
        assert_eq!(db.len(), 1);
        assert_eq!(db.for_package(Ecosystem::PyPI, "foo.bar").count(), 1);
        assert_eq!(db.package_names(Ecosystem::PyPI), vec!["foo-bar"]);
    }
}
