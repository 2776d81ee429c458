//! Values as they cross into and out of either database, and the ledger's rows read back into
//! what they hold. The decoding is written once here: a driver only turns its own values into
//! [`Value`]s and back.

use redshield_core::events::Digest;
use redshield_core::sync::protocol::{Attachment, ServerEvent, WireVaultRow};
use uuid::Uuid;

use super::{
    BlobRecord, CaseOwner, ChainHead, DeviceRecord, Flag, HeldConflict, HeldEvent, HeldFork,
    LedgerError, LedgerResult, Resolution,
};

/// A statement's parameter, or a column of a row read.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) enum Value {
    #[default]
    Null,
    Int(i64),
    Bool(bool),
    Text(String),
    Bytes(Vec<u8>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Bool(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.to_string())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(v)
    }
}

impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Value {
        Value::Bytes(v.to_vec())
    }
}

impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Value {
        Value::Bytes(v)
    }
}

/// Ids are stored as their text, in both databases.
impl From<Uuid> for Value {
    fn from(v: Uuid) -> Value {
        Value::Text(v.to_string())
    }
}

impl From<Digest> for Value {
    fn from(v: Digest) -> Value {
        Value::Bytes(v.0.to_vec())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

/// A statement's parameters, in order: `values![device, seq, hash]`.
macro_rules! values {
    ($($value:expr),* $(,)?) => {
        vec![$($crate::ledger::rows::Value::from($value)),*]
    };
}
pub(crate) use values;

/// What a column may be read as.
pub(crate) trait FromValue: Sized {
    fn from_value(value: Value) -> Option<Self>;
}

impl FromValue for i64 {
    fn from_value(value: Value) -> Option<i64> {
        match value {
            Value::Int(v) => Some(v),
            _ => None,
        }
    }
}

/// SQLite keeps a boolean as an integer.
impl FromValue for bool {
    fn from_value(value: Value) -> Option<bool> {
        match value {
            Value::Bool(v) => Some(v),
            Value::Int(v) => Some(v != 0),
            _ => None,
        }
    }
}

impl FromValue for String {
    fn from_value(value: Value) -> Option<String> {
        match value {
            Value::Text(v) => Some(v),
            _ => None,
        }
    }
}

impl FromValue for Vec<u8> {
    fn from_value(value: Value) -> Option<Vec<u8>> {
        match value {
            Value::Bytes(v) => Some(v),
            _ => None,
        }
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: Value) -> Option<Option<T>> {
        match value {
            Value::Null => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// A row read, its columns in the order the statement selected them.
#[derive(Debug)]
pub(crate) struct Row(pub(crate) Vec<Value>);

impl Row {
    /// Column `i`, taken out of the row (each column is read once).
    pub(crate) fn get<T: FromValue>(&mut self, i: usize) -> LedgerResult<T> {
        let value = self
            .0
            .get_mut(i)
            .map(std::mem::take)
            .ok_or_else(|| LedgerError::Corrupt(format!("a row without column {i}")))?;
        let shown = format!("{value:?}");
        T::from_value(value).ok_or_else(|| {
            LedgerError::Corrupt(format!(
                "column {i} holds {shown:.40}, not a {}",
                std::any::type_name::<T>()
            ))
        })
    }
}

pub(crate) fn seq_sql(seq: u64) -> LedgerResult<i64> {
    i64::try_from(seq).map_err(|_| LedgerError::Corrupt(format!("seq {seq} is out of range")))
}

pub(crate) fn seq_of(value: i64) -> LedgerResult<u64> {
    u64::try_from(value).map_err(|_| LedgerError::Corrupt(format!("negative seq {value}")))
}

pub(crate) fn digest_of(bytes: &[u8], what: &str) -> LedgerResult<Digest> {
    Digest::from_slice(bytes).ok_or_else(|| LedgerError::Corrupt(format!("{what} is not 32 bytes")))
}

fn text_of(bytes: Vec<u8>, what: &str) -> LedgerResult<String> {
    String::from_utf8(bytes).map_err(|_| LedgerError::Corrupt(format!("{what} is not UTF-8")))
}

fn uuid_of(text: &str) -> LedgerResult<Uuid> {
    Uuid::parse_str(text).map_err(|e| LedgerError::Corrupt(format!("device id {text:?}: {e}")))
}

/// A statement reading devices, their columns in the order `device_record` reads them.
macro_rules! select_devices {
    ($rest:literal) => {
        concat!(
            "SELECT id, public_key, prefix, app_version, enrolled_at_ms, last_seen_ms, revoked
             FROM devices ",
            $rest
        )
    };
}
pub(crate) use select_devices;

pub(crate) fn device_record(mut row: Row) -> LedgerResult<DeviceRecord> {
    let id: String = row.get(0)?;
    let key: Vec<u8> = row.get(1)?;
    Ok(DeviceRecord {
        id: uuid_of(&id)?,
        public_key: key
            .try_into()
            .map_err(|_| LedgerError::Corrupt(format!("public key of {id} is not 32 bytes")))?,
        prefix: row.get(2)?,
        app_version: row.get(3)?,
        enrolled_at_ms: row.get(4)?,
        last_seen_ms: row.get(5)?,
        revoked: row.get(6)?,
    })
}

/// seq and hash of a device's last event.
pub(crate) fn chain_head(row: Option<Row>) -> LedgerResult<ChainHead> {
    let Some(mut row) = row else {
        return Ok(ChainHead::EMPTY);
    };
    Ok(ChainHead {
        seq: seq_of(row.get(0)?)?,
        hash: digest_of(&row.get::<Vec<u8>>(1)?, "an event hash")?,
    })
}

/// seq, hash, canonical, signature, received_at_ms.
pub(crate) fn held_event(mut row: Row) -> LedgerResult<HeldEvent> {
    Ok(HeldEvent {
        seq: seq_of(row.get(0)?)?,
        hash: digest_of(&row.get::<Vec<u8>>(1)?, "an event hash")?,
        canonical: text_of(row.get(2)?, "an event")?,
        signature: row.get(3)?,
        received_at_ms: row.get(4)?,
    })
}

/// The columns of `held_event`, then `flagged`.
pub(crate) fn held_fork(mut row: Row) -> LedgerResult<HeldFork> {
    Ok(HeldFork {
        seq: seq_of(row.get(0)?)?,
        hash: digest_of(&row.get::<Vec<u8>>(1)?, "a fork hash")?,
        canonical: text_of(row.get(2)?, "a fork")?,
        signature: row.get(3)?,
        received_at_ms: row.get(4)?,
        flagged: row.get(5)?,
    })
}

/// id, case_id, field, salt, value.
pub(crate) fn vault_row(mut row: Row) -> LedgerResult<WireVaultRow> {
    let case_id: Option<String> = row.get(1)?;
    Ok(WireVaultRow {
        id: row.get(0)?,
        case_id: case_id.as_deref().map(uuid_of).transpose()?,
        field: row.get(2)?,
        salt: hex::encode(row.get::<Vec<u8>>(3)?),
        value: row.get(4)?,
    })
}

/// server_seq, canonical, hash, signature, attachment salt, attachment value.
pub(crate) fn server_event(mut row: Row) -> LedgerResult<ServerEvent> {
    let salt: Option<Vec<u8>> = row.get(4)?;
    let value: Option<String> = row.get(5)?;
    Ok(ServerEvent {
        server_seq: seq_of(row.get(0)?)?,
        canonical: text_of(row.get(1)?, "a server event")?,
        hash: digest_of(&row.get::<Vec<u8>>(2)?, "a server event hash")?,
        signature: hex::encode(row.get::<Vec<u8>>(3)?),
        attachment: salt.zip(value).map(|(salt, value)| Attachment {
            salt: hex::encode(salt),
            value,
        }),
    })
}

/// received, complete, size.
pub(crate) fn blob_record(mut row: Row) -> LedgerResult<BlobRecord> {
    let size: Option<i64> = row.get(2)?;
    Ok(BlobRecord {
        received: seq_of(row.get(0)?)?,
        complete: row.get(1)?,
        size: size.map(seq_of).transpose()?,
    })
}

/// seq, case_id, reason, flagged_at_ms, resolved.
pub(crate) fn held_conflict(mut row: Row) -> LedgerResult<HeldConflict> {
    Ok(HeldConflict {
        seq: seq_of(row.get(0)?)?,
        case_id: uuid_of(&row.get::<String>(1)?)?,
        reason: row.get(2)?,
        flagged_at_ms: row.get(3)?,
        resolved: row.get(4)?,
    })
}

/// device, closed, closure_seen.
pub(crate) fn case_owner(mut row: Row) -> LedgerResult<CaseOwner> {
    Ok(CaseOwner {
        device: uuid_of(&row.get::<String>(0)?)?,
        closed: row.get(1)?,
        closure_seen: row.get(2)?,
    })
}

/// flag, seq, note, resolved_at_ms.
pub(crate) fn resolution(mut row: Row) -> LedgerResult<Resolution> {
    let flag: String = row.get(0)?;
    Ok(Resolution {
        flag: Flag::parse(&flag)
            .ok_or_else(|| LedgerError::Corrupt(format!("a resolution of a {flag:?}")))?,
        seq: seq_of(row.get(1)?)?,
        note: row.get(2)?,
        resolved_at_ms: row.get(3)?,
    })
}
