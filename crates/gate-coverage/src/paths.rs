//! Turning the paths a report names into repository-relative paths.

use std::collections::BTreeSet;

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

    /// The repository's files (repository-relative, such as `git ls-files` prints them). With
    /// them, a Cobertura `filename` resolves against the first `<source>` where the file exists,
    /// as diff-cover does on disk; without them, the first `<source>` under the root wins.
    #[must_use]
    pub fn with_known_files<I, S>(mut self, files: I) -> PathMap
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.known = files.into_iter().map(|f| clean(f.as_ref())).collect();
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
        let mapping = self
            .prefixes
            .iter()
            .find(|(from, _)| strip_segments(&path, from).is_some());
        if let Some((from, to)) = mapping {
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

    /// Resolves a Cobertura `filename` against its `<source>` directories: the first source
    /// under which the repository has the file (with known files), else the first source that
    /// yields a repository-relative path (an untracked file), else the file name itself.
    pub fn resolve(&self, filename: &str, sources: &[String]) -> String {
        if is_absolute(&clean(filename)) {
            return self.normalise(filename);
        }
        let candidates: Vec<String> = sources
            .iter()
            .map(|source| source.trim())
            .filter(|source| !source.is_empty())
            .filter_map(|source| self.relative(&format!("{source}/{filename}")))
            .filter(|found| !found.starts_with("../"))
            .collect();
        candidates
            .iter()
            .find(|found| self.known.contains(*found))
            .or(candidates.first())
            .cloned()
            .unwrap_or_else(|| self.normalise(filename))
    }
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
}
