//! Typed Spark configuration (being written).
