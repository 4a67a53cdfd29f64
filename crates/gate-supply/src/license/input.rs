//! Which license inputs a path given on the command line holds.

use std::path::{Path, PathBuf};

/// A place license metadata can be read from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum LicenseInput {
    /// A directory of `*.dist-info` directories: read it with
    /// [`super::read_site_packages_licenses`].
    SitePackages(PathBuf),
    /// A `node_modules` directory: read it with [`super::read_node_modules`].
    NodeModules(PathBuf),
    /// A Cargo project (the directory of its `Cargo.toml`): run `cargo metadata
    /// --format-version 1 --locked --offline` there and read the output with
    /// [`super::cargo_metadata_licenses`].
    CargoProject(PathBuf),
}

/// The license inputs a path holds, sorted: a site-packages or `node_modules` directory itself;
/// a `Cargo.toml` or `Cargo.lock` (its project); or a project directory with a `Cargo.lock`, a
/// `node_modules`, or a virtual environment (`.venv`, `venv`, or the path itself) whose
/// `lib/python*/site-packages` (`Lib/site-packages` on Windows) exists. Empty: nothing known.
pub fn find_license_inputs(path: &Path) -> Vec<LicenseInput> {
    let mut found = Vec::new();
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if path.is_file() {
        if matches!(name, "Cargo.toml" | "Cargo.lock") {
            let dir = path.parent().unwrap_or(Path::new("."));
            found.push(LicenseInput::CargoProject(dir.to_owned()));
        }
        return found;
    }
    if !path.is_dir() {
        return found;
    }
    if name == "node_modules" {
        return vec![LicenseInput::NodeModules(path.to_owned())];
    }
    if has_dist_info(path) {
        return vec![LicenseInput::SitePackages(path.to_owned())];
    }
    if path.join("Cargo.lock").is_file() && path.join("Cargo.toml").is_file() {
        found.push(LicenseInput::CargoProject(path.to_owned()));
    }
    if path.join("node_modules").is_dir() {
        found.push(LicenseInput::NodeModules(path.join("node_modules")));
    }
    for venv in [path.to_owned(), path.join(".venv"), path.join("venv")] {
        found.extend(
            venv_site_packages(&venv)
                .into_iter()
                .map(LicenseInput::SitePackages),
        );
    }
    found.sort();
    found.dedup();
    found
}

fn has_dist_info(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .filter_map(Result::ok)
            .any(|e| e.path().extension().is_some_and(|x| x == "dist-info") && e.path().is_dir())
    })
}

fn venv_site_packages(venv: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let windows = venv.join("Lib").join("site-packages");
    if windows.is_dir() {
        found.push(windows);
    }
    if let Ok(entries) = std::fs::read_dir(venv.join("lib")) {
        for entry in entries.filter_map(Result::ok) {
            let is_python = entry
                .file_name()
                .to_str()
                .is_some_and(|n| n.starts_with("python"));
            let site = entry.path().join("site-packages");
            if is_python && site.is_dir() {
                found.push(site);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_kind() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let site = root.join(".venv/lib/python3.12/site-packages");
        std::fs::create_dir_all(site.join("six-1.17.0.dist-info")).unwrap();
        std::fs::create_dir_all(root.join("node_modules/left-pad")).unwrap();
        std::fs::write(root.join("Cargo.toml"), "").unwrap();
        std::fs::write(root.join("Cargo.lock"), "").unwrap();
        assert_eq!(
            find_license_inputs(root),
            [
                LicenseInput::SitePackages(site.clone()),
                LicenseInput::NodeModules(root.join("node_modules")),
                LicenseInput::CargoProject(root.to_owned()),
            ]
        );
        assert_eq!(
            find_license_inputs(&site),
            [LicenseInput::SitePackages(site.clone())]
        );
        assert_eq!(
            find_license_inputs(&root.join("Cargo.lock")),
            [LicenseInput::CargoProject(root.to_owned())]
        );
        assert!(find_license_inputs(&root.join("missing")).is_empty());
    }
}
