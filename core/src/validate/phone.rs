//! Mainland mobile numbers.

use super::compact_code;
use crate::error::{Error, Result};

/// A mainland mobile number, normalised to its 11 digits: `+86`, `0086`, spaces and dashes are
/// accepted and dropped; full-width digits are folded.
pub fn mobile_phone(field: &str, value: &str) -> Result<String> {
    let compact = compact_code(value);
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
    use crate::validate::reason;
    use proptest::prelude::*;

    #[test]
    fn phones_are_normalised() {
        for input in [
            "13812345678",
            "+86 138-1234-5678",
            "0086 13812345678",
            "138 1234 5678",
            "＋８６ １３８１２３４５６７８",
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
