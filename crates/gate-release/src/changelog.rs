//! `CHANGELOG.md` updates: the new section goes on top, everything else stays byte for byte.

/// Inserts `section` (release notes ending in a newline) into an existing changelog.
///
/// When the text starts with a `# ` title line (such as `# Changelog`), the section goes after
/// the title and the blank lines that follow it; otherwise it goes first. The new section is
/// separated from what follows by one blank line. An empty `existing` gives the section alone.
///
/// ```
/// let old = "# Changelog\n\n## 1.0.0 (2026-01-01)\n\n* first\n";
/// let new = gate_release::prepend_changelog(old, "## 1.1.0 (2026-02-01)\n\n* second\n");
/// assert_eq!(
///     new,
///     "# Changelog\n\n## 1.1.0 (2026-02-01)\n\n* second\n\n## 1.0.0 (2026-01-01)\n\n* first\n"
/// );
/// ```
pub fn prepend_changelog(existing: &str, section: &str) -> String {
    let section = section.trim_end_matches(['\n', '\r']);
    if existing.trim().is_empty() {
        return format!("{section}\n");
    }
    let (head, rest) = split_title(existing);
    let mut out = String::with_capacity(existing.len() + section.len() + 4);
    out.push_str(head);
    if !head.is_empty() && !head.ends_with('\n') {
        out.push_str("\n\n");
    } else if !head.is_empty() && !head.ends_with("\n\n") {
        out.push('\n');
    }
    out.push_str(section);
    out.push('\n');
    if !rest.is_empty() {
        out.push('\n');
        out.push_str(rest);
    }
    out
}

/// Whether the changelog already has a section for `version`: a Markdown heading whose text is
/// the version, bare or as a link (`## [1.2.0](…) (date)`, `# 1.2.0 (date)`), so that running
/// `gate release changelog` twice does not add the same release twice.
///
/// ```
/// let text = "# Changelog\n\n## [1.2.0](https://example.com) (2026-01-01)\n";
/// assert!(gate_release::changelog_has_version(text, "1.2.0"));
/// assert!(!gate_release::changelog_has_version(text, "1.2"));
/// ```
pub fn changelog_has_version(existing: &str, version: &str) -> bool {
    existing.lines().any(|line| {
        let Some(heading) = line.strip_prefix('#') else {
            return false;
        };
        let text = heading.trim_start_matches('#').trim_start();
        let text = text.strip_prefix('[').unwrap_or(text);
        text.strip_prefix(version)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([']', ' ', '\t']))
    })
}

/// Splits after a leading `# title` line and the blank lines after it.
fn split_title(text: &str) -> (&str, &str) {
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    let first = &text[..first_line_end];
    if !first.starts_with("# ") && first.trim_end() != "#" {
        return ("", text);
    }
    let mut end = first_line_end;
    while let Some(line_end) = text[end..].find('\n') {
        if text[end..end + line_end].trim().is_empty() {
            end += line_end + 1;
        } else {
            break;
        }
    }
    if end == first_line_end && !first.ends_with('\n') {
        // A title with no newline at all: keep it, add the line break ourselves.
        return (first, "");
    }
    (&text[..end], &text[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECTION: &str = "## 2.0.0 (2026-11-28)\n\n* new\n";

    #[test]
    fn without_title_goes_first() {
        let old = "## 1.0.0 (2026-01-01)\n\n* old\n";
        assert_eq!(prepend_changelog(old, SECTION), format!("{SECTION}\n{old}"));
    }

    #[test]
    fn after_title_and_blank_lines_rest_intact() {
        let old = "# Changelog\n\nAll notable changes.\n\n## 1.0.0\r\n\n* old  \n\n\n";
        let new = prepend_changelog(old, SECTION);
        assert_eq!(
            new,
            format!(
                "# Changelog\n\n{SECTION}\nAll notable changes.\n\n## 1.0.0\r\n\n* old  \n\n\n"
            )
        );
        assert!(new.ends_with(&old["# Changelog\n\n".len()..]));
    }

    #[test]
    fn empty_and_title_only() {
        assert_eq!(prepend_changelog("", SECTION), SECTION);
        assert_eq!(
            prepend_changelog("# Changelog", SECTION),
            format!("# Changelog\n\n{SECTION}")
        );
        assert_eq!(
            prepend_changelog("# Changelog\n", SECTION),
            format!("# Changelog\n\n{SECTION}")
        );
    }
}
