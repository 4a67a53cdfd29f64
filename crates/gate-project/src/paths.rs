//! Paths as reports show them.

use std::path::Path;

/// A path as reports show it: relative to `root` where it is inside it, with `/` separators.
pub fn display(path: &Path, root: &Path) -> String {
    let relative = path
        .strip_prefix(root)
        .ok()
        .or_else(|| {
            let absolute_root = std::fs::canonicalize(root).ok()?;
            path.strip_prefix(absolute_root).ok()
        })
        .unwrap_or(path);
    let relative = relative.strip_prefix(".").unwrap_or(relative);
    relative.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_shown_relative_to_the_root() {
        let root = Path::new("examples/beacon");
        assert_eq!(
            display(Path::new("examples/beacon/api/requirements.txt"), root),
            "api/requirements.txt"
        );
        assert_eq!(
            display(Path::new("./api/requirements.txt"), Path::new(".")),
            "api/requirements.txt"
        );
        assert_eq!(
            display(Path::new("api/requirements.txt"), Path::new(".")),
            "api/requirements.txt"
        );
        assert_eq!(
            display(Path::new("/elsewhere/x.txt"), root),
            "/elsewhere/x.txt"
        );
    }
}
