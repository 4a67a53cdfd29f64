//! Every renderer on the same rich sample report: snapshots, plus the properties consumers rely on.

use gate_core::render::{self, Format, RenderOptions};
use gate_core::{
    Date, Finding, GateError, GateReport, Location, Metric, Report, Rule, Target, Verdict, Waiver,
    apply_waivers,
};
use serde_json::Value;

static DENY: Rule = Rule {
    id: "policy/deny",
    summary: "A `deny` rule of the policy matched a document.",
    help: "Change the manifest so the rule no longer matches, or waive it with a reason.",
};
static WARN: Rule = Rule {
    id: "policy/warn",
    summary: "A `warn` rule of the policy matched a document.",
    help: "Consider changing the manifest.",
};
static TOTAL: Rule = Rule {
    id: "coverage/total",
    summary: "Total coverage meets fail-under.",
    help: "Add tests for the uncovered lines.",
};
static VULNERABILITY: Rule = Rule {
    id: "supply/vulnerability",
    summary: "A locked dependency has a known vulnerability.",
    help: "Upgrade to a fixed version.",
};
static LICENSE: Rule = Rule {
    id: "supply/license",
    summary: "Every dependency's license satisfies the allowlist.",
    help: "Replace the dependency or clarify its license.",
};
static PATH: Rule = Rule {
    id: "coverage/path",
    summary: "Coverage of the files under a path glob meets its threshold.",
    help: "Add tests for the files under the path.",
};
static COMMIT_FORMAT: Rule = Rule {
    id: "release/commit-format",
    summary: "Commit messages follow Conventional Commits.",
    help: "Reword the commit: `type(scope): subject`.",
};

fn today() -> Date {
    Date::new(2026, 11, 28).unwrap()
}

fn waiver(gate: &str, rule: &str, target: Option<&str>, expires: &str, line: u32) -> Waiver {
    let mut waiver = Waiver::new(
        gate,
        rule,
        "tracked in PLAT-42 \"until the base image moves\"",
        expires.parse().unwrap(),
    )
    .with_owner("@platform")
    .with_source(Location::line("gate.toml", line));
    waiver.target = target.map(|pattern| Target::new(pattern).unwrap());
    waiver
}

/// Several gates; pass, warn, fail, error; waived; with and without locations; unicode; long
/// messages; characters every format must escape.
fn sample() -> Report {
    let passing = GateReport::new("protect");
    let errored = GateReport::errored(
        "licenses",
        GateError::new("could not read site-packages/x.dist-info/METADATA: line 3: invalid header")
            .with_location(Location::line("site-packages/x.dist-info/METADATA", 3)),
    );
    let gates = vec![policy(), coverage(), supply(), release(), passing, errored];
    let mut report = Report::new(gates);
    let waivers = [
        waiver(
            "supply",
            "supply/vulnerability",
            Some("urllib3"),
            "2026-12-31",
            20,
        ),
        waiver(
            "policy",
            "policy/deny",
            Some("deploy/legacy*"),
            "2026-11-01",
            27,
        ),
        waiver(
            "coverage",
            "coverage/total",
            Some("worker/**"),
            "2027-01-31",
            34,
        ),
    ];
    apply_waivers(&mut report, &waivers, today());
    report
}

fn policy() -> GateReport {
    let mut policy = GateReport::new("policy");
    policy.push(
        Finding::new(&DENY, Verdict::Fail, "container \"api\" uses image \"python:latest\": pin a version & registry <ghcr.io/beacon>")
            .with_target("deploy/api.yaml")
            .with_location(Location::line("deploy/api.yaml", 12).with_column(9))
            .with_detail("namespace", "main"),
    );
    policy.push(
        Finding::new(
            &WARN,
            Verdict::Warn,
            "Deployment \"worker\" has no readiness probe",
        )
        .with_location(Location::file("deploy/worker.yaml")),
    );
    policy.push(
        Finding::new(
            &DENY,
            Verdict::Fail,
            "memory limit missing on container \"legacy\"",
        )
        .with_target("deploy/legacy, old:v1.yaml")
        .with_location(Location::line("deploy/legacy, old:v1.yaml", 3)),
    );
    policy.set_metric("documents", Metric::Count(14));
    policy
}

fn coverage() -> GateReport {
    let mut coverage = GateReport::new("coverage");
    coverage.push(
        Finding::new(
            &TOTAL,
            Verdict::Fail,
            "Coverage failure: total of 61% is less than fail-under=80%",
        )
        .with_detail("total", 61.0)
        .with_detail("fail_under", "80"),
    );
    coverage.push(Finding::new(
        &PATH,
        Verdict::Pass,
        "src/** 91.20% meets its threshold of 85%",
    ));
    coverage.set_metric("total.percent", Metric::Percent(61.0));
    coverage.set_metric("total.statements", Metric::Count(1200));
    coverage
}

fn supply() -> GateReport {
    let mut supply = GateReport::new("supply");
    supply.push(
        Finding::new(
            &VULNERABILITY,
            Verdict::Fail,
            "naïve-ünïcode 1.0 is affected by PYSEC-2024-1 (critical 9.8); fixed in 1.0.1",
        )
        .with_score(9.8)
        .with_target("naïve-ünïcode")
        .with_location(Location::line("requirements.txt", 4)),
    );
    supply.push(
        Finding::new(
            &VULNERABILITY,
            Verdict::Fail,
            format!(
                "urllib3 1.26.4 is affected by GHSA-v845-jxx5-vc9f: {}",
                "a very long advisory summary that goes on and on "
                    .repeat(6)
                    .trim_end()
            ),
        )
        .with_score(5.9)
        .with_target("urllib3")
        .with_location(Location::line("requirements.txt", 9)),
    );
    // Installed packages live outside the repository, often under long virtualenv paths.
    supply.push(
        Finding::new(
            &LICENSE,
            Verdict::Fail,
            "left-pad-but-longer 2.0.1: license GPL-3.0-only is not allowed",
        )
        .with_target("left-pad-but-longer")
        .with_location(Location::line(
            "/home/runner/work/beacon/.venv/lib/python3.12/site-packages/left_pad_but_longer-2.0.1.dist-info/METADATA",
            9,
        )),
    );
    supply.push(
        Finding::new(
            &LICENSE,
            Verdict::Pass,
            "certifi 2024.2.2: MPL-2.0 is allowed",
        )
        .with_target("certifi"),
    );
    supply
}

fn release() -> GateReport {
    let mut release = GateReport::new("release");
    for index in 1..=11 {
        release.push(
            Finding::new(
                &COMMIT_FORMAT,
                Verdict::Fail,
                format!("subject-case: commit {index:02} \"Fixed stuff.\"\nbody line"),
            )
            .with_target(format!("abc{index:04}")),
        );
    }
    for index in 1..=11 {
        release.push(
            Finding::new(
                &COMMIT_FORMAT,
                Verdict::Warn,
                format!("body-leading-blank: commit {index:02}"),
            )
            .with_target(format!("def{index:04}")),
        );
    }
    release.set_metric("next_version", Metric::Text("1.4.0".into()));
    release
}

fn options() -> RenderOptions {
    RenderOptions {
        color: false,
        config_path: "gate.toml".into(),
        tool_version: "0.1.0".into(),
    }
}

#[test]
fn human_snapshot() {
    insta::assert_snapshot!("human", render::human(&sample(), false));
}

#[test]
fn human_colour_is_only_added_when_asked() {
    let plain = render::human(&sample(), false);
    let coloured = render::human(&sample(), true);
    assert!(!plain.contains('\u{1b}'));
    assert!(coloured.contains("\u{1b}[31mFAIL\u{1b}[0m"));
    insta::assert_snapshot!("human_colour", coloured);
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!("json", render::json(&sample()));
}

#[test]
fn json_validates_against_the_committed_schema() {
    let schema: Value = serde_json::from_str(include_str!("../schema/report.v1.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema itself is valid");
    for report in [sample(), Report::default()] {
        let document: Value = serde_json::from_str(&render::json(&report)).unwrap();
        let problems: Vec<String> = validator
            .iter_errors(&document)
            .map(|error| format!("{} at {}", error, error.instance_path()))
            .collect();
        assert!(problems.is_empty(), "schema violations: {problems:#?}");
    }
}

#[test]
fn json_schema_rejects_a_document_that_breaks_it() {
    let schema: Value = serde_json::from_str(include_str!("../schema/report.v1.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut document: Value = serde_json::from_str(&render::json(&sample())).unwrap();
    document["gates"][0]["findings"][0]["location"]["line"] = Value::from(0);
    assert!(!validator.is_valid(&document));
}

#[test]
fn json_carries_the_outcome_and_version() {
    let document: Value = serde_json::from_str(&render::json(&sample())).unwrap();
    assert_eq!(document["version"], 1);
    assert_eq!(document["verdict"], "error");
    assert_eq!(document["gates"][4]["verdict"], "pass");
}

#[test]
fn sarif_snapshot() {
    insta::assert_snapshot!("sarif", render::sarif(&sample(), &options()));
}

#[test]
fn sarif_has_one_based_lines_relative_uris_and_a_run_per_gate() {
    let log: Value = serde_json::from_str(&render::sarif(&sample(), &options())).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 6);
    let mut ids = Vec::new();
    for run in runs {
        ids.push(run["automationDetails"]["id"].as_str().unwrap().to_owned());
        for result in run["results"].as_array().unwrap() {
            let location = &result["locations"][0]["physicalLocation"];
            let line = location["region"]["startLine"].as_u64().unwrap();
            assert!(line >= 1, "startLine must be 1-based: {result}");
            let uri = location["artifactLocation"]["uri"].as_str().unwrap();
            assert!(
                !uri.starts_with('/') && !uri.contains("://"),
                "uri must be relative: {uri}"
            );
            assert!(
                result["partialFingerprints"]
                    .as_object()
                    .is_some_and(|map| !map.is_empty())
            );
            let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
            assert_eq!(
                run["tool"]["driver"]["rules"][index]["id"],
                result["ruleId"]
            );
        }
    }
    ids.dedup();
    assert_eq!(ids.len(), 6, "automation ids must be distinct: {ids:?}");

    let policy = &runs[0]["results"];
    assert_eq!(
        policy[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        12
    );
    // A whole-file finding points at line 1 of its file.
    assert_eq!(
        policy[1]["locations"][0]["physicalLocation"]["region"]["startLine"],
        1
    );
    assert_eq!(
        policy[2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "deploy/legacy%2C%20old%3Av1.yaml"
    );
    // A finding without a file points at line 1 of gate.toml.
    let coverage = &runs[1]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(coverage["artifactLocation"]["uri"], "gate.toml");
    assert_eq!(coverage["region"]["startLine"], 1);
    // Vulnerability rules carry security-severity; the waived one is suppressed.
    let supply = &runs[2];
    assert_eq!(
        supply["tool"]["driver"]["rules"][0]["properties"]["security-severity"],
        "9.8"
    );
    assert_eq!(supply["results"][1]["suppressions"][0]["kind"], "external");
    // A gate that could not run is reported as an unsuccessful invocation.
    assert_eq!(runs[5]["invocations"][0]["executionSuccessful"], false);
}

#[test]
fn sarif_results_are_only_failures_and_warnings_inside_the_repository() {
    let log: Value = serde_json::from_str(&render::sarif(&sample(), &options())).unwrap();
    let runs = log["runs"].as_array().unwrap();
    for run in runs {
        for result in run["results"].as_array().unwrap() {
            // Code scanning shows every result as an alert: a passing check is not one.
            assert_ne!(result["level"], "note", "{result}");
        }
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert!(
            rules.iter().all(|rule| rule["id"] != "coverage/path"),
            "a rule with only passing checks is not listed: {rules:?}"
        );
    }
    // The installed package's METADATA is outside the repository: the alert sits on gate.toml
    // and its message names the file.
    let license = &runs[2]["results"][2];
    assert_eq!(license["ruleId"], "supply/license");
    let place = &license["locations"][0]["physicalLocation"];
    assert_eq!(place["artifactLocation"]["uri"], "gate.toml");
    assert_eq!(place["region"]["startLine"], 1);
    let message = license["message"]["text"].as_str().unwrap();
    assert!(
        message.ends_with("/site-packages/left_pad_but_longer-2.0.1.dist-info/METADATA:9)"),
        "{message}"
    );
    assert_eq!(runs[2]["results"].as_array().unwrap().len(), 3);
}

#[test]
fn human_rows_fit_a_100_column_terminal() {
    let text = render::human(&sample(), false);
    for line in text.lines() {
        let long_word = line.split(' ').any(|word| word.chars().count() > 40);
        assert!(
            line.chars().count() <= 100 || long_word,
            "{} columns: {line}",
            line.chars().count()
        );
    }
    // A long path outside the project keeps its last components.
    assert!(
        text.contains("…/left_pad_but_longer-2.0.1.dist-info/METADATA:9"),
        "{text}"
    );
}

#[test]
fn human_summary_counts_gates_and_checks_separately() {
    let text = render::human(&sample(), false);
    let summary: Vec<&str> = text.lines().rev().take(2).collect();
    // Too long for one line, the check tally moves under the gate tally.
    assert_eq!(
        summary,
        [
            "      checks: 2 passed, 17 failures, 13 warnings, 1 waived, 1 error",
            "gate: ERROR — 6 gates: 1 passed, 4 failed, 1 error",
        ]
    );
}

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!("junit", render::junit(&sample()));
}

#[test]
fn junit_marks_failures_skips_and_errors() {
    let xml = render::junit(&sample());
    assert!(xml.contains(
        "<testsuite name=\"supply\" tests=\"4\" failures=\"2\" errors=\"0\" skipped=\"1\">"
    ));
    assert!(xml.contains(
        "<testsuite name=\"licenses\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">"
    ));
    assert!(xml.contains("&quot;python:latest&quot;"));
    assert!(!xml.contains("\"python:latest\""));
}

#[test]
fn github_snapshot() {
    insta::assert_snapshot!("github", render::github(&sample()));
}

#[test]
fn github_annotates_at_most_ten_per_level_and_counts_the_rest() {
    let text = render::github(&sample());
    let errors = text
        .lines()
        .filter(|line| line.starts_with("::error "))
        .count();
    let warnings = text
        .lines()
        .filter(|line| line.starts_with("::warning "))
        .count();
    assert_eq!(errors, 10);
    assert_eq!(warnings, 10);
    // Only repository files can be annotated; an installed package's file is named in the text.
    assert!(!text.contains("file=/"), "{text}");
    // 2 policy + 1 coverage + 2 supply + 11 release + 1 gate error + 1 expired waiver = 18 errors;
    // 1 policy + 11 release + 1 unused waiver = 13 warnings.
    assert!(
        text.contains("::notice title=gate::8 more errors and 3 more warnings were not annotated"),
        "{text}"
    );
    assert!(text.contains("file=deploy/legacy%2C old%3Av1.yaml,line=3"));
    assert!(!text.lines().any(|line| line.contains('\r')));
    assert_eq!(text.lines().count(), 21, "every message stays on one line");
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!("markdown", render::markdown(&sample()));
}

#[test]
fn gitlab_snapshot() {
    insta::assert_snapshot!("gitlab", render::gitlab(&sample(), "gate.toml"));
}

#[test]
fn gitlab_issues_have_paths_lines_and_unique_fingerprints() {
    let issues: Value = serde_json::from_str(&render::gitlab(&sample(), "gate.toml")).unwrap();
    let issues = issues.as_array().unwrap();
    let mut fingerprints: Vec<&str> = issues
        .iter()
        .map(|issue| issue["fingerprint"].as_str().unwrap())
        .collect();
    let count = fingerprints.len();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), count);
    for issue in issues {
        assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        let path = issue["location"]["path"].as_str().unwrap();
        assert!(!path.is_empty());
        assert!(
            !path.starts_with('/'),
            "GitLab shows repository files only: {path}"
        );
    }
    assert_eq!(issues[0]["severity"], "major");
}

#[test]
fn every_format_renders_by_name() {
    for format in Format::ALL {
        let parsed: Format = format.name().parse().unwrap();
        assert_eq!(parsed, format);
        assert!(!format.render(&sample(), &options()).is_empty());
    }
    assert!("yaml".parse::<Format>().is_err());
}

/// The policy gate judged against a base: the `:latest` finding is inherited, the readiness
/// probe and memory limit ones are new, and a base finding is gone.
fn compared() -> Report {
    let mut base_gate = GateReport::new("policy");
    base_gate.push(
        Finding::new(
            &DENY,
            Verdict::Fail,
            "container \"api\" uses image \"python:latest\": pin a version & registry <ghcr.io/beacon>",
        )
        .with_target("deploy/api.yaml")
        .with_location(Location::line("deploy/api.yaml", 3)),
    );
    base_gate.push(
        Finding::new(&DENY, Verdict::Fail, "container \"db\" runs as root")
            .with_target("deploy/db.yaml")
            .with_location(Location::line("deploy/db.yaml", 8)),
    );
    let base = gate_core::baseline::Base::from_report(&Report::new(vec![base_gate]));
    let mut report = Report::new(vec![policy()]);
    gate_core::baseline::compare(&mut report, &base, &|_: &str| false);
    report
}

#[test]
fn compared_snapshots() {
    let report = compared();
    insta::assert_snapshot!("compared_human", render::human(&report, false));
    insta::assert_snapshot!("compared_markdown", render::markdown(&report));
    insta::assert_snapshot!("compared_json", render::json(&report));
    insta::assert_snapshot!("compared_sarif", render::sarif(&report, &options()));
    insta::assert_snapshot!("compared_github", render::github(&report));
    insta::assert_snapshot!("compared_junit", render::junit(&report));
    insta::assert_snapshot!("compared_gitlab", render::gitlab(&report, "gate.toml"));
}

#[test]
fn compared_json_validates_and_marks_sarif_baseline_states() {
    let schema: Value = serde_json::from_str(include_str!("../schema/report.v1.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let document: Value = serde_json::from_str(&render::json(&compared())).unwrap();
    let problems: Vec<String> = validator
        .iter_errors(&document)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    assert!(problems.is_empty(), "schema violations: {problems:#?}");
    assert_eq!(document["baseline"]["new"], 2);
    assert_eq!(document["gates"][0]["baseline"]["existing"], 1);
    assert_eq!(
        document["gates"][0]["fixed"][0]["identity"],
        "deploy/db.yaml: container \"db\" runs as root"
    );

    let sarif: Value = serde_json::from_str(&render::sarif(&compared(), &options())).unwrap();
    let states: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| result["baselineState"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["new", "new", "unchanged", "absent"]);
    // The inherited failure counts as a warning, so the run passes on it.
    assert_eq!(sarif["runs"][0]["results"][2]["level"], "warning");
}
