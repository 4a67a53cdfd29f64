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
    Ok(settings)
}

fn non_empty<'a>(value: &'a Spanned<String>, key: &str) -> Result<&'a str, Problem> {
    let text = value.get_ref().trim();
    if text.is_empty() {
        return Err((Some(value.span()), format!("`{key}` is empty")));
    }
    Ok(text)
}
