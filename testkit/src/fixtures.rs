//! What a test opens: an officer, the people and the business of a complaint, the complaint
//! itself, a patrol.

use redshield_core::cases::{Business, CaseKind, DemandKind, NewCase, NewMatter, Person};
use redshield_core::officer::Officer;
use redshield_core::trips::{NewTrip, Purpose};

pub fn officer() -> Officer {
    Officer::new("李明", "HN-12315-0042").unwrap()
}

pub fn person(name: &str) -> Person {
    Person {
        name: name.into(),
        phone: "138 1234 5678".into(),
        address: Some("长沙市天心区书院路 9 号".into()),
        id_document: None,
        agent: None,
    }
}

pub fn shop() -> Business {
    Business {
        name: "长沙市某某超市".into(),
        address: Some("长沙市芙蓉区五一大道 1 号".into()),
        credit_code: None,
        legal_representative: None,
        premises: None,
        online: None,
    }
}

/// Milk past its date, bought for ¥59.80: a refund and compensation asked.
pub fn matter(facts: &str) -> NewMatter {
    NewMatter {
        occurred_on: None,
        place_text: None,
        place: None,
        goods: Some("纯牛奶".into()),
        amount_paid_fen: Some(5980),
        quantity: Some(2),
        facts: facts.into(),
        demands: vec![DemandKind::Refund, DemandKind::Compensation],
        demands_text: Some("退货退款，并按规定赔偿".into()),
        evidence: Vec::new(),
        proof: None,
    }
}

/// The `n`th complaint against `shop()`, by 王芳`n`: each `n` its own complainant and facts.
pub fn complaint(n: usize) -> NewCase {
    by(
        person(&format!("王芳{n}")),
        matter(&format!("购买的牛奶已过保质期（第 {n} 件）")),
    )
}

/// A complaint by `name` against `shop()`, asking a refund only.
pub fn complaint_from(name: &str) -> NewCase {
    by(
        person(name),
        NewMatter {
            facts: format!("{name} 购买的牛奶已过保质期"),
            demands: vec![DemandKind::Refund],
            demands_text: Some("退货退款".into()),
            ..matter("")
        },
    )
}

fn by(complainant: Person, matter: NewMatter) -> NewCase {
    NewCase {
        kind: CaseKind::Complaint,
        channel: None,
        received_at_ms: None,
        platform_ticket: None,
        complainants: vec![complainant],
        joint_complainants: None,
        respondent: Some(shop()),
        matter,
        also_report: None,
    }
}

/// A patrol of `vehicle` by 李明 and one more, no odometer: the trip the GPX tests import.
pub fn patrol_of(vehicle: &str) -> NewTrip {
    NewTrip {
        vehicle: vehicle.into(),
        crew: vec!["李明".into()],
        crew_count: Some(2),
        purpose: Purpose::Patrol,
        case_id: None,
        odometer_km: None,
        odometer_photo: None,
        started_at_ms: None,
    }
}
