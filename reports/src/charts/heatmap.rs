//! Heatmap of a sweep's objective over two parameters: one cell per (x value, y value), its
//! colour the objective (lower is better: the darkest, bluest cells are the best), its value
//! written in the cell when it fits, the best cell outlined. When the sweep has more
//! parameters, the caller gives each cell the best value over the others (the projection a
//! tuner cares about), and says so in the notes.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{Header, LABEL_SIZE, MUTED, NOTE_SIZE, TEXT, fit, text, text_width};
use super::{DrawResult, Plot};

const WIDTH: u32 = 1200;
const LEFT: i32 = 150;
const RIGHT: i32 = 130;
const TOP: i32 = 10;
const BOTTOM: i32 = 70;

/// What to draw.
#[derive(Clone, Debug, Default)]
pub struct HeatmapData {
    pub title: String,
    pub notes: Vec<String>,
    /// The x parameter's name and values (left to right).
    pub x_label: String,
    pub x_values: Vec<String>,
    /// The y parameter's name and values (bottom to top).
    pub y_label: String,
    pub y_values: Vec<String>,
    /// `cells[y][x]`, in display units; `None`: not evaluated or no value.
    pub cells: Vec<Vec<Option<f64>>>,
    /// The value's name and unit, for the colour bar (`p95 turnaround (s)`).
    pub value_label: String,
}

/// The chart, ready to draw.
#[derive(Clone, Debug)]
pub struct Heatmap {
    header: Header,
    data: HeatmapData,
    range: Option<(f64, f64)>,
    best: Option<(usize, usize)>,
    cell_h: u32,
}

/// Viridis, reversed so that low (good) values are dark: sampled at 7 stops.
const STOPS: [(u8, u8, u8); 7] = [
    (0x44, 0x01, 0x54),
    (0x44, 0x3A, 0x83),
    (0x31, 0x68, 0x8E),
    (0x21, 0x90, 0x8C),
    (0x35, 0xB7, 0x79),
    (0x90, 0xD7, 0x43),
    (0xFD, 0xE7, 0x25),
];

/// The colour of `t` in [0, 1] (0: best, dark).
pub fn colour_at(t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = t * (STOPS.len() - 1) as f64;
    let i = (x.floor() as usize).min(STOPS.len() - 2);
    let f = x - i as f64;
    let lerp = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * f).round() as u8;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    RGBColor(lerp(a.0, b.0), lerp(a.1, b.1), lerp(a.2, b.2))
}

/// Builds the chart.
pub fn heatmap(data: HeatmapData) -> Heatmap {
    let mut range: Option<(f64, f64)> = None;
    let mut best: Option<(usize, usize, f64)> = None;
    for (y, row) in data.cells.iter().enumerate() {
        for (x, v) in row.iter().enumerate() {
            let Some(v) = v.filter(|v| v.is_finite()) else {
                continue;
            };
            range = Some(range.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))));
            if best.is_none_or(|b| v < b.2) {
                best = Some((x, y, v));
            }
        }
    }
    let plot_w = WIDTH as i32 - LEFT - RIGHT;
    let nx = data.x_values.len().max(1) as i32;
    let ny = data.y_values.len().max(1) as u32;
    let cell_h = ((plot_w / nx) as u32).clamp(28, 56).min((560 / ny).max(18));
    Heatmap {
        header: Header::new(&data.title, &data.notes, &[], WIDTH),
        range,
        best: best.map(|b| (b.0, b.1)),
        cell_h,
        data,
    }
}

impl Heatmap {
    /// The best cell `(x, y)`, if any has a value.
    pub fn best(&self) -> Option<(usize, usize)> {
        self.best
    }

    fn fraction(&self, v: f64) -> f64 {
        match self.range {
            Some((lo, hi)) if hi > lo => (v - lo) / (hi - lo),
            _ => 0.0,
        }
    }
}

/// A cell's value: 3 significant digits.
fn short(v: f64) -> String {
    let a = v.abs();
    if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

impl Plot for Heatmap {
    fn size(&self) -> (u32, u32) {
        let ny = self.data.y_values.len().max(1) as u32;
        (
            WIDTH,
            self.header.height() + TOP as u32 + ny * self.cell_h + BOTTOM as u32,
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let area = self.header.draw(root)?;
        let d = &self.data;
        if d.x_values.is_empty() || d.y_values.is_empty() || self.range.is_none() {
            return super::style::centred_message(&area, "no values");
        }
        let nx = d.x_values.len() as i32;
        let ny = d.y_values.len() as i32;
        let plot_w = WIDTH as i32 - LEFT - RIGHT;
        let cw = plot_w / nx;
        let ch = self.cell_h as i32;
        let x0 = LEFT;
        let y0 = TOP;
        let cell = |x: usize, y: usize| {
            // y = 0 is the bottom row.
            let top = y0 + (ny - 1 - y as i32) * ch;
            let left = x0 + x as i32 * cw;
            (left, top)
        };
        let value_style = |dark: bool| {
            text(LABEL_SIZE, if dark { &WHITE } else { &TEXT })
                .pos(Pos::new(HPos::Center, VPos::Center))
        };
        for (y, row) in d.cells.iter().enumerate().take(ny as usize) {
            for (x, v) in row.iter().enumerate().take(nx as usize) {
                let (l, t) = cell(x, y);
                match v.filter(|v| v.is_finite()) {
                    Some(v) => {
                        let f = self.fraction(v);
                        area.draw(&Rectangle::new(
                            [(l, t), (l + cw - 1, t + ch - 1)],
                            colour_at(f).filled(),
                        ))?;
                        let s = short(v);
                        if text_width(&s, LABEL_SIZE) + 6 <= cw as u32 && ch >= 18 {
                            area.draw_text(&s, &value_style(f < 0.55), (l + cw / 2, t + ch / 2))?;
                        }
                    }
                    None => {
                        area.draw(&Rectangle::new(
                            [(l, t), (l + cw - 1, t + ch - 1)],
                            RGBColor(0xF0, 0xF0, 0xF0).filled(),
                        ))?;
                        area.draw_text(
                            "–",
                            &text(LABEL_SIZE, &MUTED).pos(Pos::new(HPos::Center, VPos::Center)),
                            (l + cw / 2, t + ch / 2),
                        )?;
                    }
                }
            }
        }
        if let Some((bx, by)) = self.best {
            let (l, t) = cell(bx, by);
            area.draw(&Rectangle::new(
                [(l + 1, t + 1), (l + cw - 2, t + ch - 2)],
                RGBColor(0xE1, 0x57, 0x59).stroke_width(3),
            ))?;
        }
        // Axis labels: x values under the cells, y values left of them.
        let below = y0 + ny * ch;
        let xs = text(LABEL_SIZE, &TEXT).pos(Pos::new(HPos::Center, VPos::Top));
        let every = {
            let widest = d
                .x_values
                .iter()
                .map(|v| text_width(v, LABEL_SIZE) as i32 + 8)
                .max()
                .unwrap_or(10);
            ((widest + cw - 1) / cw.max(1)).max(1) as usize
        };
        for (x, v) in d.x_values.iter().enumerate() {
            if x % every == 0 {
                let (l, _) = cell(x, 0);
                area.draw_text(v, &xs, (l + cw / 2, below + 6))?;
            }
        }
        let desc = text(NOTE_SIZE, &TEXT).pos(Pos::new(HPos::Center, VPos::Top));
        area.draw_text(&d.x_label, &desc, (x0 + plot_w / 2, below + 34))?;
        let ys = text(LABEL_SIZE, &TEXT).pos(Pos::new(HPos::Right, VPos::Center));
        let every_y = if ch >= 18 {
            1
        } else {
            (18 / ch.max(1)) as usize + 1
        };
        for (y, v) in d.y_values.iter().enumerate() {
            if y % every_y == 0 {
                let (l, t) = cell(0, y);
                area.draw_text(&fit(v, LABEL_SIZE, 70), &ys, (l - 8, t + ch / 2))?;
            }
        }
        let ydesc = text(NOTE_SIZE, &TEXT)
            .transform(FontTransform::Rotate270)
            .pos(Pos::new(HPos::Center, VPos::Center));
        area.draw_text(
            &fit(&d.y_label, NOTE_SIZE, (ny * ch).max(120) as u32),
            &ydesc,
            (24, y0 + ny * ch / 2),
        )?;
        // The colour bar.
        let (lo, hi) = self.range.unwrap_or((0.0, 1.0));
        let bx = x0 + plot_w + 30;
        let bh = (ny * ch).max(60);
        let steps = 40;
        for i in 0..steps {
            let f = i as f64 / (steps - 1) as f64;
            let top = y0 + (f * (bh - bh / steps) as f64) as i32;
            area.draw(&Rectangle::new(
                [(bx, top), (bx + 18, top + bh / steps + 1)],
                colour_at(f).filled(),
            ))?;
        }
        let bar = text(LABEL_SIZE, &TEXT).pos(Pos::new(HPos::Left, VPos::Center));
        area.draw_text(&short(lo), &bar, (bx + 24, y0 + 6))?;
        area.draw_text(&short(hi), &bar, (bx + 24, y0 + bh - 6))?;
        let label = fit(&d.value_label, LABEL_SIZE, (RIGHT - 36) as u32);
        area.draw_text(
            &label,
            &text(LABEL_SIZE, &MUTED).pos(Pos::new(HPos::Left, VPos::Top)),
            (bx - 4, y0 + bh + 6),
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> HeatmapData {
        HeatmapData {
            title: "t".into(),
            x_label: "x".into(),
            x_values: vec!["1".into(), "2".into()],
            y_label: "y".into(),
            y_values: vec!["a".into(), "b".into()],
            cells: vec![vec![Some(3.0), None], vec![Some(1.0), Some(2.0)]],
            value_label: "v".into(),
            notes: vec![],
        }
    }

    #[test]
    fn best_cell_and_colours() {
        let h = heatmap(data());
        assert_eq!(h.best(), Some((0, 1)));
        assert_eq!(colour_at(0.0), RGBColor(0x44, 0x01, 0x54));
        assert_eq!(colour_at(1.0), RGBColor(0xFD, 0xE7, 0x25));
        let svg = super::super::to_svg(&h).unwrap();
        assert!(svg.contains("<svg") && svg.contains("\n1.00\n"), "{svg}");
        assert_eq!(svg, super::super::to_svg(&heatmap(data())).unwrap());
    }

    #[test]
    fn no_values_is_a_message() {
        let mut d = data();
        d.cells = vec![vec![None, None], vec![None, None]];
        let svg = super::super::to_svg(&heatmap(d)).unwrap();
        assert!(svg.contains("no values"));
    }
}
