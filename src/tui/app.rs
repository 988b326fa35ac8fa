//! The TUI's model and its pure `update`: every input becomes a `Msg`, and `update` changes
//! state and returns the side effects to run (`Effect`). Nothing here does I/O, so every
//! interaction can be tested by feeding messages and looking at state and effects.

use std::cell::Cell;
use std::path::PathBuf;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::catalog::{Catalog, Diagnostic, EntityId, EntityKind, Progress, Severity};
use crate::save::{self, PlannedWrite, Protected, SaveOutcome};
use crate::secrets::{self, Secret};

use super::browse::{EntityList, Row};
use super::connector_job::JobSpec;
use super::form_editor::{EditTarget, FormEditor, RowKind};
use super::jobs::{known_schemas, ConnOp, ConnectorInfos, Job, JobEvent};
use super::keymap::{self, Action, Context};
use super::theme::Theme;
use crate::trust::{RunPlan, TrustStore};

/// Everything that can happen to the app.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    /// Pasted text, often a secret: redacted in `Debug`.
    Paste(Secret<String>),
    Resize(u16, u16),
    /// Animation tick, sent only while something runs in the background.
    Tick,
    LoadProgress(Progress),
    Loaded(Result<Box<Catalog>, String>),
    Checked(Vec<Diagnostic>),
    /// A save finished: what was written and, if it stopped, what was not and why.
    Saved(SaveOutcome),
    /// A save found a file changed on disk; carries what the disk holds now.
    SaveConflict {
        file: usize,
        display: String,
        disk: String,
    },
    /// A save found files without write permission and wrote nothing; it asks the user.
    WriteProtected {
        files: Vec<String>,
        writes: Vec<PlannedWrite>,
    },
    /// Progress or the result of a connector run.
    Job(u64, JobEvent),
    /// The external editor finished: the edited text, or why it failed.
    EditorDone(Result<String, String>),
    /// A terminating signal (named): leave now, restoring the terminal.
    Terminate(&'static str),
}

/// Side effects `update` asks the runtime to perform.
#[derive(Debug, Clone)]
pub enum Effect {
    Load(PathBuf),
    /// Validate a snapshot of the catalog in the background.
    Check(Box<Catalog>),
    /// Write these files; `protected` says whether write-protected ones may be replaced.
    Save {
        writes: Vec<PlannedWrite>,
        protected: Protected,
    },
    /// Run a connector operation in the background.
    Connector(u64, Box<JobSpec>),
    /// Cancel a running connector (kills the process group or removes the container).
    CancelJob(u64),
    /// Suspend the TUI and edit `text` in `$VISUAL`/`$EDITOR`.
    OpenEditor(String),
    /// Persist the connector commands the user allowed (flowspec's own state, never the
    /// catalog).
    RememberTrust(Box<TrustStore>),
    /// Give the terminal back to the shell and stop the process until `fg` (Ctrl-Z).
    Suspend,
    Quit,
}

/// Where the app is in its life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    Loading(Progress),
    Failed(String),
    Ready,
}

/// Which pane has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    List,
    Detail,
}

/// What a confirmation asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    QuitUnsaved,
}

/// Modal layers drawn over the screen; the top one takes the keys.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help {
        scroll: usize,
    },
    Diff {
        writes: Vec<PlannedWrite>,
        scroll: usize,
    },
    Confirm(Confirm),
    /// A connector would run for the first time from this catalog: what runs, and the job
    /// that waits for a yes.
    RunConnector(Box<PendingRun>),
    /// A save would replace files without write permission: write anyway or cancel.
    WriteProtected {
        files: Vec<String>,
        writes: Vec<PlannedWrite>,
    },
    Conflict {
        display: String,
        /// Your version against the disk, once asked for.
        diff: Option<String>,
        /// What the disk holds (secrets included): redacted in `Debug`.
        disk: Secret<String>,
        file: usize,
        scroll: usize,
    },
    Problems {
        scroll: usize,
    },
}

impl Overlay {
    fn context(&self) -> Context {
        match self {
            Overlay::Help { .. } => Context::Help,
            Overlay::Diff { .. } => Context::Diff,
            Overlay::Confirm(_) | Overlay::RunConnector(_) => Context::Confirm,
            Overlay::WriteProtected { .. } => Context::WriteProtected,
            Overlay::Conflict { .. } => Context::Conflict,
            Overlay::Problems { .. } => Context::Problems,
        }
    }
}

/// A connector run waiting for the user's permission.
#[derive(Debug, Clone)]
pub struct PendingRun {
    pub plan: RunPlan,
    pub spec: JobSpec,
}

/// The same question: the same plan for the same operation of the same task.
impl PartialEq for PendingRun {
    fn eq(&self, other: &Self) -> bool {
        self.plan == other.plan
            && self.spec.op == other.spec.op
            && self.spec.task.name == other.spec.task.name
    }
}

/// A message in the footer. Errors stay until a key dismisses them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
}

/// The whole UI state.
pub struct App {
    pub path: PathBuf,
    /// The catalog path as the user would type it (relative to the working directory when
    /// below it), worked out once rather than at every frame.
    pub shown_path: String,
    pub read_only: bool,
    pub theme: Theme,
    pub phase: Phase,
    pub catalog: Option<Catalog>,
    pub list: Option<EntityList>,
    pub focus: Focus,
    /// True while the `/` filter input has the keyboard.
    pub filter_input: bool,
    /// Selected binding in the detail pane.
    pub binding: usize,
    /// First visible line of the detail pane; adjusted while rendering.
    pub detail_offset: Cell<usize>,
    pub overlays: Vec<Overlay>,
    pub status: Option<Status>,
    /// Validation results; `None` while a check runs.
    pub problems: Option<Vec<Diagnostic>>,
    pub saving: bool,
    pub spinner: usize,
    pub size: (u16, u16),
    /// The running (or last finished) connector job.
    pub job: Option<Job>,
    next_job: u64,
    /// What each task's connector has told us this session.
    pub connectors: ConnectorInfos,
    /// The config form, when one is open (it takes the body of the screen).
    pub form: Option<FormEditor>,
    /// A form to open once the running spec job brings the schema: (task, binding or None).
    pending_form: Option<(String, Option<usize>)>,
    /// `flowspec config edit`: the app is just the form on one file; closing it quits.
    pub standalone: bool,
    /// The connector commands the user allowed, per catalog folder.
    pub trust: TrustStore,
    /// `--trust`: run connectors without asking.
    pub trust_all: bool,
}

impl App {
    /// A new app that will load `path`; call [`App::init`] for the first effects.
    pub fn new(path: PathBuf, read_only: bool, theme: Theme) -> Self {
        let cwd = std::env::current_dir().unwrap_or_default();
        let shown_path = path
            .strip_prefix(&cwd)
            .unwrap_or(&path)
            .display()
            .to_string();
        App {
            path,
            shown_path,
            read_only,
            theme,
            phase: Phase::Loading(Progress::default()),
            catalog: None,
            list: None,
            focus: Focus::List,
            filter_input: false,
            binding: 0,
            detail_offset: Cell::new(0),
            overlays: Vec::new(),
            status: None,
            problems: None,
            saving: false,
            spinner: 0,
            size: (80, 24),
            job: None,
            next_job: 1,
            connectors: ConnectorInfos::new(),
            form: None,
            pending_form: None,
            standalone: false,
            trust: TrustStore::default(),
            trust_all: false,
        }
    }

    /// Gives the app the remembered answers (read by the caller: `update` does no I/O), or
    /// with `trust_all` lets every connector run without asking.
    pub fn with_trust(mut self, trust: TrustStore, trust_all: bool) -> Self {
        self.trust = trust;
        self.trust_all = trust_all;
        self
    }

    /// The app for `flowspec config edit`: `catalog` holds the one config file, opened at once
    /// in a form for `schema`.
    pub fn standalone(
        catalog: Catalog,
        schema: &serde_json::Value,
        read_only: bool,
        theme: Theme,
    ) -> Self {
        let mut app = App::new(catalog.root.clone(), read_only, theme);
        let original = catalog
            .parse_file(0)
            .map(|n| n.to_json())
            .unwrap_or(serde_json::Value::Null);
        let title = catalog.display_path(&catalog.root).into_owned();
        app.list = Some(EntityList::new(&catalog));
        app.catalog = Some(catalog);
        app.phase = Phase::Ready;
        app.problems = Some(Vec::new());
        app.standalone = true;
        app.form = Some(FormEditor::open(
            schema,
            EditTarget {
                file: 0,
                at: Vec::new(),
                original,
                title,
            },
        ));
        app
    }

    /// The effects to run at start-up.
    pub fn init(&self) -> Vec<Effect> {
        if self.standalone {
            return vec![];
        }
        vec![Effect::Load(self.path.clone())]
    }

    /// True while something runs in the background and the spinner should turn.
    pub fn busy(&self) -> bool {
        matches!(self.phase, Phase::Loading(_))
            || self.saving
            || self.problems.is_none()
            || self.job_running()
    }

    /// True while a connector runs.
    pub fn job_running(&self) -> bool {
        self.job.as_ref().is_some_and(Job::running)
    }

    pub fn is_dirty(&self) -> bool {
        self.catalog.as_ref().is_some_and(Catalog::is_dirty)
    }

    /// The entity shown in the detail pane.
    pub fn selected(&self) -> Option<EntityId> {
        self.list.as_ref()?.selected_entity()
    }

    /// The key contexts in force, innermost first. Drives key routing and the footer.
    pub fn contexts(&self) -> Vec<Context> {
        if let Some(o) = self.overlays.last() {
            return vec![o.context(), Context::Global];
        }
        if self.phase != Phase::Ready {
            return vec![Context::Global];
        }
        if let Some(form) = &self.form {
            if form.picker.is_some() {
                return vec![Context::Picker];
            }
            if form.editing.is_some() {
                return vec![Context::FormField, Context::Global];
            }
            return vec![Context::Form, Context::Global];
        }
        let inner = if self.filter_input {
            Context::FilterInput
        } else if self.focus == Focus::Detail {
            Context::Detail
        } else {
            Context::List
        };
        if self.job_running() && !self.filter_input {
            return vec![Context::Job, inner, Context::Global];
        }
        vec![inner, Context::Global]
    }

    fn info(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: false,
        });
    }

    fn error(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: true,
        });
    }

    /// The heart of the app: applies one message, returns the effects to run.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Paste(text) => {
                let text = text.expose();
                if let Some(form) = self.form.as_mut() {
                    if let Err(e) = form.paste(text) {
                        self.error(e);
                    }
                    return vec![];
                }
                if self.filter_input {
                    let line = text.replace(['\r', '\n'], " ");
                    let filter = format!("{}{}", self.filter_text(), line);
                    self.set_filter(&filter);
                }
                vec![]
            }
            Msg::Resize(w, h) => {
                self.size = (w, h);
                vec![]
            }
            Msg::Tick => {
                self.spinner = self.spinner.wrapping_add(1);
                vec![]
            }
            Msg::LoadProgress(p) => {
                if matches!(self.phase, Phase::Loading(_)) {
                    self.phase = Phase::Loading(p);
                }
                vec![]
            }
            Msg::Loaded(Ok(catalog)) => {
                match self.list.as_mut() {
                    Some(list) => list.rebuild(&catalog),
                    None => self.list = Some(EntityList::new(&catalog)),
                }
                let snapshot = catalog.clone();
                self.catalog = Some(*catalog);
                self.phase = Phase::Ready;
                self.problems = None;
                self.binding = 0;
                vec![Effect::Check(snapshot)]
            }
            Msg::Loaded(Err(e)) => {
                self.phase = Phase::Failed(e);
                vec![]
            }
            Msg::Checked(problems) => {
                self.problems = Some(problems);
                vec![]
            }
            Msg::Saved(result) => self.on_saved(result),
            Msg::SaveConflict {
                file,
                display,
                disk,
            } => {
                self.saving = false;
                self.status = None;
                self.overlays.push(Overlay::Conflict {
                    display,
                    diff: None,
                    disk: disk.into(),
                    file,
                    scroll: 0,
                });
                vec![]
            }
            Msg::WriteProtected { files, writes } => {
                self.saving = false;
                self.status = None;
                self.overlays
                    .push(Overlay::WriteProtected { files, writes });
                vec![]
            }
            Msg::Job(id, event) => self.on_job(id, event),
            Msg::EditorDone(result) => {
                let outcome = match (self.form.as_mut(), result) {
                    (Some(form), Ok(text)) => form.finish_external_edit(&text),
                    (_, Err(e)) => Err(format!("The editor failed: {e}")),
                    (None, Ok(_)) => Ok(()),
                };
                if let Err(e) = outcome {
                    self.error(e);
                }
                vec![]
            }
            Msg::Terminate(signal) => {
                tracing::warn!(signal, dirty = self.is_dirty(), "terminated by signal");
                vec![Effect::Quit]
            }
        }
    }

    /// A save finished: the written files become the loaded text (even when a later one
    /// failed, so a retry does not take flowspec's own write for someone else's), the unwritten
    /// ones keep their edits, and the status says which is which.
    fn on_saved(&mut self, outcome: SaveOutcome) -> Vec<Effect> {
        self.saving = false;
        let Some(cat) = self.catalog.as_mut() else {
            return vec![];
        };
        save::record_written(cat, &outcome.written);
        let snapshot = (!outcome.written.is_empty()).then(|| Box::new(cat.clone()));
        if outcome.is_complete() {
            self.info(outcome.summary());
        } else {
            self.error(outcome.summary());
        }
        match snapshot {
            Some(cat) => {
                self.problems = None;
                vec![Effect::Check(cat)]
            }
            None => vec![],
        }
    }

    fn filter_text(&self) -> String {
        self.list
            .as_ref()
            .map(|l| l.filter.clone())
            .unwrap_or_default()
    }

    fn set_filter(&mut self, filter: &str) {
        if let (Some(list), Some(cat)) = (self.list.as_mut(), self.catalog.as_ref()) {
            list.set_filter(cat, filter);
            self.binding = 0;
        }
    }

    /// Routes a key: a sticky error first, then the top overlay, then a focused text input,
    /// then the focused pane and the global bindings.
    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        // Ctrl-Z suspends from anywhere (raw mode turns the terminal's own Ctrl-Z off) and
        // changes nothing: the screen comes back as it was.
        if keymap::resolve(&[Context::Global], &key) == Some(Action::Suspend) {
            return vec![Effect::Suspend];
        }
        let contexts = self.contexts();
        let action = keymap::resolve(&contexts, &key);
        // An error stays until a key dismisses it, and that key does nothing else — except in
        // the form, whose errors also show inline and where typing must reach the field.
        if self.status.as_ref().is_some_and(|s| s.error)
            && action != Some(Action::ForceQuit)
            && (self.form.is_none() || !self.overlays.is_empty())
        {
            self.status = None;
            return vec![];
        }
        self.status = None;
        if let Phase::Failed(_) = self.phase {
            return match action {
                Some(Action::Quit | Action::ForceQuit) => vec![Effect::Quit],
                Some(Action::Reload) => self.reload(),
                _ => vec![],
            };
        }
        if !self.overlays.is_empty() {
            return self.overlay_action(action);
        }
        if self.form.is_some() {
            return self.form_key(key, action);
        }
        if self.filter_input {
            if keymap::is_text_input(&key) {
                if let KeyCode::Char(c) = key.code {
                    let filter = format!("{}{c}", self.filter_text());
                    self.set_filter(&filter);
                }
                return vec![];
            }
            if key.code == KeyCode::Backspace {
                let mut filter = self.filter_text();
                filter.pop();
                self.set_filter(&filter);
                return vec![];
            }
        }
        match action {
            Some(a) => self.action(a),
            None => vec![],
        }
    }

    fn reload(&mut self) -> Vec<Effect> {
        self.overlays.clear();
        self.phase = Phase::Loading(Progress::default());
        self.catalog = None;
        self.problems = None;
        vec![Effect::Load(self.path.clone())]
    }

    /// Number of bindings of the selected entity.
    fn binding_count(&self) -> usize {
        match (self.catalog.as_ref(), self.selected()) {
            (Some(cat), Some(id)) => cat.entity(id).map_or(0, |e| e.bindings.len()),
            _ => 0,
        }
    }

    fn page(&self) -> usize {
        (self.size.1 as usize).saturating_sub(8).max(1)
    }

    /// Applies an action in the list, detail pane or filter input.
    fn action(&mut self, action: Action) -> Vec<Effect> {
        let page = self.page() as isize;
        match action {
            Action::Quit | Action::ForceQuit => {
                if self.is_dirty() {
                    self.overlays.push(Overlay::Confirm(Confirm::QuitUnsaved));
                    vec![]
                } else {
                    vec![Effect::Quit]
                }
            }
            Action::Suspend => vec![Effect::Suspend],
            Action::Help => {
                self.overlays.push(Overlay::Help { scroll: 0 });
                vec![]
            }
            Action::Problems => {
                self.overlays.push(Overlay::Problems { scroll: 0 });
                vec![]
            }
            Action::Save => self.save(),
            Action::Filter => {
                self.filter_input = true;
                self.focus = Focus::List;
                vec![]
            }
            Action::ClearFilter => {
                self.filter_input = false;
                self.set_filter("");
                vec![]
            }
            Action::SwitchPane => {
                self.filter_input = false;
                self.focus = match self.focus {
                    Focus::List if self.selected().is_some() => Focus::Detail,
                    _ => Focus::List,
                };
                vec![]
            }
            Action::ToggleGrouping => {
                if let (Some(list), Some(cat)) = (self.list.as_mut(), self.catalog.as_ref()) {
                    list.toggle_grouping(cat);
                }
                vec![]
            }
            Action::Back => {
                self.focus = Focus::List;
                vec![]
            }
            Action::Open => {
                if self.filter_input {
                    self.filter_input = false;
                    if let Some(list) = self.list.as_mut() {
                        list.select_first_entity();
                    }
                    return vec![];
                }
                let folder = match (self.list.as_mut(), self.catalog.as_ref()) {
                    (Some(list), Some(cat)) => list.toggle_folder(cat),
                    _ => false,
                };
                if !folder && self.selected().is_some() {
                    self.focus = Focus::Detail;
                    self.binding = 0;
                    self.detail_offset.set(0);
                }
                vec![]
            }
            Action::ToggleBinding => self.toggle_binding(),
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::PageUp => self.move_by(-page),
            Action::PageDown => self.move_by(page),
            Action::Top => self.move_by(isize::MIN / 2),
            Action::Bottom => self.move_by(isize::MAX / 2),
            Action::Spec => self.start_job(ConnOp::Spec),
            Action::Discover => self.start_job(ConnOp::Discover),
            Action::Validate => self.start_job(ConnOp::Validate),
            Action::Pull => self.start_job(ConnOp::Pull),
            Action::CancelJob => match self.job.as_mut() {
                Some(job) if job.running() => {
                    job.cancelling = true;
                    job.phase = "cancelling".into();
                    vec![Effect::CancelJob(job.id)]
                }
                _ => vec![],
            },
            Action::OpenEditor | Action::MoveItemUp | Action::MoveItemDown => vec![],
            Action::EditConfig => self.request_form(None),
            Action::EditResource => self.request_form(Some(self.binding)),
            Action::FormActivate
            | Action::FormPrev
            | Action::FormNext
            | Action::FormLeft
            | Action::FormRight
            | Action::FormReset
            | Action::Reveal
            | Action::Undo
            | Action::Redo
            | Action::CloseForm
            | Action::Commit
            | Action::CancelEdit
            | Action::TextEdit
            | Action::Yes
            | Action::No
            | Action::Reload
            | Action::ShowDiff => vec![],
        }
    }

    fn move_by(&mut self, delta: isize) -> Vec<Effect> {
        if self.focus == Focus::Detail && !self.filter_input {
            let n = self.binding_count();
            if n > 0 {
                let target = (self.binding as isize).saturating_add(delta);
                self.binding = target.clamp(0, n as isize - 1) as usize;
            } else {
                let off = (self.detail_offset.get() as isize)
                    .saturating_add(delta)
                    .max(0);
                self.detail_offset.set(off as usize);
            }
            return vec![];
        }
        if let Some(list) = self.list.as_mut() {
            if delta <= isize::MIN / 4 {
                list.top();
            } else if delta >= isize::MAX / 4 {
                list.bottom();
            } else {
                list.move_by(delta);
            }
            self.binding = 0;
            self.detail_offset.set(0);
        }
        vec![]
    }

    fn toggle_binding(&mut self) -> Vec<Effect> {
        if self.read_only {
            self.error("Read-only mode: bindings cannot be changed (restart without --read-only)");
            return vec![];
        }
        if self.saving {
            self.info("Saving; try again in a moment");
            return vec![];
        }
        let (Some(id), Some(cat)) = (self.selected(), self.catalog.as_mut()) else {
            return vec![];
        };
        let Some(entity) = cat.entity(id) else {
            return vec![];
        };
        if !matches!(
            entity.kind,
            EntityKind::Capture | EntityKind::Materialization
        ) {
            self.info("Only capture and materialization bindings can be toggled");
            return vec![];
        }
        let Some(binding) = entity.bindings.get(self.binding) else {
            self.info("This task has no bindings");
            return vec![];
        };
        let label = binding
            .collection
            .clone()
            .unwrap_or_else(|| binding.resource.clone());
        match cat.toggle_binding(id, self.binding) {
            Ok(true) => self.info(format!(
                "Disabled {label} (unsaved; Ctrl-S to review and save)"
            )),
            Ok(false) => self.info(format!(
                "Enabled {label} (unsaved; Ctrl-S to review and save)"
            )),
            Err(e) => self.error(format!("Cannot toggle this binding: {e}")),
        }
        vec![]
    }

    fn save(&mut self) -> Vec<Effect> {
        if self.read_only {
            self.error("Read-only mode: nothing can be saved");
            return vec![];
        }
        let Some(cat) = self.catalog.as_ref() else {
            return vec![];
        };
        if self.saving {
            self.info("Already saving");
            return vec![];
        }
        let writes = save::plan_masked(cat, &known_schemas(&self.connectors));
        if writes.is_empty() {
            self.info("Nothing to save: no unsaved changes");
            return vec![];
        }
        self.overlays.push(Overlay::Diff { writes, scroll: 0 });
        vec![]
    }

    /// Keys while an overlay is open.
    fn overlay_action(&mut self, action: Option<Action>) -> Vec<Effect> {
        let page = self.page();
        let Some(top) = self.overlays.last_mut() else {
            return vec![];
        };
        let scroll = match top {
            Overlay::Help { scroll }
            | Overlay::Diff { scroll, .. }
            | Overlay::Conflict { scroll, .. }
            | Overlay::Problems { scroll } => Some(scroll),
            Overlay::Confirm(_) | Overlay::RunConnector(_) | Overlay::WriteProtected { .. } => None,
        };
        if let (Some(scroll), Some(a)) = (scroll, action) {
            let moved = match a {
                Action::Up => Some(scroll.saturating_sub(1)),
                Action::Down => Some(*scroll + 1),
                Action::PageUp => Some(scroll.saturating_sub(page)),
                Action::PageDown => Some(*scroll + page),
                _ => None,
            };
            if let Some(m) = moved {
                *scroll = m;
                return vec![];
            }
        }
        let top = self.overlays.pop().expect("checked above");
        match (top, action) {
            (Overlay::Diff { writes, .. }, Some(Action::Yes)) => {
                self.saving = true;
                self.info("Saving…");
                vec![Effect::Save {
                    writes,
                    protected: Protected::Refuse,
                }]
            }
            (Overlay::WriteProtected { writes, .. }, Some(Action::Yes)) => {
                self.saving = true;
                self.info("Saving…");
                vec![Effect::Save {
                    writes,
                    protected: Protected::Overwrite,
                }]
            }
            (Overlay::WriteProtected { files, .. }, Some(Action::No)) => {
                self.info(format!(
                    "Not saved (read-only: {}); your edits are kept",
                    files.join(", ")
                ));
                vec![]
            }
            (Overlay::Confirm(Confirm::QuitUnsaved), Some(Action::Yes | Action::ForceQuit)) => {
                vec![Effect::Quit]
            }
            (Overlay::RunConnector(pending), Some(Action::Yes)) => {
                let PendingRun { plan, spec } = *pending;
                self.trust.allow(&plan);
                let mut effects = vec![Effect::RememberTrust(Box::new(self.trust.clone()))];
                effects.extend(self.launch(spec));
                effects
            }
            (Overlay::RunConnector(_), Some(Action::Back | Action::No)) => {
                self.pending_form = None;
                self.info("Nothing was run");
                vec![]
            }
            (Overlay::Conflict { .. }, Some(Action::Reload)) => self.reload(),
            (
                Overlay::Conflict {
                    display,
                    disk,
                    file,
                    ..
                },
                Some(Action::ShowDiff),
            ) => {
                // Both versions may hold secrets (the disk's, the ones just typed): masked.
                let diff = self.catalog.as_ref().map_or_else(String::new, |c| {
                    let mine = c.files.get(file).map(|f| f.text()).unwrap_or_default();
                    let schemas = known_schemas(&self.connectors);
                    secrets::masked_diff(c, file, &display, disk.expose(), mine, &schemas)
                });
                self.overlays.push(Overlay::Conflict {
                    display,
                    diff: Some(diff),
                    disk,
                    file,
                    scroll: 0,
                });
                vec![]
            }
            (_, Some(Action::Back | Action::No)) => vec![],
            (top, Some(Action::ForceQuit)) => {
                if self.is_dirty() {
                    self.overlays.push(top);
                    self.overlays.push(Overlay::Confirm(Confirm::QuitUnsaved));
                    vec![]
                } else {
                    vec![Effect::Quit]
                }
            }
            (top, _) => {
                self.overlays.push(top);
                vec![]
            }
        }
    }

    /// Starts a connector operation for the selected task.
    fn start_job(&mut self, op: ConnOp) -> Vec<Effect> {
        if self.job_running() {
            self.info("A connector is already running; Esc cancels it");
            return vec![];
        }
        let (Some(cat), Some(id)) = (self.catalog.as_ref(), self.selected()) else {
            return vec![];
        };
        let Some(entity) = cat.entity(id) else {
            return vec![];
        };
        if !matches!(
            entity.kind,
            EntityKind::Capture | EntityKind::Materialization
        ) {
            self.info("Connectors belong to captures and materializations");
            return vec![];
        }
        let spec = match JobSpec::resolve(cat, id, op) {
            Ok(spec) => spec,
            Err(e) => {
                self.error(format!("Cannot run this task's connector: {}", e.0));
                return vec![];
            }
        };
        if op == ConnOp::Pull && spec.task.local_protocol().is_some() {
            self.info("A local connector has no image to pull");
            return vec![];
        }
        let plan = RunPlan::for_task(&spec.task, cat, None);
        if self.trust_all || self.trust.allows(&plan) {
            return self.launch(spec);
        }
        self.overlays
            .push(Overlay::RunConnector(Box::new(PendingRun { plan, spec })));
        vec![]
    }

    /// Starts a connector job the user allowed.
    fn launch(&mut self, spec: JobSpec) -> Vec<Effect> {
        let id = self.next_job;
        self.next_job += 1;
        self.job = Some(Job::new(id, spec.task.name.clone(), spec.op));
        vec![Effect::Connector(id, Box::new(spec))]
    }

    fn on_job(&mut self, id: u64, event: JobEvent) -> Vec<Effect> {
        let Some(job) = self.job.as_mut().filter(|j| j.id == id) else {
            return vec![];
        };
        match event {
            JobEvent::Run(e) => job.apply(e),
            JobEvent::Done(Ok(output)) => {
                let info = self.connectors.entry(job.task.clone()).or_default();
                let summary = output.record(info);
                job.phase = "done".into();
                job.result = Some(Ok(summary.clone()));
                let task = job.task.clone();
                self.info(summary);
                if let Some((pending, binding)) = self.pending_form.take() {
                    if pending == task {
                        return self.open_form(binding);
                    }
                }
            }
            JobEvent::Done(Err(e)) => {
                let op = job.op.label();
                job.phase = "failed".into();
                job.result = Some(Err(e.clone()));
                let message = format!("{} {op}: {e}", job.task);
                let info = self.connectors.entry(job.task.clone()).or_default();
                info.last = Some(format!("{op} failed"));
                self.error(message);
            }
        }
        vec![]
    }

    /// `e`/`r`: opens the endpoint (or the binding's resource) config form, fetching the
    /// connector's spec first when this session has not seen it yet.
    fn request_form(&mut self, binding: Option<usize>) -> Vec<Effect> {
        let (Some(cat), Some(id)) = (self.catalog.as_ref(), self.selected()) else {
            return vec![];
        };
        let Some(e) = cat.entity(id) else {
            return vec![];
        };
        if !matches!(e.kind, EntityKind::Capture | EntityKind::Materialization) {
            self.info("Only captures and materializations have connector configs");
            return vec![];
        }
        let name = e.name.clone();
        let known = self.connectors.get(&name).is_some_and(|i| {
            if binding.is_some() {
                i.resource_schema.is_some()
            } else {
                i.config_schema.is_some()
            }
        });
        if known {
            return self.open_form(binding);
        }
        let effects = self.start_job(ConnOp::Spec);
        if !effects.is_empty() {
            self.pending_form = Some((name, binding));
            self.info("Fetching the connector's spec for the form…");
        } else if matches!(self.overlays.last(), Some(Overlay::RunConnector(_))) {
            // The form opens once the user allows the spec run and it answers.
            self.pending_form = Some((name, binding));
        }
        effects
    }

    /// Opens the form on the selected task's endpoint config or binding resource config.
    fn open_form(&mut self, binding: Option<usize>) -> Vec<Effect> {
        let (Some(cat), Some(id)) = (self.catalog.as_ref(), self.selected()) else {
            return vec![];
        };
        let Some(e) = cat.entity(id) else {
            return vec![];
        };
        let info = self.connectors.get(&e.name).cloned().unwrap_or_default();
        let schema = if binding.is_some() {
            info.resource_schema
        } else {
            info.config_schema
        };
        let Some(schema) = schema else {
            return vec![];
        };
        let collection = binding
            .and_then(|i| e.bindings.get(i))
            .and_then(|b| b.collection.clone());
        // A materialization's `source: {capture, deltaUpdates}` sets `x-delta-updates` fields.
        let delta_updates = cat.parse_file(id.file).ok().and_then(|root| {
            root.at(&e.path())?
                .get("source")?
                .get("deltaUpdates")?
                .as_bool()
        });
        match config_target(cat, id, binding) {
            Ok(target) => {
                let mut form = FormEditor::open(&schema, target);
                if let Some(c) = collection {
                    form.prefill_from_collection(&c, delta_updates);
                }
                self.form = Some(form);
                if let Some(why) = self.form.as_ref().and_then(|f| f.read_only.clone()) {
                    self.info(why);
                }
            }
            Err(e) => self.error(e),
        }
        vec![]
    }

    /// Keys while the form is open.
    fn form_key(&mut self, key: KeyEvent, action: Option<Action>) -> Vec<Effect> {
        let Some(form) = self.form.as_mut() else {
            return vec![];
        };
        if form.picker.is_some() {
            if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
                return self.action(Action::ForceQuit);
            }
            let result = match key.code {
                KeyCode::Char(c) if keymap::is_text_input(&key) => {
                    form.picker_type(Some(c));
                    Ok(())
                }
                KeyCode::Backspace => {
                    form.picker_type(None);
                    Ok(())
                }
                KeyCode::Up => {
                    form.picker_move(-1);
                    Ok(())
                }
                KeyCode::Down => {
                    form.picker_move(1);
                    Ok(())
                }
                KeyCode::Enter => form.picker_choose(),
                KeyCode::Esc => {
                    form.picker = None;
                    Ok(())
                }
                _ => Ok(()),
            };
            if let Err(e) = result {
                self.error(e);
            }
            return vec![];
        }
        let result: Result<(), String> = if let Some(edit) = form.editing.as_mut() {
            match (key.code, action) {
                (_, Some(Action::Save)) => form.commit_edit().map(|_| {
                    self.status = None;
                }),
                (_, Some(Action::ForceQuit)) => {
                    return self.action(Action::ForceQuit);
                }
                _ if edit.handle_key(&key) => Ok(()),
                (KeyCode::Tab, _) => form.commit_edit().map(|_| {
                    // A new map key goes on to its value rather than to the next field.
                    if form.editing.is_none() {
                        form.move_focus(1)
                    }
                }),
                (_, Some(Action::Commit)) => form.commit_edit(),
                (_, Some(Action::CancelEdit)) => {
                    form.cancel_edit();
                    Ok(())
                }
                _ => Ok(()),
            }
        } else {
            let focused_text = form
                .focused()
                .cloned()
                .filter(|r| r.kind == RowKind::Field)
                .and_then(|r| form.node(&r).map(super::form_editor::is_text))
                .unwrap_or(false);
            if focused_text && keymap::is_text_input(&key) {
                if let KeyCode::Char(c) = key.code {
                    form.begin_edit(Some(&c.to_string()))
                } else {
                    Ok(())
                }
            } else {
                match action {
                    Some(Action::FormNext) => {
                        form.move_focus(1);
                        Ok(())
                    }
                    Some(Action::FormPrev) => {
                        form.move_focus(-1);
                        Ok(())
                    }
                    Some(Action::FormActivate) => form.activate(),
                    Some(Action::FormLeft) => form.cycle(-1),
                    Some(Action::FormRight) => form.cycle(1),
                    Some(Action::FormReset) => form.clear_focused(),
                    Some(Action::MoveItemUp) => form.move_item(-1),
                    Some(Action::MoveItemDown) => form.move_item(1),
                    Some(Action::Reveal) => {
                        form.revealed = !form.revealed;
                        Ok(())
                    }
                    Some(Action::Undo) => {
                        if !form.undo() {
                            self.info("Nothing to undo");
                        }
                        Ok(())
                    }
                    Some(Action::Redo) => {
                        if !form.redo() {
                            self.info("Nothing to redo");
                        }
                        Ok(())
                    }
                    Some(Action::CloseForm) => {
                        if form.changed() && form.pending_switch.is_none() {
                            // A second Esc closes: the first one warns (not a sticky error,
                            // which would swallow that second Esc).
                            form.pending_switch = Some(("<close>".into(), 0, vec![]));
                            self.info(
                                "Unsaved changes in the form: Esc again discards them, Ctrl-S saves",
                            );
                        } else if self.standalone {
                            return self.action(Action::Quit);
                        } else {
                            self.form = None;
                        }
                        Ok(())
                    }
                    Some(Action::Save) => return self.save_form(),
                    Some(Action::OpenEditor) => match form.begin_external_edit() {
                        Ok(text) => return vec![Effect::OpenEditor(text)],
                        Err(e) => Err(e),
                    },
                    Some(
                        a @ (Action::Help | Action::Quit | Action::ForceQuit | Action::Problems),
                    ) => {
                        return self.action(a);
                    }
                    _ => Ok(()),
                }
            }
        };
        if let Err(e) = result {
            self.error(e);
        } else if let Some(n) = self.form.as_mut().and_then(|f| f.notice.take()) {
            self.info(n);
        }
        vec![]
    }

    /// Ctrl-S in the form: invalid forms keep every edit and focus the first error; valid ones
    /// become a format-preserving edit of the file and go to the save diff (secrets masked).
    fn save_form(&mut self) -> Vec<Effect> {
        let Some(form) = self.form.as_mut() else {
            return vec![];
        };
        if let Err(e) = form.commit_edit() {
            self.error(e);
            return vec![];
        }
        if let Some(why) = form.read_only.clone() {
            self.error(why);
            return vec![];
        }
        if self.read_only {
            self.error("Read-only mode: nothing can be saved");
            return vec![];
        }
        if !form.changed() {
            // `config edit` keeps the form open on the saved value: an earlier save that was
            // cancelled (or not written) left the file's edit unsaved, and Ctrl-S saves it.
            if self.is_dirty() {
                return self.save();
            }
            self.info("Nothing to save: the config is unchanged");
            return vec![];
        }
        let errors = form.state.errors().to_vec();
        if let Some(first) = errors.first() {
            form.focus_first_error();
            self.error(format!(
                "{} problem{} in the form; first: {}",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" },
                first.message
            ));
            return vec![];
        }
        let new = form.state.to_json();
        let target = form.target.clone();
        let form_schema = form.state.form().schema().clone();
        let Some(cat) = self.catalog.as_mut() else {
            return vec![];
        };
        if let Err(e) = cat.edit_value(target.file, &target.at, &target.original, &new) {
            self.error(format!("Cannot write this config: {e}"));
            return vec![];
        }
        // In `config edit` the form stays (on the new value) under the diff; elsewhere it closes.
        self.form = self.standalone.then(|| {
            let schema = form_schema.clone();
            FormEditor::open(
                &schema,
                EditTarget {
                    original: new.clone(),
                    ..target.clone()
                },
            )
        });
        // The form's schema locates its secrets even where no task's spec is known (`config
        // edit`); every other config goes by its task's schema or the name rule.
        let mut schemas = known_schemas(&self.connectors);
        schemas.add_place(target.file, target.at.clone(), &form_schema);
        let writes = save::plan_masked(cat, &schemas);
        self.overlays.push(Overlay::Diff { writes, scroll: 0 });
        vec![]
    }

    /// Counts of errors and warnings from the last check.
    pub fn problem_counts(&self) -> Option<(usize, usize)> {
        let p = self.problems.as_ref()?;
        let errors = p.iter().filter(|d| d.severity == Severity::Error).count();
        Some((errors, p.len() - errors))
    }

    /// The rows of the entity list (empty before loading).
    pub fn rows(&self) -> &[Row] {
        self.list.as_ref().map(|l| l.rows.as_slice()).unwrap_or(&[])
    }
}

/// Where the endpoint config (or binding `binding`'s resource config) of task `id` lives, and
/// what it holds now.
fn config_target(
    cat: &Catalog,
    id: EntityId,
    binding: Option<usize>,
) -> Result<EditTarget, String> {
    use crate::catalog::{Endpoint, Location};
    use crate::yaml::PathSeg;
    let e = cat.entity(id).ok_or("no such task")?;
    let (mut at, location, title) = match binding {
        None => {
            let (kind, config) = match &e.endpoint {
                Some(Endpoint::Connector { config, .. }) => ("connector", config),
                Some(Endpoint::Local { config, .. }) => ("local", config),
                _ => return Err(format!("{} has no connector or local endpoint", e.name)),
            };
            let mut at = e.path();
            at.push(PathSeg::key("endpoint"));
            at.push(PathSeg::key(kind));
            at.push(PathSeg::key("config"));
            (at, config.clone(), format!("Endpoint config of {}", e.name))
        }
        Some(i) => {
            let b = e.bindings.get(i).ok_or("no binding selected")?;
            let mut at = e.binding_path(i);
            at.push(PathSeg::key("resource"));
            let root = cat.parse_file(id.file).map_err(|e| e.to_string())?;
            let location = root
                .at(&at)
                .map(crate::catalog::index::location)
                .unwrap_or(Location::Inline);
            let title = format!(
                "Resource config of binding {} ({})",
                i + 1,
                b.collection.clone().unwrap_or_default()
            );
            (at, location, title)
        }
    };
    let mut file = id.file;
    if let Location::File(rel) = &location {
        let base = cat.files[id.file]
            .path
            .parent()
            .map(std::path::Path::to_path_buf)
            .unwrap_or_default();
        let path = crate::catalog::load::absolute(&base.join(rel));
        file = cat
            .files
            .iter()
            .position(|f| f.path == path)
            .ok_or_else(|| format!("{rel} was not loaded (is it missing?)"))?;
        at = Vec::new();
    }
    let root = cat.parse_file(file).map_err(|e| e.to_string())?;
    let original = root
        .at(&at)
        .map(|n| n.to_json())
        .unwrap_or(serde_json::Value::Null);
    Ok(EditTarget {
        file,
        at,
        original,
        title,
    })
}
