//! Conversions between the JSON values most parsers build and the interpreter's value type.
//!
//! Documents are held as `regorus::Value`, the form policies evaluate: the YAML parser builds it
//! straight from parser events, the other formats convert their JSON tree once when parsed.
//! Evaluation then only clones a reference per document. JSON comes back out for the outputs that
//! print documents (`parse`) and for `-d` data files.

use std::collections::BTreeMap;

use serde_json::Value;

/// Builds the regorus value of a JSON value straight from a reference, without first cloning the
/// JSON tree.
pub(crate) fn to_regorus(value: &Value) -> regorus::Value {
    match value {
        Value::Null => regorus::Value::Null,
        Value::Bool(flag) => regorus::Value::from(*flag),
        Value::Number(number) => {
            if let Some(integer) = number.as_i64() {
                regorus::Value::from(integer)
            } else if let Some(integer) = number.as_u64() {
                regorus::Value::from(integer)
            } else {
                regorus::Value::from(number.as_f64().unwrap_or(f64::NAN))
            }
        }
        Value::String(text) => regorus::Value::from(text.as_str()),
        Value::Array(items) => {
            regorus::Value::from(items.iter().map(to_regorus).collect::<Vec<_>>())
        }
        Value::Object(entries) => regorus::Value::from(
            entries
                .iter()
                .map(|(key, item)| (regorus::Value::from(key.as_str()), to_regorus(item)))
                .collect::<BTreeMap<_, _>>(),
        ),
    }
}

/// The JSON value of a document: the inverse of [`to_regorus`], number kinds included (an integer
/// stays an integer, a float a float), so printed documents read as the parser built them.
/// Values no parser produces map to their nearest JSON: sets to arrays, undefined to `null`, and
/// non-string object keys to their JSON text.
pub(crate) fn to_json(value: &regorus::Value) -> Value {
    match value {
        regorus::Value::Null | regorus::Value::Undefined => Value::Null,
        regorus::Value::Bool(flag) => Value::Bool(*flag),
        regorus::Value::Number(_) => number_to_json(value),
        regorus::Value::String(text) => Value::String(text.to_string()),
        regorus::Value::Array(items) => Value::Array(items.iter().map(to_json).collect()),
        regorus::Value::Set(items) => Value::Array(items.iter().map(to_json).collect()),
        regorus::Value::Object(entries) => Value::Object(
            entries
                .iter()
                .map(|(key, item)| {
                    let key = match key {
                        regorus::Value::String(text) => text.to_string(),
                        other => to_json(other).to_string(),
                    };
                    (key, to_json(item))
                })
                .collect(),
        ),
    }
}

/// A number with the kind it was built with. regorus does not export its number type, but it
/// formats floats with the requested decimals and integers without any, which tells them apart.
fn number_to_json(value: &regorus::Value) -> Value {
    let regorus::Value::Number(number) = value else {
        return Value::Null;
    };
    if number.format_decimal_with_width(1).contains('.') {
        number
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Null, Value::Number)
    } else if let Some(integer) = number.as_i64() {
        Value::from(integer)
    } else if let Some(integer) = number.as_u64() {
        Value::from(integer)
    } else {
        // Integers beyond 64 bits come only from arithmetic, never from a parser.
        serde_json::to_value(value).unwrap_or(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_regorus_own_conversion() {
        let value = serde_json::json!({"a": [1, -2, 1.5, "x", null, true], "b": {"c": u64::MAX}});
        assert_eq!(to_regorus(&value), regorus::Value::from(value.clone()));
    }

    #[test]
    fn json_round_trips_with_number_kinds() {
        let value = serde_json::json!({
            "a": [1, -2, 1.5, 1000.0, "x", null, true, {}],
            "b": {"c": u64::MAX, "d": i64::MIN}
        });
        let back = to_json(&to_regorus(&value));
        assert_eq!(back, value);
        assert_eq!(back.to_string(), value.to_string());
    }
}
