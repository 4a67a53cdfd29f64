//! semantic-release and commitlint options → gate.toml `[release]` keys, with a note for each
//! option gate cannot honour.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::settings::release::MAINTENANCE_GLOB;

/// The keys being written, in order, and the notes so far.
#[derive(Debug, Default)]
pub(crate) struct Section {
    keys: Vec<(&'static str, toml::Value)>,
    pub(crate) notes: Vec<String>,
}

impl Section {
    fn set(&mut self, key: &'static str, value: toml::Value) {
        self.keys.retain(|(known, _)| *known != key);
        self.keys.push((key, value));
    }

    /// The `[release]` text, with a comment naming the files it came from and the notes.
    pub(crate) fn to_toml(&self, sources: &[String]) -> String {
        let mut out = String::from("[release]\n");
        let _ = writeln!(out, "# read from {}", sources.join(" and "));
        for note in &self.notes {
            let _ = writeln!(out, "# not honoured: {note}");
        }
        for (key, value) in &self.keys {
            let line = format!("{key} = {value}");
            match value {
                // Long lists of tables read better one entry a line.
                toml::Value::Array(items)
                    if line.len() > 100 && items.iter().any(toml::Value::is_table) =>
                {
                    let _ = writeln!(out, "{key} = [");
                    for item in items {
                        let _ = writeln!(out, "  {item},");
                    }
                    out.push_str("]\n");
                }
                _ => {
                    out.push_str(&line);
                    out.push('\n');
                }
            }
        }
        out
    }
}

/// JSON → TOML; `null` has no TOML form and is dropped from tables and arrays.
fn to_toml(value: &Value) -> Option<toml::Value> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(b) => toml::Value::Boolean(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64()?),
        },
        Value::String(s) => toml::Value::String(s.clone()),
        Value::Array(items) => toml::Value::Array(items.iter().filter_map(to_toml).collect()),
        Value::Object(object) => toml::Value::Table(
            object
                .iter()
                .filter_map(|(k, v)| to_toml(v).map(|v| (k.clone(), v)))
                .collect(),
        ),
    })
}

/// The short name of a plugin (`@semantic-release/commit-analyzer` → `commit-analyzer`).
fn plugin_name(entry: &Value) -> Option<(&str, Option<&Value>)> {
    match entry {
        Value::String(name) => Some((name.as_str(), None)),
        Value::Array(items) => Some((items.first()?.as_str()?, items.get(1))),
        _ => None,
    }
}

/// Overlays `extra`'s keys on `base` (semantic-release passes global options to every plugin,
/// then a step's object, then the plugin's own options).
fn merged(base: &mut serde_json::Map<String, Value>, extra: Option<&Value>) {
    if let Some(Value::Object(extra)) = extra {
        for (key, value) in extra {
            base.insert(key.clone(), value.clone());
        }
    }
}

const ANALYZER: &str = "@semantic-release/commit-analyzer";
const NOTES: &str = "@semantic-release/release-notes-generator";

/// Global options gate reads or that only steer semantic-release's own run.
const KNOWN_GLOBALS: &[&str] = &[
    "branches",
    "tagFormat",
    "plugins",
    "preset",
    "presetConfig",
    "releaseRules",
    "repositoryUrl",
    "analyzeCommits",
    "generateNotes",
    "parserOpts",
    "writerOpts",
    "ci",
    "dryRun",
    "debug",
    "$schema",
];

/// Reads semantic-release's options (`file` names the file in notes).
pub(crate) fn semantic_release(config: &Value, file: &str, section: &mut Section) {
    let Some(object) = config.as_object() else {
        section
            .notes
            .push(format!("{file}: the configuration is not an object"));
        return;
    };
    if let Some(format) = object.get("tagFormat").and_then(Value::as_str) {
        section.set("tag-format", toml::Value::String(format.to_owned()));
    }
    if let Some(url) = object.get("repositoryUrl").and_then(Value::as_str) {
        section.set("repository-url", toml::Value::String(url.to_owned()));
    }
    if let Some(branches) = object.get("branches") {
        branches_option(branches, file, section);
    }
    if object.contains_key("extends") {
        section.notes.push(format!(
            "{file}: `extends` (a shareable configuration) is not read; copy its settings here"
        ));
    }
    let unknown: Vec<&str> = object
        .keys()
        .map(String::as_str)
        .filter(|key| !KNOWN_GLOBALS.contains(key) && *key != "extends")
        .collect();
    if !unknown.is_empty() {
        section.notes.push(format!(
            "{file}: {} only steer(s) plugins gate does not run",
            unknown.join(", ")
        ));
    }
    plugins(object, file, section);
}

/// The commit-analyzer's and notes generator's options: global options, then the step's
/// object, then the plugin's own; every other plugin is listed as not run.
fn plugins(object: &serde_json::Map<String, Value>, file: &str, section: &mut Section) {
    // The plugins: the defaults when unset.
    let plugins: Vec<Value> = match object.get("plugins") {
        Some(Value::Array(plugins)) => plugins.clone(),
        _ => vec![json!(ANALYZER), json!(NOTES)],
    };
    let mut analyzer = None;
    let mut notes = None;
    let mut others = Vec::new();
    for entry in &plugins {
        match plugin_name(entry) {
            Some((ANALYZER, options)) => analyzer = Some(options.cloned()),
            Some((NOTES, options)) => notes = Some(options.cloned()),
            Some((name, _)) if !others.iter().any(|known| known == name) => {
                others.push(name.to_owned());
            }
            Some(_) => {}
            None => others.push(entry.to_string()),
        }
    }
    if !others.is_empty() {
        section.notes.push(format!(
            "{file}: gate computes the version and notes; it does not run {} (publishing stays \
             in your pipeline)",
            others.join(", ")
        ));
    }
    let globals = |step: &str, own: Option<&Value>| {
        let mut options = serde_json::Map::new();
        for key in [
            "preset",
            "presetConfig",
            "releaseRules",
            "parserOpts",
            "writerOpts",
        ] {
            if let Some(value) = object.get(key) {
                options.insert(key.to_owned(), value.clone());
            }
        }
        merged(
            &mut options,
            object.get(step).filter(|v| v.get("path").is_none()),
        );
        merged(&mut options, own);
        options
    };
    match analyzer {
        Some(own) => {
            let options = globals("analyzeCommits", own.as_ref());
            preset(&options, file, "commit-analyzer", section);
            if options.contains_key("parserOpts") {
                section.notes.push(format!(
                    "{file}: the commit-analyzer's parserOpts are not read (gate parses as the \
                     conventionalcommits preset)"
                ));
            }
            if let Some(rules) = options.get("releaseRules") {
                release_rules(rules, file, section);
            }
        }
        None => section.notes.push(format!(
            "{file}: no @semantic-release/commit-analyzer, so semantic-release never releases; \
             gate still computes a version"
        )),
    }
    if let Some(own) = notes {
        let options = globals("generateNotes", own.as_ref());
        preset(&options, file, "release-notes-generator", section);
        if options.contains_key("writerOpts") || options.contains_key("parserOpts") {
            section.notes.push(format!(
                "{file}: the notes generator's parserOpts/writerOpts are not read"
            ));
        }
        if let Some(Value::Object(config)) = options.get("presetConfig") {
            for key in config.keys().filter(|key| *key != "types") {
                section.notes.push(format!(
                    "{file}: presetConfig.{key} is not read (gate writes the preset's links)"
                ));
            }
            if let Some(types) = config.get("types") {
                notes_types(types, file, section);
            }
        }
    }
}

/// A preset other than conventionalcommits (semantic-release's default is angular).
fn preset(
    options: &serde_json::Map<String, Value>,
    file: &str,
    plugin: &str,
    section: &mut Section,
) {
    let name = options
        .get("preset")
        .and_then(Value::as_str)
        .unwrap_or("angular");
    if name != "conventionalcommits" {
        let note = format!(
            "{file}: the {plugin} uses the `{name}` preset{}; gate computes as the \
             `conventionalcommits` preset (set \"preset\": \"conventionalcommits\" to agree)",
            if options.contains_key("preset") {
                ""
            } else {
                " (semantic-release's default)"
            }
        );
        if !section.notes.contains(&note) {
            section.notes.push(note);
        }
    }
}

fn branches_option(branches: &Value, file: &str, section: &mut Section) {
    let entries: Vec<Value> = match branches {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    let mut out = Vec::new();
    for entry in entries {
        let mut entry = match entry {
            Value::String(name) => {
                out.push(toml::Value::String(name));
                continue;
            }
            Value::Object(object) => object,
            other => {
                section.notes.push(format!(
                    "{file}: branch {other} is neither a name nor an object"
                ));
                continue;
            }
        };
        let name = entry
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        // `channel` names a distribution channel; gate derives channels from branch names.
        entry.remove("channel");
        if let Some(range) = entry.get("range").and_then(Value::as_str)
            && range.contains("${")
        {
            // renovate's `maint/+(…).x` with `${name.replace(/^maint\//g, '')}`: the
            // range is the name without its prefix, which gate derives by itself.
            let prefix = name.strip_suffix(MAINTENANCE_GLOB);
            let strips_prefix = prefix.is_some_and(|prefix| {
                let escaped = prefix.replace('/', "\\/");
                range == format!("${{name.replace(/^{escaped}/g, '')}}")
                    || range == format!("${{name.replace(/^{escaped}/, '')}}")
            });
            if strips_prefix {
                entry.remove("range");
            } else {
                section.notes.push(format!(
                    "{file}: branch `{name}`: the range template `{range}` is code; write \
                     the branch's range (\"1.x\") instead"
                ));
                continue;
            }
        }
        if let Some(value) = to_toml(&Value::Object(entry)) {
            out.push(value);
        }
    }
    section.set("branches", toml::Value::Array(out));
}

fn release_rules(rules: &Value, file: &str, section: &mut Section) {
    let Value::Array(rules) = rules else {
        section.notes.push(format!(
            "{file}: releaseRules {rules} is a module path; write the rules here as \
             release-rules"
        ));
        return;
    };
    let mut out = Vec::new();
    for rule in rules {
        let Some(object) = rule.as_object() else {
            continue;
        };
        let extra: Vec<&str> = object
            .keys()
            .map(String::as_str)
            .filter(|key| !["type", "scope", "breaking", "revert", "release"].contains(key))
            .collect();
        if !extra.is_empty() {
            section.notes.push(format!(
                "{file}: the release rule {rule} matches on {}, which gate does not read; it \
                 is left out",
                extra.join(", ")
            ));
            continue;
        }
        if let Some(value) = to_toml(rule) {
            out.push(value);
        }
    }
    if !out.is_empty() {
        section.set("release-rules", toml::Value::Array(out));
    }
}

fn notes_types(types: &Value, file: &str, section: &mut Section) {
    let Value::Array(types) = types else {
        section
            .notes
            .push(format!("{file}: presetConfig.types is not an array"));
        return;
    };
    let out: Vec<toml::Value> = types
        .iter()
        .filter(|entry| entry.get("type").and_then(Value::as_str).is_some())
        .filter_map(|entry| {
            let mut entry = entry.as_object()?.clone();
            entry.retain(|key, _| ["type", "section", "hidden"].contains(&key.as_str()));
            to_toml(&Value::Object(entry))
        })
        .collect();
    section.set("notes-types", toml::Value::Array(out));
}

/// config-conventional's rules, as commitlint 20 ships them: `[level, when, value]`.
fn conventional_rule(name: &str) -> Option<Value> {
    Some(match name {
        "body-leading-blank" | "footer-leading-blank" => json!([1, "always"]),
        "body-max-line-length" | "footer-max-line-length" | "header-max-length" => {
            json!([2, "always", 100])
        }
        "header-trim" => json!([2, "always"]),
        "subject-case" => json!([
            2,
            "never",
            ["sentence-case", "start-case", "pascal-case", "upper-case"]
        ]),
        "subject-empty" | "type-empty" => json!([2, "never"]),
        "subject-full-stop" => json!([2, "never", "."]),
        "type-case" => json!([2, "always", "lower-case"]),
        "type-enum" => json!([
            2,
            "always",
            [
                "build", "chore", "ci", "docs", "feat", "fix", "perf", "refactor", "revert",
                "style", "test"
            ]
        ]),
        _ => return None,
    })
}

/// Reads commitlint's options (`file` names the file in notes).
pub(crate) fn commitlint(config: &Value, file: &str, section: &mut Section) {
    let Some(object) = config.as_object() else {
        section
            .notes
            .push(format!("{file}: the configuration is not an object"));
        return;
    };
    let extends: Vec<&str> = match object.get("extends") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !extends.contains(&"@commitlint/config-conventional") {
        section.notes.push(format!(
            "{file}: it does not extend @commitlint/config-conventional; gate's lint starts \
             from config-conventional's rules"
        ));
    }
    for other in extends
        .iter()
        .filter(|name| **name != "@commitlint/config-conventional")
    {
        section.notes.push(format!(
            "{file}: the shareable config `{other}` is not read"
        ));
    }
    for key in ["parserPreset", "plugins", "ignores"] {
        if object.contains_key(key) {
            section.notes.push(format!("{file}: `{key}` is not read"));
        }
    }
    if object.get("defaultIgnores") == Some(&Value::Bool(false)) {
        section.notes.push(format!(
            "{file}: defaultIgnores = false is not read (gate skips merges, reverts and \
             fixup! commits as commitlint does by default)"
        ));
    }
    let Some(Value::Object(rules)) = object.get("rules") else {
        return;
    };
    let mut levels = toml::Table::new();
    for (name, rule) in rules {
        commitlint_rule(name, rule, file, section, &mut levels);
    }
    if !levels.is_empty() {
        section.set("lint-levels", toml::Value::Table(levels));
    }
}

fn commitlint_rule(
    name: &str,
    rule: &Value,
    file: &str,
    section: &mut Section,
    levels: &mut toml::Table,
) {
    let Some(default) = conventional_rule(name) else {
        if name == "scope-enum"
            && rule.get(1).and_then(Value::as_str) == Some("always")
            && let Some(Value::Array(scopes)) = rule.get(2)
        {
            section.set(
                "scopes",
                toml::Value::Array(scopes.iter().filter_map(to_toml).collect()),
            );
            set_level(levels, name, rule, 2);
            return;
        }
        if rule.get(0).and_then(Value::as_i64) != Some(0) {
            section.notes.push(format!(
                "{file}: the rule `{name}` {rule} is not one gate checks"
            ));
        }
        return;
    };
    let default_level = default.get(0).and_then(Value::as_i64).unwrap_or(2);
    set_level(levels, name, rule, default_level);
    // Off: the condition and value do not matter.
    if rule.get(0).and_then(Value::as_i64) == Some(0) {
        return;
    }
    let same_when = rule.get(1).is_none_or(|when| Some(when) == default.get(1));
    match (name, rule.get(2)) {
        (
            "header-max-length" | "body-max-line-length" | "footer-max-line-length",
            Some(Value::Number(n)),
        ) if same_when => {
            if let Some(length) = n.as_i64() {
                let key = match name {
                    "header-max-length" => "header-max-length",
                    "body-max-line-length" => "body-max-line-length",
                    _ => "footer-max-line-length",
                };
                section.set(key, toml::Value::Integer(length));
            }
        }
        ("type-enum", Some(Value::Array(types))) if same_when => {
            section.set(
                "types",
                toml::Value::Array(types.iter().filter_map(to_toml).collect()),
            );
        }
        (_, value) if same_when && value.is_none_or(|value| Some(value) == default.get(2)) => {}
        _ => section.notes.push(format!(
            "{file}: the rule `{name}` {rule} differs from config-conventional's {default} \
             beyond its level; gate keeps config-conventional's"
        )),
    }
}

/// Records a level that differs from config-conventional's.
fn set_level(levels: &mut toml::Table, name: &str, rule: &Value, default_level: i64) {
    if let Some(level) = rule.get(0).and_then(Value::as_i64)
        && level != default_level
        && (0..=2).contains(&level)
    {
        let word = ["off", "warning", "error"][usize::try_from(level).unwrap_or(0)];
        levels.insert(name.to_owned(), toml::Value::String(word.to_owned()));
    }
}
