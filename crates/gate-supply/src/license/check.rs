//! The check: license records × policy → a `supply` [`GateReport`].

use gate_core::{Finding, GateReport, Location, Metric, Rule, Verdict};

use super::normalise::Normalised;
use super::policy::LicensePolicy;
use super::record::{LicenseRecord, LicenseSource};
use super::resolve::{Resolution, resolve};

/// A dependency's license is not allowed, is denied, or cannot be determined.
pub static LICENSE: Rule = Rule {
    id: "supply/license",
    summary: "Every dependency's license satisfies the allowlist.",
    help: "Replace the dependency, or have the license reviewed and add it to the allowlist. \
           When the metadata is wrong or says nothing, add a clarification (package → SPDX \
           expression, with a reason). For a one-off exception, waive the package name (rule \
           `supply/license`, target = the package) with a reason and an expiry date.",
};

/// Checks each record's license against the policy: one `supply/license` finding per package
/// that fails (target = the package name in its ecosystem's normal form, as the audit names
/// packages: `PyYAML` → `pyyaml`; location = its entry in the lockfile when known, else its
/// metadata file), none for those that pass. The gate is named `supply`, like the audit's, so a run can merge both.
///
/// An expression passes when `spdx` evaluation with "allowed and not denied" per term is true:
/// `Apache-2.0 OR BSD-3-Clause` passes with only Apache-2.0 allowed, `MPL-2.0 AND MIT` does
/// not with only MIT, and `X WITH exception` needs an entry with that exception.
pub fn check_licenses(records: &[LicenseRecord], policy: &LicensePolicy) -> GateReport {
    let mut report = GateReport::new("supply");
    let (mut rejected, mut unknown) = (0u64, 0u64);
    for record in records {
        let resolution = resolve(record, &policy.clarify);
        let finding = match &resolution {
            Resolution::Spdx {
                expression,
                source,
                clarified,
            } => {
                let failures = match expression
                    .expression()
                    .evaluate_with_failures(|req| !policy.is_denied(req) && policy.is_allowed(req))
                {
                    Ok(()) => continue,
                    Err(failures) => failures,
                };
                rejected += 1;
                let terms: Vec<&spdx::LicenseReq> = failures.iter().map(|f| &f.req).collect();
                rejection(
                    record,
                    expression,
                    source,
                    clarified.as_deref(),
                    &terms,
                    policy,
                )
            }
            Resolution::Unresolved { .. } => {
                unknown += 1;
                base(
                    record,
                    policy.unknown,
                    format!(
                        "{}: license unknown: {} (declared {})",
                        package_and_version(record),
                        resolution.explain(),
                        record.declared_summary()
                    ),
                )
                .with_detail("reason", "unknown")
                .with_detail("why", resolution.explain())
            }
        };
        report.push(finding);
    }
    report.set_metric("license-packages", Metric::Count(records.len() as u64));
    report.set_metric("license-rejected", Metric::Count(rejected));
    report.set_metric("license-unknown", Metric::Count(unknown));
    report
}

/// The finding for a resolved license the policy does not accept, naming the failing terms.
fn rejection(
    record: &LicenseRecord,
    expression: &Normalised,
    source: &LicenseSource,
    clarified: Option<&str>,
    failures: &[&spdx::LicenseReq],
    policy: &LicensePolicy,
) -> Finding {
    let (denied, not_allowed): (Vec<&&spdx::LicenseReq>, Vec<&&spdx::LicenseReq>) =
        failures.iter().partition(|req| policy.is_denied(req));
    let names = |reqs: Vec<&&spdx::LicenseReq>| -> Vec<String> {
        reqs.into_iter().map(ToString::to_string).collect()
    };
    let (denied, not_allowed) = (names(denied), names(not_allowed));
    let mut parts = Vec::new();
    if !denied.is_empty() {
        parts.push(format!("denied: {}", denied.join(", ")));
    }
    if !not_allowed.is_empty() {
        parts.push(format!("not allowed: {}", not_allowed.join(", ")));
    }
    let declared = match clarified {
        Some(reason) => format!(
            "clarified as {expression}: {reason}; declared {}",
            record.declared_summary()
        ),
        None => format!("declared {}", record.declared_summary()),
    };
    let reason = if denied.is_empty() {
        "not-allowed"
    } else {
        "denied"
    };
    let mut finding = base(
        record,
        Verdict::Fail,
        format!(
            "{}: license {expression} ({declared}) is not acceptable ({})",
            package_and_version(record),
            parts.join("; ")
        ),
    )
    .with_identity(format!(
        "{} {expression}",
        record.ecosystem.normalise_name(&record.package)
    ))
    .with_detail("expression", expression.as_str())
    .with_detail("decided-by", source.to_string())
    .with_detail("reason", reason)
    .with_detail("denied", denied)
    .with_detail("not-allowed", not_allowed);
    if let Some(why) = clarified {
        finding = finding.with_detail("clarification", why);
    }
    finding
}

/// `name version`, or the name alone when the version is unknown.
fn package_and_version(record: &LicenseRecord) -> String {
    if record.version.is_empty() {
        record.package.clone()
    } else {
        format!("{} {}", record.package, record.version)
    }
}

fn base(record: &LicenseRecord, verdict: Verdict, message: String) -> Finding {
    let path = record.path.to_string_lossy().into_owned();
    let line = record.declared.iter().find_map(|d| d.line);
    let location = match (&record.locked_at, line) {
        (Some((lockfile, line)), _) => Location::line(lockfile.to_string_lossy(), *line),
        (None, Some(line)) => Location::line(path, line),
        (None, None) => Location::file(path),
    };
    let declared: Vec<serde_json::Value> = record
        .declared
        .iter()
        .map(|d| serde_json::json!({ "source": d.source.to_string(), "value": d.value }))
        .collect();
    let package = record.ecosystem.normalise_name(&record.package);
    // Package and license, not the version: a version bump does not make it a new problem.
    let identity = format!("{package} {}", record.declared_summary());
    Finding::new(&LICENSE, verdict, message)
        .with_identity(identity)
        .with_target(package)
        .with_location(location)
        .with_detail("package", record.package.clone())
        .with_detail("version", record.version.clone())
        .with_detail("ecosystem", record.ecosystem.osv_name())
        .with_detail("declared", declared)
}
