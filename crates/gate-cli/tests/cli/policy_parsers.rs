//! `gate policy parse` and `gate policy test` on every input format conftest parses and gate
//! added for issue 14: each prints conftest's document shape, and a malformed file exits 2
//! with an error naming the file and line. Inputs are conftest's examples, kept (with their
//! attribution) in gate-policy's test fixtures.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::{code, gate, stderr, stdout};

/// gate-policy's fixtures: conftest's `examples/<format>` directories.
fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../gate-policy/tests/fixtures")
}

fn parse(args: &[&str]) -> (Output, serde_yaml::Value) {
    let mut all = vec!["policy", "parse"];
    all.extend_from_slice(args);
    let output = gate(&examples(), &all);
    assert_eq!(code(&output), 0, "{}\n{}", stdout(&output), stderr(&output));
    let value = serde_yaml::from_str(&stdout(&output)).expect("parse prints JSON");
    (output, value)
}

/// A malformed `name` holding `text` exits 2, naming the file and line.
fn refuses(name: &str, text: &str, args: &[&str], location: &str) {
    let directory = tempfile::tempdir().unwrap();
    std::fs::write(directory.path().join(name), text).unwrap();
    let mut all = vec!["policy", "parse", name];
    all.extend_from_slice(args);
    let output = gate(directory.path(), &all);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(stderr(&output).contains(location), "{}", stderr(&output));
}

#[test]
fn parse_properties() {
    let (_, value) = parse(&["properties/sample.properties"]);
    assert_eq!(value["other.value.url"], "https://example.com/");
    refuses(
        "bad.properties",
        "ok=1\nbad=\\u12\n",
        &[],
        "bad.properties:2: invalid properties",
    );
}

#[test]
fn parse_ignore_files() {
    let (_, value) = parse(&["ignore/gitignore/.gitignore"]);
    assert_eq!(value[0][1]["Kind"], "NegatedPath");
    assert_eq!(value[0][1]["Value"], "bar");
    let (_, value) = parse(&["ignore/dockerignore/.dockerignore"]);
    assert_eq!(value[0][0]["Value"], ".idea");
}

#[test]
fn parse_edn() {
    let (_, value) = parse(&["edn/sample_config.edn"]);
    assert_eq!(value[":db"][":port"], "5432");
    assert_eq!(value[":myapp"][":features"][":admin-panel"], "true");
    refuses("bad.edn", "{:a 1\n:b", &[], "bad.edn:2: invalid edn");
}

#[test]
fn parse_hocon() {
    let (_, value) = parse(&["hocon/hocon.conf", "--parser", "hocon"]);
    assert_eq!(
        value["play"]["server"]["http"]["idleTimeout"],
        "\"75 seconds\""
    );
    assert_eq!(
        value["play"]["server"]["https"]["trustStore"]["noCaVerification"],
        false
    );
    refuses(
        "bad.hocon",
        "a {\n b = 1\n",
        &[],
        "bad.hocon:3: invalid hocon",
    );
}

#[test]
fn parse_vcl() {
    let (_, value) = parse(&["vcl/varnish.vcl"]);
    assert_eq!(value["backend"]["app"]["port"], "8081");
    assert_eq!(value["acl"]["purge"][0], "127.0.0.1");
    refuses(
        "bad.vcl",
        "backend a {\n.host = ;\n}",
        &[],
        "bad.vcl:2: invalid vcl",
    );
}

#[test]
fn parse_spdx() {
    let (_, value) = parse(&["spdx/sbom.spdx"]);
    assert_eq!(value["dataLicense"], "conftest-demo");
    assert_eq!(
        value["creationInfo"]["creators"][0],
        "Person: Steve Winslow (steve@swinslow.net)"
    );
    refuses(
        "bad.spdx",
        "SPDXVersion: SPDX-2.2\nnonsense\n",
        &[],
        "bad.spdx:2: invalid spdx",
    );
}

#[test]
fn parse_cyclonedx_json_and_xml() {
    let sha = "sha256:d7ec60cf8390612b360c857688b383068b580d9a6ab78417c9493170ad3f1616";
    for file in ["cyclonedx/cyclonedx.json", "cyclonedx/cyclonedx.xml"] {
        let (_, value) = parse(&[file, "--parser", "cyclonedx"]);
        assert_eq!(value["metadata"]["component"]["version"], sha, "{file}");
        assert_eq!(value["metadata"]["tools"][0]["name"], "syft", "{file}");
    }
    refuses(
        "bad.cyclonedx",
        "<bom>\n<metadata>\n</bom>",
        &[],
        "bad.cyclonedx:3: invalid cyclonedx",
    );
}

#[test]
fn parse_jsonc() {
    refuses(
        "bad.jsonc",
        "{\n/* c */\n\"a\": }",
        &[],
        "bad.jsonc:3: invalid jsonc",
    );
    let directory = tempfile::tempdir().unwrap();
    std::fs::write(directory.path().join("a.jsonc"), "{\"a\": 1 // one\n}").unwrap();
    let output = gate(directory.path(), &["policy", "parse", "a.jsonc"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(stdout(&output).contains("\"a\": 1"), "{}", stdout(&output));
}

#[test]
fn parse_hcl1() {
    let (_, value) = parse(&["hcl1/gke.tf", "--parser", "hcl1"]);
    assert_eq!(value["provider"][0]["google"][0]["project"], "instrumenta");
    // `.tf` stays HCL2 unless told, as in conftest.
    let (_, value) = parse(&["hcl1/gke.tf"]);
    assert_eq!(value["provider"]["google"][0]["project"], "instrumenta");
    refuses(
        "bad.tf",
        "a {\n  b = \n}\n",
        &["--parser", "hcl1"],
        "bad.tf:3: invalid hcl1",
    );
}

#[test]
fn parse_cue() {
    let (_, value) = parse(&["cue/deployment.cue"]);
    assert_eq!(
        value["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"],
        8081
    );
    refuses("bad.cue", "a: 1\na: 2\n", &[], "bad.cue:2: invalid cue");
}

#[test]
fn parse_nginx() {
    let (_, value) = parse(&["nginx/nginx.conf"]);
    assert_eq!(
        value["directives"][1]["block"]["directives"][0]["name"],
        "server"
    );
    refuses(
        "nginx.conf",
        "http {\n  listen 80;\n",
        &[],
        "nginx.conf:3: invalid nginx",
    );
}

#[test]
fn parse_jsonnet() {
    let (_, value) = parse(&["jsonnet/arith.jsonnet"]);
    assert_eq!(value["concat_string"], "1234");
    assert_eq!(value["str3"], "ex1=1.67, ex2=3.00");
    refuses(
        "bad.jsonnet",
        "{\n  a: missing,\n}",
        &[],
        "bad.jsonnet:2: invalid jsonnet",
    );
}

#[test]
fn parse_groovy_jenkinsfile() {
    let (_, value) = parse(&["jenkins/Jenkinsfile"]);
    assert_eq!(value["kind"], "FileNode");
    let (_, value) = parse(&["jenkins/Jenkinsfile.safe", "--parser", "groovy"]);
    assert_eq!(value["children"][0]["children"][0]["kind"], "CallExpr");
    refuses(
        "Jenkinsfile",
        "pipeline {\n  agent any\n",
        &[],
        "Jenkinsfile:2: invalid groovy",
    );
}

/// conftest's `--proto-file-dirs`: textproto inputs are typed by the `.proto` files found under
/// the directories; without them parsing stops at the message type (exit 2).
#[test]
fn textproto_with_proto_file_dirs() {
    let (_, value) = parse(&[
        "textproto/fail.textproto",
        "--proto-file-dirs",
        "textproto/protos",
    ]);
    assert_eq!(value["number"], 9000);
    let output = gate(
        &examples(),
        &["policy", "parse", "textproto/fail.textproto"],
    );
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("look up message type"),
        "{}",
        stderr(&output)
    );
    let test = |extra: &[&str]| {
        let mut args = vec!["policy", "test", "-p", "textproto/policy", "textproto/"];
        args.extend_from_slice(extra);
        gate(&examples(), &args)
    };
    let output = test(&["--proto-file-dirs=textproto/protos"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        stdout(&output).contains("2 tests, 1 passed, 0 warnings, 1 failure, 0 exceptions"),
        "{}",
        stdout(&output)
    );
    let output = test(&[]);
    assert_eq!(code(&output), 2, "{}", stdout(&output));
    assert!(
        stderr(&output).contains("look up message type"),
        "{}",
        stderr(&output)
    );
    let output = test(&["--proto-file-dirs", "textproto/nowhere"]);
    assert_eq!(code(&output), 2, "{}", stdout(&output));
    assert!(
        stderr(&output).contains("textproto/nowhere"),
        "{}",
        stderr(&output)
    );
}

/// HOCON's `${NAME}` falls back to the environment, as conftest's parser (go-akka) reads it, but
/// never to a variable whose name suggests a credential: a pull request's file must not copy a
/// token into a finding.
#[test]
fn hocon_reads_the_environment_but_not_credentials() {
    let directory = tempfile::tempdir().unwrap();
    std::fs::write(
        directory.path().join("app.hocon"),
        "port = ${?GATE_TEST_PORT}\ntoken = ${?GATE_TEST_TOKEN}\n",
    )
    .unwrap();
    let output = super::gate_with_env(
        directory.path(),
        &["policy", "parse", "app.hocon"],
        &[("GATE_TEST_PORT", "9000"), ("GATE_TEST_TOKEN", "s3cret")],
    );
    assert_eq!(super::code(&output), 0, "{}", super::stderr(&output));
    let text = super::stdout(&output);
    assert!(text.contains("9000"), "{text}");
    assert!(!text.contains("s3cret"), "{text}");
}
