//! The source collection picker: every collection of the catalog, to pick for a
//! materialization's bindings (filter with `/`, Space picks, `a` picks all shown), or a capture
//! to link (`source: {capture: NAME}`: the bindings linking adds shown as Flow's controller
//! would add them), and the target naming when the connector names schemas (`x-schema-name`),
//! with a live preview of each binding's resource and a warning when two map to one table.
//!
//! It serves the wizard's Sources step (its choices go back to the wizard) and an existing
//! materialization (its picks become new bindings, through the usual save diff).

mod keys;
mod render;

use std::cell::Cell;
use std::collections::BTreeSet;

use serde_json::Value;

use crate::catalog::{EntityId, EntityKind};
use crate::create::materialization::{ResourceAnnotations, TargetNaming};
use crate::tui::fuzzy;
use crate::tui::keymap::Context;
use crate::tui::screens::wizard::MaterializationChoices;
use crate::tui::shared::Shared;

/// What the picked sources are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The wizard's Sources step: the choices go back to it.
    Wizard,
    /// New bindings for this existing materialization.
    Add(EntityId),
}

/// What the keyboard is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Picking collections.
    Collections,
    /// Typing the filter.
    Filter,
    /// Choosing a capture to link.
    Captures,
}

/// The choices the picker hands back to the wizard.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceChoices {
    pub collections: Vec<String>,
    pub linked_capture: Option<String>,
    pub naming: Option<TargetNaming>,
}

/// The target naming choices, in the order `t` cycles through them, the two that name a
/// schema starting with `schema`.
pub fn namings(schema: &str) -> [TargetNaming; 3] {
    [
        TargetNaming::MatchSourceStructure,
        TargetNaming::SingleSchema {
            schema: schema.into(),
        },
        TargetNaming::PrefixTableNames {
            schema: schema.into(),
            skip_common_defaults: true,
        },
    ]
}

/// Which of [`namings`] `n` is (whatever its schema).
fn naming_index(n: &TargetNaming) -> usize {
    match n {
        TargetNaming::MatchSourceStructure => 0,
        TargetNaming::SingleSchema { .. } => 1,
        TargetNaming::PrefixTableNames { .. } => 2,
    }
}

/// How a target naming is described on the screen.
pub fn naming_label(n: &TargetNaming) -> String {
    match n {
        TargetNaming::MatchSourceStructure => {
            "match the source structure (acmeCo/shop/orders → schema shop, table orders)".into()
        }
        TargetNaming::SingleSchema { schema } => {
            format!("one schema, {schema} (acmeCo/shop/orders → {schema}.orders)")
        }
        TargetNaming::PrefixTableNames { schema, .. } => {
            format!("prefix table names ({schema}.shop_orders for acmeCo/shop/orders)")
        }
    }
}

/// The picker's state.
#[derive(Debug, Clone)]
pub struct SourcesScreen {
    pub purpose: Purpose,
    /// Every collection of the catalog, sorted by name.
    pub collections: Vec<String>,
    /// Every capture of the catalog, sorted by name.
    pub captures: Vec<String>,
    pub picked: BTreeSet<String>,
    pub linked_capture: Option<String>,
    pub naming: Option<TargetNaming>,
    /// What the connector's resource schema supports (x-collection-name, x-schema-name, …).
    pub annotations: ResourceAnnotations,
    pub filter: String,
    /// The rows shown (indices into the list of the mode), after the filter.
    pub view: Vec<usize>,
    pub selected: usize,
    pub offset: Cell<usize>,
    pub mode: Mode,
    /// The materialization's name (for the preview and the title).
    pub task: String,
    pub delta_updates: bool,
    /// The new materialization's connector (the wizard's), for the preview; `None` when
    /// adding bindings to an existing one.
    pub connector: Option<crate::create::Connector>,
    /// `Step 4 of 6 · ` when the wizard opened the picker: its title says where the user is.
    pub step_label: Option<String>,
    /// The schema name being typed for `singleSchema` or `prefixTableNames`.
    pub schema_edit: Option<crate::tui::screens::form::LineEdit>,
    /// The schema those namings start with: the endpoint config's `schema`, else `public`.
    pub default_schema: String,
}

impl SourcesScreen {
    fn new(sh: &Shared, purpose: Purpose, resource_schema: Option<&Value>, task: String) -> Self {
        let mut collections = Vec::new();
        let mut captures = Vec::new();
        if let Some(cat) = sh.catalog.as_ref() {
            for (_, e) in cat.entities() {
                match e.kind {
                    EntityKind::Collection => collections.push(e.name.clone()),
                    EntityKind::Capture => captures.push(e.name.clone()),
                    _ => {}
                }
            }
        }
        collections.sort();
        collections.dedup();
        captures.sort();
        let annotations = resource_schema
            .map(crate::create::materialization::annotations)
            .unwrap_or_default();
        let mut s = SourcesScreen {
            purpose,
            view: (0..collections.len()).collect(),
            collections,
            captures,
            picked: BTreeSet::new(),
            linked_capture: None,
            naming: None,
            annotations,
            filter: String::new(),
            selected: 0,
            offset: Cell::new(0),
            mode: Mode::Collections,
            task,
            delta_updates: false,
            connector: None,
            step_label: None,
            schema_edit: None,
            default_schema: "public".into(),
        };
        s.refilter();
        s
    }

    /// The picker for the wizard, on the choices made so far.
    pub fn for_wizard(
        sh: &Shared,
        choices: &MaterializationChoices,
        resource_schema: Option<&Value>,
        task: String,
        connector: Option<crate::create::Connector>,
    ) -> Self {
        let mut s = Self::new(sh, Purpose::Wizard, resource_schema, task);
        s.connector = connector;
        s.picked = choices.collections.iter().cloned().collect();
        s.linked_capture = choices.linked_capture.clone();
        s.naming = choices.naming.clone();
        s.delta_updates = choices.delta_updates;
        s
    }

    /// The picker adding bindings to materialization `id`; the collections it reads already
    /// are left out.
    pub fn for_materialization(sh: &Shared, id: EntityId, resource_schema: Option<&Value>) -> Self {
        let name = sh
            .catalog
            .as_ref()
            .and_then(|c| c.entity(id))
            .map(|e| e.name.clone())
            .unwrap_or_default();
        let mut s = Self::new(sh, Purpose::Add(id), resource_schema, name);
        if let Some(e) = sh.catalog.as_ref().and_then(|c| c.entity(id)) {
            let used: BTreeSet<&str> = e
                .bindings
                .iter()
                .filter_map(|b| b.collection.as_deref())
                .collect();
            s.collections.retain(|c| !used.contains(c.as_str()));
        }
        s.refilter();
        s
    }

    /// The key contexts in force, innermost first.
    pub fn contexts(&self) -> Vec<Context> {
        if self.schema_edit.is_some() {
            return vec![Context::SourcesSchema, Context::Screens, Context::Always];
        }
        let inner = match self.mode {
            Mode::Filter => Context::SourcesFilter,
            Mode::Collections | Mode::Captures => Context::Sources,
        };
        vec![inner, Context::Screens, Context::Always]
    }

    /// The names the current mode lists.
    pub fn list(&self) -> &[String] {
        match self.mode {
            Mode::Captures => &self.captures,
            Mode::Collections | Mode::Filter => &self.collections,
        }
    }

    /// Recomputes the shown rows from the filter.
    pub fn refilter(&mut self) {
        let f = self.filter.clone();
        self.view = self
            .list()
            .iter()
            .enumerate()
            .filter(|(_, n)| fuzzy::matches(&f, n))
            .map(|(i, _)| i)
            .collect();
        self.selected = self.selected.min(self.view.len().saturating_sub(1));
    }

    /// The highlighted name, if any.
    pub fn current(&self) -> Option<&str> {
        let i = *self.view.get(self.selected)?;
        self.list().get(i).map(String::as_str)
    }

    /// The choices as the wizard keeps them.
    pub fn choices(&self) -> SourceChoices {
        SourceChoices {
            collections: self.picked.iter().cloned().collect(),
            linked_capture: self.linked_capture.clone(),
            naming: self.naming.clone(),
        }
    }

    /// True when something was picked (leaving an existing materialization's picker asks).
    pub fn unsaved(&self) -> bool {
        matches!(self.purpose, Purpose::Add(_)) && !self.picked.is_empty()
    }
}
