//! What runs: the workload model, scenario files, synthetic generators and the Spark
//! event-log reader. Depends on no other sparksim crate.

pub mod eventlog;
pub mod model;
pub mod replay;
pub mod rng;
pub mod scenario;
pub mod synthetic;
