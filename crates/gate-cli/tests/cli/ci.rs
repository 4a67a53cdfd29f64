//! `gate ci github|gitlab`: the generated files, their validity, and `--output`/`--check`.

use serde_yaml::Value;

use super::{code, copy_of, gate, project, stderr, stdout};

fn yaml(text: &str) -> Value {
    serde_yaml::from_str(text).expect("the generated file is valid YAML")
}

fn job_names(workflow: &Value) -> Vec<String> {
    workflow["jobs"]
        .as_mapping()
        .expect("jobs")
        .iter()
        .map(|(id, job)| {
            let name = job["name"].as_str().expect("every job has a name");
            assert_eq!(id.as_str(), Some(name), "job ids equal their check names");
            name.to_owned()
        })
        .collect()
}

#[test]
fn github_workflow_snapshot() {
    let directory = copy_of("ci");
    let output = gate(directory.path(), &["ci", "github"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    insta::assert_snapshot!("ci_github_workflow", stdout(&output));
}

#[test]
fn gitlab_pipeline_snapshot() {
    let directory = copy_of("ci");
    let output = gate(directory.path(), &["ci", "gitlab"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    insta::assert_snapshot!("ci_gitlab_pipeline", stdout(&output));
}

#[test]
fn the_github_workflow_has_a_job_per_gate_an_aggregator_and_a_publish_job() {
    let directory = copy_of("ci");
    let workflow = yaml(&stdout(&gate(directory.path(), &["ci", "github"])));
    assert_eq!(
        job_names(&workflow),
        [
            "gate-policy",
            "gate-coverage",
            "gate-supply",
            "gate-release",
            "gate",
            "gate-publish"
        ]
    );
    let jobs = &workflow["jobs"];
    // The aggregator runs even when a gate job failed or was skipped, and needs every gate.
    assert_eq!(jobs["gate"]["if"].as_str(), Some("always()"));
    assert_eq!(
        serde_yaml::to_string(&jobs["gate"]["needs"]).unwrap(),
        "- gate-policy\n- gate-coverage\n- gate-supply\n- gate-release\n"
    );
    // Least privilege: nothing at the top, read by default, write only where needed.
    assert_eq!(workflow["permissions"], yaml("{}"));
    assert_eq!(jobs["gate-release"]["permissions"], yaml("contents: read"));
    assert_eq!(
        jobs["gate-policy"]["permissions"]["security-events"].as_str(),
        Some("write")
    );
    assert_eq!(
        jobs["gate-publish"]["permissions"]["contents"].as_str(),
        Some("write")
    );
    // The release gate reads the whole history, and every gate reads the base branch.
    let checkout = |job: &str| jobs[job]["steps"][0]["with"].clone();
    assert_eq!(checkout("gate-release")["fetch-depth"].as_i64(), Some(0));
    assert_eq!(checkout("gate-policy")["fetch-depth"].as_i64(), Some(0));
    // Pull requests judge new findings against their base; pushes stay strict (no base).
    let check_step = jobs["gate-policy"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|step| step["with"]["only"].as_str() == Some("policy"))
        .unwrap()
        .clone();
    assert_eq!(
        check_step["with"]["base"].as_str(),
        Some(
            "${{ github.event_name == 'pull_request' && format('origin/{0}', github.base_ref) || '' }}"
        )
    );
    assert_eq!(
        jobs["gate-policy"]["steps"][0]["uses"].as_str(),
        Some("actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683"),
        "[ci.actions] replaces a pinned action"
    );
    // Superseded pull request runs are cancelled.
    assert!(
        workflow["concurrency"]["cancel-in-progress"]
            .as_str()
            .unwrap()
            .contains("pull_request")
    );
    // Publishing happens on the configured default branch only, after the aggregator.
    assert_eq!(
        jobs["gate-publish"]["if"].as_str(),
        Some("github.event_name == 'push' && github.ref == 'refs/heads/trunk'")
    );
    assert_eq!(
        serde_yaml::to_string(&jobs["gate-publish"]["needs"]).unwrap(),
        "- gate\n"
    );
    let text = serde_yaml::to_string(&jobs["gate-publish"]["steps"]).unwrap();
    assert!(
        text.contains("tags: registry.example.com/acme/shop:${{ steps.next.outputs.version }}")
    );
    assert!(text.contains("${{ secrets.REGISTRY_PASSWORD }}"));
    assert!(
        !text.contains("npm") && !text.contains("node"),
        "no Node in the release"
    );
}

#[test]
fn every_action_is_pinned_to_a_version() {
    let directory = copy_of("ci");
    let workflow = yaml(&stdout(&gate(directory.path(), &["ci", "github"])));
    for job in workflow["jobs"].as_mapping().unwrap().values() {
        for step in job["steps"].as_sequence().unwrap() {
            if let Some(uses) = step["uses"].as_str() {
                let (_, reference) = uses.split_once('@').expect("a ref");
                assert!(
                    reference.starts_with('v') && reference.contains('.') || reference.len() == 40,
                    "{uses} is pinned to a release or a commit"
                );
            }
        }
    }
}

#[test]
fn the_gitlab_pipeline_reports_code_quality_and_junit_per_gate() {
    let directory = copy_of("ci");
    let pipeline = yaml(&stdout(&gate(directory.path(), &["ci", "gitlab"])));
    for gate_name in ["policy", "coverage", "supply", "release"] {
        let job = &pipeline[format!("gate-{gate_name}").as_str()];
        assert_eq!(job["extends"].as_str(), Some(".gate"));
        let reports = &job["artifacts"]["reports"];
        assert_eq!(
            reports["codequality"].as_str(),
            Some(format!("gate-{gate_name}-codequality.json").as_str())
        );
        assert_eq!(
            reports["junit"].as_str(),
            Some(format!("gate-{gate_name}-junit.xml").as_str())
        );
        let script = serde_yaml::to_string(&job["script"]).unwrap();
        assert!(script.contains(&format!("gate check --only {gate_name} ")));
    }
    assert_eq!(
        pipeline["gate-release"]["variables"]["GIT_DEPTH"].as_i64(),
        Some(0)
    );
    let supply = serde_yaml::to_string(&pipeline["gate-supply"]["script"]).unwrap();
    assert!(supply.contains("gate supply db update"), "{supply}");
}

/// The GitHub owner of the repository this build of gate comes from.
fn owner() -> &'static str {
    env!("CARGO_PKG_REPOSITORY")
        .strip_prefix("https://github.com/")
        .and_then(|path| path.split('/').next())
        .expect("the workspace's repository is on GitHub")
}

/// The `ci` fixture with its gate.toml changed by `edit`.
fn ci_fixture_with(edit: impl FnOnce(String) -> String) -> tempfile::TempDir {
    let directory = copy_of("ci");
    let path = directory.path().join("gate.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, edit(text)).unwrap();
    directory
}

#[test]
fn the_gitlab_jobs_run_in_gates_image_at_this_version() {
    let directory = copy_of("ci");
    let text = stdout(&gate(directory.path(), &["ci", "gitlab"]));
    let pipeline = yaml(&text);
    let image = &pipeline[".gate"]["image"];
    assert_eq!(
        image["name"].as_str(),
        Some(
            format!(
                "ghcr.io/{}/gate:{}",
                owner().to_ascii_lowercase(),
                env!("CARGO_PKG_VERSION")
            )
            .as_str()
        )
    );
    // The image's entrypoint is gate; GitLab needs it reset to run the job's shell script.
    assert_eq!(image["entrypoint"], yaml(r#"[""]"#));
    assert!(pipeline[".gate"]["before_script"].is_null());
    assert!(!text.contains("cargo"), "nothing compiles gate:\n{text}");
}

#[test]
fn install_builds_gate_in_the_rust_image_instead() {
    let command =
        "cargo install --locked --git https://example.com/acme/gate --tag v0.1.0 gate-cli";
    let directory =
        ci_fixture_with(|text| text.replace("[ci]\n", &format!("[ci]\ninstall = \"{command}\"\n")));
    let pipeline = yaml(&stdout(&gate(directory.path(), &["ci", "gitlab"])));
    let job = &pipeline[".gate"];
    assert_eq!(job["image"].as_str(), Some("rust:1.88"));
    assert_eq!(
        job["before_script"][1].as_str(),
        Some(format!("command -v gate >/dev/null || {command}").as_str())
    );
    assert_eq!(job["cache"]["paths"], yaml("[.cargo/bin/]"));
}

#[test]
fn without_an_action_the_workflow_uses_the_release_of_this_build() {
    let directory = ci_fixture_with(|text| text.replace("action = \"acme/gate@v0.1.0\"\n", ""));
    let output = gate(directory.path(), &["ci", "github"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let workflow = yaml(&stdout(&output));
    // The release tag makes the action download the release binary instead of compiling.
    let expected = format!("{}/gate@v{}", owner(), env!("CARGO_PKG_VERSION"));
    let mut gate_steps = 0;
    for job in workflow["jobs"].as_mapping().unwrap().values() {
        for step in job["steps"].as_sequence().unwrap() {
            if let Some(uses) = step["uses"].as_str()
                && uses.contains("/gate@")
            {
                assert_eq!(uses, expected);
                gate_steps += 1;
            }
        }
    }
    // policy, coverage, supply (db update and check), release, publish.
    assert_eq!(gate_steps, 6);
}

#[test]
fn output_writes_the_file_and_check_compares_it() {
    let directory = copy_of("ci");
    let path = ".github/workflows/gate.yml";
    let output = gate(directory.path(), &["ci", "github", "--output", path]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let written = std::fs::read_to_string(directory.path().join(path)).unwrap();
    assert_eq!(written, stdout(&gate(directory.path(), &["ci", "github"])));

    let output = gate(
        directory.path(),
        &["ci", "github", "--output", path, "--check"],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(stdout(&output), format!("{path} is up to date\n"));

    std::fs::write(
        directory.path().join(path),
        written.replace("trunk", "main"),
    )
    .unwrap();
    let output = gate(
        directory.path(),
        &["ci", "github", "--output", path, "--check"],
    );
    assert_eq!(code(&output), 1);
    assert!(
        stderr(&output).contains("out of date"),
        "{}",
        stderr(&output)
    );

    let output = gate(
        directory.path(),
        &["ci", "gitlab", "--output", "gate.gitlab-ci.yml", "--check"],
    );
    assert_eq!(code(&output), 1);
    assert!(
        stderr(&output).contains("does not exist"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn check_needs_output() {
    let directory = copy_of("ci");
    let output = gate(directory.path(), &["ci", "github", "--check"]);
    assert_eq!(code(&output), 2);
}

#[test]
fn a_config_elsewhere_is_passed_to_every_job() {
    let directory = copy_of("ci");
    let service = directory.path().join("services/shop");
    std::fs::create_dir_all(&service).unwrap();
    std::fs::rename(
        directory.path().join("gate.toml"),
        service.join("gate.toml"),
    )
    .unwrap();
    let output = gate(
        directory.path(),
        &["ci", "github", "--config", "services/shop/gate.toml"],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let workflow = yaml(&stdout(&output));
    assert_eq!(
        workflow["jobs"]["gate-policy"]["steps"][1]["with"]["config"].as_str(),
        Some("services/shop/gate.toml")
    );
    let publish = serde_yaml::to_string(&workflow["jobs"]["gate-publish"]["steps"]).unwrap();
    assert!(
        publish.contains("git add services/shop/CHANGELOG.md"),
        "{publish}"
    );
    assert!(publish.contains("gate release next --config services/shop/gate.toml"));
}

#[test]
fn without_an_action_or_install_command_the_files_use_this_release() {
    // This build knows its GitHub repository: the workflow uses its action at this version's
    // tag (which downloads the release binary) and the pipeline its image.
    let directory = project("[policy]\ninputs = [\"deploy\"]\n");
    let output = gate(directory.path(), &["ci", "github"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let workflow = yaml(&stdout(&output));
    assert_eq!(
        workflow["jobs"]["gate-policy"]["steps"][1]["uses"].as_str(),
        Some(format!("{}/gate@v{}", owner(), env!("CARGO_PKG_VERSION")).as_str())
    );
    let output = gate(directory.path(), &["ci", "gitlab"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let pipeline = yaml(&stdout(&output));
    let image = pipeline[".gate"]["image"]["name"].as_str().unwrap();
    assert!(image.starts_with("ghcr.io/"), "{image}");
}

#[test]
fn ci_config_errors_name_the_line() {
    for (config, message) in [
        (
            "[policy]\ninputs = [\"deploy\"]\n\n[ci]\naction = \"acme/gate\"\n",
            "gate.toml:5:10: [ci]: action `acme/gate` needs a ref",
        ),
        (
            "[policy]\ninputs = [\"d\"]\n[ci.setup]\nlint = [\"x\"]\n",
            "setup for `lint`: not a gate",
        ),
        (
            "[policy]\ninputs = [\"d\"]\n[ci.setup]\ncoverage = [\"pytest\"]\n",
            "[ci.setup] has commands for `coverage`, which is not a gate",
        ),
        (
            "[policy]\ninputs = [\"d\"]\n[ci]\nbranch = \"it's\"\n",
            "gate.toml:4:10: [ci]: branch `it's`",
        ),
        (
            "[policy]\ninputs = [\"d\"]\n[ci.publish]\ndeploy-key-secret = \"K }}\"\n",
            "`K }}` is not a variable or secret name",
        ),
        (
            "[policy]\ninputs = [\"d\"]\n[ci.publish]\nclient-id-variable = \"ID\"\n",
            "a GitHub App needs its `app-id`",
        ),
        (
            "[policy]\ninputs = [\"d\"]\n[ci]\njob-prefix = \"gate coverage\"\n",
            "job-prefix `gate coverage`",
        ),
        (
            "[policy]\ninputs = [\"d\"]\n[ci]\ntimeout-minutes = 0\n",
            "timeout-minutes is 0",
        ),
    ] {
        let directory = project(config);
        let output = gate(directory.path(), &["ci", "github"]);
        assert_eq!(code(&output), 2, "{config}");
        assert!(stderr(&output).contains(message), "{}", stderr(&output));
    }
}

/// The repository's own files: `action.yml` and `.pre-commit-hooks.yaml`.
fn repository_file(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(name);
    yaml(&std::fs::read_to_string(path).unwrap())
}

#[test]
fn the_workflow_only_passes_inputs_the_action_declares() {
    let action = repository_file("action.yml");
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let inputs = action["inputs"].as_mapping().unwrap();
    let directory = copy_of("ci");
    let workflow = yaml(&stdout(&gate(directory.path(), &["ci", "github"])));
    let mut used = 0;
    for job in workflow["jobs"].as_mapping().unwrap().values() {
        for step in job["steps"].as_sequence().unwrap() {
            if step["uses"].as_str() != Some("acme/gate@v0.1.0") {
                continue;
            }
            for key in step["with"].as_mapping().unwrap().keys() {
                assert!(inputs.contains_key(key), "action.yml has no input {key:?}");
                used += 1;
            }
        }
    }
    // only + sarif + base for policy, coverage and supply, `args` for the database update,
    // only + base for release, `args` for the publish job's install.
    assert_eq!(used, 13);
}

#[test]
fn the_pre_commit_hooks_run_real_gate_commands() {
    let hooks = repository_file(".pre-commit-hooks.yaml");
    let hooks = hooks.as_sequence().unwrap();
    let ids: Vec<&str> = hooks
        .iter()
        .map(|hook| hook["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "gate-commit-msg",
            "gate-policy",
            "gate-check",
            "gate-commit-msg-system",
            "gate-policy-system",
            "gate-check-system",
        ]
    );
    // The hooks install gate from its wheel (the root pyproject.toml); each `-system` twin runs
    // the gate on PATH and is otherwise the same hook.
    for (hook, system) in hooks[..3].iter().zip(&hooks[3..]) {
        assert_eq!(hook["language"].as_str(), Some("python"));
        assert_eq!(system["language"].as_str(), Some("system"));
        for key in ["entry", "stages", "files", "pass_filenames", "always_run"] {
            assert_eq!(hook[key], system[key], "{key} of {:?}", hook["id"]);
        }
    }
    let directory = tempfile::tempdir().unwrap();
    for hook in hooks {
        let entry = hook["entry"].as_str().unwrap();
        let words: Vec<&str> = entry.split_whitespace().collect();
        assert_eq!(words[0], "gate");
        // The subcommand is the words before the first flag; a flag's value follows it.
        let command: Vec<&str> = words[1..]
            .iter()
            .take_while(|word| !word.starts_with('-'))
            .copied()
            .collect();
        let flags: Vec<&str> = words[1..]
            .iter()
            .filter(|word| word.starts_with('-'))
            .copied()
            .collect();
        let mut args = command.clone();
        args.push("--help");
        let output = gate(directory.path(), &args);
        assert_eq!(code(&output), 0, "{entry}: {}", stderr(&output));
        for flag in flags {
            assert!(stdout(&output).contains(flag), "{entry}: no {flag}");
        }
    }
    // Each hook runs at one stage: the message at commit-msg, the others at pre-commit only
    // (without `stages` they would run again for the message).
    let stages = |index: usize| serde_yaml::to_string(&hooks[index]["stages"]).unwrap();
    assert_eq!(stages(0), "- commit-msg\n");
    assert_eq!(stages(1), "- pre-commit\n");
    assert_eq!(stages(2), "- pre-commit\n");
    // The policy hook runs the gate as gate.toml configures it, so it agrees with `gate check`.
    assert_eq!(hooks[1]["entry"].as_str(), Some("gate check --only policy"));
    assert_eq!(hooks[1]["pass_filenames"].as_bool(), Some(false));
    assert!(hooks[1]["files"].as_str().unwrap().contains("rego"));
}

#[test]
fn the_commit_msg_hook_fails_a_bad_message_file() {
    let directory = tempfile::tempdir().unwrap();
    let message = directory.path().join("COMMIT_EDITMSG");
    std::fs::write(&message, "Fixed stuff.\n").unwrap();
    let output = gate(
        directory.path(),
        &[
            "release",
            "lint",
            "--message-file",
            message.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&output), 1, "{}", stdout(&output));
    std::fs::write(&message, "fix(api): reject empty recipients\n").unwrap();
    let output = gate(
        directory.path(),
        &[
            "release",
            "lint",
            "--message-file",
            message.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&output), 0, "{}", stdout(&output));
}

#[test]
fn diff_coverage_against_a_branch_fetches_its_history() {
    // A shallow clone has no origin/main: `git diff origin/main...HEAD` fails, exit 2.
    let directory =
        ci_fixture_with(|text| text.replace("fail-under = 80\n", "diff-base = \"origin/trunk\"\n"));
    let output = gate(directory.path(), &["ci", "github"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let workflow = yaml(&stdout(&output));
    let checkout = &workflow["jobs"]["gate-coverage"]["steps"][0];
    assert_eq!(checkout["with"]["fetch-depth"].as_i64(), Some(0));
    assert_eq!(
        checkout["with"]["persist-credentials"].as_bool(),
        Some(false)
    );
}

/// The `ci` fixture protected by `gate protect` (a ruleset the publish job must push past).
fn protected_ci_fixture(extra: &str) -> tempfile::TempDir {
    let extra = extra.to_owned();
    ci_fixture_with(move |text| format!("{text}\n[protect]\n{extra}"))
}

#[test]
fn a_publish_job_without_an_identity_that_may_push_is_refused() {
    let directory = protected_ci_fixture("");
    let output = gate(directory.path(), &["ci", "github"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("refuses that push from the workflow's own token"),
        "{}",
        stderr(&output)
    );
    // The GitHub Actions app as an explicit bypass actor is the user's choice.
    let directory = protected_ci_fixture(
        "[[protect.bypass]]\nactor-type = \"Integration\"\nactor-id = 15368\n",
    );
    assert_eq!(code(&gate(directory.path(), &["ci", "github"])), 0);
}

#[test]
fn a_github_app_pushes_the_release_and_bypasses_the_ruleset() {
    let directory = protected_ci_fixture("[ci.publish]\napp-id = 123456\n");
    let output = gate(directory.path(), &["ci", "github"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let workflow = yaml(&stdout(&output));
    let publish = &workflow["jobs"]["gate-publish"];
    assert_eq!(publish["permissions"]["contents"].as_str(), Some("read"));
    let token = &publish["steps"][0];
    assert_eq!(
        token["uses"].as_str(),
        Some("actions/create-github-app-token@v3.1.1")
    );
    assert_eq!(
        token["with"]["client-id"].as_str(),
        Some("${{ vars.RELEASE_APP_CLIENT_ID }}")
    );
    let checkout = &publish["steps"][1]["with"];
    assert_eq!(
        checkout["token"].as_str(),
        Some("${{ steps.app-token.outputs.token }}")
    );
    assert!(checkout["persist-credentials"].is_null());
    // `gate protect plan` lets the App bypass, always (it pushes, no pull request).
    let output = gate(directory.path(), &["protect", "plan"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let plan: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        plan["bypass_actors"],
        serde_json::json!([
            {"actor_id": 123_456, "actor_type": "Integration", "bypass_mode": "always"}
        ])
    );
}

#[test]
fn a_deploy_key_pushes_the_release_and_bypasses_the_ruleset() {
    let directory =
        protected_ci_fixture("[ci.publish]\ndeploy-key-secret = \"RELEASE_DEPLOY_KEY\"\n");
    let output = gate(directory.path(), &["ci", "github"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let workflow = yaml(&stdout(&output));
    let checkout = &workflow["jobs"]["gate-publish"]["steps"][0]["with"];
    assert_eq!(
        checkout["ssh-key"].as_str(),
        Some("${{ secrets.RELEASE_DEPLOY_KEY }}")
    );
    let plan: serde_json::Value =
        serde_json::from_str(&stdout(&gate(directory.path(), &["protect", "plan"]))).unwrap();
    assert_eq!(
        plan["bypass_actors"],
        serde_json::json!([{"actor_id": null, "actor_type": "DeployKey", "bypass_mode": "always"}])
    );
}

#[test]
fn a_protected_branch_the_workflow_does_not_run_on_is_refused() {
    let directory = protected_ci_fixture("branch = \"main\"\n");
    for command in [&["ci", "github"][..], &["protect", "plan"], &["check"]] {
        let output = gate(directory.path(), command);
        assert_eq!(code(&output), 2, "{command:?}");
        assert!(
            stderr(&output).contains("branch `main` is not [ci] branch `trunk`"),
            "{}",
            stderr(&output)
        );
    }
    let directory =
        protected_ci_fixture("branch = \"trunk\"\n[ci.publish]\ndeploy-key-secret = \"K\"\n");
    assert_eq!(code(&gate(directory.path(), &["ci", "github"])), 0);
}

#[test]
fn every_job_has_a_timeout_and_runs_on_the_default_branch_are_never_replaced() {
    let directory = copy_of("ci");
    let workflow = yaml(&stdout(&gate(directory.path(), &["ci", "github"])));
    for (id, job) in workflow["jobs"].as_mapping().unwrap() {
        assert!(job["timeout-minutes"].as_u64().is_some(), "{id:?}");
    }
    // A shared group would let a newer push replace a pending run of the default branch.
    let group = workflow["concurrency"]["group"].as_str().unwrap();
    assert!(group.contains("github.run_id"), "{group}");
    assert!(
        group.contains("github.event_name == 'pull_request' && github.ref"),
        "{group}"
    );
}

#[test]
fn job_names_take_the_configured_prefix_and_required_checks_follow() {
    let directory = ci_fixture_with(|text| text.replace("[ci]\n", "[ci]\njob-prefix = \"q-\"\n"));
    let workflow = yaml(&stdout(&gate(directory.path(), &["ci", "github"])));
    assert_eq!(
        job_names(&workflow),
        [
            "q-policy",
            "q-coverage",
            "q-supply",
            "q-release",
            "gate",
            "q-publish"
        ]
    );
    let pipeline = yaml(&stdout(&gate(directory.path(), &["ci", "gitlab"])));
    assert!(pipeline["q-policy"].is_mapping());
    let output = gate(directory.path(), &["protect", "plan"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let plan: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let checks: Vec<&str> = plan["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|rule| rule["type"] == "required_status_checks")
        .unwrap()["parameters"]["required_status_checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|check| check["context"].as_str().unwrap())
        .collect();
    assert_eq!(
        checks,
        ["q-policy", "q-coverage", "q-supply", "q-release", "gate"]
    );
}

#[test]
fn an_absolute_config_path_is_written_relative_to_the_repository() {
    let directory = copy_of("ci");
    std::fs::create_dir(directory.path().join(".git")).unwrap();
    let service = directory.path().join("services/shop");
    std::fs::create_dir_all(&service).unwrap();
    let config = service.join("gate.toml");
    std::fs::rename(directory.path().join("gate.toml"), &config).unwrap();
    // From a subdirectory, with an absolute path: the jobs still get the repository's path.
    let output = gate(
        &service,
        &["ci", "github", "--config", config.to_str().unwrap()],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let text = stdout(&output);
    assert!(!text.contains(directory.path().to_str().unwrap()), "{text}");
    let workflow = yaml(&text);
    assert_eq!(
        workflow["jobs"]["gate-policy"]["steps"][1]["with"]["config"].as_str(),
        Some("services/shop/gate.toml")
    );
    // Found from the subdirectory without --config: the same path.
    let output = gate(&service, &["ci", "github"]);
    assert_eq!(stdout(&output), text);
}

/// Runs git in `directory` with no user or system configuration.
fn git(directory: &std::path::Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .args(args)
        .current_dir(directory)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

/// The coverage job of the generated workflow, run against a clone of a local bare remote made
/// as actions/checkout makes it with the job's `fetch-depth`: diff coverage then finds the base.
#[test]
fn the_coverage_jobs_checkout_lets_diff_coverage_read_the_base_branch() {
    let scratch = tempfile::tempdir().unwrap();
    let source = scratch.path().join("source");
    std::fs::create_dir_all(source.join("shop")).unwrap();
    std::fs::copy(
        super::fixture("service").join("coverage.xml"),
        source.join("coverage.xml"),
    )
    .unwrap();
    std::fs::write(
        source.join("gate.toml"),
        "[coverage]\nreports = [\"coverage.xml\"]\ndiff-base = \"origin/main\"\n\n\
         [ci]\naction = \"acme/gate@v0.1.0\"\n",
    )
    .unwrap();
    std::fs::write(source.join("shop/cart.py"), "a\nb\nc\nd\n").unwrap();
    git(&source, &["init", "-q", "-b", "main"]);
    git(&source, &["add", "."]);
    git(&source, &["commit", "-q", "-m", "chore: start"]);
    git(&source, &["checkout", "-q", "-b", "feature"]);
    std::fs::write(source.join("shop/cart.py"), "a\nb\nc\nd\ne\nf\ng\n").unwrap();
    git(&source, &["commit", "-q", "-am", "feat: totals"]);
    let remote = scratch.path().join("remote.git");
    git(
        scratch.path(),
        &["clone", "-q", "--bare", "source", "remote.git"],
    );

    let workflow = yaml(&stdout(&gate(&source, &["ci", "github"])));
    let checkout = &workflow["jobs"]["gate-coverage"]["steps"][0];
    assert!(
        checkout["uses"]
            .as_str()
            .unwrap()
            .starts_with("actions/checkout@")
    );
    let depth = checkout["with"]["fetch-depth"].as_i64().unwrap_or(1);

    // actions/checkout: with fetch-depth 0 every branch and tag, whole; else only the commit.
    let clone = |name: &str, depth: i64| {
        let work = scratch.path().join(name);
        std::fs::create_dir(&work).unwrap();
        git(&work, &["init", "-q"]);
        git(
            &work,
            &["remote", "add", "origin", remote.to_str().unwrap()],
        );
        if depth == 0 {
            git(
                &work,
                &[
                    "fetch",
                    "-q",
                    "--prune",
                    "origin",
                    "+refs/heads/*:refs/remotes/origin/*",
                    "+refs/tags/*:refs/tags/*",
                ],
            );
        } else {
            git(
                &work,
                &[
                    "fetch",
                    "-q",
                    "--no-tags",
                    "--depth=1",
                    "origin",
                    "+refs/heads/feature:refs/remotes/origin/feature",
                ],
            );
        }
        git(&work, &["checkout", "-q", "refs/remotes/origin/feature"]);
        work
    };
    let job = gate(&clone("job", depth), &["check", "--only", "coverage"]);
    assert_ne!(code(&job), 2, "{}{}", stdout(&job), stderr(&job));
    // What the job did before: a shallow clone has no origin/main to diff against.
    let shallow = gate(&clone("shallow", 1), &["check", "--only", "coverage"]);
    assert_eq!(code(&shallow), 2, "{}", stdout(&shallow));
    assert!(
        stdout(&shallow).contains("origin/main"),
        "{}",
        stdout(&shallow)
    );
}

/// The action's `gate check` step passes `--base` from its input, and `--no-base` without one,
/// so the default branch's runs stay strict even when gate.toml sets `[check] base`.
#[cfg(unix)]
#[test]
fn the_action_passes_its_base_or_no_base() {
    use std::os::unix::fs::PermissionsExt as _;

    let action = repository_file("action.yml");
    let script = action["runs"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find_map(|step| {
            let run = step["run"].as_str()?;
            run.contains("INPUT_ONLY").then(|| run.to_owned())
        })
        .expect("the gate step");
    let bin = tempfile::tempdir().unwrap();
    let fake = bin.path().join("gate");
    std::fs::write(&fake, "#!/bin/sh\necho \"$@\"\n").unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |base: &str| {
        let output = std::process::Command::new("bash")
            .args(["-c", &script])
            .env("PATH", &path)
            .env("INPUT_ARGS", "check")
            .env("INPUT_ONLY", "supply")
            .env("INPUT_CONFIG", "")
            .env("INPUT_SARIF", "")
            .env("INPUT_BASE", base)
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout).unwrap()
    };
    assert_eq!(
        run("origin/main").trim(),
        "check --only supply --base origin/main --format github"
    );
    assert_eq!(
        run("").trim(),
        "check --only supply --no-base --format github"
    );
}
