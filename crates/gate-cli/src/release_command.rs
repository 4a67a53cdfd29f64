//! `gate release next|notes|changelog|tag|lint|bump`: the release gate on its own, for release
//! pipelines, `commit-msg` hooks and pull request titles.
//!
//! Settings come from `[release]` in gate.toml when there is one (flags win); the history from
//! one `git log` pass; the answers from `gate_release`.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow, bail};
use clap::{ArgGroup, Args, Subcommand, ValueEnum};
use gate_core::{GateReport, Location, Metric, Report};
use gate_release::{
    Config, Plan, TagFormat, changelog_has_version, lint_commits, lint_findings, past_releases,
    prepend_changelog, render_notes, render_past_release,
};

use crate::environment::Environment;
use crate::output::OutputArgs;
use crate::{EXIT_PASS, output};
use gate_core::error_chain;
use gate_project::git::Git;
use gate_project::history::{self, ReleaseHistory};
use gate_project::import;
use gate_project::run::release as glue;
use gate_project::settings::release::Release;
use gate_release::bump;

/// `gate release …`.
#[derive(Debug, Subcommand)]
pub enum ReleaseCommand {
    /// Print the next version semantic-release would publish, or `no release`.
    Next(NextArgs),
    /// Print the release notes of the next version (conventionalcommits markdown).
    Notes(NotesArgs),
    /// Prepend the next version's notes to the changelog (or rebuild it with --full).
    Changelog(ChangelogArgs),
    /// Create the next version's annotated tag, its message being the notes.
    Tag(TagArgs),
    /// Lint commit messages as commitlint with config-conventional (exit 0 pass, 1 fail, 2 error).
    Lint(LintArgs),
    /// Write the next version into pyproject.toml, Cargo.toml, package.json or kustomization.yaml.
    Bump(BumpArgs),
}

/// How the release is planned: shared by the commands that compute a version.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Release as this branch (for detached CI checkouts) [default: `branch` in [release], then
    /// the checked-out branch].
    #[arg(long, value_name = "BRANCH")]
    pub branch: Option<String>,
    /// How release tags are spelt, with `{version}` [default: `tag-format` in [release], then
    /// v{version}].
    #[arg(long, value_name = "FORMAT")]
    pub tag_format: Option<String>,
    /// The configuration whose [release] section applies [default: gate.toml in the current
    /// directory or the nearest parent, when there is one].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// What the notes need besides the plan.
#[derive(Debug, Args)]
pub struct NotesSourceArgs {
    /// The release date in the notes' header [default: today, UTC].
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// Where commit, compare and issue links point [default: `repository-url` in [release], then
    /// the configured remote.origin.url].
    #[arg(long, value_name = "URL")]
    pub repository_url: Option<String>,
}

/// `gate release next`.
#[derive(Debug, Args)]
pub struct NextArgs {
    /// Planning options.
    #[command(flatten)]
    pub plan: PlanArgs,
    /// How to print the answer.
    #[arg(long, value_enum, default_value_t = NextFormat::Text)]
    pub format: NextFormat,
    /// Also append `released`, `version`, `tag`, `type` and `channel` to the file named by
    /// `$GITHUB_OUTPUT` (a GitHub Actions step's outputs).
    #[arg(long)]
    pub github_output: bool,
}

/// How `gate release next` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NextFormat {
    /// The version, or `no release`.
    Text,
    /// A JSON object with `released`, `version`, `tag`, `type`, `channel`, `last_release`.
    Json,
    /// `GATE_RELEASE_*=…` lines for a shell or a dotenv file.
    Env,
}

/// `gate release notes`.
#[derive(Debug, Args)]
pub struct NotesArgs {
    /// Planning options.
    #[command(flatten)]
    pub plan: PlanArgs,
    /// Date and links.
    #[command(flatten)]
    pub notes: NotesSourceArgs,
}

/// `gate release changelog`.
#[derive(Debug, Args)]
pub struct ChangelogArgs {
    /// Planning options.
    #[command(flatten)]
    pub plan: PlanArgs,
    /// Date and links.
    #[command(flatten)]
    pub notes: NotesSourceArgs,
    /// The changelog [default: `changelog` in [release], then CHANGELOG.md].
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Print what would be written instead of writing it.
    #[arg(long)]
    pub dry_run: bool,
    /// Rebuild the whole changelog from every release tag in the history (each dated by its
    /// tagged commit), the next release on top.
    #[arg(long)]
    pub full: bool,
}

/// `gate release tag`.
#[derive(Debug, Args)]
pub struct TagArgs {
    /// Planning options.
    #[command(flatten)]
    pub plan: PlanArgs,
    /// Date and links.
    #[command(flatten)]
    pub notes: NotesSourceArgs,
    /// Check and print the tag without creating it.
    #[arg(long)]
    pub dry_run: bool,
}

/// `gate release lint`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("source").required(true).args(["range", "message_file", "message"])))]
pub struct LintArgs {
    /// Lint the commits of a revision range, such as origin/main..HEAD (CI).
    #[arg(long, value_name = "A..B")]
    pub range: Option<String>,
    /// Lint a commit message file, `#` lines being comments (a `commit-msg` hook's $1).
    #[arg(long, value_name = "FILE")]
    pub message_file: Option<PathBuf>,
    /// Lint this text (a pull request title).
    #[arg(long, value_name = "TEXT")]
    pub message: Option<String>,
    /// The configuration whose [release] lint settings apply [default: gate.toml in the current
    /// directory or the nearest parent, when there is one].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output formats and destinations.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `gate release bump`.
#[derive(Debug, Args)]
pub struct BumpArgs {
    /// The files to write the version into: pyproject.toml, Cargo.toml, package.json,
    /// kustomization.yaml.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Write this version instead of the computed next version.
    #[arg(long, value_name = "VERSION")]
    pub to: Option<String>,
    /// In a kustomization, the image(s) whose `newTag` carries the version (needed when there
    /// are several).
    #[arg(long, value_name = "NAME")]
    pub image: Vec<String>,
    /// Write the version even when it is lower than the one a file holds (gate refuses to
    /// lower a version otherwise).
    #[arg(long)]
    pub allow_lower: bool,
    /// Planning options.
    #[command(flatten)]
    pub plan: PlanArgs,
}

/// Runs a `gate release` subcommand.
pub fn run(command: &ReleaseCommand, environment: &Environment) -> anyhow::Result<u8> {
    match command {
        ReleaseCommand::Next(args) => next(args, environment),
        ReleaseCommand::Notes(args) => notes(args, environment),
        ReleaseCommand::Changelog(args) => changelog(args, environment),
        ReleaseCommand::Tag(args) => tag(args, environment),
        ReleaseCommand::Lint(args) => lint(args, environment),
        ReleaseCommand::Bump(args) => bump_files(args, environment),
    }
}

/// Git runs in the current directory (git finds the repository from there).
const HERE: &str = ".";

/// `[release]` from the given or found gate.toml. Without that section, the project's
/// semantic-release and commitlint files are read as those tools read them; without those,
/// the defaults. When gate.toml has `[release]` and those files exist too, gate.toml wins and
/// a note says so.
fn settings(config_flag: Option<&Path>) -> anyhow::Result<Release> {
    let path = if let Some(path) = config_flag {
        Some(path.to_path_buf())
    } else {
        let current = std::env::current_dir().context("cannot read the current directory")?;
        gate_project::find(&current)
    };
    let Some(path) = path else {
        // Relative to the current directory, spelt without `./` in messages.
        let root = Path::new("");
        return Ok(imported(root)?.unwrap_or_else(|| Release::defaults(root)));
    };
    let config = gate_project::load(&path)?;
    if let Some(release) = config.release {
        let others = import::config_files(&config.root);
        if !others.is_empty() {
            eprintln!(
                "note: [release] in {} wins; {} not read",
                path.display(),
                others.join(" and ")
            );
        }
        return Ok(release);
    }
    Ok(imported(&config.root)?.unwrap_or_else(|| Release::defaults(&config.root)))
}

/// The settings semantic-release's and commitlint's files give, with a note for each option
/// gate cannot honour; `None` when the project has neither.
fn imported(root: &Path) -> anyhow::Result<Option<Release>> {
    let Some(found) = import::import_release(root).map_err(|message| anyhow!(message))? else {
        return Ok(None);
    };
    for note in &found.notes {
        eprintln!("note: {note}");
    }
    let shown = found.sources.join(" and ");
    gate_project::settings::release::release_from_toml(&found.section, &shown, root)
        .map(Some)
        .map_err(|message| anyhow!(message))
}

/// Everything a planning command needs: settings, history and planning configuration.
struct Planning {
    settings: Release,
    history: ReleaseHistory,
    config: Config,
}

impl Planning {
    fn load(args: &PlanArgs, environment: &Environment) -> anyhow::Result<Planning> {
        let mut settings = settings(args.config.as_deref())?;
        if let Some(format) = &args.tag_format {
            settings.tag_format = TagFormat::parse(format).context("--tag-format")?;
        }
        let io = environment.io();
        let git = Git::new(&io, Path::new(HERE));
        let history = history::release_history(git).map_err(|message| anyhow!(message))?;
        let name = glue::branch_name(git, &settings, args.branch.as_deref())
            .map_err(|message| anyhow!(message))?;
        let config = glue::plan_config_in(git, &settings, glue::branch(&settings, &name))
            .map_err(|message| anyhow!(message))?;
        Ok(Planning {
            settings,
            history,
            config,
        })
    }

    fn plan(&self) -> anyhow::Result<Plan<'_>> {
        gate_release::plan(&self.history.history, &self.config).map_err(anyhow::Error::from)
    }

    fn notes_options(
        &self,
        args: &NotesSourceArgs,
        environment: &Environment,
    ) -> anyhow::Result<gate_release::NotesOptions> {
        let date = environment.date_or_today(args.date.as_deref(), "--date", "")?;
        let io = environment.io();
        let url = glue::repository_url(
            Git::new(&io, Path::new(HERE)),
            &self.settings,
            args.repository_url.as_deref(),
        )
        .map_err(|message| anyhow!(message))?;
        Ok(glue::notes_options(&self.settings, date, url.as_deref()))
    }
}

fn no_release(plan: &Plan<'_>) -> String {
    match &plan.last_release {
        Some(last) => format!(
            "no release: no commit since {} asks for one (feat, fix, perf, revert or a breaking change)",
            last.tag
        ),
        None => "no release: no commit asks for one (feat, fix, perf, revert or a breaking change)"
            .to_owned(),
    }
}

fn next(args: &NextArgs, environment: &Environment) -> anyhow::Result<u8> {
    let planning = Planning::load(&args.plan, environment)?;
    let plan = planning.plan()?;
    let next = plan.next.as_ref();
    let version = next.map(|next| next.version.to_string());
    let tag = next.map(|next| next.tag.clone());
    let release_type = next.map(|next| next.release_type.as_str());
    let channel = next.and_then(|next| next.channel.clone());
    let text = match args.format {
        NextFormat::Text => format!("{}\n", version.as_deref().unwrap_or("no release")),
        NextFormat::Json => {
            let document = serde_json::json!({
                "released": next.is_some(),
                "version": version,
                "tag": tag,
                "type": release_type,
                "channel": channel,
                "branch": plan.branch.name,
                "last_release": plan.last_release.as_ref().map(|last| &last.tag),
                "commits": plan.commits.len(),
            });
            let mut text = serde_json::to_string_pretty(&document)?;
            text.push('\n');
            text
        }
        NextFormat::Env => {
            let mut text = String::new();
            let _ = writeln!(text, "GATE_RELEASE_RELEASED={}", next.is_some());
            let _ = writeln!(
                text,
                "GATE_RELEASE_VERSION={}",
                version.as_deref().unwrap_or("")
            );
            let _ = writeln!(text, "GATE_RELEASE_TAG={}", tag.as_deref().unwrap_or(""));
            let _ = writeln!(text, "GATE_RELEASE_TYPE={}", release_type.unwrap_or(""));
            let _ = writeln!(
                text,
                "GATE_RELEASE_CHANNEL={}",
                channel.as_deref().unwrap_or("")
            );
            text
        }
    };
    if args.github_output {
        let path = environment.github_output.as_ref().ok_or_else(|| {
            anyhow!(
                "--github-output: GITHUB_OUTPUT is not set (GitHub Actions sets it in each step)"
            )
        })?;
        let mut lines = String::new();
        let _ = writeln!(lines, "released={}", next.is_some());
        let _ = writeln!(lines, "version={}", version.as_deref().unwrap_or(""));
        let _ = writeln!(lines, "tag={}", tag.as_deref().unwrap_or(""));
        let _ = writeln!(lines, "type={}", release_type.unwrap_or(""));
        let _ = writeln!(lines, "channel={}", channel.as_deref().unwrap_or(""));
        append(path, &lines)?;
    }
    output::print(&text)?;
    Ok(EXIT_PASS)
}

fn append(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

fn notes(args: &NotesArgs, environment: &Environment) -> anyhow::Result<u8> {
    let planning = Planning::load(&args.plan, environment)?;
    let plan = planning.plan()?;
    let options = planning.notes_options(&args.notes, environment)?;
    match render_notes(&plan, &options) {
        Some(notes) => output::print(&notes)?,
        None => eprintln!("{}", no_release(&plan)),
    }
    Ok(EXIT_PASS)
}

fn changelog(args: &ChangelogArgs, environment: &Environment) -> anyhow::Result<u8> {
    let planning = Planning::load(&args.plan, environment)?;
    let plan = planning.plan()?;
    let options = planning.notes_options(&args.notes, environment)?;
    let file = args
        .file
        .clone()
        .unwrap_or_else(|| planning.settings.changelog.clone());
    let existing = match crate::read_text(&file) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(error) => return Err(error).with_context(|| format!("cannot read {}", file.display())),
    };
    let notes = render_notes(&plan, &options);
    if !args.full
        && let Some(next) = &plan.next
        && changelog_has_version(&existing, &next.version.to_string())
    {
        eprintln!(
            "{} already has a section for {}; left as it is",
            file.display(),
            next.version
        );
        return Ok(EXIT_PASS);
    }
    let (contents, printed) = if args.full {
        let full = full_changelog(&planning, notes.as_deref(), &options, &existing);
        (full.clone(), full)
    } else {
        let Some(notes) = notes else {
            eprintln!("{}; {} left as it is", no_release(&plan), file.display());
            return Ok(EXIT_PASS);
        };
        (prepend_changelog(&existing, &notes), notes)
    };
    if args.dry_run {
        output::print(&printed)?;
        eprintln!("dry run: {} not written", file.display());
        return Ok(EXIT_PASS);
    }
    output::write_atomically(&file, contents.as_bytes())?;
    match &plan.next {
        Some(next) => output::print(format!("wrote {} ({})\n", file.display(), next.version))?,
        None => output::print(format!("wrote {}\n", file.display()))?,
    }
    Ok(EXIT_PASS)
}

/// The whole changelog: the next release's notes (if any) on top, then every past release,
/// newest first, each dated by its tagged commit; an existing `# ` title line is kept.
fn full_changelog(
    planning: &Planning,
    next_notes: Option<&str>,
    options: &gate_release::NotesOptions,
    existing: &str,
) -> String {
    let releases = past_releases(&planning.history.history, &planning.config);
    let mut sections: Vec<String> = Vec::with_capacity(releases.len() + 1);
    sections.extend(next_notes.map(str::to_owned));
    let dates = planning.history.dates();
    let mut past_options = options.clone();
    for release in releases.iter().rev() {
        past_options.date = dates
            .get(release.tag.sha.as_str())
            .copied()
            .unwrap_or(options.date);
        sections.push(render_past_release(release, &past_options));
    }
    let body = sections.join("\n");
    let title = existing
        .lines()
        .next()
        .filter(|line| line.starts_with("# "))
        .unwrap_or("");
    if title.is_empty() {
        body
    } else {
        prepend_changelog(title, &body)
    }
}

fn tag(args: &TagArgs, environment: &Environment) -> anyhow::Result<u8> {
    let planning = Planning::load(&args.plan, environment)?;
    let plan = planning.plan()?;
    let options = planning.notes_options(&args.notes, environment)?;
    let (Some(next), Some(notes)) = (plan.next.as_ref(), render_notes(&plan, &options)) else {
        eprintln!("{}; no tag created", no_release(&plan));
        return Ok(EXIT_PASS);
    };
    let io = environment.io();
    let git = Git::new(&io, Path::new(HERE));
    if git
        .tag_exists(&next.tag)
        .map_err(|message| anyhow!(message))?
    {
        bail!(
            "tag {} already exists: a release is never tagged twice (was it made by hand?)",
            next.tag
        );
    }
    if git.is_dirty().map_err(|message| anyhow!(message))? {
        bail!(
            "the working tree has uncommitted changes (`git status`): commit them (such as the \
             changelog) or stash them before tagging {}",
            next.tag
        );
    }
    if args.dry_run {
        eprintln!("dry run: tag {} not created", next.tag);
    } else {
        git.create_annotated_tag(&next.tag, &notes)
            .map_err(|message| anyhow!(message))?;
    }
    output::print(format!("{}\n", next.tag))?;
    Ok(EXIT_PASS)
}

fn lint(args: &LintArgs, environment: &Environment) -> anyhow::Result<u8> {
    let outputs = output::plan(
        &args.output.format,
        args.output.output.as_deref(),
        environment,
    )?;
    let mut lint_config = settings(args.config.as_deref())?.lint;
    let mut report = GateReport::new("release");
    let (findings, checked, shown) = if let Some(range) = &args.range {
        let commits = history::range_commits(Git::new(&environment.io(), Path::new(HERE)), range)
            .map_err(|message| anyhow!(message))?;
        (
            lint_commits(&commits, &lint_config),
            commits.len(),
            "gate.toml".to_owned(),
        )
    } else if let Some(path) = &args.message_file {
        let message = crate::read_text(path)
            .with_context(|| format!("cannot read the message file {}", path.display()))?;
        // A `commit-msg` hook's file still holds git's `#` help lines.
        lint_config.comment_char = Some('#');
        let shown = path.display().to_string();
        let findings = lint_findings(&shown, &message, &lint_config)
            .into_iter()
            .map(|finding| finding.with_location(Location::line(&shown, 1)))
            .collect();
        (findings, 1, shown)
    } else {
        let message = args.message.as_deref().unwrap_or_default();
        (
            lint_findings("message", message, &lint_config),
            1,
            "gate.toml".to_owned(),
        )
    };
    for finding in findings {
        report.push(finding);
    }
    report.set_metric(
        "messages",
        Metric::Count(u64::try_from(checked).unwrap_or(u64::MAX)),
    );
    let report = Report::new(vec![report]);
    output::write_all(&report, &outputs, args.output.color, &shown, environment)?;
    Ok(report.outcome().exit_code())
}

/// A version lower than the file's is refused: a computed version lower than the
/// project's (tags missing, the wrong tag format) is a mistake until the user says otherwise.
fn refuse_lowering(
    file: &Path,
    kind: bump::FileKind,
    text: &str,
    version: &str,
    images: &[String],
) -> anyhow::Result<()> {
    let new = semver::Version::parse(version).ok();
    let current = bump::current_versions(kind, text, images)
        .map_err(|error| anyhow!("{}: {}", file.display(), error_chain(&error)))?;
    for old in current {
        let parsed = semver::Version::parse(old.trim_start_matches('v')).ok();
        if let (Some(old_version), Some(new)) = (parsed, &new)
            && new.cmp_precedence(&old_version).is_lt()
        {
            bail!(
                "{}: {version} is lower than the {old} it holds; nothing written (pass \
                 --allow-lower to write it anyway)",
                file.display()
            );
        }
    }
    Ok(())
}

fn bump_files(args: &BumpArgs, environment: &Environment) -> anyhow::Result<u8> {
    // Check every file kind before computing anything: an unknown file is a usage error.
    let mut kinds = Vec::new();
    for file in &args.files {
        let kind = bump::FileKind::of(file).ok_or_else(|| {
            anyhow!(
                "{}: gate bumps pyproject.toml, Cargo.toml, package.json and kustomization.yaml files only",
                file.display()
            )
        })?;
        kinds.push(kind);
    }
    let version = if let Some(version) = &args.to {
        semver::Version::parse(version.trim_start_matches('v'))
            .with_context(|| format!("--to {version}: not a semantic version"))?
            .to_string()
    } else {
        let planning = Planning::load(&args.plan, environment)?;
        let plan = planning.plan()?;
        let Some(next) = &plan.next else {
            eprintln!("{}; no file changed", no_release(&plan));
            return Ok(EXIT_PASS);
        };
        next.version.to_string()
    };
    // Edit everything in memory first so that one bad file leaves every file untouched.
    let mut edited = Vec::new();
    for (file, kind) in args.files.iter().zip(kinds) {
        let text =
            crate::read_text(file).with_context(|| format!("cannot read {}", file.display()))?;
        let new = bump::bump(kind, &text, &version, &args.image)
            .map_err(|error| anyhow!("{}: {}", file.display(), error_chain(&error)))?;
        if !args.allow_lower {
            refuse_lowering(file, kind, &text, &version, &args.image)?;
        }
        edited.push((file, text, new));
    }
    for (file, old, new) in edited {
        if old != new {
            output::write_atomically(file, new.as_bytes())?;
        }
        output::print(format!("{}: {version}\n", file.display()))?;
    }
    Ok(EXIT_PASS)
}
