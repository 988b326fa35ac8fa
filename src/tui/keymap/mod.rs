//! The one keymap: key handling, the footer hints and the `?` help overlay all read this table
//! (in `bindings`), so what the footer and the help say is always what the keys do. Text input
//! goes through it too: in a text context the keymap binds [`Key::Text`] (any printable
//! character), which takes those characters from every outer context — so `q` typed into a
//! field is text, and the footer stops offering `q quit` and `? help` there.

mod bindings;
mod context;
mod wizard;

pub use context::{Action, Context};

/// Every binding, in the order of the footer hints and of the help: the core table, then the
/// wizard's and the source picker's (kept in their own file, `wizard`).
pub static BINDINGS: std::sync::LazyLock<Vec<Binding>> =
    std::sync::LazyLock::new(|| [bindings::CORE, wizard::WIZARD].concat());

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key as the keymap knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// One key with its modifiers (Shift is part of a character: `G`, `?`).
    Press(KeyCode, KeyModifiers),
    /// Any printable character typed without Ctrl or Alt: text.
    Text,
}

impl Key {
    /// Does this binding key match a pressed key? Shift is ignored for characters (the
    /// character already carries it: `G`, `?`).
    pub fn matches(&self, ev: &KeyEvent) -> bool {
        let Key::Press(code, mods) = *self else {
            return is_text_input(ev);
        };
        let ev_mods = if matches!(ev.code, KeyCode::Char(_)) {
            ev.modifiers - KeyModifiers::SHIFT
        } else {
            ev.modifiers
        };
        let ev_code = match ev.code {
            KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            other => other,
        };
        code == ev_code && mods == ev_mods
    }

    /// True when a context binding `self` leaves no way for `outer`, in a context further out,
    /// to be pressed: the same key, or text taking a printable character.
    fn claims(&self, outer: &Key) -> bool {
        match (self, outer) {
            (Key::Text, Key::Text) => true,
            (Key::Text, Key::Press(KeyCode::Char(_), mods)) => {
                !mods.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
            }
            (a, b) => a == b,
        }
    }

    /// How the key is written in hints and help.
    pub fn label(&self) -> String {
        let Key::Press(code, mods) = *self else {
            return "text".to_string();
        };
        let base = match code {
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            KeyCode::Left => "←".to_string(),
            KeyCode::Right => "→".to_string(),
            KeyCode::Enter => "Enter".to_string(),
            KeyCode::Esc => "Esc".to_string(),
            KeyCode::Tab => "Tab".to_string(),
            KeyCode::BackTab => "Shift-Tab".to_string(),
            KeyCode::PageUp => "PgUp".to_string(),
            KeyCode::PageDown => "PgDn".to_string(),
            KeyCode::Home => "Home".to_string(),
            KeyCode::End => "End".to_string(),
            KeyCode::Backspace => "Backspace".to_string(),
            KeyCode::Delete => "Delete".to_string(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            _ => "?".to_string(),
        };
        if mods.contains(KeyModifiers::CONTROL) {
            format!("Ctrl-{}", base.to_uppercase())
        } else {
            base
        }
    }
}

/// Whether (and how) a binding shows in the footer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// Only in the help.
    None,
    /// In the footer, in table order, while there is room.
    Show(&'static str),
    /// In the footer at its end, kept even when the others do not fit (help, quit, close).
    Keep(&'static str),
}

/// One row of the keymap.
#[derive(Debug, Clone)]
pub struct Binding {
    pub context: Context,
    pub keys: &'static [Key],
    pub action: Action,
    /// What it does, in the words shown in help.
    pub desc: &'static str,
    pub hint: Hint,
}

/// Is this key one that a text field should receive rather than a command?
pub fn is_text_input(ev: &KeyEvent) -> bool {
    matches!(ev.code, KeyCode::Char(_))
        && !ev
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

/// Finds the action for a key in `contexts`, searched in order (innermost first).
pub fn resolve(contexts: &[Context], ev: &KeyEvent) -> Option<Action> {
    contexts.iter().find_map(|ctx| {
        BINDINGS
            .iter()
            .filter(|b| b.context == *ctx)
            .find(|b| b.keys.iter().any(|key| key.matches(ev)))
            .map(|b| b.action)
    })
}

/// A binding that works in the contexts in force, with the keys that still reach it (an inner
/// context may have taken some: `?` is text while typing, F1 still opens the help).
#[derive(Debug, Clone)]
pub struct Effective {
    pub binding: &'static Binding,
    pub keys: Vec<Key>,
    /// Its position in the table (the order of hints).
    pub index: usize,
}

/// Every binding that works in `contexts` (innermost first), context by context: exactly
/// what the help lists and what the footer picks its hints from.
pub fn effective(contexts: &[Context]) -> Vec<Effective> {
    let mut out = Vec::new();
    let mut claimed: Vec<Key> = Vec::new();
    for ctx in contexts {
        let mut mine = Vec::new();
        for (index, b) in BINDINGS
            .iter()
            .enumerate()
            .filter(|(_, b)| b.context == *ctx)
        {
            let keys: Vec<Key> = b
                .keys
                .iter()
                .filter(|k| !claimed.iter().any(|c| c.claims(k)))
                .filter(|k| !mine.iter().any(|c: &Key| c.claims(k)))
                .copied()
                .collect();
            mine.extend(keys.iter().copied());
            if !keys.is_empty() {
                out.push(Effective {
                    binding: b,
                    keys,
                    index,
                });
            }
        }
        claimed.extend(mine);
    }
    out
}

/// One footer hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FooterHint {
    pub keys: String,
    pub label: &'static str,
    /// Kept when the footer is short of room.
    pub keep: bool,
}

/// The footer hints for `contexts`: in table order, the kept ones last.
pub fn hints(contexts: &[Context]) -> Vec<FooterHint> {
    let mut found = effective(contexts);
    found.sort_by_key(|e| e.index);
    let mut out: Vec<FooterHint> = Vec::new();
    for e in &found {
        let (label, keep) = match e.binding.hint {
            Hint::None => continue,
            Hint::Show(l) => (l, false),
            Hint::Keep(l) => (l, true),
        };
        if out.iter().any(|h| h.label == label) {
            continue;
        }
        out.push(FooterHint {
            keys: e.keys.first().map(Key::label).unwrap_or_default(),
            label,
            keep,
        });
    }
    out.sort_by_key(|h| h.keep);
    out
}

/// `"↑/k"` for a list of keys.
pub fn keys_label(keys: &[Key]) -> String {
    keys.iter().map(Key::label).collect::<Vec<_>>().join("/")
}

/// All bindings of a context, for the README.
pub fn bindings_of(ctx: Context) -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().filter(move |b| b.context == ctx)
}

/// The key table as Markdown, for the README (a test keeps the README in sync with this).
pub fn markdown_table() -> String {
    let mut out = String::from("| Where | Keys | Action |\n|---|---|---|\n");
    for ctx in Context::ALL {
        for b in bindings_of(ctx) {
            let keys: Vec<String> = b
                .keys
                .iter()
                .map(|k| format!("`{}`", k.label().replace('|', "\\|")))
                .collect();
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                ctx.title(),
                keys.join(" "),
                b.desc
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests;
