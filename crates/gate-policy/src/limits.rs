//! Bounds on evaluation: a wall-clock limit per document and a memory ceiling, so that no policy
//! can hang a run or exhaust the machine (Rego has neither by itself).

use std::time::{Duration, Instant};

use anyhow::bail;
use regorus::Value;

/// How long and how much memory evaluation may take. A limit that is hit is an error naming the
/// document and the rule, never a pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Wall-clock time for evaluating every checked rule on one document (for `verify`, one
    /// test). regorus checks it cooperatively, every few hundred evaluation steps.
    pub max_eval_time: Duration,
    /// Heap bytes the process may hold while policies evaluate.
    ///
    /// With the `memory-limits` feature (the `gate` binary's), regorus's allocator counts the
    /// heap of the whole process and evaluation stops past this. Without it nothing counts the
    /// heap: only the up-front refusal of a `numbers.range`/`numbers.range_step` array larger
    /// than this applies.
    pub max_memory: u64,
}

impl Limits {
    /// 10 s per document: every document of the repository's policy fixtures and the beacon
    /// example evaluates within 1 ms (a debug build), so only a runaway policy comes near it.
    pub const DEFAULT_MAX_EVAL_TIME: Duration = Duration::from_secs(10);
    /// 4 GiB: `gate policy test` on those fixtures peaks at 26 MiB resident.
    pub const DEFAULT_MAX_MEMORY: u64 = 4 << 30;

    /// Parses a duration as `--max-eval-time` and `max-eval-time` take it: `500ms`, `10s`,
    /// `2m`, or a number of seconds.
    pub fn parse_duration(text: &str) -> Result<Duration, String> {
        let text = text.trim();
        let (number, unit) = split_unit(text);
        let value: u64 = number
            .parse()
            .map_err(|_| format!("{text:?} is not a duration such as 500ms, 10s or 2m"))?;
        let duration = match unit {
            "ms" => Duration::from_millis(value),
            "" | "s" => Duration::from_secs(value),
            "m" => Duration::from_secs(value.saturating_mul(60)),
            _ => return Err(format!("{text:?}: the unit must be ms, s or m")),
        };
        if duration.is_zero() {
            return Err(format!("{text:?}: the time limit must be above zero"));
        }
        Ok(duration)
    }

    /// Parses a size as `--max-memory` and `max-memory` take it: `512MiB`, `4GiB`, `64KiB`
    /// (`K`, `M`, `G` too; all powers of 1024), or a number of bytes.
    pub fn parse_bytes(text: &str) -> Result<u64, String> {
        let text = text.trim();
        let (number, unit) = split_unit(text);
        let value: u64 = number
            .parse()
            .map_err(|_| format!("{text:?} is not a size such as 512MiB or 4GiB"))?;
        let shift = match unit {
            "" | "B" => 0,
            "K" | "KiB" => 10,
            "M" | "MiB" => 20,
            "G" | "GiB" => 30,
            _ => return Err(format!("{text:?}: the unit must be KiB, MiB or GiB")),
        };
        let bytes = value
            .checked_mul(1 << shift)
            .ok_or_else(|| format!("{text:?} is too large"))?;
        if bytes == 0 {
            return Err(format!("{text:?}: the memory limit must be above zero"));
        }
        Ok(bytes)
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_eval_time: Limits::DEFAULT_MAX_EVAL_TIME,
            max_memory: Limits::DEFAULT_MAX_MEMORY,
        }
    }
}

fn split_unit(text: &str) -> (&str, &str) {
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    (&text[..digits], text[digits..].trim_start())
}

/// `10s`, `1500ms`: how limits read in messages, in the units they are written in.
pub(crate) fn show_duration(duration: Duration) -> String {
    if duration.subsec_millis() == 0 && duration.as_secs() > 0 {
        format!("{}s", duration.as_secs())
    } else {
        format!("{}ms", duration.as_millis())
    }
}

/// `4GiB`, `64MiB`, `1000B`.
pub(crate) fn show_bytes(bytes: u64) -> String {
    for (shift, unit) in [(30, "GiB"), (20, "MiB"), (10, "KiB")] {
        if bytes >= 1 << shift && bytes.trailing_zeros() >= shift {
            return format!("{}{unit}", bytes >> shift);
        }
    }
    format!("{bytes}B")
}

/// Which limit an evaluation ran into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKind {
    /// [`Limits::max_eval_time`].
    Time(Duration),
    /// [`Limits::max_memory`].
    Memory(u64),
}

impl std::fmt::Display for LimitKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LimitKind::Time(limit) => write!(
                f,
                "time limit of {} exceeded (raise it with --max-eval-time or [policy] \
                 max-eval-time)",
                show_duration(*limit)
            ),
            LimitKind::Memory(limit) => write!(
                f,
                "memory limit of {} exceeded (raise it with --max-memory or [policy] max-memory)",
                show_bytes(*limit)
            ),
        }
    }
}

/// The limit an evaluation error reports, if it is one. regorus returns its `LimitError`, but
/// some paths turn errors into located text first, so the text is read as well.
pub(crate) fn limit_hit(error: &anyhow::Error, limits: &Limits) -> Option<LimitKind> {
    if let Some(limit) = error.downcast_ref::<regorus::LimitError>() {
        return match limit {
            regorus::LimitError::TimeLimitExceeded { .. } => {
                Some(LimitKind::Time(limits.max_eval_time))
            }
            regorus::LimitError::MemoryLimitExceeded { .. } => {
                Some(LimitKind::Memory(limits.max_memory))
            }
            regorus::LimitError::RegexSizeLimitExceeded { .. } => None,
        };
    }
    let text = error.to_string();
    if text.contains("execution exceeded time limit") {
        Some(LimitKind::Time(limits.max_eval_time))
    } else if text.contains("execution exceeded memory limit") {
        Some(LimitKind::Memory(limits.max_memory))
    } else {
        None
    }
}

/// The deadline of one document: each rule evaluated on it gets the time that is left.
pub(crate) struct Deadline {
    end: Instant,
}

/// Evaluation steps between clock reads: a read costs about as much as a few steps, and a
/// policy at the limit overruns it by microseconds.
const CHECK_INTERVAL: std::num::NonZeroU32 = std::num::NonZeroU32::new(256).unwrap();

impl Deadline {
    pub(crate) fn start(limit: Duration) -> Deadline {
        Deadline {
            end: Instant::now() + limit,
        }
    }

    /// Gives `engine` the time left before the deadline (at least a millisecond, so that a rule
    /// started at the deadline still stops at the first check).
    pub(crate) fn arm(&self, engine: &mut regorus::Engine) {
        let left = self
            .end
            .saturating_duration_since(Instant::now())
            .max(Duration::from_millis(1));
        engine.set_execution_timer_config(regorus::utils::limits::ExecutionTimerConfig {
            limit: left,
            check_interval: CHECK_INTERVAL,
        });
    }
}

/// The process's heap ceiling while policies evaluate (regorus's allocator counts the heap; see
/// [`Limits::max_memory`]), lifted again when dropped so that nothing after evaluation runs into
/// it. Without the `memory-limits` feature there is no count to limit.
pub(crate) struct MemoryLimit;

impl MemoryLimit {
    pub(crate) fn apply(limits: &Limits) -> MemoryLimit {
        #[cfg(feature = "memory-limits")]
        regorus::set_global_memory_limit(Some(limits.max_memory));
        #[cfg(not(feature = "memory-limits"))]
        let _ = limits;
        MemoryLimit
    }
}

impl Drop for MemoryLimit {
    fn drop(&mut self) {
        #[cfg(feature = "memory-limits")]
        regorus::set_global_memory_limit(None);
    }
}

/// `numbers.range` and `numbers.range_step`, which build their whole array before regorus checks
/// any limit: an array that would need more than the memory limit is refused before it is
/// allocated (`numbers.range(1, 4e8)` asked for 9.6 GB).
const RANGE: &str = "numbers.range";
const RANGE_STEP: &str = "numbers.range_step";

pub(crate) fn register_ranges(engine: &mut regorus::Engine, limits: &Limits) -> anyhow::Result<()> {
    let max_memory = limits.max_memory;
    engine.add_extension(
        RANGE.to_owned(),
        2,
        Box::new(move |params: Vec<Value>| {
            let [from, to] = params.as_slice() else {
                bail!("numbers.range expects 2 arguments");
            };
            let (from, to) = (integer(RANGE, from)?, integer(RANGE, to)?);
            let step = if to >= from { 1 } else { -1 };
            range(from, to, step, max_memory)
        }),
    )?;
    engine.add_extension(
        RANGE_STEP.to_owned(),
        3,
        Box::new(move |params: Vec<Value>| {
            let [from, to, step] = params.as_slice() else {
                bail!("numbers.range_step expects 3 arguments");
            };
            let (from, to) = (integer(RANGE_STEP, from)?, integer(RANGE_STEP, to)?);
            let step = match integer(RANGE_STEP, step) {
                Ok(step) if step > 0 => step,
                _ => bail!("{RANGE_STEP}: step must be a positive integer"),
            };
            range(from, to, if to >= from { step } else { -step }, max_memory)
        }),
    )?;
    Ok(())
}

/// An integer argument: the builtins refuse anything else (gate keeps regorus's strict builtin
/// errors).
fn integer(name: &str, value: &Value) -> anyhow::Result<i64> {
    let number = value.as_number()?;
    if !number.is_integer() {
        bail!("{name}: operand must be integer");
    }
    match number.as_i64() {
        Some(integer) => Ok(integer),
        None => bail!("{name}: could not determine number of elements"),
    }
}

/// `from`, `from + step`, … up to and including `to` (in the direction of `step`).
fn range(from: i64, to: i64, step: i64, max_memory: u64) -> anyhow::Result<Value> {
    let span = i128::from(to) - i128::from(from);
    let count = span / i128::from(step) + 1;
    let element = std::mem::size_of::<Value>() as u128;
    let needed = u128::try_from(count).unwrap_or(0).saturating_mul(element);
    if needed > u128::from(max_memory) {
        return Err(anyhow::Error::new(
            regorus::LimitError::MemoryLimitExceeded {
                usage: u64::try_from(needed).unwrap_or(u64::MAX),
                limit: max_memory,
            },
        ));
    }
    let count = usize::try_from(count).unwrap_or(0);
    let mut values = Vec::with_capacity(count);
    let mut next = i128::from(from);
    for _ in 0..count {
        values.push(Value::from(i64::try_from(next)?));
        next += i128::from(step);
    }
    Ok(Value::from(values))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EngineOptions, PolicyEngine, PolicyError, PolicySource, TestOptions, parse_as};

    fn engine(policy: &str, limits: Limits) -> PolicyEngine {
        let options = EngineOptions {
            limits,
            ..EngineOptions::default()
        };
        let source = PolicySource::new("policy/p.rego", policy);
        PolicyEngine::new(vec![source], serde_json::json!({}), &options).unwrap()
    }

    fn deny_if(condition: &str) -> String {
        format!("package main\n\ndeny contains \"x\" if {{\n  {condition}\n}}\n")
    }

    fn test_error(policy: &str, limits: Limits) -> PolicyError {
        let input = parse_as(None, "deployment.yaml", "kind: Pod\n").unwrap();
        engine(policy, limits)
            .test(&[input], &TestOptions::default())
            .unwrap_err()
    }

    /// 3000 × 3000 steps took 35 s (10 s in a debug build); the time limit stops them.
    #[test]
    fn a_slow_comprehension_stops_at_the_time_limit() {
        let limits = Limits {
            max_eval_time: Duration::from_secs(1),
            ..Limits::default()
        };
        let policy = deny_if(
            "n := numbers.range(1, 3000)\n  count([1 | some a in n; some b in n; a != b]) < 0",
        );
        let started = Instant::now();
        let error = test_error(&policy, limits);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(
            error.to_string(),
            "deployment.yaml: evaluating data.main.deny: time limit of 1s exceeded (raise it with \
             --max-eval-time or [policy] max-eval-time)"
        );
    }

    /// `numbers.range(1, 4e8)` allocated 9.6 GB up front; it is refused before allocating, with
    /// or without an allocator that counts the heap.
    #[test]
    fn a_huge_range_is_refused_before_it_is_allocated() {
        let started = Instant::now();
        let error = test_error(
            &deny_if("count(numbers.range(1, 4e8)) > 0"),
            Limits::default(),
        );
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(
            error.to_string(),
            "deployment.yaml: evaluating data.main.deny: memory limit of 4GiB exceeded (raise it \
             with --max-memory or [policy] max-memory)"
        );
        let limits = Limits {
            max_memory: 1 << 20,
            ..Limits::default()
        };
        let error = test_error(&deny_if("count(numbers.range_step(1, 1e6, 1)) > 0"), limits);
        assert!(matches!(error, PolicyError::Limit { .. }), "{error}");
    }

    /// The guarded builtins give what regorus's own give.
    #[test]
    fn ranges_match_the_builtins() {
        let expressions = [
            "numbers.range(1, 5)",
            "numbers.range(5, 1)",
            "numbers.range(-2, 2)",
            "numbers.range(3, 3)",
            "numbers.range(1.5, 3)",
            "numbers.range(1, 3.0)",
            "numbers.range_step(0, 10, 3)",
            "numbers.range_step(10, 0, 3)",
            "numbers.range_step(0, 9, 3)",
            "numbers.range_step(-5, 5, 5)",
            "numbers.range_step(0, 5, 0)",
            "numbers.range_step(0, 5, -1)",
            "numbers.range_step(0, 5.5, 1)",
        ];
        let ours = engine("package main\n", Limits::default());
        for expression in expressions {
            let mut plain = regorus::Engine::new();
            let expected = plain.eval_query(format!("x := {expression}"), false);
            let mut guarded = ours.regorus().clone();
            let actual = guarded.eval_query(format!("x := {expression}"), false);
            match (expected, actual) {
                (Ok(expected), Ok(actual)) => {
                    assert_eq!(actual.result, expected.result, "{expression}");
                }
                (Err(_), Err(_)) => {}
                (expected, actual) => panic!("{expression}: {expected:?} but {actual:?}"),
            }
        }
    }

    /// A test that runs into a limit is an error naming it, not a failed test.
    #[test]
    fn verify_stops_a_test_at_the_time_limit() {
        let limits = Limits {
            max_eval_time: Duration::from_millis(200),
            ..Limits::default()
        };
        let policy = "package main\n\ntest_slow if {\n  n := numbers.range(1, 3000)\n  \
                      count([1 | some a in n; some b in n; a != b]) > 0\n}\n";
        let error = engine(policy, limits)
            .verify(&crate::VerifyOptions::default())
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "policy/p.rego: evaluating data.main.test_slow: time limit of 200ms exceeded (raise \
             it with --max-eval-time or [policy] max-eval-time)"
        );
    }

    #[test]
    fn sizes_and_durations_parse_and_show() {
        assert_eq!(Limits::parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(
            Limits::parse_duration("250ms"),
            Ok(Duration::from_millis(250))
        );
        assert_eq!(Limits::parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(Limits::parse_duration("3"), Ok(Duration::from_secs(3)));
        assert!(Limits::parse_duration("0s").is_err());
        assert!(Limits::parse_duration("1h").is_err());
        assert!(Limits::parse_duration("fast").is_err());
        assert_eq!(Limits::parse_bytes("4GiB"), Ok(4 << 30));
        assert_eq!(Limits::parse_bytes("512M"), Ok(512 << 20));
        assert_eq!(Limits::parse_bytes("1000"), Ok(1000));
        assert!(Limits::parse_bytes("4TB").is_err());
        assert!(Limits::parse_bytes("0").is_err());
        assert!(Limits::parse_bytes("99999999999G").is_err());
        assert_eq!(show_duration(Duration::from_millis(1500)), "1500ms");
        assert_eq!(show_duration(Duration::from_secs(10)), "10s");
        assert_eq!(show_bytes(4 << 30), "4GiB");
        assert_eq!(show_bytes(1000), "1000B");
    }
}
