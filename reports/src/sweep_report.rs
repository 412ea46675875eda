//! The HTML pages of sweeps (`sweep.html`), tuning and capacity planning (`capacity.html`):
//! self-contained like [`crate::html`] (inline SVG and CSS, no scripts), with each chart also
//! written as `NAME.svg` and `NAME.png` beside the page, and a table of the points.
//!
//! The caller builds the charts ([`crate::charts::heatmap`], [`crate::charts::pareto`],
//! [`crate::charts::capacity`]) and the table cells; this module lays them out. Same inputs ⇒
//! byte-identical page and SVG files.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend};

use crate::charts::capacity::CapacityChart;
use crate::charts::heatmap::Heatmap;
use crate::charts::pareto::Pareto;
use crate::charts::{DrawResult, Plot, to_svg, write_png};
use crate::html::{ReportFiles, escape};

/// Any chart of a sweep page.
#[derive(Clone, Debug)]
pub enum SweepChart {
    Heatmap(Heatmap),
    Pareto(Pareto),
    Capacity(CapacityChart),
}

impl Plot for SweepChart {
    fn size(&self) -> (u32, u32) {
        match self {
            SweepChart::Heatmap(c) => c.size(),
            SweepChart::Pareto(c) => c.size(),
            SweepChart::Capacity(c) => c.size(),
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        match self {
            SweepChart::Heatmap(c) => c.draw(root),
            SweepChart::Pareto(c) => c.draw(root),
            SweepChart::Capacity(c) => c.draw(root),
        }
    }
}

/// A chart with its file stem, heading and caption.
#[derive(Clone, Debug)]
pub struct PageChart {
    /// File stem (`heatmap`).
    pub name: String,
    pub title: String,
    pub caption: String,
    pub chart: SweepChart,
}

/// A table of the page: header cells, rows of cells, and rows to emphasise.
#[derive(Clone, Debug, Default)]
pub struct PageTable {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Indices of rows shown in bold (e.g. the best point, the chosen size).
    pub highlight: Vec<usize>,
    /// A note under the table.
    pub note: String,
}

/// A page.
#[derive(Clone, Debug, Default)]
pub struct SweepPage {
    pub title: String,
    /// Lines under the title (the command, what was swept, how long it took).
    pub intro: Vec<String>,
    pub charts: Vec<PageChart>,
    pub tables: Vec<PageTable>,
    pub warnings: Vec<String>,
    /// Also write each chart as PNG.
    pub png: bool,
}

const CSS: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f4f5f7; color: #222; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
main { max-width: 1280px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #dde1e6; }
p.sub { color: #555; margin: 2px 0; }
.card { background: #fff; border: 1px solid #dde1e6; border-radius: 6px; padding: 12px 16px; margin: 12px 0; overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e6e8eb; text-align: right; white-space: nowrap; }
th { background: #f0f2f5; font-weight: 600; }
tr.hl td { font-weight: 700; background: #fff4d6; }
code { font-size: 13px; }
figure { margin: 14px 0 26px; background: #fff; border: 1px solid #dde1e6; border-radius: 6px; padding: 8px; }
figure svg { display: block; width: 100%; height: auto; max-width: 1200px; margin: 0 auto; }
figcaption { color: #555; font-size: 14px; padding: 6px 8px 2px; }
.note { color: #555; font-size: 14px; }
footer { color: #777; font-size: 13px; margin-top: 40px; }
"#;

/// The SVG as an inline element scaling to the page (namespace dropped, as HTML adds it).
fn inline_svg(svg: &str, title: &str) -> String {
    match (svg.find("<svg"), svg.find('>')) {
        (Some(0), Some(end)) => {
            let open = &svg[..end];
            let view_box = open
                .split("viewBox=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap_or("0 0 1200 800");
            format!(
                "<svg viewBox=\"{view_box}\" role=\"img\" aria-label=\"{}\">{}",
                escape(title),
                &svg[end + 1..]
            )
        }
        _ => svg.to_string(),
    }
}

/// The page's HTML, given each chart's SVG.
pub fn page_html(page: &SweepPage, svgs: &[String]) -> String {
    let mut h = String::with_capacity(1 << 16);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(h, "<title>{}</title>", escape(&page.title));
    let _ = writeln!(h, "<style>{CSS}</style>\n</head>\n<body>\n<main>");
    let _ = writeln!(h, "<h1>{}</h1>", escape(&page.title));
    for line in &page.intro {
        let _ = writeln!(h, "<p class=\"sub\">{}</p>", escape(line));
    }
    for (c, svg) in page.charts.iter().zip(svgs) {
        let _ = writeln!(
            h,
            "<h2 id=\"{}\">{}</h2>\n<figure>\n{}<figcaption>{}</figcaption>\n</figure>",
            escape(&c.name),
            escape(&c.title),
            inline_svg(svg, &c.title),
            escape(&c.caption)
        );
    }
    for t in &page.tables {
        let _ = writeln!(
            h,
            "<h2>{}</h2>\n<div class=\"card\">\n<table>",
            escape(&t.title)
        );
        h.push_str("<tr>");
        for c in &t.header {
            let _ = write!(h, "<th>{}</th>", escape(c));
        }
        h.push_str("</tr>\n");
        for (i, row) in t.rows.iter().enumerate() {
            if t.highlight.contains(&i) {
                h.push_str("<tr class=\"hl\">");
            } else {
                h.push_str("<tr>");
            }
            for c in row {
                let _ = write!(h, "<td>{}</td>", escape(c));
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</table>\n");
        if !t.note.is_empty() {
            let _ = writeln!(h, "<p class=\"note\">{}</p>", escape(&t.note));
        }
        h.push_str("</div>\n");
    }
    if !page.warnings.is_empty() {
        h.push_str("<h2>Warnings</h2>\n<ul>\n");
        for w in &page.warnings {
            let _ = writeln!(h, "<li>{}</li>", escape(w));
        }
        h.push_str("</ul>\n");
    }
    let _ = writeln!(
        h,
        "<footer>Generated by sparksim {} from simulated runs; times are simulated. This file is self-contained: no scripts, nothing loaded from the network.</footer>\n</main>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION")
    );
    h
}

fn with_path(e: io::Error, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// Writes `DIR/<file_name>` and every chart as `DIR/NAME.svg` (and `.png`).
pub fn write_sweep_page(dir: &Path, file_name: &str, page: &SweepPage) -> io::Result<ReportFiles> {
    fs::create_dir_all(dir).map_err(|e| with_path(e, dir))?;
    let mut svgs = Vec::new();
    let mut files = ReportFiles {
        html: dir.join(file_name),
        svg: Vec::new(),
        png: Vec::new(),
    };
    for c in &page.charts {
        let svg = to_svg(&c.chart)?;
        let path = dir.join(format!("{}.svg", c.name));
        fs::write(&path, &svg).map_err(|e| with_path(e, &path))?;
        files.svg.push(path);
        if page.png {
            let path = dir.join(format!("{}.png", c.name));
            write_png(&c.chart, &path)?;
            files.png.push(path);
        }
        svgs.push(svg);
    }
    let html = page_html(page, &svgs);
    fs::write(&files.html, html).map_err(|e| with_path(e, &files.html))?;
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::pareto::{ParetoData, ParetoPoint, pareto};

    #[test]
    fn a_page_with_a_chart_and_a_table() {
        let page = SweepPage {
            title: "Sweep <1>".into(),
            intro: vec!["sparksim sweep ...".into()],
            charts: vec![PageChart {
                name: "pareto".into(),
                title: "Pareto".into(),
                caption: "c".into(),
                chart: SweepChart::Pareto(pareto(ParetoData {
                    title: "p".into(),
                    points: vec![ParetoPoint {
                        x: 1.0,
                        y: 2.0,
                        label: "a".into(),
                    }],
                    ..ParetoData::default()
                })),
            }],
            tables: vec![PageTable {
                title: "Points".into(),
                header: vec!["point".into()],
                rows: vec![vec!["0".into()], vec!["1".into()]],
                highlight: vec![1],
                note: String::new(),
            }],
            warnings: vec![],
            png: false,
        };
        let svg = to_svg(&page.charts[0].chart).unwrap();
        let html = page_html(&page, &[svg]);
        assert!(html.contains("<title>Sweep &lt;1&gt;</title>"));
        assert!(html.contains("<svg viewBox="));
        assert!(html.contains("<tr class=\"hl\"><td>1</td>"));
    }
}
