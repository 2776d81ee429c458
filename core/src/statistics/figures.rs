//! The figures of a period computed from (merged) facts, per the definitions in
//! regulations.md ("Statistics the centres report"): for the centre, per vehicle and per
//! officer. The attribution rules are in the README ("Statistics").

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::Serialize;

use crate::cases::model::{CaseKind, SatisfactionWord};
use crate::clock::{beijing_day_start_ms, month_days};
use crate::clocks::ClockKind;
use crate::clocks::report::{OnScene, OnTime};
use crate::dispatch::AreaType;
use crate::error::{Error, Result};
use crate::officer::Officer;
use crate::statistics::facts::{ClockFact, DispatchFact, Facts, TripFact};
use crate::trips::summary::Mileage;

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
    pub consultations: u64,
    pub complaints: u64,
    pub reports: u64,
    /// Complaints accepted in the period.
    pub accepted: u64,
    /// Cases closed in the period.
    pub closed: u64,
    /// Cases received in the period (the cohort) and, of them, those closed by the report date.
    pub cohort: u64,
    pub cohort_closed: u64,
    /// 办结率: `cohort_closed / cohort`.
    pub completion_rate: Option<f64>,
    /// Statutory clocks (the limitation check left out) that ended in the period, and met.
    pub clocks_ended: u64,
    pub clocks_met: u64,
    pub on_time_rate: Option<f64>,
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

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statistics {
    pub period: Period,
    /// The report date: the cohort's cases count as closed if closed by the end of this day.
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

/// The figures of `period` from `facts`, the cohort judged closed by the end of `as_of`.
pub fn compute(facts: &Facts, period: &Period, as_of: NaiveDate) -> Statistics {
    let (from, to) = period.bounds_ms();
    let within = |ms: i64| (from..to).contains(&ms);
    let cohort_end = day_start_ms(next_day(as_of));
    let mut rows = Rows::new(facts);
    for case in facts.cases.values() {
        let vehicle = case.vehicle.as_deref();
        if within(case.received_at_ms) {
            let closed_by = case.closed.as_ref().is_some_and(|c| c.at_ms < cohort_end);
            rows.each(vehicle, [&case.opened.by], |f| {
                match case.kind {
                    CaseKind::Consultation => f.consultations += 1,
                    CaseKind::Complaint => f.complaints += 1,
                    CaseKind::Report => f.reports += 1,
                }
                f.cohort += 1;
                f.cohort_closed += u64::from(closed_by);
            });
        }
        if let Some(act) = case.accepted.as_ref().filter(|a| within(a.at_ms)) {
            rows.each(vehicle, [&act.by], |f| f.accepted += 1);
        }
        if let Some(act) = case.closed.as_ref().filter(|a| within(a.at_ms)) {
            rows.each(vehicle, [&act.by], |f| f.closed += 1);
        }
    }
    let ended: Vec<&ClockFact> = facts
        .clocks
        .values()
        .filter(|c| within(c.ended_at_ms))
        .collect();
    for clock in ended.iter().filter(|c| c.kind != ClockKind::Limitation) {
        let case = facts.cases.get(&clock.case_id);
        let vehicle = case.and_then(|c| c.vehicle.as_deref());
        rows.each(vehicle, case.map(|c| &c.opened.by), |f| {
            f.clocks_ended += 1;
            f.clocks_met += u64::from(clock.met);
        });
    }
    for agreement in facts.agreements.values() {
        if !within(agreement.signed_at_ms) {
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
    for follow_up in facts.follow_ups.values().filter(|f| within(f.at_ms)) {
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
    for trip in facts.trips.values().filter(|t| within(t.started_at_ms)) {
        let crew = rows.crew(trip);
        rows.each(Some(&trip.vehicle), &crew, |f| f.mileage.add(trip));
    }
    for dispatch in facts
        .dispatches
        .values()
        .filter(|d| within(d.dispatched_at_ms))
    {
        rows.each(Some(&dispatch.vehicle), [], |f| {
            f.dispatches.push(dispatch.clone())
        });
    }
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

impl Figures {
    fn keyed(key: &str, name: &str) -> Figures {
        Figures {
            key: key.to_string(),
            name: name.to_string(),
            mileage: Mileage {
                key: key.to_string(),
                ..Mileage::default()
            },
            ..Figures::default()
        }
    }

    fn finish(mut self) -> Figures {
        let share = |part: u64, whole: u64| (whole > 0).then(|| part as f64 / whole as f64);
        self.completion_rate = share(self.cohort_closed, self.cohort);
        self.on_time_rate = share(self.clocks_met, self.clocks_ended);
        self.mean_score = share(self.score_sum, self.scored);
        self.satisfied_share = share(self.satisfied, self.worded);
        let dispatches = std::mem::take(&mut self.dispatches);
        self.on_scene = on_scene(dispatches.iter());
        self
    }
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
            known.extend(case.accepted.iter().chain(&case.closed).map(|a| &a.by));
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
        add(&mut self.centre);
        if let Some(vehicle) = vehicle {
            add(self
                .vehicles
                .entry(vehicle.to_string())
                .or_insert_with(|| Figures::keyed(vehicle, "")));
        }
        let mut seen = BTreeSet::new();
        for officer in officers {
            let key = if officer.enforcement_id.is_empty() {
                officer.name.clone()
            } else {
                officer.enforcement_id.clone()
            };
            if seen.insert(key.clone()) {
                add(self
                    .officers
                    .entry(key.clone())
                    .or_insert_with(|| Figures::keyed(&key, &officer.name)));
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
