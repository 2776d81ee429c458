//! Signs that a complaint may not be genuine consumption (Art. 17), shown to the officer and
//! never acted on automatically. Each flag says why.
//!
//! The rule (`flags`) is written once, over `Subject`s made of keyed digests, never of plain
//! values: the device runs it over its own cases (`for_case`), the centre over all cases.

use std::collections::{BTreeSet, HashMap};

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::blind::{self, BlindKey, Field};
use crate::cases::model::CaseKind;
use crate::cases::read::parse_intake;
use crate::error::Result;
use crate::events::Digest;
use crate::wire::wire_enum;

wire_enum! {
    #[derive(uniffi::Enum)]
    pub enum FlagKind {
        /// Different complainants gave the same phone number.
        SharedPhone = "shared_phone",
        /// Different complainants gave the same address.
        SharedAddress = "shared_address",
        /// Many complaints against the same business in a short time.
        FrequentRespondent = "frequent_respondent",
        /// An abnormal quantity bought.
        LargeQuantity = "large_quantity",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct AbuseFlag {
    pub kind: FlagKind,
    /// Why, in words for the officer; it never quotes a phone number or an address.
    pub reason: String,
    /// The numbers of the other cases involved.
    pub related_cases: Vec<String>,
}

/// The thresholds: data, in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlagRules {
    pub window_days: i64,
    /// Complaints against one business within the window, this one included, that flag.
    pub complaints_in_window: usize,
    /// A quantity above this flags.
    pub quantity: u32,
}

/// The defaults (`parameters::DEFAULT`).
pub const RULES: FlagRules = FlagRules {
    window_days: crate::parameters::DEFAULT.flag_window_days as i64,
    complaints_in_window: crate::parameters::DEFAULT.flag_complaints_in_window as usize,
    quantity: crate::parameters::DEFAULT.flag_quantity,
};

impl FlagRules {
    /// The thresholds in force on this store (the centre's rule-set parameters).
    pub fn of(conn: &Connection) -> Result<FlagRules> {
        Ok(crate::parameters::current(conn)?.into())
    }
}

impl From<crate::parameters::Parameters> for FlagRules {
    fn from(p: crate::parameters::Parameters) -> FlagRules {
        FlagRules {
            window_days: i64::from(p.flag_window_days),
            complaints_in_window: p.flag_complaints_in_window as usize,
            quantity: p.flag_quantity,
        }
    }
}

/// A complaint as the rule sees it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Subject {
    pub number: String,
    pub received_at_ms: i64,
    pub people: Vec<PersonKeys>,
    pub credit_code: Option<String>,
    pub business_name: Option<Digest>,
    pub quantity: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PersonKeys {
    pub name: Option<Digest>,
    pub phone: Option<Digest>,
    pub address: Option<Digest>,
}

/// The flags `subject` raises among `others` (other complaints; `subject` may be among them).
pub fn flags(subject: &Subject, others: &[Subject], rules: &FlagRules) -> Vec<AbuseFlag> {
    let others: Vec<&Subject> = others
        .iter()
        .filter(|o| o.number != subject.number)
        .collect();
    let mut flags = Vec::new();
    let phone: fn(&PersonKeys) -> Option<Digest> = |p| p.phone;
    let address: fn(&PersonKeys) -> Option<Digest> = |p| p.address;
    let shared = [
        (FlagKind::SharedPhone, "phone number", phone),
        (FlagKind::SharedAddress, "address", address),
    ];
    for (kind, what, key) in shared {
        let related = numbers(others.iter().copied().filter(|o| shares(subject, o, key)));
        if !related.is_empty() {
            flags.push(AbuseFlag {
                kind,
                reason: format!(
                    "the same {what} was given by another complainant in {} other case(s)",
                    related.len()
                ),
                related_cases: related,
            });
        }
    }
    let window_ms = rules.window_days * 24 * 3600 * 1000;
    let recent = numbers(others.iter().copied().filter(|o| {
        same_business(subject, o) && (o.received_at_ms - subject.received_at_ms).abs() <= window_ms
    }));
    if recent.len() + 1 >= rules.complaints_in_window {
        flags.push(AbuseFlag {
            kind: FlagKind::FrequentRespondent,
            reason: format!(
                "{} complaints against this business within {} days of this one",
                recent.len() + 1,
                rules.window_days
            ),
            related_cases: recent,
        });
    }
    if let Some(q) = subject.quantity.filter(|&q| q > rules.quantity) {
        flags.push(AbuseFlag {
            kind: FlagKind::LargeQuantity,
            reason: format!(
                "{q} bought, more than the {} that marks an abnormal quantity",
                rules.quantity
            ),
            related_cases: Vec::new(),
        });
    }
    flags
}

/// The flags of each of `subjects` among all the others (index for index): what the centre
/// runs over every complaint of every device. Each subject is judged by `flags` against only
/// the subjects that share a phone, an address, a credit code or a business name with it —
/// the only ones that can raise a flag with it — so the work grows with the matches, not with
/// the square of the cases.
pub fn flags_among(subjects: &[Subject], rules: &FlagRules) -> Vec<Vec<AbuseFlag>> {
    let mut by_key: HashMap<(u8, Digest), Vec<usize>> = HashMap::new();
    let mut by_code: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, s) in subjects.iter().enumerate() {
        for key in keys(s) {
            by_key.entry(key).or_default().push(i);
        }
        if let Some(code) = &s.credit_code {
            by_code.entry(code).or_default().push(i);
        }
    }
    subjects
        .iter()
        .map(|s| {
            let mut related: BTreeSet<usize> = keys(s)
                .flat_map(|key| by_key.get(&key).into_iter().flatten().copied())
                .collect();
            if let Some(code) = &s.credit_code {
                related.extend(by_code.get(code.as_str()).into_iter().flatten().copied());
            }
            let others: Vec<Subject> = related.into_iter().map(|i| subjects[i].clone()).collect();
            flags(s, &others, rules)
        })
        .collect()
}

/// A subject's phones (0), addresses (1) and business name (2), tagged so that equal digests
/// of different fields never meet.
fn keys(s: &Subject) -> impl Iterator<Item = (u8, Digest)> + '_ {
    let people = s
        .people
        .iter()
        .flat_map(|p| [p.phone.map(|d| (0, d)), p.address.map(|d| (1, d))]);
    people.chain([s.business_name.map(|d| (2, d))]).flatten()
}

/// Whether a person of `other` gives the same `key` as a person of `subject` under another
/// name: one consumer complaining twice is not a flag.
fn shares(subject: &Subject, other: &Subject, key: fn(&PersonKeys) -> Option<Digest>) -> bool {
    subject.people.iter().any(|p| {
        other
            .people
            .iter()
            .any(|q| key(p).is_some() && key(p) == key(q) && p.name != q.name)
    })
}

fn same_business(a: &Subject, b: &Subject) -> bool {
    let code = a.credit_code.is_some() && a.credit_code == b.credit_code;
    let name = a.business_name.is_some() && a.business_name == b.business_name;
    code || name
}

fn numbers<'a>(subjects: impl Iterator<Item = &'a Subject>) -> Vec<String> {
    let set: BTreeSet<&str> = subjects.map(|s| s.number.as_str()).collect();
    set.into_iter().map(String::from).collect()
}

/// The flags on a case of this device, against the device's other complaints.
pub fn for_case(conn: &Connection, case_id: &str) -> Result<Vec<AbuseFlag>> {
    let Some(this) = subject(conn, case_id)? else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare_cached(
        "SELECT b2.case_id FROM blind_index b1
         JOIN blind_index b2 ON b2.digest = b1.digest AND b2.field = b1.field
         WHERE b1.case_id = ?1 AND b2.case_id <> ?1 AND b1.field <> ?2
         UNION
         SELECT c2.id FROM cases c1 JOIN cases c2 ON c2.credit_code = c1.credit_code
         WHERE c1.id = ?1 AND c2.id <> ?1",
    )?;
    let related: Vec<String> = stmt
        .query_map([case_id, Field::Name.as_str()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut others = Vec::with_capacity(related.len());
    for id in related {
        others.extend(subject(conn, &id)?);
    }
    Ok(flags(&this, &others, &FlagRules::of(conn)?))
}

/// A complaint's subject from the device's own blind index; `None` for other kinds (the rule
/// is about complaints).
fn subject(conn: &Connection, case_id: &str) -> Result<Option<Subject>> {
    let Some(mut subject) = base(conn, case_id)? else {
        return Ok(None);
    };
    let mut stmt =
        conn.prepare_cached("SELECT field, person, digest FROM blind_index WHERE case_id = ?1")?;
    let mut rows = stmt.query([case_id])?;
    while let Some(r) = rows.next()? {
        let field = Field::parse(&r.get::<_, String>(0)?);
        let digest = Digest::from_slice(&r.get::<_, Vec<u8>>(2)?);
        if let (Some(field), Some(digest)) = (field, digest) {
            subject.add_key(field, r.get(1)?, digest);
        }
    }
    Ok(Some(subject))
}

/// Every complaint of a store whose personal data is still held (id, subject), its digests
/// made under `key` rather than the store's own: the centre runs the rule with its one key
/// over the replicas of all devices, whose own keys never match each other's digests.
pub fn subjects_under(conn: &Connection, key: &BlindKey) -> Result<Vec<(String, Subject)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, intake FROM cases WHERE kind = ?1 AND purged_at_ms IS NULL ORDER BY id",
    )?;
    let cases = stmt
        .query_map([CaseKind::Complaint.as_str()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut subjects = Vec::with_capacity(cases.len());
    for (id, intake) in cases {
        let Some(mut subject) = base(conn, &id)? else {
            continue;
        };
        for (field, person, digest) in blind::digests(conn, key, &parse_intake(&id, &intake)?)? {
            subject.add_key(field, person, digest);
        }
        subjects.push((id, subject));
    }
    Ok(subjects)
}

/// A complaint's subject without its digests; `None` for other kinds.
fn base(conn: &Connection, case_id: &str) -> Result<Option<Subject>> {
    let row = conn
        .prepare_cached(
            "SELECT number, kind, received_at_ms, credit_code,
                    json_extract(intake, '$.matter.quantity')
             FROM cases WHERE id = ?1",
        )?
        .query_row([case_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<u32>>(4)?,
            ))
        })
        .optional()?;
    let Some((number, kind, received_at_ms, credit_code, quantity)) = row else {
        return Ok(None);
    };
    if kind != CaseKind::Complaint.as_str() {
        return Ok(None);
    }
    Ok(Some(Subject {
        number,
        received_at_ms,
        credit_code,
        quantity,
        ..Subject::default()
    }))
}

impl Subject {
    /// Adds one digest of the blind index (`person` -1: the business).
    fn add_key(&mut self, field: Field, person: i64, digest: Digest) {
        if field == Field::BusinessName {
            self.business_name = Some(digest);
            return;
        }
        let Ok(i) = usize::try_from(person) else {
            return;
        };
        if self.people.len() <= i {
            self.people.resize(i + 1, PersonKeys::default());
        }
        let keys = &mut self.people[i];
        match field {
            Field::Name => keys.name = Some(digest),
            Field::Phone => keys.phone = Some(digest),
            Field::Address => keys.address = Some(digest),
            Field::BusinessName => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(n: u8) -> Option<Digest> {
        Some(Digest([n; 32]))
    }

    fn complaint(number: &str, day: i64, name: u8, phone: u8) -> Subject {
        Subject {
            number: number.into(),
            received_at_ms: day * 24 * 3600 * 1000,
            people: vec![PersonKeys {
                name: d(name),
                phone: d(phone),
                address: None,
            }],
            credit_code: Some("914403001922038216".into()),
            ..Subject::default()
        }
    }

    fn kinds(flags: &[AbuseFlag]) -> Vec<FlagKind> {
        flags.iter().map(|f| f.kind).collect()
    }

    #[test]
    fn one_phone_for_different_names_flags_but_the_same_person_twice_does_not() {
        let this = complaint("A", 0, 1, 9);
        let same_person = complaint("B", 1, 1, 9);
        assert!(flags(&this, &[same_person], &RULES).is_empty());
        let other_person = complaint("C", 2, 2, 9);
        let found = flags(&this, &[other_person], &RULES);
        assert_eq!(kinds(&found), [FlagKind::SharedPhone]);
        assert_eq!(found[0].related_cases, ["C"]);
        assert!(!found[0].reason.contains('9'));
    }

    #[test]
    fn many_complaints_against_one_business_within_the_window() {
        let this = complaint("A", 100, 1, 1);
        let others: Vec<Subject> = (0..4)
            .map(|i| complaint(&format!("B{i}"), 100 - 10 * i, 10 + i as u8, 20 + i as u8))
            .collect();
        // 4 others within 30 days: 5 in all, the threshold.
        let found = flags(&this, &others, &RULES);
        assert_eq!(kinds(&found), [FlagKind::FrequentRespondent]);
        assert!(
            found[0].reason.starts_with("5 complaints"),
            "{}",
            found[0].reason
        );
        // One of them 31 days away: 4 in the window, no flag.
        let mut spread = others.clone();
        spread[3].received_at_ms = 131 * 24 * 3600 * 1000;
        assert!(flags(&this, &spread, &RULES).is_empty());
        // Another business: no flag.
        let mut elsewhere = others;
        for o in &mut elsewhere {
            o.credit_code = None;
        }
        assert!(flags(&this, &elsewhere, &RULES).is_empty());
    }

    #[test]
    fn flags_among_all_match_the_rule_run_against_every_other_subject() {
        let mut all: Vec<Subject> = (0..12)
            .map(|i| complaint(&format!("C{i:02}"), i * 3, i as u8, 40 + (i % 4) as u8))
            .collect();
        all[5].credit_code = None;
        all[7].credit_code = Some("91350100M000100Y43".into());
        all[9].quantity = Some(RULES.quantity + 1);
        let among = flags_among(&all, &RULES);
        for (i, s) in all.iter().enumerate() {
            assert_eq!(among[i], flags(s, &all, &RULES), "{}", s.number);
        }
        assert!(among.iter().any(|f| !f.is_empty()));
    }

    #[test]
    fn a_large_quantity_flags_on_its_own() {
        let mut this = complaint("A", 0, 1, 1);
        this.quantity = Some(RULES.quantity);
        assert!(flags(&this, &[], &RULES).is_empty());
        this.quantity = Some(RULES.quantity + 1);
        assert_eq!(kinds(&flags(&this, &[], &RULES)), [FlagKind::LargeQuantity]);
    }
}
