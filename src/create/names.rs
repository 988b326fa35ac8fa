//! Naming a new task: the prefix offered first (the catalog's most common tenant), the web
//! app's suggestion (`acmeCo/shop` → `acmeCo/shop/source-postgres`, its
//! `useEntityNameSuffix`), and the checks a name must pass before anything is written.

use std::collections::HashMap;

use crate::catalog::names::catalog_name_problem;
use crate::catalog::Catalog;

/// The catalog's most common tenant prefix (first name component and `/`, e.g. `acmeCo/`),
/// counting every entity; on a tie the one seen first. `None` for a catalog with no names
/// under a tenant.
pub fn default_prefix(catalog: &Catalog) -> Option<String> {
    let mut counts: HashMap<&str, (usize, usize)> = HashMap::new();
    for (order, (_, e)) in catalog.entities().enumerate() {
        let Some(i) = e.name.find('/') else { continue };
        let entry = counts.entry(&e.name[..=i]).or_insert((0, order));
        entry.0 += 1;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.1 .1.cmp(&a.1 .1)))
        .map(|(p, _)| p.to_string())
}

/// As the web app: `prefix` + `name`, then `/<base>` unless the last component already is
/// `base`. A `prefix` without its trailing `/` gets one; an empty `name` gives
/// `prefix` + `base`.
pub fn suggested_name(prefix: &str, name: &str, base: &str) -> String {
    let mut full = prefix.to_string();
    if !full.is_empty() && !full.ends_with('/') {
        full.push('/');
    }
    full.push_str(name.trim_matches('/'));
    if base.is_empty() || full.rsplit('/').next() == Some(base) {
        return full;
    }
    if !full.is_empty() && !full.ends_with('/') {
        full.push('/');
    }
    full.push_str(base);
    full
}

/// Checks a full task name while it is typed: Flow's name rules (the check's
/// [`catalog_name_problem`]), a tenant and a name at least (`tenant/name`), not a name any
/// entity of the catalog has, and neither a path prefix of another name nor under one (Flow's
/// `NameCollision`). `Err` is a short message for the form line.
pub fn validate(catalog: &Catalog, name: &str) -> Result<(), String> {
    if let Some(problem) = catalog_name_problem(name) {
        return Err(problem);
    }
    if !name.contains('/') {
        return Err(format!(
            "`{name}` needs a prefix: a tenant and a name, such as `acmeCo/{name}`"
        ));
    }
    for (_, e) in catalog.entities() {
        let at = || {
            format!(
                "{}:{}",
                catalog.display_path(&catalog.files[e.file].path),
                e.line
            )
        };
        if e.name == name {
            return Err(format!(
                "`{name}` is already a {} of this catalog ({})",
                e.kind.label(),
                at()
            ));
        }
        let under = |long: &str, short: &str| {
            long.len() > short.len()
                && long.starts_with(short)
                && long.as_bytes()[short.len()] == b'/'
        };
        if under(&e.name, name) || under(name, &e.name) {
            return Err(format!(
                "`{name}` and the {} `{}` ({}) would collide: a Flow name must not be a path prefix of another",
                e.kind.label(),
                e.name,
                at()
            ));
        }
    }
    Ok(())
}

/// Why a new capture's binding cannot target collection `target`: it is the capture's own
/// name, a task's name, or a path prefix of (or under) another name. `None` when it can (a
/// collection of that name already defined is fine: the discovery updates it).
pub fn target_problem(catalog: &Catalog, capture: &str, target: &str) -> Option<String> {
    let under = |long: &str, short: &str| {
        long.len() > short.len() && long.starts_with(short) && long.as_bytes()[short.len()] == b'/'
    };
    if target == capture || under(target, capture) || under(capture, target) {
        return Some(format!(
            "the binding's collection `{target}` collides with the capture's name `{capture}`; rename it"
        ));
    }
    catalog.entities().find_map(|(_, e)| {
        if e.name == target && e.kind != crate::catalog::EntityKind::Collection {
            Some(format!(
                "the binding's collection `{target}` is the name of a {} of this catalog; rename it",
                e.kind.label()
            ))
        } else if under(&e.name, target) || under(target, &e.name) {
            Some(format!(
                "the binding's collection `{target}` and the {} `{}` would collide: a Flow name must not be a path prefix of another",
                e.kind.label(),
                e.name
            ))
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog(text: &str) -> (tempfile::TempDir, Catalog) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("flow.yaml"), text).unwrap();
        let cat = crate::catalog::load(&dir.path().join("flow.yaml"), &mut |_| {}).unwrap();
        (dir, cat)
    }

    #[test]
    fn the_most_common_tenant_is_offered_first() {
        let (_d, cat) = catalog(
            "collections:\n  other/x: {key: [/id], schema: {}}\n  acmeCo/a: {key: [/id], schema: {}}\n  acmeCo/b/c: {key: [/id], schema: {}}\n  plain: {key: [/id], schema: {}}\n",
        );
        assert_eq!(default_prefix(&cat).as_deref(), Some("acmeCo/"));
        let (_d, tie) = catalog(
            "collections:\n  zeta/x: {key: [/id], schema: {}}\n  alpha/y: {key: [/id], schema: {}}\n",
        );
        assert_eq!(default_prefix(&tie).as_deref(), Some("zeta/"));
        let (_d, empty) = catalog("{}\n");
        assert_eq!(default_prefix(&empty), None);
    }

    #[test]
    fn the_web_app_s_suffix() {
        assert_eq!(
            suggested_name("acmeCo/", "shop", "source-postgres"),
            "acmeCo/shop/source-postgres"
        );
        assert_eq!(
            suggested_name("acmeCo", "shop/source-postgres", "source-postgres"),
            "acmeCo/shop/source-postgres"
        );
        assert_eq!(
            suggested_name("acmeCo/", "", "source-postgres"),
            "acmeCo/source-postgres"
        );
        assert_eq!(suggested_name("", "acme/x", "source-y"), "acme/x/source-y");
        assert_eq!(suggested_name("acme/", "x", ""), "acme/x");
    }

    #[test]
    fn names_are_checked_like_flow_and_against_the_catalog() {
        let (_d, cat) = catalog(
            "collections:\n  acmeCo/shop/orders: {key: [/id], schema: {}}\ncaptures:\n  acmeCo/src:\n    endpoint: {local: {command: [x], config: {}}}\n    bindings: []\n",
        );
        assert_eq!(validate(&cat, "acmeCo/shop/source-demo"), Ok(()));
        let taken = validate(&cat, "acmeCo/src").unwrap_err();
        assert!(
            taken.contains("already a capture") && taken.contains("flow.yaml:4"),
            "{taken}"
        );
        let e = validate(&cat, "acmeCo/shop").unwrap_err();
        assert!(
            e.contains("path prefix") && e.contains("acmeCo/shop/orders"),
            "{e}"
        );
        let e = validate(&cat, "acmeCo/src/more").unwrap_err();
        assert!(e.contains("path prefix"), "{e}");
        assert!(validate(&cat, "acmeCo/srcx").is_ok());
        assert!(validate(&cat, "single")
            .unwrap_err()
            .contains("needs a prefix"));
        assert!(validate(&cat, "acme co/x").unwrap_err().contains("' '"));
        assert!(validate(&cat, "acme//x").unwrap_err().contains("//"));
        assert!(validate(&cat, "acme/x/").is_err());
        assert!(validate(&cat, "").is_err());
        // Targets of a new capture's bindings.
        assert_eq!(
            target_problem(&cat, "acmeCo/new/src", "acmeCo/shop/orders"),
            None
        );
        let own = target_problem(&cat, "acmeCo/new/src", "acmeCo/new/src").unwrap();
        assert!(own.contains("capture's name"), "{own}");
        let task = target_problem(&cat, "acmeCo/new/src", "acmeCo/src").unwrap();
        assert!(task.contains("name of a capture"), "{task}");
        let prefix = target_problem(&cat, "acmeCo/new/src", "acmeCo/shop/orders/x").unwrap();
        assert!(prefix.contains("path prefix"), "{prefix}");
    }
}
