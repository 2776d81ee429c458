//! What each module declares of the store: which tables it writes, and of what kind.

/// The tables a module writes, declared where it writes them. `projections` are derived from
/// the log: a rebuild empties them and replays it. `kept` hold what the log does not say (the
/// log itself, the vault, keys, sync's bookkeeping, files waiting to be deleted).
pub struct Tables {
    pub projections: &'static [&'static str],
    pub kept: &'static [&'static str],
}
