//! 挽回经济损失, money recovered: the amounts agreed in mediation agreements concluded —
//! signed by everyone — in a Beijing month (regulations.md, statistics). Whether the merchant
//! has paid yet is tracked separately (`performed_fen`).

use std::collections::BTreeMap;

use rusqlite::Connection;

use super::facts::agreement_facts;
use crate::cases;
use crate::documents::model::{MoneyRecovered, RecoveredBy};
use crate::error::Result;
use crate::time::beijing_month;

pub fn month(conn: &Connection, month: &str) -> Result<MoneyRecovered> {
    let (from, to) = beijing_month(month)?;
    let mut out = MoneyRecovered {
        month: month.trim().to_string(),
        total_fen: 0,
        agreements: 0,
        performed_fen: 0,
        by_case: Vec::new(),
        by_officer: Vec::new(),
    };
    let mut by_case: BTreeMap<String, RecoveredBy> = BTreeMap::new();
    let mut by_officer: BTreeMap<String, RecoveredBy> = BTreeMap::new();
    for agreement in agreement_facts(conn, from, to)? {
        let fen = agreement.fen;
        out.total_fen += fen;
        out.agreements += 1;
        out.performed_fen += agreement.performed_fen;
        let number = cases::get(conn, &agreement.case_id)?.number;
        add(&mut by_case, number, String::new(), fen);
        for officer in agreement.mediators {
            add(&mut by_officer, officer.enforcement_id, officer.name, fen);
        }
    }
    out.by_case = by_case.into_values().collect();
    out.by_officer = by_officer.into_values().collect();
    Ok(out)
}

fn add(rows: &mut BTreeMap<String, RecoveredBy>, key: String, name: String, fen: i64) {
    let row = rows.entry(key.clone()).or_insert(RecoveredBy {
        key,
        name,
        fen: 0,
        agreements: 0,
    });
    row.fen += fen;
    row.agreements += 1;
}
