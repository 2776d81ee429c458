//! The change signal: after each committed transaction the app's listener is told what
//! changed, once the store is unlocked.

use std::sync::{Arc, Mutex, Weak};

use redshield_core::api::{ChangeListener, ChangeSet, FieldCore, ListenerError, Topic};
use redshield_testkit::{Told, complaint, device};

#[test]
fn each_commit_names_its_topics_and_cases() {
    let dir = tempfile::tempdir().unwrap();
    let core = device(dir.path(), "李明");
    let told = Told::new();
    core.set_change_listener(Some(told.clone()));

    let case = core.open_case(complaint(1)).unwrap();
    let sets = told.take();
    assert_eq!(sets.len(), 1, "one transaction, one signal: {sets:?}");
    assert!(sets[0].topics.contains(&Topic::Cases), "{sets:?}");
    assert!(
        sets[0].topics.contains(&Topic::Clocks),
        "the accept clock starts"
    );
    assert_eq!(sets[0].case_ids, std::slice::from_ref(&case.id));

    // Reading changes nothing and says nothing.
    core.get_case(case.id.clone()).unwrap();
    core.case_clocks(case.id.clone()).unwrap();
    assert_eq!(told.take(), Vec::<ChangeSet>::new());

    // A refused act commits nothing and says nothing.
    assert!(core.end_trip("not a trip".into(), None).is_err());
    assert_eq!(told.take(), Vec::<ChangeSet>::new());

    core.sign_out().unwrap();
    assert_eq!(told.take()[0].topics, [Topic::Shift]);

    core.set_change_listener(None);
    core.sign_in("李明".into(), "HN-12315-0002".into()).unwrap();
    assert_eq!(
        told.take(),
        Vec::<ChangeSet>::new(),
        "removed, it is not called"
    );
}

#[test]
fn a_rebuild_changes_everything() {
    let dir = tempfile::tempdir().unwrap();
    let core = device(dir.path(), "李明");
    let told = Told::new();
    core.set_change_listener(Some(told.clone()));
    core.rebuild_projections().unwrap();
    assert_eq!(told.take()[0].topics, Topic::ALL);
}

/// Re-reads the case it is told of, as an app's screen does: the store is unlocked by then.
struct Rereads {
    core: Mutex<Weak<FieldCore>>,
    states: Mutex<Vec<String>>,
}

impl ChangeListener for Rereads {
    fn changed(&self, changes: ChangeSet) -> Result<(), ListenerError> {
        let core = self
            .core
            .lock()
            .unwrap()
            .upgrade()
            .expect("the core is open");
        for id in changes.case_ids {
            let case = core.get_case(id).unwrap();
            self.states.lock().unwrap().push(case.state.to_string());
        }
        Ok(())
    }
}

#[test]
fn the_listener_may_call_the_core_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let core = device(dir.path(), "李明");
    let listener = Arc::new(Rereads {
        core: Mutex::new(Arc::downgrade(&core)),
        states: Mutex::new(Vec::new()),
    });
    core.set_change_listener(Some(listener.clone()));
    core.open_case(complaint(2)).unwrap();
    assert_eq!(*listener.states.lock().unwrap(), ["received"]);
}

struct Fails;

impl ChangeListener for Fails {
    fn changed(&self, _: ChangeSet) -> Result<(), ListenerError> {
        Err(ListenerError::Failed {
            reason: "the screen is gone".into(),
        })
    }
}

#[test]
fn a_failing_listener_undoes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let core = device(dir.path(), "李明");
    core.set_change_listener(Some(Arc::new(Fails)));
    let case = core.open_case(complaint(3)).unwrap();
    assert_eq!(core.get_case(case.id).unwrap().number, case.number);
}
