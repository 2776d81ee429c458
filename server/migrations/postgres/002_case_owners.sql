-- Case ownership, and the case a conflict is about.
CREATE TABLE case_owners (
        case_id TEXT PRIMARY KEY,
        device  TEXT NOT NULL REFERENCES devices (id),
        closed  BOOLEAN NOT NULL DEFAULT FALSE
    );
ALTER TABLE conflicts ADD COLUMN case_id TEXT NOT NULL DEFAULT '';
