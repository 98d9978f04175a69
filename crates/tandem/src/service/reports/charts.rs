//! The report's four charts (SPEC §7 `report.svg?chart=…`), drawn on the server
//! as SVG from a template: bars with their values written beside them, a title
//! and a description for screen readers, and the same figures as a table for
//! the page to show next to each.
use super::{gather, ReportData};
use crate::error::{AppError, AppResult};
use crate::service::accounts::Caller;
use crate::state::AppState;
use askama::Template;

/// Which chart.
pub use crate::domain::wire::Chart as ChartKind;

/// The chart named in a request: 422 naming `chart` for any other name.
pub fn chart_named(raw: &str) -> AppResult<ChartKind> {
    ChartKind::parse(raw).map_err(|e| AppError::field("chart", e))
}

/// One bar: its label, its value in words, and how long it is (0–1).
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value: String,
    pub share: f64,
    pub color: &'static str,
}

/// A chart's figures: what the SVG draws and the table beside it shows.
#[derive(Debug, Clone)]
pub struct Chart {
    pub kind: ChartKind,
    pub title: String,
    pub description: String,
    /// The header of the table's two columns.
    pub columns: (&'static str, &'static str),
    pub bars: Vec<Bar>,
    /// Bars side by side (a time series) rather than stacked rows.
    pub upright: bool,
}

const BLUE: &str = "#2f5d8a";
const GREEN: &str = "#2e7d4f";
const AMBER: &str = "#b26a00";
const RED: &str = "#b3261e";
const GREY: &str = "#9aa3ad";

fn share(value: f64, max: f64) -> f64 {
    if max > 0.0 {
        (value / max).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

fn percent(v: f64) -> String {
    format!("{}%", (v * 100.0).round())
}

/// The figures of one chart.
pub fn chart(data: &ReportData, kind: ChartKind) -> Chart {
    let r = &data.report;
    match kind {
        ChartKind::Funnel => {
            let f = &r.funnel;
            let steps = [
                ("Mentees enrolled", f.enrolled_mentees),
                ("Sent a request", f.requested),
                ("Matched", f.matched),
                ("Met at least once", f.first_meeting),
            ];
            let max = f.enrolled_mentees.max(1) as f64;
            Chart {
                kind,
                title: "From enrolment to a first meeting".into(),
                description: format!(
                    "Of {} mentees enrolled, {} sent a request, {} were matched and {} met their mentor at least once.",
                    f.enrolled_mentees, f.requested, f.matched, f.first_meeting
                ),
                columns: ("Step", "Mentees"),
                bars: steps
                    .iter()
                    .map(|(label, n)| Bar {
                        label: (*label).into(),
                        value: n.to_string(),
                        share: share(*n as f64, max),
                        color: BLUE,
                    })
                    .collect(),
                upright: false,
            }
        }
        ChartKind::MeetingsPerMonth => {
            let max = data.per_month.iter().map(|(_, n)| *n).max().unwrap_or(0) as f64;
            let total: i64 = data.per_month.iter().map(|(_, n)| n).sum();
            Chart {
                kind,
                title: "Meetings held per month".into(),
                description: format!(
                    "{total} meetings held over the last twelve months, {} to {}.",
                    data.per_month.first().map(|m| m.0.as_str()).unwrap_or(""),
                    data.per_month.last().map(|m| m.0.as_str()).unwrap_or("")
                ),
                columns: ("Month", "Meetings held"),
                bars: data
                    .per_month
                    .iter()
                    .map(|(month, n)| Bar {
                        label: month_label(month),
                        value: n.to_string(),
                        share: share(*n as f64, max),
                        color: BLUE,
                    })
                    .collect(),
                upright: true,
            }
        }
        ChartKind::Health => {
            let get = |k: &str| r.health.get(k).copied().unwrap_or(0);
            let rows = [
                ("On track", get("on_track"), GREEN),
                ("At risk", get("at_risk"), AMBER),
                ("Stalled", get("stalled"), RED),
            ];
            let max = rows.iter().map(|r| r.1).max().unwrap_or(0) as f64;
            Chart {
                kind,
                title: "How the active relationships are doing".into(),
                description: format!(
                    "Of {} active relationships, {} are on track, {} at risk and {} stalled.",
                    r.active_mentorships, rows[0].1, rows[1].1, rows[2].1
                ),
                columns: ("Health", "Relationships"),
                bars: rows
                    .iter()
                    .map(|(label, n, color)| Bar {
                        label: (*label).into(),
                        value: n.to_string(),
                        share: share(*n as f64, max),
                        color,
                    })
                    .collect(),
                upright: false,
            }
        }
        ChartKind::Retention => {
            let words: Vec<String> = r
                .retention
                .iter()
                .map(|p| match p.still_running {
                    Some(v) => format!("{} at {} days", percent(v), p.day),
                    None => format!("not yet known at {} days", p.day),
                })
                .collect();
            Chart {
                kind,
                title: "Relationships not ended early".into(),
                description: format!(
                    "The share of relationships still going (or completed) after their start: {}.",
                    words.join(", ")
                ),
                columns: ("Days after the start", "Not ended early"),
                bars: r
                    .retention
                    .iter()
                    .map(|p| Bar {
                        label: format!("{} days", p.day),
                        value: p
                            .still_running
                            .map(percent)
                            .unwrap_or_else(|| "not yet".into()),
                        share: p.still_running.unwrap_or(0.0),
                        color: if p.still_running.is_some() {
                            GREEN
                        } else {
                            GREY
                        },
                    })
                    .collect(),
                upright: true,
            }
        }
    }
}

fn month_label(month: &str) -> String {
    const NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let m: usize = month.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(0);
    match NAMES.get(m.wrapping_sub(1)) {
        Some(name) => format!("{name} {}", month.get(2..4).unwrap_or("")),
        None => month.to_string(),
    }
}

/// A drawn bar, in the SVG's coordinates.
struct Drawn {
    label: String,
    value: String,
    color: &'static str,
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    label_x: f64,
    label_y: f64,
    value_x: f64,
    value_y: f64,
}

#[derive(Template)]
#[template(path = "chart.svg")]
struct ChartSvg<'a> {
    id: &'a str,
    title: &'a str,
    description: &'a str,
    width: f64,
    height: f64,
    upright: bool,
    baseline: f64,
    bars: Vec<Drawn>,
}

const WIDTH: f64 = 640.0;

/// The chart as an SVG document.
pub fn svg(c: &Chart) -> AppResult<String> {
    let n = c.bars.len().max(1) as f64;
    let (height, bars, baseline) = if c.upright {
        let height = 260.0;
        let (top, bottom) = (24.0, 216.0);
        let slot = (WIDTH - 40.0) / n;
        let bars = c
            .bars
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let h = (bottom - top) * b.share;
                let x = 20.0 + slot * i as f64 + slot * 0.15;
                Drawn {
                    label: b.label.clone(),
                    value: b.value.clone(),
                    color: b.color,
                    x,
                    y: bottom - h,
                    w: slot * 0.7,
                    h,
                    label_x: x + slot * 0.35,
                    label_y: bottom + 18.0,
                    value_x: x + slot * 0.35,
                    value_y: bottom - h - 6.0,
                }
            })
            .collect();
        (height, bars, bottom)
    } else {
        let row = 40.0;
        let height = 16.0 + row * n;
        let (left, right) = (190.0, WIDTH - 70.0);
        let bars = c
            .bars
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let y = 12.0 + row * i as f64;
                let w = ((right - left) * b.share).max(if b.share > 0.0 { 2.0 } else { 0.0 });
                Drawn {
                    label: b.label.clone(),
                    value: b.value.clone(),
                    color: b.color,
                    x: left,
                    y,
                    w,
                    h: 26.0,
                    label_x: left - 10.0,
                    label_y: y + 18.0,
                    value_x: left + w + 8.0,
                    value_y: y + 18.0,
                }
            })
            .collect();
        (height, bars, 0.0)
    };
    ChartSvg {
        id: c.kind.as_str(),
        title: &c.title,
        description: &c.description,
        width: WIDTH,
        height,
        upright: c.upright,
        baseline,
        bars,
    }
    .render()
    .map_err(|e| AppError::Other(e.into()))
}

/// `report.svg?chart=…`, for those who run the program.
pub async fn report_svg(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
    kind: &str,
) -> AppResult<String> {
    let data = gather(state, caller, program_id, false).await?;
    let kind = chart_named(kind)?;
    svg(&chart(&data, kind))
}
