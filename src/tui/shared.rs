//! The state every screen shares: the catalog and its problems, what connectors said, the
//! running job, the trust answers, the theme and `--read-only`, the status line, the overlay
//! stack. Screens get it mutably beside their own state; what they cannot change themselves
//! (which screens are open) they ask for through [`Nav`].

use std::path::PathBuf;

use crate::catalog::{Catalog, Diagnostic, EntityId, EntityKind, Progress, Severity};
use crate::save;
use crate::trust::{RunPlan, TrustStore};

use super::app::Effect;
use super::connector_job::JobSpec;
use super::jobs::{known_schemas, ConnOp, ConnectorInfos, Job};
use super::overlay::{Confirm, Overlay, Overlays, PendingRun};
use super::screens::Screen;
use super::theme::Theme;

/// Where the app is in its life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    Loading(Progress),
    Failed(String),
    Ready,
}

/// What was opened: a catalog, or (`flowspec config edit`) one config file with its schema.
#[derive(Debug, Clone)]
pub enum Source {
    Catalog,
    ConfigFile { schema: serde_json::Value },
}

/// How a status message weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Information: the next key dismisses it and does what it does.
    Info,
    /// A refusal of the key just pressed: shown as a problem, but it answers what the user
    /// is looking at, so the next key dismisses it and acts too.
    Warning,
    /// Something that happened in the background (a save, a connector, the editor) and must
    /// be read: it stays until a key dismisses it, and that key does nothing else.
    Error,
}

/// A message in the footer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub tone: Tone,
}

impl Status {
    /// True when the next key only dismisses this message.
    pub fn takes_key(&self) -> bool {
        self.tone == Tone::Error
    }
}

/// A change to the screen stack, asked for by a screen or an overlay.
#[derive(Debug)]
pub enum Nav {
    /// Show this screen over the current one.
    Push(Box<Screen>),
    /// Close the current screen (the last one never closes).
    Pop,
    /// Close the current screen and hand its result to the one below.
    Return(Returned),
}

/// What a screen hands back to the one it was opened from.
#[derive(Debug, Clone)]
pub enum Returned {
    /// The resource config edited in the form, for row `row` of the Discovered screen.
    Resource {
        row: usize,
        value: serde_json::Value,
    },
    /// The wizard's endpoint config form closed: the config (secrets in clear), the fields to
    /// encrypt, and whether it was checked and the wizard goes on (Ctrl-S) or back (Esc).
    Config {
        value: crate::secrets::Secret<serde_json::Value>,
        encrypt: Vec<String>,
        /// The form's lock choices, for the form opened again.
        locks: super::screens::form::locks::Locks,
        proceed: bool,
    },
    /// The wizard's Bindings step (the Discovered screen) closed with its choices.
    Bindings {
        discovery: Box<crate::discover::Discovery>,
        proceed: bool,
    },
    /// The wizard's Sources step (the source picker) closed with its choices.
    Sources {
        choices: super::screens::sources::SourceChoices,
        proceed: bool,
    },
}

/// A form to open once the running spec job answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingForm {
    pub task: String,
    pub id: EntityId,
    /// The binding whose resource config it edits; `None` for the endpoint config.
    pub binding: Option<usize>,
}

/// The shared state.
pub struct Shared {
    pub path: PathBuf,
    /// The catalog path as the user would type it (relative to the working directory when
    /// below it), worked out once rather than at every frame.
    pub shown_path: String,
    pub source: Source,
    pub read_only: bool,
    pub theme: Theme,
    pub phase: Phase,
    pub catalog: Option<Catalog>,
    /// Validation results; `None` while a check runs.
    pub problems: Option<Vec<Diagnostic>>,
    pub saving: bool,
    /// A discovery is being merged with its capture in the background.
    pub merging: bool,
    pub spinner: usize,
    pub size: (u16, u16),
    /// The running (or last finished) connector job.
    pub job: Option<Job>,
    next_job: u64,
    /// What each task's connector has told us this session.
    pub connectors: ConnectorInfos,
    pub pending_form: Option<PendingForm>,
    /// The connector commands the user allowed, per catalog folder.
    pub trust: TrustStore,
    /// `--trust`: run connectors without asking.
    pub trust_all: bool,
    pub status: Option<Status>,
    /// Modal layers over the screen; the top one takes the keys.
    pub overlays: Overlays,
    /// Screen changes waiting for the app.
    pub nav: Vec<Nav>,
    /// Schema secrets the user chose to write in plaintext (file, pointer): the plaintext
    /// guard does not ask about them again.
    pub plaintext_ok: super::plaintext_guard::Allowed,
    /// Configs still to encrypt after the one sops is working on (the guard's "encrypt").
    pub encrypt_queue: Vec<super::encryption::EncryptRequest>,
    /// True while sops encrypts or decrypts.
    pub sops_busy: bool,
    /// The save under way writes a discovery: the catalog is read again once it is written
    /// (new files join it), which also closes the Discovered bindings screen.
    pub reload_after_save: bool,
    /// The entity to select once the catalog is read again (a task the wizard created).
    pub select_after_load: Option<String>,
    /// Image references the spec cache knows, for the wizard's completion (read before the
    /// app started: `update` reads no files).
    pub cached_images: Vec<(String, String)>,
    /// Open the wizard for this kind once the catalog has loaded (`flowspec new`).
    pub wizard_after_load: Option<crate::create::Kind>,
}

impl Shared {
    /// The state before anything has loaded; `path` is what will be opened.
    pub fn new(path: PathBuf, read_only: bool, theme: Theme) -> Self {
        let cwd = std::env::current_dir().unwrap_or_default();
        let shown_path = path
            .strip_prefix(&cwd)
            .unwrap_or(&path)
            .display()
            .to_string();
        Shared {
            path,
            shown_path,
            source: Source::Catalog,
            read_only,
            theme,
            phase: Phase::Loading(Progress::default()),
            catalog: None,
            problems: None,
            saving: false,
            merging: false,
            spinner: 0,
            size: (80, 24),
            job: None,
            next_job: 1,
            connectors: ConnectorInfos::new(),
            pending_form: None,
            trust: TrustStore::default(),
            trust_all: false,
            status: None,
            overlays: Overlays::default(),
            nav: Vec::new(),
            plaintext_ok: Default::default(),
            encrypt_queue: Vec::new(),
            sops_busy: false,
            reload_after_save: false,
            select_after_load: None,
            cached_images: Vec::new(),
            wizard_after_load: None,
        }
    }

    fn say(&mut self, text: impl Into<String>, tone: Tone) {
        self.status = Some(Status {
            text: text.into(),
            tone,
        });
    }

    /// Information; the next key dismisses it and acts.
    pub fn info(&mut self, text: impl Into<String>) {
        self.say(text, Tone::Info);
    }

    /// A refusal of the key just pressed; the next key dismisses it and acts.
    pub fn warn(&mut self, text: impl Into<String>) {
        self.say(text, Tone::Warning);
    }

    /// A background failure that must be read: the next key only dismisses it.
    pub fn error(&mut self, text: impl Into<String>) {
        self.say(text, Tone::Error);
    }

    /// True when the catalog has edits not saved to disk.
    pub fn is_dirty(&self) -> bool {
        self.catalog.as_ref().is_some_and(Catalog::is_dirty)
    }

    /// True while a connector runs.
    pub fn job_running(&self) -> bool {
        self.job.as_ref().is_some_and(Job::running)
    }

    /// True while something runs in the background and the spinner should turn.
    pub fn busy(&self) -> bool {
        matches!(self.phase, Phase::Loading(_))
            || self.saving
            || self.merging
            || self.sops_busy
            || self.problems.is_none()
            || self.job_running()
    }

    /// Counts of errors and warnings from the last check.
    pub fn problem_counts(&self) -> Option<(usize, usize)> {
        let p = self.problems.as_ref()?;
        let errors = p.iter().filter(|d| d.severity == Severity::Error).count();
        Some((errors, p.len() - errors))
    }

    /// Rows a page key moves.
    pub fn page(&self) -> usize {
        (self.size.1 as usize).saturating_sub(8).max(1)
    }

    /// `q`: quits, asking first when the catalog has unsaved edits.
    pub fn quit(&mut self) -> Vec<Effect> {
        if self.is_dirty() {
            self.overlays.push(Overlay::Confirm(Confirm::QuitUnsaved));
            vec![]
        } else {
            vec![Effect::Quit]
        }
    }

    /// Ctrl-S: the diff of every unsaved file (secrets masked), to confirm before writing.
    pub fn save(&mut self) -> Vec<Effect> {
        if self.read_only {
            self.warn("Read-only mode: nothing can be saved");
            return vec![];
        }
        let Some(cat) = self.catalog.as_ref() else {
            return vec![];
        };
        if self.saving {
            self.info("Already saving");
            return vec![];
        }
        if !cat.is_dirty() {
            self.info("Nothing to save: no unsaved changes");
            return vec![];
        }
        self.review_save(None);
        vec![]
    }

    /// Shows what a save would write: the plaintext guard's question when a schema secret
    /// would be written in clear, else the diff. `place` adds a config's schema (a form's)
    /// where no task's spec gives it.
    pub fn review_save(
        &mut self,
        place: Option<(usize, Vec<crate::yaml::PathSeg>, &serde_json::Value)>,
    ) {
        let Some(cat) = self.catalog.as_ref() else {
            return;
        };
        let mut schemas = known_schemas(&self.connectors);
        if let Some((file, at, schema)) = place {
            schemas.add_place(file, at, schema);
        }
        let exposed = super::plaintext_guard::exposed(cat, &schemas, &self.plaintext_ok);
        if !exposed.is_empty() {
            self.overlays.push(Overlay::Guard { exposed });
            return;
        }
        let writes = save::plan_masked(cat, &schemas);
        if writes.is_empty() {
            self.info("Nothing to save: no unsaved changes");
            return;
        }
        self.overlays.push(Overlay::Diff { writes, scroll: 0 });
    }

    /// Starts encrypting `req` with sops in the background.
    pub fn encrypt(&mut self, req: super::encryption::EncryptRequest) -> Vec<Effect> {
        self.sops_busy = true;
        self.info("Encrypting with sops…");
        vec![Effect::Encrypt(Box::new(req))]
    }

    /// Starts decrypting a config for the form in the background.
    pub fn decrypt(&mut self, req: super::encryption::DecryptRequest) -> Vec<Effect> {
        self.sops_busy = true;
        self.info("Decrypting the config with sops…");
        vec![Effect::Decrypt(Box::new(req))]
    }

    /// Ctrl-R: reloads from disk, asking first when that would drop unsaved edits.
    pub fn ask_reload(&mut self) -> Vec<Effect> {
        if self.saving {
            self.info("Saving; try again in a moment");
            return vec![];
        }
        if self.is_dirty() {
            self.overlays.push(Overlay::Confirm(Confirm::ReloadUnsaved));
            return vec![];
        }
        self.reload()
    }

    /// Reads the catalog (or the config file) from disk again, dropping unsaved edits.
    pub fn reload(&mut self) -> Vec<Effect> {
        self.overlays.clear();
        self.phase = Phase::Loading(Progress::default());
        self.catalog = None;
        self.problems = None;
        self.pending_form = None;
        match self.source {
            Source::Catalog => vec![Effect::Load(self.path.clone())],
            Source::ConfigFile { .. } => vec![Effect::LoadConfigFile(self.path.clone())],
        }
    }

    /// Starts connector operation `op` of task `id`, after asking the user the first time
    /// this catalog runs that command.
    pub fn start_job(&mut self, id: EntityId, op: ConnOp) -> Vec<Effect> {
        if self.job_running() {
            self.info("A connector is already running; Esc cancels it");
            return vec![];
        }
        let Some(cat) = self.catalog.as_ref() else {
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
                self.warn(format!("Cannot run this task's connector: {}", e.0));
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
    pub fn launch(&mut self, spec: JobSpec) -> Vec<Effect> {
        let id = self.next_job;
        self.next_job += 1;
        self.job = Some(Job::new(id, spec.task.name.clone(), spec.op));
        vec![Effect::Connector(id, Box::new(spec))]
    }

    /// Esc while a connector runs: cancels it (kills its process group or removes its
    /// container).
    pub fn cancel_job(&mut self) -> Vec<Effect> {
        match self.job.as_mut() {
            Some(job) if job.running() => {
                job.cancelling = true;
                job.phase = "cancelling".into();
                vec![Effect::CancelJob(job.id)]
            }
            _ => vec![],
        }
    }
}
