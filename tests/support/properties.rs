//! Shared strategies for the `tests/properties.rs` of each crate that owns parsers (included
//! there with `#[path]`): arbitrary bytes and text, mutations of real fixtures, and a timed call.
//!
//! A parser under test must return `Ok` or `Err` for every input, never panic, and finish within
//! [`TIME_LIMIT`]. Inputs stay under [`MAX_INPUT`] bytes, so memory stays bounded too.

#![allow(dead_code)] // Each crate uses the part it needs.

use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError};

/// The largest input a strategy builds: far above the fixtures mutated, small enough that a
/// parser holding a few copies of it stays within a few MiB.
pub const MAX_INPUT: usize = 64 * 1024;

/// A generous bound per call in a debug build: the slowest fixture parses in milliseconds, so
/// crossing it means a hang or a blow-up, not a slow machine.
pub const TIME_LIMIT: Duration = Duration::from_secs(2);

/// The runner's configuration: `cases` by default (chosen so that the whole workspace's
/// property tests take well under a minute in debug builds), `PROPTEST_CASES` to raise it.
pub fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(cases);
    Config {
        cases,
        ..Config::default()
    }
}

/// Runs one parser call, failing the case if it takes longer than [`TIME_LIMIT`].
pub fn timed<T>(what: &str, call: impl FnOnce() -> T) -> Result<T, TestCaseError> {
    let start = Instant::now();
    let result = call();
    let elapsed = start.elapsed();
    if elapsed > TIME_LIMIT {
        return Err(TestCaseError::fail(format!(
            "{what} took {elapsed:?}, over the {TIME_LIMIT:?} bound"
        )));
    }
    Ok(result)
}

/// Runs one parser call for its outcome alone (`Ok` or `Err` both pass), within [`TIME_LIMIT`].
pub fn bounded<T>(what: &str, call: impl FnOnce() -> T) -> Result<(), TestCaseError> {
    timed(what, call).map(drop)
}

/// Arbitrary bytes, mostly short (a parser's first checks) and up to 4 KiB.
pub fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..4096)
}

/// Arbitrary text made of any characters and of `tokens`, the format's own syntax, so that the
/// parser gets past its first byte more often than on random characters alone.
pub fn text(tokens: &'static [&'static str]) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        any::<char>().prop_map(String::from),
        prop::sample::select(tokens).prop_map(str::to_owned),
        Just("\n".to_owned()),
    ];
    prop::collection::vec(piece, 0..512).prop_map(|pieces| pieces.concat())
}

/// One edit of a fixture's bytes; the two indexes pick positions proportional to its length.
#[derive(Debug, Clone)]
pub enum Edit {
    /// Flips one bit of the byte at a position.
    Flip(Index, u8),
    /// Inserts a byte.
    Insert(Index, u8),
    /// Deletes up to `usize` bytes from a position.
    Delete(Index, usize),
    /// Cuts the input at a position.
    Truncate(Index),
    /// Copies up to `usize` bytes from the first position to the second.
    Duplicate(Index, Index, usize),
    /// Swaps two lines.
    SwapLines(Index, Index),
    /// Inserts one of the format's tokens at a position.
    Token(Index, Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Index>(), 0u8..8).prop_map(|(at, bit)| Edit::Flip(at, bit)),
        (any::<Index>(), any::<u8>()).prop_map(|(at, byte)| Edit::Insert(at, byte)),
        (any::<Index>(), 1usize..256).prop_map(|(at, len)| Edit::Delete(at, len)),
        any::<Index>().prop_map(Edit::Truncate),
        (any::<Index>(), any::<Index>(), 1usize..4096)
            .prop_map(|(from, to, len)| Edit::Duplicate(from, to, len)),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        (any::<Index>(), any::<Index>()).prop_map(|(at, token)| Edit::Token(at, token)),
    ]
}

/// A fixture picked from `fixtures`, then changed by one to eight edits (insertions may use
/// `tokens`). Returns the index of the fixture, so the test can name it, and the bytes.
pub fn mutated(
    fixtures: &'static [&'static [u8]],
    tokens: &'static [&'static str],
) -> impl Strategy<Value = (usize, Vec<u8>)> {
    (0..fixtures.len(), prop::collection::vec(edit(), 1..8)).prop_map(move |(which, edits)| {
        let mut bytes = fixtures[which].to_vec();
        for edit in edits {
            apply(&mut bytes, &edit, tokens);
        }
        bytes.truncate(MAX_INPUT);
        (which, bytes)
    })
}

fn apply(bytes: &mut Vec<u8>, edit: &Edit, tokens: &[&str]) {
    // A position in 0..=len (an insertion may go at the end).
    let at = |index: &Index, len: usize| index.index(len + 1);
    match edit {
        Edit::Flip(index, bit) => {
            if !bytes.is_empty() {
                let i = index.index(bytes.len());
                bytes[i] ^= 1 << bit;
            }
        }
        Edit::Insert(index, byte) => bytes.insert(at(index, bytes.len()), *byte),
        Edit::Delete(index, len) => {
            let start = at(index, bytes.len());
            let end = (start + len).min(bytes.len());
            bytes.drain(start..end);
        }
        Edit::Truncate(index) => bytes.truncate(at(index, bytes.len())),
        Edit::Duplicate(from, to, len) => {
            let start = at(from, bytes.len());
            let end = (start + len).min(bytes.len());
            let slice = bytes[start..end].to_vec();
            let to = at(to, bytes.len());
            if bytes.len() + slice.len() <= MAX_INPUT {
                bytes.splice(to..to, slice);
            }
        }
        Edit::SwapLines(a, b) => {
            let mut lines: Vec<Vec<u8>> =
                bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
            let (a, b) = (a.index(lines.len()), b.index(lines.len()));
            lines.swap(a, b);
            *bytes = lines.join(&b'\n');
        }
        Edit::Token(index, token) => {
            if !tokens.is_empty() {
                let token = tokens[token.index(tokens.len())].as_bytes();
                let to = at(index, bytes.len());
                bytes.splice(to..to, token.iter().copied());
            }
        }
    }
}

/// Bytes as a parser of text sees them after a lossy read.
pub fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
