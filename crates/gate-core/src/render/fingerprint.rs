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

/// Identifies "the same problem" across runs: gate, rule and [`Finding::identity`], never the
/// line, so a finding keeps its fingerprint when code above it moves — the identity a base
/// comparison uses, so platforms and `gate check --base` agree on what is new.
pub(crate) fn identity(gate: &str, finding: &Finding) -> String {
    of_identity(gate, finding.rule.id, &finding.identity(), 0)
}

/// The fingerprint of a rule and identity; `occurrence` tells apart repeated findings of one
/// identity (GitLab drops issues that share a fingerprint), and is left out when 0 so the
/// first keeps the fingerprint SARIF gives it.
pub(crate) fn of_identity(gate: &str, rule: &str, identity: &str, occurrence: usize) -> String {
    let hash = if occurrence == 0 {
        fnv1a(&[gate, rule, identity])
    } else {
        fnv1a(&[gate, rule, identity, &occurrence.to_string()])
    };
    format!("{hash:016x}")
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
