//! License discovery, normalisation and evaluation: real installed metadata against
//! pip-licenses, this workspace's own `cargo metadata`, npm trees, and SPDX semantics.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use gate_core::{Date, GateReport, Report, Verdict, apply_waivers};
use gate_supply::Ecosystem;
use gate_supply::license::{
    Clarification, Declared, LICENSE, LicenseException, LicensePolicy, LicenseRecord,
    LicenseSource, Resolution, TextClassifier, Unresolved, cargo_metadata_licenses,
    cargo_toml_license, check_licenses, classifier_license, exceptions_to_waivers, interpret,
    inventory, normalise, package_json_license, parse_allowlist, python_license, read_node_modules,
    read_site_packages_licenses, resolve,
};

use super::{XorShift, fixture, mutations};

fn classifier() -> &'static TextClassifier {
    static CLASSIFIER: OnceLock<TextClassifier> = OnceLock::new();
    CLASSIFIER.get_or_init(|| TextClassifier::load().unwrap())
}

fn record(package: &str, source: LicenseSource, value: &str) -> LicenseRecord {
    let mut record = LicenseRecord::new(package, "1.0.0", Ecosystem::PyPI, "sp/METADATA");
    record
        .declared
        .push(Declared::value(source, value, Some(3)));
    record
}

fn verdict(expression: &str, policy: &LicensePolicy) -> Verdict {
    check_licenses(
        &[record("pkg", LicenseSource::LicenseExpression, expression)],
        policy,
    )
    .verdict()
}

fn allow(entries: &[&str]) -> LicensePolicy {
    LicensePolicy::new(entries).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Real installed packages against pip-licenses 5.5.5 `--from=mixed`.

/// What pip-licenses' answer reads as in SPDX: a classifier name (or several joined with `; `),
/// a `License` value, or a `License-Expression`.
fn pip_licenses_reading(answer: &str) -> Result<String, Unresolved> {
    let as_classifiers = interpret(&Declared::value(LicenseSource::Classifier, answer, None));
    match as_classifiers {
        Ok(n) => Ok(n.as_str().to_owned()),
        Err(ambiguous @ Unresolved::Ambiguous { .. }) => Err(ambiguous),
        Err(_) => normalise(answer).map(|n| n.as_str().to_owned()),
    }
}

#[test]
fn installed_packages_agree_with_pip_licenses() {
    let records =
        read_site_packages_licenses(&fixture("licenses/site-packages"), Some(classifier()))
            .unwrap();
    let expected: Vec<BTreeMap<String, String>> = serde_json::from_str(
        &std::fs::read_to_string(fixture("licenses/expected-pip-licenses.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(records.len(), expected.len());
    let rows = inventory(&records, &[]);
    // Where pip-licenses prints a classifier but the `License` field (which gate prefers, per
    // DESIGN §4: License-Expression, then License, then classifiers) says the same license in
    // SPDX: the declared text differs, the license does not.
    let license_field_over_classifier = ["certifi", "requests", "PyYAML", "pytz", "six"];
    // Where pip-licenses prints a family name (`BSD License`, `… (LGPL)`): it is no SPDX
    // license, so gate reports the license as unknown (a clarification must say which).
    // numpy and scipy carry a whole license text in `License` that bundles several licenses
    // (their own BSD-3-Clause and the GPL of a bundled runtime): gate does not read it as one.
    let ambiguous = ["numpy", "scipy", "docutils", "psycopg2-binary"];
    for entry in &expected {
        let (name, version, answer) = (&entry["Name"], &entry["Version"], &entry["License"]);
        let row = rows
            .iter()
            .find(|r| &r.package == name)
            .unwrap_or_else(|| panic!("{name} missing"));
        assert_eq!(&row.version, version, "{name}");
        let theirs = pip_licenses_reading(answer);
        if ambiguous.contains(&name.as_str()) {
            assert_eq!(row.license, None, "{name}: {row:?}");
            assert!(
                matches!(theirs, Err(Unresolved::Ambiguous { .. })),
                "{name}: pip-licenses says {answer:?} = {theirs:?}"
            );
            continue;
        }
        assert_eq!(
            row.license.as_deref(),
            Some(theirs.as_deref().unwrap()),
            "{name}: pip-licenses {answer:?}, gate {row:?}"
        );
        if license_field_over_classifier.contains(&name.as_str()) {
            assert_eq!(row.source, Some(LicenseSource::LicenseField), "{name}");
            assert_ne!(&row.declared, answer, "{name}");
        } else {
            assert_eq!(&row.declared, answer, "{name}");
        }
    }
    // The SPDX reading is more precise than pip-licenses' text in these cases:
    let license = |name: &str| {
        rows.iter()
            .find(|r| r.package == name)
            .and_then(|r| r.license.clone())
    };
    // PEP 639 expressions are kept whole, operators included.
    assert_eq!(
        license("packaging").as_deref(),
        Some("Apache-2.0 OR BSD-2-Clause")
    );
    // pip-licenses prints `Apache Software License` (no version); the License field says 2.0.
    assert_eq!(license("requests").as_deref(), Some("Apache-2.0"));
    // pip-licenses prints the classifier `Mozilla Public License 2.0 (MPL 2.0)`.
    assert_eq!(license("certifi").as_deref(), Some("MPL-2.0"));
}

#[test]
fn unknown_licenses_say_what_the_metadata_said() {
    let records =
        read_site_packages_licenses(&fixture("licenses/site-packages"), Some(classifier()))
            .unwrap();
    let numpy = records.iter().find(|r| r.package == "numpy").unwrap();
    let Resolution::Unresolved { reasons } = resolve(numpy, &[]) else {
        panic!("numpy resolved")
    };
    assert_eq!(reasons.len(), 2);
    assert_eq!(reasons[0].0, LicenseSource::LicenseFieldText);
    assert!(matches!(reasons[0].1, Unresolved::TextNotRecognised { .. }));
    assert_eq!(
        reasons[1],
        (
            LicenseSource::Classifier,
            Unresolved::Ambiguous {
                term: "BSD License".into()
            }
        )
    );
    // docutils' three named license files are recognised, but COPYING.rst (its public-domain
    // and mixed-license notice) is not: every file must be recognised before files decide.
    let docutils = records.iter().find(|r| r.package == "docutils").unwrap();
    let recognised: Vec<_> = docutils
        .declared
        .iter()
        .filter_map(|d| d.detected.as_ref()?.license.clone())
        .collect();
    assert_eq!(recognised, ["0BSD", "BSD-2-Clause", "GPL-3.0-or-later"]);
    assert!(resolve(docutils, &[]).expression().is_none());

    let report = check_licenses(&records, &allow(&["MIT", "BSD-3-Clause"]));
    let finding = report
        .findings
        .iter()
        .find(|f| f.target.as_deref() == Some("numpy"))
        .unwrap();
    assert_eq!(finding.rule.id, LICENSE.id);
    assert_eq!(finding.verdict, Verdict::Fail);
    assert!(
        finding.message.starts_with(
            "numpy 1.26.4: license unknown: License (text): a license text not recognised"
        ),
        "{}",
        finding.message
    );
    assert!(
        finding.message.contains("Classifier: BSD License"),
        "{}",
        finding.message
    );
    let location = finding.location.as_ref().unwrap();
    assert!(location.path.ends_with("numpy-1.26.4.dist-info/METADATA"));
    assert_eq!(location.line, std::num::NonZeroU32::new(8));
    assert_eq!(finding.details["reason"], "unknown");
}

#[test]
fn without_a_classifier_texts_stay_unclassified() {
    let records = read_site_packages_licenses(&fixture("licenses/site-packages"), None).unwrap();
    let scipy = records.iter().find(|r| r.package == "scipy").unwrap();
    assert_eq!(scipy.declared[0].detected, None);
    let explained = resolve(scipy, &[]).explain();
    assert!(
        explained.starts_with("License (text): a license text, not classified"),
        "{explained}"
    );
    // Records that resolve from metadata never need the classifier.
    let attrs = records.iter().find(|r| r.package == "attrs").unwrap();
    assert_eq!(
        resolve(attrs, &[])
            .expression()
            .map(|e| e.as_str().to_owned()),
        Some("MIT".to_owned())
    );
}

#[test]
fn a_license_text_in_the_license_field_is_classified() {
    let mit = "MIT License\n\nCopyright (c) 2024 Someone\n\nPermission is hereby granted, free of \
        charge, to any person obtaining a copy\n of this software and associated documentation \
        files (the \"Software\"), to deal\n in the Software without restriction, including \
        without limitation the rights\n to use, copy, modify, merge, publish, distribute, \
        sublicense, and/or sell\n copies of the Software, and to permit persons to whom the \
        Software is\n furnished to do so, subject to the following conditions:\n\n The above \
        copyright notice and this permission notice shall be included in all\n copies or \
        substantial portions of the Software.\n\n THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT \
        WARRANTY OF ANY KIND, EXPRESS OR\n IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES \
        OF MERCHANTABILITY,\n FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT \
        SHALL THE\n AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER\n \
        LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,\n OUT OF \
        OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE\n SOFTWARE.";
    let metadata = format!(
        "Metadata-Version: 2.1\nName: thing\nVersion: 1.0\nLicense: {}\nClassifier: License :: OSI Approved :: BSD License\n\nbody\n",
        mit.replace('\n', "\n        ")
    );
    let record = python_license(&metadata, Path::new("M"), Some(classifier())).unwrap();
    assert_eq!(record.declared[0].source, LicenseSource::LicenseFieldText);
    assert_eq!(record.declared[0].value, "MIT License");
    let resolution = resolve(&record, &[]);
    assert_eq!(resolution.expression().unwrap().as_str(), "MIT");
    let detected = classifier().classify("not a license at all, just words");
    assert_eq!(detected.license, None);
    assert!(classifier().classify("  ").confidence.abs() < f32::EPSILON);
}

// ---------------------------------------------------------------------------------------------
// License files as pip-licenses finds them, and one package never sinks the run.

fn licenses_files() -> Vec<LicenseRecord> {
    read_site_packages_licenses(&fixture("licenses-files/site-packages"), Some(classifier()))
        .unwrap()
}

fn license_files_of(record: &LicenseRecord) -> Vec<String> {
    record
        .declared
        .iter()
        .filter_map(|d| match &d.source {
            LicenseSource::LicenseFile(path) => Some(path.to_string_lossy().replace('\\', "/")),
            _ => None,
        })
        .collect()
}

#[test]
fn license_files_are_found_as_pip_licenses_finds_them() {
    let records = licenses_files();
    let rows = inventory(&records, &[]);
    let row = |name: &str| rows.iter().find(|r| r.package == name).unwrap();
    let record = |name: &str| records.iter().find(|r| r.package == name).unwrap();
    // itsdangerous declares no `License-File`; its `LICENSE.txt` beside METADATA decides.
    assert_eq!(row("itsdangerous").license.as_deref(), Some("BSD-3-Clause"));
    assert!(
        license_files_of(record("itsdangerous"))[0]
            .ends_with("itsdangerous-2.2.0.dist-info/LICENSE.txt"),
        "{:?}",
        record("itsdangerous").declared
    );
    // prompt_toolkit lists AUTHORS.rst as a license file: left out, its LICENSE decides.
    assert_eq!(
        row("prompt_toolkit").license.as_deref(),
        Some("BSD-3-Clause")
    );
    let files = license_files_of(record("prompt_toolkit"));
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].ends_with("prompt_toolkit-3.0.53.dist-info/licenses/LICENSE"));

    // Against pip-licenses 5.5.5: the license agrees wherever pip-licenses names one license;
    // where it prints the `BSD License` family, gate reads the very file pip-licenses picked.
    let expected: Vec<BTreeMap<String, String>> = serde_json::from_str(
        &std::fs::read_to_string(fixture("licenses-files/expected-pip-licenses.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(records.len(), expected.len());
    for entry in &expected {
        let (name, answer) = (&entry["Name"], &entry["License"]);
        let ours = row(name);
        assert_eq!(&ours.version, &entry["Version"], "{name}");
        if name == "docutils" {
            continue; // its COPYING.rst was removed from the fixture: see the next test
        }
        match pip_licenses_reading(answer) {
            Ok(theirs) => assert_eq!(ours.license.as_deref(), Some(theirs.as_str()), "{name}"),
            Err(Unresolved::Ambiguous { .. }) => {
                assert_eq!(ours.license.as_deref(), Some("BSD-3-Clause"), "{name}");
                let files = license_files_of(record(name));
                assert!(
                    files.iter().any(|f| f.ends_with(&entry["LicenseFile"])),
                    "{name}: pip-licenses read {}, gate {files:?}",
                    entry["LicenseFile"]
                );
            }
            Err(other) => panic!("{name}: pip-licenses {answer:?} = {other:?}"),
        }
    }
}

#[test]
fn a_declared_license_file_missing_on_disk_makes_only_its_package_unknown() {
    let records = licenses_files();
    let docutils = records.iter().find(|r| r.package == "docutils").unwrap();
    let explained = resolve(docutils, &[]).explain();
    assert!(
        explained.contains("licenses/COPYING.rst: cannot read ")
            && explained.contains("COPYING.rst: "),
        "{explained}"
    );
    let policy = allow(&["MIT", "BSD-3-Clause", "Apache-2.0"]);
    let report = check_licenses(&records, &policy);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.verdict(), Verdict::Fail);
    let failed: Vec<_> = report
        .findings
        .iter()
        .map(|f| {
            (
                f.target.as_deref().unwrap(),
                f.details["reason"].as_str().unwrap(),
            )
        })
        .collect();
    // Every other package is judged: certifi's MPL-2.0 is not allowed, the rest pass.
    assert_eq!(
        failed,
        [("certifi", "not-allowed"), ("docutils", "unknown")]
    );
    // A clarification settles it like any unknown license.
    let clarified = allow(&["MIT", "BSD-3-Clause", "Apache-2.0", "0BSD", "BSD-2-Clause"])
        .with_clarifications(vec![
            Clarification::new("docutils", "0BSD AND BSD-2-Clause", "COPYING.rst").unwrap(),
        ]);
    let report = check_licenses(&records, &clarified);
    let failed: Vec<_> = report
        .findings
        .iter()
        .map(|f| f.target.as_deref())
        .collect();
    assert_eq!(failed, [Some("certifi")]);
}

#[test]
fn an_unreadable_metadata_file_makes_only_its_package_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    let write = |rel: &str, bytes: &[u8]| {
        let path = site.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    };
    write(
        "six-1.17.0.dist-info/METADATA",
        b"Metadata-Version: 2.1\nName: six\nVersion: 1.17.0\nLicense: MIT\n\n",
    );
    write(
        "latin-1.0.dist-info/METADATA",
        b"Name: latin\nAuthor: Jos\xe9\n\n",
    );
    write(
        "nameless-2.0.dist-info/METADATA",
        b"Version: 2.0\nLicense: MIT\n\n",
    );
    std::fs::create_dir_all(site.join("empty-3.0.dist-info")).unwrap();
    let records = read_site_packages_licenses(site, Some(classifier())).unwrap();
    let names: Vec<(&str, &str)> = records
        .iter()
        .map(|r| (r.package.as_str(), r.version.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("empty", "3.0"),
            ("latin", "1.0"),
            ("nameless", "2.0"),
            ("six", "1.17.0")
        ]
    );
    let report = check_licenses(&records, &allow(&["MIT"]));
    let messages: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(
        messages[0].starts_with("empty 3.0: license unknown: "),
        "{messages:?}"
    );
    assert!(
        messages[0].contains("METADATA: cannot read "),
        "{messages:?}"
    );
    assert!(
        messages[1].contains("METADATA: not UTF-8 text"),
        "{messages:?}"
    );
    assert!(
        messages[2].contains("missing `Name` header"),
        "{messages:?}"
    );
    assert_eq!(
        report.findings[2].location.as_ref().unwrap().path,
        site.join("nameless-2.0.dist-info/METADATA")
            .to_string_lossy()
    );
}

#[test]
fn closest_license_hints_are_the_same_on_every_load() {
    // Each load builds a new hash map, so an order-dependent choice among equal scores shows.
    let authors = std::fs::read_to_string(fixture(
        "licenses-files/site-packages/prompt_toolkit-3.0.53.dist-info/licenses/AUTHORS.rst",
    ))
    .unwrap();
    let gpl = std::fs::read_to_string(fixture(
        "licenses-files/site-packages/docutils-0.23.1.dist-info/licenses/licenses/gpl-3-0.txt",
    ))
    .unwrap();
    let classify = |text: &str| {
        let classifier = TextClassifier::load().unwrap();
        let detected = classifier.classify(text);
        let mut declared = Declared::value(
            LicenseSource::LicenseFile("AUTHORS.rst".into()),
            "AUTHORS.rst",
            None,
        );
        declared.detected = Some(detected.clone());
        (
            detected.best,
            detected.license,
            interpret(&declared).map(|n| n.to_string()),
        )
    };
    let first = (classify(&authors), classify(&gpl));
    for _ in 0..3 {
        assert_eq!((classify(&authors), classify(&gpl)), first);
    }
    // No license is close to a list of authors: the message names none.
    let Err(why) = &first.0.2 else {
        panic!("{first:?}")
    };
    assert_eq!(
        why.to_string(),
        "a license text not recognised (no known license is close)"
    );
    assert_eq!(first.1.1.as_deref(), Some("GPL-3.0-or-later"));
}

// ---------------------------------------------------------------------------------------------
// Classifiers and lax names.

#[test]
fn trove_classifiers_map_to_spdx_or_stay_ambiguous() {
    for (classifier, expected) in [
        ("MIT License", Some("MIT")),
        ("Apache Software License", Some("Apache-2.0")),
        ("Mozilla Public License 2.0 (MPL 2.0)", Some("MPL-2.0")),
        ("ISC License (ISCL)", Some("ISC")),
        ("Python Software Foundation License", Some("PSF-2.0")),
        (
            "GNU General Public License v2 (GPLv2)",
            Some("GPL-2.0-only"),
        ),
        (
            "GNU General Public License v3 or later (GPLv3+)",
            Some("GPL-3.0-or-later"),
        ),
        (
            "GNU Lesser General Public License v2 or later (LGPLv2+)",
            Some("LGPL-2.0-or-later"),
        ),
        (
            "GNU Affero General Public License v3",
            Some("AGPL-3.0-only"),
        ),
        ("The Unlicense (Unlicense)", Some("Unlicense")),
        ("Boost Software License 1.0 (BSL-1.0)", Some("BSL-1.0")),
        ("zlib/libpng License", Some("Zlib")),
        (
            "CC0 1.0 Universal (CC0 1.0) Public Domain Dedication",
            Some("CC0-1.0"),
        ),
        ("BSD License", None),
        ("GNU General Public License (GPL)", None),
        ("GNU Library or Lesser General Public License (LGPL)", None),
        ("Artistic License", None),
        ("Public Domain", None),
        ("Other/Proprietary License", None),
    ] {
        let got = classifier_license(classifier)
            .ok()
            .map(|n| n.as_str().to_owned());
        assert_eq!(got.as_deref(), expected, "{classifier}");
    }
    // Several classifiers: each may cover part of the package, so all apply.
    let both = record(
        "x",
        LicenseSource::Classifier,
        "Apache Software License; MIT License",
    );
    assert_eq!(
        resolve(&both, &[]).expression().unwrap().as_str(),
        "Apache-2.0 AND MIT"
    );
    let metadata = "Name: x\nVersion: 1\nClassifier: License :: OSI Approved\nClassifier: License :: OSI Approved :: MIT License\nClassifier: Programming Language :: Python\n\n";
    let record = python_license(metadata, Path::new("M"), None).unwrap();
    assert_eq!(record.declared.len(), 1);
    assert_eq!(record.declared[0].value, "MIT License");
    assert_eq!(record.declared[0].line, Some(4));
}

#[test]
fn precedence_expression_then_license_then_classifiers() {
    let metadata = "Name: x\nVersion: 1\nLicense-Expression: MIT OR Apache-2.0\nLicense: BSD\nClassifier: License :: OSI Approved :: ISC License (ISCL)\n\n";
    let parsed = python_license(metadata, Path::new("M"), None).unwrap();
    let sources: Vec<_> = parsed.declared.iter().map(|d| d.source.clone()).collect();
    assert_eq!(
        sources,
        [
            LicenseSource::LicenseExpression,
            LicenseSource::LicenseField,
            LicenseSource::Classifier
        ]
    );
    assert_eq!(
        resolve(&parsed, &[]).expression().unwrap().as_str(),
        "MIT OR Apache-2.0"
    );
    // An ambiguous License falls through to the classifiers.
    let mut without = parsed.clone();
    without.declared.remove(0);
    assert_eq!(resolve(&without, &[]).expression().unwrap().as_str(), "ISC");
    // An invalid License-Expression decides (it fails): PEP 639 makes it authoritative.
    let mut invalid = parsed;
    invalid.declared[0].value = "MIT OR OR".into();
    assert!(resolve(&invalid, &[]).expression().is_none());
}

// ---------------------------------------------------------------------------------------------
// SPDX evaluation.

#[test]
fn or_passes_with_one_side_allowed_and_fails_with_neither() {
    let only_apache = allow(&["Apache-2.0"]);
    assert_eq!(
        verdict("Apache-2.0 OR BSD-3-Clause", &only_apache),
        Verdict::Pass
    );
    assert_eq!(
        verdict("BSD-3-Clause OR Apache-2.0", &only_apache),
        Verdict::Pass
    );
    assert_eq!(verdict("MIT OR BSD-3-Clause", &only_apache), Verdict::Fail);
    assert_eq!(verdict("MIT/Apache-2.0", &only_apache), Verdict::Pass);
}

#[test]
fn and_needs_every_part_allowed() {
    let only_mit = allow(&["MIT"]);
    assert_eq!(verdict("MPL-2.0 AND MIT", &only_mit), Verdict::Fail);
    assert_eq!(
        verdict("MPL-2.0 AND MIT", &allow(&["MIT", "MPL-2.0"])),
        Verdict::Pass
    );
    assert_eq!(
        verdict("(MIT OR Apache-2.0) AND Unicode-3.0", &only_mit),
        Verdict::Fail
    );
    assert_eq!(
        verdict(
            "(MIT OR Apache-2.0) AND Unicode-3.0",
            &allow(&["Apache-2.0", "Unicode-3.0"])
        ),
        Verdict::Pass
    );
    let report = check_licenses(
        &[record(
            "combo",
            LicenseSource::LicenseExpression,
            "MPL-2.0 AND MIT",
        )],
        &only_mit,
    );
    let finding = &report.findings[0];
    assert_eq!(
        finding.message,
        "combo 1.0.0: license MPL-2.0 AND MIT (declared License-Expression: MPL-2.0 AND MIT) is \
         not acceptable (not allowed: MPL-2.0)"
    );
    assert_eq!(finding.target.as_deref(), Some("combo"));
    // Package and license, not the version: a version bump is not a new problem.
    assert_eq!(finding.identity(), "combo MPL-2.0 AND MIT");
    assert_eq!(finding.details["expression"], "MPL-2.0 AND MIT");
    assert_eq!(
        finding.details["not-allowed"],
        serde_json::json!(["MPL-2.0"])
    );
    assert_eq!(finding.details["version"], "1.0.0");
    assert_eq!(finding.details["decided-by"], "License-Expression");
    assert_eq!(
        finding.details["declared"],
        serde_json::json!([{ "source": "License-Expression", "value": "MPL-2.0 AND MIT" }])
    );
}

#[test]
fn with_needs_the_exception_allowed() {
    let expression = "GPL-2.0-or-later WITH Classpath-exception-2.0";
    assert_eq!(
        verdict(expression, &allow(&["GPL-2.0-or-later"])),
        Verdict::Fail
    );
    assert_eq!(
        verdict(
            expression,
            &allow(&["GPL-2.0-or-later WITH Classpath-exception-2.0"])
        ),
        Verdict::Pass
    );
    let llvm = "Apache-2.0 WITH LLVM-exception";
    assert_eq!(verdict(llvm, &allow(&["Apache-2.0"])), Verdict::Fail);
    assert_eq!(
        verdict(llvm, &allow(&["Apache-2.0 WITH LLVM-exception"])),
        Verdict::Pass
    );
    // The exception alone is not enough either: the license must be the one allowed.
    assert_eq!(
        verdict(llvm, &allow(&["MIT WITH LLVM-exception"])),
        Verdict::Fail
    );
}

#[test]
fn or_later_is_satisfied_by_later_versions_only() {
    // `LGPL-2.1+` may be used under LGPL-2.1 or any later version.
    assert_eq!(
        verdict("LGPL-2.1+", &allow(&["LGPL-3.0-only"])),
        Verdict::Pass
    );
    assert_eq!(
        verdict("LGPL-2.1-or-later", &allow(&["LGPL-2.1-only"])),
        Verdict::Pass
    );
    assert_eq!(
        verdict("LGPL-2.1+", &allow(&["LGPL-2.0-only"])),
        Verdict::Fail
    );
    // Without `+`, a later version does not do.
    assert_eq!(
        verdict("LGPL-2.1-only", &allow(&["LGPL-3.0-only"])),
        Verdict::Fail
    );
    assert_eq!(verdict("GPLv3+", &allow(&["GPL-3.0-only"])), Verdict::Pass);
}

#[test]
fn the_denylist_wins_per_term_like_cargo_deny() {
    let policy = allow(&["MIT", "GPL-3.0-only"])
        .with_deny(&["GPL-3.0-only"])
        .unwrap();
    assert_eq!(verdict("GPL-3.0-only", &policy), Verdict::Fail);
    assert_eq!(verdict("MIT AND GPL-3.0-only", &policy), Verdict::Fail);
    // Usable under MIT: the denied alternative is simply not taken.
    assert_eq!(verdict("MIT OR GPL-3.0-only", &policy), Verdict::Pass);
    // A bare deny entry denies the license with any exception too.
    let with_exception = allow(&["GPL-3.0-only WITH GCC-exception-3.1"])
        .with_deny(&["GPL-3.0-only"])
        .unwrap();
    assert_eq!(
        verdict("GPL-3.0-only WITH GCC-exception-3.1", &with_exception),
        Verdict::Fail
    );
    let report = check_licenses(
        &[record(
            "gpl",
            LicenseSource::LicenseExpression,
            "GPL-3.0-only",
        )],
        &policy,
    );
    assert_eq!(report.findings[0].details["reason"], "denied");
    assert!(
        report.findings[0]
            .message
            .ends_with("(denied: GPL-3.0-only)")
    );
}

#[test]
fn unknown_licenses_fail_unless_configured() {
    let nothing = LicenseRecord::new(
        "mystery",
        "0.1",
        Ecosystem::Npm,
        "node_modules/mystery/package.json",
    );
    let public_domain = record("pd", LicenseSource::LicenseField, "Public Domain");
    let garbage = record("junk", LicenseSource::LicenseExpression, "MIT AND (");
    let mut policy = allow(&["MIT"]);
    let report = check_licenses(&[nothing.clone(), public_domain, garbage], &policy);
    assert_eq!(report.findings.len(), 3);
    assert!(report.findings.iter().all(|f| f.verdict == Verdict::Fail));
    assert_eq!(
        report.findings[0].message,
        "mystery 0.1: license unknown: no license declared (declared nothing)"
    );
    assert!(
        report.findings[1]
            .message
            .contains("`Public Domain` has no SPDX identifier")
    );
    assert!(
        report.findings[2]
            .message
            .contains("`MIT AND (` is not an SPDX expression")
    );
    policy.unknown = Verdict::Warn;
    assert_eq!(check_licenses(&[nothing], &policy).verdict(), Verdict::Warn);
}

#[test]
fn clarifications_win_over_metadata() {
    let numpy = record("numpy", LicenseSource::Classifier, "BSD License");
    let clarification = Clarification::new(
        "NumPy",
        "BSD-3-Clause",
        "LICENSE.txt in the sdist is BSD-3-Clause",
    )
    .unwrap()
    .in_ecosystem(Ecosystem::PyPI);
    let policy = allow(&["BSD-3-Clause"]).with_clarifications(vec![clarification.clone()]);
    assert_eq!(
        check_licenses(std::slice::from_ref(&numpy), &policy).verdict(),
        Verdict::Pass
    );
    let rows = inventory(std::slice::from_ref(&numpy), &policy.clarify);
    assert_eq!(rows[0].license.as_deref(), Some("BSD-3-Clause"));
    assert_eq!(rows[0].source, Some(LicenseSource::Clarified));
    // Pinned to a version, it stops applying when the package moves on.
    let pinned = allow(&["BSD-3-Clause"])
        .with_clarifications(vec![clarification.clone().for_version("2.0.0")]);
    assert_eq!(
        check_licenses(std::slice::from_ref(&numpy), &pinned).verdict(),
        Verdict::Fail
    );
    // A clarified expression that is not allowed fails, and says it was clarified.
    let strict = allow(&["MIT"]).with_clarifications(vec![clarification]);
    let report = check_licenses(&[numpy], &strict);
    assert_eq!(report.verdict(), Verdict::Fail);
    assert_eq!(report.findings[0].details["decided-by"], "clarify");
    assert_eq!(
        report.findings[0].message,
        "numpy 1.0.0: license BSD-3-Clause (clarified as BSD-3-Clause: LICENSE.txt in the sdist \
         is BSD-3-Clause; declared Classifier: BSD License) is not acceptable (not allowed: \
         BSD-3-Clause)"
    );
    assert!(Clarification::new("x", "BSD", "r").is_err());
}

#[test]
fn per_package_exceptions_are_gate_core_waivers() {
    let records = [
        record("certifi", LicenseSource::LicenseField, "MPL-2.0"),
        record("PyYAML", LicenseSource::LicenseField, "LGPL-3.0-only"),
    ];
    let report = check_licenses(&records, &allow(&["MIT"]));
    // Targets use the ecosystem's normal name, as the audit's findings do.
    assert_eq!(report.findings[1].target.as_deref(), Some("pyyaml"));
    let mut report = Report::new(vec![report]);
    let exception = |package: &str, ecosystem, expires| LicenseException {
        package: package.into(),
        ecosystem,
        reason: "reviewed by legal: shipped unmodified".into(),
        expires,
        owner: Some("@legal".into()),
    };
    let live = Date::new(2027, 6, 30).unwrap();
    let waivers = exceptions_to_waivers(&[
        exception("certifi", None, live),
        exception("PyYAML", Some(Ecosystem::PyPI), live),
        exception("six", None, live),
    ])
    .unwrap();
    assert_eq!(waivers[0].rule, LICENSE.id);
    apply_waivers(&mut report, &waivers, Date::new(2026, 11, 28).unwrap());
    let gate = &report.gates[0];
    assert!(gate.findings[0].waived_by.is_some());
    assert!(gate.findings[1].waived_by.is_some());
    // The exception for a package that passes anyway is reported unused.
    assert_eq!(gate.findings[2].rule.id, "waiver/unused");
    assert_eq!(gate.verdict(), Verdict::Warn);
    // An expired exception suppresses nothing.
    let mut again = Report::new(vec![check_licenses(&records[..1], &allow(&["MIT"]))]);
    let expired =
        exceptions_to_waivers(&[exception("certifi", None, Date::new(2026, 1, 1).unwrap())])
            .unwrap();
    apply_waivers(&mut again, &expired, Date::new(2026, 11, 28).unwrap());
    assert_eq!(again.gates[0].verdict(), Verdict::Fail);
    assert!(again.gates[0].findings[0].waived_by.is_none());
}

#[test]
fn policy_entries_must_be_spdx_licensees() {
    assert!(LicensePolicy::new(&["MIT OR Apache-2.0"]).is_err());
    assert!(LicensePolicy::new(&["BSD"]).is_err());
    assert!(LicensePolicy::new(&["Nonsense-1.0"]).is_err());
    let err = allow(&["MIT"]).with_deny(&["GPL"]).unwrap_err();
    assert!(
        err.to_string().starts_with("invalid deny entry `GPL`"),
        "{err}"
    );
    assert_eq!(
        parse_allowlist("# comment\nMIT\n\n  Apache-2.0  # why\n"),
        ["MIT", "Apache-2.0"]
    );
}

// ---------------------------------------------------------------------------------------------
// Rust: this workspace's own dependency tree.

#[test]
fn this_workspace_licenses_match_cargo_metadata_and_pass_the_project_allowlist() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let output = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json = String::from_utf8(output.stdout).unwrap();
    let records = cargo_metadata_licenses(&json, Path::new("cargo metadata")).unwrap();
    let raw: serde_json::Value = serde_json::from_str(&json).unwrap();
    let packages = raw["packages"].as_array().unwrap();
    assert_eq!(records.len(), packages.len());
    let rows = inventory(&records, &[]);
    for package in packages {
        let (name, version) = (
            package["name"].as_str().unwrap(),
            package["version"].as_str().unwrap(),
        );
        let row = rows
            .iter()
            .find(|r| r.package == name && r.version == version)
            .unwrap();
        let declared = package["license"].as_str().unwrap_or_default();
        assert_eq!(row.declared, declared, "{name} {version}");
        assert!(row.license.is_some(), "{name} {version}: {row:?}");
    }
    // The registry sources cargo unpacked say the same in each crate's own Cargo.toml.
    let mut registry_crates = 0;
    for package in packages.iter().filter(|p| !p["source"].is_null()) {
        let manifest = Path::new(package["manifest_path"].as_str().unwrap());
        let text = std::fs::read_to_string(manifest).unwrap();
        let record = cargo_toml_license(&text, manifest).unwrap();
        assert_eq!(record.package, package["name"].as_str().unwrap());
        assert_eq!(record.version, package["version"].as_str().unwrap());
        let declared = record.declared.first().map(|d| d.value.as_str());
        assert_eq!(
            declared,
            package["license"].as_str(),
            "{}",
            manifest.display()
        );
        registry_crates += 1;
    }
    assert!(registry_crates > 100, "{registry_crates}");
    // Old crates write `MIT/Apache-2.0`; the inventory keeps it verbatim, the SPDX reading is
    // the expression it means.
    if let Some(slash) = rows.iter().find(|r| r.declared == "Apache-2.0/MIT") {
        assert_eq!(slash.license.as_deref(), Some("Apache-2.0 OR MIT"));
    }
    // The project's allowlist lives in its own gate.toml, which CI runs on the project itself.
    let config: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("gate.toml")).unwrap()).unwrap();
    let allowlist: Vec<String> = config["supply"]["licenses"]["allow"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry.as_str().unwrap().to_owned())
        .collect();
    let report = check_licenses(&records, &LicensePolicy::new(&allowlist).unwrap());
    assert_eq!(report.verdict(), Verdict::Pass, "{:#?}", report.findings);
    // Every entry is needed: dropping any one fails some crate.
    for dropped in &allowlist {
        let fewer: Vec<&String> = allowlist.iter().filter(|e| *e != dropped).collect();
        let report: GateReport = check_licenses(&records, &LicensePolicy::new(&fewer).unwrap());
        assert_eq!(report.verdict(), Verdict::Fail, "{dropped} is not needed");
    }
}

#[test]
fn cargo_toml_fields() {
    let text = "[package]\nname = \"foo\"\nversion = \"1.2.3\"\nlicense = \"MIT/Apache-2.0\"\nlicense-file = \"LICENSE\"\n";
    let record = cargo_toml_license(text, Path::new("reg/foo-1.2.3/Cargo.toml")).unwrap();
    assert_eq!(
        (record.package.as_str(), record.version.as_str()),
        ("foo", "1.2.3")
    );
    assert_eq!(record.declared[0].source, LicenseSource::CargoLicense);
    assert_eq!(record.declared[0].line, Some(4));
    assert_eq!(
        record.declared[1].source,
        LicenseSource::LicenseFile("reg/foo-1.2.3/LICENSE".into())
    );
    assert_eq!(
        resolve(&record, &[]).expression().unwrap().as_str(),
        "MIT OR Apache-2.0"
    );
    let inherited =
        "[package]\nname = \"bar\"\nversion.workspace = true\nlicense.workspace = true\n";
    let record = cargo_toml_license(inherited, Path::new("Cargo.toml")).unwrap();
    assert_eq!(record.version, "");
    assert!(record.declared.is_empty());
    let err =
        cargo_toml_license("[package]\nversion = 1\n", Path::new("x/Cargo.toml")).unwrap_err();
    assert!(err.to_string().starts_with("x/Cargo.toml:"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// npm.

#[test]
fn node_modules_trees_are_walked_with_scopes_and_nesting() {
    let dir = tempfile::tempdir().unwrap();
    let nm = dir.path().join("node_modules");
    let write = |rel: &str, text: &str| {
        let path = nm.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "left-pad/package.json",
        r#"{"name":"left-pad","version":"1.3.0","license":"WTFPL OR MIT"}"#,
    );
    write(
        "@babel/core/package.json",
        r#"{"name":"@babel/core","version":"7.0.0","license":{"type":"MIT","url":"x"}}"#,
    );
    write(
        "old/package.json",
        r#"{"name":"old","version":"0.1.0","licenses":[{"type":"MIT"},{"type":"Apache-2.0"}]}"#,
    );
    write(
        "old/node_modules/inner/package.json",
        r#"{"name":"inner","version":"2.0.0","license":"ISC"}"#,
    );
    write(
        "custom/package.json",
        r#"{"name":"custom","version":"1.0.0","license":"SEE LICENSE IN LICENSE.md"}"#,
    );
    write(
        "custom/LICENSE.md",
        "Copyright ACME. All rights reserved. No use without a contract.",
    );
    write(
        "private/package.json",
        r#"{"name":"private","version":"1.0.0","license":"UNLICENSED"}"#,
    );
    write(".bin/package.json", r#"{"name":"not-a-package"}"#);
    #[cfg(unix)]
    std::os::unix::fs::symlink(nm.join("left-pad"), nm.join("linked")).unwrap();

    let records = read_node_modules(&nm, Some(classifier())).unwrap();
    let names: Vec<&str> = records.iter().map(|r| r.package.as_str()).collect();
    // Sorted by path: `old/node_modules/inner` comes before `old/package.json`.
    assert_eq!(
        names,
        [
            "@babel/core",
            "custom",
            "left-pad",
            "inner",
            "old",
            "private"
        ]
    );
    let rows = inventory(&records, &[]);
    let license = |name: &str| {
        rows.iter()
            .find(|r| r.package == name)
            .unwrap()
            .license
            .clone()
    };
    assert_eq!(license("left-pad").as_deref(), Some("WTFPL OR MIT"));
    assert_eq!(license("@babel/core").as_deref(), Some("MIT"));
    assert_eq!(license("old").as_deref(), Some("MIT OR Apache-2.0"));
    assert_eq!(license("inner").as_deref(), Some("ISC"));
    assert_eq!(license("custom"), None);
    assert_eq!(license("private"), None);
    let report = check_licenses(&records, &allow(&["MIT", "ISC"]));
    let failed: Vec<_> = report
        .findings
        .iter()
        .filter_map(|f| f.target.as_deref())
        .collect();
    assert_eq!(failed, ["custom", "private"]);
    assert!(
        report.findings[1]
            .message
            .contains("`UNLICENSED` has no SPDX identifier")
    );

    let err =
        package_json_license("{\"version\": \"1\"}", Path::new("p/package.json")).unwrap_err();
    assert_eq!(err.to_string(), "p/package.json: missing `name` header");
}

#[test]
fn npm_findings_point_at_the_package_lock_entry() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path();
    let write = |rel: &str, text: &str| {
        let path = project.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "node_modules/gpl-thing/package.json",
        "{\n  \"name\": \"gpl-thing\",\n  \"version\": \"1.0.0\",\n  \"license\": \"GPL-3.0-only\"\n}\n",
    );
    write(
        "node_modules/ok/node_modules/@s/inner/package.json",
        r#"{"name":"@s/inner","version":"2.0.0","license":"AGPL-3.0-only"}"#,
    );
    write(
        "node_modules/ok/package.json",
        r#"{"name":"ok","version":"1.0.0","license":"MIT"}"#,
    );
    write("node_modules/broken/package.json", "{\"name\": ");
    let records = read_node_modules(&project.join("node_modules"), None).unwrap();
    let policy = allow(&["MIT"]);
    // Without a lockfile: the `license` line of package.json (the unreadable one has none).
    let report = check_licenses(&records, &policy);
    let locations: Vec<String> = report
        .findings
        .iter()
        .map(|f| f.location.as_ref().unwrap().to_string())
        .collect();
    let nm = project.join("node_modules");
    assert_eq!(
        locations,
        [
            nm.join("broken/package.json").display().to_string(),
            format!("{}:4", nm.join("gpl-thing/package.json").display()),
            format!(
                "{}:1",
                nm.join("ok/node_modules/@s/inner/package.json").display()
            ),
        ]
    );
    assert!(
        report.findings[0]
            .message
            .starts_with("broken: license unknown: ")
            && report.findings[0].message.contains("invalid package.json"),
        "{}",
        report.findings[0].message
    );
    // With package-lock.json beside node_modules: each package's entry there.
    write(
        "package-lock.json",
        r#"{
  "name": "app",
  "lockfileVersion": 3,
  "packages": {
    "": {"name": "app", "license": "MIT"},
    "node_modules/broken": {"version": "0.1.0"},
    "node_modules/gpl-thing": {"version": "1.0.0", "license": "GPL-3.0-only"},
    "node_modules/ok": {"version": "1.0.0"},
    "node_modules/ok/node_modules/@s/inner": {"version": "2.0.0"}
  }
}
"#,
    );
    let records = read_node_modules(&project.join("node_modules"), None).unwrap();
    let report = check_licenses(&records, &policy);
    let lock = project.join("package-lock.json").display().to_string();
    let locations: Vec<String> = report
        .findings
        .iter()
        .map(|f| f.location.as_ref().unwrap().to_string())
        .collect();
    assert_eq!(
        locations,
        [
            format!("{lock}:6"),
            format!("{lock}:7"),
            format!("{lock}:9")
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Arbitrary bytes: an error or a value, never a panic.

#[test]
fn arbitrary_bytes_never_panic_the_license_parsers() {
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    let metadata = std::fs::read(fixture(
        "licenses/site-packages/numpy-1.26.4.dist-info/METADATA",
    ))
    .unwrap();
    let short = std::fs::read(fixture(
        "licenses/site-packages/packaging-26.4.dist-info/METADATA",
    ))
    .unwrap();
    let cargo_metadata = br#"{"packages":[{"name":"a","version":"1.0.0","license":"MIT/Apache-2.0","license_file":null,"manifest_path":"/a/Cargo.toml"}]}"#;
    let cargo_toml = b"[package]\nname = \"foo\"\nversion = \"1.2.3\"\nlicense = \"MIT OR (Apache-2.0 WITH LLVM-exception)\"\n";
    let package_json = br#"{"name":"x","version":"1","license":{"type":"MIT"},"licenses":["ISC",{"type":"BSD-2-Clause"}]}"#;
    let expression = b"(MIT OR Apache-2.0 WITH LLVM-exception) AND GPL-2.0+ / BSD-3-Clause";
    let policy = allow(&["MIT"]);
    let path = Path::new("fuzz");
    for bytes in mutations(&short, &mut rng) {
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(record) = python_license(&text, path, None) {
            let _ = check_licenses(&[record], &policy);
        }
    }
    for bytes in mutations(&metadata, &mut rng).into_iter().take(20) {
        let _ = python_license(&String::from_utf8_lossy(&bytes), path, Some(classifier()));
    }
    let license_text = std::fs::read(fixture(
        "licenses/site-packages/docutils-0.23.dist-info/licenses/licenses/BSD-2-Clause.rst",
    ))
    .unwrap();
    for bytes in mutations(&license_text, &mut rng).into_iter().take(50) {
        let _ = classifier().classify(&String::from_utf8_lossy(&bytes));
    }
    for bytes in mutations(cargo_metadata, &mut rng) {
        if let Ok(records) = cargo_metadata_licenses(&String::from_utf8_lossy(&bytes), path) {
            let _ = inventory(&records, &[]);
        }
    }
    for bytes in mutations(cargo_toml, &mut rng) {
        let _ = cargo_toml_license(&String::from_utf8_lossy(&bytes), path);
    }
    for bytes in mutations(package_json, &mut rng) {
        if let Ok(record) = package_json_license(&String::from_utf8_lossy(&bytes), path) {
            let _ = check_licenses(&[record], &policy);
        }
    }
    for bytes in mutations(expression, &mut rng) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = normalise(&text);
        let _ = classifier_license(&text);
        let _ = LicensePolicy::new(&[text.as_ref()]);
        let _ = Clarification::new("x", &text, "fuzz");
        let _ = verdict(&text, &policy);
    }
}
