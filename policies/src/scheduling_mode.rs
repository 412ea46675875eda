//! `SchedulingMode`: FIFO or FAIR, as parsed by Spark.
//!
//! Spark upper-cases `spark.scheduler.mode` (so `fair` works), rejects `NONE` with an
//! `IllegalArgumentException` and any other value with "Unrecognized spark.scheduler.mode".

use std::fmt;

/// How a pool orders its children (spec §2.4, §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum SchedulingMode {
    #[serde(rename = "FIFO")]
    Fifo,
    #[serde(rename = "FAIR")]
    Fair,
}

/// Why a `spark.scheduler.mode` value was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchedulingModeError {
    /// Spark: `IllegalArgumentException` from the `Pool` constructor / `initialize`.
    #[error(
        "spark.scheduler.mode: NONE is not supported (IllegalArgumentException in Spark); expected FIFO or FAIR"
    )]
    NoneNotSupported,
    /// Spark: `SparkException("Unrecognized spark.scheduler.mode: <value>")`.
    #[error("Unrecognized spark.scheduler.mode: {0} (expected FIFO or FAIR)")]
    Unrecognized(String),
}

impl SchedulingMode {
    /// Spark's spelling: `FIFO` or `FAIR`.
    pub fn as_str(self) -> &'static str {
        match self {
            SchedulingMode::Fifo => "FIFO",
            SchedulingMode::Fair => "FAIR",
        }
    }

    /// Parses `spark.scheduler.mode` as `TaskSchedulerImpl` does: upper-cased (Locale.ROOT),
    /// `FIFO` or `FAIR`; `NONE` and anything else are errors. Surrounding whitespace is
    /// *not* trimmed, as in Spark.
    pub fn parse_conf_value(value: &str) -> Result<Self, SchedulingModeError> {
        match value.to_uppercase().as_str() {
            "FIFO" => Ok(SchedulingMode::Fifo),
            "FAIR" => Ok(SchedulingMode::Fair),
            "NONE" => Err(SchedulingModeError::NoneNotSupported),
            _ => Err(SchedulingModeError::Unrecognized(value.to_string())),
        }
    }
}

impl fmt::Display for SchedulingMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_is_case_insensitive_and_rejects_none() {
        assert_eq!(
            SchedulingMode::parse_conf_value("fair"),
            Ok(SchedulingMode::Fair)
        );
        assert_eq!(
            SchedulingMode::parse_conf_value("FiFo"),
            Ok(SchedulingMode::Fifo)
        );
        assert_eq!(
            SchedulingMode::parse_conf_value("NONE"),
            Err(SchedulingModeError::NoneNotSupported)
        );
        assert!(matches!(
            SchedulingMode::parse_conf_value("RANDOM"),
            Err(SchedulingModeError::Unrecognized(_))
        ));
    }
}
