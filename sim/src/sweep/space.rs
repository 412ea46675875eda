//! Parameter spaces: what `--param KEY=VALUES` means, the grid of every combination, random
//! samples of it and shards of either.
//!
//! # Syntax
//!
//! `KEY=VALUES`, where `VALUES` is
//!
//! * `A..B`: the integers from A to B inclusive (`0..8`);
//! * `A..B:STEP`: from A to B inclusive by STEP (`10..50:10`, `0.5..2:0.25`); decimals are
//!   kept to the most any of A, B, STEP has, trailing zeros dropped;
//! * `V1,V2,...`: the listed values, in order (`FIFO,FAIR`, `1,2,4,8`, `1s,5s`);
//! * `V`: one value (a fixed override for every point).
//!
//! `KEY` is `pool.<name>.<field>` for a pool parameter (field `minShare`, `weight` or
//! `schedulingMode`; the pool name may contain dots) or any configuration key (`spark.*`,
//! `sparksim.*`), which overrides the configuration as `--conf` would.
//!
//! # Points
//!
//! The grid is every combination, the **last parameter varying fastest** (row-major), numbered
//! from 0. A random sample draws distinct grid points with a seeded ChaCha8 stream and keeps
//! them in grid order. Shard `K/N` (K from 0) keeps the points whose number is K modulo N, so
//! the shards of a grid together hold every point exactly once and the work is spread evenly
//! along every axis.

use rand::RngExt;

/// At most this many values per parameter.
pub const MAX_VALUES: usize = 100_000;
/// At most this many points in a materialised grid (use a random sample beyond).
pub const MAX_GRID_POINTS: u64 = 10_000_000;

/// Which field of a pool a pool parameter sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PoolField {
    MinShare,
    Weight,
    SchedulingMode,
}

impl PoolField {
    /// Spark's spelling in `fairscheduler.xml`.
    pub fn as_str(self) -> &'static str {
        match self {
            PoolField::MinShare => "minShare",
            PoolField::Weight => "weight",
            PoolField::SchedulingMode => "schedulingMode",
        }
    }

    fn parse(text: &str) -> Option<PoolField> {
        match text.to_ascii_lowercase().replace('_', "").as_str() {
            "minshare" => Some(PoolField::MinShare),
            "weight" => Some(PoolField::Weight),
            "schedulingmode" | "mode" => Some(PoolField::SchedulingMode),
            _ => None,
        }
    }
}

/// What a parameter changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A pool's field (the pool is created if the allocation has none of that name).
    Pool { pool: String, field: PoolField },
    /// A configuration key, set as `--conf` would.
    Conf(String),
}

/// One swept parameter: a key and its values, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    /// The key as the user wrote it (pool fields normalised: `pool.interactive.minShare`).
    pub key: String,
    pub target: Target,
    pub values: Vec<String>,
}

/// A `--param` that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("--param {arg}: {message}")]
pub struct ParamError {
    pub arg: String,
    pub message: String,
}

impl Param {
    /// Parses `KEY=VALUES` (syntax in the module docs).
    pub fn parse(arg: &str) -> Result<Param, ParamError> {
        let fail = |message: String| ParamError {
            arg: arg.to_string(),
            message,
        };
        let Some((key, spec)) = arg.split_once('=') else {
            return Err(fail(
                "expected KEY=VALUES, e.g. pool.interactive.minShare=0..8, \
                 pool.batch.weight=1,2,4 or spark.executor.instances=10..50:10"
                    .into(),
            ));
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(fail("the key before '=' is empty".into()));
        }
        let target = parse_target(key).map_err(fail)?;
        let key = match &target {
            Target::Pool { pool, field } => format!("pool.{pool}.{}", field.as_str()),
            Target::Conf(k) => k.clone(),
        };
        let values = parse_values(spec.trim()).map_err(fail)?;
        if let Target::Pool { field, .. } = &target {
            let values = values
                .iter()
                .map(|v| check_pool_value(*field, v))
                .collect::<Result<Vec<_>, _>>()
                .map_err(fail)?;
            return Ok(Param {
                key,
                target,
                values,
            });
        }
        Ok(Param {
            key,
            target,
            values,
        })
    }

    /// True when the parameter takes more than one value.
    pub fn varies(&self) -> bool {
        self.values.len() > 1
    }
}

fn parse_target(key: &str) -> Result<Target, String> {
    let Some(rest) = key.strip_prefix("pool.") else {
        if key.contains(char::is_whitespace) {
            return Err(format!("the key {key:?} contains a space"));
        }
        return Ok(Target::Conf(key.to_string()));
    };
    let Some((pool, field)) = rest.rsplit_once('.') else {
        return Err(format!(
            "a pool parameter is pool.<name>.<field> with field minShare, weight or \
             schedulingMode; got {key:?}"
        ));
    };
    if pool.is_empty() {
        return Err(format!("the pool name in {key:?} is empty"));
    }
    let field = PoolField::parse(field).ok_or_else(|| {
        format!("unknown pool field {field:?}: expected minShare, weight or schedulingMode")
    })?;
    Ok(Target::Pool {
        pool: pool.to_string(),
        field,
    })
}

fn check_pool_value(field: PoolField, value: &str) -> Result<String, String> {
    match field {
        PoolField::SchedulingMode => match value.to_ascii_uppercase().as_str() {
            m @ ("FIFO" | "FAIR") => Ok(m.to_string()),
            _ => Err(format!(
                "schedulingMode value {value:?}: expected FIFO or FAIR"
            )),
        },
        PoolField::MinShare | PoolField::Weight => {
            let min = if field == PoolField::Weight { 1 } else { 0 };
            match value.parse::<i32>() {
                Ok(n) if n >= min => Ok(n.to_string()),
                _ => Err(format!(
                    "{} value {value:?}: expected an integer ≥ {min}",
                    field.as_str()
                )),
            }
        }
    }
}

/// The values of `A..B[:STEP]`, `V1,V2,...` or `V`.
fn parse_values(spec: &str) -> Result<Vec<String>, String> {
    if spec.is_empty() {
        return Err("no values after '='".into());
    }
    let values = if let Some((a, rest)) = spec.split_once("..") {
        let (b, step) = match rest.split_once(':') {
            Some((b, s)) => (b, Some(s)),
            None => (rest, None),
        };
        range(a.trim(), b.trim(), step.map(str::trim))?
    } else {
        spec.split(',').map(|v| v.trim().to_string()).collect()
    };
    if values.iter().any(String::is_empty) {
        return Err(format!("an empty value in {spec:?}"));
    }
    if values.len() > MAX_VALUES {
        return Err(format!(
            "{} values; at most {MAX_VALUES} per parameter",
            values.len()
        ));
    }
    for (i, v) in values.iter().enumerate() {
        if values[..i].contains(v) {
            return Err(format!("the value {v:?} is listed twice"));
        }
    }
    Ok(values)
}

fn decimals(s: &str) -> usize {
    s.split_once('.').map_or(0, |(_, d)| d.len())
}

fn range(a: &str, b: &str, step: Option<&str>) -> Result<Vec<String>, String> {
    let expected = "expected a range A..B or A..B:STEP of numbers (e.g. 0..8, 10..50:10, \
                    0.5..2:0.5), or a list V1,V2,...";
    let num = |s: &str| -> Result<f64, String> {
        s.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("{s:?} is not a number; {expected}"))
    };
    let (lo, hi) = (num(a)?, num(b)?);
    let st = match step {
        Some(s) => num(s)?,
        None => 1.0,
    };
    if st <= 0.0 {
        return Err(format!(
            "the step must be positive, got {}",
            step.unwrap_or("1")
        ));
    }
    if hi < lo {
        return Err(format!(
            "the range {a}..{b} is empty (the end is below the start)"
        ));
    }
    let count = ((hi - lo) / st + 1e-9).floor() + 1.0;
    if count > MAX_VALUES as f64 {
        return Err(format!(
            "{count} values; at most {MAX_VALUES} per parameter"
        ));
    }
    let places = decimals(a).max(decimals(b)).max(step.map_or(0, decimals));
    Ok((0..count as usize)
        .map(|i| format_number(lo + i as f64 * st, places))
        .collect())
}

/// `v` with `places` decimals, trailing zeros (and a bare point) dropped; never `-0`.
fn format_number(v: f64, places: usize) -> String {
    let mut s = format!("{v:.places$}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" { "0".to_string() } else { s }
}

/// A grid point: the index of each parameter's value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Point(pub Vec<usize>);

/// The parameters of a sweep.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Space {
    pub params: Vec<Param>,
}

impl Space {
    /// Parses every `--param`; a key given twice is an error.
    pub fn parse(args: &[String]) -> Result<Space, ParamError> {
        let mut params: Vec<Param> = Vec::new();
        for arg in args {
            let p = Param::parse(arg)?;
            if let Some(other) = params.iter().find(|q| q.key == p.key) {
                return Err(ParamError {
                    arg: arg.clone(),
                    message: format!(
                        "{} is already swept (give each key once, with all its values)",
                        other.key
                    ),
                });
            }
            params.push(p);
        }
        Ok(Space { params })
    }

    /// Number of grid points (`None` if it overflows `u64`).
    pub fn size(&self) -> Option<u64> {
        self.params
            .iter()
            .try_fold(1u64, |acc, p| acc.checked_mul(p.values.len() as u64))
    }

    /// The grid point numbered `index` (last parameter fastest).
    pub fn point(&self, mut index: u64) -> Point {
        let mut idx = vec![0; self.params.len()];
        for (i, p) in self.params.iter().enumerate().rev() {
            let n = p.values.len() as u64;
            idx[i] = (index % n) as usize;
            index /= n;
        }
        Point(idx)
    }

    /// The number of `point` in the grid.
    pub fn index_of(&self, point: &Point) -> u64 {
        self.params.iter().zip(&point.0).fold(0u64, |acc, (p, &i)| {
            acc.wrapping_mul(p.values.len() as u64)
                .wrapping_add(i as u64)
        })
    }

    /// Every grid point in order.
    pub fn grid(&self) -> Result<Vec<Point>, String> {
        match self.size() {
            Some(n) if n <= MAX_GRID_POINTS => Ok((0..n).map(|i| self.point(i)).collect()),
            _ => Err(format!(
                "the grid has more than {MAX_GRID_POINTS} points; use --sample N"
            )),
        }
    }

    /// `n` distinct grid points drawn at random (seeded), in grid order; the whole grid when
    /// it has no more than `n` points.
    pub fn sample(&self, n: u64, seed: u64) -> Result<Vec<Point>, String> {
        let size = self.size().unwrap_or(u64::MAX);
        if n >= size {
            return self.grid();
        }
        if n > MAX_GRID_POINTS {
            return Err(format!("--sample {n}: at most {MAX_GRID_POINTS} points"));
        }
        // Floyd's algorithm: n distinct indices in [0, size) with n draws.
        let mut rng = workloads::rng::stream(seed, 0, "sweep/sample");
        let mut chosen = std::collections::BTreeSet::new();
        for j in (size - n)..size {
            let t = rng.random_range(0..=j);
            if !chosen.insert(t) {
                chosen.insert(j);
            }
        }
        Ok(chosen.into_iter().map(|i| self.point(i)).collect())
    }

    /// `(key, value)` of every parameter at `point`.
    pub fn assignment<'a>(&'a self, point: &Point) -> Vec<(&'a Param, &'a str)> {
        self.params
            .iter()
            .zip(&point.0)
            .map(|(p, &i)| (p, p.values[i].as_str()))
            .collect()
    }

    /// `key=value, ...` for messages.
    pub fn describe(&self, point: &Point) -> String {
        self.assignment(point)
            .iter()
            .map(|(p, v)| format!("{}={v}", p.key))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// `K/N`: the K-th of N shards (K from 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// Parses `K/N` with `0 ≤ K < N`.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || {
            format!(
                "--shard {text}: expected K/N with 0 ≤ K < N, e.g. 0/4 \
                 (K is JOB_COMPLETION_INDEX in a Kubernetes indexed Job)"
            )
        };
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let (k, n) = (
            k.trim().parse::<u64>().map_err(|_| bad())?,
            n.trim().parse::<u64>().map_err(|_| bad())?,
        );
        if n == 0 || k >= n {
            return Err(bad());
        }
        Ok(Shard { index: k, count: n })
    }

    /// True when point number `i` belongs to this shard.
    pub fn holds(&self, i: u64) -> bool {
        i % self.count == self.index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(arg: &str) -> Vec<String> {
        Param::parse(arg).unwrap().values
    }

    #[test]
    fn ranges_lists_and_single_values() {
        assert_eq!(values("pool.a.minShare=0..3"), ["0", "1", "2", "3"]);
        assert_eq!(
            values("spark.executor.instances=10..50:10"),
            ["10", "20", "30", "40", "50"]
        );
        assert_eq!(values("x.y=0.5..2:0.5"), ["0.5", "1", "1.5", "2"]);
        assert_eq!(values("x.y=0.1..0.3:0.1"), ["0.1", "0.2", "0.3"]);
        assert_eq!(values("spark.scheduler.mode=FIFO, FAIR"), ["FIFO", "FAIR"]);
        assert_eq!(values("spark.speculation=true"), ["true"]);
        assert_eq!(values("pool.a.schedulingMode=fifo,fair"), ["FIFO", "FAIR"]);
    }

    #[test]
    fn pool_keys_are_normalised_and_may_hold_dots() {
        let p = Param::parse("pool.team.etl.min_share=1").unwrap();
        assert_eq!(p.key, "pool.team.etl.minShare");
        assert_eq!(
            p.target,
            Target::Pool {
                pool: "team.etl".into(),
                field: PoolField::MinShare
            }
        );
    }

    #[test]
    fn bad_params_name_the_argument_and_what_was_expected() {
        for (arg, needle) in [
            ("pool.a.minShare", "expected KEY=VALUES"),
            ("pool.a.minShare=0..x", "not a number"),
            ("pool.a.minShare=5..1", "empty"),
            ("pool.a.minShare=0..4:0", "step must be positive"),
            ("pool.a.minShare=-1", "integer ≥ 0"),
            ("pool.a.weight=0,1", "integer ≥ 1"),
            ("pool.a.maxShare=1", "unknown pool field"),
            ("pool.a.schedulingMode=LIFO", "FIFO or FAIR"),
            ("pool.minShare=1", "pool.<name>.<field>"),
            ("=1", "empty"),
            ("a.b=1,,2", "empty value"),
            ("a.b=1,1", "twice"),
            ("a.b=0..1000000", "at most"),
        ] {
            let e = Param::parse(arg).unwrap_err().to_string();
            assert!(e.starts_with(&format!("--param {arg}: ")), "{e}");
            assert!(e.contains(needle), "{arg}: {e}");
        }
        let e = Space::parse(&["a=1".into(), "a=2".into()]).unwrap_err();
        assert!(e.to_string().contains("already swept"), "{e}");
    }

    #[test]
    fn grid_order_is_row_major_and_indices_round_trip() {
        let s = Space::parse(&["a=0..2".into(), "b=x,y".into()]).unwrap();
        assert_eq!(s.size(), Some(6));
        let g = s.grid().unwrap();
        assert_eq!(g[1], Point(vec![0, 1]));
        assert_eq!(g[2], Point(vec![1, 0]));
        for (i, p) in g.iter().enumerate() {
            assert_eq!(s.index_of(p), i as u64);
        }
        assert_eq!(s.describe(&g[3]), "a=1 b=y");
    }

    #[test]
    fn samples_are_distinct_sorted_and_reproducible() {
        let s = Space::parse(&["a=0..99".into(), "b=0..99".into()]).unwrap();
        let one = s.sample(50, 7).unwrap();
        assert_eq!(one, s.sample(50, 7).unwrap());
        assert_ne!(one, s.sample(50, 8).unwrap());
        let idx: Vec<u64> = one.iter().map(|p| s.index_of(p)).collect();
        assert!(idx.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(s.sample(20_000, 7).unwrap().len(), 10_000);
    }

    #[test]
    fn shards_partition_the_points() {
        assert_eq!(Shard::parse("1/3"), Ok(Shard { index: 1, count: 3 }));
        for bad in ["3/3", "1", "a/2", "0/0"] {
            assert!(Shard::parse(bad).unwrap_err().contains("--shard"), "{bad}");
        }
        let shards: Vec<Shard> = (0..3).map(|k| Shard { index: k, count: 3 }).collect();
        for i in 0..10 {
            assert_eq!(shards.iter().filter(|s| s.holds(i)).count(), 1);
        }
    }
}
