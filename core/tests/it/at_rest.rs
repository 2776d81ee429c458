//! Personal data at rest (PIPL; vault.rs): the names, phones, identity numbers and addresses a
//! device was told are nowhere in its files — database, write-ahead log, shared memory — yet
//! every screen still reads them and search still finds them.

use std::path::Path;

use redshield_core::Device;
use redshield_core::cases::{CaseQuery, IdDocument, IdKind};
use redshield_core::store::FILE_NAME;
use redshield_testkit::{TestPlatform, complaint, device_in};

/// What the test tells the device, as a person would type it: none of it may be on disk.
const NAME: &str = "欧阳晓岚";
const PHONE: &str = "13987654321";
const ID_NUMBER: &str = "E12345678";
const STREET: &str = "书院路";

fn told(device: &mut Device) -> String {
    let mut new = complaint(1);
    let person = &mut new.complainants[0];
    person.name = NAME.into();
    person.phone = PHONE.into();
    person.address = Some(format!("长沙市天心区{STREET} 9 号"));
    person.id_document = Some(IdDocument {
        kind: IdKind::Passport,
        number: ID_NUMBER.into(),
    });
    device.open_case(&new).unwrap().number
}

/// The store's files, as a copy of the phone's storage would show them.
fn on_disk(dir: &Path) -> Vec<u8> {
    ["", "-wal", "-shm"]
        .iter()
        .filter_map(|suffix| std::fs::read(dir.join(format!("{FILE_NAME}{suffix}"))).ok())
        .flatten()
        .collect()
}

fn finds(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

fn leaked(dir: &Path) -> Vec<&'static str> {
    let bytes = on_disk(dir);
    [NAME, PHONE, ID_NUMBER, STREET]
        .into_iter()
        .filter(|value| finds(&bytes, value))
        .collect()
}

fn search(device: &Device, text: &str) -> Vec<String> {
    let query = CaseQuery {
        text: Some(text.into()),
        ..Default::default()
    };
    device
        .cases(&query)
        .unwrap()
        .cases
        .into_iter()
        .map(|c| c.number)
        .collect()
}

#[test]
fn names_phones_ids_and_addresses_are_in_no_file_of_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let number = told(&mut device);

    assert_eq!(
        leaked(dir.path()),
        Vec::<&str>::new(),
        "before a checkpoint"
    );
    device
        .connection()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    assert_eq!(leaked(dir.path()), Vec::<&str>::new(), "after a checkpoint");

    // Still read and found, as before.
    let case = device.case(&number).unwrap();
    assert_eq!(case.complainants[0].name, NAME);
    assert_eq!(search(&device, "晓岚"), std::slice::from_ref(&number));
    assert_eq!(search(&device, STREET), std::slice::from_ref(&number));
    let by_phone = CaseQuery {
        phone: Some(PHONE.into()),
        ..Default::default()
    };
    assert_eq!(device.cases(&by_phone).unwrap().cases.len(), 1);

    // A rebuild keys the index again, from the sealed values.
    device.rebuild_projections().unwrap();
    assert_eq!(search(&device, "晓岚"), [number]);
    drop(device);
    assert_eq!(leaked(dir.path()), Vec::<&str>::new(), "after a rebuild");
}

#[test]
fn a_store_that_held_values_in_clear_has_them_sealed_at_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    let number = {
        let mut device = device_in(dir.path());
        let number = told(&mut device);
        // As a store written before values were sealed holds them.
        let conn = device.connection();
        conn.execute("UPDATE vault SET value = open_value(value, salt)", [])
            .unwrap();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .unwrap();
        number
    };
    assert!(
        leaked(dir.path()).contains(&NAME),
        "the setup wrote them in clear"
    );

    let device = Device::open(dir.path(), TestPlatform::new()).unwrap();
    assert_eq!(leaked(dir.path()), Vec::<&str>::new());
    let case = device.case(&number).unwrap();
    assert_eq!(case.complainants[0].name, NAME);
    assert!(device.verify_chain().unwrap().is_intact());
}
