//! Stable fingerprints for code-scanning and code-quality results.
//!
//! The hash must not change between Rust releases or platforms (std's hasher may), or every
//! result would look new after an upgrade, so it is FNV-1a, 64-bit, written out.

use crate::Finding;

fn fnv1a(parts: &[&str]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    for part in parts {
        // A separator byte keeps ("ab", "c") and ("a", "bc") apart.
        for byte in part.bytes().chain(std::iter::once(0xff)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(PRIME);
        }
    }
    hash
}

/// Identifies "the same problem" across runs: rule, gate, subject and message, not the line,
/// so a finding keeps its identity when code above it moves.
pub(crate) fn identity(gate: &str, finding: &Finding) -> String {
    let path = finding
        .location
        .as_ref()
        .map_or("", |location| location.path.as_str());
    let target = finding.target.as_deref().unwrap_or("");
    format!(
        "{:016x}",
        fnv1a(&[gate, finding.rule.id, path, target, &finding.message])
    )
}

/// Identifies a result at its place: GitLab wants the location in the fingerprint.
pub(crate) fn with_location(
    gate: &str,
    rule: &str,
    path: &str,
    line: u32,
    message: &str,
) -> String {
    format!(
        "{:016x}",
        fnv1a(&[gate, rule, path, &line.to_string(), message])
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vector_is_stable() {
        // Pinned (FNV-1a 64 of the bytes "a", 0xff, computed independently): changing the hash
        // would re-open every dismissed alert.
        assert_eq!(format!("{:016x}", fnv1a(&["a"])), "089bc907b544c769");
    }

    #[test]
    fn separators_keep_parts_apart() {
        assert_ne!(fnv1a(&["ab", "c"]), fnv1a(&["a", "bc"]));
    }
}
