//! The supply gate: offline OSV vulnerability audit of lockfiles (and, later, SPDX license
//! compliance).
//!
//! Not built yet: see the supply issues. The semantics it matches are in DESIGN.md §4 "supply".

mod cargo_lock;
mod dependency;
mod dist_info;
mod json_lines;
mod lockfile;
mod package_lock;
mod pipfile_lock;
mod poetry_lock;
mod pylock;
mod read_error;
mod requirements;
mod uv_lock;

pub use cargo_lock::parse_cargo_lock;
pub use dependency::{Dependency, Ecosystem, Origin, Relation, VersionSpec};
pub use dist_info::{Metadata, parse_dist_info, parse_metadata, read_site_packages};
pub use lockfile::{LockfileKind, find_lockfiles, read_lockfile};
pub use package_lock::parse_package_lock;
pub use pipfile_lock::parse_pipfile_lock;
pub use poetry_lock::parse_poetry_lock;
pub use pylock::parse_pylock;
pub use read_error::ReadError;
pub use requirements::{Include, IncludeKind, Requirements, parse_requirements, read_requirements};
pub use uv_lock::parse_uv_lock;
