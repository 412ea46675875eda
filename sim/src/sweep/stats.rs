//! Aggregation over seeds: the mean and a Student-t confidence interval.
//!
//! For the `n` seeds of a point where a metric has a value (a pool with no finished job has
//! none), the interval is `mean ± t(0.975, n−1) · s / √n` with `s` the sample standard deviation
//! (divisor `n − 1`): the two-sided 95% interval of the mean under the usual assumption that the
//! per-seed values are independent and roughly normal. With one value there is no interval.
//!
//! The t quantile is computed, not tabled: the Student-t CDF for an integer number of degrees
//! of freedom has a closed form (Abramowitz & Stegun 26.7.3–26.7.4, a finite trigonometric
//! series), inverted by bisection to 1e-12.

/// The mean of the finite values and its 95% half-width, with how many values there were.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MeanCi {
    /// NaN when no value.
    pub mean: f64,
    /// NaN when fewer than two values.
    pub half_width: f64,
    pub n: usize,
}

/// The mean and Student-t 95% half-width of the finite values of `xs` (NaN marks "no value").
pub fn mean_ci95(xs: &[f64]) -> MeanCi {
    let v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    let n = v.len();
    if n == 0 {
        return MeanCi {
            mean: f64::NAN,
            half_width: f64::NAN,
            n,
        };
    }
    let mean = v.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return MeanCi {
            mean,
            half_width: f64::NAN,
            n,
        };
    }
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    MeanCi {
        mean,
        half_width: t_quantile(0.975, (n - 1) as u32) * (var / n as f64).sqrt(),
        n,
    }
}

/// The Student-t CDF at `t` with `df ≥ 1` degrees of freedom.
pub fn t_cdf(t: f64, df: u32) -> f64 {
    let df = df.max(1);
    let theta = (t / f64::from(df).sqrt()).atan();
    let (s, c) = theta.sin_cos();
    let c2 = c * c;
    // A(t|ν) = P(|T| ≤ t) with the sign of t.
    let a = if df % 2 == 1 {
        let mut sum = 0.0;
        if df > 1 {
            let mut term = 1.0;
            sum = 1.0;
            let mut k = 2;
            while k <= df - 2 {
                term *= f64::from(k) / f64::from(k + 1) * c2;
                sum += term;
                k += 2;
            }
        }
        2.0 / std::f64::consts::PI * (theta + s * c * sum)
    } else {
        let mut term = 1.0;
        let mut sum = 1.0;
        let mut k = 1;
        while k + 1 < df {
            term *= f64::from(k) / f64::from(k + 1) * c2;
            sum += term;
            k += 2;
        }
        s * sum
    };
    0.5 + a / 2.0
}

/// The `p`-quantile of Student's t with `df ≥ 1` degrees of freedom (`0 < p < 1`).
pub fn t_quantile(p: f64, df: u32) -> f64 {
    if p == 0.5 {
        return 0.0;
    }
    if p < 0.5 {
        return -t_quantile(1.0 - p, df);
    }
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    while t_cdf(hi, df) < p && hi < 1e12 {
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if t_cdf(mid, df) < p {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-12 * hi.max(1.0) {
            break;
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_the_tables() {
        for (df, t) in [
            (1, 12.706_204_7),
            (2, 4.302_652_7),
            (3, 3.182_446_3),
            (4, 2.776_445_1),
            (5, 2.570_581_8),
            (9, 2.262_157_2),
            (10, 2.228_138_9),
            (20, 2.085_963_4),
            (30, 2.042_272_5),
            (120, 1.979_930_4),
        ] {
            let got = t_quantile(0.975, df);
            assert!((got - t).abs() < 1e-6, "df {df}: {got} vs {t}");
        }
        assert!((t_quantile(0.975, 100_000) - 1.959_98).abs() < 1e-4);
        assert!((t_quantile(0.025, 4) + 2.776_445_1).abs() < 1e-6);
        assert!((t_cdf(0.0, 7) - 0.5).abs() < 1e-15);
    }

    #[test]
    fn mean_and_interval() {
        let m = mean_ci95(&[10.0, 12.0, 14.0]);
        assert_eq!((m.mean, m.n), (12.0, 3));
        // s = 2, t(0.975, 2) = 4.3027: 4.3027 × 2 / √3.
        assert!((m.half_width - 4.302_652_7 * 2.0 / 3f64.sqrt()).abs() < 1e-6);
        let one = mean_ci95(&[5.0, f64::NAN]);
        assert_eq!((one.mean, one.n), (5.0, 1));
        assert!(one.half_width.is_nan());
        assert!(mean_ci95(&[]).mean.is_nan());
    }
}
