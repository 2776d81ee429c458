//! What a form's field shows: its label, the value as typed, whether it is required, a hint,
//! and the core's own check of the value in the officer's words.

use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct FormField {
    /// The field as the API names it (`complainants[0].phone`): where the app writes the value.
    pub key: String,
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
        key: &str,
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
            key: key.into(),
            label: label.into(),
            value: value.into(),
            required: true,
            hint: hint.map(Into::into),
            error,
        };
        Ok((field, ok))
    }
}

/// One option of a choice (a filter, a kind, a demand): the wire name the call takes (empty:
/// no filter), its label, whether it is chosen.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Every item of `all` as an option, those in `chosen` selected; `named` gives an item's wire
/// name and label.
pub fn options<T: Copy + PartialEq>(
    all: &[T],
    chosen: &[T],
    named: impl Fn(T) -> (&'static str, &'static str),
) -> Vec<Choice> {
    all.iter()
        .map(|&item| {
            let (value, label) = named(item);
            Choice {
                value: value.into(),
                label: label.into(),
                selected: chosen.contains(&item),
            }
        })
        .collect()
}

/// A refusal as the officer reads it; an error that is not about the input goes on up.
pub fn said(e: Error) -> Result<String> {
    match e {
        Error::Invalid { zh: Some(zh), .. } => Ok(zh),
        Error::Invalid { reason, .. } => Ok(format!("填写有误：{reason}")),
        other => Err(other),
    }
}
