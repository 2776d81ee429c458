//! Rule-set parameters the centre sets for its devices (reference data): the
//! on-site targets and how arrival is proven, the Art. 17 flag thresholds, how far GPS and
//! odometer may disagree, how long a trip may stay open before the statistics stop taking it
//! for one under way. The statutory periods are law and stay in `clocks::rules`. The
//! defaults are the seed reports' and regulations.md's figures; the centre publishes a whole
//! set (`ParametersPublished`) and a device applies it with its record of the event, so a
//! replay of the log reads each event under the parameters then in force.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::rulebook::PendingCases;

/// The tables this module writes (`journal::PROJECTIONS` gathers the projections).
pub const TABLES: crate::tables::Tables = crate::tables::Tables {
    projections: &["rule_parameters"],
    kept: &[],
};

/// Every figure whole (a signed body holds no floating point).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct Parameters {
    /// On site within this many minutes of dispatch inside an urban area …
    pub on_scene_urban_minutes: u32,
    /// … and elsewhere.
    pub on_scene_remote_minutes: u32,
    /// A fix proves arrival only within this many metres of the site …
    pub arrival_radius_m: u32,
    /// … and only if accurate to this many metres.
    pub arrival_accuracy_m: u32,
    /// Art. 17(2)'s "short time" (短期内), in days: the window of the repeated-complaint and
    /// concert flags, and of the centre's hotspot leads.
    pub flag_window_days: u32,
    /// Complaints against one business within the window, the one looked at included, that
    /// make a **hotspot lead** for the centre — many consumers against one shop is a sign of a
    /// bad shop, not of abuse, so never an Art. 17 flag. (The name is the one published bodies
    /// have carried since before the hotspot was told apart.)
    pub flag_complaints_in_window: u32,
    /// Art. 17(1): a quantity bought above this raises a flag.
    pub flag_quantity: u32,
    /// Art. 17(2): complaints by one complainant against one business or one kind of goods
    /// within the window, the one looked at included, that raise a flag. Absent from bodies
    /// published before it existed: the default.
    #[serde(default = "same_complainant_default")]
    pub flag_same_complainant_complaints: u32,
    /// Art. 17(2): complaints by different complainants with the same fact text, or through
    /// the same agent, within the window, the one looked at included, that raise a flag.
    /// Absent from older bodies: the default.
    #[serde(default = "concerted_default")]
    pub flag_concerted_complaints: u32,
    /// A trip is flagged when GPS and odometer kilometres differ by more than this share (%)
    /// of the larger.
    pub odometer_tolerance_percent: u32,
    /// A trip still open this many hours after it started is reported as not ended and
    /// attracts no cases after that time (regulations.md, statistics). Sets published before
    /// the field existed read the default.
    #[serde(default = "default_open_trip_limit_hours")]
    #[cfg_attr(feature = "ffi", uniffi(default = 16))]
    pub open_trip_limit_hours: u32,
    /// Which rules a case received before 2026-04-15 follows from that day on (Order No. 121
    /// has no transitional clause: the centre's legal officer decides). Absent from bodies
    /// published before it existed: by date of receipt.
    #[serde(default = "by_receipt")]
    pub pending_cases: PendingCases,
}

fn default_open_trip_limit_hours() -> u32 {
    DEFAULT.open_trip_limit_hours
}

fn same_complainant_default() -> u32 {
    DEFAULT.flag_same_complainant_complaints
}

fn concerted_default() -> u32 {
    DEFAULT.flag_concerted_complaints
}

fn by_receipt() -> PendingCases {
    PendingCases::ByReceipt
}

pub const DEFAULT: Parameters = Parameters {
    on_scene_urban_minutes: 30,
    on_scene_remote_minutes: 60,
    arrival_radius_m: 150,
    arrival_accuracy_m: 50,
    flag_window_days: 30,
    flag_complaints_in_window: 5,
    flag_quantity: 10,
    flag_same_complainant_complaints: 3,
    flag_concerted_complaints: 2,
    odometer_tolerance_percent: 10,
    open_trip_limit_hours: 16,
    pending_cases: PendingCases::ByReceipt,
};

impl Parameters {
    /// `open_trip_limit_hours` in ms.
    pub fn open_trip_limit_ms(&self) -> i64 {
        i64::from(self.open_trip_limit_hours) * 3_600_000
    }
}

/// Each figure within bounds a real centre could mean; the urban target no longer than the
/// remote one.
pub fn check(p: &Parameters) -> Result<()> {
    let bounds: [(&str, u32, u32, u32); 11] = [
        ("on_scene_urban_minutes", p.on_scene_urban_minutes, 5, 240),
        ("on_scene_remote_minutes", p.on_scene_remote_minutes, 5, 480),
        ("arrival_radius_m", p.arrival_radius_m, 20, 2000),
        ("arrival_accuracy_m", p.arrival_accuracy_m, 5, 500),
        ("flag_window_days", p.flag_window_days, 1, 365),
        (
            "flag_complaints_in_window",
            p.flag_complaints_in_window,
            2,
            1000,
        ),
        ("flag_quantity", p.flag_quantity, 1, 1_000_000),
        (
            "flag_same_complainant_complaints",
            p.flag_same_complainant_complaints,
            2,
            1000,
        ),
        (
            "flag_concerted_complaints",
            p.flag_concerted_complaints,
            2,
            1000,
        ),
        (
            "odometer_tolerance_percent",
            p.odometer_tolerance_percent,
            1,
            100,
        ),
        // From an hour to a week: a longer outing is not one trip.
        ("open_trip_limit_hours", p.open_trip_limit_hours, 1, 168),
    ];
    for (field, value, low, high) in bounds {
        if !(low..=high).contains(&value) {
            return Err(Error::invalid(
                field,
                format!("{value} is not within {low}..={high}"),
            ));
        }
    }
    if p.on_scene_urban_minutes > p.on_scene_remote_minutes {
        return Err(Error::invalid(
            "on_scene_urban_minutes",
            "the urban target is longer than the remote one",
        ));
    }
    Ok(())
}

/// The parameters in force on this store: the centre's last, else the defaults.
pub fn current(conn: &Connection) -> Result<Parameters> {
    let text: Option<String> = conn
        .query_row("SELECT parameters FROM rule_parameters", [], |r| r.get(0))
        .optional()?;
    match text {
        None => Ok(DEFAULT),
        Some(text) => serde_json::from_str(&text)
            .map_err(|e| Error::damaged("rule_parameters", e.to_string())),
    }
}

pub fn store(conn: &Connection, p: &Parameters) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO rule_parameters (singleton, parameters) VALUES (1, ?1)",
        [crate::store::to_json(p)?],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_pass_and_figures_out_of_bounds_do_not() {
        check(&DEFAULT).unwrap();
        let slow = Parameters {
            on_scene_urban_minutes: 90,
            ..DEFAULT
        };

        assert!(check(&slow).unwrap_err().to_string().contains("longer"));
        let zero = Parameters {
            arrival_radius_m: 0,
            ..DEFAULT
        };
        assert!(
            check(&zero)
                .unwrap_err()
                .to_string()
                .contains("arrival_radius_m")
        );
        let forever = Parameters {
            open_trip_limit_hours: 0,
            ..DEFAULT
        };
        assert!(
            check(&forever)
                .unwrap_err()
                .to_string()
                .contains("open_trip_limit_hours")
        );
        let one = Parameters {
            flag_same_complainant_complaints: 1,
            ..DEFAULT
        };
        assert!(
            check(&one)
                .unwrap_err()
                .to_string()
                .contains("flag_same_complainant_complaints")
        );
    }

    /// regulations.md: "A trip left open longer than a centre parameter (default 16 hours)":
    /// a set published before the field existed reads with the default, on the device and in
    /// the store alike.
    #[test]
    fn a_set_published_without_the_open_trip_limit_reads_sixteen_hours() {
        let mut old = serde_json::to_value(DEFAULT).unwrap();
        old.as_object_mut().unwrap().remove("open_trip_limit_hours");
        old["flag_quantity"] = 3.into();
        let read: Parameters = serde_json::from_value(old.clone()).unwrap();
        assert_eq!(read.open_trip_limit_hours, 16);
        assert_eq!(read.flag_quantity, 3);
        assert_eq!(read.open_trip_limit_ms(), 16 * 3_600_000);

        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE rule_parameters (singleton INTEGER PRIMARY KEY, parameters TEXT)",
        )
        .unwrap();
        conn.execute(
            "INSERT INTO rule_parameters (singleton, parameters) VALUES (1, ?1)",
            [old.to_string()],
        )
        .unwrap();
        assert_eq!(current(&conn).unwrap(), read);
        // An unknown field is still refused: a typo is no parameter.
        let mut typo = serde_json::to_value(DEFAULT).unwrap();
        typo["open_trip_limit_hour"] = 8.into();
        assert!(serde_json::from_value::<Parameters>(typo).is_err());
    }

    /// A body the centre published before the Art. 17(2) thresholds existed still reads,
    /// with the defaults for them.
    #[test]
    fn an_older_published_body_reads_with_the_new_thresholds_defaulted() {
        let older = r#"{"on_scene_urban_minutes":30,"on_scene_remote_minutes":60,
            "arrival_radius_m":150,"arrival_accuracy_m":50,"flag_window_days":14,
            "flag_complaints_in_window":6,"flag_quantity":12,"odometer_tolerance_percent":10}"#;
        let p: Parameters = serde_json::from_str(older).unwrap();
        assert_eq!(p.flag_window_days, 14);
        assert_eq!(p.flag_complaints_in_window, 6);
        assert_eq!(
            p.flag_same_complainant_complaints,
            DEFAULT.flag_same_complainant_complaints
        );
        assert_eq!(
            p.flag_concerted_complaints,
            DEFAULT.flag_concerted_complaints
        );
        assert_eq!(p.open_trip_limit_hours, 16);
        assert_eq!(
            p.pending_cases,
            PendingCases::ByReceipt,
            "by date of receipt"
        );
        check(&p).unwrap();
    }
}
