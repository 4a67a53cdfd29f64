//! Where `gate supply db update` keeps the advisory data, and writing its download record. The
//! cache's format lives in `gate_supply::download_cache`; the environment and atomic writes are
//! the command line's.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use gate_supply::download_cache::{FETCH_RECORD, FetchRecord};

use crate::environment::Environment;
use crate::output::write_atomically;

/// The cache directory: `$XDG_CACHE_HOME/gate/advisory-db`, else `$HOME/.cache/gate/advisory-db`.
/// A relative `XDG_CACHE_HOME` is ignored, as the XDG base directory specification says.
pub fn default_dir(environment: &Environment) -> Option<PathBuf> {
    let base = match &environment.xdg_cache_home {
        Some(path) if path.is_absolute() => path.clone(),
        _ => environment.home.as_ref()?.join(".cache"),
    };
    Some(base.join("gate").join("advisory-db"))
}

/// The directory given, or the default one; an error says which variables were missing.
pub fn dir_or_default(given: Option<&Path>, environment: &Environment) -> anyhow::Result<PathBuf> {
    match given {
        Some(path) => Ok(path.to_path_buf()),
        None => default_dir(environment).context(
            "neither XDG_CACHE_HOME nor HOME is set, so there is no default cache directory: \
             pass --cache DIR",
        ),
    }
}

/// Writes `fetched.json` in `dir` atomically.
pub fn write_record(record: &FetchRecord, dir: &Path) -> anyhow::Result<()> {
    write_atomically(&dir.join(FETCH_RECORD), record.to_json().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_directory_follows_xdg_then_home() {
        let mut environment = Environment {
            home: Some(PathBuf::from("/home/me")),
            ..Environment::default()
        };
        assert_eq!(
            default_dir(&environment),
            Some(PathBuf::from("/home/me/.cache/gate/advisory-db"))
        );
        environment.xdg_cache_home = Some(PathBuf::from("relative"));
        assert_eq!(
            default_dir(&environment),
            Some(PathBuf::from("/home/me/.cache/gate/advisory-db"))
        );
        environment.xdg_cache_home = Some(PathBuf::from("/xdg"));
        assert_eq!(
            default_dir(&environment),
            Some(PathBuf::from("/xdg/gate/advisory-db"))
        );
        assert_eq!(default_dir(&Environment::default()), None);
    }
}
