//! A CycloneDX 1.5 JSON bill of materials of what the lockfiles lock.
//!
//! One component per distinct package and version (a package locked in two files is listed
//! once, with both files as `gate:source` properties), sorted by purl, so the same lockfiles
//! always give the same bytes. The project's own packages (workspace members, editable
//! installs) are not components.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::{Dependency, Ecosystem, Origin, VersionSpec};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'o> {
    bom_format: &'static str,
    spec_version: &'static str,
    version: u32,
    metadata: Metadata<'o>,
    components: Vec<Component>,
}

#[derive(Serialize)]
struct Metadata<'o> {
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<&'o str>,
    tools: Tools<'o>,
}

#[derive(Serialize)]
struct Tools<'o> {
    components: Vec<Tool<'o>>,
}

#[derive(Serialize)]
struct Tool<'o> {
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'static str,
    version: &'o str,
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

/// What a bill of materials says beyond the dependencies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SbomOptions {
    /// The version of gate named as the tool that wrote the document (the binary's version,
    /// which a library cannot know).
    pub tool_version: String,
    /// `metadata.timestamp`, RFC 3339; `None` leaves it out so that the same lockfiles always
    /// give the same bytes.
    pub timestamp: Option<String>,
}

/// The CycloneDX 1.5 JSON document of `dependencies`: pretty-printed, with a trailing newline.
pub fn cyclonedx_json(dependencies: &[Dependency], options: &SbomOptions) -> String {
    // Serialising plain structs of strings cannot fail.
    let mut text = serde_json::to_string_pretty(&bom(dependencies, options)).unwrap_or_default();
    text.push('\n');
    text
}

fn bom<'o>(dependencies: &[Dependency], options: &'o SbomOptions) -> Document<'o> {
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
            timestamp: options.timestamp.as_deref(),
            tools: Tools {
                components: vec![Tool {
                    kind: "application",
                    name: "gate",
                    version: &options.tool_version,
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
        Ecosystem::Npm => "npm",
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

    #[test]
    fn one_component_per_package_and_version_sorted_by_purl() {
        let dependencies = [
            dep(Ecosystem::PyPI, "requests", "2.31.0"),
            Dependency::new(
                Ecosystem::PyPI,
                "requests",
                VersionSpec::Pinned("2.31.0".into()),
                "api\\requirements.txt",
                None,
            ),
            Dependency::new(
                Ecosystem::PyPI,
                "httpx",
                VersionSpec::Unpinned(">=0.27".into()),
                "requirements.in",
                Some(3),
            ),
            dep(Ecosystem::CratesIo, "app", "0.1.0").with_origin(Origin::Local),
        ];
        let options = SbomOptions {
            tool_version: "9.8.7".into(),
            timestamp: Some("2026-01-02T03:04:05Z".into()),
        };
        let expected = r#"{
  "bomFormat": "CycloneDX",
  "specVersion": "1.5",
  "version": 1,
  "metadata": {
    "timestamp": "2026-01-02T03:04:05Z",
    "tools": {
      "components": [
        {
          "type": "application",
          "name": "gate",
          "version": "9.8.7"
        }
      ]
    }
  },
  "components": [
    {
      "type": "library",
      "bom-ref": "pkg:pypi/httpx",
      "name": "httpx",
      "purl": "pkg:pypi/httpx",
      "properties": [
        {
          "name": "gate:source",
          "value": "requirements.in:3"
        },
        {
          "name": "gate:unpinned",
          "value": ">=0.27"
        }
      ]
    },
    {
      "type": "library",
      "bom-ref": "pkg:pypi/requests@2.31.0",
      "name": "requests",
      "version": "2.31.0",
      "purl": "pkg:pypi/requests@2.31.0",
      "properties": [
        {
          "name": "gate:source",
          "value": "api/requirements.txt"
        },
        {
          "name": "gate:source",
          "value": "lock:1"
        }
      ]
    }
  ]
}
"#;
        assert_eq!(cyclonedx_json(&dependencies, &options), expected);

        let options = SbomOptions {
            tool_version: "0.1.0".into(),
            timestamp: None,
        };
        let text = cyclonedx_json(&[], &options);
        assert!(
            text.contains("  \"metadata\": {\n    \"tools\": {"),
            "no timestamp unless given: {text}"
        );
        assert!(text.ends_with("  \"components\": []\n}\n"), "{text}");
    }
}
