//! The pending-event set of the discrete-event engine: [`EventQueue`].
//!
//! # Order
//!
//! Events come out in `(time, seq)` order, where `seq` is a counter that every push (to
//! either part of the queue) takes the next value of. So the global order is exactly
//! *(time, insertion order)*: among events due at the same millisecond, the one pushed first
//! pops first, whichever part of the queue holds it. This is the whole tie rule; there is no
//! other source of order, so a run is reproducible.
//!
//! # Two parts: a heap and a sorted lane
//!
//! * [`EventQueue::push`] puts an in-flight event (a task finishing, a timer) into a binary
//!   heap.
//! * [`EventQueue::push_lane`] appends to a FIFO *arrival lane* for streams already known in
//!   non-decreasing time order, such as job arrivals read from a workload. [`EventQueue::pop`]
//!   merges the lane's head with the heap's top, so the lane costs O(1) per event and the heap
//!   holds only in-flight events. Feed the lane lazily (push the next arrival when the previous
//!   one pops) rather than pre-loading thousands: a heap stays fast only while it is small
//!   (`shared/design/rust-ecosystem-notes.md` §2.2).
//!
//! # Time never goes backwards
//!
//! [`EventQueue::now`] is the time of the last popped event. No pop ever returns an earlier
//! time:
//! * `push` at a time before `now` is *clamped* to `now`: the event is delivered at `now`, after
//!   everything already queued for `now`. Engine code computes `now + delay`, so this only
//!   guards against bugs; it never panics.
//! * `push_lane` at a time before `now` or before the lane's previous push is *rejected* with
//!   [`LaneOrderError`] and the queue is unchanged. Lane times usually come from user input (an
//!   unsorted workload file), so this is an error for the caller to report with the file and
//!   line, never a panic or an assertion.
//!
//! # Stale events
//!
//! The queue never cancels anything. Handlers drop events that became stale: the engine
//! marks a task attempt done when its first terminal event (its end or its kill landing) is
//! handled, so the other one is ignored — each attempt is its own single generation.
//!
//! This module must not know about Spark, event kinds or handlers, and must not read a clock.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use crate::time::SimTime;

/// One queued event with its ordering key.
#[derive(Debug)]
struct Scheduled<E> {
    time: SimTime,
    seq: u64,
    event: E,
}

impl<E> Scheduled<E> {
    fn key(&self) -> (SimTime, u64) {
        (self.time, self.seq)
    }
}

impl<E> PartialEq for Scheduled<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl<E> Eq for Scheduled<E> {}

impl<E> PartialOrd for Scheduled<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Reversed, so that `BinaryHeap` (a max-heap) pops the smallest `(time, seq)` first.
impl<E> Ord for Scheduled<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        other.key().cmp(&self.key())
    }
}

/// A lane push would have put an event before one already pushed or popped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "event at {time} is earlier than {earliest}, the previous arrival or the current time: \
     arrivals must be in non-decreasing time order"
)]
pub struct LaneOrderError {
    /// The rejected time.
    pub time: SimTime,
    /// The earliest time the lane accepted at that point.
    pub earliest: SimTime,
}

/// The pending-event set: a `(time, seq)` min-heap merged with a sorted arrival lane.
/// See the module docs for the order and the clamping rules.
#[derive(Debug)]
pub struct EventQueue<E> {
    heap: BinaryHeap<Scheduled<E>>,
    lane: VecDeque<Scheduled<E>>,
    next_seq: u64,
    now: SimTime,
    lane_floor: SimTime,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    /// An empty queue at time zero.
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// An empty queue whose heap has room for `in_flight` events without reallocating.
    pub fn with_capacity(in_flight: usize) -> Self {
        EventQueue {
            heap: BinaryHeap::with_capacity(in_flight),
            lane: VecDeque::new(),
            next_seq: 0,
            now: SimTime::ZERO,
            lane_floor: SimTime::ZERO,
        }
    }

    /// The time of the last popped event ([`SimTime::ZERO`] before the first pop).
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedule an in-flight event at `time`; a time before [`now`](Self::now) is clamped to
    /// `now`.
    pub fn push(&mut self, time: SimTime, event: E) {
        let entry = self.stamp(time.max(self.now), event);
        self.heap.push(entry);
    }

    /// Schedule an in-flight event `delay_ms` after [`now`](Self::now) (saturating).
    pub fn push_after(&mut self, delay_ms: u64, event: E) {
        self.push(self.now + delay_ms, event);
    }

    /// Append an event to the sorted arrival lane. `time` must be at least the time of the
    /// previous lane push and at least [`now`](Self::now); otherwise the queue is left
    /// unchanged and the error says the earliest accepted time.
    pub fn push_lane(&mut self, time: SimTime, event: E) -> Result<(), LaneOrderError> {
        let earliest = self.lane_floor.max(self.now);
        if time < earliest {
            return Err(LaneOrderError { time, earliest });
        }
        self.lane_floor = time;
        let entry = self.stamp(time, event);
        self.lane.push_back(entry);
        Ok(())
    }

    /// Remove and return the earliest event (ties: pushed first), advancing
    /// [`now`](Self::now) to its time.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let entry = if self.lane_is_next()? {
            self.lane.pop_front()?
        } else {
            self.heap.pop()?
        };
        self.now = entry.time;
        Some((entry.time, entry.event))
    }

    /// The earliest event without removing it.
    pub fn peek(&self) -> Option<(SimTime, &E)> {
        let entry = if self.lane_is_next()? {
            self.lane.front()?
        } else {
            self.heap.peek()?
        };
        Some((entry.time, &entry.event))
    }

    /// The time of the earliest event, if any.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.peek().map(|(time, _)| time)
    }

    /// Number of pending events (heap and lane).
    pub fn len(&self) -> usize {
        self.heap.len() + self.lane.len()
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty() && self.lane.is_empty()
    }

    /// Number of pending events in the arrival lane.
    pub fn lane_len(&self) -> usize {
        self.lane.len()
    }

    /// Number of pending in-flight events (the heap).
    pub fn heap_len(&self) -> usize {
        self.heap.len()
    }

    fn stamp(&mut self, time: SimTime, event: E) -> Scheduled<E> {
        let seq = self.next_seq;
        self.next_seq += 1;
        Scheduled { time, seq, event }
    }

    /// `Some(true)` if the lane's head is next, `Some(false)` if the heap's top is, `None` if
    /// both are empty.
    fn lane_is_next(&self) -> Option<bool> {
        match (self.lane.front(), self.heap.peek()) {
            (None, None) => None,
            (Some(_), None) => Some(true),
            (None, Some(_)) => Some(false),
            (Some(lane), Some(heap)) => Some(lane.key() < heap.key()),
        }
    }
}
