//! `gate supply db update|status`: the only network access gate has.
//!
//! Each ecosystem's OSV `all.zip` is downloaded to a temporary file in the cache directory,
//! loaded with `Database::load` (a readable zip whose every record parses, with size bounds),
//! and only then renamed over the previous one: a failed or corrupt download leaves the old
//! database in place. The zip is never extracted, so no path inside it is ever written to.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, bail};
use gate_supply::Database;

use super::{DbStatusArgs, DbUpdateArgs};
use gate_supply::download_cache::{FETCH_RECORD, FetchRecord, Fetched, format_time, zip_name};

use crate::output::{self, write_atomically};

use crate::environment::Environment;
use crate::{EXIT_ERROR, EXIT_PASS};
use gate_core::error_chain;

/// OSV's public bucket of per-ecosystem exports.
pub const DEFAULT_URL: &str =
    "https://osv-vulnerabilities.storage.googleapis.com/{ecosystem}/all.zip";

/// The ecosystems gate reads lockfiles for that have OSV exports worth downloading by default.
pub const DEFAULT_ECOSYSTEMS: [&str; 2] = ["PyPI", "crates.io"];

/// No OSV ecosystem export comes near this (PyPI's is tens of megabytes); it bounds the disk a
/// misbehaving server can fill.
const MAX_DOWNLOAD_BYTES: u64 = 1024 * 1024 * 1024;

/// The cache directory given, or the default one; an error says which variables were missing.
fn cache_dir(given: Option<&Path>, environment: &Environment) -> anyhow::Result<PathBuf> {
    match given {
        Some(path) => Ok(path.to_path_buf()),
        None => environment.advisory_cache_dir().context(
            "neither XDG_CACHE_HOME nor HOME is set, so there is no default cache directory: \
             pass --cache DIR",
        ),
    }
}

/// Runs `gate supply db update`.
pub fn update(args: &DbUpdateArgs, environment: &Environment) -> anyhow::Result<u8> {
    let dir = cache_dir(args.cache.as_deref(), environment)?;
    let pattern = args.url.as_deref().unwrap_or(DEFAULT_URL);
    if !pattern.contains("{ecosystem}") {
        bail!("--url {pattern}: the URL needs `{{ecosystem}}` where the ecosystem name goes");
    }
    let ecosystems: Vec<&str> = if args.ecosystem.is_empty() {
        DEFAULT_ECOSYSTEMS.to_vec()
    } else {
        args.ecosystem.iter().map(String::as_str).collect()
    };
    for ecosystem in &ecosystems {
        check_ecosystem_name(ecosystem)?;
    }
    let now = environment
        .now
        .context("cannot read the system clock to record the fetch time")?;
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the cache directory {}", dir.display()))?;
    // An unreadable record is replaced: refusing to update would leave the cache stuck.
    let mut record = FetchRecord::read(&dir)
        .unwrap_or_else(|error| {
            eprintln!("warning: {}: writing a new one", error_chain(&error));
            None
        })
        .unwrap_or_default();
    record.version = 1;
    let mut failed = false;
    for ecosystem in ecosystems {
        let url = pattern.replace("{ecosystem}", &percent_encode(ecosystem));
        match fetch(ecosystem, &url, &dir, environment) {
            Ok((records, bytes)) => {
                let file = zip_name(ecosystem);
                output::print(format!(
                    "{ecosystem}: {records} advisories ({bytes} bytes) from {url} -> {}\n",
                    dir.join(&file).display()
                ))?;
                record.ecosystems.insert(
                    ecosystem.to_owned(),
                    Fetched {
                        file,
                        url,
                        fetched: now,
                        records,
                        bytes,
                    },
                );
                write_atomically(&dir.join(FETCH_RECORD), record.to_json().as_bytes())?;
            }
            Err(error) => {
                failed = true;
                eprintln!("error: {ecosystem}: {error:#}; the cached copy, if any, is unchanged");
            }
        }
    }
    Ok(if failed { EXIT_ERROR } else { EXIT_PASS })
}

/// Downloads, validates and installs one ecosystem's archive; returns its advisory count and size.
fn fetch(
    ecosystem: &str,
    url: &str,
    dir: &Path,
    environment: &Environment,
) -> anyhow::Result<(u64, u64)> {
    let target = dir.join(zip_name(ecosystem));
    // The loader reads archives by their `.zip` extension; the leading dot keeps the temporary
    // file out of the way, and the process id keeps two runs from sharing one.
    let stem = zip_name(ecosystem).trim_end_matches(".zip").to_owned();
    let temporary = dir.join(format!(".{stem}.{}.download.zip", std::process::id()));
    // A run killed mid-download (SIGKILL, power loss) leaves its temporary behind: remove the
    // ones of this ecosystem whose process is gone, never another running update's.
    gate_core::remove_stale_temporaries(dir, &format!(".{stem}."), ".download.zip");
    let download = crate::http::download(
        url,
        &temporary,
        MAX_DOWNLOAD_BYTES,
        Duration::from_secs(15 * 60),
        environment,
    );
    let result = download.and_then(|bytes| {
        let database = Database::load(&[&temporary]).map_err(|error| {
            anyhow::anyhow!(
                "{url} is not a readable archive of OSV records: {}",
                error_chain(&error)
            )
        })?;
        Ok((database.len() as u64, bytes))
    });
    let installed = result.and_then(|counts| {
        std::fs::rename(&temporary, &target)
            .with_context(|| format!("cannot move the download to {}", target.display()))?;
        Ok(counts)
    });
    if installed.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    installed
}

/// OSV ecosystem names are words such as `PyPI`, `crates.io`, `Debian:12`, `GitHub Actions`;
/// anything that could steer a URL or a file path elsewhere is refused.
fn check_ecosystem_name(name: &str) -> anyhow::Result<()> {
    let valid = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | ' '));
    if !valid {
        bail!(
            "--ecosystem `{name}` is not an OSV ecosystem name (letters, digits, `.`, `-`, `_`, \
             `:` and spaces, such as PyPI or crates.io)"
        );
    }
    Ok(())
}

/// Percent-encodes what is not unreserved in a URL path segment (`GitHub Actions` → `GitHub%20Actions`).
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_' | b'~' | b':') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// Runs `gate supply db status`.
pub fn status(args: &DbStatusArgs, environment: &Environment) -> anyhow::Result<u8> {
    let dir = cache_dir(args.cache.as_deref(), environment)?;
    let Some(record) =
        FetchRecord::read(&dir).map_err(|error| anyhow::anyhow!(error_chain(&error)))?
    else {
        bail!(
            "no advisory database in {}: run `gate supply db update` to download one",
            dir.display()
        );
    };
    output::print(format!("advisory database: {}\n", dir.display()))?;
    let mut missing = false;
    for (ecosystem, fetched) in &record.ecosystems {
        let present = dir.join(&fetched.file).is_file();
        missing |= !present;
        let age = environment.now.map_or_else(String::new, |now| {
            let days = now.saturating_sub(fetched.fetched) / 86_400;
            let stale = if days > args.max_db_age {
                format!(", stale: older than {} days", args.max_db_age)
            } else {
                String::new()
            };
            format!(" ({days} days ago{stale})")
        });
        output::print(format!(
            "  {ecosystem}: {} advisories, {} bytes, fetched {}{age} from {}{}\n",
            fetched.records,
            fetched.bytes,
            format_time(fetched.fetched),
            fetched.url,
            if present {
                String::new()
            } else {
                format!(" — {} is missing", fetched.file)
            }
        ))?;
    }
    if record.ecosystems.is_empty() || missing {
        eprintln!("error: the cache is incomplete: run `gate supply db update`");
        return Ok(EXIT_ERROR);
    }
    Ok(EXIT_PASS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecosystem_names_cannot_steer_paths_or_urls() {
        for good in ["PyPI", "crates.io", "Debian:12", "GitHub Actions"] {
            assert!(check_ecosystem_name(good).is_ok(), "{good}");
        }
        for bad in ["", "../etc", "a/b", ".hidden", "x?y=1", "a%2F"] {
            assert!(check_ecosystem_name(bad).is_err(), "{bad}");
        }
        assert_eq!(percent_encode("GitHub Actions"), "GitHub%20Actions");
        assert_eq!(percent_encode("crates.io"), "crates.io");
    }
}
