//! synthetic (being written).
