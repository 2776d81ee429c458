//! Checks for what officers type: text with documented limits, and the identity codes with
//! their check characters (`uscc`, `resident_id`, `phone`). One rule per kind of field; an
//! error names the field and says what is wrong.

mod phone;
mod resident_id;
mod uscc;

pub use phone::{mobile_phone, phone};
pub use resident_id::{resident_id, resident_id_check_char};
pub use uscc::{uscc, uscc_check_char};

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
        return Err(Error::invalid_zh(field, "must not be empty", "必填"));
    }
    let chars = value.chars().count();
    if chars > max {
        return Err(Error::invalid_zh(
            field,
            format!("is {chars} characters long; at most {max} are allowed"),
            format!("最多 {max} 个字，已输入 {chars} 个"),
        ));
    }
    let allowed = |c: char| !c.is_control() || (lines && matches!(c, '\n' | '\r' | '\t'));
    if let Some(c) = value.chars().find(|&c| !allowed(c)) {
        return Err(Error::invalid_zh(
            field,
            format!("contains the control character U+{:04X}", u32::from(c)),
            "含有不可见的控制字符，请删去后重填",
        ));
    }
    Ok(value.to_string())
}

/// A calendar date written `YYYY-MM-DD`. Any year the calendar has; what a field may hold is
/// its caller's rule (`past_day` for the days a case names). Stored dates are read back with
/// this, so a bound added later never makes an old record unreadable.
pub fn date(field: &str, value: &str) -> Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| {
        Error::invalid_zh(
            field,
            format!("{value:?} is not a date (YYYY-MM-DD)"),
            "日期应写作 年-月-日，如 2026-12-08",
        )
    })
}

/// The earliest day a case may name: nobody alive was born, and nothing bought in a complaint
/// happened, before it. An earlier year (0000, 1026 for 2026) is a slip of the keyboard, and
/// taken as typed it would start the statutory clocks centuries ago.
pub const EARLIEST_DAY: (i32, u32, u32) = (1900, 1, 1);

/// `day`, or its refusal when it is before `EARLIEST_DAY`.
pub fn not_before_earliest(field: &str, day: chrono::NaiveDate) -> Result<chrono::NaiveDate> {
    let (y, m, d) = EARLIEST_DAY;
    match chrono::NaiveDate::from_ymd_opt(y, m, d) {
        Some(earliest) if day < earliest => Err(Error::invalid_zh(
            field,
            format!("{day} is before {earliest}: check the year"),
            format!("{day} 早于 {y} 年，请检查年份"),
        )),
        _ => Ok(day),
    }
}

/// A day that has come: `YYYY-MM-DD`, from `EARLIEST_DAY` up to `today` (Beijing), both
/// included. Tomorrow is refused: a day a thing happened is never ahead of the trusted clock.
pub fn past_day(field: &str, value: &str, today: chrono::NaiveDate) -> Result<chrono::NaiveDate> {
    let day = not_before_earliest(field, date(field, value)?)?;
    if day > today {
        return Err(Error::invalid_zh(
            field,
            format!("{day} is in the future"),
            format!("{day} 还没到，不能晚于今天"),
        ));
    }
    Ok(day)
}

/// Full-width forms that Chinese input methods produce (ＡＢＣ, １２３, ＋, the ideographic
/// space) folded to ASCII, so that codes typed either way are the same code.
pub fn ascii_form(value: &str) -> String {
    value
        .chars()
        .map(|c| match u32::from(c) {
            0x3000 => ' ',
            wide @ 0xFF01..=0xFF5E => char::from_u32(wide - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// A code as typed, ready to check: ASCII, without spaces or dashes.
fn compact_code(value: &str) -> String {
    ascii_form(value)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect()
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

/// The reason of the invalid-input error a check gave, for the tests of every check.
#[cfg(test)]
fn reason(r: Result<String>) -> String {
    match r {
        Err(Error::Invalid { reason, .. }) => reason,
        other => panic!("expected an invalid-input error, got {other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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

    /// What the officer reads under a field: Chinese, for every refusal a field's check makes.
    #[test]
    fn every_refusal_of_a_typed_value_is_worded_in_chinese() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 8).unwrap();
        let refusals = [
            one_line("name", " ", 10),
            one_line("name", "张三丰", 2),
            one_line("name", "张\u{7}三", 10),
            past_day("day", "2026-13-01", today).map(|d| d.to_string()),
            past_day("day", "1026-01-01", today).map(|d| d.to_string()),
            past_day("day", "2026-12-09", today).map(|d| d.to_string()),
            mobile_phone("phone", "1380731223"),
            mobile_phone("phone", "12345678901"),
            mobile_phone("phone", "1380731223x"),
            phone("phone", "84561234"),
            phone("phone", "0731-0456123"),
            phone("phone", "0731-845612"),
            phone("phone", "0001-84561234"),
            phone("phone", "13807312234转8"),
            phone("phone", "+0123456789"),
            phone("phone", "+123"),
            resident_id("id", "110105491231002", today),
            resident_id("id", "11010519491231002", today),
            resident_id("id", "1101051949123100A2", today),
            resident_id("id", "990105194912310021", today),
            resident_id("id", "110105194913310021", today),
            resident_id("id", "110105194912310022", today),
            uscc("code", "91350100M000100Y4"),
            uscc("code", "91350100M000100YI3"),
            uscc("code", "9135A100M000100Y43"),
            uscc("code", "91350100M000100Y44"),
        ];
        for (i, refusal) in refusals.into_iter().enumerate() {
            match refusal {
                Err(Error::Invalid { zh: Some(zh), .. }) => assert!(
                    zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                    "{i}: {zh}"
                ),
                other => panic!("{i}: expected a refusal worded in Chinese, got {other:?}"),
            }
        }
    }

    #[test]
    fn full_width_forms_fold_to_ascii() {
        assert_eq!(ascii_form("ＡＢＣ１２３＋\u{3000}ｘ"), "ABC123+ x");
        assert_eq!(ascii_form("牛奶（两盒）"), "牛奶(两盒)");
        assert_eq!(compact_code(" 9144-0300 ｘｇ "), "91440300xg");
    }

    #[test]
    fn a_past_day_is_from_1900_to_today() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let day = |v: &str| past_day("day", v, today).map(|d| d.to_string());
        assert_eq!(day("1900-01-01").unwrap(), "1900-01-01");
        assert_eq!(day(" 2026-11-28 ").unwrap(), "2026-11-28");
        assert_eq!(
            reason(day("0000-01-01")),
            "0000-01-01 is before 1900-01-01: check the year"
        );
        assert!(reason(day("1899-12-31")).contains("before 1900-01-01"));
        assert_eq!(reason(day("2026-11-29")), "2026-11-29 is in the future");
        assert!(reason(day("1899-02-30")).contains("is not a date"));
    }

    proptest! {
        /// These run behind the FFI: any text at all gets an answer, never a panic.
        #[test]
        fn no_input_makes_a_check_panic(value in "\\PC{0,40}", ascii in "[ -~]{0,40}") {
            let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
            for v in [&value, &ascii] {
                let _ = uscc("v", v);
                let _ = resident_id("v", v, today);
                let _ = mobile_phone("v", v);
                let _ = phone("v", v);
                let _ = one_line("v", v, 10);
                let _ = past_day("v", v, today);
                let _ = uscc_check_char(v);
                let _ = resident_id_check_char(v);
            }
        }
    }
}
