//! `sparksim sweep-merge`: joins the shards of a sweep (`sweep --shard K/N --out DIR_K`) into
//! the files the unsharded sweep writes — the same bytes — after checking that the shards are
//! of the same sweep and that together they hold every point once.

use crate::cli::sweep::{Row, ViewArgs, print_table, sweep_page, write_file};
use anyhow::{Context, Result, bail};
use reports::sweep_report::write_sweep_page;
use sim::sweep::{MetricSet, Param, Point, Space, Summary};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct SweepMergeArgs {
    /// The shards' output directories (each with sweep.json, runs.csv and points.csv).
    #[arg(value_name = "SHARD_DIR", required = true)]
    pub shards: Vec<PathBuf>,
    /// Write the merged runs.csv, points.csv and sweep.json here.
    #[arg(long, value_name = "DIR", default_value = "sparksim-sweep")]
    pub out: PathBuf,
    /// Write sweep.html (heatmap, Pareto front) of the merged sweep here.
    #[arg(long, value_name = "DIR")]
    pub report: Option<PathBuf>,
    #[command(flatten)]
    pub view: ViewArgs,
}

struct ShardFiles {
    dir: PathBuf,
    manifest: serde_json::Value,
    runs_header: String,
    runs: Vec<(u64, String)>,
    points_header: String,
    points: Vec<(u64, String)>,
}

fn read(dir: &Path, name: &str) -> Result<String> {
    let path = dir.join(name);
    std::fs::read_to_string(&path).with_context(|| {
        format!(
            "cannot read {} (is {} the --out of a sweep?)",
            path.display(),
            dir.display()
        )
    })
}

/// The header and the `(point, line)` rows of a CSV written by `sweep`.
fn rows(dir: &Path, name: &str) -> Result<(String, Vec<(u64, String)>)> {
    let text = read(dir, name)?;
    let mut lines = text.lines();
    let header = lines
        .next()
        .with_context(|| format!("{}: empty file", dir.join(name).display()))?
        .to_string();
    let mut out = Vec::new();
    for (n, line) in lines.enumerate() {
        let id = line
            .split(',')
            .next()
            .and_then(|s| s.parse::<u64>().ok())
            .with_context(|| {
                format!(
                    "{}:{}: expected a point number first",
                    dir.join(name).display(),
                    n + 2
                )
            })?;
        out.push((id, line.to_string()));
    }
    Ok((header, out))
}

fn load(dir: &Path) -> Result<ShardFiles> {
    let manifest: serde_json::Value = serde_json::from_str(&read(dir, "sweep.json")?)
        .with_context(|| format!("{}: not a sweep manifest", dir.join("sweep.json").display()))?;
    if manifest.get("sparksim_sweep").is_none() {
        bail!("{}: not a sweep manifest", dir.join("sweep.json").display());
    }
    let (runs_header, runs) = rows(dir, "runs.csv")?;
    let (points_header, points) = rows(dir, "points.csv")?;
    Ok(ShardFiles {
        dir: dir.to_path_buf(),
        manifest,
        runs_header,
        runs,
        points_header,
        points,
    })
}

/// The manifest without what differs between shards.
fn common(m: &serde_json::Value) -> serde_json::Value {
    let mut m = m.clone();
    if let Some(o) = m.as_object_mut() {
        o.remove("shard");
        o.remove("points_in_file");
    }
    m
}

pub fn run(args: SweepMergeArgs) -> Result<ExitCode> {
    let shards: Vec<ShardFiles> = args.shards.iter().map(|d| load(d)).collect::<Result<_>>()?;
    let first = &shards[0];
    let reference = common(&first.manifest);
    let count = shards.len() as u64;
    let mut seen = BTreeSet::new();
    for s in &shards {
        if common(&s.manifest) != reference {
            bail!(
                "{} and {} are not shards of the same sweep (their sweep.json differ beyond the shard)",
                first.dir.display(),
                s.dir.display()
            );
        }
        if s.runs_header != first.runs_header || s.points_header != first.points_header {
            bail!(
                "{} and {}: the CSV headers differ",
                first.dir.display(),
                s.dir.display()
            );
        }
        let shard = &s.manifest["shard"];
        let (Some(k), Some(n)) = (shard["index"].as_u64(), shard["count"].as_u64()) else {
            if count == 1 {
                continue;
            }
            bail!("{} holds a whole sweep, not a shard", s.dir.display());
        };
        if n != count {
            bail!(
                "{} is shard {k}/{n}, but {count} shard directories were given (all {n} are needed)",
                s.dir.display()
            );
        }
        if !seen.insert(k) {
            bail!(
                "shard {k}/{n} is given twice (again in {})",
                s.dir.display()
            );
        }
    }
    let mut runs: Vec<(u64, String)> = shards.iter().flat_map(|s| s.runs.clone()).collect();
    let mut points: Vec<(u64, String)> = shards.iter().flat_map(|s| s.points.clone()).collect();
    runs.sort_by_key(|r| r.0);
    points.sort_by_key(|r| r.0);
    let total = reference["points"].as_u64().unwrap_or(0);
    let ids: BTreeSet<u64> = points.iter().map(|p| p.0).collect();
    if ids.len() != points.len() {
        bail!("a point appears in more than one shard");
    }
    if ids.len() as u64 != total {
        bail!(
            "the shards hold {} of the sweep's {total} points (a shard is missing or incomplete)",
            ids.len()
        );
    }
    let mut runs_csv = first.runs_header.clone() + "\n";
    for (_, l) in &runs {
        runs_csv.push_str(l);
        runs_csv.push('\n');
    }
    let mut points_csv = first.points_header.clone() + "\n";
    for (_, l) in &points {
        points_csv.push_str(l);
        points_csv.push('\n');
    }
    let mut manifest = first.manifest.clone();
    if let Some(o) = manifest.as_object_mut() {
        o.insert("shard".into(), serde_json::Value::Null);
        o.insert("points_in_file".into(), serde_json::json!(points.len()));
    }
    let out = &args.out;
    write_file(&out.join("runs.csv"), &runs_csv)?;
    write_file(&out.join("points.csv"), &points_csv)?;
    write_file(
        &out.join("sweep.json"),
        &format!("{}\n", serde_json::to_string_pretty(&manifest)?),
    )?;
    let summary = vec![
        vec!["shards".to_string(), shards.len().to_string()],
        vec!["points".to_string(), points.len().to_string()],
        vec!["runs".to_string(), runs.len().to_string()],
    ];
    print_table(&summary);
    println!(
        "wrote {}, {} and {}",
        out.join("runs.csv").display(),
        out.join("points.csv").display(),
        out.join("sweep.json").display()
    );
    if let Some(dir) = &args.report {
        let (space, metrics, rows) = read_back(&manifest, &first.points_header, &points)?;
        let objective = args
            .view
            .objective
            .clone()
            .unwrap_or_else(|| "all.p95_turnaround".to_string());
        let name = manifest["workload"].as_str().unwrap_or("workload");
        let page = sweep_page(
            name,
            &space,
            &metrics,
            &rows,
            &objective,
            &args.view,
            None,
            &[],
        )?;
        let files = write_sweep_page(dir, "sweep.html", &page)?;
        println!("wrote {}", files.html.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Splits a CSV line (RFC 4180 quoting).
fn split_csv(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// The space, metrics and points of a merged sweep, from its manifest and `points.csv`.
fn read_back(
    manifest: &serde_json::Value,
    header: &str,
    points: &[(u64, String)],
) -> Result<(Space, MetricSet, Vec<Row>)> {
    let bad = || anyhow::anyhow!("sweep.json: unexpected contents");
    let mut params = Vec::new();
    for p in manifest["params"].as_array().ok_or_else(bad)? {
        let key = p["key"].as_str().ok_or_else(bad)?;
        let values: Vec<String> = p["values"]
            .as_array()
            .ok_or_else(bad)?
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        let first = values.first().ok_or_else(bad)?;
        let mut param = Param::parse(&format!("{key}={first}"))?;
        param.values = values;
        params.push(param);
    }
    let space = Space { params };
    let pools: Vec<String> = manifest["pools"]
        .as_array()
        .ok_or_else(bad)?
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    let metrics = MetricSet::new(pools);
    if split_csv(header).len() != 2 + space.params.len() + 2 * metrics.len() {
        bail!("points.csv: the columns do not match sweep.json");
    }
    let mut rows = Vec::new();
    for (id, line) in points {
        let cells = split_csv(line);
        let k = space.params.len();
        if cells.len() != 2 + k + 2 * metrics.len() {
            bail!(
                "points.csv: point {id}: {} columns, expected {}",
                cells.len(),
                2 + k + 2 * metrics.len()
            );
        }
        let idx = space
            .params
            .iter()
            .enumerate()
            .map(|(i, p)| {
                p.values
                    .iter()
                    .position(|v| *v == cells[1 + i])
                    .ok_or_else(|| {
                        anyhow::anyhow!("points.csv: point {id}: unknown value {}", cells[1 + i])
                    })
            })
            .collect::<Result<Vec<usize>>>()?;
        let num = |s: &String| s.parse::<f64>().unwrap_or(f64::NAN);
        let seeds = cells[1 + k].parse().unwrap_or(0);
        let rest = &cells[2 + k..];
        rows.push(Row {
            id: *id,
            point: Point(idx),
            summary: Summary {
                mean: rest.iter().step_by(2).map(num).collect(),
                half_width: rest.iter().skip(1).step_by(2).map(num).collect(),
                seeds,
            },
        });
    }
    Ok((space, metrics, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_lines_split_with_quotes() {
        assert_eq!(split_csv("1,\"a,b\",\"c\"\"d\","), ["1", "a,b", "c\"d", ""]);
    }
}
