//! Tests of `sim::event_queue`: (time, insertion order) delivery, the heap/lane merge, clamping,
//! lane-order errors and generation stamps.

use proptest::prelude::*;
use sim::event_queue::{EventQueue, LaneOrderError};
use sim::time::SimTime;

fn t(ms: u64) -> SimTime {
    SimTime::from_ms(ms)
}

fn drain<E>(queue: &mut EventQueue<E>) -> Vec<(SimTime, E)> {
    std::iter::from_fn(|| queue.pop()).collect()
}

#[test]
fn empty_queue_pops_nothing() {
    let mut queue: EventQueue<u32> = EventQueue::new();
    assert!(queue.is_empty());
    assert_eq!(queue.len(), 0);
    assert_eq!(queue.peek_time(), None);
    assert_eq!(queue.pop(), None);
    assert_eq!(queue.now(), SimTime::ZERO);
}

#[test]
fn pops_in_time_order_fifo_among_equal_times() {
    let mut queue = EventQueue::new();
    queue.push(t(30), "c");
    queue.push(t(10), "a1");
    queue.push(t(20), "b");
    queue.push(t(10), "a2");
    queue.push(t(10), "a3");
    let order: Vec<_> = drain(&mut queue).into_iter().map(|(_, e)| e).collect();
    assert_eq!(order, ["a1", "a2", "a3", "b", "c"]);
    assert_eq!(queue.now(), t(30));
}

#[test]
fn lane_and_heap_ties_follow_insertion_order() {
    let mut queue = EventQueue::new();
    queue.push(t(5), "heap-first");
    queue.push_lane(t(5), "lane-second").unwrap();
    queue.push(t(5), "heap-third");
    queue.push_lane(t(5), "lane-fourth").unwrap();
    queue.push_lane(t(4), "lane-early").unwrap_err();
    let order: Vec<_> = drain(&mut queue).into_iter().map(|(_, e)| e).collect();
    assert_eq!(
        order,
        ["heap-first", "lane-second", "heap-third", "lane-fourth"]
    );
}

#[test]
fn lane_merges_with_heap_by_time() {
    let mut queue = EventQueue::new();
    for ms in [0, 10, 20, 30] {
        queue.push_lane(t(ms), format!("arrival@{ms}")).unwrap();
    }
    queue.push(t(15), "done@15".to_string());
    queue.push(t(25), "done@25".to_string());
    assert_eq!(queue.lane_len(), 4);
    assert_eq!(queue.heap_len(), 2);
    assert_eq!(
        queue.peek().map(|(time, e)| (time, e.as_str())),
        Some((t(0), "arrival@0"))
    );
    let times: Vec<u64> = drain(&mut queue)
        .iter()
        .map(|(time, _)| time.as_ms())
        .collect();
    assert_eq!(times, [0, 10, 15, 20, 25, 30]);
}

#[test]
fn push_in_the_past_is_clamped_to_now() {
    let mut queue = EventQueue::new();
    queue.push(t(100), 1);
    queue.push(t(100), 2);
    assert_eq!(queue.pop(), Some((t(100), 1)));
    queue.push(t(50), 3);
    assert_eq!(queue.peek_time(), Some(t(100)));
    assert_eq!(drain(&mut queue), [(t(100), 2), (t(100), 3)]);
}

#[test]
fn push_after_is_relative_to_now() {
    let mut queue = EventQueue::new();
    queue.push(t(1_000), "tick");
    queue.pop();
    queue.push_after(250, "later");
    queue.push_after(u64::MAX, "never");
    assert_eq!(queue.pop(), Some((t(1_250), "later")));
    assert_eq!(queue.pop(), Some((SimTime::MAX, "never")));
}

#[test]
fn lane_rejects_decreasing_times_and_stays_unchanged() {
    let mut queue = EventQueue::new();
    queue.push_lane(t(10), 'a').unwrap();
    let err = queue.push_lane(t(9), 'b').unwrap_err();
    assert_eq!(
        err,
        LaneOrderError {
            time: t(9),
            earliest: t(10)
        }
    );
    assert_eq!(queue.len(), 1);
    assert!(err.to_string().contains("non-decreasing"), "{err}");
}

#[test]
fn lane_rejects_times_before_now() {
    let mut queue = EventQueue::new();
    queue.push(t(40), 'x');
    queue.pop();
    let err = queue.push_lane(t(39), 'y').unwrap_err();
    assert_eq!(err.earliest, t(40));
    queue.push_lane(t(40), 'z').unwrap();
    assert_eq!(queue.pop(), Some((t(40), 'z')));
}

/// One step of a random interleaving.
#[derive(Debug, Clone)]
enum Op {
    /// Push to the heap at an absolute time (may lie before `now`: clamped).
    Push(u64),
    /// Push to the lane `delta` after the earliest accepted time.
    Lane(u64),
    /// Push to the lane before the earliest accepted time (must be rejected).
    LaneTooEarly(u64),
    Pop,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u64..40).prop_map(Op::Push),
        3 => (0u64..4).prop_map(Op::Lane),
        1 => (1u64..4).prop_map(Op::LaneTooEarly),
        4 => Just(Op::Pop),
    ]
}

/// (time, event id) pairs.
type Trace = Vec<(SimTime, usize)>;

/// Runs `ops` on a queue; returns every accepted push as (effective time, id) in push order,
/// and every pop as (time, id) in pop order, after draining.
fn run(ops: &[Op]) -> (Trace, Trace) {
    let mut queue = EventQueue::new();
    let (mut pushed, mut popped) = (Vec::new(), Vec::new());
    let mut lane_floor = SimTime::ZERO;
    for op in ops {
        let id = pushed.len();
        match *op {
            Op::Push(ms) => {
                queue.push(t(ms), id);
                pushed.push((t(ms).max(queue.now()), id));
            }
            Op::Lane(delta) => {
                let time = lane_floor.max(queue.now()) + delta;
                queue.push_lane(time, id).unwrap();
                lane_floor = time;
                pushed.push((time, id));
            }
            Op::LaneTooEarly(before) => {
                let earliest = lane_floor.max(queue.now());
                if earliest.as_ms() >= before {
                    let before_len = queue.len();
                    assert!(queue.push_lane(earliest - before, id).is_err());
                    assert_eq!(queue.len(), before_len);
                }
            }
            Op::Pop => popped.extend(queue.pop()),
        }
    }
    popped.extend(drain(&mut queue));
    (pushed, popped)
}

proptest! {
    #[test]
    fn pop_order_is_a_stable_sort_by_time_of_all_pushes(
        ops in proptest::collection::vec(op(), 0..300),
    ) {
        let (mut pushed, popped) = run(&ops);
        pushed.sort_by_key(|&(time, _)| time); // stable: ties keep insertion order
        prop_assert_eq!(popped, pushed);
    }

    #[test]
    fn time_never_goes_backwards(ops in proptest::collection::vec(op(), 0..300)) {
        let (_, popped) = run(&ops);
        prop_assert!(popped.windows(2).all(|w| w[0].0 <= w[1].0));
    }
}
