//! `[ci]`: what `gate ci github|gitlab` needs beyond the gate sections — where gate comes from,
//! the default branch, commands that prepare a gate's inputs, and the image the release builds.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_spanned::Spanned;

use super::Problem;

/// The keys of `[ci]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawCi {
    action: Option<Spanned<String>>,
    install: Option<Spanned<String>>,
    branch: Option<Spanned<String>>,
    runs_on: Option<String>,
    #[serde(default)]
    setup: BTreeMap<String, Spanned<Vec<String>>>,
    image: Option<Spanned<RawImage>>,
    #[serde(default)]
    actions: BTreeMap<String, Spanned<String>>,
    job_prefix: Option<Spanned<String>>,
    timeout_minutes: Option<Spanned<i64>>,
    publish: Option<Spanned<RawPublish>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPublish {
    app_id: Option<u64>,
    client_id_variable: Option<String>,
    private_key_secret: Option<String>,
    deploy_key_secret: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawImage {
    registry: Spanned<String>,
    name: Spanned<String>,
    context: Option<String>,
    file: Option<String>,
    username_secret: Option<String>,
    password_secret: Option<String>,
}

/// The CI settings, typed and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ci {
    /// The gate GitHub Action, `OWNER/REPO@REF` (or `./` in gate's own repository).
    pub action: Option<String>,
    /// The shell command GitLab jobs install gate with, in the Rust image; `None`: the jobs run
    /// in gate's own image instead.
    pub install: Option<String>,
    /// The default branch: pushes to it release, pull requests into it are gated.
    pub branch: String,
    /// The runner label GitHub jobs run on.
    pub runs_on: String,
    /// Shell commands to run before a gate, by gate name (tests that write coverage reports).
    pub setup: BTreeMap<String, Vec<String>>,
    /// The service image the release job builds and pushes, tagged with the version.
    pub image: Option<Image>,
    /// Replacement references for the third-party actions the workflow uses, by action name
    /// (`"actions/checkout" = "actions/checkout@<sha>"`).
    pub actions: BTreeMap<String, String>,
    /// Prepended to every job name but the `gate` aggregator (`gate-coverage`), so gate's
    /// checks cannot share a name with another workflow's job: required checks match by name.
    pub job_prefix: String,
    /// The `timeout-minutes` of every gate job and of the publish job.
    pub timeout_minutes: u32,
    /// Who the publish job pushes the release commit and tag as; `None`: the workflow's own
    /// token, which a ruleset written by `gate protect` refuses.
    pub publish: Option<PublishIdentity>,
}

/// The identity the publish job pushes with, which `gate protect` lets bypass the ruleset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublishIdentity {
    /// A GitHub App's installation token (`actions/create-github-app-token`).
    App {
        /// The App's numeric id: the ruleset's `Integration` bypass actor.
        app_id: u64,
        /// The repository variable holding the App's client id.
        client_id_variable: String,
        /// The repository secret holding the App's private key.
        private_key_secret: String,
    },
    /// A deploy key with write access, its private key in a repository secret: the ruleset's
    /// `DeployKey` bypass actor.
    DeployKey {
        /// The repository secret holding the private key.
        secret: String,
    },
}

/// The service image the release job builds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// The registry host (`ghcr.io`).
    pub registry: String,
    /// The image name within the registry (`beacon/api`).
    pub name: String,
    /// The build context, relative to the repository root.
    pub context: String,
    /// The Dockerfile, relative to the repository root; `None`: the context's `Dockerfile`.
    pub file: Option<String>,
    /// The repository secret holding the registry user; `None`: the workflow's actor.
    pub username_secret: Option<String>,
    /// The repository secret holding the registry password; `None`: the workflow's own token
    /// (enough for the GitHub container registry, with `packages: write`).
    pub password_secret: Option<String>,
}

impl Default for Ci {
    fn default() -> Ci {
        Ci {
            action: None,
            install: None,
            branch: "main".to_owned(),
            runs_on: "ubuntu-latest".to_owned(),
            setup: BTreeMap::new(),
            image: None,
            actions: BTreeMap::new(),
            job_prefix: "gate-".to_owned(),
            timeout_minutes: 30,
            publish: None,
        }
    }
}

/// Turns the raw `[ci]` table into settings.
pub(crate) fn ci(raw: RawCi) -> Result<Ci, Problem> {
    let mut settings = Ci::default();
    if let Some(action) = &raw.action {
        let reference = action.get_ref().trim();
        let local = reference.starts_with("./");
        if !local && !reference.contains('@') {
            return Err((
                Some(action.span()),
                format!(
                    "action `{reference}` needs a ref: `OWNER/REPO@REF` (a tag or commit), or `./` \
                     in gate's own repository"
                ),
            ));
        }
        settings.action = Some(reference.to_owned());
    }
    if let Some(install) = &raw.install {
        settings.install = Some(non_empty(install, "install")?.to_owned());
    }
    if let Some(branch) = &raw.branch {
        let name = non_empty(branch, "branch")?;
        // The name goes into workflow expressions and shell commands: plain ref characters only.
        let plain = name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._/-".contains(&b));
        if !plain || name.starts_with(['-', '/']) {
            return Err((
                Some(branch.span()),
                format!("branch `{name}`: use letters, digits, `.`, `_`, `/` and `-`"),
            ));
        }
        settings.branch = name.to_owned();
    }
    if let Some(runs_on) = raw.runs_on {
        settings.runs_on = runs_on;
    }
    for (gate, commands) in raw.setup {
        if crate::Gate::from_name(&gate).is_none() {
            return Err((
                Some(commands.span()),
                format!(
                    "setup for `{gate}`: not a gate (the gates are {})",
                    crate::Gate::names()
                ),
            ));
        }
        settings.setup.insert(gate, commands.into_inner());
    }
    if let Some(image) = raw.image {
        let image = image.into_inner();
        settings.image = Some(Image {
            registry: non_empty(&image.registry, "image.registry")?.to_owned(),
            name: non_empty(&image.name, "image.name")?.to_owned(),
            context: image.context.unwrap_or_else(|| ".".to_owned()),
            file: image.file,
            username_secret: image.username_secret,
            password_secret: image.password_secret,
        });
    }
    for (name, reference) in raw.actions {
        if !reference.get_ref().starts_with(&format!("{name}@")) {
            return Err((
                Some(reference.span()),
                format!("actions.\"{name}\" must be `{name}@REF`"),
            ));
        }
        settings.actions.insert(name, reference.into_inner());
    }
    if let Some(prefix) = &raw.job_prefix {
        // Job ids allow letters, digits, `-` and `_`, and must start with a letter or `_`.
        let text = prefix.get_ref();
        let plain = text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b));
        if !plain || text.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
            return Err((
                Some(prefix.span()),
                format!(
                    "job-prefix `{text}`: use letters, digits, `-` and `_`, starting with a letter"
                ),
            ));
        }
        settings.job_prefix.clone_from(text);
    }
    if let Some(minutes) = &raw.timeout_minutes {
        settings.timeout_minutes = u32::try_from(*minutes.get_ref())
            .ok()
            .filter(|minutes| (1..=360).contains(minutes))
            .ok_or_else(|| {
                (
                    Some(minutes.span()),
                    format!(
                        "timeout-minutes is {}: GitHub-hosted jobs run 1 to 360 minutes",
                        minutes.get_ref()
                    ),
                )
            })?;
    }
    if let Some(publish) = raw.publish {
        settings.publish = Some(publish_identity(&publish)?);
    }
    Ok(settings)
}

fn publish_identity(raw: &Spanned<RawPublish>) -> Result<PublishIdentity, Problem> {
    let publish = raw.get_ref();
    // The names go into `${{ vars.NAME }}` and `${{ secrets.NAME }}` expressions.
    for name in [
        &publish.client_id_variable,
        &publish.private_key_secret,
        &publish.deploy_key_secret,
    ]
    .into_iter()
    .flatten()
    {
        let plain = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !plain {
            return Err((
                Some(raw.span()),
                format!(
                    "[ci.publish]: `{name}` is not a variable or secret name (letters, digits \
                     and `_`, not starting with a digit)"
                ),
            ));
        }
    }
    let app = publish.app_id.is_some()
        || publish.client_id_variable.is_some()
        || publish.private_key_secret.is_some();
    match (app, &publish.deploy_key_secret) {
        (true, Some(_)) => Err((
            Some(raw.span()),
            "[ci.publish]: set a GitHub App (`app-id`) or `deploy-key-secret`, not both".to_owned(),
        )),
        (false, Some(secret)) => Ok(PublishIdentity::DeployKey {
            secret: secret.clone(),
        }),
        (true, None) => {
            let Some(app_id) = publish.app_id else {
                return Err((
                    Some(raw.span()),
                    "[ci.publish]: a GitHub App needs its `app-id` (the number on the App's \
                     settings page), which `gate protect` lets bypass the ruleset"
                        .to_owned(),
                ));
            };
            Ok(PublishIdentity::App {
                app_id,
                client_id_variable: publish
                    .client_id_variable
                    .clone()
                    .unwrap_or_else(|| "RELEASE_APP_CLIENT_ID".to_owned()),
                private_key_secret: publish
                    .private_key_secret
                    .clone()
                    .unwrap_or_else(|| "RELEASE_APP_PRIVATE_KEY".to_owned()),
            })
        }
        (false, None) => Err((
            Some(raw.span()),
            "[ci.publish] is empty: set `app-id` (a GitHub App) or `deploy-key-secret`".to_owned(),
        )),
    }
}

fn non_empty<'a>(value: &'a Spanned<String>, key: &str) -> Result<&'a str, Problem> {
    let text = value.get_ref().trim();
    if text.is_empty() {
        return Err((Some(value.span()), format!("`{key}` is empty")));
    }
    Ok(text)
}
