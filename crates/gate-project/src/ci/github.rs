//! The GitHub Actions workflow `gate ci github` writes: a job per gate, one aggregator job named
//! `gate` (the stable required check), and a publish job that releases the default branch.

use std::fmt::Write as _;

use super::yaml::{block, scalar};
use super::{CiError, shell_word, uses_default_advisory_cache};
use crate::ci_checks::AGGREGATOR;
use crate::settings::ci::{Ci, Image};
use crate::{Config, Gate};

/// The publish job's name. It runs on pushes to the default branch only, so it is never a
/// pull request's required check.
pub const PUBLISH: &str = "publish";

/// The third-party actions the workflow uses, pinned to exact releases (`[ci.actions]` can
/// replace any of them, for example with a commit SHA).
const ACTIONS: [(&str, &str); 6] = [
    ("actions/checkout", "v4.2.2"),
    ("actions/cache", "v4.2.0"),
    ("github/codeql-action/upload-sarif", "v3.28.0"),
    ("docker/setup-buildx-action", "v3.7.1"),
    ("docker/login-action", "v3.3.0"),
    ("docker/build-push-action", "v6.10.0"),
];

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
        "# A newer push to a pull request cancels its older run; runs on the default branch are\n\
         # never cancelled, so a release is not cut off halfway.\n\
         concurrency:\n  group: gate-${{ github.ref }}\n  \
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
    aggregator_job(&mut job, &ci, &gates);
    jobs.push(job);
    if config.release.is_some() || ci.image.is_some() {
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
        "  {gate}:\n    name: {gate}\n    runs-on: {runs_on}\n    timeout-minutes: 30\n    \
         permissions:\n      contents: read\n",
        runs_on = scalar(&ci.runs_on),
    );
    if sarif {
        out.push_str("      security-events: write  # the SARIF upload to code scanning\n");
    }
    out.push_str("    steps:\n");
    // Every gate job needs history: the release gate reads every tag and commit, and on pull
    // requests each gate judges the change against the base branch (`--base`).
    checkout(out, ci, true, false);
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

fn checkout(out: &mut String, ci: &Ci, full_history: bool, push: bool) {
    let _ = write!(
        out,
        "      - uses: {}\n        with:\n",
        pinned(ci, "actions/checkout")
    );
    if full_history {
        out.push_str("          fetch-depth: 0  # tags, commits and the base branch\n");
    }
    if !push {
        out.push_str("          persist-credentials: false\n");
    }
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

fn aggregator_job(out: &mut String, ci: &Ci, gates: &[&str]) {
    let _ = write!(
        out,
        "  # The one required check that never changes name: it fails when any gate job failed,\n  \
         # was cancelled or was skipped, and it runs even then (`if: always()`).\n  \
         {AGGREGATOR}:\n    name: {AGGREGATOR}\n    if: always()\n    needs: [{needs}]\n    \
         runs-on: {runs_on}\n    permissions: {{}}\n    steps:\n      \
         - name: every gate passed\n        env:\n          \
         RESULTS: ${{{{ join(needs.*.result, ' ') }}}}\n        run: |\n          \
         echo \"gate jobs: $RESULTS\"\n          \
         for result in $RESULTS; do\n            \
         if [ \"$result\" != success ]; then\n              \
         echo \"::error::a gate job ended with '$result'\"\n              \
         exit 1\n            fi\n          done\n",
        needs = gates.join(", "),
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
    let _ = write!(
        out,
        "  # On the default branch, after every gate passed: the next version from the commits,\n  \
         # CHANGELOG.md, the tag{image_note}. No job types a version by hand.\n  \
         # The push needs the workflow allowed past the branch's protection (a bypass actor).\n  \
         {PUBLISH}:\n    name: {PUBLISH}\n    needs: [{AGGREGATOR}]\n    \
         if: github.event_name == 'push' && github.ref == 'refs/heads/{branch}'\n    \
         runs-on: {runs_on}\n    concurrency:\n      group: gate-publish\n      \
         cancel-in-progress: false\n    permissions:\n      \
         contents: write  # the CHANGELOG.md commit and the tag\n",
        image_note = if image.is_some() {
            " and the image tagged with the version"
        } else {
            ""
        },
        branch = ci.branch,
        runs_on = scalar(&ci.runs_on),
    );
    if image.is_some_and(|image| image.password_secret.is_none()) {
        out.push_str("      packages: write  # pushing the image with the workflow's token\n");
    }
    out.push_str("    steps:\n");
    checkout(out, ci, true, true);
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
        changelog = shell_word(&changelog_path(config)),
    );
    if let Some(image) = image {
        image_steps(out, ci, image);
    }
}

/// The changelog's path as `git add` takes it from the repository root, where the jobs run.
fn changelog_path(config: &Config) -> String {
    let path = config.release.as_ref().map_or_else(
        || config.root.join("CHANGELOG.md"),
        |release| release.changelog.clone(),
    );
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
