//! Turnaround CDF per pool: one panel per pool (pools differ by orders of magnitude, so each has
//! its own x axis), one line per configuration in the configuration's colour. A panel's x axis
//! is logarithmic when its turnarounds span more than [`LOG_RATIO`]×. Turnaround is
//! `end − submit` of the jobs that ended, as in [`crate::per_pool`](mod@crate::per_pool).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use sim::records::SimOutput;

use super::style::{
    Axis, CAPTION_SIZE, Header, LABEL_SIZE, LegendItem, MUTED, Swatch, TEXT, fit, linear_ticks,
    log_tick_label, log_ticks, run_colour, style_mesh, text, thousands, tick_label,
};
use super::{DrawResult, Plot};
use crate::per_pool::turnaround_ms;

/// Above this max/min turnaround ratio a panel uses a log x axis.
pub const LOG_RATIO: f64 = 20.0;
/// The most panels drawn; pools beyond (the ones with fewest jobs) are left out, and the chart
/// says so.
pub const MAX_PANELS: usize = 24;
/// Steps drawn per line at most (larger samples are drawn at evenly spaced ranks).
const MAX_STEPS: usize = 400;

const WIDTH: u32 = 1200;
const PANEL_H: u32 = 300;
/// Panel height with four columns.
const SMALL_PANEL_H: u32 = 260;

#[derive(Clone, Debug)]
struct Panel {
    pool: String,
    jobs: usize,
    /// Per run (run index): sorted turnarounds in seconds.
    samples: Vec<(usize, Vec<f64>)>,
    /// Runs with no ended job of this pool.
    missing: Vec<String>,
    log: bool,
    lo: f64,
    hi: f64,
}

/// The chart, ready to draw.
#[derive(Clone, Debug)]
pub struct Cdf {
    header: Header,
    panels: Vec<Panel>,
    cols: u32,
}

/// Builds the chart of `runs`, given as `(label, output)` in order.
pub fn cdf(runs: &[(&str, &SimOutput)]) -> Cdf {
    let mut pools: Vec<(String, usize)> = Vec::new();
    for (_, run) in runs {
        for job in &run.jobs {
            match pools.iter_mut().find(|(p, _)| *p == job.pool) {
                Some(p) => p.1 = p.1.max(count_in(run, &job.pool)),
                None => pools.push((job.pool.clone(), count_in(run, &job.pool))),
            }
        }
    }
    let mut notes = vec![
        "Fraction of each pool's jobs whose turnaround (submit to end) was at most x; jobs that never ended are left out."
            .to_string(),
    ];
    if pools.len() > MAX_PANELS {
        let mut by_jobs: Vec<usize> = (0..pools.len()).collect();
        by_jobs.sort_by(|&a, &b| pools[b].1.cmp(&pools[a].1).then(a.cmp(&b)));
        let mut keep = by_jobs[..MAX_PANELS].to_vec();
        keep.sort_unstable();
        notes.push(format!(
            "Showing the {MAX_PANELS} pools with the most jobs of {}.",
            pools.len()
        ));
        pools = keep.into_iter().map(|i| pools[i].clone()).collect();
    }
    let mut panels: Vec<Panel> = pools
        .into_iter()
        .map(|(pool, jobs)| panel(runs, pool, jobs))
        .collect();
    // One scale for all panels, so they read alike: log if any panel needs it.
    if panels.iter().any(|p| p.log) {
        for p in &mut panels {
            p.use_log();
        }
    }
    let legend: Vec<LegendItem> = runs
        .iter()
        .enumerate()
        .map(|(i, (label, _))| LegendItem::new(Swatch::Line(run_colour(i)), *label))
        .collect();
    let cols = match panels.len() {
        0 | 1 => 1,
        2 | 4 => 2,
        3 | 5..=9 => 3,
        _ => 4,
    };
    Cdf {
        header: Header::new("Turnaround CDF per pool", &notes, &legend, WIDTH),
        panels,
        cols,
    }
}

fn count_in(run: &SimOutput, pool: &str) -> usize {
    run.jobs.iter().filter(|j| j.pool == pool).count()
}

fn panel(runs: &[(&str, &SimOutput)], pool: String, jobs: usize) -> Panel {
    let mut samples = Vec::new();
    let mut missing = Vec::new();
    for (i, (label, run)) in runs.iter().enumerate() {
        let mut v: Vec<f64> = run
            .jobs
            .iter()
            .filter(|j| j.pool == pool)
            .filter_map(turnaround_ms)
            .map(|ms| ms as f64 / 1000.0)
            .collect();
        if v.is_empty() {
            missing.push(label.to_string());
            continue;
        }
        v.sort_by(f64::total_cmp);
        samples.push((i, v));
    }
    let min = samples
        .iter()
        .map(|(_, v)| v[0])
        .fold(f64::INFINITY, f64::min);
    let max = samples
        .iter()
        .filter_map(|(_, v)| v.last().copied())
        .fold(0.0, f64::max);
    let log = min > 0.0 && max / min > LOG_RATIO;
    let (lo, hi) = if log {
        log_range(min, max)
    } else {
        (0.0, if max > 0.0 { max * 1.05 } else { 1.0 })
    };
    Panel {
        pool,
        jobs,
        samples,
        missing,
        log,
        lo,
        hi,
    }
}

/// The log10 x range for values in `[min, max]` (> 0): a little margin, at least a decade.
fn log_range(min: f64, max: f64) -> (f64, f64) {
    let (a, b) = (min.log10(), max.log10());
    let pad = ((b - a) * 0.04).max((1.0 - (b - a)) / 2.0);
    (a - pad, b + pad)
}

impl Panel {
    /// Switches to a log x axis if the values allow it (all > 0).
    fn use_log(&mut self) {
        if self.log {
            return;
        }
        let min = self
            .samples
            .iter()
            .map(|(_, v)| v[0])
            .fold(f64::INFINITY, f64::min);
        let max = self
            .samples
            .iter()
            .filter_map(|(_, v)| v.last().copied())
            .fold(0.0, f64::max);
        if min > 0.0 && min.is_finite() {
            (self.lo, self.hi) = log_range(min, max);
            self.log = true;
        }
    }
}

/// The empirical CDF of `sorted` as step points, on at most [`MAX_STEPS`] ranks; x through `f`.
fn steps(sorted: &[f64], f: impl Fn(f64) -> f64, hi: f64) -> Vec<(f64, f64)> {
    let n = sorted.len();
    let ranks: Vec<usize> = if n <= MAX_STEPS {
        (0..n).collect()
    } else {
        let mut r: Vec<usize> = (0..MAX_STEPS)
            .map(|j| j * (n - 1) / (MAX_STEPS - 1))
            .collect();
        r.dedup();
        r
    };
    let mut points = Vec::with_capacity(2 * ranks.len() + 2);
    let mut prev_y = 0.0;
    for &r in &ranks {
        // At the last of equal values the CDF reaches its level.
        let x = f(sorted[r]);
        let y = (r + 1) as f64 / n as f64;
        points.push((x, prev_y));
        points.push((x, y));
        prev_y = y;
    }
    points.push((hi, prev_y));
    points
}

impl Plot for Cdf {
    fn size(&self) -> (u32, u32) {
        let rows = (self.panels.len().max(1) as u32).div_ceil(self.cols);
        let panel_h = if self.cols > 3 {
            SMALL_PANEL_H
        } else {
            PANEL_H
        };
        (WIDTH, self.header.height() + rows * panel_h + 8)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let area = self.header.draw(root)?;
        if self.panels.is_empty() {
            return super::style::centred_message(&area, "no jobs");
        }
        let rows = (self.panels.len() as u32).div_ceil(self.cols);
        let cells = area.split_evenly((rows as usize, self.cols as usize));
        for (panel, cell) in self.panels.iter().zip(&cells) {
            draw_panel(panel, cell)?;
        }
        Ok(())
    }
}

fn draw_panel<DB: DrawingBackend>(p: &Panel, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
    let (w, _) = area.dim_in_pixel();
    let caption = fit(
        &format!(
            "{} ({} job{})",
            p.pool,
            thousands(p.jobs as u64),
            if p.jobs == 1 { "" } else { "s" }
        ),
        CAPTION_SIZE,
        w.saturating_sub(40),
    );
    let (xt, xstep) = if p.log {
        let max_ticks = (w / 70).max(3) as usize;
        let t = log_ticks(10f64.powf(p.lo), 10f64.powf(p.hi), max_ticks);
        (t.iter().map(|v| v.log10()).collect(), 0.0)
    } else {
        linear_ticks(p.lo, p.hi, (w / 80).max(3) as usize)
    };
    let (yt, _) = linear_ticks(0.0, 1.0, 4);
    let mut chart = ChartBuilder::on(area)
        .caption(caption, text(CAPTION_SIZE, &TEXT))
        .margin_left(10)
        .margin_right(22)
        .margin_top(6)
        .margin_bottom(8)
        .x_label_area_size(42)
        .y_label_area_size(50)
        .build_cartesian_2d(Axis::new(p.lo, p.hi, xt), Axis::new(0.0, 1.02, yt))?;
    let log = p.log;
    let xl = move |v: &f64| {
        if log {
            log_tick_label(10f64.powf(*v))
        } else {
            tick_label(*v, xstep)
        }
    };
    let yl = |v: &f64| tick_label(*v, 0.25);
    let x_desc = if p.log {
        "turnaround (s, log scale)"
    } else {
        "turnaround (s)"
    };
    let mut mesh = chart.configure_mesh();
    style_mesh(&mut mesh);
    mesh.x_label_formatter(&xl)
        .y_label_formatter(&yl)
        .x_desc(x_desc)
        .y_desc("fraction of jobs")
        .draw()?;
    for (i, sample) in &p.samples {
        let f = |s: f64| if log { s.log10() } else { s };
        let points = steps(sample, f, p.hi);
        chart.draw_series(LineSeries::new(points, run_colour(*i).stroke_width(2)))?;
    }
    if !p.missing.is_empty() {
        let plot = chart.plotting_area();
        let (x, y) = plot.map_coordinate(&(p.lo, 1.0));
        let style = text(LABEL_SIZE, &MUTED).pos(Pos::new(HPos::Left, VPos::Top));
        let s = format!("no job ended: {}", p.missing.join(", "));
        area.draw_text(
            &s,
            &style,
            (
                x + 6 - area.get_base_pixel().0,
                y + 6 - area.get_base_pixel().1,
            ),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    #[test]
    fn one_panel_per_pool_and_one_sample_per_run() {
        let a = fixtures::run();
        let c = cdf(&[("FIFO", &a), ("FAIR", &a)]);
        let pools: Vec<&str> = c.panels.iter().map(|p| p.pool.as_str()).collect();
        assert_eq!(pools, ["etl", "adhoc"]);
        assert_eq!(c.panels[0].samples.len(), 2);
        assert_eq!(c.panels[0].samples[0].1, [3.0, 6.614]);
        assert!(!c.panels[0].log);
    }

    #[test]
    fn steps_climb_to_one() {
        let p = steps(&[1.0, 2.0, 2.0, 4.0], |x| x, 5.0);
        assert_eq!(p.first(), Some(&(1.0, 0.0)));
        assert_eq!(p.last(), Some(&(5.0, 1.0)));
        let big: Vec<f64> = (0..10_000).map(f64::from).collect();
        let p = steps(&big, |x| x, 1e4);
        assert!(p.len() <= 2 * MAX_STEPS + 1);
        assert_eq!(p[p.len() - 2], (9999.0, 1.0));
    }
}
