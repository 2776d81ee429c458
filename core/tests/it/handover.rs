//! A case's history handed from one real store to another (`sync::handover`), the checks a
//! new owner makes of it: every event against its holder's key and its case, every
//! personal-data row against its commitment, the attachment against the signed commitment. A
//! refused handover keeps nothing. The whole story through a real centre is in
//! `tests/tests/handover.rs`.

use redshield_core::Device;
use redshield_core::cases::Step;
use redshield_core::sync::handover;
use redshield_core::sync::protocol::{Attachment, Handover, HolderLog};
use redshield_core::vault;
use redshield_testkit::{TestPlatform, complaint, officer};
use uuid::Uuid;

const SERVER_SEQ: u64 = 7;

fn device(dir: &std::path::Path) -> Device {
    let mut device = Device::open(dir, TestPlatform::new()).unwrap();
    device.sign_in(officer()).unwrap();
    device
}

/// A holder with one accepted complaint (and another case), and its part of the history.
fn holder(dir: &std::path::Path) -> (Device, Uuid, HolderLog) {
    let mut holder = device(dir);
    let case = holder.open_case(&complaint(1)).unwrap();
    holder.open_case(&complaint(2)).unwrap();
    holder
        .take_step(&case.id, &Step::Accept, None, None)
        .unwrap();
    let case_id = Uuid::parse_str(&case.id).unwrap();
    let (events, vault) = handover::holder_part(holder.connection(), case_id, &[]).unwrap();
    let log = HolderLog {
        device: holder.device_id(),
        public_key: hex::encode(holder.public_key()),
        events,
        vault,
    };
    (holder, case_id, log)
}

/// Receives `log` as the attachment of decision `SERVER_SEQ`, committed to as the centre
/// commits, in a transaction kept only on success; then projects it.
fn receive(into: &Device, case_id: Uuid, log: HolderLog) -> redshield_core::Result<()> {
    let value = serde_json::to_string(&Handover { holders: vec![log] }).unwrap();
    let salt = [9u8; 16];
    let attachment = Attachment {
        salt: hex::encode(salt),
        value: value.clone(),
    };
    let commitment = vault::commit(&salt, &value);
    let tx = into.connection().unchecked_transaction().unwrap();
    handover::receive(&tx, SERVER_SEQ, case_id, commitment, Some(&attachment))?;
    redshield_core::centre::handover::project(
        &tx,
        redshield_core::journal::read_stored,
        SERVER_SEQ,
        case_id,
    )?;
    tx.commit().unwrap();
    Ok(())
}

fn held_events(device: &Device) -> i64 {
    device
        .connection()
        .query_row("SELECT COUNT(*) FROM handover_events", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn the_case_reads_as_on_its_holder_with_its_rows_under_new_ids() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (holder, case_id, log) = holder(a.path());
    let mut owner = device(b.path());
    // The new owner's own vault rows come first: the received ones must not collide.
    owner.open_case(&complaint(3)).unwrap();
    assert_eq!(
        log.events.len(),
        2,
        "the case's opening and its acceptance only"
    );
    receive(&owner, case_id, log).unwrap();
    let case = case_id.to_string();
    assert_eq!(owner.case(&case).unwrap(), holder.case(&case).unwrap());
    let lowest: i64 = owner
        .connection()
        .query_row("SELECT MIN(id) FROM vault", [], |r| r.get(0))
        .unwrap();
    assert!(lowest < 0, "received rows take negative ids");
    // A replay projects them again from the log's record of the decision: in
    // `tests/tests/handover.rs`, where the record is real.
}

#[test]
fn an_altered_history_is_refused_and_nothing_is_kept() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (_holder, case_id, log) = holder(a.path());
    let owner = device(b.path());

    let mut altered = log.clone();
    altered.events[1].canonical = altered.events[1].canonical.replace("accept", "decline");
    let refused = receive(&owner, case_id, altered).unwrap_err().to_string();
    assert!(refused.contains("hash"), "{refused}");

    let mut renamed = log.clone();
    let row = renamed
        .vault
        .iter_mut()
        .find(|r| r.value == "王芳1")
        .unwrap();
    row.value = "王某".into();
    let refused = receive(&owner, case_id, renamed).unwrap_err().to_string();
    assert!(refused.contains("commits to"), "{refused}");

    let mut stranger = log.clone();
    stranger.public_key = hex::encode(device(tempfile::tempdir().unwrap().path()).public_key());
    let refused = receive(&owner, case_id, stranger).unwrap_err().to_string();
    assert!(refused.contains("signature"), "{refused}");

    let other_case = Uuid::now_v7();
    let refused = receive(&owner, other_case, log.clone())
        .unwrap_err()
        .to_string();
    assert!(refused.contains("not of case"), "{refused}");

    // The attachment itself must be the one the centre signed for.
    let value = serde_json::to_string(&Handover { holders: vec![log] }).unwrap();
    let attachment = Attachment {
        salt: hex::encode([1u8; 16]),
        value,
    };
    let signed_for = vault::commit(&[2u8; 16], "something else");
    let tx = owner.connection().unchecked_transaction().unwrap();
    let refused = handover::receive(&tx, SERVER_SEQ, case_id, signed_for, Some(&attachment));
    assert!(refused.unwrap_err().to_string().contains("commitment"));
    drop(tx);

    assert_eq!(held_events(&owner), 0);
    assert!(owner.case(&case_id.to_string()).is_err());
}

#[test]
fn personal_data_the_holder_purged_does_not_travel() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut holder, case_id, mut log) = holder(a.path());
    let case = case_id.to_string();
    // The rows as they were before the purge (as a copy kept elsewhere would hold them).
    let before_purge = log.vault.clone();
    assert!(!before_purge.is_empty());
    holder.purge_personal_data(&case).unwrap();
    let (events, vault) = handover::holder_part(holder.connection(), case_id, &[]).unwrap();
    assert!(vault.is_empty(), "{vault:?}");
    // Even offered, the purged rows are not kept by the new owner.
    log.events = events;
    log.vault = before_purge;
    let owner = device(b.path());
    receive(&owner, case_id, log).unwrap();
    let received = owner.case(&case).unwrap();
    assert!(received.personal_data_purged);
    assert!(received.complainants.is_empty(), "{received:?}");
    let rows: i64 = owner
        .connection()
        .query_row("SELECT COUNT(*) FROM vault WHERE id < 0", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 0);
}
