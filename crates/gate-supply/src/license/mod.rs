//! License compliance: discover what each package's metadata says about its license, normalise
//! it to SPDX, and check it against an allowlist.
//!
//! Discovery returns [`LicenseRecord`]s ([`python_license`], [`read_site_packages_licenses`],
//! [`cargo_metadata_licenses`], [`cargo_toml_license`], [`package_json_license`],
//! [`read_node_modules`]); [`resolve()`] picks the SPDX expression (clarifications first, then
//! statements in precedence order); [`check_licenses`] judges it against a [`LicensePolicy`]
//! and [`inventory()`] lists it ([`render_inventory`] as a table, JSON or CSV).
//! [`find_license_inputs`] tells which readers a path needs.

mod cargo;
mod check;
mod exception;
mod files;
mod input;
mod inventory;
mod names;
mod normalise;
mod npm;
mod policy;
mod python;
mod record;
mod resolve;
mod text;

pub use cargo::{cargo_metadata_licenses, cargo_toml_license};
pub use check::{LICENSE, check_licenses};
pub use exception::{LicenseException, exceptions_to_waivers};
pub use input::{LicenseInput, find_license_inputs};
pub use inventory::{InventoryFormat, InventoryRow, inventory, render_inventory};
pub use normalise::{Normalised, Unresolved, normalise};
pub use npm::{package_json_license, read_node_modules};
pub use policy::{Clarification, LicensePolicy, PolicyError, parse_allowlist};
pub use python::{classify_license_files, python_license, read_site_packages_licenses};
pub use record::{Declared, Detected, LicenseRecord, LicenseSource};
pub use resolve::{Resolution, classifier_license, interpret, resolve};
pub use text::{ClassifierError, DEFAULT_THRESHOLD, HINT_THRESHOLD, TextClassifier};
