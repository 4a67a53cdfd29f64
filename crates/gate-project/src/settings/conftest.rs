//! `conftest.toml`: conftest's own configuration file, so that a project set up for conftest
//! runs `gate policy test|verify|parse` unchanged.
//!
//! conftest reads `conftest.toml` from the working directory, or the file `-c/--config-file`
//! names; every key is the name of a command-line flag (`policy`, `namespace`, `data`,
//! `parser`…), and a flag given on the command line wins over the file. Paths in the file are
//! relative to the working directory, as in conftest. Keys conftest does not know are ignored,
//! as conftest (viper) ignores them; a key of the wrong type is an error naming the file and
//! line. `gate check` never reads this file: it reads gate.toml's `[policy]` section.

use std::path::Path;

use serde::Deserialize;

/// The file conftest looks for in the working directory.
pub const CONFTEST_FILE_NAME: &str = "conftest.toml";

/// The settings of a `conftest.toml`; `None` where the file does not set the key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub struct ConftestConfig {
    /// `policy`: policy paths.
    pub policy: Option<StringList>,
    /// `namespace`: namespaces (globs allowed).
    pub namespace: Option<StringList>,
    /// `data`: data paths.
    pub data: Option<StringList>,
    /// `parser`: the parser for every input.
    pub parser: Option<String>,
    /// `ignore`: the regular expression of paths to skip.
    pub ignore: Option<String>,
    /// `output`: the output format.
    pub output: Option<String>,
    /// `capabilities`: the capabilities JSON file.
    pub capabilities: Option<String>,
    /// `rego-version`: `v0` or `v1`.
    pub rego_version: Option<String>,
    /// `report` (verify): `fails`, `notes` or `full`.
    pub report: Option<String>,
    /// `all-namespaces`.
    pub all_namespaces: Option<bool>,
    /// `combine`.
    pub combine: Option<bool>,
    /// `fail-on-warn`.
    pub fail_on_warn: Option<bool>,
    /// `no-fail`.
    pub no_fail: Option<bool>,
    /// `no-color`.
    pub no_color: Option<bool>,
    /// `quiet`.
    pub quiet: Option<bool>,
    /// `suppress-exceptions`.
    pub suppress_exceptions: Option<bool>,
    /// `trace`.
    pub trace: Option<bool>,
    /// `strict`.
    pub strict: Option<bool>,
    /// `show-builtin-errors`.
    pub show_builtin_errors: Option<bool>,
    /// `junit-hide-message`.
    pub junit_hide_message: Option<bool>,
}

/// A value conftest (viper) takes as a list: a list of strings, or one string (which a comma
/// splits, like a flag's value).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum StringList {
    /// `policy = "policy"` or `policy = "a,b"`.
    One(String),
    /// `policy = ["a", "b"]`.
    Many(Vec<String>),
}

impl StringList {
    /// The values.
    pub fn values(&self) -> Vec<String> {
        match self {
            StringList::One(value) => value
                .split(',')
                .filter(|part| !part.is_empty())
                .map(str::to_owned)
                .collect(),
            StringList::Many(values) => values.clone(),
        }
    }
}

impl ConftestConfig {
    /// Parses the text of a `conftest.toml`; errors name `path` and the line.
    pub fn parse(path: &Path, text: &str) -> Result<ConftestConfig, String> {
        toml::from_str(text).map_err(|error| {
            let line = error
                .span()
                .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
            let message = error.message().to_owned();
            match line {
                Some(line) => format!("{}:{line}: {message}", path.display()),
                None => format!("{}: {message}", path.display()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_conftests_keys() {
        let config = ConftestConfig::parse(
            Path::new("conftest.toml"),
            "policy = \"test\"\nnamespace = [\"a\", \"b\"]\nall-namespaces = true\nunknown = 1\n",
        )
        .unwrap();
        assert_eq!(config.policy.unwrap().values(), ["test"]);
        assert_eq!(config.namespace.unwrap().values(), ["a", "b"]);
        assert_eq!(config.all_namespaces, Some(true));
    }

    #[test]
    fn wrong_types_name_the_file_and_line() {
        let error = ConftestConfig::parse(
            Path::new("conftest.toml"),
            "policy = \"p\"\ncombine = \"yes\"\n",
        )
        .unwrap_err();
        assert!(error.starts_with("conftest.toml:2: "), "{error}");
    }
}
