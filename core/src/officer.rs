//! Officers sign in on the device with their name and enforcement ID number (执法证号); every
//! event names the officer who acted. An officer's name is kept in the clear, unlike consumers'
//! personal data: who performed an official act must stay on the record for good.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::validate;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct Officer {
    pub name: String,
    pub enforcement_id: String,
}

/// Longest officer name, in characters (some minority names written in Chinese are long).
pub const NAME_MAX: usize = 64;
/// Enforcement ID numbers differ by province; all are short runs of letters and digits.
pub const ENFORCEMENT_ID_MAX: usize = 32;

impl Officer {
    pub fn new(name: &str, enforcement_id: &str) -> Result<Officer> {
        Ok(Officer {
            name: check_name(name)?,
            enforcement_id: check_enforcement_id(enforcement_id)?,
        })
    }
}

/// An officer's name, trimmed.
pub fn check_name(name: &str) -> Result<String> {
    validate::one_line("officer_name", name, NAME_MAX)
}

/// An enforcement ID number, trimmed and upper-cased.
pub fn check_enforcement_id(enforcement_id: &str) -> Result<String> {
    let enforcement_id = enforcement_id.trim();
    let valid = (4..=ENFORCEMENT_ID_MAX).contains(&enforcement_id.len())
        && enforcement_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !valid {
        return Err(Error::invalid_zh(
            "officer_id",
            format!(
                "an enforcement ID number is 4 to {ENFORCEMENT_ID_MAX} letters, digits or dashes"
            ),
            format!("执法证号为 4 至 {ENFORCEMENT_ID_MAX} 位字母、数字或短横线"),
        ));
    }
    Ok(enforcement_id.to_ascii_uppercase())
}

crate::wire_enum::wire_enum! {
    /// What an officer signed in as. A supervisor may approve an extension of a statutory clock
    /// on the device (the centre answers the requests it receives itself).
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum Role {
        Officer = "officer",
        Supervisor = "supervisor",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_trimmed_and_uppercased() {
        let o = Officer::new(" 阿依古丽·买买提 ", " hn-12315-0042 ").unwrap();
        assert_eq!(o.name, "阿依古丽·买买提");
        assert_eq!(o.enforcement_id, "HN-12315-0042");
    }

    #[test]
    fn bad_ids_name_the_field() {
        for id in ["", "12", "A B C D", "执法证12345", &"9".repeat(33)] {
            let err = Officer::new("张三", id).unwrap_err();
            assert!(
                matches!(&err, Error::Invalid { field, .. } if field == "officer_id"),
                "{id}: {err}"
            );
        }
    }
}
