//! The Pareto front of two objectives (both lower is better), e.g. executor time against p95
//! turnaround: every evaluated point in grey, the non-dominated ones in colour joined by a
//! staircase, front points labelled with their configuration where the labels do not collide
//! (when there are few), and the
//! configuration as given as a cross.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{
    Axis, Header, LABEL_SIZE, LegendItem, MUTED, Swatch, TEXT, linear_ticks, run_colour,
    style_mesh, text, tick_label,
};
use super::{DrawResult, Plot};

const WIDTH: u32 = 1200;
const PLOT_H: u32 = 560;
/// Front points are labelled when there are at most this many.
pub const MAX_LABELS: usize = 12;

/// One evaluated configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct ParetoPoint {
    pub x: f64,
    pub y: f64,
    /// Its configuration, short (`minShare=2 weight=4`).
    pub label: String,
}

/// What to draw.
#[derive(Clone, Debug, Default)]
pub struct ParetoData {
    pub title: String,
    pub notes: Vec<String>,
    pub x_label: String,
    pub y_label: String,
    pub points: Vec<ParetoPoint>,
    /// The configuration as given.
    pub baseline: Option<(f64, f64)>,
}

/// The chart, ready to draw.
#[derive(Clone, Debug)]
pub struct Pareto {
    header: Header,
    data: ParetoData,
    front: Vec<usize>,
}

/// The indices of the non-dominated points (finite ones only; both coordinates lower is
/// better), sorted by x then y. A point is dominated when another is no worse in both and
/// better in one; of identical points the first is kept.
pub fn pareto_front(points: &[(f64, f64)]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..points.len())
        .filter(|&i| points[i].0.is_finite() && points[i].1.is_finite())
        .collect();
    order.sort_by(|&a, &b| {
        points[a]
            .0
            .total_cmp(&points[b].0)
            .then(points[a].1.total_cmp(&points[b].1))
            .then(a.cmp(&b))
    });
    let mut front = Vec::new();
    let mut best_y = f64::INFINITY;
    for i in order {
        if points[i].1 < best_y {
            best_y = points[i].1;
            front.push(i);
        }
    }
    front
}

/// Builds the chart.
pub fn pareto(data: ParetoData) -> Pareto {
    let xy: Vec<(f64, f64)> = data.points.iter().map(|p| (p.x, p.y)).collect();
    let front = pareto_front(&xy);
    let mut legend = vec![
        LegendItem::new(Swatch::Fill(RGBColor(0xB0, 0xB0, 0xB0)), "evaluated"),
        LegendItem::new(Swatch::Line(run_colour(0)), "Pareto front"),
    ];
    if data.baseline.is_some() {
        legend.push(LegendItem::new(
            Swatch::Cross(run_colour(1)),
            "configuration as given",
        ));
    }
    Pareto {
        header: Header::new(&data.title, &data.notes, &legend, WIDTH),
        data,
        front,
    }
}

impl Pareto {
    /// The front, as indices into the points.
    pub fn front(&self) -> &[usize] {
        &self.front
    }
}

fn padded(lo: f64, hi: f64) -> (f64, f64) {
    let span = (hi - lo).abs().max(hi.abs() * 0.05).max(1e-9);
    (lo - span * 0.06, hi + span * 0.08)
}

impl Plot for Pareto {
    fn size(&self) -> (u32, u32) {
        (WIDTH, self.header.height() + PLOT_H)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let area = self.header.draw(root)?;
        let d = &self.data;
        let finite: Vec<(f64, f64)> = d
            .points
            .iter()
            .map(|p| (p.x, p.y))
            .chain(d.baseline)
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .collect();
        if finite.is_empty() {
            return super::style::centred_message(&area, "no values");
        }
        let (xlo, xhi) = finite
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
                (a.min(p.0), b.max(p.0))
            });
        let (ylo, yhi) = finite
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
                (a.min(p.1), b.max(p.1))
            });
        let (xlo, xhi) = padded(xlo, xhi);
        let (ylo, yhi) = padded(ylo, yhi);
        let (xt, xstep) = linear_ticks(xlo, xhi, 10);
        let (yt, ystep) = linear_ticks(ylo, yhi, 8);
        let mut chart = ChartBuilder::on(&area)
            .margin(16)
            .margin_right(40)
            .x_label_area_size(50)
            .y_label_area_size(90)
            .build_cartesian_2d(Axis::new(xlo, xhi, xt), Axis::new(ylo, yhi, yt))?;
        let xl = |v: &f64| tick_label(*v, xstep);
        let yl = |v: &f64| tick_label(*v, ystep);
        let mut mesh = chart.configure_mesh();
        style_mesh(&mut mesh);
        mesh.x_label_formatter(&xl)
            .y_label_formatter(&yl)
            .x_desc(d.x_label.as_str())
            .y_desc(d.y_label.as_str())
            .draw()?;
        let grey = RGBColor(0xB0, 0xB0, 0xB0);
        chart.draw_series(
            d.points
                .iter()
                .filter(|p| p.x.is_finite() && p.y.is_finite())
                .map(|p| Circle::new((p.x, p.y), 4, grey.filled())),
        )?;
        let colour = run_colour(0);
        let mut stairs: Vec<(f64, f64)> = Vec::new();
        for &i in &self.front {
            let p = &d.points[i];
            if let Some(&(_, prev_y)) = stairs.last() {
                stairs.push((p.x, prev_y));
            }
            stairs.push((p.x, p.y));
        }
        chart.draw_series(LineSeries::new(stairs, colour.stroke_width(2)))?;
        chart.draw_series(
            self.front
                .iter()
                .map(|&i| Circle::new((d.points[i].x, d.points[i].y), 6, colour.filled())),
        )?;
        if let Some((x, y)) = d.baseline.filter(|b| b.0.is_finite() && b.1.is_finite()) {
            chart.draw_series(std::iter::once(Cross::new(
                (x, y),
                8,
                run_colour(1).stroke_width(3),
            )))?;
        }
        if self.front.len() <= MAX_LABELS {
            let plot = chart.plotting_area();
            let base = area.get_base_pixel();
            let (w, h) = area.dim_in_pixel();
            let (w, h) = (w as i32, h as i32);
            // Each label goes beside its point where it overlaps no label drawn before (right
            // above, right below, left above, left below), or is left out.
            let mut taken: Vec<(i32, i32, i32, i32)> = Vec::new();
            let line_h = 18;
            for &i in &self.front {
                let p = &d.points[i];
                let (px, py) = plot.map_coordinate(&(p.x, p.y));
                let (px, py) = (px - base.0, py - base.1);
                let lw = super::style::text_width(&p.label, LABEL_SIZE) as i32;
                let candidates = [
                    (px + 10, py - 4 - line_h),
                    (px + 10, py + 4),
                    (px - 10 - lw, py - 4 - line_h),
                    (px - 10 - lw, py + 4),
                ];
                let free = candidates.iter().copied().find(|&(x, y)| {
                    let b = (x, y, x + lw, y + line_h);
                    b.0 >= 0
                        && b.2 <= w
                        && b.1 >= 0
                        && b.3 <= h
                        && !taken
                            .iter()
                            .any(|t| b.0 < t.2 && t.0 < b.2 && b.1 < t.3 && t.1 < b.3)
                });
                if let Some((x, y)) = free {
                    taken.push((x, y, x + lw, y + line_h));
                    let style = text(LABEL_SIZE, &TEXT).pos(Pos::new(HPos::Left, VPos::Top));
                    area.draw_text(&p.label, &style, (x, y + 2))?;
                }
            }
        } else {
            let style = text(LABEL_SIZE, &MUTED).pos(Pos::new(HPos::Right, VPos::Top));
            let (w, _) = area.dim_in_pixel();
            area.draw_text(
                &format!("{} front points: see the table", self.front.len()),
                &style,
                (w as i32 - 50, 20),
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_front_keeps_the_non_dominated_points() {
        let pts = [
            (1.0, 10.0),
            (2.0, 5.0),
            (2.0, 6.0),
            (3.0, 5.0),
            (4.0, 1.0),
            (f64::NAN, 0.0),
            (1.0, 10.0),
        ];
        assert_eq!(pareto_front(&pts), [0, 1, 4]);
        assert!(pareto_front(&[]).is_empty());
    }

    #[test]
    fn draws_deterministically() {
        let data = ParetoData {
            title: "p".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            points: (0..5)
                .map(|i| ParetoPoint {
                    x: f64::from(i),
                    y: f64::from(5 - i),
                    label: format!("w={i}"),
                })
                .collect(),
            baseline: Some((2.5, 2.5)),
            notes: vec![],
        };
        let a = super::super::to_svg(&pareto(data.clone())).unwrap();
        assert_eq!(a, super::super::to_svg(&pareto(data)).unwrap());
        assert!(a.contains("w=3"));
    }
}
