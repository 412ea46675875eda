//! Spark event-log reader (being written).
