//! The ledger under concurrent writers, on both stores: what SQLite gets from its single writer,
//! PostgreSQL must get from its transactions and locks. Two ledgers opened on one store stand
//! for two server processes; and the PostgreSQL schema's migrations.

use crate::common::{Backend, Centre, TestDatabase, on_both_backends};
use redshield_core::events::Digest;
use redshield_core::sync::protocol::ServerEvent;
use redshield_server::ledger::schema_version;
use redshield_server::ledger::{
    ChainHead, EnrolRefusal, HeldEvent, LedgerError, NewDevice, PushBatch,
};
use redshield_server::{Ledger, SqlLedger};
use uuid::Uuid;

/// The centre's ledger and a second one opened on the same store.
async fn two_ledgers(centre: &Centre) -> [SqlLedger; 2] {
    let second = centre.config().open_ledger().await.unwrap();
    [centre.running().ledger().clone(), second]
}

/// A server event as `make` builds it; the ledger stores it without checking the signature.
fn event(server_seq: u64, tag: &str) -> ServerEvent {
    let canonical = format!("{{\"server_seq\":{server_seq},\"tag\":\"{tag}\"}}");
    ServerEvent {
        server_seq,
        hash: Digest::of(&[canonical.as_bytes()]),
        canonical,
        signature: hex::encode([7u8; 64]),
        attachment: None,
    }
}

async fn concurrent_server_events_are_numbered_without_gaps_in_signing_order(backend: Backend) {
    let centre = Centre::start(backend).await;
    let ledgers = two_ledgers(&centre).await;
    let mut tasks = Vec::new();
    for n in 0..40 {
        let ledger = ledgers[n % 2].clone();
        tasks.push(tokio::spawn(async move {
            ledger
                .append_server_event(None, None, move |seq| Ok(event(seq, &format!("task {n}"))))
                .await
                .unwrap()
        }));
    }
    let mut made = Vec::new();
    for task in tasks {
        made.push(task.await.unwrap());
    }
    let mut seqs: Vec<u64> = made.iter().map(|e| e.server_seq).collect();
    seqs.sort();
    assert_eq!(seqs, (1..=40).collect::<Vec<_>>(), "gapless, each seq once");

    // Stored as made: each seq holds the event that was made for it.
    let held = ledgers[1]
        .server_events(Uuid::now_v7(), 0, 100)
        .await
        .unwrap();
    made.sort_by_key(|e| e.server_seq);
    assert_eq!(held, made);

    // A `make` that refuses stores nothing and takes no seq.
    let refused = ledgers[0]
        .append_server_event(None, None, |_| Err(LedgerError::Refused("no".into())))
        .await;
    assert!(
        matches!(refused, Err(LedgerError::Refused(_))),
        "{refused:?}"
    );
    let next = ledgers[1]
        .append_server_event(None, None, |seq| Ok(event(seq, "after")))
        .await
        .unwrap();
    assert_eq!(next.server_seq, 41);
}
on_both_backends!(concurrent_server_events_are_numbered_without_gaps_in_signing_order);

fn held(seq: u64, tag: &str) -> HeldEvent {
    HeldEvent {
        seq,
        hash: Digest::of(&[tag.as_bytes()]),
        canonical: format!("{{\"seq\":{seq},\"tag\":\"{tag}\"}}"),
        signature: vec![1; 64],
        received_at_ms: 1_700_000_000_000,
    }
}

/// A device whose key and prefix are its own, as every enrolled device's are (the centre
/// refuses another device's).
fn new_device(id: Uuid, token: &str) -> NewDevice {
    NewDevice {
        id,
        public_key: Digest::of(&[id.as_bytes()]).0,
        prefix: id.simple().to_string()[26..].to_uppercase(),
        app_version: "0.1.0-test".into(),
        token_hash: Digest::of(&[token.as_bytes()]),
    }
}

async fn add_code(ledger: &SqlLedger, code: &str) -> Digest {
    let hash = Digest::of(&[code.as_bytes()]);
    let now = chrono::Utc::now().timestamp_millis();
    ledger
        .add_enrolment_code(hash, now, now + 3_600_000)
        .await
        .unwrap();
    hash
}

async fn two_pushes_onto_one_head_store_one_and_the_other_is_told_the_head_moved(backend: Backend) {
    let centre = Centre::start(backend).await;
    let ledgers = two_ledgers(&centre).await;
    let device = Uuid::now_v7();
    let code = add_code(&ledgers[0], "PUSHES").await;
    let now = chrono::Utc::now().timestamp_millis();
    ledgers[0]
        .enrol(code, now, new_device(device, "t"))
        .await
        .unwrap()
        .unwrap();

    let mut head = ChainHead::EMPTY;
    for seq in 1..=10 {
        let tasks = ["a", "b"].map(|tag| {
            let ledger = ledgers[usize::from(tag == "b")].clone();
            let batch = PushBatch {
                events: vec![held(seq, &format!("{tag}{seq}"))],
                ..Default::default()
            };
            tokio::spawn(async move { ledger.store_push(device, head, batch).await })
        });
        let mut stored = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(()) => stored += 1,
                Err(LedgerError::HeadMoved { expected, .. }) => assert_eq!(expected, seq - 1),
                Err(other) => panic!("seq {seq}: {other}"),
            }
        }
        assert_eq!(stored, 1, "seq {seq}: exactly one of the two stored");
        head = ledgers[1].head(device).await.unwrap();
        assert_eq!(head.seq, seq);
    }
    let events = ledgers[0].events(device, 0, 100).await.unwrap();
    assert_eq!(
        events.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=10).collect::<Vec<_>>()
    );
}
on_both_backends!(two_pushes_onto_one_head_store_one_and_the_other_is_told_the_head_moved);

async fn one_device_enrolling_with_two_codes_at_once_keeps_one_token(backend: Backend) {
    let centre = Centre::start(backend).await;
    let ledgers = two_ledgers(&centre).await;
    for round in 0..5 {
        let device = Uuid::now_v7();
        let codes = [
            add_code(&ledgers[0], &format!("A{round}")).await,
            add_code(&ledgers[0], &format!("B{round}")).await,
        ];
        let now = chrono::Utc::now().timestamp_millis();
        let tasks = [0, 1].map(|i| {
            let ledger = ledgers[i].clone();
            let token = format!("token {round}.{i}");
            tokio::spawn(async move {
                ledger
                    .enrol(codes[i], now, new_device(device, &token))
                    .await
            })
        });
        for task in tasks {
            let record = task.await.unwrap().unwrap().unwrap();
            assert_eq!(record.id, device);
        }
        // Both codes are spent; one token works: the enrolment stored last.
        let mut working = 0;
        for (i, code) in codes.into_iter().enumerate() {
            let token = Digest::of(&[format!("token {round}.{i}").as_bytes()]);
            if ledgers[1]
                .device_by_token(token, now)
                .await
                .unwrap()
                .is_some()
            {
                working += 1;
            }
            let again = ledgers[0]
                .enrol(code, now, new_device(device, "again"))
                .await
                .unwrap();
            assert_eq!(again, Err(EnrolRefusal::CodeUsed));
        }
        assert_eq!(working, 1, "round {round}");
    }
}
on_both_backends!(one_device_enrolling_with_two_codes_at_once_keeps_one_token);

/// A fleet enrolled on one morning: every device gets in, none is told the ledger is busy
/// (under load PostgreSQL cancelled serializable enrolments faster than they were retried).
async fn many_devices_enrolling_at_once_all_get_in(backend: Backend) {
    let centre = Centre::start(backend).await;
    let ledger = centre.running().ledger().clone();
    let mut enrolments = tokio::task::JoinSet::new();
    for n in 0..64 {
        let code = add_code(&ledger, &format!("FLEET{n}")).await;
        let ledger = ledger.clone();
        enrolments.spawn(async move {
            let now = chrono::Utc::now().timestamp_millis();
            let device = new_device(Uuid::now_v7(), &format!("fleet token {n}"));
            ledger.enrol(code, now, device).await
        });
    }
    while let Some(enrolled) = enrolments.join_next().await {
        let record = enrolled.unwrap().unwrap();
        assert!(record.is_ok(), "{record:?}");
    }
    assert_eq!(ledger.devices().await.unwrap().len(), 64);
}
on_both_backends!(many_devices_enrolling_at_once_all_get_in);

async fn applied_versions(database: &TestDatabase) -> Vec<i32> {
    database
        .connect()
        .await
        .query(
            "SELECT version FROM schema_migrations ORDER BY version",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_migrations_apply_once_even_when_two_servers_start_together() {
    let database = TestDatabase::create().await;
    let url = database.url.clone();
    let (a, b) = tokio::join!(
        SqlLedger::postgres(&database.url),
        SqlLedger::postgres(&url)
    );
    let (a, _b) = (a.unwrap(), b.unwrap());
    let all: Vec<i32> = (1..=schema_version() as i32).collect();
    assert_eq!(applied_versions(&database).await, all);

    // Opened again on a ledger holding data: nothing is applied twice, nothing is lost.
    let code = Digest::of(&[b"KEPT"]);
    a.add_enrolment_code(code, 1, i64::MAX).await.unwrap();
    drop(a);
    let again = SqlLedger::postgres(&database.url).await.unwrap();
    assert_eq!(applied_versions(&database).await, all);
    let outcome = again
        .enrol(code, 2, new_device(Uuid::now_v7(), "kept"))
        .await
        .unwrap();
    assert!(outcome.is_ok(), "the code survived: {outcome:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_refuses_a_newer_schema_and_commits_that_are_not_durable() {
    let database = TestDatabase::create().await;
    drop(SqlLedger::postgres(&database.url).await.unwrap());
    let admin = database.connect().await;
    let newer = schema_version() as i32 + 1;
    admin
        .execute(
            "INSERT INTO schema_migrations (version) VALUES ($1)",
            &[&newer],
        )
        .await
        .unwrap();
    let Err(LedgerError::Migration(words)) = SqlLedger::postgres(&database.url).await else {
        panic!("a newer schema was taken");
    };
    assert!(words.contains("run a newer server"), "{words}");

    admin
        .batch_execute(&format!(
            "ALTER DATABASE {} SET synchronous_commit = off",
            database.name
        ))
        .await
        .unwrap();
    let Err(LedgerError::Storage(words)) = SqlLedger::postgres(&database.url).await else {
        panic!("synchronous_commit = off was taken");
    };
    assert!(words.contains("synchronous_commit is off"), "{words}");

    let Err(LedgerError::Storage(words)) = SqlLedger::postgres("mysql://x:pw@h/db").await else {
        panic!("not a postgres URL, taken");
    };
    assert!(!words.contains("pw"), "{words}");
}
