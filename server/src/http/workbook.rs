//! The statistics as an `.xlsx` workbook (`rust_xlsxwriter`, in the server only): sheets 全中心,
//! 按车辆, 按人员 of the figures, 到场时间 and 按渠道.

use redshield_core::cases::Channel;
use redshield_core::dispatch::AreaType;
use redshield_core::statistics::clock_report::OnScene;
use redshield_core::statistics::figures::ByChannel;
use redshield_core::statistics::{Figures, Statistics};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

/// What a cell of a figures sheet holds.
enum Cell {
    Text(String),
    Count(u64),
    /// A share, shown as a percentage; blank when nothing was counted.
    Rate(Option<f64>),
    /// Fen, written as yuan with two decimals.
    Yuan(i64),
    Decimal(Option<f64>),
}

/// A column: its header, and what it shows of a row.
type Column<T> = (&'static str, fn(&T) -> Cell);

/// The columns of the 全中心 / 按车辆 / 按人员 sheets, in order.
const COLUMNS: &[Column<Figures>] = &[
    ("咨询（件）", |f| Cell::Count(f.consultations)),
    ("投诉（件）", |f| Cell::Count(f.complaints)),
    ("举报（件）", |f| Cell::Count(f.reports)),
    ("咨询解答（件）", |f| {
        Cell::Count(f.consultations_answered)
    }),
    ("受理投诉（件）", |f| Cell::Count(f.accepted)),
    ("投诉办结（件）", |f| {
        Cell::Count(f.complaint_handling.ended)
    }),
    ("本期投诉截至报告日办结（件）", |f| {
        Cell::Count(f.complaint_handling.cohort_ended)
    }),
    ("投诉办结率", |f| {
        Cell::Rate(f.complaint_handling.completion_rate)
    }),
    ("投诉按时办结（件）", |f| {
        Cell::Count(f.complaint_handling.ended_on_time)
    }),
    ("投诉按时办结率", |f| {
        Cell::Rate(f.complaint_handling.on_time_rate)
    }),
    ("举报办结（件）", |f| {
        Cell::Count(f.report_handling.ended)
    }),
    ("本期举报截至报告日办结（件）", |f| {
        Cell::Count(f.report_handling.cohort_ended)
    }),
    ("举报办结率", |f| {
        Cell::Rate(f.report_handling.completion_rate)
    }),
    ("举报按时办结（件）", |f| {
        Cell::Count(f.report_handling.ended_on_time)
    }),
    ("举报按时办结率", |f| {
        Cell::Rate(f.report_handling.on_time_rate)
    }),
    ("到期法定时限（个）", |f| {
        Cell::Count(f.clocks_ended)
    }),
    ("其中按时（个）", |f| Cell::Count(f.clocks_met)),
    ("法定时限按时率（按时限计）", |f| {
        Cell::Rate(f.clocks_met_share)
    }),
    ("调解协议（份）", |f| Cell::Count(f.agreements)),
    ("挽回经济损失（元）", |f| {
        Cell::Yuan(f.recovered_fen)
    }),
    ("回访（次）", |f| Cell::Count(f.follow_ups)),
    ("评分回访（次）", |f| Cell::Count(f.scored)),
    ("平均满意度（5分制）", |f| {
        Cell::Decimal(f.mean_score)
    }),
    ("表态回访（次）", |f| Cell::Count(f.worded)),
    ("非常满意+满意（次）", |f| Cell::Count(f.satisfied)),
    ("满意率", |f| Cell::Rate(f.satisfied_share)),
    ("出动维权车辆（次）", |f| {
        Cell::Count(f.mileage.trips)
    }),
    ("其中派遣出车（次）", |f| {
        Cell::Count(f.mileage.dispatch_trips)
    }),
    ("维权人员（人次）", |f| {
        Cell::Count(f.mileage.staff_trips)
    }),
    ("行程（公里）", |f| Cell::Decimal(Some(f.mileage.km))),
    ("GPS里程（公里）", |f| {
        Cell::Decimal(Some(f.mileage.gps_km))
    }),
    ("里程表里程（公里）", |f| {
        Cell::Decimal(Some(f.mileage.odometer_km))
    }),
    ("有里程表读数的出车（次）", |f| {
        Cell::Count(f.mileage.odometer_trips)
    }),
    ("无里程数据的出车（次）", |f| {
        Cell::Count(f.mileage.trips_without_km)
    }),
    ("未结束的出车（次）", |f| {
        Cell::Count(f.mileage.open_trips)
    }),
    ("其中超时未结束（次）", |f| {
        Cell::Count(f.mileage.left_open_trips)
    }),
];

/// The channel sheet's columns after its two key columns.
const BY_CHANNEL: &[Column<ByChannel>] = &[
    ("咨询（件）", |c| Cell::Count(c.consultations)),
    ("投诉（件）", |c| Cell::Count(c.complaints)),
    ("举报（件）", |c| Cell::Count(c.reports)),
];

/// The on-scene sheet's columns after its two key columns.
const ON_SCENE: &[Column<OnScene>] = &[
    ("派遣（次）", |o| Cell::Count(o.dispatches)),
    ("到场（次）", |o| Cell::Count(o.arrived)),
    ("按时到场（次）", |o| Cell::Count(o.met)),
    ("到场时间中位数（分钟）", |o| {
        Cell::Decimal(o.median_minutes)
    }),
    ("到场时间P90（分钟）", |o| {
        Cell::Decimal(o.p90_minutes)
    }),
];

struct Formats {
    bold: Format,
    rate: Format,
    decimal: Format,
}

/// The workbook: one sheet per breakdown, each stating the period, the cohort and the
/// report date; numbers as numeric cells.
pub fn workbook(statistics: &Statistics) -> Result<Vec<u8>, XlsxError> {
    let formats = Formats {
        bold: Format::new().set_bold(),
        rate: Format::new().set_num_format("0.00%"),
        decimal: Format::new().set_num_format("0.00"),
    };
    let mut book = Workbook::new();
    let sheets: [(&str, &str, Vec<&Figures>); 3] = [
        ("全中心", "范围", vec![&statistics.centre]),
        ("按车辆", "车辆", statistics.by_vehicle.iter().collect()),
        ("按人员", "执法证号", statistics.by_officer.iter().collect()),
    ];
    for (name, key, rows) in sheets {
        figures_sheet(&mut book, statistics, (name, key), &rows, &formats)?;
    }
    on_scene_sheet(&mut book, statistics, &formats)?;
    channel_sheet(&mut book, statistics, &formats)?;
    book.save_to_buffer()
}

/// A sheet of figures rows (`COLUMNS`) under its `name`, keyed by `key` (and the officer's
/// name on 按人员).
fn figures_sheet(
    book: &mut Workbook,
    statistics: &Statistics,
    (name, key): (&str, &str),
    rows: &[&Figures],
    formats: &Formats,
) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet().set_name(name)?;
    let start = preamble(sheet, statistics, name, formats)?;
    let mut headers = vec![key];
    if name == "按人员" {
        headers.push("姓名");
    }
    let keys = headers.len() as u16;
    headers.extend(COLUMNS.iter().map(|(h, _)| *h));
    header_row(sheet, start, &headers, formats)?;
    for (i, figures) in rows.iter().enumerate() {
        let row = start + 1 + i as u32;
        let label = if figures.key == "total" {
            "全中心".to_string()
        } else {
            figures.key.clone()
        };
        write(sheet, row, 0, Cell::Text(label), formats)?;
        if keys == 2 {
            write(sheet, row, 1, Cell::Text(figures.name.clone()), formats)?;
        }
        for (col, (_, value)) in COLUMNS.iter().enumerate() {
            write(sheet, row, keys + col as u16, value(figures), formats)?;
        }
    }
    Ok(())
}

/// The centre's and each vehicle's rows, in that order.
fn scopes(statistics: &Statistics) -> impl Iterator<Item = (&str, &Figures)> {
    let vehicles = statistics.by_vehicle.iter().map(|f| (f.key.as_str(), f));
    std::iter::once(("全中心", &statistics.centre)).chain(vehicles)
}

/// 到场时间: per scope, one row per area type.
fn on_scene_sheet(
    book: &mut Workbook,
    statistics: &Statistics,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet().set_name("到场时间")?;
    let start = preamble(sheet, statistics, "到场时间", formats)?;
    let mut headers = vec!["范围", "区域类型"];
    headers.extend(ON_SCENE.iter().map(|(h, _)| *h));
    header_row(sheet, start, &headers, formats)?;
    let mut row = start + 1;
    for (scope, figures) in scopes(statistics) {
        for area in &figures.on_scene {
            let name = area_name(area.area).to_string();
            write(sheet, row, 0, Cell::Text(scope.to_string()), formats)?;
            write(sheet, row, 1, Cell::Text(name), formats)?;
            for (col, (_, value)) in ON_SCENE.iter().enumerate() {
                write(sheet, row, 2 + col as u16, value(area), formats)?;
            }
            row += 1;
        }
    }
    Ok(())
}

/// 按渠道: per scope, the cases received through each channel, per kind.
fn channel_sheet(
    book: &mut Workbook,
    statistics: &Statistics,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet().set_name("按渠道")?;
    let start = preamble(sheet, statistics, "按渠道", formats)?;
    let mut headers = vec!["范围", "渠道"];
    headers.extend(BY_CHANNEL.iter().map(|(h, _)| *h));
    header_row(sheet, start, &headers, formats)?;
    let mut row = start + 1;
    for (scope, figures) in scopes(statistics) {
        for received in &figures.received_by_channel {
            let name = channel_name(received.channel).to_string();
            write(sheet, row, 0, Cell::Text(scope.to_string()), formats)?;
            write(sheet, row, 1, Cell::Text(name), formats)?;
            for (col, (_, value)) in BY_CHANNEL.iter().enumerate() {
                write(sheet, row, 2 + col as u16, value(received), formats)?;
            }
            row += 1;
        }
    }
    Ok(())
}

fn channel_name(channel: Channel) -> &'static str {
    match channel {
        Channel::VehicleWalkIn => "流动维权车现场",
        Channel::Hotline => "12315热线",
        Channel::NationalPlatform => "全国12315平台",
        Channel::ServiceStation => "消费维权服务站",
        Channel::Letter => "来信",
    }
}

fn area_name(area: AreaType) -> &'static str {
    match area {
        AreaType::Urban => "城区（30分钟）",
        AreaType::Remote => "偏远（60分钟）",
        // No position, or no urban areas loaded: the urban target applies.
        AreaType::Unknown => "区域不明（按城区时限）",
    }
}

/// The sheet's title, period, cohort, report date and any device left out; returns the header
/// row's index.
fn preamble(
    sheet: &mut Worksheet,
    statistics: &Statistics,
    name: &str,
    formats: &Formats,
) -> Result<u32, XlsxError> {
    let period = &statistics.period;
    sheet.write_string_with_format(0, 0, format!("12315 统计 · {name}"), &formats.bold)?;
    sheet.write_string(
        1,
        0,
        format!("统计期间：{} 至 {}（北京时间）", period.from, period.to),
    )?;
    sheet.write_string(
        2,
        0,
        format!(
            "办结率队列：{} 至 {} 登记的投诉、举报（分别计），截至报告日 {} 已办结者",
            period.from, period.to, statistics.as_of
        ),
    )?;
    sheet.write_string(3, 0, format!("报告日：{}", statistics.as_of))?;
    // Devices left out, each on its own line above the table: the figures lack their work.
    let mut row = 4;
    for missing in &statistics.left_out {
        let line = format!("未计入：设备 {}（{}）", missing.device, missing.reason);
        sheet.write_string_with_format(row, 0, line, &formats.bold)?;
        row += 1;
    }
    Ok(row + 1)
}

fn header_row(
    sheet: &mut Worksheet,
    row: u32,
    headers: &[&str],
    formats: &Formats,
) -> Result<(), XlsxError> {
    for (col, text) in headers.iter().enumerate() {
        sheet.write_string_with_format(row, col as u16, *text, &formats.bold)?;
        sheet.set_column_width(col as u16, 14)?;
    }
    Ok(())
}

fn write(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: Cell,
    formats: &Formats,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Text(text) => sheet.write_string(row, col, text)?,
        Cell::Count(n) => sheet.write_number(row, col, n as f64)?,
        Cell::Rate(Some(share)) => {
            sheet.write_number_with_format(row, col, share, &formats.rate)?
        }
        Cell::Yuan(fen) => {
            sheet.write_number_with_format(row, col, fen as f64 / 100.0, &formats.decimal)?
        }
        Cell::Decimal(Some(x)) => sheet.write_number_with_format(row, col, x, &formats.decimal)?,
        Cell::Rate(None) | Cell::Decimal(None) => sheet,
    };
    Ok(())
}
