//! The one keymap: key handling, the footer hints and the `?` help overlay all read this table,
//! so what the help says is always what the keys do.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where the keyboard focus is; each context has its own bindings, plus the global ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    Global,
    List,
    Detail,
    FilterInput,
    Help,
    Diff,
    Confirm,
    /// Asked before a save replaces files without write permission.
    WriteProtected,
    Conflict,
    Problems,
    /// A connector is running.
    Job,
    /// The config form (rows).
    Form,
    /// Typing into a form field.
    FormField,
    /// Picking one of a long list of choices.
    Picker,
}

impl Context {
    /// Heading in the help overlay.
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::List => "Entity list",
            Context::Detail => "Detail pane",
            Context::FilterInput => "Filter input",
            Context::Help => "Help",
            Context::Diff => "Save (diff)",
            Context::Confirm => "Confirmation",
            Context::WriteProtected => "Saving a read-only file",
            Context::Conflict => "File changed on disk",
            Context::Problems => "Problems",
            Context::Job => "While a connector runs",
            Context::Form => "Config form",
            Context::FormField => "Typing into a field",
            Context::Picker => "Choice picker",
        }
    }
}

/// Everything a key can ask for. Resolved by the keymap, handled by `App::update`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    ForceQuit,
    Suspend,
    Help,
    Save,
    Back,
    Open,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Filter,
    ClearFilter,
    SwitchPane,
    ToggleBinding,
    ToggleGrouping,
    Problems,
    Yes,
    No,
    Reload,
    ShowDiff,
    Spec,
    Discover,
    Validate,
    Pull,
    CancelJob,
    EditConfig,
    EditResource,
    FormActivate,
    FormPrev,
    FormNext,
    FormLeft,
    FormRight,
    FormReset,
    Reveal,
    Undo,
    Redo,
    CloseForm,
    Commit,
    CancelEdit,
    /// Text editing keys of a field, handled by the field itself (listed for help).
    TextEdit,
    MoveItemUp,
    MoveItemDown,
    OpenEditor,
}

/// A key as the keymap knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn k(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}

const fn ch(c: char) -> Key {
    k(KeyCode::Char(c))
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}

impl Key {
    /// Does this binding key match a pressed key? Shift is ignored for characters (the
    /// character already carries it: `G`, `?`).
    pub fn matches(&self, ev: &KeyEvent) -> bool {
        let mods = if matches!(ev.code, KeyCode::Char(_)) {
            ev.modifiers - KeyModifiers::SHIFT
        } else {
            ev.modifiers
        };
        let code = match ev.code {
            KeyCode::Char(c) if self.mods.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            other => other,
        };
        self.code == code && self.mods == mods
    }

    /// How the key is written in hints and help.
    pub fn label(&self) -> String {
        let base = match self.code {
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
        if self.mods.contains(KeyModifiers::CONTROL) {
            format!("Ctrl-{}", base.to_uppercase())
        } else {
            base
        }
    }
}

/// One row of the keymap.
#[derive(Debug, Clone)]
pub struct Binding {
    pub context: Context,
    pub keys: &'static [Key],
    pub action: Action,
    /// What it does, in the words shown in help.
    pub desc: &'static str,
    /// Short label for the footer; `None` keeps it out of the footer (help still lists it).
    pub hint: Option<&'static str>,
}

use Action as A;
use Context as C;
use KeyCode as KC;

const UP: &[Key] = &[k(KC::Up), ch('k')];
const DOWN: &[Key] = &[k(KC::Down), ch('j')];
const PGUP: &[Key] = &[k(KC::PageUp)];
const PGDN: &[Key] = &[k(KC::PageDown)];
const TOP: &[Key] = &[k(KC::Home), ch('g')];
const BOTTOM: &[Key] = &[k(KC::End), ch('G')];

macro_rules! b {
    ($ctx:expr, $keys:expr, $action:expr, $desc:expr) => {
        Binding {
            context: $ctx,
            keys: $keys,
            action: $action,
            desc: $desc,
            hint: None,
        }
    };
    ($ctx:expr, $keys:expr, $action:expr, $desc:expr, $hint:expr) => {
        Binding {
            context: $ctx,
            keys: $keys,
            action: $action,
            desc: $desc,
            hint: Some($hint),
        }
    };
}

/// The default bindings. Order matters: it is the order of the footer and the help.
pub static BINDINGS: &[Binding] = &[
    // Entity list.
    b!(C::List, UP, A::Up, "Select the previous entity"),
    b!(C::List, DOWN, A::Down, "Select the next entity"),
    b!(C::List, PGUP, A::PageUp, "Page up"),
    b!(C::List, PGDN, A::PageDown, "Page down"),
    b!(C::List, TOP, A::Top, "Go to the first entity"),
    b!(C::List, BOTTOM, A::Bottom, "Go to the last entity"),
    b!(
        C::List,
        &[k(KC::Enter), k(KC::Right)],
        A::Open,
        "Open the entity (or fold a prefix)",
        "open"
    ),
    b!(
        C::List,
        &[ch('/')],
        A::Filter,
        "Filter by name (fuzzy)",
        "filter"
    ),
    b!(C::List, &[k(KC::Esc)], A::ClearFilter, "Clear the filter"),
    b!(
        C::List,
        &[ch('t')],
        A::ToggleGrouping,
        "Group by kind or by name prefix",
        "group"
    ),
    // Detail pane.
    b!(C::Detail, UP, A::Up, "Select the previous binding"),
    b!(C::Detail, DOWN, A::Down, "Select the next binding"),
    b!(C::Detail, PGUP, A::PageUp, "Page up"),
    b!(C::Detail, PGDN, A::PageDown, "Page down"),
    b!(C::Detail, TOP, A::Top, "First binding"),
    b!(C::Detail, BOTTOM, A::Bottom, "Last binding"),
    b!(
        C::Detail,
        &[ch(' ')],
        A::ToggleBinding,
        "Enable or disable the selected binding",
        "toggle"
    ),
    b!(
        C::Detail,
        &[k(KC::Esc), k(KC::Left)],
        A::Back,
        "Back to the entity list"
    ),
    b!(
        C::Detail,
        &[ch('s')],
        A::Spec,
        "Fetch the connector's spec (cached per image or program)",
        "spec"
    ),
    b!(
        C::Detail,
        &[ch('d')],
        A::Discover,
        "Run the connector's discover",
        "discover"
    ),
    b!(
        C::Detail,
        &[ch('v')],
        A::Validate,
        "Validate the task with its connector",
        "validate"
    ),
    b!(
        C::Detail,
        &[ch('u')],
        A::Pull,
        "Pull the connector image again (update it)"
    ),
    b!(
        C::Detail,
        &[ch('e')],
        A::EditConfig,
        "Edit the endpoint config in a form (fetches the spec first if needed)",
        "config"
    ),
    b!(
        C::Detail,
        &[ch('r')],
        A::EditResource,
        "Edit the selected binding's resource config in a form"
    ),
    b!(C::Form, &[k(KC::Up)], A::FormPrev, "Previous field"),
    b!(C::Form, &[k(KC::Down)], A::FormNext, "Next field"),
    b!(C::Form, &[k(KC::Tab)], A::FormNext, "Next field"),
    b!(C::Form, &[k(KC::BackTab)], A::FormPrev, "Previous field"),
    b!(
        C::Form,
        &[k(KC::Enter), ch(' ')],
        A::FormActivate,
        "Edit the field, toggle it, or fold the section",
        "edit"
    ),
    b!(
        C::Form,
        &[k(KC::Left)],
        A::FormLeft,
        "Previous choice or variant",
        "choose"
    ),
    b!(
        C::Form,
        &[k(KC::Right)],
        A::FormRight,
        "Next choice or variant"
    ),
    b!(
        C::Form,
        &[k(KC::Delete)],
        A::FormReset,
        "Reset the field to its default (on a list item: remove it)"
    ),
    b!(
        C::Form,
        &[Key {
            code: KC::Up,
            mods: KeyModifiers::CONTROL
        }],
        A::MoveItemUp,
        "Move the focused list item up"
    ),
    b!(
        C::Form,
        &[Key {
            code: KC::Down,
            mods: KeyModifiers::CONTROL
        }],
        A::MoveItemDown,
        "Move the focused list item down"
    ),
    b!(
        C::Form,
        &[ctrl('t')],
        A::Reveal,
        "Show or hide the focused secret",
        "reveal"
    ),
    b!(
        C::Form,
        &[ctrl('u')],
        A::Undo,
        "Undo the last change",
        "undo"
    ),
    b!(
        C::Form,
        &[ctrl('e')],
        A::OpenEditor,
        "Edit the focused text in $VISUAL/$EDITOR (not secrets)"
    ),
    b!(C::Form, &[ctrl('y')], A::Redo, "Redo"),
    b!(
        C::Form,
        &[k(KC::Esc)],
        A::CloseForm,
        "Close the form (asks if there are changes)",
        "close"
    ),
    b!(
        C::Picker,
        &[k(KC::Enter)],
        A::Commit,
        "Choose the highlighted option",
        "choose"
    ),
    b!(
        C::Picker,
        &[k(KC::Esc)],
        A::CancelEdit,
        "Close the picker",
        "cancel"
    ),
    b!(
        C::Picker,
        &[k(KC::Up), k(KC::Down), k(KC::Backspace)],
        A::TextEdit,
        "Move; type to filter the options (fuzzy)"
    ),
    b!(
        C::FormField,
        &[k(KC::Enter), k(KC::Tab)],
        A::Commit,
        "Keep what you typed",
        "keep"
    ),
    b!(
        C::FormField,
        &[k(KC::Esc)],
        A::CancelEdit,
        "Discard what you typed",
        "discard"
    ),
    b!(
        C::FormField,
        &[
            k(KC::Backspace),
            k(KC::Delete),
            k(KC::Left),
            k(KC::Right),
            k(KC::Home),
            k(KC::End)
        ],
        A::TextEdit,
        "Edit the text (paste works too, masked for secrets)"
    ),
    b!(
        C::Job,
        &[k(KC::Esc)],
        A::CancelJob,
        "Cancel the running connector",
        "cancel"
    ),
    // Filter input: printable keys type into the filter.
    b!(
        C::FilterInput,
        &[k(KC::Enter)],
        A::Open,
        "Keep the filter and select the first match",
        "done"
    ),
    b!(
        C::FilterInput,
        &[k(KC::Esc)],
        A::ClearFilter,
        "Clear the filter and leave it",
        "clear"
    ),
    b!(
        C::FilterInput,
        &[k(KC::Up)],
        A::Up,
        "Select the previous match"
    ),
    b!(
        C::FilterInput,
        &[k(KC::Down)],
        A::Down,
        "Select the next match"
    ),
    // Overlays.
    b!(
        C::Help,
        &[k(KC::Esc), ch('q'), ch('?'), k(KC::F(1))],
        A::Back,
        "Close help",
        "close"
    ),
    b!(C::Help, UP, A::Up, "Scroll up"),
    b!(C::Help, DOWN, A::Down, "Scroll down"),
    b!(C::Help, PGUP, A::PageUp, "Page up"),
    b!(C::Help, PGDN, A::PageDown, "Page down"),
    b!(
        C::Diff,
        &[ch('y')],
        A::Yes,
        "Write the files shown",
        "write"
    ),
    b!(
        C::Diff,
        &[ch('n'), k(KC::Esc)],
        A::No,
        "Cancel; keep editing",
        "cancel"
    ),
    b!(C::Diff, UP, A::Up, "Scroll up"),
    b!(C::Diff, DOWN, A::Down, "Scroll down"),
    b!(C::Diff, PGUP, A::PageUp, "Page up"),
    b!(C::Diff, PGDN, A::PageDown, "Page down"),
    b!(C::Confirm, &[ch('y')], A::Yes, "Yes", "yes"),
    b!(C::Confirm, &[ch('n'), k(KC::Esc)], A::No, "No", "no"),
    b!(
        C::WriteProtected,
        &[ch('y')],
        A::Yes,
        "Write the read-only file(s) anyway; they stay read-only",
        "write anyway"
    ),
    b!(
        C::WriteProtected,
        &[ch('n'), k(KC::Esc)],
        A::No,
        "Do not save; keep your edits",
        "cancel"
    ),
    b!(
        C::Conflict,
        &[ch('d')],
        A::ShowDiff,
        "Show how your version differs from the disk",
        "diff"
    ),
    b!(
        C::Conflict,
        &[ch('r')],
        A::Reload,
        "Reload from disk, dropping your edits",
        "reload"
    ),
    b!(
        C::Conflict,
        &[k(KC::Esc), ch('n')],
        A::No,
        "Keep editing without saving",
        "cancel"
    ),
    b!(C::Conflict, UP, A::Up, "Scroll up"),
    b!(C::Conflict, DOWN, A::Down, "Scroll down"),
    b!(
        C::Problems,
        &[k(KC::Esc), ch('q'), ch('p')],
        A::Back,
        "Close the problem list",
        "close"
    ),
    b!(C::Problems, UP, A::Up, "Scroll up"),
    b!(C::Problems, DOWN, A::Down, "Scroll down"),
    b!(C::Problems, PGUP, A::PageUp, "Page up"),
    b!(C::Problems, PGDN, A::PageDown, "Page down"),
    // Everywhere (unless an overlay or text field takes the key first).
    b!(
        C::Global,
        &[k(KC::Tab), k(KC::BackTab)],
        A::SwitchPane,
        "Switch between list and detail"
    ),
    b!(
        C::Global,
        &[ctrl('s')],
        A::Save,
        "Save: review the diff, then write",
        "save"
    ),
    b!(
        C::Global,
        &[ch('p')],
        A::Problems,
        "Show load and validation problems"
    ),
    b!(
        C::Global,
        &[ch('?'), k(KC::F(1))],
        A::Help,
        "Help: every key",
        "help"
    ),
    b!(
        C::Global,
        &[ch('q')],
        A::Quit,
        "Quit (asks first if there are unsaved changes)",
        "quit"
    ),
    b!(
        C::Global,
        &[ctrl('c')],
        A::ForceQuit,
        "Quit from anywhere (asks first if unsaved)"
    ),
    b!(C::Global, &[ctrl('z')], A::Suspend, "Suspend (fg resumes)"),
];

/// Is this key one that a text field should receive rather than the keymap?
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

/// The footer hints for `contexts`: `(keys, label)` pairs, innermost context first.
pub fn hints(contexts: &[Context]) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = Vec::new();
    // Keys an inner context already took: an outer binding shown with one of them would lie.
    let mut claimed: Vec<Key> = Vec::new();
    for ctx in contexts {
        for b in BINDINGS.iter().filter(|b| b.context == *ctx) {
            let shadowed = b.keys.first().is_some_and(|k| claimed.contains(k));
            if let (Some(label), false) = (b.hint, shadowed) {
                if !out.iter().any(|(_, l)| *l == label) {
                    out.push((keys_label(b.keys, true), label));
                }
            }
        }
        for b in BINDINGS.iter().filter(|b| b.context == *ctx) {
            claimed.extend(b.keys.iter().copied());
        }
    }
    out
}

/// `"↑/k"` for a list of keys; `short` keeps only the first key.
pub fn keys_label(keys: &[Key], short: bool) -> String {
    if short {
        return keys.first().map(Key::label).unwrap_or_default();
    }
    keys.iter().map(Key::label).collect::<Vec<_>>().join("/")
}

/// All bindings of a context, for the help overlay.
pub fn bindings_of(ctx: Context) -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().filter(move |b| b.context == ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn context_bindings_win_over_global_ones() {
        let q = key(KeyCode::Char('q'));
        assert_eq!(resolve(&[C::Help, C::Global], &q), Some(A::Back));
        assert_eq!(resolve(&[C::List, C::Global], &q), Some(A::Quit));
    }

    #[test]
    fn ctrl_s_and_ctrl_c_resolve_everywhere() {
        let s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        let c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(resolve(&[C::Detail, C::Global], &s), Some(A::Save));
        assert_eq!(resolve(&[C::List, C::Global], &c), Some(A::ForceQuit));
        // Plain `s` is not save.
        assert_eq!(
            resolve(&[C::List, C::Global], &key(KeyCode::Char('s'))),
            None
        );
    }

    #[test]
    fn shifted_characters_match() {
        let g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(resolve(&[C::List], &g), Some(A::Bottom));
        let help = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(resolve(&[C::List, C::Global], &help), Some(A::Help));
    }

    #[test]
    fn printable_keys_are_text_for_fields() {
        assert!(is_text_input(&key(KeyCode::Char('q'))));
        assert!(!is_text_input(&KeyEvent::new(
            KeyCode::Char('c'),
            KeyModifiers::CONTROL
        )));
        assert!(!is_text_input(&key(KeyCode::Enter)));
    }

    #[test]
    fn hints_come_from_the_same_table() {
        let h = hints(&[C::Detail, C::Global]);
        assert!(h.contains(&("Space".to_string(), "toggle")));
        assert!(h.contains(&("Ctrl-S".to_string(), "save")));
        assert_eq!(h.first().map(|(_, l)| *l), Some("toggle"));
    }
}

/// The key table as Markdown, for the README (a test keeps the README in sync with this).
pub fn markdown_table() -> String {
    let mut out = String::from("| Where | Keys | Action |\n|---|---|---|\n");
    for ctx in [
        Context::List,
        Context::Detail,
        Context::FilterInput,
        Context::Global,
        Context::Diff,
        Context::Confirm,
        Context::WriteProtected,
        Context::Conflict,
        Context::Problems,
        Context::Help,
        Context::Job,
        Context::Form,
        Context::FormField,
        Context::Picker,
    ] {
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
mod readme_tests {
    #[test]
    fn readme_key_table_matches_the_keymap() {
        let readme = include_str!("../../README.md");
        assert!(
            readme.contains(&super::markdown_table()),
            "README.md's key table is out of date; regenerate it from keymap::markdown_table()"
        );
    }
}
