//! cluster (being written).
