//! The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters — the
//! registering authority, the kind of entity, the six-digit region code, the nine-character
//! organisation code, and a check character.

use super::compact_code;
use crate::error::{Error, Result};

/// The code's alphabet; a character's value is its position. I, O, S, V and Z are left out
/// because they are easily misread.
const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const LEN: usize = 18;

/// A credit code, normalised to upper-case ASCII without spaces.
pub fn uscc(field: &str, value: &str) -> Result<String> {
    let code = compact_code(value).to_ascii_uppercase();
    let invalid = |reason: String, zh: String| Error::invalid_zh(field, reason, zh);
    let chars: Vec<char> = code.chars().collect();
    if chars.len() != LEN {
        return Err(invalid(
            format!("has {} characters; a credit code has {LEN}", chars.len()),
            format!("统一社会信用代码应为 {LEN} 位，现有 {} 位", chars.len()),
        ));
    }
    if let Some((i, c)) = chars
        .iter()
        .enumerate()
        .find(|(_, c)| !CHARSET.contains(**c))
    {
        let (why, zh) = if matches!(c, 'I' | 'O' | 'S' | 'V' | 'Z') {
            (
                "is never used in a credit code (I, O, S, V, Z are left out)",
                "不会出现在信用代码中（不用 I、O、S、V、Z）",
            )
        } else {
            ("is not allowed in a credit code", "不能出现在信用代码中")
        };
        return Err(invalid(
            format!("character {} ({c:?}) {why}", i + 1),
            format!("第 {} 位“{c}”{zh}", i + 1),
        ));
    }
    if let Some((i, c)) = chars[2..8]
        .iter()
        .enumerate()
        .find(|(_, c)| !c.is_ascii_digit())
    {
        return Err(invalid(
            format!(
                "character {} ({c:?}) is in the region code, which is six digits",
                i + 3
            ),
            format!("第 {} 位“{c}”属于行政区划码，应为数字", i + 3),
        ));
    }
    let expected = uscc_check_char(&code[..LEN - 1])
        .ok_or_else(|| invalid("is not a credit code".into(), "不是统一社会信用代码".into()))?;
    let given = chars[LEN - 1];
    if given != expected {
        return Err(invalid(
            format!("check character should be {expected}, not {given}"),
            format!("校验位应为 {expected}，不是 {given}：请核对代码"),
        ));
    }
    Ok(code)
}

/// The check character for the first 17 characters: the weights are 3^i mod 31, and the
/// check value makes the weighted sum a multiple of 31.
pub fn uscc_check_char(first17: &str) -> Option<char> {
    let mut sum = 0;
    let mut weight = 1;
    let mut count = 0;
    for c in first17.chars() {
        sum += CHARSET.find(c)? * weight;
        weight = weight * 3 % 31;
        count += 1;
    }
    if count != LEN - 1 {
        return None;
    }
    CHARSET.chars().nth((31 - sum % 31) % 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::reason;
    use proptest::prelude::*;

    /// Codes as published for well-known companies (public registration records; the
    /// algorithm was checked against them independently, in Python).
    const PUBLISHED: &[(&str, &str)] = &[
        ("914403001922038216", "华为技术有限公司"),
        ("91440300708461136T", "深圳市腾讯计算机系统有限公司"),
        ("9144030071526726XG", "腾讯科技（深圳）有限公司"),
        ("911100007109250324", "中国移动通信集团有限公司"),
        ("91110108551385082Q", "小米科技有限责任公司"),
        ("9144030010001686XA", "招商银行股份有限公司"),
    ];

    #[test]
    fn published_codes_pass_in_any_typing() {
        for (code, company) in PUBLISHED {
            assert_eq!(uscc("c", code).unwrap(), *code, "{company}");
            let typed = format!(" {} ", code.to_lowercase());
            assert_eq!(uscc("c", &typed).unwrap(), *code, "{company}, lower case");
            let wide: String = code
                .chars()
                .map(|c| char::from_u32(u32::from(c) + 0xFEE0).unwrap())
                .collect();
            assert_eq!(uscc("c", &wide).unwrap(), *code, "{company}, full width");
        }
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert!(reason(uscc("c", "914403001922038210")).contains("should be 6, not 0"));
        assert!(reason(uscc("c", "91440300192203821")).contains("17 characters"));
        assert!(reason(uscc("c", "9144030019220382166")).contains("19 characters"));
        assert!(reason(uscc("c", "")).contains("0 characters"));
        assert!(
            reason(uscc("c", "9144030019220382I6")).contains("character 17 ('I') is never used")
        );
        assert!(reason(uscc("c", "9144030019220382*6")).contains("character 17 ('*')"));
        assert!(reason(uscc("c", "91A403001922038216")).contains("region code"));
        assert!(reason(uscc("c", "统一社会信用代码一二三四五六七八九十")).contains("not allowed"));
    }

    fn body() -> impl Strategy<Value = String> {
        (
            "[0-9A-HJ-NPQRTUWXY]{2}",
            "[0-9]{6}",
            "[0-9A-HJ-NPQRTUWXY]{9}",
        )
            .prop_map(|(a, b, c)| format!("{a}{b}{c}"))
    }

    proptest! {
        #[test]
        fn any_body_with_its_check_character_passes(body in body()) {
            let code = format!("{body}{}", uscc_check_char(&body).unwrap());
            prop_assert_eq!(uscc("c", &code).unwrap(), code);
        }

        #[test]
        fn every_single_substitution_is_caught(
            body in body(),
            at in 0..LEN,
            with in 0..CHARSET.len(),
        ) {
            let code = format!("{body}{}", uscc_check_char(&body).unwrap());
            let mut chars: Vec<char> = code.chars().collect();
            let new = CHARSET.chars().nth(with).unwrap();
            prop_assume!(chars[at] != new);
            chars[at] = new;
            let changed: String = chars.into_iter().collect();
            prop_assert!(uscc("c", &changed).is_err(), "{} accepted", changed);
        }

        #[test]
        fn other_lengths_are_refused(code in "[0-9A-HJ-NPQRTUWXY]{0,30}") {
            prop_assume!(code.len() != LEN);
            prop_assert!(uscc("c", &code).is_err());
        }
    }
}
