//! conftest's `--output tap`.

use std::fmt::Write as _;

use crate::results::CheckResult;

/// The text `conftest test -o tap` (or `verify -o tap`) prints for `checks`: per check a plan
/// line, failures, then `# warnings`, `# exceptions`, `# skip` and `# successes` sections.
///
/// conftest stops at the first check with no results at all; so does this, byte for byte.
pub fn conftest_tap(checks: &[CheckResult]) -> String {
    let mut out = String::new();
    for check in checks {
        let indicator = if check.filename == "-" {
            "-".to_owned()
        } else {
            format!("- {}", check.filename)
        };
        let namespace = if check.namespace == "-" {
            "-".to_owned()
        } else {
            format!("- {} -", check.namespace)
        };
        let total = check.total() + check.errors.len();
        if total == 0 {
            break;
        }
        let _ = writeln!(out, "1..{total}");
        let mut counter = 1;
        let mut line = |out: &mut String, status: &str, message: &str| {
            let _ = writeln!(out, "{status} {counter} {indicator} {namespace} {message}");
            counter += 1;
        };
        for failure in &check.failures {
            line(&mut out, "not ok", &failure.message);
        }
        // Beyond conftest: a document that could not be evaluated is a test that did not pass.
        for error in &check.errors {
            line(&mut out, "not ok", &format!("ERROR: {error}"));
        }
        for (heading, status, results) in [
            ("# warnings", "not ok", &check.warnings),
            ("# exceptions", "ok", &check.exceptions),
            ("# skip", "ok", &check.skipped),
        ] {
            if results.is_empty() {
                continue;
            }
            out.push_str(heading);
            out.push('\n');
            for result in results {
                line(&mut out, status, &result.message);
            }
        }
        if check.successes > 0 {
            out.push_str("# successes\n");
            for _ in 0..check.successes {
                line(&mut out, "ok", "SUCCESS");
            }
        }
    }
    out
}
