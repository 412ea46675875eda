//! Warnings about a pool configuration: the ones Spark logs, and the traps it stays silent about.

use std::fmt;

use super::{DEFAULT_POOL_NAME, DEFAULT_SCHEDULER_FILE};

/// One warning, located where possible.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolWarning {
    /// The allocation file, if the warning is about one.
    pub file: Option<String>,
    /// 1-based line in that file.
    pub line: Option<u32>,
    /// The pool concerned.
    pub pool: Option<String>,
    /// What is wrong.
    pub kind: PoolWarningKind,
}

/// The kinds of `PoolWarning`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PoolWarningKind {
    /// Spark: "{element} is blank or invalid" — the element is absent; the default is used.
    MissingElement {
        element: &'static str,
        default: String,
    },
    /// Spark: "{element} is blank or invalid: {raw}" / "Unsupported schedulingMode: {raw}".
    InvalidValue {
        element: &'static str,
        raw: String,
        default: String,
    },
    /// The same element more than once: Spark concatenates their texts.
    RepeatedElement { element: &'static str, count: usize },
    /// An element Spark does not read (often a typo such as `<minshare>`).
    UnknownElement {
        element: String,
        suggestion: Option<&'static str>,
    },
    /// A `<pool>` inside another: Spark flattens it into a sibling under the root.
    NestedPool { parent: String },
    /// A second pool with an earlier pool's name: both are built, jobs go only to the later.
    DuplicatePoolName { first_line: u32 },
    /// `<pool>` without a `name` attribute: its name is "".
    EmptyPoolName,
    /// The name has surrounding whitespace, which Spark keeps (jobs must match it exactly).
    PoolNameWhitespace,
    /// weight ≤ 0: accepted by Spark; 0 sorts last (ratio +∞/NaN), negative sorts first.
    NonPositiveWeight { weight: i32 },
    /// minShare < 0: accepted by Spark, never "needy".
    NegativeMinShare { min_share: i32 },
    /// The file defines no `<pool>` at all.
    NoPools,
    /// 3.4+: FAIR mode without an allocation file (one pool, `default`).
    FairWithoutAllocationFile,
    /// Before 3.4: Spark's "configuration file not found so jobs will be scheduled in FIFO order".
    LegacyNoAllocationFile,
    /// FIFO mode ignores `spark.scheduler.allocation.file`.
    AllocationFileIgnoredInFifoMode { file: String },
}

impl PoolWarningKind {
    /// Whether Spark itself logs this warning (the others are sparksim's advice).
    pub fn logged_by_spark(&self) -> bool {
        matches!(
            self,
            PoolWarningKind::MissingElement { .. }
                | PoolWarningKind::InvalidValue { .. }
                | PoolWarningKind::LegacyNoAllocationFile
        )
    }
}

impl PoolWarning {
    /// A warning not tied to a file position.
    pub(super) fn general(kind: PoolWarningKind) -> Self {
        PoolWarning {
            file: None,
            line: None,
            pool: None,
            kind,
        }
    }

    /// A warning about `pool` at `line` of `file`.
    pub(super) fn at(file: &str, line: u32, pool: &str, kind: PoolWarningKind) -> Self {
        PoolWarning {
            file: Some(file.to_string()),
            line: Some(line),
            pool: Some(pool.to_string()),
            kind,
        }
    }
}

impl fmt::Display for PoolWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{file}:{line}: ")?,
            (Some(file), None) => write!(f, "{file}: ")?,
            _ => {}
        }
        if let Some(pool) = &self.pool {
            write!(f, "pool {pool:?}: ")?;
        }
        write_kind(&self.kind, f)
    }
}

fn write_kind(kind: &PoolWarningKind, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    use PoolWarningKind::*;
    match kind {
        MissingElement { element, default } => write!(
            f,
            "<{element}> is missing; using the default {element} {default}"
        ),
        InvalidValue {
            element,
            raw,
            default,
        } => write!(
            f,
            "<{element}> is blank or invalid: {raw:?}; using the default {element} {default}"
        ),
        RepeatedElement { element, count } => write!(
            f,
            "<{element}> appears {count} times; Spark concatenates their texts"
        ),
        UnknownElement {
            element,
            suggestion,
        } => {
            write!(f, "<{element}> is not read by Spark and is ignored")?;
            match suggestion {
                Some(s) => write!(f, "; did you mean <{s}>?"),
                None => Ok(()),
            }
        }
        NestedPool { parent } => write!(
            f,
            "nested inside pool {parent:?}; Spark flattens it into a separate pool under the root"
        ),
        DuplicatePoolName { first_line } => write!(
            f,
            "duplicate pool name (first defined at line {first_line}); both pools are built but \
             jobs naming it go only to this later one, the earlier stays empty"
        ),
        EmptyPoolName => f.write_str("no name attribute; the pool's name is the empty string"),
        PoolNameWhitespace => f.write_str(
            "the name has surrounding whitespace, which Spark keeps; jobs must set \
             spark.scheduler.pool to exactly this text",
        ),
        NonPositiveWeight { weight: 0 } => f.write_str(
            "weight 0 is accepted by Spark, but the pool's running/weight ratio is then NaN \
             (idle) or infinite (busy), so it sorts after every pool with a positive weight",
        ),
        NonPositiveWeight { weight } => write!(
            f,
            "weight {weight} is accepted by Spark, but the pool's running/weight ratio is then \
             zero or negative, so it sorts before every pool with a positive weight and takes \
             all free slots"
        ),
        NegativeMinShare { min_share } => write!(
            f,
            "minShare {min_share} is accepted by Spark but acts like 0 (the pool is never below \
             its minimum share)"
        ),
        NoPools => f.write_str("no <pool> element; only the default pool will exist"),
        FairWithoutAllocationFile => write!(
            f,
            "FAIR mode without spark.scheduler.allocation.file or {DEFAULT_SCHEDULER_FILE}: \
             every job shares the pool {DEFAULT_POOL_NAME:?} (FAIR inside) unless it sets \
             spark.scheduler.pool; pools named by jobs are created as FIFO with weight 1 and \
             minShare 0"
        ),
        LegacyNoAllocationFile => write!(
            f,
            "Fair Scheduler configuration file not found so jobs will be scheduled in FIFO \
             order. To use fair scheduling, configure pools in {DEFAULT_SCHEDULER_FILE} or set \
             spark.scheduler.allocation.file to a file that contains the configuration."
        ),
        AllocationFileIgnoredInFifoMode { file } => write!(
            f,
            "spark.scheduler.mode is FIFO, so the allocation file {file} is ignored (and so is \
             spark.scheduler.pool)"
        ),
    }
}
