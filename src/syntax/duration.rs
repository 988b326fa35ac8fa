//! Durations. Flow's catalog writes them as one number and one unit (`interval: 5m`,
//! `maxTxnDuration: 30s`, `retention: 30d`: the schema's `^\d+(s|m|h|d)$`, read by humantime
//! into a 64-bit count of seconds); flowspec's `--timeout` takes the same words and a little
//! more (`500ms`, `1h30m`, a bare number of seconds). One tokenizer reads both, so what `check`
//! suggests (`write it as 90m`) and what a timeout accepts mean the same by the same words.

use std::time::Duration;

/// A unit of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Millis,
    Seconds,
    Minutes,
    Hours,
    Days,
}

impl Unit {
    fn millis(self) -> u64 {
        match self {
            Unit::Millis => 1,
            Unit::Seconds => 1_000,
            Unit::Minutes => 60_000,
            Unit::Hours => 3_600_000,
            Unit::Days => 86_400_000,
        }
    }

    /// The unit a word names: the short forms and the long spellings humantime also reads.
    fn parse(word: &str) -> Option<Unit> {
        Some(match word {
            "ms" | "msec" | "msecs" | "millisecond" | "milliseconds" => Unit::Millis,
            "s" | "sec" | "secs" | "second" | "seconds" => Unit::Seconds,
            "m" | "min" | "mins" | "minute" | "minutes" => Unit::Minutes,
            "h" | "hr" | "hrs" | "hour" | "hours" => Unit::Hours,
            "d" | "day" | "days" => Unit::Days,
            _ => return None,
        })
    }
}

/// Why a text is not a duration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("it is empty")]
    Empty,
    #[error("the number has digits other than 0 to 9")]
    NonAsciiDigits,
    #[error("`{0}` is not a unit (use ms, s, m, h or d)")]
    UnknownUnit(String),
    #[error("`{0}` needs a unit, such as `{0}s` or `{0}m`")]
    MissingUnit(String),
    #[error("it is not a number followed by a unit")]
    Malformed,
    #[error("it is too long a duration")]
    Overflow,
}

/// One `NUMBER [UNIT]` part of a duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Part {
    count: u64,
    unit: Option<Unit>,
}

/// Splits `1h 30m`, `1 day, 2 hours` or `90` into parts. Only a duration of one part may
/// leave out its unit; the caller decides what a bare number means.
fn parts(s: &str) -> Result<Vec<Part>, DurationError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(DurationError::Empty);
    }
    if s.chars().any(|c| c.is_numeric() && !c.is_ascii_digit()) {
        return Err(DurationError::NonAsciiDigits);
    }
    let mut out = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return Err(DurationError::Malformed);
        }
        let number = &rest[..digits];
        let count = number.parse().map_err(|_| DurationError::Overflow)?;
        rest = rest[digits..].trim_start();
        let letters = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let unit = match &rest[..letters] {
            "" => None,
            word => Some(
                Unit::parse(word).ok_or_else(|| DurationError::UnknownUnit(word.to_string()))?,
            ),
        };
        rest = rest[letters..].trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
        if unit.is_none() && (!out.is_empty() || !rest.is_empty()) {
            return Err(DurationError::MissingUnit(number.to_string()));
        }
        out.push(Part { count, unit });
    }
    Ok(out)
}

/// The total length in milliseconds, a bare number counted in `bare` units.
fn total_millis(parts: &[Part], bare: Unit) -> Result<u64, DurationError> {
    parts.iter().try_fold(0u64, |sum, p| {
        p.count
            .checked_mul(p.unit.unwrap_or(bare).millis())
            .and_then(|ms| sum.checked_add(ms))
            .ok_or(DurationError::Overflow)
    })
}

/// Reads a `--timeout`: `30s`, `2m`, `1h`, `1h30m`, `500ms`, `1 day`, or a bare number of
/// seconds. The error says what is wrong, for clap to show.
pub fn parse_timeout(s: &str) -> Result<Duration, String> {
    let parts = parts(s).map_err(|e| match e {
        DurationError::Overflow => format!("`{s}` is too long a duration"),
        e => format!("`{s}` is not a duration like 30s, 2m or 1h: {e}"),
    })?;
    total_millis(&parts, Unit::Seconds)
        .map(Duration::from_millis)
        .map_err(|_| format!("`{s}` is too long a duration"))
}

/// Why a catalog duration is not one Flow accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowDurationError {
    /// In Flow's form, but longer than the 64-bit count of seconds Flow parses it into (Flow
    /// then refuses the catalog).
    TooLong,
    /// Not in Flow's form; the advice says how to write it.
    NotFlowForm(Advice),
}

/// How to write a duration so that Flow accepts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Advice {
    /// The same length in Flow's form (`1h 30m` → `90m`).
    Rewrite(String),
    /// The number uses digits other than 0 to 9.
    AsciiDigits,
    /// A bare number, which needs a unit.
    AddUnit(String),
    /// Anything else: which units there are.
    Units,
}

impl std::fmt::Display for Advice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Advice::Rewrite(fixed) => write!(f, "write it as `{fixed}`"),
            Advice::AsciiDigits => f.write_str("write the number with the digits 0 to 9"),
            Advice::AddUnit(n) => write!(f, "add a unit, such as `{n}s` or `{n}m`"),
            Advice::Units => f.write_str("the unit is `s`, `m`, `h` or `d`, as in `90m`"),
        }
    }
}

/// Reads a catalog duration as Flow does: one number of ASCII digits and one unit of `s`, `m`,
/// `h` or `d`, nothing else; returns its length in seconds.
pub fn parse_flow(s: &str) -> Result<u64, FlowDurationError> {
    let unit = match s.as_bytes().last() {
        Some(b'd') => 86_400,
        Some(b'h') => 3_600,
        Some(b'm') => 60,
        Some(b's') => 1,
        _ => 0,
    };
    // The unit is one ASCII byte, so cutting it off leaves a valid `str`.
    let digits = if unit == 0 { "" } else { &s[..s.len() - 1] };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FlowDurationError::NotFlowForm(advice(s)));
    }
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(unit))
        .ok_or(FlowDurationError::TooLong)
}

/// Writes a length in seconds in Flow's form, in the largest unit that divides it.
pub fn format_flow(seconds: u64) -> String {
    if seconds == 0 {
        return "0s".into();
    }
    let (unit, name) = [(86_400, "d"), (3_600, "h"), (60, "m"), (1, "s")]
        .into_iter()
        .find(|(u, _)| seconds % u == 0)
        .expect("1 divides everything");
    format!("{}{name}", seconds / unit)
}

/// How to fix a duration that is not in Flow's form.
fn advice(s: &str) -> Advice {
    match parts(s) {
        Ok(p) if p.iter().all(|p| p.unit.is_some()) => match total_millis(&p, Unit::Seconds) {
            Ok(ms) if ms % 1_000 == 0 => {
                let fixed = format_flow(ms / 1_000);
                if fixed != s {
                    return Advice::Rewrite(fixed);
                }
                Advice::Units
            }
            _ => Advice::Units,
        },
        Err(DurationError::NonAsciiDigits) => Advice::AsciiDigits,
        _ if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            Advice::AddUnit(s.to_string())
        }
        _ => Advice::Units,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(s: &str) -> Option<String> {
        match parse_flow(s) {
            Err(FlowDurationError::NotFlowForm(Advice::Rewrite(f))) => Some(f),
            _ => None,
        }
    }

    #[test]
    fn flow_form_is_one_ascii_number_and_one_unit() {
        assert_eq!(parse_flow("5m"), Ok(300));
        assert_eq!(parse_flow("90s"), Ok(90));
        assert_eq!(parse_flow("2h"), Ok(7_200));
        assert_eq!(parse_flow("30d"), Ok(2_592_000));
        assert_eq!(parse_flow("0s"), Ok(0));
        assert_eq!(parse_flow("18446744073709551615s"), Ok(u64::MAX));
        assert_eq!(
            parse_flow("18446744073709551616s"),
            Err(FlowDurationError::TooLong)
        );
        assert_eq!(
            parse_flow("307445734561825861m"),
            Err(FlowDurationError::TooLong)
        );
        for bad in [
            "",
            "5",
            "m",
            "1h 30m",
            " 5m",
            "5ms",
            "5M",
            "5 m",
            "\u{0665}m",
            "５m",
            "5µ",
            "日",
        ] {
            assert!(
                matches!(parse_flow(bad), Err(FlowDurationError::NotFlowForm(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn advice_rewrites_what_it_can_read() {
        assert_eq!(rewrite("1h 30m").as_deref(), Some("90m"));
        assert_eq!(rewrite("2d0h").as_deref(), Some("2d"));
        assert_eq!(rewrite("5 minutes").as_deref(), Some("5m"));
        assert_eq!(rewrite("1hour").as_deref(), Some("1h"));
        assert_eq!(rewrite("1 day, 2 hours").as_deref(), Some("26h"));
        assert_eq!(rewrite(" 5m").as_deref(), Some("5m"));
        assert_eq!(rewrite("5000ms").as_deref(), Some("5s"));
        assert_eq!(rewrite("0 minutes").as_deref(), Some("0s"));
        for (s, advice) in [
            ("5 fortnights", Advice::Units),
            ("m5", Advice::Units),
            ("500ms", Advice::Units),
            ("90", Advice::AddUnit("90".into())),
            ("\u{0665}m", Advice::AsciiDigits),
            ("", Advice::Units),
        ] {
            assert_eq!(
                parse_flow(s),
                Err(FlowDurationError::NotFlowForm(advice)),
                "{s:?}"
            );
        }
        assert_eq!(
            Advice::AddUnit("90".into()).to_string(),
            "add a unit, such as `90s` or `90m`"
        );
    }

    #[test]
    fn format_flow_uses_the_largest_unit_that_divides() {
        assert_eq!(format_flow(5_400), "90m");
        assert_eq!(format_flow(86_400), "1d");
        assert_eq!(format_flow(61), "61s");
        assert_eq!(format_flow(0), "0s");
    }

    #[test]
    fn timeouts() {
        let t = |s| parse_timeout(s);
        assert_eq!(t("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(t("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(t("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(t("3d"), Ok(Duration::from_secs(3 * 86_400)));
        assert_eq!(t("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(t("45"), Ok(Duration::from_secs(45)));
        assert_eq!(t(" 1h30m "), Ok(Duration::from_secs(5_400)));
        assert_eq!(t("1m 30s"), Ok(Duration::from_secs(90)));
        assert!(t("soon").unwrap_err().contains("not a duration like 30s"));
        assert!(t("3 fortnights")
            .unwrap_err()
            .contains("`fortnights` is not a unit"));
        assert!(t("1 30s").unwrap_err().contains("`1` needs a unit"));
        assert!(t("").is_err());
        assert!(t("9999999999999999999h").unwrap_err().contains("too long"));
        assert!(t("99999999999999999999s").unwrap_err().contains("too long"));
        assert!(t("\u{0665}s")
            .unwrap_err()
            .contains("digits other than 0 to 9"));
    }
}
