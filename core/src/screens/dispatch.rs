//! A dispatch (派单) on its own screen: the case it is for, the site with a position for the
//! map apps, its steps with their times, the countdown and the next step.

use crate::cases::Case;
use crate::device::Device;
use crate::dispatch::{Dispatch, DispatchStep};
use crate::error::{Error, Result};
use crate::position::GeoPosition;
use crate::trips::gcj02::wgs84_to_gcj02;

use super::deadlines::DispatchCard;
use super::words;

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct DispatchScreen {
    pub card: DispatchCard,
    /// "投诉 · 已登记".
    pub case_kind_and_state: String,
    /// "王芳 — 长沙市某某超市", as the case list puts it.
    pub case_title: String,
    /// The site in GCJ-02, as Amap, Baidu (which converts from it) and Tencent take it; `None`
    /// when the centre gave no position.
    pub site_gcj02: Option<GeoPosition>,
    /// From the dispatch to clearing: each with its time once taken.
    pub steps: Vec<TimelineStep>,
    /// How arrival was established, once on site: "由行程定位自动确认" or "由执法人员确认".
    pub arrival: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct TimelineStep {
    /// "派单", "确认接单", …
    pub label: String,
    /// "09:05", or `None` while not taken.
    pub at: Option<String>,
}

pub fn dispatch_screen(device: &Device, dispatch_id: &str) -> Result<DispatchScreen> {
    let now = device.now_ms()?;
    let dispatch = find(device, dispatch_id)?;
    let case = device.case(&dispatch.case_id)?;
    Ok(DispatchScreen {
        card: DispatchCard::of(&dispatch, case.number.clone(), now),
        case_kind_and_state: format!(
            "{} · {}",
            words::case_kind(case.kind),
            words::case_state(case.state)
        ),
        case_title: title(&case),
        site_gcj02: dispatch.site.map(|p| {
            let (latitude, longitude) = wgs84_to_gcj02(p.latitude, p.longitude);
            GeoPosition {
                latitude,
                longitude,
                ..p
            }
        }),
        steps: steps(&dispatch),
        arrival: dispatch.on_scene_at_ms.map(|_| {
            if dispatch.arrival_detected {
                "由行程定位自动确认".into()
            } else {
                "由执法人员确认".into()
            }
        }),
    })
}

fn find(device: &Device, dispatch_id: &str) -> Result<Dispatch> {
    let id = uuid::Uuid::parse_str(dispatch_id.trim())
        .map_err(|_| Error::invalid("dispatch_id", "is not an id"))?;
    crate::dispatch::projection::get(device.connection(), id, device.now_ms()?)
}

fn title(case: &Case) -> String {
    words::parties(
        case.complainants.first().map(|p| p.name.as_str()),
        case.respondent.as_ref().map(|b| b.name.as_str()),
    )
}

fn steps(d: &Dispatch) -> Vec<TimelineStep> {
    let step = |label: &str, at: Option<i64>| TimelineStep {
        label: label.into(),
        at: at.map(words::clock_time),
    };
    let mut steps = vec![step("派单", Some(d.dispatched_at_ms))];
    for (s, at) in [
        (DispatchStep::Acknowledged, d.acknowledged_at_ms),
        (DispatchStep::EnRoute, d.en_route_at_ms),
        (DispatchStep::OnScene, d.on_scene_at_ms),
        (DispatchStep::Cleared, d.cleared_at_ms),
    ] {
        steps.push(step(words::dispatch_action(s), at));
    }
    steps
}
