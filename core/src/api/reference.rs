//! The centre's reference data as the device holds it; codes checked as they are typed.

use super::*;

#[cfg_attr(feature = "ffi", uniffi::export)]
impl FieldCore {
    /// The rule-set parameters in force: on-site targets, how arrival is proven, the Art. 17
    /// flag thresholds, the odometer tolerance — the centre's, else the defaults.
    pub fn rule_parameters(&self) -> ApiResult<Parameters> {
        Ok(self.device().rule_parameters()?)
    }

    /// The agency the documents name, as the centre published it (`None` before).
    pub fn agency(&self) -> ApiResult<Option<Agency>> {
        Ok(self.device().agency()?)
    }

    /// The blocks of 调解书 numbers the centre gave this device, each with how many numbers are
    /// left: a device with none left concludes 调解书 with the number to be written in.
    pub fn document_numbers(&self) -> ApiResult<Vec<NumbersLeft>> {
        Ok(self.device().document_numbers()?)
    }

    /// The centre's officer roster: who may sign in, under which enforcement ID, and who as a
    /// supervisor. Empty until the centre publishes one (then any valid officer signs in).
    pub fn officer_roster(&self) -> ApiResult<Vec<RosterEntry>> {
        Ok(self.device().officer_roster()?)
    }

    /// The departments directory for referrals.
    pub fn departments(&self) -> ApiResult<Vec<Department>> {
        Ok(self.device().departments()?)
    }

    /// Replaces the departments directory (reference data the centre also sends), checked
    /// first; recorded in the name of the officer signed in.
    pub fn load_departments(&self, directory: Vec<Department>) -> ApiResult<()> {
        Ok(self.device().load_departments(&directory)?)
    }
}

/// The identity codes an officer types, checked as the form is filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum CodeKind {
    /// 统一社会信用代码 (GB 32100-2015).
    CreditCode,
    /// 居民身份证号码 (GB 11643-1999).
    ResidentId,
    /// A mainland mobile number.
    MobilePhone,
    /// Any phone number Art. 10 accepts: a mobile, a landline with its area code, a number
    /// abroad — as intake checks a complainant's phone.
    Phone,
}

/// A verdict on a code: an invalid code is an answer, not an error.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct CodeVerdict {
    pub valid: bool,
    /// The code as it is stored (upper case, ASCII, no spaces), when valid.
    pub normalized: Option<String>,
    /// What is wrong, when invalid: "check character should be 7, not 8".
    pub error: Option<String>,
    /// The same, as the officer reads it under the field: "校验位应为 7，不是 8：请核对号码".
    pub error_zh: Option<String>,
}

/// Checks a credit code, resident ID or phone number the way intake does.
#[cfg_attr(feature = "ffi", uniffi::export)]
pub fn check_code(kind: CodeKind, value: String) -> CodeVerdict {
    let today = crate::time::beijing_today();
    let checked = match kind {
        CodeKind::CreditCode => crate::validate::uscc("value", &value),
        CodeKind::ResidentId => crate::validate::resident_id("value", &value, today),
        CodeKind::MobilePhone => crate::validate::mobile_phone("value", &value),
        CodeKind::Phone => crate::validate::phone("value", &value),
    };
    match checked {
        Ok(normalized) => CodeVerdict {
            valid: true,
            normalized: Some(normalized),
            error: None,
            error_zh: None,
        },
        Err(crate::Error::Invalid { reason, zh, .. }) => CodeVerdict {
            valid: false,
            normalized: None,
            error: Some(reason),
            error_zh: zh,
        },
        Err(other) => CodeVerdict {
            valid: false,
            normalized: None,
            error: Some(other.to_string()),
            error_zh: None,
        },
    }
}
