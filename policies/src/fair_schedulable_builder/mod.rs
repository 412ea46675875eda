//! `FairSchedulableBuilder.buildPools` as data: the root's pools from `fairscheduler.xml`.
//!
//! This module reads the allocation file (a local path, a `file:` URL, or an `http://` URL;
//! SPARK-35083), parses it exactly as Spark does (spec §4.2–§4.3) and returns the pools the
//! root would get, in the root's child order, with where every value came from and the
//! warnings a user needs (Spark's own, plus traps Spark stays silent about).
//!
//! It builds no runtime tree: `schedulable_builder`/`pool` consume `BuiltPools`. In FIFO mode
//! Spark uses `FIFOSchedulableBuilder`, which builds no pools, so neither does this module.
//!
//! Errors mirror Spark's start-up failures: a missing file is `PoolFileError::NotFound`
//! (Spark: `FileNotFoundException`), malformed XML names the file, line and column.
//! Nothing here panics on any input.

mod source;
mod warnings;
mod xml;

use std::path::PathBuf;

pub use source::MAX_ALLOCATION_FILE_BYTES;
pub use warnings::{PoolWarning, PoolWarningKind};

use crate::scheduling_mode::SchedulingMode;
use crate::spark_version::SparkVersion;

/// The pool jobs go to when they name none, and the pool Spark adds when the file lacks it.
pub const DEFAULT_POOL_NAME: &str = "default";
/// The classpath resource Spark looks for when `spark.scheduler.allocation.file` is unset.
pub const DEFAULT_SCHEDULER_FILE: &str = "fairscheduler.xml";
/// Mode of pools without a valid `schedulingMode`.
pub const DEFAULT_SCHEDULING_MODE: SchedulingMode = SchedulingMode::Fifo;
/// `minShare` of pools without a valid one.
pub const DEFAULT_MINIMUM_SHARE: i32 = 0;
/// `weight` of pools without a valid one.
pub const DEFAULT_WEIGHT: i32 = 1;
/// The job-local property naming a job's pool.
pub const FAIR_SCHEDULER_PROPERTIES: &str = "spark.scheduler.pool";

/// Where one setting of a pool came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueOrigin {
    /// Parsed from the element at this line.
    File { line: u32 },
    /// The element is absent; Spark's default is used (and Spark logs a warning).
    DefaultMissing,
    /// The element's text is blank or invalid; Spark's default is used (and Spark logs a warning).
    DefaultInvalid { raw: String, line: u32 },
    /// The pool is not from a file (`default` added by Spark, or created for an unknown name).
    Builtin,
    /// The mode of the 3.4+ `default` pool without a file: `spark.scheduler.mode`.
    RootMode,
}

/// Why a pool exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PoolOrigin {
    /// A `<pool>` element starting at this line.
    AllocationFile { line: u32 },
    /// 3.4+: FAIR mode without any allocation file; `default` takes the root's mode.
    DefaultNoFile,
    /// Step 5: `default` added (FIFO, 0, 1) because no pool has that name.
    DefaultAdded,
    /// Created by `addTaskSetManager` for a pool name the tree lacks.
    CreatedOnDemand,
}

/// One pool as `buildPools` creates it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolSpec {
    pub name: String,
    pub mode: SchedulingMode,
    pub weight: i32,
    pub min_share: i32,
    pub origin: PoolOrigin,
    pub mode_from: ValueOrigin,
    pub weight_from: ValueOrigin,
    pub min_share_from: ValueOrigin,
}

impl PoolSpec {
    fn builtin(name: &str, mode: SchedulingMode, origin: PoolOrigin) -> Self {
        PoolSpec {
            name: name.to_string(),
            mode,
            weight: DEFAULT_WEIGHT,
            min_share: DEFAULT_MINIMUM_SHARE,
            origin,
            mode_from: ValueOrigin::Builtin,
            weight_from: ValueOrigin::Builtin,
            min_share_from: ValueOrigin::Builtin,
        }
    }
}

/// The result of `buildPools`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuiltPools {
    /// The root's children in order: pools in XML document order (nested ones flattened),
    /// then `default` unless the XML defined it. Empty in FIFO mode.
    pub pools: Vec<PoolSpec>,
    /// Spark's warnings and sparksim's trap warnings, in file order.
    pub warnings: Vec<PoolWarning>,
    /// The file the pools came from, if any.
    pub source: Option<String>,
}

impl BuiltPools {
    /// `(name, mode, minShare, weight)` per pool, in the root's child order.
    pub fn pool_defs(&self) -> impl Iterator<Item = (&str, SchedulingMode, i32, i32)> {
        self.pools
            .iter()
            .map(|p| (p.name.as_str(), p.mode, p.min_share, p.weight))
    }

    /// The pool jobs naming `name` go to: the *last* pool with that name (Spark's name map
    /// keeps the later of duplicates).
    pub fn pool_named(&self, name: &str) -> Option<&PoolSpec> {
        self.pools.iter().rev().find(|p| p.name == name)
    }
}

/// Where the allocation file comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AllocationSource {
    /// `spark.scheduler.allocation.file`: a local path, a `file:` URL or an `http://` URL.
    Configured(String),
    /// A `fairscheduler.xml` Spark would find on its classpath (step 2), e.g. in
    /// `$SPARK_CONF_DIR`; sparksim takes it as an explicit path.
    ClasspathDefault(PathBuf),
    /// XML already in memory, with a name for messages.
    Inline { name: String, xml: String },
}

/// Why the pools could not be built (Spark fails SparkContext start-up in each case).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PoolFileError {
    /// Spark: `FileNotFoundException`.
    #[error("allocation file not found: {path} (Spark: FileNotFoundException)")]
    NotFound { path: String },
    /// Any other read failure.
    #[error("{file}: {message}")]
    Io { file: String, message: String },
    /// The bytes are not UTF-8.
    #[error(
        "{file}: not valid UTF-8 at line {line}, column {column} (byte {byte_offset}); \
         sparksim reads fairscheduler.xml as UTF-8"
    )]
    InvalidUtf8 {
        file: String,
        line: u32,
        column: u32,
        byte_offset: usize,
    },
    /// The XML is malformed (Spark: SAXParseException).
    #[error("{file}:{line}:{column}: malformed XML: {message}")]
    Xml {
        file: String,
        line: u32,
        column: u32,
        message: String,
    },
    /// A URL scheme sparksim cannot read.
    #[error(
        "{url}: the {scheme}: scheme is not supported (sparksim reads local paths, file: URLs \
         and http:// URLs)"
    )]
    UnsupportedScheme { url: String, scheme: String },
    /// An HTTP failure.
    #[error("{url}: {message}")]
    Http { url: String, message: String },
    /// Larger than `MAX_ALLOCATION_FILE_BYTES`.
    #[error("{file}: larger than {limit} bytes")]
    TooLarge { file: String, limit: u64 },
}

/// `buildPools`. In FIFO mode no pools are built (a given file is ignored, with a warning).
/// In FAIR mode: the file's pools, then `default`; with no file, the version's rule for
/// `default` (§4.2 step 3).
pub fn build_pools(
    root_mode: SchedulingMode,
    allocation: Option<AllocationSource>,
    version: SparkVersion,
) -> Result<BuiltPools, PoolFileError> {
    if root_mode == SchedulingMode::Fifo {
        let name = allocation.as_ref().map(source::display_name);
        return Ok(fifo_builder(name));
    }
    let Some(allocation) = allocation else {
        return Ok(without_file(root_mode, version));
    };
    let (name, bytes) = source::read_source(&allocation)?;
    let text = source::decode_utf8(&bytes, &name)?;
    build_pools_from_xml_str(text, &name, root_mode, version)
}

/// `buildPools` on XML text; `source_name` labels warnings and errors.
pub fn build_pools_from_xml_str(
    xml: &str,
    source_name: &str,
    root_mode: SchedulingMode,
    version: SparkVersion,
) -> Result<BuiltPools, PoolFileError> {
    if root_mode == SchedulingMode::Fifo {
        return Ok(fifo_builder(Some(source_name.to_string())));
    }
    let _ = version; // 3.5 and 4.0 parse identically; the version matters only without a file.
    let mut warnings = Vec::new();
    let mut pools = xml::parse_pools(xml, source_name, &mut warnings)?;
    if !pools.iter().any(|p| p.name == DEFAULT_POOL_NAME) {
        pools.push(PoolSpec::builtin(
            DEFAULT_POOL_NAME,
            DEFAULT_SCHEDULING_MODE,
            PoolOrigin::DefaultAdded,
        ));
    }
    Ok(BuiltPools {
        pools,
        warnings,
        source: Some(source_name.to_string()),
    })
}

/// What `addTaskSetManager` creates for a pool name not in the tree: FIFO, weight 1,
/// minShare 0, appended to the root (Spark logs a warning).
pub fn pool_for_unknown_name(name: &str) -> PoolSpec {
    PoolSpec::builtin(name, DEFAULT_SCHEDULING_MODE, PoolOrigin::CreatedOnDemand)
}

fn fifo_builder(ignored_file: Option<String>) -> BuiltPools {
    let warnings = ignored_file
        .map(|file| PoolWarning::general(PoolWarningKind::AllocationFileIgnoredInFifoMode { file }))
        .into_iter()
        .collect();
    BuiltPools {
        pools: Vec::new(),
        warnings,
        source: None,
    }
}

fn without_file(root_mode: SchedulingMode, version: SparkVersion) -> BuiltPools {
    let (pool, kind) = if version.default_pool_follows_root_mode() {
        let mut pool = PoolSpec::builtin(DEFAULT_POOL_NAME, root_mode, PoolOrigin::DefaultNoFile);
        pool.mode_from = ValueOrigin::RootMode;
        (pool, PoolWarningKind::FairWithoutAllocationFile)
    } else {
        let pool = PoolSpec::builtin(
            DEFAULT_POOL_NAME,
            DEFAULT_SCHEDULING_MODE,
            PoolOrigin::DefaultAdded,
        );
        (pool, PoolWarningKind::LegacyNoAllocationFile)
    };
    BuiltPools {
        pools: vec![pool],
        warnings: vec![PoolWarning::general(kind)],
        source: None,
    }
}

#[cfg(test)]
mod tests;
