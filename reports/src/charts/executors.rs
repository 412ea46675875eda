//! Executors over time: how many were registered (from the executors' `added_ms` /
//! `removed_ms`) and, if given, how many dynamic allocation aimed for (the target), as steps.
//! Only worth drawing when the cluster changes size: [`executors_chart`] returns `None` when
//! every executor was registered at the same time for the whole run and no varying target was
//! given.

use plotters::coord::Shift;
use plotters::prelude::*;
use sim::records::SimOutput;

use super::style::{
    Axis, Header, LegendItem, Swatch, TIME_LEFT, TimeUnit, duration, linear_ticks, run_colour,
    style_mesh, thousands, tick_label,
};
use super::{DrawResult, Plot};

const WIDTH: u32 = 1200;
const PLOT_H: u32 = 280;

/// The chart, ready to draw.
#[derive(Clone, Debug)]
pub struct ExecutorsChart {
    header: Header,
    span_ms: u64,
    unit: TimeUnit,
    registered: Vec<(u64, u32)>,
    target: Option<Vec<(u64, u32)>>,
}

/// Registered executors over time as steps `(from_ms, count)`, starting at 0 ms.
pub fn registered_steps(run: &SimOutput) -> Vec<(u64, u32)> {
    let mut events: Vec<(u64, i64)> = Vec::new();
    for e in &run.executors {
        events.push((e.added_ms, 1));
        if let Some(r) = e.removed_ms {
            events.push((r, -1));
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

/// True when the cluster changed size during the run: executors registered at different times,
/// or one was removed before the end.
pub fn cluster_changes(run: &SimOutput, span_ms: u64) -> bool {
    let first = run.executors.iter().map(|e| e.added_ms).min();
    run.executors.iter().any(|e| {
        Some(e.added_ms) != first || e.removed_ms.is_some_and(|r| r < span_ms.max(run.end_ms))
    })
}

/// The chart of `run` labelled `label` over `[0, span_ms]`, with the optional `target` steps
/// `(from_ms, executors)`; `None` when there is nothing to show (see the module docs).
pub fn executors_chart(
    label: &str,
    run: &SimOutput,
    target: Option<&[(u64, u32)]>,
    span_ms: u64,
) -> Option<ExecutorsChart> {
    let target = target.filter(|t| !t.is_empty()).map(<[_]>::to_vec);
    let target_varies = target
        .as_ref()
        .is_some_and(|t| t.iter().any(|s| s.1 != t[0].1));
    if !cluster_changes(run, span_ms) && !target_varies {
        return None;
    }
    let registered = registered_steps(run);
    let mut legend = vec![LegendItem::new(Swatch::Line(run_colour(0)), "registered")];
    if target.is_some() {
        legend.push(LegendItem::new(
            Swatch::Dashed(run_colour(1)),
            "target (dynamic allocation)",
        ));
    }
    let total_ms: u64 = run
        .executors
        .iter()
        .map(|e| e.removed_ms.unwrap_or(span_ms).saturating_sub(e.added_ms))
        .sum();
    let notes = vec![format!(
        "{} executors over the run; executor time {}.",
        thousands(run.executors.len() as u64),
        duration(total_ms)
    )];
    Some(ExecutorsChart {
        header: Header::new(
            &format!("Executors over time — {label}"),
            &notes,
            &legend,
            WIDTH,
        ),
        span_ms: span_ms.max(1),
        unit: TimeUnit::for_span(span_ms.max(1)),
        registered,
        target,
    })
}

/// Steps as line points up to `span` (in the chart's unit).
fn step_points(steps: &[(u64, u32)], unit: TimeUnit, span: f64) -> Vec<(f64, f64)> {
    let mut line: Vec<(f64, f64)> = Vec::new();
    for &(from, v) in steps {
        let x = unit.of(from as f64).min(span);
        if let Some(&(_, prev)) = line.last() {
            line.push((x, prev));
        }
        line.push((x, f64::from(v)));
    }
    if let Some(&(_, last)) = line.last() {
        line.push((span, last));
    }
    line
}

impl Plot for ExecutorsChart {
    fn size(&self) -> (u32, u32) {
        (WIDTH, self.header.height() + PLOT_H + 60)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let area = self.header.draw(root)?;
        let span = self.unit.of(self.span_ms as f64);
        let peak = self
            .registered
            .iter()
            .chain(self.target.iter().flatten())
            .map(|s| s.1)
            .max()
            .unwrap_or(1)
            .max(1);
        let y_top = f64::from(peak) * 1.15;
        let (xt, xstep) = linear_ticks(0.0, span, 12);
        let (yt, _) = linear_ticks(0.0, y_top, 6);
        let yt: Vec<f64> = yt.into_iter().filter(|v| v.fract() == 0.0).collect();
        let mut chart = ChartBuilder::on(&area)
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(TIME_LEFT)
            .build_cartesian_2d(Axis::new(0.0, span, xt), Axis::new(0.0, y_top, yt))?;
        let xl = |v: &f64| tick_label(*v, xstep);
        let yl = |v: &f64| format!("{v:.0}");
        let x_desc = format!("time since the start ({})", self.unit.name);
        let mut mesh = chart.configure_mesh();
        style_mesh(&mut mesh);
        mesh.x_label_formatter(&xl)
            .y_label_formatter(&yl)
            .x_desc(x_desc)
            .y_desc("executors")
            .draw()?;
        if let Some(target) = &self.target {
            chart.draw_series(DashedLineSeries::new(
                step_points(target, self.unit, span),
                8,
                5,
                run_colour(1).stroke_width(2),
            ))?;
        }
        chart.draw_series(LineSeries::new(
            step_points(&self.registered, self.unit, span),
            run_colour(0).stroke_width(3),
        ))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    #[test]
    fn constant_cluster_has_no_chart() {
        let run = fixtures::run();
        assert!(!cluster_changes(&run, 6614));
        assert!(executors_chart("FIFO", &run, None, 6614).is_none());
        let flat = [(0, 2)];
        assert!(executors_chart("FIFO", &run, Some(&flat), 6614).is_none());
        let varying = [(0, 2), (3000, 4)];
        assert!(executors_chart("FIFO", &run, Some(&varying), 6614).is_some());
    }

    #[test]
    fn a_removed_executor_changes_the_cluster() {
        let mut run = fixtures::run();
        run.executors[1].removed_ms = Some(3000);
        assert!(cluster_changes(&run, 6614));
        assert_eq!(registered_steps(&run), [(0, 2), (3000, 1)]);
        assert!(executors_chart("FIFO", &run, None, 6614).is_some());
    }
}
