//! The few git commands gate runs, through the `git` binary.

use std::path::Path;
use std::process::Command;

/// The unified diff (no context) of the change from the merge base of `base` and `HEAD` to
/// `HEAD` — what a pull request adds — with paths relative to `directory`.
pub fn diff_against(directory: &Path, base: &str) -> Result<String, String> {
    let range = format!("{base}...HEAD");
    let output = Command::new("git")
        .args([
            "diff",
            "-U0",
            "--no-color",
            "--no-ext-diff",
            "--relative",
            &range,
            "--",
        ])
        .current_dir(directory)
        .output()
        .map_err(|error| format!("cannot run git: {error}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!("`git diff {range}` failed: {}", stderr.trim()));
    }
    String::from_utf8(output.stdout)
        .map_err(|_| format!("`git diff {range}` printed text that is not UTF-8"))
}
