-- Case ownership, and the case a conflict is about.
CREATE TABLE case_owners (
        case_id TEXT PRIMARY KEY,
        device  TEXT NOT NULL REFERENCES devices (id),
        closed  INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
ALTER TABLE conflicts ADD COLUMN case_id TEXT NOT NULL DEFAULT '';
