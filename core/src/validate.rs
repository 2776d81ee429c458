//! Checks for text that officers type: documented limits, one rule per kind of field.

use crate::error::{Error, Result};

/// A single-line field (names, addresses): trimmed, not empty, at most `max` characters, no
/// control characters.
pub fn one_line(field: &str, value: &str, max: usize) -> Result<String> {
    text(field, value, max, false)
}

/// A free-text field (facts, demands, notes): as `one_line`, but line breaks and tabs are kept.
pub fn multi_line(field: &str, value: &str, max: usize) -> Result<String> {
    text(field, value, max, true)
}

fn text(field: &str, value: &str, max: usize, lines: bool) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    let chars = value.chars().count();
    if chars > max {
        return Err(Error::invalid(
            field,
            format!("is {chars} characters long; at most {max} are allowed"),
        ));
    }
    let allowed = |c: char| !c.is_control() || (lines && matches!(c, '\n' | '\r' | '\t'));
    if let Some(c) = value.chars().find(|&c| !allowed(c)) {
        return Err(Error::invalid(
            field,
            format!("contains the control character U+{:04X}", u32::from(c)),
        ));
    }
    Ok(value.to_string())
}

/// An optional field: absent and blank are the same.
pub fn optional(
    value: Option<&str>,
    check: impl FnOnce(&str) -> Result<String>,
) -> Result<Option<String>> {
    match value {
        Some(v) if !v.trim().is_empty() => check(v).map(Some),
        _ => Ok(None),
    }
}

/// A mainland mobile number, normalised to its 11 digits: `+86`, `0086`, spaces and dashes are
/// accepted and dropped.
pub fn mobile_phone(field: &str, value: &str) -> Result<String> {
    let compact: String = value
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\u{3000}'))
        .collect();
    let digits = compact
        .strip_prefix("+86")
        .or_else(|| compact.strip_prefix("0086"))
        .unwrap_or(&compact);
    let bytes = digits.as_bytes();
    if let Some(bad) = digits.chars().find(|c| !c.is_ascii_digit()) {
        return Err(Error::invalid(
            field,
            format!("{bad:?} is not a digit; a mobile number is 11 digits"),
        ));
    }
    if bytes.len() != 11 {
        return Err(Error::invalid(
            field,
            format!("has {} digits; a mobile number has 11", bytes.len()),
        ));
    }
    if bytes[0] != b'1' || !(b'3'..=b'9').contains(&bytes[1]) {
        return Err(Error::invalid(
            field,
            "a mainland mobile number starts with 13 to 19",
        ));
    }
    Ok(digits.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reason(r: Result<String>) -> String {
        match r {
            Err(Error::Invalid { reason, .. }) => reason,
            other => panic!("expected an invalid-input error, got {other:?}"),
        }
    }

    #[test]
    fn text_is_trimmed_and_limited_in_characters_not_bytes() {
        assert_eq!(one_line("name", "  张三 ", 2).unwrap(), "张三");
        assert!(reason(one_line("name", "张三丰", 2)).contains("3 characters"));
        assert!(reason(one_line("name", " \t ", 2)).contains("empty"));
    }

    #[test]
    fn line_breaks_only_in_free_text() {
        assert!(multi_line("facts", "第一行\n第二行", 100).is_ok());
        assert!(reason(one_line("name", "张\n三", 100)).contains("U+000A"));
        assert!(reason(multi_line("facts", "a\0b", 100)).contains("U+0000"));
    }

    #[test]
    fn phones_are_normalised() {
        for input in [
            "13812345678",
            "+86 138-1234-5678",
            "0086 13812345678",
            "138 1234 5678",
        ] {
            assert_eq!(
                mobile_phone("phone", input).unwrap(),
                "13812345678",
                "{input}"
            );
        }
    }

    #[test]
    fn bad_phones_say_what_is_wrong() {
        assert!(reason(mobile_phone("phone", "1381234567")).contains("10 digits"));
        assert!(reason(mobile_phone("phone", "138123456789")).contains("12 digits"));
        assert!(reason(mobile_phone("phone", "12812345678")).contains("13 to 19"));
        assert!(reason(mobile_phone("phone", "0731-8888888")).contains("13 to 19"));
        assert!(reason(mobile_phone("phone", "1381234567x")).contains("'x'"));
    }

    proptest! {
        #[test]
        fn every_well_formed_number_is_accepted(second in 3u8..=9, rest in "[0-9]{9}") {
            let number = format!("1{second}{rest}");
            prop_assert_eq!(mobile_phone("phone", &format!("+86 {number}")).unwrap(), number);
        }

        #[test]
        fn any_other_length_is_refused(digits in "[0-9]{0,20}") {
            prop_assume!(digits.len() != 11);
            prop_assert!(mobile_phone("phone", &digits).is_err());
        }
    }
}
