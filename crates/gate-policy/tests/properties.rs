//! Property tests: the parser of every input format (every `Format::ALL`) returns documents or an error for any input (arbitrary bytes, or a real fixture
//! mutated), never panics, and finishes within a bounded time; the documents then convert to
//! the values `policy parse` prints and policies see. `PROPTEST_CASES` raises the number of
//! cases.

#[path = "../../../tests/support/properties.rs"]
mod support;

use gate_policy::{Format, parse_as};
use proptest::prelude::*;
use support::{bounded, bytes, config, lossy, mutated, text, timed};

/// Each fixture with the format it is read as.
const FIXTURES: &[(Format, &str, &[u8])] = &[
    (
        Format::Yaml,
        "api.yaml",
        include_bytes!("fixtures/beacon/deploy/api.yaml"),
    ),
    (
        Format::Yaml,
        "multi.yaml",
        include_bytes!("fixtures/nested/multi.yaml"),
    ),
    (
        Format::Yaml,
        "deployments.yaml",
        include_bytes!("fixtures/exceptions/deployments.yaml"),
    ),
    (
        Format::Json,
        "data.json",
        include_bytes!("fixtures/nested/data.json"),
    ),
    (
        Format::Toml,
        "traefik.toml",
        include_bytes!("fixtures/traefik/traefik.toml"),
    ),
    (
        Format::Hcl2,
        "terraform.tf",
        include_bytes!("fixtures/hcl/terraform.tf"),
    ),
    (
        Format::Dockerfile,
        "Dockerfile",
        include_bytes!("fixtures/docker/Dockerfile"),
    ),
    (
        Format::Ini,
        "grafana.ini",
        include_bytes!("fixtures/multitype/grafana.ini"),
    ),
    (
        Format::Dotenv,
        "sample.env",
        include_bytes!("fixtures/dotenv/sample.env"),
    ),
    (
        Format::Xml,
        "pom.xml",
        include_bytes!("fixtures/xml/pom.xml"),
    ),
    (
        Format::Properties,
        "sample.properties",
        include_bytes!("fixtures/properties/sample.properties"),
    ),
    (
        Format::Ignore,
        ".gitignore",
        include_bytes!("fixtures/ignore/gitignore/.gitignore"),
    ),
    (
        Format::Edn,
        "sample_config.edn",
        include_bytes!("fixtures/edn/sample_config.edn"),
    ),
    (
        Format::Hocon,
        "hocon.conf",
        include_bytes!("fixtures/hocon/hocon.conf"),
    ),
    (
        Format::Vcl,
        "varnish.vcl",
        include_bytes!("fixtures/vcl/varnish.vcl"),
    ),
    (
        Format::Spdx,
        "sbom.spdx",
        include_bytes!("fixtures/spdx/sbom.spdx"),
    ),
    (
        Format::Cyclonedx,
        "cyclonedx.xml",
        include_bytes!("fixtures/cyclonedx/cyclonedx.xml"),
    ),
    (
        Format::Hcl1,
        "gke.tf",
        include_bytes!("fixtures/hcl1/gke.tf"),
    ),
    (
        Format::Cue,
        "deployment.cue",
        include_bytes!("fixtures/cue/deployment.cue"),
    ),
    (
        Format::Nginx,
        "nginx.conf",
        include_bytes!("fixtures/nginx/nginx.conf"),
    ),
    (
        Format::Jsonnet,
        "arith.jsonnet",
        include_bytes!("fixtures/jsonnet/arith.jsonnet"),
    ),
    (
        Format::Groovy,
        "Jenkinsfile",
        include_bytes!("fixtures/jenkins/Jenkinsfile"),
    ),
    (
        Format::Textproto,
        "fail.textproto",
        include_bytes!("fixtures/textproto/fail.textproto"),
    ),
];

const TEXTPROTO: &[&[u8]] = &[FIXTURES[22].2];

const FIXTURE_BYTES: &[&[u8]] = &[
    FIXTURES[0].2,
    FIXTURES[1].2,
    FIXTURES[2].2,
    FIXTURES[3].2,
    FIXTURES[4].2,
    FIXTURES[5].2,
    FIXTURES[6].2,
    FIXTURES[7].2,
    FIXTURES[8].2,
    FIXTURES[9].2,
    FIXTURES[10].2,
    FIXTURES[11].2,
    FIXTURES[12].2,
    FIXTURES[13].2,
    FIXTURES[14].2,
    FIXTURES[15].2,
    FIXTURES[16].2,
    FIXTURES[17].2,
    FIXTURES[18].2,
    FIXTURES[19].2,
    FIXTURES[20].2,
    FIXTURES[21].2,
    FIXTURES[22].2,
];

/// The syntax of the formats here, spliced into arbitrary text and into fixtures.
const TOKENS: &[&str] = &[
    "${",
    "sh '",
    "\"${x}\"",
    "$/",
    "# proto-message: a.B\n",
    "local ",
    "self.",
    "|||\n",
    "std.range(",
    " % ",
    "<<EOF\n",
    "EOF\n",
    "*\"a\" | ",
    "a: b: ",
    "${?",
    "+=",
    "#{",
    "#_",
    "#inst ",
    ":kw ",
    "\\a",
    ";",
    "/*",
    "*/",
    "//",
    "!",
    ".port = ",
    "<text>",
    "</text>",
    "SPDXVersion: ",
    "PackageName: ",
    "Relationship: ",
    "---\n",
    "...\n",
    "- ",
    ": ",
    "? ",
    "&a ",
    "*a",
    "!!binary ",
    "!!int ",
    "!tag ",
    "<<: *a",
    "|\n",
    ">-\n",
    "  ",
    "\t",
    "#",
    "{",
    "}",
    "[",
    "]",
    ",",
    "\"",
    "'",
    "\\u",
    "\\",
    "=",
    "[[",
    "]]",
    "\"\"\"",
    "'''",
    "0x",
    "0o",
    "1e400",
    "-0",
    "nan",
    "inf",
    "true",
    "1979-05-27T07:32:00Z",
    "9223372036854775808",
    "-9223372036854775809",
    "${",
    "sh '",
    "\"${x}\"",
    "$/",
    "# proto-message: a.B\n",
    "local ",
    "self.",
    "|||\n",
    "std.range(",
    " % ",
    "<<EOF\n",
    "EOF\n",
    "*\"a\" | ",
    "a: b: ",
    "%{",
    "<<EOF\n",
    "EOF\n",
    "resource ",
    "variable ",
    "locals ",
    "for ",
    " in ",
    "? ",
    " : ",
    "=>",
    "...",
    "FROM ",
    "RUN ",
    "CMD ",
    "ENV ",
    "ARG ",
    "COPY --from=",
    "HEALTHCHECK ",
    "ONBUILD ",
    "# escape=`\n",
    "\\\n",
    "[section]",
    ";",
    "export ",
    "$",
    "<",
    ">",
    "</",
    "/>",
    "<?xml version=\"1.0\"?>",
    "<!DOCTYPE x [",
    "<!ENTITY",
    "&amp;",
    "&#x",
    "<![CDATA[",
    "xmlns:",
    "=\"",
    "\r\n",
    "\u{feff}",
];

/// Every way the CLI reads an input: the format forced, then the values printed and evaluated.
fn parse_every_way(format: Format, name: &str, text: &str) -> Result<(), TestCaseError> {
    let parsed = timed(name, || parse_as(Some(format), name, text))?;
    if let Ok(parsed) = parsed {
        bounded("values", || {
            let inputs = parsed.inputs();
            let json: Vec<_> = inputs.iter().map(gate_policy::Document::json).collect();
            (parsed.value(), json)
        })?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(1024))]

    #[test]
    fn every_format_takes_arbitrary_bytes(raw in bytes()) {
        let input = lossy(&raw);
        for format in Format::ALL {
            parse_every_way(*format, "input", &input)?;
        }
    }

    #[test]
    fn every_format_takes_arbitrary_text(input in text(TOKENS)) {
        for format in Format::ALL {
            parse_every_way(*format, "input", &input)?;
        }
    }

    /// Textproto with its message type loaded, so that the typed decoder runs too.
    #[test]
    fn textproto_with_its_types_takes_mutated_fixtures(
        (_, input) in mutated(TEXTPROTO, TOKENS)
    ) {
        let dirs = [std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/textproto/protos")];
        let options = gate_policy::ParseOptions::with_proto_file_dirs(&dirs).unwrap();
        let text = lossy(&input);
        let parsed = timed("fail.textproto", || {
            gate_policy::parse_as_with(Some(Format::Textproto), "fail.textproto", &text, &options)
        })?;
        if let Ok(parsed) = parsed {
            bounded("values", || parsed.value())?;
        }
    }

    #[test]
    fn every_format_takes_mutated_fixtures((which, input) in mutated(FIXTURE_BYTES, TOKENS)) {
        let (format, name, _) = FIXTURES[which];
        parse_every_way(format, name, &lossy(&input))?;
    }
}
