//! "Did you mean ...?": the nearest allowed word to a mistyped key or value.

/// The allowed word closest to `word`, when it is close enough to be a likely typo
/// (a case difference, or at most about one edit in three characters).
pub fn nearest<'a>(word: &str, allowed: &[&'a str]) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    for &candidate in allowed {
        let d = distance(&lower, &candidate.to_lowercase());
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, candidate));
        }
    }
    let (d, candidate) = best?;
    let len = word.chars().count().max(candidate.chars().count());
    let limit = (len / 3).clamp(1, 3);
    (d <= limit).then_some(candidate)
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of
/// neighbouring characters each cost one (so `bindigs` → `bindings` and `tagret` → `target`
/// are both one edit away).
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// `a`, `b` and `c`: for "allowed keys" lists in messages.
pub fn list(words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_key() {
        let keys = ["endpoint", "bindings", "interval", "shards", "autoDiscover"];
        assert_eq!(nearest("bindigs", &keys), Some("bindings"));
        assert_eq!(nearest("Bindings", &keys), Some("bindings"));
        assert_eq!(nearest("intervall", &keys), Some("interval"));
        assert_eq!(nearest("autodiscover", &keys), Some("autoDiscover"));
        assert_eq!(nearest("tagret", &["target", "resource"]), Some("target"));
    }

    #[test]
    fn unrelated_words_get_no_suggestion() {
        let keys = ["endpoint", "bindings", "interval"];
        assert_eq!(nearest("foo", &keys), None);
        assert_eq!(nearest("storageMappings", &keys), None);
        assert_eq!(nearest("", &keys), None);
        assert_eq!(nearest("x", &[]), None);
    }

    #[test]
    fn distances_and_lists() {
        assert_eq!(distance("abc", "abc"), 0);
        assert_eq!(distance("abc", "acb"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("ñandú", "nandu"), 2);
        assert_eq!(list(&["a", "b", "c"]), "`a`, `b` or `c`");
        assert_eq!(list(&["a"]), "`a`");
    }
}
