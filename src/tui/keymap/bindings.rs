//! The table itself: every context, every action, and which keys do what where. The order of
//! the table is the order of the footer hints and of the help.

use ratatui::crossterm::event::{KeyCode, KeyModifiers};

use super::context::{Action, Context};
use super::{Binding, Hint, Key};

use Action as A;
use Context as C;
use KeyCode as KC;

pub(super) const fn k(code: KeyCode) -> Key {
    Key::Press(code, KeyModifiers::NONE)
}

pub(super) const fn ch(c: char) -> Key {
    k(KeyCode::Char(c))
}

pub(super) const fn ctrl(c: char) -> Key {
    Key::Press(KeyCode::Char(c), KeyModifiers::CONTROL)
}

pub(super) const fn ctrl_key(code: KeyCode) -> Key {
    Key::Press(code, KeyModifiers::CONTROL)
}

pub(super) const UP: &[Key] = &[k(KC::Up), ch('k')];
pub(super) const DOWN: &[Key] = &[k(KC::Down), ch('j')];
pub(super) const PGUP: &[Key] = &[k(KC::PageUp)];
pub(super) const PGDN: &[Key] = &[k(KC::PageDown)];
pub(super) const TOP: &[Key] = &[k(KC::Home), ch('g')];
pub(super) const BOTTOM: &[Key] = &[k(KC::End), ch('G')];
pub(super) const TEXT: &[Key] = &[Key::Text];
pub(super) const EDIT_KEYS: &[Key] = &[
    k(KC::Backspace),
    k(KC::Delete),
    k(KC::Left),
    k(KC::Right),
    k(KC::Home),
    k(KC::End),
];

macro_rules! b {
    ($ctx:expr, $keys:expr, $action:expr, $desc:expr) => {
        Binding {
            context: $ctx,
            keys: $keys,
            action: $action,
            desc: $desc,
            hint: Hint::None,
        }
    };
    ($ctx:expr, $keys:expr, $action:expr, $desc:expr, keep $hint:expr) => {
        Binding {
            context: $ctx,
            keys: $keys,
            action: $action,
            desc: $desc,
            hint: Hint::Keep($hint),
        }
    };
    ($ctx:expr, $keys:expr, $action:expr, $desc:expr, $hint:expr) => {
        Binding {
            context: $ctx,
            keys: $keys,
            action: $action,
            desc: $desc,
            hint: Hint::Show($hint),
        }
    };
}
pub(super) use b;

/// The core bindings (the browser, the form, the Discovered screen, the overlays). Order
/// matters: it is the order of the footer and of the help.
pub(super) static CORE: &[Binding] = &[
    // A running connector's Esc comes first: it is what matters while one runs.
    b!(
        C::Job,
        &[k(KC::Esc)],
        A::CancelJob,
        "Cancel the running connector",
        "cancel"
    ),
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
    // Filter input: printable keys type into the filter.
    b!(
        C::FilterInput,
        TEXT,
        A::TypeText,
        "Type into the filter (fuzzy match on names)"
    ),
    b!(
        C::FilterInput,
        &[k(KC::Backspace)],
        A::EditText,
        "Delete the last character of the filter"
    ),
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
    // Detail pane of a task: its connector and bindings.
    b!(
        C::TaskEdit,
        &[ch(' ')],
        A::ToggleBinding,
        "Enable or disable the selected binding",
        "toggle"
    ),
    b!(
        C::Task,
        &[ch('s')],
        A::Spec,
        "Fetch the connector's spec (cached per image or program)",
        "spec"
    ),
    b!(
        C::Capture,
        &[ch('d')],
        A::Discover,
        "Run the connector's discover",
        "discover"
    ),
    b!(
        C::Task,
        &[ch('v')],
        A::Validate,
        "Validate the task with its connector",
        "validate"
    ),
    b!(
        C::Task,
        &[ch('u')],
        A::Pull,
        "Pull the connector image again (update it)",
        "pull"
    ),
    b!(
        C::Task,
        &[ch('e')],
        A::EditConfig,
        "Edit the endpoint config in a form (fetches the spec first if needed)",
        "config"
    ),
    b!(
        C::Task,
        &[ch('r')],
        A::EditResource,
        "Edit the selected binding's resource config in a form",
        "resource"
    ),
    // Detail pane.
    b!(
        C::Detail,
        UP,
        A::Up,
        "Select the previous binding (or scroll)"
    ),
    b!(
        C::Detail,
        DOWN,
        A::Down,
        "Select the next binding (or scroll)"
    ),
    b!(C::Detail, PGUP, A::PageUp, "Page up"),
    b!(C::Detail, PGDN, A::PageDown, "Page down"),
    b!(C::Detail, TOP, A::Top, "First binding"),
    b!(C::Detail, BOTTOM, A::Bottom, "Last binding"),
    b!(
        C::Detail,
        &[k(KC::Esc), k(KC::Left)],
        A::Back,
        "Back to the entity list"
    ),
    // The catalog browser, whichever pane has the focus.
    b!(
        C::Browse,
        &[k(KC::Tab), k(KC::BackTab)],
        A::SwitchPane,
        "Switch between list and detail"
    ),
    b!(
        C::BrowseEdit,
        &[ctrl('s')],
        A::Save,
        "Save: review the diff, then write",
        "save"
    ),
    b!(
        C::Browse,
        &[ctrl('r')],
        A::Reload,
        "Reload the catalog from disk (asks first if there are unsaved changes)",
        "reload"
    ),
    b!(
        C::Browse,
        &[ch('p')],
        A::Problems,
        "Show load and validation problems"
    ),
    // While loading, and when loading failed.
    b!(
        C::LoadFailed,
        &[ch('r'), ctrl('r')],
        A::Reload,
        "Load the catalog again",
        "reload"
    ),
    // Config form.
    b!(
        C::FormText,
        TEXT,
        A::TypeText,
        "Type into the field (the typed text goes after its value)"
    ),
    b!(
        C::FormText,
        &[k(KC::Backspace)],
        A::EditText,
        "Edit the field's text (deleting its last character)"
    ),
    b!(
        C::FormEdit,
        &[k(KC::Enter), ch(' ')],
        A::FormActivate,
        "Edit the field, toggle it, or fold the section",
        "edit"
    ),
    b!(
        C::FormNav,
        &[k(KC::Enter), ch(' ')],
        A::FormActivate,
        "Fold or unfold the section",
        "fold"
    ),
    b!(C::FormNav, &[k(KC::Up)], A::FormPrev, "Previous field"),
    b!(C::FormNav, &[k(KC::Down)], A::FormNext, "Next field"),
    b!(C::FormNav, &[k(KC::Tab)], A::FormNext, "Next field"),
    b!(C::FormNav, &[k(KC::BackTab)], A::FormPrev, "Previous field"),
    b!(
        C::FormChoice,
        &[k(KC::Left)],
        A::FormLeft,
        "Previous choice or variant",
        "choose"
    ),
    b!(
        C::FormChoice,
        &[k(KC::Right)],
        A::FormRight,
        "Next choice or variant"
    ),
    b!(
        C::FormEdit,
        &[k(KC::Delete)],
        A::FormReset,
        "Reset the field to its default (on a list item: remove it)"
    ),
    b!(
        C::FormItem,
        &[ctrl_key(KC::Up)],
        A::MoveItemUp,
        "Move the item up the list",
        "move"
    ),
    b!(
        C::FormItem,
        &[ctrl_key(KC::Down)],
        A::MoveItemDown,
        "Move the item down the list"
    ),
    b!(
        C::FormSecret,
        &[ctrl('t')],
        A::Reveal,
        "Show or hide the secret",
        "reveal"
    ),
    b!(
        C::FormEdit,
        &[ctrl('u')],
        A::Undo,
        "Undo the last change",
        "undo"
    ),
    b!(C::FormEdit, &[ctrl('y')], A::Redo, "Redo"),
    b!(
        C::FormEdit,
        &[ctrl('l')],
        A::ToggleLock,
        "Encrypt the field with sops on save, or write it in plaintext (a secret asks first)",
        "lock"
    ),
    b!(
        C::FormEdit,
        &[ctrl('k')],
        A::Rekey,
        "Encrypted config: re-encrypt with the keys of .sops.yaml or the settings (or choose), not its own"
    ),
    b!(
        C::FormText,
        &[ctrl('e')],
        A::OpenEditor,
        "Edit the text in $VISUAL/$EDITOR (not secrets)"
    ),
    b!(
        C::FormEdit,
        &[ctrl('s')],
        A::Save,
        "Check the form, then review the diff and save",
        "save"
    ),
    b!(
        C::FormAlone,
        &[k(KC::Esc)],
        A::CloseForm,
        "Quit (asks first if there are unsaved changes)",
        keep "quit"
    ),
    b!(
        C::FormNav,
        &[k(KC::Esc)],
        A::CloseForm,
        "Close the form (asks first if there are unsaved changes)",
        keep "close"
    ),
    // Typing into a field.
    b!(
        C::FormTyping,
        &[k(KC::Enter)],
        A::Commit,
        "Keep what you typed",
        "keep"
    ),
    b!(
        C::FormTyping,
        &[k(KC::Tab)],
        A::CommitNext,
        "Keep what you typed and go to the next field"
    ),
    b!(
        C::FormTyping,
        &[k(KC::Esc)],
        A::CancelEdit,
        "Discard what you typed",
        "discard"
    ),
    b!(
        C::FormTyping,
        &[ctrl('s')],
        A::Save,
        "Keep what you typed, check the form, then save",
        "save"
    ),
    b!(
        C::FormTyping,
        TEXT,
        A::TypeText,
        "Type (paste works too, masked for secrets)"
    ),
    b!(C::FormTyping, EDIT_KEYS, A::EditText, "Edit the text"),
    // Choice picker.
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
        &[k(KC::Up)],
        A::Up,
        "Highlight the previous option"
    ),
    b!(
        C::Picker,
        &[k(KC::Down)],
        A::Down,
        "Highlight the next option"
    ),
    b!(
        C::Picker,
        TEXT,
        A::TypeText,
        "Type to filter the options (fuzzy)"
    ),
    b!(
        C::Picker,
        &[k(KC::Backspace)],
        A::EditText,
        "Delete the last character of the filter"
    ),
    // Discovered bindings screen.
    b!(C::Discovered, UP, A::Up, "Previous row"),
    b!(C::Discovered, DOWN, A::Down, "Next row"),
    b!(C::Discovered, PGUP, A::PageUp, "Page up"),
    b!(C::Discovered, PGDN, A::PageDown, "Page down"),
    b!(C::Discovered, TOP, A::Top, "First row"),
    b!(C::Discovered, BOTTOM, A::Bottom, "Last row"),
    b!(
        C::DiscoveredEdit,
        &[ch(' ')],
        A::ToggleBinding,
        "Add or leave out a new binding; keep or remove a gone one",
        "toggle"
    ),
    b!(
        C::DiscoveredEdit,
        &[ch('a')],
        A::ToggleAll,
        "Toggle every row the filter shows",
        "all"
    ),
    b!(
        C::Discovered,
        &[ch('/')],
        A::Filter,
        "Filter by resource path or target (fuzzy)",
        "filter"
    ),
    b!(
        C::DiscoveredEdit,
        &[ch('n')],
        A::Rename,
        "Rename the row's target collection",
        "rename"
    ),
    b!(
        C::Discovered,
        &[k(KC::Enter), ch('r')],
        A::EditResource,
        "Open the row's resource config in a form",
        "resource"
    ),
    b!(
        C::Discovered,
        &[k(KC::Tab)],
        A::SwitchPane,
        "Show the row's discovered key and schema, and what will change",
        "detail"
    ),
    b!(
        C::DiscoveredEdit,
        &[ch('m')],
        A::TakeOver,
        "Let Flow manage the collection's schema (replacing it), or leave it alone"
    ),
    b!(
        C::DiscoveredEdit,
        &[ctrl('s')],
        A::Save,
        "Apply: review the diff of every file, then write",
        "apply"
    ),
    b!(
        C::Discovered,
        &[k(KC::Esc)],
        A::Back,
        "Leave (asks first when something was changed)",
        keep "back"
    ),
    b!(
        C::DiscoveredFilter,
        TEXT,
        A::TypeText,
        "Type into the filter (fuzzy match on resource paths and targets)"
    ),
    b!(
        C::DiscoveredFilter,
        &[k(KC::Backspace)],
        A::EditText,
        "Delete the last character of the filter"
    ),
    b!(
        C::DiscoveredFilter,
        &[k(KC::Enter)],
        A::Open,
        "Keep the filter and go back to the rows",
        "done"
    ),
    b!(
        C::DiscoveredFilter,
        &[k(KC::Esc)],
        A::ClearFilter,
        "Clear the filter and leave it",
        "clear"
    ),
    b!(C::DiscoveredFilter, &[k(KC::Up)], A::Up, "Previous row"),
    b!(C::DiscoveredFilter, &[k(KC::Down)], A::Down, "Next row"),
    b!(
        C::DiscoveredRename,
        &[k(KC::Enter)],
        A::Commit,
        "Rename (when the name is valid)",
        "rename"
    ),
    b!(
        C::DiscoveredRename,
        &[k(KC::Esc)],
        A::CancelEdit,
        "Keep the old name",
        "cancel"
    ),
    b!(C::DiscoveredRename, TEXT, A::TypeText, "Type the name"),
    b!(C::DiscoveredRename, EDIT_KEYS, A::EditText, "Edit the text"),
    b!(C::DiscoveredDetail, UP, A::Up, "Scroll up"),
    b!(C::DiscoveredDetail, DOWN, A::Down, "Scroll down"),
    b!(C::DiscoveredDetail, PGUP, A::PageUp, "Page up"),
    b!(C::DiscoveredDetail, PGDN, A::PageDown, "Page down"),
    b!(
        C::DiscoveredDetail,
        &[k(KC::Tab), k(KC::Esc)],
        A::Back,
        "Back to the rows",
        keep "rows"
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
    b!(
        C::Guard,
        &[k(KC::Enter), ch('e')],
        A::Yes,
        "Encrypt them with sops, then review the diff",
        "encrypt"
    ),
    b!(
        C::Guard,
        &[ch('p')],
        A::Plaintext,
        "Write them in plaintext anyway",
        "plaintext"
    ),
    b!(
        C::Guard,
        &[ch('n'), k(KC::Esc)],
        A::No,
        "Cancel; keep editing",
        "cancel"
    ),
    b!(
        C::KeyPrompt,
        &[k(KC::Enter)],
        A::Open,
        "Encrypt for the highlighted age recipient",
        "use"
    ),
    b!(C::KeyPrompt, UP, A::Up, "Highlight the previous recipient"),
    b!(C::KeyPrompt, DOWN, A::Down, "Highlight the next recipient"),
    b!(
        C::KeyPrompt,
        &[k(KC::Esc)],
        A::No,
        "Cancel: nothing is encrypted or written",
        "cancel"
    ),
    b!(
        C::KeyRule,
        &[ch('y')],
        A::Yes,
        "Also write a creation rule for it into .sops.yaml",
        "write rule"
    ),
    b!(
        C::KeyRule,
        &[ch('n')],
        A::No,
        "Use it for this save only",
        "this save only"
    ),
    b!(
        C::KeyRule,
        &[k(KC::Esc)],
        A::Back,
        "Cancel: nothing is encrypted or written",
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
    // Kept at the end of the footer, so they show even on a narrow terminal.
    b!(
        C::Screens,
        &[ch('?'), k(KC::F(1))],
        A::Help,
        "Help: the keys that work here",
        keep "help"
    ),
    b!(
        C::Browse,
        &[ch('q')],
        A::Quit,
        "Quit (asks first if there are unsaved changes)",
        keep "quit"
    ),
    b!(C::Loading, &[ch('q')], A::Quit, "Quit", keep "quit"),
    b!(C::LoadFailed, &[ch('q')], A::Quit, "Quit", keep "quit"),
    b!(
        C::Always,
        &[ctrl('c')],
        A::ForceQuit,
        "Quit from anywhere (asks first if unsaved)"
    ),
    b!(C::Always, &[ctrl('z')], A::Suspend, "Suspend (fg resumes)"),
];
