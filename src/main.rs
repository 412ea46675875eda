//! `sparksim`: simulate Apache Spark's task scheduling offline.

use std::process::ExitCode;

mod cli;

fn main() -> ExitCode {
    cli::main()
}
