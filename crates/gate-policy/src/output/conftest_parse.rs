//! conftest's `parse` output.

use serde_json::Value;

use super::go_json::{self, newline_with};
use crate::parse::Parsed;

const INDENT: &str = "  ";

/// The text `conftest parse` prints (with a trailing newline): one file's value (a
/// multi-document file as an array of its documents), several files as an object keyed by path,
/// or with `combine` the `[{"path", "contents"}]` list, one entry per document sorted by path.
pub fn conftest_parse(files: &[Parsed], combine: bool) -> String {
    let mut out = String::new();
    if combine {
        let mut entries: Vec<(&str, Value)> = files
            .iter()
            .flat_map(|file| {
                file.input_values()
                    .into_iter()
                    .map(move |(_, value)| (file.path.as_str(), crate::value::to_json(value)))
            })
            .collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        if entries.is_empty() {
            out.push_str("null\n");
            return out;
        }
        out.push('[');
        for (index, (path, contents)) in entries.into_iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            newline_with(&mut out, 1, INDENT);
            out.push('{');
            newline_with(&mut out, 2, INDENT);
            out.push_str("\"path\": ");
            go_json::string(&mut out, path);
            out.push(',');
            newline_with(&mut out, 2, INDENT);
            out.push_str("\"contents\": ");
            go_json::indented(&mut out, &contents, 2, INDENT);
            newline_with(&mut out, 1, INDENT);
            out.push('}');
        }
        out.push_str("\n]\n");
        return out;
    }
    let value = match files {
        [single] => single.value(),
        files => Value::Object(
            files
                .iter()
                .map(|file| (file.path.clone(), file.value()))
                .collect(),
        ),
    };
    go_json::indented(&mut out, &value, 0, INDENT);
    out.push('\n');
    out
}
