//! `ServerEventApplied`: the device's record that it applied a decision of the centre, with
//! the centre's own signed bytes, so that the device's log shows what it acted on and anyone
//! can check the centre signed it.

use serde::{Deserialize, Serialize};

use crate::events::{Digest, EventBody};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerEventApplied {
    pub server_seq: u64,
    #[serde(rename = "type")]
    pub event_type: String,
    /// The centre's canonical bytes (UTF-8 JSON) as received, and its signature (hex).
    pub canonical: String,
    pub hash: Digest,
    pub signature: String,
}

impl EventBody for ServerEventApplied {
    const TYPE: &'static str = "ServerEventApplied";
    const VERSION: u32 = 1;
}
