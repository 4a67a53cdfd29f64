//! `gate explain` knows every rule id a gate can emit.
//!
//! The ids are collected from the workspace's sources, not from the catalogue `gate explain`
//! reads: a rule declared (`id: "…"`) but left out of its crate's `RULES`, or an id written as
//! a string where findings or renderers are built (`"gate/error"`), is caught here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::{code, gate, stderr, stdout};

/// The namespaces rule ids live in: one per gate, plus waivers and gate errors.
const NAMESPACES: &[&str] = &[
    "coverage", "gate", "policy", "protect", "release", "supply", "waiver",
];

fn rust_sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// Every string literal in `text` shaped like a rule id: `"<namespace>/<kebab-case name>"`.
fn rule_ids(text: &str, ids: &mut BTreeSet<String>) {
    for (start, _) in text.match_indices('"') {
        let rest = &text[start + 1..];
        let Some(end) = rest.find('"') else { continue };
        let literal = &rest[..end];
        let Some((namespace, name)) = literal.split_once('/') else {
            continue;
        };
        let kebab = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if NAMESPACES.contains(&namespace) && kebab {
            ids.insert(literal.to_owned());
        }
    }
}

#[test]
fn every_rule_id_in_the_sources_is_listed_and_explained() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut sources = Vec::new();
    for entry in std::fs::read_dir(&crates).unwrap() {
        let src = entry.unwrap().path().join("src");
        if src.is_dir() {
            rust_sources(&src, &mut sources);
        }
    }
    let mut ids = BTreeSet::new();
    for source in &sources {
        rule_ids(&std::fs::read_to_string(source).unwrap(), &mut ids);
    }
    // The ones issue 17 found missing, and one per gate: the scan must not come back empty.
    for id in [
        "supply/license",
        "gate/error",
        "coverage/total",
        "policy/deny",
        "protect/missing-check",
        "release/commit-format",
        "waiver/expired",
    ] {
        assert!(ids.contains(id), "{id} not found in the sources: {ids:?}");
    }

    let directory = tempfile::tempdir().unwrap();
    let output = gate(directory.path(), &["explain", "--list"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let listed: BTreeSet<String> = stdout(&output)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    let unlisted: Vec<&String> = ids.difference(&listed).collect();
    assert!(
        unlisted.is_empty(),
        "rule ids in the sources but not in `gate explain --list` (add each to its crate's \
         RULES): {unlisted:?}"
    );
    for id in &ids {
        let output = gate(directory.path(), &["explain", id]);
        assert_eq!(code(&output), 0, "gate explain {id}: {}", stderr(&output));
        let text = stdout(&output);
        let mut paragraphs = text.split("\n\n");
        assert_eq!(paragraphs.next(), Some(id.as_str()), "{text}");
        let summary = paragraphs.next().unwrap_or_default();
        let help = paragraphs.next().unwrap_or_default();
        assert!(
            !summary.trim().is_empty() && !help.trim().is_empty(),
            "gate explain {id}: {text}"
        );
    }
}
