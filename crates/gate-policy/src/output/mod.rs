//! conftest's output formats as pure functions from results to text, byte-compatible with
//! conftest for the same results: [`conftest_stdout`], [`conftest_json`].

mod conftest_json;
mod conftest_stdout;
mod go_json;

pub use conftest_json::conftest_json;
pub use conftest_stdout::{StdoutOptions, conftest_stdout};
