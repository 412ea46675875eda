//! Numbers drawn from distributions: the `tasks`, `task_duration_ms`, `stages` and `gap_ms`
//! values of a synthetic spec.
//!
//! In the TOML a value is either a plain number (a constant) or a table naming a distribution:
//!
//! | table | meaning | mean |
//! |---|---|---|
//! | `{ dist = "constant", value = v }` | always `v` | `v` |
//! | `{ dist = "exponential", mean = m }` | exponential with mean `m` | `m` |
//! | `{ dist = "lognormal", mean = m, sigma = s }` | lognormal whose **mean** is `m`; `s` is the σ of the underlying normal (so μ = ln m − s²/2) | `m` |
//! | `{ dist = "lognormal", mu = μ, sigma = s }` | lognormal by the underlying normal's μ and σ (median e^μ) | e^(μ+s²/2) |
//! | `{ dist = "pareto", scale = x_m, shape = α }` | Pareto with minimum `x_m` and tail index `α` | α·x_m/(α−1) if α > 1 |
//! | `{ dist = "uniform", min = a, max = b }` | uniform on [a, b]; if `a` and `b` are whole numbers, each integer in [a, b] is equally likely | (a+b)/2 |
//!
//! Samples are rounded to the nearest integer and clamped to the range the use allows
//! (task counts ≥ 1, durations ≥ 0). Parameters are checked when the spec is loaded, so sampling
//! never fails. This module draws numbers only; which stream a draw comes from is the generator's
//! business.

use std::fmt;

use rand::Rng;
use rand::distr::{Distribution, Uniform};
use rand_distr::{Exp, LogNormal, Pareto};
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

/// A number or a distribution, as written in a spec (not yet checked).
#[derive(Debug, Clone, PartialEq)]
pub enum DistSpec {
    /// Always this value.
    Constant(f64),
    /// Exponential with this mean.
    Exponential { mean: f64 },
    /// Lognormal given by its mean (`mean`) or the underlying normal's μ (`mu`), and σ.
    LogNormal {
        mean: Option<f64>,
        mu: Option<f64>,
        sigma: f64,
    },
    /// Pareto with minimum `scale` and tail index `shape`.
    Pareto { scale: f64, shape: f64 },
    /// Uniform on `[min, max]`.
    Uniform { min: f64, max: f64 },
}

/// The table form, tagged by `dist`.
#[derive(serde::Deserialize)]
#[serde(tag = "dist", rename_all = "lowercase", deny_unknown_fields)]
enum RawDist {
    Constant {
        value: f64,
    },
    Exponential {
        mean: f64,
    },
    Lognormal {
        mean: Option<f64>,
        mu: Option<f64>,
        sigma: f64,
    },
    Pareto {
        scale: f64,
        shape: f64,
    },
    Uniform {
        min: f64,
        max: f64,
    },
}

impl From<RawDist> for DistSpec {
    fn from(raw: RawDist) -> DistSpec {
        match raw {
            RawDist::Constant { value } => DistSpec::Constant(value),
            RawDist::Exponential { mean } => DistSpec::Exponential { mean },
            RawDist::Lognormal { mean, mu, sigma } => DistSpec::LogNormal { mean, mu, sigma },
            RawDist::Pareto { scale, shape } => DistSpec::Pareto { scale, shape },
            RawDist::Uniform { min, max } => DistSpec::Uniform { min, max },
        }
    }
}

impl<'de> Deserialize<'de> for DistSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<DistSpec, D::Error> {
        d.deserialize_any(DistVisitor)
    }
}

struct DistVisitor;

impl<'de> Visitor<'de> for DistVisitor {
    type Value = DistSpec;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number or a table like { dist = \"lognormal\", mean = 300, sigma = 0.5 }")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<DistSpec, E> {
        Ok(DistSpec::Constant(v as f64))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<DistSpec, E> {
        Ok(DistSpec::Constant(v as f64))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<DistSpec, E> {
        Ok(DistSpec::Constant(v))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DistSpec, A::Error> {
        RawDist::deserialize(MapAccessDeserializer::new(map)).map(DistSpec::from)
    }
}

/// A checked distribution, ready to sample.
#[derive(Debug, Clone)]
pub struct Sampler {
    kind: SamplerKind,
}

#[derive(Debug, Clone)]
enum SamplerKind {
    Constant(f64),
    Exponential(Exp<f64>, f64),
    LogNormal(LogNormal<f64>, f64, f64),
    Pareto(Pareto<f64>, f64, f64),
    UniformInt(Uniform<u64>, f64),
    UniformReal(Uniform<f64>, f64),
}

/// `Err` naming the parameter unless `x` is finite and `ok(x)`.
fn check(name: &str, x: f64, ok: impl Fn(f64) -> bool, what: &str) -> Result<f64, String> {
    if x.is_finite() && ok(x) {
        Ok(x)
    } else {
        Err(format!("`{name}` must be {what}, found {x}"))
    }
}

fn positive(name: &str, x: f64) -> Result<f64, String> {
    check(name, x, |x| x > 0.0, "a positive number")
}

fn non_negative(name: &str, x: f64) -> Result<f64, String> {
    check(name, x, |x| x >= 0.0, "a number ≥ 0")
}

impl Sampler {
    /// A constant sampler.
    pub fn constant(value: f64) -> Sampler {
        Sampler {
            kind: SamplerKind::Constant(value),
        }
    }

    /// Checks the parameters (all values must be ≥ 0, since they are counts or durations) and
    /// builds the sampler. The error says which parameter is wrong and what was expected.
    pub fn new(spec: &DistSpec) -> Result<Sampler, String> {
        let kind = match *spec {
            DistSpec::Constant(v) => SamplerKind::Constant(non_negative("value", v)?),
            DistSpec::Exponential { mean } => {
                let mean = positive("mean", mean)?;
                SamplerKind::Exponential(Exp::new(1.0 / mean).map_err(|e| e.to_string())?, mean)
            }
            DistSpec::LogNormal { mean, mu, sigma } => lognormal(mean, mu, sigma)?,
            DistSpec::Pareto { scale, shape } => {
                let (scale, shape) = (positive("scale", scale)?, positive("shape", shape)?);
                let d = Pareto::new(scale, shape).map_err(|e| e.to_string())?;
                SamplerKind::Pareto(d, scale, shape)
            }
            DistSpec::Uniform { min, max } => uniform(min, max)?,
        };
        Ok(Sampler { kind })
    }

    /// The distribution's mean; `None` if infinite (Pareto with shape ≤ 1).
    pub fn mean(&self) -> Option<f64> {
        match self.kind {
            SamplerKind::Constant(v) => Some(v),
            SamplerKind::Exponential(_, mean) => Some(mean),
            SamplerKind::LogNormal(_, mu, sigma) => Some((mu + sigma * sigma / 2.0).exp()),
            SamplerKind::Pareto(_, scale, shape) => {
                (shape > 1.0).then(|| shape * scale / (shape - 1.0))
            }
            SamplerKind::UniformInt(_, mean) | SamplerKind::UniformReal(_, mean) => Some(mean),
        }
    }

    /// One draw (a real number ≥ 0).
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.kind {
            SamplerKind::Constant(v) => *v,
            SamplerKind::Exponential(d, _) => d.sample(rng),
            SamplerKind::LogNormal(d, _, _) => d.sample(rng),
            SamplerKind::Pareto(d, _, _) => d.sample(rng),
            SamplerKind::UniformInt(d, _) => d.sample(rng) as f64,
            SamplerKind::UniformReal(d, _) => d.sample(rng),
        }
    }

    /// One draw rounded to the nearest integer and clamped to `[min, max]`.
    pub fn sample_int<R: Rng + ?Sized>(&self, rng: &mut R, min: u64, max: u64) -> u64 {
        round_clamp(self.sample(rng), min, max)
    }
}

/// `x` rounded to the nearest integer, clamped to `[min, max]` (NaN gives `min`).
pub fn round_clamp(x: f64, min: u64, max: u64) -> u64 {
    if x.is_nan() {
        return min;
    }
    // `as` saturates, so huge values become u64::MAX before the clamp.
    (x.round() as u64).clamp(min, max)
}

fn lognormal(mean: Option<f64>, mu: Option<f64>, sigma: f64) -> Result<SamplerKind, String> {
    let sigma = non_negative("sigma", sigma)?;
    let mu = match (mean, mu) {
        (Some(mean), None) => positive("mean", mean)?.ln() - sigma * sigma / 2.0,
        (None, Some(mu)) => check("mu", mu, |_| true, "a finite number")?,
        _ => return Err("lognormal needs exactly one of `mean` or `mu` (with `sigma`)".into()),
    };
    let d = LogNormal::new(mu, sigma).map_err(|e| e.to_string())?;
    Ok(SamplerKind::LogNormal(d, mu, sigma))
}

fn uniform(min: f64, max: f64) -> Result<SamplerKind, String> {
    let (min, max) = (non_negative("min", min)?, non_negative("max", max)?);
    if min > max {
        return Err(format!("`min` ({min}) must not be above `max` ({max})"));
    }
    let mean = (min + max) / 2.0;
    if min.fract() == 0.0 && max.fract() == 0.0 && max < 9.0e15 {
        let d = Uniform::new_inclusive(min as u64, max as u64).map_err(|e| e.to_string())?;
        return Ok(SamplerKind::UniformInt(d, mean));
    }
    let d = Uniform::new_inclusive(min, max).map_err(|e| e.to_string())?;
    Ok(SamplerKind::UniformReal(d, mean))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Holder {
        d: DistSpec,
    }

    fn parse(text: &str) -> Result<DistSpec, String> {
        toml::from_str::<Holder>(text)
            .map(|h| h.d)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn parses_numbers_and_tables() {
        assert_eq!(parse("d = 4"), Ok(DistSpec::Constant(4.0)));
        assert_eq!(parse("d = 2.5"), Ok(DistSpec::Constant(2.5)));
        assert_eq!(
            parse("d = { dist = \"lognormal\", mean = 300, sigma = 0.5 }"),
            Ok(DistSpec::LogNormal {
                mean: Some(300.0),
                mu: None,
                sigma: 0.5
            })
        );
        assert_eq!(
            parse("d = { dist = \"uniform\", min = 2, max = 8 }"),
            Ok(DistSpec::Uniform { min: 2.0, max: 8.0 })
        );
    }

    #[test]
    fn table_errors_name_the_problem() {
        let e = parse("d = { dist = \"lognormal\", mean = 300 }").unwrap_err();
        assert!(e.contains("missing field `sigma`"), "{e}");
        let e = parse("d = { dist = \"gauss\", mean = 300 }").unwrap_err();
        assert!(e.contains("unknown variant `gauss`"), "{e}");
        let e = parse("d = { dist = \"exponential\", mean = 3, sd = 1 }").unwrap_err();
        assert!(e.contains("unknown field `sd`"), "{e}");
        let e = parse("d = \"fast\"").unwrap_err();
        assert!(e.contains("expected a number or a table"), "{e}");
    }

    #[test]
    fn rejects_bad_parameters() {
        let bad = [
            DistSpec::Constant(-1.0),
            DistSpec::Exponential { mean: 0.0 },
            DistSpec::LogNormal {
                mean: Some(1.0),
                mu: Some(0.0),
                sigma: 1.0,
            },
            DistSpec::LogNormal {
                mean: Some(1.0),
                mu: None,
                sigma: -1.0,
            },
            DistSpec::Pareto {
                scale: 1.0,
                shape: 0.0,
            },
            DistSpec::Uniform { min: 5.0, max: 1.0 },
            DistSpec::Uniform {
                min: f64::NAN,
                max: 1.0,
            },
        ];
        for spec in bad {
            assert!(Sampler::new(&spec).is_err(), "{spec:?} accepted");
        }
    }

    #[test]
    fn round_clamp_saturates() {
        assert_eq!(round_clamp(2.5, 1, 10), 3);
        assert_eq!(round_clamp(0.2, 1, 10), 1);
        assert_eq!(round_clamp(1e300, 0, 100), 100);
        assert_eq!(round_clamp(f64::NAN, 1, 10), 1);
        assert_eq!(round_clamp(-5.0, 0, 10), 0);
    }
}
