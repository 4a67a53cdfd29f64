//! How severe an advisory is: CVSS vectors scored with the `cvss` crate, else the record's word.

use gate_core::Severity;

use crate::osv::{Advisory, Affected};

/// The severity an advisory gets for one affected package.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// The qualitative band.
    pub severity: Severity,
    /// The CVSS base score, when a vector was scored.
    pub score: Option<f64>,
    /// The vector that was scored, when there was one.
    pub vector: Option<String>,
}

/// Scores the highest of the advisory's CVSS vectors (per-package vectors first, as OSV allows);
/// falls back to `database_specific.severity`. `None` when the record says nothing usable.
///
/// Vectors the `cvss` crate cannot parse are skipped here; when none is usable and there is no
/// word either, the caller applies its "no severity" policy.
pub fn assess(advisory: &Advisory, affected: &Affected) -> Option<Assessment> {
    let scored = affected
        .severity
        .iter()
        .chain(&advisory.severity)
        .filter(|s| s.kind.starts_with("CVSS_"))
        .filter_map(|s| {
            let cvss: cvss::Cvss = s.score.trim().parse().ok()?;
            Some((cvss.score(), s.score.trim().to_owned()))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((score, vector)) = scored {
        return Some(Assessment {
            severity: Severity::from_cvss_score(score),
            score: Some(score),
            vector: Some(vector),
        });
    }
    advisory
        .database_severity
        .as_deref()
        .and_then(parse_word)
        .map(|severity| Assessment {
            severity,
            score: None,
            vector: None,
        })
}

/// A severity word as advisory databases write it (GHSA says `MODERATE` for medium).
pub fn parse_word(word: &str) -> Option<Severity> {
    match word.trim().to_ascii_lowercase().as_str() {
        "none" | "info" | "informational" => Some(Severity::Info),
        "low" => Some(Severity::Low),
        "moderate" | "medium" => Some(Severity::Medium),
        "high" | "important" => Some(Severity::High),
        "critical" => Some(Severity::Critical),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Ecosystem;
    use crate::osv::SeverityVector;

    fn advisory(vectors: &[&str], word: Option<&str>) -> Advisory {
        Advisory {
            id: "X".into(),
            aliases: vec![],
            summary: String::new(),
            severity: vectors
                .iter()
                .map(|v| SeverityVector {
                    kind: if v.starts_with("CVSS:4") {
                        "CVSS_V4"
                    } else {
                        "CVSS_V3"
                    }
                    .into(),
                    score: (*v).into(),
                })
                .collect(),
            database_severity: word.map(str::to_owned),
            informational: None,
            affected: vec![Affected::new(Ecosystem::PyPI, "p")],
            source: "x".into(),
        }
    }

    #[test]
    fn scores_v3_and_v4_and_takes_the_highest() {
        let a = advisory(&["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"], None);
        let got = assess(&a, &a.affected[0]).unwrap();
        assert_eq!((got.severity, got.score), (Severity::Critical, Some(9.8)));
        let a = advisory(
            &[
                "CVSS:4.0/AV:N/AC:H/AT:P/PR:H/UI:P/VC:N/VI:L/VA:L/SC:N/SI:N/SA:N",
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:L/A:N",
            ],
            None,
        );
        let got = assess(&a, &a.affected[0]).unwrap();
        assert_eq!(got.score, Some(5.3));
        let v4 = advisory(
            &["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"],
            None,
        );
        assert_eq!(assess(&v4, &v4.affected[0]).unwrap().score, Some(9.3));
    }

    #[test]
    fn falls_back_to_the_word_then_to_nothing() {
        let a = advisory(&["garbage"], Some("MODERATE"));
        let got = assess(&a, &a.affected[0]).unwrap();
        assert_eq!((got.severity, got.score), (Severity::Medium, None));
        let a = advisory(&[], None);
        assert!(assess(&a, &a.affected[0]).is_none());
    }
}
