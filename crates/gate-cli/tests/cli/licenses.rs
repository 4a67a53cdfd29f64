//! `gate supply licenses` and `[supply.licenses]`: the allowlist, clarifications, exceptions,
//! the inventory.

use crate::{code, copy_of, fixture, gate, human_stdout, stderr, stdout, unwrapped};

const ALLOW: [&str; 10] = [
    "--allow",
    "MIT",
    "--allow",
    "Apache-2.0",
    "--allow",
    "MPL-2.0",
    "--allow",
    "BSD-3-Clause",
    "--clarify",
    "idna=BSD-3-Clause",
];

fn licenses(extra: &[&str]) -> std::process::Output {
    let mut args = vec!["supply", "licenses", "site-packages"];
    args.extend_from_slice(&ALLOW);
    args.extend_from_slice(extra);
    gate(&fixture("licenses"), &args)
}

#[test]
fn an_unapproved_license_fails_and_names_the_package() {
    let output = licenses(&["--color", "never"]);
    assert_eq!(code(&output), 1, "{}{}", stdout(&output), stderr(&output));
    let text = human_stdout(&output);
    assert!(text.contains("supply/license"), "{text}");
    assert!(
        text.contains("mutagen 1.47.0: license GPL-2.0-or-later"),
        "{text}"
    );
    assert!(
        text.contains("site-packages/mutagen-1.47.0.dist-info/METADATA:4"),
        "{text}"
    );
    assert!(!text.contains("idna"), "idna is clarified: {text}");
}

#[test]
fn allowing_the_license_passes_and_deny_wins() {
    let output = licenses(&["--allow", "GPL-2.0-or-later"]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    let output = licenses(&["--allow", "GPL-2.0-or-later", "--deny", "GPL-2.0-or-later"]);
    assert_eq!(code(&output), 1, "{}", stdout(&output));
    assert!(
        stdout(&output).contains("denied: GPL-2.0-or-later"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn an_unknown_license_fails_unless_told_to_warn() {
    let args = [
        "supply",
        "licenses",
        "site-packages",
        "--allow",
        "MIT",
        "--allow",
        "Apache-2.0",
        "--allow",
        "MPL-2.0",
        "--allow",
        "GPL-2.0-or-later",
    ];
    let output = gate(&fixture("licenses"), &args);
    assert_eq!(code(&output), 1);
    assert!(
        stdout(&output).contains("idna 3.10: license unknown"),
        "{}",
        stdout(&output)
    );
    let mut warn = args.to_vec();
    warn.extend(["--unknown", "warn"]);
    let output = gate(&fixture("licenses"), &warn);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    assert!(stdout(&output).contains("1 warning"), "{}", stdout(&output));
}

#[test]
fn bad_arguments_are_usage_errors() {
    let output = gate(
        &fixture("licenses"),
        &["supply", "licenses", "site-packages"],
    );
    assert_eq!(code(&output), 2, "--allow is required");
    let output = licenses(&["--clarify", "idna"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("expected PACKAGE=EXPRESSION"),
        "{}",
        stderr(&output)
    );
    let output = gate(
        &fixture("licenses"),
        &["supply", "licenses", "site-packages", "--allow", "BSD"],
    );
    assert_eq!(code(&output), 2, "{}{}", stdout(&output), stderr(&output));
    let output = gate(
        &fixture("licenses"),
        &["supply", "licenses", "nowhere", "--allow", "MIT"],
    );
    assert_eq!(code(&output), 2);
    assert!(
        stdout(&output).contains("no license metadata found"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn list_prints_the_inventory_as_table_json_and_csv() {
    let directory = fixture("licenses");
    let output = gate(
        &directory,
        &["supply", "licenses", "site-packages", "--list"],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    insta::assert_snapshot!("licenses_list_table", stdout(&output));
    let output = gate(
        &directory,
        &[
            "supply",
            "licenses",
            "site-packages",
            "--list",
            "--list-format",
            "json",
            "--clarify",
            "idna=BSD-3-Clause",
        ],
    );
    let rows: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let idna = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["Name"] == "idna")
        .unwrap();
    assert_eq!(idna["License"], "BSD-3-Clause");
    let output = gate(
        &directory,
        &[
            "supply",
            "licenses",
            "site-packages",
            "--list",
            "--list-format",
            "csv",
        ],
    );
    let text = stdout(&output);
    assert!(
        text.starts_with("Name,Version,License,Source,Path\n"),
        "{text}"
    );
    assert!(
        text.contains("\nmutagen,1.47.0,GPL-2.0-or-later,License,"),
        "{text}"
    );
}

#[test]
fn gate_check_runs_the_license_check_with_exceptions_as_waivers() {
    let directory = copy_of("licenses");
    let config = "[supply.licenses]\npaths = [\"site-packages\"]\nallow = [\"MIT\", \"Apache-2.0\", \"MPL-2.0\", \"BSD-3-Clause\"]\n\
        clarify = [{ package = \"idna\", license = \"BSD-3-Clause\", reason = \"LICENSE.md\" }]\n\
        exceptions = [{ package = \"mutagen\", reason = \"internal tool, not distributed\", expires = 2026-12-31 }]\n";
    std::fs::write(directory.path().join("gate.toml"), config).unwrap();
    let output = gate(directory.path(), &["check", "--today", "2026-12-01"]);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    assert!(
        stdout(&output).contains("waived until 2026-12-31: internal tool, not distributed"),
        "{}",
        stdout(&output)
    );
    let output = gate(
        directory.path(),
        &["check", "--today", "2027-01-01", "--color", "never"],
    );
    assert_eq!(code(&output), 1);
    assert!(
        stdout(&output).contains("waiver/expired  gate.toml:5"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn license_config_errors_name_their_line() {
    let directory = copy_of("licenses");
    std::fs::write(
        directory.path().join("gate.toml"),
        "[supply.licenses]\npaths = [\"site-packages\"]\nallow = [\"MIT\", \"BSD\"]\n",
    )
    .unwrap();
    let output = gate(directory.path(), &["check"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("gate.toml:3:17: [supply.licenses]"),
        "{}",
        stderr(&output)
    );
    std::fs::write(
        directory.path().join("gate.toml"),
        "[supply.licenses]\npaths = [\"site-packages\"]\nallow = [\"MIT\"]\nunknown = \"ignore\"\n",
    )
    .unwrap();
    let output = gate(directory.path(), &["check"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("gate.toml:4:11:"),
        "{}",
        stderr(&output)
    );
}

/// Real dist-info folders (gate-supply's fixture, described in its README): itsdangerous ships
/// an undeclared `LICENSE.txt`, `prompt_toolkit` lists `AUTHORS.rst` as a license file, and
/// docutils' declared `licenses/COPYING.rst` was removed.
fn real_dist_infos() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../gate-supply/tests/fixtures/licenses-files")
}

#[test]
fn a_missing_license_file_fails_its_package_and_every_other_is_still_judged() {
    let args = [
        "supply",
        "licenses",
        "site-packages",
        "--allow",
        "MIT",
        "--allow",
        "BSD-3-Clause",
        "--allow",
        "Apache-2.0",
        "--color",
        "never",
    ];
    let output = gate(&real_dist_infos(), &args);
    let text = human_stdout(&output);
    assert_eq!(code(&output), 1, "{text}{}", stderr(&output));
    assert!(
        text.contains("docutils 0.23.1: license unknown:")
            && text.contains(
                "license file site-packages/docutils-0.23.1.dist-info/licenses/COPYING.rst: \
                 cannot read site-packages/docutils-0.23.1.dist-info/licenses/COPYING.rst"
            ),
        "{text}"
    );
    assert!(
        text.contains("certifi 2026.10.19.post1: license MPL-2.0"),
        "{text}"
    );
    // itsdangerous (undeclared LICENSE.txt) and prompt_toolkit (AUTHORS.rst left out) pass.
    assert!(
        !text.contains("itsdangerous") && !text.contains("prompt_toolkit"),
        "{text}"
    );
    assert!(text.contains("2 failures"), "{text}");
}

#[test]
fn messages_and_fingerprints_are_identical_run_to_run() {
    // A license file holding prompt_toolkit's list of authors: a text no license is close to,
    // where the closest license used to change on every run.
    let directory = copy_of("licenses");
    let info = directory
        .path()
        .join("site-packages/prompt_toolkit-3.0.53.dist-info");
    std::fs::create_dir_all(info.join("licenses")).unwrap();
    std::fs::copy(
        real_dist_infos()
            .join("site-packages/prompt_toolkit-3.0.53.dist-info/licenses/AUTHORS.rst"),
        info.join("licenses/LICENSE.txt"),
    )
    .unwrap();
    std::fs::write(
        info.join("METADATA"),
        "Metadata-Version: 2.4\nName: prompt_toolkit\nVersion: 3.0.53\nLicense-File: LICENSE.txt\n\n",
    )
    .unwrap();
    let args = [
        "supply",
        "licenses",
        "site-packages",
        "--allow",
        "MIT",
        "--format",
        "sarif",
        "--format",
        "gitlab=gl.json",
        "--format",
        "human=human.txt",
    ];
    let run = || {
        let output = gate(directory.path(), &args);
        assert_eq!(code(&output), 1, "{}", stderr(&output));
        let read = |name: &str| std::fs::read(directory.path().join(name)).unwrap();
        (output.stdout, read("gl.json"), read("human.txt"))
    };
    let first = run();
    let human = unwrapped(&String::from_utf8_lossy(&first.2));
    assert!(
        human.contains("a license text not recognised (no known license is close)"),
        "{human}"
    );
    assert!(!human.contains("closest"), "{human}");
    for _ in 0..4 {
        assert!(run() == first, "the output changed between runs");
    }
}

#[test]
fn license_file_paths_in_messages_are_relative_to_the_project() {
    // Run from a subdirectory: gate.toml's paths are then resolved to absolute ones, and the
    // checkout's location must not leak into messages (nor into their fingerprints).
    let directory = copy_of("licenses");
    std::fs::write(
        directory.path().join("gate.toml"),
        "[supply.licenses]\npaths = [\"site-packages\"]\nallow = [\"MIT\"]\n",
    )
    .unwrap();
    let sub = directory.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let output = gate(&sub, &["check", "--color", "never"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let text = human_stdout(&output);
    assert!(
        text.contains(
            "license file site-packages/mutagen-1.47.0.dist-info/licenses/COPYING: COPYING"
        ),
        "{text}"
    );
    let root = directory.path().to_string_lossy().into_owned();
    assert!(!text.contains(&root), "{text}");
}
