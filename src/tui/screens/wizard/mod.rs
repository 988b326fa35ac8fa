//! The setup wizard: a new capture or materialization from nothing, one numbered step at a
//! time (shown at the top as done, current and to do). It holds every value the user gave so
//! that Esc can go back a step and Enter forward again without losing any, and it writes
//! nothing before the last step: the review ends in the usual save diff.
//!
//! It reuses what the editor has: the config form (opened over the wizard, handing the config
//! back through [`crate::tui::shared::Returned`]), the connector job machinery (spec with pull
//! progress, discover or validate as the connection test), the Discovered bindings screen (a
//! capture's bindings), the source collection picker (a materialization's), sops encryption
//! with its key prompt, and the save diff. What the files hold is decided by `crate::create`.

mod connector;
mod fields;
mod jobs;
mod keys;
mod render;
mod review;

pub use connector::{split_command, ConnectorFields, Origin};
pub use jobs::WizardJob;
pub use review::{prepare, CreatePrepared, CreateWrite};

use serde_json::Value;

use crate::connector::protocol::DiscoveredBinding;
use crate::create::Kind;
use crate::discover::Discovery;
use crate::secrets::Secret;
use crate::tui::keymap::Context;
use crate::tui::screens::form::LineEdit;
use crate::tui::shared::Shared;

/// One step of the wizard. Which steps a wizard has depends on its kind ([`steps`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Connector,
    Name,
    Endpoint,
    /// A capture's discovered bindings.
    Bindings,
    /// A materialization's source collections.
    Sources,
    /// A materialization's `fieldsRecommended`.
    Fields,
    Review,
}

impl Step {
    /// The step's name in the header.
    pub fn title(self) -> &'static str {
        match self {
            Step::Connector => "Connector",
            Step::Name => "Name",
            Step::Endpoint => "Endpoint config",
            Step::Bindings => "Bindings",
            Step::Sources => "Source collections",
            Step::Fields => "Fields",
            Step::Review => "Review",
        }
    }
}

/// The steps of a wizard creating `kind`, in order.
pub fn steps(kind: Kind) -> &'static [Step] {
    match kind {
        Kind::Capture => &[
            Step::Connector,
            Step::Name,
            Step::Endpoint,
            Step::Bindings,
            Step::Review,
        ],
        Kind::Materialization => &[
            Step::Connector,
            Step::Name,
            Step::Endpoint,
            Step::Sources,
            Step::Fields,
            Step::Review,
        ],
    }
}

/// One field of a step's page: what the focus moves over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Capture or materialization (only when the wizard was opened with `n`).
    Kind,
    /// Image or local command.
    Origin,
    Image,
    Command,
    Protocol,
    Prefix,
    Name,
    /// Whether `/<connector base name>` is appended to the name.
    Suffix,
    Interval,
    AddNewBindings,
    EvolveIncompatible,
    DeltaUpdates,
    FieldsRecommended,
}

impl Field {
    /// True for fields that take typed text.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            Field::Image | Field::Command | Field::Prefix | Field::Name | Field::Interval
        )
    }
}

/// What the connector's spec said, for the connector it was fetched from.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecFacts {
    pub connector: crate::create::Connector,
    pub config_schema: Value,
    pub resource_schema: Value,
    pub documentation_url: String,
    pub protocol: String,
}

/// The name step's fields.
#[derive(Clone)]
pub struct NameFields {
    pub prefix: LineEdit,
    pub name: LineEdit,
    /// Append `/<connector base name>`, as the web app suggests.
    pub suffix: bool,
}

/// The endpoint config as the form handed it back: the value (secrets in clear, so in a
/// [`Secret`]) and the fields to encrypt.
#[derive(Clone)]
pub struct EndpointConfig {
    pub value: Secret<Value>,
    pub encrypt: Vec<String>,
    /// The form's lock choices (fields marked, or kept in plaintext), kept for its reopening.
    pub locks: crate::tui::screens::form::locks::Locks,
}

/// A capture's options on the review step, defaulting as Flow's control plane does for a new
/// capture (`autoDiscover` with both flags on, the interval left to the connector).
#[derive(Clone)]
pub struct CaptureOptions {
    pub interval: LineEdit,
    pub add_new_bindings: bool,
    pub evolve_incompatible: bool,
}

/// A materialization's choices: its sources (picked collections or a linked capture), its
/// target naming, delta updates and `fieldsRecommended`.
#[derive(Debug, Clone, Default)]
pub struct MaterializationChoices {
    pub collections: Vec<String>,
    pub linked_capture: Option<String>,
    pub naming: Option<crate::create::materialization::TargetNaming>,
    pub delta_updates: bool,
    /// Index into [`fields::FIELDS_RECOMMENDED`].
    pub fields_recommended: usize,
}

/// The wizard's state: every value given so far, whatever step is shown.
#[derive(Clone)]
pub struct WizardScreen {
    pub kind: Kind,
    /// Opened with `n`: the kind can still be chosen on the first step.
    pub kind_open: bool,
    pub step: Step,
    /// The focused field of the step's page.
    pub focus: usize,
    pub connector: ConnectorFields,
    pub spec: Option<SpecFacts>,
    pub name: NameFields,
    pub config: Option<EndpointConfig>,
    /// The config the last connection test passed with (a test is not run again for it).
    pub tested: Option<Secret<Value>>,
    pub discovery: Option<Box<Discovery>>,
    /// The connector's last discover answer (bindings, resource path pointers): a new name
    /// merges it again without running the connector.
    pub last_discovered: Option<(Vec<DiscoveredBinding>, Vec<String>)>,
    /// The connector whose spec is being fetched (the fields may change meanwhile).
    pub fetching: Option<crate::create::Connector>,
    pub capture: CaptureOptions,
    pub materialization: MaterializationChoices,
    /// What the wizard waits for (a connector run, sops, the files).
    pub waiting: Option<WizardJob>,
    /// The last failure on this step and what to do about it.
    pub problem: Option<String>,
    /// The config field a failed connection test named (pointer) and what it said: the form
    /// shows it at that field.
    pub failed_field: Option<(String, String)>,
    /// Image references the spec cache knows, with the task type each was asked as
    /// (`capture`, `materialize`), for completion (read before the app started).
    pub cached_images: Vec<(String, String)>,
    /// The completions of the image typed, and which one Tab put in.
    pub completions: Vec<String>,
    pub completion: Option<usize>,
}

impl std::fmt::Debug for WizardScreen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WizardScreen")
            .field("kind", &self.kind)
            .field("step", &self.step)
            .field("focus", &self.focus)
            .field("waiting", &self.waiting)
            .finish_non_exhaustive()
    }
}

impl WizardScreen {
    /// A wizard creating `kind`; `kind_open` lets the first step change it (opened with `n`).
    /// The prefix starts as the catalog's most common tenant prefix.
    pub fn new(
        sh: &Shared,
        kind: Kind,
        kind_open: bool,
        cached_images: Vec<(String, String)>,
    ) -> Self {
        let prefix = sh
            .catalog
            .as_ref()
            .and_then(crate::create::names::default_prefix)
            .unwrap_or_default();
        WizardScreen {
            kind,
            kind_open,
            step: Step::Connector,
            focus: 0,
            connector: ConnectorFields::new(),
            spec: None,
            name: NameFields {
                prefix: LineEdit::new(prefix),
                name: LineEdit::new(String::new()),
                suffix: true,
            },
            config: None,
            tested: None,
            discovery: None,
            last_discovered: None,
            fetching: None,
            capture: CaptureOptions {
                interval: LineEdit::new(String::new()),
                add_new_bindings: true,
                evolve_incompatible: true,
            },
            materialization: MaterializationChoices::default(),
            waiting: None,
            problem: None,
            failed_field: None,
            cached_images,
            completions: Vec::new(),
            completion: None,
        }
        .with_focus_on_text()
    }

    /// The focus on the step's first text field (where typing starts).
    fn with_focus_on_text(mut self) -> Self {
        self.focus_first_text();
        self
    }

    pub(super) fn focus_first_text(&mut self) {
        self.focus = self.fields().iter().position(|f| f.is_text()).unwrap_or(0);
    }

    /// The steps of this wizard.
    pub fn steps(&self) -> &'static [Step] {
        steps(self.kind)
    }

    /// The position of the shown step.
    pub fn step_index(&self) -> usize {
        self.steps()
            .iter()
            .position(|s| *s == self.step)
            .unwrap_or(0)
    }

    /// `Step 3 of 5 · `: the title prefix of the screens the wizard opens over itself.
    pub fn step_label(&self) -> String {
        format!(
            "Step {} of {} · ",
            self.step_index() + 1,
            self.steps().len()
        )
    }

    /// The fields of the shown step's page.
    pub fn fields(&self) -> Vec<Field> {
        match self.step {
            Step::Connector => {
                let mut v = Vec::new();
                if self.kind_open {
                    v.push(Field::Kind);
                }
                v.push(Field::Origin);
                match self.connector.origin {
                    Origin::Image => v.push(Field::Image),
                    Origin::Local => v.extend([Field::Command, Field::Protocol]),
                }
                v
            }
            Step::Name => vec![Field::Prefix, Field::Name, Field::Suffix],
            Step::Review if self.kind == Kind::Capture => vec![
                Field::Interval,
                Field::AddNewBindings,
                Field::EvolveIncompatible,
            ],
            Step::Fields if self.offers_delta_updates() => {
                vec![Field::FieldsRecommended, Field::DeltaUpdates]
            }
            Step::Fields => vec![Field::FieldsRecommended],
            Step::Endpoint | Step::Bindings | Step::Sources | Step::Review => Vec::new(),
        }
    }

    /// True when the connector's resource schema has `x-delta-updates` (Flow refuses delta
    /// updates elsewhere).
    pub fn offers_delta_updates(&self) -> bool {
        self.spec.as_ref().is_some_and(|s| {
            crate::create::materialization::annotations(&s.resource_schema)
                .delta_updates
                .is_some()
        })
    }

    /// The focused field, if the page has fields.
    pub fn focused(&self) -> Option<Field> {
        self.fields().get(self.focus).copied()
    }

    /// True once the user gave anything: leaving then asks first.
    pub fn has_work(&self) -> bool {
        self.step != Step::Connector
            || !self.connector.image.text().is_empty()
            || !self.connector.command.text().is_empty()
    }

    /// The key contexts in force, innermost first: a running connector's Esc, then the
    /// focused field's keys, then the wizard's.
    pub fn contexts(&self, sh: &Shared) -> Vec<Context> {
        let mut v = Vec::new();
        if sh.job_running() {
            v.push(Context::Job);
        }
        match self.focused() {
            Some(Field::Image) => v.extend([Context::WizardImage, Context::WizardText]),
            Some(f) if f.is_text() => v.push(Context::WizardText),
            Some(_) => v.push(Context::WizardChoice),
            None => {}
        }
        v.extend([Context::Wizard, Context::Screens, Context::Always]);
        v
    }

    /// The full name the name step gives: prefix, name, and the suggested last component.
    pub fn full_name(&self) -> String {
        let prefix = self.name.prefix.text();
        let name = self.name.name.text();
        let base = self
            .connector
            .value()
            .map(|c| c.base_name())
            .unwrap_or_default();
        if self.name.suffix && !base.is_empty() {
            crate::create::names::suggested_name(prefix.trim(), name.trim(), &base)
        } else {
            format!("{}{}", prefix.trim(), name.trim())
        }
    }

    /// Text pasted while the wizard is shown: into the focused text field, on one line.
    pub fn paste(&mut self, text: &str) {
        let line = text.replace(['\r', '\n'], " ");
        if let Some(edit) = self.focused().and_then(|f| self.line_mut(f)) {
            edit.insert(&line);
        }
        self.typed();
    }
}
