//! The figures of a period computed from (merged) facts, per the definitions in
//! regulations.md ("Statistics the centres report"): for the centre, per vehicle and per
//! officer. The attribution rules are in the README ("Statistics").

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::Serialize;

use super::clock_report::{OnScene, OnTime};
use crate::cases::model::{CaseKind, Channel, SatisfactionWord};
use crate::clocks::ClockKind;
use crate::dispatch::AreaType;
use crate::error::{Error, Result};
use crate::officer::Officer;
use crate::statistics::facts::{ClockFact, DispatchFact, Facts, TripFact};
use crate::statistics::mileage::Mileage;
use crate::time::{beijing_day_start_ms, month_days};

/// The days a report covers (Beijing), both ends included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    /// `YYYY-MM` for a month, `YYYY-MM-DD..YYYY-MM-DD` for a range.
    pub label: String,
    #[serde(serialize_with = "as_text")]
    pub from: NaiveDate,
    #[serde(serialize_with = "as_text")]
    pub to: NaiveDate,
}

/// Dates travel as `YYYY-MM-DD` (chrono's serde support is not built into the phones' library).
fn as_text<S: serde::Serializer>(date: &NaiveDate, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.collect_str(date)
}

impl Period {
    /// A month, `YYYY-MM`.
    pub fn month(month: &str) -> Result<Period> {
        let (from, next) = month_days(month)?;
        Ok(Period {
            label: month.trim().to_string(),
            from,
            to: next.pred_opt().unwrap_or(from),
        })
    }

    /// The days `from` to `to` (`YYYY-MM-DD`), both included.
    pub fn days(from: &str, to: &str) -> Result<Period> {
        let (from, to) = (parse_day("from", from)?, parse_day("to", to)?);
        if to < from {
            return Err(Error::invalid("to", format!("{to} is before {from}")));
        }
        Ok(Period {
            label: format!("{from}..{to}"),
            from,
            to,
        })
    }

    /// The first instant and the instant after the last day, ms.
    pub fn bounds_ms(&self) -> (i64, i64) {
        (day_start_ms(self.from), day_start_ms(next_day(self.to)))
    }
}

pub fn parse_day(field: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| Error::invalid(field, format!("{text:?} is not a date (YYYY-MM-DD)")))
}

fn next_day(day: NaiveDate) -> NaiveDate {
    day.succ_opt().unwrap_or(NaiveDate::MAX)
}

/// Days outside the calendar (none a date string names) sort after every event.
fn day_start_ms(day: NaiveDate) -> i64 {
    beijing_day_start_ms(day).unwrap_or(i64::MAX)
}

/// One row of figures: the centre's, a vehicle's or an officer's.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    /// "total", the vehicle, or the officer's enforcement ID (a crew member whose ID is not
    /// known: the name).
    pub key: String,
    /// The officer's name; empty otherwise.
    pub name: String,
    /// Received in the period, per kind: a split submission counts once per kind.
    pub consultations: u64,
    pub complaints: u64,
    pub reports: u64,
    /// The same, per channel (every channel, in `Channel::ALL` order).
    pub received_by_channel: Vec<ByChannel>,
    /// Consultations answered in the period: on their own, never in the figures below.
    pub consultations_answered: u64,
    /// Complaints accepted in the period.
    pub accepted: u64,
    /// 办结, 办结率 and 按时办结率 of complaints, and of reports.
    pub complaint_handling: Handling,
    pub report_handling: Handling,
    /// Statutory clocks (the limitation check left out) that ended in the period, and met: the
    /// finer, per-clock figure beside the per-case 按时办结率.
    pub clocks_ended: u64,
    pub clocks_met: u64,
    pub clocks_met_share: Option<f64>,
    /// Mediation agreements signed in the period and their agreed amounts (挽回经济损失, fen).
    pub agreements: u64,
    pub recovered_fen: i64,
    /// 回访 in the period; those with a 5-point score and their mean; those with a word, and
    /// those "very satisfied" or "satisfied".
    pub follow_ups: u64,
    pub scored: u64,
    pub mean_score: Option<f64>,
    pub worded: u64,
    pub satisfied: u64,
    pub satisfied_share: Option<f64>,
    /// Trips started in the period: outings, dispatch trips, 人次, km.
    pub mileage: Mileage,
    /// Dispatches made in the period, by area type (the officer rows have none).
    pub on_scene: Vec<OnScene>,
    #[serde(skip)]
    score_sum: u64,
    #[serde(skip)]
    dispatches: Vec<DispatchFact>,
}

/// The handling figures of one kind (complaints, or reports), per regulations.md.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Handling {
    /// 办结: cases of the kind whose handling ended in the period, whenever received
    /// (`facts::ends_handling`).
    pub ended: u64,
    /// The cohort: cases of the kind received in the period …
    pub cohort: u64,
    /// … and, of them, those whose handling had ended by the end of the report date.
    pub cohort_ended: u64,
    /// 办结率: `cohort_ended / cohort`.
    pub completion_rate: Option<f64>,
    /// Of `ended`, those with no statutory clock breached before their handling ended.
    pub ended_on_time: u64,
    /// 按时办结率, per case: `ended_on_time / ended`.
    pub on_time_rate: Option<f64>,
}

/// Cases received through one channel, per kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ByChannel {
    pub channel: Channel,
    pub consultations: u64,
    pub complaints: u64,
    pub reports: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statistics {
    pub period: Period,
    /// The report date: the cohort's cases count as ended if ended by the end of this day.
    #[serde(serialize_with = "as_text")]
    pub as_of: NaiveDate,
    pub centre: Figures,
    /// Per kind of statutory clock, those that ended in the period and the share met.
    pub on_time_by_kind: Vec<OnTime>,
    pub by_vehicle: Vec<Figures>,
    pub by_officer: Vec<Figures>,
    /// Stores whose facts could not be read, so their work is missing from every figure: the
    /// centre names each device and why, rather than answer no figures at all.
    pub left_out: Vec<LeftOut>,
}

/// A store left out of the figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeftOut {
    pub device: String,
    pub reason: String,
}

/// The instants a computation judges by: the period's, and the end of the report date.
struct Window {
    from: i64,
    to: i64,
    cohort_end: i64,
}

impl Window {
    fn within(&self, ms: i64) -> bool {
        (self.from..self.to).contains(&ms)
    }
}

/// The figures of `period` from `facts`, the cohort judged by the end of `as_of`.
pub fn compute(facts: &Facts, period: &Period, as_of: NaiveDate) -> Statistics {
    let (from, to) = period.bounds_ms();
    let window = Window {
        from,
        to,
        cohort_end: day_start_ms(next_day(as_of)),
    };
    let mut rows = Rows::new(facts);
    count_cases(&mut rows, facts, &window);
    let ended = count_clocks(&mut rows, facts, &window);
    count_agreements(&mut rows, facts, &window);
    count_follow_ups(&mut rows, facts, &window);
    count_trips(&mut rows, facts, &window);
    count_dispatches(&mut rows, facts, &window);
    Statistics {
        period: period.clone(),
        as_of,
        on_time_by_kind: on_time(ended.iter().copied()),
        centre: rows.centre.finish(),
        by_vehicle: rows.vehicles.into_values().map(Figures::finish).collect(),
        by_officer: rows.officers.into_values().map(Figures::finish).collect(),
        left_out: Vec::new(),
    }
}

/// Receipt (per kind and channel, and the cohort) to the registering officer; acceptance and
/// the end of handling to the officer who took that step; all to the case's vehicle.
fn count_cases(rows: &mut Rows, facts: &Facts, window: &Window) {
    let clocks = clocks_by_case(facts);
    for case in facts.cases.values() {
        let vehicle = case.vehicle.as_deref();
        if window.within(case.received_at_ms) {
            let ended_by = case
                .ended
                .as_ref()
                .is_some_and(|e| e.at_ms < window.cohort_end);
            rows.each(vehicle, [&case.opened.by], |f| {
                f.received(case.kind, case.channel);
                if let Some(handling) = f.handling(case.kind) {
                    handling.cohort += 1;
                    handling.cohort_ended += u64::from(ended_by);
                }
            });
        }
        if let Some(act) = case.accepted.as_ref().filter(|a| window.within(a.at_ms)) {
            rows.each(vehicle, [&act.by], |f| f.accepted += 1);
        }
        if let Some(act) = case.ended.as_ref().filter(|a| window.within(a.at_ms)) {
            let case_clocks = clocks.get(case.id.as_str()).map_or(&[][..], Vec::as_slice);
            let in_time = none_breached(case_clocks, act.at_ms);
            rows.each(vehicle, [&act.by], |f| match f.handling(case.kind) {
                Some(handling) => {
                    handling.ended += 1;
                    handling.ended_on_time += u64::from(in_time);
                }
                None => f.consultations_answered += 1,
            });
        }
    }
}

fn clocks_by_case(facts: &Facts) -> BTreeMap<&str, Vec<&ClockFact>> {
    let mut by_case: BTreeMap<&str, Vec<&ClockFact>> = BTreeMap::new();
    for clock in facts.clocks.values() {
        by_case.entry(&clock.case_id).or_default().push(clock);
    }
    by_case
}

/// regulations.md, 按时办结率 per case: "no statutory clock breached" — before the handling
/// ended at `ended_at_ms` (a later procedure, such as the penalty case a report opened, is not
/// this handling). The limitation check is left out: a time-barred complaint is no deadline
/// the centre missed.
fn none_breached(clocks: &[&ClockFact], ended_at_ms: i64) -> bool {
    !clocks.iter().any(|c| {
        c.kind != ClockKind::Limitation
            && c.kind != ClockKind::OnScene
            && !c.met
            && c.due_at_ms < ended_at_ms
    })
}

/// Statutory clocks ended in the period (the limitation check left out) to the case's vehicle
/// and the officer who registered it; returns every clock ended, for the figures per kind.
fn count_clocks<'a>(rows: &mut Rows, facts: &'a Facts, window: &Window) -> Vec<&'a ClockFact> {
    let ended: Vec<&ClockFact> = facts
        .clocks
        .values()
        .filter(|c| window.within(c.ended_at_ms))
        .collect();
    for clock in ended.iter().filter(|c| c.kind != ClockKind::Limitation) {
        let case = facts.cases.get(&clock.case_id);
        let vehicle = case.and_then(|c| c.vehicle.as_deref());
        rows.each(vehicle, case.map(|c| &c.opened.by), |f| {
            f.clocks_ended += 1;
            f.clocks_met += u64::from(clock.met);
        });
    }
    ended
}

/// Agreements to the case's vehicle, and the whole amount to each serving mediator.
fn count_agreements(rows: &mut Rows, facts: &Facts, window: &Window) {
    for agreement in facts.agreements.values() {
        if !window.within(agreement.signed_at_ms) {
            continue;
        }
        let vehicle = facts
            .cases
            .get(&agreement.case_id)
            .and_then(|c| c.vehicle.as_deref());
        rows.each(vehicle, &agreement.mediators, |f| {
            f.agreements += 1;
            f.recovered_fen += agreement.fen;
        });
    }
}

/// Follow-ups to the case's vehicle, and to the officer who closed the case (the handling it
/// judges), else to the officer who made the call.
fn count_follow_ups(rows: &mut Rows, facts: &Facts, window: &Window) {
    for follow_up in facts.follow_ups.values().filter(|f| window.within(f.at_ms)) {
        let case = facts.cases.get(&follow_up.case_id);
        let handled_by = case
            .and_then(|c| c.closed.as_ref())
            .map_or(&follow_up.by, |closed| &closed.by);
        rows.each(case.and_then(|c| c.vehicle.as_deref()), [handled_by], |f| {
            f.follow_ups += 1;
            if let Some(score) = follow_up.score {
                f.scored += 1;
                f.score_sum += u64::from(score);
            }
            if let Some(word) = follow_up.word {
                f.worded += 1;
                f.satisfied += u64::from(matches!(
                    word,
                    SatisfactionWord::VerySatisfied | SatisfactionWord::Satisfied
                ));
            }
        });
    }
}

/// Trips to their vehicle with the crew count as 人次, and to each named crew member once.
fn count_trips(rows: &mut Rows, facts: &Facts, window: &Window) {
    for trip in facts
        .trips
        .values()
        .filter(|t| window.within(t.started_at_ms))
    {
        let crew = rows.crew(trip);
        rows.each_split(
            Some(&trip.vehicle),
            &crew,
            |f| f.mileage.add(trip),
            |f| f.mileage.add_as_crew_member(trip),
        );
    }
}

/// Dispatches to their vehicle; officers' rows have no on-scene figures.
fn count_dispatches(rows: &mut Rows, facts: &Facts, window: &Window) {
    for dispatch in facts
        .dispatches
        .values()
        .filter(|d| window.within(d.dispatched_at_ms))
    {
        rows.each(Some(&dispatch.vehicle), [], |f| {
            f.dispatches.push(dispatch.clone())
        });
    }
}

impl Figures {
    fn keyed(key: &str, name: &str) -> Figures {
        Figures {
            key: key.to_string(),
            name: name.to_string(),
            received_by_channel: Channel::ALL
                .iter()
                .map(|&channel| ByChannel {
                    channel,
                    consultations: 0,
                    complaints: 0,
                    reports: 0,
                })
                .collect(),
            mileage: Mileage {
                key: key.to_string(),
                ..Mileage::default()
            },
            ..Figures::default()
        }
    }

    /// A case of `kind` received through `channel`.
    fn received(&mut self, kind: CaseKind, channel: Channel) {
        *self.count_of(kind) += 1;
        let of_channel = self.received_by_channel.iter_mut();
        if let Some(row) = of_channel.into_iter().find(|c| c.channel == channel) {
            *row.count_of(kind) += 1;
        }
    }

    fn count_of(&mut self, kind: CaseKind) -> &mut u64 {
        match kind {
            CaseKind::Consultation => &mut self.consultations,
            CaseKind::Complaint => &mut self.complaints,
            CaseKind::Report => &mut self.reports,
        }
    }

    /// The handling figures of complaints or reports; none for consultations, which are
    /// counted apart.
    fn handling(&mut self, kind: CaseKind) -> Option<&mut Handling> {
        match kind {
            CaseKind::Complaint => Some(&mut self.complaint_handling),
            CaseKind::Report => Some(&mut self.report_handling),
            CaseKind::Consultation => None,
        }
    }

    fn finish(mut self) -> Figures {
        self.complaint_handling.finish();
        self.report_handling.finish();
        self.clocks_met_share = share(self.clocks_met, self.clocks_ended);
        self.mean_score = share(self.score_sum, self.scored);
        self.satisfied_share = share(self.satisfied, self.worded);
        let dispatches = std::mem::take(&mut self.dispatches);
        self.on_scene = on_scene(dispatches.iter());
        self
    }
}

impl ByChannel {
    fn count_of(&mut self, kind: CaseKind) -> &mut u64 {
        match kind {
            CaseKind::Consultation => &mut self.consultations,
            CaseKind::Complaint => &mut self.complaints,
            CaseKind::Report => &mut self.reports,
        }
    }
}

impl Handling {
    fn finish(&mut self) {
        self.completion_rate = share(self.cohort_ended, self.cohort);
        self.on_time_rate = share(self.ended_on_time, self.ended);
    }
}

/// `part / whole`, or none when nothing was counted.
fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The rows being added up: the centre, each vehicle, each officer.
struct Rows {
    centre: Figures,
    vehicles: BTreeMap<String, Figures>,
    officers: BTreeMap<String, Figures>,
    /// Officers' enforcement IDs by name, where a name belongs to exactly one ID in the facts:
    /// trips name their crew by name only.
    ids_by_name: BTreeMap<String, Option<String>>,
}

impl Rows {
    fn new(facts: &Facts) -> Rows {
        let mut known: Vec<&Officer> = Vec::new();
        for case in facts.cases.values() {
            known.push(&case.opened.by);
            let acts = [&case.accepted, &case.ended, &case.closed];
            known.extend(acts.into_iter().flatten().map(|a| &a.by));
        }
        known.extend(facts.follow_ups.values().map(|f| &f.by));
        known.extend(facts.agreements.values().flat_map(|a| &a.mediators));
        let mut ids_by_name: BTreeMap<String, Option<String>> = BTreeMap::new();
        for officer in known {
            let id = Some(officer.enforcement_id.clone());
            ids_by_name
                .entry(officer.name.clone())
                .and_modify(|held| {
                    if *held != id {
                        *held = None;
                    }
                })
                .or_insert(id);
        }
        Rows {
            centre: Figures::keyed("total", ""),
            vehicles: BTreeMap::new(),
            officers: BTreeMap::new(),
            ids_by_name,
        }
    }

    /// The trip's named crew as officers (a name without one known ID keeps an empty ID).
    fn crew(&self, trip: &TripFact) -> Vec<Officer> {
        trip.crew
            .iter()
            .map(|name| Officer {
                name: name.clone(),
                enforcement_id: self
                    .ids_by_name
                    .get(name)
                    .cloned()
                    .flatten()
                    .unwrap_or_default(),
            })
            .collect()
    }

    /// Adds to the centre, to the vehicle if any, and to each officer once.
    fn each<'a>(
        &mut self,
        vehicle: Option<&str>,
        officers: impl IntoIterator<Item = &'a Officer>,
        add: impl Fn(&mut Figures),
    ) {
        self.each_split(vehicle, officers, &add, &add);
    }

    /// Adds with `whole` to the centre and the vehicle, with `officer` to each officer once.
    fn each_split<'a>(
        &mut self,
        vehicle: Option<&str>,
        officers: impl IntoIterator<Item = &'a Officer>,
        whole: impl Fn(&mut Figures),
        officer_add: impl Fn(&mut Figures),
    ) {
        whole(&mut self.centre);
        if let Some(vehicle) = vehicle {
            whole(
                self.vehicles
                    .entry(vehicle.to_string())
                    .or_insert_with(|| Figures::keyed(vehicle, "")),
            );
        }
        let mut seen = BTreeSet::new();
        for officer in officers {
            let key = if officer.enforcement_id.is_empty() {
                officer.name.clone()
            } else {
                officer.enforcement_id.clone()
            };
            if seen.insert(key.clone()) {
                officer_add(
                    self.officers
                        .entry(key.clone())
                        .or_insert_with(|| Figures::keyed(&key, &officer.name)),
                );
            }
        }
    }
}

/// Per kind of statutory clock (the on-scene clock is the dispatches'), those ended and met.
pub fn on_time<'a>(ended: impl Iterator<Item = &'a ClockFact>) -> Vec<OnTime> {
    let ended: Vec<&ClockFact> = ended.collect();
    ClockKind::ALL
        .iter()
        .filter(|k| **k != ClockKind::OnScene)
        .map(|&kind| {
            let of_kind = ended.iter().filter(|c| c.kind == kind);
            let count = of_kind.clone().count() as u64;
            let met = of_kind.filter(|c| c.met).count() as u64;
            OnTime {
                kind,
                ended: count,
                met,
                share_met: (count > 0).then(|| met as f64 / count as f64),
            }
        })
        .collect()
}

/// Per area type: dispatches, arrivals, targets met, and the minutes from dispatch to arrival
/// (median and 90th percentile by nearest rank).
pub fn on_scene<'a>(dispatches: impl Iterator<Item = &'a DispatchFact>) -> Vec<OnScene> {
    let dispatches: Vec<&DispatchFact> = dispatches.collect();
    AreaType::ALL
        .iter()
        .map(|area| {
            let of_area: Vec<_> = dispatches.iter().filter(|d| d.area == *area).collect();
            let mut minutes: Vec<f64> = of_area
                .iter()
                .filter_map(|d| {
                    d.on_scene_at_ms
                        .map(|at| (at - d.dispatched_at_ms) as f64 / 60_000.0)
                })
                .collect();
            minutes.sort_by(f64::total_cmp);
            OnScene {
                area: *area,
                dispatches: of_area.len() as u64,
                arrived: minutes.len() as u64,
                met: of_area.iter().filter(|d| d.met).count() as u64,
                median_minutes: nearest_rank(&minutes, 50),
                p90_minutes: nearest_rank(&minutes, 90),
            }
        })
        .collect()
}

/// The nearest-rank percentile of sorted values.
fn nearest_rank(sorted: &[f64], percent: usize) -> Option<f64> {
    let rank = (sorted.len() * percent).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statistics::facts::{Act, CaseFact};

    const DAY: i64 = 86_400_000;

    /// 1 June 2026, 00:00 Beijing.
    fn june() -> i64 {
        crate::time::beijing_month("2026-06").unwrap().0
    }

    fn officer(id: &str) -> Officer {
        Officer {
            name: format!("name of {id}"),
            enforcement_id: id.into(),
        }
    }

    fn act(day: i64, by: &str) -> Act {
        Act {
            at_ms: june() + day * DAY + 3_600_000,
            by: officer(by),
        }
    }

    /// A case received on June `day` (negative: May) by A-1.
    fn case(id: &str, kind: CaseKind, day: i64) -> CaseFact {
        CaseFact {
            id: id.into(),
            kind,
            channel: Channel::VehicleWalkIn,
            received_at_ms: act(day, "A-1").at_ms,
            opened: act(day, "A-1"),
            vehicle: Some("V".into()),
            accepted: None,
            ended: None,
            closed: None,
        }
    }

    fn with(cases: impl IntoIterator<Item = CaseFact>) -> Facts {
        Facts {
            cases: cases.into_iter().map(|c| (c.id.clone(), c)).collect(),
            ..Facts::default()
        }
    }

    fn june_as_of(facts: &Facts, day: u32) -> Statistics {
        let as_of = NaiveDate::from_ymd_opt(2026, 6, day).unwrap();
        compute(facts, &Period::month("2026-06").unwrap(), as_of)
    }

    /// regulations.md, "办结 closed, per kind" and "办结率 completion rate, per kind": handling
    /// ended in the month counts per kind whenever the case was received; the rate is of the
    /// month's cohort, ended by the report date; consultations answered are counted on their
    /// own, never in the complaint and report figures.
    #[test]
    fn banjie_and_its_rate_per_kind_with_consultations_apart() {
        let ended = |mut c: CaseFact, day, by| {
            c.ended = Some(act(day, by));
            c
        };
        let facts = with([
            // Received in May, ended in June: 办结 in June, not in June's cohort.
            ended(case("may", CaseKind::Complaint, -3), 2, "B-2"),
            ended(case("c1", CaseKind::Complaint, 1), 5, "B-2"),
            // Ended on 20 June: in the cohort only as of the 20th.
            ended(case("c2", CaseKind::Complaint, 3), 19, "A-1"),
            case("c3", CaseKind::Complaint, 4),
            ended(case("r1", CaseKind::Report, 2), 8, "A-1"),
            case("r2", CaseKind::Report, 9),
            ended(case("q1", CaseKind::Consultation, 2), 2, "A-1"),
            case("q2", CaseKind::Consultation, 2),
        ]);
        let on_10th = june_as_of(&facts, 10);
        let c = &on_10th.centre;
        assert_eq!((c.consultations, c.complaints, c.reports), (2, 3, 2));
        assert_eq!(c.consultations_answered, 1);
        let (complaints, reports) = (&c.complaint_handling, &c.report_handling);
        assert_eq!((complaints.ended, reports.ended), (3, 1));
        assert_eq!((complaints.cohort, complaints.cohort_ended), (3, 1));
        assert_eq!(complaints.completion_rate, Some(1.0 / 3.0));
        assert_eq!((reports.cohort, reports.cohort_ended), (2, 1));
        assert_eq!(reports.completion_rate, Some(0.5));
        let on_30th = june_as_of(&facts, 30);
        assert_eq!(on_30th.centre.complaint_handling.cohort_ended, 2);
        // To the officer who ended the handling; the cohort to the one who registered it.
        let b = on_30th.by_officer.iter().find(|f| f.key == "B-2").unwrap();
        assert_eq!(
            (b.complaint_handling.ended, b.complaint_handling.cohort),
            (2, 0)
        );
        let a = on_30th.by_officer.iter().find(|f| f.key == "A-1").unwrap();
        assert_eq!(
            (a.complaint_handling.ended, a.complaint_handling.cohort),
            (1, 3)
        );
        assert_eq!((a.report_handling.ended, a.consultations_answered), (1, 1));
    }

    fn clock(case_id: &str, kind: ClockKind, due_day: i64, ended_day: i64) -> ClockFact {
        let due_at_ms = june() + (due_day + 1) * DAY - 1;
        let ended_at_ms = june() + ended_day * DAY + 3_600_000;
        ClockFact {
            case_id: case_id.into(),
            kind,
            ended_at_ms,
            due_at_ms,
            met: ended_at_ms <= due_at_ms,
            stopped: true,
        }
    }

    /// regulations.md, "按时办结率 on-time rate, per case": of the complaints (reports) whose
    /// handling ended in the month, the share with no statutory clock breached; beside it,
    /// "clocks met", the per-clock share, a separate figure.
    #[test]
    fn on_time_per_case_beside_the_per_clock_share() {
        let ended = |mut c: CaseFact, day| {
            c.ended = Some(act(day, "A-1"));
            c
        };
        let mut facts = with([
            // Accepted on time, mediation late: the case is late, one clock of two met.
            ended(case("late", CaseKind::Complaint, 1), 20),
            // Every clock met.
            ended(case("kept", CaseKind::Complaint, 1), 8),
            // A time-barred complaint declined: no deadline of the centre's was missed.
            ended(case("barred", CaseKind::Complaint, 1), 2),
            // A report decided in time, whose penalty case ran late afterwards.
            ended(case("filed", CaseKind::Report, 1), 10),
            // Not ended: its breached clock is in the per-clock share only.
            case("open", CaseKind::Complaint, 1),
        ]);
        for c in [
            clock("late", ClockKind::Accept, 9, 2),
            clock("late", ClockKind::Mediation, 15, 20),
            clock("kept", ClockKind::Accept, 9, 3),
            clock("kept", ClockKind::Mediation, 15, 8),
            ClockFact {
                met: false,
                ..clock("barred", ClockKind::Limitation, -1100, 1)
            },
            clock("filed", ClockKind::ReportDecision, 20, 10),
            clock("filed", ClockKind::PenaltyCase, 12, 25),
            clock("open", ClockKind::Accept, 9, 12),
        ] {
            facts.clocks.insert(format!("{}/{}", c.case_id, c.kind), c);
        }
        let c = june_as_of(&facts, 30).centre;
        let complaints = &c.complaint_handling;
        assert_eq!((complaints.ended, complaints.ended_on_time), (3, 2));
        assert_eq!(complaints.on_time_rate, Some(2.0 / 3.0));
        assert_eq!(c.report_handling.on_time_rate, Some(1.0));
        // Per clock (the limitation check left out): 7 ended, 4 met — the penalty case and
        // the open complaint's acceptance count here.
        assert_eq!((c.clocks_ended, c.clocks_met), (7, 4));
        assert_eq!(c.clocks_met_share, Some(4.0 / 7.0));
    }

    /// regulations.md, "咨询 / 投诉 / 举报 received": "also split by channel (vehicle walk-in,
    /// hotline, national platform, service station, letter)".
    #[test]
    fn received_split_by_channel() {
        let by = |id: &str, kind, channel| CaseFact {
            channel,
            ..case(id, kind, 2)
        };
        let facts = with([
            by("a", CaseKind::Complaint, Channel::Hotline),
            by("b", CaseKind::Report, Channel::Hotline),
            by("c", CaseKind::Complaint, Channel::Letter),
            by("d", CaseKind::Consultation, Channel::NationalPlatform),
            by("e", CaseKind::Consultation, Channel::ServiceStation),
            by("f", CaseKind::Complaint, Channel::VehicleWalkIn),
            CaseFact {
                channel: Channel::Letter,
                ..case("may", CaseKind::Report, -5)
            },
        ]);
        let figures = june_as_of(&facts, 30);
        let split: Vec<_> = figures
            .centre
            .received_by_channel
            .iter()
            .map(|c| (c.channel, c.consultations, c.complaints, c.reports))
            .collect();
        assert_eq!(
            split,
            [
                (Channel::VehicleWalkIn, 0, 1, 0),
                (Channel::Hotline, 0, 1, 1),
                (Channel::NationalPlatform, 1, 0, 0),
                (Channel::ServiceStation, 1, 0, 0),
                (Channel::Letter, 0, 1, 0),
            ]
        );
        assert_eq!(figures.by_vehicle[0].received_by_channel[1].reports, 1);
    }

    fn trip(id: &str, crew: &[&str], count: u32, gps: Option<f64>, odo: Option<f64>) -> TripFact {
        TripFact {
            id: id.into(),
            vehicle: "V".into(),
            started_at_ms: june() + DAY,
            crew: crew.iter().map(|c| c.to_string()).collect(),
            crew_count: count,
            dispatch: false,
            gps_km: gps.unwrap_or(0.0),
            gps_measured: gps.is_some(),
            odometer_km: odo,
            odometer_mismatch: false,
            open: false,
            left_open: false,
        }
    }

    /// regulations.md, "行程 km": "one figure: per trip, the odometer difference where both
    /// readings exist, else the GPS distance; summed. Beside it, the GPS and odometer sums and
    /// the number of trips with neither". And "维权人员人次": the sum of crew counts; "per
    /// officer, each named crew member counts once per trip".
    #[test]
    fn one_km_figure_and_staff_trips_per_named_crew_member() {
        let facts = Facts {
            trips: [
                trip(
                    "both",
                    &["name of A-1", "name of B-2"],
                    3,
                    Some(9.5),
                    Some(12.0),
                ),
                trip("gps", &["name of A-1"], 2, Some(4.25), None),
                // A parked vehicle's track: 0 km by GPS is a GPS figure.
                trip("parked", &["name of B-2"], 1, Some(0.0), None),
                trip("neither", &["name of A-1"], 2, None, None),
            ]
            .into_iter()
            .map(|t| (t.id.clone(), t))
            .collect(),
            // B-2 ended a case: the crew name is matched to that enforcement ID.
            ..with([CaseFact {
                ended: Some(act(2, "B-2")),
                ..case("c", CaseKind::Complaint, 1)
            }])
        };
        let figures = june_as_of(&facts, 30);
        let m = &figures.centre.mileage;
        assert_eq!((m.trips, m.staff_trips), (4, 8));
        assert_eq!(m.km, 12.0 + 4.25 + 0.0);
        assert_eq!(m.gps_km, 9.5 + 4.25);
        assert_eq!((m.odometer_km, m.odometer_trips), (12.0, 1));
        assert_eq!(m.trips_without_km, 1);
        assert_eq!(figures.by_vehicle[0].mileage.staff_trips, 8);
        let crew: Vec<_> = figures
            .by_officer
            .iter()
            .map(|f| (f.key.as_str(), f.mileage.trips, f.mileage.staff_trips))
            .collect();
        assert_eq!(crew, [("A-1", 3, 3), ("B-2", 2, 2)]);
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(nearest_rank(&ten, 50), Some(5.0));
        assert_eq!(nearest_rank(&ten, 90), Some(9.0));
        assert_eq!(nearest_rank(&[7.0], 90), Some(7.0));
        assert_eq!(nearest_rank(&[], 50), None);
    }

    #[test]
    fn periods_are_whole_beijing_days() {
        let june = Period::month("2026-06").unwrap();
        assert_eq!(june.to.to_string(), "2026-06-30");
        // 2026-05-31T16:00Z to 2026-06-30T16:00Z.
        assert_eq!(june.bounds_ms(), (1_780_243_200_000, 1_782_835_200_000));
        assert!(Period::days("2026-06-10", "2026-06-01").is_err());
        assert!(Period::month("2026-13").is_err());
    }
}
