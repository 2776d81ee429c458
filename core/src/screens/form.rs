//! What a form's field shows: its label, the value as typed, whether it is required, a hint,
//! and the core's own check of the value in the officer's words.

use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct FormField {
    pub label: String,
    pub value: String,
    pub required: bool,
    pub hint: Option<String>,
    /// What is wrong with the value, in Chinese; `None` while it is fine or still empty (a
    /// field is not scolded before anything is typed in it).
    pub error: Option<String>,
}

impl FormField {
    /// A field checked by `check`, which is the rule the core applies when the form is sent.
    pub fn checked<T>(
        label: &str,
        value: &str,
        hint: Option<&str>,
        check: impl FnOnce(&str) -> Result<T>,
    ) -> Result<(FormField, Option<T>)> {
        let (error, ok) = if value.trim().is_empty() {
            (None, None)
        } else {
            match check(value) {
                Ok(ok) => (None, Some(ok)),
                Err(e) => (Some(said(e)?), None),
            }
        };
        let field = FormField {
            label: label.into(),
            value: value.into(),
            required: true,
            hint: hint.map(Into::into),
            error,
        };
        Ok((field, ok))
    }
}

/// A refusal as the officer reads it; an error that is not about the input goes on up.
pub fn said(e: Error) -> Result<String> {
    match e {
        Error::Invalid { zh: Some(zh), .. } => Ok(zh),
        Error::Invalid { reason, .. } => Ok(format!("填写有误：{reason}")),
        other => Err(other),
    }
}
