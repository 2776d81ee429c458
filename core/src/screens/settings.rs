//! Sync and settings (设置): this device, who is signed in, the centre it is enrolled with and
//! where sync stands, the reference data it holds (with what is missing said plainly), and
//! the space it takes.

use chrono::{Datelike, NaiveDate};

use crate::device::Device;
use crate::error::Result;
use crate::officer::Role;
use crate::sync::state;
use crate::time::beijing_date;

use super::deadlines::Urgency;
use super::today::{SyncLine, sync_line};
use super::words;

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct SettingsScreen {
    /// "HN01 · 设备 0190c3e2": the case-number prefix and the start of the device id.
    pub device: String,
    /// "李明 · 执法证号 HN-12315-0002 · 执法人员"; `None` when nobody is signed in.
    pub officer: Option<String>,
    /// The centre's address, when enrolled; the screen then offers sync, else enrolment.
    pub centre: Option<String>,
    /// "2026年12月1日 注册".
    pub enrolled: Option<String>,
    pub sync: SyncLine,
    /// Calendar, urban areas, departments, roster, rule parameters: each with what is missing.
    pub reference: Vec<StatusLine>,
    /// The database and the files, in MB.
    pub storage: Vec<StatusLine>,
}

/// One thing and how it stands: "节假日数据" — "2025、2026 年".
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct StatusLine {
    pub label: String,
    pub value: String,
    pub urgency: Urgency,
}

pub fn settings_screen(device: &Device) -> Result<SettingsScreen> {
    let now = device.now_ms()?;
    let conn = device.connection();
    let standing = state::standing(conn)?;
    let id = device.device_id().simple().to_string();
    Ok(SettingsScreen {
        device: format!("{} · 设备 {}", device.device_prefix(), &id[..8]),
        officer: match device.officer() {
            Some(o) => Some(format!(
                "{} · 执法证号 {} · {}",
                o.name,
                o.enforcement_id,
                role(device.role()?)
            )),
            None => None,
        },
        centre: standing.as_ref().map(|s| s.server.clone()),
        enrolled: match &standing {
            Some(s) => Some(format!(
                "{} 注册",
                words::full_date(beijing_date(s.enrolled_at_ms)?)
            )),
            None => None,
        },
        sync: sync_line(device, now)?,
        reference: reference(device, beijing_date(now)?)?,
        storage: storage(device)?,
    })
}

fn role(role: Role) -> &'static str {
    match role {
        Role::Officer => "执法人员",
        Role::Supervisor => "审批人员",
    }
}

fn reference(device: &Device, today: NaiveDate) -> Result<Vec<StatusLine>> {
    let conn = device.connection();
    let line = |label: &str, value: String, urgency| StatusLine {
        label: label.into(),
        value,
        urgency,
    };
    let roster = crate::roster::list(conn)?.len();
    let departments = crate::cases::departments::directory(conn)?.len();
    let p = crate::parameters::current(conn)?;
    Ok(vec![
        calendar(device, today)?,
        if crate::dispatch::areas::loaded(conn)? {
            line("城区范围", "已载入".into(), Urgency::Calm)
        } else {
            line(
                "城区范围",
                "未载入：派单一律按城区时限".into(),
                Urgency::Soon,
            )
        },
        match departments {
            0 => line(
                "部门名录",
                "未载入：移送时手工填写部门".into(),
                Urgency::Soon,
            ),
            n => line("部门名录", format!("{n} 个部门"), Urgency::Calm),
        },
        match roster {
            0 => line(
                "执法人员名册",
                "尚未收到：任何执法人员均可登录".into(),
                Urgency::Soon,
            ),
            n => line("执法人员名册", format!("{n} 人"), Urgency::Calm),
        },
        line(
            "到场时限",
            format!(
                "城区 {} 分钟 · 偏远地区 {} 分钟",
                p.on_scene_urban_minutes, p.on_scene_remote_minutes
            ),
            Urgency::Calm,
        ),
    ])
}

/// The calendar's years: a statutory deadline needs this year's holidays, and from December
/// next year's (the State Council publishes them in autumn).
fn calendar(device: &Device, today: NaiveDate) -> Result<StatusLine> {
    let calendar = device.calendar()?;
    // A year is held when the calendar decides its days; mid-year stands for it (the built-in
    // data stops short of its last year's end, which the next year's notice settles).
    let covers =
        |year: i32| NaiveDate::from_ymd_opt(year, 7, 1).is_some_and(|d| calendar.day(d).is_ok());
    let years: Vec<String> = (today.year() - 1..=today.year() + 1)
        .filter(|y| covers(*y))
        .map(|y| y.to_string())
        .collect();
    let next = today.year() + 1;
    let (value, urgency) = if calendar.day(today).is_err() {
        (
            format!("缺少 {} 年安排：期限暂按周末推算", today.year()),
            Urgency::Due,
        )
    } else if today.month() == 12 && !covers(next) {
        (
            format!("{} 年；缺少 {next} 年安排", years.join("、")),
            Urgency::Soon,
        )
    } else {
        (format!("{} 年", years.join("、")), Urgency::Calm)
    };
    Ok(StatusLine {
        label: "节假日数据".into(),
        value,
        urgency,
    })
}

fn storage(device: &Device) -> Result<Vec<StatusLine>> {
    let (db, files) = device.storage()?;
    let mb = |bytes: u64| format!("{:.1} MB", bytes as f64 / 1_048_576.0);
    Ok(vec![
        StatusLine {
            label: "案件数据库".into(),
            value: mb(db),
            urgency: Urgency::Calm,
        },
        StatusLine {
            label: "照片与文件".into(),
            value: mb(files),
            urgency: Urgency::Calm,
        },
    ])
}
