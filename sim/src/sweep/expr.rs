//! The small expression language of objectives, constraints and capacity targets.
//!
//! ```text
//! constraint := sum ("<=" | "<" | ">=" | ">") sum
//! sum        := product (("+" | "-") product)*
//! product    := unary (("*" | "/") unary)*
//! unary      := "-" unary | atom
//! atom       := NUMBER [ms | s | min | h] | METRIC | baseline | baseline(METRIC) | "(" sum ")"
//! ```
//!
//! `METRIC` is a metric name ([`super::metrics`]), e.g. `pool.interactive.p95_turnaround`;
//! its value at a point is the mean over the seeds. `baseline(METRIC)` is that metric under the
//! configuration as given (no `--param` applied); a bare `baseline` in a constraint means the
//! baseline of the metric on the left (`pool.batch.mean_turnaround <= 1.1 * baseline`).
//! Time suffixes convert to milliseconds, the unit of time metrics (`<= 2s` is `<= 2000`).
//! Pool names may contain `-`; a `-` right after a name is part of it when that gives a known
//! metric, so write spaces around a minus (`a - b`) to subtract.
//!
//! A constraint whose sides cannot be computed (a pool with no job that ended) does not hold.

use super::metrics::MetricSet;

/// An arithmetic expression over metrics.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Num(f64),
    /// The metric's value at the point.
    Metric(usize),
    /// The metric's value under the baseline configuration.
    Baseline(usize),
    /// A bare `baseline`, before the constraint resolves it to the left side's metric.
    BaselineOfLhs,
    Neg(Box<Expr>),
    Bin(char, Box<Expr>, Box<Expr>),
}

/// A comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Le,
    Lt,
    Ge,
    Gt,
}

impl Cmp {
    pub fn as_str(self) -> &'static str {
        match self {
            Cmp::Le => "<=",
            Cmp::Lt => "<",
            Cmp::Ge => ">=",
            Cmp::Gt => ">",
        }
    }
}

/// An expression that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{flag} '{text}': {message}")]
pub struct ExprError {
    pub flag: String,
    pub text: String,
    pub message: String,
}

impl Expr {
    /// Parses an objective (no comparison, no bare `baseline`); `flag` names the argument in
    /// errors.
    pub fn parse(flag: &str, text: &str, metrics: &MetricSet) -> Result<Expr, ExprError> {
        let err = |message: String| ExprError {
            flag: flag.to_string(),
            text: text.to_string(),
            message,
        };
        let mut p = Parser::new(text, metrics);
        let e = p.sum().map_err(err)?;
        p.end().map_err(err)?;
        if e.has_bare_baseline() {
            return Err(err(
                "a bare `baseline` needs a metric to refer to: write baseline(METRIC)".into(),
            ));
        }
        Ok(e)
    }

    /// The value at a point with metric means `values`, given the baseline's means.
    pub fn eval(&self, values: &[f64], baseline: Option<&[f64]>) -> f64 {
        match self {
            Expr::Num(v) => *v,
            Expr::Metric(i) => values.get(*i).copied().unwrap_or(f64::NAN),
            Expr::Baseline(i) => baseline
                .and_then(|b| b.get(*i).copied())
                .unwrap_or(f64::NAN),
            Expr::BaselineOfLhs => f64::NAN,
            Expr::Neg(e) => -e.eval(values, baseline),
            Expr::Bin(op, a, b) => {
                let (a, b) = (a.eval(values, baseline), b.eval(values, baseline));
                match op {
                    '+' => a + b,
                    '-' => a - b,
                    '*' => a * b,
                    _ => a / b,
                }
            }
        }
    }

    /// True when the expression refers to the baseline.
    pub fn uses_baseline(&self) -> bool {
        match self {
            Expr::Baseline(_) | Expr::BaselineOfLhs => true,
            Expr::Num(_) | Expr::Metric(_) => false,
            Expr::Neg(e) => e.uses_baseline(),
            Expr::Bin(_, a, b) => a.uses_baseline() || b.uses_baseline(),
        }
    }

    /// The metrics the expression reads (at the point), in order of appearance.
    pub fn metrics(&self) -> Vec<usize> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect(&self, out: &mut Vec<usize>) {
        match self {
            Expr::Metric(i) if !out.contains(i) => out.push(*i),
            Expr::Neg(e) => e.collect(out),
            Expr::Bin(_, a, b) => {
                a.collect(out);
                b.collect(out);
            }
            _ => {}
        }
    }

    fn has_bare_baseline(&self) -> bool {
        match self {
            Expr::BaselineOfLhs => true,
            Expr::Neg(e) => e.has_bare_baseline(),
            Expr::Bin(_, a, b) => a.has_bare_baseline() || b.has_bare_baseline(),
            _ => false,
        }
    }

    fn resolve_baseline(self, metric: usize) -> Expr {
        match self {
            Expr::BaselineOfLhs => Expr::Baseline(metric),
            Expr::Neg(e) => Expr::Neg(Box::new(e.resolve_baseline(metric))),
            Expr::Bin(op, a, b) => Expr::Bin(
                op,
                Box::new(a.resolve_baseline(metric)),
                Box::new(b.resolve_baseline(metric)),
            ),
            e => e,
        }
    }
}

/// `lhs CMP rhs`.
#[derive(Clone, Debug, PartialEq)]
pub struct Constraint {
    /// As the user wrote it.
    pub text: String,
    pub lhs: Expr,
    pub cmp: Cmp,
    pub rhs: Expr,
}

impl Constraint {
    /// Parses `lhs CMP rhs`; `flag` names the argument in errors.
    pub fn parse(flag: &str, text: &str, metrics: &MetricSet) -> Result<Constraint, ExprError> {
        let err = |message: String| ExprError {
            flag: flag.to_string(),
            text: text.to_string(),
            message,
        };
        let mut p = Parser::new(text, metrics);
        let lhs = p.sum().map_err(err)?;
        let cmp = p.cmp().map_err(err)?;
        let rhs = p.sum().map_err(err)?;
        p.end().map_err(err)?;
        let bare = lhs.has_bare_baseline() || rhs.has_bare_baseline();
        let (lhs, rhs) = match (&lhs, bare) {
            (_, false) => (lhs, rhs),
            (Expr::Metric(i), true) => {
                let i = *i;
                (lhs, rhs.resolve_baseline(i))
            }
            (_, true) => {
                return Err(err(
                    "a bare `baseline` refers to the metric on the left, so the left side must \
                     be a single metric; otherwise write baseline(METRIC)"
                        .into(),
                ));
            }
        };
        Ok(Constraint {
            text: text.to_string(),
            lhs,
            cmp,
            rhs,
        })
    }

    /// Both sides at a point.
    pub fn sides(&self, values: &[f64], baseline: Option<&[f64]>) -> (f64, f64) {
        (
            self.lhs.eval(values, baseline),
            self.rhs.eval(values, baseline),
        )
    }

    /// True when the constraint holds (never when a side is NaN).
    pub fn holds(&self, values: &[f64], baseline: Option<&[f64]>) -> bool {
        let (a, b) = self.sides(values, baseline);
        match self.cmp {
            Cmp::Le => a <= b,
            Cmp::Lt => a < b,
            Cmp::Ge => a >= b,
            Cmp::Gt => a > b,
        }
    }

    /// 0 when it holds, else how far off it is relative to the right side (∞ for NaN).
    pub fn violation(&self, values: &[f64], baseline: Option<&[f64]>) -> f64 {
        if self.holds(values, baseline) {
            return 0.0;
        }
        let (a, b) = self.sides(values, baseline);
        if a.is_nan() || b.is_nan() {
            return f64::INFINITY;
        }
        let gap = (a - b).abs();
        gap / b.abs().max(1e-9) + 1e-12
    }

    /// True when either side refers to the baseline.
    pub fn uses_baseline(&self) -> bool {
        self.lhs.uses_baseline() || self.rhs.uses_baseline()
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(f64),
    Ident(String),
    Op(char),
    Cmp(Cmp),
    End,
}

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    metrics: &'a MetricSet,
    peeked: Option<(Tok, usize)>,
}

impl<'a> Parser<'a> {
    fn new(text: &str, metrics: &'a MetricSet) -> Parser<'a> {
        Parser {
            chars: text.chars().collect(),
            pos: 0,
            metrics,
            peeked: None,
        }
    }

    fn peek(&mut self) -> Result<Tok, String> {
        if let Some((t, _)) = &self.peeked {
            return Ok(t.clone());
        }
        let start = self.pos;
        let t = self.lex()?;
        let after = self.pos;
        self.pos = start;
        self.peeked = Some((t.clone(), after));
        Ok(t)
    }

    fn next(&mut self) -> Result<Tok, String> {
        let t = self.peek()?;
        if let Some((_, after)) = self.peeked.take() {
            self.pos = after;
        }
        Ok(t)
    }

    fn lex(&mut self) -> Result<Tok, String> {
        while self.pos < self.chars.len() && self.chars[self.pos].is_whitespace() {
            self.pos += 1;
        }
        let Some(&c) = self.chars.get(self.pos) else {
            return Ok(Tok::End);
        };
        let at = self.pos;
        match c {
            '+' | '-' | '*' | '/' | '(' | ')' => {
                self.pos += 1;
                Ok(Tok::Op(c))
            }
            '<' | '>' => {
                self.pos += 1;
                let eq = self.chars.get(self.pos) == Some(&'=');
                if eq {
                    self.pos += 1;
                }
                Ok(Tok::Cmp(match (c, eq) {
                    ('<', true) => Cmp::Le,
                    ('<', false) => Cmp::Lt,
                    (_, true) => Cmp::Ge,
                    _ => Cmp::Gt,
                }))
            }
            '=' => Err(format!(
                "'=' at column {}: compare with <=, <, >= or >",
                at + 1
            )),
            c if c.is_ascii_digit() || c == '.' => self.number(),
            c if c.is_alphabetic() || c == '_' => self.ident(),
            c => Err(format!(
                "unexpected {c:?} at column {}: expected a number, a metric, baseline, an \
                 operator (+ - * /), a parenthesis or a comparison (<= < >= >)",
                at + 1
            )),
        }
    }

    fn number(&mut self) -> Result<Tok, String> {
        let start = self.pos;
        let chars = &self.chars;
        let mut i = self.pos;
        while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
            i += 1;
        }
        if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
            let mut j = i + 1;
            if j < chars.len() && (chars[j] == '+' || chars[j] == '-') {
                j += 1;
            }
            if j < chars.len() && chars[j].is_ascii_digit() {
                while j < chars.len() && chars[j].is_ascii_digit() {
                    j += 1;
                }
                i = j;
            }
        }
        let text: String = chars[start..i].iter().collect();
        let value: f64 = text
            .parse()
            .map_err(|_| format!("{text:?} at column {} is not a number", start + 1))?;
        let mut k = i;
        while k < chars.len() && chars[k].is_alphabetic() {
            k += 1;
        }
        let unit: String = chars[i..k].iter().collect();
        let scale = match unit.as_str() {
            "" | "ms" => 1.0,
            "s" => 1000.0,
            "min" => 60_000.0,
            "h" => 3_600_000.0,
            other => {
                return Err(format!(
                    "unknown unit {other:?} after {text}: expected ms, s, min or h"
                ));
            }
        };
        self.pos = k;
        Ok(Tok::Num(value * scale))
    }

    fn ident(&mut self) -> Result<Tok, String> {
        let start = self.pos;
        let chars = &self.chars;
        let mut end = start;
        while end < chars.len()
            && (chars[end].is_alphanumeric() || matches!(chars[end], '_' | '.' | '-'))
        {
            end += 1;
        }
        let full: String = chars[start..end].iter().collect();
        if full == "baseline" {
            self.pos = end;
            return Ok(Tok::Ident(full));
        }
        // The longest prefix that is a metric, cutting only before a '-'.
        let mut cut = end;
        loop {
            let candidate: String = chars[start..cut].iter().collect();
            if candidate == "baseline" || self.metrics.index(&candidate).is_some() {
                self.pos = cut;
                return Ok(Tok::Ident(candidate));
            }
            match chars[start..cut].iter().rposition(|&c| c == '-') {
                Some(p) if p > 0 => cut = start + p,
                _ => break,
            }
        }
        let name = full.trim_end_matches(['-', '.']);
        Err(self.metrics.unknown(name))
    }

    fn end(&mut self) -> Result<(), String> {
        match self.next()? {
            Tok::End => Ok(()),
            t => Err(format!(
                "unexpected {} at column {}: expected the end",
                describe(&t),
                self.pos + 1
            )),
        }
    }

    fn cmp(&mut self) -> Result<Cmp, String> {
        match self.next()? {
            Tok::Cmp(c) => Ok(c),
            t => Err(format!(
                "expected a comparison (<=, <, >=, >) but found {}",
                describe(&t)
            )),
        }
    }

    fn sum(&mut self) -> Result<Expr, String> {
        let mut e = self.product()?;
        while let Tok::Op(op @ ('+' | '-')) = self.peek()? {
            self.next()?;
            e = Expr::Bin(op, Box::new(e), Box::new(self.product()?));
        }
        Ok(e)
    }

    fn product(&mut self) -> Result<Expr, String> {
        let mut e = self.unary()?;
        while let Tok::Op(op @ ('*' | '/')) = self.peek()? {
            self.next()?;
            e = Expr::Bin(op, Box::new(e), Box::new(self.unary()?));
        }
        Ok(e)
    }

    fn unary(&mut self) -> Result<Expr, String> {
        if self.peek()? == Tok::Op('-') {
            self.next()?;
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr, String> {
        match self.next()? {
            Tok::Num(v) => Ok(Expr::Num(v)),
            Tok::Ident(name) if name == "baseline" => {
                if self.peek()? != Tok::Op('(') {
                    return Ok(Expr::BaselineOfLhs);
                }
                self.next()?;
                let metric = match self.next()? {
                    Tok::Ident(m) if m != "baseline" => m,
                    t => {
                        return Err(format!(
                            "baseline( needs a metric name, found {}",
                            describe(&t)
                        ));
                    }
                };
                if self.next()? != Tok::Op(')') {
                    return Err("baseline(METRIC: missing ')'".into());
                }
                let i = self
                    .metrics
                    .index(&metric)
                    .ok_or_else(|| self.metrics.unknown(&metric))?;
                Ok(Expr::Baseline(i))
            }
            Tok::Ident(name) => Ok(Expr::Metric(
                self.metrics
                    .index(&name)
                    .ok_or_else(|| self.metrics.unknown(&name))?,
            )),
            Tok::Op('(') => {
                let e = self.sum()?;
                match self.next()? {
                    Tok::Op(')') => Ok(e),
                    t => Err(format!("expected ')' but found {}", describe(&t))),
                }
            }
            t => Err(format!(
                "expected a number, a metric or baseline but found {}",
                describe(&t)
            )),
        }
    }
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Num(v) => format!("the number {v}"),
        Tok::Ident(s) => format!("{s:?}"),
        Tok::Op(c) => format!("{c:?}"),
        Tok::Cmp(c) => format!("{:?}", c.as_str()),
        Tok::End => "the end".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics() -> MetricSet {
        MetricSet::new(vec!["interactive".into(), "batch".into(), "team-a".into()])
    }

    fn values(m: &MetricSet, pairs: &[(&str, f64)]) -> Vec<f64> {
        let mut v = vec![f64::NAN; m.len()];
        for (n, x) in pairs {
            v[m.index(n).unwrap()] = *x;
        }
        v
    }

    #[test]
    fn constraints_with_baseline_units_and_precedence() {
        let m = metrics();
        let c = Constraint::parse(
            "--subject-to",
            "pool.batch.mean_turnaround <= 1.1 * baseline",
            &m,
        )
        .unwrap();
        let base = values(&m, &[("pool.batch.mean_turnaround", 1000.0)]);
        let at = values(&m, &[("pool.batch.mean_turnaround", 1090.0)]);
        assert!(c.holds(&at, Some(&base)));
        let at = values(&m, &[("pool.batch.mean_turnaround", 1200.0)]);
        assert!(!c.holds(&at, Some(&base)));
        assert!((c.violation(&at, Some(&base)) - 100.0 / 1100.0).abs() < 1e-9);

        let c = Constraint::parse("--target", "pool.interactive.p95_turnaround<2s", &m).unwrap();
        assert_eq!(c.rhs, Expr::Num(2000.0));
        let e = Expr::parse("--minimize", "1 + 2 * 3 - -(4) / 2", &m).unwrap();
        assert_eq!(e.eval(&[], None), 9.0);
        let e = Expr::parse("--minimize", "pool.team-a.p95_wait-pool.batch.p95_wait", &m).unwrap();
        let v = values(
            &m,
            &[("pool.team-a.p95_wait", 10.0), ("pool.batch.p95_wait", 3.0)],
        );
        assert_eq!(e.eval(&v, None), 7.0);
        let e = Expr::parse("--minimize", "baseline(makespan) - makespan", &m).unwrap();
        assert!(e.uses_baseline());
    }

    #[test]
    fn nan_sides_never_hold() {
        let m = metrics();
        let c = Constraint::parse("--target", "pool.interactive.p95_turnaround <= 1", &m).unwrap();
        assert!(!c.holds(&vec![f64::NAN; m.len()], None));
        assert_eq!(c.violation(&vec![f64::NAN; m.len()], None), f64::INFINITY);
    }

    #[test]
    fn errors_name_the_flag_and_what_was_expected() {
        let m = metrics();
        for (flag, text, needle) in [
            (
                "--minimize",
                "pool.interactive.p99_turnaround",
                "unknown metric",
            ),
            ("--minimize", "pool.nope.p95_turnaround", "unknown metric"),
            ("--minimize", "makespan +", "expected a number"),
            ("--minimize", "baseline", "baseline(METRIC)"),
            ("--minimize", "(makespan", "expected ')'"),
            ("--minimize", "makespan 3", "expected the end"),
            ("--minimize", "makespan $", "unexpected '$'"),
            ("--minimize", "2days", "unknown unit"),
        ] {
            let e = Expr::parse(flag, text, &m).unwrap_err().to_string();
            assert!(e.starts_with(&format!("{flag} '{text}': ")), "{e}");
            assert!(e.contains(needle), "{text}: {e}");
        }
        for (text, needle) in [
            ("makespan", "expected a comparison"),
            ("makespan = 3", "compare with <="),
            ("makespan + 1 <= baseline", "single metric"),
            ("makespan <= ", "expected a number"),
        ] {
            let e = Constraint::parse("--subject-to", text, &m)
                .unwrap_err()
                .to_string();
            assert!(e.starts_with("--subject-to '"), "{e}");
            assert!(e.contains(needle), "{text}: {e}");
        }
    }
}
