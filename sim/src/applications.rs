//! Several applications sharing one cluster: a workload's `applications` list
//! ([`workloads::model::Workload::applications`]) prepared into one driver setup each and run
//! together on one cluster manager ([`Simulation::with_applications`]).
//!
//! Each application has its own configuration, resolved with Spark's precedence: the user's
//! settings (command line, properties file), then the application's conf, then the workload's
//! shared conf and cluster, then Spark's defaults. So `spark.cores.max`,
//! `spark.executor.cores`, `spark.scheduler.mode`, the pools and `spark.dynamicAllocation.*`
//! are per application, while the master, the workers and `spark.deploy.spreadOut` are the
//! cluster's (the first application's when they differ, with a warning).
//!
//! The cluster manager is Spark's standalone Master (or YARN/K8s), serving the applications in
//! submission order: an application without dynamic allocation takes every core it may
//! (`spark.cores.max`) and keeps its executors until it stops; with dynamic allocation it holds
//! what its target asks and gives idle executors back. An application stops `tail_ms` after its
//! last job and its executors go with it.

use crate::records::SimOutput;
use crate::setup::{SetupError, apply_workload_conf, build_setup_with, resolve_pools, sim_keys};
use crate::simulation::{SimSetup, Simulation};
use policies::conf::SparkConf;
use policies::fair_schedulable_builder::BuiltPools;
use workloads::model::Workload;

/// The applications of a shared-cluster workload, ready to run.
pub struct PreparedApplications {
    /// One plain workload per application, in submission order.
    pub workloads: Vec<Workload>,
    pub setups: Vec<SimSetup>,
    pub submit_ms: Vec<u64>,
    /// Each application's effective configuration.
    pub confs: Vec<SparkConf>,
    pub pools: Vec<BuiltPools>,
    /// What the user should be told, each prefixed with its application.
    pub warnings: Vec<String>,
}

/// Prepares every application of `workload` (which must have an `applications` list).
/// `base` holds the user's settings only; each application's and the workload's values go
/// beneath them.
pub fn prepare_applications(
    base: &SparkConf,
    workload: &Workload,
    seed: u64,
) -> Result<PreparedApplications, SetupError> {
    let workloads = workload.application_workloads();
    let mut prepared = PreparedApplications {
        workloads: Vec::new(),
        setups: Vec::new(),
        submit_ms: Vec::new(),
        confs: Vec::new(),
        pools: Vec::new(),
        warnings: Vec::new(),
    };
    let mut cluster: Option<(Option<String>, String)> = None;
    for (app, w) in workload.applications.iter().zip(workloads) {
        let mut conf = base.clone();
        apply_workload_conf(&mut conf, &w);
        let warn = |m: String| format!("application {}: {m}", app.name);
        prepared.warnings.extend(
            conf.validate(&sim_keys())
                .map_err(SetupError::from)?
                .iter()
                .map(|x| warn(x.to_string())),
        );
        let master = conf.master().map(str::to_string);
        let spread = conf
            .get("spark.deploy.spreadOut")
            .unwrap_or("true")
            .to_string();
        match &cluster {
            None => cluster = Some((master, spread)),
            Some((m, s)) if *m != master || *s != spread => {
                prepared.warnings.push(warn(format!(
                    "its master or spark.deploy.spreadOut differs from the first application's; the cluster is the first application's ({})",
                    m.as_deref().unwrap_or("no master")
                )));
            }
            Some(_) => {}
        }
        let pools = resolve_pools(&conf, &w)?;
        prepared
            .warnings
            .extend(pools.warnings.iter().map(|x| warn(x.to_string())));
        let defs = pools
            .pool_defs()
            .map(|(n, m, s, wt)| (n.to_string(), m, s, wt))
            .collect();
        let setup = build_setup_with(&conf, &w, defs, seed, true)?;
        prepared.setups.push(setup);
        prepared.submit_ms.push(app.submit_ms);
        prepared.confs.push(conf);
        prepared.pools.push(pools);
        prepared.workloads.push(w);
    }
    Ok(prepared)
}

impl PreparedApplications {
    /// Runs every application on the shared cluster.
    pub fn run(&self) -> SimOutput {
        let apps = self
            .workloads
            .iter()
            .zip(&self.setups)
            .zip(&self.submit_ms)
            .map(|((w, s), &t)| (w, s.clone(), t))
            .collect();
        Simulation::with_applications(apps).run()
    }
}
