//! Rust: the `license` / `license-file` fields of crates, from `cargo metadata` output or a
//! crate's `Cargo.toml`.

use std::path::Path;

use serde::Deserialize;

use super::record::{Declared, LicenseRecord, LicenseSource};
use crate::Ecosystem;
use crate::read_error::ReadError;

#[derive(Deserialize)]
struct Metadata {
    packages: Vec<Package>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    version: String,
    license: Option<String>,
    license_file: Option<String>,
    manifest_path: String,
}

/// The license statements of every package in `cargo metadata --format-version 1` output
/// (the CLI runs cargo; this only reads its JSON), sorted by name and version. Each record's
/// path is the package's `Cargo.toml`; `license-file` is resolved next to it and left
/// unclassified (see [`super::classify_license_files`]). `path` names the output in errors.
pub fn cargo_metadata_licenses(json: &str, path: &Path) -> Result<Vec<LicenseRecord>, ReadError> {
    let metadata: Metadata = serde_json::from_str(json)
        .map_err(|source| ReadError::json(path, "cargo metadata output", source))?;
    let mut records: Vec<LicenseRecord> = metadata
        .packages
        .into_iter()
        .map(|package| {
            let manifest = Path::new(&package.manifest_path);
            let mut record = LicenseRecord::new(
                &package.name,
                &package.version,
                Ecosystem::CratesIo,
                manifest,
            );
            push_cargo_fields(
                &mut record,
                package.license.as_deref(),
                package.license_file.as_deref(),
                manifest,
                None,
            );
            record
        })
        .collect();
    records.sort_by(|a, b| (&a.package, &a.version).cmp(&(&b.package, &b.version)));
    Ok(records)
}

#[derive(Deserialize)]
struct Manifest {
    package: ManifestPackage,
}

#[derive(Deserialize)]
struct ManifestPackage {
    name: String,
    version: Option<toml::Value>,
    license: Option<toml::Spanned<toml::Value>>,
    #[serde(rename = "license-file")]
    license_file: Option<toml::Value>,
}

/// The license statements of one crate's `Cargo.toml` text (as published to a registry, where
/// nothing is inherited from a workspace). An inherited `license.workspace = true` cannot be
/// resolved from one file and counts as no license.
pub fn cargo_toml_license(text: &str, path: &Path) -> Result<LicenseRecord, ReadError> {
    let manifest: Manifest =
        toml::from_str(text).map_err(|source| ReadError::toml(path, text, "Cargo.toml", source))?;
    let package = manifest.package;
    let version = match &package.version {
        Some(toml::Value::String(version)) => version.clone(),
        _ => String::new(),
    };
    let mut record = LicenseRecord::new(&package.name, version, Ecosystem::CratesIo, path);
    let (license, line) = match &package.license {
        Some(spanned) => (
            spanned.get_ref().as_str(),
            Some(crate::dependency::line_of(text, spanned.span().start)),
        ),
        None => (None, None),
    };
    let license_file = package.license_file.as_ref().and_then(toml::Value::as_str);
    push_cargo_fields(&mut record, license, license_file, path, line);
    Ok(record)
}

fn push_cargo_fields(
    record: &mut LicenseRecord,
    license: Option<&str>,
    license_file: Option<&str>,
    manifest: &Path,
    line: Option<u32>,
) {
    if let Some(license) = license {
        record
            .declared
            .push(Declared::value(LicenseSource::CargoLicense, license, line));
    }
    if let Some(file) = license_file {
        let dir = manifest.parent().unwrap_or(Path::new(""));
        record.declared.push(Declared {
            source: LicenseSource::LicenseFile(dir.join(file)),
            value: file.to_owned(),
            line: None,
            detected: None,
        });
    }
}
