//! `gate protect plan|check|apply` and the protect gate in `gate check`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Output;
use std::sync::{Arc, Mutex};

use serde_json::Value;

use super::{code, copy_of, gate, gate_with_env, project, stderr, stdout};

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("JSON")
}

/// The contexts a plan's body requires.
fn required_contexts(body: &Value) -> Vec<String> {
    let checks = body["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|rule| rule["type"] == "required_status_checks")
        .expect("a required_status_checks rule")["parameters"]["required_status_checks"]
        .as_array()
        .unwrap()
        .clone();
    checks
        .iter()
        .map(|check| check["context"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn plan_snapshots() {
    let directory = copy_of("protect");
    for (name, args) in [
        ("protect_plan_ruleset", vec!["protect", "plan"]),
        (
            "protect_plan_branch_protection",
            vec!["protect", "plan", "--format", "branch-protection"],
        ),
        (
            "protect_plan_gitlab",
            vec!["protect", "plan", "--provider", "gitlab"],
        ),
    ] {
        let output = gate(directory.path(), &args);
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        insta::assert_snapshot!(
            name,
            format!(
                "--- stderr\n{}--- stdout\n{}",
                stderr(&output),
                stdout(&output)
            )
        );
    }
}

#[test]
fn the_required_checks_are_the_workflow_pull_request_jobs() {
    for fixture in ["protect", "ci"] {
        let directory = copy_of(fixture);
        let output = gate(directory.path(), &["ci", "github"]);
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        let workflow: serde_yaml::Value = serde_yaml::from_str(&stdout(&output)).unwrap();
        let pull_request_jobs: Vec<String> = workflow["jobs"]
            .as_mapping()
            .unwrap()
            .values()
            // The publish job runs on pushes to the default branch only.
            .filter(|job| {
                !job["if"]
                    .as_str()
                    .is_some_and(|condition| condition.contains("github.event_name == 'push'"))
            })
            .map(|job| job["name"].as_str().unwrap().to_owned())
            .collect();
        let output = gate(directory.path(), &["protect", "plan"]);
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        let mut required = required_contexts(&json(&stdout(&output)));
        // Checks from other workflows, listed in [protect] checks.
        required.retain(|check| check != "test");
        assert_eq!(required, pull_request_jobs, "{fixture}");
    }
}

#[test]
fn gate_jobs_are_pinned_to_github_actions_unless_any_source() {
    let directory = copy_of("protect");
    let body = json(&stdout(&gate(directory.path(), &["protect", "plan"])));
    let rule = &body["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|rule| rule["type"] == "required_status_checks")
        .unwrap()["parameters"]["required_status_checks"];
    assert_eq!(rule[0]["integration_id"], 15368);
    assert!(
        rule[4]["integration_id"].is_null(),
        "[protect] checks come from any source"
    );
    let config = std::fs::read_to_string(directory.path().join("gate.toml")).unwrap();
    std::fs::write(
        directory.path().join("gate.toml"),
        config.replace("[protect]\n", "[protect]\nany-source = true\n"),
    )
    .unwrap();
    let body = json(&stdout(&gate(directory.path(), &["protect", "plan"])));
    assert!(
        !stdout(&gate(directory.path(), &["protect", "plan"])).contains("integration_id"),
        "{body}"
    );
}

#[test]
fn check_passes_on_matching_settings_and_reports_each_drift() {
    let directory = copy_of("protect");
    let output = gate(directory.path(), &["protect", "check"]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));

    let output = gate(
        directory.path(),
        &[
            "protect",
            "check",
            "--current",
            "settings/drifted.json",
            "--color",
            "never",
        ],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    insta::assert_snapshot!("protect_check_drift", stdout(&output));

    let output = gate(
        directory.path(),
        &[
            "protect",
            "check",
            "--current",
            "settings/drifted.json",
            "--format",
            "json",
        ],
    );
    let report = json(&stdout(&output));
    let mut rules: Vec<&str> = report["gates"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["rule"].as_str().unwrap())
        .collect();
    rules.sort_unstable();
    rules.dedup();
    assert_eq!(
        rules,
        [
            "protect/admins-exempt",
            "protect/check-source",
            "protect/enforcement-disabled",
            "protect/force-push-allowed",
            "protect/missing-check",
            "protect/not-strict",
            "protect/weaker-reviews",
        ]
    );
    assert_eq!(report["gates"][0]["metrics"]["missing_checks"], 2);
}

#[test]
fn check_errors_name_the_file() {
    let directory = copy_of("protect");
    for (file, contents, message) in [
        (
            "broken.json",
            Some("{\n  \"id\": 42,\n}\n"),
            "settings/broken.json:3:1: not JSON",
        ),
        (
            "repo.json",
            Some("{\"full_name\": \"acme/shop\"}"),
            "settings/repo.json: not a protection setting",
        ),
        ("missing.json", None, "cannot read settings/missing.json"),
    ] {
        let path = format!("settings/{file}");
        if let Some(contents) = contents {
            std::fs::write(directory.path().join(&path), contents).unwrap();
        }
        let output = gate(directory.path(), &["protect", "check", "--current", &path]);
        assert_eq!(code(&output), 2, "{file}");
        assert!(stdout(&output).contains(message), "{}", stdout(&output));
    }

    let directory = project("[protect]\n");
    let output = gate(directory.path(), &["protect", "check"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("pass --current FILE"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn gate_check_runs_the_protect_gate_when_settings_are_saved() {
    let directory = copy_of("protect");
    let output = gate(directory.path(), &["check", "--only", "protect"]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    assert!(
        stdout(&output).contains("protect PASS"),
        "{}",
        stdout(&output)
    );

    let config = std::fs::read_to_string(directory.path().join("gate.toml")).unwrap();
    std::fs::write(
        directory.path().join("gate.toml"),
        config.replace("settings/ruleset.json", "settings/drifted.json"),
    )
    .unwrap();
    let output = gate(directory.path(), &["check", "--only", "protect"]);
    assert_eq!(code(&output), 1, "{}", stdout(&output));

    // Without a saved response, [protect] only configures plan and apply: no gate to run.
    let directory = project("[protect]\nrequired-approvals = 1\n");
    let output = gate(directory.path(), &["check"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("configures no gates"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn protect_config_errors_name_the_line() {
    for (config, message) in [
        (
            "[protect]\nprovider = \"bitbucket\"\n",
            "gate.toml:2:12: [protect]: provider `bitbucket`",
        ),
        (
            "[protect]\nrequired-approvals = 11\n",
            "gate.toml:2:22: [protect]: required-approvals is 11",
        ),
        (
            "[protect]\n[[protect.bypass]]\nactor-type = \"Team\"\n",
            "gate.toml:3:14: [protect]: a Team bypass actor needs its `actor-id`",
        ),
        (
            "[protect]\n[[protect.bypass]]\nactor-type = \"User\"\n",
            "a User bypass actor needs its `actor-id`",
        ),
        (
            "[protect]\n[[protect.bypass]]\nactor-type = \"DeployKey\"\nmode = \"pull_request\"\n",
            "gate.toml:4:8: [protect]: a DeployKey bypass actor cannot have mode \"pull_request\"",
        ),
        ("[protect]\nstrict = \"yes\"\n", "gate.toml:2:10"),
    ] {
        let directory = project(config);
        let output = gate(directory.path(), &["protect", "plan"]);
        assert_eq!(code(&output), 2, "{config}");
        assert!(
            stderr(&output).contains(message),
            "{config}: {}",
            stderr(&output)
        );
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
struct Recorded {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Recorded {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// A local HTTP server that answers each request with the next scripted `(status, body)` and
/// records what it received.
struct Server {
    url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl Server {
    fn start<S: Into<String>>(responses: Vec<(u16, S)>) -> Server {
        let responses: Vec<(u16, String)> = responses
            .into_iter()
            .map(|(status, body)| (status, body.into()))
            .collect();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let requests: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let recorded = Arc::clone(&requests);
        std::thread::spawn(move || {
            let mut responses = responses.into_iter();
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let mut parts = line.split_whitespace();
                let method = parts.next().unwrap_or("").to_owned();
                let path = parts.next().unwrap_or("").to_owned();
                let mut headers = Vec::new();
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap() == 0 || header == "\r\n" {
                        break;
                    }
                    if let Some((key, value)) = header.trim_end().split_once(':') {
                        headers.push((key.trim().to_owned(), value.trim().to_owned()));
                    }
                }
                let length = headers
                    .iter()
                    .find(|(key, _)| key.eq_ignore_ascii_case("content-length"))
                    .map_or(0, |(_, value)| value.parse().unwrap());
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                recorded.lock().unwrap().push(Recorded {
                    method,
                    path,
                    headers,
                    body: String::from_utf8(body).unwrap(),
                });
                let (status, reply) = responses
                    .next()
                    .unwrap_or((500, "{\"message\":\"unexpected\"}".to_owned()));
                let head = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    reply.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(reply.as_bytes());
                let _ = stream.flush();
            }
        });
        Server { url, requests }
    }

    fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

fn apply(directory: &Path, server: &Server, args: &[&str], env: &[(&str, &str)]) -> Output {
    against(server, directory, "apply", args, env)
}

/// `gate protect COMMAND ARGS…` against the local `server`, with test tokens, no proxy, and the
/// CI variables that name an API cleared.
fn against(
    server: &Server,
    directory: &Path,
    command: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> Output {
    let mut all = vec!["protect", command, "--api-url", &server.url];
    all.extend(args);
    let mut environment = vec![
        ("GITHUB_TOKEN", "gh-test-token"),
        ("GITLAB_TOKEN", "gl-test-token"),
        ("GITHUB_API_URL", ""),
        ("CI_API_V4_URL", ""),
        ("HTTP_PROXY", ""),
        ("http_proxy", ""),
        ("ALL_PROXY", ""),
    ];
    environment.extend(env);
    gate_with_env(directory, &all, &environment)
}

#[test]
fn apply_creates_the_ruleset_then_updates_it_in_place() {
    let directory = copy_of("protect");
    let plan = json(&stdout(&gate(directory.path(), &["protect", "plan"])));

    let server = Server::start(vec![
        (
            200,
            "[{\"id\": 3, \"name\": \"org rules\", \"source_type\": \"Organization\"}]",
        ),
        (201, "{\"id\": 42}"),
    ]);
    let output = apply(
        directory.path(),
        &server,
        &["--repository", "acme/shop"],
        &[],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].method, "GET");
    assert_eq!(
        requests[0].path,
        "/repos/acme/shop/rulesets?includes_parents=false&per_page=100"
    );
    assert_eq!(requests[1].method, "POST");
    assert_eq!(requests[1].path, "/repos/acme/shop/rulesets");
    assert_eq!(
        json(&requests[1].body),
        plan,
        "apply sends what plan prints"
    );
    for request in &requests {
        assert_eq!(
            request.header("authorization"),
            Some("Bearer gh-test-token")
        );
        assert_eq!(
            request.header("accept"),
            Some("application/vnd.github+json")
        );
        assert_eq!(request.header("x-github-api-version"), Some("2022-11-28"));
    }
    assert_eq!(stdout(&output), "POST /repos/acme/shop/rulesets 201\n");
    assert!(
        !stdout(&output).contains("gh-test-token") && !stderr(&output).contains("gh-test-token")
    );

    // The repository's own ruleset of the same name is updated, not duplicated, and merged
    // with what it has (read first).
    let server = Server::start(vec![
        (
            200,
            "[{\"id\": 42, \"name\": \"gate\", \"source_type\": \"Repository\"}]".to_owned(),
        ),
        (200, hand_tuned_ruleset()),
        (200, "{\"id\": 42}".to_owned()),
    ]);
    let output = apply(
        directory.path(),
        &server,
        &[],
        &[("GITHUB_REPOSITORY", "acme/shop")],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let requests = server.requests();
    assert_eq!(requests[1].method, "GET");
    assert_eq!(requests[1].path, "/repos/acme/shop/rulesets/42");
    assert_eq!(requests[2].method, "PUT");
    assert_eq!(requests[2].path, "/repos/acme/shop/rulesets/42");
    let body = json(&requests[2].body);
    let rule = |kind: &str| {
        body["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|rule| rule["type"] == kind)
            .unwrap_or_else(|| panic!("no {kind} rule in {body}"))
            .clone()
    };
    // Set by hand, kept: last-push approval, thread resolution, two approvals, signatures.
    let reviews = &rule("pull_request")["parameters"];
    assert_eq!(reviews["require_last_push_approval"], true);
    assert_eq!(reviews["required_review_thread_resolution"], true);
    assert_eq!(reviews["required_approving_review_count"], 2);
    assert_eq!(reviews["dismiss_stale_reviews_on_push"], true);
    rule("required_signatures");
    // Another workflow's check stays; the check of the old job name (`policy`, before the
    // `gate-` prefix) no job reports any more, so it goes.
    assert_eq!(
        required_contexts(&body),
        [
            "gate-policy",
            "gate-supply",
            "gate-protect",
            "gate",
            "test",
            "lint"
        ]
    );
}

/// Ruleset 42 as someone tuned it by hand in the settings page.
fn hand_tuned_ruleset() -> String {
    serde_json::json!({
        "id": 42, "name": "gate", "target": "branch", "enforcement": "active",
        "node_id": "RRS_x", "created_at": "2026-11-02T10:21:07.000Z",
        "bypass_actors": [],
        "conditions": {"ref_name": {"include": ["refs/heads/main"], "exclude": []}},
        "rules": [
            {"type": "deletion"},
            {"type": "required_signatures"},
            {"type": "pull_request", "parameters": {
                "required_approving_review_count": 2,
                "dismiss_stale_reviews_on_push": false,
                "require_code_owner_review": false,
                "require_last_push_approval": true,
                "required_review_thread_resolution": true,
                "allowed_merge_methods": ["squash"]}},
            {"type": "required_status_checks", "parameters": {
                "strict_required_status_checks_policy": false,
                "do_not_enforce_on_create": false,
                "required_status_checks": [
                    {"context": "policy", "integration_id": 15368},
                    {"context": "lint"}]}}
        ]
    })
    .to_string()
}

#[test]
fn apply_dry_run_with_a_token_shows_what_would_change() {
    let directory = copy_of("protect");
    let server = Server::start(vec![
        (
            200,
            "[{\"id\": 42, \"name\": \"gate\", \"source_type\": \"Repository\"}]".to_owned(),
        ),
        (200, hand_tuned_ruleset()),
    ]);
    let output = apply(
        directory.path(),
        &server,
        &["--repository", "acme/shop", "--dry-run"],
        &[],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        server.requests().iter().all(|r| r.method == "GET"),
        "a dry run writes nothing"
    );
    let text = stdout(&output);
    for line in [
        "PUT http://127.0.0.1:",
        "changes:\n",
        "  + /rules[non_fast_forward]: {\"type\":\"non_fast_forward\"}\n",
        "  ~ /rules[pull_request]/parameters/dismiss_stale_reviews_on_push: false → true\n",
        "  ~ /rules[required_status_checks]/parameters/strict_required_status_checks_policy: false → true\n",
        "  - /rules[required_status_checks]/parameters/required_status_checks[policy]:",
        "  + /rules[required_status_checks]/parameters/required_status_checks[gate]:",
    ] {
        assert!(text.contains(line), "no {line:?} in:\n{text}");
    }
    assert!(
        !text.contains("require_last_push_approval: true → false"),
        "{text}"
    );
}

#[test]
fn apply_branch_protection_and_gitlab_settings() {
    let directory = copy_of("protect");
    // The current protection is read first: its push restrictions and conversation resolution,
    // which the PUT would otherwise reset, are sent back as they are.
    let current = r#"{"url": "https://api.github.com/repos/acme/shop/branches/main/protection",
        "enforce_admins": {"enabled": false},
        "required_conversation_resolution": {"enabled": true},
        "restrictions": {"users": [{"login": "release-bot"}], "teams": [{"slug": "ops"}], "apps": []},
        "required_pull_request_reviews": {"required_approving_review_count": 1,
            "dismiss_stale_reviews": false, "require_code_owner_reviews": false,
            "require_last_push_approval": true}}"#;
    let server = Server::start(vec![(200, current), (200, "{}")]);
    let output = apply(
        directory.path(),
        &server,
        &["--repository", "acme/shop", "--format", "branch-protection"],
        &[],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].method, "GET");
    assert_eq!(requests[1].method, "PUT");
    assert_eq!(
        requests[1].path,
        "/repos/acme/shop/branches/main/protection"
    );
    let body = json(&requests[1].body);
    assert_eq!(body["enforce_admins"], true);
    assert_eq!(
        body["restrictions"],
        serde_json::json!({"users": ["release-bot"], "teams": ["ops"], "apps": []})
    );
    assert_eq!(body["required_conversation_resolution"], true);
    assert_eq!(
        body["required_pull_request_reviews"]["require_last_push_approval"],
        true
    );
    assert_eq!(
        body["required_pull_request_reviews"]["dismiss_stale_reviews"],
        true
    );

    // A branch without protection (404) gets gate's body as it is.
    let server = Server::start(vec![
        (404, r#"{"message": "Branch not protected"}"#),
        (200, "{}"),
    ]);
    let output = apply(
        directory.path(),
        &server,
        &["--repository", "acme/shop", "--format", "branch-protection"],
        &[],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(
        json(&server.requests()[1].body)["restrictions"],
        Value::Null
    );

    let server = Server::start(vec![(200, "{}"), (201, "{}")]);
    let output = apply(
        directory.path(),
        &server,
        &["--provider", "gitlab"],
        &[("CI_PROJECT_PATH", "acme/shop")],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let requests = server.requests();
    assert_eq!(
        requests
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect::<Vec<_>>(),
        [
            "PUT /projects/acme%2Fshop",
            "POST /projects/acme%2Fshop/protected_branches"
        ]
    );
    assert_eq!(requests[0].header("private-token"), Some("gl-test-token"));
    assert_eq!(
        json(&requests[0].body)["only_allow_merge_if_pipeline_succeeds"],
        true
    );
    // Without linear history the project's merge method (ff, rebase_merge…) is left alone.
    assert_eq!(json(&requests[0].body).get("merge_method"), None);
}

#[test]
fn more_than_six_approvals_are_refused_for_classic_protection() {
    let directory = project("[protect]\nrequired-approvals = 7\n");
    let output = gate(
        directory.path(),
        &["protect", "plan", "--format", "branch-protection"],
    );
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output)
            .contains("classic branch protection takes 0 to 6 required approvals, not 7"),
        "{}",
        stderr(&output)
    );
    // A ruleset takes up to 10.
    assert_eq!(code(&gate(directory.path(), &["protect", "plan"])), 0);
}

#[test]
fn gitlab_deploy_keys_may_push_to_the_protected_branch() {
    let directory = project(
        "[protect]\nprovider = \"gitlab\"\ncurrent = \"settings.json\"\n\
         [[protect.bypass]]\nactor-type = \"DeployKey\"\nactor-id = 12\n",
    );
    let output = gate(directory.path(), &["protect", "plan"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(
        json(&stdout(&output))["protected_branch"]["allowed_to_push"],
        serde_json::json!([{"deploy_key_id": 12}])
    );
    // The drift check accepts that deploy key's push access, and no one else's.
    let settings = |pushers: &str| {
        format!(
            r#"{{"project": {{"only_allow_merge_if_pipeline_succeeds": true,
                "allow_merge_on_skipped_pipeline": false, "merge_method": "merge"}},
               "protected_branch": {{"name": "*", "allow_force_push": false,
                "push_access_levels": [{pushers}]}}}}"#
        )
    };
    let key =
        r#"{"access_level": null, "access_level_description": "Deploy key", "deploy_key_id": 12}"#;
    std::fs::write(directory.path().join("settings.json"), settings(key)).unwrap();
    let output = gate(directory.path(), &["check", "--color", "never"]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    let other = key.replace("12", "13");
    std::fs::write(directory.path().join("settings.json"), settings(&other)).unwrap();
    let output = gate(directory.path(), &["check", "--color", "never"]);
    assert_eq!(code(&output), 1, "{}", stdout(&output));
    assert!(stdout(&output).contains("protect/direct-push-allowed"));
}

#[test]
fn apply_reports_the_api_error_and_refuses_without_a_token() {
    let directory = copy_of("protect");
    let server = Server::start(vec![(
        403,
        "{\"message\": \"Resource not accessible by integration\", \"status\": \"403\"}",
    )]);
    let output = apply(
        directory.path(),
        &server,
        &["--repository", "acme/shop"],
        &[],
    );
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("GET /repos/acme/shop/rulesets?includes_parents=false&per_page=100: 403 Resource not accessible by integration"),
        "{}",
        stderr(&output)
    );

    let server = Server::start(Vec::<(u16, String)>::new());
    let output = apply(
        directory.path(),
        &server,
        &["--repository", "acme/shop"],
        &[("GITHUB_TOKEN", ""), ("GH_TOKEN", "")],
    );
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("no token: set GITHUB_TOKEN"),
        "{}",
        stderr(&output)
    );
    assert!(server.requests().is_empty());

    let output = gate_with_env(
        directory.path(),
        &[
            "protect",
            "apply",
            "--repository",
            "acme/shop",
            "--api-url",
            "http://api.example.com",
        ],
        &[("GITHUB_TOKEN", "t")],
    );
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("unencrypted"),
        "{}",
        stderr(&output)
    );

    let output = gate_with_env(
        directory.path(),
        &["protect", "apply"],
        &[("GITHUB_REPOSITORY", "")],
    );
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("pass --repository"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn apply_dry_run_prints_the_requests_without_a_token() {
    let directory = copy_of("protect");
    let output = gate_with_env(
        directory.path(),
        &[
            "protect",
            "apply",
            "--dry-run",
            "--repository",
            "acme/shop",
            "--provider",
            "gitlab",
            "--api-url",
            "https://gitlab.example.com/api/v4",
        ],
        &[("GITLAB_TOKEN", "")],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    insta::assert_snapshot!("protect_apply_dry_run_gitlab", stdout(&output));
}

fn fetch_check(directory: &Path, server: &Server, args: &[&str]) -> Output {
    let mut all = vec!["--fetch", "--repository", "acme/shop"];
    all.extend(args);
    against(server, directory, "check", &all, &[])
}

#[test]
fn check_fetch_reads_every_ruleset_that_applies() {
    let directory = copy_of("protect");
    let saved =
        |name: &str| std::fs::read_to_string(directory.path().join("settings").join(name)).unwrap();
    let list = r#"[
        {"id": 42, "name": "gate", "target": "branch", "source_type": "Repository", "enforcement": "active"},
        {"id": 7, "name": "release tags", "target": "tag", "source_type": "Repository", "enforcement": "active"}
    ]"#;
    let repository = r#"{"full_name": "acme/shop", "default_branch": "main"}"#;
    let server = Server::start(vec![
        (200, repository.to_owned()),
        (200, list.to_owned()),
        (200, saved("ruleset.json")),
    ]);
    let output = fetch_check(directory.path(), &server, &["--color", "never"]);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    let paths: Vec<String> = server
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        paths,
        [
            "GET /repos/acme/shop",
            "GET /repos/acme/shop/rulesets?includes_parents=true&per_page=100",
            "GET /repos/acme/shop/rulesets/42",
        ],
        "the default branch, then branch rulesets only (tag rulesets are not read)"
    );
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.header("authorization") == Some("Bearer gh-test-token"))
    );

    let server = Server::start(vec![
        (200, repository.to_owned()),
        (200, list.to_owned()),
        (200, saved("drifted.json")),
    ]);
    let output = fetch_check(directory.path(), &server, &["--color", "never"]);
    assert_eq!(code(&output), 1, "{}", stdout(&output));
    assert!(
        stdout(&output).contains("protect/enforcement-disabled"),
        "{}",
        stdout(&output)
    );

    // `~DEFAULT_BRANCH` is the repository's default branch: here `develop`, not `main`.
    let on_default = saved("ruleset.json").replace("refs/heads/main", "~DEFAULT_BRANCH");
    assert!(on_default.contains("~DEFAULT_BRANCH"));
    let server = Server::start(vec![
        (200, repository.replace("\"main\"", "\"develop\"")),
        (200, list.to_owned()),
        (200, on_default),
    ]);
    let output = fetch_check(directory.path(), &server, &["--color", "never"]);
    assert_eq!(code(&output), 1, "{}", stdout(&output));
    assert!(
        stdout(&output).contains("protect/branch-not-covered"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn check_fetch_reads_branch_protection_and_gitlab_settings() {
    let directory = copy_of("protect");
    let classic = r#"{"url": "https://api.github.com/repos/acme/shop/branches/main/protection",
        "required_status_checks": {"strict": false, "contexts": ["gate"], "checks": [{"context": "gate", "app_id": 15368}]},
        "enforce_admins": {"enabled": false}, "allow_force_pushes": {"enabled": false}, "allow_deletions": {"enabled": false}}"#;
    let server = Server::start(vec![(200, classic)]);
    let output = fetch_check(
        directory.path(),
        &server,
        &["--settings", "branch-protection", "--format", "json"],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_eq!(
        server.requests()[0].path,
        "/repos/acme/shop/branches/main/protection"
    );
    let report = json(&stdout(&output));
    assert_eq!(report["gates"][0]["metrics"]["missing_checks"], 4);

    let server = Server::start(vec![(
        404,
        r#"{"message": "Branch not protected", "documentation_url": "https://docs.github.com/rest/branches/branch-protection#get-branch-protection", "status": "404"}"#,
    )]);
    let output = fetch_check(
        directory.path(),
        &server,
        &["--settings", "branch-protection", "--format", "json"],
    );
    assert_eq!(
        code(&output),
        1,
        "an unprotected branch is drift, not an error: {}",
        stderr(&output)
    );
    assert_eq!(
        json(&stdout(&output))["gates"][0]["metrics"]["missing_checks"],
        5
    );

    let project = r#"{"id": 17, "path_with_namespace": "acme/shop", "only_allow_merge_if_pipeline_succeeds": true,
        "allow_merge_on_skipped_pipeline": false, "merge_method": "merge"}"#;
    let branch = r#"{"id": 5210, "name": "main", "allow_force_push": false, "code_owner_approval_required": false,
        "push_access_levels": [{"id": 1, "access_level": 0, "access_level_description": "No one"}],
        "merge_access_levels": [{"id": 2, "access_level": 40, "access_level_description": "Maintainers"}]}"#;
    let server = Server::start(vec![(200, project), (200, branch)]);
    let output = fetch_check(directory.path(), &server, &["--provider", "gitlab"]);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    let requests = server.requests();
    assert_eq!(
        requests.iter().map(|r| r.path.as_str()).collect::<Vec<_>>(),
        [
            "/projects/acme%2Fshop",
            "/projects/acme%2Fshop/protected_branches/main"
        ]
    );
    assert!(
        requests
            .iter()
            .all(|r| r.header("private-token") == Some("gl-test-token"))
    );

    // A branch GitLab does not protect (404) is drift, not an error.
    let server = Server::start(vec![
        (200, project),
        (404, r#"{"message":"404 Not found"}"#),
    ]);
    let output = fetch_check(
        directory.path(),
        &server,
        &["--provider", "gitlab", "--color", "never"],
    );
    assert_eq!(code(&output), 1, "{}{}", stdout(&output), stderr(&output));
    assert!(
        stdout(&output).contains("`main` is not a protected branch"),
        "{}",
        stdout(&output)
    );

    let output = gate(
        directory.path(),
        &["protect", "check", "--fetch", "--current", "x.json"],
    );
    assert_eq!(code(&output), 2);
}

#[test]
fn config_and_output_flags() {
    let directory = copy_of("protect");
    let elsewhere = tempfile::tempdir().unwrap();
    let config = directory.path().join("gate.toml");
    let output = gate(
        elsewhere.path(),
        &["protect", "plan", "--config", config.to_str().unwrap()],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(json(&stdout(&output))["name"], "gate");

    let report = elsewhere.path().join("protect.json");
    let output = gate(
        elsewhere.path(),
        &[
            "protect",
            "check",
            "--config",
            config.to_str().unwrap(),
            "--format",
            "json",
            "--output",
            report.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(stdout(&output).is_empty());
    let written = json(&std::fs::read_to_string(&report).unwrap());
    assert_eq!(written["gates"][0]["gate"], "protect");
}

#[test]
fn user_actors_and_the_exempt_mode_can_be_configured() {
    let directory = project(
        "[protect]\n[[protect.bypass]]\nactor-type = \"User\"\nactor-id = 583231\nmode = \"exempt\"\n",
    );
    let output = gate(directory.path(), &["protect", "plan"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(
        json(&stdout(&output))["bypass_actors"],
        serde_json::json!([{"actor_id": 583_231, "actor_type": "User", "bypass_mode": "exempt"}])
    );
}

#[test]
fn a_check_of_a_gate_removed_from_gate_toml_warns() {
    // The saved ruleset requires `gate-supply`; with the supply gate gone from gate.toml, no
    // job reports it and every pull request would wait for it.
    let directory = copy_of("protect");
    let path = directory.path().join("gate.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replace(
        "[supply.advisories]\nlockfiles = [\"requirements.txt\"]\ndb = [\"advisories\"]\n",
        "",
    );
    std::fs::write(&path, text).unwrap();
    let output = gate(
        directory.path(),
        &["check", "--only", "protect", "--color", "never"],
    );
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    assert!(
        stdout(&output).contains("protect/retired-check"),
        "{}",
        stdout(&output)
    );
    assert!(
        stdout(&output).contains("`gate-supply`"),
        "{}",
        stdout(&output)
    );
}
