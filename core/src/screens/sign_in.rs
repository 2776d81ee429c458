//! Signing in (签到): the officer picks themselves from the centre's roster, or types a name
//! and enforcement ID number checked as typed; before the first sync there is no roster, and
//! any well-formed officer may sign in.

use crate::device::Device;
use crate::error::Result;
use crate::officer::{Officer, Role, check_enforcement_id, check_name};
use crate::roster::{self, RosterEntry};

use super::form::{FormField, said};

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct SignInScreen {
    /// "李明 · HN-12315-0002", who is signed in now.
    pub signed_in: Option<String>,
    /// The centre's roster, to pick from; empty before the first sync.
    pub roster: Vec<RosterChoice>,
    /// "名册由中心下发，共 8 人" or what holds without one.
    pub roster_note: String,
    pub name: FormField,
    pub enforcement_id: FormField,
    /// The officer as typed may sign in; `problem` says why not once both fields are filled.
    pub can_sign_in: bool,
    pub problem: Option<String>,
    /// The officer as typed may also sign in as a supervisor (审批人员).
    pub may_supervise: bool,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct RosterChoice {
    pub name: String,
    pub enforcement_id: String,
    /// "李明 · HN-12315-0002 · 审批人员".
    pub label: String,
}

/// The screen for the values typed so far (empty strings at first).
pub fn sign_in_screen(device: &Device, name: &str, enforcement_id: &str) -> Result<SignInScreen> {
    let roster = roster::list(device.connection())?;
    let (name_field, name) = FormField::checked("name", "姓名", name, None, check_name)?;
    let (id_field, id) = FormField::checked(
        "enforcement_id",
        "执法证号",
        enforcement_id,
        Some("如 HN-12315-0042"),
        check_enforcement_id,
    )?;
    let (can_sign_in, problem, may_supervise) = match (name, id) {
        (Some(name), Some(enforcement_id)) => admitted(device, &roster, name, enforcement_id)?,
        _ => (false, None, false),
    };
    Ok(SignInScreen {
        signed_in: device
            .officer()
            .map(|o| format!("{} · {}", o.name, o.enforcement_id)),
        roster: roster.iter().map(choice).collect(),
        roster_note: match roster.len() {
            0 => "尚未收到中心的执法人员名册：填写姓名与执法证号即可签到".into(),
            n => format!("名册由中心下发，共 {n} 人"),
        },
        name: name_field,
        enforcement_id: id_field,
        can_sign_in,
        problem,
        may_supervise,
    })
}

/// Whether the roster admits the officer, and as a supervisor too.
fn admitted(
    device: &Device,
    roster: &[RosterEntry],
    name: String,
    enforcement_id: String,
) -> Result<(bool, Option<String>, bool)> {
    let officer = Officer {
        name,
        enforcement_id,
    };
    let conn = device.connection();
    match roster::admits(conn, &officer, Role::Officer) {
        Ok(()) => {
            let supervises =
                roster.is_empty() || roster::admits(conn, &officer, Role::Supervisor).is_ok();
            Ok((true, None, supervises))
        }
        Err(e) => Ok((false, Some(said(e)?), false)),
    }
}

fn choice(e: &RosterEntry) -> RosterChoice {
    let role = if e.supervisor { " · 审批人员" } else { "" };
    RosterChoice {
        name: e.name.clone(),
        enforcement_id: e.enforcement_id.clone(),
        label: format!("{} · {}{role}", e.name, e.enforcement_id),
    }
}
