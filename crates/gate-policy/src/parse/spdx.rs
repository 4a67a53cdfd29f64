//! SPDX tag-value documents, shaped like conftest's: spdx/tools-golang reads the document,
//! converts it to SPDX 2.3 and conftest prints it with the SPDX JSON field names
//! (`spdxVersion`, `dataLicense`, `creationInfo.creators`, `packages[].versionInfo`…).
//! gate maps the tags of the document, creation info, packages, files, relationships and
//! extracted licenses; rarer tags (snippets, reviews, annotations) are left out: approximate.

use serde_json::{Map, Value, json};

use super::{Document, single};
use crate::ParseError;

/// Parses an SPDX tag-value document.
pub(super) fn parse(path: &str, text: &str) -> Result<Document, ParseError> {
    let mut spdx = Spdx::default();
    let mut lines = text.lines().enumerate();
    while let Some((index, raw)) = lines.next() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let error = |message: String| ParseError::Syntax {
            path: path.to_owned(),
            format: "spdx",
            line: number,
            message,
        };
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (tag, value) = line
            .split_once(':')
            .ok_or_else(|| error(format!("expected Tag: value, found {raw:?}")))?;
        let mut value = value.trim().to_owned();
        // `<text>…</text>` values may run over several lines.
        if let Some(start) = value.strip_prefix("<text>") {
            let mut body = start.to_owned();
            while !body.contains("</text>") {
                let (_, next) = lines
                    .next()
                    .ok_or_else(|| error("unclosed <text> value".to_owned()))?;
                body.push('\n');
                body.push_str(next);
            }
            let end = body.find("</text>").unwrap_or(body.len());
            body.truncate(end);
            value = body;
        }
        spdx.tag(tag, Value::String(value)).map_err(error)?;
    }
    if !spdx.document.contains_key("spdxVersion") {
        return Err(ParseError::Syntax {
            path: path.to_owned(),
            format: "spdx",
            line: 1,
            message: "no SPDXVersion tag: not an SPDX tag-value document".to_owned(),
        });
    }
    single(path, &spdx.finish())
}

/// The document being read.
#[derive(Default)]
struct Spdx {
    document: Map<String, Value>,
    creation: Map<String, Value>,
    creators: Vec<Value>,
    packages: Vec<Map<String, Value>>,
    files: Vec<Map<String, Value>>,
    licenses: Vec<Map<String, Value>>,
    relationships: Vec<Value>,
    /// Which section later tags belong to.
    section: Section,
}

impl Spdx {
    fn tag(&mut self, tag: &str, value: Value) -> Result<(), String> {
        let text = value.as_str().unwrap_or_default().to_owned();
        match tag {
            "PackageName" => {
                self.section = Section::Package;
                self.packages
                    .push(Map::from_iter([("name".to_owned(), value)]));
            }
            "FileName" => {
                self.section = Section::File;
                self.files
                    .push(Map::from_iter([("fileName".to_owned(), value)]));
            }
            "LicenseID" => {
                self.section = Section::License;
                self.licenses
                    .push(Map::from_iter([("licenseId".to_owned(), value)]));
            }
            "Relationship" => {
                let parts: Vec<&str> = text.split_whitespace().collect();
                let [from, kind, to] = parts.as_slice() else {
                    return Err(format!("invalid relationship {text:?}"));
                };
                self.relationships.push(json!({
                    "spdxElementId": from,
                    "relatedSpdxElement": to,
                    "relationshipType": kind,
                }));
            }
            "Creator" => self.creators.push(value),
            "Created" => {
                self.creation.insert("created".to_owned(), value);
            }
            "CreatorComment" => {
                self.creation.insert("comment".to_owned(), value);
            }
            "LicenseListVersion" => {
                self.creation.insert("licenseListVersion".to_owned(), value);
            }
            _ => match self.section {
                Section::Document => document_field(&mut self.document, tag, value)?,
                Section::Package => {
                    if let Some(package) = self.packages.last_mut() {
                        package_field(package, tag, value)?;
                    }
                }
                Section::File => {
                    if let Some(file) = self.files.last_mut() {
                        file_field(file, tag, value)?;
                    }
                }
                Section::License => {
                    if let Some(license) = self.licenses.last_mut() {
                        license_field(license, tag, value);
                    }
                }
            },
        }
        Ok(())
    }

    fn finish(mut self) -> Value {
        self.creation
            .insert("creators".to_owned(), Value::Array(self.creators));
        self.document
            .insert("creationInfo".to_owned(), Value::Object(self.creation));
        let lists = [
            ("packages", self.packages),
            ("files", self.files),
            ("hasExtractedLicensingInfos", self.licenses),
        ];
        for (key, items) in lists {
            if !items.is_empty() {
                let items = items.into_iter().map(Value::Object).collect();
                self.document.insert(key.to_owned(), Value::Array(items));
            }
        }
        if !self.relationships.is_empty() {
            self.document
                .insert("relationships".to_owned(), Value::Array(self.relationships));
        }
        Value::Object(self.document)
    }
}

#[derive(Default)]
enum Section {
    #[default]
    Document,
    Package,
    File,
    License,
}

fn document_field(
    document: &mut Map<String, Value>,
    tag: &str,
    value: Value,
) -> Result<(), String> {
    let key = match tag {
        // tools-golang converts every document to its newest model, SPDX 2.3.
        "SPDXVersion" => {
            document.insert("spdxVersion".to_owned(), Value::from("SPDX-2.3"));
            return Ok(());
        }
        "DataLicense" => "dataLicense",
        "SPDXID" => "SPDXID",
        "DocumentName" => "name",
        "DocumentNamespace" => "documentNamespace",
        "DocumentComment" => "comment",
        "ExternalDocumentRef" => {
            let text = value.as_str().unwrap_or_default();
            let parts: Vec<&str> = text.split_whitespace().collect();
            let [id, uri, algorithm, checksum] = parts.as_slice() else {
                return Err(format!("invalid external document ref {text:?}"));
            };
            let entry = json!({
                "externalDocumentId": id,
                "spdxDocument": uri,
                "checksum": {
                    "algorithm": algorithm.trim_end_matches(':'),
                    "checksumValue": checksum,
                },
            });
            push(document, "externalDocumentRefs", entry);
            return Ok(());
        }
        _ => return Ok(()),
    };
    document.insert(key.to_owned(), value);
    Ok(())
}

fn license_field(license: &mut Map<String, Value>, tag: &str, value: Value) {
    let key = match tag {
        "ExtractedText" => "extractedText",
        "LicenseName" => "name",
        "LicenseComment" => "comment",
        "LicenseCrossReference" => {
            push(license, "seeAlsos", value);
            return;
        }
        _ => return,
    };
    license.insert(key.to_owned(), value);
}

fn push(object: &mut Map<String, Value>, key: &str, value: Value) {
    if let Value::Array(items) = object
        .entry(key.to_owned())
        .or_insert_with(|| Value::Array(Vec::new()))
    {
        items.push(value);
    }
}

fn checksum(value: &Value) -> Result<Value, String> {
    let text = value.as_str().unwrap_or_default();
    let (algorithm, sum) = text
        .split_once(':')
        .ok_or_else(|| format!("invalid checksum {text:?}"))?;
    Ok(json!({"algorithm": algorithm.trim(), "checksumValue": sum.trim()}))
}

fn package_field(package: &mut Map<String, Value>, tag: &str, value: Value) -> Result<(), String> {
    let key = match tag {
        "SPDXID" => "SPDXID",
        "PackageVersion" => "versionInfo",
        "PackageFileName" => "packageFileName",
        "PackageSupplier" => "supplier",
        "PackageOriginator" => "originator",
        "PackageDownloadLocation" => "downloadLocation",
        "PackageHomePage" => "homepage",
        "PackageSourceInfo" => "sourceInfo",
        "PackageLicenseConcluded" => "licenseConcluded",
        "PackageLicenseDeclared" => "licenseDeclared",
        "PackageLicenseComments" => "licenseComments",
        "PackageCopyrightText" => "copyrightText",
        "PackageSummary" => "summary",
        "PackageDescription" => "description",
        "PackageComment" => "comment",
        "PrimaryPackagePurpose" => "primaryPackagePurpose",
        "ReleaseDate" => "releaseDate",
        "BuiltDate" => "builtDate",
        "ValidUntilDate" => "validUntilDate",
        "FilesAnalyzed" => {
            let analyzed = value.as_str() == Some("true");
            package.insert("filesAnalyzed".to_owned(), Value::Bool(analyzed));
            return Ok(());
        }
        "PackageVerificationCode" => {
            let text = value.as_str().unwrap_or_default();
            let (code, excluded) = text.split_once('(').unwrap_or((text, ""));
            let mut entry = Map::new();
            entry.insert(
                "packageVerificationCodeValue".to_owned(),
                code.trim().into(),
            );
            let excluded = excluded.trim_end_matches(')').trim();
            if let Some(files) = excluded.strip_prefix("excludes:") {
                let files = vec![Value::from(files.trim())];
                entry.insert(
                    "packageVerificationCodeExcludedFiles".to_owned(),
                    files.into(),
                );
            }
            package.insert("packageVerificationCode".to_owned(), Value::Object(entry));
            return Ok(());
        }
        "PackageChecksum" => {
            push(package, "checksums", checksum(&value)?);
            return Ok(());
        }
        "PackageLicenseInfoFromFiles" => {
            push(package, "licenseInfoFromFiles", value);
            return Ok(());
        }
        "ExternalRef" => {
            let text = value.as_str().unwrap_or_default();
            let parts: Vec<&str> = text.splitn(3, char::is_whitespace).collect();
            let [category, kind, locator] = parts.as_slice() else {
                return Err(format!("invalid external reference {text:?}"));
            };
            let entry = json!({
                "referenceCategory": category,
                "referenceType": kind,
                "referenceLocator": locator.trim(),
            });
            push(package, "externalRefs", entry);
            return Ok(());
        }
        _ => return Ok(()),
    };
    package.insert(key.to_owned(), value);
    Ok(())
}

fn file_field(file: &mut Map<String, Value>, tag: &str, value: Value) -> Result<(), String> {
    let key = match tag {
        "SPDXID" => "SPDXID",
        "LicenseConcluded" => "licenseConcluded",
        "LicenseComments" => "licenseComments",
        "FileCopyrightText" => "copyrightText",
        "FileComment" => "comment",
        "FileNotice" => "noticeText",
        "FileType" => {
            push(file, "fileTypes", value);
            return Ok(());
        }
        "FileChecksum" => {
            push(file, "checksums", checksum(&value)?);
            return Ok(());
        }
        "LicenseInfoInFile" => {
            push(file, "licenseInfoInFiles", value);
            return Ok(());
        }
        "FileContributor" => {
            push(file, "fileContributors", value);
            return Ok(());
        }
        _ => return Ok(()),
    };
    file.insert(key.to_owned(), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// conftest's example SBOM: SPDX JSON field names, converted to SPDX 2.3 as tools-golang does.
    #[test]
    fn document_packages_and_relationships() {
        let text = "SPDXVersion: SPDX-2.2\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\n\
                    DocumentName: hello\nCreator: Tool: x\nCreated: 2021-08-26T01:46:00Z\n\
                    PackageName: hello\nSPDXID: SPDXRef-Package-hello\nPackageVersion: 1.0\n\
                    FilesAnalyzed: false\nPackageChecksum: SHA1: abc\n\
                    PackageCopyrightText: <text>Copyright\n(c) me</text>\n\
                    Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-Package-hello\n";
        assert_eq!(
            parse("a.spdx", text).unwrap().json(),
            json!({
                "spdxVersion": "SPDX-2.3",
                "dataLicense": "CC0-1.0",
                "SPDXID": "SPDXRef-DOCUMENT",
                "name": "hello",
                "creationInfo": {"creators": ["Tool: x"], "created": "2021-08-26T01:46:00Z"},
                "packages": [{
                    "name": "hello",
                    "SPDXID": "SPDXRef-Package-hello",
                    "versionInfo": "1.0",
                    "filesAnalyzed": false,
                    "checksums": [{"algorithm": "SHA1", "checksumValue": "abc"}],
                    "copyrightText": "Copyright\n(c) me",
                }],
                "relationships": [{
                    "spdxElementId": "SPDXRef-DOCUMENT",
                    "relatedSpdxElement": "SPDXRef-Package-hello",
                    "relationshipType": "DESCRIBES",
                }],
            })
        );
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            ("SPDXVersion: SPDX-2.2\nnonsense\n", 2),
            ("DataLicense: x\n", 1),
            ("SPDXVersion: SPDX-2.2\nRelationship: a b\n", 2),
            ("SPDXVersion: SPDX-2.2\n\nDocumentComment: <text>open\n", 3),
        ];
        for (text, line) in cases {
            let error = parse("a.spdx", text).unwrap_err().to_string();
            assert!(
                error.starts_with(&format!("a.spdx:{line}: invalid spdx")),
                "{error}"
            );
        }
    }
}
