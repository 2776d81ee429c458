//! `redshield dispatch …`: the dispatch clock, on the device.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use redshield_core::api::{Dispatch, DispatchStep, FieldCore, NewDispatch};
use serde_json::json;

use crate::device::place::PlaceArgs;
use crate::failure::Failure;
use crate::output::{Output, to_json};
use crate::values::every;

#[derive(Subcommand)]
pub enum DispatchCommand {
    /// Send a vehicle to a case's site: the on-scene clock starts (30 min in town, 60 outside).
    New {
        #[arg(long)]
        case: String,
        #[arg(long)]
        vehicle: String,
        /// The site's position.
        #[command(flatten)]
        site: PlaceArgs,
        #[arg(long)]
        site_text: Option<String>,
    },
    /// The next step, confirmed by the officer.
    Step {
        id: String,
        #[arg(value_parser = every::<DispatchStep>())]
        step: DispatchStep,
    },
    /// A case's dispatches.
    List {
        #[arg(long)]
        case: String,
    },
    /// Replace the urban areas from a GeoJSON file of polygons.
    Areas { file: PathBuf },
}

pub fn run(core: &FieldCore, command: DispatchCommand, out: &Output) -> Result<ExitCode, Failure> {
    let list = match command {
        DispatchCommand::New {
            case,
            vehicle,
            site,
            site_text,
        } => vec![core.dispatch(NewDispatch {
            case_id: case,
            vehicle,
            site: site.position(),
            site_text,
        })?],
        DispatchCommand::Step { id, step } => vec![core.advance_dispatch(id, step)?],
        DispatchCommand::List { case } => core.case_dispatches(case)?,
        DispatchCommand::Areas { file } => {
            let n = core.load_urban_areas(file.to_string_lossy().into_owned())?;
            return Ok(out.print(json!({ "areas": n }), || format!("{n} urban areas loaded")));
        }
    };
    let value = json!({ "dispatches": to_json(&list) });
    Ok(out.print(value, || {
        list.iter().map(line).collect::<Vec<_>>().join("\n")
    }))
}

fn line(d: &Dispatch) -> String {
    format!(
        "{}  {}  {} ({} min{})  on scene: {}",
        d.id,
        d.vehicle,
        d.area.as_str(),
        d.target_minutes,
        d.area_name
            .as_ref()
            .map_or(String::new(), |n| format!(", {n}")),
        d.on_scene_state.as_str()
    )
}
