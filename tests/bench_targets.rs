//! The benchmarks' target helper (`benches/support/target.rs`): a missed target makes the
//! bench exit with a failure, so `cargo bench` can fail CI like a test.

#[path = "../benches/support/target.rs"]
mod target;

use std::process::ExitCode;
use std::time::Duration;

use target::{number, Targets};

#[test]
fn all_targets_met_is_success() {
    let mut t = Targets::new();
    assert!(t.at_most("ratio", 0.9, 1.0, "x"));
    assert!(t.at_most("at the bound", 1.0, 1.0, "x"));
    assert!(t.time_at_most(
        "toggle",
        Duration::from_millis(12),
        Duration::from_millis(50)
    ));
    assert!(t.time_below(
        "decode",
        Duration::from_millis(1999),
        Duration::from_secs(2)
    ));
    assert_eq!(t.missed(), 0);
    assert_eq!(t.finish(), ExitCode::SUCCESS);
}

#[test]
fn one_missed_target_is_failure() {
    let mut t = Targets::new();
    assert!(t.at_most("fine", 1.0, 2.0, "ms"));
    assert!(!t.time_at_most("slow", Duration::from_millis(51), Duration::from_millis(50)));
    assert!(!t.below("strict bound", 4.0, 4.0, "x"));
    assert_eq!(t.missed(), 2);
    assert_eq!(t.finish(), ExitCode::FAILURE);
}

#[test]
fn nothing_measured_is_failure() {
    assert_eq!(Targets::new().finish(), ExitCode::FAILURE);
}

#[test]
fn numbers_keep_about_three_significant_digits() {
    assert_eq!(number(1234.4, "ms"), "1234 ms");
    assert_eq!(number(12.345, "ms"), "12.3 ms");
    assert_eq!(number(1.2345, "x"), "1.23x");
    assert_eq!(number(0.04211, "ms"), "0.042 ms");
    assert_eq!(number(0.0, "µs"), "0.00 µs");
}
