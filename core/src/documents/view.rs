//! A document's state made readable: vault references opened, the complaint as the merchant
//! may see it, the current text and its hash, and which signatures still hold.

use rusqlite::Connection;

use crate::cases;
use crate::documents::model::{
    AgreedTerm, AssentRecord, DocumentKind, Entry, Notice, OnSiteDocument, Participant, Refusal,
    SealRecord, SignatureRecord,
};
use crate::documents::state::State;
use crate::documents::text::{self, Block};
use crate::error::Result;
use crate::events::Digest;
use crate::mediation::terms::recovered_fen;
use crate::vault::{self, Sealed};

/// A document with everything its renderings need.
pub struct Readable {
    pub state: State,
    pub doc: OnSiteDocument,
    pub blocks: Vec<Block>,
    pub text: String,
    pub sha256: Digest,
    /// Whose seal the printed 调解书 leaves room for (the department's).
    pub seal_holder: String,
}

pub fn read(conn: &Connection, state: State) -> Result<Readable> {
    let case = cases::get(conn, &state.case_id.to_string())?;
    let complaint = match state.kind {
        DocumentKind::Mediation => Some(cases::merchant::view(&case)?),
        _ => None,
    };
    let mut doc = resolve(conn, &state, &case.number)?;
    let evidence = state
        .evidence
        .iter()
        .map(|id| crate::evidence::projection::get(conn, &id.to_string()))
        .collect::<Result<Vec<_>>>()?;
    let ctx = context(&state, case.rule_set);
    let blocks = text::blocks(&ctx, &doc, complaint.as_ref(), &evidence);
    let seal_holder = match state.layout {
        1 => "调解机构".to_string(),
        _ => ctx.seal_holder(),
    };
    let (body, sha256) = text::body(&blocks);
    settle(&mut doc, &state, &sha256);
    for (view, refusal) in doc.refusals.iter_mut().zip(&state.refusals) {
        view.note = open(conn, &refusal.note)?;
    }
    for (view, assent) in doc.assents.iter_mut().zip(&state.assents) {
        view.note = open(conn, &assent.note)?;
    }
    Ok(Readable {
        state,
        doc,
        blocks,
        text: body,
        sha256,
        seal_holder,
    })
}

/// The layout, rules and agency a document's words are made with: its own, frozen when it
/// was opened; the case's rules for documents opened before they were recorded.
pub fn context(state: &State, case_rules: crate::rulebook::RuleSet) -> text::Context<'_> {
    text::Context {
        layout: state.layout,
        rules: crate::rulebook::book(state.rule_set.unwrap_or(case_rules)),
        issuer: state.issuer.as_ref(),
    }
}

fn open(conn: &Connection, sealed: &Option<Sealed>) -> Result<Option<String>> {
    match sealed {
        Some(s) => vault::value(conn, s.id),
        None => Ok(None),
    }
}

fn resolve(conn: &Connection, s: &State, case_number: &str) -> Result<OnSiteDocument> {
    let opening = s.mediation.as_ref();
    let notice = match opening.and_then(|m| m.notice.as_ref()) {
        Some(n) => Some(Notice {
            given_at_ms: n.given_at_ms,
            method: n.method,
            session_at_ms: n.session_at_ms,
            place: open(conn, &Some(n.place))?.unwrap_or_default(),
        }),
        None => None,
    };
    let mut participants = Vec::with_capacity(s.participants.len());
    for (i, p) in s.participants.iter().enumerate() {
        let officer = p.body.officer.as_ref();
        participants.push(Participant {
            index: i as u32,
            role: p.body.role,
            name: match officer {
                Some(o) => Some(o.name.clone()),
                None => open(conn, &p.body.name)?,
            },
            title: p.body.title.clone(),
            enforcement_id: officer.map(|o| o.enforcement_id.clone()),
            authority: p.body.authority,
            recused: p.recused,
        });
    }
    let mut entries = Vec::with_capacity(s.entries.len());
    for (i, e) in s.entries.iter().enumerate() {
        entries.push(Entry {
            index: i as u32,
            at_ms: e.at_ms,
            speaker: e.speaker,
            kind: e.kind,
            text: open(conn, &Some(e.text))?,
            corrected_text: open(conn, &e.corrected)?,
        });
    }
    let agreement = s.agreement.as_ref();
    let terms: Vec<AgreedTerm> = agreement
        .map(|a| {
            a.terms
                .iter()
                .zip(&a.performed_on)
                .map(|(t, on)| AgreedTerm {
                    term: t.clone(),
                    performed_on: on.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    // Only an on-site agreement makes a 调解书 (Art. 24); documents of layout 1 keep the
    // title they were signed under.
    let remote = s.layout >= 2 && s.remote();
    let mediation_document = agreement.map(|a| {
        !remote && crate::mediation::terms::needs_mediation_document(&a.terms, a.document_declined)
    });
    Ok(OnSiteDocument {
        id: s.id.to_string(),
        case_id: s.case_id.to_string(),
        case_number: case_number.to_string(),
        kind: s.kind,
        title: text::title(s.kind, mediation_document).to_string(),
        number: s.number.as_ref().map(|n| n.text.clone()),
        issuer: s.issuer.as_ref().map(|i| i.name.clone()),
        status: s.status(),
        mode: opening.map(|m| m.mode),
        notice,
        enforcement: opening.is_some_and(|m| m.enforcement),
        subject: open(conn, &s.subject)?,
        place_text: open(conn, &s.place_text)?,
        opened_at_ms: s.opened_at_ms,
        opened_at: s.opened_at.map(Into::into),
        closed_at_ms: s.closed_at_ms,
        closed_at: s.closed_at.map(Into::into),
        participants,
        entries,
        evidence_ids: s.evidence.iter().map(|id| id.to_string()).collect(),
        read_back: s.read_back,
        recovered_fen: agreement.map_or(0, |a| recovered_fen(&a.terms)),
        agreed_at_ms: agreement.map(|a| a.at_ms),
        terms,
        mediation_document,
        end_reason: s.end.as_ref().map(|e| e.reason),
        end_note: match &s.end {
            Some(end) => open(conn, &end.note)?,
            None => None,
        },
        signatures: Vec::new(),
        seals: Vec::new(),
        assents: Vec::new(),
        refusals: Vec::new(),
        unsigned: Vec::new(),
        text_sha256: String::new(),
    })
}

/// What depends on the current text: the hash, which signatures hold, who must still sign.
fn settle(doc: &mut OnSiteDocument, s: &State, current: &Digest) {
    doc.signatures = s
        .signatures
        .iter()
        .map(|g| SignatureRecord {
            participant: g.participant,
            at_ms: g.at_ms,
            text_sha256: g.text_sha256.to_hex(),
            image_sha256: g.image_sha256.to_hex(),
            strokes_sha256: g.strokes_sha256.to_hex(),
            valid: g.text_sha256 == *current,
        })
        .collect();
    doc.refusals = s
        .refusals
        .iter()
        .map(|r| Refusal {
            participant: r.participant,
            witness: r.witness,
            at_ms: r.at_ms,
            text_sha256: r.text_sha256.to_hex(),
            note: None,
            valid: r.text_sha256 == *current,
        })
        .collect();
    doc.seals = s
        .seals
        .iter()
        .map(|g| SealRecord {
            participant: g.participant,
            at_ms: g.at_ms,
            text_sha256: g.text_sha256.to_hex(),
            evidence_id: g.evidence_id.to_string(),
            valid: g.text_sha256 == *current,
        })
        .collect();
    doc.assents = s
        .assents
        .iter()
        .map(|a| AssentRecord {
            participant: a.participant,
            at_ms: a.at_ms,
            method: a.method,
            text_sha256: a.text_sha256.to_hex(),
            evidence_id: a.evidence_id.map(|id| id.to_string()),
            note: None,
            valid: a.text_sha256 == *current,
        })
        .collect();
    doc.unsigned = s.unsigned(current);
    doc.text_sha256 = current.to_hex();
}
