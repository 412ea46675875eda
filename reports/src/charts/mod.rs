//! Charts of one run or of several labelled runs, drawn with `plotters` to SVG (text) and PNG
//! (bitmap, with the bundled DejaVu Sans font; never system fonts).
//!
//! * [`cdf`]: turnaround CDF per pool (one panel per pool), one line per configuration.
//! * [`gantt`]: task attempts on executor slots, coloured by pool; aggregated above a size.
//! * [`running`]: running tasks per pool over time (stacked) against the task slots.
//! * [`executors`]: registered (and target) executors over time, when the cluster changes size.
//! * [`bars`]: per-pool mean and p95 turnaround and wait, configurations side by side.
//! * [`heatmap`], [`pareto`], [`capacity`]: a sweep's objective over two parameters, the
//!   Pareto front of two objectives, and turnaround and cost against the cluster size.
//!
//! Each chart is built from the records into a value implementing [`Plot`], then rendered with
//! [`to_svg`] or [`write_png`]. Rendering is deterministic: the same records give the same SVG
//! bytes. Pools get the same colour in every chart ([`PoolColours`]); configurations get the
//! [`style::RUN_COLOURS`] in run order.

pub mod bars;
pub mod capacity;
pub mod cdf;
pub mod executors;
pub mod gantt;
pub mod heatmap;
pub mod pareto;
pub mod running;
pub mod style;

use std::io;
use std::path::Path;

use plotters::coord::Shift;
use plotters::drawing::DrawingAreaErrorKind;
use plotters::prelude::*;
use sim::records::SimOutput;

use style::{OTHER_POOLS, POOL_COLOURS, register_fonts};

/// What drawing returns.
pub type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// A chart ready to be drawn on any plotters backend.
pub trait Plot {
    /// Width and height in pixels.
    fn size(&self) -> (u32, u32);
    /// Draws the whole chart on `root` (of [`Plot::size`]).
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB>;
}

/// The chart as an SVG document.
pub fn to_svg<P: Plot>(plot: &P) -> io::Result<String> {
    register_fonts();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, plot.size()).into_drawing_area();
        plot.draw(&root).map_err(io::Error::other)?;
        root.present().map_err(io::Error::other)?;
    }
    Ok(svg)
}

/// Writes the chart as a PNG file of [`Plot::size`]. An error names the file.
pub fn write_png<P: Plot>(plot: &P, path: &Path) -> io::Result<()> {
    register_fonts();
    let named = |e: String| io::Error::other(format!("{}: {e}", path.display()));
    let root = BitMapBackend::new(path, plot.size()).into_drawing_area();
    plot.draw(&root).map_err(|e| named(e.to_string()))?;
    root.present().map_err(|e| named(e.to_string()))
}

/// The most pools that get a colour of their own; more are drawn as "other pools".
pub const MAX_POOL_COLOURS: usize = POOL_COLOURS.len();

/// The colour of every pool, the same in all charts of a report.
#[derive(Clone, Debug)]
pub struct PoolColours {
    /// Pools with a colour of their own, in first-appearance order.
    named: Vec<String>,
    /// True when some pools are grouped as "other pools".
    other: bool,
}

impl PoolColours {
    /// Pools in first-appearance order over the runs' jobs. With more than
    /// [`MAX_POOL_COLOURS`] pools, the ones that held task slots longest (over all runs) keep
    /// a colour and the rest become "other pools".
    pub fn for_runs(runs: &[&SimOutput]) -> PoolColours {
        let mut names: Vec<&str> = Vec::new();
        for run in runs {
            for job in &run.jobs {
                if !names.contains(&job.pool.as_str()) {
                    names.push(&job.pool);
                }
            }
        }
        if names.len() <= MAX_POOL_COLOURS {
            return PoolColours {
                named: names.iter().map(|s| s.to_string()).collect(),
                other: false,
            };
        }
        let mut busy = vec![0u128; names.len()];
        for run in runs {
            let index: Vec<usize> = run
                .jobs
                .iter()
                .map(|j| names.iter().position(|n| *n == j.pool).unwrap_or(0))
                .collect();
            for t in &run.tasks {
                if let Some(&i) = index.get(t.job as usize) {
                    busy[i] += u128::from(t.finish_ms.saturating_sub(t.launch_ms));
                }
            }
        }
        let mut order: Vec<usize> = (0..names.len()).collect();
        order.sort_by(|&a, &b| busy[b].cmp(&busy[a]).then(a.cmp(&b)));
        let mut keep: Vec<usize> = order[..MAX_POOL_COLOURS - 1].to_vec();
        keep.sort_unstable();
        PoolColours {
            named: keep.iter().map(|&i| names[i].to_string()).collect(),
            other: true,
        }
    }

    /// The class of `pool`: its position among the named pools, or the "other pools" class.
    pub fn class(&self, pool: &str) -> usize {
        self.named
            .iter()
            .position(|n| n == pool)
            .unwrap_or(self.named.len())
    }

    /// Number of classes (named pools, plus one for "other pools" when there are others).
    pub fn len(&self) -> usize {
        self.named.len() + usize::from(self.other)
    }

    /// True when there are no pools at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The label of a class.
    pub fn label(&self, class: usize) -> &str {
        self.named.get(class).map_or("other pools", String::as_str)
    }

    /// The colour of a class.
    pub fn colour(&self, class: usize) -> RGBColor {
        if class < self.named.len() {
            POOL_COLOURS[class % POOL_COLOURS.len()]
        } else {
            OTHER_POOLS
        }
    }

    /// The class of each of `run`'s jobs, by job index.
    pub fn job_classes(&self, run: &SimOutput) -> Vec<usize> {
        run.jobs.iter().map(|j| self.class(&j.pool)).collect()
    }

    /// Legend entries for every class.
    pub fn legend(&self) -> Vec<style::LegendItem> {
        (0..self.len())
            .map(|c| style::LegendItem::new(style::Swatch::Fill(self.colour(c)), self.label(c)))
            .collect()
    }
}

/// The time axis end shared by the time charts of several runs: the latest event or attempt
/// end over all of them (at least 1 ms).
pub fn time_span_ms(runs: &[&SimOutput]) -> u64 {
    runs.iter()
        .flat_map(|r| std::iter::once(r.end_ms).chain(r.tasks.iter().map(|t| t.finish_ms)))
        .max()
        .unwrap_or(0)
        .max(1)
}

/// Task slots per executor core: the run's slots over the cores of the executors present at the
/// start (Spark's `spark.task.cpus`); 1 when unknown.
pub(crate) fn cores_per_slot(run: &SimOutput) -> u32 {
    let Some(first) = run.executors.iter().map(|e| e.added_ms).min() else {
        return 1;
    };
    let cores: u32 = run
        .executors
        .iter()
        .filter(|e| e.added_ms == first)
        .map(|e| e.cores)
        .sum();
    if run.slots == 0 || cores == 0 {
        1
    } else {
        (cores / run.slots).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    #[test]
    fn pools_keep_their_colour_across_runs() {
        let a = fixtures::run();
        let mut b = fixtures::run();
        b.jobs[3].pool = "cleanup".into();
        let colours = PoolColours::for_runs(&[&a, &b]);
        assert_eq!(colours.len(), 3);
        assert_eq!(
            (
                colours.class("etl"),
                colours.class("adhoc"),
                colours.class("cleanup")
            ),
            (0, 1, 2)
        );
        assert_eq!(colours.label(1), "adhoc");
    }

    #[test]
    fn many_pools_group_the_idle_ones() {
        let mut run = fixtures::run();
        let template = run.jobs[0].clone();
        for i in 0..12 {
            let mut j = template.clone();
            j.pool = format!("p{i}");
            run.jobs.push(j);
        }
        let colours = PoolColours::for_runs(&[&run]);
        assert_eq!(colours.len(), MAX_POOL_COLOURS);
        assert_eq!(colours.class("etl"), 0, "the busiest pools keep a colour");
        assert_eq!(colours.class("adhoc"), 1);
        assert_eq!(colours.label(colours.class("p11")), "other pools");
    }

    #[test]
    fn cores_per_slot_from_the_initial_executors() {
        let mut run = fixtures::run();
        assert_eq!(cores_per_slot(&run), 1);
        run.slots = 2;
        assert_eq!(cores_per_slot(&run), 2);
    }
}
