//! GPX files: the recorded ones in `core/tests/data/` (made by `make_gpx.py`), and files
//! written around track points at test time.

use std::path::PathBuf;

/// A file of `core/tests/data/`.
pub fn data(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/data")).join(name)
}

/// A GPX 1.1 file around `points` (the `<trkpt>` elements), at gpx > trk > trkseg: its points
/// are at depth 4, on the file's third line.
pub fn file(points: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>
{points}
</trkseg></trk></gpx>
"#
    )
}

/// A track point holding `<extensions>` with `depth` `<inner>` elements nested in it, each
/// in the one before, then a second point.
pub fn nested(inner: &str, depth: usize) -> String {
    format!(
        r#"<trkpt lat="30.5728" lon="104.0668"><time>2024-05-14T02:00:00Z</time><extensions>{}{}</extensions></trkpt>
<trkpt lat="30.5730" lon="104.0670"><time>2024-05-14T02:00:05Z</time></trkpt>"#,
        format!("<{inner}>").repeat(depth),
        format!("</{inner}>").repeat(depth)
    )
}
