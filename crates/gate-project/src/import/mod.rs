//! The release settings a project already has, in semantic-release's and commitlint's
//! configuration files, read as those tools read them and written as gate.toml's `[release]`.
//!
//! Files are looked up in cosmiconfig's order (what both tools use), in one directory: the
//! first that exists wins (`package.json` only when it has the tool's key). JSON and YAML files
//! are read exactly; a JavaScript file only when it exports a plain object literal. What gate
//! cannot honour (another preset, a plugin it does not run, a rule it does not check) becomes a
//! note for the user, never a silent difference.

mod js;
mod map;

use std::path::{Path, PathBuf};

use serde_json::Value;

/// semantic-release 24's search places (cosmiconfig 9, module name `release`).
const SEMANTIC_RELEASE_FILES: &[&str] = &[
    "package.json",
    ".releaserc",
    ".releaserc.json",
    ".releaserc.yaml",
    ".releaserc.yml",
    ".releaserc.js",
    ".releaserc.ts",
    ".releaserc.cjs",
    ".releaserc.mjs",
    ".config/releaserc",
    ".config/releaserc.json",
    ".config/releaserc.yaml",
    ".config/releaserc.yml",
    ".config/releaserc.js",
    ".config/releaserc.ts",
    ".config/releaserc.cjs",
    ".config/releaserc.mjs",
    "release.config.js",
    "release.config.ts",
    "release.config.cjs",
    "release.config.mjs",
];

/// commitlint 20's search places (`@commitlint/load`).
const COMMITLINT_FILES: &[&str] = &[
    "package.json",
    "package.yaml",
    ".commitlintrc",
    ".commitlintrc.json",
    ".commitlintrc.yaml",
    ".commitlintrc.yml",
    ".commitlintrc.js",
    ".commitlintrc.cjs",
    ".commitlintrc.mjs",
    "commitlint.config.js",
    "commitlint.config.cjs",
    "commitlint.config.mjs",
    ".commitlintrc.ts",
    ".commitlintrc.cts",
    ".commitlintrc.mts",
    "commitlint.config.ts",
    "commitlint.config.cts",
    "commitlint.config.mts",
];

/// Configuration files are small; a larger one is not a configuration file.
const FILE_LIMIT: u64 = 1 << 20;

/// The `[release]` section made from a project's semantic-release and commitlint files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The files read (relative to the directory searched), semantic-release's first.
    pub sources: Vec<String>,
    /// The section as gate.toml text, starting with `[release]`.
    pub section: String,
    /// What gate cannot honour, one sentence each, naming the file.
    pub notes: Vec<String>,
}

/// The semantic-release and commitlint files in `directory`, in lookup order (the one each
/// tool would use), without reading them: what "gate.toml wins" is said about.
pub fn config_files(directory: &Path) -> Vec<String> {
    [
        find(directory, SEMANTIC_RELEASE_FILES, "release"),
        find(directory, COMMITLINT_FILES, "commitlint"),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Reads the semantic-release and commitlint configuration in `directory` as a `[release]`
/// section; `None` when there is neither.
///
/// Errors name the file: one that does not parse, a JavaScript file that is not a plain object
/// literal or a TypeScript file (with the keys to write in gate.toml instead).
pub fn import_release(directory: &Path) -> Result<Option<Import>, String> {
    let release = find(directory, SEMANTIC_RELEASE_FILES, "release")
        .map(|name| read(directory, &name, "release").map(|value| (name, value)))
        .transpose()?;
    let commitlint = find(directory, COMMITLINT_FILES, "commitlint")
        .map(|name| read(directory, &name, "commitlint").map(|value| (name, value)))
        .transpose()?;
    if release.is_none() && commitlint.is_none() {
        return Ok(None);
    }
    let mut section = map::Section::default();
    let mut sources = Vec::new();
    if let Some((name, value)) = &release {
        map::semantic_release(&unwrap_package(value, name, "release"), name, &mut section);
        sources.push(name.clone());
    }
    if let Some((name, value)) = &commitlint {
        map::commitlint(
            &unwrap_package(value, name, "commitlint"),
            name,
            &mut section,
        );
        sources.push(name.clone());
    }
    Ok(Some(Import {
        section: section.to_toml(&sources),
        notes: section.notes,
        sources,
    }))
}

/// The first search place that exists (`package.json` / `package.yaml` only with `key`).
fn find(directory: &Path, places: &[&str], key: &str) -> Option<String> {
    places.iter().find_map(|place| {
        let path = directory.join(place);
        if !path.is_file() {
            return None;
        }
        if place.starts_with("package.") {
            let value = read(directory, place, key).ok()?;
            return value.get(key).is_some().then(|| (*place).to_owned());
        }
        Some((*place).to_owned())
    })
}

/// A configuration file as JSON data (`key` names the tool, for the hint of a file gate cannot
/// read).
fn read(directory: &Path, name: &str, key: &str) -> Result<Value, String> {
    let path: PathBuf = directory.join(name);
    let text = gate_core::read_to_string_capped(&path, FILE_LIMIT)
        .map_err(|error| format!("{name}: {error}"))?;
    let extension = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("");
    let value = match extension {
        "json" => serde_json::from_str(&text).map_err(|error| format!("{name}: {error}"))?,
        // An extensionless rc file is YAML (JSON is YAML too), as cosmiconfig reads it.
        "" | "yaml" | "yml" => {
            let yaml: serde_yaml::Value =
                serde_yaml::from_str(&text).map_err(|error| format!("{name}: {error}"))?;
            serde_json::to_value(yaml).map_err(|error| format!("{name}: {error}"))?
        }
        "js" | "cjs" | "mjs" => {
            let json = js::object_literal_to_json(&text).map_err(|reason| {
                format!(
                    "{name}: gate reads a JavaScript config only when it exports a plain object \
                     literal, and {reason}. Write the settings in gate.toml's [release] instead: \
                     {}",
                    keys_hint(key)
                )
            })?;
            serde_json::from_str(&json).map_err(|error| format!("{name}: {error}"))?
        }
        _ => {
            return Err(format!(
                "{name}: gate does not run TypeScript; write the settings in gate.toml's \
                 [release] instead: {}",
                keys_hint(key)
            ));
        }
    };
    Ok(value)
}

fn keys_hint(tool: &str) -> &'static str {
    if tool == "release" {
        "tag-format (tagFormat), branches, release-rules (releaseRules), notes-types \
         (presetConfig.types), repository-url (repositoryUrl); see docs/config.md"
    } else {
        "types (type-enum), scopes (scope-enum), header-max-length, body-max-line-length, \
         footer-max-line-length, lint-levels (rule levels); see docs/config.md"
    }
}

/// The value a `package.json` holds under `key`, or the whole value for other files.
pub(crate) fn unwrap_package(value: &Value, name: &str, key: &str) -> Value {
    if name.starts_with("package.") {
        value.get(key).cloned().unwrap_or(Value::Null)
    } else {
        value.clone()
    }
}
