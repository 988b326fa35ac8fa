//! Choosing rows without a screen: `flowspec discover --write --select PATTERN --deselect
//! PATTERN --keep-gone`. A pattern is a glob (`*` any run of characters, `?` one, `[abc]`,
//! `[a-z]`, `[!x]` a class, `\` escapes) matched against a row's resource path as the screen
//! shows it (`shop.orders`) and against its target collection (`acmeCo/shop/orders`).
//!
//! The defaults are the screen's. With `--select`, exactly the new rows that match one are
//! added, and a gone row that matches one is kept; `--deselect` wins over both (a matching
//! new row is not added, a matching gone row is removed); `--keep-gone` keeps every gone row
//! no `--deselect` names.

use super::merge::Status;
use super::{path, Discovery};

/// The patterns of the headless command.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub select: Vec<String>,
    pub deselect: Vec<String>,
    pub keep_gone: bool,
}

impl Selection {
    /// Applies the patterns to `d`'s rows (see the module doc).
    pub fn apply(&self, d: &mut Discovery) {
        for row in d.rows.iter_mut() {
            let label = path::label(&row.path);
            let matches = |patterns: &[String]| {
                patterns
                    .iter()
                    .any(|p| glob(p, &label) || glob(p, &row.target))
            };
            let selected = matches(&self.select);
            let deselected = matches(&self.deselect);
            match row.status {
                Status::New if !self.select.is_empty() => row.selected = selected,
                Status::Gone => row.selected |= self.keep_gone || selected,
                _ => {}
            }
            if deselected && row.status != Status::Existing {
                row.selected = false;
            }
        }
    }
}

/// Does `text` match the glob `pattern` (see the module doc)?
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Iterative matching with backtracking to the last `*`.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
            continue;
        }
        if let Some(next) = step(&p, pi, t[ti]) {
            pi = next;
            ti += 1;
            continue;
        }
        match star {
            Some((sp, st)) => {
                pi = sp + 1;
                ti = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Matches one pattern element at `pi` against `c`: the index after it, or `None`.
fn step(p: &[char], pi: usize, c: char) -> Option<usize> {
    match p.get(pi)? {
        '?' => Some(pi + 1),
        '\\' => (p.get(pi + 1) == Some(&c)).then_some(pi + 2),
        '[' => class(p, pi, c),
        &x => (x == c).then_some(pi + 1),
    }
}

/// A `[...]` class at `pi`: the index after its `]` when `c` is in it. An unclosed `[` is a
/// literal.
fn class(p: &[char], pi: usize, c: char) -> Option<usize> {
    let mut i = pi + 1;
    let negate = matches!(p.get(i), Some('!') | Some('^'));
    if negate {
        i += 1;
    }
    let start = i;
    let mut hit = false;
    while let Some(&x) = p.get(i) {
        if x == ']' && i > start {
            return (hit != negate).then_some(i + 1);
        }
        if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|&e| e != ']') {
            hit |= (x..=p[i + 2]).contains(&c);
            i += 3;
        } else {
            hit |= x == c;
            i += 1;
        }
    }
    (c == '[').then_some(pi + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        for (p, t, want) in [
            ("shop.*", "shop.orders", true),
            ("*", "", true),
            ("*orders", "acmeCo/shop/orders", true),
            ("acmeCo/*/orders", "acmeCo/shop/orders", true),
            ("shop.order?", "shop.orders", true),
            ("shop.order?", "shop.order", false),
            ("table_00000[0-4]", "table_000003", true),
            ("table_00000[!0-4]", "table_000003", false),
            ("table_00000[!0-4]", "table_000007", true),
            ("a\\*", "a*", true),
            ("a\\*", "ab", false),
            ("[x", "[x", true),
            ("*a*b*", "xaxxbx", true),
            ("*a*b", "xaxxbx", false),
        ] {
            assert_eq!(glob(p, t), want, "{p} ~ {t}");
        }
    }
}
