//! Policy throughput: documents per second for `test` with the beacon policy set (plus five more
//! files, six in all) beside the time to merely parse the same YAML, in one run.
//!
//! `cargo bench -p gate-policy --bench policy -- [N]` (default 20,000 documents; add
//! `--features mimalloc` for that allocator). Five rounds of parse-then-test, the median of each
//! phase reported, the first (cold) round beside it. Targets: ≥ 10,000 documents/s on two cores;
//! evaluation ≤ 3× the parse time.

#![allow(clippy::print_stdout, clippy::cast_precision_loss)]

// The allocator the `gate` binary uses, chosen here as a program chooses it.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: regorus_mimalloc::mimalloc::Mimalloc = regorus_mimalloc::mimalloc::Mimalloc;

use std::fmt::Write as _;
use std::time::Instant;

use gate_policy::{EngineOptions, Format, PolicyEngine, PolicySource, TestOptions, parse::parse};
use rayon::prelude::*;

const EXTRA_POLICIES: &[(&str, &str)] = &[
    (
        "labels.rego",
        r#"package main

warn contains msg if {
	not input.metadata.labels.app
	msg := sprintf("%s/%s: no app label", [input.kind, input.metadata.name])
}
"#,
    ),
    (
        "services.rego",
        r#"package main

deny contains msg if {
	input.kind == "Service"
	input.spec.type == "NodePort"
	msg := sprintf("Service/%s: NodePort services are not allowed", [input.metadata.name])
}
"#,
    ),
    (
        "configmaps.rego",
        r#"package main

deny contains msg if {
	input.kind == "ConfigMap"
	some key, _ in input.data
	some word in ["password", "secret", "token"]
	contains(lower(key), word)
	msg := sprintf("ConfigMap/%s: key %q looks like a secret", [input.metadata.name, key])
}
"#,
    ),
    (
        "privileged.rego",
        r#"package main

deny contains msg if {
	some container in input.spec.template.spec.containers
	container.securityContext.privileged
	msg := sprintf("%s/%s: container %q is privileged", [input.kind, input.metadata.name, container.name])
}
"#,
    ),
    (
        "replicas.rego",
        r#"package main

warn_replicas contains msg if {
	input.kind == "Deployment"
	input.spec.replicas < 2
	msg := sprintf("Deployment/%s: fewer than 2 replicas", [input.metadata.name])
}
"#,
    ),
];

fn manifest(index: usize) -> String {
    let name = format!("app-{index}");
    let violating = index.is_multiple_of(5);
    let image = if violating {
        "docker.io/library/nginx:latest".to_owned()
    } else {
        format!("ghcr.io/beacon/{name}:1.{}.0", index % 10)
    };
    match index % 4 {
        0 | 1 => {
            let kind = if index.is_multiple_of(4) {
                "Deployment"
            } else {
                "StatefulSet"
            };
            format!(
                "apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: {name}\n  labels:\n    app: {name}\n\
                 spec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n\
                 \x20   metadata:\n      labels:\n        app: {name}\n    spec:\n      securityContext:\n\
                 \x20       runAsNonRoot: {non_root}\n      containers:\n        - name: main\n\
                 \x20         image: {image}\n          ports:\n            - containerPort: 8080\n\
                 \x20         readinessProbe:\n            httpGet:\n              path: /healthz\n\
                 \x20             port: 8080\n          resources:\n            requests:\n\
                 \x20             cpu: 100m\n              memory: 128Mi\n            limits:\n\
                 \x20             memory: 256Mi\n",
                replicas = 1 + index % 3,
                non_root = if violating { "false" } else { "true" },
            )
        }
        2 => format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  type: {kind}\n  selector:\n\
             \x20   app: {name}\n  ports:\n    - port: 80\n      targetPort: 8080\n",
            kind = if violating { "NodePort" } else { "ClusterIP" },
        ),
        _ => format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  labels:\n    app: {name}\ndata:\n\
             \x20 QUEUE_URL: \"redis://queue:6379/0\"\n  ENABLED: on\n  {key}: \"x\"\n",
            key = if violating {
                "DB_PASSWORD"
            } else {
                "MAX_ATTEMPTS"
            },
        ),
    }
}

/// CPU seconds this process has used (all threads), from `/proc/self/stat` where it exists: on a
/// shared machine wall-clock time measures the neighbours as much as the code.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    let user: f64 = fields.get(11)?.parse().ok()?;
    let system: f64 = fields.get(12)?.parse().ok()?;
    Some((user + system) / 100.0)
}

fn main() {
    let count: usize = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(20_000);
    // Ten documents per file, as a deploy/ directory of multi-document manifests would have.
    let files: Vec<(String, String)> = (0..count.div_ceil(10))
        .map(|file| {
            let mut text = String::new();
            for index in file * 10..(file * 10 + 10).min(count) {
                let _ = writeln!(text, "---\n{}", manifest(index));
            }
            (format!("deploy/file-{file}.yaml"), text)
        })
        .collect();

    let beacon = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/beacon/policy/deployment.rego"
    );
    let mut policies = vec![PolicySource::new(
        "policy/deployment.rego",
        std::fs::read_to_string(beacon).expect("beacon policy fixture"),
    )];
    for (name, text) in EXTRA_POLICIES {
        policies.push(PolicySource::new(format!("policy/{name}"), *text));
    }
    let engine = PolicyEngine::new(policies, serde_json::json!({}), &EngineOptions::default())
        .expect("policies compile");

    let threads = rayon::current_num_threads();
    // Several rounds, each parsing then evaluating, and the median of each phase: the first
    // round runs on a cold heap (page faults land on whichever phase allocates first), and a
    // shared machine's noise is not all in one phase.
    let mut parse_rounds = Vec::new();
    let mut eval_rounds = Vec::new();
    let mut results = None;
    for _ in 0..ROUNDS {
        let (parsed, parse_round) = measure(|| {
            files
                .par_iter()
                .map(|(path, text)| parse(Format::Yaml, path, text).expect("valid YAML"))
                .collect::<Vec<_>>()
        });
        let (tested, eval_round) = measure(|| {
            engine
                .test(&parsed, &TestOptions::default())
                .expect("evaluation")
        });
        parse_rounds.push(parse_round);
        eval_rounds.push(eval_round);
        results = Some(tested);
    }
    let results = results.expect("at least one round");
    println!(
        "policy benchmark: {} documents in {} files, 6 policy files, {threads} threads, \
         {} allocator, median of {ROUNDS} rounds",
        results.documents.len(),
        files.len(),
        if cfg!(feature = "mimalloc") {
            "mimalloc"
        } else {
            "system"
        },
    );
    println!("  {}", results.totals().summary());
    report(results.documents.len(), &parse_rounds, &eval_rounds);
}

/// Prints the medians against the targets, then every round, the best rounds and the first.
fn report(documents: usize, parse_rounds: &[Round], eval_rounds: &[Round]) {
    let parse = Round::median(parse_rounds);
    let eval = Round::median(eval_rounds);
    let docs_per_second = documents as f64 / eval.wall;
    let ratio = eval.wall / parse.wall;
    let verdict = |met: bool| if met { "met" } else { "MISSED" };
    println!(
        "  parse only      {:>9.1} ms  {:>10.0} docs/s",
        parse.wall * 1000.0,
        documents as f64 / parse.wall
    );
    println!(
        "  test (evaluate) {:>9.1} ms  {:>10.0} docs/s   target >= 10000 docs/s: {}",
        eval.wall * 1000.0,
        docs_per_second,
        verdict(docs_per_second >= 10_000.0)
    );
    println!(
        "  evaluation / parse = {ratio:.2}x   target <= 3x: {}",
        verdict(ratio <= 3.0)
    );
    if let (Some(parse_cpu), Some(eval_cpu)) = (parse.cpu, eval.cpu) {
        let per_cpu_second = documents as f64 / eval_cpu;
        let cpu_ratio = eval_cpu / parse_cpu;
        println!(
            "  CPU time: parse {parse_cpu:.2} s, test {eval_cpu:.2} s ({per_cpu_second:.0} docs per \
             CPU-second, {:.0} docs/s on two free cores), evaluation / parse = {cpu_ratio:.2}x   \
             target <= 3x: {}",
            2.0 * per_cpu_second,
            verdict(cpu_ratio <= 3.0)
        );
    }
    let milliseconds = |rounds: &[Round]| {
        rounds
            .iter()
            .map(|round| format!("{:.0}", round.wall * 1000.0))
            .collect::<Vec<_>>()
            .join(" ")
    };
    println!(
        "  rounds (ms): parse {} | test {}",
        milliseconds(parse_rounds),
        milliseconds(eval_rounds)
    );
    // The median is the verdict; the best rounds, and the first (cold) round, which is what a
    // single CLI run sees, are shown beside it rather than hidden by it.
    let best = |rounds: &[Round]| {
        rounds
            .iter()
            .map(|round| round.wall)
            .fold(f64::INFINITY, f64::min)
    };
    println!(
        "  evaluation / parse: best rounds {:.2}x, first (cold) round {:.2}x",
        best(eval_rounds) / best(parse_rounds),
        eval_rounds[0].wall / parse_rounds[0].wall
    );
}

/// Rounds of parse-then-test; the median of each phase is reported.
const ROUNDS: usize = 5;

/// One timed phase: wall seconds, and CPU seconds of the whole process where measurable.
#[derive(Debug, Clone, Copy)]
struct Round {
    wall: f64,
    cpu: Option<f64>,
}

impl Round {
    /// The median wall time and the median CPU time, each on its own.
    fn median(rounds: &[Round]) -> Round {
        let middle = |mut values: Vec<f64>| {
            values.sort_by(f64::total_cmp);
            values[values.len() / 2]
        };
        let cpu: Option<Vec<f64>> = rounds.iter().map(|round| round.cpu).collect();
        Round {
            wall: middle(rounds.iter().map(|round| round.wall).collect()),
            cpu: cpu.map(middle),
        }
    }
}

fn measure<T>(work: impl FnOnce() -> T) -> (T, Round) {
    let cpu_start = cpu_seconds();
    let start = Instant::now();
    let value = work();
    let wall = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds().zip(cpu_start).map(|(end, start)| end - start);
    (value, Round { wall, cpu })
}
