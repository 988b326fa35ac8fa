//! The targets of a benchmark: each measured value is printed next to its target with `ok` or
//! `FAIL`, and the bench's `main` returns [`Targets::finish`], which exits with status 1 when
//! any target was missed, so a slow build fails like a failing test instead of printing FAIL
//! and exiting 0.
//!
//! Shared by the bench binaries through `#[path = "support/target.rs"] mod target;`:
//!
//! ```ignore
//! fn main() -> std::process::ExitCode {
//!     let mut targets = target::Targets::new();
//!     targets.time_at_most("toggle, 1 file of 10 MB", took, Duration::from_millis(50));
//!     targets.at_most("peak memory / file size", ratio, 4.0, "x");
//!     targets.finish()
//! }
//! ```
#![allow(dead_code)]

use std::process::ExitCode;
use std::time::Duration;

/// The verdicts so far of one bench run.
#[derive(Debug, Default)]
pub struct Targets {
    missed: Vec<String>,
    checked: usize,
}

impl Targets {
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks `value <= max` (both in `unit`) and prints
    /// `name: value unit (target ≤ max unit) ok|FAIL`. Returns whether the target was met.
    pub fn at_most(&mut self, name: &str, value: f64, max: f64, unit: &str) -> bool {
        self.record(
            name,
            value <= max,
            &number(value, unit),
            "≤",
            &number(max, unit),
        )
    }

    /// Checks `value < limit` (a strict bound) and prints it like [`Targets::at_most`].
    pub fn below(&mut self, name: &str, value: f64, limit: f64, unit: &str) -> bool {
        self.record(
            name,
            value < limit,
            &number(value, unit),
            "<",
            &number(limit, unit),
        )
    }

    /// [`Targets::at_most`] for durations, shown in ms (µs for targets under a millisecond).
    pub fn time_at_most(&mut self, name: &str, took: Duration, max: Duration) -> bool {
        let (value, limit, unit) = if max < Duration::from_millis(1) {
            (took.as_secs_f64() * 1e6, max.as_secs_f64() * 1e6, "µs")
        } else {
            (took.as_secs_f64() * 1e3, max.as_secs_f64() * 1e3, "ms")
        };
        self.at_most(name, value, limit, unit)
    }

    /// [`Targets::below`] for durations.
    pub fn time_below(&mut self, name: &str, took: Duration, limit: Duration) -> bool {
        let (value, bound, unit) = if limit < Duration::from_millis(1) {
            (took.as_secs_f64() * 1e6, limit.as_secs_f64() * 1e6, "µs")
        } else {
            (took.as_secs_f64() * 1e3, limit.as_secs_f64() * 1e3, "ms")
        };
        self.below(name, value, bound, unit)
    }

    /// How many targets were missed so far.
    pub fn missed(&self) -> usize {
        self.missed.len()
    }

    /// Prints the summary and gives the process's exit status: failure when a target was missed
    /// or when nothing was checked at all (a bench that measured nothing proves nothing).
    pub fn finish(self) -> ExitCode {
        if self.checked == 0 {
            println!("no target was checked");
            return ExitCode::FAILURE;
        }
        if self.missed.is_empty() {
            println!("all {} targets met", self.checked);
            ExitCode::SUCCESS
        } else {
            println!(
                "{} of {} targets missed: {}",
                self.missed.len(),
                self.checked,
                self.missed.join("; ")
            );
            ExitCode::FAILURE
        }
    }

    fn record(&mut self, name: &str, ok: bool, value: &str, op: &str, target: &str) -> bool {
        self.checked += 1;
        println!(
            "{name}: {value} (target {op} {target}) {}",
            if ok { "ok" } else { "FAIL" }
        );
        if !ok {
            self.missed.push(name.to_string());
        }
        ok
    }
}

/// A value with about three significant digits and its unit (`12.3 ms`, `0.042 ms`, `1.85x`).
pub fn number(value: f64, unit: &str) -> String {
    let digits = match value.abs() {
        v if v >= 100.0 => 0,
        v if v >= 10.0 => 1,
        v if v >= 1.0 || v == 0.0 => 2,
        _ => 3,
    };
    let sep = if unit == "x" || unit.is_empty() {
        ""
    } else {
        " "
    };
    format!("{value:.digits$}{sep}{unit}")
}
