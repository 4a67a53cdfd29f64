//! Python: license statements in `*.dist-info/METADATA`.

use std::path::{Path, PathBuf};

use super::files::{is_other_file_name, read_license_text, shipped_license_files};
use super::record::{Declared, Detected, LicenseRecord, LicenseSource};
use super::resolve::interpret;
use super::text::{TextClassifier, first_line, is_license_text};
use crate::dist_info::name_and_version;
use crate::read_error::{ReadError, read_text};
use crate::{Ecosystem, parse_metadata};

/// The license statements of one `METADATA` text, in precedence order: PEP 639
/// `License-Expression`, `License` (a name; or a whole license text, classified when a
/// classifier is given), `Classifier: License :: …` (the last segments, sorted and joined with
/// `; ` as pip-licenses prints them; `OSI Approved` alone is a category and skipped), then each
/// `License-File` (recorded unclassified: [`classify_license_files`] reads them; an entry whose
/// name says it is no license, such as `AUTHORS.rst` or `NOTICE`, is left out).
///
/// `path` is the `METADATA` file: records and findings point at it, and `License-File` paths
/// are resolved next to it.
pub fn python_license(
    text: &str,
    path: &Path,
    classifier: Option<&TextClassifier>,
) -> Result<LicenseRecord, ReadError> {
    let (metadata, lines) = parse_metadata(text);
    let found = name_and_version(&metadata, &lines, path)?;
    let mut record = LicenseRecord::new(found.name, found.version, Ecosystem::PyPI, path);
    let line_of = |wanted: &str| {
        metadata
            .headers
            .iter()
            .zip(&lines)
            .find(|((key, _), _)| key.eq_ignore_ascii_case(wanted))
            .map(|(_, line)| *line)
    };
    if let Some(expression) = metadata.get("License-Expression") {
        record.declared.push(Declared::value(
            LicenseSource::LicenseExpression,
            expression,
            line_of("License-Expression"),
        ));
    }
    if let Some(license) = metadata.get("License").filter(|l| !l.trim().is_empty()) {
        let line = line_of("License");
        if is_license_text(license) {
            let resolved_before = record.declared.iter().any(|d| interpret(d).is_ok());
            record.declared.push(Declared {
                source: LicenseSource::LicenseFieldText,
                value: first_line(license),
                line,
                detected: classifier
                    .filter(|_| !resolved_before)
                    .map(|c| c.classify(license)),
            });
        } else {
            record
                .declared
                .push(Declared::value(LicenseSource::LicenseField, license, line));
        }
    }
    let mut classifiers: Vec<(&str, u32)> = metadata
        .headers
        .iter()
        .zip(&lines)
        .filter(|((key, _), _)| key.eq_ignore_ascii_case("Classifier"))
        .filter_map(|((_, value), line)| Some((value.strip_prefix("License ::")?, *line)))
        .map(|(c, line)| (c.rsplit(" :: ").next().unwrap_or(c).trim(), line))
        .filter(|(c, _)| !c.is_empty() && *c != "OSI Approved" && *c != "DFSG approved")
        .collect();
    if !classifiers.is_empty() {
        let first_line = classifiers[0].1;
        classifiers.sort_unstable();
        let mut names: Vec<&str> = classifiers.iter().map(|(c, _)| *c).collect();
        names.dedup();
        record.declared.push(Declared::value(
            LicenseSource::Classifier,
            names.join("; "),
            Some(first_line),
        ));
    }
    let dist_info = path.parent().unwrap_or(Path::new(""));
    for (index, file) in metadata.all("License-File").enumerate() {
        let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
        if is_other_file_name(name) {
            continue;
        }
        let line = metadata
            .headers
            .iter()
            .zip(&lines)
            .filter(|((key, _), _)| key.eq_ignore_ascii_case("License-File"))
            .nth(index)
            .map(|(_, line)| *line);
        record.declared.push(Declared {
            source: LicenseSource::LicenseFile(license_file_path(dist_info, file)),
            value: file.to_owned(),
            line,
            detected: None,
        });
    }
    Ok(record)
}

/// PEP 639 puts license files under `<dist-info>/licenses/`; wheels built before it put them at
/// the top of the dist-info directory. The first that exists, else the PEP 639 place.
fn license_file_path(dist_info: &Path, file: &str) -> PathBuf {
    let pep639 = dist_info.join("licenses").join(file);
    let legacy = dist_info.join(file);
    if !pep639.exists() && legacy.exists() {
        legacy
    } else {
        pep639
    }
}

/// Reads every `*.dist-info/METADATA` directly inside a site-packages directory (sorted by
/// path) and, with a classifier, classifies the license texts of packages whose metadata
/// names no license otherwise.
///
/// When `METADATA` declares no license file, the files the distribution ships are used, as
/// pip-licenses finds them: `LICENSE*`, `LICENCE*`, `COPYING*` beside `METADATA` and under
/// `licenses/`. Only the directory itself must be readable: a package whose `METADATA` cannot
/// be read (or names no package) gets a record named after its directory with a
/// [`LicenseSource::Unreadable`] statement, so it is `unknown` and every other package is
/// still judged.
pub fn read_site_packages_licenses(
    dir: &Path,
    classifier: Option<&TextClassifier>,
) -> Result<Vec<LicenseRecord>, ReadError> {
    let mut records: Vec<LicenseRecord> = crate::dist_info::dist_info_dirs(dir)?
        .into_iter()
        .map(|info| {
            let metadata = info.join("METADATA");
            let read =
                read_text(&metadata).and_then(|text| python_license(&text, &metadata, classifier));
            match read {
                Ok(mut record) => {
                    add_shipped_license_files(&mut record, &info);
                    record
                }
                Err(error) => unreadable_dist_info(&info, &metadata, &error),
            }
        })
        .collect();
    if let Some(classifier) = classifier {
        classify_license_files(&mut records, classifier);
    }
    Ok(records)
}

/// Adds the license files a distribution ships when its metadata declares none (older wheel
/// builders did not write `License-File`; itsdangerous 2.2 ships an undeclared `LICENSE.txt`).
fn add_shipped_license_files(record: &mut LicenseRecord, dist_info: &Path) {
    let declares_files = record
        .declared
        .iter()
        .any(|d| matches!(d.source, LicenseSource::LicenseFile(_)));
    if declares_files {
        return;
    }
    for file in shipped_license_files(dist_info) {
        let relative = file.strip_prefix(dist_info).unwrap_or(&file);
        let value = relative.to_string_lossy().replace('\\', "/");
        record.declared.push(Declared {
            source: LicenseSource::LicenseFile(file),
            value,
            line: None,
            detected: None,
        });
    }
}

/// The record of a distribution whose `METADATA` could not be read: named and versioned after
/// its directory (`name-version.dist-info`, as installers write it), with why.
fn unreadable_dist_info(dist_info: &Path, metadata: &Path, error: &ReadError) -> LicenseRecord {
    let stem = dist_info
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (name, version) = stem.split_once('-').unwrap_or((stem.as_str(), ""));
    let mut record = LicenseRecord::new(name, version, Ecosystem::PyPI, metadata);
    record.declared.push(Declared::value(
        LicenseSource::Unreadable(metadata.to_owned()),
        gate_core::error_chain(error),
        None,
    ));
    record
}

/// Reads and classifies the license files of records that no earlier statement resolves
/// (license files are the last resort, as they are for cargo-deny). A license file that cannot
/// be read (declared but missing on disk) is recorded as such on its record: that package's
/// license comes from its other statements or is `unknown`, and the others are unaffected.
pub fn classify_license_files(records: &mut [LicenseRecord], classifier: &TextClassifier) {
    for record in records {
        let resolved = record
            .declared
            .iter()
            .filter(|d| !matches!(d.source, LicenseSource::LicenseFile(_)))
            .any(|d| interpret(d).is_ok());
        if resolved {
            continue;
        }
        for declared in &mut record.declared {
            if let (LicenseSource::LicenseFile(file), None) = (&declared.source, &declared.detected)
            {
                declared.detected = Some(match read_license_text(file) {
                    Ok(text) => classifier.classify(&text),
                    Err(error) => Detected::unreadable(gate_core::error_chain(&error)),
                });
            }
        }
    }
}
