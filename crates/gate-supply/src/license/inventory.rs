//! The license inventory: one row per package, what `gate supply licenses --list` prints, and
//! its rendering as a table, JSON or CSV.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::policy::Clarification;
use super::record::{LicenseRecord, LicenseSource};
use super::resolve::{Resolution, resolve};
use crate::Ecosystem;

/// One package's license, as pip-licenses lists it plus the SPDX reading.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct InventoryRow {
    /// The package name.
    pub package: String,
    /// The version.
    pub version: String,
    /// The ecosystem.
    pub ecosystem: Ecosystem,
    /// The normalised SPDX expression, or `None` when it cannot be determined.
    pub license: Option<String>,
    /// The statement that decided, verbatim (or the first one declared when none resolved;
    /// empty when nothing is declared, where pip-licenses prints `UNKNOWN`).
    pub declared: String,
    /// Which field or file `declared` comes from.
    pub source: Option<LicenseSource>,
    /// Why the license is unknown, when it is.
    pub unknown_because: Option<String>,
    /// The metadata file.
    pub path: PathBuf,
}

/// One row per record, in the order given (clarifications applied).
pub fn inventory(records: &[LicenseRecord], clarify: &[Clarification]) -> Vec<InventoryRow> {
    records
        .iter()
        .map(|record| {
            let resolution = resolve(record, clarify);
            let (license, source, unknown_because) = match &resolution {
                Resolution::Spdx {
                    expression, source, ..
                } => (
                    Some(expression.as_str().to_owned()),
                    Some(source.clone()),
                    None,
                ),
                Resolution::Unresolved { .. } => (
                    None,
                    record.declared.first().map(|d| d.source.clone()),
                    Some(resolution.explain()),
                ),
            };
            let declared = match &source {
                Some(source) if *source != LicenseSource::Clarified => record
                    .declared
                    .iter()
                    .find(|d| d.source == *source)
                    .map(|d| d.value.clone())
                    .unwrap_or_default(),
                _ => String::new(),
            };
            InventoryRow {
                package: record.package.clone(),
                version: record.version.clone(),
                ecosystem: record.ecosystem,
                license,
                declared,
                source,
                unknown_because,
                path: record.path.clone(),
            }
        })
        .collect()
}

/// How [`render_inventory`] writes the rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InventoryFormat {
    /// Aligned columns under a header and a line of dashes.
    Table,
    /// A pretty-printed JSON array of objects.
    Json,
    /// Comma-separated values with a header row.
    Csv,
}

/// The inventory in a format, with the columns pip-licenses prints (`Name`, `Version`,
/// `License`, `Source`, `Path`); an unknown license reads `UNKNOWN (why)`. Ends with a newline.
pub fn render_inventory(rows: &[InventoryRow], format: InventoryFormat) -> String {
    let cells: Vec<[String; 5]> = rows.iter().map(cells).collect();
    match format {
        InventoryFormat::Table => table(&cells),
        InventoryFormat::Json => json(&cells),
        InventoryFormat::Csv => csv(&cells),
    }
}

const HEADER: [&str; 5] = ["Name", "Version", "License", "Source", "Path"];

fn cells(row: &InventoryRow) -> [String; 5] {
    let license = match (&row.license, &row.unknown_because) {
        (Some(license), _) => license.clone(),
        (None, Some(reason)) => format!("UNKNOWN ({reason})"),
        (None, None) => "UNKNOWN".to_owned(),
    };
    [
        row.package.clone(),
        row.version.clone(),
        license,
        row.source
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        row.path.to_string_lossy().replace('\\', "/"),
    ]
}

fn table(rows: &[[String; 5]]) -> String {
    let widths: Vec<usize> = (0..5)
        .map(|column| {
            rows.iter()
                .map(|row| row[column].chars().count())
                .chain([HEADER[column].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |row: [&str; 5]| {
        let mut text = String::new();
        for (column, cell) in row.iter().enumerate() {
            let _ = write!(text, "{cell:<width$}  ", width = widths[column]);
        }
        text.trim_end().to_owned() + "\n"
    };
    let dashes: Vec<String> = widths.iter().map(|width| "-".repeat(*width)).collect();
    let mut out = line(HEADER);
    out.push_str(&line([
        &dashes[0], &dashes[1], &dashes[2], &dashes[3], &dashes[4],
    ]));
    for row in rows {
        out.push_str(&line([&row[0], &row[1], &row[2], &row[3], &row[4]]));
    }
    out
}

/// One JSON row. The fields are declared in alphabetical order, the order a `serde_json` map
/// prints its keys in, so the bytes do not depend on whether some crate in the build turns on
/// `serde_json/preserve_order`.
#[derive(serde::Serialize)]
struct JsonRow<'r> {
    #[serde(rename = "License")]
    license: &'r str,
    #[serde(rename = "Name")]
    name: &'r str,
    #[serde(rename = "Path")]
    path: &'r str,
    #[serde(rename = "Source")]
    source: &'r str,
    #[serde(rename = "Version")]
    version: &'r str,
}

fn json(rows: &[[String; 5]]) -> String {
    let values: Vec<JsonRow> = rows
        .iter()
        .map(|row| JsonRow {
            name: &row[0],
            version: &row[1],
            license: &row[2],
            source: &row[3],
            path: &row[4],
        })
        .collect();
    // Serialising strings cannot fail.
    let mut text = serde_json::to_string_pretty(&values).unwrap_or_default();
    text.push('\n');
    text
}

fn csv(rows: &[[String; 5]]) -> String {
    let field = |cell: &str| {
        if cell.contains([',', '"', '\n']) {
            format!("\"{}\"", cell.replace('"', "\"\""))
        } else {
            cell.to_owned()
        }
    };
    let mut out = HEADER.join(",") + "\n";
    for row in rows {
        let fields: Vec<String> = row.iter().map(|cell| field(cell)).collect();
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<InventoryRow> {
        vec![
            InventoryRow {
                package: "requests".into(),
                version: "2.32.3".into(),
                ecosystem: Ecosystem::PyPI,
                license: Some("Apache-2.0".into()),
                declared: "Apache-2.0".into(),
                source: Some(LicenseSource::LicenseField),
                unknown_because: None,
                path: PathBuf::from("site-packages\\requests-2.32.3.dist-info\\METADATA"),
            },
            InventoryRow {
                package: "idna".into(),
                version: "3.10".into(),
                ecosystem: Ecosystem::PyPI,
                license: None,
                declared: "BSD License".into(),
                source: Some(LicenseSource::Classifier),
                unknown_because: Some("a \"family\", not one".into()),
                path: PathBuf::from("idna/METADATA"),
            },
            InventoryRow {
                package: "bare".into(),
                version: "1".into(),
                ecosystem: Ecosystem::Npm,
                license: None,
                declared: String::new(),
                source: None,
                unknown_because: None,
                path: PathBuf::from("node_modules/bare/package.json"),
            },
        ]
    }

    #[test]
    fn the_table_aligns_columns_and_trims_line_ends() {
        assert_eq!(
            render_inventory(&rows(), InventoryFormat::Table),
            "\
Name      Version  License                        Source      Path
--------  -------  -----------------------------  ----------  ------------------------------------------------
requests  2.32.3   Apache-2.0                     License     site-packages/requests-2.32.3.dist-info/METADATA
idna      3.10     UNKNOWN (a \"family\", not one)  Classifier  idna/METADATA
bare      1        UNKNOWN                                    node_modules/bare/package.json
"
        );
        assert_eq!(
            render_inventory(&[], InventoryFormat::Table),
            "Name  Version  License  Source  Path\n----  -------  -------  ------  ----\n"
        );
    }

    #[test]
    fn json_rows_have_sorted_keys() {
        let text = render_inventory(&rows()[..1], InventoryFormat::Json);
        assert_eq!(
            text,
            r#"[
  {
    "License": "Apache-2.0",
    "Name": "requests",
    "Path": "site-packages/requests-2.32.3.dist-info/METADATA",
    "Source": "License",
    "Version": "2.32.3"
  }
]
"#
        );
        assert_eq!(render_inventory(&[], InventoryFormat::Json), "[]\n");
    }

    #[test]
    fn csv_quotes_fields_with_commas_and_quotes() {
        assert_eq!(
            render_inventory(&rows(), InventoryFormat::Csv),
            "Name,Version,License,Source,Path\n\
             requests,2.32.3,Apache-2.0,License,site-packages/requests-2.32.3.dist-info/METADATA\n\
             idna,3.10,\"UNKNOWN (a \"\"family\"\", not one)\",Classifier,idna/METADATA\n\
             bare,1,UNKNOWN,,node_modules/bare/package.json\n"
        );
    }
}
