//! The dispatch clock on a real store: targets from urban-area polygons, steps forward only,
//! arrival confirmed or detected from the vehicle's trip fixes.

use redshield_core::clocks::ClockState;
use redshield_core::dispatch::{AreaType, DispatchStep, NewDispatch};
use redshield_core::position::GeoPosition;
use redshield_core::trips::{Fix, NewTrip, Purpose};
use redshield_testkit::{complaint, device_in};

/// A square around the centre of Changsha.
const URBAN: &str = r#"{"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "长沙市区"},
   "geometry": {"type": "Polygon", "coordinates": [[[112.90, 28.10], [113.10, 28.10],
      [113.10, 28.30], [112.90, 28.30], [112.90, 28.10]]]}}]}"#;

fn site(lat: f64, lon: f64) -> Option<GeoPosition> {
    Some(GeoPosition {
        latitude: lat,
        longitude: lon,
        accuracy_m: None,
    })
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[test]
fn the_target_follows_the_urban_areas_and_steps_go_forward_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(&dir.path().join("store"));
    let areas = dir.path().join("urban.geojson");
    std::fs::write(&areas, URBAN).unwrap();
    assert_eq!(device.load_urban_areas(&areas).unwrap(), 1);
    let case = device.open_case(&complaint(1)).unwrap();
    let new = |site| NewDispatch {
        case_id: case.number.clone(),
        vehicle: "湘A·12315".into(),
        site,
        site_text: Some("五一广场".into()),
    };
    let town = device.dispatch(&new(site(28.196, 112.977))).unwrap();
    assert_eq!((town.area, town.target_minutes), (AreaType::Urban, 30));
    assert_eq!(town.area_name.as_deref(), Some("长沙市区"));
    let country = device.dispatch(&new(site(27.9, 113.4))).unwrap();
    assert_eq!(
        (country.area, country.target_minutes),
        (AreaType::Remote, 60)
    );
    let unknown = device.dispatch(&new(None)).unwrap();
    assert_eq!(
        (unknown.area, unknown.target_minutes),
        (AreaType::Unknown, 30)
    );
    assert_eq!(town.on_scene_state, ClockState::Running);

    device
        .advance_dispatch(&town.id, DispatchStep::Acknowledged)
        .unwrap();
    device
        .advance_dispatch(&town.id, DispatchStep::EnRoute)
        .unwrap();
    let back = device.advance_dispatch(&town.id, DispatchStep::Acknowledged);
    assert!(back.unwrap_err().to_string().contains("cannot follow"));
    let arrived = device
        .advance_dispatch(&town.id, DispatchStep::OnScene)
        .unwrap();
    assert_eq!(arrived.on_scene_state, ClockState::Met);
    assert!(!arrived.arrival_detected);
    assert_eq!(device.case_dispatches(&case.id).unwrap().len(), 3);

    // Not GeoJSON polygons: refused, the areas loaded before stay.
    std::fs::write(&areas, r#"{"type": "FeatureCollection", "features": [{"geometry": {"type": "Point", "coordinates": [1, 2]}}]}"#).unwrap();
    assert!(device.load_urban_areas(&areas).is_err());
    let again = device.dispatch(&new(site(28.196, 112.977))).unwrap();
    assert_eq!(again.area, AreaType::Urban);

    device.rebuild_projections().unwrap();
    assert_eq!(device.case_dispatches(&case.id).unwrap()[0], arrived);
}

/// regulations.md, "Statistics the centres report", on-scene time: "where no urban areas are
/// loaded, the area type is 'unknown', not 'remote'". Its target is the urban one (the
/// stricter); once areas are loaded, the same site out of town is remote.
#[test]
fn without_urban_areas_a_site_is_of_unknown_area_not_remote() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(&dir.path().join("store"));
    let case = device.open_case(&complaint(3)).unwrap();
    let new = NewDispatch {
        case_id: case.id.clone(),
        vehicle: "湘A·12315".into(),
        site: site(27.9, 113.4),
        site_text: None,
    };
    let before = device.dispatch(&new).unwrap();
    assert_eq!(
        (before.area, before.target_minutes, before.area_name),
        (AreaType::Unknown, 30, None)
    );
    let areas = dir.path().join("urban.geojson");
    std::fs::write(&areas, URBAN).unwrap();
    device.load_urban_areas(&areas).unwrap();
    let after = device.dispatch(&new).unwrap();
    assert_eq!((after.area, after.target_minutes), (AreaType::Remote, 60));
    // The area was decided when dispatched, and a replay reads it so.
    device.rebuild_projections().unwrap();
    let areas: Vec<AreaType> = device
        .case_dispatches(&case.id)
        .unwrap()
        .iter()
        .map(|d| d.area)
        .collect();
    assert_eq!(areas, [AreaType::Unknown, AreaType::Remote]);
}

#[test]
fn arrival_is_detected_from_an_accurate_fix_near_the_site() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = device_in(dir.path());
    let case = device.open_case(&complaint(2)).unwrap();
    let (lat, lon) = (28.196, 112.977);
    let dispatch = device
        .dispatch(&NewDispatch {
            case_id: case.id.clone(),
            vehicle: "湘A·12315".into(),
            site: site(lat, lon),
            site_text: None,
        })
        .unwrap();
    let trip = device
        .start_trip(&NewTrip {
            vehicle: "湘A·12315".into(),
            crew: vec!["李明".into()],
            crew_count: None,
            purpose: Purpose::Dispatch,
            case_id: Some(case.id.clone()),
            odometer_km: None,
            odometer_photo: None,
            started_at_ms: None,
        })
        .unwrap();
    let t = now_ms();
    let fix = |dlat: f64, accuracy: f64, dt: i64, mock: bool| {
        let mut f = Fix::at(lat + dlat, lon, t + dt);
        f.accuracy_m = Some(accuracy);
        f.mock = mock;
        f
    };
    // 1.1 km away; then 55 m away but only 80 m accurate; then a mock location on the site.
    device
        .record_fixes(
            &trip.id,
            &[
                fix(0.01, 5.0, 1000, false),
                fix(0.0005, 80.0, 2000, false),
                fix(0.0, 5.0, 3000, true),
            ],
        )
        .unwrap();
    let waiting = &device.case_dispatches(&case.id).unwrap()[0];
    assert_eq!(waiting.on_scene_at_ms, None);
    // 55 m away, 8 m accurate: on scene at that fix's time, the fix kept as proof.
    device
        .record_fixes(&trip.id, &[fix(0.0005, 8.0, 4000, false)])
        .unwrap();
    let arrived = device.case_dispatches(&case.id).unwrap().remove(0);
    assert_eq!(arrived.id, dispatch.id);
    assert_eq!(arrived.on_scene_at_ms, Some(t + 4000));
    assert!(arrived.arrival_detected);
    assert!((arrived.proving_fix.unwrap().latitude - (lat + 0.0005)).abs() < 1e-7);
    assert_eq!(arrived.on_scene_state, ClockState::Met);
    // Later fixes near the site change nothing.
    device
        .record_fixes(&trip.id, &[fix(0.0, 5.0, 5000, false)])
        .unwrap();
    assert_eq!(
        device.case_dispatches(&case.id).unwrap()[0].on_scene_at_ms,
        Some(t + 4000)
    );
}
