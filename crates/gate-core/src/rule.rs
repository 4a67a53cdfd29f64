//! Rule metadata: what a stable rule id checks and how to fix or waive it.

use serde::{Serialize, Serializer};

/// A documented check with a stable id such as `coverage/total` or `supply/vulnerability`.
///
/// Rules are `'static` values declared by each gate crate (each crate lists its own as `RULES`;
/// [`crate::RULES`] are the ones gate-core itself declares), so every finding points at documentation that exists.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Rule {
    /// The stable id, `<gate>/<check>`. Waivers and SARIF `ruleId`s use it.
    pub id: &'static str,
    /// A one-line description of what the rule checks.
    pub summary: &'static str,
    /// How to fix a finding, and how to waive it when fixing is not possible yet.
    pub help: &'static str,
}

impl Rule {
    /// The gate part of the id (`coverage` for `coverage/total`).
    pub fn gate(&self) -> &'static str {
        self.id.split_once('/').map_or(self.id, |(gate, _)| gate)
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id)
    }
}
