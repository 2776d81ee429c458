//! The citizen identity number (公民身份号码, GB 11643-1999): a six-digit area code, the birth
//! date (YYYYMMDD), a three-digit sequence number, and a check character.

use chrono::NaiveDate;

use super::compact_code;
use crate::error::{Error, Result};

const LEN: usize = 18;

/// Province-level codes that open an area code: the provinces, autonomous regions and
/// municipalities, 71 Taiwan, 81 Hong Kong, 82 Macao, and 83 on residence permits of Taiwan
/// residents. Only this prefix is checked: area codes below it have been abolished and
/// renumbered over the years, and numbers issued under them stay valid.
const PROVINCES: &[u32] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
];

/// A resident ID number, normalised (upper-case `X`, no spaces). `today` (Beijing) bounds the
/// birth date.
pub fn resident_id(field: &str, value: &str, today: NaiveDate) -> Result<String> {
    let id = compact_code(value).to_ascii_uppercase();
    let invalid = |(reason, zh): (String, String)| Error::invalid_zh(field, reason, zh);
    let len = id.chars().count();
    if len == 15 && id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid((
            "is a 15-digit first-generation number, withdrawn in 2013; ask for the 18-digit one"
                .into(),
            "这是已于 2013 年停用的 15 位一代身份证号，请改用 18 位号码".into(),
        )));
    }
    if len != LEN {
        return Err(invalid((
            format!("has {len} characters; an ID number has {LEN}"),
            format!("身份证号码应为 {LEN} 位，现有 {len} 位"),
        )));
    }
    if let Some((i, c)) = id
        .chars()
        .take(LEN - 1)
        .enumerate()
        .find(|(_, c)| !c.is_ascii_digit())
    {
        return Err(invalid((
            format!("character {} ({c:?}) should be a digit", i + 1),
            format!("第 {} 位“{c}”应为数字", i + 1),
        )));
    }
    let not_an_id = || invalid(("is not an ID number".into(), "不是身份证号码".into()));
    let province: u32 = id[..2].parse().map_err(|_| not_an_id())?;
    if !PROVINCES.contains(&province) {
        return Err(invalid((
            format!(
                "area code {}: {province:02} is not a province code",
                &id[..6]
            ),
            format!("前两位 {province:02} 不是省级行政区代码"),
        )));
    }
    check_birth_date(&id[6..14], today).map_err(invalid)?;
    let expected = resident_id_check_char(&id[..LEN - 1]).ok_or_else(not_an_id)?;
    let given = id.chars().last().unwrap_or(' ');
    if given != expected {
        return Err(invalid((
            format!("check character should be {expected}, not {given}"),
            format!("校验位应为 {expected}，不是 {given}：请核对号码"),
        )));
    }
    Ok(id)
}

/// The birth date's refusal, in English and in Chinese.
fn check_birth_date(digits: &str, today: NaiveDate) -> std::result::Result<(), (String, String)> {
    let date = NaiveDate::parse_from_str(digits, "%Y%m%d").map_err(|_| {
        (
            format!("birth date {digits} is not a real date"),
            format!("出生日期 {digits} 不是有效日期"),
        )
    })?;
    let (y, m, d) = super::EARLIEST_DAY;
    if NaiveDate::from_ymd_opt(y, m, d).is_some_and(|earliest| date < earliest) {
        return Err((
            format!("birth date {digits} is before {y}"),
            format!("出生日期 {digits} 早于 {y} 年"),
        ));
    }
    if date > today {
        return Err((
            format!("birth date {digits} is in the future"),
            format!("出生日期 {digits} 晚于今天"),
        ));
    }
    Ok(())
}

/// ISO 7064 MOD 11-2 over the first 17 digits: weights 2^(17-i) mod 11; the check value makes
/// the weighted sum ≡ 1 (mod 11); 10 is written `X`.
pub fn resident_id_check_char(first17: &str) -> Option<char> {
    let digits: Vec<u32> = first17
        .chars()
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()?;
    if digits.len() != LEN - 1 {
        return None;
    }
    let mut weight = 1;
    let mut sum = 0;
    for d in digits.iter().rev() {
        weight = weight * 2 % 11;
        sum += d * weight;
    }
    match (12 - sum % 11) % 11 {
        10 => Some('X'),
        v => char::from_digit(v, 10),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::reason;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    fn check(value: &str) -> Result<String> {
        resident_id("id", value, today())
    }

    fn with_check_char(first17: &str) -> String {
        format!("{first17}{}", resident_id_check_char(first17).unwrap())
    }

    #[test]
    fn the_standards_example_passes_in_any_typing() {
        // GB 11643-1999's own example.
        assert_eq!(check("11010519491231002X").unwrap(), "11010519491231002X");
        assert_eq!(check(" 11010519491231002x ").unwrap(), "11010519491231002X");
        assert_eq!(
            check("１１０１０５１９４９１２３１００２Ｘ").unwrap(),
            "11010519491231002X"
        );
        assert_eq!(check("110105 19491231 002X").unwrap(), "11010519491231002X");
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert!(reason(check("110105194912310021")).contains("should be X, not 1"));
        assert!(reason(check("110105491231002")).contains("15-digit"));
        assert!(reason(check("11010519491231002")).contains("17 characters"));
        assert!(reason(check("")).contains("0 characters"));
        assert!(reason(check("1101051949123100XX")).contains("character 17 ('X')"));
        assert!(
            reason(check(&with_check_char("99123419900101001"))).contains("99 is not a province")
        );
        assert!(
            reason(check(&with_check_char("11010519491331002")))
                .contains("19491331 is not a real date")
        );
        assert!(reason(check(&with_check_char("11010520250229002"))).contains("not a real date"));
        assert!(reason(check(&with_check_char("11010520991231002"))).contains("in the future"));
        assert!(reason(check(&with_check_char("11010518991231002"))).contains("before 1900"));
    }

    #[test]
    fn leap_days_and_abolished_areas_are_accepted() {
        assert!(check(&with_check_char("11010520240229002")).is_ok());
        // 510203: a district of Chongqing while it was part of Sichuan, before 1997.
        assert!(check(&with_check_char("51020319850612003")).is_ok());
    }

    fn body() -> impl Strategy<Value = String> {
        (
            proptest::sample::select(PROVINCES),
            0u32..10_000,
            0i64..38_000,
            0u32..1000,
        )
            .prop_map(|(province, area, days, seq)| {
                let birth =
                    NaiveDate::from_ymd_opt(1920, 1, 1).unwrap() + chrono::Duration::days(days);
                format!("{province:02}{area:04}{}{seq:03}", birth.format("%Y%m%d"))
            })
    }

    proptest! {
        #[test]
        fn any_valid_number_passes(body in body()) {
            let id = with_check_char(&body);
            prop_assert_eq!(check(&id).unwrap(), id);
        }

        #[test]
        fn every_single_substitution_is_caught(body in body(), at in 0..LEN, digit in 0u32..11) {
            let id = with_check_char(&body);
            let mut chars: Vec<char> = id.chars().collect();
            let new = if digit == 10 { 'X' } else { char::from_digit(digit, 10).unwrap() };
            prop_assume!(chars[at] != new);
            chars[at] = new;
            let changed: String = chars.into_iter().collect();
            prop_assert!(check(&changed).is_err(), "{} accepted", changed);
        }

        #[test]
        fn other_lengths_are_refused(id in "[0-9]{0,30}") {
            prop_assume!(id.len() != LEN);
            prop_assert!(check(&id).is_err());
        }
    }
}
