//! The catalog browser: the entity list (grouped, filtered) beside the detail pane of the
//! selected entity, where a task's bindings are toggled and its connector run.

mod keys;
pub mod list;
pub mod projections;
pub(crate) mod render_detail;
mod render_list;

use std::cell::Cell;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::Frame;

pub use list::{EntityList, Grouping, Row};
pub use render_detail::job_lines;

use crate::catalog::{EntityId, EntityKind};
use crate::tui::keymap::Context;
use crate::tui::shared::Shared;

/// Which part of the browser has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The entity list.
    List,
    /// The list's filter input: printable keys are text.
    Filter,
    /// The detail pane (a task's bindings).
    Detail,
}

/// The browser's own state; the catalog it shows is shared.
#[derive(Debug, Clone)]
pub struct BrowseScreen {
    /// The entity list, once the catalog has loaded.
    pub list: Option<EntityList>,
    pub focus: Focus,
    /// Selected binding in the detail pane.
    pub binding: usize,
    /// First visible line of the detail pane; adjusted while rendering.
    pub detail_offset: Cell<usize>,
    /// The selected collection's projections, kept between frames.
    pub projections: projections::ProjectionsMemo,
}

impl Default for BrowseScreen {
    fn default() -> Self {
        Self::new()
    }
}

impl BrowseScreen {
    /// The browser before the catalog has loaded.
    pub fn new() -> Self {
        BrowseScreen {
            list: None,
            focus: Focus::List,
            binding: 0,
            detail_offset: Cell::new(0),
            projections: Default::default(),
        }
    }

    /// The entity shown in the detail pane.
    pub fn selected(&self) -> Option<EntityId> {
        self.list.as_ref()?.selected_entity()
    }

    /// The rows of the entity list (empty before loading).
    pub fn rows(&self) -> &[Row] {
        self.list.as_ref().map(|l| l.rows.as_slice()).unwrap_or(&[])
    }

    /// The key contexts in force, innermost first. In the detail pane they follow the selected
    /// entity: only tasks have connectors and bindings, only captures discover.
    pub fn contexts(&self, sh: &Shared) -> Vec<Context> {
        let mut v = Vec::new();
        if sh.job_running() && self.focus != Focus::Filter {
            v.push(Context::Job);
        }
        match self.focus {
            Focus::Filter => v.push(Context::FilterInput),
            Focus::List => v.push(Context::List),
            Focus::Detail => {
                let kind = self
                    .selected()
                    .and_then(|id| sh.catalog.as_ref()?.entity(id))
                    .map(|e| e.kind);
                if matches!(
                    kind,
                    Some(EntityKind::Capture | EntityKind::Materialization)
                ) {
                    if !sh.read_only {
                        v.push(Context::TaskEdit);
                    }
                    v.push(Context::Task);
                }
                if kind == Some(EntityKind::Capture) {
                    v.push(Context::Capture);
                }
                if kind == Some(EntityKind::Materialization) && !sh.read_only {
                    v.push(Context::MaterializationEdit);
                }
                v.push(Context::Detail);
            }
        }
        if !sh.read_only {
            v.push(Context::BrowseEdit);
        }
        v.extend([Context::Browse, Context::Screens, Context::Always]);
        v
    }

    /// The catalog (re)loaded: the list is rebuilt, keeping grouping, filter and selection.
    pub fn loaded(&mut self, catalog: &crate::catalog::Catalog) {
        match self.list.as_mut() {
            Some(list) => list.rebuild(catalog),
            None => self.list = Some(EntityList::new(catalog)),
        }
        self.binding = 0;
    }

    /// Draws the list and the detail pane side by side.
    pub fn render(&self, sh: &Shared, frame: &mut Frame, body: Rect) {
        let list_width = (body.width * 2 / 5).clamp(30, 60);
        let [left, right] =
            Layout::horizontal([Constraint::Length(list_width), Constraint::Min(20)]).areas(body);
        render_list::render(self, sh, frame, left);
        render_detail::render(self, sh, frame, right);
    }
}
