//! The license inventory: one row per package, what `gate supply licenses --list` prints (as a
//! table, JSON or CSV: the CLI formats it).

use std::path::PathBuf;

use super::policy::Clarification;
use super::record::{LicenseRecord, LicenseSource};
use super::resolve::{Resolution, resolve};
use crate::Ecosystem;

/// One package's license, as pip-licenses lists it plus the SPDX reading.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct InventoryRow {
    /// The package name.
    pub package: String,
    /// The version.
    pub version: String,
    /// The ecosystem.
    pub ecosystem: Ecosystem,
    /// The normalised SPDX expression, or `None` when it cannot be determined.
    pub license: Option<String>,
    /// The statement that decided, verbatim (or the first one declared when none resolved;
    /// empty when nothing is declared, where pip-licenses prints `UNKNOWN`).
    pub declared: String,
    /// Which field or file `declared` comes from.
    pub source: Option<LicenseSource>,
    /// Why the license is unknown, when it is.
    pub unknown_because: Option<String>,
    /// The metadata file.
    pub path: PathBuf,
}

/// One row per record, in the order given (clarifications applied).
pub fn inventory(records: &[LicenseRecord], clarify: &[Clarification]) -> Vec<InventoryRow> {
    records
        .iter()
        .map(|record| {
            let resolution = resolve(record, clarify);
            let (license, source, unknown_because) = match &resolution {
                Resolution::Spdx {
                    expression, source, ..
                } => (
                    Some(expression.as_str().to_owned()),
                    Some(source.clone()),
                    None,
                ),
                Resolution::Unresolved { .. } => (
                    None,
                    record.declared.first().map(|d| d.source.clone()),
                    Some(resolution.explain()),
                ),
            };
            let declared = match &source {
                Some(source) if *source != LicenseSource::Clarified => record
                    .declared
                    .iter()
                    .find(|d| d.source == *source)
                    .map(|d| d.value.clone())
                    .unwrap_or_default(),
                _ => String::new(),
            };
            InventoryRow {
                package: record.package.clone(),
                version: record.version.clone(),
                ecosystem: record.ecosystem,
                license,
                declared,
                source,
                unknown_because,
                path: record.path.clone(),
            }
        })
        .collect()
}
