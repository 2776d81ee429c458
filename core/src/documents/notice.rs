//! The notices the law requires a party be given, made like the documents (blocks of words,
//! hashed; A4 HTML for print, or plain text): the 不予受理告知书 — the reasons, and the ways
//! Consumer Protection Law Art. 39 lists (Order No. 121 Art. 15) — and the 终止调解告知书 —
//! the ground, and the parties' rights (Art. 23 last paragraph, Art. 25). Issuing one is an
//! event (`NoticeIssued`) that freezes what its words depend on (the rules, the agency, the
//! day) and commits to their SHA-256 in the device's signed chain; the end notice stops the
//! 7-working-day end-notice clock. The end notice goes to the business too, so it is made from
//! the merchant's view of the complaint (Art. 37).

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::cases::{self, Case, CaseState, Step};
use crate::documents::events::Issuer;
use crate::documents::text::{self, Block, Context};
use crate::error::{Error, Result};
use crate::events::log::Writer;
use crate::events::{Digest, Envelope, EventBody, Projection};
use crate::rulebook::{self, CONSUMER_LAW_ART_39, RuleSet};
use crate::store::to_json;
use crate::wire_enum::wire_enum;

wire_enum! {
    /// The notices a case is given.
    #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
    pub enum NoticeKind {
        /// 不予受理告知书, to the complainant.
        Declined = "declined",
        /// 终止调解告知书, to both parties.
        MediationEnded = "mediation_ended",
    }
}

impl NoticeKind {
    pub fn title(self) -> &'static str {
        match self {
            NoticeKind::Declined => "不予受理告知书",
            NoticeKind::MediationEnded => "终止调解告知书",
        }
    }
}

/// A notice was issued: what its words were made under, and their SHA-256.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeIssued {
    pub case_id: Uuid,
    pub kind: NoticeKind,
    pub rule_set: RuleSet,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<Issuer>,
    pub text_sha256: Digest,
}

impl EventBody for NoticeIssued {
    const TOPICS: &'static [crate::events::Topic] = &[
        crate::events::Topic::Documents,
        crate::events::Topic::Clocks,
    ];
    const TYPE: &'static str = "NoticeIssued";
    const VERSION: u32 = 1;

    fn project(&self, at: &Projection) -> Result<()> {
        project(at.conn, at.event, self)
    }

    fn case_id(&self) -> Option<Uuid> {
        Some(self.case_id)
    }
}

/// A notice as the app shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct CaseNotice {
    pub case_id: String,
    pub case_number: String,
    pub kind: NoticeKind,
    pub title: String,
    pub issued_at_ms: i64,
    /// The words now, and their SHA-256.
    pub text: String,
    pub sha256: String,
    /// The SHA-256 the device signed when it issued the notice.
    pub issued_sha256: String,
    /// The words are still those issued (false once the case's personal data is purged).
    pub as_issued: bool,
}

/// A notice with what its renderings need.
pub struct ReadNotice {
    pub notice: CaseNotice,
    pub blocks: Vec<Block>,
    /// Whose seal the printed notice leaves room for.
    pub seal_holder: String,
}

/// Issues the case's notice of `kind` — made now, frozen in a `NoticeIssued` event.
pub fn issue(w: &mut Writer, case_id: Uuid, kind: NoticeKind) -> Result<()> {
    let case = cases::get(w.conn(), &case_id.to_string())?;
    let grounds = grounds(w.conn(), &case, kind)?;
    let rule_set = cases::projection::rule_set_at(w.conn(), &case.id, grounds.decided_at_ms)?;
    let agency = crate::agency::current(w.conn())?.map(|a| Issuer {
        name: a.name,
        commissioned: a.commissioned,
    });
    let frozen = Frozen {
        rule_set,
        agency,
        issued_at_ms: w.time.trusted_ms,
    };
    let (_, sha256) = text::body(&blocks(&frozen, &case, kind, &grounds)?);
    w.append(NoticeIssued {
        case_id,
        kind,
        rule_set,
        agency: frozen.agency,
        text_sha256: sha256,
    })?;
    Ok(())
}

pub fn project(conn: &Connection, event: &Envelope, body: &NoticeIssued) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO notices (case_id, seq, kind, issued_at_ms, body) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        body.case_id.to_string(),
        event.seq as i64,
        body.kind.as_str(),
        event.time.trusted_ms,
        to_json(body)?,
    ])?;
    Ok(())
}

/// The case's last notice of `kind`, read again with the words it was issued under.
pub fn read(conn: &Connection, case: &str, kind: NoticeKind) -> Result<ReadNotice> {
    let case = cases::get(conn, case)?;
    let row: Option<(String, i64)> = conn
        .prepare_cached(
            "SELECT body, issued_at_ms FROM notices WHERE case_id = ?1 AND kind = ?2
             ORDER BY seq DESC LIMIT 1",
        )?
        .query_row(params![case.id, kind.as_str()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .ok();
    let (body, issued_at_ms) = row.ok_or_else(|| Error::NotFound {
        what: "notice",
        id: format!("{} {kind}", case.number),
    })?;
    let issued: NoticeIssued = serde_json::from_str(&body)
        .map_err(|e| Error::damaged("notices", format!("notice of case {}: {e}", case.id)))?;
    let frozen = Frozen {
        rule_set: issued.rule_set,
        agency: issued.agency,
        issued_at_ms,
    };
    let blocks = blocks(&frozen, &case, kind, &grounds(conn, &case, kind)?)?;
    let (words, sha256) = text::body(&blocks);
    Ok(ReadNotice {
        seal_holder: frozen.context().seal_holder(),
        notice: CaseNotice {
            case_id: case.id.clone(),
            case_number: case.number.clone(),
            kind,
            title: kind.title().to_string(),
            issued_at_ms,
            text: words,
            sha256: sha256.to_hex(),
            issued_sha256: issued.text_sha256.to_hex(),
            as_issued: sha256 == issued.text_sha256,
        },
        blocks,
    })
}

/// The notices a case was given, oldest first.
pub fn of_case(conn: &Connection, case: &str) -> Result<Vec<CaseNotice>> {
    let case_id = cases::id_of(conn, case)?.to_string();
    let kinds: Vec<String> = conn
        .prepare_cached("SELECT DISTINCT kind FROM notices WHERE case_id = ?1 ORDER BY kind")?
        .query_map([&case_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut notices = kinds
        .iter()
        .filter_map(|k| NoticeKind::parse(k))
        .map(|k| read(conn, &case_id, k).map(|r| r.notice))
        .collect::<Result<Vec<_>>>()?;
    notices.sort_by_key(|n| n.issued_at_ms);
    Ok(notices)
}

/// What a notice's words are made under, frozen when it was issued.
struct Frozen {
    rule_set: RuleSet,
    agency: Option<Issuer>,
    issued_at_ms: i64,
}

impl Frozen {
    fn context(&self) -> Context<'_> {
        Context {
            layout: crate::documents::LAYOUT,
            rules: rulebook::book(self.rule_set),
            issuer: self.agency.as_ref(),
        }
    }
}

/// The decision a notice tells of: when, on which ground (its words under the rules), why.
struct Grounds {
    decided_at_ms: i64,
    reason: Reason,
    note: Option<String>,
    accepted_at_ms: Option<i64>,
}

enum Reason {
    Declined(crate::rulebook::DeclineReason),
    Ended(crate::rulebook::EndReason),
}

/// The decision of the case a notice of `kind` tells of; an error when there is none.
fn grounds(conn: &Connection, case: &Case, kind: NoticeKind) -> Result<Grounds> {
    let step_at = |matches: fn(&Step) -> bool| {
        case.history
            .iter()
            .rev()
            .find(|s| matches(&s.step))
            .cloned()
    };
    match kind {
        NoticeKind::Declined => {
            let decline = step_at(|s| matches!(s, Step::Decline { .. }))
                .filter(|_| case.state == CaseState::Declined)
                .ok_or_else(|| no_notice(case, "was not declined"))?;
            let Step::Decline { reason } = decline.step else {
                return Err(no_notice(case, "was not declined"));
            };
            Ok(Grounds {
                decided_at_ms: decline.at_ms,
                reason: Reason::Declined(reason),
                note: decline.note,
                accepted_at_ms: None,
            })
        }
        NoticeKind::MediationEnded => {
            let accepted = step_at(|s| matches!(s, Step::Accept)).map(|s| s.at_ms);
            let ended = crate::documents::projection::of_case(conn, &case.id)?
                .into_iter()
                .rev()
                .find(|d| d.end.is_some())
                .ok_or_else(|| {
                    no_notice(
                        case,
                        "has no mediation ended through its document (its ground is recorded there)",
                    )
                })?;
            let end = ended.end.as_ref().ok_or_else(|| no_notice(case, "ended"))?;
            let note = match &end.note {
                Some(sealed) => crate::vault::value(conn, sealed.id)?,
                None => None,
            };
            Ok(Grounds {
                decided_at_ms: ended.closed_at_ms.unwrap_or(ended.opened_at_ms),
                reason: Reason::Ended(end.reason),
                note,
                accepted_at_ms: accepted,
            })
        }
    }
}

fn no_notice(case: &Case, why: &str) -> Error {
    Error::invalid("kind", format!("case {} {why}", case.number))
}

fn blocks(frozen: &Frozen, case: &Case, kind: NoticeKind, g: &Grounds) -> Result<Vec<Block>> {
    let ctx = frozen.context();
    let mut out = Vec::new();
    if let Some(agency) = &frozen.agency {
        out.push(Block::Issuer(agency.name.clone()));
    }
    out.push(Block::Title(kind.title().to_string()));
    out.push(Block::Field("投诉编号", case.number.clone()));
    match &g.reason {
        Reason::Declined(reason) => declined(&ctx, case, *reason, g, &mut out)?,
        Reason::Ended(reason) => ended(&ctx, case, *reason, g, &mut out)?,
    }
    out.push(Block::Field("日期", text::date(frozen.issued_at_ms)));
    Ok(out)
}

/// Order No. 121 Art. 15: "告知投诉人不予受理的理由和《中华人民共和国消费者权益保护法》第三十九条
/// 规定的其他解决消费者权益争议的途径".
fn declined(
    ctx: &Context,
    case: &Case,
    reason: crate::rulebook::DeclineReason,
    g: &Grounds,
    out: &mut Vec<Block>,
) -> Result<()> {
    let ground = ctx.rules.decline_ground(reason)?;
    let complainant = case
        .complainants
        .first()
        .map(|p| p.name.clone())
        .unwrap_or_else(|| "投诉人".to_string());
    let respondent = case
        .respondent
        .as_ref()
        .map(|b| b.name.clone())
        .unwrap_or_default();
    out.push(Block::Paragraph(format!("{complainant}：")));
    out.push(Block::Paragraph(format!(
        "你于{}提出的对{respondent}的投诉，{}经审查，于{}决定不予受理。",
        text::date(case.received_at_ms),
        ctx.agency(),
        text::date(g.decided_at_ms)
    )));
    out.push(Block::Paragraph(format!(
        "不予受理的理由：{}（{}）。",
        ground.words,
        ctx.rules.cite(ground.article)
    )));
    if let Some(note) = &g.note {
        out.push(Block::Paragraph(format!("具体情况：{note}")));
    }
    out.push(Block::Paragraph(format!(
        "依据{}，现将不予受理的决定和理由告知你。你可以通过《中华人民共和国消费者权益保护法》第三十九条规定的下列途径解决与经营者的消费者权益争议：",
        ctx.rules.cite(ctx.rules.articles.decision)
    )));
    ways(out);
    Ok(())
}

/// Art. 23 last paragraph: both parties told within 7 working days; Art. 25: their rights.
/// Made from the merchant's view of the complaint: it goes to the business too.
fn ended(
    ctx: &Context,
    case: &Case,
    reason: crate::rulebook::EndReason,
    g: &Grounds,
    out: &mut Vec<Block>,
) -> Result<()> {
    let ground = ctx.rules.end_reason(reason)?;
    let view = cases::merchant::view(case)?;
    let complainant = view
        .complainants
        .first()
        .map(|p| p.name.clone())
        .unwrap_or_else(|| "投诉人".to_string());
    let respondent = view
        .respondent
        .as_ref()
        .map(|b| b.name.clone())
        .unwrap_or_default();
    out.push(Block::Paragraph(format!("{complainant}、{respondent}：")));
    let accepted = g
        .accepted_at_ms
        .map(|at| format!("于{}受理，并经双方同意", text::date(at)))
        .unwrap_or_else(|| "受理后经双方同意".to_string());
    out.push(Block::Paragraph(format!(
        "{complainant}于{}对{respondent}的投诉，{}{accepted}组织调解。",
        text::date(view.received_at_ms),
        ctx.agency()
    )));
    out.push(Block::Paragraph(format!(
        "因{}，依据{}，{}于{}决定终止调解。",
        ground.words,
        ctx.rules.cite(ground.article),
        ctx.agency(),
        text::date(g.decided_at_ms)
    )));
    if let Some(note) = &g.note {
        out.push(Block::Paragraph(format!("说明：{note}")));
    }
    out.push(Block::Paragraph(format!(
        "依据{}，现予告知。{}",
        ctx.rules
            .cite(&format!("{}第二款", ctx.rules.articles.end_reasons)),
        ctx.rules.rights_words(true)
    )));
    Ok(())
}

/// The five ways of Consumer Protection Law Art. 39, numbered as the law numbers them.
fn ways(out: &mut Vec<Block>) {
    const NUMBERS: [&str; 5] = ["一", "二", "三", "四", "五"];
    let last = CONSUMER_LAW_ART_39.len() - 1;
    for (i, way) in CONSUMER_LAW_ART_39.iter().enumerate() {
        let end = if i == last { "。" } else { "；" };
        out.push(Block::Paragraph(format!("（{}）{way}{end}", NUMBERS[i])));
    }
}
