//! Writes a [`Workload`] as a format_version 1 scenario file with a fixed key order and layout.
//!
//! Layout: one-space indentation per level (as the fidelity files), objects one key per line,
//! arrays of scalars on one line. The output depends only on the workload, so it is
//! byte-identical for equal workloads.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write;

use super::ScenarioError;
use crate::model::{
    Application, ClusterSpec, Job, Stage, Warmup, Workload, conf_group, format_memory_mb,
};

/// A JSON value to print, borrowing from the workload.
enum J<'a> {
    Null,
    Bool(bool),
    U(u64),
    I(i64),
    Str(Cow<'a, str>),
    Nums(&'a [u64]),
    Arr(Vec<J<'a>>),
    Obj(Vec<(&'a str, J<'a>)>),
}

impl J<'_> {
    fn is_scalar(&self) -> bool {
        !matches!(self, J::Arr(_) | J::Obj(_))
    }
}

fn s(text: &str) -> J<'_> {
    J::Str(Cow::Borrowed(text))
}

fn opt_u(v: Option<u64>) -> J<'static> {
    v.map_or(J::Null, J::U)
}

/// Writes `w` as a scenario file to `out` (see the module docs of [`crate::scenario`]).
///
/// Fails if the workload does not validate, or if an `after` cannot be written as a name
/// (another job of the same name lies between the two jobs).
pub fn write_scenario<W: Write>(w: &Workload, mut out: W) -> Result<(), ScenarioError> {
    let text = scenario_to_string(w)?;
    out.write_all(text.as_bytes())
        .map_err(ScenarioError::Write)?;
    out.flush().map_err(ScenarioError::Write)
}

/// The scenario file text of `w` (what [`write_scenario`] writes).
pub fn scenario_to_string(w: &Workload) -> Result<String, ScenarioError> {
    w.validate().map_err(ScenarioError::InvalidWorkload)?;
    check_after_names(&w.jobs, "job")?;
    if let Some(warm) = &w.warmup {
        check_after_names(&warm.jobs, "warmup job")?;
    }
    for a in &w.applications {
        check_after_names(&a.jobs, &format!("application {:?} job", a.name))?;
        if let Some(warm) = &a.warmup {
            check_after_names(&warm.jobs, &format!("application {:?} warmup job", a.name))?;
        }
    }
    let mut text = String::with_capacity(64 + 8 * w.total_tasks());
    emit(&mut text, &top(w), 0);
    text.push('\n');
    Ok(text)
}

/// Each `after` must point at the nearest earlier job of its name, or the name would resolve
/// to another job when read back.
fn check_after_names(jobs: &[Job], what: &str) -> Result<(), ScenarioError> {
    for (i, job) in jobs.iter().enumerate() {
        let Some(after) = job.after else { continue };
        let target = &jobs[after.job].name;
        if jobs[after.job + 1..i].iter().any(|j| j.name == *target) {
            return Err(ScenarioError::Unwritable(format!(
                "{what} {i} ({:?}) follows job {} ({target:?}), but a later job has the same name",
                job.name, after.job
            )));
        }
    }
    Ok(())
}

fn top(w: &Workload) -> J<'_> {
    let mut o: Vec<(&str, J)> = vec![("format_version", J::U(1))];
    if let Some(v) = &w.spark_version {
        o.push(("spark_version", s(v)));
    }
    o.push(("scenario", s(&w.name)));
    if let Some(m) = &w.scheduler_mode {
        o.push(("scheduler_mode", s(m)));
    }
    if let Some(d) = &w.description {
        o.push(("description", s(d)));
    }
    if let Some(c) = &w.cluster {
        o.push(("cluster", cluster(c)));
    }
    o.push(("pools", J::Arr(w.pools.iter().map(pool).collect())));
    o.push(("speculation", conf_dict(&w.conf, 0, true)));
    o.push(("dynamic_allocation", conf_dict(&w.conf, 1, true)));
    if w.conf.iter().any(|(k, _)| conf_group(k) == 2) {
        o.push(("conf", conf_dict(&w.conf, 2, false)));
    }
    o.push(("seed", opt_u(w.seed)));
    if let Some(warm) = &w.warmup {
        o.push(("warmup", warmup(warm)));
    }
    if let Some(t) = w.tail_ms {
        o.push(("tail_ms", J::U(t)));
    }
    if w.applications.is_empty() {
        o.push(("jobs", jobs(&w.jobs)));
    } else {
        o.push((
            "applications",
            J::Arr(w.applications.iter().map(application).collect()),
        ));
    }
    J::Obj(o)
}

fn application(a: &Application) -> J<'_> {
    let mut o: Vec<(&str, J)> = vec![
        ("name", s(&a.name)),
        ("submit_offset_ms", J::U(a.submit_ms)),
    ];
    if let Some(m) = &a.scheduler_mode {
        o.push(("scheduler_mode", s(m)));
    }
    if !a.pools.is_empty() {
        o.push(("pools", J::Arr(a.pools.iter().map(pool).collect())));
    }
    for (key, group) in [("speculation", 0), ("dynamic_allocation", 1), ("conf", 2)] {
        if a.conf.iter().any(|(k, _)| conf_group(k) == group) {
            o.push((key, conf_dict(&a.conf, group, false)));
        }
    }
    if let Some(warm) = &a.warmup {
        o.push(("warmup", warmup(warm)));
    }
    if let Some(t) = a.tail_ms {
        o.push(("tail_ms", J::U(t)));
    }
    o.push(("jobs", jobs(&a.jobs)));
    J::Obj(o)
}

/// The conf entries of one group as an object; `null` if empty and `null_if_empty`.
fn conf_dict(conf: &[(String, String)], group: u8, null_if_empty: bool) -> J<'_> {
    let entries: Vec<(&str, J)> = conf
        .iter()
        .filter(|(k, _)| conf_group(k) == group)
        .map(|(k, v)| (k.as_str(), s(v)))
        .collect();
    if entries.is_empty() && null_if_empty {
        J::Null
    } else {
        J::Obj(entries)
    }
}

fn pool(p: &crate::model::PoolDecl) -> J<'_> {
    J::Obj(vec![
        ("name", s(&p.name)),
        ("schedulingMode", s(&p.scheduling_mode)),
        ("weight", J::I(p.weight.into())),
        ("minShare", J::I(p.min_share.into())),
    ])
}

fn cluster(c: &ClusterSpec) -> J<'_> {
    let mut o: Vec<(&str, J)> = vec![("type", s(c.kind.as_str()))];
    if let Some(m) = &c.master {
        o.push(("master", s(m)));
    }
    if !c.executors.is_empty() {
        let list = c.executors.iter().map(|e| {
            J::Obj(vec![
                ("id", s(&e.id)),
                ("host", s(&e.host)),
                ("cores", J::U(e.cores.into())),
            ])
        });
        o.push(("executors", J::Arr(list.collect())));
    }
    if !c.workers.is_empty() {
        let list = c.workers.iter().map(|w| {
            let mut wo = vec![("host", s(&w.host)), ("cores", J::U(w.cores.into()))];
            if let Some(m) = w.memory_mb {
                wo.push(("memory", J::Str(Cow::Owned(format_memory_mb(m)))));
            }
            J::Obj(wo)
        });
        o.push(("workers", J::Arr(list.collect())));
    }
    let u32s = [
        ("executor_cores", c.executor_cores),
        ("task_cpus", c.task_cpus),
        ("cores_max", c.cores_max),
    ];
    push_u32s(&mut o, &u32s);
    if let Some(m) = c.executor_memory_mb {
        o.push(("executor_memory", J::Str(Cow::Owned(format_memory_mb(m)))));
    }
    o.push(("dynamic_allocation", J::Bool(c.dynamic_allocation)));
    push_u32s(
        &mut o,
        &[("static_executors", c.static_executors), ("slots", c.slots)],
    );
    J::Obj(o)
}

fn push_u32s<'a>(o: &mut Vec<(&'a str, J<'a>)>, fields: &[(&'a str, Option<u32>)]) {
    for &(k, v) in fields {
        if let Some(v) = v {
            o.push((k, J::U(v.into())));
        }
    }
}

fn warmup(w: &Warmup) -> J<'_> {
    J::Obj(vec![
        ("jobs", jobs(&w.jobs)),
        ("wait_executors", J::U(w.wait_executors.into())),
        ("settle_ms", J::U(w.settle_ms)),
    ])
}

fn jobs(list: &[Job]) -> J<'_> {
    J::Arr(list.iter().map(|j| job(j, list)).collect())
}

fn job<'a>(j: &'a Job, all: &'a [Job]) -> J<'a> {
    let mut o = vec![
        ("name", s(&j.name)),
        ("pool", j.pool.as_deref().map_or(J::Null, s)),
        ("submit_offset_ms", J::U(j.submit_ms)),
        ("stages", J::Arr(j.stages.iter().map(stage).collect())),
    ];
    if let Some(a) = j.after {
        let after = vec![("job", s(&all[a.job].name)), ("gap_ms", J::U(a.gap_ms))];
        o.push(("after", J::Obj(after)));
    }
    J::Obj(o)
}

fn stage(st: &Stage) -> J<'_> {
    let parents = st.parents.iter().map(|&p| J::U(p as u64)).collect();
    let mut o = vec![
        ("num_tasks", J::U(st.num_tasks() as u64)),
        ("task_durations_ms", J::Nums(&st.task_durations_ms)),
        ("parents", J::Arr(parents)),
    ];
    if let Some(r) = &st.retry_task_durations_ms {
        o.push(("retry_task_durations_ms", J::Nums(r)));
    }
    if let Some(f) = &st.task_failures {
        o.push((
            "task_failures",
            J::Arr(f.iter().map(|&n| J::U(n.into())).collect()),
        ));
    }
    if let Some(h) = &st.task_preferred_hosts {
        let per_task = h
            .iter()
            .map(|hosts| J::Arr(hosts.iter().map(|x| s(x)).collect()));
        o.push(("task_preferred_hosts", J::Arr(per_task.collect())));
    }
    if st.cached {
        o.push(("cached", J::Bool(true)));
    }
    J::Obj(o)
}

/// Appends `j` to `out`; `indent` is the nesting level of `j` itself.
fn emit(out: &mut String, j: &J, indent: usize) {
    match j {
        J::Null => out.push_str("null"),
        J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        J::U(v) => push_num(out, *v),
        J::I(v) => {
            let _ = write!(out, "{v}");
        }
        J::Str(text) => push_str_lit(out, text),
        J::Nums(list) => push_inline(out, list.len(), |out, i| push_num(out, list[i])),
        J::Arr(items) if items.iter().all(J::is_scalar) => {
            push_inline(out, items.len(), |out, i| emit(out, &items[i], indent + 1))
        }
        J::Arr(items) => push_block(out, indent, '[', ']', items.len(), |out, i| {
            emit(out, &items[i], indent + 1)
        }),
        J::Obj(entries) if entries.is_empty() => out.push_str("{}"),
        J::Obj(entries) => push_block(out, indent, '{', '}', entries.len(), |out, i| {
            let (k, v) = &entries[i];
            push_str_lit(out, k);
            out.push_str(": ");
            emit(out, v, indent + 1);
        }),
    }
}

fn push_num(out: &mut String, v: u64) {
    let _ = write!(out, "{v}");
}

/// `[a, b, c]` on one line.
fn push_inline(out: &mut String, n: usize, mut item: impl FnMut(&mut String, usize)) {
    out.push('[');
    for i in 0..n {
        if i > 0 {
            out.push_str(", ");
        }
        item(out, i);
    }
    out.push(']');
}

/// An opening bracket, one item per line indented one level deeper, and the closing bracket.
fn push_block(
    out: &mut String,
    indent: usize,
    open: char,
    close: char,
    n: usize,
    mut item: impl FnMut(&mut String, usize),
) {
    out.push(open);
    for i in 0..n {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        push_indent(out, indent + 1);
        item(out, i);
    }
    out.push('\n');
    push_indent(out, indent);
    out.push(close);
}

fn push_indent(out: &mut String, level: usize) {
    out.extend(std::iter::repeat_n(' ', level));
}

/// A JSON string literal.
fn push_str_lit(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_strings() {
        let mut out = String::new();
        push_str_lit(&mut out, "a\"b\\c\n\u{1}é");
        assert_eq!(out, r#""a\"b\\c\n\u0001é""#);
        let back: String = serde_json::from_str(&out).unwrap();
        assert_eq!(back, "a\"b\\c\n\u{1}é");
    }

    #[test]
    fn layout_matches_fidelity_style() {
        let j = J::Obj(vec![
            ("a", J::U(1)),
            ("b", J::Nums(&[1, 2])),
            ("c", J::Arr(vec![J::Obj(vec![("d", J::Null)])])),
            ("e", J::Arr(vec![])),
            ("f", J::Obj(vec![])),
        ]);
        let mut out = String::new();
        emit(&mut out, &j, 0);
        let want = "{\n \"a\": 1,\n \"b\": [1, 2],\n \"c\": [\n  {\n   \"d\": null\n  }\n ],\n \"e\": [],\n \"f\": {}\n}";
        assert_eq!(out, want);
    }
}
