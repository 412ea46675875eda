//! The capacity curve: per-pool p50 (dashed) and p95 (solid) turnaround against the cluster
//! size, in the pools' colours, over the cost of each size (executor-hours, or core-hours in
//! local mode); the turnaround axis is logarithmic when the values span more than
//! [`LOG_RATIO`]×. A target threshold is a grey dashed line; the smallest size meeting the target
//! is marked in both panels.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{
    AXIS, Axis, CAPTION_SIZE, Header, LABEL_SIZE, LegendItem, MUTED, POOL_COLOURS, Swatch, TEXT,
    linear_ticks, log_tick_label, log_ticks, run_colour, style_mesh, text, tick_label,
};
use super::{DrawResult, Plot};

const WIDTH: u32 = 1200;
const TOP_H: u32 = 420;
const BOTTOM_H: u32 = 260;
const MARK: RGBColor = RGBColor(0xE1, 0x57, 0x59);
/// Above this max/min ratio the turnaround axis is logarithmic.
pub const LOG_RATIO: f64 = 20.0;

/// One pool's curves, in milliseconds per size (NaN: no job ended).
#[derive(Clone, Debug, Default)]
pub struct CapacityPool {
    pub name: String,
    pub p50_ms: Vec<f64>,
    pub p95_ms: Vec<f64>,
}

/// What to draw.
#[derive(Clone, Debug, Default)]
pub struct CapacityData {
    pub title: String,
    pub notes: Vec<String>,
    /// What a size counts (`executors`).
    pub unit: String,
    pub sizes: Vec<u32>,
    pub pools: Vec<CapacityPool>,
    /// The cost of each size, in hours, and its name (`executor-hours`).
    pub cost_hours: Vec<f64>,
    pub cost_label: String,
    /// Horizontal thresholds on the turnaround panel: `(label, milliseconds)`.
    pub thresholds: Vec<(String, f64)>,
    /// Index into `sizes` of the smallest size meeting the target.
    pub chosen: Option<usize>,
}

/// The chart, ready to draw.
#[derive(Clone, Debug)]
pub struct CapacityChart {
    header: Header,
    data: CapacityData,
}

/// Builds the chart.
pub fn capacity_chart(data: CapacityData) -> CapacityChart {
    let mut legend: Vec<LegendItem> = data
        .pools
        .iter()
        .enumerate()
        .map(|(i, p)| {
            LegendItem::new(
                Swatch::Line(POOL_COLOURS[i % POOL_COLOURS.len()]),
                format!("{} p95", p.name),
            )
        })
        .collect();
    legend.push(LegendItem::new(Swatch::Dashed(MUTED), "p50 (dashed)"));
    if data.chosen.is_some() {
        legend.push(LegendItem::new(
            Swatch::Fill(MARK),
            "smallest size meeting the target",
        ));
    }
    CapacityChart {
        header: Header::new(&data.title, &data.notes, &legend, WIDTH),
        data,
    }
}

fn x_range(sizes: &[u32]) -> (f64, f64) {
    let lo = sizes.iter().copied().min().unwrap_or(0) as f64;
    let hi = sizes.iter().copied().max().unwrap_or(1) as f64;
    let pad = ((hi - lo) * 0.04).max(0.5);
    (lo - pad, hi + pad)
}

/// The finite `(size, f(value / 1000))` pairs, breaking the line at gaps.
fn segments(sizes: &[u32], values: &[f64], f: impl Fn(f64) -> f64) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for (s, v) in sizes.iter().zip(values) {
        if v.is_finite() {
            if let Some(last) = out.last_mut() {
                last.push((f64::from(*s), f(v / 1000.0)));
            }
        } else if out.last().is_some_and(|l| !l.is_empty()) {
            out.push(Vec::new());
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

impl Plot for CapacityChart {
    fn size(&self) -> (u32, u32) {
        (WIDTH, self.header.height() + TOP_H + BOTTOM_H)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let area = self.header.draw(root)?;
        let d = &self.data;
        if d.sizes.is_empty() {
            return super::style::centred_message(&area, "no sizes");
        }
        let (top, bottom) = area.split_vertically(TOP_H);
        let (xlo, xhi) = x_range(&d.sizes);
        let (xt, xstep) = {
            let (t, s) = linear_ticks(xlo, xhi, 12);
            let t: Vec<f64> = t.into_iter().filter(|v| v.fract() == 0.0).collect();
            (t, s.max(1.0))
        };
        let xl = |v: &f64| tick_label(*v, xstep);
        let chosen_x = d.chosen.and_then(|i| d.sizes.get(i)).map(|&s| f64::from(s));

        // Turnaround panel (seconds); logarithmic when the values span more than 20×.
        let values: Vec<f64> = d
            .pools
            .iter()
            .flat_map(|p| p.p95_ms.iter().chain(&p.p50_ms))
            .chain(d.thresholds.iter().map(|t| &t.1))
            .copied()
            .filter(|v| v.is_finite() && *v > 0.0)
            .map(|v| v / 1000.0)
            .collect();
        let peak = values.iter().copied().fold(0.0, f64::max);
        let low = values.iter().copied().fold(f64::INFINITY, f64::min);
        let log = low.is_finite() && peak / low > LOG_RATIO;
        let (y_lo, y_top, yt, ystep) = if log {
            let (a, b) = (low.log10() - 0.08, peak.log10() + 0.1);
            let ticks = log_ticks(10f64.powf(a), 10f64.powf(b), 8)
                .iter()
                .map(|v| v.log10())
                .collect();
            (a, b, ticks, 0.0)
        } else {
            let top = if peak > 0.0 { peak * 1.12 } else { 1.0 };
            let (t, step) = linear_ticks(0.0, top, 7);
            (0.0, top, t, step)
        };
        // A value in seconds on the y axis.
        let y_of = move |secs: f64| if log { secs.max(1e-9).log10() } else { secs };
        let mut chart = ChartBuilder::on(&top)
            .caption("Turnaround per pool", text(CAPTION_SIZE, &TEXT))
            .margin(14)
            .margin_right(30)
            .x_label_area_size(40)
            .y_label_area_size(80)
            .build_cartesian_2d(Axis::new(xlo, xhi, xt.clone()), Axis::new(y_lo, y_top, yt))?;
        let yl = move |v: &f64| {
            if log {
                log_tick_label(10f64.powf(*v))
            } else {
                tick_label(*v, ystep)
            }
        };
        let mut mesh = chart.configure_mesh();
        style_mesh(&mut mesh);
        mesh.x_label_formatter(&xl)
            .y_label_formatter(&yl)
            .y_desc(if log {
                "turnaround (s, log scale)"
            } else {
                "turnaround (s)"
            })
            .draw()?;
        for (label, ms) in &d.thresholds {
            let y = y_of(ms / 1000.0);
            chart.draw_series(DashedLineSeries::new(
                vec![(xlo, y), (xhi, y)],
                6,
                6,
                AXIS.stroke_width(1),
            ))?;
            let plot = chart.plotting_area();
            let (px, py) = plot.map_coordinate(&(xlo, y));
            let base = top.get_base_pixel();
            top.draw_text(
                label,
                &text(LABEL_SIZE, &MUTED).pos(Pos::new(HPos::Left, VPos::Bottom)),
                (px - base.0 + 6, py - base.1 - 3),
            )?;
        }
        if let Some(x) = chosen_x {
            chart.draw_series(LineSeries::new(
                vec![(x, y_lo), (x, y_top)],
                MARK.stroke_width(2),
            ))?;
        }
        for (i, p) in d.pools.iter().enumerate() {
            let colour = POOL_COLOURS[i % POOL_COLOURS.len()];
            for seg in segments(&d.sizes, &p.p50_ms, y_of) {
                chart.draw_series(DashedLineSeries::new(
                    seg.clone(),
                    7,
                    5,
                    colour.stroke_width(2),
                ))?;
            }
            for seg in segments(&d.sizes, &p.p95_ms, y_of) {
                chart.draw_series(LineSeries::new(seg.clone(), colour.stroke_width(3)))?;
                chart.draw_series(
                    seg.iter()
                        .map(|&(x, y)| Circle::new((x, y), 4, colour.filled())),
                )?;
            }
        }

        // Cost panel.
        let cost_peak = d
            .cost_hours
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        let c_top = if cost_peak > 0.0 {
            cost_peak * 1.15
        } else {
            1.0
        };
        let (ct, cstep) = linear_ticks(0.0, c_top, 5);
        let mut chart = ChartBuilder::on(&bottom)
            .caption(d.cost_label.as_str(), text(CAPTION_SIZE, &TEXT))
            .margin(14)
            .margin_right(30)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(Axis::new(xlo, xhi, xt), Axis::new(0.0, c_top, ct))?;
        let cl = |v: &f64| tick_label(*v, cstep);
        let mut mesh = chart.configure_mesh();
        style_mesh(&mut mesh);
        mesh.x_label_formatter(&xl)
            .y_label_formatter(&cl)
            .x_desc(d.unit.as_str())
            .y_desc("hours")
            .draw()?;
        if let Some(x) = chosen_x {
            chart.draw_series(LineSeries::new(
                vec![(x, 0.0), (x, c_top)],
                MARK.stroke_width(2),
            ))?;
        }
        let colour = run_colour(6);
        for seg in segments(&d.sizes, &d.cost_hours, |v| v * 1000.0) {
            chart.draw_series(LineSeries::new(seg.clone(), colour.stroke_width(2)))?;
            chart.draw_series(
                seg.iter()
                    .map(|&(x, y)| Circle::new((x, y), 4, colour.filled())),
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_break_the_lines() {
        let s = segments(&[1, 2, 3, 4], &[1000.0, f64::NAN, 3000.0, 4000.0], |v| v);
        assert_eq!(s, vec![vec![(1.0, 1.0)], vec![(3.0, 3.0), (4.0, 4.0)]]);
    }

    #[test]
    fn draws_deterministically() {
        let data = CapacityData {
            title: "c".into(),
            unit: "executors".into(),
            sizes: vec![2, 4, 8],
            pools: vec![CapacityPool {
                name: "interactive".into(),
                p50_ms: vec![3000.0, 1500.0, 900.0],
                p95_ms: vec![9000.0, 2500.0, 1200.0],
            }],
            cost_hours: vec![0.5, 0.7, 1.2],
            cost_label: "executor-hours".into(),
            thresholds: vec![("p95 <= 2 s".into(), 2000.0)],
            chosen: Some(2),
            notes: vec![],
        };
        let a = super::super::to_svg(&capacity_chart(data.clone())).unwrap();
        assert_eq!(a, super::super::to_svg(&capacity_chart(data)).unwrap());
        assert!(a.contains("interactive p95"));
    }
}
