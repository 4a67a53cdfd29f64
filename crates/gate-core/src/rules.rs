//! The rules gate-core itself raises: the waiver and baseline bookkeeping every gate shares.

use crate::Rule;

/// A waiver whose `expires` date has passed: it suppresses nothing until renewed or removed.
pub static WAIVER_EXPIRED: Rule = Rule {
    id: "waiver/expired",
    summary: "A waiver in gate.toml has passed its expiry date.",
    help: "The waiver no longer suppresses anything, so the findings it covered fail again. \
           Fix the underlying findings and delete the [[waiver]] entry, or, if the exception is \
           still justified, set a new `expires` date and update the `reason`.",
};

/// A waiver that matched no finding: usually the problem was fixed and the waiver can go.
pub static WAIVER_UNUSED: Rule = Rule {
    id: "waiver/unused",
    summary: "A waiver in gate.toml matched no finding of its gate.",
    help: "The finding it was written for is gone (or the gate, rule or target is misspelt). \
           Delete the [[waiver]] entry, or correct its `gate`, `rule` and `target` so it matches.",
};

/// An entry of the committed baseline that matches no finding any more: the problem was fixed.
pub static BASELINE_UNMATCHED: Rule = Rule {
    id: "baseline/unmatched",
    summary: "Every entry of the committed baseline (gate-baseline.json) still matches a finding.",
    help: "The finding the entry accepted is gone (fixed, or its identity changed), so the entry \
           would let the same problem back in unnoticed. Run `gate baseline prune` to remove \
           the entries that no longer match, and commit the smaller baseline.",
};

/// A gate that could not run (unreadable input, invalid setting): the id the GitLab and JUnit
/// renderers give its error, so `gate explain` can tell what it means.
pub static GATE_ERROR: Rule = Rule {
    id: "gate/error",
    summary: "Every gate could run: its inputs could be read and its settings are valid.",
    help: "The message names the file (and line) that could not be read or the setting that is \
           invalid. A gate that could not run never passes: fix the input or the configuration \
           and run again. It cannot be waived, since there is no finding to waive.",
};

/// Every rule gate-core declares (re-exported as `gate_core::RULES`, the name every gate crate
/// gives its list).
pub static RULES: &[&Rule] = &[
    &BASELINE_UNMATCHED,
    &GATE_ERROR,
    &WAIVER_EXPIRED,
    &WAIVER_UNUSED,
];

#[cfg(test)]
mod tests {
    #[test]
    fn the_crate_root_lists_the_waiver_rules() {
        let ids: Vec<&str> = crate::RULES.iter().map(|rule| rule.id).collect();
        assert_eq!(
            ids,
            [
                "baseline/unmatched",
                "gate/error",
                "waiver/expired",
                "waiver/unused"
            ]
        );
    }
}
