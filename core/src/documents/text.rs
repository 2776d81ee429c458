//! The words of a document, laid out as blocks that both the plain text and the HTML are made
//! from. The plain text of the blocks is what a signature is bound to (its SHA-256), so it
//! holds only what the parties sign for: no signatures, no page numbers, no time of printing.
//! Everything here is a function of the document alone — same document, same bytes.
//!
//! A document keeps the layout it was opened under (`DocumentOpened::layout`): its words, and
//! so its signatures, never change with the code. Layout 1 is the first words, before layouts were numbered;
//! layout 2 adds the issuing agency, the legal basis, the business representative's authority,
//! amounts in capitals (大写), the parties' rights (Order No. 121 Art. 25), each order's own
//! words for an end, and dates as officials write them (2026年12月5日).

use chrono::DateTime;

use crate::cases::merchant::MerchantView;
use crate::documents::events::Issuer;
use crate::documents::model::{
    DocumentKind, EntryKind, MediationMode, OnSiteDocument, Participant, ParticipantRole,
    RepresentativeAuthority,
};
use crate::events::Digest;
use crate::evidence::{Evidence, EvidenceKind};
use crate::mediation::terms::{EndReason, Performer, TermKind};
use crate::rulebook::RuleBook;
use crate::time::BEIJING;

/// What a document's words depend on beside its state.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub layout: u32,
    /// The rules it is made under.
    pub rules: &'static RuleBook,
    pub issuer: Option<&'a Issuer>,
}

impl Context<'_> {
    fn v2(&self) -> bool {
        self.layout >= 2
    }

    /// The agency as the text names it: the department, or the body mediating in its name.
    pub fn agency(&self) -> String {
        match self.issuer {
            Some(Issuer {
                name,
                commissioned: Some(body),
            }) => format!("{body}（受{name}委托）"),
            Some(issuer) => issuer.name.clone(),
            None => "市场监督管理部门".to_string(),
        }
    }

    /// The seal a 调解书 carries: the department's own (Art. 24), even when a commissioned
    /// body mediated in its name.
    pub fn seal_holder(&self) -> String {
        self.issuer
            .map(|i| i.name.clone())
            .unwrap_or_else(|| "市场监督管理部门".to_string())
    }

    fn date(&self, ms: i64) -> String {
        if self.v2() { date(ms) } else { padded_date(ms) }
    }

    fn minute(&self, ms: i64) -> String {
        if self.v2() {
            minute(ms)
        } else {
            beijing(ms, "%Y年%m月%d日 %H:%M")
        }
    }

    fn day_words(&self, day: &str) -> String {
        match chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d") {
            Ok(d) if self.v2() => day_words(d),
            Ok(d) => d.format("%Y年%m月%d日").to_string(),
            Err(_) => day.to_string(),
        }
    }
}

/// One piece of the layout.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// The issuing agency, above the title.
    Issuer(String),
    Title(String),
    /// `label：value`.
    Field(&'static str, String),
    Heading(&'static str),
    Paragraph(String),
}

/// The text a signature binds, and its SHA-256.
pub fn body(blocks: &[Block]) -> (String, Digest) {
    let text: String = blocks.iter().map(line).collect();
    let hash = Digest::of(&[text.as_bytes()]);
    (text, hash)
}

pub fn line(block: &Block) -> String {
    match block {
        Block::Issuer(i) => format!("{i}\n"),
        Block::Title(t) => format!("{t}\n\n"),
        Block::Field(label, value) => format!("{label}：{value}\n"),
        Block::Heading(h) => format!("{h}：\n"),
        Block::Paragraph(p) => format!("　　{p}\n"),
    }
}

/// 调解书 / 调解记录 / 现场笔录 / 询问笔录. A 调解书 only once an agreement needs one (Art. 24).
pub fn title(kind: DocumentKind, mediation_document: Option<bool>) -> &'static str {
    match (kind, mediation_document) {
        (DocumentKind::Mediation, Some(true)) => "调解书",
        (DocumentKind::Mediation, _) => "调解记录",
        (DocumentKind::OnSiteRecord, _) => "现场笔录",
        (DocumentKind::Interview, _) => "询问笔录",
    }
}

/// The blocks of a document. A mediation needs the complaint as the merchant may see it; the
/// evidence linked to the document is listed by its SHA-256, which ties the paper to the file.
pub fn blocks(
    ctx: &Context,
    doc: &OnSiteDocument,
    complaint: Option<&MerchantView>,
    evidence: &[Evidence],
) -> Vec<Block> {
    let mut out = Vec::new();
    if let (true, Some(issuer)) = (ctx.v2(), ctx.issuer) {
        out.push(Block::Issuer(issuer.name.clone()));
    }
    out.push(Block::Title(doc.title.clone()));
    match doc.kind {
        DocumentKind::Mediation => mediation(ctx, doc, complaint, evidence, &mut out),
        DocumentKind::OnSiteRecord | DocumentKind::Interview => {
            record(ctx, doc, evidence, &mut out)
        }
    }
    out
}

fn attached(ctx: &Context, evidence: &[Evidence], out: &mut Vec<Block>) {
    if evidence.is_empty() {
        return;
    }
    out.push(Block::Heading("所附证据"));
    for (i, e) in evidence.iter().enumerate() {
        out.push(Block::Paragraph(format!(
            "{}. {}，{}，{}采集，SHA-256 {}",
            i + 1,
            evidence_kind_name(e.kind),
            ctx.minute(e.captured_at_ms),
            e.captured_by.name,
            e.sha256
        )));
    }
}

fn evidence_kind_name(kind: EvidenceKind) -> &'static str {
    match kind {
        EvidenceKind::Scene => "现场照片",
        EvidenceKind::Goods => "商品照片",
        EvidenceKind::Receipt => "购物凭证",
        EvidenceKind::Screenshot => "截图",
        EvidenceKind::Odometer => "里程表照片",
        EvidenceKind::Document => "书证",
        EvidenceKind::Recording => "音像资料",
        EvidenceKind::Other => "其他证据",
    }
}

fn mediation(
    ctx: &Context,
    doc: &OnSiteDocument,
    complaint: Option<&MerchantView>,
    evidence: &[Evidence],
    out: &mut Vec<Block>,
) {
    if ctx.v2() {
        out.push(Block::Field("投诉编号", doc.case_number.clone()));
        out.push(Block::Paragraph(format!(
            "根据{}，经投诉人和被投诉人同意，{}对下列消费者权益争议主持调解。",
            ctx.rules.title,
            ctx.agency()
        )));
    } else {
        out.push(Block::Field("编号", doc.case_number.clone()));
    }
    if let Some(c) = complaint {
        for p in &c.complainants {
            let mut who = format!("{}，电话：{}", p.name, p.phone);
            if let Some(address) = &p.address {
                who.push_str(&format!("，地址：{address}"));
            }
            out.push(Block::Field("投诉人", who));
            if let Some(agent) = &p.agent_name {
                out.push(Block::Field("委托代理人", agent.clone()));
            }
        }
        if let Some(n) = c.joint_complainants {
            out.push(Block::Field("共同投诉人数", n.to_string()));
        }
    }
    people(doc, ParticipantRole::ConsumerAgent, "投诉人代理人", out);
    if let Some(b) = complaint.and_then(|c| c.respondent.as_ref()) {
        out.push(Block::Field("被投诉人", b.name.clone()));
        if let Some(code) = &b.credit_code {
            out.push(Block::Field("统一社会信用代码", code.clone()));
        }
        if let Some(rep) = &b.legal_representative {
            out.push(Block::Field("法定代表人", rep.clone()));
        }
        if let Some(place) = b.premises.as_ref().or(b.address.as_ref()) {
            out.push(Block::Field("经营场所", place.clone()));
        }
    }
    people(
        doc,
        ParticipantRole::MerchantRepresentative,
        "被投诉人代表",
        out,
    );
    if let Some(mode) = doc.mode {
        out.push(Block::Field("调解方式", mode_name(mode).to_string()));
    }
    out.push(Block::Field("调解时间", ctx.minute(doc.opened_at_ms)));
    if let Some(place) = &doc.place_text {
        out.push(Block::Field("调解地点", place.clone()));
    }
    out.push(Block::Field("调解人员", officers(doc)));
    if let Some(c) = complaint {
        if let Some(facts) = &c.facts {
            out.push(Block::Field("投诉事项", facts.clone()));
        }
        if let Some(demands) = &c.demands_text {
            out.push(Block::Field("投诉请求", demands.clone()));
        }
    }
    entries_of(doc, EntryKind::Demand, "投诉人陈述的请求", out);
    entries_of(doc, EntryKind::Response, "被投诉人的答复", out);
    if doc.mediation_document != Some(true) {
        transcript(doc, "调解经过", out);
        attached(ctx, evidence, out);
    }
    outcome(ctx, doc, out);
    if ctx.v2() && (doc.end_reason.is_some() || !doc.terms.is_empty()) {
        out.push(Block::Heading("救济途径"));
        out.push(Block::Paragraph(
            ctx.rules.rights_words(doc.end_reason.is_some()),
        ));
    }
    // The day of the agreement, not of the last signature: signing must not change the text.
    let day = match doc.end_reason {
        Some(_) => doc.closed_at_ms,
        None => doc.agreed_at_ms,
    };
    out.push(Block::Field(
        "日期",
        ctx.date(day.unwrap_or(doc.opened_at_ms)),
    ));
}

fn outcome(ctx: &Context, doc: &OnSiteDocument, out: &mut Vec<Block>) {
    out.push(Block::Heading("调解结果"));
    if let Some(reason) = doc.end_reason {
        out.push(Block::Paragraph(end_words(ctx, reason)));
        if let Some(note) = &doc.end_note {
            out.push(Block::Paragraph(format!("说明：{note}")));
        }
        return;
    }
    if doc.terms.is_empty() {
        out.push(Block::Paragraph("尚未达成协议。".to_string()));
        return;
    }
    out.push(Block::Paragraph(
        "经调解，双方自愿达成如下协议：".to_string(),
    ));
    for (i, agreed) in doc.terms.iter().enumerate() {
        let t = &agreed.term;
        let mut words = format!(
            "{}. {}{}（{}）",
            i + 1,
            performer_name(t.by),
            t.what,
            term_kind_name(t.kind)
        );
        if let Some(fen) = t.amount_fen {
            words.push_str(&format!("，金额人民币{}元", yuan(fen)));
            if ctx.v2() {
                words.push_str(&format!("（大写：{}）", capital_yuan(fen)));
            }
        }
        match (&t.due_on, t.performed_on_the_spot) {
            (_, true) => words.push_str("，已当场履行"),
            (Some(due), false) => words.push_str(&format!("，于{}前履行", ctx.day_words(due))),
            (None, false) => {}
        }
        words.push('。');
        out.push(Block::Paragraph(words));
    }
    let paragraph = if ctx.v2() {
        kept_as(ctx, doc)
    } else {
        match doc.mediation_document {
            Some(true) => {
                "本调解书经双方当事人签名，调解机构盖章后生效；一式三份，双方当事人各执一份，调解机构存档一份。"
            }
            _ if doc.terms.iter().all(|t| t.term.performed_on_the_spot) => {
                "协议已当场履行完毕，不制作调解书，以本调解记录存档。"
            }
            _ => "双方当事人同意不制作调解书，以本调解记录存档。",
        }
        .to_string()
    };
    out.push(Block::Paragraph(paragraph));
}

/// How the agreement is kept (layout 2): a 调解书 signed or sealed by both parties and stamped
/// by the department, in three copies (Order No. 121 Art. 24, Order No. 20 Art. 22); else the
/// 调解记录 — performed at once, both parties declined the 调解书, or held remotely (Art. 20).
fn kept_as(ctx: &Context, doc: &OnSiteDocument) -> String {
    let article = ctx.rules.cite(ctx.rules.articles.agreement_document);
    let remote = doc.mode.is_some_and(MediationMode::is_remote);
    match doc.mediation_document {
        Some(true) => format!(
            "本调解书由投诉人和被投诉人签名或者盖章，并加盖{}印章；一式三份，投诉人、被投诉人各执一份，{}留存一份归档（{article}）。",
            ctx.seal_holder(),
            ctx.seal_holder()
        ),
        _ if remote => format!(
            "本次调解以非现场方式（{}）进行，不制作调解书；双方当事人对上述协议的同意方式记载于后，协议记入本调解记录备查（{}、{}）。",
            doc.mode.map(mode_name).unwrap_or_default(),
            ctx.rules.cite(ctx.rules.articles.mediation_modes),
            ctx.rules.articles.agreement_document
        ),
        _ if doc.terms.iter().all(|t| t.term.performed_on_the_spot) => {
            format!("调解协议已即时履行，不制作调解书，以本调解记录备查（{article}）。")
        }
        _ => format!("双方当事人同意不制作调解书，以本调解记录备查（{article}）。"),
    }
}

/// An end of mediation in words: layout 2 cites the ground as its own order lists it.
fn end_words(ctx: &Context, reason: EndReason) -> String {
    match ctx.rules.end_reason(reason) {
        Ok(ground) if ctx.v2() => format!(
            "终止调解。依据：{}，{}。",
            ctx.rules.cite(ground.article),
            ground.words
        ),
        _ => format!("终止调解。理由：{}。", end_reason_words(reason)),
    }
}

fn record(ctx: &Context, doc: &OnSiteDocument, evidence: &[Evidence], out: &mut Vec<Block>) {
    out.push(Block::Field("时间", ctx.minute(doc.opened_at_ms)));
    if let Some(place) = &doc.place_text {
        out.push(Block::Field("地点", place.clone()));
    }
    if let Some(subject) = &doc.subject {
        out.push(Block::Field("事由", subject.clone()));
    }
    let label = match doc.kind {
        DocumentKind::Interview => "询问人",
        _ => "执法人员",
    };
    out.push(Block::Field(
        label,
        format!("{}（已出示执法证件）", officers(doc)),
    ));
    people(doc, ParticipantRole::Party, "当事人", out);
    people(doc, ParticipantRole::Interviewee, "被询问人", out);
    // Witnesses are named with the signatures: one may be called after others signed.
    let heading = match doc.kind {
        DocumentKind::Interview => "询问内容",
        _ => "现场情况",
    };
    transcript(doc, heading, out);
    attached(ctx, evidence, out);
    if doc.read_back {
        let whom = match doc.kind {
            DocumentKind::Interview => "被询问人",
            _ => "当事人",
        };
        out.push(Block::Paragraph(format!(
            "以上笔录已向{whom}宣读（或由其阅读），更正处经其签名确认。"
        )));
    }
}

/// Every entry in order, with its time and speaker; Q/A in an interview.
fn transcript(doc: &OnSiteDocument, heading: &'static str, out: &mut Vec<Block>) {
    if doc.entries.is_empty() {
        return;
    }
    out.push(Block::Heading(heading));
    for e in &doc.entries {
        let text = e
            .corrected_text
            .as_deref()
            .or(e.text.as_deref())
            .unwrap_or("（已删除）");
        let said = match e.kind {
            EntryKind::Question => format!("问：{text}"),
            EntryKind::Answer => format!("答：{text}"),
            _ => format!("{}：{text}", speaker(doc, e.speaker)),
        };
        let mut words = format!("{} {said}", clock_time(e.at_ms));
        if e.corrected_text.is_some() {
            let was = e.text.as_deref().unwrap_or("（已删除）");
            words.push_str(&format!("（更正，原记为：{was}）"));
        }
        out.push(Block::Paragraph(words));
    }
}

fn entries_of(doc: &OnSiteDocument, kind: EntryKind, label: &'static str, out: &mut Vec<Block>) {
    for e in doc.entries.iter().filter(|e| e.kind == kind) {
        let text = e.corrected_text.as_deref().or(e.text.as_deref());
        out.push(Block::Field(
            label,
            text.unwrap_or("（已删除）").to_string(),
        ));
    }
}

fn people(doc: &OnSiteDocument, role: ParticipantRole, label: &'static str, out: &mut Vec<Block>) {
    for p in doc.participants.iter().filter(|p| p.role == role) {
        out.push(Block::Field(label, person(p)));
    }
}

/// "name（title）"; a purged name stays a gap, never a guess.
pub fn person(p: &Participant) -> String {
    let name = p.name.as_deref().unwrap_or("（已删除）");
    let mut words = match &p.enforcement_id {
        Some(id) => format!("{name}（执法证号 {id}）"),
        None => name.to_string(),
    };
    if let Some(title) = &p.title {
        words.push_str(&format!("（{title}）"));
    }
    if let Some(authority) = p.authority {
        words.push_str(&format!("（{}）", authority_words(authority)));
    }
    if p.recused {
        words.push_str("（经异议回避）");
    }
    words
}

fn officers(doc: &OnSiteDocument) -> String {
    doc.participants
        .iter()
        .filter(|p| p.role == ParticipantRole::Officer)
        .map(person)
        .collect::<Vec<_>>()
        .join("、")
}

fn speaker(doc: &OnSiteDocument, index: u32) -> String {
    doc.participants
        .get(index as usize)
        .map(|p| {
            let name = p.name.as_deref().unwrap_or("（已删除）");
            format!("{name}（{}）", role_name(p.role))
        })
        .unwrap_or_default()
}

pub fn role_name(role: ParticipantRole) -> &'static str {
    match role {
        ParticipantRole::Consumer => "投诉人",
        ParticipantRole::ConsumerAgent => "投诉人代理人",
        ParticipantRole::MerchantRepresentative => "被投诉人代表",
        ParticipantRole::Officer => "执法人员",
        ParticipantRole::Party => "当事人",
        ParticipantRole::Interviewee => "被询问人",
        ParticipantRole::Witness => "见证人",
    }
}

pub fn mode_name(mode: MediationMode) -> &'static str {
    match mode {
        MediationMode::OnSite => "现场调解",
        MediationMode::Phone => "电话调解",
        MediationMode::Video => "视频调解",
        MediationMode::Audio => "音频调解",
        MediationMode::Online => "互联网调解",
    }
}

pub fn authority_words(authority: RepresentativeAuthority) -> &'static str {
    match authority {
        RepresentativeAuthority::LegalRepresentative => "法定代表人（负责人）",
        RepresentativeAuthority::Proprietor => "个体工商户经营者本人",
        RepresentativeAuthority::PowerOfAttorney => "持授权委托书",
        RepresentativeAuthority::Staff => "经营者指派的工作人员，授权经核实",
    }
}

fn performer_name(by: Performer) -> &'static str {
    match by {
        Performer::Merchant => "被投诉人",
        Performer::Consumer => "投诉人",
    }
}

fn term_kind_name(kind: TermKind) -> &'static str {
    match kind {
        TermKind::Refund => "退款",
        TermKind::Replacement => "更换",
        TermKind::Repair => "修理",
        TermKind::Redo => "重作",
        TermKind::MakeUpQuantity => "补足数量",
        TermKind::Compensation => "赔偿",
        TermKind::Apology => "赔礼道歉",
        TermKind::Other => "其他",
    }
}

pub fn end_reason_words(reason: EndReason) -> &'static str {
    match reason {
        EndReason::WithdrawnOrSettled => "投诉人撤回投诉或者双方自行和解",
        EndReason::PartyAbsentOrRefuses => "一方当事人无正当理由不参加调解，或者拒绝调解",
        EndReason::NoAgreementPossible => "一方当事人明确表示无法达成调解协议",
        EndReason::AppraisalCostDisputed => "双方就检测、鉴定费用的承担不能达成一致",
        EndReason::TimeRanOut => "调解期限届满未达成调解协议",
        EndReason::GroundForRefusalOrFraud => {
            "发现存在不予受理的情形，或者涉嫌诈骗、敲诈勒索（移送公安机关）"
        }
        EndReason::PartyGone => "一方当事人死亡或者终止",
        EndReason::OtherLegalGround => "其他依法应当终止调解的情形",
    }
}

/// Fen as yuan with two decimals: integers all the way.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    format!("{sign}{}.{:02}", fen / 100, fen % 100)
}

fn beijing(ms: i64, format: &str) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|t| t.with_timezone(&BEIJING).format(format).to_string())
        .unwrap_or_default()
}

/// "2026年5月12日 14:30", as officials write it (no zero padding).
pub fn minute(ms: i64) -> String {
    beijing(ms, "%Y年%-m月%-d日 %H:%M")
}

/// "2026年12月5日".
pub fn date(ms: i64) -> String {
    beijing(ms, "%Y年%-m月%-d日")
}

/// Layout 1's dates, zero-padded ("2026年05月12日"): kept for the documents made so.
fn padded_date(ms: i64) -> String {
    beijing(ms, "%Y年%m月%d日")
}

fn clock_time(ms: i64) -> String {
    beijing(ms, "%H:%M")
}

/// A day as officials write it: 2026年12月5日.
pub fn day_words(day: chrono::NaiveDate) -> String {
    day.format("%Y年%-m月%-d日").to_string()
}

/// An amount in the capitals of Chinese financial writing (大写), as the People's Bank's rules
/// for payment documents write it: 整 after 元 when there are no 角 or 分; 零 where a zero
/// falls inside the figure, and after 元 when the 角 is zero and the 分 is not.
pub fn capital_yuan(fen: i64) -> String {
    const DIGITS: [&str; 10] = ["零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"];
    const PLACES: [&str; 4] = ["", "拾", "佰", "仟"];
    const GROUPS: [&str; 4] = ["", "万", "亿", "万亿"];
    let sign = if fen < 0 { "负" } else { "" };
    let fen = fen.unsigned_abs();
    let (yuan, jiao, cents) = (fen / 100, (fen / 10 % 10) as usize, (fen % 10) as usize);
    let digits: Vec<usize> = yuan
        .to_string()
        .bytes()
        .map(|b| (b - b'0') as usize)
        .collect();
    let mut out = String::from(sign);
    let (mut zero, mut group_has) = (false, false);
    for (i, &d) in digits.iter().enumerate() {
        let place = digits.len() - 1 - i;
        if d == 0 {
            zero = yuan > 0;
        } else {
            if zero && out.len() > sign.len() {
                out.push('零');
            }
            zero = false;
            group_has = true;
            out.push_str(DIGITS[d]);
            out.push_str(PLACES[place % 4]);
        }
        if place.is_multiple_of(4) && group_has {
            out.push_str(GROUPS[(place / 4).min(3)]);
            group_has = false;
        }
    }
    if yuan > 0 {
        out.push('元');
    }
    match (jiao, cents) {
        (0, 0) if yuan == 0 => out.push_str("零元整"),
        (0, 0) => out.push('整'),
        (0, c) => {
            if yuan > 0 {
                out.push('零');
            }
            out.push_str(&format!("{}分", DIGITS[c]));
        }
        (j, c) => {
            out.push_str(&format!("{}角", DIGITS[j]));
            if c > 0 {
                out.push_str(&format!("{}分", DIGITS[c]));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 大写 as payment documents write it: 整 after 元 only, one 零 for a run of zeros inside
    /// the figure, 零 after 元 when the 角 is zero and the 分 is not.
    #[test]
    fn amounts_in_capitals() {
        for (fen, words) in [
            (55_980, "伍佰伍拾玖元捌角"),
            (5, "伍分"),
            (0, "零元整"),
            (1_005, "壹拾元零伍分"),
            (100_500, "壹仟零伍元整"),
            (100_000, "壹仟元整"),
            (10_000_500, "壹拾万零伍元整"),
            (1_000_010, "壹万元壹角"),
            (1_000_000_000, "壹仟万元整"),
            (10_000_000_000, "壹亿元整"),
            (10_010_000_000, "壹亿零壹拾万元整"),
            (123_456_789, "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
        ] {
            assert_eq!(capital_yuan(fen), words, "{fen} fen");
        }
    }

    /// Order No. 121 Art. 19: a commissioned body "以委托的市场监督管理部门名义进行调解" — named as
    /// acting for the department, whose seal the 调解书 still carries (Art. 24).
    #[test]
    fn a_commissioned_body_mediates_in_the_agencys_name() {
        let issuer = Issuer {
            name: "长沙市芙蓉区市场监督管理局".into(),
            commissioned: Some("长沙市芙蓉区消费者协会".into()),
        };
        let ctx = Context {
            layout: 2,
            rules: crate::rulebook::book(crate::rulebook::RuleSet::SamrOrder121),
            issuer: Some(&issuer),
        };
        assert_eq!(
            ctx.agency(),
            "长沙市芙蓉区消费者协会（受长沙市芙蓉区市场监督管理局委托）"
        );
        assert_eq!(ctx.seal_holder(), "长沙市芙蓉区市场监督管理局");
        let none = Context {
            issuer: None,
            ..ctx
        };
        assert_eq!(none.agency(), "市场监督管理部门");
    }

    #[test]
    fn dates_as_officials_write_them() {
        use chrono::TimeZone;
        let at = |y, m, d| {
            BEIJING
                .with_ymd_and_hms(y, m, d, 9, 30, 0)
                .unwrap()
                .timestamp_millis()
        };
        let ms = at(2026, 12, 5);
        assert_eq!(date(ms), "2026年12月5日");
        assert_eq!(minute(ms), "2026年12月5日 09:30");
        assert_eq!(padded_date(at(2026, 5, 9)), "2026年05月09日");
    }

    #[test]
    fn yuan_is_exact() {
        assert_eq!(yuan(55_980), "559.80");
        assert_eq!(yuan(5), "0.05");
        assert_eq!(yuan(1_000_000_000), "10000000.00");
    }

    #[test]
    fn the_body_hash_is_of_the_plain_text() {
        let blocks = vec![
            Block::Title("调解书".into()),
            Block::Field("编号", "A-1".into()),
            Block::Paragraph("x".into()),
        ];
        let (text, hash) = body(&blocks);
        assert_eq!(text, "调解书\n\n编号：A-1\n　　x\n");
        assert_eq!(hash, Digest::of(&[text.as_bytes()]));
    }
}
