//! The centre's replica of a device's store: the same events, projected by the same code,
//! give the same state as on the device.

use redshield_core::cases::Step;
use redshield_core::sync::replica::Replica;
use redshield_core::sync::wire;
use redshield_testkit::{complaint, device_in, projections_of};

#[test]
fn a_replica_fed_the_outbox_in_batches_projects_exactly_the_devices_state() {
    let dir = tempfile::tempdir().unwrap();
    let mut phone = device_in(dir.path());
    for n in 0..3 {
        let case = phone.open_case(&complaint(n)).unwrap();
        phone
            .take_step(&case.id, &Step::Accept, Some("当场受理"), None)
            .unwrap();
    }
    let (events, vault) = wire::outbox(phone.connection(), 0, 1_000).unwrap();

    let replica_dir = tempfile::tempdir().unwrap();
    let mut replica = Replica::open(replica_dir.path()).unwrap();
    for batch in events.chunks(3) {
        replica.apply(batch, &vault, &Default::default()).unwrap();
    }
    assert_eq!(replica.head().unwrap(), phone.head().seq);
    assert_eq!(
        replica
            .apply(&events, &vault, &Default::default())
            .unwrap()
            .events,
        0,
        "held once"
    );
    assert_eq!(
        same_but_search(replica.conn()),
        same_but_search(phone.connection())
    );

    // The ledger hands over checked events in order: a gap is an error, and changes nothing.
    let fresh = tempfile::tempdir().unwrap();
    let mut fresh = Replica::open(fresh.path()).unwrap();
    assert!(
        fresh
            .apply(&events[2..], &vault, &Default::default())
            .is_err()
    );
    assert_eq!(fresh.head().unwrap(), 0);
}

#[test]
fn events_once_unreadable_are_projected_after_an_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let phone = device_in(dir.path());
    let (events, vault) = wire::outbox(phone.connection(), 0, 100).unwrap();
    let replica_dir = tempfile::tempdir().unwrap();
    let replica = {
        let mut replica = Replica::open(replica_dir.path()).unwrap();
        replica.apply(&events, &vault, &Default::default()).unwrap();
        replica
    };
    // As an older centre would have left it: the sign-in held, not projected, listed.
    replica
        .conn()
        .execute_batch(
            "DELETE FROM officer_session;
             INSERT INTO replica_unreadable (seq, reason) VALUES (1, 'unknown event type');",
        )
        .unwrap();
    assert_eq!(replica.unreadable().unwrap().len(), 1);
    drop(replica);

    let replica = Replica::open(replica_dir.path()).unwrap();
    assert!(replica.unreadable().unwrap().is_empty());
    assert_eq!(
        same_but_search(replica.conn()),
        same_but_search(phone.connection())
    );
}

/// Every projection but the search index, which the device keys with its vault key while the
/// centre's replica holds the words as they were sent (vault.rs).
fn same_but_search(conn: &rusqlite::Connection) -> Vec<String> {
    projections_of(conn)
        .into_iter()
        .filter(|row| !row.starts_with("case_search:"))
        .collect()
}
