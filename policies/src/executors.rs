//! The executors, hosts and racks the task scheduler knows about, interned to small ids.
//!
//! Spark's `TaskSchedulerImpl` learns executors only through offers (`hostToExecutors`,
//! `executorIdToHost`) and forgets them on `executorLost`. Locality levels ask "is this
//! executor alive", "does this host have a live executor", "does this rack have a live host"
//! (spec §6.3); this registry answers those in O(1). Racks exist only where a host was given
//! one (`getRackForHost` returns None unless YARN overrides it).

use std::collections::HashMap;

/// An interned executor id (Spark's `String` executor id).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ExecId(pub u32);

/// An interned host name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HostId(pub u32);

/// An interned rack name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RackId(pub u32);

#[derive(Debug, Default, Clone)]
struct Interner {
    names: Vec<String>,
    ids: HashMap<String, u32>,
}

impl Interner {
    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.to_string());
        self.ids.insert(name.to_string(), id);
        id
    }

    fn lookup(&self, name: &str) -> Option<u32> {
        self.ids.get(name).copied()
    }
}

/// Live executors per host and live hosts per rack.
#[derive(Debug, Default, Clone)]
pub struct ExecutorRegistry {
    execs: Interner,
    hosts: Interner,
    racks: Interner,
    exec_host: Vec<Option<HostId>>,
    exec_alive: Vec<bool>,
    host_alive_execs: Vec<Vec<ExecId>>,
    host_rack: Vec<Option<RackId>>,
    rack_alive_hosts: Vec<u32>,
}

impl ExecutorRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Interns a host name (it need not have executors).
    pub fn host(&mut self, name: &str) -> HostId {
        let id = self.hosts.intern(name);
        if self.host_rack.len() <= id as usize {
            self.host_rack.push(None);
            self.host_alive_execs.push(Vec::new());
        }
        HostId(id)
    }

    /// Interns an executor id (it need not be alive, e.g. a cache location on a lost executor).
    pub fn executor(&mut self, name: &str) -> ExecId {
        let id = self.execs.intern(name);
        if self.exec_alive.len() <= id as usize {
            self.exec_alive.push(false);
            self.exec_host.push(None);
        }
        ExecId(id)
    }

    /// Interns a rack name.
    pub fn rack(&mut self, name: &str) -> RackId {
        let id = self.racks.intern(name);
        if self.rack_alive_hosts.len() <= id as usize {
            self.rack_alive_hosts.push(0);
        }
        RackId(id)
    }

    /// Puts `host` in `rack` (must happen before the host gets executors).
    pub fn set_rack(&mut self, host: HostId, rack: RackId) {
        self.host_rack[host.0 as usize] = Some(rack);
    }

    /// Looks up an executor id without interning it.
    pub fn find_executor(&self, name: &str) -> Option<ExecId> {
        self.execs.lookup(name).map(ExecId)
    }

    /// Looks up a host without interning it.
    pub fn find_host(&self, name: &str) -> Option<HostId> {
        self.hosts.lookup(name).map(HostId)
    }

    /// Marks `exec` alive on `host`; returns true if it was not alive before (a new executor).
    pub fn add_executor(&mut self, exec: ExecId, host: HostId) -> bool {
        if self.exec_alive[exec.0 as usize] {
            return false;
        }
        self.exec_alive[exec.0 as usize] = true;
        self.exec_host[exec.0 as usize] = Some(host);
        let on_host = &mut self.host_alive_execs[host.0 as usize];
        on_host.push(exec);
        if on_host.len() == 1
            && let Some(rack) = self.host_rack[host.0 as usize]
        {
            self.rack_alive_hosts[rack.0 as usize] += 1;
        }
        true
    }

    /// Forgets a live executor; returns its host, or None if it was not alive.
    pub fn remove_executor(&mut self, exec: ExecId) -> Option<HostId> {
        if !self.exec_alive[exec.0 as usize] {
            return None;
        }
        self.exec_alive[exec.0 as usize] = false;
        let host = self.exec_host[exec.0 as usize]?;
        let on_host = &mut self.host_alive_execs[host.0 as usize];
        on_host.retain(|&e| e != exec);
        if on_host.is_empty()
            && let Some(rack) = self.host_rack[host.0 as usize]
        {
            self.rack_alive_hosts[rack.0 as usize] -= 1;
        }
        Some(host)
    }

    /// `isExecutorAlive`.
    pub fn is_executor_alive(&self, exec: ExecId) -> bool {
        self.exec_alive
            .get(exec.0 as usize)
            .copied()
            .unwrap_or(false)
    }

    /// `hasExecutorsAliveOnHost`.
    pub fn has_executors_alive_on_host(&self, host: HostId) -> bool {
        self.host_alive_execs
            .get(host.0 as usize)
            .is_some_and(|v| !v.is_empty())
    }

    /// `hasHostAliveOnRack`.
    pub fn has_host_alive_on_rack(&self, rack: RackId) -> bool {
        self.rack_alive_hosts
            .get(rack.0 as usize)
            .is_some_and(|&n| n > 0)
    }

    /// `getRackForHost`.
    pub fn rack_of(&self, host: HostId) -> Option<RackId> {
        self.host_rack.get(host.0 as usize).copied().flatten()
    }

    /// The live executors on a host, in registration order.
    pub fn executors_alive_on_host(&self, host: HostId) -> &[ExecId] {
        self.host_alive_execs
            .get(host.0 as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The host of a known executor.
    pub fn host_of(&self, exec: ExecId) -> Option<HostId> {
        self.exec_host.get(exec.0 as usize).copied().flatten()
    }

    /// The executor's Spark id.
    pub fn executor_name(&self, exec: ExecId) -> &str {
        &self.execs.names[exec.0 as usize]
    }

    /// The host's name.
    pub fn host_name(&self, host: HostId) -> &str {
        &self.hosts.names[host.0 as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_racks_track_liveness() {
        let mut r = ExecutorRegistry::new();
        let h1 = r.host("host1");
        let rack = r.rack("rack1");
        r.set_rack(h1, rack);
        let e1 = r.executor("exec1");
        let e2 = r.executor("exec2");
        assert!(!r.has_host_alive_on_rack(rack));
        assert!(r.add_executor(e1, h1));
        assert!(!r.add_executor(e1, h1));
        assert!(r.add_executor(e2, h1));
        assert!(r.has_host_alive_on_rack(rack));
        assert_eq!(r.remove_executor(e1), Some(h1));
        assert!(r.has_executors_alive_on_host(h1));
        assert_eq!(r.remove_executor(e2), Some(h1));
        assert!(!r.has_executors_alive_on_host(h1));
        assert!(!r.has_host_alive_on_rack(rack));
        assert_eq!(r.remove_executor(e2), None);
    }
}
