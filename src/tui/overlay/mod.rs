//! Modal layers over the screen, as a stack: the top one takes the keys (its own context and
//! the keys that work everywhere) and is drawn last. Help, the save diff, questions (quitting
//! or reloading with unsaved changes, running a connector, writing a read-only file, writing
//! a secret in plaintext, which key to encrypt with), the changed-on-disk conflict and the
//! problem list.

mod help;
mod render;
mod sops;

pub use sops::KeyPrompt;

pub use render::render;

use crate::save::{PlannedWrite, Protected};
use crate::secrets::{self, Secret};
use crate::trust::RunPlan;

use super::app::Effect;
use super::connector_job::JobSpec;
use super::jobs::known_schemas;
use super::keymap::{Action, Context};
use super::shared::Shared;

/// What a confirmation asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    /// Quitting would lose unsaved changes.
    QuitUnsaved,
    /// Reloading from disk would drop unsaved changes.
    ReloadUnsaved,
    /// Leaving the Discovered bindings screen would drop the choices made on it.
    LeaveDiscovery,
    /// Leaving the setup wizard would drop what was given in it.
    LeaveWizard,
    /// A binding of a materialization is to be removed.
    RemoveBinding {
        id: crate::catalog::EntityId,
        index: usize,
    },
    /// There is no catalog in the folder: start one there?
    StartCatalog,
}

/// One modal layer.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help {
        scroll: usize,
        /// The key contexts of the screen below: the help lists what works there.
        under: Vec<Context>,
    },
    Diff {
        writes: Vec<PlannedWrite>,
        scroll: usize,
    },
    /// The save diff of a discovery: `catalog` is the catalog with it written in, which
    /// becomes the catalog when the user says yes.
    ApplyDiscovery {
        catalog: crate::tui::discovery_write::Pending,
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
    /// A save would write schema secrets in plaintext: encrypt, write anyway, or cancel.
    Guard {
        exposed: Vec<crate::tui::plaintext_guard::Exposed>,
    },
    /// No sops key is configured for a config to encrypt: which age recipient to use.
    Keys(Box<KeyPrompt>),
    /// The save diff of the wizard's new task: `y` writes it.
    ApplyCreate(Box<ApplyCreate>),
}

/// The files of a task the wizard made, waiting for the user's yes: `catalog` holds them and
/// becomes the catalog on yes; the new task is selected once they are written.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplyCreate {
    pub catalog: crate::tui::discovery_write::Pending,
    pub writes: Vec<PlannedWrite>,
    pub scroll: usize,
    pub name: String,
    /// A local command to record as Airbyte in flowspec's settings.
    pub airbyte_command: Option<String>,
}

impl Overlay {
    /// The overlay's own key context.
    pub fn context(&self) -> Context {
        match self {
            Overlay::Help { .. } => Context::Help,
            Overlay::Diff { .. } | Overlay::ApplyDiscovery { .. } | Overlay::ApplyCreate(_) => {
                Context::Diff
            }
            Overlay::Confirm(_) | Overlay::RunConnector(_) => Context::Confirm,
            Overlay::WriteProtected { .. } => Context::WriteProtected,
            Overlay::Conflict { .. } => Context::Conflict,
            Overlay::Problems { .. } => Context::Problems,
            Overlay::Guard { .. } => Context::Guard,
            Overlay::Keys(k) if k.asking => Context::KeyRule,
            Overlay::Keys(_) => Context::KeyPrompt,
        }
    }

    fn scroll(&mut self) -> Option<&mut usize> {
        match self {
            Overlay::Help { scroll, .. }
            | Overlay::Diff { scroll, .. }
            | Overlay::ApplyDiscovery { scroll, .. }
            | Overlay::Conflict { scroll, .. }
            | Overlay::Problems { scroll } => Some(scroll),
            Overlay::ApplyCreate(a) => Some(&mut a.scroll),
            Overlay::Confirm(_)
            | Overlay::RunConnector(_)
            | Overlay::WriteProtected { .. }
            | Overlay::Guard { .. }
            | Overlay::Keys(_) => None,
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

/// The stack of open overlays, bottom first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overlays(Vec<Overlay>);

impl Overlays {
    /// Opens `o` over the others.
    pub fn push(&mut self, o: Overlay) {
        self.0.push(o);
    }

    /// Closes the top overlay.
    pub fn pop(&mut self) -> Option<Overlay> {
        self.0.pop()
    }

    /// The overlay that has the keys.
    pub fn top(&self) -> Option<&Overlay> {
        self.0.last()
    }

    /// True when no overlay is open: the screen has the keys.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Closes every overlay (a reload makes their questions moot).
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// The open overlays, bottom first.
    pub fn iter(&self) -> impl Iterator<Item = &Overlay> {
        self.0.iter()
    }
}

/// Applies a key (resolved in the top overlay's context) to the top overlay.
pub fn on_action(sh: &mut Shared, action: Action) -> Vec<Effect> {
    let page = sh.page();
    let Some(top) = sh.overlays.0.last_mut() else {
        return vec![];
    };
    if let Some(scroll) = top.scroll() {
        let moved = match action {
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
    let top = sh.overlays.pop().expect("checked above");
    let top = match create_answer(sh, top, action) {
        Ok(effects) => return effects,
        Err(top) => top,
    };
    match (top, action) {
        (Overlay::Diff { writes, .. }, Action::Yes) => save(sh, writes, Protected::Refuse),
        (
            Overlay::ApplyDiscovery {
                catalog, writes, ..
            },
            Action::Yes,
        ) => {
            sh.catalog = Some(*catalog.0);
            sh.reload_after_save = true;
            // A secret typed into a row's resource form is guarded as in any other save:
            // the question (encrypt, plaintext, cancel) comes before anything is written.
            let exposed = match sh.catalog.as_ref() {
                Some(cat) => super::plaintext_guard::exposed(
                    cat,
                    &known_schemas(&sh.connectors),
                    &sh.plaintext_ok,
                ),
                None => Vec::new(),
            };
            if !exposed.is_empty() {
                sh.overlays.push(Overlay::Guard { exposed });
                return vec![];
            }
            save(sh, writes, Protected::Refuse)
        }
        (Overlay::ApplyDiscovery { .. }, Action::No | Action::Back) => {
            sh.info("Nothing was written; your choices are kept");
            vec![]
        }
        (Overlay::WriteProtected { writes, .. }, Action::Yes) => {
            save(sh, writes, Protected::Overwrite)
        }
        (Overlay::WriteProtected { files, .. }, Action::No) => {
            sh.info(format!(
                "Not saved (read-only: {}); your edits are kept",
                files.join(", ")
            ));
            vec![]
        }
        (Overlay::Confirm(Confirm::QuitUnsaved), Action::Yes) => vec![Effect::Quit],
        (Overlay::Confirm(Confirm::ReloadUnsaved), Action::Yes) => sh.reload(),
        (Overlay::Confirm(Confirm::LeaveDiscovery), Action::Yes) => {
            sh.nav.push(super::shared::Nav::Pop);
            vec![]
        }
        (Overlay::RunConnector(pending), Action::Yes) => {
            let PendingRun { plan, spec } = *pending;
            sh.trust.allow(&plan);
            let mut effects = vec![Effect::RememberTrust(Box::new(sh.trust.clone()))];
            effects.extend(sh.launch(spec));
            effects
        }
        (Overlay::RunConnector(_), Action::Back | Action::No) => {
            sh.pending_form = None;
            sh.info("Nothing was run");
            vec![]
        }
        (Overlay::Conflict { .. }, Action::Reload) => sh.reload(),
        (
            Overlay::Conflict {
                display,
                disk,
                file,
                ..
            },
            Action::ShowDiff,
        ) => {
            // Both versions may hold secrets (the disk's, the ones just typed): masked.
            let diff = sh.catalog.as_ref().map_or_else(String::new, |c| {
                let mine = c.files.get(file).map(|f| f.text()).unwrap_or_default();
                let schemas = known_schemas(&sh.connectors);
                secrets::masked_diff(c, file, &display, disk.expose(), mine, &schemas)
            });
            sh.overlays.push(Overlay::Conflict {
                display,
                diff: Some(diff),
                disk,
                file,
                scroll: 0,
            });
            vec![]
        }
        (Overlay::Guard { exposed }, action) => sops::guard(sh, exposed, action),
        (Overlay::Keys(prompt), action) => sops::keys(sh, *prompt, action),
        (_, Action::Back | Action::No) => vec![],
        (top, _) => {
            sh.overlays.push(top);
            vec![]
        }
    }
}

/// The answers about creating and removing (the wizard's diff, leaving it, removing a
/// binding, starting a catalog); any other overlay comes back as `Err`.
fn create_answer(sh: &mut Shared, top: Overlay, action: Action) -> Result<Vec<Effect>, Overlay> {
    Ok(match (top, action) {
        (Overlay::ApplyCreate(a), Action::Yes) => {
            let ApplyCreate {
                catalog,
                writes,
                name,
                airbyte_command,
                ..
            } = *a;
            sh.catalog = Some(*catalog.0);
            sh.reload_after_save = true;
            sh.select_after_load = Some(name);
            let mut effects = save(sh, writes, Protected::Refuse);
            if let Some(command) = airbyte_command {
                effects.push(Effect::RecordAirbyte(command));
            }
            effects
        }
        (Overlay::ApplyCreate(_), Action::No | Action::Back) => {
            sh.info("Nothing was written; the wizard keeps every value");
            vec![]
        }
        (Overlay::Confirm(Confirm::LeaveWizard), Action::Yes) => {
            sh.nav.push(super::shared::Nav::Pop);
            vec![]
        }
        (Overlay::Confirm(Confirm::RemoveBinding { id, index }), Action::Yes) => {
            remove_binding(sh, id, index);
            vec![]
        }
        (Overlay::Confirm(Confirm::StartCatalog), Action::Yes) => {
            sh.info("A new catalog: press n to create a capture or materialization (nothing is written until you save)");
            vec![]
        }
        (Overlay::Confirm(Confirm::StartCatalog), Action::No | Action::Back) => vec![Effect::Quit],
        (top, _) => return Err(top),
    })
}

/// Removes binding `index` of materialization `id` (the user said yes), then shows the diff.
fn remove_binding(sh: &mut Shared, id: crate::catalog::EntityId, index: usize) {
    let Some(cat) = sh.catalog.as_mut() else {
        return;
    };
    match crate::create::materialization::remove_binding(cat, id, index) {
        Ok(()) => sh.review_save(None),
        Err(e) => sh.warn(format!("Cannot remove the binding: {e}")),
    }
}

fn save(sh: &mut Shared, writes: Vec<PlannedWrite>, protected: Protected) -> Vec<Effect> {
    sh.saving = true;
    sh.info("Saving…");
    vec![Effect::Save { writes, protected }]
}
