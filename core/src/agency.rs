//! The agency in whose name the documents are made (reference data the centre publishes,
//! `AgencyPublished`): its name, a mediation body acting in its name (Order No. 121 Art. 19,
//! Order No. 20 Art. 17), and how it numbers its 调解书 (文号). A device numbers offline from
//! blocks the centre assigns to it alone (`NumbersAssigned`), never from a case number, so two
//! devices never give one number and the numbers say nothing about the cases.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::validate::{one_line, optional};

/// The tables this module writes (`journal::PROJECTIONS` gathers the projections).
pub const TABLES: crate::tables::Tables = crate::tables::Tables {
    projections: &["agency", "number_blocks", "document_numbers"],
    kept: &[],
};

/// The year and the number in a numbering scheme.
const YEAR: &str = "{year}";
const NUMBER: &str = "{n}";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct Agency {
    /// The issuing department, as its seal reads: 长沙市芙蓉区市场监督管理局.
    pub name: String,
    /// A consumer association or other lawful mediation body that mediates in the agency's
    /// name, when the centre commissioned one (e.g. 长沙市芙蓉区消费者协会).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ffi", uniffi(default))]
    pub commissioned: Option<String>,
    /// How its 调解书 are numbered: a pattern holding `{year}` and `{n}`, e.g.
    /// `芙市监消调〔{year}〕{n}号`.
    pub numbering: String,
}

/// A block of 调解书 numbers of one year, assigned by the centre to one device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct NumberBlock {
    pub year: i32,
    pub first: u32,
    pub last: u32,
}

/// A block and how many of its numbers are still to give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct NumbersLeft {
    pub block: NumberBlock,
    pub left: u32,
}

/// The checks the centre makes before publishing and the device on receiving.
pub fn check(agency: &Agency) -> Result<Agency> {
    let name = one_line("name", &agency.name, 100)?;
    let commissioned = optional(agency.commissioned.as_deref(), |c| {
        one_line("commissioned", c, 100)
    })?;
    let numbering = one_line("numbering", &agency.numbering, 60)?;
    for part in [YEAR, NUMBER] {
        if numbering.matches(part).count() != 1 {
            return Err(Error::invalid(
                "numbering",
                format!("the pattern must hold {part} once, as in 芙市监消调〔{{year}}〕{{n}}号"),
            ));
        }
    }
    Ok(Agency {
        name,
        commissioned,
        numbering,
    })
}

/// A block's checks: a year we plan for, 1 ≤ first ≤ last, at most 100 000 numbers.
pub fn check_block(block: &NumberBlock) -> Result<()> {
    if !(2000..=2200).contains(&block.year) {
        return Err(Error::invalid(
            "year",
            format!("{} is not a year", block.year),
        ));
    }
    if block.first == 0 || block.first > block.last || block.last - block.first >= 100_000 {
        return Err(Error::invalid(
            "first",
            format!(
                "{}–{} is not a block of numbers (from 1, at most 100 000)",
                block.first, block.last
            ),
        ));
    }
    Ok(())
}

/// Whether two blocks share a number.
pub fn overlap(a: &NumberBlock, b: &NumberBlock) -> bool {
    a.year == b.year && a.first <= b.last && b.first <= a.last
}

/// Replaces the device's agency.
pub fn store(conn: &Connection, agency: &Agency) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO agency (singleton, agency) VALUES (1, ?1)",
        [crate::store::to_json(agency)?],
    )?;
    Ok(())
}

/// The agency the centre published, if it has.
pub fn current(conn: &Connection) -> Result<Option<Agency>> {
    let text: Option<String> = conn
        .query_row("SELECT agency FROM agency", [], |r| r.get(0))
        .optional()?;
    text.map(|t| serde_json::from_str(&t).map_err(|e| Error::damaged("agency", e.to_string())))
        .transpose()
}

/// Adds a block the centre assigned to this device.
pub fn add_block(conn: &Connection, block: &NumberBlock) -> Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO number_blocks (year, first, last) VALUES (?1, ?2, ?3)",
        params![block.year, block.first, block.last],
    )?;
    Ok(())
}

/// The blocks this device holds, and how many of their numbers are left.
pub fn blocks(conn: &Connection) -> Result<Vec<NumbersLeft>> {
    let mut stmt = conn.prepare_cached(
        "SELECT b.year, b.first, b.last,
                (SELECT count(*) FROM document_numbers d
                 WHERE d.year = b.year AND d.n BETWEEN b.first AND b.last)
         FROM number_blocks b ORDER BY b.year, b.first",
    )?;
    let rows = stmt
        .query_map([], |r| {
            let block = NumberBlock {
                year: r.get(0)?,
                first: r.get(1)?,
                last: r.get(2)?,
            };
            let used: u32 = r.get(3)?;
            Ok(NumbersLeft {
                block,
                left: block.last - block.first + 1 - used,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The lowest number of `year` this device holds and has not given, if any.
pub fn next_number(conn: &Connection, year: i32) -> Result<Option<u32>> {
    Ok(conn
        .prepare_cached(
            "WITH RECURSIVE n(v, last) AS (
                 SELECT first, last FROM number_blocks WHERE year = ?1
                 UNION ALL SELECT v + 1, last FROM n WHERE v < last)
             SELECT min(v) FROM n
             WHERE v NOT IN (SELECT n FROM document_numbers WHERE year = ?1)",
        )?
        .query_row([year], |r| r.get(0))?)
}

/// Records that a document took `number` of `year`.
pub fn take(conn: &Connection, year: i32, number: u32, document: &str) -> Result<()> {
    // OR REPLACE: a case handed over is projected again, its documents' numbers with it.
    conn.prepare_cached(
        "INSERT OR REPLACE INTO document_numbers (year, n, document_id) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![year, number, document])?;
    Ok(())
}

/// A number written in the agency's scheme.
pub fn format_number(numbering: &str, year: i32, number: u32) -> String {
    numbering
        .replace(YEAR, &year.to_string())
        .replace(NUMBER, &number.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agency(numbering: &str) -> Agency {
        Agency {
            name: "长沙市芙蓉区市场监督管理局".into(),
            commissioned: Some("  ".into()),
            numbering: numbering.into(),
        }
    }

    #[test]
    fn a_scheme_holds_the_year_and_the_number_once() {
        let ok = check(&agency("芙市监消调〔{year}〕{n}号")).unwrap();
        assert_eq!(ok.commissioned, None, "blank is none");
        assert_eq!(
            format_number(&ok.numbering, 2026, 17),
            "芙市监消调〔2026〕17号"
        );
        for bad in ["芙市监消调第{n}号", "〔{year}〕{n}{n}号", ""] {
            assert!(check(&agency(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn blocks_are_whole_and_overlaps_are_seen() {
        let block = |first, last| NumberBlock {
            year: 2026,
            first,
            last,
        };

        check_block(&block(1, 100)).unwrap();
        for bad in [block(0, 5), block(9, 8), block(1, 100_001)] {
            assert!(check_block(&bad).is_err(), "{bad:?}");
        }
        assert!(overlap(&block(1, 100), &block(100, 200)));
        assert!(!overlap(&block(1, 100), &block(101, 200)));
        let next_year = NumberBlock {
            year: 2027,
            ..block(1, 100)
        };
        assert!(!overlap(&block(1, 100), &next_year));
    }
}
