//! Full-text search over cases (SQLite FTS5), for the app's search box: names, addresses, the
//! business, goods, facts, the case number. Chinese has no spaces between words, so every
//! CJK character is indexed as a token of its own and a query becomes a phrase of them: "牛奶"
//! finds 纯牛奶 and 牛奶盒, a two-character query as well as a longer one.
//!
//! The index holds personal text, so it is a projection rebuilt from events and the vault,
//! and purging a case leaves only its non-personal words in it. Phone numbers are not in it:
//! they are found through the blind index. On a device it holds no word itself: each is keyed
//! with the vault key (`search_tokens`, vault.rs), a query's words likewise, so a copied
//! database shows neither. A keyed word cannot be matched by its beginning, so the beginnings
//! of Latin words and numbers ("iph" of "iphone") are indexed too, in a column of their own.

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
    let words = tokens(&words.join(" "));
    let prefixes: Vec<String> = words
        .iter()
        .enumerate()
        .flat_map(|(i, word)| {
            let before = i.checked_sub(1).map(|i| words[i].as_str());
            beginnings(word).into_iter().flat_map(move |beginning| {
                let after = before.map(|before| after_word(before, &beginning));
                std::iter::once(beginning).chain(after)
            })
        })
        .collect();
    conn.prepare_cached(
        "INSERT INTO case_search (rowid, words, prefixes)
         VALUES (?1, search_tokens(?2), search_tokens(?3))",
    )?
    .execute(params![row, words.join(" "), prefixes.join(" ")])?;
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

/// The words of a text as indexed: full-width forms folded to ASCII, each CJK character a
/// word of its own, other runs of letters and digits lower-cased.
fn tokens(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut run = String::new();
    for c in ascii_form(text).chars() {
        if c.is_alphanumeric() && !is_cjk(c) {
            run.extend(c.to_lowercase());
            continue;
        }
        if !run.is_empty() {
            words.push(std::mem::take(&mut run));
        }
        if is_cjk(c) {
            words.push(c.to_string());
        }
    }
    if !run.is_empty() {
        words.push(run);
    }
    words
}

/// The longest beginning of a word that is indexed: an 18-character credit code is found by
/// all of it.
const BEGINNING_MAX: usize = 20;

/// The beginnings of a Latin word or a number (not of a CJK character, which is whole).
fn beginnings(word: &str) -> Vec<String> {
    if !word.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Vec::new();
    }
    (1..=word.len().min(BEGINNING_MAX))
        .map(|n| word[..n].to_string())
        .collect()
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

/// A beginning as indexed right after the word before it: "王芳2" is found by "王芳2" but not
/// by a "2" elsewhere in the case, though the beginning is not part of the keyed phrase.
fn after_word(before: &str, beginning: &str) -> String {
    format!("{before}+{beginning}")
}

/// One white-space-separated part of a query: its whole words, in order, and the beginning
/// of a Latin word or number typed last, which may be cut short ("iph").
#[derive(Debug, PartialEq)]
struct Part {
    phrase: Vec<String>,
    beginning: Option<String>,
}

fn parts(query: &str) -> Result<Vec<Part>> {
    let parts: Vec<Part> = query
        .split_whitespace()
        .filter_map(|typed| {
            let mut phrase = tokens(typed);
            let last = phrase.last()?;
            let cut_short = beginnings(last).len() == last.len();
            let beginning = if cut_short { phrase.pop() } else { None };
            Some(Part { phrase, beginning })
        })
        .collect();
    if parts.is_empty() {
        return Err(Error::invalid(
            "text",
            "has no letters, digits or characters to search for",
        ));
    }
    Ok(parts)
}

/// The FTS5 query for what the officer typed: each part's words a phrase, its last Latin word
/// or number a beginning, all parts required; every word keyed as the index keys it.
pub fn match_expression(conn: &Connection, query: &str) -> Result<String> {
    let keyed = |words: &[String]| -> Result<String> {
        Ok(conn
            .prepare_cached("SELECT search_tokens(?1)")?
            .query_row([words.join(" ")], |r| r.get(0))?)
    };
    let mut terms = Vec::new();
    for part in parts(query)? {
        // Keyed words hold only hex digits: nothing in them needs quoting.
        if !part.phrase.is_empty() {
            terms.push(format!("words : \"{}\"", keyed(&part.phrase)?));
        }
        if let Some(beginning) = part.beginning {
            let indexed = match part.phrase.last() {
                Some(before) => after_word(before, &beginning),
                None => beginning,
            };
            terms.push(format!("prefixes : \"{}\"", keyed(&[indexed])?));
        }
    }
    Ok(terms.join(" AND "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clear() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        vault::install(&conn, None).unwrap();
        conn
    }

    #[test]
    fn chinese_is_searched_character_by_character_as_a_phrase() {
        assert_eq!(tokens("纯牛奶 iPhone１５"), ["纯", "牛", "奶", "iphone15"]);
        let conn = clear();
        assert_eq!(
            match_expression(&conn, "牛奶").unwrap(),
            "words : \"牛 奶\""
        );
        assert_eq!(
            match_expression(&conn, "五一大道  超市 iph").unwrap(),
            "words : \"五 一 大 道\" AND words : \"超 市\" AND prefixes : \"iph\""
        );
        assert_eq!(
            match_expression(&conn, "王芳2").unwrap(),
            "words : \"王 芳\" AND prefixes : \"芳+2\""
        );
        assert_eq!(
            match_expression(&conn, "\"x\" OR").unwrap(),
            "prefixes : \"x\" AND prefixes : \"or\""
        );
        assert!(match_expression(&conn, " ！？ ").is_err());
    }

    #[test]
    fn latin_words_and_numbers_are_found_by_their_beginnings_up_to_a_length() {
        assert_eq!(beginnings("ab1"), ["a", "ab", "ab1"]);
        assert!(beginnings("牛").is_empty());
        let long = "9".repeat(BEGINNING_MAX + 2);
        assert_eq!(beginnings(&long).len(), BEGINNING_MAX);
        // Typed whole beyond the indexed beginnings: matched as a whole word.
        let part = parts(&format!("奶 {long}")).unwrap();
        assert_eq!(part[1].phrase, [long]);
        assert_eq!(part[1].beginning, None);
    }
}
