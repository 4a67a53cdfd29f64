//! `gate protect plan|check|apply`: the branch protection gate.toml asks for — every job of
//! `gate ci github` a required check — printed, compared with a saved API response, or sent.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand, ValueEnum};
use gate_core::Report;
use gate_protect::{ApiRequest, Protection};

use crate::environment::{Environment, Secret};
use crate::http::{ApiClient, Method};
use crate::output::OutputArgs;
use crate::{EXIT_PASS, output};
use gate_project::Config;
use gate_project::run::protect as glue;
use gate_project::settings::protect::{Protect, Provider};

/// `gate protect …`.
#[derive(Debug, Subcommand)]
pub enum ProtectCommand {
    /// Print the settings body gate.toml asks for (standard output) and the checks it
    /// requires (standard error): pipe it to `gh api --input -`, or use `apply`.
    Plan(PlanArgs),
    /// Compare a saved API response with the protection gate.toml asks for
    /// (exit 0 as asked, 1 drift, 2 error).
    Check(ProtectCheckArgs),
    /// Send the settings to GitHub (token from `GITHUB_TOKEN`) or GitLab (`GITLAB_TOKEN`).
    Apply(ApplyArgs),
}

/// Which body GitHub gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum BodyFormat {
    /// A repository ruleset with a `required_status_checks` rule (the modern way).
    #[default]
    Ruleset,
    /// Classic branch protection.
    BranchProtection,
}

/// `--provider`: where the repository is hosted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProviderFlag {
    /// GitHub: a ruleset (or classic branch protection) with required status checks.
    Github,
    /// GitLab: "pipelines must succeed" and a protected branch.
    Gitlab,
}

impl From<ProviderFlag> for Provider {
    fn from(flag: ProviderFlag) -> Provider {
        match flag {
            ProviderFlag::Github => Provider::Github,
            ProviderFlag::Gitlab => Provider::Gitlab,
        }
    }
}

/// Which settings: the configuration, the provider and the body format.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The configuration file [default: gate.toml in the current directory or the nearest parent].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Where the repository is hosted [default: `provider` in [protect], else github].
    #[arg(long, value_enum)]
    pub provider: Option<ProviderFlag>,
    /// GitHub's settings as a ruleset or as classic branch protection.
    #[arg(long, value_enum, default_value_t = BodyFormat::Ruleset)]
    pub format: BodyFormat,
}

/// `gate protect check`.
#[derive(Debug, Args)]
pub struct ProtectCheckArgs {
    /// The configuration file [default: gate.toml in the current directory or the nearest parent].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// With --fetch: where the repository is hosted [default: `provider` in [protect], else
    /// github].
    #[arg(long, value_enum, requires = "fetch")]
    pub provider: Option<ProviderFlag>,
    /// With --fetch from GitHub: read the rulesets, or the classic branch protection.
    #[arg(long, value_enum, default_value_t = BodyFormat::Ruleset, requires = "fetch")]
    pub settings: BodyFormat,
    /// The saved API response: a ruleset (`gh api repos/O/R/rulesets/ID`), the rules for a
    /// branch, classic branch protection, or GitLab project settings [default: `current` in
    /// [protect]].
    #[arg(long, value_name = "FILE", conflicts_with = "fetch")]
    pub current: Option<PathBuf>,
    /// Read the current settings from the API instead of a file: every ruleset that applies to
    /// the repository (`--format branch-protection`: the classic protection; GitLab: the
    /// project's settings), with the token `apply` uses.
    #[arg(long)]
    pub fetch: bool,
    /// Where to fetch from.
    #[command(flatten)]
    pub remote: RemoteArgs,
    /// Output formats and destinations.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// The repository and API that `apply` and `check --fetch` talk to.
#[derive(Debug, Args)]
pub struct RemoteArgs {
    /// The repository: `owner/repo` on GitHub, `group/project` (or its id) on GitLab
    /// [default: `GITHUB_REPOSITORY`, or `CI_PROJECT_PATH` on GitLab].
    #[arg(long, value_name = "NAME")]
    pub repository: Option<String>,
    /// The REST API's root [default: `GITHUB_API_URL` or the public GitHub API; `CI_API_V4_URL` or
    /// the public GitLab API].
    #[arg(long, value_name = "URL")]
    pub api_url: Option<String>,
}

/// `gate protect apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// Which settings.
    #[command(flatten)]
    pub plan: PlanArgs,
    /// Where to send them.
    #[command(flatten)]
    pub remote: RemoteArgs,
    /// Print the requests instead of sending them (no token needed).
    #[arg(long)]
    pub dry_run: bool,
}

/// Runs `gate protect …` and returns the exit code.
pub fn run(command: &ProtectCommand, environment: &Environment) -> anyhow::Result<u8> {
    match command {
        ProtectCommand::Plan(args) => plan(args),
        ProtectCommand::Check(args) => check(args, environment),
        ProtectCommand::Apply(args) => apply(args, environment),
    }
}

/// The configuration and its `[protect]` section (the defaults when there is none).
fn settings(config_path: Option<&std::path::Path>) -> anyhow::Result<(Config, Protect)> {
    let path = crate::check::locate_config(config_path)?;
    let config = gate_project::load(&path)?;
    let protect = config.protect.clone().unwrap_or_default();
    Ok((config, protect))
}

fn plan(args: &PlanArgs) -> anyhow::Result<u8> {
    let (config, protect) = settings(args.config.as_deref())?;
    let protection = glue::protection(&protect, &config);
    let provider = args.provider.map_or(protect.provider, Provider::from);
    refuse_unsupported(&protection, provider, args.format)?;
    let body = match (provider, args.format) {
        (Provider::Github, BodyFormat::Ruleset) => {
            gate_protect::github_ruleset(&protection, &protect.ruleset_name)
        }
        (Provider::Github, BodyFormat::BranchProtection) => {
            gate_protect::github_branch_protection(&protection)
        }
        (Provider::Gitlab, _) => {
            let settings = gate_protect::gitlab_settings(&protection);
            serde_json::json!({
                "project": settings.project,
                "protected_branch": settings.protected_branch,
            })
        }
    };
    eprintln!("{}", summary(&protection, provider, args.format, &protect));
    output::print(format!("{}\n", serde_json::to_string_pretty(&body)?))?;
    Ok(EXIT_PASS)
}

/// What the plan protects and where the body goes, for a reader of the terminal.
fn summary(
    protection: &Protection,
    provider: Provider,
    format: BodyFormat,
    protect: &Protect,
) -> String {
    let checks: Vec<&str> = protection
        .checks
        .iter()
        .map(|check| check.context.as_str())
        .collect();
    let destination = match (provider, format) {
        (Provider::Github, BodyFormat::Ruleset) => format!(
            "a ruleset named \"{}\": POST /repos/OWNER/REPO/rulesets (PUT …/rulesets/ID to \
             update)",
            protect.ruleset_name
        ),
        (Provider::Github, BodyFormat::BranchProtection) => format!(
            "classic branch protection: PUT /repos/OWNER/REPO/branches/{}/protection",
            protection.branch
        ),
        (Provider::Gitlab, _) => {
            "GitLab: PUT /projects/ID with \"project\", POST /projects/ID/protected_branches \
             with \"protected_branch\""
                .to_owned()
        }
    };
    let mut text = format!(
        "branch {}: required checks {} (the pull request jobs of `gate ci github`{})\n{destination}",
        protection.branch,
        checks.join(", "),
        if protect.extra_checks.is_empty() {
            ""
        } else {
            ", and [protect] checks"
        },
    );
    if provider == Provider::Gitlab {
        text.push_str(
            "\nGitLab has no named required checks: \"pipelines must succeed\" blocks the merge \
             on any failing gate job",
        );
    }
    text
}

fn check(args: &ProtectCheckArgs, environment: &Environment) -> anyhow::Result<u8> {
    let (config, protect) = settings(args.config.as_deref())?;
    let outputs = output::plan(
        &args.output.format,
        args.output.output.as_deref(),
        environment,
    )?;
    let gate_report = if args.fetch {
        let provider = args.provider.map_or(protect.provider, Provider::from);
        let target = Target::new(provider, &args.remote, environment)?;
        let mut protection = glue::protection(&protect, &config);
        let (source, current) = fetch(&target, &mut protection, args.settings, environment)?;
        gate_protect::check_drift(&protection, &current, &source)?
    } else {
        let Some(current) = args.current.as_ref().or(protect.current.as_ref()) else {
            bail!(
                "no saved settings to check: pass --current FILE (such as the output of \
                 `gh api repos/OWNER/REPO/rulesets/ID`), or --fetch, or set `current` in [protect]"
            );
        };
        glue::run(&protect, &config, current)
    };
    let report = Report::new(vec![gate_report]);
    output::write_all(
        &report,
        &outputs,
        args.output.color,
        &config.report_path,
        environment,
    )?;
    Ok(report.outcome().exit_code())
}

/// Reads the current settings from the API: what the drift check compares, and a name for it.
/// `~DEFAULT_BRANCH` in a ruleset is resolved against the repository's default branch, read
/// here unless `[protect] default-branch` names it.
fn fetch(
    target: &Target,
    protection: &mut Protection,
    format: BodyFormat,
    environment: &Environment,
) -> anyhow::Result<(String, serde_json::Value)> {
    let token = target.token()?;
    let client = Client::new(target, token, environment)?;
    let repository = &target.repository;
    match (target.provider, format) {
        (Provider::Github, BodyFormat::Ruleset) => {
            if protection.default_branch.is_none() {
                let request = gate_protect::github_repository_get_request(repository);
                protection.default_branch = client
                    .get_unless_missing(&request)?
                    .and_then(|repo| repo["default_branch"].as_str().map(str::to_owned));
            }
            // Organization rulesets protect the branch too, so they are read with the
            // repository's own; the list has no rules, so each ruleset is read in full.
            let list = client.get(&gate_protect::github_rulesets_list_request(
                repository, true,
            ))?;
            let mut rulesets = Vec::new();
            for summary in list.as_array().into_iter().flatten() {
                if summary["target"]
                    .as_str()
                    .is_some_and(|kind| kind != "branch")
                {
                    continue;
                }
                let Some(id) = summary["id"].as_u64() else {
                    continue;
                };
                rulesets
                    .push(client.get(&gate_protect::github_ruleset_get_request(repository, id))?);
            }
            Ok((
                format!("rulesets of {repository}"),
                serde_json::Value::Array(rulesets),
            ))
        }
        (Provider::Github, BodyFormat::BranchProtection) => {
            let request =
                gate_protect::github_branch_protection_get_request(protection, repository);
            // GitHub answers 404 for a branch without protection: nothing is required there,
            // which the drift check reports as such (an empty list of branch rules).
            let current = client
                .get_unless_missing(&request)?
                .unwrap_or_else(|| serde_json::Value::Array(Vec::new()));
            Ok((format!("branch protection of {repository}"), current))
        }
        (Provider::Gitlab, _) => {
            let settings = client.get(&gate_protect::gitlab_project_get_request(repository))?;
            // 404: the branch is not protected, which the drift check reports.
            let branch = client
                .get_unless_missing(&gate_protect::gitlab_protected_branch_get_request(
                    protection, repository,
                ))?
                .unwrap_or(serde_json::Value::Null);
            Ok((
                format!("settings of {repository}"),
                serde_json::json!({"project": settings, "protected_branch": branch}),
            ))
        }
    }
}

fn apply(args: &ApplyArgs, environment: &Environment) -> anyhow::Result<u8> {
    let (config, protect) = settings(args.plan.config.as_deref())?;
    let protection = glue::protection(&protect, &config);
    let provider = args.plan.provider.map_or(protect.provider, Provider::from);
    refuse_unsupported(&protection, provider, args.plan.format)?;
    let target = Target::new(provider, &args.remote, environment)?;
    if args.dry_run && target.token.is_none() {
        eprintln!(
            "no {}: the current settings were not read, so these are the bodies before `apply` \
             merges them with what the repository has",
            target.token_variable
        );
        let requests = target.requests(&protection, &protect, args.plan.format, None);
        for request in requests {
            print_request(&target, &request)?;
        }
        return Ok(EXIT_PASS);
    }
    let token = target.token()?;
    let client = Client::new(&target, token, environment)?;
    let planned = merged_requests(&target, &client, &protection, &protect, args.plan.format)?;
    if args.dry_run {
        for (request, before) in &planned {
            print_request(&target, request)?;
            let changes = match before {
                Some(before) => gate_protect::changes(before, &request.body),
                None => vec!["+ (created)".to_owned()],
            };
            let text = if changes.is_empty() {
                "  no change\n".to_owned()
            } else {
                changes.iter().fold(String::new(), |mut text, line| {
                    let _ = writeln!(text, "  {line}");
                    text
                })
            };
            output::print(format!("changes:\n{text}"))?;
        }
        return Ok(EXIT_PASS);
    }
    for (request, _) in planned {
        let status = client.send(&request)?;
        output::print(format!(
            "{} {} {status}\n",
            request.method.as_str(),
            request.path
        ))?;
    }
    Ok(EXIT_PASS)
}

fn print_request(target: &Target, request: &ApiRequest) -> anyhow::Result<()> {
    output::print(format!(
        "{} {}{}\n{}\n",
        request.method.as_str(),
        target.api_url,
        request.path,
        serde_json::to_string_pretty(&request.body)?
    ))?;
    Ok(())
}

/// What GitHub would reject is refused before anything is sent.
fn refuse_unsupported(
    protection: &Protection,
    provider: Provider,
    format: BodyFormat,
) -> anyhow::Result<()> {
    if provider == Provider::Github
        && format == BodyFormat::BranchProtection
        && let Some(problem) = gate_protect::branch_protection_problem(protection)
    {
        bail!("{problem}");
    }
    Ok(())
}

/// The requests `apply` sends, each merged with the settings the repository has (read first),
/// beside those settings in the request's shape (`None`: nothing exists yet). A ruleset of the
/// configured name is updated in place, so applying twice does not leave two rulesets.
fn merged_requests(
    target: &Target,
    client: &Client<'_>,
    protection: &Protection,
    protect: &Protect,
    format: BodyFormat,
) -> anyhow::Result<Vec<(ApiRequest, Option<serde_json::Value>)>> {
    let retired = &protection.retired_checks;
    let repository = &target.repository;
    match (target.provider, format) {
        (Provider::Github, BodyFormat::Ruleset) => {
            let existing = client.existing_ruleset(repository, &protect.ruleset_name)?;
            let mut requests = target.requests(protection, protect, format, existing);
            let mut before = None;
            if let Some(id) = existing {
                let current =
                    client.get(&gate_protect::github_ruleset_get_request(repository, id))?;
                for request in &mut requests {
                    request.body =
                        gate_protect::merge_github_ruleset(&request.body, &current, retired);
                }
                before = Some(current);
            }
            Ok(requests.into_iter().map(|r| (r, before.clone())).collect())
        }
        (Provider::Github, BodyFormat::BranchProtection) => {
            let current = client.get_unless_missing(
                &gate_protect::github_branch_protection_get_request(protection, repository),
            )?;
            let mut requests = target.requests(protection, protect, format, None);
            for request in &mut requests {
                request.body = gate_protect::merge_github_branch_protection(
                    &request.body,
                    current.as_ref(),
                    retired,
                );
            }
            let before = current
                .as_ref()
                .map(gate_protect::branch_protection_as_request);
            Ok(requests.into_iter().map(|r| (r, before.clone())).collect())
        }
        // The GitLab bodies set only what gate manages (the merge method only for linear
        // history), so nothing else is overwritten.
        (Provider::Gitlab, _) => Ok(target
            .requests(protection, protect, format, None)
            .into_iter()
            .map(|request| (request, None))
            .collect()),
    }
}

/// Where `apply` sends the settings, and with which credential.
struct Target {
    provider: Provider,
    repository: String,
    api_url: String,
    token: Option<Secret>,
    token_variable: &'static str,
}

impl Target {
    fn new(
        provider: Provider,
        args: &RemoteArgs,
        environment: &Environment,
    ) -> anyhow::Result<Target> {
        let (repository, api_url, token, token_variable, repository_variable, default_api) =
            match provider {
                Provider::Github => (
                    environment.github_repository.clone(),
                    environment.github_api_url.clone(),
                    environment.github_token.clone(),
                    "GITHUB_TOKEN",
                    "GITHUB_REPOSITORY",
                    "https://api.github.com",
                ),
                Provider::Gitlab => (
                    environment.gitlab_project.clone(),
                    environment.gitlab_api_url.clone(),
                    environment.gitlab_token.clone(),
                    "GITLAB_TOKEN",
                    "CI_PROJECT_PATH",
                    "https://gitlab.com/api/v4",
                ),
            };
        let repository = args.repository.clone().or(repository).with_context(|| {
            format!("which repository? pass --repository (or set {repository_variable})")
        })?;
        let api_url = args
            .api_url
            .clone()
            .or(api_url)
            .unwrap_or_else(|| default_api.to_owned())
            .trim_end_matches('/')
            .to_owned();
        refuse_plain_http(&api_url)?;
        Ok(Target {
            provider,
            repository,
            api_url,
            token,
            token_variable,
        })
    }

    fn token(&self) -> anyhow::Result<Secret> {
        self.token.clone().with_context(|| {
            format!(
                "no token: set {} (apply --dry-run shows the requests without one)",
                self.token_variable
            )
        })
    }

    fn requests(
        &self,
        protection: &Protection,
        protect: &Protect,
        format: BodyFormat,
        existing_ruleset: Option<u64>,
    ) -> Vec<ApiRequest> {
        match (self.provider, format) {
            (Provider::Github, BodyFormat::Ruleset) => vec![gate_protect::github_ruleset_request(
                protection,
                &self.repository,
                &protect.ruleset_name,
                existing_ruleset,
            )],
            (Provider::Github, BodyFormat::BranchProtection) => {
                vec![gate_protect::github_branch_protection_request(
                    protection,
                    &self.repository,
                )]
            }
            (Provider::Gitlab, _) => gate_protect::gitlab_requests(protection, &self.repository),
        }
    }
}

/// A token is never sent in clear text, except to this machine (a test server).
fn refuse_plain_http(url: &str) -> anyhow::Result<()> {
    if url.starts_with("http://") {
        if !matches!(
            crate::http::host_of(url),
            "127.0.0.1" | "localhost" | "[::1]"
        ) {
            bail!("--api-url {url}: the token would travel unencrypted; use https://");
        }
    } else if !url.starts_with("https://") {
        bail!("--api-url {url}: not an http(s) URL");
    }
    Ok(())
}

/// The authenticated REST client.
struct Client<'a> {
    target: &'a Target,
    token: Secret,
    api: ApiClient,
}

impl<'a> Client<'a> {
    fn new(
        target: &'a Target,
        token: Secret,
        environment: &Environment,
    ) -> anyhow::Result<Client<'a>> {
        let api = ApiClient::new(&target.api_url, Duration::from_secs(60), environment)?;
        Ok(Client { target, token, api })
    }

    /// The headers every request carries: who is asking, and the provider's token and version.
    fn headers(&self) -> Vec<(&'static str, String)> {
        let mut headers = vec![(
            "User-Agent",
            concat!("gate/", env!("CARGO_PKG_VERSION")).to_owned(),
        )];
        match self.target.provider {
            Provider::Github => headers.extend([
                ("Authorization", format!("Bearer {}", self.token.0)),
                ("Accept", "application/vnd.github+json".to_owned()),
                ("X-GitHub-Api-Version", "2022-11-28".to_owned()),
            ]),
            Provider::Gitlab => headers.push(("PRIVATE-TOKEN", self.token.0.clone())),
        }
        headers
    }

    /// The id of the repository's own ruleset named `name`, if there is one.
    fn existing_ruleset(&self, repository: &str, name: &str) -> anyhow::Result<Option<u64>> {
        let rulesets = self.get(&gate_protect::github_rulesets_list_request(
            repository, false,
        ))?;
        Ok(rulesets
            .as_array()
            .into_iter()
            .flatten()
            .find(|ruleset| {
                ruleset["name"] == name && ruleset["source_type"].as_str() != Some("Organization")
            })
            .and_then(|ruleset| ruleset["id"].as_u64()))
    }

    /// Reads JSON; a status outside 2xx is an error quoting the API's message.
    fn get(&self, request: &ApiRequest) -> anyhow::Result<serde_json::Value> {
        self.get_unless_missing(request)?
            .with_context(|| format!("GET {}: 404 not found", request.path))
    }

    /// [`Client::get`], with `None` for a 404.
    fn get_unless_missing(
        &self,
        request: &ApiRequest,
    ) -> anyhow::Result<Option<serde_json::Value>> {
        let path = &request.path;
        let url = format!("{}{path}", self.target.api_url);
        let response = self
            .api
            .call(Method::Get, &url, &self.headers(), None)
            .with_context(|| format!("GET {path}"))?;
        if response.status == 404 {
            return Ok(None);
        }
        if !(200..300).contains(&response.status) {
            bail!(
                "GET {path}: {} {}",
                response.status,
                api_message(&response.text)
            );
        }
        serde_json::from_str(&response.text)
            .map(Some)
            .with_context(|| format!("GET {path}: the response is not JSON"))
    }

    /// Sends one request; a status outside 2xx is an error quoting the API's message.
    fn send(&self, request: &ApiRequest) -> anyhow::Result<u16> {
        let url = format!("{}{}", self.target.api_url, request.path);
        let method_name = request.method.as_str();
        let method = match request.method {
            gate_protect::Method::Post => Method::Post,
            gate_protect::Method::Put => Method::Put,
            gate_protect::Method::Get => bail!("{method_name} {}: not a write", request.path),
        };
        let body = serde_json::to_vec(&request.body)?;
        let mut headers = self.headers();
        headers.push(("Content-Type", "application/json".to_owned()));
        let response = self
            .api
            .call(method, &url, &headers, Some(&body))
            .with_context(|| format!("{method_name} {}", request.path))?;
        if !(200..300).contains(&response.status) {
            bail!(
                "{method_name} {}: {} {}",
                request.path,
                response.status,
                api_message(&response.text)
            );
        }
        Ok(response.status)
    }
}

/// The `message` of an API error body (both providers use the key), else the body itself.
fn api_message(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|value| match &value["message"] {
            serde_json::Value::String(message) => Some(message.clone()),
            serde_json::Value::Null => None,
            other => Some(other.to_string()),
        })
        .unwrap_or_else(|| text.chars().take(300).collect())
}
