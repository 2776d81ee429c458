//! Urban areas: the polygons inside which a dispatched vehicle must be on site within 30
//! minutes (60 elsewhere; where none is loaded the area type is unknown, regulations.md). Reference data, loaded from GeoJSON (a FeatureCollection of Polygon
//! and MultiPolygon features, WGS-84, `properties.name`); point-in-polygon with `geo`.

use geo::{Contains, Coord, LineString, Point, Polygon};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::events::{EventBody, Projection};
use crate::position::GeoPoint;
use crate::store::to_json;

/// One named area: its polygons, each an exterior ring and holes, as [lon, lat] pairs.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    pub name: String,
    pub polygons: Vec<Vec<Vec<[f64; 2]>>>,
}

/// Reads and checks a GeoJSON FeatureCollection of urban areas.
pub fn parse(geojson: &str) -> Result<Vec<Area>> {
    let bad = |why: String| Error::invalid("geojson", why);
    let root: Value = serde_json::from_str(geojson).map_err(|e| bad(e.to_string()))?;
    let features = root["features"]
        .as_array()
        .filter(|_| root["type"] == "FeatureCollection")
        .ok_or_else(|| bad("not a FeatureCollection".into()))?;
    features
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let name = f["properties"]["name"]
                .as_str()
                .unwrap_or("")
                .trim()
                .to_string();
            let geometry = &f["geometry"];
            let polygons = match geometry["type"].as_str() {
                Some("Polygon") => vec![polygon(&geometry["coordinates"])],
                Some("MultiPolygon") => geometry["coordinates"]
                    .as_array()
                    .map(|all| all.iter().map(polygon).collect())
                    .unwrap_or_else(|| vec![None]),
                other => {
                    return Err(bad(format!(
                        "feature {i}: {other:?} is not a Polygon or MultiPolygon"
                    )));
                }
            };
            let polygons = polygons
                .into_iter()
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| {
                    bad(format!(
                        "feature {i}: rings of at least 4 valid [lon, lat] positions, closed"
                    ))
                })?;
            Ok(Area {
                name: if name.is_empty() {
                    format!("area {i}")
                } else {
                    name
                },
                polygons,
            })
        })
        .collect()
}

fn polygon(value: &Value) -> Option<Vec<Vec<[f64; 2]>>> {
    let rings = value.as_array()?;
    if rings.is_empty() {
        return None;
    }
    rings.iter().map(ring).collect()
}

fn ring(value: &Value) -> Option<Vec<[f64; 2]>> {
    let positions: Vec<[f64; 2]> = value
        .as_array()?
        .iter()
        .map(|p| {
            let (lon, lat) = (p.get(0)?.as_f64()?, p.get(1)?.as_f64()?);
            ((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)).then_some([lon, lat])
        })
        .collect::<Option<_>>()?;
    (positions.len() >= 4 && positions.first() == positions.last()).then_some(positions)
}

/// Replaces the urban areas.
pub fn store(conn: &Connection, areas: &[Area]) -> Result<()> {
    conn.execute("DELETE FROM urban_areas", [])?;
    let mut insert = conn
        .prepare_cached("INSERT INTO urban_areas (position, name, polygons) VALUES (?1, ?2, ?3)")?;
    for (i, area) in areas.iter().enumerate() {
        insert.execute(params![i as i64, area.name, to_json(&area.polygons)?])?;
    }
    Ok(())
}

/// Whether any urban area is loaded: without one, town cannot be told from country.
pub fn loaded(conn: &Connection) -> Result<bool> {
    Ok(
        conn.query_row("SELECT EXISTS (SELECT 1 FROM urban_areas)", [], |r| {
            r.get(0)
        })?,
    )
}

/// The urban area a point lies in, if any.
pub fn containing(conn: &Connection, point: &GeoPoint) -> Result<Option<String>> {
    let at = Point::new(point.longitude(), point.latitude());
    let mut stmt =
        conn.prepare_cached("SELECT name, polygons FROM urban_areas ORDER BY position")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (name, polygons) in rows {
        let polygons: Vec<Vec<Vec<[f64; 2]>>> = serde_json::from_str(&polygons)
            .map_err(|e| Error::damaged("urban_areas", format!("urban area {name}: {e}")))?;
        if polygons.iter().any(|p| to_geo(p).contains(&at)) {
            return Ok(Some(name));
        }
    }
    Ok(None)
}

fn to_geo(rings: &[Vec<[f64; 2]>]) -> Polygon<f64> {
    let line = |ring: &Vec<[f64; 2]>| -> LineString<f64> {
        ring.iter().map(|[x, y]| Coord { x: *x, y: *y }).collect()
    };
    let exterior = rings
        .first()
        .map(line)
        .unwrap_or_else(|| LineString::new(Vec::new()));
    Polygon::new(exterior, rings.iter().skip(1).map(line).collect())
}

/// The largest urban-areas GeoJSON a device takes, loaded here or published by the centre: it
/// travels in a signed body (and in a pull page from the centre).
pub const MAX_URBAN_AREAS_BYTES: usize = 4 * 1024 * 1024;

/// Urban areas loaded on the device itself (the centre's arrive as its `UrbanAreasPublished`).
/// The GeoJSON travels as text: a signed body holds no floating point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UrbanAreasLoaded {
    pub geojson: String,
}

impl EventBody for UrbanAreasLoaded {
    const TOPICS: &'static [crate::events::Topic] = &[crate::events::Topic::Reference];
    const TYPE: &'static str = "UrbanAreasLoaded";
    const VERSION: u32 = 1;

    fn project(&self, at: &Projection) -> Result<()> {
        store(at.conn, &parse(&self.geojson)?)
    }
}
