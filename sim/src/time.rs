//! time (being written).
