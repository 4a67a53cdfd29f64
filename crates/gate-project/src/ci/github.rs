//! The GitHub Actions workflow `gate ci github` writes: a job per gate, one aggregator job named
//! `gate` (the stable required check), and a publish job that releases the default branch.

use std::fmt::Write as _;

use super::yaml::{block, scalar};
use super::{CiError, shell_word, uses_default_advisory_cache};
use crate::ci_checks::{AGGREGATOR, job_name};
use crate::settings::ci::{Ci, Image, PublishIdentity};
use crate::{Config, Gate};

/// The publish job's name after the job prefix (`gate-publish`). It runs on pushes to the
/// default branch only, so it is never a pull request's required check.
pub const PUBLISH: &str = "publish";

/// The third-party actions the workflow uses, pinned to exact releases (`[ci.actions]` can
/// replace any of them, for example with a commit SHA). Each is the newest release of its
/// current major, all running on Node 24 (hosted runners dropped Node 20).
const ACTIONS: [(&str, &str); 7] = [
    ("actions/checkout", "v7.0.1"),
    ("actions/cache", "v5.0.5"),
    ("github/codeql-action/upload-sarif", "v4.36.2"),
    ("actions/create-github-app-token", "v3.1.1"),
    ("docker/setup-buildx-action", "v4.3.0"),
    ("docker/login-action", "v4.1.0"),
    ("docker/build-push-action", "v7.3.0"),
];

/// The aggregator only reads its needs' results: a few minutes is plenty.
const AGGREGATOR_TIMEOUT_MINUTES: u32 = 5;

/// Gates whose findings point at files, so code scanning can show them on the diff.
const SARIF_GATES: [&str; 3] = ["policy", "coverage", "supply"];

/// The gate action the workflow runs: `[ci] action`, else this build's own repository at its
/// version tag.
fn action(ci: &Ci) -> Result<String, CiError> {
    if let Some(action) = &ci.action {
        return Ok(action.clone());
    }
    let repository = env!("CARGO_PKG_REPOSITORY");
    if let Some(path) = repository.strip_prefix("https://github.com/") {
        return Ok(format!(
            "{}@v{}",
            path.trim_end_matches('/'),
            env!("CARGO_PKG_VERSION")
        ));
    }
    Err(CiError::NoAction)
}

fn pinned(ci: &Ci, name: &str) -> String {
    if let Some(reference) = ci.actions.get(name) {
        return reference.clone();
    }
    let version = ACTIONS
        .iter()
        .find(|(action, _)| *action == name)
        .map_or("main", |(_, version)| version);
    format!("{name}@{version}")
}

/// The workflow text for `config`; `config_argument` is the gate.toml path to pass to gate
/// (`None`: gate finds it from the repository root).
pub fn workflow(config: &Config, config_argument: Option<&str>) -> Result<String, CiError> {
    let ci = config.ci.clone().unwrap_or_default();
    let action = action(&ci)?;
    let gates: Vec<&str> = config.gates().into_iter().map(Gate::name).collect();
    if gates.is_empty() {
        return Err(CiError::NoGates {
            path: config.path.clone(),
            file: "workflow",
        });
    }
    let publishes = config.release.is_some() || ci.image.is_some();
    if publishes {
        check_publish_can_push(config, &ci)?;
    }
    let branch = scalar(&ci.branch);
    let mut out = String::new();
    out.push_str(
        "# Written by `gate ci github` from gate.toml. Regenerate it instead of editing it:\n\
         # `gate ci github --check` fails when this file is out of date.\n\
         name: gate\n\n",
    );
    let _ = write!(
        out,
        "on:\n  pull_request:\n    branches: [{branch}]\n  push:\n    branches: [{branch}]\n  \
         merge_group:\n\n"
    );
    out.push_str(
        "# A newer push to a pull request cancels its older run. Every other run (a push to the\n\
         # default branch, the merge queue) is a group of its own: GitHub replaces a group's\n\
         # pending run with a newer one even without cancel-in-progress, which would drop a\n\
         # commit's checks and its release.\n\
         concurrency:\n  \
         group: gate-${{ github.event_name == 'pull_request' && github.ref || github.run_id }}\n  \
         cancel-in-progress: ${{ github.event_name == 'pull_request' }}\n\n\
         # No job gets a permission it does not declare.\n\
         permissions: {}\n\njobs:\n",
    );
    let mut jobs = Vec::new();
    for gate in &gates {
        let mut job = String::new();
        gate_job(&mut job, config, &ci, &action, gate, config_argument);
        jobs.push(job);
    }
    let mut job = String::new();
    aggregator_job(&mut job, config, &ci, &gates);
    jobs.push(job);
    if publishes {
        let mut job = String::new();
        publish_job(&mut job, config, &ci, &action, config_argument);
        jobs.push(job);
    }
    out.push_str(&jobs.join("\n"));
    Ok(out)
}

fn gate_job(
    out: &mut String,
    config: &Config,
    ci: &Ci,
    action: &str,
    gate: &str,
    config_argument: Option<&str>,
) {
    let sarif = SARIF_GATES.contains(&gate);
    let _ = write!(
        out,
        "  {job}:\n    name: {job}\n    runs-on: {runs_on}\n    timeout-minutes: {timeout}\n    \
         permissions:\n      contents: read\n",
        job = job_name(config, gate),
        runs_on = scalar(&ci.runs_on),
        timeout = ci.timeout_minutes,
    );
    if sarif {
        out.push_str("      security-events: write  # the SARIF upload to code scanning\n");
    }
    out.push_str("    steps:\n");
    // Every gate job needs history: the release gate reads every tag and commit, and on pull
    // requests each gate judges the change against the base branch (`--base`).
    let history = match gate {
        "release" => "the release gate reads every tag and commit",
        _ => "pull requests judge the change against the base branch (--base)",
    };
    checkout(out, ci, Some(history), None);
    if let Some(commands) = ci.setup.get(gate) {
        let _ = write!(
            out,
            "      - name: prepare the {gate} gate's inputs\n        run: {}\n",
            block(&commands.join("\n"), 10)
        );
    }
    if gate == "supply" && uses_default_advisory_cache(config) {
        advisory_db_steps(out, ci, action);
    }
    let _ = write!(
        out,
        "      - name: gate check --only {gate}\n        uses: {action}\n        with:\n          \
         only: {gate}\n          \
         # Pull requests fail only on what they introduce; the default branch stays strict.\n          \
         base: ${{{{ github.event_name == 'pull_request' && format('origin/{{0}}', github.base_ref) || '' }}}}\n"
    );
    if let Some(path) = config_argument {
        let _ = writeln!(out, "          config: {}", scalar(path));
    }
    if sarif {
        let _ = write!(
            out,
            "          sarif: gate-{gate}.sarif\n      \
             - name: upload the {gate} findings to code scanning\n        \
             # Forks' pull requests get a read-only token, which cannot upload.\n        \
             if: always() && hashFiles('gate-{gate}.sarif') != '' && \
             (github.event_name != 'pull_request' || \
             github.event.pull_request.head.repo.full_name == github.repository)\n        \
             uses: {upload}\n        with:\n          sarif_file: gate-{gate}.sarif\n          \
             category: gate-{gate}\n",
            upload = pinned(ci, "github/codeql-action/upload-sarif"),
        );
    }
}

/// The checkout step. `history`: why the job needs every branch, tag and commit (`fetch-depth:
/// 0`), else only the commit is fetched. `push`: the credentials the publish job pushes with
/// (kept in the clone); without, none are kept.
fn checkout(out: &mut String, ci: &Ci, history: Option<&str>, push: Option<&str>) {
    let _ = write!(
        out,
        "      - uses: {}\n        with:\n",
        pinned(ci, "actions/checkout")
    );
    if let Some(reason) = history {
        let _ = writeln!(out, "          fetch-depth: 0  # {reason}");
    }
    match push {
        Some(credentials) => out.push_str(credentials),
        None => out.push_str("          persist-credentials: false\n"),
    }
}

/// `gate ci github` refuses a publish job that cannot push: the ruleset `gate protect` writes
/// rejects the release commit and tag unless their pusher may bypass it, and the workflow's
/// own token may only bypass as the GitHub Actions app (refused on personal repositories, and
/// on organisation ones it lets every workflow skip review).
fn check_publish_can_push(config: &Config, ci: &Ci) -> Result<(), CiError> {
    let Some(protect) = &config.protect else {
        return Ok(());
    };
    if protect.provider != crate::settings::protect::Provider::Github || ci.publish.is_some() {
        return Ok(());
    }
    let actions_app_bypasses = protect.bypass.iter().any(|actor| {
        actor.actor_type == gate_protect::BypassActorType::Integration
            && actor.actor_id == Some(gate_protect::GITHUB_ACTIONS_APP_ID)
            && actor.mode == gate_protect::BypassMode::Always
    });
    if actions_app_bypasses {
        return Ok(());
    }
    Err(CiError::PublishCannotPush {
        path: config.path.clone(),
    })
}

/// The advisory database is downloaded at most once a day: the cache key is the date.
fn advisory_db_steps(out: &mut String, ci: &Ci, action: &str) {
    let _ = write!(
        out,
        "      - id: today\n        run: echo \"day=$(date -u +%F)\" >> \"$GITHUB_OUTPUT\"\n      \
         - uses: {cache}\n        with:\n          path: ~/.cache/gate/advisory-db\n          \
         key: gate-advisory-db-${{{{ steps.today.outputs.day }}}}\n          \
         restore-keys: gate-advisory-db-\n      \
         - name: gate supply db update\n        uses: {action}\n        with:\n          \
         args: supply db update\n",
        cache = pinned(ci, "actions/cache"),
    );
}

fn aggregator_job(out: &mut String, config: &Config, ci: &Ci, gates: &[&str]) {
    let _ = write!(
        out,
        "  # The one required check that never changes name: it fails when any gate job failed,\n  \
         # was cancelled or was skipped, and it runs even then (`if: always()`).\n  \
         {AGGREGATOR}:\n    name: {AGGREGATOR}\n    if: always()\n    needs: [{needs}]\n    \
         runs-on: {runs_on}\n    timeout-minutes: {AGGREGATOR_TIMEOUT_MINUTES}\n    \
         permissions: {{}}\n    steps:\n      \
         - name: every gate passed\n        env:\n          \
         RESULTS: ${{{{ join(needs.*.result, ' ') }}}}\n        run: |\n          \
         echo \"gate jobs: $RESULTS\"\n          \
         for result in $RESULTS; do\n            \
         if [ \"$result\" != success ]; then\n              \
         echo \"::error::a gate job ended with '$result'\"\n              \
         exit 1\n            fi\n          done\n",
        needs = gates
            .iter()
            .map(|gate| job_name(config, gate))
            .collect::<Vec<_>>()
            .join(", "),
        runs_on = scalar(&ci.runs_on),
    );
}

fn publish_job(
    out: &mut String,
    config: &Config,
    ci: &Ci,
    action: &str,
    config_argument: Option<&str>,
) {
    let image = ci.image.as_ref();
    let pusher = match &ci.publish {
        Some(PublishIdentity::App { .. }) => {
            "a GitHub App's token, which `gate protect` lets bypass the ruleset"
        }
        Some(PublishIdentity::DeployKey { .. }) => {
            "a deploy key, which `gate protect` lets bypass the ruleset"
        }
        None => "the workflow's token: a ruleset on the branch must let it bypass",
    };
    let _ = write!(
        out,
        "  # On the default branch, after every gate passed: the next version from the commits,\n  \
         # CHANGELOG.md, the tag{image_note}. No job types a version by hand.\n  \
         # It pushes with {pusher}.\n  \
         # Publish runs wait for each other (one group); GitHub drops a superseded pending one,\n  \
         # and the newer run releases its commits too.\n  \
         {job}:\n    name: {job}\n    needs: [{AGGREGATOR}]\n    \
         if: github.event_name == 'push' && github.ref == 'refs/heads/{branch}'\n    \
         runs-on: {runs_on}\n    timeout-minutes: {timeout}\n    concurrency:\n      \
         group: gate-publish\n      cancel-in-progress: false\n    permissions:\n",
        image_note = if image.is_some() {
            " and the image tagged with the version"
        } else {
            ""
        },
        job = job_name(config, PUBLISH),
        branch = ci.branch,
        runs_on = scalar(&ci.runs_on),
        timeout = ci.timeout_minutes,
    );
    if ci.publish.is_some() {
        out.push_str("      contents: read  # the push uses the identity below, not this token\n");
    } else {
        out.push_str("      contents: write  # the CHANGELOG.md commit and the tag\n");
    }
    if image.is_some_and(|image| image.password_secret.is_none()) {
        out.push_str("      packages: write  # pushing the image with the workflow's token\n");
    }
    out.push_str("    steps:\n");
    let credentials = match &ci.publish {
        Some(PublishIdentity::App {
            client_id_variable,
            private_key_secret,
            ..
        }) => {
            let _ = write!(
                out,
                "      - id: app-token\n        name: the release App's token\n        \
                 uses: {token_action}\n        with:\n          \
                 client-id: ${{{{ vars.{client_id_variable} }}}}\n          \
                 private-key: ${{{{ secrets.{private_key_secret} }}}}\n          \
                 permission-contents: write\n",
                token_action = pinned(ci, "actions/create-github-app-token"),
            );
            "          token: ${{ steps.app-token.outputs.token }}  # kept for the push\n"
                .to_owned()
        }
        Some(PublishIdentity::DeployKey { secret }) => {
            format!("          ssh-key: ${{{{ secrets.{secret} }}}}  # kept for the push\n")
        }
        None => String::new(),
    };
    checkout(
        out,
        ci,
        Some("the release reads every tag and commit"),
        Some(&credentials),
    );
    let config_flag = config_argument.map_or_else(String::new, |path| {
        format!(" --config {}", shell_word(path))
    });
    let _ = write!(
        out,
        "      - name: install gate\n        uses: {action}\n        with:\n          \
         args: --version\n      \
         - id: next\n        name: gate release next\n        \
         run: gate release next{config_flag} --branch {branch} --github-output\n      \
         - name: CHANGELOG.md, commit and tag\n        \
         if: steps.next.outputs.released == 'true'\n        env:\n          \
         TAG: ${{{{ steps.next.outputs.tag }}}}\n        run: |\n          \
         git config user.name \"github-actions[bot]\"\n          \
         git config user.email \"41898282+github-actions[bot]@users.noreply.github.com\"\n          \
         gate release changelog{config_flag} --branch {branch}\n          \
         git add {changelog}\n          \
         git commit -m \"chore(release): $TAG\"\n          \
         gate release tag{config_flag} --branch {branch}\n          \
         git push --atomic origin HEAD:refs/heads/{branch} \"refs/tags/$TAG\"\n",
        branch = shell_word(&ci.branch),
        changelog = shell_word(&changelog_path(config, config_argument)),
    );
    if let Some(image) = image {
        image_steps(out, ci, image);
    }
}

/// The changelog's path as `git add` takes it from the repository root, where the jobs run:
/// its path within the configuration's directory, under the directory `config_argument` is in
/// (never the absolute path the configuration was loaded from).
fn changelog_path(config: &Config, config_argument: Option<&str>) -> String {
    let path = config.release.as_ref().map_or_else(
        || config.root.join("CHANGELOG.md"),
        |release| release.changelog.clone(),
    );
    let within = path.strip_prefix(&config.root).unwrap_or(&path);
    let directory = config_argument
        .and_then(|argument| std::path::Path::new(argument).parent())
        .unwrap_or_else(|| std::path::Path::new(""));
    let path = directory.join(within);
    let path = path.strip_prefix(".").unwrap_or(&path);
    path.display().to_string()
}

fn image_steps(out: &mut String, ci: &Ci, image: &Image) {
    let username = image.username_secret.as_ref().map_or_else(
        || "${{ github.actor }}".to_owned(),
        |secret| format!("${{{{ secrets.{secret} }}}}"),
    );
    let password = image.password_secret.as_ref().map_or_else(
        || "${{ secrets.GITHUB_TOKEN }}".to_owned(),
        |secret| format!("${{{{ secrets.{secret} }}}}"),
    );
    let reference = format!("{}/{}", image.registry, image.name);
    let _ = write!(
        out,
        "      - if: steps.next.outputs.released == 'true'\n        uses: {buildx}\n      \
         - if: steps.next.outputs.released == 'true'\n        uses: {login}\n        with:\n          \
         registry: {registry}\n          username: {username}\n          password: {password}\n      \
         - name: build and push {reference_plain}\n        \
         if: steps.next.outputs.released == 'true'\n        uses: {build}\n        with:\n          \
         context: {context}\n",
        buildx = pinned(ci, "docker/setup-buildx-action"),
        login = pinned(ci, "docker/login-action"),
        build = pinned(ci, "docker/build-push-action"),
        registry = scalar(&image.registry),
        reference_plain = reference,
        context = scalar(&image.context),
    );
    if let Some(file) = &image.file {
        let _ = writeln!(out, "          file: {}", scalar(file));
    }
    let _ = write!(
        out,
        "          push: true\n          tags: {reference}:${{{{ steps.next.outputs.version }}}}\n"
    );
}
