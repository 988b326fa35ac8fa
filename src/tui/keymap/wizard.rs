//! The setup wizard's keys, the source collection picker's, and the entry points to both (in
//! the browser): their own table, read after the core one (see [`super::BINDINGS`]).

use ratatui::crossterm::event::KeyCode;

use super::bindings::{b, ch, ctrl, k, BOTTOM, EDIT_KEYS, PGDN, PGUP, TEXT, TOP};
use super::context::{Action, Context};
use super::{Binding, Hint};

use Action as A;
use Context as C;
use KeyCode as KC;

/// Arrow keys only: the wizard's fields take text, so `j`/`k` are letters there.
const ARROW_UP: &[super::Key] = &[k(KC::Up)];
const ARROW_DOWN: &[super::Key] = &[k(KC::Down)];

/// The wizard's and the source picker's bindings, and the browser keys that open them.
pub(super) static WIZARD: &[Binding] = &[
    b!(
        C::BrowseEdit,
        &[ch('n')],
        A::NewTask,
        "Create a capture or materialization (the setup wizard)",
        "new"
    ),
    b!(
        C::MaterializationEdit,
        &[ch('+')],
        A::AddBindings,
        "Add bindings: pick source collections",
        "add"
    ),
    b!(
        C::MaterializationEdit,
        &[ch('x')],
        A::RemoveBinding,
        "Remove the selected binding (asks first)",
        "remove"
    ),
    // The wizard's steps.
    b!(
        C::WizardImage,
        &[k(KC::Tab)],
        A::Complete,
        "Complete the image reference (again: the next match)",
        "complete"
    ),
    b!(C::WizardText, TEXT, A::TypeText, "Type into the field"),
    b!(C::WizardText, EDIT_KEYS, A::EditText, "Edit the text"),
    b!(
        C::WizardChoice,
        &[k(KC::Right), k(KC::Left), ch(' ')],
        A::FormRight,
        "Change the choice",
        "change"
    ),
    b!(C::Wizard, ARROW_UP, A::Up, "Previous field"),
    b!(C::Wizard, ARROW_DOWN, A::Down, "Next field"),
    b!(
        C::Wizard,
        &[k(KC::BackTab)],
        A::Up,
        "Previous field (Tab: the next one, where it does not complete)"
    ),
    b!(C::Wizard, &[k(KC::Tab)], A::Down, "Next field"),
    b!(
        C::Wizard,
        &[k(KC::Enter), ctrl('s')],
        A::Next,
        "Next step (on the review: show every file to write, then y writes)",
        "next"
    ),
    b!(
        C::Wizard,
        &[k(KC::Esc)],
        A::Back,
        "Back one step, keeping every value (on the first step: leave, asking first)",
        keep "back"
    ),
    // The config form as the wizard's Endpoint config step.
    b!(
        C::FormWizard,
        &[ctrl('s')],
        A::Save,
        "Check the config, then test the connection (nothing is written yet)",
        "next"
    ),
    b!(
        C::FormWizard,
        &[k(KC::Esc)],
        A::CloseForm,
        "Back to the name, keeping what was typed",
        keep "back"
    ),
    // The Discovered bindings screen as the wizard's Bindings step.
    b!(
        C::DiscoveredWizard,
        &[ctrl('s')],
        A::Next,
        "Keep these bindings and go on to the review (nothing is written yet)",
        "next"
    ),
    b!(
        C::DiscoveredWizard,
        &[k(KC::Esc)],
        A::Back,
        "Back to the endpoint config, keeping the choices",
        keep "back"
    ),
    // The source collection picker.
    b!(
        C::Sources,
        &[k(KC::Up), ch('k')],
        A::Up,
        "Previous collection"
    ),
    b!(
        C::Sources,
        &[k(KC::Down), ch('j')],
        A::Down,
        "Next collection"
    ),
    b!(C::Sources, PGUP, A::PageUp, "Page up"),
    b!(C::Sources, PGDN, A::PageDown, "Page down"),
    b!(C::Sources, TOP, A::Top, "First collection"),
    b!(C::Sources, BOTTOM, A::Bottom, "Last collection"),
    b!(
        C::Sources,
        &[ch(' ')],
        A::ToggleBinding,
        "Pick the collection, or leave it out",
        "pick"
    ),
    b!(
        C::Sources,
        &[ch('a')],
        A::ToggleAll,
        "Pick every collection shown (again: leave them all out)",
        "all"
    ),
    b!(
        C::Sources,
        &[k(KC::Enter), ctrl('s')],
        A::Next,
        "Done: use the picked collections",
        "done"
    ),
    b!(
        C::Sources,
        &[ch('/')],
        A::Filter,
        "Filter the collections by name (fuzzy)",
        "filter"
    ),
    b!(
        C::Sources,
        &[ch('c')],
        A::LinkCapture,
        "Link a capture instead: its collections, and the ones it adds later",
        "link capture"
    ),
    b!(
        C::Sources,
        &[ch('t')],
        A::ToggleGrouping,
        "Target naming: how tables and schemas are named (when the connector has schemas)",
        "naming"
    ),
    b!(
        C::Sources,
        &[k(KC::Esc)],
        A::Back,
        "Back, keeping what was picked",
        keep "back"
    ),
    b!(
        C::SourcesFilter,
        TEXT,
        A::TypeText,
        "Type into the filter (fuzzy match on names)"
    ),
    b!(
        C::SourcesFilter,
        &[k(KC::Backspace)],
        A::EditText,
        "Delete the last character of the filter"
    ),
    b!(
        C::SourcesFilter,
        &[k(KC::Enter)],
        A::Open,
        "Keep the filter and go back to the list",
        "done"
    ),
    b!(
        C::SourcesFilter,
        &[k(KC::Esc)],
        A::ClearFilter,
        "Clear the filter and leave it",
        "clear"
    ),
    b!(
        C::SourcesSchema,
        &[k(KC::Enter)],
        A::Commit,
        "Use this schema name",
        "use"
    ),
    b!(
        C::SourcesSchema,
        &[k(KC::Esc)],
        A::CancelEdit,
        "Keep the schema name it had",
        "cancel"
    ),
    b!(C::SourcesSchema, TEXT, A::TypeText, "Type the schema name"),
    b!(C::SourcesSchema, EDIT_KEYS, A::EditText, "Edit the text"),
    b!(C::SourcesFilter, ARROW_UP, A::Up, "Previous collection"),
    b!(C::SourcesFilter, ARROW_DOWN, A::Down, "Next collection"),
];
