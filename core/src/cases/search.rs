//! Full-text search over cases (SQLite FTS5), for the app's search box: names, addresses, the
//! business, goods, facts, the case number. Chinese has no spaces between words, so every
//! CJK character is indexed as a token of its own and a query becomes a phrase of them: "牛奶"
//! finds 纯牛奶 and 牛奶盒, a two-character query as well as a longer one.
//!
//! The index holds personal text, so it is a projection rebuilt from events and the vault,
//! and purging a case leaves only its non-personal words in it. Phone numbers are not in it:
//! they are found through the blind index.

use rusqlite::{Connection, params};
use uuid::Uuid;

use crate::cases::events::CaseOpened;
use crate::error::{Error, Result};
use crate::validate::ascii_form;
use crate::vault::{self, Sealed};

/// (Re)writes the case's entry from its intake and whatever the vault still holds. The entry's
/// rowid is the case's `row`, so that it is found without a scan.
pub fn index(conn: &Connection, case_id: Uuid, body: &CaseOpened) -> Result<()> {
    let row: i64 = conn
        .prepare_cached("SELECT row FROM cases WHERE id = ?1")?
        .query_row([case_id.to_string()], |r| r.get(0))?;
    conn.prepare_cached("DELETE FROM case_search WHERE rowid = ?1")?
        .execute([row])?;
    let mut words: Vec<String> = vec![body.number.clone()];
    let plain = [
        body.matter.goods.as_ref(),
        body.platform_ticket.as_ref(),
        body.respondent
            .as_ref()
            .and_then(|r| r.credit_code.as_ref()),
    ];
    words.extend(plain.into_iter().flatten().cloned());
    if let Some(online) = body.respondent.as_ref().and_then(|r| r.online.as_ref()) {
        words.push(online.platform.clone());
        words.extend(online.shop_name.clone());
    }
    for sealed in searchable(body) {
        words.extend(vault::value(conn, sealed.id)?);
    }
    conn.prepare_cached("INSERT INTO case_search (rowid, text) VALUES (?1, ?2)")?
        .execute(params![row, tokens(&words.join(" "))])?;
    Ok(())
}

/// The personal text worth searching: not phones, not ID numbers.
fn searchable(body: &CaseOpened) -> Vec<Sealed> {
    let mut all = Vec::new();
    for p in &body.complainants {
        all.push(p.name);
        all.extend(p.address);
    }
    if let Some(r) = &body.respondent {
        all.push(r.name);
        all.extend(r.address);
        all.extend(r.premises);
    }
    all.push(body.matter.facts);
    all.extend(body.matter.place_text);
    all.extend(body.matter.demands_text);
    all
}

/// Text as indexed: full-width forms folded to ASCII, a space around every CJK character.
fn tokens(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in ascii_form(text).chars() {
        if is_cjk(c) {
            out.push(' ');
            out.push(c);
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

fn is_cjk(c: char) -> bool {
    matches!(u32::from(c),
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Whether a text query matches so many cases that walking the date index finds a page
/// sooner than sorting the matches: a walk visits about page × cases ÷ matches rows, a sort
/// visits every match, so the two cross at √(page × cases) matches.
pub fn many_matches(conn: &Connection, expression: &str, page: u32) -> Result<bool> {
    let cases: i64 = conn
        .prepare_cached("SELECT coalesce(max(row), 0) FROM cases")?
        .query_row([], |r| r.get(0))?;
    let crossing = (f64::from(page) * cases as f64).sqrt() as i64;
    let found: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM
                 (SELECT rowid FROM case_search WHERE case_search MATCH ?1 LIMIT ?2)",
        )?
        .query_row(params![expression, crossing + 1], |r| r.get(0))?;
    Ok(found > crossing)
}

/// The FTS5 query for what the officer typed: each white-space-separated part a phrase (its
/// last token may be a prefix), all parts required.
pub fn match_expression(query: &str) -> Result<String> {
    let phrases: Vec<String> = query
        .split_whitespace()
        .filter_map(|part| {
            let words: Vec<String> = tokens(part)
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect();
            // Tokens hold only letters and digits: nothing in them needs quoting. A word typed
            // in Latin letters or digits may be cut short ("iph"); a Chinese character is whole.
            let prefix = words.last()?.chars().all(|c| c.is_ascii_alphanumeric());
            let star = if prefix { "*" } else { "" };
            Some(format!("\"{}\"{star}", words.join(" ")))
        })
        .collect();
    if phrases.is_empty() {
        return Err(Error::invalid(
            "text",
            "has no letters, digits or characters to search for",
        ));
    }
    Ok(phrases.join(" AND "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_searched_character_by_character_as_a_phrase() {
        assert_eq!(tokens("纯牛奶 iPhone１５"), " 纯  牛  奶  iPhone15");
        assert_eq!(match_expression("牛奶").unwrap(), "\"牛 奶\"");
        assert_eq!(
            match_expression("五一大道  超市 iph").unwrap(),
            "\"五 一 大 道\" AND \"超 市\" AND \"iph\"*"
        );
        assert_eq!(match_expression("\"x\" OR").unwrap(), "\"x\"* AND \"OR\"*");
        assert!(match_expression(" ！？ ").is_err());
    }
}
