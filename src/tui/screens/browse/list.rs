//! The entity list: grouping (by kind or by name prefix), incremental fuzzy filtering and the
//! selection. Pure state over the catalog; rendering only reads it.

use std::cell::Cell;
use std::collections::HashSet;

use crate::catalog::{Catalog, EntityId, EntityKind};

use crate::tui::fuzzy;

/// How the list is organised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    /// Captures, collections, materializations and tests under their own headers.
    Kind,
    /// A tree of name prefixes (`acmeCo/` › `shop/` › `orders`).
    Prefix,
}

/// One line of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    Header {
        kind: EntityKind,
        count: usize,
    },
    Folder {
        /// The full prefix, ending in `/`.
        prefix: String,
        depth: u16,
        collapsed: bool,
    },
    Entity {
        id: EntityId,
        depth: u16,
    },
}

impl Row {
    fn selectable(&self) -> bool {
        !matches!(self, Row::Header { .. })
    }
}

/// The list model.
#[derive(Debug, Clone)]
pub struct EntityList {
    /// Every entity, sorted for the current grouping.
    order: Vec<(EntityId, EntityKind)>,
    /// Indices into `order` that pass the filter.
    matched: Vec<u32>,
    pub grouping: Grouping,
    pub filter: String,
    pub rows: Vec<Row>,
    pub selected: usize,
    /// First visible row; adjusted while rendering to keep the selection in view.
    pub offset: Cell<usize>,
    collapsed: HashSet<String>,
}

impl EntityList {
    pub fn new(catalog: &Catalog) -> Self {
        let mut list = EntityList {
            order: Vec::new(),
            matched: Vec::new(),
            grouping: Grouping::Kind,
            filter: String::new(),
            rows: Vec::new(),
            selected: 0,
            offset: Cell::new(0),
            collapsed: HashSet::new(),
        };
        list.rebuild(catalog);
        list
    }

    /// Re-reads the catalog (after a load or reload), keeping grouping, filter and, where it
    /// still exists, the selected entity.
    pub fn rebuild(&mut self, catalog: &Catalog) {
        let keep = self
            .selected_entity()
            .map(|id| name_of(catalog, id).to_string());
        self.order = catalog.entities().map(|(id, e)| (id, e.kind)).collect();
        self.sort(catalog);
        self.refilter(catalog, false);
        if let Some(name) = keep {
            if let Some(pos) = self
                .rows
                .iter()
                .position(|r| matches!(r, Row::Entity { id, .. } if name_of(catalog, *id) == name))
            {
                self.selected = pos;
            }
        }
    }

    fn sort(&mut self, catalog: &Catalog) {
        match self.grouping {
            Grouping::Kind => self
                .order
                .sort_by(|a, b| (a.1, name_of(catalog, a.0)).cmp(&(b.1, name_of(catalog, b.0)))),
            Grouping::Prefix => self
                .order
                .sort_by(|a, b| (name_of(catalog, a.0), a.1).cmp(&(name_of(catalog, b.0), b.1))),
        }
        self.matched = (0..self.order.len() as u32).collect();
    }

    /// Switches between grouping by kind and by prefix.
    pub fn toggle_grouping(&mut self, catalog: &Catalog) {
        let keep = self.selected_entity();
        self.grouping = match self.grouping {
            Grouping::Kind => Grouping::Prefix,
            Grouping::Prefix => Grouping::Kind,
        };
        self.sort(catalog);
        self.refilter(catalog, false);
        if let Some(keep) = keep {
            self.select_entity(keep);
        }
    }

    /// Sets the filter text; narrowing an existing filter only re-tests the current matches.
    pub fn set_filter(&mut self, catalog: &Catalog, filter: &str) {
        let narrowing = filter.starts_with(self.filter.as_str()) && !self.filter.is_empty();
        self.filter = filter.to_string();
        self.refilter(catalog, narrowing);
        self.select_first_entity();
    }

    fn refilter(&mut self, catalog: &Catalog, narrowing: bool) {
        if !narrowing {
            self.matched = (0..self.order.len() as u32).collect();
        }
        if !self.filter.is_empty() {
            let (order, filter) = (&self.order, &self.filter);
            self.matched
                .retain(|&i| fuzzy::matches(filter, name_of(catalog, order[i as usize].0)));
        }
        self.build_rows(catalog);
    }

    fn build_rows(&mut self, catalog: &Catalog) {
        self.rows.clear();
        match self.grouping {
            Grouping::Kind => {
                let mut i = 0;
                while i < self.matched.len() {
                    let kind = self.order[self.matched[i] as usize].1;
                    let start = i;
                    while i < self.matched.len() && self.order[self.matched[i] as usize].1 == kind {
                        i += 1;
                    }
                    self.rows.push(Row::Header {
                        kind,
                        count: i - start,
                    });
                    self.rows
                        .extend(self.matched[start..i].iter().map(|&m| Row::Entity {
                            id: self.order[m as usize].0,
                            depth: 1,
                        }));
                }
            }
            Grouping::Prefix => {
                let mut open: Vec<&str> = Vec::new();
                for &m in &self.matched {
                    let id = self.order[m as usize].0;
                    let name = name_of(catalog, id);
                    let parts: Vec<&str> = name.split('/').collect();
                    let dirs = &parts[..parts.len().saturating_sub(1)];
                    let common = open.iter().zip(dirs).take_while(|(a, b)| a == b).count();
                    open.truncate(common);
                    for d in &dirs[common..] {
                        open.push(d);
                        let prefix = format!("{}/", open.join("/"));
                        let hidden = self.is_hidden(&open[..open.len() - 1]);
                        if !hidden {
                            let collapsed = self.collapsed.contains(&prefix);
                            self.rows.push(Row::Folder {
                                prefix,
                                depth: (open.len() - 1) as u16,
                                collapsed,
                            });
                        }
                    }
                    if !self.is_hidden(&open) {
                        self.rows.push(Row::Entity {
                            id,
                            depth: open.len() as u16,
                        });
                    }
                }
            }
        }
        if !self.rows.get(self.selected).is_some_and(Row::selectable) {
            self.select_first_entity();
        }
    }

    /// Is anything under the folders in `path` collapsed?
    fn is_hidden(&self, path: &[&str]) -> bool {
        (1..=path.len()).any(|n| {
            self.collapsed
                .contains(&format!("{}/", path[..n].join("/")))
        })
    }

    /// Selects the first entity row (the first match of a filter).
    pub fn select_first_entity(&mut self) {
        self.selected = self
            .rows
            .iter()
            .position(|r| matches!(r, Row::Entity { .. }))
            .or_else(|| self.rows.iter().position(Row::selectable))
            .unwrap_or(0);
    }

    fn select_entity(&mut self, want: EntityId) {
        if let Some(pos) = self
            .rows
            .iter()
            .position(|r| matches!(r, Row::Entity { id, .. } if *id == want))
        {
            self.selected = pos;
        }
    }

    /// Selects the entity named `name` (clearing a filter that hides it): a task the wizard
    /// just created.
    pub fn select_named(&mut self, catalog: &Catalog, name: &str) {
        let Some((id, _)) = catalog.entities().find(|(_, e)| e.name == name) else {
            return;
        };
        if !self
            .rows
            .iter()
            .any(|r| matches!(r, Row::Entity { id: i, .. } if *i == id))
        {
            self.set_filter(catalog, "");
        }
        self.select_entity(id);
    }

    pub fn selected_entity(&self) -> Option<EntityId> {
        match self.rows.get(self.selected) {
            Some(Row::Entity { id, .. }) => Some(*id),
            _ => None,
        }
    }

    pub fn selected_row(&self) -> Option<&Row> {
        self.rows.get(self.selected)
    }

    /// Number of entities passing the filter.
    pub fn match_count(&self) -> usize {
        self.matched.len()
    }

    pub fn total(&self) -> usize {
        self.order.len()
    }

    /// Moves the selection by `delta` selectable rows, stopping at the ends.
    pub fn move_by(&mut self, delta: isize) {
        if self.rows.is_empty() {
            return;
        }
        let mut pos = self.selected as isize;
        let mut left = delta.unsigned_abs();
        let step = delta.signum();
        while left > 0 {
            let mut next = pos + step;
            while next >= 0
                && (next as usize) < self.rows.len()
                && !self.rows[next as usize].selectable()
            {
                next += step;
            }
            if next < 0 || next as usize >= self.rows.len() {
                break;
            }
            pos = next;
            left -= 1;
        }
        self.selected = pos as usize;
    }

    pub fn top(&mut self) {
        self.selected = 0;
        self.move_by(0);
        if !self.rows.first().is_some_and(Row::selectable) {
            self.move_by(1);
        }
    }

    pub fn bottom(&mut self) {
        self.selected = self.rows.len().saturating_sub(1);
    }

    /// Folds or unfolds the selected prefix folder. Returns false when the selection is not one.
    pub fn toggle_folder(&mut self, catalog: &Catalog) -> bool {
        let Some(Row::Folder { prefix, .. }) = self.rows.get(self.selected).cloned() else {
            return false;
        };
        if !self.collapsed.remove(&prefix) {
            self.collapsed.insert(prefix.clone());
        }
        self.build_rows(catalog);
        if let Some(pos) = self
            .rows
            .iter()
            .position(|r| matches!(r, Row::Folder { prefix: p, .. } if *p == prefix))
        {
            self.selected = pos;
        }
        true
    }
}

fn name_of(catalog: &Catalog, id: EntityId) -> &str {
    catalog.entity(id).map(|e| e.name.as_str()).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("flow.yaml");
        std::fs::write(
            &p,
            "collections:\n  acme/shop/orders: {key: [/id], schema: {}}\n  acme/shop/users: {key: [/id], schema: {}}\n  other/x: {key: [/id], schema: {}}\ncaptures:\n  acme/shop/source-pg: {endpoint: {connector: {image: 'a:b', config: {}}}, bindings: []}\n",
        )
        .unwrap();
        crate::catalog::load(&p, &mut |_| {}).unwrap()
    }

    fn names(cat: &Catalog, list: &EntityList) -> Vec<String> {
        list.rows
            .iter()
            .map(|r| match r {
                Row::Header { kind, count } => format!("# {} {count}", kind.plural()),
                Row::Folder { prefix, depth, .. } => {
                    format!("{}{prefix}", " ".repeat(*depth as usize))
                }
                Row::Entity { id, depth } => {
                    format!(
                        "{}{}",
                        " ".repeat(*depth as usize),
                        cat.entity(*id).unwrap().name
                    )
                }
            })
            .collect()
    }

    #[test]
    fn groups_by_kind_with_headers_and_skips_them() {
        let cat = catalog();
        let mut list = EntityList::new(&cat);
        assert_eq!(
            names(&cat, &list),
            vec![
                "# Captures 1",
                " acme/shop/source-pg",
                "# Collections 3",
                " acme/shop/orders",
                " acme/shop/users",
                " other/x"
            ]
        );
        assert_eq!(list.selected, 1);
        list.move_by(1);
        assert_eq!(list.selected, 3, "the header row is skipped");
        list.move_by(-5);
        assert_eq!(list.selected, 1);
    }

    #[test]
    fn filter_selects_first_match_and_narrows() {
        let cat = catalog();
        let mut list = EntityList::new(&cat);
        list.set_filter(&cat, "sh");
        assert_eq!(list.match_count(), 3, "everything under acme/shop/");
        list.set_filter(&cat, "shus");
        assert_eq!(list.match_count(), 1);
        assert_eq!(
            cat.entity(list.selected_entity().unwrap()).unwrap().name,
            "acme/shop/users"
        );
        list.set_filter(&cat, "");
        assert_eq!(list.match_count(), 4);
    }

    #[test]
    fn prefix_tree_folds() {
        let cat = catalog();
        let mut list = EntityList::new(&cat);
        list.toggle_grouping(&cat);
        assert_eq!(
            names(&cat, &list),
            vec![
                "acme/",
                " acme/shop/",
                "  acme/shop/orders",
                "  acme/shop/source-pg",
                "  acme/shop/users",
                "other/",
                " other/x"
            ]
        );
        list.top();
        assert!(list.toggle_folder(&cat));
        assert_eq!(names(&cat, &list), vec!["acme/", "other/", " other/x"]);
    }
}
