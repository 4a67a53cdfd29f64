//! conftest's output formats as pure functions from results to text, byte-compatible with
//! conftest for the same results: [`conftest_stdout()`], [`conftest_json()`], [`conftest_tap`],
//! [`conftest_table()`], [`conftest_github()`], [`conftest_junit()`] and `parse`'s
//! [`conftest_parse()`]; `verify --report`'s [`verify_report()`]; plus gate's own plain
//! [`table`] and `verify`'s [`coverage_table`].

mod conftest_github;
mod conftest_json;
mod conftest_junit;
mod conftest_parse;
mod conftest_stdout;
mod conftest_table;
mod go_json;
mod table;
mod tap;
mod verify_report;

pub use conftest_github::conftest_github;
pub use conftest_json::{conftest_json, read_conftest_json};
pub use conftest_junit::conftest_junit;
pub use conftest_parse::conftest_parse;
pub use conftest_stdout::{StdoutOptions, conftest_stdout};
pub use conftest_table::conftest_table;
pub use table::{coverage_table, table};
pub use tap::conftest_tap;
pub use verify_report::{ReportMode, verify_report};
