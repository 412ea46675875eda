//! What every chart shares: the bundled font, colours, the header (title, notes, legend), tick
//! placement and number formats.

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::DrawResult;

/// DejaVu Sans (Bitstream Vera licence, see `assets/DejaVuSans-LICENSE.txt`). Plotters' `ab_glyph`
/// font support measures text with it (both backends) and rasterises it for PNG; SVG text names
/// the `sans-serif` family and is drawn by the viewer.
static DEJAVU_SANS: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// The family every chart uses.
pub const FAMILY: &str = "sans-serif";

/// Registers the bundled font under [`FAMILY`] (once per process). Plotters needs it before any
/// text is measured or drawn.
pub fn register_fonts() {
    static DONE: OnceLock<bool> = OnceLock::new();
    DONE.get_or_init(|| {
        plotters::style::register_font(FAMILY, FontStyle::Normal, DEJAVU_SANS).is_ok()
    });
}

pub const TEXT: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
pub const GRID: RGBColor = RGBColor(0xE2, 0xE2, 0xE2);
pub const AXIS: RGBColor = RGBColor(0x88, 0x88, 0x88);
pub const SHADE: RGBColor = RGBColor(0xEE, 0xEE, 0xEE);

/// Pool colours (Tableau 10): distinct, readable on white, in a fixed order.
pub const POOL_COLOURS: [RGBColor; 10] = [
    RGBColor(0x4E, 0x79, 0xA7),
    RGBColor(0xF2, 0x8E, 0x2B),
    RGBColor(0x59, 0xA1, 0x4F),
    RGBColor(0xE1, 0x57, 0x59),
    RGBColor(0x76, 0xB7, 0xB2),
    RGBColor(0xB0, 0x7A, 0xA1),
    RGBColor(0xED, 0xC9, 0x48),
    RGBColor(0x9C, 0x75, 0x5F),
    RGBColor(0xFF, 0x9D, 0xA7),
    RGBColor(0x79, 0x70, 0x6E),
];

/// The colour of the pools beyond the palette, grouped as "other pools".
pub const OTHER_POOLS: RGBColor = RGBColor(0xBA, 0xB0, 0xAC);

/// Configuration (run) colours (Okabe–Ito, colour-blind safe), in run order.
pub const RUN_COLOURS: [RGBColor; 7] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0x00, 0x00, 0x00),
];

/// The colour of the `i`-th run.
pub fn run_colour(i: usize) -> RGBColor {
    RUN_COLOURS[i % RUN_COLOURS.len()]
}

/// `#RRGGBB`, as the SVG backend writes it.
pub fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// A text style of the chart family.
pub fn text(size: f64, colour: &RGBColor) -> TextStyle<'static> {
    register_fonts();
    (FAMILY, size).into_font().color(colour)
}

/// The width in pixels of `s` at `size` (an estimate if the font is unavailable).
pub fn text_width(s: &str, size: f64) -> u32 {
    register_fonts();
    (FAMILY, size)
        .into_font()
        .box_size(s)
        .map(|(w, _)| w)
        .unwrap_or_else(|_| (s.chars().count() as f64 * size * 0.6) as u32)
}

/// `s` cut to at most `max_px` wide, with `…` when cut.
pub fn fit(s: &str, size: f64, max_px: u32) -> String {
    if text_width(s, size) <= max_px {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    for n in (1..chars.len()).rev() {
        let cut: String = chars[..n].iter().chain(['…'].iter()).collect();
        if text_width(&cut, size) <= max_px {
            return cut;
        }
    }
    "…".to_string()
}

/// `text` broken into lines at most `max_px` wide (at spaces).
pub fn wrap(text: &str, size: f64, max_px: u32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && text_width(&candidate, size) > max_px {
            lines.push(std::mem::take(&mut line));
            line = word.to_string();
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// How a legend entry is drawn.
#[derive(Clone, Debug)]
pub enum Swatch {
    /// A filled square.
    Fill(RGBColor),
    /// A filled square at this opacity with an outline in `outline`.
    Styled {
        fill: RGBColor,
        alpha: f64,
        outline: Option<RGBColor>,
    },
    /// A short thick line.
    Line(RGBColor),
    /// A short dashed line.
    Dashed(RGBColor),
    /// A cross.
    Cross(RGBColor),
}

/// One legend entry.
#[derive(Clone, Debug)]
pub struct LegendItem {
    pub swatch: Swatch,
    pub label: String,
}

impl LegendItem {
    pub fn new(swatch: Swatch, label: impl Into<String>) -> LegendItem {
        LegendItem {
            swatch,
            label: label.into(),
        }
    }
}

// Text sizes are plotters sizes: SVG text comes out at size / 1.24 px (so 16 is a 13 px font),
// and the bundled font is rasterised at about the same size in PNGs.
/// Chart titles.
pub const TITLE_SIZE: f64 = 24.0;
/// Panel captions.
pub const CAPTION_SIZE: f64 = 19.0;
/// Notes under the title, legend entries, axis names.
pub const NOTE_SIZE: f64 = 17.0;
/// Tick labels, value labels, row labels.
pub const LABEL_SIZE: f64 = 16.0;
const LEGEND_SIZE: f64 = NOTE_SIZE;
/// The left label area of the time charts (running tasks, Gantt, executors), the same in all
/// so their time axes line up when stacked.
pub const TIME_LEFT: u32 = 112;
const PAD: i32 = 16;
const TITLE_H: i32 = 34;
const NOTE_H: i32 = 21;
const LEGEND_H: i32 = 26;
const SWATCH: i32 = 14;

/// The top of a chart: a title, notes (wrapped) and a legend (wrapped), laid out for a width.
#[derive(Clone, Debug)]
pub struct Header {
    pub title: String,
    notes: Vec<String>,
    legend: Vec<Vec<LegendItem>>,
}

impl Header {
    /// Lays out `title`, `notes` and `legend` for a chart `width` pixels wide.
    pub fn new(title: &str, notes: &[String], legend: &[LegendItem], width: u32) -> Header {
        let max = width.saturating_sub(2 * PAD as u32);
        let notes = notes.iter().flat_map(|n| wrap(n, NOTE_SIZE, max)).collect();
        let mut rows: Vec<Vec<LegendItem>> = Vec::new();
        let mut x = 0;
        for item in legend {
            let w = item_width(item);
            if rows.is_empty() || (x + w > max as i32 && x > 0) {
                rows.push(Vec::new());
                x = 0;
            }
            x += w;
            if let Some(row) = rows.last_mut() {
                row.push(item.clone());
            }
        }
        Header {
            title: title.to_string(),
            notes,
            legend: rows,
        }
    }

    /// Pixels the header takes.
    pub fn height(&self) -> u32 {
        let h = 10
            + TITLE_H
            + NOTE_H * self.notes.len() as i32
            + LEGEND_H * self.legend.len() as i32
            + 8;
        h as u32
    }

    /// Fills `root` white, draws the header and returns the area below it.
    pub fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<DrawingArea<DB, Shift>, plotters::drawing::DrawingAreaErrorKind<DB::ErrorType>>
    {
        root.fill(&WHITE)?;
        let mut y = 10;
        root.draw_text(&self.title, &text(TITLE_SIZE, &TEXT), (PAD, y))?;
        y += TITLE_H;
        for note in &self.notes {
            root.draw_text(note, &text(NOTE_SIZE, &MUTED), (PAD, y))?;
            y += NOTE_H;
        }
        for row in &self.legend {
            let mut x = PAD;
            for item in row {
                draw_swatch(root, &item.swatch, x, y + 2)?;
                root.draw_text(
                    &item.label,
                    &text(LEGEND_SIZE, &TEXT).pos(Pos::new(HPos::Left, VPos::Center)),
                    (x + SWATCH + 6, y + 2 + SWATCH / 2),
                )?;
                x += item_width(item);
            }
            y += LEGEND_H;
        }
        Ok(root.split_vertically(self.height()).1)
    }
}

fn item_width(item: &LegendItem) -> i32 {
    SWATCH + 6 + text_width(&item.label, LEGEND_SIZE) as i32 + 22
}

fn draw_swatch<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    swatch: &Swatch,
    x: i32,
    y: i32,
) -> DrawResult<DB> {
    let square = [(x, y), (x + SWATCH, y + SWATCH)];
    let mid = y + SWATCH / 2;
    match swatch {
        Swatch::Fill(c) => root.draw(&Rectangle::new(square, c.filled())),
        Swatch::Styled {
            fill,
            alpha,
            outline,
        } => {
            root.draw(&Rectangle::new(square, fill.mix(*alpha).filled()))?;
            match outline {
                Some(o) => root.draw(&Rectangle::new(square, o.stroke_width(2))),
                None => Ok(()),
            }
        }
        Swatch::Line(c) => root.draw(&Rectangle::new(
            [(x - 2, mid - 2), (x + SWATCH + 2, mid + 2)],
            c.filled(),
        )),
        Swatch::Dashed(c) => {
            root.draw(&Rectangle::new(
                [(x - 2, mid - 1), (x + 4, mid + 2)],
                c.filled(),
            ))?;
            root.draw(&Rectangle::new(
                [(x + 9, mid - 1), (x + SWATCH + 2, mid + 2)],
                c.filled(),
            ))
        }
        Swatch::Cross(c) => root.draw(&Cross::new((x + SWATCH / 2, mid), 5, c.stroke_width(2))),
    }
}

/// Draws `s` centred in `area` (e.g. "no data").
pub fn centred_message<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
) -> DrawResult<DB> {
    let (w, h) = area.dim_in_pixel();
    let style = text(NOTE_SIZE, &MUTED).pos(Pos::new(HPos::Center, VPos::Center));
    area.draw_text(s, &style, (w as i32 / 2, h as i32 / 2))
}

/// Ticks at 1, 2 or 5 × 10^k covering `[lo, hi]`, at most about `max` of them, with the step.
pub fn linear_ticks(lo: f64, hi: f64, max: usize) -> (Vec<f64>, f64) {
    let span = (hi - lo).max(f64::MIN_POSITIVE);
    let raw = span / max.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    let ticks = (first..=last).map(|i| i as f64 * step).collect();
    (ticks, step)
}

/// Ticks for a log axis over `[lo, hi]` (both > 0): 1-2-5 × 10^k, else 1-3 × 10^k, else the
/// powers of ten, the densest that has at most `max`; never fewer than two when a denser set
/// has two.
pub fn log_ticks(lo: f64, hi: f64, max: usize) -> Vec<f64> {
    let (k0, k1) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let sets: Vec<Vec<f64>> = [&[1.0, 2.0, 5.0][..], &[1.0, 3.0][..], &[1.0][..]]
        .iter()
        .map(|mantissas| {
            (k0..=k1)
                .flat_map(|k| {
                    mantissas.iter().map(move |m| {
                        if k < 0 {
                            m / 10f64.powi(-k)
                        } else {
                            m * 10f64.powi(k)
                        }
                    })
                })
                .filter(|v| *v >= lo * (1.0 - 1e-9) && *v <= hi * (1.0 + 1e-9))
                .collect()
        })
        .collect();
    let mut chosen = sets[sets.len() - 1].clone();
    for set in sets.iter().rev() {
        if set.len() <= max || chosen.len() < 2 {
            chosen = set.clone();
        }
    }
    chosen
}

/// A tick value with as many decimals as the step needs (`0.5`, `10`, `0.25`).
pub fn tick_label(v: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else {
        (-(step * (1.0 + 1e-9)).log10().floor()) as usize
    };
    let s = format!("{v:.decimals$}");
    if s.starts_with('-') && s.trim_start_matches(['-', '0', '.']).is_empty() {
        s[1..].to_string()
    } else {
        s
    }
}

/// A log-axis tick value: `0.05`, `2`, `1000`.
pub fn log_tick_label(v: f64) -> String {
    if v >= 1.0 {
        format!("{v:.0}")
    } else {
        let decimals = (-v.log10().floor()) as usize;
        format!("{v:.decimals$}")
    }
}

/// A duration in seconds with three significant digits (`0.412 s`, `12.3 s`, `1234 s`).
pub fn short_secs(s: f64) -> String {
    if s < 1.0 {
        format!("{s:.3}")
    } else if s < 10.0 {
        format!("{s:.2}")
    } else if s < 100.0 {
        format!("{s:.1}")
    } else {
        format!("{s:.0}")
    }
}

/// `n` with thousands separators (`200,000`).
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A duration: seconds under 2 minutes, minutes under 2 hours, then hours (`26.1 s`,
/// `10.0 min`, `206.11 h`).
pub fn duration(ms: u64) -> String {
    let s = ms as f64 / 1000.0;
    if s < 120.0 {
        format!("{s:.1} s")
    } else if s < 7200.0 {
        format!("{:.1} min", s / 60.0)
    } else {
        format!("{:.2} h", s / 3600.0)
    }
}

/// The unit a time axis is labelled in, picked from the span it covers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimeUnit {
    pub name: &'static str,
    pub ms: f64,
}

impl TimeUnit {
    /// Seconds up to 5 minutes, minutes up to 5 hours, then hours.
    pub fn for_span(span_ms: u64) -> TimeUnit {
        if span_ms <= 300_000 {
            TimeUnit {
                name: "s",
                ms: 1000.0,
            }
        } else if span_ms <= 5 * 3_600_000 {
            TimeUnit {
                name: "min",
                ms: 60_000.0,
            }
        } else {
            TimeUnit {
                name: "h",
                ms: 3_600_000.0,
            }
        }
    }

    /// `ms` in this unit.
    pub fn of(&self, ms: f64) -> f64 {
        ms / self.ms
    }
}

/// A linear f64 axis with the tick positions given (plotters' own float axis picks its own,
/// and its `WithKeyPoints` wrapper loses the label formatter).
#[derive(Clone, Debug)]
pub struct Axis {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
}

impl Axis {
    /// `[lo, hi]` with `ticks` (grid lines and labels); an empty range is widened to 1.
    pub fn new(lo: f64, hi: f64, ticks: Vec<f64>) -> Axis {
        let hi = if hi > lo { hi } else { lo + 1.0 };
        Axis { lo, hi, ticks }
    }
}

impl plotters::coord::ranged1d::Ranged for Axis {
    type FormatOption = plotters::coord::ranged1d::DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let frac = ((*v - self.lo) / (self.hi - self.lo)).clamp(-4.0, 5.0);
        let frac = if frac.is_nan() { 0.0 } else { frac };
        limit.0 + (f64::from(limit.1 - limit.0) * frac + 1e-3).floor() as i32
    }

    fn key_points<H: plotters::coord::ranged1d::KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

/// The mesh style every chart uses: light grid at the key points, no minor lines.
pub fn style_mesh<DB, X, Y>(mesh: &mut plotters::chart::MeshStyle<'_, '_, X, Y, DB>)
where
    DB: DrawingBackend,
    X: plotters::coord::ranged1d::Ranged,
    Y: plotters::coord::ranged1d::Ranged,
{
    mesh.bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS)
        .label_style(text(LABEL_SIZE, &TEXT))
        .axis_desc_style(text(NOTE_SIZE, &TEXT));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_ticks_are_round() {
        let (t, step) = linear_ticks(0.0, 97.0, 10);
        assert_eq!(step, 10.0);
        assert_eq!(t.first(), Some(&0.0));
        assert_eq!(t.last(), Some(&90.0));
        let (t, step) = linear_ticks(0.0, 1.0, 8);
        assert_eq!((step, t.len()), (0.2, 6));
        assert_eq!(tick_label(0.4, 0.2), "0.4");
        assert_eq!(tick_label(0.25, 0.05), "0.25");
        assert_eq!(tick_label(20.0, 5.0), "20");
    }

    #[test]
    fn log_ticks_thin_out() {
        assert_eq!(log_ticks(0.9, 60.0, 12), [1.0, 2.0, 5.0, 10.0, 20.0, 50.0]);
        assert_eq!(log_ticks(0.01, 1e5, 8).len(), 8);
        assert_eq!(log_ticks(0.12, 5.0, 4), [0.3, 1.0, 3.0]);
        assert_eq!(log_ticks(0.5, 1.9, 1), [0.5, 1.0]);
        assert_eq!(log_tick_label(0.05), "0.05");
        assert_eq!(log_tick_label(200.0), "200");
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(200_000), "200,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn fit_and_wrap() {
        assert_eq!(fit("short", 13.0, 500), "short");
        let cut = fit("a-very-long-pool-name-indeed", 13.0, 60);
        assert!(cut.ends_with('…') && text_width(&cut, 13.0) <= 60, "{cut}");
        let lines = wrap("one two three four five six seven", 14.0, 80);
        assert!(lines.len() > 2, "{lines:?}");
        assert_eq!(lines.join(" "), "one two three four five six seven");
    }
}
