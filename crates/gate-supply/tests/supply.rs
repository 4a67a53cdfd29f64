//! Integration tests of the supply audit: fixtures under `tests/fixtures/<case>/` and the real
//! advisory data in `../shared/advisory-db` (beside the checkout, in CI too).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use gate_supply::{Database, Ecosystem};

fn advisory_db() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/advisory-db");
    assert!(
        path.join("pypa-osv/vulns").is_dir() && path.join("rustsec-native/crates").is_dir(),
        "the real advisory data is missing at {}: these tests need shared/advisory-db beside the \
         checkout (it is there in CI); they do not skip",
        path.display()
    );
    path
}

fn pypa() -> &'static Database {
    static DB: OnceLock<Database> = OnceLock::new();
    DB.get_or_init(|| Database::load(&[advisory_db().join("pypa-osv/vulns")]).unwrap())
}

#[test]
fn loads_the_whole_pypa_database() {
    let db = pypa();
    assert!(db.len() > 2500, "{}", db.len());
    assert!(db.package_names(Ecosystem::PyPI).len() > 600);
}
