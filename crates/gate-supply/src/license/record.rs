//! What discovery returns: [`LicenseRecord`], one per package, with every license statement found.

use std::fmt;
use std::path::PathBuf;

use crate::Ecosystem;

/// Where a license statement was found. The order of the variants within an ecosystem is the
/// order of precedence: the first statement that normalises to SPDX decides.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "file")]
#[non_exhaustive]
pub enum LicenseSource {
    /// PEP 639 `License-Expression` in a `METADATA` file: an SPDX expression by definition.
    LicenseExpression,
    /// The core-metadata `License` header holding a short license name.
    LicenseField,
    /// The core-metadata `License` header holding a whole license text, classified.
    LicenseFieldText,
    /// `Classifier: License :: …` entries (joined with `; `, sorted, as pip-licenses prints them).
    Classifier,
    /// The `license` field of a crate (`cargo metadata` or `Cargo.toml`).
    CargoLicense,
    /// The `license` field of an npm `package.json` (a string, or a legacy `{ "type": … }`).
    NpmLicense,
    /// The legacy npm `licenses` array (alternatives: npm reads it as an `OR`).
    NpmLicenses,
    /// A license file's text, classified (PEP 639 `License-File`, Cargo `license-file`, npm
    /// `SEE LICENSE IN <file>`); the path is the file.
    LicenseFile(PathBuf),
    /// The policy's clarify table, which wins over metadata.
    Clarified,
    /// A metadata file that could not be read or lacks the package's name (the path): the
    /// statement's value says why. It never resolves, so the package is `unknown` unless
    /// clarified, while every other package is still judged.
    Unreadable(PathBuf),
}

impl fmt::Display for LicenseSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LicenseSource::LicenseExpression => f.write_str("License-Expression"),
            LicenseSource::LicenseField => f.write_str("License"),
            LicenseSource::LicenseFieldText => f.write_str("License (text)"),
            LicenseSource::Classifier => f.write_str("Classifier"),
            LicenseSource::CargoLicense | LicenseSource::NpmLicense => f.write_str("license"),
            LicenseSource::NpmLicenses => f.write_str("licenses"),
            LicenseSource::LicenseFile(path) => write!(f, "license file {}", path.display()),
            LicenseSource::Clarified => f.write_str("clarify"),
            LicenseSource::Unreadable(path) => write!(f, "{}", path.display()),
        }
    }
}

/// What a license text classifier made of a text.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Detected {
    /// The SPDX id of the best match, when its confidence reached the classifier's threshold
    /// and it spans (nearly) the whole text.
    pub license: Option<String>,
    /// The best match's SPDX id, whatever its confidence (for messages).
    pub best: String,
    /// The best match's confidence, `0.0..=1.0` (capped by the share of the text it spans).
    pub confidence: f32,
    /// Why the text could not be read (a declared license file missing on disk), when it
    /// could not; then nothing was classified.
    pub error: Option<String>,
}

impl Detected {
    /// A text that could not be read, and why.
    pub fn unreadable(error: impl Into<String>) -> Detected {
        Detected {
            license: None,
            best: String::new(),
            confidence: 0.0,
            error: Some(error.into()),
        }
    }
}

/// One license statement as the metadata makes it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Declared {
    /// The field or file it comes from.
    pub source: LicenseSource,
    /// The value verbatim; for a whole license text, its first non-blank line.
    pub value: String,
    /// The 1-based line in the record's `path`, where the format has lines.
    pub line: Option<u32>,
    /// For texts (`License` holding a license text, license files): what the classifier found;
    /// `None` when the text was not classified (no classifier given, or not needed).
    pub detected: Option<Detected>,
}

impl Declared {
    /// A statement that is a value, not a text to classify.
    pub fn value(source: LicenseSource, value: impl Into<String>, line: Option<u32>) -> Declared {
        Declared {
            source,
            value: value.into(),
            line,
            detected: None,
        }
    }

    /// Whether the statement is a text that needs (or got) classifying.
    pub fn is_text(&self) -> bool {
        matches!(
            self.source,
            LicenseSource::LicenseFieldText | LicenseSource::LicenseFile(_)
        )
    }
}

/// The license metadata of one package, every statement kept in precedence order.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct LicenseRecord {
    /// The package name as its metadata writes it (waivers and clarifications match it).
    pub package: String,
    /// The version (empty when the metadata has none, such as an inherited workspace version).
    pub version: String,
    /// The ecosystem.
    pub ecosystem: Ecosystem,
    /// What the metadata says about the license, by source, in precedence order.
    pub declared: Vec<Declared>,
    /// The metadata file (`METADATA`, `Cargo.toml`, `package.json`), as the caller named it.
    pub path: PathBuf,
    /// Where the package is locked, when a lockfile lists it: the file and the 1-based line of
    /// the package's entry (npm: its `node_modules/…` key in `package-lock.json`). Findings
    /// point there, the line a reviewer changes, rather than at installed metadata.
    pub locked_at: Option<(PathBuf, u32)>,
}

impl LicenseRecord {
    /// A record with no license statement yet.
    pub fn new(
        package: impl Into<String>,
        version: impl Into<String>,
        ecosystem: Ecosystem,
        path: impl Into<PathBuf>,
    ) -> LicenseRecord {
        LicenseRecord {
            package: package.into(),
            version: version.into(),
            ecosystem,
            declared: Vec::new(),
            path: path.into(),
            locked_at: None,
        }
    }

    /// The statements as one line: `source: value` joined by ` | ` (for messages).
    pub fn declared_summary(&self) -> String {
        if self.declared.is_empty() {
            return "nothing".to_owned();
        }
        self.declared
            .iter()
            .map(|d| format!("{}: {}", d.source, d.value))
            .collect::<Vec<_>>()
            .join(" | ")
    }
}
