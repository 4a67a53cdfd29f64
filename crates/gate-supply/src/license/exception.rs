//! Per-package license exceptions, as gate-core waivers.

use gate_core::{Date, Target, TargetError, Waiver};

use super::check::LICENSE;
use crate::Ecosystem;

/// A package allowed to fail the license check, with a reason and an expiry date: a gate-core
/// waiver on rule `supply/license` whose target is the package, so expiry and unused-exception
/// warnings work as for every other waiver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenseException {
    /// The package name. With `ecosystem` set it is normalised as the findings' targets are
    /// (`PyYAML` → `pyyaml`); without, it is a glob matched against them as written.
    pub package: String,
    /// The ecosystem whose naming rules apply, if known.
    pub ecosystem: Option<Ecosystem>,
    /// Why it is acceptable.
    pub reason: String,
    /// The last day it applies.
    pub expires: Date,
    /// Who answers for it.
    pub owner: Option<String>,
}

/// Turns license exceptions into waivers for the `supply` gate (apply them with
/// `gate_core::apply_waivers`).
pub fn exceptions_to_waivers(exceptions: &[LicenseException]) -> Result<Vec<Waiver>, TargetError> {
    exceptions
        .iter()
        .map(|exception| {
            let target = match exception.ecosystem {
                Some(ecosystem) => ecosystem.normalise_name(&exception.package),
                None => exception.package.clone(),
            };
            let mut waiver = Waiver::new(
                "supply",
                LICENSE.id,
                exception.reason.clone(),
                exception.expires,
            )
            .with_target(Target::new(&target)?);
            waiver.owner.clone_from(&exception.owner);
            Ok(waiver)
        })
        .collect()
}
