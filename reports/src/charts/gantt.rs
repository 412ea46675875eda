//! Task attempts on executor slots: one row per task slot, one bar per attempt, coloured by
//! pool; speculative copies outlined, killed attempts faded, failed attempts crossed at their end.
//!
//! The records do not say which slot an attempt ran on, so attempts are assigned greedily per
//! executor: in launch order, each takes the lowest-numbered slot that is free at its launch.
//! An executor shows at least as many rows as it has task slots (`cores / spark.task.cpus`), so
//! idle capacity is visible; time outside an executor's lifetime is shaded.
//!
//! Above [`GanttOptions::detail_limit`] attempts (or [`GanttOptions::max_rows`] slots) the chart
//! is **aggregated**, and says so: time is cut into buckets, slots may be grouped into rows, and
//! each cell shows the pool that held it longest (blank when it was mostly idle). The work is
//! linear in attempts plus cells, so 10⁵–10⁶ attempts draw quickly into a bounded SVG.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use sim::records::{AttemptStatus, SimOutput};

use super::style::{
    AXIS, Axis, Header, LABEL_SIZE, LegendItem, MUTED, NOTE_SIZE, SHADE, Swatch, TEXT, TIME_LEFT,
    TimeUnit, fit, linear_ticks, short_secs, style_mesh, text, thousands, tick_label,
};
use super::{DrawResult, Plot, PoolColours, cores_per_slot};

/// Size limits of the Gantt chart.
#[derive(Clone, Debug)]
pub struct GanttOptions {
    /// Above this many attempts, aggregate.
    pub detail_limit: usize,
    /// Above this many slot rows, aggregate and group slots into at most this many rows.
    pub max_rows: usize,
    /// Chart width in pixels.
    pub width: u32,
}

impl Default for GanttOptions {
    fn default() -> GanttOptions {
        GanttOptions {
            detail_limit: 5_000,
            max_rows: 160,
            width: 1200,
        }
    }
}

/// One attempt's bar.
#[derive(Clone, Debug)]
struct Bar {
    row: u32,
    launch_ms: u64,
    finish_ms: u64,
    class: u16,
    status: AttemptStatus,
    speculative: bool,
}

/// A run of buckets in one row with the same dominant pool.
#[derive(Clone, Debug, PartialEq)]
struct Cell {
    row: u32,
    from: u32,
    to: u32,
    class: u16,
}

#[derive(Clone, Debug)]
enum Body {
    Detail(Vec<Bar>),
    Cells { cells: Vec<Cell>, buckets: u32 },
}

/// An executor's band of rows (display-row coordinates, top = 0).
#[derive(Clone, Debug)]
struct Band {
    label: String,
    top: f64,
    bottom: f64,
    /// Spans of the run when it was not registered.
    shaded: Vec<(u64, u64)>,
}

/// The chart, ready to draw.
#[derive(Clone, Debug)]
pub struct Gantt {
    header: Header,
    width: u32,
    row_px: u32,
    rows: u32,
    span_ms: u64,
    unit: TimeUnit,
    bands: Vec<Band>,
    body: Body,
    colours: Vec<RGBColor>,
    label_width: u32,
    /// True when the attempts were aggregated into cells.
    pub aggregated: bool,
    /// Attempts drawn or aggregated.
    pub attempts: usize,
}

/// Builds the Gantt chart of `run` labelled `label`, over `[0, span_ms]`. `lifetimes_known` is
/// false when the executors' registration times are unknown (then nothing is shaded).
pub fn gantt(
    label: &str,
    run: &SimOutput,
    colours: &PoolColours,
    span_ms: u64,
    lifetimes_known: bool,
    opts: &GanttOptions,
) -> Gantt {
    let span_ms = span_ms.max(1);
    let slots = assign_slots(run);
    let per_slot = cores_per_slot(run);
    // Rows per executor: the slots it has, or more if attempts overlapped more than that.
    let n_exec = slots.rows_used.len();
    let mut offsets = Vec::with_capacity(n_exec + 1);
    let mut total = 0u32;
    for (e, &used) in slots.rows_used.iter().enumerate() {
        offsets.push(total);
        let capacity = run.executors.get(e).map_or(0, |x| x.cores / per_slot);
        total += used.max(capacity);
    }
    offsets.push(total);
    let aggregated = run.tasks.len() > opts.detail_limit || total as usize > opts.max_rows;
    let group = if total as usize > opts.max_rows {
        (total as usize).div_ceil(opts.max_rows) as u32
    } else {
        1
    };
    let rows = total.div_ceil(group);
    let job_class = colours.job_classes(run);
    let class_of = |job: u32| {
        job_class
            .get(job as usize)
            .copied()
            .unwrap_or(colours.len()) as u16
    };
    let n_classes = colours.len() + 1; // + unknown job, drawn as "other"
    let class_colours: Vec<RGBColor> = (0..n_classes).map(|c| colours.colour(c)).collect();

    let bands = (0..n_exec)
        .map(|e| {
            let exec = run.executors.get(e);
            let name = exec.map_or("?", |x| x.executor_id.as_str());
            let shaded = match exec {
                Some(x) if lifetimes_known => {
                    let mut s = Vec::new();
                    if x.added_ms > 0 {
                        s.push((0, x.added_ms.min(span_ms)));
                    }
                    if let Some(r) = x.removed_ms.filter(|&r| r < span_ms) {
                        s.push((r, span_ms));
                    }
                    s
                }
                _ => Vec::new(),
            };
            Band {
                label: format!("exec {name}"),
                top: f64::from(offsets[e]) / f64::from(group),
                bottom: f64::from(offsets[e + 1]) / f64::from(group),
                shaded,
            }
        })
        .collect::<Vec<_>>();

    let row_of = |i: usize| offsets[slots.executor[i] as usize] + slots.slot[i];
    let counts = Counts::of(run);
    let body = if aggregated {
        let buckets = (48_000 / rows.max(1)).clamp(150, 600);
        let cells = aggregate(
            run,
            &row_of,
            &class_of,
            n_classes,
            (total, group, rows),
            buckets,
            span_ms,
        );
        Body::Cells { cells, buckets }
    } else {
        Body::Detail(
            run.tasks
                .iter()
                .enumerate()
                .map(|(i, t)| Bar {
                    row: row_of(i),
                    launch_ms: t.launch_ms,
                    finish_ms: t.finish_ms,
                    class: class_of(t.job),
                    status: t.status,
                    speculative: t.speculative,
                })
                .collect(),
        )
    };

    let unit = TimeUnit::for_span(span_ms);
    let mut notes = Vec::new();
    let mut legend = present_classes(run, colours, &job_class);
    match &body {
        Body::Detail(_) => {
            notes.push(format!(
                "One row per task slot; each attempt is drawn on the first free slot of its executor. {}.",
                counts.describe()
            ));
            if counts.speculative > 0 {
                legend.push(LegendItem::new(
                    Swatch::Styled {
                        fill: AXIS,
                        alpha: 0.0,
                        outline: Some(RGBColor(0, 0, 0)),
                    },
                    "speculative copy (outlined)",
                ));
            }
            if counts.killed > 0 {
                legend.push(LegendItem::new(
                    Swatch::Styled {
                        fill: AXIS,
                        alpha: 0.3,
                        outline: None,
                    },
                    "killed (faded)",
                ));
            }
            if counts.failed > 0 {
                legend.push(LegendItem::new(
                    Swatch::Cross(RGBColor(0, 0, 0)),
                    "failed (× at its end)",
                ));
            }
        }
        Body::Cells { buckets, .. } => {
            let bucket_s = span_ms as f64 / f64::from(*buckets) / 1000.0;
            let why = if run.tasks.len() > opts.detail_limit {
                format!(
                    "{} attempts, more than {} that can be drawn one by one",
                    thousands(run.tasks.len() as u64),
                    thousands(opts.detail_limit as u64)
                )
            } else {
                format!(
                    "{} task slots, more than {} rows",
                    thousands(u64::from(total)),
                    thousands(opts.max_rows as u64)
                )
            };
            let rows_are = if group > 1 {
                format!("each row is {group} task slots, ")
            } else {
                "each row is one task slot, ".to_string()
            };
            notes.push(format!(
                "AGGREGATED ({why}): {rows_are}each cell {} s wide and coloured by the pool that held it longest (blank: mostly idle).",
                short_secs(bucket_s)
            ));
            notes.push(format!(
                "{}; individual attempts are not marked.",
                counts.describe()
            ));
        }
    }
    if bands.iter().any(|b| !b.shaded.is_empty()) {
        legend.push(LegendItem::new(
            Swatch::Styled {
                fill: SHADE,
                alpha: 1.0,
                outline: Some(AXIS),
            },
            "executor not registered",
        ));
    }
    if run.tasks.is_empty() {
        notes.push("No task attempts.".to_string());
    }
    let title = format!("Task attempts on executor slots — {label}");
    let header = Header::new(&title, &notes, &legend, opts.width);
    let row_px = if rows <= 24 {
        22
    } else {
        (640 / rows).clamp(3, 22)
    };
    let label_width = TIME_LEFT;
    Gantt {
        header,
        width: opts.width,
        row_px,
        rows,
        span_ms,
        unit,
        bands,
        body,
        colours: class_colours,
        label_width,
        aggregated,
        attempts: run.tasks.len(),
    }
}

/// Pools of this run, for the legend (all classes its jobs use, in class order).
fn present_classes(run: &SimOutput, colours: &PoolColours, job_class: &[usize]) -> Vec<LegendItem> {
    let mut used = vec![false; colours.len() + 1];
    for t in &run.tasks {
        if let Some(&c) = job_class.get(t.job as usize) {
            used[c] = true;
        }
    }
    colours
        .legend()
        .into_iter()
        .enumerate()
        .filter(|(c, _)| used[*c])
        .map(|(_, item)| item)
        .collect()
}

#[derive(Default)]
struct Counts {
    attempts: usize,
    speculative: usize,
    failed: usize,
    killed: usize,
    running: usize,
}

impl Counts {
    fn of(run: &SimOutput) -> Counts {
        let mut c = Counts {
            attempts: run.tasks.len(),
            ..Counts::default()
        };
        for t in &run.tasks {
            c.speculative += usize::from(t.speculative);
            match t.status {
                AttemptStatus::Failed => c.failed += 1,
                AttemptStatus::Killed => c.killed += 1,
                AttemptStatus::Running => c.running += 1,
                AttemptStatus::Success => {}
            }
        }
        c
    }

    fn describe(&self) -> String {
        let mut s = format!(
            "{} attempts: {} speculative, {} failed, {} killed",
            thousands(self.attempts as u64),
            thousands(self.speculative as u64),
            thousands(self.failed as u64),
            thousands(self.killed as u64)
        );
        if self.running > 0 {
            s.push_str(&format!(
                ", {} still running at the end",
                thousands(self.running as u64)
            ));
        }
        s
    }
}

/// The greedy slot of every attempt.
struct Slots {
    /// Executor group of each attempt (the executor index, or one past the last for unknown).
    executor: Vec<u32>,
    slot: Vec<u32>,
    /// Slots used per executor group.
    rows_used: Vec<u32>,
}

fn assign_slots(run: &SimOutput) -> Slots {
    let n_exec = run.executors.len();
    let group_of = |e: u32| (e as usize).min(n_exec);
    let mut by_exec: Vec<Vec<u32>> = vec![Vec::new(); n_exec + 1];
    for (i, t) in run.tasks.iter().enumerate() {
        by_exec[group_of(t.executor)].push(i as u32);
    }
    let mut slot = vec![0u32; run.tasks.len()];
    let mut executor = vec![0u32; run.tasks.len()];
    let mut rows_used = vec![0u32; n_exec + 1];
    for (e, tasks) in by_exec.iter_mut().enumerate() {
        tasks.sort_by_key(|&i| {
            let t = &run.tasks[i as usize];
            (t.launch_ms, t.finish_ms, i)
        });
        let mut free: BinaryHeap<Reverse<u32>> = BinaryHeap::new();
        let mut busy: BinaryHeap<Reverse<(u64, u32)>> = BinaryHeap::new();
        let mut used = 0u32;
        for &i in tasks.iter() {
            let t = &run.tasks[i as usize];
            while let Some(&Reverse((end, s))) = busy.peek() {
                if end > t.launch_ms {
                    break;
                }
                busy.pop();
                free.push(Reverse(s));
            }
            let s = match free.pop() {
                Some(Reverse(s)) => s,
                None => {
                    used += 1;
                    used - 1
                }
            };
            busy.push(Reverse((t.finish_ms, s)));
            slot[i as usize] = s;
            executor[i as usize] = e as u32;
        }
        rows_used[e] = used;
    }
    // The unknown-executor group exists only if used.
    if rows_used[n_exec] == 0 {
        rows_used.pop();
    }
    Slots {
        executor,
        slot,
        rows_used,
    }
}

/// Per display row and time bucket, the class that held the row's slots longest, as runs of
/// equal cells. `(total, group, rows)`: slot rows, slots per display row, display rows.
fn aggregate(
    run: &SimOutput,
    row_of: &dyn Fn(usize) -> u32,
    class_of: &dyn Fn(u32) -> u16,
    n_classes: usize,
    (total, group, rows): (u32, u32, u32),
    buckets: u32,
    span_ms: u64,
) -> Vec<Cell> {
    let (nb, nc) = (buckets as usize, n_classes);
    let width = span_ms as f64 / f64::from(buckets);
    let mut busy = vec![0f64; rows as usize * nb * nc];
    for (i, t) in run.tasks.iter().enumerate() {
        let (a, b) = (
            t.launch_ms.min(span_ms) as f64,
            t.finish_ms.min(span_ms) as f64,
        );
        if b <= a {
            continue;
        }
        let d = (row_of(i) / group) as usize;
        let c = usize::from(class_of(t.job)).min(nc - 1);
        let first = ((a / width) as usize).min(nb - 1);
        let last = (((b / width).ceil() as usize).max(first + 1)).min(nb);
        for k in first..last {
            let (lo, hi) = (k as f64 * width, (k + 1) as f64 * width);
            let overlap = b.min(hi) - a.max(lo);
            if overlap > 0.0 {
                busy[(d * nb + k) * nc + c] += overlap;
            }
        }
    }
    let mut cells = Vec::new();
    for d in 0..rows as usize {
        let slots_here = group.min(total - d as u32 * group);
        let capacity = f64::from(slots_here) * width;
        let mut open: Option<Cell> = None;
        for k in 0..nb {
            let at = &busy[(d * nb + k) * nc..(d * nb + k + 1) * nc];
            let (best, held) =
                at.iter().enumerate().fold(
                    (0usize, 0f64),
                    |acc, (c, &v)| if v > acc.1 { (c, v) } else { acc },
                );
            let used: f64 = at.iter().sum();
            let class = (held > 0.0 && held >= capacity - used).then_some(best as u16);
            match (&mut open, class) {
                (Some(cell), Some(c)) if cell.class == c => cell.to = k as u32 + 1,
                (_, class) => {
                    if let Some(cell) = open.take() {
                        cells.push(cell);
                    }
                    open = class.map(|c| Cell {
                        row: d as u32,
                        from: k as u32,
                        to: k as u32 + 1,
                        class: c,
                    });
                }
            }
        }
        if let Some(cell) = open {
            cells.push(cell);
        }
    }
    cells
}

const MARGIN: i32 = 16;
const X_LABELS: u32 = 44;

impl Plot for Gantt {
    fn size(&self) -> (u32, u32) {
        let plot = self.rows.max(1) * self.row_px;
        (
            self.width,
            self.header.height() + plot + X_LABELS + 2 * MARGIN as u32,
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let area = self.header.draw(root)?;
        let span = self.unit.of(self.span_ms as f64);
        let (ticks, step) = linear_ticks(0.0, span, 12);
        let rows = f64::from(self.rows.max(1));
        let mut chart = ChartBuilder::on(&area)
            .margin(MARGIN)
            .x_label_area_size(X_LABELS)
            .y_label_area_size(self.label_width)
            .build_cartesian_2d(Axis::new(0.0, span, ticks), Axis::new(0.0, rows, vec![]))?;
        let label = |v: &f64| tick_label(*v, step);
        let x_desc = format!("time since the start ({})", self.unit.name);
        let mut mesh = chart.configure_mesh();
        style_mesh(&mut mesh);
        mesh.x_label_formatter(&label).x_desc(x_desc).draw()?;
        let plot = chart.plotting_area();
        let unit = self.unit;
        let px = |ms: f64, row: f64| plot.map_coordinate(&(unit.of(ms), rows - row));
        let row_px = f64::from(self.row_px);

        // Shading and executor separators.
        for band in &self.bands {
            for &(from, to) in &band.shaded {
                let (x0, y0) = px(from as f64, band.top);
                let (x1, y1) = px(to as f64, band.bottom);
                root.draw(&Rectangle::new([(x0, y0), (x1, y1)], SHADE.filled()))?;
            }
        }
        let separators = self.bands.len() <= 64 && self.bands.len() > 1;
        if separators {
            for band in &self.bands[1..] {
                let (x0, y) = px(0.0, band.top);
                let (x1, _) = px(self.span_ms as f64, band.top);
                root.draw(&PathElement::new(vec![(x0, y), (x1, y)], AXIS.mix(0.6)))?;
            }
        }

        match &self.body {
            Body::Detail(bars) => self.draw_bars(root, bars, &px, row_px)?,
            Body::Cells { cells, buckets } => {
                let width = self.span_ms as f64 / f64::from(*buckets);
                for cell in cells {
                    let row = f64::from(cell.row);
                    let (x0, y0) = px(f64::from(cell.from) * width, row);
                    let (x1, y1) = px(f64::from(cell.to) * width, row + 1.0);
                    let c = self.colours[usize::from(cell.class).min(self.colours.len() - 1)];
                    root.draw(&Rectangle::new(
                        [(x0, y0), (x1.max(x0 + 1), y1.max(y0 + 1))],
                        c.filled(),
                    ))?;
                }
            }
        }

        // Executor labels on the left, thinned so they never overlap.
        let style = text(LABEL_SIZE, &TEXT).pos(Pos::new(HPos::Right, VPos::Center));
        let (left, _) = px(0.0, 0.0);
        let mut last_y: Option<i32> = None;
        for band in &self.bands {
            let (_, y) = px(0.0, (band.top + band.bottom) / 2.0);
            if last_y.is_some_and(|last| y - last < 18) {
                continue;
            }
            let s = fit(&band.label, LABEL_SIZE, self.label_width - 14);
            root.draw_text(&s, &style, (left - 6, y))?;
            last_y = Some(y);
        }
        if self.attempts == 0 {
            let (x0, y0) = px(0.0, 0.0);
            let (x1, y1) = px(self.span_ms as f64, rows);
            let msg = text(NOTE_SIZE, &MUTED).pos(Pos::new(HPos::Center, VPos::Center));
            root.draw_text("no task attempts", &msg, ((x0 + x1) / 2, (y0 + y1) / 2))?;
        }
        Ok(())
    }
}

impl Gantt {
    fn draw_bars<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        bars: &[Bar],
        px: &dyn Fn(f64, f64) -> (i32, i32),
        row_px: f64,
    ) -> DrawResult<DB> {
        let pad = if row_px >= 8.0 { 2.0 / row_px } else { 0.0 };
        let black = RGBColor(0, 0, 0);
        for bar in bars {
            let row = f64::from(bar.row);
            let (x0, y0) = px(bar.launch_ms as f64, row + pad);
            let (x1, y1) = px(bar.finish_ms as f64, row + 1.0 - pad);
            // A 1 px gap after each bar wide enough, so back-to-back attempts stay apart.
            let x1 = if x1 - x0 >= 4 { x1 - 1 } else { x1.max(x0 + 1) };
            let c = self.colours[usize::from(bar.class).min(self.colours.len() - 1)];
            let alpha = if bar.status == AttemptStatus::Killed {
                0.3
            } else {
                1.0
            };
            root.draw(&Rectangle::new([(x0, y0), (x1, y1)], c.mix(alpha).filled()))?;
            if bar.speculative {
                let w = if row_px >= 10.0 { 2 } else { 1 };
                root.draw(&Rectangle::new([(x0, y0), (x1, y1)], black.stroke_width(w)))?;
            }
        }
        // Crosses on top of every bar.
        let size = ((row_px * 0.3) as i32).clamp(2, 6);
        for bar in bars.iter().filter(|b| b.status == AttemptStatus::Failed) {
            let (x, y) = px(bar.finish_ms as f64, f64::from(bar.row) + 0.5);
            root.draw(&Cross::new((x, y), size, black.stroke_width(2)))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    #[test]
    fn greedy_slots_reuse_the_lowest_free_slot() {
        let run = fixtures::run();
        let s = assign_slots(&run);
        // Executor 0 ("1"): tasks 0 [100,3100), 2 [1200,1500), 3 [1600,4000), 5 [3100,4950).
        assert_eq!((s.slot[0], s.slot[2], s.slot[3], s.slot[5]), (0, 1, 1, 0));
        // Executor 1 ("2"): tasks 1 [100,6600), 4 [2050,3000), 6 [4000,4950).
        assert_eq!((s.slot[1], s.slot[4], s.slot[6]), (0, 1, 1));
        assert_eq!(s.rows_used, [2, 2]);
    }

    #[test]
    fn small_runs_draw_every_attempt() {
        let run = fixtures::run();
        let colours = PoolColours::for_runs(&[&run]);
        let g = gantt("FIFO", &run, &colours, 6614, true, &GanttOptions::default());
        assert!(!g.aggregated);
        assert_eq!(g.rows, 4);
        assert!(matches!(&g.body, Body::Detail(b) if b.len() == 7));
    }

    #[test]
    fn aggregation_keeps_the_dominant_pool() {
        let run = fixtures::run();
        let colours = PoolColours::for_runs(&[&run]);
        let opts = GanttOptions {
            detail_limit: 3,
            ..GanttOptions::default()
        };
        let g = gantt("FIFO", &run, &colours, 6614, true, &opts);
        assert!(g.aggregated);
        let Body::Cells { cells, buckets } = &g.body else {
            panic!("not aggregated");
        };
        assert_eq!(*buckets, 600);
        // Row 0 (executor "1", slot 0): etl from 100 to 3100, then the killed etl attempt.
        let row0: Vec<&Cell> = cells.iter().filter(|c| c.row == 0).collect();
        assert!(row0.iter().all(|c| c.class == 0), "{row0:?}");
        // Row 1 (executor "1", slot 1) holds the adhoc attempts.
        assert!(cells.iter().any(|c| c.row == 1 && c.class == 1));
    }
}
