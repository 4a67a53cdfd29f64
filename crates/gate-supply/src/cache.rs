//! A cache of parsed advisories, keyed by the content of the data it was built from.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::db_error::DbError;
use crate::osv::Advisory;

/// Bumped whenever the cached shape or the parsing semantics change, so old caches are rebuilt.
const FORMAT: u32 = 1;

#[derive(Serialize)]
struct CacheOut<'a> {
    format: u32,
    key: &'a str,
    advisories: &'a [Advisory],
}

#[derive(Deserialize)]
struct CacheIn {
    format: u32,
    key: String,
    advisories: Vec<Advisory>,
}

/// FNV-1a over every file's path and bytes (in load order) and the crate version: stable across
/// runs and toolchains, unlike `DefaultHasher`, and fast enough to be noise beside the read.
pub(crate) fn key<'a>(files: impl Iterator<Item = (&'a Path, &'a [u8])>) -> String {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0100_0000_01b3;
    let mut hash = OFFSET;
    let mut feed = |bytes: &[u8]| {
        for &b in bytes {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(PRIME);
        }
        // A separator, so ("ab", "c") and ("a", "bc") differ.
        hash ^= 0xff;
        hash = hash.wrapping_mul(PRIME);
    };
    feed(env!("CARGO_PKG_VERSION").as_bytes());
    let mut count = 0u64;
    for (path, bytes) in files {
        feed(path.to_string_lossy().as_bytes());
        feed(bytes);
        count += 1;
    }
    format!("{FORMAT}-{count}-{hash:016x}")
}

/// The cached advisories when the cache exists, parses and matches `key`; otherwise `None`.
pub(crate) fn read(cache: &Path, key: &str) -> Option<Vec<Advisory>> {
    let bytes = std::fs::read(cache).ok()?;
    let parsed: CacheIn = serde_json::from_slice(&bytes).ok()?;
    (parsed.format == FORMAT && parsed.key == key).then_some(parsed.advisories)
}

/// Writes the cache atomically: a temporary file beside it, then a rename.
pub(crate) fn write(cache: &Path, key: &str, advisories: &[Advisory]) -> Result<(), DbError> {
    let io = |source| DbError::Io {
        path: cache.to_owned(),
        source,
    };
    let json = serde_json::to_vec(&CacheOut {
        format: FORMAT,
        key,
        advisories,
    })
    .map_err(|e| io(std::io::Error::other(e)))?;
    gate_core::write_atomically(cache, &json).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_depends_on_paths_and_bytes() {
        let a = key([(Path::new("a"), &b"bc"[..])].into_iter());
        let b = key([(Path::new("ab"), &b"c"[..])].into_iter());
        let c = key([(Path::new("a"), &b"bc"[..])].into_iter());
        assert_ne!(a, b);
        assert_eq!(a, c);
    }
}
