//! The hostile-input corpus (`tests/hostile/` at the repository root), run end to end: for each
//! case of `cases.toml`, the `gate` binary must give the expected exit code and message, never
//! panic or abort, finish within a wall-clock limit, and stay under the case's peak-RSS bound.
//!
//! Its own test binary with its own `main` (no libtest): the peak RSS of one run is read with
//! `getrusage(RUSAGE_CHILDREN)`, which covers every child a process has waited for, so each case
//! runs under a fresh copy of this binary (`--measure`) whose only child is that `gate` run.
//! `unsafe_code` is forbidden in the workspace, hence nix's safe `getrusage` rather than
//! `libc::wait4`.
//!
//! Usage follows libtest's: `cargo test -p gate-cli --test hostile` runs the fast cases,
//! `-- --ignored` the slow ones (big inputs generated at test time; `.ci/run` runs them under a
//! time budget), `-- --include-ignored` both, and a free argument keeps the cases whose name
//! contains it. Cases marked `pending` (a fix still being built) are skipped with a note.

// A test runner of its own: its report goes to standard output, as libtest's does.
#![allow(clippy::print_stdout)]

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;

/// Wall-clock limit of one run unless the case sets `timeout_s`: a hung gate fails, not hangs.
const DEFAULT_TIMEOUT_S: u64 = 60;

/// Exit codes that mean the process did not end on its own terms.
const PANIC_EXIT: i32 = 101;
const ABORT_EXIT: i32 = 134;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    case: Vec<Case>,
}

/// One entry of `tests/hostile/cases.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    /// The directory under `tests/hostile/cases/` (absent when every file is generated).
    name: String,
    /// `gate`'s arguments; paths are relative to the case directory, the working directory.
    args: Vec<String>,
    /// A file of the case directory fed to standard input (otherwise it is empty).
    stdin: Option<String>,
    /// `"closed"`: standard output's reader is gone before gate writes (`gate … | head`).
    stdout: Option<String>,
    exit: i32,
    /// A substring of standard output or error (usually the file name, and line).
    message: String,
    /// Bound on the peak resident set size, in MiB.
    rss_mib: u64,
    #[serde(default)]
    slow: bool,
    /// Why the case is skipped for now, e.g. "issue 19 item 4".
    pending: Option<String>,
    timeout_s: Option<u64>,
    generate: Option<Generate>,
}

/// A big input written at test time into the case's scratch copy.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Generate {
    kind: String,
    file: String,
    /// Nesting depth, entry count or byte count, as `kind` says.
    size: u64,
}

/// Which cases this run covers, from libtest-style arguments.
struct Selection {
    fast: bool,
    slow: bool,
    filter: Option<String>,
    list: bool,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--measure") {
        return measure(&args[1..]);
    }
    let selection = Selection {
        fast: !args.iter().any(|arg| arg == "--ignored"),
        slow: args
            .iter()
            .any(|arg| arg == "--ignored" || arg == "--include-ignored"),
        // libtest's options that take a value come as `--name=value`, so a free word is a filter.
        filter: args.iter().find(|arg| !arg.starts_with('-')).cloned(),
        list: args.iter().any(|arg| arg == "--list"),
    };
    run_all(&selection)
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/hostile")
}

fn run_all(selection: &Selection) -> ExitCode {
    let text = std::fs::read_to_string(corpus().join("cases.toml")).expect("cases.toml is read");
    let manifest: Manifest = toml::from_str(&text).expect("cases.toml is valid");
    let unmatched = unmatched_directories(&manifest);
    assert!(
        unmatched.is_empty(),
        "cases.toml and tests/hostile/cases/ disagree: {unmatched:?}"
    );
    let all = manifest.case.len();
    let cases: Vec<&Case> = manifest
        .case
        .iter()
        .filter(|case| {
            selection
                .filter
                .as_ref()
                .is_none_or(|filter| case.name.contains(filter.as_str()))
        })
        .collect();
    if selection.list {
        for case in &cases {
            println!("{}: test", case.name);
        }
        return ExitCode::SUCCESS;
    }
    let filtered_out = all - cases.len();
    let (mut passed, mut ignored) = (0, 0);
    let mut failures = Vec::new();
    let started = Instant::now();
    println!("\nrunning {} hostile cases", cases.len());
    for case in cases {
        let wanted = if case.slow {
            selection.slow
        } else {
            selection.fast
        };
        if !wanted {
            println!(
                "test {} ... ignored (slow: cargo test -- --ignored)",
                case.name
            );
            ignored += 1;
            continue;
        }
        if let Some(reason) = &case.pending {
            println!("test {} ... ignored, pending: {reason}", case.name);
            ignored += 1;
            continue;
        }
        let case_started = Instant::now();
        match run_case(case) {
            Ok(rss) => {
                println!(
                    "test {} ... ok ({:.1} s, peak RSS {})",
                    case.name,
                    case_started.elapsed().as_secs_f64(),
                    rss.map_or("not measured".to_owned(), |kib| format!(
                        "{} MiB",
                        kib / 1024
                    )),
                );
                passed += 1;
            }
            Err(problem) => {
                println!("test {} ... FAILED", case.name);
                failures.push(format!("---- {} ----\n{problem}", case.name));
            }
        }
    }
    for failure in &failures {
        println!("\n{failure}");
    }
    let verdict = if failures.is_empty() { "ok" } else { "FAILED" };
    // libtest's summary line, so `.ci/run`'s count includes these cases.
    println!(
        "\ntest result: {verdict}. {passed} passed; {} failed; {ignored} ignored; 0 measured; \
         {} filtered out; finished in {:.2}s\n",
        failures.len(),
        filtered_out,
        started.elapsed().as_secs_f64(),
    );
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Case directories without an entry, and entries with neither a directory nor a generated
/// input: a misspelt name would otherwise run gate on an empty directory.
fn unmatched_directories(manifest: &Manifest) -> Vec<String> {
    let root = corpus().join("cases");
    let mut unmatched: Vec<String> = std::fs::read_dir(&root)
        .expect("tests/hostile/cases is read")
        .map(|entry| entry.expect("a directory entry").file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .filter(|name| !manifest.case.iter().any(|case| &case.name == name))
        .collect();
    unmatched.extend(
        manifest
            .case
            .iter()
            .filter(|case| case.generate.is_none() && !root.join(&case.name).is_dir())
            .map(|case| case.name.clone()),
    );
    unmatched
}

/// Runs one case in a scratch copy of its directory: the peak RSS in KiB (`None` where it
/// cannot be measured), or what went wrong.
fn run_case(case: &Case) -> Result<Option<u64>, String> {
    let scratch = tempfile::tempdir().expect("a scratch directory");
    // A scratch copy: gate must not find the repository's own gate.toml in a parent directory,
    // and a case may not write into the repository.
    let directory = scratch.path().join("case");
    std::fs::create_dir(&directory).expect("the case directory is created");
    let committed = corpus().join("cases").join(&case.name);
    if committed.is_dir() {
        copy_tree(&committed, &directory);
    }
    if let Some(generate) = &case.generate {
        let path = directory.join(&generate.file);
        generate_input(generate, &path)
            .map_err(|error| format!("cannot generate {}: {error}", path.display()))?;
    }
    let report = scratch.path().join("measure");
    let timeout = case.timeout_s.unwrap_or(DEFAULT_TIMEOUT_S);
    let stdin = match &case.stdin {
        Some(file) => Stdio::from(File::open(directory.join(file)).expect("the stdin file opens")),
        None => Stdio::null(),
    };
    let mut child = Command::new(std::env::current_exe().expect("this test binary's path"))
        .arg("--measure")
        .arg(&report)
        .arg(timeout.to_string())
        .args(&case.args)
        .current_dir(&directory)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the measuring process starts");
    if case.stdout.as_deref() == Some("closed") {
        // The read end closed before gate writes: its first write fails with EPIPE.
        drop(child.stdout.take());
    }
    let output = child
        .wait_with_output()
        .expect("the measuring process ends");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let measured = std::fs::read_to_string(&report)
        .map_err(|error| format!("no measurement ({error}); stderr:\n{stderr}"))?;
    let outcome = Outcome::parse(&measured);

    let mut problems = String::new();
    let mut problem = |text: String| writeln!(problems, "{text}").expect("a String takes text");
    match outcome.end {
        End::TimedOut => problem(format!("still running after {timeout} s (killed)")),
        End::Signal(signal) => problem(format!("killed by signal {signal}")),
        End::Code(code) if code == PANIC_EXIT || code == ABORT_EXIT => {
            problem(format!("exit {code}: a panic or an abort"));
        }
        End::Code(code) if code != case.exit => {
            problem(format!("exit {code}, expected {}", case.exit));
        }
        End::Code(_) => {}
    }
    if stderr.contains("panicked") || stderr.contains("overflowed its stack") {
        problem("a panic or stack overflow in standard error".to_owned());
    }
    if !stdout.contains(&case.message) && !stderr.contains(&case.message) {
        problem(format!("the output does not contain {:?}", case.message));
    }
    if let Some(kib) = outcome.rss_kib
        && kib > case.rss_mib * 1024
    {
        problem(format!(
            "peak RSS {} MiB, over the bound of {} MiB",
            kib / 1024,
            case.rss_mib
        ));
    }
    if problems.is_empty() {
        Ok(outcome.rss_kib)
    } else {
        Err(format!(
            "gate {}\n{problems}stdout (first 2000 bytes):\n{}\nstderr (first 2000 bytes):\n{}",
            case.args.join(" "),
            first(&stdout, 2000),
            first(&stderr, 2000),
        ))
    }
}

fn first(text: &str, bytes: usize) -> &str {
    let mut end = text.len().min(bytes);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Copies a case directory, keeping symbolic links as links (some point at `/dev/zero`).
fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("the case directory is read") {
        let entry = entry.expect("a directory entry");
        let target = to.join(entry.file_name());
        let kind = entry.file_type().expect("an entry's type");
        if kind.is_symlink() {
            let link = std::fs::read_link(entry.path()).expect("the link is read");
            make_link(&link, &target);
        } else if kind.is_dir() {
            std::fs::create_dir(&target).expect("a directory is created");
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("a file is copied");
        }
    }
}

#[cfg(unix)]
fn make_link(link: &Path, target: &Path) {
    std::os::unix::fs::symlink(link, target).expect("a link is created");
}

#[cfg(not(unix))]
fn make_link(link: &Path, _target: &Path) {
    // The links of the corpus lead to Unix devices; there is nothing to point them at here.
    panic!(
        "the hostile corpus needs symbolic links to {}",
        link.display()
    );
}

/// Writes a generated input; every kind streams, so the harness itself stays small.
fn generate_input(generate: &Generate, path: &Path) -> std::io::Result<()> {
    if generate.kind == "zip-bomb" {
        return zip_bomb(path, generate.size);
    }
    let mut out = BufWriter::new(File::create(path)?);
    let size = generate.size;
    match generate.kind.as_str() {
        // Arrays nested `size` deep: `[[[…]]]`, valid JSON and valid YAML (flow style).
        "deep-json" | "deep-yaml" => {
            for _ in 0..size {
                out.write_all(b"[")?;
            }
            for _ in 0..size {
                out.write_all(b"]")?;
            }
            out.write_all(b"\n")?;
        }
        // A passing document with one scalar of `size` bytes on a single line.
        "long-yaml-line" => {
            out.write_all(b"kind: Good\nnote: ")?;
            write_repeated(&mut out, b'a', size)?;
            out.write_all(b"\n")?;
        }
        "yaml-keys" => {
            out.write_all(b"kind: Good\n")?;
            for i in 0..size {
                writeln!(out, "key{i}: {i}")?;
            }
        }
        "requirements-lines" => {
            for i in 0..size {
                writeln!(out, "package-{i}==1.0.{i}")?;
            }
        }
        "lcov-records" => {
            for i in 0..size {
                writeln!(out, "SF:src/module_{i}.py\nDA:1,1\nDA:2,0\nend_of_record")?;
            }
        }
        // A Cobertura report whose one class has a `filename` of `size` bytes (a kept value:
        // 500 MB of it peaked at 3.6 GB before issue 19 item 13).
        "cobertura-attribute" => {
            out.write_all(
                b"<?xml version=\"1.0\" ?>\n<coverage version=\"7.6.1\" line-rate=\"1\" \
                  branch-rate=\"0\"><packages><package name=\"app\"><classes>\
                  <class name=\"app.py\" filename=\"",
            )?;
            write_repeated(&mut out, b'a', size)?;
            out.write_all(
                b"\" line-rate=\"1\"><lines><line number=\"1\" hits=\"1\"/></lines></class>\
                  </classes></package></packages></coverage>\n",
            )?;
        }
        other => panic!("cases.toml: unknown generate kind `{other}`"),
    }
    out.flush()
}

fn write_repeated(out: &mut impl Write, byte: u8, mut count: u64) -> std::io::Result<()> {
    let block = vec![byte; 64 * 1024];
    while count > 0 {
        let n = count.min(block.len() as u64);
        out.write_all(&block[..usize::try_from(n).expect("a block fits usize")])?;
        count -= n;
    }
    Ok(())
}

/// `size` zero bytes in OSV-named entries of 16 MiB (each within gate's per-record limit),
/// deflated: about 1 KB on disk per MB held in memory.
fn zip_bomb(path: &Path, size: u64) -> std::io::Result<()> {
    const ENTRY: u64 = 16 << 20;
    let mut zip = zip::ZipWriter::new(File::create(path)?);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..size.div_ceil(ENTRY) {
        zip.start_file(format!("GHSA-0000-0000-{i:04}.json"), options)
            .map_err(std::io::Error::other)?;
        write_repeated(&mut zip, 0, ENTRY.min(size - i * ENTRY))?;
    }
    zip.finish().map_err(std::io::Error::other)?;
    Ok(())
}

/// How the measured run ended, as the `--measure` process wrote it.
struct Outcome {
    end: End,
    rss_kib: Option<u64>,
}

enum End {
    Code(i32),
    Signal(i32),
    TimedOut,
}

impl Outcome {
    /// Reads `end=<code|signal:N|timeout> rss_kib=<N|unknown>`.
    fn parse(text: &str) -> Outcome {
        let mut end = End::TimedOut;
        let mut rss_kib = None;
        for field in text.split_whitespace() {
            if let Some(value) = field.strip_prefix("end=") {
                end = if value == "timeout" {
                    End::TimedOut
                } else if let Some(signal) = value.strip_prefix("signal:") {
                    End::Signal(signal.parse().expect("a signal number"))
                } else {
                    End::Code(value.parse().expect("an exit code"))
                };
            } else if let Some(value) = field.strip_prefix("rss_kib=") {
                rss_kib = value.parse().ok();
            }
        }
        Outcome { end, rss_kib }
    }
}

/// `--measure REPORT TIMEOUT_S ARGS…`: runs gate with this process's standard streams and
/// working directory, kills it past the timeout, and writes how it ended and its peak RSS to
/// REPORT. Its only child is gate, so `RUSAGE_CHILDREN` is gate's own peak.
fn measure(args: &[String]) -> ExitCode {
    let report = PathBuf::from(&args[0]);
    let timeout = Duration::from_secs(args[1].parse().expect("a timeout in seconds"));
    let mut gate = Command::new(env!("CARGO_BIN_EXE_gate"))
        .args(&args[2..])
        .spawn()
        .expect("the gate binary runs");
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = gate.try_wait().expect("gate is waited for") {
            break Some(status);
        }
        if Instant::now() > deadline {
            // Killed and reaped, so its peak still counts below.
            gate.kill().expect("gate is killed");
            gate.wait().expect("gate is reaped");
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let end = match status {
        None => "timeout".to_owned(),
        Some(status) => match status.code() {
            Some(code) => code.to_string(),
            None => format!("signal:{}", signal_of(status)),
        },
    };
    let rss = peak_rss_kib().map_or("unknown".to_owned(), |kib| kib.to_string());
    std::fs::write(report, format!("end={end} rss_kib={rss}\n")).expect("the report is written");
    ExitCode::SUCCESS
}

#[cfg(unix)]
fn signal_of(status: std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt as _;
    status.signal().unwrap_or(0)
}

#[cfg(not(unix))]
fn signal_of(_status: std::process::ExitStatus) -> i32 {
    0
}

/// The largest peak RSS among the waited-for children, in KiB.
#[cfg(unix)]
fn peak_rss_kib() -> Option<u64> {
    use nix::sys::resource::{UsageWho, getrusage};
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).ok()?;
    let max_rss = u64::try_from(usage.max_rss()).ok()?;
    // ru_maxrss is in KiB on Linux and the BSDs, in bytes on macOS.
    if cfg!(target_os = "macos") {
        Some(max_rss / 1024)
    } else {
        Some(max_rss)
    }
}

/// Not measured where `getrusage` does not exist: the RSS bounds are skipped.
#[cfg(not(unix))]
fn peak_rss_kib() -> Option<u64> {
    None
}
