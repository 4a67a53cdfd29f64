//! The few git commands gate runs, through [`ProjectIo::git`].

use std::path::Path;

use crate::io::{CommandOutput, ProjectIo};

/// git in one directory, through the project's I/O.
#[derive(Clone, Copy)]
pub struct Git<'a> {
    io: &'a dyn ProjectIo,
    directory: &'a Path,
}

impl<'a> Git<'a> {
    /// git run in `directory` (git finds the repository from there).
    pub fn new(io: &'a dyn ProjectIo, directory: &'a Path) -> Git<'a> {
        Git { io, directory }
    }

    /// The unified diff (no context) of the change from the merge base of `base` and `HEAD` to
    /// `HEAD` — what a pull request adds — with paths relative to the directory.
    pub fn diff_against(&self, base: &str) -> Result<String, String> {
        let range = format!("{base}...HEAD");
        let output = self.run(&[
            "diff",
            "-U0",
            "--no-color",
            "--no-ext-diff",
            "--relative",
            &range,
            "--",
        ])?;
        if !output.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(format!("`git diff {range}` failed: {}", stderr.trim()));
        }
        String::from_utf8(output.stdout)
            .map_err(|_| format!("`git diff {range}` printed text that is not UTF-8"))
    }

    /// The current branch (`git rev-parse --abbrev-ref HEAD`); `None` on a detached `HEAD`.
    pub fn current_branch(&self) -> Result<Option<String>, String> {
        let name = self.text(&["rev-parse", "--abbrev-ref", "HEAD"])?;
        let name = name.trim();
        Ok((name != "HEAD" && !name.is_empty()).then(|| name.to_owned()))
    }

    /// The files git tracks under the directory, relative to it (`git ls-files`); `None`
    /// outside a work tree or without git.
    pub fn tracked_files(&self) -> Option<Vec<String>> {
        let output = self.run(&["ls-files", "-z"]).ok()?;
        output.success().then(|| {
            String::from_utf8_lossy(&output.stdout)
                .split('\0')
                .filter(|path| !path.is_empty())
                .map(str::to_owned)
                .collect()
        })
    }

    /// Where the directory is inside its git work tree (`examples/beacon/`, or empty at the
    /// top); `None` outside a work tree.
    pub fn prefix_in_repository(&self) -> Option<String> {
        let output = self.run(&["rev-parse", "--show-prefix"]).ok()?;
        output
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
    }

    /// `remote.origin.url` as configured, read with `git config --get` rather than
    /// `git remote get-url`, which applies `url.*.insteadOf` rewrites (a CI token URL, a
    /// mirror): links in the notes should point at the repository people browse. `None` when
    /// unset.
    pub fn origin_url(&self) -> Result<Option<String>, String> {
        let output = self.run(&["config", "--get", "remote.origin.url"])?;
        match output.code {
            Some(0) => Ok(Some(
                String::from_utf8_lossy(&output.stdout).trim().to_owned(),
            )),
            // `git config --get` exits 1 when the key is not set.
            Some(1) => Ok(None),
            _ => Err(failure("git config --get remote.origin.url", &output)),
        }
    }

    /// The branches semantic-release could release from: `origin`'s remote-tracking branches
    /// (what CI fetched), then local branches that `origin` does not have, as
    /// `(name, full ref)`.
    pub fn branch_refs(&self) -> Result<Vec<(String, String)>, String> {
        let text = self.text(&[
            "for-each-ref",
            "--format=%(refname)",
            "refs/remotes/origin/",
            "refs/heads/",
        ])?;
        let mut branches: Vec<(String, String)> = Vec::new();
        for reference in text.lines() {
            let name = reference
                .strip_prefix("refs/remotes/origin/")
                .or_else(|| reference.strip_prefix("refs/heads/"));
            if let Some(name) = name
                && name != "HEAD"
                && !branches.iter().any(|(known, _)| known == name)
            {
                branches.push((name.to_owned(), reference.to_owned()));
            }
        }
        Ok(branches)
    }

    /// The tags whose commits are reachable from `reference` (`git tag --merged`).
    pub fn tags_merged_into(&self, reference: &str) -> Result<Vec<String>, String> {
        let text = self.text(&["tag", "--merged", reference, "--format=%(refname:strip=2)"])?;
        Ok(text.lines().map(str::to_owned).collect())
    }

    /// Whether the working tree has changes (tracked or untracked, `.gitignore` respected).
    pub fn is_dirty(&self) -> Result<bool, String> {
        Ok(!self.text(&["status", "--porcelain"])?.trim().is_empty())
    }

    /// Whether a tag of this name exists.
    pub fn tag_exists(&self, tag: &str) -> Result<bool, String> {
        let reference = format!("refs/tags/{tag}");
        let output = self.run(&[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &reference,
        ])?;
        match output.code {
            Some(0) => Ok(true),
            Some(1) => Ok(false),
            _ => Err(failure("git rev-parse --verify", &output)),
        }
    }

    /// Creates an annotated tag on `HEAD` whose message is `message`, kept verbatim (git's
    /// default cleanup would drop the notes' `### ` headings as comment lines).
    pub fn create_annotated_tag(&self, tag: &str, message: &str) -> Result<(), String> {
        let output = self
            .io
            .git(
                self.directory,
                &["tag", "--annotate", "--cleanup=verbatim", "--file=-", tag],
                Some(message.as_bytes()),
            )
            .map_err(|error| format!("cannot run git: {error}"))?;
        if output.success() {
            Ok(())
        } else {
            Err(failure(&format!("git tag {tag}"), &output))
        }
    }

    fn run(&self, args: &[&str]) -> Result<CommandOutput, String> {
        self.io
            .git(self.directory, args, None)
            .map_err(|error| format!("cannot run git: {error}"))
    }

    /// Standard output of a git command that must succeed.
    pub(crate) fn bytes(&self, args: &[&str]) -> Result<Vec<u8>, String> {
        let output = self.run(args)?;
        if output.success() {
            Ok(output.stdout)
        } else {
            // Name the command without its plumbing (`-c` settings, formats, `--end-of-options`).
            let shown: Vec<&str> = args
                .iter()
                .copied()
                .filter(|arg| !arg.starts_with('-') && !arg.contains('='))
                .collect();
            Err(failure(&format!("git {}", shown.join(" ")), &output))
        }
    }

    pub(crate) fn text(&self, args: &[&str]) -> Result<String, String> {
        let bytes = self.bytes(args)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

fn failure(command: &str, output: &CommandOutput) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    format!("`{command}` failed: {}", stderr.trim())
}
