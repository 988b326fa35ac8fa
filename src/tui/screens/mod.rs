//! The screens of the editor, one module each, as variants of one enum: dispatch is exhaustive
//! and a new screen is a new variant with its own module (state, keys, drawing), nothing more.
//! The app keeps them as a stack: the browser at the bottom (or, for `flowspec config edit`,
//! the form alone), the one shown on top.

pub mod browse;
pub mod discovered;
pub mod form;
pub mod sources;
pub mod wizard;

use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use browse::BrowseScreen;
use discovered::DiscoveredScreen;
use form::FormScreen;
use sources::SourcesScreen;
use wizard::WizardScreen;

use super::app::Effect;
use super::keymap::{Action, Context};
use super::shared::{Returned, Shared};

/// One screen.
#[derive(Debug, Clone)]
pub enum Screen {
    /// The catalog browser: entity list and detail pane.
    Browse(BrowseScreen),
    /// A connector config form.
    Form(Box<FormScreen>),
    /// A capture's discovered bindings merged with its current ones, to choose and write.
    Discovered(Box<DiscoveredScreen>),
    /// Setting up a new capture or materialization, step by step.
    Wizard(Box<WizardScreen>),
    /// Picking source collections for a materialization.
    Sources(Box<SourcesScreen>),
}

impl Screen {
    /// The key contexts in force on this screen, innermost first.
    pub fn contexts(&self, sh: &Shared) -> Vec<Context> {
        match self {
            Screen::Browse(s) => s.contexts(sh),
            Screen::Form(s) => s.contexts(),
            Screen::Discovered(s) => s.contexts(sh),
            Screen::Wizard(s) => s.contexts(sh),
            Screen::Sources(s) => s.contexts(),
        }
    }

    /// Applies a key the keymap resolved in [`Screen::contexts`].
    pub fn on_action(&mut self, sh: &mut Shared, action: Action, key: &KeyEvent) -> Vec<Effect> {
        match self {
            Screen::Browse(s) => s.on_action(sh, action, key),
            Screen::Form(s) => s.on_action(sh, action, key),
            Screen::Discovered(s) => s.on_action(sh, action, key),
            Screen::Wizard(s) => s.on_action(sh, action, key),
            Screen::Sources(s) => s.on_action(sh, action, key),
        }
    }

    /// Text pasted (bracketed paste) while this screen is shown.
    pub fn paste(&mut self, sh: &mut Shared, text: &str) {
        match self {
            Screen::Browse(s) => s.paste(sh, text),
            Screen::Form(s) => s.paste(sh, text),
            Screen::Discovered(s) => s.paste(text),
            Screen::Wizard(s) => s.paste(text),
            Screen::Sources(_) => {}
        }
    }

    /// True when leaving this screen would lose edits that are not in the catalog yet.
    pub fn unsaved(&self) -> bool {
        match self {
            Screen::Browse(_) => false,
            Screen::Form(s) => s.editor.changed(),
            Screen::Discovered(s) => s.changed,
            Screen::Wizard(s) => s.has_work(),
            Screen::Sources(s) => s.unsaved(),
        }
    }

    /// Draws the screen's body.
    pub fn render(&self, sh: &Shared, frame: &mut Frame, body: Rect) {
        match self {
            Screen::Browse(s) => s.render(sh, frame, body),
            Screen::Form(s) => s.render(sh, frame, body),
            Screen::Discovered(s) => s.render(sh, frame, body),
            Screen::Wizard(s) => s.render(sh, frame, body),
            Screen::Sources(s) => s.render(sh, frame, body),
        }
    }

    /// A screen opened over this one closed with a result (see [`Returned`]); the wizard
    /// may answer with effects (the connection test it runs next).
    pub fn returned(&mut self, sh: &mut Shared, value: Returned) -> Vec<Effect> {
        match (self, value) {
            (Screen::Discovered(s), Returned::Resource { row, value }) => {
                s.resource_edited(sh, row, value);
                vec![]
            }
            (Screen::Wizard(w), value) => w.returned(sh, value),
            _ => vec![],
        }
    }
}
