//! Running task attempts per pool over time, stacked, against the task slots of the registered
//! executors (a line). Time is cut into [`BUCKETS`] intervals and each shows the time-averaged
//! number of running attempts, so the chart is exact in area and bounded in size for any run.

use plotters::coord::Shift;
use plotters::prelude::*;
use sim::records::SimOutput;

use super::style::{
    Axis, Header, LegendItem, Swatch, TIME_LEFT, TimeUnit, centred_message, linear_ticks,
    short_secs, style_mesh, tick_label,
};
use super::{DrawResult, Plot, PoolColours, cores_per_slot};

/// Intervals the time axis is cut into.
pub const BUCKETS: usize = 300;

const WIDTH: u32 = 1200;
const PLOT_H: u32 = 340;

/// The chart, ready to draw.
#[derive(Clone, Debug)]
pub struct Running {
    header: Header,
    span_ms: u64,
    unit: TimeUnit,
    /// Per pool present (bottom to top): its colour and its cumulative top per bucket.
    layers: Vec<(RGBColor, Vec<f64>)>,
    /// The slot count as steps: `(from_ms, slots)`, sorted.
    slots: Vec<(u64, u32)>,
    y_max: f64,
}

/// Builds the chart of `run` labelled `label` over `[0, span_ms]`. `lifetimes_known` is false
/// when the executors' registration times are unknown (the slot line is then the run's
/// initial slots throughout).
pub fn running(
    label: &str,
    run: &SimOutput,
    colours: &PoolColours,
    span_ms: u64,
    lifetimes_known: bool,
) -> Running {
    let span_ms = span_ms.max(1);
    let width = span_ms as f64 / BUCKETS as f64;
    let classes = colours.len() + 1;
    let job_class = colours.job_classes(run);
    let mut area = vec![vec![0f64; BUCKETS]; classes];
    // Full buckets go through a difference array; partial ones are added directly.
    let mut full = vec![vec![0f64; BUCKETS + 1]; classes];
    for t in &run.tasks {
        let c = job_class
            .get(t.job as usize)
            .copied()
            .unwrap_or(colours.len());
        let (a, b) = (
            t.launch_ms.min(span_ms) as f64,
            t.finish_ms.min(span_ms) as f64,
        );
        if b <= a {
            continue;
        }
        let first = ((a / width) as usize).min(BUCKETS - 1);
        let last = ((b / width) as usize).min(BUCKETS - 1);
        if first == last {
            area[c][first] += b - a;
            continue;
        }
        area[c][first] += (first + 1) as f64 * width - a;
        area[c][last] += b - last as f64 * width;
        full[c][first + 1] += width;
        full[c][last] -= width;
    }
    let mut present = Vec::new();
    for c in 0..classes {
        let mut acc = 0.0;
        for k in 0..BUCKETS {
            acc += full[c][k];
            area[c][k] = (area[c][k] + acc) / width;
        }
        if area[c].iter().any(|v| *v > 0.0) {
            present.push(c);
        }
    }
    let mut layers = Vec::new();
    let mut cumulative = vec![0f64; BUCKETS];
    for &c in &present {
        for (top, v) in cumulative.iter_mut().zip(&area[c]) {
            *top += v;
        }
        layers.push((colours.colour(c), cumulative.clone()));
    }
    let slots = slot_steps(run, lifetimes_known);
    let peak = cumulative.iter().copied().fold(0.0, f64::max);
    let slot_peak = slots.iter().map(|s| f64::from(s.1)).fold(0.0, f64::max);
    let unit = TimeUnit::for_span(span_ms);
    let mut notes = vec![format!(
        "Average number of running attempts of each pool in each {} s interval, stacked; line: task slots.",
        short_secs(width / 1000.0)
    )];
    if !lifetimes_known {
        notes.push(format!(
            "Executor lifetimes were not saved (no executors.csv): the slot line is the {} slots at the start.",
            run.slots
        ));
    }
    let mut legend: Vec<LegendItem> = present
        .iter()
        .map(|&c| LegendItem::new(Swatch::Fill(colours.colour(c)), colours.label(c)))
        .collect();
    legend.push(LegendItem::new(
        Swatch::Line(RGBColor(0, 0, 0)),
        "task slots",
    ));
    let title = format!("Running tasks per pool — {label}");
    Running {
        header: Header::new(&title, &notes, &legend, WIDTH),
        span_ms,
        unit,
        layers,
        slots,
        y_max: peak.max(slot_peak).max(1.0),
    }
}

impl Running {
    /// The highest value on the y axis (before headroom).
    pub fn y_max(&self) -> f64 {
        self.y_max
    }

    /// Uses `y_max` for the y axis (to share it between runs), if higher than this chart's.
    pub fn share_y_max(&mut self, y_max: f64) {
        self.y_max = self.y_max.max(y_max);
    }
}

/// Task slots over time as steps `(from_ms, slots)`.
fn slot_steps(run: &SimOutput, lifetimes_known: bool) -> Vec<(u64, u32)> {
    if !lifetimes_known || run.executors.is_empty() {
        return vec![(0, run.slots)];
    }
    let per = cores_per_slot(run);
    let mut events: Vec<(u64, i64)> = Vec::new();
    for e in &run.executors {
        let s = i64::from(e.cores / per);
        events.push((e.added_ms, s));
        if let Some(r) = e.removed_ms {
            events.push((r, -s));
        }
    }
    events.sort_unstable();
    let mut steps: Vec<(u64, u32)> = vec![(0, 0)];
    let mut level = 0i64;
    for (t, d) in events {
        level += d;
        let v = level.max(0) as u32;
        match steps.last_mut() {
            Some(last) if last.0 == t => last.1 = v,
            _ => steps.push((t, v)),
        }
    }
    steps.dedup_by(|b, a| a.1 == b.1);
    steps
}

impl Plot for Running {
    fn size(&self) -> (u32, u32) {
        (WIDTH, self.header.height() + PLOT_H + 60)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let area = self.header.draw(root)?;
        let span = self.unit.of(self.span_ms as f64);
        let (xt, xstep) = linear_ticks(0.0, span, 12);
        let y_top = self.y_max * 1.08;
        let (yt, ystep) = linear_ticks(0.0, y_top, 6);
        let mut chart = ChartBuilder::on(&area)
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(TIME_LEFT)
            .build_cartesian_2d(Axis::new(0.0, span, xt), Axis::new(0.0, y_top, yt))?;
        let xl = |v: &f64| tick_label(*v, xstep);
        let yl = |v: &f64| tick_label(*v, ystep);
        let x_desc = format!("time since the start ({})", self.unit.name);
        let mut mesh = chart.configure_mesh();
        style_mesh(&mut mesh);
        mesh.x_label_formatter(&xl)
            .y_label_formatter(&yl)
            .x_desc(x_desc)
            .y_desc("running tasks")
            .draw()?;
        let width = span / BUCKETS as f64;
        // Each interval is a flat step.
        let edge = |k: usize| k as f64 * width;
        let mut below = vec![0f64; BUCKETS];
        for (colour, top) in &self.layers {
            // One polygon per stretch where the band has a thickness (a zero-height polygon
            // would still paint a hairline in the bitmap).
            let mut k = 0;
            while k < BUCKETS {
                if top[k] - below[k] <= 1e-9 {
                    k += 1;
                    continue;
                }
                let start = k;
                while k < BUCKETS && top[k] - below[k] > 1e-9 {
                    k += 1;
                }
                let mut points: Vec<(f64, f64)> = Vec::with_capacity(4 * (k - start));
                for (j, &v) in top.iter().enumerate().take(k).skip(start) {
                    points.push((edge(j), v));
                    points.push((edge(j + 1), v));
                }
                for (j, &v) in below.iter().enumerate().take(k).skip(start).rev() {
                    points.push((edge(j + 1), v));
                    points.push((edge(j), v));
                }
                points.dedup();
                chart.draw_series(std::iter::once(Polygon::new(points, colour.filled())))?;
            }
            below.clone_from(top);
        }
        let mut line: Vec<(f64, f64)> = Vec::new();
        for (i, &(from, v)) in self.slots.iter().enumerate() {
            let x = self.unit.of(from as f64).min(span);
            if i > 0 {
                line.push((x, line.last().map_or(0.0, |p| p.1)));
            }
            line.push((x, f64::from(v)));
        }
        line.push((span, line.last().map_or(0.0, |p| p.1)));
        chart.draw_series(LineSeries::new(line, RGBColor(0, 0, 0).stroke_width(2)))?;
        if self.layers.is_empty() {
            centred_message(
                &chart.plotting_area().strip_coord_spec(),
                "no task attempts",
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    #[test]
    fn areas_are_exact_slot_time() {
        let run = fixtures::run();
        let colours = PoolColours::for_runs(&[&run]);
        let r = running("FIFO", &run, &colours, 8000, true);
        let width_ms = 8000.0 / BUCKETS as f64;
        let total: f64 = r.layers.last().unwrap().1.iter().sum::<f64>() * width_ms;
        let want: u64 = run.tasks.iter().map(|t| t.finish_ms - t.launch_ms).sum();
        assert!((total - want as f64).abs() < 1e-6, "{total} vs {want}");
        assert_eq!(r.layers.len(), 2);
        assert_eq!(r.slots, [(0, 4)]);
    }

    #[test]
    fn slot_steps_follow_the_executors() {
        let mut run = fixtures::run();
        run.executors[1].added_ms = 1000;
        run.executors[1].removed_ms = Some(5000);
        assert_eq!(slot_steps(&run, true), [(0, 2), (1000, 4), (5000, 2)]);
        assert_eq!(slot_steps(&run, false), [(0, 4)]);
    }
}
