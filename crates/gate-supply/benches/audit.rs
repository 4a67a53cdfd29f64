//! Benchmark of the supply audit (not a test, not run in CI): `cargo bench -p gate-supply`.
//!
//! 1. Full PyPA + RustSec advisory data loaded and 1,000 pins (real names from the data, mixed
//!    versions) matched, beside the time to merely read the same files. Target: ≤ 0.5 s.
//! 2. This workspace's own `Cargo.lock` audited by gate (in process: load the RustSec native DB,
//!    read the lock, audit) beside `cargo audit --no-fetch` on the same lock and DB, when
//!    `cargo audit` is installed. (The vulnerable fixture's lock has a placeholder registry URL,
//!    which cargo-audit does not audit, so the real lock is the fair comparison.)

// A benchmark reports to the terminal; that is its whole job.
#![allow(
    clippy::print_stdout,
    clippy::cast_precision_loss,
    clippy::doc_markdown
)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use gate_supply::{
    AuditConfig, Database, Dependency, Ecosystem, Event, VersionSpec, audit, read_lockfile,
    read_only,
};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/advisory-db")
}

fn ms(d: Duration) -> String {
    format!("{:8.1} ms", d.as_secs_f64() * 1000.0)
}

/// 1,000 pins over the packages of the data, versions taken from the records' own bounds and
/// lists (so some are affected and some are not), deterministic.
fn pins(db: &Database) -> Vec<Dependency> {
    let mut candidates: Vec<(Ecosystem, String, Vec<String>)> = Vec::new();
    for ecosystem in [Ecosystem::PyPI, Ecosystem::CratesIo] {
        for name in db.package_names(ecosystem) {
            let mut versions: Vec<String> = db
                .for_package(ecosystem, name)
                .flat_map(|(_, affected)| {
                    let bounds = affected
                        .ranges
                        .iter()
                        .flat_map(|r| &r.events)
                        .filter_map(|e| match e {
                            Event::Fixed(v) | Event::Introduced(v) if v != "0" => Some(v.clone()),
                            _ => None,
                        });
                    bounds
                        .chain(affected.versions.iter().cloned())
                        .chain(affected.fixed_versions())
                        .collect::<Vec<_>>()
                })
                .filter(|v| !v.contains('-') || ecosystem == Ecosystem::CratesIo)
                .collect();
            versions.sort();
            versions.dedup();
            if !versions.is_empty() {
                candidates.push((ecosystem, name.to_owned(), versions));
            }
        }
    }
    (0..1000)
        .map(|i| {
            let (ecosystem, name, versions) = &candidates[(i * 7) % candidates.len()];
            let version = &versions[(i * 13) % versions.len()];
            let version = if *ecosystem == Ecosystem::CratesIo && version.matches('.').count() < 2 {
                format!("{version}.0")
            } else {
                version.clone()
            };
            Dependency::new(
                *ecosystem,
                name,
                VersionSpec::Pinned(version),
                "bench.lock",
                u32::try_from(i + 1).ok(),
            )
        })
        .collect()
}

fn main() {
    let pypa = data().join("pypa-osv/vulns");
    let rustsec = data().join("rustsec-native/crates");
    assert!(
        pypa.is_dir() && rustsec.is_dir(),
        "advisory data missing at {}",
        data().display()
    );

    // The first iteration is the cold one for this process (the OS file cache may be warm).
    println!("supply: full PyPA + RustSec (native) load + 1,000 pins matched; target ≤ 500 ms");
    println!(
        "{:>4}  {:>11}  {:>11}  {:>11}  {:>11}  findings",
        "run", "read only", "load", "match", "load+match"
    );
    for run in 0..5 {
        let start = Instant::now();
        let bytes = read_only(&pypa).unwrap() + read_only(&rustsec).unwrap();
        let read = start.elapsed();

        let start = Instant::now();
        let db = Database::load(&[&pypa, &rustsec]).unwrap();
        let load = start.elapsed();
        let deps = pins(&db);
        let start = Instant::now();
        let report = audit(&deps, &db, &AuditConfig::default());
        let matched = start.elapsed();
        println!(
            "{run:>4}  {}  {}  {}  {}  {} ({} advisories, {:.1} MB read)",
            ms(read),
            ms(load),
            ms(matched),
            ms(load + matched),
            report.findings.len(),
            db.len(),
            bytes as f64 / 1e6
        );
    }

    cached_runs(&pypa, &rustsec);

    let mut parts = Vec::new();
    for (label, path) in [
        ("PyPA (YAML)", &pypa),
        ("RustSec native (TOML in Markdown)", &rustsec),
    ] {
        let mut times: Vec<(Duration, Duration)> = (0..5)
            .map(|_| {
                let start = Instant::now();
                read_only(path).unwrap();
                let read = start.elapsed();
                let start = Instant::now();
                Database::load(&[path]).unwrap();
                (start.elapsed(), read)
            })
            .collect();
        times.sort();
        parts.push((label, times[2]));
    }
    let archive = zip_of_records(&[&pypa, &data().join("rustsec-osv/crates")]);
    let mut times: Vec<Duration> = (0..5)
        .map(|_| {
            let start = Instant::now();
            Database::load(&[&archive]).unwrap();
            start.elapsed()
        })
        .collect();
    times.sort();
    let _ = std::fs::remove_file(&archive);
    println!();
    println!(
        "PyPA + RustSec OSV records in one deflated .zip (median of 5): load {}",
        ms(times[2])
    );

    println!();
    println!("load by source (median of 5): read only / load");
    for (label, (load, read)) in parts {
        println!("  {label:<34} {} / {}", ms(read), ms(load));
    }

    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.lock");
    let mut gate_times = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let db = Database::load(&[&rustsec]).unwrap();
        let deps = read_lockfile(&lock).unwrap();
        let report = audit(&deps, &db, &AuditConfig::default());
        gate_times.push((start.elapsed(), deps.len(), report.findings.len()));
    }
    gate_times.sort();
    let (best, packages, findings) = gate_times[0];
    println!();
    println!(
        "this workspace's Cargo.lock ({packages} packages) against RustSec native (best of 5):"
    );
    println!(
        "  gate (in process: load + read + audit)  {}  {findings} findings",
        ms(best)
    );
    match cargo_audit_time(&lock) {
        Some((time, count)) => println!(
            "  cargo audit --no-fetch (process)        {}  {count} vulnerabilities + warnings",
            ms(time)
        ),
        None => println!("  cargo audit: not installed or not runnable; install it to compare"),
    }
}

/// A deflated `.zip` of every record file under `dirs`, as OSV's `all.zip` is; its path.
fn zip_of_records(dirs: &[&Path]) -> PathBuf {
    use std::io::Write as _;
    let path = std::env::temp_dir().join(format!("gate-bench-{}.zip", std::process::id()));
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut pending: Vec<PathBuf> = dirs.iter().map(|d| d.to_path_buf()).collect();
    let mut files = Vec::new();
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "json" || e == "yaml") {
                files.push(path);
            }
        }
    }
    files.sort();
    for (i, file) in files.iter().enumerate() {
        let name = file.file_name().unwrap().to_string_lossy();
        zip.start_file(format!("{i}-{name}"), options).unwrap();
        zip.write_all(&std::fs::read(file).unwrap()).unwrap();
    }
    zip.finish().unwrap();
    path
}

/// The same load through the content-keyed cache: the first call builds it.
fn cached_runs(pypa: &Path, rustsec: &Path) {
    let cache = std::env::temp_dir().join("gate-bench-advisories.cache.json");
    let _ = std::fs::remove_file(&cache);
    println!();
    println!("with a cache keyed by content hash (file re-read and hashed every time):");
    for run in 0..4 {
        let start = Instant::now();
        let (db, status) = Database::load_cached(&[pypa, rustsec], &cache).unwrap();
        let load = start.elapsed();
        let deps = pins(&db);
        let start = Instant::now();
        let report = audit(&deps, &db, &AuditConfig::default());
        let matched = start.elapsed();
        println!(
            "{run:>4}  {status:?}: load {}  match {}  load+match {}  {} findings",
            ms(load),
            ms(matched),
            ms(load + matched),
            report.findings.len()
        );
    }
}

/// `cargo audit` wants its DB as a git checkout: copy the native layout into a temp repo once.
fn cargo_audit_time(lock: &Path) -> Option<(Duration, usize)> {
    Command::new("cargo")
        .args(["audit", "--version"])
        .output()
        .ok()?
        .status
        .success()
        .then_some(())?;
    let db = std::env::temp_dir().join("gate-bench-rustsec-db");
    if !db.join(".git").is_dir() {
        let _ = std::fs::remove_dir_all(&db);
        let copied = Command::new("cp")
            .args(["-r"])
            .arg(data().join("rustsec-native"))
            .arg(&db)
            .status()
            .ok()?;
        let git = |args: &[&str]| {
            Command::new("git")
                .arg("-C")
                .arg(&db)
                .args(args)
                .status()
                .ok()
        };
        if !copied.success()
            || git(&["init", "-q", "-b", "main"])?.code() != Some(0)
            || git(&["add", "-A"])?.code() != Some(0)
            || git(&[
                "-c",
                "user.name=bench",
                "-c",
                "user.email=bench@example.invalid",
                "commit",
                "-q",
                "-m",
                "snapshot",
            ])?
            .code()
                != Some(0)
        {
            return None;
        }
    }
    let mut best: Option<Duration> = None;
    let mut count = 0;
    for _ in 0..5 {
        let start = Instant::now();
        let output = Command::new("cargo")
            .args(["audit", "--no-fetch", "--stale", "--json", "--db"])
            .arg(&db)
            .arg("-f")
            .arg(lock)
            .output()
            .ok()?;
        let elapsed = start.elapsed();
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).ok()?;
        count = usize::try_from(json["vulnerabilities"]["count"].as_u64().unwrap_or(0))
            .unwrap_or(0)
            + json["warnings"].as_object().map_or(0, |w| {
                w.values().filter_map(|l| l.as_array()).map(Vec::len).sum()
            });
        best = Some(best.map_or(elapsed, |b| b.min(elapsed)));
    }
    best.map(|b| (b, count))
}
