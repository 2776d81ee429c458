//! A document for print and for handing over: the signed text laid out in A4 pages, each page
//! numbered and carrying the text's SHA-256, then the signatures — as images in the HTML, as
//! a line each in the plain text. An interview record carries the interviewee's signature on
//! every page (Art. 29). Deterministic: the same document gives the same bytes.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use base64::Engine as _;

use crate::documents::model::{
    CopyFor, DocumentKind, OnSiteDocument, ParticipantRole, RenderFormat,
};
use crate::documents::notice::ReadNotice;
use crate::documents::text::{self, Block};
use crate::documents::view::Readable;

/// Lines of about 40 Chinese characters, 26 to an A4 page (11 pt, 1.8 line height, room for the
/// footer). Pages are cut here, not by the browser, so that every copy pages alike.
const LINE_WIDTH: usize = 80;
const PAGE_LINES: usize = 26;

/// Signature images by their SHA-256 (hex): the PNGs of the valid signatures.
pub type Images = BTreeMap<String, Vec<u8>>;

pub fn plain(r: &Readable, copy: Option<CopyFor>) -> String {
    let pages = pages(&r.blocks);
    let mut out = String::new();
    if let Some(copy) = copy {
        let _ = writeln!(out, "（{}）", copy_words(copy));
    }
    for (n, page) in pages.iter().enumerate() {
        for block in page {
            out.push_str(&text::line(block));
            if let (Block::Title(_), Some(number)) = (block, number_line(&r.doc)) {
                let _ = writeln!(out, "{number}\n");
            }
        }
        for line in every_page_signatures(r) {
            let _ = writeln!(out, "{line}");
        }
        let _ = writeln!(out, "{}", footer(n + 1, pages.len(), &r.doc));
        if n + 1 < pages.len() {
            out.push('\u{c}');
        }
    }
    out.push('\n');
    for line in signature_lines(r) {
        let _ = writeln!(out, "{}", line.words);
    }
    let _ = writeln!(out, "{}", session_line(&r.doc));
    out
}

/// A 调解书's number (文号), printed under its title, outside the signed text: it is given at
/// conclusion. Before, or with no number left on the device, a blank to fill in.
fn number_line(doc: &OnSiteDocument) -> Option<String> {
    if doc.mediation_document != Some(true) {
        return None;
    }
    Some(match &doc.number {
        Some(number) => number.clone(),
        None => "〔　　　〕　　　号".to_string(),
    })
}

/// When and where the session began and closed, as the device recorded them (trusted time,
/// the device's fix). Printed, not signed: it is known only once the document is closed.
fn session_line(doc: &OnSiteDocument) -> String {
    let at = |ms: i64, place: &Option<crate::position::GeoPosition>| {
        let place = place
            .map(|p| crate::evidence::format_position(p.latitude, p.longitude, p.accuracy_m))
            .unwrap_or_else(|| "位置不详".to_string());
        format!("{}（{place}）", text::minute(ms))
    };
    let mut line = format!("开始：{}", at(doc.opened_at_ms, &doc.opened_at));
    if let Some(closed) = doc.closed_at_ms {
        line.push_str(&format!("；结束：{}", at(closed, &doc.closed_at)));
    }
    line
}

pub fn html(r: &Readable, copy: Option<CopyFor>, images: &Images) -> String {
    let pages = pages(&r.blocks);
    let mut out = String::from(HEAD);
    let _ = write!(
        out,
        "<title>{}</title>\n</head>\n<body>\n",
        escape(&r.doc.title)
    );
    for (n, page) in pages.iter().enumerate() {
        out.push_str("<section class=\"page\">\n");
        if let (0, Some(copy)) = (n, copy) {
            let _ = writeln!(out, "<p class=\"copy\">（{}）</p>", copy_words(copy));
        }
        for block in page {
            out.push_str(&block_html(block));
            if let (Block::Title(_), Some(number)) = (block, number_line(&r.doc)) {
                let _ = writeln!(out, "<p class=\"number\">{}</p>", escape(&number));
            }
        }
        if n + 1 == pages.len() {
            out.push_str("<div class=\"signatures\">\n");
            for line in signature_lines(r) {
                out.push_str(&signature_html(&line, images));
            }
            let _ = writeln!(out, "<p>{}</p>", escape(&session_line(&r.doc)));
            out.push_str("</div>\n");
        }
        out.push_str("<footer>\n");
        for line in signature_lines(r).into_iter().filter(|l| l.every_page) {
            out.push_str(&signature_html(&line, images));
        }
        let _ = writeln!(
            out,
            "<p>{}</p>\n</footer>\n</section>",
            escape(&footer(n + 1, pages.len(), &r.doc))
        );
    }
    out.push_str("</body>\n</html>\n");
    out
}

const HEAD: &str = "<!DOCTYPE html>
<html lang=\"zh-CN\">
<head>
<meta charset=\"utf-8\">
<style>
@page { size: A4; margin: 20mm; }
body { font-family: \"Noto Serif CJK SC\", \"Source Han Serif SC\", \"SimSun\", serif; font-size: 11pt; line-height: 1.8; color: #000; }
.page { page-break-after: always; min-height: 245mm; position: relative; }
.page:last-child { page-break-after: auto; }
h1 { text-align: center; font-size: 20pt; letter-spacing: 0.5em; margin: 0 0 1em; }
.issuer { text-align: center; font-size: 16pt; margin: 0 0 0.3em; }
.number { text-align: right; margin: -0.6em 0 0.8em; }
h2 { font-size: 11pt; margin: 0.6em 0 0; }
p { margin: 0; }
.field b { font-weight: bold; }
.para { text-indent: 2em; }
.copy { text-align: right; }
.signatures { margin-top: 1.5em; }
.sig { display: grid; grid-template-columns: 1fr 55mm; align-items: center; min-height: 16mm; }
.sig img { height: 14mm; }
.sig .void { color: #900; }
footer { border-top: 1px solid #000; margin-top: 1em; font-size: 8pt; }
@media screen { body { max-width: 170mm; margin: 1em auto; } .page { border-bottom: 1px dashed #999; padding-bottom: 1em; margin-bottom: 1em; } }
</style>
";

fn block_html(block: &Block) -> String {
    match block {
        Block::Issuer(i) => format!("<p class=\"issuer\">{}</p>\n", escape(i)),
        Block::Title(t) => format!("<h1>{}</h1>\n", escape(t)),
        Block::Field(label, value) => format!(
            "<p class=\"field\"><b>{}：</b>{}</p>\n",
            escape(label),
            escape(value)
        ),
        Block::Heading(h) => format!("<h2>{}：</h2>\n", escape(h)),
        Block::Paragraph(p) => format!("<p class=\"para\">{}</p>\n", escape(p)),
    }
}

/// The blocks cut into pages by their estimated printed lines.
fn pages(blocks: &[Block]) -> Vec<Vec<&Block>> {
    let mut pages = vec![Vec::new()];
    let mut used = 0;
    for block in blocks {
        let lines = printed_lines(block);
        if used > 0 && used + lines > PAGE_LINES {
            pages.push(Vec::new());
            used = 0;
        }
        used += lines;
        if let Some(page) = pages.last_mut() {
            page.push(block);
        }
    }
    pages
}

/// Wide (CJK) characters take two units, others one.
fn printed_lines(block: &Block) -> usize {
    let text = text::line(block);
    text.lines()
        .map(|l| {
            let width: usize = l.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
            width.div_ceil(LINE_WIDTH).max(1)
        })
        .sum()
}

fn footer(page: usize, of: usize, doc: &OnSiteDocument) -> String {
    page_footer(page, of, &doc.title, &doc.case_number, &doc.text_sha256)
}

fn page_footer(page: usize, of: usize, title: &str, number: &str, sha256: &str) -> String {
    format!("第 {page} 页 共 {of} 页 · {title} {number} · 文本 SHA-256 {sha256}")
}

/// A notice (`notice`): its pages, each footed with the text's SHA-256, then the agency's seal
/// and the SHA-256 the device signed when it issued the notice.
pub fn notice(r: &ReadNotice, format: RenderFormat) -> String {
    let n = &r.notice;
    let pages = pages(&r.blocks);
    let seal = format!("{}（印章）", r.seal_holder);
    let issued = format!(
        "签发：{}，签发时文本 SHA-256 {}",
        text::minute(n.issued_at_ms),
        n.issued_sha256
    );
    let mut out = String::new();
    if format == RenderFormat::Html {
        out.push_str(HEAD);
        let _ = write!(
            out,
            "<title>{}</title>\n</head>\n<body>\n",
            escape(&n.title)
        );
    }
    for (i, page) in pages.iter().enumerate() {
        let footer = page_footer(i + 1, pages.len(), &n.title, &n.case_number, &n.sha256);
        let last = i + 1 == pages.len();
        match format {
            RenderFormat::Html => {
                out.push_str("<section class=\"page\">\n");
                out.extend(page.iter().map(|b| block_html(b)));
                if last {
                    let _ = write!(
                        out,
                        "<div class=\"signatures\">\n<p>{}</p>\n<p>{}</p>\n</div>\n",
                        escape(&seal),
                        escape(&issued)
                    );
                }
                let _ = writeln!(
                    out,
                    "<footer>\n<p>{}</p>\n</footer>\n</section>",
                    escape(&footer)
                );
            }
            RenderFormat::Text => {
                out.extend(page.iter().map(|b| text::line(b)));
                if last {
                    let _ = write!(out, "\n{seal}\n{issued}\n");
                }
                let _ = writeln!(out, "{footer}");
                if !last {
                    out.push('\u{c}');
                }
            }
        }
    }
    if format == RenderFormat::Html {
        out.push_str("</body>\n</html>\n");
    }
    out
}

/// One line of the signature block.
struct SignatureLine {
    words: String,
    image: Option<String>,
    /// Printed on every page (the interviewee, Art. 29).
    every_page: bool,
}

/// Everyone who signs, in order: a valid signature with its image, the business's seal, a
/// remote party's assent, a witnessed refusal, or a blank to sign on paper. Signatures a later
/// change voided are listed as void.
fn signature_lines(r: &Readable) -> Vec<SignatureLine> {
    let doc = &r.doc;
    let mut lines = Vec::new();
    for p in &doc.participants {
        let attests = doc.refusals.iter().any(|r| r.valid && r.witness == p.index);
        let signs = crate::documents::state::signing_roles(doc.kind).contains(&p.role);
        if p.recused || !(signs || attests) {
            continue;
        }
        let label = signer_label(doc.kind, p.role);
        let who = format!("{label}：{}", text::person(p));
        let (words, image) = signed_as(doc, p.index, &who);
        let voided = doc
            .signatures
            .iter()
            .filter(|s| s.participant == p.index && !s.valid)
            .count();
        let words = match voided {
            0 => words,
            n => format!("{words}（另有 {n} 个签名因文本更改而失效）"),
        };
        lines.push(SignatureLine {
            words,
            image,
            every_page: doc.kind == DocumentKind::Interview
                && p.role == ParticipantRole::Interviewee,
        });
    }
    if doc.mediation_document == Some(true) {
        lines.push(SignatureLine {
            words: format!("{}（印章）：", r.seal_holder),
            image: None,
            every_page: false,
        });
    }
    lines
}

/// How participant `index` put their name to the current text, in words, and the image of
/// their signature if they signed.
fn signed_as(doc: &OnSiteDocument, index: u32, who: &str) -> (String, Option<String>) {
    let signature = doc
        .signatures
        .iter()
        .rev()
        .find(|s| s.participant == index && s.valid);
    if let Some(s) = signature {
        return (
            format!("{who}　已签名 {}", text::minute(s.at_ms)),
            Some(s.image_sha256.clone()),
        );
    }
    if let Some(seal) = doc.seals.iter().find(|s| s.participant == index && s.valid) {
        let words = format!(
            "{who}　已盖章 {}（印章影像存证：{}）",
            text::minute(seal.at_ms),
            seal.evidence_id
        );
        return (words, None);
    }
    if let Some(a) = doc
        .assents
        .iter()
        .find(|a| a.participant == index && a.valid)
    {
        let mut kept = Vec::new();
        if let Some(evidence) = &a.evidence_id {
            kept.push(format!("录音录像存证：{evidence}"));
        }
        kept.extend(a.note.clone());
        let kept = match kept.is_empty() {
            true => String::new(),
            false => format!("（{}）", kept.join("；")),
        };
        let words = format!(
            "{who}　{}以{}方式表示同意上述协议{kept}",
            text::minute(a.at_ms),
            assent_words(a.method)
        );
        return (words, None);
    }
    if let Some(r) = doc
        .refusals
        .iter()
        .find(|r| r.participant == index && r.valid)
    {
        let witness = doc
            .participants
            .get(r.witness as usize)
            .map(text::person)
            .unwrap_or_default();
        let note = r
            .note
            .as_deref()
            .map(|n| format!("，{n}"))
            .unwrap_or_default();
        let words = format!(
            "{who}　拒绝签名（{}，见证人：{witness}{note}）",
            text::minute(r.at_ms)
        );
        return (words, None);
    }
    (format!("{who}　签名：＿＿＿＿＿＿"), None)
}

fn assent_words(method: crate::documents::model::AssentMethod) -> &'static str {
    use crate::documents::model::AssentMethod;
    match method {
        AssentMethod::Phone => "电话",
        AssentMethod::Video => "视频",
        AssentMethod::Audio => "音频",
        AssentMethod::Online => "互联网书面",
    }
}

/// The interviewee's signature line repeated at the foot of every page of the plain text.
fn every_page_signatures(r: &Readable) -> Vec<String> {
    signature_lines(r)
        .into_iter()
        .filter(|l| l.every_page)
        .map(|l| l.words)
        .collect()
}

fn signer_label(kind: DocumentKind, role: ParticipantRole) -> &'static str {
    match (kind, role) {
        (DocumentKind::Mediation, ParticipantRole::Officer) => "调解人员",
        _ => text::role_name(role),
    }
}

fn signature_html(line: &SignatureLine, images: &Images) -> String {
    let image = line
        .image
        .as_ref()
        .and_then(|sha| images.get(sha))
        .map(|png| {
            format!(
                "<img alt=\"签名\" src=\"data:image/png;base64,{}\">",
                base64::engine::general_purpose::STANDARD.encode(png)
            )
        })
        .unwrap_or_default();
    format!(
        "<div class=\"sig\"><span>{}</span>{image}</div>\n",
        escape(&line.words)
    )
}

fn copy_words(copy: CopyFor) -> &'static str {
    match copy {
        CopyFor::Consumer => "投诉人收执",
        CopyFor::Merchant => "被投诉人收执",
        CopyFor::File => "存档",
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<br>"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            escape("<b>&\"x\"</b>"),
            "&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;"
        );
    }

    #[test]
    fn long_text_spills_onto_more_pages() {
        let long = Block::Paragraph("字".repeat(40 * 30));
        let blocks = vec![Block::Title("询问笔录".into()), long.clone(), long];
        assert_eq!(printed_lines(&blocks[1]), 31);
        assert_eq!(pages(&blocks).len(), 3);
    }
}
