//! Human-readable case numbers, made offline: `<device prefix>-<yyyymmdd>-<counter>`, the
//! Beijing date of opening and a counter per device and day.

use rusqlite::{Connection, OptionalExtension, params};

use crate::clock::beijing_date;
use crate::error::Result;

/// The next number for the Beijing day of `at_ms`: the day's highest counter plus one.
pub fn next(conn: &Connection, prefix: &str, at_ms: i64) -> Result<String> {
    let stem = format!("{prefix}-{}-", beijing_date(at_ms)?.format("%Y%m%d"));
    let last: Option<i64> = conn
        .prepare_cached("SELECT last FROM case_counters WHERE stem = ?1")?
        .query_row([&stem], |r| r.get(0))
        .optional()?;
    Ok(format!("{stem}{:03}", last.unwrap_or(0) + 1))
}

/// Keeps `case_counters` at the highest counter seen for the number's stem. Numbers made by
/// other programs (imports) that do not end in a counter are not counted.
pub fn count(conn: &Connection, number: &str) -> Result<()> {
    let Some((stem, counter)) = number.rsplit_once('-') else {
        return Ok(());
    };
    let Ok(counter) = counter.parse::<i64>() else {
        return Ok(());
    };
    conn.prepare_cached(
        "INSERT INTO case_counters (stem, last) VALUES (?1, ?2)
         ON CONFLICT (stem) DO UPDATE SET last = max(last, excluded.last)",
    )?
    .execute(params![format!("{stem}-"), counter])?;
    Ok(())
}
