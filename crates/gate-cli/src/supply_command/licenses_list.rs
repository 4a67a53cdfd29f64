//! `gate supply licenses --list`: the license inventory as a table, JSON or CSV.

use std::fmt::Write as _;

use gate_supply::license::InventoryRow;

use super::ListFormat;

/// Renders the inventory rows.
pub fn render(rows: &[InventoryRow], format: ListFormat) -> String {
    let cells: Vec<[String; 5]> = rows.iter().map(cells).collect();
    match format {
        ListFormat::Table => table(&cells),
        ListFormat::Json => json(&cells),
        ListFormat::Csv => csv(&cells),
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

fn json(rows: &[[String; 5]]) -> String {
    let values: Vec<serde_json::Value> = rows
        .iter()
        .map(|row| {
            serde_json::json!({
                "Name": row[0],
                "Version": row[1],
                "License": row[2],
                "Source": row[3],
                "Path": row[4],
            })
        })
        .collect();
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
