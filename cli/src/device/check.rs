//! `redshield check`: an identity code checked as the form is filled in, with no store.

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use redshield_core::api::{CodeKind, check_code};

use crate::failure::Failure;
use crate::output::{Output, to_json};

#[derive(Args)]
pub struct Check {
    #[arg(value_enum)]
    what: CodeArg,
    value: String,
}

/// The codes `check` knows, by the short names officers type (the core has no spelling of
/// its own for them).
#[derive(Clone, Copy, ValueEnum)]
enum CodeArg {
    /// Unified social credit code.
    Uscc,
    /// Resident ID number.
    Id,
    /// Phone number: a mobile, a landline with its area code, a number abroad (Art. 10).
    Phone,
    /// Mainland mobile number only.
    Mobile,
}

impl From<CodeArg> for CodeKind {
    fn from(arg: CodeArg) -> CodeKind {
        match arg {
            CodeArg::Uscc => CodeKind::CreditCode,
            CodeArg::Id => CodeKind::ResidentId,
            CodeArg::Phone => CodeKind::Phone,
            CodeArg::Mobile => CodeKind::MobilePhone,
        }
    }
}

/// An invalid code is a verdict, printed like a valid one, with exit code 1.
pub fn run(args: Check, out: &Output) -> Result<ExitCode, Failure> {
    let v = check_code(args.what.into(), args.value);
    out.print(to_json(&v), || match (&v.normalized, &v.error) {
        (Some(code), _) => format!("valid: {code}"),
        (None, Some(error)) => format!("invalid: {error}"),
        (None, None) => "invalid".into(),
    });
    Ok(if v.valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
