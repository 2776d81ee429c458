//! `redshield case open`: a consultation, complaint or report taken from flags, or from a
//! NewCase JSON file as the apps send it.

use std::path::PathBuf;

use clap::Args;
use redshield_core::api::{
    Business, CaseKind, Channel, DemandKind, IdDocument, IdKind, NewCase, NewMatter, OnlineShop,
    Person, ProofKind, ProofOfPurchase,
};

use crate::device::place::PlaceArgs;
use crate::failure::Failure;
use crate::files::read_json;
use crate::values::every;

#[derive(Args)]
pub struct OpenCase {
    /// A JSON file holding the whole NewCase (as the apps send it); no other flag is read.
    #[arg(long, conflicts_with_all = ["kind", "facts"])]
    file: Option<PathBuf>,
    #[arg(long, value_parser = every::<CaseKind>(), required_unless_present = "file")]
    kind: Option<CaseKind>,
    #[arg(long, value_parser = every::<Channel>(), default_value = "vehicle_walk_in")]
    channel: Channel,
    /// When it was received, RFC 3339 (default: now).
    #[arg(long)]
    received_at: Option<String>,
    /// The national 12315 platform's ticket number.
    #[arg(long)]
    ticket: Option<String>,
    /// Omit for an anonymous report or consultation.
    #[arg(long, requires = "complainant_phone")]
    complainant_name: Option<String>,
    #[arg(long)]
    complainant_phone: Option<String>,
    #[arg(long)]
    complainant_address: Option<String>,
    /// The complainant's resident ID number (居民身份证号).
    #[arg(long)]
    complainant_id: Option<String>,
    #[arg(long)]
    respondent_name: Option<String>,
    #[arg(long)]
    respondent_address: Option<String>,
    /// The business's unified social credit code.
    #[arg(long)]
    credit_code: Option<String>,
    #[arg(long)]
    goods: Option<String>,
    /// Amount paid in yuan, e.g. 59.80.
    #[arg(long)]
    amount: Option<String>,
    #[arg(long)]
    quantity: Option<u32>,
    /// The proof of purchase offered (Art. 17(3)).
    #[arg(long, value_parser = every::<ProofKind>())]
    proof: Option<ProofKind>,
    /// The receipt, order or payment number of --proof.
    #[arg(long, requires = "proof")]
    proof_ref: Option<String>,
    /// A seller inside an online platform: the platform (Art. 13); --respondent-address may
    /// then be left out.
    #[arg(long)]
    platform: Option<String>,
    /// The address the shop published on the platform.
    #[arg(long, requires = "platform")]
    shop_address: Option<String>,
    /// YYYY-MM-DD.
    #[arg(long)]
    occurred_on: Option<String>,
    #[arg(long, required_unless_present = "file")]
    facts: Option<String>,
    /// Repeat for several.
    #[arg(long, value_parser = every::<DemandKind>())]
    demand: Vec<DemandKind>,
    #[arg(long)]
    demands_text: Option<String>,
    /// A complaint that also reports: the report's leads (a second, linked case).
    #[arg(long)]
    also_report: Option<String>,
    #[command(flatten)]
    place: PlaceArgs,
}

/// The NewCase the flags (or the file) describe.
pub fn new_case(c: OpenCase) -> Result<NewCase, Failure> {
    if let Some(path) = &c.file {
        return read_json(path, "file");
    }
    let kind = c
        .kind
        .ok_or_else(|| Failure::invalid("kind", "is required"))?;
    let complainants = match (c.complainant_name, c.complainant_phone) {
        (Some(name), Some(phone)) => vec![Person {
            name,
            phone,
            address: c.complainant_address,
            id_document: c.complainant_id.map(|number| IdDocument {
                kind: IdKind::ResidentId,
                number,
            }),
            agent: None,
        }],
        _ => Vec::new(),
    };
    let online = c.platform.map(|platform| OnlineShop {
        platform,
        shop_name: None,
        shop_address: c.shop_address,
    });
    let respondent = c.respondent_name.map(|name| Business {
        name,
        address: c.respondent_address,
        credit_code: c.credit_code,
        legal_representative: None,
        premises: None,
        online,
    });
    Ok(NewCase {
        kind,
        channel: Some(c.channel),
        received_at_ms: c.received_at.as_deref().map(parse_time).transpose()?,
        platform_ticket: c.ticket,
        complainants,
        joint_complainants: None,
        respondent,
        matter: NewMatter {
            occurred_on: c.occurred_on,
            place_text: None,
            place: c.place.position(),
            goods: c.goods,
            amount_paid_fen: c.amount.as_deref().map(yuan_to_fen).transpose()?,
            quantity: c.quantity,
            facts: c.facts.unwrap_or_default(),
            demands: c.demand.into_iter().collect(),
            demands_text: c.demands_text,
            evidence: Vec::new(),
            proof: c.proof.map(|kind| ProofOfPurchase {
                kind,
                reference: c.proof_ref,
            }),
        },
        also_report: c.also_report,
    })
}

fn parse_time(text: &str) -> Result<i64, Failure> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp_millis())
        .map_err(|_| Failure::invalid("received_at", format!("{text:?} is not an RFC 3339 time")))
}

/// "59.8" yuan → 5980 fen, exactly: money never passes through floating point.
fn yuan_to_fen(text: &str) -> Result<i64, Failure> {
    let bad = || {
        Failure::invalid(
            "amount",
            format!("{text:?} is not an amount in yuan (e.g. 59.80)"),
        )
    };
    let (whole, cents) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
    if whole.is_empty()
        || cents.len() > 2
        || !(whole.chars().chain(cents.chars())).all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let cents: i64 = format!("{cents:0<2}").parse().map_err(|_| bad())?;
    whole
        .checked_mul(100)
        .and_then(|f| f.checked_add(cents))
        .ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_become_fen_exactly() {
        let fen = |t: &str| yuan_to_fen(t).ok();
        assert_eq!(fen("59.80"), Some(5980));
        assert_eq!(fen("59.8"), Some(5980));
        assert_eq!(fen(" 12 "), Some(1200));
        assert_eq!(fen("0.07"), Some(7));
        // 0.1 + 0.2 in floating point is 0.30000000000000004; here it is 30 fen.
        assert_eq!(fen("0.3"), Some(30));
        for bad in [
            "",
            ".5",
            "1.234",
            "-1",
            "1,5",
            "¥12",
            "1e3",
            "99999999999999999999",
        ] {
            assert_eq!(fen(bad), None, "{bad:?}");
        }
    }
}
