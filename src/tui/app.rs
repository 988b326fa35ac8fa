//! The TUI's model and its pure `update`: every input becomes a `Msg`, and `update` changes
//! state and returns the side effects to run (`Effect`). Nothing here does I/O, so every
//! interaction can be tested by feeding messages and looking at state and effects.
//!
//! A key goes: the keymap resolves it in the contexts in force (the top overlay's, or the
//! shown screen's in its mode); a background error that must be read takes it first; then the
//! overlay, or the screen, applies the action. Screens change shared state and ask for screen
//! changes through `Shared::nav`, which the app applies after each message.

use std::path::PathBuf;

use ratatui::crossterm::event::KeyEvent;

use crate::catalog::{Catalog, Diagnostic, EntityId, Progress};
use crate::save::{self, PlannedWrite, Protected, SaveOutcome};
use crate::secrets::Secret;

use super::connector_job::JobSpec;
use super::discovery_write::{DiscoveryWrite, Prepared};
use super::encryption::{DecryptRequest, EncryptRequest};
use super::jobs::JobEvent;
use super::jobs::JobOutput;
use super::keymap::{self, Action, Context};
use super::overlay::{self, Confirm, Overlay};
use super::screens::browse::BrowseScreen;
use super::screens::discovered::DiscoveredScreen;
use super::screens::form::{Closing, EditTarget, FormEditor, FormScreen, Opening};
use super::screens::Screen;
use super::shared::{Nav, Phase, Shared, Source};
use super::theme::Theme;
use crate::trust::TrustStore;

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
    /// sops encrypted a config (or says which keys to choose from), or failed.
    Encrypted(
        Box<EncryptRequest>,
        Result<crate::sops::document::Outcome, String>,
    ),
    /// sops decrypted a config for the form (redacted in `Debug`), or failed.
    Decrypted(
        Box<DecryptRequest>,
        Result<Secret<serde_json::Value>, String>,
    ),
    /// A `.sops.yaml` rule was written (its path), or could not be.
    RuleWritten(Result<PathBuf, String>),
    /// A discovery was merged with the capture (off the UI thread).
    DiscoveryMerged(Box<super::discovery_merge::Merged>),
    /// The files a discovery writes are ready to be shown (or why they cannot be written).
    DiscoveryPrepared(Result<Box<Prepared>, String>),
    /// The files of the wizard's new task are ready to be shown (or why they cannot be).
    CreatePrepared(Result<Box<super::screens::wizard::CreatePrepared>, String>),
}

/// Side effects `update` asks the runtime to perform.
#[derive(Debug, Clone)]
pub enum Effect {
    /// Load the catalog rooted at this file.
    Load(PathBuf),
    /// Load this one config file (`flowspec config edit`).
    LoadConfigFile(PathBuf),
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
    /// Merge a discovery with its capture (see `discovery_merge`).
    MergeDiscovery(Box<super::discovery_merge::MergeJob>),
    /// Write a discovery into a copy of the catalog and plan its save (see
    /// `discovery_write`).
    WriteDiscovery(Box<DiscoveryWrite>),
    /// Write the wizard's new task into a copy of the catalog and plan its save (see
    /// `screens::wizard::prepare`).
    PrepareCreate(std::sync::Arc<super::screens::wizard::CreateWrite>),
    /// Mark a local command as Airbyte in flowspec's settings (a catalog cannot say it).
    RecordAirbyte(String),
    /// Suspend the TUI and edit `text` in `$VISUAL`/`$EDITOR`.
    OpenEditor(String),
    /// Persist the connector commands the user allowed (flowspec's own state, never the
    /// catalog).
    RememberTrust(Box<TrustStore>),
    /// Encrypt a config with sops (off the UI; the plaintext goes to sops over stdin).
    Encrypt(Box<EncryptRequest>),
    /// Decrypt a config with sops for the form, in memory.
    Decrypt(Box<DecryptRequest>),
    /// Write a creation rule for `recipient` into `dir/.sops.yaml` (the user said yes).
    WriteSopsRule {
        dir: PathBuf,
        file: PathBuf,
        recipient: String,
    },
    /// Give the terminal back to the shell and stop the process until `fg` (Ctrl-Z).
    Suspend,
    Quit,
}

/// The whole UI state: what the screens share, and the screens, the shown one last.
pub struct App {
    pub shared: Shared,
    /// Never empty: the browser at the bottom (or the form alone, for `config edit`).
    pub screens: Vec<Screen>,
}

impl App {
    /// A new app that will load `path`; call [`App::init`] for the first effects.
    pub fn new(path: PathBuf, read_only: bool, theme: Theme) -> Self {
        App {
            shared: Shared::new(path, read_only, theme),
            screens: vec![Screen::Browse(BrowseScreen::new())],
        }
    }

    /// The app on a catalog that does not exist yet: an empty root file at `root`, written
    /// when the user saves (the wizard's files import from it). `ask`: first ask whether to
    /// start a catalog there; `wizard`: open the wizard on it at once.
    pub fn new_catalog(
        root: PathBuf,
        ask: bool,
        wizard: Option<crate::create::Kind>,
        read_only: bool,
        theme: Theme,
    ) -> Self {
        let mut shared = Shared::new(root.clone(), read_only, theme);
        let catalog = crate::create::new_catalog(&root);
        let mut browse = BrowseScreen::new();
        browse.loaded(&catalog);
        shared.catalog = Some(catalog);
        shared.phase = Phase::Ready;
        shared.problems = Some(Vec::new());
        if ask {
            shared
                .overlays
                .push(Overlay::Confirm(Confirm::StartCatalog));
        }
        let mut app = App {
            shared,
            screens: vec![Screen::Browse(browse)],
        };
        if let Some(kind) = wizard {
            app.open_wizard(kind, false);
        }
        app
    }

    /// Gives the app the remembered answers (read by the caller: `update` does no I/O), or
    /// with `trust_all` lets every connector run without asking.
    pub fn with_trust(mut self, trust: TrustStore, trust_all: bool) -> Self {
        self.shared.trust = trust;
        self.shared.trust_all = trust_all;
        self
    }

    /// The app for `flowspec config edit`: `catalog` holds the one config file, shown at once
    /// in the form for `schema`; closing the form quits.
    pub fn standalone(
        catalog: Catalog,
        schema: &serde_json::Value,
        read_only: bool,
        theme: Theme,
    ) -> Self {
        let mut shared = Shared::new(catalog.root.clone(), read_only, theme);
        shared.source = Source::ConfigFile {
            schema: schema.clone(),
        };
        let form = config_file_form(&catalog, schema, read_only);
        shared.catalog = Some(catalog);
        shared.phase = Phase::Ready;
        shared.problems = Some(Vec::new());
        App {
            shared,
            screens: vec![Screen::Form(Box::new(form))],
        }
    }

    /// The effects to run at start-up.
    pub fn init(&self) -> Vec<Effect> {
        match self.shared.source {
            // A new catalog (not on disk yet) is ready as it is.
            Source::Catalog if self.shared.phase == Phase::Ready => vec![],
            Source::Catalog => vec![Effect::Load(self.shared.path.clone())],
            Source::ConfigFile { .. } => self.decrypt_config_file(),
        }
    }

    /// True while something runs in the background and the spinner should turn.
    pub fn busy(&self) -> bool {
        self.shared.busy()
    }

    /// True while a connector runs.
    pub fn job_running(&self) -> bool {
        self.shared.job_running()
    }

    /// True when the catalog has edits not saved to disk.
    pub fn is_dirty(&self) -> bool {
        self.shared.is_dirty()
    }

    /// True when quitting would lose something: unsaved catalog edits, or a changed form.
    pub fn has_unsaved(&self) -> bool {
        self.is_dirty() || self.screens.iter().any(Screen::unsaved)
    }

    /// The shown screen.
    pub fn screen(&self) -> &Screen {
        self.screens.last().expect("there is always a screen")
    }

    fn screen_mut(&mut self) -> &mut Screen {
        self.screens.last_mut().expect("there is always a screen")
    }

    /// The catalog browser (under any screen opened over it).
    pub fn browse(&self) -> Option<&BrowseScreen> {
        self.screens.iter().find_map(|s| match s {
            Screen::Browse(b) => Some(b),
            _ => None,
        })
    }

    pub(super) fn browse_mut(&mut self) -> Option<&mut BrowseScreen> {
        self.screens.iter_mut().find_map(|s| match s {
            Screen::Browse(b) => Some(b),
            _ => None,
        })
    }

    /// The form, when the form screen is shown.
    pub fn form(&self) -> Option<&FormEditor> {
        match self.screen() {
            Screen::Form(f) => Some(&f.editor),
            _ => None,
        }
    }

    /// The form, mutably, when the form screen is shown.
    pub fn form_mut(&mut self) -> Option<&mut FormEditor> {
        match self.screen_mut() {
            Screen::Form(f) => Some(&mut f.editor),
            _ => None,
        }
    }

    /// The overlay that has the keys, if any.
    pub fn overlay(&self) -> Option<&Overlay> {
        self.shared.overlays.top()
    }

    /// The entity selected in the browser.
    pub fn selected(&self) -> Option<EntityId> {
        self.browse()?.selected()
    }

    /// The key contexts in force, innermost first: the top overlay's, or the shown screen's
    /// in its mode. Drives key routing, the footer and the help.
    pub fn contexts(&self) -> Vec<Context> {
        if let Some(o) = self.shared.overlays.top() {
            return vec![o.context(), Context::Always];
        }
        match self.shared.phase {
            Phase::Loading(_) => vec![Context::Loading, Context::Always],
            Phase::Failed(_) => vec![Context::LoadFailed, Context::Always],
            Phase::Ready => self.screen().contexts(&self.shared),
        }
    }

    /// The heart of the app: applies one message, returns the effects to run.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        let mut effects = self.apply(msg);
        effects.extend(self.navigate());
        effects
    }

    fn apply(&mut self, msg: Msg) -> Vec<Effect> {
        let sh = &mut self.shared;
        match msg {
            Msg::Key(key) => return self.on_key(key),
            Msg::Paste(text) => {
                if sh.overlays.is_empty() && sh.phase == Phase::Ready {
                    let text = text.expose().clone();
                    let (sh, screen) = self.parts();
                    screen.paste(sh, &text);
                }
            }
            Msg::Resize(w, h) => sh.size = (w, h),
            Msg::Tick => sh.spinner = sh.spinner.wrapping_add(1),
            Msg::LoadProgress(p) => {
                if matches!(sh.phase, Phase::Loading(_)) {
                    sh.phase = Phase::Loading(p);
                }
            }
            Msg::Loaded(Ok(catalog)) => return self.loaded(catalog),
            Msg::Loaded(Err(e)) => sh.phase = Phase::Failed(e),
            Msg::Checked(problems) => sh.problems = Some(problems),
            Msg::Saved(result) => return self.saved(result),
            Msg::SaveConflict {
                file,
                display,
                disk,
            } => {
                sh.saving = false;
                sh.status = None;
                sh.overlays.push(Overlay::Conflict {
                    display,
                    diff: None,
                    disk: disk.into(),
                    file,
                    scroll: 0,
                });
            }
            Msg::WriteProtected { files, writes } => {
                sh.saving = false;
                sh.status = None;
                sh.overlays.push(Overlay::WriteProtected { files, writes });
            }
            Msg::Job(id, event) => return self.on_job(id, event),
            Msg::EditorDone(result) => {
                let (sh, screen) = self.parts();
                match screen {
                    Screen::Form(f) => f.editor_done(sh, result),
                    _ => {
                        if let Err(e) = result {
                            sh.error(format!("The editor failed: {e}"));
                        }
                    }
                }
            }
            Msg::Encrypted(req, result) => return self.encrypted(*req, result),
            Msg::Decrypted(req, result) => return self.decrypted(*req, result),
            Msg::RuleWritten(result) => match result {
                Ok(path) => tracing::info!(path = %path.display(), "wrote a sops creation rule"),
                Err(e) => sh.error(format!("Could not write the sops rule: {e}")),
            },
            Msg::DiscoveryPrepared(result) => {
                sh.saving = false;
                sh.status = None;
                match result {
                    Err(e) => sh.error(format!("Cannot write the discovery: {e}")),
                    Ok(p) if p.writes.is_empty() => sh.info(
                        "Nothing to write: the capture and its collections already match the discovery",
                    ),
                    Ok(p) => {
                        let Prepared { catalog, writes } = *p;
                        sh.overlays.push(Overlay::ApplyDiscovery {
                            catalog: super::discovery_write::Pending(Box::new(catalog)),
                            writes,
                            scroll: 0,
                        });
                    }
                }
            }
            Msg::CreatePrepared(result) => self.create_prepared(result),
            Msg::DiscoveryMerged(merged) => return self.discovery_merged(*merged),
            Msg::Terminate(signal) => {
                tracing::warn!(signal, dirty = self.has_unsaved(), "terminated by signal");
                return vec![Effect::Quit];
            }
        }
        vec![]
    }

    /// The wizard's files are ready (or cannot be written): it shows the diff or why.
    fn create_prepared(
        &mut self,
        result: Result<Box<super::screens::wizard::CreatePrepared>, String>,
    ) {
        let (sh, screens) = (&mut self.shared, &mut self.screens);
        let wizard = screens.iter_mut().rev().find_map(|s| match s {
            Screen::Wizard(w) => Some(w),
            _ => None,
        });
        match wizard {
            Some(w) => w.prepared(sh, result),
            None => sh.saving = false,
        }
    }

    /// The shared state and the shown screen, borrowed apart.
    pub(super) fn parts(&mut self) -> (&mut Shared, &mut Screen) {
        let screen = self.screens.last_mut().expect("there is always a screen");
        (&mut self.shared, screen)
    }

    /// Applies the screen changes screens and overlays asked for; a screen handed a result
    /// may answer with effects.
    fn navigate(&mut self) -> Vec<Effect> {
        let mut effects = Vec::new();
        for nav in std::mem::take(&mut self.shared.nav) {
            match nav {
                Nav::Push(screen) => self.screens.push(*screen),
                Nav::Pop if self.screens.len() > 1 => {
                    self.screens.pop();
                }
                Nav::Pop => {}
                Nav::Return(value) => {
                    if self.screens.len() > 1 {
                        self.screens.pop();
                    }
                    let (sh, screen) = self.parts();
                    effects.extend(screen.returned(sh, value));
                }
            }
        }
        if !self.shared.nav.is_empty() {
            // A screen handed a result opened another (the wizard's next step).
            effects.extend(self.navigate());
        }
        effects
    }

    /// Routes a key: Ctrl-Z first (it changes nothing), then a background error that must be
    /// read, then quitting and help, then the top overlay or the shown screen.
    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let contexts = self.contexts();
        let action = keymap::resolve(&contexts, &key);
        if action == Some(Action::Suspend) {
            return vec![Effect::Suspend];
        }
        let sh = &mut self.shared;
        if sh.status.as_ref().is_some_and(|s| s.takes_key()) && action != Some(Action::ForceQuit) {
            sh.status = None;
            return vec![];
        }
        sh.status = None;
        let Some(action) = action else {
            return vec![];
        };
        match action {
            Action::ForceQuit => self.force_quit(),
            Action::Help => {
                sh.overlays.push(Overlay::Help {
                    scroll: 0,
                    under: contexts,
                });
                vec![]
            }
            _ if !sh.overlays.is_empty() => overlay::on_action(sh, action),
            _ => match sh.phase {
                Phase::Loading(_) => match action {
                    Action::Quit => vec![Effect::Quit],
                    _ => vec![],
                },
                Phase::Failed(_) => match action {
                    Action::Quit => vec![Effect::Quit],
                    Action::Reload => sh.reload(),
                    _ => vec![],
                },
                Phase::Ready => {
                    let (sh, screen) = self.parts();
                    screen.on_action(sh, action, &key)
                }
            },
        }
    }

    /// Ctrl-C: quits, asking first when something would be lost; a second Ctrl-C (in that
    /// question) quits.
    fn force_quit(&mut self) -> Vec<Effect> {
        let asking = matches!(
            self.shared.overlays.top(),
            Some(Overlay::Confirm(Confirm::QuitUnsaved))
        );
        if self.has_unsaved() && !asking {
            self.shared
                .overlays
                .push(Overlay::Confirm(Confirm::QuitUnsaved));
            return vec![];
        }
        vec![Effect::Quit]
    }

    /// The catalog (re)loaded: the browser shows it (keeping its selection), or for
    /// `config edit` the form opens again on the file as it is now.
    fn loaded(&mut self, catalog: Box<Catalog>) -> Vec<Effect> {
        let sh = &mut self.shared;
        sh.phase = Phase::Ready;
        if let Source::ConfigFile { schema } = &sh.source {
            let form = config_file_form(&catalog, schema, sh.read_only);
            sh.catalog = Some(*catalog);
            sh.problems = Some(Vec::new());
            self.screens = vec![Screen::Form(Box::new(form))];
            return self.decrypt_config_file();
        }
        let snapshot = catalog.clone();
        sh.problems = None;
        // Screens over the browser edit the catalog that was replaced: they close.
        self.screens.truncate(1);
        let select = self.shared.select_after_load.take();
        if let Some(browse) = self.browse_mut() {
            browse.loaded(&catalog);
            if let (Some(name), Some(list)) = (select, browse.list.as_mut()) {
                list.select_named(&catalog, &name);
            }
        }
        self.shared.catalog = Some(*catalog);
        if let Some(kind) = self.shared.wizard_after_load.take() {
            self.open_wizard(kind, false);
        }
        vec![Effect::Check(snapshot)]
    }

    /// A save finished: the written files become the loaded text (even when a later one
    /// failed, so a retry does not take flowspec's own write for someone else's), the unwritten
    /// ones keep their edits, and the status says which is which.
    fn saved(&mut self, outcome: SaveOutcome) -> Vec<Effect> {
        let sh = &mut self.shared;
        sh.saving = false;
        let Some(cat) = sh.catalog.as_mut() else {
            return vec![];
        };
        save::record_written(cat, &outcome.written);
        // `q` pressed while the save ran asked whether to lose the edits being written; once
        // they are on disk there is nothing left to lose, so the quit the user asked for goes on.
        if outcome.is_complete()
            && matches!(
                sh.overlays.top(),
                Some(Overlay::Confirm(Confirm::QuitUnsaved))
            )
            && !self.has_unsaved()
        {
            return vec![Effect::Quit];
        }
        let sh = &mut self.shared;
        let Some(cat) = sh.catalog.as_mut() else {
            return vec![];
        };
        let snapshot = (!outcome.written.is_empty()).then(|| Box::new(cat.clone()));
        if outcome.is_complete() {
            sh.info(outcome.summary());
            if std::mem::take(&mut sh.reload_after_save) {
                // New files join the catalog through its imports: read it again.
                return sh.reload();
            }
        } else {
            sh.error(outcome.summary());
        }
        match snapshot {
            Some(cat) => {
                sh.problems = None;
                vec![Effect::Check(cat)]
            }
            None => vec![],
        }
    }

    fn on_job(&mut self, id: u64, event: JobEvent) -> Vec<Effect> {
        let sh = &mut self.shared;
        let Some(job) = sh.job.as_mut().filter(|j| j.id == id) else {
            return vec![];
        };
        match event {
            JobEvent::Run(e) => job.apply(e),
            JobEvent::Done(Ok(output)) => {
                let info = sh.connectors.entry(job.task.clone()).or_default();
                let summary = output.record(info);
                job.phase = "done".into();
                job.result = Some(Ok(summary.clone()));
                let task = job.task.clone();
                sh.info(summary.clone());
                if let Some((w, sh)) = self.wizard_waiting(id) {
                    return w.job_done(sh, Ok(output));
                }
                let sh = &mut self.shared;
                if let Some(pending) = sh.pending_form.take().filter(|p| p.task == task) {
                    return self.open_pending_form(pending.id, pending.binding);
                }
                if let JobOutput::Discovered {
                    pointers, bindings, ..
                } = output
                {
                    return self.merge_discovered(task, summary, pointers, bindings);
                }
            }
            JobEvent::Done(Err(e)) => {
                let op = job.op.label();
                job.phase = "failed".into();
                job.result = Some(Err(e.clone()));
                let message = format!("{} {op}: {e}", job.task);
                let info = sh.connectors.entry(job.task.clone()).or_default();
                info.last = Some(format!("{op} failed"));
                sh.pending_form = None;
                sh.error(message);
                if let Some((w, sh)) = self.wizard_waiting(id) {
                    return w.job_done(sh, Err(e));
                }
            }
        }
        vec![]
    }

    /// The wizard, when it waits for connector job `id`, with the shared state.
    fn wizard_waiting(
        &mut self,
        id: u64,
    ) -> Option<(&mut super::screens::wizard::WizardScreen, &mut Shared)> {
        let w = self.screens.iter_mut().rev().find_map(|s| match s {
            Screen::Wizard(w) if w.waits_for(id) => Some(&mut **w),
            _ => None,
        })?;
        Some((w, &mut self.shared))
    }

    /// Opens the setup wizard over the browser, for `kind` (`kind_open`: the first step may
    /// change it).
    pub fn open_wizard(&mut self, kind: crate::create::Kind, kind_open: bool) {
        let sh = &self.shared;
        let w = super::screens::wizard::WizardScreen::new(
            sh,
            kind,
            kind_open,
            sh.cached_images.clone(),
        );
        self.screens.push(Screen::Wizard(Box::new(w)));
    }

    /// A discover answered: its bindings are merged with the capture's in the background (see
    /// [`super::discovery_merge`]).
    fn merge_discovered(
        &mut self,
        task: String,
        summary: String,
        pointers: Vec<String>,
        bindings: std::sync::Arc<Vec<crate::connector::protocol::DiscoveredBinding>>,
    ) -> Vec<Effect> {
        let sh = &mut self.shared;
        let Some(catalog) = sh.catalog.clone() else {
            return vec![];
        };
        sh.info(format!("{summary} · merging them with {task}…"));
        sh.merging = true;
        vec![Effect::MergeDiscovery(Box::new(
            super::discovery_merge::MergeJob {
                task,
                summary,
                catalog: Box::new(catalog),
                pointers,
                bindings,
            },
        ))]
    }

    /// The merge is done: the Discovered bindings screen opens over the browser (a merge Flow
    /// would refuse is explained instead), unless the catalog changed meanwhile.
    fn discovery_merged(&mut self, merged: super::discovery_merge::Merged) -> Vec<Effect> {
        let sh = &mut self.shared;
        sh.merging = false;
        let task = merged.task.clone();
        let Some(cat) = sh.catalog.as_ref() else {
            return vec![];
        };
        if !super::discovery_merge::unchanged(&merged.snapshot, cat) {
            sh.warn(format!(
                "{task}: the catalog changed while the discovery was merged; press d to discover again"
            ));
            return vec![];
        }
        match merged.result {
            Ok(d) => {
                sh.info(merged.summary);
                let schema = sh
                    .connectors
                    .get(&merged.task)
                    .and_then(|i| i.resource_schema.clone());
                let screen = DiscoveredScreen::new(*d, schema);
                if matches!(self.screen(), Screen::Browse(_)) {
                    self.screens.push(Screen::Discovered(Box::new(screen)));
                }
            }
            Err(e) => sh.error(format!("{task}: the discovery cannot be merged: {e}")),
        }
        vec![]
    }

    /// The spec a form waited for arrived: the form opens over the browser (an encrypted
    /// config is decrypted first).
    fn open_pending_form(&mut self, id: EntityId, binding: Option<usize>) -> Vec<Effect> {
        let sh = &mut self.shared;
        match super::screens::form::open_for_task(sh, id, binding) {
            Some(Ok(Opening::Form(form))) => {
                if let Some(why) = form.editor.read_only {
                    sh.info(why.message());
                }
                if matches!(self.screen(), Screen::Browse(_)) {
                    self.screens.push(Screen::Form(form));
                }
                vec![]
            }
            Some(Ok(Opening::Decrypt(req))) => sh.decrypt(req),
            Some(Err(e)) => {
                sh.warn(e);
                vec![]
            }
            None => vec![],
        }
    }
}

/// The form of `config edit` on the catalog's one file.
pub(super) fn config_file_form(
    catalog: &Catalog,
    schema: &serde_json::Value,
    read_only: bool,
) -> FormScreen {
    let original = catalog
        .parse_file(0)
        .map(|n| n.to_json())
        .unwrap_or(serde_json::Value::Null);
    let title = catalog.display_path(&catalog.root).into_owned();
    let mut editor = FormEditor::open(
        schema,
        EditTarget {
            file: 0,
            at: Vec::new(),
            original,
            title,
        },
    );
    if read_only {
        editor = editor.read_only();
    }
    FormScreen::new(editor, Closing::Quit)
}
