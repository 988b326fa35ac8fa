//! [`Secret`]: a value that must not reach a log, a panic message, a snapshot or the terminal
//! by accident. Its `Debug` and `Display` print a fixed mask (never the length); the value is
//! reached only through [`Secret::expose`], so every place that uses it says so.

use std::fmt;

/// What `Display` prints instead of a secret.
pub const HIDDEN: &str = "••••";

/// What a `Debug` impl shows for a field it must not print (a config, typed text).
pub const REDACTED: Secret<()> = Secret(());

/// A decrypted or typed secret (or a whole decrypted config).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret<T = String>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Self {
        Secret(value)
    }

    /// The value itself, for the one place that needs it (a connector's stdin, a field being
    /// typed into). Never format the result for a person.
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// The value, leaving the wrapper.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({HIDDEN})")
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(HIDDEN)
    }
}

impl<T> From<T> for Secret<T> {
    fn from(value: T) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret<String> {
    fn from(s: &str) -> Self {
        Secret(s.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value_or_its_length() {
        let short: Secret = Secret::from("hunter2");
        let long = Secret::new("x".repeat(500));
        for s in [
            format!("{short:?}"),
            format!("{short}"),
            format!("{short:#?}"),
        ] {
            assert!(!s.contains("hunter2"), "{s}");
        }
        assert_eq!(format!("{short:?}"), format!("{long:?}"));
        assert_eq!(format!("{short}"), format!("{long}"));
        assert_eq!(short.expose(), "hunter2");
        let nested = Some(Secret::new(serde_json::json!({"password": "hunter2"})));
        assert!(!format!("{nested:?}").contains("hunter2"));
    }
}
