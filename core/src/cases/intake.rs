//! Taking a case: check what the officer entered against the rules for its kind (Arts. 9–13),
//! then seal the personal values into the vault and append `CaseOpened`. A check that fails
//! stores nothing: the whole write is one transaction.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::cases::blind;
use crate::cases::events::{
    AgentBody, CaseOpened, MatterBody, OnlineShopBody, Party, ProofBody, Respondent, SealedId,
};
use crate::cases::model::{
    Agent, Business, CaseKind, Channel, DemandKind, IdDocument, IdKind, NewCase, NewMatter,
    OnlineShop, Person, ProofKind, ProofOfPurchase, RuleSet, limits,
};
use crate::error::{Error, Result};
use crate::events::log::Writer;
use crate::position::GeoPoint;
pub use crate::rulebook::rule_set_for;
use crate::time::beijing_date;
use crate::validate::{
    multi_line, not_before_earliest, one_line, optional, past_day, phone, resident_id, uscc,
};
use crate::vault::Sealed;

/// How far ahead of the trusted clock a time of receipt may be (clock skew between devices).
const FUTURE_TOLERANCE_MS: i64 = 5 * 60 * 1000;

/// Checks `new` and appends its `CaseOpened` (two linked cases for a complaint that also
/// reports, Art. 9). Returns the id of the case as entered (the complaint).
pub fn open(w: &mut Writer, new: &NewCase) -> Result<Uuid> {
    open_as(w, Uuid::now_v7(), new)
}

/// As `open`, under an id the centre chose for a case it received and sends to this device.
pub fn open_as(w: &mut Writer, case_id: Uuid, new: &NewCase) -> Result<Uuid> {
    let checked = check(new, w.time.trusted_ms)?;
    if super::projection::kind_and_state(w.conn(), &case_id.to_string())?.is_some() {
        return Err(Error::invalid(
            "case_id",
            format!("case {case_id} is already on this device"),
        ));
    }
    let report = checked.also_report.as_ref().map(|leads| {
        let mut report = checked.clone();
        report.case.kind = CaseKind::Report;
        // The complainant reports in their own name; a joint complaint's first representative.
        report.case.complainants.truncate(1);
        report.case.joint_complainants = None;
        report.case.matter.facts = leads.clone();
        report.case.matter.demands.clear();
        report.case.matter.demands_text = None;
        (Uuid::now_v7(), report)
    });
    let report_id = report.as_ref().map(|(id, _)| *id);
    append_opened(w, case_id, &checked, report_id)?;
    if let Some((id, report)) = report {
        append_opened(w, id, &report, Some(case_id))?;
    }
    for id in [Some(case_id), report_id].into_iter().flatten() {
        super::repeats::mark_at_intake(w, id)?;
    }
    Ok(case_id)
}

fn append_opened(
    w: &mut Writer,
    case_id: Uuid,
    checked: &Checked,
    linked_case: Option<Uuid>,
) -> Result<()> {
    let kind = checked.case.kind;
    let number = super::number::next(w.conn(), w.device_prefix(), w.time.trusted_ms, kind)?;
    let body = Sealer { w, case_id }.case(checked, number, linked_case)?;
    blind::index_case(w.conn(), w.blind_key(), case_id, &body)?;
    w.append(body)?;
    Ok(())
}

/// `NewCase` with every value trimmed, normalised and checked.
#[derive(Clone)]
struct Checked {
    case: NewCase,
    channel: Channel,
    received_at_ms: i64,
    rule_set: RuleSet,
    place: Option<GeoPoint>,
    also_report: Option<String>,
}

/// The checks `open` makes, for the centre before it sends a case it received to a device.
pub fn validate(new: &NewCase, now_ms: i64) -> Result<()> {
    check(new, now_ms).map(|_| ())
}

/// Every problem of `new`, in field order, as the intake form shows them under their fields
/// (`open` refuses with the first).
pub fn problems(new: &NewCase, now_ms: i64) -> Result<Vec<Error>> {
    let mut found = Problems::default();
    checked(new, now_ms, &mut found)?;
    Ok(found.0)
}

fn check(new: &NewCase, now_ms: i64) -> Result<Checked> {
    let mut found = Problems::default();
    let checked = checked(new, now_ms, &mut found)?;
    match found.0.into_iter().next() {
        Some(first) => Err(first),
        None => Ok(checked),
    }
}

/// The problems a check finds, gathered so that one bad field does not hide the next.
#[derive(Default)]
struct Problems(Vec<Error>);

impl Problems {
    /// The checked value, or `fallback` with the problem kept (the result is then never used).
    fn or<T>(&mut self, checked: Result<T>, fallback: T) -> T {
        checked.unwrap_or_else(|e| {
            self.0.push(e);
            fallback
        })
    }

    fn add(&mut self, problem: Error) {
        self.0.push(problem);
    }
}

/// `new` checked, its problems gathered in `found`; only an error that is not about the input
/// (the calendar) stops it.
fn checked(new: &NewCase, now_ms: i64, found: &mut Problems) -> Result<Checked> {
    let kind = new.kind;
    let mut received_at_ms = new.received_at_ms.unwrap_or(now_ms);
    if received_at_ms > now_ms + FUTURE_TOLERANCE_MS {
        found.add(Error::invalid_zh(
            "received_at_ms",
            "is in the future",
            "收到时间不能晚于现在",
        ));
        received_at_ms = now_ms;
    }
    let today = beijing_date(now_ms)?;
    let received = beijing_date(received_at_ms)?;
    let received_on = found.or(not_before_earliest("received_at_ms", received), today);
    found.or(check_complainants(new), ());
    let complainants = new
        .complainants
        .iter()
        .enumerate()
        .map(|(i, p)| person(&format!("complainants[{i}]"), p, kind, today, found))
        .collect();
    let respondent = match (&new.respondent, kind) {
        (Some(b), _) => Some(business(b, kind, found)),
        (None, CaseKind::Consultation) => None,
        (None, _) => {
            found.add(required("respondent", kind));
            None
        }
    };
    let also_report = match (&new.also_report, kind) {
        (None, _) => None,
        (Some(leads), CaseKind::Complaint) => found.or(
            optional(Some(leads), |v| multi_line("also_report", v, limits::FACTS)),
            None,
        ),
        (Some(_), _) => {
            found.add(Error::invalid_zh(
                "also_report",
                "only a complaint can carry a report",
                "只有投诉可以同时举报",
            ));
            None
        }
    };
    let case = NewCase {
        kind,
        channel: None,
        received_at_ms: None,
        platform_ticket: found.or(
            optional(new.platform_ticket.as_deref(), |v| {
                one_line("platform_ticket", v, limits::REFERENCE)
            }),
            None,
        ),
        complainants,
        joint_complainants: new.joint_complainants,
        respondent,
        matter: matter(&new.matter, kind, today, found),
        also_report: None,
    };
    let place = new.matter.place.map(|p| p.to_point("matter.place"));
    Ok(Checked {
        channel: new.channel.unwrap_or(Channel::VehicleWalkIn),
        received_at_ms,
        rule_set: rule_set_for(received_on),
        place: found.or(place.transpose(), None),
        case,
        also_report,
    })
}

/// Who may stand for a case of each kind: one person; a joint complaint's one or two
/// representatives (Art. 12); a report (Art. 28) and a consultation (Art. 44) may be
/// anonymous.
fn check_complainants(new: &NewCase) -> Result<()> {
    let n = new.complainants.len();
    let field = "complainants";
    match (new.kind, new.joint_complainants) {
        (CaseKind::Complaint, Some(total)) => {
            if total < 2 {
                return Err(Error::invalid_zh(
                    "joint_complainants",
                    "a joint complaint stands for 2 or more consumers",
                    "共同投诉至少代表 2 名消费者",
                ));
            }
            if !(1..=limits::REPRESENTATIVES).contains(&n) {
                return Err(Error::invalid_zh(
                    field,
                    "a joint complaint names one or two representatives (Art. 12)",
                    "共同投诉应推选一至两名代表（第十二条）",
                ));
            }
        }
        (_, Some(_)) => {
            return Err(Error::invalid_zh(
                "joint_complainants",
                "only a complaint can be joint",
                "只有投诉可以共同提出",
            ));
        }
        (CaseKind::Report, None) if n > 1 => {
            return Err(Error::invalid_zh(
                field,
                "a report names one reporter, or none",
                "举报只写一名举报人，或匿名",
            ));
        }
        (CaseKind::Report, None) => {}
        // Art. 44 (No. 20 Art. 39): a consultation is outside the measures; the person asking
        // may stay anonymous (PIPL Art. 6: collect the minimum).
        (CaseKind::Consultation, None) if n > 1 => {
            return Err(Error::invalid_zh(
                field,
                "a consultation names the person asking, or none (anonymous)",
                "咨询只写咨询人一人，或匿名",
            ));
        }
        (CaseKind::Consultation, None) => {}
        (_, None) if n != 1 => {
            return Err(Error::invalid_zh(
                field,
                format!(
                    "a {} names exactly one person (a joint complaint up to two representatives)",
                    new.kind
                ),
                "应写一名投诉人（共同投诉可写两名代表）",
            ));
        }
        (_, None) => {}
    }
    Ok(())
}

fn person(
    field: &str,
    p: &Person,
    kind: CaseKind,
    today: NaiveDate,
    found: &mut Problems,
) -> Person {
    let at = |name: &str| format!("{field}.{name}");
    let name = found.or(one_line(&at("name"), &p.name, limits::NAME), p.name.clone());
    let phone = found.or(phone(&at("phone"), &p.phone), p.phone.clone());
    if kind == CaseKind::Consultation {
        // PIPL Art. 6: a question needs no identity document, and nobody acts for the asker.
        if p.id_document.is_some() {
            found.add(Error::invalid_zh(
                at("id_document"),
                "is not collected for a consultation (PIPL Art. 6: only what the purpose needs)",
                "咨询不收集身份证件（个人信息保护法第六条）",
            ));
        }
        if p.agent.is_some() {
            found.add(Error::invalid_zh(
                at("agent"),
                "is for complaints (Art. 11), not consultations",
                "委托代理人只用于投诉（第十一条）",
            ));
        }
    }
    let address = found.or(
        optional(p.address.as_deref(), |v| {
            one_line(&at("address"), v, limits::ADDRESS)
        }),
        None,
    );
    if kind == CaseKind::Complaint && blank(&p.address) {
        found.add(required(&at("address"), kind));
    }
    Person {
        name,
        phone,
        address,
        id_document: p
            .id_document
            .as_ref()
            .map(|d| id_document(&at("id_document"), d, today, found)),
        agent: p
            .agent
            .as_ref()
            .map(|a| agent(&at("agent"), a, today, found)),
    }
}

fn agent(field: &str, a: &Agent, today: NaiveDate, found: &mut Problems) -> Agent {
    Agent {
        name: found.or(
            one_line(&format!("{field}.name"), &a.name, limits::NAME),
            a.name.clone(),
        ),
        id_document: id_document(
            &format!("{field}.id_document"),
            &a.id_document,
            today,
            found,
        ),
        power_of_attorney: a.power_of_attorney,
    }
}

/// A resident ID is checked digit by digit; other documents are kept as given.
fn id_document(field: &str, d: &IdDocument, today: NaiveDate, found: &mut Problems) -> IdDocument {
    let field = format!("{field}.number");
    let number = match d.kind {
        IdKind::ResidentId => resident_id(&field, &d.number, today),
        _ => one_line(&field, &d.number, limits::REFERENCE),
    };
    IdDocument {
        kind: d.kind,
        number: found.or(number, d.number.clone()),
    }
}

/// A complaint names the business's address (Art. 10(2)); for a seller inside an online
/// platform the shop's published address, or else the platform, stands in (Art. 13; No. 20
/// Art. 12), so the platform is enough there.
fn business(b: &Business, kind: CaseKind, found: &mut Problems) -> Business {
    let name = found.or(
        one_line("respondent.name", &b.name, limits::NAME),
        b.name.clone(),
    );
    let address = found.or(
        optional(b.address.as_deref(), |v| {
            one_line("respondent.address", v, limits::ADDRESS)
        }),
        None,
    );
    if kind == CaseKind::Complaint && blank(&b.address) && b.online.is_none() {
        found.add(Error::invalid_zh(
            "respondent.address",
            "is required for a complaint (Art. 10), unless the seller is inside an online platform (Art. 13: the platform stands in)",
            "投诉须写被投诉方地址（第十条）；网络平台内的经营者可以平台代替（第十三条）",
        ));
    }
    let mut text = |field: &str, value: &Option<String>, max: usize| {
        found.or(
            optional(value.as_deref(), |v| one_line(field, v, max)),
            None,
        )
    };
    let legal_representative = text(
        "respondent.legal_representative",
        &b.legal_representative,
        limits::NAME,
    );
    let premises = text("respondent.premises", &b.premises, limits::ADDRESS);
    Business {
        name,
        address,
        credit_code: found.or(
            optional(b.credit_code.as_deref(), |v| {
                uscc("respondent.credit_code", v)
            }),
            None,
        ),
        legal_representative,
        premises,
        online: b.online.as_ref().map(|o| online_shop(o, found)),
    }
}

fn online_shop(o: &OnlineShop, found: &mut Problems) -> OnlineShop {
    let platform = found.or(
        one_line("respondent.online.platform", &o.platform, limits::NAME),
        o.platform.clone(),
    );
    let shop_name = found.or(
        optional(o.shop_name.as_deref(), |v| {
            one_line("respondent.online.shop_name", v, limits::NAME)
        }),
        None,
    );
    let shop_address = found.or(
        optional(o.shop_address.as_deref(), |v| {
            one_line("respondent.online.shop_address", v, limits::ADDRESS)
        }),
        None,
    );
    OnlineShop {
        platform,
        shop_name,
        shop_address,
    }
}

fn matter(m: &NewMatter, kind: CaseKind, today: NaiveDate, found: &mut Problems) -> NewMatter {
    let mut demands = m.demands.clone();
    demands.sort_by_key(|d| DemandKind::ALL.iter().position(|x| x == d));
    demands.dedup();
    let demands_text = found.or(
        optional(m.demands_text.as_deref(), |v| {
            multi_line("matter.demands_text", v, limits::DEMANDS)
        }),
        None,
    );
    if kind == CaseKind::Complaint && demands.is_empty() {
        found.add(required("matter.demands", kind));
    }
    if demands.contains(&DemandKind::Other) && demands_text.is_none() {
        found.add(Error::invalid_zh(
            "matter.demands_text",
            "must say what the consumer asks for when the demand is \"other\"",
            "诉求选了“其他”，请写明具体要求",
        ));
    }
    if let Some(fen) = m.amount_paid_fen
        && !(0..=MAX_AMOUNT_FEN).contains(&fen)
    {
        found.add(Error::invalid_zh(
            "matter.amount_paid_fen",
            format!("must be 0 to {MAX_AMOUNT_FEN} fen"),
            "金额超出范围",
        ));
    }
    if m.quantity == Some(0) {
        found.add(Error::invalid_zh(
            "matter.quantity",
            "must be at least 1",
            "数量至少为 1",
        ));
    }
    if m.evidence.len() > limits::EVIDENCE_ITEMS {
        found.add(Error::invalid_zh(
            "matter.evidence",
            format!("at most {} references", limits::EVIDENCE_ITEMS),
            format!("证据最多 {} 项", limits::EVIDENCE_ITEMS),
        ));
    }
    let mut text = |field: &str, value: &Option<String>, max: usize| {
        found.or(
            optional(value.as_deref(), |v| one_line(field, v, max)),
            None,
        )
    };
    let place_text = text("matter.place_text", &m.place_text, limits::ADDRESS);
    let goods = text("matter.goods", &m.goods, limits::GOODS);
    NewMatter {
        proof: m.proof.as_ref().map(|p| proof(p, found)),
        occurred_on: found.or(
            optional(m.occurred_on.as_deref(), |v| occurred_on(v, today)),
            None,
        ),
        place_text,
        place: m.place,
        goods,
        amount_paid_fen: m.amount_paid_fen,
        quantity: m.quantity,
        facts: found.or(
            multi_line("matter.facts", &m.facts, limits::FACTS),
            m.facts.clone(),
        ),
        demands,
        demands_text,
        evidence: m
            .evidence
            .iter()
            .enumerate()
            .map(|(i, e)| {
                found.or(
                    one_line(&format!("matter.evidence[{i}]"), e, limits::REFERENCE),
                    e.clone(),
                )
            })
            .collect(),
    }
}

/// A proof's reference is checked like any reference; "none" has none.
fn proof(p: &ProofOfPurchase, found: &mut Problems) -> ProofOfPurchase {
    let field = "matter.proof.reference";
    let reference = found.or(
        optional(p.reference.as_deref(), |v| {
            one_line(field, v, limits::REFERENCE)
        }),
        None,
    );
    if p.kind == ProofKind::NoProof && reference.is_some() {
        found.add(Error::invalid_zh(
            field,
            "there is no reference when no proof is offered",
            "未提供凭证时不填凭证号",
        ));
    }
    ProofOfPurchase {
        kind: p.kind,
        reference,
    }
}

/// Nothing typed, or only spaces: a required field is missing (a value typed wrong is its own
/// problem, told once).
fn blank(value: &Option<String>) -> bool {
    value.as_deref().is_none_or(|v| v.trim().is_empty())
}

/// Ten billion yuan: beyond any consumer purchase, well inside i64.
const MAX_AMOUNT_FEN: i64 = 1_000_000_000_000;

fn occurred_on(value: &str, today: NaiveDate) -> Result<String> {
    past_day("matter.occurred_on", value, today).map(|day| day.to_string())
}

fn required(field: &str, kind: CaseKind) -> Error {
    Error::invalid_zh(field, format!("is required for a {kind}"), "必填")
}

/// Seals one case's personal values under its id, so that purging one case leaves the other
/// half of a split submission intact.
struct Sealer<'w, 'c> {
    w: &'w Writer<'c>,
    case_id: Uuid,
}

impl Sealer<'_, '_> {
    fn seal(&self, field: &str, value: &str) -> Result<Sealed> {
        self.w.seal_personal(Some(self.case_id), field, value)
    }

    fn seal_opt(&self, field: &str, value: &Option<String>) -> Result<Option<Sealed>> {
        value.as_deref().map(|v| self.seal(field, v)).transpose()
    }

    fn case(&self, c: &Checked, number: String, linked_case: Option<Uuid>) -> Result<CaseOpened> {
        let new = &c.case;
        Ok(CaseOpened {
            case_id: self.case_id,
            number,
            kind: new.kind,
            channel: c.channel,
            received_at_ms: Some(c.received_at_ms),
            rule_set: Some(c.rule_set),
            platform_ticket: new.platform_ticket.clone(),
            complainants: new
                .complainants
                .iter()
                .map(|p| self.party(p))
                .collect::<Result<_>>()?,
            joint_complainants: new.joint_complainants,
            respondent: new
                .respondent
                .as_ref()
                .map(|b| self.respondent(b))
                .transpose()?,
            matter: self.matter(&new.matter, c.place)?,
            linked_case,
        })
    }

    fn party(&self, p: &Person) -> Result<Party> {
        Ok(Party {
            name: self.seal("complainant.name", &p.name)?,
            phone: self.seal("complainant.phone", &p.phone)?,
            address: self.seal_opt("complainant.address", &p.address)?,
            id_document: p.id_document.as_ref().map(|d| self.id(d)).transpose()?,
            agent: p.agent.as_ref().map(|a| self.agent(a)).transpose()?,
        })
    }

    fn agent(&self, a: &Agent) -> Result<AgentBody> {
        Ok(AgentBody {
            name: self.seal("agent.name", &a.name)?,
            id_document: self.id(&a.id_document)?,
            power_of_attorney: a.power_of_attorney,
        })
    }

    fn id(&self, d: &IdDocument) -> Result<SealedId> {
        Ok(SealedId {
            kind: d.kind,
            number: self.seal("id_number", &d.number)?,
        })
    }

    fn respondent(&self, b: &Business) -> Result<Respondent> {
        Ok(Respondent {
            name: self.seal("respondent.name", &b.name)?,
            address: self.seal_opt("respondent.address", &b.address)?,
            credit_code: b.credit_code.clone(),
            legal_representative: self
                .seal_opt("respondent.legal_representative", &b.legal_representative)?,
            premises: self.seal_opt("respondent.premises", &b.premises)?,
            online: b.online.as_ref().map(|o| OnlineShopBody {
                platform: o.platform.clone(),
                shop_name: o.shop_name.clone(),
                shop_address: o.shop_address.clone(),
            }),
        })
    }

    fn matter(&self, m: &NewMatter, place: Option<GeoPoint>) -> Result<MatterBody> {
        Ok(MatterBody {
            occurred_on: m.occurred_on.clone(),
            place_text: self.seal_opt("matter.place_text", &m.place_text)?,
            place,
            goods: m.goods.clone(),
            amount_paid_fen: m.amount_paid_fen,
            quantity: m.quantity,
            facts: self.seal("matter.facts", &m.facts)?,
            demands: m.demands.clone(),
            demands_text: self.seal_opt("matter.demands_text", &m.demands_text)?,
            evidence: m.evidence.clone(),
            proof: m
                .proof
                .as_ref()
                .map(|p| -> Result<ProofBody> {
                    Ok(ProofBody {
                        kind: p.kind,
                        reference: self.seal_opt("matter.proof.reference", &p.reference)?,
                    })
                })
                .transpose()?,
        })
    }
}
