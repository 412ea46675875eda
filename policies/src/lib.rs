//! The scheduler core: what Spark's driver decides, with Spark's names.
//!
//! This crate mirrors `org.apache.spark.scheduler`: the `Schedulable` tree of pools and
//! task-set managers, the FIFO and FAIR comparators, `fairscheduler.xml` pool building,
//! `TaskSchedulerImpl::resource_offers`, the `TaskSetManager`, and a typed `SparkConf`.
//!
//! It is engine-agnostic: every entry point takes `now` (integer milliseconds) and returns
//! decisions. Nothing here reads a clock, spawns a thread or calls back into an engine.

pub mod conf;
pub mod executor_allocation_manager;
pub mod executors;
pub mod fair_schedulable_builder;
pub mod java;
pub mod locality;
pub mod offer_shuffle;
pub mod pending_tasks;
pub mod percentile_heap;
pub mod pool;
pub mod schedulable_builder;
pub mod scheduling_algorithm;
pub mod scheduling_mode;
pub mod spark_version;
pub mod speculation;
pub mod task_scheduler_impl;
pub mod task_set_manager;
