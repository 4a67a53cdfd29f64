//! The RustSec native layout: `crates/<crate>/RUSTSEC-*.md` with TOML front matter.

use std::path::Path;

use serde::Deserialize;

use crate::Ecosystem;
use crate::db_error::DbError;
use crate::dependency::line_of;
use crate::osv::{Advisory, Affected, RustsecVersions, SeverityVector};

#[derive(Deserialize)]
struct Front {
    advisory: Meta,
    #[serde(default)]
    versions: Versions,
}

#[derive(Deserialize)]
struct Meta {
    id: String,
    package: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    cvss: Option<String>,
    #[serde(default)]
    informational: Option<String>,
    #[serde(default)]
    withdrawn: Option<toml::Value>,
    #[serde(default)]
    title: Option<String>,
}

#[derive(Deserialize, Default)]
struct Versions {
    #[serde(default)]
    patched: Vec<String>,
    #[serde(default)]
    unaffected: Vec<String>,
}

const FENCE: &str = "```toml";

/// Parses a RustSec native advisory. `Ok(None)` for a withdrawn one.
pub fn parse_rustsec(text: &str, source: &Path) -> Result<Option<Advisory>, DbError> {
    let no_front = || DbError::NoFrontMatter {
        path: source.to_owned(),
    };
    let start = text.find(FENCE).ok_or_else(no_front)? + FENCE.len();
    let body = &text[start..];
    let end = body.find("\n```").ok_or_else(no_front)?;
    let toml_text = &body[..end];
    let front: Front = toml::from_str(toml_text).map_err(|e| {
        let offset = start + e.span().map_or(0, |s| s.start);
        DbError::Toml {
            path: source.to_owned(),
            line: line_of(text, offset),
            source: Box::new(e),
        }
    })?;
    if front.advisory.withdrawn.is_some() {
        return Ok(None);
    }
    let requirements = |list: Vec<String>| {
        list.into_iter()
            .map(|r| {
                semver::VersionReq::parse(&r).map_err(|e| DbError::Requirement {
                    path: source.to_owned(),
                    requirement: r,
                    source: e,
                })
            })
            .collect::<Result<Vec<_>, _>>()
    };
    let mut affected = Affected::new(Ecosystem::CratesIo, &front.advisory.package);
    affected.rustsec = Some(RustsecVersions {
        patched: requirements(front.versions.patched)?,
        unaffected: requirements(front.versions.unaffected)?,
    });
    // The title is the Markdown heading after the front matter.
    let title = front.advisory.title.or_else(|| {
        body[end + 4..]
            .lines()
            .find_map(|l| l.strip_prefix("# "))
            .map(|t| t.trim().to_owned())
    });
    Ok(Some(Advisory {
        id: front.advisory.id,
        aliases: front.advisory.aliases,
        summary: title.unwrap_or_default(),
        severity: front
            .advisory
            .cvss
            .map(|score| SeverityVector {
                kind: if score.starts_with("CVSS:4") {
                    "CVSS_V4"
                } else {
                    "CVSS_V3"
                }
                .to_owned(),
                score,
            })
            .into_iter()
            .collect(),
        database_severity: None,
        informational: front.advisory.informational.map(|i| i.trim().to_owned()),
        affected: vec![affected],
        source: source.to_owned(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_front_matter_and_title() {
        let text = "```toml\n[advisory]\nid = \"RUSTSEC-2020-0105\"\npackage = \"abi_stable\"\naliases = [\"CVE-2020-36212\"]\ncvss = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H\"\ndate = \"2020-12-21\"\n\n[versions]\npatched = [\">= 0.9.1\"]\n```\n\n# Update unsound DrainFilter\n\nBody.\n";
        let a = parse_rustsec(text, Path::new("RUSTSEC-2020-0105.md"))
            .unwrap()
            .unwrap();
        assert_eq!(a.id, "RUSTSEC-2020-0105");
        assert_eq!(a.summary, "Update unsound DrainFilter");
        assert_eq!(a.affected[0].fixed_versions(), vec!["0.9.1"]);
        assert_eq!(a.severity[0].kind, "CVSS_V3");
    }

    #[test]
    fn withdrawn_and_broken_files() {
        let withdrawn =
            "```toml\n[advisory]\nid = \"X\"\npackage = \"p\"\nwithdrawn = \"2022-01-01\"\n```\n";
        assert!(
            parse_rustsec(withdrawn, Path::new("x.md"))
                .unwrap()
                .is_none()
        );
        let err = parse_rustsec("# no front matter", Path::new("x.md")).unwrap_err();
        assert_eq!(err.to_string(), "x.md: no ```toml front matter");
        let err =
            parse_rustsec("```toml\n[advisory]\nid = 1\n```\n", Path::new("x.md")).unwrap_err();
        assert!(err.to_string().starts_with("x.md:3:"), "{err}");
    }
}
