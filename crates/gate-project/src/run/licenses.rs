//! The license check's glue: license metadata read from site-packages, `node_modules` trees and
//! Cargo projects (through `cargo metadata`), then `gate_supply::license::check_licenses`.

use std::path::Path;

use gate_core::{GateError, GateReport, Location, error_chain};
use gate_supply::license::{
    LicenseInput, LicenseRecord, LicenseSource, TextClassifier, cargo_metadata_licenses,
    check_licenses, classify_license_files, find_license_inputs, read_node_modules,
    read_site_packages_licenses,
};

use crate::io::ProjectIo;
use crate::paths::display;
use crate::settings::supply::{CargoFeatures, Licenses};

/// Runs the license check for `gate check`: anything that cannot be read makes the gate error.
pub fn run(licenses: &Licenses, root: &Path, io: &dyn ProjectIo) -> GateReport {
    match read_records_of(&licenses.paths, licenses.cargo_features, root, io) {
        Ok(records) => check_licenses(&records, &licenses.policy),
        Err(error) => GateReport::errored(gate_supply::license::LICENSE.gate(), error),
    }
}

/// Reads the license metadata under each path, with paths shown relative to `root`; of a Cargo
/// project, every package in its Cargo.lock ([`CargoFeatures::All`]).
pub fn read_records(
    paths: &[std::path::PathBuf],
    root: &Path,
    io: &dyn ProjectIo,
) -> Result<Vec<LicenseRecord>, GateError> {
    read_records_of(paths, CargoFeatures::All, root, io)
}

/// [`read_records`], with the packages of Cargo projects chosen by `features`.
pub fn read_records_of(
    paths: &[std::path::PathBuf],
    features: CargoFeatures,
    root: &Path,
    io: &dyn ProjectIo,
) -> Result<Vec<LicenseRecord>, GateError> {
    let classifier = TextClassifier::load().map_err(|error| GateError::new(error_chain(&error)))?;
    let mut records = Vec::new();
    for path in paths {
        // `./api/.venv` reads as `api/.venv` in messages the library builds from the path.
        let path = match path.strip_prefix(".") {
            Ok(rest) if !rest.as_os_str().is_empty() => rest,
            _ => path.as_path(),
        };
        let inputs = find_license_inputs(path);
        if inputs.is_empty() {
            return Err(GateError::new(format!(
                "{}: no license metadata found: expected a site-packages directory, a virtual \
                 environment, a Cargo project or a node_modules tree",
                display(path, root)
            ))
            .with_location(Location::file(display(path, root))));
        }
        for input in inputs {
            records.extend(read_input(&input, &classifier, features, root, io)?);
        }
    }
    // Paths in messages relative to the project, as every other finding's, so messages and
    // fingerprints do not depend on where the checkout lives.
    for record in &mut records {
        record.path = display(&record.path, root).into();
        if let Some((lockfile, _)) = &mut record.locked_at {
            *lockfile = display(lockfile, root).into();
        }
        for declared in &mut record.declared {
            if let LicenseSource::LicenseFile(file) | LicenseSource::Unreadable(file) =
                &mut declared.source
            {
                *file = display(file, root).into();
            }
        }
    }
    Ok(records)
}

fn read_input(
    input: &LicenseInput,
    classifier: &TextClassifier,
    features: CargoFeatures,
    root: &Path,
    io: &dyn ProjectIo,
) -> Result<Vec<LicenseRecord>, GateError> {
    let error = |error: &dyn std::error::Error| GateError::new(error_chain(error));
    match input {
        LicenseInput::SitePackages(directory) => {
            read_site_packages_licenses(directory, Some(classifier)).map_err(|e| error(&e))
        }
        LicenseInput::NodeModules(directory) => {
            read_node_modules(directory, Some(classifier)).map_err(|e| error(&e))
        }
        LicenseInput::CargoProject(directory) => {
            let metadata = cargo_metadata(directory, features, root, io)?;
            let manifest = directory.join("Cargo.toml");
            let mut records =
                cargo_metadata_licenses(&metadata, &manifest).map_err(|e| error(&e))?;
            classify_license_files(&mut records, classifier);
            Ok(records)
        }
        other => Err(GateError::new(format!(
            "{other:?}: this kind of license input is not supported yet"
        ))),
    }
}

/// `cargo metadata` from the lockfile as it is, without the network: a license check must not
/// resolve a different dependency tree than the one that ships. With every feature on (the
/// default), its packages are those of Cargo.lock, which is resolved with every feature too; with
/// default features only, a crate that ships behind a feature would go unchecked.
fn cargo_metadata(
    directory: &Path,
    features: CargoFeatures,
    root: &Path,
    io: &dyn ProjectIo,
) -> Result<String, GateError> {
    let mut args = vec!["metadata", "--format-version", "1", "--locked", "--offline"];
    if features == CargoFeatures::All {
        args.push("--all-features");
    }
    let output = io
        .cargo(directory, &args)
        .map_err(|error| GateError::new(format!("cannot run cargo metadata: {error}")))?;
    if !output.success() {
        return Err(GateError::new(format!(
            "`cargo {}` failed in {}: {}",
            args.join(" "),
            display(directory, root),
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    String::from_utf8(output.stdout)
        .map_err(|_| GateError::new("cargo metadata printed text that is not UTF-8"))
}
