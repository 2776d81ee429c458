//! Phone numbers. Art. 10 asks for a 电话号码, not a mobile: a mainland mobile, a mainland
//! landline with its area code, and a number abroad are all phone numbers. Each is normalised
//! one way, so that the blind index and phone search find the same number however it was typed:
//!
//! - a mobile: its 11 digits, `13812345678` (`+86`/`0086` dropped);
//! - a landline: `0731-84561234`, or with an extension `0731-84561234转8012` (`+86 731 …` is
//!   written the national way, with its 0);
//! - abroad: `+` and the digits, `+85291234567` (E.164: at most 15 digits).

use super::{ascii_form, compact_code};
use crate::error::{Error, Result};

/// A mainland mobile number, normalised to its 11 digits: `+86`, `0086`, spaces and dashes are
/// accepted and dropped; full-width digits are folded.
pub fn mobile_phone(field: &str, value: &str) -> Result<String> {
    let compact = compact_code(value);
    let digits = national(&compact).unwrap_or(&compact);
    mobile_digits(field, digits)
}

/// Any phone number a complainant may give (module doc), normalised. A number that looks like
/// a mobile (it starts with 1) keeps the mobile's check.
pub fn phone(field: &str, value: &str) -> Result<String> {
    let (number, extension) = split_extension(&ascii_form(value));
    let compact: String = number
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '(' | ')' | '.'))
        .collect();
    if let Some(rest) = national(&compact) {
        return mainland(field, rest, &number, true, extension);
    }
    if let Some(rest) = compact
        .strip_prefix('+')
        .or_else(|| compact.strip_prefix("00"))
    {
        return abroad(field, rest, extension);
    }
    mainland(field, &compact, &number, false, extension)
}

/// The national part of a number written with China's country code.
fn national(compact: &str) -> Option<&str> {
    compact
        .strip_prefix("+86")
        .or_else(|| compact.strip_prefix("0086"))
}

fn mobile_digits(field: &str, digits: &str) -> Result<String> {
    if let Some(bad) = digits.chars().find(|c| !c.is_ascii_digit()) {
        return Err(Error::invalid_zh(
            field,
            format!("{bad:?} is not a digit; a mobile number is 11 digits"),
            format!("“{bad}”不是数字；手机号码为 11 位数字"),
        ));
    }
    let bytes = digits.as_bytes();
    if bytes.len() != 11 {
        return Err(Error::invalid_zh(
            field,
            format!("has {} digits; a mobile number has 11", bytes.len()),
            format!("手机号码应为 11 位数字，现有 {} 位", bytes.len()),
        ));
    }
    if bytes[0] != b'1' || !(b'3'..=b'9').contains(&bytes[1]) {
        return Err(Error::invalid_zh(
            field,
            "a mainland mobile number starts with 13 to 19",
            "手机号码应以 13 至 19 开头",
        ));
    }
    Ok(digits.to_string())
}

/// A mainland number: a mobile (starts with 1) or a landline with its area code (starts with
/// 0; after the country code `+86` the 0 is left out, as dialling from abroad writes it).
/// `typed` is the number as written, whose dashes may mark where an extension begins.
fn mainland(
    field: &str,
    digits: &str,
    typed: &str,
    country_code: bool,
    extension: Option<String>,
) -> Result<String> {
    if let Some(bad) = digits.chars().find(|c| !c.is_ascii_digit()) {
        return Err(Error::invalid_zh(
            field,
            format!("{bad:?} is not a digit of a phone number"),
            format!("“{bad}”不是电话号码中的数字"),
        ));
    }
    if digits.starts_with('1') {
        if extension.is_some() {
            return Err(Error::invalid_zh(
                field,
                "a mobile number has no extension",
                "手机号码没有分机号",
            ));
        }
        return mobile_digits(field, digits);
    }
    let with_zero = if digits.starts_with('0') {
        digits.to_string()
    } else if country_code && !digits.is_empty() {
        format!("0{digits}")
    } else {
        return Err(Error::invalid_zh(
            field,
            "a landline needs its area code, e.g. 0731-84561234; a mobile has 11 digits from 13 to 19",
            "固定电话要带区号，如 0731-84561234；手机号码为 13 至 19 开头的 11 位数字",
        ));
    };
    landline(field, &with_zero, typed, extension)
}

/// `0` + area code (010 and 02x: three digits with the 0; the others four) + a 7- or 8-digit
/// local number, then an optional extension.
fn landline(field: &str, digits: &str, typed: &str, extension: Option<String>) -> Result<String> {
    let area_len = if digits.starts_with("01") || digits.starts_with("02") {
        3
    } else {
        4
    };
    if digits.len() < area_len || digits.as_bytes().get(1) == Some(&b'0') {
        return Err(Error::invalid_zh(
            field,
            "is not a mainland area code (010, 02x, or 0 and three digits such as 0731)",
            "区号不对：应为 010、02x，或 0 加三位数字（如 0731）",
        ));
    }
    let (area, rest) = digits.split_at(area_len);
    let (local, trailing) = match rest.len() {
        7 | 8 => (rest, None),
        // More digits: an extension only where a dash marked where it starts.
        n if n > 8 => {
            let last_group = typed.rsplit('-').next().unwrap_or("");
            let ext: String = last_group.chars().filter(char::is_ascii_digit).collect();
            let local_len = rest.len().saturating_sub(ext.len());
            if ext.is_empty() || !typed.contains('-') || !(7..=8).contains(&local_len) {
                return Err(Error::invalid_zh(
                    field,
                    format!(
                        "has {n} digits after the area code {area}; a local number has 7 or 8 (write an extension after a dash or 转)"
                    ),
                    format!(
                        "区号 {area} 后有 {n} 位；电话号码为 7 或 8 位（分机号写在短横线或“转”之后）"
                    ),
                ));
            }
            (&rest[..local_len], Some(ext))
        }
        n => {
            return Err(Error::invalid_zh(
                field,
                format!("has {n} digits after the area code {area}; a local number has 7 or 8"),
                format!("区号 {area} 后有 {n} 位；电话号码应为 7 或 8 位"),
            ));
        }
    };
    if local.starts_with('0') || local.starts_with('1') {
        return Err(Error::invalid_zh(
            field,
            format!("the local number {local} cannot start with 0 or 1"),
            format!("电话号码 {local} 不能以 0 或 1 开头"),
        ));
    }
    let extension = match (trailing, extension) {
        (Some(_), Some(_)) => {
            return Err(Error::invalid_zh(
                field,
                "gives two extensions",
                "写了两个分机号",
            ));
        }
        (a, b) => a.or(b),
    };
    Ok(match extension {
        Some(ext) => format!("{area}-{local}转{ext}"),
        None => format!("{area}-{local}"),
    })
}

/// A number abroad: the country code and number, 7 to 15 digits in all (E.164).
fn abroad(field: &str, digits: &str, extension: Option<String>) -> Result<String> {
    if let Some(bad) = digits.chars().find(|c| !c.is_ascii_digit()) {
        return Err(Error::invalid_zh(
            field,
            format!("{bad:?} is not a digit of a phone number"),
            format!("“{bad}”不是电话号码中的数字"),
        ));
    }
    if digits.starts_with('0') {
        return Err(Error::invalid_zh(
            field,
            "a country code does not start with 0",
            "国家代码不以 0 开头",
        ));
    }
    if !(7..=15).contains(&digits.len()) {
        return Err(Error::invalid_zh(
            field,
            format!(
                "has {} digits; a number abroad has 7 to 15 with its country code",
                digits.len()
            ),
            format!(
                "境外号码连国家代码应为 7 至 15 位，现有 {} 位",
                digits.len()
            ),
        ));
    }
    Ok(match extension {
        Some(ext) => format!("+{digits}转{ext}"),
        None => format!("+{digits}"),
    })
}

/// The number and an extension written with a word for it (转, 分机, ext, x, #), its digits.
fn split_extension(value: &str) -> (String, Option<String>) {
    let lower = value.to_lowercase();
    for marker in ["分机", "转", "ext.", "ext", "x", "#"] {
        if let Some(at) = lower.find(marker) {
            let ext: String = lower[at + marker.len()..]
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            if !ext.is_empty() && ext.len() <= 6 {
                return (lower[..at].to_string(), Some(ext));
            }
        }
    }
    (lower, None)
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
            assert_eq!(phone("phone", input).unwrap(), "13812345678", "{input}");
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

    /// Art. 10 (No. 20 Art. 9): 电话号码 — a landline with its area code is one, written one
    /// way however it was typed.
    #[test]
    fn landlines_with_an_area_code_are_phone_numbers() {
        for input in [
            "0731-84561234",
            "0731 8456 1234",
            "(0731)84561234",
            "073184561234",
            "+86 731 84561234",
            "0086-731-84561234",
            "０７３１－８４５６１２３４",
        ] {
            assert_eq!(phone("phone", input).unwrap(), "0731-84561234", "{input}");
        }
        assert_eq!(phone("phone", "010-62345678").unwrap(), "010-62345678");
        assert_eq!(phone("phone", "01062345678").unwrap(), "010-62345678");
        assert_eq!(phone("phone", "0898-6123456").unwrap(), "0898-6123456");
        for input in [
            "0731-84561234-8012",
            "0731-84561234转8012",
            "0731 84561234 ext. 8012",
            "073184561234 分机 8012",
        ] {
            assert_eq!(
                phone("phone", input).unwrap(),
                "0731-84561234转8012",
                "{input}"
            );
        }
    }

    #[test]
    fn numbers_abroad_are_phone_numbers() {
        for input in [
            "+852 9123 4567",
            "00852-91234567",
            "＋８５２ ９１２３４５６７",
        ] {
            assert_eq!(phone("phone", input).unwrap(), "+85291234567", "{input}");
        }
        assert_eq!(phone("phone", "+1 (415) 555-0100").unwrap(), "+14155550100");
    }

    #[test]
    fn mobiles_keep_their_check_and_bad_numbers_say_why() {
        assert!(reason(phone("phone", "1381234567")).contains("10 digits"));
        assert!(reason(phone("phone", "12812345678")).contains("13 to 19"));
        assert!(reason(phone("phone", "84561234")).contains("area code"));
        assert!(reason(phone("phone", "0731-845612")).contains("7 or 8"));
        assert!(reason(phone("phone", "0731-0456123")).contains("cannot start"));
        assert!(reason(phone("phone", "+852 12")).contains("7 to 15"));
        assert!(reason(phone("phone", "0731-8456123a")).contains("'a'"));
        assert!(reason(phone("phone", "")).contains("area code"));
        assert!(reason(phone("phone", "13812345678转1")).contains("no extension"));
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

        /// A normalised number is a fixed point: checking it again gives it back, so the
        /// blind index holds one digest per number.
        #[test]
        fn a_normalised_number_normalises_to_itself(value in "[0-9+ ()转-]{0,20}") {
            if let Ok(normal) = phone("phone", &value) {
                prop_assert_eq!(phone("phone", &normal).unwrap(), normal);
            }
        }
    }
}
