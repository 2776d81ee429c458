//! Repeated reports (Order No. 121 Art. 35): "对于同一举报人就同一涉嫌违法事实重复举报同一被举报人
//! 的，不再另行处理；对于同一举报人以补充新的事实为由再次举报同一被举报人的，可以合并处理，并自收到
//! 最后一次举报之日起重新计算处理期限".
//!
//! - The same reporter, the same business, the same facts word for word: the law leaves no
//!   choice, so intake marks the new report 不再另行处理 at once (`Step::MarkRepeated`), linked
//!   to the first. An officer may mark a reworded repeat by hand.
//! - The same reporter and business with other facts: 可以合并处理 is the officer's choice, so
//!   `earlier_reports` offers the first report and the officer confirms (`Step::MergeInto`),
//!   which records `Step::ReportMerged` on the first in the same write; the first's
//!   `report_decision` period then runs from the last merged report's receipt (clocks).
//!
//! Matching is on the blind index, never on plain values: the reporter by the digest of their
//! identity document, or of their name with their phone; the business by its credit code or
//! the digest of its name; the facts by their digest. Order No. 20 has no such rule (its
//! Art. 31 only refers to the penalty procedure): its reports are never linked.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::cases::abuse_flags::PersonKeys;
use crate::cases::model::{CaseKind, CaseState, RuleSet, Step};
use crate::cases::{projection, read};
use crate::error::{Error, Result};
use crate::events::Digest;
use crate::events::log::Writer;
use crate::identity::Field;

/// An earlier report by the same reporter about the same business, as the officer is offered
/// it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct EarlierReport {
    pub case_id: String,
    pub number: String,
    pub state: CaseState,
    /// The facts are the same word for word (a repeat: 不再另行处理).
    pub same_facts: bool,
    /// Still being handled: new facts may be merged into it.
    pub open: bool,
}

/// What a report is matched on.
struct Keys {
    id: String,
    number: String,
    kind: CaseKind,
    state: CaseState,
    /// (time of receipt, row): which report came first.
    order: (i64, i64),
    credit_code: Option<String>,
    reporter: PersonKeys,
    business_name: Option<Digest>,
    facts: Option<Digest>,
}

impl Keys {
    fn same_reporter_and_business(&self, other: &Keys) -> bool {
        let code = self.credit_code.is_some() && self.credit_code == other.credit_code;
        let name = self.business_name.is_some() && self.business_name == other.business_name;
        self.reporter.same_person(&other.reporter) && (code || name)
    }

    fn is_open(&self) -> bool {
        matches!(self.state, CaseState::Received | CaseState::Verifying)
    }

    fn is_linked(&self) -> bool {
        matches!(self.state, CaseState::NotHandledAgain | CaseState::Merged)
    }
}

/// The earlier reports on this device by the reporter of report `case_id` about the same
/// business, oldest first; none for an anonymous report, another kind, or a report already
/// linked. Reports themselves linked to another are left out: one links to the first.
pub fn earlier_reports(conn: &Connection, case_id: &str) -> Result<Vec<EarlierReport>> {
    let this = keys(conn, case_id)?;
    if this.kind != CaseKind::Report || this.is_linked() {
        return Ok(Vec::new());
    }
    let mut found: Vec<Keys> = Vec::new();
    for id in sharing_the_reporter(conn, case_id)? {
        let other = keys(conn, &id)?;
        if other.kind == CaseKind::Report
            && !other.is_linked()
            && other.order < this.order
            && this.same_reporter_and_business(&other)
        {
            found.push(other);
        }
    }
    found.sort_by_key(|k| k.order);
    Ok(found
        .into_iter()
        .map(|k| EarlierReport {
            same_facts: this.facts.is_some() && this.facts == k.facts,
            open: k.is_open(),
            case_id: k.id,
            number: k.number,
            state: k.state,
        })
        .collect())
}

/// At intake: a report whose reporter reported the same facts about the same business before
/// is marked 不再另行处理 and linked to the first (Order No. 121 only).
pub fn mark_at_intake(w: &mut Writer, case_id: Uuid) -> Result<()> {
    let id = case_id.to_string();
    let at = w.time.trusted_ms;
    if projection::rule_set_at(w.conn(), &id, at)? != RuleSet::SamrOrder121 {
        return Ok(());
    }
    let first = earlier_reports(w.conn(), &id)?
        .into_iter()
        .find(|r| r.same_facts);
    if let Some(first) = first
        && projection::rule_set_at(w.conn(), &first.case_id, at)? == RuleSet::SamrOrder121
    {
        super::take_step(
            w,
            case_id,
            &Step::MarkRepeated {
                first: first.case_id,
            },
            None,
        )?;
    }
    Ok(())
}

/// The step `MarkRepeated` or `MergeInto` on report `case_id`, checked against Art. 35, with
/// `first` (an id or a number) written as the first report's id.
pub fn checked(
    conn: &Connection,
    case_id: &str,
    first: &str,
    merge: bool,
    at_ms: i64,
) -> Result<Step> {
    let this = keys(conn, case_id)?;
    let first_id = read::id_of(conn, first)
        .map_err(|_| {
            Error::invalid(
                "first",
                format!("no case {:?} on this device", first.trim()),
            )
        })?
        .to_string();
    if first_id == this.id {
        return Err(Error::invalid("first", "a report cannot repeat itself"));
    }
    let first = keys(conn, &first_id)?;
    for id in [&this.id, &first.id] {
        if projection::rule_set_at(conn, id, at_ms)? != RuleSet::SamrOrder121 {
            return Err(Error::invalid(
                "step",
                "《投诉举报处理暂行办法》 has no rule on repeated reports: Order No. 121 Art. 35 applies to reports handled under it",
            ));
        }
    }
    if first.kind != CaseKind::Report {
        return Err(Error::invalid(
            "first",
            format!("{} is not a report", first.number),
        ));
    }
    if first.is_linked() {
        return Err(Error::invalid(
            "first",
            format!(
                "{} is itself linked to an earlier report: link to that one",
                first.number
            ),
        ));
    }
    if first.order > this.order || !this.same_reporter_and_business(&first) {
        return Err(Error::invalid(
            "first",
            format!(
                "Art. 35 links a report to an earlier one by the same reporter about the same business; {} is not",
                first.number
            ),
        ));
    }
    if merge && !first.is_open() {
        return Err(Error::invalid(
            "first",
            format!(
                "{} is {}: its handling has ended, so new facts are handled as a report of their own",
                first.number, first.state
            ),
        ));
    }
    Ok(if merge {
        Step::MergeInto { first: first.id }
    } else {
        Step::MarkRepeated { first: first.id }
    })
}

/// The step written on the first report when `report` is merged into it.
pub fn merged_step(conn: &Connection, report: &str) -> Result<Step> {
    let received_at_ms: i64 = conn
        .prepare_cached("SELECT received_at_ms FROM cases WHERE id = ?1")?
        .query_row([report], |r| r.get(0))?;
    Ok(Step::ReportMerged {
        report: report.to_string(),
        received_at_ms,
    })
}

/// The reports whose first person shares a phone or an identity document with the report's.
fn sharing_the_reporter(conn: &Connection, case_id: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT b2.case_id FROM blind_index b1
         JOIN blind_index b2 ON b2.digest = b1.digest AND b2.field = b1.field AND b2.person = 0
         JOIN cases c ON c.id = b2.case_id AND c.kind = ?2
         WHERE b1.case_id = ?1 AND b1.person = 0 AND b1.field IN (?3, ?4)
           AND b2.case_id <> ?1",
    )?;
    let ids = stmt
        .query_map(
            [
                case_id,
                CaseKind::Report.as_str(),
                Field::Phone.as_str(),
                Field::IdNumber.as_str(),
            ],
            |r| r.get(0),
        )?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(ids)
}

fn keys(conn: &Connection, case_id: &str) -> Result<Keys> {
    type Row = (String, String, String, i64, i64, Option<String>);
    let row: Option<Row> = conn
        .prepare_cached(
            "SELECT number, kind, state, received_at_ms, row, credit_code FROM cases WHERE id = ?1",
        )?
        .query_row([case_id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .optional()?;
    let (number, kind, state, received_at_ms, row, credit_code) =
        row.ok_or_else(|| Error::NotFound {
            what: "case",
            id: case_id.to_string(),
        })?;
    let mut keys = Keys {
        id: case_id.to_string(),
        number,
        kind: read::parse(case_id, "kind", &kind, CaseKind::parse)?,
        state: read::parse(case_id, "state", &state, CaseState::parse)?,
        order: (received_at_ms, row),
        credit_code,
        reporter: PersonKeys::default(),
        business_name: None,
        facts: None,
    };
    let mut stmt =
        conn.prepare_cached("SELECT field, person, digest FROM blind_index WHERE case_id = ?1")?;
    let mut rows = stmt.query([case_id])?;
    while let Some(r) = rows.next()? {
        let (field, person) = (Field::parse(&r.get::<_, String>(0)?), r.get::<_, i64>(1)?);
        let Some(digest) = Digest::from_slice(&r.get::<_, Vec<u8>>(2)?) else {
            continue;
        };
        let slot = match (field, person) {
            (Some(Field::BusinessName), _) => &mut keys.business_name,
            (Some(Field::Facts), _) => &mut keys.facts,
            (Some(Field::Name), 0) => &mut keys.reporter.name,
            (Some(Field::Phone), 0) => &mut keys.reporter.phone,
            (Some(Field::IdNumber), 0) => &mut keys.reporter.id_number,
            _ => continue,
        };
        *slot = Some(digest);
    }
    Ok(keys)
}
