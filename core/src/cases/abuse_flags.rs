//! Signs that a complaint may not be genuine consumption, as Order No. 121 Art. 17 lists them,
//! shown to the officer and never acted on: they help judge the Art. 16(3) ground, they do not
//! decide it. Each flag says why in Chinese and which factor it is.
//!
//! - (一) the quantity bought: `LargeQuantity`;
//! - (二) the same complainant, many complaints in a short time against one business or one
//!   kind of goods: `RepeatedComplaints`; different complainants acting in concert — the same
//!   fact text, the same agent: `IdenticalFacts`, `SameAgent`;
//! - (三) no proof of purchase offered: `NoProofOfPurchase`;
//! - (四) several complainants using one phone number or mailing address: `SharedPhone`,
//!   `SharedAddress`.
//!
//! Many *different* consumers complaining about one shop is a sign of a bad shop, not of
//! abuse: it is no flag here, but a hotspot lead for the centre (`hotspots`).
//!
//! Order No. 20 has no Art. 17: its cases get the same hints, each saying that it is not a
//! factor of that order and only helps judge its own Art. 15(3) ground (`Basis`).
//!
//! The rule (`flags`) is written once, over `Subject`s made of keyed digests, never of plain
//! values: the device runs it over its own cases (`for_case`), the centre over all cases.

use std::collections::{BTreeSet, HashMap};

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::cases::blind;
use crate::cases::model::{CaseKind, DeclineReason, ProofKind, RuleSet};
use crate::cases::read::{self, parse_intake};
use crate::error::Result;
use crate::events::Digest;
use crate::identity::{BlindKey, Field};
use crate::rulebook::book;
use crate::wire_enum::wire_enum;

wire_enum! {
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum FlagKind {
        /// Art. 17(1): a quantity that does not fit normal consumption.
        LargeQuantity = "large_quantity",
        /// Art. 17(2): the same complainant, many complaints in a short time against one
        /// business or one kind of goods.
        RepeatedComplaints = "repeated_complaints",
        /// Art. 17(2): different complainants, the same fact text, in a short time.
        IdenticalFacts = "identical_facts",
        /// Art. 17(2): different complainants through the same agent, in a short time.
        SameAgent = "same_agent",
        /// Art. 17(3): no proof of purchase offered.
        NoProofOfPurchase = "no_proof_of_purchase",
        /// Art. 17(4): different complainants gave the same phone number.
        SharedPhone = "shared_phone",
        /// Art. 17(4): different complainants gave the same mailing address.
        SharedAddress = "shared_address",
    }
}

impl FlagKind {
    /// The item of Order No. 121 Art. 17 the sign is.
    pub fn factor(self) -> &'static str {
        match self {
            FlagKind::LargeQuantity => "第十七条第（一）项",
            FlagKind::RepeatedComplaints | FlagKind::IdenticalFacts | FlagKind::SameAgent => {
                "第十七条第（二）项"
            }
            FlagKind::NoProofOfPurchase => "第十七条第（三）项",
            FlagKind::SharedPhone | FlagKind::SharedAddress => "第十七条第（四）项",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct AbuseFlag {
    pub kind: FlagKind,
    /// Why, in Chinese, citing the factor; it never quotes a phone number, an address or a
    /// name.
    pub reason: String,
    /// What the flag rests on under the case's rules: Order No. 121 Art. 17's item, or for an
    /// Order No. 20 case the hint's note that the order has no such factor.
    pub basis: String,
    /// The case's own rules name this factor (Order No. 121); `false`: a hint only.
    pub statutory: bool,
    /// The numbers of the other cases involved.
    pub related_cases: Vec<String>,
}

/// The thresholds: centre parameters (`parameters::Parameters`), in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlagRules {
    /// Art. 17(2)'s "short time" (短期内), and a hotspot's window.
    pub window_days: i64,
    /// Complaints by one complainant against one business or kind of goods within the window,
    /// this one included, that flag (Art. 17(2)).
    pub same_complainant: usize,
    /// Complaints by different complainants with the same fact text, or through the same
    /// agent, within the window, this one included, that flag (Art. 17(2)).
    pub concerted: usize,
    /// A quantity above this flags (Art. 17(1)).
    pub quantity: u32,
    /// Complaints against one business within the window that make a hotspot lead.
    pub hotspot: usize,
}

/// The defaults (`parameters::DEFAULT`).
pub const RULES: FlagRules = rules_of(crate::parameters::DEFAULT);

const fn rules_of(p: crate::parameters::Parameters) -> FlagRules {
    FlagRules {
        window_days: p.flag_window_days as i64,
        same_complainant: p.flag_same_complainant_complaints as usize,
        concerted: p.flag_concerted_complaints as usize,
        quantity: p.flag_quantity,
        hotspot: p.flag_complaints_in_window as usize,
    }
}

impl FlagRules {
    /// The thresholds in force on this store (the centre's rule-set parameters).
    pub fn of(conn: &Connection) -> Result<FlagRules> {
        Ok(crate::parameters::current(conn)?.into())
    }

    fn window_ms(&self) -> i64 {
        self.window_days * 24 * 3600 * 1000
    }
}

impl From<crate::parameters::Parameters> for FlagRules {
    fn from(p: crate::parameters::Parameters) -> FlagRules {
        rules_of(p)
    }
}

/// A complaint as the rule sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Subject {
    pub number: String,
    pub received_at_ms: i64,
    /// The rules the decision to accept follows: which article a flag rests on.
    pub rule_set: RuleSet,
    pub people: Vec<PersonKeys>,
    pub credit_code: Option<String>,
    pub business_name: Option<Digest>,
    pub facts: Option<Digest>,
    pub goods: Option<Digest>,
    pub quantity: Option<u32>,
    /// `None`: the question was not asked (a case taken before the field existed).
    pub proof: Option<ProofKind>,
}

impl Default for Subject {
    fn default() -> Self {
        Subject {
            number: String::new(),
            received_at_ms: 0,
            rule_set: RuleSet::SamrOrder121,
            people: Vec::new(),
            credit_code: None,
            business_name: None,
            facts: None,
            goods: None,
            quantity: None,
            proof: None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PersonKeys {
    pub name: Option<Digest>,
    pub phone: Option<Digest>,
    pub address: Option<Digest>,
    /// The person's identity document.
    pub id_number: Option<Digest>,
    /// The identity document of the agent acting for them.
    pub agent: Option<Digest>,
}

impl PersonKeys {
    /// One person: the same identity document, or the same name with the same phone. One
    /// phone under two names is two people sharing it — factor (4), not one complainant.
    pub(crate) fn same_person(&self, other: &PersonKeys) -> bool {
        let id = self.id_number.is_some() && self.id_number == other.id_number;
        let phone = self.phone.is_some() && self.phone == other.phone;
        let name = self.name.is_some() && self.name == other.name;
        id || (phone && name)
    }
}

impl Subject {
    fn shares_a_person(&self, other: &Subject) -> bool {
        self.people
            .iter()
            .any(|p| other.people.iter().any(|q| p.same_person(q)))
    }

    fn within(&self, other: &Subject, rules: &FlagRules) -> bool {
        (other.received_at_ms - self.received_at_ms).abs() <= rules.window_ms()
    }

    fn same_business(&self, other: &Subject) -> bool {
        let code = self.credit_code.is_some() && self.credit_code == other.credit_code;
        let name = self.business_name.is_some() && self.business_name == other.business_name;
        code || name
    }

    fn same_goods(&self, other: &Subject) -> bool {
        self.goods.is_some() && self.goods == other.goods
    }
}

/// What a flag on a case of `rule_set` rests on, and the words that say so.
struct Basis {
    text: String,
    statutory: bool,
}

impl Basis {
    fn of(kind: FlagKind, rule_set: RuleSet) -> Basis {
        let rules = book(rule_set);
        let factor = kind.factor();
        match rule_set {
            RuleSet::SamrOrder121 => Basis {
                text: rules.cite(factor),
                statutory: true,
            },
            RuleSet::SamrOrder20 => {
                let ground = rules
                    .decline_ground(DeclineReason::NotConsumerDispute)
                    .map(|g| g.article)
                    .unwrap_or("");
                let order_121 = book(RuleSet::SamrOrder121);
                Basis {
                    text: format!(
                        "提示：{}未规定判断因素，此项不是该办法的依据，仅供判断是否属于其{ground}情形时参考（参照{}）",
                        rules.short,
                        order_121.cite(factor)
                    ),
                    statutory: false,
                }
            }
        }
    }
}

fn flag(subject: &Subject, kind: FlagKind, what: String, related: Vec<String>) -> AbuseFlag {
    let basis = Basis::of(kind, subject.rule_set);
    let reason = if basis.statutory {
        format!("{what}，属{}所列因素", basis.text)
    } else {
        format!("{what}（{}）", basis.text)
    };
    AbuseFlag {
        kind,
        reason,
        basis: basis.text,
        statutory: basis.statutory,
        related_cases: related,
    }
}

/// The flags `subject` raises among `others` (other complaints; `subject` may be among them).
pub fn flags(subject: &Subject, others: &[Subject], rules: &FlagRules) -> Vec<AbuseFlag> {
    let others: Vec<&Subject> = others
        .iter()
        .filter(|o| o.number != subject.number)
        .collect();
    let mut found = Vec::new();
    if let Some(q) = subject.quantity.filter(|&q| q > rules.quantity) {
        let what = format!("购买数量{q}，超过异常数量标准{}", rules.quantity);
        found.push(flag(subject, FlagKind::LargeQuantity, what, Vec::new()));
    }
    found.extend(repeated(subject, &others, rules));
    found.extend(concerted(subject, &others, rules));
    if subject.proof == Some(ProofKind::NoProof) {
        let what = "投诉人未提供购物凭证、订单号或支付记录等实际购买的证明".to_string();
        found.push(flag(subject, FlagKind::NoProofOfPurchase, what, Vec::new()));
    }
    found.extend(shared_contacts(subject, &others));
    found
}

/// Art. 17(2), first half: one complainant, many complaints in the window against the same
/// business or the same kind of goods.
fn repeated(subject: &Subject, others: &[&Subject], rules: &FlagRules) -> Option<AbuseFlag> {
    let related = numbers(others.iter().copied().filter(|o| {
        subject.shares_a_person(o)
            && subject.within(o, rules)
            && (subject.same_business(o) || subject.same_goods(o))
    }));
    (related.len() + 1 >= rules.same_complainant).then(|| {
        let what = format!(
            "同一投诉人{}日内对同一经营者或同一类商品、服务投诉{}件（含本件）",
            rules.window_days,
            related.len() + 1
        );
        flag(subject, FlagKind::RepeatedComplaints, what, related)
    })
}

/// Art. 17(2), second half: different complainants acting in concert in the window — the
/// same fact text, the same agent.
fn concerted(subject: &Subject, others: &[&Subject], rules: &FlagRules) -> Vec<AbuseFlag> {
    // The others by someone else in the window that also match `sign`.
    let in_concert = |sign: &dyn Fn(&Subject) -> bool| {
        numbers(
            others
                .iter()
                .copied()
                .filter(|o| !subject.shares_a_person(o) && subject.within(o, rules) && sign(o)),
        )
    };
    let agents: Vec<Digest> = subject.people.iter().filter_map(|p| p.agent).collect();
    let signs = [
        (
            FlagKind::IdenticalFacts,
            "事实陈述文字相同",
            in_concert(&|o| subject.facts.is_some() && subject.facts == o.facts),
        ),
        (
            FlagKind::SameAgent,
            "委托同一代理人",
            in_concert(&|o| {
                o.people
                    .iter()
                    .any(|q| q.agent.is_some_and(|a| agents.contains(&a)))
            }),
        ),
    ];
    signs
        .into_iter()
        .filter(|(_, _, related)| related.len() + 1 >= rules.concerted)
        .map(|(kind, sign, related)| {
            let what = format!(
                "{}日内另有{}件不同投诉人的投诉{sign}，可能恶意串通、集中投诉",
                rules.window_days,
                related.len()
            );
            flag(subject, kind, what, related)
        })
        .collect()
}

/// Art. 17(4): several complainants using one phone number or mailing address. One person
/// complaining twice is not a flag: the other must give another name.
fn shared_contacts(subject: &Subject, others: &[&Subject]) -> Vec<AbuseFlag> {
    let phone: fn(&PersonKeys) -> Option<Digest> = |p| p.phone;
    let address: fn(&PersonKeys) -> Option<Digest> = |p| p.address;
    let mut found = Vec::new();
    for (kind, what, key) in [
        (FlagKind::SharedPhone, "电话号码", phone),
        (FlagKind::SharedAddress, "通讯地址", address),
    ] {
        let related = numbers(others.iter().copied().filter(|o| shares(subject, o, key)));
        if !related.is_empty() {
            let what = format!(
                "另有{}件投诉的投诉人（姓名不同）使用同一{what}",
                related.len()
            );
            found.push(flag(subject, kind, what, related));
        }
    }
    found
}

/// Whether a person of `other` gives the same `key` as a person of `subject` under another
/// name.
fn shares(subject: &Subject, other: &Subject, key: fn(&PersonKeys) -> Option<Digest>) -> bool {
    subject.people.iter().any(|p| {
        other
            .people
            .iter()
            .any(|q| key(p).is_some() && key(p) == key(q) && p.name != q.name)
    })
}

/// A hotspot lead for the centre: many complaints against one business in a short time, from
/// different consumers. A sign of a bad shop, not of abuse: never an `AbuseFlag`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hotspot {
    /// Always 投诉热点线索（非异常投诉标记）.
    pub label: String,
    /// Why, in Chinese; it never names the business, a person or a value.
    pub reason: String,
    /// The complaints' numbers, in the busiest window.
    pub cases: Vec<String>,
}

pub const HOTSPOT_LABEL: &str = "投诉热点线索（非异常投诉标记）";

/// The hotspot leads among `subjects`: for each business (by credit code, else by its name's
/// digest), the busiest stretch of `window_days` holding at least `rules.hotspot` complaints.
pub fn hotspots(subjects: &[Subject], rules: &FlagRules) -> Vec<Hotspot> {
    let mut by_business: HashMap<String, Vec<&Subject>> = HashMap::new();
    for s in subjects {
        let key = match (&s.credit_code, &s.business_name) {
            (Some(code), _) => format!("code:{code}"),
            (None, Some(name)) => format!("name:{}", hex(name)),
            (None, None) => continue,
        };
        by_business.entry(key).or_default().push(s);
    }
    let mut leads: Vec<Hotspot> = by_business
        .into_values()
        .filter_map(|mut cases| {
            cases.sort_by_key(|s| s.received_at_ms);
            let busiest = busiest_window(&cases, rules.window_ms());
            (busiest.len() >= rules.hotspot).then(|| {
                let people = distinct_people(busiest);
                Hotspot {
                    label: HOTSPOT_LABEL.into(),
                    reason: format!(
                        "{}日内{}件投诉（{people}名投诉人）指向同一经营者：可能存在侵害消费者权益的问题，供监管参考，不作为异常投诉的依据",
                        rules.window_days,
                        busiest.len()
                    ),
                    cases: numbers(busiest.iter().copied()),
                }
            })
        })
        .collect();
    leads.sort_by(|a, b| a.cases.cmp(&b.cases));
    leads
}

/// The longest run of `sorted` (by receipt) within `window_ms` of its first.
fn busiest_window<'a, 'b>(sorted: &'b [&'a Subject], window_ms: i64) -> &'b [&'a Subject] {
    let mut best = &sorted[..0];
    let mut start = 0;
    for end in 0..sorted.len() {
        while sorted[end].received_at_ms - sorted[start].received_at_ms > window_ms {
            start += 1;
        }
        if end + 1 - start > best.len() {
            best = &sorted[start..=end];
        }
    }
    best
}

/// How many different complainants the cases name (first complainants, told apart as
/// `same_person` does).
fn distinct_people(cases: &[&Subject]) -> usize {
    let mut seen: Vec<&PersonKeys> = Vec::new();
    for p in cases.iter().filter_map(|s| s.people.first()) {
        if !seen.iter().any(|q| q.same_person(p)) {
            seen.push(p);
        }
    }
    seen.len()
}

fn hex(d: &Digest) -> String {
    d.0.iter().map(|b| format!("{b:02x}")).collect()
}

/// The flags of each of `subjects` among all the others (index for index): what the centre
/// runs over every complaint of every device. Each subject is judged by `flags` against only
/// the subjects that share a key or a credit code with it — the only ones that can raise a
/// flag with it — so the work grows with the matches, not with the square of the cases.
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

/// A subject's keys, tagged by field so that equal digests of different fields never meet:
/// every flag with another case shares one of them (a person's phone or ID document, an
/// address, an agent, the facts, the business name, the goods).
fn keys(s: &Subject) -> impl Iterator<Item = (u8, Digest)> + '_ {
    let people = s.people.iter().flat_map(|p| {
        [
            p.phone.map(|d| (0, d)),
            p.address.map(|d| (1, d)),
            p.id_number.map(|d| (2, d)),
            p.agent.map(|d| (3, d)),
        ]
    });
    let case = [
        s.business_name.map(|d| (4, d)),
        s.facts.map(|d| (5, d)),
        s.goods.map(|d| (6, d)),
    ];
    people.chain(case).flatten()
}

fn numbers<'a>(subjects: impl Iterator<Item = &'a Subject>) -> Vec<String> {
    let set: BTreeSet<&str> = subjects.map(|s| s.number.as_str()).collect();
    set.into_iter().map(String::from).collect()
}

/// The flags on a case of this device at `now_ms`, against the device's other complaints.
pub fn for_case(conn: &Connection, case_id: &str, now_ms: i64) -> Result<Vec<AbuseFlag>> {
    let Some(this) = subject(conn, case_id, now_ms)? else {
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
        others.extend(subject(conn, &id, now_ms)?);
    }
    Ok(flags(&this, &others, &FlagRules::of(conn)?))
}

/// A complaint's subject from the device's own blind index; `None` for other kinds (the rule
/// is about complaints).
fn subject(conn: &Connection, case_id: &str, now_ms: i64) -> Result<Option<Subject>> {
    let Some(mut subject) = base(conn, case_id, now_ms)? else {
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
pub fn subjects_under(
    conn: &Connection,
    key: &BlindKey,
    now_ms: i64,
) -> Result<Vec<(String, Subject)>> {
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
        let Some(mut subject) = base(conn, &id, now_ms)? else {
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
fn base(conn: &Connection, case_id: &str, now_ms: i64) -> Result<Option<Subject>> {
    let row = conn
        .prepare_cached(
            "SELECT number, kind, received_at_ms, credit_code,
                    json_extract(intake, '$.matter.quantity'),
                    json_extract(intake, '$.matter.proof.kind')
             FROM cases WHERE id = ?1",
        )?
        .query_row([case_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<u32>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })
        .optional()?;
    let Some((number, kind, received_at_ms, credit_code, quantity, proof)) = row else {
        return Ok(None);
    };
    if kind != CaseKind::Complaint.as_str() {
        return Ok(None);
    }
    let proof = proof
        .map(|p| read::parse(case_id, "proof", &p, ProofKind::parse))
        .transpose()?;
    Ok(Some(Subject {
        number,
        received_at_ms,
        rule_set: super::projection::rule_set_at(conn, case_id, now_ms)?,
        credit_code,
        quantity,
        proof,
        ..Subject::default()
    }))
}

impl Subject {
    /// Adds one digest of the blind index (`blind::CASE_LEVEL`: the case's own).
    fn add_key(&mut self, field: Field, person: i64, digest: Digest) {
        match field {
            Field::BusinessName => self.business_name = Some(digest),
            Field::Facts => self.facts = Some(digest),
            Field::Goods => self.goods = Some(digest),
            _ => self.add_person_key(field, person, digest),
        }
    }

    fn add_person_key(&mut self, field: Field, person: i64, digest: Digest) {
        let Ok(i) = usize::try_from(person) else {
            return;
        };
        if self.people.len() <= i {
            self.people.resize(i + 1, PersonKeys::default());
        }
        let keys = &mut self.people[i];
        let slot = match field {
            Field::Name => &mut keys.name,
            Field::Phone => &mut keys.phone,
            Field::Address => &mut keys.address,
            Field::IdNumber => &mut keys.id_number,
            Field::Agent => &mut keys.agent,
            Field::BusinessName | Field::Facts | Field::Goods => return,
        };
        *slot = Some(digest);
    }
}

#[cfg(test)]
mod tests;
