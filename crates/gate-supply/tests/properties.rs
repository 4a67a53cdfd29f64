//! Property tests: every lockfile and requirements reader, the advisory record readers (OSV JSON
//! and YAML, RustSec native) and the package metadata readers return a value or an error for
//! any input (arbitrary bytes, or a real fixture mutated), never panic, and finish within a
//! bounded time; what they read then goes through the audit and the license checks, as in the
//! CLI. `PROPTEST_CASES` raises the number of cases.

#[path = "../../../tests/support/properties.rs"]
mod support;

use std::path::Path;

use gate_supply::license::{
    cargo_metadata_licenses, cargo_toml_license, normalise, package_json_license, python_license,
};
use gate_supply::{
    AuditConfig, Database, Dependency, LockfileKind, RecordFormat, audit, parse_metadata,
    parse_osv, parse_rustsec,
};
use proptest::prelude::*;
use support::{bounded, bytes, config, lossy, mutated, text, timed};

/// Each lockfile fixture with the kind and file name it is read as.
const LOCKFILES: &[(LockfileKind, &str, &[u8])] = &[
    (
        LockfileKind::CargoLock,
        "Cargo.lock",
        include_bytes!("fixtures/cargo-vulnerable/Cargo.lock"),
    ),
    (
        LockfileKind::PoetryLock,
        "poetry.lock",
        include_bytes!("fixtures/python-pins/poetry.lock"),
    ),
    (
        LockfileKind::UvLock,
        "uv.lock",
        include_bytes!("fixtures/python-pins/uv.lock"),
    ),
    (
        LockfileKind::PipfileLock,
        "Pipfile.lock",
        include_bytes!("fixtures/python-pins/Pipfile.lock"),
    ),
    (
        LockfileKind::Pylock,
        "pylock.toml",
        include_bytes!("fixtures/python-pins/pylock.toml"),
    ),
    (
        LockfileKind::PackageLock,
        "package-lock.json",
        include_bytes!("fixtures/npm/package-lock.json"),
    ),
    (
        LockfileKind::Requirements,
        "requirements.txt",
        include_bytes!("fixtures/python-pins/requirements.txt"),
    ),
    (
        LockfileKind::Requirements,
        "requirements.txt",
        include_bytes!("fixtures/requirements-includes/requirements.txt"),
    ),
    (
        LockfileKind::SitePackages,
        "METADATA",
        include_bytes!("fixtures/site-packages-real/site-packages/Jinja2-2.10.dist-info/METADATA"),
    ),
];

const LOCKFILE_BYTES: &[&[u8]] = &[
    LOCKFILES[0].2,
    LOCKFILES[1].2,
    LOCKFILES[2].2,
    LOCKFILES[3].2,
    LOCKFILES[4].2,
    LOCKFILES[5].2,
    LOCKFILES[6].2,
    LOCKFILES[7].2,
    LOCKFILES[8].2,
];

const OSV_JSON: &[&[u8]] = &[
    include_bytes!("fixtures/npm/advisories/GHSA-p6mc-m468-83gw.json"),
    include_bytes!("fixtures/npm/advisories/GHSA-types-prerelease.json"),
    include_bytes!("../../gate-cli/tests/fixtures/supply/advisories/PYSEC-2099-1.json"),
    include_bytes!("../../gate-cli/tests/fixtures/supply/advisories/RUSTSEC-2099-0001.json"),
];

const OSV_YAML: &[&[u8]] = &[include_bytes!(
    "fixtures/npm/advisories/GHSA-vh95-rmgr-6w4m.yaml"
)];

const RUSTSEC: &[&[u8]] = &[b"```toml\n[advisory]\nid = \"RUSTSEC-2020-0105\"\n\
    package = \"abi_stable\"\naliases = [\"CVE-2020-36212\"]\n\
    cvss = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H\"\ndate = \"2020-12-21\"\n\
    informational = \"unsound\"\n\n[versions]\npatched = [\">= 0.9.1\", \"^0.8.4\"]\n\
    unaffected = [\"< 0.2.0\"]\n```\n\n# Update unsound DrainFilter\n\nBody.\n"];

const METADATA: &[&[u8]] = &[
    include_bytes!("fixtures/site-packages-real/site-packages/Jinja2-2.10.dist-info/METADATA"),
    include_bytes!("fixtures/site-packages-real/site-packages/urllib3-1.23.dist-info/METADATA"),
    include_bytes!("fixtures/licenses/site-packages/numpy-1.26.4.dist-info/METADATA"),
    b"Metadata-Version: 2.4\nName: packaging\nVersion: 26.4\n\
      License-Expression: Apache-2.0 OR BSD-2-Clause\nClassifier: License :: OSI Approved :: \
      MIT License\nLicense-File: LICENSE\n\nBody\n",
];

const MANIFESTS: &[&[u8]] = &[
    br#"{"name": "left-pad", "version": "1.3.0", "license": "(MIT OR Apache-2.0)"}"#,
    br#"{"name": "old", "version": "0.1.0", "licenses": [{"type": "MIT"}, "ISC"]}"#,
    br#"{"packages": [{"name": "gate", "version": "0.1.0", "license": "MIT OR Apache-2.0",
        "license_file": null, "manifest_path": "/x/Cargo.toml", "id": "gate 0.1.0"}]}"#,
    b"[package]\nname = \"gate\"\nversion = \"0.1.0\"\nlicense = \"MIT OR Apache-2.0\"\n",
];

/// The syntax of the formats here, spliced into arbitrary text and into fixtures.
const TOKENS: &[&str] = &[
    "[[package]]",
    "[package]",
    "[metadata]",
    "name = ",
    "version = ",
    "source = ",
    "\"",
    "'",
    "[",
    "]",
    "{",
    "}",
    ":",
    ",",
    "=",
    "==",
    ">=",
    "<",
    "~=",
    "!=",
    "===",
    "^",
    "*",
    ".*",
    "@",
    ";",
    "\\\n",
    "-r ",
    "-c ",
    "-e ",
    "--hash=sha256:",
    "[extras]",
    "python_version < \"3\"",
    "\"packages\"",
    "\"dependencies\"",
    "\"lockfileVersion\": 3",
    "\"default\"",
    "\"develop\"",
    "node_modules/",
    "\"resolved\"",
    "\"version\"",
    "Name: ",
    "Version: ",
    "License: ",
    "License-Expression: ",
    "Classifier: License :: ",
    "\n\n",
    "        ",
    "\"affected\"",
    "\"ranges\"",
    "\"events\"",
    "\"introduced\"",
    "\"fixed\"",
    "\"last_affected\"",
    "\"limit\"",
    "\"ECOSYSTEM\"",
    "\"SEMVER\"",
    "\"GIT\"",
    "\"PyPI\"",
    "\"npm\"",
    "\"crates.io\"",
    "\"withdrawn\"",
    "\"severity\"",
    "CVSS:3.1/AV:N",
    "CVSS:4.0/",
    "```toml",
    "\n```",
    "0",
    "0.0.0",
    "1.0.0-rc.1",
    "1!2.0",
    "2.0.post1.dev3",
    "v1",
    "18446744073709551616",
    "99999999999999999999.0",
    "-",
    "+",
    "AND",
    "OR",
    "WITH",
    "(",
    ")",
    "LicenseRef-",
    "GPL-2.0+",
    "\r\n",
];

fn path(name: &str) -> &Path {
    Path::new(name)
}

/// A database holding the advisory fixtures that read, to audit dependencies against.
fn database() -> Database {
    let mut database = Database::new();
    for record in OSV_JSON {
        if let Ok(Some(advisory)) = parse_osv(record, RecordFormat::Json, path("fixture.json")) {
            database.insert(advisory);
        }
    }
    database
}

/// Dependencies of the lockfile fixtures, to audit advisories against.
fn dependencies() -> Vec<Dependency> {
    LOCKFILES
        .iter()
        .filter_map(|(kind, name, bytes)| kind.parse(&lossy(bytes), path(name)).ok())
        .flatten()
        .collect()
}

fn lockfile_every_way(kind: LockfileKind, name: &str, text: &str) -> Result<(), TestCaseError> {
    let read = timed(name, || kind.parse(text, path(name)))?;
    if let Ok(dependencies) = read {
        let database = database();
        bounded("audit", || {
            audit(&dependencies, &database, &AuditConfig::default())
        })?;
    }
    Ok(())
}

fn advisory_every_way(bytes: &[u8]) -> Result<(), TestCaseError> {
    let mut database = Database::new();
    let json = timed("OSV JSON", || {
        parse_osv(bytes, RecordFormat::Json, path("x.json"))
    })?;
    let yaml = timed("OSV YAML", || {
        parse_osv(bytes, RecordFormat::Yaml, path("x.yaml"))
    })?;
    let rustsec = timed("RustSec", || parse_rustsec(&lossy(bytes), path("x.md")))?;
    for advisory in [json, yaml, rustsec].into_iter().flatten().flatten() {
        database.insert(advisory);
    }
    let dependencies = dependencies();
    bounded("audit", || {
        audit(&dependencies, &database, &AuditConfig::default())
    })
}

fn metadata_every_way(text: &str) -> Result<(), TestCaseError> {
    bounded("METADATA", || parse_metadata(text))?;
    bounded("dist-info", || {
        LockfileKind::SitePackages.parse(text, path("x.dist-info/METADATA"))
    })?;
    bounded("python license", || {
        python_license(text, path("x.dist-info/METADATA"), None)
    })?;
    bounded("package.json", || {
        package_json_license(text, path("package.json"))
    })?;
    bounded("Cargo.toml", || {
        cargo_toml_license(text, path("Cargo.toml"))
    })?;
    bounded("cargo metadata", || {
        cargo_metadata_licenses(text, path("cargo-metadata.json"))
    })?;
    bounded("SPDX expression", || normalise(text))
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn lockfiles_take_arbitrary_input(raw in bytes(), made in text(TOKENS)) {
        for (kind, name, _) in LOCKFILES {
            lockfile_every_way(*kind, name, &lossy(&raw))?;
            lockfile_every_way(*kind, name, &made)?;
        }
    }

    #[test]
    fn lockfiles_take_mutated_fixtures((which, input) in mutated(LOCKFILE_BYTES, TOKENS)) {
        let (kind, name, _) = LOCKFILES[which];
        lockfile_every_way(kind, name, &lossy(&input))?;
    }

    #[test]
    fn advisories_take_arbitrary_input(raw in bytes(), made in text(TOKENS)) {
        advisory_every_way(&raw)?;
        advisory_every_way(made.as_bytes())?;
    }

    #[test]
    fn osv_json_takes_mutated_fixtures((_, input) in mutated(OSV_JSON, TOKENS)) {
        advisory_every_way(&input)?;
    }

    #[test]
    fn osv_yaml_takes_mutated_fixtures((_, input) in mutated(OSV_YAML, TOKENS)) {
        advisory_every_way(&input)?;
    }

    #[test]
    fn rustsec_takes_mutated_fixtures((_, input) in mutated(RUSTSEC, TOKENS)) {
        advisory_every_way(&input)?;
    }

    #[test]
    fn metadata_takes_arbitrary_input(raw in bytes(), made in text(TOKENS)) {
        metadata_every_way(&lossy(&raw))?;
        metadata_every_way(&made)?;
    }

    #[test]
    fn metadata_takes_mutated_fixtures(
        (_, input) in mutated(METADATA, TOKENS),
        (_, manifest) in mutated(MANIFESTS, TOKENS),
    ) {
        metadata_every_way(&lossy(&input))?;
        metadata_every_way(&lossy(&manifest))?;
    }
}
