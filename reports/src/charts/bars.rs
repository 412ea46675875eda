//! Per-pool turnaround and wait, configurations side by side: four panels (turnaround mean and
//! p95, wait mean and p95), each with one group of bars per pool (then `all`) and one bar per
//! configuration in its colour, labelled with its value in seconds. The two turnaround panels
//! share their y axis, as do the two wait panels, so mean and p95 compare at a glance.
//! Statistics are [`crate::per_pool`](mod@crate::per_pool)'s.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use sim::records::SimOutput;

use super::style::{
    Axis, CAPTION_SIZE, Header, LABEL_SIZE, LegendItem, MUTED, NOTE_SIZE, Swatch, TEXT, fit,
    linear_ticks, run_colour, short_secs, style_mesh, text, text_width, tick_label,
};
use super::{DrawResult, Plot};
use crate::per_pool::{ALL, PoolStats, per_pool};

const WIDTH: u32 = 1200;
const PANEL_H: u32 = 330;

/// The four statistics, in panel order.
const METRICS: [&str; 4] = [
    "Turnaround — mean",
    "Turnaround — p95",
    "Wait (submit to first launch) — mean",
    "Wait (submit to first launch) — p95",
];

/// The chart, ready to draw.
#[derive(Clone, Debug)]
pub struct Bars {
    header: Header,
    categories: Vec<String>,
    /// `[category][run][metric]`, seconds.
    values: Vec<Vec<[Option<f64>; 4]>>,
}

/// Builds the chart of `runs`, given as `(label, output)` in order.
pub fn pool_bars(runs: &[(&str, &SimOutput)]) -> Bars {
    let summaries: Vec<_> = runs.iter().map(|(_, r)| per_pool(&r.jobs)).collect();
    let mut categories: Vec<String> = Vec::new();
    for s in &summaries {
        for p in &s.pools {
            if !categories.contains(&p.pool) {
                categories.push(p.pool.clone());
            }
        }
    }
    let pools = categories.len();
    if pools != 1 {
        categories.push(ALL.to_string());
    }
    let values = categories
        .iter()
        .enumerate()
        .map(|(i, c)| {
            summaries
                .iter()
                .map(|s| metrics(if i == pools { Some(&s.all) } else { s.pool(c) }))
                .collect()
        })
        .collect();
    let legend: Vec<LegendItem> = runs
        .iter()
        .enumerate()
        .map(|(i, (label, _))| LegendItem::new(Swatch::Fill(run_colour(i)), *label))
        .collect();
    let notes = vec![
        "Seconds, over each pool's jobs that ended (turnaround) or launched a task (wait); p95 is nearest-rank; n/a: no such job."
            .to_string(),
    ];
    Bars {
        header: Header::new("Turnaround and wait per pool", &notes, &legend, WIDTH),
        categories,
        values,
    }
}

fn metrics(stats: Option<&PoolStats>) -> [Option<f64>; 4] {
    let Some(p) = stats else {
        return [None; 4];
    };
    let s = |ms: Option<u64>| ms.map(|v| v as f64 / 1000.0);
    [
        p.turnaround.mean_ms.map(|v| v / 1000.0),
        s(p.turnaround.p95_ms),
        p.wait.mean_ms.map(|v| v / 1000.0),
        s(p.wait.p95_ms),
    ]
}

/// Above this many categories the bars are horizontal (names on the left, always readable).
pub const HORIZONTAL_ABOVE: usize = 8;

impl Bars {
    fn horizontal(&self) -> bool {
        self.categories.len() > HORIZONTAL_ABOVE
    }

    fn panel_height(&self) -> u32 {
        if self.horizontal() {
            let runs = self.values.first().map_or(1, Vec::len).max(1) as u32;
            let per_cat = (runs * 14 + 8).max(24);
            (self.categories.len() as u32 * per_cat + 110).max(PANEL_H)
        } else {
            PANEL_H
        }
    }
}

impl Plot for Bars {
    fn size(&self) -> (u32, u32) {
        (WIDTH, self.header.height() + 2 * self.panel_height() + 8)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let area = self.header.draw(root)?;
        let panels = area.split_evenly((2, 2));
        for (m, panel) in panels.iter().enumerate() {
            // Mean and p95 of the same quantity share the axis.
            let pair = [m - m % 2, m - m % 2 + 1];
            let top = self
                .values
                .iter()
                .flatten()
                .flat_map(|v| pair.map(|k| v[k]))
                .flatten()
                .fold(0.0, f64::max);
            self.draw_panel(panel, m, top)?;
        }
        Ok(())
    }
}

impl Bars {
    fn draw_panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        metric: usize,
        top: f64,
    ) -> DrawResult<DB> {
        let horizontal = self.horizontal();
        let n_cat = self.categories.len().max(1);
        let v_top = if top > 0.0 { top * 1.15 } else { 1.0 };
        let (vt, vstep) = linear_ticks(0.0, v_top, if horizontal { 5 } else { 6 });
        let name_width = if horizontal {
            self.categories
                .iter()
                .map(|c| text_width(c, NOTE_SIZE))
                .max()
                .unwrap_or(40)
                .clamp(40, 150)
                + 12
        } else {
            58
        };
        let (cat_axis, value_axis) = (
            Axis::new(0.0, n_cat as f64, vec![]),
            Axis::new(0.0, v_top, vt),
        );
        let mut builder = ChartBuilder::on(area);
        builder
            .caption(METRICS[metric], text(CAPTION_SIZE, &TEXT))
            .margin_left(10)
            .margin_right(if horizontal { 40 } else { 22 })
            .margin_top(6)
            .margin_bottom(8)
            .x_label_area_size(if horizontal { 44 } else { 30 })
            .y_label_area_size(name_width);
        let mut chart = if horizontal {
            builder.build_cartesian_2d(value_axis, cat_axis)?
        } else {
            builder.build_cartesian_2d(cat_axis, value_axis)?
        };
        let vl = |v: &f64| tick_label(*v, vstep);
        let mut mesh = chart.configure_mesh();
        style_mesh(&mut mesh);
        if horizontal {
            mesh.x_label_formatter(&vl).x_desc("seconds").draw()?;
        } else {
            mesh.y_label_formatter(&vl).y_desc("seconds").draw()?;
        }

        let plot = chart.plotting_area();
        let base = area.get_base_pixel();
        // (category position, value) to pixels in `area`; categories run left to right, or
        // top to bottom when horizontal.
        let at = |c: f64, v: f64| {
            let coord = if horizontal {
                (v, n_cat as f64 - c)
            } else {
                (c, v)
            };
            let (px, py) = plot.map_coordinate(&coord);
            (px - base.0, py - base.1)
        };
        let runs = self.values.first().map_or(0, Vec::len).max(1);
        let group = 0.8;
        let bar = group / runs as f64;
        let (c0, c1) = (at(0.0, 0.0), at(1.0, 0.0));
        let cat_px = ((c1.0 - c0.0).abs() + (c1.1 - c0.1).abs()).max(1) as u32;
        let bar_px = (f64::from(cat_px) * bar) as u32;
        let (value_pos, na_pos) = if horizontal {
            (
                Pos::new(HPos::Left, VPos::Center),
                Pos::new(HPos::Left, VPos::Center),
            )
        } else {
            (
                Pos::new(HPos::Center, VPos::Bottom),
                Pos::new(HPos::Center, VPos::Bottom),
            )
        };
        let label_style = text(LABEL_SIZE, &TEXT).pos(value_pos);
        let na_style = text(LABEL_SIZE, &MUTED).pos(na_pos);
        for (c, per_run) in self.values.iter().enumerate() {
            for (r, v) in per_run.iter().enumerate() {
                let c0 = c as f64 + (1.0 - group) / 2.0 + r as f64 * bar;
                let c1 = c0 + bar * 0.92;
                let colour = run_colour(r);
                let value = v[metric];
                let (a, b) = (at(c0, value.unwrap_or(0.0)), at(c1, 0.0));
                let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
                let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
                let label = value.map_or_else(|| "n/a".to_string(), short_secs);
                let style = if value.is_some() {
                    &label_style
                } else {
                    &na_style
                };
                if value.is_some() {
                    area.draw(&Rectangle::new(
                        [(x0, y0), (x1.max(x0 + 1), y1.max(y0 + 1))],
                        colour.filled(),
                    ))?;
                }
                if horizontal {
                    if bar_px >= 11 {
                        area.draw_text(&label, style, (x1 + 4, (y0 + y1) / 2))?;
                    }
                } else if text_width(&label, LABEL_SIZE) <= bar_px + 6 {
                    area.draw_text(&label, style, ((x0 + x1) / 2, y0 - 3))?;
                }
            }
        }
        // Category names under the axis, or left of it.
        for (c, name) in self.categories.iter().enumerate() {
            let (x, y) = at(c as f64 + 0.5, 0.0);
            if horizontal {
                let style = text(NOTE_SIZE, &TEXT).pos(Pos::new(HPos::Right, VPos::Center));
                let s = fit(name, NOTE_SIZE, name_width - 12);
                area.draw_text(&s, &style, (x - 8, y))?;
            } else {
                let style = text(NOTE_SIZE, &TEXT).pos(Pos::new(HPos::Center, VPos::Top));
                let s = fit(name, NOTE_SIZE, cat_px.saturating_sub(6));
                area.draw_text(&s, &style, (x, y + 8))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    #[test]
    fn many_pools_turn_the_bars_sideways() {
        let mut run = fixtures::run();
        let template = run.jobs[0].clone();
        for i in 0..9 {
            let mut j = template.clone();
            j.pool = format!("pool-{i}");
            run.jobs.push(j);
        }
        let b = pool_bars(&[("FIFO", &run)]);
        assert!(b.horizontal());
        assert!(b.size().1 > 2 * PANEL_H);
        assert!(!pool_bars(&[("FIFO", &fixtures::run())]).horizontal());
    }

    #[test]
    fn categories_are_pools_then_all() {
        let run = fixtures::run();
        let b = pool_bars(&[("FIFO", &run), ("FAIR", &run)]);
        assert_eq!(b.categories, ["etl", "adhoc", "all"]);
        assert_eq!(b.values[1][0], [Some(3.0), Some(3.0), Some(0.2), Some(0.2)]);
        assert_eq!(b.values[2][1][1], Some(6.614));
    }
}
