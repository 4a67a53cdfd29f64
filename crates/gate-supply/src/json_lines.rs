//! Line numbers for JSON object keys: `serde_json` keeps no positions, and lockfiles want them.

use crate::dependency::LineIndex;

/// The line of the first `"key":` at or after byte `from`, with its end offset.
pub(crate) fn find_key(
    text: &str,
    lines: &LineIndex,
    key: &str,
    from: usize,
) -> Option<(u32, usize)> {
    let quoted = serde_json::to_string(key).ok()?;
    let mut at = from.min(text.len());
    while let Some(found) = text.get(at..)?.find(&quoted) {
        let start = at + found;
        let end = start + quoted.len();
        if text[end..].trim_start().starts_with(':') {
            return Some((lines.line(start), end));
        }
        at = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys_not_values() {
        let text = "{\n \"a\": \"b\",\n \"b\": 1\n}";
        let lines = LineIndex::new(text);
        assert_eq!(find_key(text, &lines, "b", 0).map(|(l, _)| l), Some(3));
        assert_eq!(find_key(text, &lines, "c", 0), None);
    }
}
