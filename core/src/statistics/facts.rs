//! The plain facts the centre's figures are computed from, read out of one store's projections
//! (a device's own store, or the centre's replica of it). Facts of several stores merge; the
//! figures are computed from merged facts only — a median needs the raw values, so figures are
//! never added up.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::Serialize;

use crate::calendar::Calendar;
use crate::cases::model::{CaseKind, Channel, Outcome, SatisfactionWord, Step};
use crate::clocks::{ClockKind, ClockState, state};
use crate::dispatch::{AreaType, projection as dispatches};
use crate::documents::projection as documents;
use crate::error::{Error, Result};
use crate::mediation::terms::{Performer, recovered_fen};
use crate::officer::Officer;
use crate::trips;
use crate::trips::model::{Purpose, Trip};

/// An act on a case: when, and by whom.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Act {
    pub at_ms: i64,
    pub by: Officer,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseFact {
    pub id: String,
    pub kind: CaseKind,
    /// How it reached the centre (vehicle walk-in, hotline, national platform, …).
    pub channel: Channel,
    pub received_at_ms: i64,
    /// Who registered it (登记): the case's officer for receipt, cohort and clocks.
    pub opened: Act,
    /// The case's vehicle: that of its first dispatch, else that of the trip under way on the
    /// same device when the case was opened (for no longer than the centre's open-trip
    /// limit); none when neither exists.
    pub vehicle: Option<String>,
    pub accepted: Option<Act>,
    /// Its handling ended (办结, `ends_handling`); for a consultation, answered.
    pub ended: Option<Act>,
    pub closed: Option<Act>,
}

/// A statutory clock that has ended: stopped (met or late), or still running past its due day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClockFact {
    pub case_id: String,
    pub kind: ClockKind,
    pub ended_at_ms: i64,
    /// The last instant of its due day: not met means breached just after it.
    pub due_at_ms: i64,
    pub met: bool,
    /// False when it ended by running past its due day without being stopped.
    pub stopped: bool,
}

/// A mediation agreement concluded (signed by everyone).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgreementFact {
    pub document_id: String,
    pub case_id: String,
    pub signed_at_ms: i64,
    /// The merchant's agreed amounts (`mediation::terms::recovered_fen`).
    pub fen: i64,
    /// Of `fen`, what has been carried out so far.
    pub performed_fen: i64,
    /// The serving mediators (not withdrawn after an objection).
    pub mediators: Vec<Officer>,
}

/// A 回访.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FollowUpFact {
    pub case_id: String,
    pub at_ms: i64,
    pub by: Officer,
    pub score: Option<u8>,
    pub word: Option<SatisfactionWord>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TripFact {
    pub id: String,
    pub vehicle: String,
    pub started_at_ms: i64,
    pub crew: Vec<String>,
    pub crew_count: u32,
    pub dispatch: bool,
    pub gps_km: f64,
    /// The track kept two fixes or more: there is a GPS distance (0 m parked is one).
    pub gps_measured: bool,
    /// End minus start reading, when both exist.
    pub odometer_km: Option<f64>,
    pub odometer_mismatch: bool,
    pub open: bool,
    /// Still open longer than the centre's limit (`open_trip_limit_hours`) when the facts were
    /// read: reported as not ended, a trip someone forgot to end.
    pub left_open: bool,
}

impl TripFact {
    /// The trip's facts, judged open too long at `now_ms` by the limit `open_limit_ms`.
    pub fn of(trip: &Trip, now_ms: i64, open_limit_ms: i64) -> TripFact {
        let open = trip.ended_at_ms.is_none();
        TripFact {
            id: trip.id.clone(),
            vehicle: trip.vehicle.clone(),
            started_at_ms: trip.started_at_ms,
            crew: trip.crew.clone(),
            crew_count: trip.crew_count,
            dispatch: trip.purpose == Purpose::Dispatch,
            gps_km: trip.track.distance_m / 1000.0,
            gps_measured: trip.track.fixes_kept >= 2,
            odometer_km: trip.odometer_distance_km,
            odometer_mismatch: trip.odometer_mismatch,
            open,
            left_open: open && now_ms.saturating_sub(trip.started_at_ms) > open_limit_ms,
        }
    }

    /// regulations.md, 行程 km: the odometer difference where both readings exist, else the
    /// GPS distance; none when the trip has neither.
    pub fn km(&self) -> Option<f64> {
        self.odometer_km
            .or_else(|| self.gps_measured.then_some(self.gps_km))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DispatchFact {
    pub id: String,
    pub case_id: String,
    pub vehicle: String,
    pub area: AreaType,
    pub dispatched_at_ms: i64,
    pub on_scene_at_ms: Option<i64>,
    /// On scene within the target (30 / 60 minutes).
    pub met: bool,
}

/// Everything the figures need, keyed so that the same fact read from two stores (a case
/// reassigned from one device to another) is held once.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Facts {
    pub cases: BTreeMap<String, CaseFact>,
    /// By `case id/clock kind`.
    pub clocks: BTreeMap<String, ClockFact>,
    pub agreements: BTreeMap<String, AgreementFact>,
    /// By case: a case is followed up once.
    pub follow_ups: BTreeMap<String, FollowUpFact>,
    pub trips: BTreeMap<String, TripFact>,
    pub dispatches: BTreeMap<String, DispatchFact>,
}

impl Facts {
    /// The facts of one store, its running clocks judged at `now_ms`.
    pub fn of_store(conn: &Connection, calendar: &Calendar, now_ms: i64) -> Result<Facts> {
        let open_limit_ms = crate::parameters::current(conn)?.open_trip_limit_ms();
        let mut facts = Facts {
            trips: trip_facts(conn, now_ms, open_limit_ms)?
                .into_iter()
                .map(|t| (t.id.clone(), t))
                .collect(),
            dispatches: dispatch_facts(conn, i64::MIN, i64::MAX, now_ms)?
                .into_iter()
                .map(|d| (d.id.clone(), d))
                .collect(),
            agreements: agreement_facts(conn, i64::MIN, i64::MAX)?
                .into_iter()
                .map(|a| (a.document_id.clone(), a))
                .collect(),
            ..Facts::default()
        };
        for clock in clock_facts(conn, calendar, now_ms)? {
            facts.clocks.insert(clock_key(&clock), clock);
        }
        read_cases(conn, &mut facts, open_limit_ms)?;
        Ok(facts)
    }

    /// Adds another store's facts. A case held by two stores (reassigned) counts once: its
    /// earliest receipt, and acceptance, end of handling, closure and follow-up from whichever
    /// store has them.
    pub fn merge(&mut self, other: Facts) {
        for (id, case) in other.cases {
            match self.cases.get_mut(&id) {
                Some(held) => held.merge(case),
                None => {
                    self.cases.insert(id, case);
                }
            }
        }
        for (key, clock) in other.clocks {
            let keep_held = self.clocks.get(&key).is_some_and(|held| {
                (held.stopped, -held.ended_at_ms) >= (clock.stopped, -clock.ended_at_ms)
            });
            if !keep_held {
                self.clocks.insert(key, clock);
            }
        }
        for (key, follow_up) in other.follow_ups {
            self.follow_ups.entry(key).or_insert(follow_up);
        }
        self.agreements.extend(other.agreements);
        self.trips.extend(other.trips);
        self.dispatches.extend(other.dispatches);
    }
}

impl CaseFact {
    fn merge(&mut self, other: CaseFact) {
        if other.received_at_ms < self.received_at_ms {
            self.received_at_ms = other.received_at_ms;
            self.opened = other.opened;
        }
        self.vehicle = self.vehicle.take().or(other.vehicle);
        self.accepted = earliest(self.accepted.take(), other.accepted);
        self.ended = earliest(self.ended.take(), other.ended);
        self.closed = earliest(self.closed.take(), other.closed);
    }
}

fn earliest(a: Option<Act>, b: Option<Act>) -> Option<Act> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.at_ms < a.at_ms { b } else { a }),
        (a, b) => a.or(b),
    }
}

fn clock_key(clock: &ClockFact) -> String {
    format!("{}/{}", clock.case_id, clock.kind)
}

/// The statutory clocks of the store's complaints and reports that have ended by `now_ms`:
/// stopped met or late, or running past their due day (ended then, breached).
pub fn clock_facts(conn: &Connection, calendar: &Calendar, now_ms: i64) -> Result<Vec<ClockFact>> {
    let mut stmt = conn.prepare_cached("SELECT id FROM cases WHERE kind != 'consultation'")?;
    let ids = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::new();
    for id in ids {
        for clock in state::of_case(conn, calendar, &id, now_ms)? {
            let ended = match (clock.stopped_at_ms, clock.state) {
                (Some(at), ClockState::Met | ClockState::Breached) => Some((at, true)),
                (None, ClockState::Breached) => Some((clock.due_at_ms, false)),
                _ => None,
            };
            if let Some((ended_at_ms, stopped)) = ended {
                out.push(ClockFact {
                    case_id: clock.case_id,
                    kind: clock.kind,
                    ended_at_ms,
                    due_at_ms: clock.due_at_ms,
                    met: clock.state == ClockState::Met,
                    stopped,
                });
            }
        }
    }
    Ok(out)
}

/// Mediation agreements concluded between two instants, oldest first.
pub fn agreement_facts(conn: &Connection, from_ms: i64, to_ms: i64) -> Result<Vec<AgreementFact>> {
    let mut out = Vec::new();
    for state in documents::concluded_mediations(conn, from_ms, to_ms)? {
        let (Some(agreement), Some(signed_at_ms)) = (&state.agreement, state.closed_at_ms) else {
            continue;
        };
        let performed_fen = agreement
            .terms
            .iter()
            .zip(&agreement.performed_on)
            .filter(|(t, on)| {
                t.by == Performer::Merchant && (t.performed_on_the_spot || on.is_some())
            })
            .filter_map(|(t, _)| t.amount_fen)
            .sum::<i64>();
        out.push(AgreementFact {
            document_id: state.id.to_string(),
            case_id: state.case_id.to_string(),
            signed_at_ms,
            fen: recovered_fen(&agreement.terms),
            performed_fen,
            mediators: state.officers().map(|(_, o)| o.clone()).collect(),
        });
    }
    Ok(out)
}

/// Every trip of the store, judged open too long at `now_ms`.
fn trip_facts(conn: &Connection, now_ms: i64, open_limit_ms: i64) -> Result<Vec<TripFact>> {
    Ok(
        trips::projection::started_between(conn, i64::MIN, i64::MAX, None)?
            .iter()
            .map(|t| TripFact::of(t, now_ms, open_limit_ms))
            .collect(),
    )
}

/// Dispatches made between two instants, their on-scene clock judged at `now_ms`.
pub fn dispatch_facts(
    conn: &Connection,
    from_ms: i64,
    to_ms: i64,
    now_ms: i64,
) -> Result<Vec<DispatchFact>> {
    Ok(dispatches::made_between(conn, from_ms, to_ms, now_ms)?
        .into_iter()
        .map(|d| DispatchFact {
            met: d.on_scene_state == ClockState::Met,
            id: d.id,
            case_id: d.case_id,
            vehicle: d.vehicle,
            area: d.area,
            dispatched_at_ms: d.dispatched_at_ms,
            on_scene_at_ms: d.on_scene_at_ms,
        })
        .collect())
}

/// Whether `step` ends the handling of a case of `kind` — regulations.md, "办结 closed, per
/// kind": a complaint declined, forwarded or referred out, or closed after mediation
/// (agreement or termination; a withdrawal or the parties' own settlement is a ground for
/// terminating, Art. 23(1), and such a complaint closes from acceptance); a report forwarded
/// or referred out, or decided, case opened or not (its later closure is no second end) — or,
/// under Order No. 121 Art. 35, marked not to be handled again, or merged into the first report
/// (which is handled on; its own end counts for it). A consultation's handling ends when it is
/// answered (a referred one is not answered).
pub fn ends_handling(kind: CaseKind, step: &Step) -> bool {
    match (kind, step) {
        (CaseKind::Complaint, Step::Decline { .. } | Step::Close { .. }) => true,
        (
            CaseKind::Report,
            Step::DecideReport { .. } | Step::MarkRepeated { .. } | Step::MergeInto { .. },
        ) => true,
        (CaseKind::Complaint | CaseKind::Report, Step::Forward { .. } | Step::Refer { .. }) => true,
        (CaseKind::Consultation, Step::Close { outcome }) => *outcome == Outcome::Answered,
        _ => false,
    }
}

/// One row of `cases`: id, kind, channel, receipt, registration.
type CaseRow = (String, String, String, i64, Act);

/// The store's cases with their acceptance, end of handling, closure, follow-up and vehicle.
fn read_cases(conn: &Connection, facts: &mut Facts, open_limit_ms: i64) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, channel, received_at_ms, opened_at_ms, opened_by_name, opened_by_id
         FROM cases",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, act_at(r, 4)?))
        })?
        .collect::<rusqlite::Result<Vec<CaseRow>>>()?;
    for (id, kind, channel, received_at_ms, opened) in rows {
        let corrupt = |what: &str, value: &str| {
            Error::damaged("cases", format!("case {id} has {what} {value:?}"))
        };
        let kind = CaseKind::parse(&kind).ok_or_else(|| corrupt("kind", &kind))?;
        let channel = Channel::parse(&channel).ok_or_else(|| corrupt("channel", &channel))?;
        let vehicle = case_vehicle(conn, facts, &id, opened.at_ms, open_limit_ms)?;
        let mut case = CaseFact {
            id: id.clone(),
            kind,
            channel,
            received_at_ms,
            opened,
            vehicle,
            accepted: None,
            ended: None,
            closed: None,
        };
        for (step, act) in steps(conn, &id)? {
            if case.ended.is_none() && ends_handling(kind, &step) {
                case.ended = Some(act.clone());
            }
            match step {
                Step::Accept => case.accepted = Some(act),
                Step::Close { .. } => case.closed = Some(act),
                Step::FollowUp { score, word } => {
                    facts.follow_ups.insert(
                        id.clone(),
                        FollowUpFact {
                            case_id: id.clone(),
                            at_ms: act.at_ms,
                            by: act.by,
                            score,
                            word,
                        },
                    );
                }
                _ => {}
            }
        }
        facts.cases.insert(id, case);
    }
    Ok(())
}

fn steps(conn: &Connection, case_id: &str) -> Result<Vec<(Step, Act)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT step, at_ms, officer_name, officer_id FROM case_steps WHERE case_id = ?1
         ORDER BY seq",
    )?;
    let rows = stmt
        .query_map([case_id], |r| Ok((r.get::<_, String>(0)?, act_at(r, 1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(step, act)| {
            let step = serde_json::from_str(&step).map_err(|e| {
                Error::damaged("case_steps", format!("a step of case {case_id}: {e}"))
            })?;
            Ok((step, act))
        })
        .collect()
}

/// An act from three columns from `first` on: its time, the officer's name and enforcement ID.
fn act_at(r: &rusqlite::Row, first: usize) -> rusqlite::Result<Act> {
    Ok(Act {
        at_ms: r.get(first)?,
        by: Officer {
            name: r.get(first + 1)?,
            enforcement_id: r.get(first + 2)?,
        },
    })
}

/// The vehicle of the case's first dispatch, else of the trip under way when it was opened —
/// a trip under way for no longer than the centre's limit: one left open past it attracts no
/// cases after that time (regulations.md, statistics).
fn case_vehicle(
    conn: &Connection,
    facts: &Facts,
    case_id: &str,
    opened_at_ms: i64,
    open_limit_ms: i64,
) -> Result<Option<String>> {
    let dispatched = facts
        .dispatches
        .values()
        .filter(|d| d.case_id == case_id)
        .min_by_key(|d| d.dispatched_at_ms)
        .map(|d| d.vehicle.clone());
    if dispatched.is_some() {
        return Ok(dispatched);
    }
    let under_way: Option<String> = conn
        .prepare_cached(
            "SELECT vehicle FROM trips WHERE started_at_ms <= ?1
               AND (ended_at_ms IS NULL OR ended_at_ms >= ?1)
               AND ?1 - started_at_ms <= ?2
             ORDER BY started_at_ms DESC LIMIT 1",
        )?
        .query_row([opened_at_ms, open_limit_ms], |r| r.get(0))
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(e),
        })?;
    Ok(under_way)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statistics::{Period, compute};

    fn act(at_ms: i64, id: &str) -> Act {
        Act {
            at_ms,
            by: Officer {
                name: id.into(),
                enforcement_id: id.into(),
            },
        }
    }

    /// Art. 35: a report not handled again, or merged into the first, is disposed of — its
    /// handling ended, or a month's 办结率 could never reach 100 %; the report it was merged
    /// into ends when it is decided.
    #[test]
    fn a_repeated_or_merged_report_has_ended() {
        let first = || "first".to_string();
        for step in [
            Step::MarkRepeated { first: first() },
            Step::MergeInto { first: first() },
            Step::DecideReport { file_case: false },
        ] {
            assert!(ends_handling(CaseKind::Report, &step), "{step:?}");
        }
        let merged = Step::ReportMerged {
            report: first(),
            received_at_ms: 0,
        };
        assert!(!ends_handling(CaseKind::Report, &merged));
    }

    /// A case reassigned from one device to another is held by both replicas: it is received
    /// once, accepted by the first, closed (its handling ended) by the second.
    #[test]
    fn a_case_in_two_stores_counts_once() {
        let (june, _) = crate::time::beijing_month("2026-06").unwrap();
        let day = 86_400_000;
        let case = |accepted, closed: Option<Act>| CaseFact {
            id: "c".into(),
            kind: CaseKind::Complaint,
            channel: Channel::Hotline,
            received_at_ms: june + day,
            opened: act(june + day, "A-0001"),
            vehicle: None,
            accepted,
            ended: closed.clone(),
            closed,
        };
        let clock = |stopped, ended_at_ms, met| ClockFact {
            case_id: "c".into(),
            kind: ClockKind::Accept,
            ended_at_ms,
            due_at_ms: june + 9 * day,
            met,
            stopped,
        };
        let mut first = Facts::default();
        first
            .cases
            .insert("c".into(), case(Some(act(june + 2 * day, "A-0001")), None));
        // The first device never saw the acceptance it handed over: its clock ran past due.
        first
            .clocks
            .insert("c/accept".into(), clock(false, june + 9 * day, false));
        let mut second = Facts::default();
        second
            .cases
            .insert("c".into(), case(None, Some(act(june + 5 * day, "B-0002"))));
        second
            .clocks
            .insert("c/accept".into(), clock(true, june + 2 * day, true));
        first.merge(second);
        let figures = compute(
            &first,
            &Period::month("2026-06").unwrap(),
            chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
        );
        let centre = figures.centre;
        let handling = &centre.complaint_handling;
        assert_eq!(
            (
                centre.complaints,
                centre.accepted,
                handling.ended,
                handling.cohort_ended
            ),
            (1, 1, 1, 1)
        );
        assert_eq!((centre.clocks_ended, centre.clocks_met), (1, 1));
        // The stopped clock (met) is the one kept: the case ended on time.
        assert_eq!(handling.ended_on_time, 1);
        assert_eq!(centre.received_by_channel[1].complaints, 1);
        let officers: Vec<_> = figures
            .by_officer
            .iter()
            .map(|f| (f.key.as_str(), f.accepted, f.complaint_handling.ended))
            .collect();
        assert_eq!(officers, [("A-0001", 1, 0), ("B-0002", 0, 1)]);
    }
}
