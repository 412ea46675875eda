//! The parts of Spark's `DAGScheduler` that decide *when* task sets exist (spec §8).
//!
//! Job ids count from 0 in submission order; stage ids count from 0 in creation order, a
//! job's stages created in its list order (parents always come earlier, so they get lower
//! ids, as in Spark). `submitStage` submits a stage whose parents are all finished, else
//! submits its missing parents (ascending id) and waits; a finished stage submits its waiting
//! children (ascending id — all of a job's stages share its `firstJobId`). The task set's
//! priority is the job id. Stages are not shared between jobs: the workload model describes
//! each job's DAG separately, so there is no stage reuse or skipping.

use workloads::model::Job;

/// Where a stage is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StageStatus {
    Created,
    Waiting,
    Submitted,
    Finished,
    Failed,
}

/// One stage of one job.
#[derive(Clone, Debug)]
pub struct StageState {
    pub stage_id: u32,
    /// Index of the job in the workload.
    pub job: usize,
    /// Index of the stage in its job's list.
    pub index_in_job: usize,
    pub parents: Vec<u32>,
    pub children: Vec<u32>,
    pub num_tasks: usize,
    done: Vec<bool>,
    pending_partitions: usize,
    pub status: StageStatus,
}

/// What happened to a job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobOutcome {
    Running,
    Succeeded,
    Failed(String),
}

/// One job submitted to the DAG scheduler.
#[derive(Clone, Debug)]
pub struct ActiveJob {
    pub job_id: u64,
    pub stage_ids: Vec<u32>,
    /// Stages no other stage of the job depends on (normally the one result stage).
    unfinished_sinks: usize,
    pub outcome: JobOutcome,
}

/// The effect of a finished partition.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// The stage finished with this partition.
    pub stage_finished: bool,
    /// Stages now ready to be submitted (ascending id).
    pub ready: Vec<u32>,
    /// The job (workload index) finished with this stage.
    pub job_finished: Option<usize>,
}

/// Jobs and stages.
#[derive(Clone, Debug, Default)]
pub struct DagScheduler {
    next_job_id: u64,
    jobs: Vec<Option<ActiveJob>>,
    stages: Vec<StageState>,
}

impl DagScheduler {
    /// A scheduler for a workload of `num_jobs` jobs.
    pub fn new(num_jobs: usize) -> Self {
        DagScheduler {
            next_job_id: 0,
            jobs: vec![None; num_jobs],
            stages: Vec::new(),
        }
    }

    /// The job submitted for workload job `index`, if any.
    pub fn job(&self, index: usize) -> Option<&ActiveJob> {
        self.jobs[index].as_ref()
    }

    /// A stage by id.
    pub fn stage(&self, stage_id: u32) -> &StageState {
        &self.stages[stage_id as usize]
    }

    /// `handleJobSubmitted`: takes the next job id, creates the stages and returns the ones
    /// ready to run (in the order Spark submits them).
    pub fn submit_job(&mut self, index: usize, job: &Job) -> (u64, Vec<u32>) {
        let job_id = self.next_job_id;
        self.next_job_id += 1;
        let base = self.stages.len() as u32;
        for (k, stage) in job.stages.iter().enumerate() {
            let parents: Vec<u32> = stage.parents.iter().map(|&p| base + p as u32).collect();
            for &p in &parents {
                self.stages[p as usize].children.push(base + k as u32);
            }
            let n = stage.task_durations_ms.len();
            self.stages.push(StageState {
                stage_id: base + k as u32,
                job: index,
                index_in_job: k,
                parents,
                children: Vec::new(),
                num_tasks: n,
                done: vec![false; n],
                pending_partitions: n,
                status: StageStatus::Created,
            });
        }
        let stage_ids: Vec<u32> = (base..base + job.stages.len() as u32).collect();
        let sinks: Vec<u32> = stage_ids
            .iter()
            .copied()
            .filter(|&s| self.stages[s as usize].children.is_empty())
            .collect();
        self.jobs[index] = Some(ActiveJob {
            job_id,
            stage_ids,
            unfinished_sinks: sinks.len(),
            outcome: JobOutcome::Running,
        });
        let mut ready = Vec::new();
        for s in sinks {
            self.submit_stage(s, &mut ready);
        }
        (job_id, ready)
    }

    /// `submitStage`: ready if no parent is missing; else submit the missing parents first.
    fn submit_stage(&mut self, stage_id: u32, ready: &mut Vec<u32>) {
        if self.stages[stage_id as usize].status != StageStatus::Created {
            return;
        }
        let mut missing: Vec<u32> = self.stages[stage_id as usize]
            .parents
            .iter()
            .copied()
            .filter(|&p| self.stages[p as usize].status != StageStatus::Finished)
            .collect();
        missing.sort_unstable();
        missing.dedup();
        if missing.is_empty() {
            self.stages[stage_id as usize].status = StageStatus::Submitted;
            ready.push(stage_id);
        } else {
            for p in missing {
                self.submit_stage(p, ready);
            }
            self.stages[stage_id as usize].status = StageStatus::Waiting;
        }
    }

    /// A stage with no tasks finishes as soon as it is submitted.
    pub fn finish_if_empty(&mut self, stage_id: u32) -> Option<Progress> {
        (self.stages[stage_id as usize].num_tasks == 0).then(|| self.stage_finished(stage_id))
    }

    /// A successful attempt of `partition`; later duplicates are ignored.
    pub fn task_succeeded(&mut self, stage_id: u32, partition: u32) -> Progress {
        let stage = &mut self.stages[stage_id as usize];
        if stage.status != StageStatus::Submitted || stage.done[partition as usize] {
            return Progress::default();
        }
        stage.done[partition as usize] = true;
        stage.pending_partitions -= 1;
        if stage.pending_partitions > 0 {
            return Progress::default();
        }
        self.stage_finished(stage_id)
    }

    fn stage_finished(&mut self, stage_id: u32) -> Progress {
        let stage = &mut self.stages[stage_id as usize];
        stage.status = StageStatus::Finished;
        let job = stage.job;
        let mut children = stage.children.clone();
        children.sort_unstable();
        let mut progress = Progress {
            stage_finished: true,
            ..Progress::default()
        };
        for child in children {
            if self.stages[child as usize].status == StageStatus::Waiting {
                self.stages[child as usize].status = StageStatus::Created;
                self.submit_stage(child, &mut progress.ready);
            }
        }
        if self.stages[stage_id as usize].children.is_empty() {
            let active = self.jobs[job]
                .as_mut()
                .expect("a stage's job was submitted");
            active.unfinished_sinks -= 1;
            if active.unfinished_sinks == 0 && active.outcome == JobOutcome::Running {
                active.outcome = JobOutcome::Succeeded;
                progress.job_finished = Some(job);
            }
        }
        progress
    }

    /// A stage was aborted: its job fails; returns the job's other unfinished stages (to
    /// cancel), or None if the job had already ended.
    pub fn stage_aborted(&mut self, stage_id: u32, message: &str) -> Option<(usize, Vec<u32>)> {
        let job = self.stages[stage_id as usize].job;
        self.stages[stage_id as usize].status = StageStatus::Failed;
        let active = self.jobs[job].as_mut()?;
        if active.outcome != JobOutcome::Running {
            return None;
        }
        active.outcome = JobOutcome::Failed(message.to_string());
        let others: Vec<u32> = active
            .stage_ids
            .iter()
            .copied()
            .filter(|&s| {
                s != stage_id
                    && !matches!(
                        self.stages[s as usize].status,
                        StageStatus::Finished | StageStatus::Failed
                    )
            })
            .collect();
        for &s in &others {
            self.stages[s as usize].status = StageStatus::Failed;
        }
        Some((job, others))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use workloads::model::Stage;

    fn stage(parents: Vec<usize>, n: usize) -> Stage {
        Stage {
            parents,
            task_durations_ms: vec![10; n],
            ..Stage::default()
        }
    }

    fn job(stages: Vec<Stage>) -> Job {
        Job {
            name: "j".into(),
            stages,
            ..Job::default()
        }
    }

    #[test]
    fn dag_scheduler_suite_spark_3353_parent_stage_should_have_lower_stage_id() {
        let mut dag = DagScheduler::new(1);
        let (job_id, ready) = dag.submit_job(0, &job(vec![stage(vec![], 2), stage(vec![0], 1)]));
        assert_eq!((job_id, ready), (0, vec![0]));
        assert!(dag.stage(0).stage_id < dag.stage(1).stage_id);
        assert_eq!(dag.task_succeeded(0, 0), Progress::default());
        let p = dag.task_succeeded(0, 1);
        assert_eq!(p.ready, vec![1]);
        let p = dag.task_succeeded(1, 0);
        assert_eq!(p.job_finished, Some(0));
    }

    #[test]
    fn diamond_waits_for_both_parents_and_ids_continue_across_jobs() {
        let mut dag = DagScheduler::new(2);
        dag.submit_job(0, &job(vec![stage(vec![], 1)]));
        let diamond = job(vec![
            stage(vec![], 1),
            stage(vec![0], 1),
            stage(vec![0], 1),
            stage(vec![1, 2], 1),
        ]);
        let (job_id, ready) = dag.submit_job(1, &diamond);
        assert_eq!((job_id, ready), (1, vec![1]));
        assert_eq!(dag.task_succeeded(1, 0).ready, vec![2, 3]);
        assert!(dag.task_succeeded(2, 0).ready.is_empty());
        assert_eq!(dag.task_succeeded(3, 0).ready, vec![4]);
        assert_eq!(dag.task_succeeded(4, 0).job_finished, Some(1));
    }
}
