//! The rule over digests, factor by factor, from the words of Order No. 121 Art. 17.

use super::*;

const DAY_MS: i64 = 24 * 3600 * 1000;

fn d(n: u8) -> Option<Digest> {
    Some(Digest([n; 32]))
}

/// A complaint on `day` by the person named `name` with phone `phone` against the fixture
/// shop, about goods 1, with its own facts.
fn complaint(number: &str, day: i64, name: u8, phone: u8) -> Subject {
    Subject {
        number: number.into(),
        received_at_ms: day * DAY_MS,
        people: vec![PersonKeys {
            name: d(name),
            phone: d(phone),
            ..PersonKeys::default()
        }],
        credit_code: Some("914403001922038216".into()),
        goods: d(201),
        facts: Some(facts_of(number)),
        ..Subject::default()
    }
}

/// Facts of their own for each case number.
fn facts_of(number: &str) -> Digest {
    let mut f = [0u8; 32];
    let n = number.len().min(32);
    f[..n].copy_from_slice(&number.as_bytes()[..n]);
    Digest(f)
}

fn kinds(flags: &[AbuseFlag]) -> Vec<FlagKind> {
    flags.iter().map(|f| f.kind).collect()
}

/// Art. 17(2): "同一投诉人对同一经营者…短期内大量投诉". One person filing 8 complaints in one
/// day against one shop is flagged on each; five different consumers short-weighted by one
/// shop are not (a bad shop is no sign of abuse) — they make a hotspot lead instead.
#[test]
fn art_17_2_one_complainant_many_complaints_flags_many_consumers_do_not() {
    let one_person: Vec<Subject> = (0..8)
        .map(|i| complaint(&format!("P{i}"), 10, 1, 9))
        .collect();
    for s in &one_person {
        let found = flags(s, &one_person, &RULES);
        assert_eq!(
            kinds(&found),
            [FlagKind::RepeatedComplaints],
            "{}",
            s.number
        );
        assert_eq!(found[0].related_cases.len(), 7);
        assert!(
            found[0].reason.contains("同一投诉人30日内"),
            "{}",
            found[0].reason
        );
        assert!(found[0].reason.contains("8件"), "{}", found[0].reason);
        assert!(found[0].reason.contains("第十七条第（二）项"));
        assert!(found[0].statutory);
    }
    let five_consumers: Vec<Subject> = (0..5)
        .map(|i| complaint(&format!("C{i}"), 10, 10 + i as u8, 20 + i as u8))
        .collect();
    for s in &five_consumers {
        assert_eq!(
            flags(s, &five_consumers, &RULES),
            Vec::new(),
            "{}",
            s.number
        );
    }
    let leads = hotspots(&five_consumers, &RULES);
    assert_eq!(leads.len(), 1);
    assert_eq!(leads[0].label, HOTSPOT_LABEL);
    assert_eq!(leads[0].cases, ["C0", "C1", "C2", "C3", "C4"]);
    assert!(leads[0].reason.contains("5名投诉人"), "{}", leads[0].reason);
    assert!(leads[0].reason.contains("不作为异常投诉的依据"));
}

/// "短期内": outside the window the complaints do not add up; "同一类商品" counts like the same
/// business; the same person is the same ID document even under another phone.
#[test]
fn art_17_2_the_window_the_kind_of_goods_and_who_is_the_same_complainant() {
    let mut three: Vec<Subject> = (0..3)
        .map(|i| complaint(&format!("A{i}"), i * 10, 1, 9))
        .collect();
    assert_eq!(
        kinds(&flags(&three[0], &three, &RULES)),
        [FlagKind::RepeatedComplaints]
    );
    three[2].received_at_ms = 31 * DAY_MS;
    assert!(
        flags(&three[0], &three, &RULES).is_empty(),
        "one of them 31 days away"
    );

    // Three shops, one kind of goods: still the same complainant's many complaints.
    let mut goods: Vec<Subject> = (0..3)
        .map(|i| complaint(&format!("G{i}"), 1, 1, 9))
        .collect();
    for (i, s) in goods.iter_mut().enumerate() {
        s.credit_code = None;
        s.business_name = d(50 + i as u8);
    }
    assert_eq!(
        kinds(&flags(&goods[0], &goods, &RULES)),
        [FlagKind::RepeatedComplaints]
    );
    for (i, s) in goods.iter_mut().enumerate() {
        s.goods = d(60 + i as u8);
    }
    assert!(
        flags(&goods[0], &goods, &RULES).is_empty(),
        "three shops, three goods"
    );

    // One ID document under three phone numbers: one person.
    let by_id: Vec<Subject> = (0..3)
        .map(|i| {
            let mut s = complaint(&format!("I{i}"), 1, 1, 30 + i as u8);
            s.people[0].id_number = d(77);
            s
        })
        .collect();
    assert_eq!(
        kinds(&flags(&by_id[0], &by_id, &RULES)),
        [FlagKind::RepeatedComplaints]
    );
}

/// Art. 17(2): "不同投诉人恶意串通…集中投诉" — the same fact text, or the same agent, from
/// different complainants in the window. The same person telling the same facts twice is not
/// concert.
#[test]
fn art_17_2_different_complainants_in_concert() {
    let mut a = complaint("A", 1, 1, 1);
    let mut b = complaint("B", 2, 2, 2);
    b.facts = a.facts;
    let found = flags(&a, std::slice::from_ref(&b), &RULES);
    assert_eq!(kinds(&found), [FlagKind::IdenticalFacts]);
    assert_eq!(found[0].related_cases, ["B"]);
    let mut same_person = complaint("S", 2, 1, 1);
    same_person.facts = a.facts;
    assert!(flags(&a, &[same_person], &RULES).is_empty());
    b.received_at_ms = 40 * DAY_MS;
    assert!(flags(&a, &[b], &RULES).is_empty(), "40 days apart");

    a.people[0].agent = d(90);
    let mut c = complaint("C", 3, 3, 3);
    c.people[0].agent = d(90);
    let found = flags(&a, &[c], &RULES);
    assert_eq!(kinds(&found), [FlagKind::SameAgent]);
    assert!(
        found[0].reason.contains("同一代理人"),
        "{}",
        found[0].reason
    );
}

/// Art. 17(1) and (3): the quantity bought, and no proof of purchase offered. A case taken
/// without the question asked (`None`) is not flagged.
#[test]
fn art_17_1_and_3_quantity_and_no_proof() {
    let mut this = complaint("A", 0, 1, 1);
    this.quantity = Some(RULES.quantity);
    assert!(flags(&this, &[], &RULES).is_empty());
    this.quantity = Some(RULES.quantity + 1);
    let found = flags(&this, &[], &RULES);
    assert_eq!(kinds(&found), [FlagKind::LargeQuantity]);
    assert!(
        found[0].reason.contains("第十七条第（一）项"),
        "{}",
        found[0].reason
    );
    this.quantity = None;
    this.proof = Some(ProofKind::Receipt);
    assert!(flags(&this, &[], &RULES).is_empty());
    this.proof = Some(ProofKind::NoProof);
    let found = flags(&this, &[], &RULES);
    assert_eq!(kinds(&found), [FlagKind::NoProofOfPurchase]);
    assert!(
        found[0].reason.contains("第十七条第（三）项"),
        "{}",
        found[0].reason
    );
}

/// Art. 17(4): "多人使用同一手机号码、通讯地址" — another name with the same phone.
#[test]
fn art_17_4_one_phone_for_different_names_flags_but_the_same_person_twice_does_not() {
    let this = complaint("A", 0, 1, 9);
    let same_person = complaint("B", 1, 1, 9);
    assert!(flags(&this, &[same_person], &RULES).is_empty());
    let other_person = complaint("C", 2, 2, 9);
    let found = flags(&this, &[other_person], &RULES);
    assert_eq!(kinds(&found), [FlagKind::SharedPhone]);
    assert_eq!(found[0].related_cases, ["C"]);
    assert!(
        found[0].reason.contains("第十七条第（四）项"),
        "{}",
        found[0].reason
    );
}

/// Order No. 20 has no Art. 17: the same signs are hints, saying so, pointing at its own
/// Art. 15(3) ground.
#[test]
fn an_order_20_case_gets_the_hint_labelled_as_no_factor_of_that_order() {
    let mut this = complaint("A", 0, 1, 9);
    this.rule_set = RuleSet::SamrOrder20;
    this.proof = Some(ProofKind::NoProof);
    let found = flags(&this, &[], &RULES);
    assert_eq!(kinds(&found), [FlagKind::NoProofOfPurchase]);
    let f = &found[0];
    assert!(!f.statutory);
    assert!(
        f.basis.contains("《投诉举报处理暂行办法》未规定判断因素"),
        "{}",
        f.basis
    );
    assert!(f.basis.contains("第十五条第（三）项"), "{}", f.basis);
    assert!(
        f.reason
            .contains("参照《投诉举报处理办法》第十七条第（三）项"),
        "{}",
        f.reason
    );
}

#[test]
fn flags_among_all_match_the_rule_run_against_every_other_subject() {
    let mut all: Vec<Subject> = (0..12)
        .map(|i| {
            complaint(
                &format!("C{i:02}"),
                i * 3,
                (i % 5) as u8,
                40 + (i % 4) as u8,
            )
        })
        .collect();
    all[5].credit_code = None;
    all[7].credit_code = Some("91350100M000100Y43".into());
    all[9].quantity = Some(RULES.quantity + 1);
    all[10].facts = all[3].facts;
    all[11].people[0].agent = d(5);
    all[2].people[0].agent = d(5);
    let among = flags_among(&all, &RULES);
    for (i, s) in all.iter().enumerate() {
        assert_eq!(among[i], flags(s, &all, &RULES), "{}", s.number);
    }
    assert!(among.iter().any(|f| !f.is_empty()));
}
