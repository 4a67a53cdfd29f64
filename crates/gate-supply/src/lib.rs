//! The supply gate: offline audit of locked dependencies against OSV advisory data, and
//! license compliance against an SPDX allowlist.
//!
//! Read dependencies with [`read_lockfile`] (or a `parse_*` function for text you already
//! have), load advisories with [`Database::load`], and [`audit()`] them into a `supply`
//! [`gate_core::GateReport`]:
//!
//! ```
//! use gate_supply::{audit, parse_requirements, parse_osv, AuditConfig, Database, RecordFormat};
//! use gate_core::Verdict;
//! use std::path::Path;
//!
//! let record = br#"{"id": "PYSEC-2018-28", "aliases": ["CVE-2018-18074"],
//!   "affected": [{"package": {"ecosystem": "PyPI", "name": "requests"},
//!     "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.20.0"}]}]}]}"#;
//! let mut db = Database::new();
//! db.insert(parse_osv(record, RecordFormat::Json, Path::new("PYSEC-2018-28.json"))?.unwrap());
//!
//! let deps = parse_requirements("Requests==2.19.1\n", Path::new("requirements.txt"))?.dependencies;
//! let report = audit(&deps, &db, &AuditConfig::default());
//! assert_eq!(report.verdict(), Verdict::Fail);
//! assert_eq!(report.findings[0].target.as_deref(), Some("PYSEC-2018-28"));
//! assert_eq!(report.findings[0].details["fix"], "2.20.0");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! License compliance lives in [`license`]: discover each package's license statements, read
//! them as SPDX expressions, and check them against an allowlist into the same `supply` gate:
//!
//! ```
//! use gate_supply::license::{check_licenses, python_license, LicensePolicy};
//! use gate_core::Verdict;
//! use std::path::Path;
//!
//! let metadata = "Metadata-Version: 2.4\nName: packaging\nVersion: 26.4\n\
//!                 License-Expression: Apache-2.0 OR BSD-2-Clause\n\n";
//! let record = python_license(metadata, Path::new("packaging-26.4.dist-info/METADATA"), None)?;
//! let policy = LicensePolicy::new(&["Apache-2.0"])?; // one side of the OR is enough
//! assert_eq!(check_licenses(&[record], &policy).verdict(), Verdict::Pass);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The semantics follow DESIGN.md §4 "supply": OSV ranges pair each `introduced` with the next
//! end event in listed order, versions compare by each ecosystem's scheme, withdrawn records
//! are dropped, and nothing that could not be checked passes.

// RustSec, PyPI, OSV and npm are names in prose, not code to put in backticks.
#![allow(clippy::doc_markdown)]

mod audit;
mod cache;
mod cargo_lock;
mod database;
mod db_error;
mod dependency;
mod dist_info;
pub mod download_cache;
mod json_lines;
pub mod license;
mod lockfile;
mod matcher;
mod osv;
mod package_lock;
mod pipfile_lock;
mod poetry_lock;
mod pylock;
mod read_error;
mod requirements;
mod rustsec;
pub mod sbom;
mod severity;
mod uv_lock;
mod version;

pub use audit::{
    AuditConfig, DEFAULT_MAX_DB_AGE_DAYS, DatabaseAge, INFORMATIONAL, Ignore, NO_ADVISORY_DATA,
    STALE_DATABASE, UNEVALUABLE, UNPINNED, UNVERSIONED_URL, VULNERABILITY, audit,
    ignores_to_waivers,
};
pub use cargo_lock::parse_cargo_lock;
#[doc(hidden)]
pub use database::read_only;
pub use database::{CacheStatus, Database};
pub use db_error::DbError;
pub use dependency::{Dependency, Ecosystem, Origin, Relation, VersionSpec};
pub use dist_info::{Metadata, parse_dist_info, parse_metadata, read_site_packages};
pub use license::{
    Clarification, InventoryRow, LicensePolicy, LicenseRecord, TextClassifier, check_licenses,
    inventory,
};
pub use lockfile::{LockfileKind, find_lockfiles, read_lockfile};
pub use matcher::{MatchError, is_affected};
pub use osv::{
    Advisory, Affected, Event, Range, RangeKind, RecordFormat, RustsecVersions, SeverityVector,
    parse_osv,
};
pub use package_lock::parse_package_lock;
pub use pipfile_lock::parse_pipfile_lock;
pub use poetry_lock::parse_poetry_lock;
pub use pylock::parse_pylock;
pub use read_error::ReadError;
pub use requirements::{Include, IncludeKind, Requirements, parse_requirements, read_requirements};
pub use rustsec::parse_rustsec;
pub use severity::{Assessment, assess, parse_word};
pub use uv_lock::parse_uv_lock;
pub use version::{Version, VersionError};

/// Every rule the supply gate reports under: the audit's and the license check's.
pub static RULES: &[&gate_core::Rule] = &[
    &VULNERABILITY,
    &INFORMATIONAL,
    &UNPINNED,
    &UNVERSIONED_URL,
    &UNEVALUABLE,
    &NO_ADVISORY_DATA,
    &STALE_DATABASE,
    &license::LICENSE,
];

/// The README's examples, compiled as doctests so they cannot drift.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctest;
