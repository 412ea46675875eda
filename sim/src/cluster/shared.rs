//! Cluster managers shared by several applications, with executors that come and go.
//!
//! * [`SharedMaster`]: Spark's standalone Master (`Master.schedule` → `startExecutorsOnWorkers`,
//!   Spark 3.5, spec A.12) serving *several* applications over one set of workers: the
//!   applications waiting for cores are served **in submission order**, each by the same
//!   placement as [`super::StandaloneMaster`] (`spark.cores.max`, `spark.executor.cores`,
//!   spread-out vs consolidate, the dynamic-allocation executor limit). Executor ids are per
//!   application, `0`, `1`, … in launch order. Resources are held from launch until the
//!   executor is removed ([`SharedMaster::remove_executor`]) or its application ends
//!   ([`SharedMaster::remove_app`]). Lowering a limit never stops running executors.
//! * [`ResourceManager`]: YARN / Kubernetes as seen by the driver (spec A.8): the target
//!   (`requestTotalExecutors`) is a level; `target − running − starting` new containers are
//!   started when positive, none are stopped when negative. Containers are granted at once
//!   when a worker has room (sim rule: round robin over the workers with room; without
//!   workers, every executor gets its own host `worker-<id>`). Executor ids count from 1.
//!
//! Like the rest of this module, these place executors only; time, start-up latency and
//! registration are the engine's.

use super::standalone::{
    AppRequest, Launch, WorkerFree, executors_for_cores, schedule_executors_on_workers,
    usable_worker_order,
};
use super::workers::{WorkerSpec, worker_host};

/// An executor a cluster manager started for an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Granted {
    /// Index of the application (in registration order).
    pub app: usize,
    /// Its executor id (per application).
    pub executor_id: String,
    pub host: String,
    pub cores: u32,
}

#[derive(Debug, Clone)]
struct AppSlot {
    request: AppRequest,
    executor_limit: Option<u32>,
    live: Vec<Launch>,
    next_executor_id: u32,
    active: bool,
}

/// Spark's standalone Master over several applications.
#[derive(Debug, Clone)]
pub struct SharedMaster {
    workers: Vec<WorkerSpec>,
    free: Vec<WorkerFree>,
    spread_out: bool,
    apps: Vec<AppSlot>,
}

impl SharedMaster {
    /// A Master with every worker idle and no application.
    pub fn new(workers: &[WorkerSpec], spread_out: bool) -> Self {
        SharedMaster {
            workers: workers.to_vec(),
            free: workers
                .iter()
                .map(|w| WorkerFree {
                    cores_free: w.cores,
                    memory_free_mb: w.memory_mb,
                })
                .collect(),
            spread_out,
            apps: Vec::new(),
        }
    }

    /// `RegisterApplication`: the next application (index returned). With dynamic allocation
    /// Spark registers it with executor limit 0 (`initialExecutorLimit`), without it there is
    /// no limit. Call [`schedule`](Self::schedule) afterwards.
    pub fn add_app(&mut self, request: AppRequest, executor_limit: Option<u32>) -> usize {
        self.apps.push(AppSlot {
            request,
            executor_limit,
            live: Vec::new(),
            next_executor_id: 0,
            active: true,
        });
        self.apps.len() - 1
    }

    /// `RequestExecutors` (`requestTotalExecutors`): the application's executor limit.
    pub fn set_executor_limit(&mut self, app: usize, limit: Option<u32>) {
        if let Some(a) = self.apps.get_mut(app) {
            a.executor_limit = limit;
        }
    }

    /// An executor exited (killed or lost): its resources go back to its worker. Returns
    /// whether it was live.
    pub fn remove_executor(&mut self, app: usize, executor_id: &str) -> bool {
        let Some(slot) = self.apps.get_mut(app) else {
            return false;
        };
        let Some(i) = slot
            .live
            .iter()
            .position(|e| e.executor_id.to_string() == executor_id)
        else {
            return false;
        };
        let exec = slot.live.remove(i);
        let worker = &mut self.free[exec.worker];
        worker.cores_free = worker.cores_free.saturating_add(exec.cores);
        worker.memory_free_mb = worker.memory_free_mb.saturating_add(exec.memory_mb);
        true
    }

    /// The application finished: every executor it has goes, and it asks for nothing more.
    pub fn remove_app(&mut self, app: usize) {
        let ids: Vec<String> = self
            .apps
            .get(app)
            .map(|a| a.live.iter().map(|e| e.executor_id.to_string()).collect())
            .unwrap_or_default();
        for id in ids {
            self.remove_executor(app, &id);
        }
        if let Some(a) = self.apps.get_mut(app) {
            a.active = false;
        }
    }

    /// Live executors of an application (launched, not removed).
    pub fn live_count(&self, app: usize) -> u32 {
        self.apps.get(app).map_or(0, |a| a.live.len() as u32)
    }

    /// Free resources per worker, in worker order.
    pub fn workers_free(&self) -> &[WorkerFree] {
        &self.free
    }

    /// Whether the Master would still give the application executors if cores were free:
    /// below its executor limit and its `spark.cores.max`.
    pub fn wants_more(&self, app: usize) -> bool {
        let Some(a) = self.apps.get(app) else {
            return false;
        };
        if !a.active {
            return false;
        }
        let under_limit = a
            .executor_limit
            .is_none_or(|limit| (a.live.len() as u64) < u64::from(limit));
        under_limit
            && cores_left(a).is_none_or(|left| left >= a.request.executor_cores.unwrap_or(1))
    }

    /// One `schedule()`: every active application in registration order gets what the free
    /// resources, its `spark.cores.max` and its executor limit allow.
    pub fn schedule(&mut self) -> Vec<Granted> {
        let mut granted = Vec::new();
        for app in 0..self.apps.len() {
            if !self.apps[app].active {
                continue;
            }
            for launch in self.schedule_app(app) {
                granted.push(Granted {
                    app,
                    executor_id: launch.executor_id.to_string(),
                    host: self.workers[launch.worker].host.clone(),
                    cores: launch.cores,
                });
            }
        }
        granted
    }

    fn schedule_app(&mut self, app: usize) -> Vec<Launch> {
        let slot = &self.apps[app];
        let needed = slot.request.executor_cores.unwrap_or(1);
        let left = cores_left(slot);
        if left.is_some_and(|l| l < needed) {
            return Vec::new();
        }
        let usable = usable_worker_order(
            &self.free,
            slot.request.executor_cores,
            slot.request.executor_memory_mb,
        );
        let usable_free: Vec<(u32, u64)> = usable
            .iter()
            .map(|&i| (self.free[i].cores_free, self.free[i].memory_free_mb))
            .collect();
        let assigned = schedule_executors_on_workers(
            &usable_free,
            left,
            slot.request.executor_cores,
            slot.request.executor_memory_mb,
            self.spread_out,
            slot.executor_limit,
            slot.live.len() as u32,
        );
        let mut launches = Vec::new();
        for (&worker, &cores) in usable.iter().zip(&assigned) {
            let slot = &mut self.apps[app];
            let (count, each) = executors_for_cores(cores, slot.request.executor_cores);
            for _ in 0..count {
                let launch = Launch {
                    executor_id: slot.next_executor_id,
                    worker,
                    cores: each,
                    memory_mb: slot.request.executor_memory_mb,
                };
                slot.next_executor_id += 1;
                let free = &mut self.free[worker];
                free.cores_free = free.cores_free.saturating_sub(each);
                free.memory_free_mb = free.memory_free_mb.saturating_sub(launch.memory_mb);
                slot.live.push(launch.clone());
                launches.push(launch);
            }
        }
        launches
    }
}

/// `spark.cores.max` minus the cores of live executors; `None` if unlimited.
fn cores_left(slot: &AppSlot) -> Option<u32> {
    let max = slot.request.cores_max?;
    let granted: u64 = slot.live.iter().map(|e| u64::from(e.cores)).sum();
    Some(u32::try_from(u64::from(max).saturating_sub(granted)).unwrap_or(max))
}

#[derive(Debug, Clone)]
struct RmApp {
    cores: u32,
    memory_mb: u64,
    /// The target (`requestTotalExecutors`); `None`: a static application that got its
    /// instances at registration.
    target: Option<u32>,
    /// Live executors: (id, worker index or `None` for an own host).
    live: Vec<(u32, Option<usize>)>,
    next_executor_id: u32,
    active: bool,
}

/// YARN / Kubernetes: containers of `spark.executor.cores` × `spark.executor.memory`.
#[derive(Debug, Clone)]
pub struct ResourceManager {
    workers: Vec<WorkerSpec>,
    room: Vec<(u32, u64)>,
    next_worker: usize,
    apps: Vec<RmApp>,
}

impl ResourceManager {
    /// A resource manager over `workers` (empty: unlimited hosts, one per executor).
    pub fn new(workers: &[WorkerSpec]) -> Self {
        ResourceManager {
            workers: workers.to_vec(),
            room: workers.iter().map(|w| (w.cores, w.memory_mb)).collect(),
            next_worker: 0,
            apps: Vec::new(),
        }
    }

    /// A new application whose containers have `cores` and `memory_mb`, wanting `target`
    /// executors (`None` until its first request).
    pub fn add_app(&mut self, cores: u32, memory_mb: u64, target: Option<u32>) -> usize {
        self.apps.push(RmApp {
            cores,
            memory_mb,
            target,
            live: Vec::new(),
            next_executor_id: 1,
            active: true,
        });
        self.apps.len() - 1
    }

    /// `requestTotalExecutors`: the level of executors wanted, running and starting.
    pub fn set_target(&mut self, app: usize, target: Option<u32>) {
        if let Some(a) = self.apps.get_mut(app) {
            a.target = target;
        }
    }

    /// A container exited: its room goes back.
    pub fn remove_executor(&mut self, app: usize, executor_id: &str) -> bool {
        let Some(a) = self.apps.get_mut(app) else {
            return false;
        };
        let Some(i) = a
            .live
            .iter()
            .position(|(id, _)| id.to_string() == executor_id)
        else {
            return false;
        };
        let (_, worker) = a.live.remove(i);
        if let Some(w) = worker {
            self.room[w].0 += a.cores;
            self.room[w].1 += a.memory_mb;
        }
        true
    }

    /// The application finished: all its containers go.
    pub fn remove_app(&mut self, app: usize) {
        let ids: Vec<String> = self
            .apps
            .get(app)
            .map(|a| a.live.iter().map(|(id, _)| id.to_string()).collect())
            .unwrap_or_default();
        for id in ids {
            self.remove_executor(app, &id);
        }
        if let Some(a) = self.apps.get_mut(app) {
            a.active = false;
        }
    }

    /// Whether the application wants more executors than it has.
    pub fn wants_more(&self, app: usize) -> bool {
        self.apps.get(app).is_some_and(|a| {
            a.active
                && a.target
                    .is_some_and(|t| (a.live.len() as u64) < u64::from(t))
        })
    }

    /// Live executors of an application.
    pub fn live_count(&self, app: usize) -> u32 {
        self.apps.get(app).map_or(0, |a| a.live.len() as u32)
    }

    /// Starts the missing containers of every application, in registration order, while
    /// there is room.
    pub fn schedule(&mut self) -> Vec<Granted> {
        let mut granted = Vec::new();
        for app in 0..self.apps.len() {
            while self.wants_more(app) {
                let (cores, memory) = (self.apps[app].cores, self.apps[app].memory_mb);
                let worker = if self.workers.is_empty() {
                    None
                } else {
                    let n = self.workers.len();
                    let found = (0..n)
                        .map(|k| (self.next_worker + k) % n)
                        .find(|&w| self.room[w].0 >= cores && self.room[w].1 >= memory);
                    let Some(w) = found else { break };
                    self.room[w].0 -= cores;
                    self.room[w].1 -= memory;
                    self.next_worker = w + 1;
                    Some(w)
                };
                let a = &mut self.apps[app];
                let id = a.next_executor_id;
                a.next_executor_id += 1;
                a.live.push((id, worker));
                granted.push(Granted {
                    app,
                    executor_id: id.to_string(),
                    host: worker.map_or_else(
                        || worker_host(id as usize - 1),
                        |w| self.workers[w].host.clone(),
                    ),
                    cores,
                });
            }
        }
        granted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workers(n: u32, cores: u32) -> Vec<WorkerSpec> {
        WorkerSpec::uniform(n, cores, 16 * 1024)
    }

    fn req(cores_max: Option<u32>, executor_cores: Option<u32>) -> AppRequest {
        AppRequest {
            cores_max,
            executor_cores,
            executor_memory_mb: 1024,
        }
    }

    #[test]
    fn applications_are_served_in_submission_order() {
        let mut m = SharedMaster::new(&workers(2, 4), true);
        let a = m.add_app(req(None, Some(2)), None);
        let b = m.add_app(req(None, Some(2)), None);
        let g = m.schedule();
        assert_eq!(g.len(), 4);
        assert!(g.iter().all(|x| x.app == a));
        assert!(m.schedule().is_empty());
        assert!(m.wants_more(b));
        // The first application ends: the second gets the whole cluster, ids from 0.
        m.remove_app(a);
        let g = m.schedule();
        assert_eq!(g.len(), 4);
        assert!(g.iter().all(|x| x.app == b));
        assert_eq!(g[0].executor_id, "0");
    }

    #[test]
    fn cores_max_leaves_room_for_the_next_application() {
        let mut m = SharedMaster::new(&workers(2, 4), true);
        m.add_app(req(Some(4), Some(1)), None);
        m.add_app(req(None, Some(1)), None);
        let g = m.schedule();
        assert_eq!(g.iter().filter(|x| x.app == 0).count(), 4);
        assert_eq!(g.iter().filter(|x| x.app == 1).count(), 4);
    }

    #[test]
    fn the_executor_limit_caps_launches_and_removal_frees_cores() {
        let mut m = SharedMaster::new(&workers(2, 2), true);
        let a = m.add_app(req(None, Some(1)), Some(0));
        assert!(m.schedule().is_empty());
        m.set_executor_limit(a, Some(3));
        let g = m.schedule();
        assert_eq!(g.len(), 3);
        // Lowering the limit stops nothing.
        m.set_executor_limit(a, Some(1));
        assert!(m.schedule().is_empty());
        assert_eq!(m.live_count(a), 3);
        assert!(m.remove_executor(a, "1"));
        assert!(!m.remove_executor(a, "1"));
        m.set_executor_limit(a, Some(4));
        let g = m.schedule();
        assert_eq!(g.len(), 2, "{g:?}");
        assert_eq!(g[0].executor_id, "3");
    }

    #[test]
    fn resource_manager_starts_the_missing_containers() {
        let mut rm = ResourceManager::new(&[]);
        let a = rm.add_app(1, 1024, Some(3));
        let g = rm.schedule();
        let ids: Vec<&str> = g.iter().map(|x| x.executor_id.as_str()).collect();
        assert_eq!(ids, ["1", "2", "3"]);
        assert_eq!(g[1].host, "worker-2");
        rm.set_target(a, Some(1));
        assert!(rm.schedule().is_empty());
        rm.remove_executor(a, "2");
        rm.set_target(a, Some(3));
        assert_eq!(rm.schedule().len(), 1);
        let mut rm = ResourceManager::new(&workers(1, 2));
        rm.add_app(1, 1024, Some(5));
        assert_eq!(rm.schedule().len(), 2);
    }
}
