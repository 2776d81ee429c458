-- Personal data sent beside a decision (purgeable, outside the signed bytes), whether a
-- case's owner has applied its closure, and how the staff resolved a conflict or a fork.
ALTER TABLE server_events ADD COLUMN attachment_salt BYTEA;
ALTER TABLE server_events ADD COLUMN attachment_value TEXT;
ALTER TABLE case_owners ADD COLUMN closure_seen BOOLEAN NOT NULL DEFAULT FALSE;
-- How the centre's staff resolved a conflict or a fork (the events stay held).
CREATE TABLE resolutions (
        device         TEXT NOT NULL REFERENCES devices (id),
        flag           TEXT NOT NULL,
        seq            BIGINT NOT NULL,
        note           TEXT NOT NULL,
        resolved_at_ms BIGINT NOT NULL,
        PRIMARY KEY (device, flag, seq)
    );
