//! `gate supply sbom`: a CycloneDX 1.5 JSON bill of materials of what the lockfiles lock.
//!
//! One component per distinct package and version (a package locked in two files is listed
//! once, with both files as `gate:source` properties), sorted by purl, so the same lockfiles
//! always give the same bytes. The project's own packages (workspace members, editable
//! installs) are not components.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context as _, anyhow};
use gate_supply::{Dependency, Ecosystem, Origin, VersionSpec};
use serde::Serialize;

use super::SbomArgs;
use crate::advisory_cache::format_rfc3339;
use crate::environment::Environment;
use crate::{EXIT_PASS, output};
use gate_project::run::supply::read_dependencies;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    bom_format: &'static str,
    spec_version: &'static str,
    version: u32,
    metadata: Metadata,
    components: Vec<Component>,
}

#[derive(Serialize)]
struct Metadata {
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<String>,
    tools: Tools,
}

#[derive(Serialize)]
struct Tools {
    components: Vec<Tool>,
}

#[derive(Serialize)]
struct Tool {
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Component {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "bom-ref")]
    bom_ref: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    purl: String,
    properties: Vec<Property>,
}

#[derive(Serialize)]
struct Property {
    name: &'static str,
    value: String,
}

/// Runs `gate supply sbom`.
pub fn run(args: &SbomArgs, environment: &Environment) -> anyhow::Result<u8> {
    let dependencies =
        read_dependencies(&args.inputs, Path::new(".")).map_err(|error| anyhow!(error.message))?;
    let timestamp = if args.timestamp {
        let now = environment
            .now
            .context("cannot read the system clock for --timestamp")?;
        Some(format_rfc3339(now))
    } else {
        None
    };
    let mut text = serde_json::to_string_pretty(&bom(&dependencies, timestamp))?;
    text.push('\n');
    match &args.output {
        Some(path) => output::write_atomically(path, text.as_bytes())?,
        None => print!("{text}"),
    }
    Ok(EXIT_PASS)
}

fn bom(dependencies: &[Dependency], timestamp: Option<String>) -> Document {
    // purl → (name, version, requirement, sources): one component per package and version.
    let mut by_purl: BTreeMap<String, (String, Option<String>, Vec<Property>)> = BTreeMap::new();
    for dependency in dependencies {
        if dependency.origin == Origin::Local {
            continue;
        }
        let version = dependency.version.pinned().map(str::to_owned);
        let purl = purl(dependency);
        let entry = by_purl
            .entry(purl)
            .or_insert_with(|| (dependency.name.clone(), version, Vec::new()));
        let source = dependency.source.to_string_lossy().replace('\\', "/");
        let mut properties = vec![Property {
            name: "gate:source",
            value: match dependency.line {
                Some(line) => format!("{source}:{line}"),
                None => source,
            },
        }];
        if let VersionSpec::Unpinned(requirement) = &dependency.version {
            properties.push(Property {
                name: "gate:unpinned",
                value: requirement.clone(),
            });
        }
        for property in properties {
            if !entry
                .2
                .iter()
                .any(|p| p.name == property.name && p.value == property.value)
            {
                entry.2.push(property);
            }
        }
    }
    let components = by_purl
        .into_iter()
        .map(|(purl, (name, version, mut properties))| {
            properties.sort_by(|a, b| (a.name, &a.value).cmp(&(b.name, &b.value)));
            Component {
                kind: "library",
                bom_ref: purl.clone(),
                name,
                version,
                purl,
                properties,
            }
        })
        .collect();
    Document {
        bom_format: "CycloneDX",
        spec_version: "1.5",
        version: 1,
        metadata: Metadata {
            timestamp,
            tools: Tools {
                components: vec![Tool {
                    kind: "application",
                    name: "gate",
                    version: env!("CARGO_PKG_VERSION"),
                }],
            },
        },
        components,
    }
}

/// The package URL: `pkg:pypi/name@version`, `pkg:cargo/…`, `pkg:npm/%40scope/name@…`, with a
/// `vcs_url` or `download_url` qualifier for git and URL sources.
fn purl(dependency: &Dependency) -> String {
    let kind = match dependency.ecosystem {
        Ecosystem::PyPI => "pypi",
        Ecosystem::CratesIo => "cargo",
        _ => "npm",
    };
    let name = match dependency
        .name
        .strip_prefix('@')
        .and_then(|n| n.split_once('/'))
    {
        Some((scope, name)) => format!("%40{}/{}", encode(scope), encode(name)),
        None => encode(&dependency.name),
    };
    let mut purl = format!("pkg:{kind}/{name}");
    if let Some(version) = dependency.version.pinned() {
        purl.push('@');
        purl.push_str(&encode(version));
    }
    match &dependency.origin {
        Origin::Git(url) => {
            purl.push_str("?vcs_url=");
            purl.push_str(&encode(url));
        }
        Origin::Url(url) => {
            purl.push_str("?download_url=");
            purl.push_str(&encode(url));
        }
        Origin::Registry(_) | Origin::Local => {}
    }
    purl
}

/// Percent-encodes everything but the characters the purl specification leaves as they are.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dep(ecosystem: Ecosystem, name: &str, version: &str) -> Dependency {
        Dependency::new(
            ecosystem,
            name,
            VersionSpec::Pinned(version.into()),
            "lock",
            Some(1),
        )
    }

    #[test]
    fn purls_follow_the_specification() {
        assert_eq!(
            purl(&dep(Ecosystem::PyPI, "Charset_Normalizer", "3.4.0")),
            "pkg:pypi/charset-normalizer@3.4.0"
        );
        assert_eq!(
            purl(&dep(Ecosystem::CratesIo, "serde_json", "1.0.0+build")),
            "pkg:cargo/serde_json@1.0.0%2Bbuild"
        );
        assert_eq!(
            purl(&dep(Ecosystem::Npm, "@babel/core", "7.0.0")),
            "pkg:npm/%40babel/core@7.0.0"
        );
        let git = dep(Ecosystem::CratesIo, "x", "0.1.0")
            .with_origin(Origin::Git("https://example.org/x.git".into()));
        assert_eq!(
            purl(&git),
            "pkg:cargo/x@0.1.0?vcs_url=https%3A%2F%2Fexample.org%2Fx.git"
        );
    }
}
