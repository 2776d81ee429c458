//! Human-readable case numbers, made offline: `<device prefix>-<yyyymmdd>-<counter>`, the
//! Beijing date of opening and a counter per device and day. Reports count in their own series,
//! `<prefix>-<yyyymmdd>-J<counter>` (举报): a complaint's number must not give away that a
//! report was taken beside it (Art. 37), as one counter for both did — a complaint and the
//! report its complainant also filed took consecutive numbers, and the gap showed.

use rusqlite::{Connection, OptionalExtension, params};

use crate::cases::model::CaseKind;
use crate::error::Result;
use crate::time::beijing_date;

/// The series letter of reports.
const REPORTS: &str = "J";

/// The next number of `kind` for the Beijing day of `at_ms`: the series' highest counter of
/// the day plus one.
pub fn next(conn: &Connection, prefix: &str, at_ms: i64, kind: CaseKind) -> Result<String> {
    let series = if kind == CaseKind::Report {
        REPORTS
    } else {
        ""
    };
    let day = beijing_date(at_ms)?.format("%Y%m%d");
    let stem = format!("{prefix}-{day}-{series}");
    let last: Option<i64> = conn
        .prepare_cached("SELECT last FROM case_counters WHERE stem = ?1")?
        .query_row([&stem], |r| r.get(0))
        .optional()?;
    Ok(format!("{stem}{:03}", last.unwrap_or(0) + 1))
}

/// Keeps `case_counters` at the highest counter seen for the number's stem. Numbers made by
/// other programs (imports) that do not end in a counter are not counted.
pub fn count(conn: &Connection, number: &str) -> Result<()> {
    let Some((stem, tail)) = number.rsplit_once('-') else {
        return Ok(());
    };
    let (series, counter) = match tail.strip_prefix(REPORTS) {
        Some(counter) => (REPORTS, counter),
        None => ("", tail),
    };
    let Ok(counter) = counter.parse::<i64>() else {
        return Ok(());
    };
    conn.prepare_cached(
        "INSERT INTO case_counters (stem, last) VALUES (?1, ?2)
         ON CONFLICT (stem) DO UPDATE SET last = max(last, excluded.last)",
    )?
    .execute(params![format!("{stem}-{series}"), counter])?;
    Ok(())
}
