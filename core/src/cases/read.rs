//! Reading cases back: a whole case (its intake resolved against the vault, its history), and
//! pages of summaries for the app's lists.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Row};
use uuid::Uuid;

use crate::cases::events::{CaseOpened, MatterBody, Party, Respondent, SealedId};
use crate::cases::model::{
    Agent, Business, Case, CaseKind, CasePage, CaseQuery, CaseState, CaseSummary, Channel,
    IdDocument, Matter, OnlineShop, Person, ProofOfPurchase, RuleSet, Step, StepRecord,
};
use crate::cases::search;
use crate::error::{Error, Result};
use crate::events::EventBody;
use crate::identity::{BlindKey, Field};
use crate::officer::Officer;
use crate::position::{GeoPoint, GeoPosition};
use crate::validate::{optional, phone};
use crate::vault::{self, Sealed};

pub const PAGE_MAX: u32 = 500;
pub const PAGE_DEFAULT: u32 = 50;

/// A case by its id or its human-readable number.
pub fn get(conn: &Connection, id_or_number: &str) -> Result<Case> {
    let key = id_or_number.trim();
    let row = conn
        .prepare_cached(
            "SELECT id, number, kind, state, channel, rule_set, received_at_ms, opened_at_ms,
                    opened_by_name, opened_by_id, intake, purged_at_ms
             FROM cases WHERE id = ?1 OR number = ?1",
        )?
        .query_row([key], CaseRow::read)
        .optional()?
        .ok_or_else(|| Error::NotFound {
            what: "case",
            id: key.to_string(),
        })?;
    row.into_case(conn)
}

/// The case's id, found by id or number.
pub fn id_of(conn: &Connection, id_or_number: &str) -> Result<Uuid> {
    let key = id_or_number.trim();
    let id: Option<String> = conn
        .prepare_cached("SELECT id FROM cases WHERE id = ?1 OR number = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?;
    id.and_then(|id| Uuid::parse_str(&id).ok())
        .ok_or_else(|| Error::NotFound {
            what: "case",
            id: key.to_string(),
        })
}

struct CaseRow {
    id: String,
    number: String,
    kind: String,
    state: String,
    channel: String,
    rule_set: String,
    received_at_ms: i64,
    opened_at_ms: i64,
    opened_by: Officer,
    intake: String,
    purged: bool,
}

impl CaseRow {
    fn read(r: &Row) -> rusqlite::Result<CaseRow> {
        Ok(CaseRow {
            id: r.get(0)?,
            number: r.get(1)?,
            kind: r.get(2)?,
            state: r.get(3)?,
            channel: r.get(4)?,
            rule_set: r.get(5)?,
            received_at_ms: r.get(6)?,
            opened_at_ms: r.get(7)?,
            opened_by: Officer {
                name: r.get(8)?,
                enforcement_id: r.get(9)?,
            },
            intake: r.get(10)?,
            purged: r.get::<_, Option<i64>>(11)?.is_some(),
        })
    }

    /// Text that does not parse back is reported as damage, not guessed.
    fn into_case(self, conn: &Connection) -> Result<Case> {
        let intake = parse_intake(&self.id, &self.intake)?;
        let steps = steps(conn, &self.id)?;
        let referenced = intake.personal_data().into_iter().map(|s| s.id);
        let notes = steps.iter().filter_map(|(_, note)| *note);
        let vault = Vault::load(conn, referenced.chain(notes))?;
        let history = steps
            .into_iter()
            .map(|(mut step, note)| {
                step.note = note.and_then(|id| vault.0.get(&id).cloned());
                step
            })
            .collect();
        Ok(Case {
            kind: parse(&self.id, "kind", &self.kind, CaseKind::parse)?,
            state: parse(&self.id, "state", &self.state, CaseState::parse)?,
            channel: parse(&self.id, "channel", &self.channel, Channel::parse)?,
            rule_set: parse(&self.id, "rule_set", &self.rule_set, RuleSet::parse)?,
            received_at_ms: self.received_at_ms,
            opened_at_ms: self.opened_at_ms,
            opened_by: self.opened_by,
            platform_ticket: intake.platform_ticket.clone(),
            complainants: intake
                .complainants
                .iter()
                .filter_map(|p| vault.person(p))
                .collect(),
            joint_complainants: intake.joint_complainants,
            respondent: intake.respondent.as_ref().and_then(|r| vault.business(r)),
            matter: vault.matter(&intake.matter),
            linked_case: intake.linked_case.map(|id| id.to_string()),
            history,
            personal_data_purged: self.purged,
            id: self.id,
            number: self.number,
        })
    }
}

/// A projected case row that does not read back as written.
pub(crate) fn damaged(case_id: &str, reason: String) -> Error {
    Error::damaged("cases", format!("case {case_id}: {reason}"))
}

/// A wire-spelled column (kind, state, …) read back; unknown text is damage, not a guess.
pub(crate) fn parse<T>(
    case_id: &str,
    what: &str,
    text: &str,
    f: fn(&str) -> Option<T>,
) -> Result<T> {
    f(text).ok_or_else(|| damaged(case_id, format!("{what} {text:?} is not known")))
}

/// The case's `CaseOpened` body as projected, if the case is here.
pub(crate) fn intake(conn: &Connection, case_id: Uuid) -> Result<Option<CaseOpened>> {
    let case_id = case_id.to_string();
    let json: Option<String> = conn
        .prepare_cached("SELECT intake FROM cases WHERE id = ?1")?
        .query_row([&case_id], |r| r.get(0))
        .optional()?;
    json.map(|json| parse_intake(&case_id, &json)).transpose()
}

/// The `intake` column: the case's `CaseOpened` body.
pub(crate) fn parse_intake(case_id: &str, json: &str) -> Result<CaseOpened> {
    serde_json::from_str(json).map_err(|e| damaged(case_id, format!("intake: {e}")))
}

/// The vault rows a case refers to, read once: references resolve to values, or to `None`
/// once purged.
struct Vault(HashMap<i64, String>);

impl Vault {
    fn load(conn: &Connection, ids: impl Iterator<Item = i64>) -> Result<Vault> {
        let mut values = HashMap::new();
        for id in ids {
            if let Some(value) = vault::value(conn, id)? {
                values.insert(id, value);
            }
        }
        Ok(Vault(values))
    }

    fn get(&self, sealed: &Sealed) -> Option<String> {
        self.0.get(&sealed.id).cloned()
    }

    fn opt(&self, sealed: &Option<Sealed>) -> Option<String> {
        sealed.as_ref().and_then(|s| self.get(s))
    }

    /// A person whose name or phone is gone (purged) is not shown at all.
    fn person(&self, p: &Party) -> Option<Person> {
        Some(Person {
            name: self.get(&p.name)?,
            phone: self.get(&p.phone)?,
            address: self.opt(&p.address),
            id_document: p.id_document.as_ref().and_then(|d| self.id(d)),
            agent: p.agent.as_ref().and_then(|a| {
                Some(Agent {
                    name: self.get(&a.name)?,
                    id_document: self.id(&a.id_document)?,
                    power_of_attorney: a.power_of_attorney,
                })
            }),
        })
    }

    fn id(&self, d: &SealedId) -> Option<IdDocument> {
        Some(IdDocument {
            kind: d.kind,
            number: self.get(&d.number)?,
        })
    }

    fn business(&self, r: &Respondent) -> Option<Business> {
        Some(Business {
            name: self.get(&r.name)?,
            address: self.opt(&r.address),
            credit_code: r.credit_code.clone(),
            legal_representative: self.opt(&r.legal_representative),
            premises: self.opt(&r.premises),
            online: r.online.as_ref().map(|o| OnlineShop {
                platform: o.platform.clone(),
                shop_name: o.shop_name.clone(),
                shop_address: o.shop_address.clone(),
            }),
        })
    }

    fn matter(&self, m: &MatterBody) -> Matter {
        Matter {
            occurred_on: m.occurred_on.clone(),
            place_text: self.opt(&m.place_text),
            place: m.place.map(GeoPosition::from),
            goods: m.goods.clone(),
            amount_paid_fen: m.amount_paid_fen,
            quantity: m.quantity,
            facts: self.get(&m.facts),
            demands: m.demands.clone(),
            demands_text: self.opt(&m.demands_text),
            evidence: m.evidence.clone(),
            proof: m.proof.map(|p| ProofOfPurchase {
                kind: p.kind,
                reference: self.opt(&p.reference),
            }),
        }
    }
}

/// The case's steps, oldest first, each with its note's vault id (resolved by the caller).
fn steps(conn: &Connection, case_id: &str) -> Result<Vec<(StepRecord, Option<i64>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT step, state_after, at_ms, officer_name, officer_id, place_lat_e7, place_lon_e7,
                place_accuracy_cm, note
         FROM case_steps WHERE case_id = ?1 ORDER BY seq",
    )?;
    let mut rows = stmt.query([case_id])?;
    let mut steps = Vec::new();
    while let Some(r) = rows.next()? {
        let step: String = r.get(0)?;
        let state: String = r.get(1)?;
        let place = match (r.get::<_, Option<i32>>(5)?, r.get::<_, Option<i32>>(6)?) {
            (Some(lat_e7), Some(lon_e7)) => Some(GeoPosition::from(GeoPoint {
                lat_e7,
                lon_e7,
                accuracy_cm: r.get(7)?,
            })),
            _ => None,
        };
        let note: Option<i64> = r.get(8)?;
        let record = StepRecord {
            step: serde_json::from_str::<Step>(&step)
                .map_err(|e| damaged(case_id, format!("step {step}: {e}")))?,
            state_after: parse(case_id, "state", &state, CaseState::parse)?,
            at_ms: r.get(2)?,
            by: Officer {
                name: r.get(3)?,
                enforcement_id: r.get(4)?,
            },
            place,
            note: None,
        };
        steps.push((record, note));
    }
    Ok(steps)
}

/// Cases newest first, a page at a time; `after` is the `next` of the previous page. `key`
/// turns a phone number into the digest the blind index holds.
pub fn list(conn: &Connection, key: &BlindKey, query: &CaseQuery) -> Result<CasePage> {
    let limit = query.limit.unwrap_or(PAGE_DEFAULT);
    if !(1..=PAGE_MAX).contains(&limit) {
        return Err(Error::invalid("limit", format!("must be 1 to {PAGE_MAX}")));
    }
    let mut filter = Filter::default();
    if let Some(state) = query.state {
        filter.add("c.state = ?", state.as_str());
    }
    if let Some(kind) = query.kind {
        filter.add("c.kind = ?", kind.as_str());
    }
    if let Some(cursor) = query.after.as_deref() {
        let (ms, id) = parse_cursor(cursor)?;
        filter.add("(c.opened_at_ms, c.id) < (?, ?)", ms);
        filter.values.push(Box::new(id));
    }
    if let Some(text) = optional(query.text.as_deref(), |text| {
        search::match_expression(conn, text)
    })? {
        // Few matches: find them and sort them. Many: walk the date index and stop at the
        // page's end (`+` keeps SQLite from driving the query by the matches).
        let clause = if search::many_matches(conn, &text, limit)? {
            "+c.row IN (SELECT rowid FROM case_search WHERE case_search MATCH ?)"
        } else {
            "c.row IN (SELECT rowid FROM case_search WHERE case_search MATCH ?)"
        };
        filter.add(clause, text);
    }
    if let Some(phone) = optional(query.phone.as_deref(), |p| phone("phone", p))? {
        let digest = key.digest(Field::Phone, &phone);
        filter.add(
            &format!(
                "c.id IN (SELECT case_id FROM blind_index WHERE field = '{}' AND digest = ?)",
                Field::Phone.as_str()
            ),
            digest.0.to_vec(),
        );
    }
    let sql = format!(
        "SELECT c.id, c.number, c.kind, c.state, c.received_at_ms, c.opened_at_ms,
                open_value(cn.value, cn.salt), open_value(rn.value, rn.salt), c.goods
         FROM cases c
         LEFT JOIN vault cn ON cn.id = c.complainant_name
         LEFT JOIN vault rn ON rn.id = c.respondent_name
         WHERE {}
         ORDER BY c.opened_at_ms DESC, c.id DESC
         LIMIT {}",
        filter.clauses.join(" AND "),
        i64::from(limit) + 1
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(filter.values.iter()))?;
    let mut cases = Vec::new();
    while let Some(r) = rows.next()? {
        cases.push(summary(r)?);
    }
    let next = if cases.len() > limit as usize {
        cases.truncate(limit as usize);
        cases.last().map(|c| format!("{}/{}", c.opened_at_ms, c.id))
    } else {
        None
    };
    Ok(CasePage { cases, next })
}

/// The WHERE clauses of a list query and the values they bind, in order.
struct Filter {
    clauses: Vec<String>,
    values: Vec<Box<dyn rusqlite::ToSql>>,
}

impl Default for Filter {
    fn default() -> Self {
        Filter {
            clauses: vec!["1".into()],
            values: Vec::new(),
        }
    }
}

impl Filter {
    fn add(&mut self, clause: &str, value: impl rusqlite::ToSql + 'static) {
        self.clauses.push(clause.to_string());
        self.values.push(Box::new(value));
    }
}

fn summary(r: &Row) -> Result<CaseSummary> {
    let id: String = r.get(0)?;
    let kind: String = r.get(2)?;
    let state: String = r.get(3)?;
    Ok(CaseSummary {
        number: r.get(1)?,
        kind: parse(&id, "kind", &kind, CaseKind::parse)?,
        state: parse(&id, "state", &state, CaseState::parse)?,
        received_at_ms: r.get(4)?,
        opened_at_ms: r.get(5)?,
        complainant_name: r.get(6)?,
        respondent_name: r.get(7)?,
        goods: r.get(8)?,
        id,
    })
}

fn parse_cursor(cursor: &str) -> Result<(i64, String)> {
    let bad = || Error::invalid("after", "is not a cursor returned by a previous page");
    let (ms, id) = cursor.split_once('/').ok_or_else(bad)?;
    let ms = ms.parse().map_err(|_| bad())?;
    let id = Uuid::parse_str(id).map_err(|_| bad())?;
    Ok((ms, id.to_string()))
}
