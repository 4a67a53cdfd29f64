//! coverage.py's own `fail_under` and `precision` settings, so Python projects keep one source
//! of truth: `pyproject.toml` `[tool.coverage.report]`, `.coveragerc` `[report]`, `setup.cfg`
//! `[coverage:report]`.

use std::path::Path;

use crate::{CoverageError, Threshold};

/// The `[report]` settings of coverage.py that decide pass or fail.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PythonSettings {
    /// `fail_under`, when set.
    pub fail_under: Option<Threshold>,
    /// `precision`, when set.
    pub precision: Option<u32>,
}

impl PythonSettings {
    /// Reads `[tool.coverage.report]` from `pyproject.toml` text; `file` names it in errors.
    pub fn from_pyproject(text: &str, file: &str) -> Result<PythonSettings, CoverageError> {
        let document: toml::Table = toml::from_str(text).map_err(|source| CoverageError::Toml {
            file: file.to_owned(),
            source,
        })?;
        let report = document
            .get("tool")
            .and_then(|tool| tool.get("coverage"))
            .and_then(|coverage| coverage.get("report"));
        let Some(report) = report else {
            return Ok(PythonSettings::default());
        };
        let setting = |key: &str| format!("{file}: [tool.coverage.report] {key}");
        let fail_under = match report.get("fail_under") {
            None => None,
            Some(toml::Value::Integer(value)) => Some(Threshold::parse_setting(
                &value.to_string(),
                &setting("fail_under"),
            )?),
            Some(toml::Value::Float(value)) => Some(Threshold::parse_setting(
                &value.to_string(),
                &setting("fail_under"),
            )?),
            Some(toml::Value::String(value)) => {
                Some(Threshold::parse_setting(value, &setting("fail_under"))?)
            }
            Some(other) => {
                return Err(CoverageError::InvalidThreshold {
                    setting: setting("fail_under"),
                    value: other.to_string(),
                });
            }
        };
        let precision = match report.get("precision") {
            None => None,
            Some(toml::Value::Integer(value)) => {
                Some(precision(&value.to_string(), &setting("precision"))?)
            }
            Some(toml::Value::String(value)) => Some(precision(value, &setting("precision"))?),
            Some(other) => {
                return Err(CoverageError::InvalidThreshold {
                    setting: setting("precision"),
                    value: other.to_string(),
                });
            }
        };
        Ok(PythonSettings {
            fail_under,
            precision,
        })
    }

    /// Reads `[report]` from `.coveragerc` text.
    pub fn from_coveragerc(text: &str, file: &str) -> Result<PythonSettings, CoverageError> {
        PythonSettings::from_ini(text, file, "report")
    }

    /// Reads `[coverage:report]` from `setup.cfg` (or `tox.ini`) text.
    pub fn from_setup_cfg(text: &str, file: &str) -> Result<PythonSettings, CoverageError> {
        PythonSettings::from_ini(text, file, "coverage:report")
    }

    fn from_ini(text: &str, file: &str, section: &str) -> Result<PythonSettings, CoverageError> {
        let mut settings = PythonSettings::default();
        for (key, value, line) in ini_section(text, section) {
            let setting = format!("{file}:{line}: [{section}] {key}");
            match key.as_str() {
                "fail_under" => {
                    settings.fail_under = Some(Threshold::parse_setting(&value, &setting)?);
                }
                "precision" => settings.precision = Some(precision(&value, &setting)?),
                _ => {}
            }
        }
        Ok(settings)
    }
}

/// Reads the settings from a file, choosing the reader by its name: `pyproject.toml`, `setup.cfg`
/// or `tox.ini`, anything else as a `.coveragerc`.
pub fn load_python_settings(path: &Path) -> Result<PythonSettings, CoverageError> {
    let file = path.display().to_string();
    let text = crate::read::read_text(path).map_err(|source| CoverageError::Io {
        file: file.clone(),
        source,
    })?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    match name {
        "pyproject.toml" => PythonSettings::from_pyproject(&text, &file),
        "setup.cfg" | "tox.ini" => PythonSettings::from_setup_cfg(&text, &file),
        _ if Path::new(name)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("toml")) =>
        {
            PythonSettings::from_pyproject(&text, &file)
        }
        _ => PythonSettings::from_coveragerc(&text, &file),
    }
}

fn precision(text: &str, setting: &str) -> Result<u32, CoverageError> {
    text.trim()
        .parse()
        .ok()
        .filter(|&p| p <= crate::threshold::MAX_PRECISION)
        .ok_or_else(|| CoverageError::InvalidThreshold {
            setting: setting.to_owned(),
            value: crate::error::excerpt(text),
        })
}

/// The `key = value` pairs of one section, with their 1-based lines. Follows Python's
/// `configparser` as coverage.py sets it up: `=` or `:` separators, lower-cased keys, full-line
/// comments with `#` or `;`, inline comments after whitespace, indented continuation lines.
fn ini_section(text: &str, wanted: &str) -> Vec<(String, String, usize)> {
    let mut pairs: Vec<(String, String, usize)> = Vec::new();
    let mut inside = false;
    for (index, raw) in text.lines().enumerate() {
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if trimmed.starts_with('[') && trimmed.ends_with(']') {
            inside = trimmed[1..trimmed.len() - 1].trim() == wanted;
            continue;
        }
        if !inside {
            continue;
        }
        let value_text = strip_inline_comment(trimmed);
        if raw.starts_with([' ', '\t']) {
            if let Some((_, value, _)) = pairs.last_mut() {
                value.push('\n');
                value.push_str(value_text);
            }
            continue;
        }
        let split = value_text.find(['=', ':']);
        if let Some(at) = split {
            let key = value_text[..at].trim().to_lowercase();
            let value = value_text[at + 1..].trim().to_owned();
            pairs.push((key, value, index + 1));
        }
    }
    pairs
}

fn strip_inline_comment(text: &str) -> &str {
    let bytes = text.as_bytes();
    for (index, &byte) in bytes.iter().enumerate() {
        if (byte == b'#' || byte == b';') && index > 0 && bytes[index - 1].is_ascii_whitespace() {
            return text[..index].trim_end();
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pyproject() {
        let text =
            "[project]\nname = \"x\"\n\n[tool.coverage.report]\nfail_under = 80.5\nprecision = 2\n";
        let settings = PythonSettings::from_pyproject(text, "pyproject.toml").unwrap();
        assert_eq!(settings.fail_under.unwrap().as_str(), "80.5");
        assert_eq!(settings.precision, Some(2));
        let none = PythonSettings::from_pyproject("[tool.other]\n", "pyproject.toml").unwrap();
        assert_eq!(none, PythonSettings::default());
        let integer =
            PythonSettings::from_pyproject("[tool.coverage.report]\nfail_under = 90\n", "p")
                .unwrap();
        assert_eq!(integer.fail_under.unwrap().as_str(), "90");
    }

    #[test]
    fn pyproject_errors_name_the_file() {
        let error = PythonSettings::from_pyproject("[tool.coverage.report\n", "api/pyproject.toml")
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("api/pyproject.toml: invalid TOML"),
            "{error}"
        );
        let error =
            PythonSettings::from_pyproject("[tool.coverage.report]\nfail_under = 120\n", "p.toml")
                .unwrap_err()
                .to_string();
        assert!(error.contains("fail_under"), "{error}");
    }

    #[test]
    fn reads_coveragerc_and_setup_cfg() {
        let rc = "# comment\n[run]\nbranch = True\n\n[report]\nFail_Under = 85 ; team bar\nprecision: 1\n";
        let settings = PythonSettings::from_coveragerc(rc, ".coveragerc").unwrap();
        assert_eq!(settings.fail_under.unwrap().as_str(), "85");
        assert_eq!(settings.precision, Some(1));
        let cfg = "[report]\nfail_under = 10\n[coverage:report]\nfail_under = 70.25 # why\n";
        let settings = PythonSettings::from_setup_cfg(cfg, "setup.cfg").unwrap();
        assert_eq!(settings.fail_under.unwrap().as_str(), "70.25");
        let error = PythonSettings::from_coveragerc("[report]\nfail_under = lots\n", ".coveragerc")
            .unwrap_err()
            .to_string();
        assert!(error.starts_with(".coveragerc:2:"), "{error}");
    }
}
