//! The discrete-event engine and the cluster it drives. Virtual time in integer
//! milliseconds; the `policies` core makes every scheduling decision.

pub mod cluster;
pub mod event_queue;
pub mod time;
