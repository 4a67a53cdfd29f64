//! Input parsing: file name → [`Format`] (conftest's detection rules) → [`Parsed`] documents.

mod cue;
mod cyclonedx;
mod dockerfile;
mod dotenv;
mod edn;
mod groovy;
mod hcl;
mod hcl1;
mod hocon;
mod ignore;
mod ini;
mod json;
mod jsonc;
mod jsonnet;
mod nginx;
mod properties;
mod spdx;
mod textproto;
mod toml;
mod vcl;
mod xml;
mod yaml;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::ParseError;

pub use textproto::ProtoSchemas;
pub use yaml::ALIAS_NODE_LIMIT;

/// An input format gate can parse, named as conftest's `--parser` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Format {
    /// YAML, multi-document, with go-yaml v2 (YAML 1.1) scalar rules.
    Yaml,
    /// JSON.
    Json,
    /// TOML.
    Toml,
    /// HCL2 (Terraform `.tf`, `.tfvars`, `.hcl`), shaped like conftest's hcl2json output.
    Hcl2,
    /// A Dockerfile, as a list of instructions like conftest's.
    Dockerfile,
    /// INI files: sections of string-valued keys.
    Ini,
    /// `.env` files: one object of string values.
    Dotenv,
    /// XML, shaped like conftest's goxml2json output.
    Xml,
    /// JSON with `//` and `/* */` comments.
    Jsonc,
    /// Java `.properties`: one object of strings.
    Properties,
    /// `.gitignore`/`.dockerignore`: entries with their kind.
    Ignore,
    /// EDN, with keys and scalars printed as conftest prints them.
    Edn,
    /// HOCON, with leaves converted as conftest converts them.
    Hocon,
    /// Varnish VCL declarations.
    Vcl,
    /// SPDX tag-value, with SPDX JSON field names.
    Spdx,
    /// CycloneDX, JSON or XML, in the JSON BOM's shape.
    Cyclonedx,
    /// HCL1 (`--parser hcl1`), shaped like hashicorp/hcl v1's decoding.
    Hcl1,
    /// CUE data files.
    Cue,
    /// nginx configuration: directives with parameters and blocks.
    Nginx,
    /// Jsonnet, evaluated to JSON.
    Jsonnet,
    /// Protocol buffer text format, typed by `.proto` files ([`ParseOptions::protos`]).
    Textproto,
    /// Groovy (Jenkinsfiles), as a syntax tree.
    Groovy,
}

impl Format {
    /// Every format, in the order `--parser` help lists them.
    pub const ALL: &'static [Format] = &[
        Format::Yaml,
        Format::Json,
        Format::Toml,
        Format::Hcl2,
        Format::Dockerfile,
        Format::Ini,
        Format::Dotenv,
        Format::Xml,
        Format::Jsonc,
        Format::Properties,
        Format::Ignore,
        Format::Edn,
        Format::Hocon,
        Format::Vcl,
        Format::Spdx,
        Format::Cyclonedx,
        Format::Hcl1,
        Format::Cue,
        Format::Nginx,
        Format::Jsonnet,
        Format::Textproto,
        Format::Groovy,
    ];

    /// The `--parser` name.
    pub fn name(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Json => "json",
            Format::Toml => "toml",
            Format::Hcl2 => "hcl2",
            Format::Dockerfile => "dockerfile",
            Format::Ini => "ini",
            Format::Dotenv => "dotenv",
            Format::Xml => "xml",
            Format::Jsonc => "jsonc",
            Format::Properties => "properties",
            Format::Ignore => "ignore",
            Format::Edn => "edn",
            Format::Hocon => "hocon",
            Format::Vcl => "vcl",
            Format::Spdx => "spdx",
            Format::Cyclonedx => "cyclonedx",
            Format::Hcl1 => "hcl1",
            Format::Cue => "cue",
            Format::Nginx => "nginx",
            Format::Jsonnet => "jsonnet",
            Format::Textproto => "textproto",
            Format::Groovy => "groovy",
        }
    }

    /// The format a `--parser` name selects (conftest's names and aliases).
    pub fn from_name(name: &str) -> Result<Format, ParseError> {
        let format = match name.to_ascii_lowercase().as_str() {
            "yaml" | "yml" => Format::Yaml,
            "json" => Format::Json,
            "toml" => Format::Toml,
            "hcl2" | "hcl" | "tf" | "tfvars" => Format::Hcl2,
            "dockerfile" | "docker" => Format::Dockerfile,
            "ini" => Format::Ini,
            "dotenv" | "env" => Format::Dotenv,
            "xml" => Format::Xml,
            "jsonc" => Format::Jsonc,
            "properties" => Format::Properties,
            "ignore" => Format::Ignore,
            "edn" => Format::Edn,
            "hocon" => Format::Hocon,
            "vcl" => Format::Vcl,
            "spdx" => Format::Spdx,
            "cyclonedx" => Format::Cyclonedx,
            "hcl1" => Format::Hcl1,
            "cue" => Format::Cue,
            "nginx" => Format::Nginx,
            "jsonnet" => Format::Jsonnet,
            "textproto" => Format::Textproto,
            "groovy" => Format::Groovy,
            _ => {
                return Err(ParseError::UnknownParser {
                    name: name.to_owned(),
                });
            }
        };
        Ok(format)
    }

    /// conftest's detection (`parser.NewFromPath`), in its order: Dockerfile names, then YAML,
    /// HCL2, ignore files, `.env` names, `nginx.conf`, Jenkinsfiles and textproto extensions,
    /// then any extension that is a parser's name (`.cue`, `.edn`, `.properties`, `.hcl1`…).
    pub fn detect(path: &Path) -> Option<Format> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        // Go's `filepath.Ext`: from the last dot, so `.gitignore` has the extension `gitignore`.
        let extension = name.rfind('.').map_or("", |at| &name[at + 1..]);
        if name == "dockerfile" || name.starts_with("dockerfile.") || extension == "dockerfile" {
            return Some(Format::Dockerfile);
        }
        let format = match extension {
            "yml" | "yaml" => Format::Yaml,
            "hcl" | "tf" | "tfvars" => Format::Hcl2,
            "gitignore" | "dockerignore" => Format::Ignore,
            _ if name == ".env" || name.starts_with(".env.") || extension == "env" => {
                Format::Dotenv
            }
            _ if name == "nginx.conf" => Format::Nginx,
            // Jenkinsfile, Jenkinsfile.prod
            _ if name == "jenkinsfile" || name.starts_with("jenkinsfile.") => Format::Groovy,
            "textproto" | "textpb" => Format::Textproto,
            _ => {
                // A name that is not a parser's (`README.md`) has no parser, as in conftest.
                return Format::ALL
                    .iter()
                    .copied()
                    .find(|format| format.name() == extension);
            }
        };
        Some(format)
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One configuration document as policies see it (`input`), with where it starts.
///
/// Read its value with [`Document::json`].
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    // Held in the interpreter's form, so that evaluating a document costs a reference count, not
    // a conversion. Private so that the interpreter's types stay out of the public API (and a
    // regorus upgrade stays a patch release).
    pub(crate) value: regorus::Value,
    /// 1-based line where the document starts in its file.
    pub line: u32,
    /// When the document is a top-level array: the line where each element starts, where the
    /// format records it (YAML); empty otherwise.
    pub item_lines: Vec<u32>,
}

impl Document {
    /// The value as JSON (what `parse` prints), integers and floats as the parser read them.
    pub fn json(&self) -> Value {
        crate::value::to_json(&self.value)
    }
}

/// A parsed file: its documents, and whether it held more than one (a multi-document YAML stream).
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The path as given (what outputs print).
    pub path: String,
    /// The file's documents in order.
    pub documents: Vec<Document>,
}

impl Parsed {
    /// The value conftest's `parse` prints and `--combine` passes, as JSON: the document, or an
    /// array of the documents of a multi-document file.
    pub fn value(&self) -> Value {
        crate::value::to_json(&self.rego_value())
    }

    /// [`Parsed::value`] in the interpreter's form (what the `parse_config` builtins return).
    pub(crate) fn rego_value(&self) -> regorus::Value {
        match self.documents.as_slice() {
            [single] => single.value.clone(),
            documents => regorus::Value::from(
                documents
                    .iter()
                    .map(|document| document.value.clone())
                    .collect::<Vec<_>>(),
            ),
        }
    }

    /// The documents policies are evaluated on one by one: a multi-document file's documents, or
    /// the elements of a single top-level array (each element at its own line where the format
    /// records it). [`Document::json`] gives each one's value.
    pub fn inputs(&self) -> Vec<Document> {
        self.input_values()
            .into_iter()
            .map(|(line, value)| Document {
                value: value.clone(),
                line,
                item_lines: Vec::new(),
            })
            .collect()
    }

    /// [`Parsed::inputs`] without copying: each input's start line and value.
    pub(crate) fn input_values(&self) -> Vec<(u32, &regorus::Value)> {
        match self.documents.as_slice() {
            [single] => match &single.value {
                regorus::Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .map(|(index, value)| {
                        let line = single.item_lines.get(index).copied().unwrap_or(single.line);
                        (line, value)
                    })
                    .collect(),
                value => vec![(single.line, value)],
            },
            documents => documents
                .iter()
                .map(|document| (document.line, &document.value))
                .collect(),
        }
    }
}

/// What parsing needs beyond a file's text.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ParseOptions {
    /// The message types textproto inputs name (conftest's `--proto-file-dirs`); without them a
    /// textproto input is an error, as in conftest.
    pub protos: ProtoSchemas,
    /// The variables a HOCON `${NAME}` falls back to when the file does not define `NAME`
    /// (go-akka, conftest's HOCON library, reads the process environment). Empty by default: the
    /// caller chooses what a file may read.
    pub environment: BTreeMap<String, String>,
}

impl ParseOptions {
    /// Options with the message types of the `.proto` files under `directories`.
    pub fn with_proto_file_dirs(directories: &[std::path::PathBuf]) -> Result<Self, ParseError> {
        Ok(ParseOptions {
            protos: ProtoSchemas::load(directories)?,
            environment: BTreeMap::new(),
        })
    }
}

/// Parses `text` as `format`. `path` only names the input in errors and results.
pub fn parse(format: Format, path: &str, text: &str) -> Result<Parsed, ParseError> {
    parse_with(format, path, text, &ParseOptions::default())
}

/// [`parse`] with [`ParseOptions`].
pub fn parse_with(
    format: Format,
    path: &str,
    text: &str,
    options: &ParseOptions,
) -> Result<Parsed, ParseError> {
    // Editors on Windows save a UTF-8 byte-order mark; left in, it becomes part of the first key
    // (`\u{feff}kind`), so no rule matches it and the input passes silently. conftest strips it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let documents = match format {
        Format::Yaml => yaml::parse(path, text)?,
        Format::Json => vec![json::parse(path, text)?],
        Format::Toml => vec![toml::parse(path, text)?],
        Format::Hcl2 => vec![hcl::parse(path, text)?],
        Format::Dockerfile => vec![dockerfile::parse(path, text)?],
        Format::Ini => vec![ini::parse(path, text)?],
        Format::Dotenv => vec![dotenv::parse(path, text)?],
        Format::Xml => vec![xml::parse(path, text)?],
        Format::Jsonc => vec![jsonc::parse(path, text)?],
        Format::Properties => vec![properties::parse(path, text)?],
        Format::Ignore => vec![ignore::parse(path, text)?],
        Format::Edn => vec![edn::parse(path, text)?],
        Format::Hocon => vec![hocon::parse(path, text, &options.environment)?],
        Format::Vcl => vec![vcl::parse(path, text)?],
        Format::Spdx => vec![spdx::parse(path, text)?],
        Format::Cyclonedx => vec![cyclonedx::parse(path, text)?],
        Format::Hcl1 => vec![hcl1::parse(path, text)?],
        Format::Cue => vec![cue::parse(path, text)?],
        Format::Nginx => vec![nginx::parse(path, text)?],
        Format::Jsonnet => vec![jsonnet::parse(path, text)?],
        Format::Textproto => vec![textproto::parse(path, text, &options.protos)?],
        Format::Groovy => vec![groovy::parse(path, text)?],
    };
    Ok(Parsed {
        path: path.to_owned(),
        documents,
    })
}

/// Parses `text`, choosing the format from `path` unless `format` is given. Standard input
/// (`-`) is YAML unless told otherwise, as in conftest.
pub fn parse_as(format: Option<Format>, path: &str, text: &str) -> Result<Parsed, ParseError> {
    parse_as_with(format, path, text, &ParseOptions::default())
}

/// [`parse_as`] with [`ParseOptions`].
pub fn parse_as_with(
    format: Option<Format>,
    path: &str,
    text: &str,
    options: &ParseOptions,
) -> Result<Parsed, ParseError> {
    let format = match format {
        Some(format) => format,
        None if path == "-" => Format::Yaml,
        None => Format::detect(Path::new(path)).ok_or_else(|| ParseError::UnknownFormat {
            path: path.to_owned(),
        })?,
    };
    parse_with(format, path, text, options)
}

/// The deepest nesting of arrays and objects accepted in an input (or data) document, in every
/// format: deeper documents are refused with [`ParseError::TooDeep`].
///
/// Printing, converting and evaluating a document walk it recursively; a limit keeps every such
/// walk far from the stack's end (10,000 levels of YAML overflowed `gate policy parse`). Real
/// configuration nests a few dozen levels at most, and the HCL parser stops at 64 on its own.
pub const MAX_DEPTH: usize = 64;

/// Input and policy files bigger than this are refused: it bounds memory, and the cap counts the
/// bytes read, so a device or FIFO (which reports size 0) cannot grow without end.
pub(crate) const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Reads and parses one file (the loader for inputs: it reads only the file it is given).
pub fn parse_file(format: Option<Format>, path: &Path) -> Result<Parsed, ParseError> {
    parse_file_with(format, path, &ParseOptions::default())
}

/// [`parse_file`] with [`ParseOptions`].
pub fn parse_file_with(
    format: Option<Format>,
    path: &Path,
    options: &ParseOptions,
) -> Result<Parsed, ParseError> {
    let text = gate_core::read_to_string_capped(path, MAX_FILE_BYTES).map_err(|source| {
        ParseError::Read {
            path: path.to_owned(),
            source,
        }
    })?;
    parse_as_with(format, &display_path(path), &text, options)
}

/// Paths print with `/` on every platform.
pub(crate) fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// A single-document result at line 1. Formats other than YAML build JSON and convert it here,
/// once, so that evaluation does not; its depth is checked first, without recursion, so that the
/// conversion (and every later walk) stays within [`MAX_DEPTH`].
fn single(path: &str, value: &Value) -> Result<Document, ParseError> {
    if json_depth(value) > MAX_DEPTH {
        return Err(ParseError::TooDeep {
            path: path.to_owned(),
            line: None,
            limit: MAX_DEPTH,
        });
    }
    Ok(Document {
        value: crate::value::to_regorus(value),
        line: 1,
        item_lines: Vec::new(),
    })
}

/// How deeply arrays and objects nest in `value` (a scalar is 0), counted with an explicit stack.
fn json_depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut pending = vec![(value, 0)];
    while let Some((value, depth)) = pending.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match value {
            Value::Array(items) => Box::new(items.iter()),
            Value::Object(entries) => Box::new(entries.values()),
            _ => continue,
        };
        deepest = deepest.max(depth + 1);
        pending.extend(children.map(|child| (child, depth + 1)));
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `/dev/zero` reports size 0 and never ends: the read stops at the cap instead.
    #[cfg(unix)]
    #[test]
    fn an_endless_input_is_refused_at_the_size_limit() {
        let error = parse_file(Some(Format::Json), Path::new("/dev/zero")).unwrap_err();
        let ParseError::Read { path, source } = &error else {
            panic!("{error}");
        };
        assert_eq!(path, Path::new("/dev/zero"));
        assert!(
            source.to_string().contains(&MAX_FILE_BYTES.to_string()),
            "{source}"
        );
    }

    /// A document `depth` arrays and objects deep, written in `format`.
    fn nested(format: Format, depth: usize) -> String {
        let arrays = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        match format {
            Format::Yaml => (0..depth)
                .map(|level| "  ".repeat(level) + "k:\n")
                .collect(),
            Format::Json => arrays(depth),
            Format::Toml | Format::Hcl2 => format!("a = {}\n", arrays(depth - 1)),
            Format::Xml => format!("{}x{}", "<a>".repeat(depth), "</a>".repeat(depth)),
            _ => unreachable!("flat formats do not nest"),
        }
    }

    /// Every nesting format accepts [`MAX_DEPTH`] and refuses one more level, and 10,000, with
    /// the same error; before the limit, 10,000 levels of YAML overflowed the stack.
    #[test]
    fn every_format_refuses_nesting_past_the_limit_alike() {
        let formats = [
            Format::Yaml,
            Format::Json,
            Format::Toml,
            Format::Hcl2,
            Format::Xml,
        ];
        for format in formats {
            let parsed = parse(format, "ok", &nested(format, MAX_DEPTH))
                .unwrap_or_else(|error| panic!("{format:?} at the limit: {error}"));
            assert_eq!(json_depth(&parsed.value()), MAX_DEPTH, "{format:?}");
            for depth in [MAX_DEPTH + 1, 10_000] {
                let error = parse(format, "deep", &nested(format, depth)).unwrap_err();
                assert!(
                    matches!(
                        error,
                        ParseError::TooDeep {
                            limit: MAX_DEPTH,
                            ..
                        }
                    ),
                    "{format:?} at {depth}: {error}"
                );
                assert!(error.to_string().starts_with("deep"), "{error}");
            }
        }
        // Flow style is stopped by the YAML scanner, and an alias may nest its anchor's depth.
        let flow = format!("a: {}{}", "[".repeat(10_000), "]".repeat(10_000));
        let error = parse(Format::Yaml, "flow.yaml", &flow).unwrap_err();
        assert!(matches!(error, ParseError::TooDeep { .. }), "{error}");
        let half = MAX_DEPTH / 2 + 1;
        let aliased = format!(
            "a: &x {}1{}\nb: {}*x{}\n",
            "[".repeat(half),
            "]".repeat(half),
            "[".repeat(half),
            "]".repeat(half)
        );
        let error = parse(Format::Yaml, "alias.yaml", &aliased).unwrap_err();
        assert_eq!(
            error.to_string(),
            "alias.yaml:2: nested deeper than 64 levels of arrays and objects"
        );
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_key() {
        let cases = [
            (Format::Yaml, "kind: Bad\n"),
            (Format::Json, "{\"kind\": \"Bad\"}"),
            (Format::Toml, "kind = \"Bad\"\n"),
            (Format::Hcl2, "kind = \"Bad\"\n"),
            (Format::Ini, "kind = Bad\n"),
            (Format::Dotenv, "kind=Bad\n"),
        ];
        for (format, text) in cases {
            let plain = parse(format, "in", text).expect("plain input parses");
            let marked = parse(format, "in", &format!("\u{feff}{text}"))
                .unwrap_or_else(|error| panic!("{format:?} with a BOM: {error}"));
            assert_eq!(marked, plain, "{format:?}");
        }
    }

    #[test]
    fn detects_formats_like_conftest() {
        assert_eq!(Format::detect(Path::new("a/b.yml")), Some(Format::Yaml));
        assert_eq!(Format::detect(Path::new("main.tf")), Some(Format::Hcl2));
        assert_eq!(
            Format::detect(Path::new("Dockerfile")),
            Some(Format::Dockerfile)
        );
        assert_eq!(
            Format::detect(Path::new("x/Dockerfile.prod")),
            Some(Format::Dockerfile)
        );
        assert_eq!(
            Format::detect(Path::new("prod.Dockerfile")),
            Some(Format::Dockerfile)
        );
        assert_eq!(Format::detect(Path::new(".env")), Some(Format::Dotenv));
        assert_eq!(Format::detect(Path::new("README.md")), None);
    }

    /// conftest's `NewFromPath` table, in its order: names first (`Dockerfile.yaml` is a
    /// Dockerfile, `.env.prod` dotenv, `Jenkinsfile.prod` Groovy), then an extension that names
    /// a parser. Before, `.env.prod` and `Jenkinsfile` had no parser and `Dockerfile.yaml` was
    /// read as YAML.
    #[test]
    fn detects_every_conftest_file_type() {
        let cases = [
            ("Dockerfile.yaml", Some(Format::Dockerfile)),
            ("app/.env.prod", Some(Format::Dotenv)),
            ("prod.env", Some(Format::Dotenv)),
            ("Jenkinsfile", Some(Format::Groovy)),
            ("ci/Jenkinsfile.prod", Some(Format::Groovy)),
            ("build.groovy", Some(Format::Groovy)),
            ("nginx.conf", Some(Format::Nginx)),
            ("site.conf", None),
            (".gitignore", Some(Format::Ignore)),
            ("x/.dockerignore", Some(Format::Ignore)),
            ("a.textproto", Some(Format::Textproto)),
            ("a.textpb", Some(Format::Textproto)),
            ("main.tf", Some(Format::Hcl2)),
            ("old.hcl1", Some(Format::Hcl1)),
            ("a.cue", Some(Format::Cue)),
            ("a.edn", Some(Format::Edn)),
            ("a.hocon", Some(Format::Hocon)),
            ("a.vcl", Some(Format::Vcl)),
            ("a.properties", Some(Format::Properties)),
            ("sbom.spdx", Some(Format::Spdx)),
            ("bom.cyclonedx", Some(Format::Cyclonedx)),
            ("a.jsonc", Some(Format::Jsonc)),
            ("a.jsonnet", Some(Format::Jsonnet)),
            ("a.libsonnet", None),
        ];
        for (name, format) in cases {
            assert_eq!(Format::detect(Path::new(name)), format, "{name}");
        }
    }

    #[test]
    fn parser_names_round_trip() {
        for format in Format::ALL {
            assert_eq!(Format::from_name(format.name()).unwrap(), *format);
        }
        assert!(Format::from_name("nonsense").is_err());
    }

    #[test]
    fn a_top_level_array_is_split_into_inputs() {
        let parsed = parse(Format::Json, "a.json", "[1, 2]").unwrap();
        let inputs: Vec<Value> = parsed.inputs().iter().map(Document::json).collect();
        assert_eq!(inputs, [serde_json::json!(1), serde_json::json!(2)]);
        assert_eq!(parsed.value(), serde_json::json!([1, 2]));
    }
}
