//! conftest's output formats as pure functions from results to text, byte-compatible with
//! conftest for the same results: [`conftest_stdout()`], [`conftest_json()`], [`conftest_tap`], and `parse`'s
//! [`conftest_parse()`]; plus gate's own plain [`table`] (not conftest's bordered one) and
//! `verify`'s [`coverage_table`].
//! (`junit` is left to gate-core's renderers of the [`gate_core::GateReport`].)

mod conftest_json;
mod conftest_parse;
mod conftest_stdout;
mod go_json;
mod table;
mod tap;

pub use conftest_json::conftest_json;
pub use conftest_parse::conftest_parse;
pub use conftest_stdout::{StdoutOptions, conftest_stdout};
pub use table::{coverage_table, table};
pub use tap::conftest_tap;
