//! The Discovered bindings screen: a discovery merged into a capture, one row per resource
//! (`new`, `existing`, `gone`), to choose, rename and inspect before writing. It works on a
//! [`Discovery`] and the capture it describes, so it serves a re-discovery of a capture in the
//! catalog and a capture being set up alike.
//!
//! It is built for 100,000 rows: only the visible rows are drawn, the filter keeps a list of
//! the matching row indices (narrowed in place while the filter grows), and the counts the
//! header shows are kept up to date by each change instead of being recounted per frame.

mod detail;
mod keys;
mod render;

use std::cell::Cell;

use crate::discover::{path, Counts, Discovery, Status};
use crate::tui::fuzzy;
use crate::tui::keymap::Context;
use crate::tui::screens::form::LineEdit;
use crate::tui::shared::Shared;

/// What the keyboard is doing on the screen.
#[derive(Clone)]
pub enum Mode {
    /// Moving through the rows.
    Rows,
    /// Typing the filter.
    Filter,
    /// Typing a new target for the selected row.
    Rename(Box<LineEdit>),
    /// Reading the selected row's detail pane.
    Detail,
}

impl std::fmt::Debug for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mode::Rows => write!(f, "Rows"),
            Mode::Filter => write!(f, "Filter"),
            Mode::Rename(e) => write!(f, "Rename({:?})", e.text()),
            Mode::Detail => write!(f, "Detail"),
        }
    }
}

/// The screen's state.
#[derive(Debug, Clone)]
pub struct DiscoveredScreen {
    pub discovery: Discovery,
    /// The connector's resource config schema, for the resource form (`None`: unknown).
    pub resource_schema: Option<serde_json::Value>,
    /// Per row, the text the filter matches: its resource path and its target.
    haystack: Vec<Box<str>>,
    pub filter: String,
    /// The views of the shorter filters the current one was typed from, shortest first (each
    /// a prefix of the next), for Backspace.
    earlier: Vec<(String, Vec<u32>)>,
    /// The rows the filter shows (indices into the discovery's rows), in order.
    pub view: Vec<u32>,
    /// Position of the selected row in `view`.
    pub selected: usize,
    /// First visible row; adjusted while drawing.
    pub offset: Cell<usize>,
    pub mode: Mode,
    pub detail_scroll: usize,
    /// The user changed something (leaving asks first).
    pub changed: bool,
    pub counts: Counts,
    /// The wizard's Bindings step: Ctrl-S and Esc hand the choices back to the wizard
    /// instead of writing or leaving.
    pub wizard: bool,
    /// `Step 4 of 5 · ` in the wizard: the title says where the user is.
    pub step_label: Option<String>,
}

impl DiscoveredScreen {
    /// The screen on `discovery`, every row shown, the first selected.
    pub fn new(discovery: Discovery, resource_schema: Option<serde_json::Value>) -> Self {
        let haystack = discovery.rows.iter().map(hay).collect();
        let view = (0..discovery.rows.len() as u32).collect();
        let counts = discovery.counts();
        DiscoveredScreen {
            discovery,
            resource_schema,
            haystack,
            filter: String::new(),
            earlier: Vec::new(),
            view,
            selected: 0,
            offset: Cell::new(0),
            mode: Mode::Rows,
            detail_scroll: 0,
            changed: false,
            counts,
            wizard: false,
            step_label: None,
        }
    }

    /// The screen as the wizard's Bindings step (see [`DiscoveredScreen::wizard`]).
    pub fn in_wizard(mut self, step_label: String) -> Self {
        self.wizard = true;
        self.step_label = Some(step_label);
        self
    }

    /// The key contexts in force, innermost first.
    pub fn contexts(&self, sh: &Shared) -> Vec<Context> {
        let mut v = match self.mode {
            Mode::Rows => vec![Context::Discovered],
            Mode::Filter => vec![Context::DiscoveredFilter],
            Mode::Rename(_) => vec![Context::DiscoveredRename],
            Mode::Detail => vec![Context::DiscoveredDetail],
        };
        if self.wizard && !matches!(self.mode, Mode::Rename(_)) {
            // Before the rows' own Esc and Ctrl-S; after a filter's or the detail's Esc.
            let at = if matches!(self.mode, Mode::Rows) {
                0
            } else {
                1
            };
            v.insert(at, Context::DiscoveredWizard);
        }
        if !sh.read_only && !matches!(self.mode, Mode::Rename(_)) {
            v.push(Context::DiscoveredEdit);
        }
        v.extend([Context::Screens, Context::Always]);
        v
    }

    /// The selected row's index in the discovery, if any row is shown.
    pub fn current(&self) -> Option<usize> {
        self.view.get(self.selected).map(|&i| i as usize)
    }

    /// Shows the rows matching `filter` (fuzzy, on resource path and target). A filter that
    /// extends the previous one only narrows what is shown already, and the views of the
    /// shorter filters it grew from are kept, so Backspace goes back to one without a scan.
    pub fn set_filter(&mut self, filter: &str) {
        let keep = self.current();
        if filter.is_empty() {
            self.earlier.clear();
            self.view = (0..self.haystack.len() as u32).collect();
        } else if !self.filter.is_empty() && filter.starts_with(self.filter.as_str()) {
            let narrower = self.matching(filter, &self.view);
            let wider = std::mem::replace(&mut self.view, narrower);
            self.earlier.push((std::mem::take(&mut self.filter), wider));
        } else {
            // Back to the longest earlier filter this one extends (or is).
            while self
                .earlier
                .last()
                .is_some_and(|(f, _)| !filter.starts_with(f.as_str()))
            {
                self.earlier.pop();
            }
            self.view = match self.earlier.last() {
                Some((f, _)) if f == filter => self.earlier.pop().expect("just seen").1,
                Some((_, wider)) => self.matching(filter, wider),
                None => {
                    let all: Vec<u32> = (0..self.haystack.len() as u32).collect();
                    self.matching(filter, &all)
                }
            };
        }
        self.filter = filter.to_string();
        self.selected = keep
            .and_then(|k| self.view.iter().position(|&i| i as usize == k))
            .unwrap_or(0);
        self.detail_scroll = 0;
    }

    /// The rows among `among` whose filter text matches `filter`.
    fn matching(&self, filter: &str, among: &[u32]) -> Vec<u32> {
        let hay = &self.haystack;
        crate::par::par_filter(among, |i| fuzzy::matches(filter, &hay[i as usize]))
    }

    /// Moves the selection by `delta` rows (clamped).
    pub fn move_by(&mut self, delta: isize) {
        if self.view.is_empty() {
            return;
        }
        let last = self.view.len() as isize - 1;
        self.selected = (self.selected as isize)
            .saturating_add(delta)
            .clamp(0, last) as usize;
        self.detail_scroll = 0;
    }

    /// Keeps the row's filter text in step with a renamed target.
    fn rehay(&mut self, i: usize) {
        self.haystack[i] = hay(&self.discovery.rows[i]);
        // The earlier views were matched against the old text.
        self.earlier.clear();
    }

    /// Recounts after a change of many rows.
    fn recount(&mut self) {
        self.counts = self.discovery.counts();
    }

    /// Space on row `i`, keeping the counts in step.
    fn toggle_row(&mut self, i: usize) -> Result<(), &'static str> {
        let now = self.discovery.toggle(i)?;
        let c = &mut self.counts;
        match self.discovery.rows[i].status {
            Status::New if now => c.adding += 1,
            Status::New => c.adding -= 1,
            Status::Gone if now => c.removing -= 1,
            Status::Gone => c.removing += 1,
            Status::Existing => {}
        }
        self.changed = true;
        Ok(())
    }
}

/// The text the filter matches for a row.
fn hay(r: &crate::discover::Row) -> Box<str> {
    format!("{} {}", path::label(&r.path), r.target).into_boxed_str()
}
