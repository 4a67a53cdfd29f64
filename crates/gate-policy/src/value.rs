//! Conversion of parsed documents to the interpreter's value type.

use std::collections::BTreeMap;

use serde_json::Value;

/// Builds the regorus value of a document straight from a reference, without first cloning the
/// JSON tree (the conversion runs once per document and evaluation).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_regorus_own_conversion() {
        let value = serde_json::json!({"a": [1, -2, 1.5, "x", null, true], "b": {"c": u64::MAX}});
        assert_eq!(to_regorus(&value), regorus::Value::from(value.clone()));
    }
}
