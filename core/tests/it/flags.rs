//! Art. 17 flags over a device's own complaints, matched through the blind index, factor by
//! factor from the words of Order No. 121 Art. 17, and as hints on Order No. 20 cases.

use redshield_core::cases::{
    Agent, CaseKind, FlagKind, IdDocument, IdKind, NewCase, ProofKind, ProofOfPurchase,
};
use redshield_testkit::{complaint, device_in, person};

/// 2026-03-01T10:00 in Beijing, ms: received under Order No. 20.
const MARCH_2026: i64 = 1_772_330_400_000;

fn kinds(device: &redshield_core::Device, case: &str) -> Vec<FlagKind> {
    device
        .abuse_flags(case)
        .unwrap()
        .into_iter()
        .map(|f| f.kind)
        .collect()
}

#[test]
fn one_phone_number_for_two_complainants_is_flagged_on_both() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let mut first = complaint(1);
    first.respondent.as_mut().unwrap().name = "甲商店".into();
    let a = device.open_case(&first).unwrap();
    // The same consumer again, against another shop: not a flag.
    let mut again = complaint(1);
    again.respondent.as_mut().unwrap().name = "乙商店".into();
    let b = device.open_case(&again).unwrap();
    assert!(kinds(&device, &a.id).is_empty());

    // Someone else with the same number, typed differently.
    let mut other = complaint(2);
    other.complainants[0] = person("赵六");
    other.complainants[0].phone = "+86 １３８-1234-5678".into();
    other.complainants[0].address = Some("别处 3 号".into());
    other.respondent.as_mut().unwrap().name = "丙商店".into();
    let c = device.open_case(&other).unwrap();

    let flags = device.abuse_flags(&c.number).unwrap();
    assert_eq!(flags.len(), 1, "{flags:?}");
    assert_eq!(flags[0].kind, FlagKind::SharedPhone);
    let mut related = flags[0].related_cases.clone();
    related.sort();
    let mut expected = vec![a.number.clone(), b.number.clone()];
    expected.sort();
    assert_eq!(related, expected);
    assert!(!flags[0].reason.contains("1381234"), "{}", flags[0].reason);
    // Art. 17(4): 多人使用同一手机号码.
    assert!(
        flags[0].reason.contains("第十七条第（四）项"),
        "{}",
        flags[0].reason
    );
    assert_eq!(kinds(&device, &a.id), [FlagKind::SharedPhone]);

    // The index holds digests, never the number.
    let plain: i64 = device
        .connection()
        .query_row(
            "SELECT count(*) FROM blind_index WHERE CAST(digest AS TEXT) LIKE '%13812345678%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(plain, 0);

    // Purged cases leave the index, and the flag goes with them.
    device.purge_personal_data(&a.id).unwrap();
    device.purge_personal_data(&b.id).unwrap();
    assert!(kinds(&device, &c.id).is_empty());
}

/// Changed with issue 17: five consumers against one shop in a day used to raise
/// `frequent_respondent`; many different consumers complaining about one shop is a sign of a
/// bad shop, not of abuse (Art. 17(2) speaks of the same complainant, or of collusion), so only
/// the shared address (Art. 17(4)) remains.
#[test]
fn a_shared_address_and_a_large_quantity_but_many_consumers_against_one_shop_are_no_flag() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let mut ids = Vec::new();
    for n in 0..5 {
        let mut c = complaint(n);
        c.complainants[0].phone = format!("1390000000{n}");
        c.complainants[0].address = Some("长沙市天心区书院路 9 号".into());
        ids.push(device.open_case(&c).unwrap().id);
    }
    assert_eq!(
        kinds(&device, &ids[4]),
        [FlagKind::SharedAddress],
        "one address for five names; five consumers against one shop is no flag"
    );

    let mut bulk = complaint(9);
    bulk.respondent.as_mut().unwrap().name = "另一家".into();
    bulk.complainants[0].phone = "13700000000".into();
    bulk.complainants[0].address = Some("另一处".into());
    bulk.matter.quantity = Some(200);
    let bulk = device.open_case(&bulk).unwrap();
    let flags = device.abuse_flags(&bulk.id).unwrap();
    assert_eq!(flags.len(), 1);
    assert_eq!(flags[0].kind, FlagKind::LargeQuantity);
    assert!(
        flags[0].reason.starts_with("购买数量200"),
        "{}",
        flags[0].reason
    );
    assert!(flags[0].reason.contains("第十七条第（一）项"));

    // The rules are about complaints: a consultation raises none.
    let mut consultation = complaint(1);
    consultation.kind = CaseKind::Consultation;
    let c = device.open_case(&consultation).unwrap();
    assert!(kinds(&device, &c.id).is_empty());
}

/// One person by name and phone, the phone a landline typed a new way each time.
fn by_one_person(n: usize, received_at_ms: Option<i64>) -> NewCase {
    let mut c = complaint(n);
    c.complainants[0] = person("刘强");
    let typed = [
        "0731-84561234",
        "0731 8456 1234",
        "+86 731 84561234",
        "073184561234",
    ];
    c.complainants[0].phone = typed[n % typed.len()].into();
    c.received_at_ms = received_at_ms;
    c
}

/// Art. 17(2): "同一投诉人对同一经营者…短期内大量投诉". Eight complaints by one person in a day
/// are flagged on each (before issue 17 none was); five consumers are not (above). Under Order
/// No. 20, which has no Art. 17, the same sign is a hint that says so.
#[test]
fn art_17_2_one_person_filing_eight_complaints_in_a_day_is_flagged_under_both_orders() {
    for (received, statutory) in [(None, true), (Some(MARCH_2026), false)] {
        let dir = tempfile::tempdir().unwrap();
        let mut device = device_in(dir.path());
        let cases: Vec<_> = (0..8)
            .map(|n| device.open_case(&by_one_person(n, received)).unwrap())
            .collect();
        for case in &cases {
            let flags = device.abuse_flags(&case.id).unwrap();
            assert_eq!(flags.len(), 1, "{flags:?}");
            let f = &flags[0];
            assert_eq!(f.kind, FlagKind::RepeatedComplaints);
            assert_eq!(f.related_cases.len(), 7);
            assert_eq!(f.statutory, statutory);
            assert!(f.reason.contains("8件（含本件）"), "{}", f.reason);
            assert!(!f.reason.contains("8456") && !f.reason.contains("刘强"));
            if statutory {
                assert_eq!(f.basis, "《投诉举报处理办法》第十七条第（二）项");
            } else {
                assert!(
                    f.basis.contains("《投诉举报处理暂行办法》未规定判断因素"),
                    "{}",
                    f.basis
                );
                assert!(f.basis.contains("第十五条第（三）项"), "{}", f.basis);
            }
        }
    }
}

/// The thresholds are the centre's parameters: raised above eight, the eight are no flag.
#[test]
fn art_17_thresholds_are_the_centres_parameters() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let cases: Vec<_> = (0..8)
        .map(|n| device.open_case(&by_one_person(n, None)).unwrap())
        .collect();
    assert_eq!(kinds(&device, &cases[0].id), [FlagKind::RepeatedComplaints]);
    let raised = redshield_core::parameters::Parameters {
        flag_same_complainant_complaints: 9,
        ..redshield_core::parameters::DEFAULT
    };
    redshield_core::parameters::store(device.connection(), &raised).unwrap();
    assert!(kinds(&device, &cases[0].id).is_empty());
}

fn agent(passport: &str) -> Agent {
    Agent {
        name: "代理人".into(),
        id_document: IdDocument {
            kind: IdKind::Passport,
            number: passport.into(),
        },
        power_of_attorney: true,
    }
}

/// Art. 17(2): "不同投诉人恶意串通…集中投诉" — the same fact text (whatever its punctuation and
/// spacing), or the same agent, from complainants who are not the same person.
#[test]
fn art_17_2_identical_facts_and_the_same_agent_among_different_complainants() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let mut first = complaint(1);
    first.matter.facts = "在该店购买的牛奶已过保质期，要求退一赔十。".into();
    first.complainants[0].phone = "13900000001".into();
    let mut second = complaint(2);
    second.matter.facts = "在该店购买的牛奶 已过保质期 要求退一赔十".into();
    second.complainants[0].phone = "13900000002".into();
    second.complainants[0].address = Some("别处 2 号".into());
    second.respondent.as_mut().unwrap().name = "另一家超市".into();
    let (a, b) = (
        device.open_case(&first).unwrap(),
        device.open_case(&second).unwrap(),
    );
    let flags = device.abuse_flags(&b.id).unwrap();
    assert_eq!(
        kinds(&device, &b.id),
        [FlagKind::IdenticalFacts],
        "{flags:?}"
    );
    assert_eq!(flags[0].related_cases, std::slice::from_ref(&a.number));
    assert!(
        flags[0].reason.contains("事实陈述文字相同"),
        "{}",
        flags[0].reason
    );

    let mut third = complaint(3);
    third.complainants[0].phone = "13900000003".into();
    third.complainants[0].address = Some("别处 3 号".into());
    third.complainants[0].agent = Some(agent("E12345678"));
    let mut fourth = complaint(4);
    fourth.complainants[0].phone = "13900000004".into();
    fourth.complainants[0].address = Some("别处 4 号".into());
    fourth.complainants[0].agent = Some(agent("e1234 5678"));
    let c = device.open_case(&third).unwrap();
    let d = device.open_case(&fourth).unwrap();
    let flags = device.abuse_flags(&d.id).unwrap();
    assert_eq!(kinds(&device, &d.id), [FlagKind::SameAgent], "{flags:?}");
    assert_eq!(flags[0].related_cases, std::slice::from_ref(&c.number));
}

/// Art. 17(3): "不能证明存在已实际购买商品…" — the proof offered is an intake field; "none"
/// flags, a receipt does not, and a case taken without the question asked is not flagged.
#[test]
fn art_17_3_no_proof_of_purchase_offered() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let mut none = complaint(1);
    none.matter.proof = Some(ProofOfPurchase {
        kind: ProofKind::NoProof,
        reference: None,
    });
    let none = device.open_case(&none).unwrap();
    let flags = device.abuse_flags(&none.id).unwrap();
    assert_eq!(kinds(&device, &none.id), [FlagKind::NoProofOfPurchase]);
    assert!(
        flags[0].reason.contains("第十七条第（三）项"),
        "{}",
        flags[0].reason
    );

    let mut receipt = complaint(2);
    receipt.complainants[0].phone = "13900000002".into();
    receipt.complainants[0].address = Some("别处".into());
    receipt.matter.proof = Some(ProofOfPurchase {
        kind: ProofKind::OrderNumber,
        reference: Some("DD20261201-778899".into()),
    });
    let receipt = device.open_case(&receipt).unwrap();
    assert!(kinds(&device, &receipt.id).is_empty());
    let proof = receipt.matter.proof.clone().unwrap();
    assert_eq!(proof.kind, ProofKind::OrderNumber);
    assert_eq!(proof.reference.as_deref(), Some("DD20261201-778899"));
    // The reference is personal: in the vault, not in the signed event.
    let in_events: i64 = device
        .connection()
        .query_row(
            "SELECT count(*) FROM events WHERE CAST(canonical AS TEXT) LIKE '%778899%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(in_events, 0);
    let unasked = device.open_case(&complaint(3)).unwrap();
    assert!(!kinds(&device, &unasked.id).contains(&FlagKind::NoProofOfPurchase));
    device.rebuild_projections().unwrap();
    assert_eq!(device.case(&receipt.id).unwrap(), receipt);
}

#[test]
fn the_index_survives_a_rebuild_and_stays_keyed_to_the_device() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let a = device.open_case(&complaint(1)).unwrap();
    let mut b = complaint(2);
    b.respondent.as_mut().unwrap().name = "别家".into();
    device.open_case(&b).unwrap();
    let before = device.abuse_flags(&a.id).unwrap();
    assert_eq!(before.len(), 2, "one phone and one address, two names");
    device.rebuild_projections().unwrap();
    assert_eq!(device.abuse_flags(&a.id).unwrap(), before);

    let other_dir = tempfile::tempdir().unwrap();
    let mut other = device_in(other_dir.path());
    other.open_case(&complaint(1)).unwrap();
    let digests = |d: &redshield_core::Device| -> Vec<Vec<u8>> {
        d.connection()
            .prepare("SELECT digest FROM blind_index WHERE field = 'phone'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert!(
        !digests(&device).contains(&digests(&other)[0]),
        "another device's key gives other digests"
    );
}
