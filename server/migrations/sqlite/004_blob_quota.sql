-- The device charged for a blob (the one that began uploading it), for its quota.
ALTER TABLE blobs ADD COLUMN device TEXT;
CREATE INDEX blobs_by_device ON blobs (device);
