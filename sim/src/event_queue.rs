//! event_queue (being written).
