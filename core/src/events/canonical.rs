//! The canonical encoding of an event: JSON with object keys sorted by their UTF-8 bytes, no
//! insignificant white space, integers and strings only. The bytes are stored exactly as hashed,
//! so this runs once per event, when it is sealed; verification never re-encodes.
//!
//! Sorting is done here rather than left to `serde_json::Map`, whose order silently changes to
//! insertion order when any crate in the build enables serde_json's `preserve_order` feature.

use serde_json::Value;

use crate::error::{Error, Result};

/// Encodes `value` canonically. Floating-point numbers are refused: coordinates, times and money
/// are integers (1e-7 degrees, milliseconds, fen), so a float here is a bug, not data.
pub fn encode(value: &Value) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(512);
    write(value, &mut out).map_err(|mut path| {
        path.reverse();
        Error::Encoding(format!(
            "{} is not an integer; the canonical form holds no floating point",
            path.concat()
        ))
    })?;
    Ok(out)
}

/// On a float, returns the path to it, innermost segment first (built only on failure).
fn write(value: &Value, out: &mut Vec<u8>) -> std::result::Result<(), Vec<String>> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Number(n) if n.is_i64() || n.is_u64() => {
            out.extend_from_slice(n.to_string().as_bytes())
        }
        Value::Number(n) => return Err(vec![format!(" ({n})")]),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write(item, out).map_err(|path| within(path, format!("[{i}]")))?;
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push(b'{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(key, out);
                out.push(b':');
                write(item, out).map_err(|path| within(path, format!(".{key}")))?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

fn within(mut path: Vec<String>, segment: String) -> Vec<String> {
    path.push(segment);
    path
}

/// serde_json's string escaping is deterministic: `"` `\` and control characters are escaped,
/// everything else, Chinese included, is written as raw UTF-8.
fn write_string(s: &str, out: &mut Vec<u8>) {
    // Writing a &str into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_at_every_depth_and_no_space_is_written() {
        let v = json!({"b": 1, "a": {"z": "x", "m": [3, {"y": 1, "c": 2}]}, "A": null});
        let bytes = encode(&v).unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            r#"{"A":null,"a":{"m":[3,{"c":2,"y":1}],"z":"x"},"b":1}"#
        );
    }

    #[test]
    fn chinese_is_raw_utf8_and_quotes_are_escaped() {
        let bytes = encode(&json!({"facts": "买的\"羊肉\"是猪肉\n"})).unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "{\"facts\":\"买的\\\"羊肉\\\"是猪肉\\n\"}"
        );
    }

    #[test]
    fn floats_are_refused_with_their_path() {
        let err = encode(&json!({"place": {"lat": 28.19}})).unwrap_err();
        assert!(err.to_string().contains(".place.lat"), "{err}");
    }

    #[test]
    fn extreme_integers_round_trip() {
        let v = json!({"min": i64::MIN, "max": u64::MAX});
        let bytes = encode(&v).unwrap();
        let back: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back, v);
    }
}
