//! `gate policy fmt`: Rego whitespace only. No Rego formatter exists in Rust, so this is not
//! `opa fmt`: it only indents with tabs, removes trailing whitespace and ends the file with one
//! newline.
//!
//! ```
//! use gate_policy::fmt::normalise_whitespace;
//!
//! let text = "package main\n\ndeny contains msg if {  \n  msg := \"a\"\n}\n\n";
//! assert_eq!(
//!     normalise_whitespace(text),
//!     "package main\n\ndeny contains msg if {\n\tmsg := \"a\"\n}\n"
//! );
//! ```

/// The whitespace `opa fmt` would leave: leading spaces become tabs (the file's smallest
/// indentation step is one level), trailing whitespace goes, and the file ends with exactly one
/// newline. Lines inside raw strings (between backticks) are left alone.
pub fn normalise_whitespace(text: &str) -> String {
    let step = indent_step(text);
    let mut out = String::with_capacity(text.len());
    let mut in_raw_string = false;
    for line in text.lines() {
        if in_raw_string {
            out.push_str(line);
        } else {
            let trimmed = line.trim_end();
            let content = trimmed.trim_start_matches([' ', '\t']);
            let indent = &trimmed[..trimmed.len() - content.len()];
            let mut columns = 0;
            for character in indent.chars() {
                columns = if character == '\t' {
                    (columns / step + 1) * step
                } else {
                    columns + 1
                };
            }
            out.push_str(&"\t".repeat(columns / step));
            out.push_str(&" ".repeat(columns % step));
            out.push_str(content);
        }
        out.push('\n');
        if line.matches('`').count() % 2 == 1 {
            in_raw_string = !in_raw_string;
        }
    }
    let kept = out.trim_end_matches(['\n', ' ', '\t']).len();
    out.truncate(kept);
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// The smallest run of leading spaces on a line indented with spaces only (4 when none is).
fn indent_step(text: &str) -> usize {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start_matches(' ').len())
        .filter(|&spaces| spaces > 0)
        .min()
        .unwrap_or(4)
}

#[cfg(test)]
mod tests {
    use super::normalise_whitespace;

    #[test]
    fn spaces_become_tabs_and_trailing_whitespace_goes() {
        let text = "package main\n\ndeny contains msg if {  \n  input.x\n    msg := \"a\"\n}\n\n\n";
        assert_eq!(
            normalise_whitespace(text),
            "package main\n\ndeny contains msg if {\n\tinput.x\n\t\tmsg := \"a\"\n}\n"
        );
    }

    #[test]
    fn raw_strings_and_tabbed_files_are_left_alone() {
        let text = "package main\n\nx := `a\n  b  \n`\n\ny if {\n\ttrue\n}\n";
        assert_eq!(normalise_whitespace(text), text);
        assert_eq!(normalise_whitespace("package main"), "package main\n");
    }
}
