//! Throughput of `sim::event_queue::EventQueue`.
//!
//! * `event_queue/hold/N`: the classic hold model. Pre-fill N pending events, then each
//!   operation pops the minimum and pushes one event at `t + Exp(mean)`, so the queue stays at
//!   N. N = 10³ … 10⁶.
//! * `event_queue/arrivals/{heap,lane}`: 1,000 in-flight completions (hold model) plus a stream
//!   of arrivals with 100,000 known in advance, about half of all events. `heap` pre-loads the
//!   arrivals into the heap; `lane` keeps them in the sorted arrival lane, so the heap holds
//!   only the in-flight events.
//!
//! Throughput is in queue operations (one pop plus one push) per second. Random numbers come
//! from an inline SplitMix64 so the bench needs no extra dependency.

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use sim::event_queue::EventQueue;
use sim::time::SimTime;

/// Operations (pop + push) per measured iteration.
const OPS: u64 = 10_000;
/// Mean of the exponential hold time, in ms.
const HOLD_MEAN_MS: f64 = 100_000.0;
/// In-flight events in the arrivals benchmark.
const IN_FLIGHT: usize = 1_000;
/// Arrivals known in advance in the arrivals benchmark.
const KNOWN_ARRIVALS: usize = 100_000;
/// Mean inter-arrival time, chosen so arrivals are about half of all events.
const ARRIVAL_MEAN_MS: f64 = HOLD_MEAN_MS / IN_FLIGHT as f64;

/// SplitMix64 (Steele, Lea, Flood 2014): small, fast and portable.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// An exponential sample with the given mean, truncated to whole ms.
    fn exp_ms(&mut self, mean_ms: f64) -> u64 {
        let unit = ((self.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64; // (0, 1]
        (-unit.ln() * mean_ms) as u64
    }
}

#[derive(Debug, Clone, Copy)]
enum Event {
    Completion(u32),
    Arrival(u32),
}

fn configure(group: &mut BenchmarkGroup<'_, WallTime>, big: bool) {
    group.sample_size(if big { 10 } else { 20 });
    group.warm_up_time(Duration::from_millis(if big { 1_000 } else { 500 }));
    group.measurement_time(Duration::from_secs(if big { 3 } else { 2 }));
}

fn hold(c: &mut Criterion) {
    let mut group = c.benchmark_group("event_queue/hold");
    group.throughput(Throughput::Elements(OPS));
    for pending in [1_000usize, 10_000, 100_000, 1_000_000] {
        configure(&mut group, pending >= 100_000);
        let mut rng = SplitMix64(pending as u64);
        let mut queue = EventQueue::with_capacity(pending + 1);
        for id in 0..pending as u32 {
            queue.push(
                SimTime::from_ms(rng.exp_ms(HOLD_MEAN_MS)),
                Event::Completion(id),
            );
        }
        group.bench_function(pending.to_string(), |b| {
            b.iter(|| {
                for _ in 0..OPS {
                    if let Some((now, event)) = queue.pop() {
                        queue.push(now + rng.exp_ms(HOLD_MEAN_MS), black_box(event));
                    }
                }
            })
        });
    }
    group.finish();
}

/// Where the known arrivals wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArrivalsIn {
    Heap,
    Lane,
}

struct ArrivalModel {
    queue: EventQueue<Event>,
    rng: SplitMix64,
    last_arrival: SimTime,
    arrivals_in: ArrivalsIn,
}

impl ArrivalModel {
    fn new(arrivals_in: ArrivalsIn) -> Self {
        let mut model = ArrivalModel {
            queue: EventQueue::with_capacity(IN_FLIGHT + KNOWN_ARRIVALS + 1),
            rng: SplitMix64(42),
            last_arrival: SimTime::ZERO,
            arrivals_in,
        };
        for id in 0..IN_FLIGHT as u32 {
            let at = SimTime::from_ms(model.rng.exp_ms(HOLD_MEAN_MS));
            model.queue.push(at, Event::Completion(id));
        }
        for id in 0..KNOWN_ARRIVALS as u32 {
            model.push_next_arrival(id);
        }
        model
    }

    fn push_next_arrival(&mut self, id: u32) {
        self.last_arrival += self.rng.exp_ms(ARRIVAL_MEAN_MS);
        match self.arrivals_in {
            ArrivalsIn::Heap => self.queue.push(self.last_arrival, Event::Arrival(id)),
            ArrivalsIn::Lane => self
                .queue
                .push_lane(self.last_arrival, Event::Arrival(id))
                .expect("arrival times are cumulative, hence non-decreasing"),
        }
    }

    fn step(&mut self) {
        match self.queue.pop() {
            Some((now, Event::Completion(id))) => {
                let at = now + self.rng.exp_ms(HOLD_MEAN_MS);
                self.queue.push(at, Event::Completion(black_box(id)));
            }
            Some((_, Event::Arrival(id))) => self.push_next_arrival(black_box(id)),
            None => {}
        }
    }
}

fn arrivals(c: &mut Criterion) {
    let mut group = c.benchmark_group("event_queue/arrivals");
    group.throughput(Throughput::Elements(OPS));
    configure(&mut group, true);
    for (name, arrivals_in) in [("heap", ArrivalsIn::Heap), ("lane", ArrivalsIn::Lane)] {
        let mut model = ArrivalModel::new(arrivals_in);
        group.bench_function(name, |b| {
            b.iter(|| {
                for _ in 0..OPS {
                    model.step();
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, hold, arrivals);
criterion_main!(benches);
