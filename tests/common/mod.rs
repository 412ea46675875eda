//! Helpers shared by the end-to-end tests of the `sparksim` binary.
#![allow(dead_code)]

use std::process::{Command, Output};

/// Runs the binary with `args` and waits for it.
pub fn sparksim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sparksim"))
        .args(args)
        .output()
        .expect("the sparksim binary runs")
}

/// The command's standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The command's standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
