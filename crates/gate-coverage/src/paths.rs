//! Turning the paths a report names into repository-relative paths.

use std::collections::BTreeSet;
use std::path::PathBuf;

/// How report paths become repository-relative: an optional root to strip and prefix mappings for
/// reports written elsewhere (`/app/src` inside a container is `api/src` in the repository).
///
/// ```
/// use gate_coverage::PathMap;
///
/// let map = PathMap::new().with_root("/work/repo").with_prefix("/app/src", "api/src");
/// assert_eq!(map.normalise("/work/repo/worker/main.py"), "worker/main.py");
/// assert_eq!(map.normalise("/app/src/handlers.py"), "api/src/handlers.py");
/// assert_eq!(map.normalise(r".\lib\util.py"), "lib/util.py");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathMap {
    root: Option<String>,
    base: Option<String>,
    prefixes: Vec<(String, String)>,
    known: BTreeSet<String>,
    checkout: Option<PathBuf>,
}

impl PathMap {
    /// No root and no mappings: relative paths are kept (cleaned), absolute ones too.
    pub fn new() -> PathMap {
        PathMap::default()
    }

    /// Strips this directory (the repository root, usually absolute) from paths inside it.
    #[must_use]
    pub fn with_root(mut self, root: impl AsRef<str>) -> PathMap {
        let root = clean(root.as_ref());
        self.root = (!root.is_empty() && root != ".").then_some(root);
        self
    }

    /// The repository-relative directory that relative paths in the report start from: a report
    /// written in `api/` by a tool run there names `app.py` for `api/app.py`.
    #[must_use]
    pub fn with_base(mut self, base: impl AsRef<str>) -> PathMap {
        let base = clean(base.as_ref());
        self.base = (!base.is_empty() && base != ".").then_some(base);
        self
    }

    /// Rewrites paths starting with `from` (whole segments) to start with `to` instead.
    /// The longest matching `from` wins. Applies before the root is stripped.
    #[must_use]
    pub fn with_prefix(mut self, from: impl AsRef<str>, to: impl AsRef<str>) -> PathMap {
        self.prefixes
            .push((clean(from.as_ref()), clean(to.as_ref())));
        self.prefixes
            .sort_by_key(|(from, _)| std::cmp::Reverse(from.len()));
        self
    }

    /// The repository's files (repository-relative, such as `git ls-files` prints them): a
    /// relative report name resolves to the candidate the repository has (see
    /// [`PathMap::resolve`]).
    #[must_use]
    pub fn with_known_files<I, S>(mut self, files: I) -> PathMap
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.known = files.into_iter().map(|f| clean(f.as_ref())).collect();
        self
    }

    /// The project's directory on disk: a relative report name resolves to the candidate that
    /// exists there as a file when git's list (see [`PathMap::with_known_files`]) does not have
    /// it, so reports work without git and for untracked (generated) files. The only file
    /// access of a `PathMap`.
    #[must_use]
    pub fn with_checkout(mut self, directory: impl Into<PathBuf>) -> PathMap {
        self.checkout = Some(directory.into());
        self
    }

    /// The repository-relative form of a path; a path outside the root stays as it is (cleaned).
    pub fn normalise(&self, path: &str) -> String {
        self.relative(path).unwrap_or_else(|| clean(path))
    }

    /// The repository-relative form of `path`, or `None` when it is absolute and outside the root
    /// and no mapping applies.
    pub fn relative(&self, path: &str) -> Option<String> {
        let path = clean(path);
        if let Some((from, to)) = self.mapping(&path) {
            // A mapping's target is already repository-relative (or under the root). A target of
            // `.` is the root itself: joining it as `/rest` would make an absolute path.
            let rest = strip_segments(&path, from).unwrap_or_default();
            let mapped = if to.is_empty() {
                clean(rest)
            } else {
                clean(&format!("{to}/{rest}"))
            };
            return self.strip_root(mapped);
        }
        if is_absolute(&path) {
            return self.strip_root(path);
        }
        Some(match &self.base {
            Some(base) => clean(&format!("{base}/{path}")),
            None => path,
        })
    }

    fn strip_root(&self, path: String) -> Option<String> {
        if let Some(root) = &self.root
            && let Some(rest) = strip_segments(&path, root)
        {
            return Some(rest.to_owned());
        }
        (!is_absolute(&path)).then_some(path)
    }

    /// Resolves a name as a report wrote it (a Cobertura `filename` with its `<source>`
    /// directories, an LCOV `SF:`, a coverage.py JSON key) to the name gate shows and matches.
    ///
    /// An absolute name is [`PathMap::normalise`]d. A relative name has these candidates, in
    /// order: each `<source>` joined with it (and mapped), when that lies in the project; the
    /// name mapped if a mapping applies to it, else the base (the report's directory) joined
    /// with it; the name as written, which is what diff-cover matches when run from the
    /// project. The first candidate the project has (git's list, then the disk) wins; when it
    /// has none, the first candidate. A name is never joined onto a directory outside the
    /// project: a report downloaded from another job keeps its own relative names.
    pub fn resolve(&self, filename: &str, sources: &[String]) -> String {
        let name = clean(filename);
        if is_absolute(&name) {
            return self.normalise(&name);
        }
        let mut candidates: Vec<String> = sources
            .iter()
            .map(|source| source.trim())
            .filter(|source| !source.is_empty())
            .filter_map(|source| self.relative(&format!("{source}/{name}")))
            .filter(|found| inside(found))
            .collect();
        if self.mapping(&name).is_some() {
            candidates.extend(self.relative(&name));
        } else if let Some(base) = &self.base {
            candidates.push(clean(&format!("{base}/{name}")));
        }
        candidates.push(name);
        candidates
            .iter()
            .find(|found| inside(found) && self.exists(found))
            .unwrap_or(&candidates[0])
            .clone()
    }

    fn mapping(&self, path: &str) -> Option<&(String, String)> {
        self.prefixes
            .iter()
            .find(|(from, _)| strip_segments(path, from).is_some())
    }

    /// The project has this project-relative file: git tracks it, or it is on disk.
    fn exists(&self, relative: &str) -> bool {
        self.known.contains(relative)
            || self
                .checkout
                .as_ref()
                .is_some_and(|directory| directory.join(relative).is_file())
    }
}

/// A relative path that does not climb out of the project.
fn inside(path: &str) -> bool {
    !is_absolute(path) && path != ".." && !path.starts_with("../")
}

/// `rest` when `path` is `prefix` followed by a `/` (or equal to it).
fn strip_segments<'p>(path: &'p str, prefix: &str) -> Option<&'p str> {
    if prefix.is_empty() || prefix == "." {
        return Some(path);
    }
    let rest = path.strip_prefix(prefix)?;
    if rest.is_empty() {
        Some("")
    } else if prefix.ends_with('/') {
        Some(rest)
    } else {
        rest.strip_prefix('/')
    }
}

fn is_absolute(path: &str) -> bool {
    let bytes = path.as_bytes();
    path.starts_with('/')
        || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':')
}

/// `/` separators, no `.` segments, `..` resolved where possible, no doubled or trailing slashes.
pub(crate) fn clean(path: &str) -> String {
    let path = path.trim().replace('\\', "/");
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(last) if *last != ".." => {
                    parts.pop();
                }
                _ if absolute => {}
                _ => parts.push(".."),
            },
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_base_prefixes_relative_paths_only() {
        let map = PathMap::new()
            .with_root("/ci/repo")
            .with_base("api")
            .with_prefix("/app", "api");
        assert_eq!(map.normalise("beacon_api/app.py"), "api/beacon_api/app.py");
        assert_eq!(
            map.normalise("/ci/repo/api/beacon_api/app.py"),
            "api/beacon_api/app.py"
        );
        assert_eq!(
            map.normalise("/app/beacon_api/app.py"),
            "api/beacon_api/app.py"
        );
        assert_eq!(
            map.resolve("app.py", &["beacon_api".to_owned()]),
            "api/beacon_api/app.py"
        );
    }

    #[test]
    fn cleans_separators_and_dots() {
        assert_eq!(clean("./a//b/../c.py"), "a/c.py");
        assert_eq!(clean("a\\b.py"), "a/b.py");
        assert_eq!(clean("/x/./y/"), "/x/y");
        assert_eq!(clean("../up.py"), "../up.py");
    }

    #[test]
    fn root_is_stripped_on_segment_boundaries_only() {
        let map = PathMap::new().with_root("/repo");
        assert_eq!(map.normalise("/repo/a.py"), "a.py");
        assert_eq!(map.normalise("/repository/a.py"), "/repository/a.py");
        assert_eq!(map.relative("/elsewhere/a.py"), None);
    }

    #[test]
    fn longest_prefix_mapping_wins() {
        let map = PathMap::new()
            .with_prefix("/app", "svc")
            .with_prefix("/app/src", "api/src");
        assert_eq!(map.normalise("/app/src/x.py"), "api/src/x.py");
        assert_eq!(map.normalise("/app/other/x.py"), "svc/other/x.py");
    }

    #[test]
    fn cobertura_filenames_resolve_against_sources() {
        let map = PathMap::new().with_root("/home/ci/repo");
        let sources = vec![
            " /somewhere/else ".to_owned(),
            "\n  /home/ci/repo/src  ".to_owned(),
        ];
        // The first source is outside the root, so the second one decides.
        assert_eq!(map.resolve("pkg/mod.py", &sources), "src/pkg/mod.py");
        // Without a root, coverage.py's relative file names are already repository-relative.
        assert_eq!(
            PathMap::new().resolve("pkg/mod.py", &["/abs".into()]),
            "pkg/mod.py"
        );
        assert_eq!(map.resolve("/home/ci/repo/a.py", &sources), "a.py");
    }

    #[test]
    fn known_files_pick_the_source_where_the_file_exists() {
        let sources = vec!["/repo/api".to_owned(), "/repo/worker".to_owned()];
        let map = PathMap::new().with_root("/repo");
        assert_eq!(map.resolve("jobs.py", &sources), "api/jobs.py");
        let map = map.with_known_files(["api/app.py", "worker/jobs.py"]);
        assert_eq!(map.resolve("jobs.py", &sources), "worker/jobs.py");
        assert_eq!(map.resolve("app.py", &sources), "api/app.py");
        // A file git does not track (yet) still resolves as it would without known files.
        assert_eq!(map.resolve("new.py", &sources), "api/new.py");
    }

    #[test]
    fn a_mapping_onto_the_root_makes_names_project_relative() {
        let map = PathMap::new()
            .with_root("/work/repo")
            .with_prefix("/app", ".");
        assert_eq!(map.normalise("/app/src/a.py"), "src/a.py");
        assert_eq!(map.resolve("src/a.py", &["/app".to_owned()]), "src/a.py");
        let map = PathMap::new().with_prefix("/app/", "./");
        assert_eq!(map.relative("/app/src/a.py").as_deref(), Some("src/a.py"));
    }

    #[test]
    fn relative_names_prefer_the_candidate_the_project_has() {
        // A report in `artifacts/` naming `src/pkg/mod.py`, written on a CI machine whose
        // checkout was elsewhere: the name as written is the file.
        let sources = ["/ci/proj".to_owned()];
        let map = PathMap::new()
            .with_root("/work/proj")
            .with_base("artifacts")
            .with_known_files(["src/pkg/mod.py"]);
        assert_eq!(map.resolve("src/pkg/mod.py", &sources), "src/pkg/mod.py");
        // A file the project lacks keeps the old preference: the report's directory.
        assert_eq!(map.resolve("src/new.py", &sources), "artifacts/src/new.py");
        // Without a base (a report outside the project) the name stays as written.
        let map = PathMap::new().with_root("/work/proj");
        assert_eq!(map.resolve("src/new.py", &sources), "src/new.py");
        assert_eq!(map.resolve("/elsewhere/x.py", &sources), "/elsewhere/x.py");
    }

    #[test]
    fn the_disk_picks_the_source_without_git() {
        // This crate's own checkout: `paths.rs` is under `src`, not under `tests`.
        let crate_dir = env!("CARGO_MANIFEST_DIR");
        let sources = vec![format!("{crate_dir}/tests"), format!("{crate_dir}/src")];
        let map = PathMap::new().with_root(crate_dir);
        assert_eq!(map.resolve("paths.rs", &sources), "tests/paths.rs");
        let map = map.with_checkout(crate_dir);
        assert_eq!(map.resolve("paths.rs", &sources), "src/paths.rs");
    }
}
