//! A change listener that keeps what it is told, as an app's screen would react to it.

use std::sync::{Arc, Mutex};

use redshield_core::api::{ChangeListener, ChangeSet, ListenerError, Topic};

#[derive(Default)]
pub struct Told(Mutex<Vec<ChangeSet>>);

impl Told {
    pub fn new() -> Arc<Told> {
        Arc::new(Told::default())
    }

    /// What it was told since the last call.
    pub fn take(&self) -> Vec<ChangeSet> {
        std::mem::take(&mut self.0.lock().unwrap())
    }

    /// Every topic it was told of since the last `take`, in the order told.
    pub fn topics(&self) -> Vec<Topic> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .flat_map(|c| c.topics.clone())
            .collect()
    }
}

impl ChangeListener for Told {
    fn changed(&self, changes: ChangeSet) -> Result<(), ListenerError> {
        self.0.lock().unwrap().push(changes);
        Ok(())
    }
}
