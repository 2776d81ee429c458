//! Art. 17 flags over a device's own complaints, matched through the blind index.

mod common;

use common::{complaint, device_in, person};
use redshield_core::cases::{CaseKind, FlagKind};

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

#[test]
fn a_shared_address_many_complaints_and_a_large_quantity() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let mut ids = Vec::new();
    for n in 0..5 {
        let mut c = complaint(n);
        c.complainants[0].phone = format!("1390000000{n}");
        c.complainants[0].address = Some("长沙市天心区书院路 9 号".into());
        ids.push(device.open_case(&c).unwrap().id);
    }
    let mut found = kinds(&device, &ids[4]);
    found.sort_by_key(|k| k.as_str());
    assert_eq!(
        found,
        [FlagKind::FrequentRespondent, FlagKind::SharedAddress],
        "5 complaints against one shop in a day, one address for five names"
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
    assert!(flags[0].reason.starts_with("200 bought"));

    // The rules are about complaints: a consultation raises none.
    let mut consultation = complaint(1);
    consultation.kind = CaseKind::Consultation;
    let c = device.open_case(&consultation).unwrap();
    assert!(kinds(&device, &c.id).is_empty());
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
