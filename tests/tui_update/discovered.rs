//! The Discovered bindings screen (issue 9): `d` opens it when the discovery answers; rows,
//! choosing, filtering, renaming, the resource form, the detail pane, applying and leaving.

use super::*;
use common::discovery::{
    self, binding, discover, discover_unmerged, discover_with, fixture_bindings, shown,
};
use flowspec::discover::Status;
use flowspec::tui::keymap::Context;
use flowspec::tui::screens::discovered::Mode;
use flowspec::tui::screens::Screen;

fn app() -> flowspec::tui::app::App {
    let mut a = trusted_app(&fixture("ui/flow.yaml"), Theme::color());
    discover(&mut a, fixture_bindings());
    a
}

/// The row whose resource path is `path`, by its index in the discovery.
fn row<'a>(a: &'a flowspec::tui::app::App, path: &str) -> &'a flowspec::discover::Row {
    let s = shown(a);
    s.discovery
        .rows
        .iter()
        .find(|r| flowspec::discover::path::label(&r.path) == path)
        .unwrap_or_else(|| panic!("no row {path}"))
}

/// Moves the selection to the row of `path` (through the filter, then clears it).
fn go_to(a: &mut flowspec::tui::app::App, path: &str) {
    press(a, &["/", "esc", "/"]);
    type_text(a, path);
    press(a, &["enter"]);
    let s = shown(a);
    let i = s.current().unwrap();
    let label = flowspec::discover::path::label(&s.discovery.rows[i].path);
    assert!(label.ends_with(path), "{label} for {path}");
}

#[test]
fn d_opens_the_screen_with_one_row_per_resource_merged_as_flow_does() {
    let mut a = app();
    let s = shown(&a);
    assert_eq!(s.discovery.rows.len(), 5, "4 discovered + refunds gone");
    let orders = row(&a, "public.orders");
    assert_eq!(orders.status, Status::Existing);
    assert_eq!(orders.target, "acmeCo/sales/orders");
    let customers = row(&a, "public.customers");
    assert_eq!(customers.status, Status::Existing);
    assert!(customers.effect.key_changed, "[/id] → [/id, /email]");
    let shipments = row(&a, "public.shipments");
    assert_eq!(shipments.status, Status::New);
    assert!(shipments.selected, "new rows are selected by default");
    assert_eq!(shipments.target, "acmeCo/sales/shipments");
    let audit = row(&a, "public.audit_log");
    assert!(!audit.selected, "the connector's disable hint deselects it");
    let refunds = row(&a, "public.refunds");
    assert_eq!(refunds.status, Status::Gone);
    assert!(!refunds.selected, "gone rows are marked for removal");
    let text = screen(&mut a, 120, 40);
    assert!(text.contains("Discovered bindings · acmeCo/sales/source-postgres"));
    assert!(
        text.contains("2 new (1 to add) · 2 existing · 1 gone (1 to remove)"),
        "{text}"
    );
    assert!(
        text.contains("Will be removed (no longer discovered): acmeCo/sales/refunds"),
        "the screen says plainly what will be removed:\n{text}"
    );
    assert!(text.contains("existing, key changed"), "{text}");
    assert!(text.contains("gone: will be removed"), "{text}");
}

#[test]
fn space_toggles_new_and_gone_rows_and_refuses_existing_ones() {
    let mut a = app();
    go_to(&mut a, "shipments");
    press(&mut a, &["space"]);
    assert!(!row(&a, "public.shipments").selected);
    assert_eq!(shown(&a).counts.adding, 0);
    assert!(shown(&a).changed);
    go_to(&mut a, "refunds");
    press(&mut a, &["space"]);
    assert!(row(&a, "public.refunds").selected, "Space keeps a gone row");
    assert_eq!(shown(&a).counts.removing, 0);
    go_to(&mut a, "orders");
    press(&mut a, &["space"]);
    assert_eq!(row(&a, "public.orders").status, Status::Existing);
    let status = a.shared.status.clone().unwrap();
    assert!(
        status.text.contains("existing bindings are kept"),
        "{}",
        status.text
    );
}

#[test]
fn a_toggles_every_row_the_filter_shows_and_only_those() {
    let mut a = app();
    press(&mut a, &["/"]);
    type_text(&mut a, "ship");
    press(&mut a, &["enter"]);
    assert_eq!(shown(&a).view.len(), 1);
    press(&mut a, &["a"]);
    assert!(!row(&a, "public.shipments").selected);
    assert!(
        !row(&a, "public.audit_log").selected,
        "not shown: untouched"
    );
    press(&mut a, &["a"]);
    assert!(row(&a, "public.shipments").selected);
    // Unfiltered: every choosable row is selected, then every one deselected.
    press(&mut a, &["/", "esc"]);
    assert_eq!(shown(&a).view.len(), 5);
    press(&mut a, &["a"]);
    assert!(row(&a, "public.audit_log").selected && row(&a, "public.refunds").selected);
    press(&mut a, &["a"]);
    assert!(!row(&a, "public.shipments").selected && !row(&a, "public.refunds").selected);
}

#[test]
fn the_filter_is_fuzzy_keeps_on_enter_and_takes_printable_keys_as_text() {
    let mut a = app();
    press(&mut a, &["/"]);
    assert_eq!(a.contexts().first(), Some(&Context::DiscoveredFilter));
    type_text(&mut a, "pbshp");
    assert_eq!(shown(&a).view.len(), 1, "fuzzy: public.shipments");
    press(
        &mut a,
        &["backspace", "backspace", "backspace", "backspace"],
    );
    type_text(&mut a, "an a");
    assert_eq!(shown(&a).filter, "pan a", "space, n and a are text here");
    assert!(!shown(&a).changed);
    press(&mut a, &["esc"]);
    assert_eq!(shown(&a).filter, "");
    assert!(matches!(shown(&a).mode, Mode::Rows));
    // Matches targets too.
    press(&mut a, &["/"]);
    type_text(&mut a, "acmeCo/sales/refunds");
    press(&mut a, &["enter"]);
    assert_eq!(shown(&a).view.len(), 1);
    assert!(matches!(shown(&a).mode, Mode::Rows));
    assert_eq!(shown(&a).filter, "acmeCo/sales/refunds", "Enter keeps it");
}

/// The rows a filter should show, matched afresh.
fn fresh_view(a: &flowspec::tui::app::App) -> Vec<u32> {
    let s = shown(a);
    (0..s.discovery.rows.len() as u32)
        .filter(|&i| {
            let r = &s.discovery.rows[i as usize];
            let text = format!("{} {}", flowspec::discover::path::label(&r.path), r.target);
            flowspec::tui::fuzzy::matches(&s.filter, &text)
        })
        .collect()
}

#[test]
fn typing_backspace_and_renaming_always_show_what_a_fresh_filter_would() {
    let mut a = app();
    press(&mut a, &["/"]);
    for step in [
        "p",
        "u",
        "b",
        "backspace",
        "backspace",
        "s",
        "h",
        "backspace",
        "backspace",
        "backspace",
        "backspace",
        "x",
        "backspace",
        "o",
        "r",
        "d",
    ] {
        if step == "backspace" {
            press(&mut a, &["backspace"]);
        } else {
            type_text(&mut a, step);
        }
        assert_eq!(
            shown(&a).view,
            fresh_view(&a),
            "after {step:?}: {}",
            shown(&a).filter
        );
    }
    // A rename changes what a row matches: the views kept for Backspace see the new name.
    press(&mut a, &["esc", "/"]);
    type_text(&mut a, "sales/ship");
    assert_eq!(shown(&a).view, fresh_view(&a));
    assert_eq!(shown(&a).view.len(), 1, "acmeCo/sales/shipments");
    press(&mut a, &["enter", "n"]);
    for _ in 0.."shipments".len() {
        press(&mut a, &["backspace"]);
    }
    type_text(&mut a, "parcels");
    press(&mut a, &["enter", "/"]);
    for _ in 0..3 {
        press(&mut a, &["backspace"]);
        assert_eq!(shown(&a).view, fresh_view(&a), "{}", shown(&a).filter);
    }
    assert!(
        fresh_view(&a).len() < shown(&a).discovery.rows.len(),
        "the filter still narrows"
    );
}

#[test]
fn rename_validates_as_a_flow_name_while_typing_and_enter_renames() {
    let mut a = app();
    go_to(&mut a, "shipments");
    press(&mut a, &["n"]);
    assert_eq!(a.contexts().first(), Some(&Context::DiscoveredRename));
    for _ in 0.."shipments".len() {
        press(&mut a, &["backspace"]);
    }
    type_text(&mut a, "bad name");
    let text = screen(&mut a, 120, 40);
    assert!(text.contains("Target: acmeCo/sales/bad name"), "{text}");
    assert!(text.contains("✗ invalid catalog name"), "{text}");
    press(&mut a, &["enter"]);
    assert!(
        matches!(shown(&a).mode, Mode::Rename(_)),
        "an invalid name stays"
    );
    assert_eq!(row(&a, "public.shipments").target, "acmeCo/sales/shipments");
    for _ in 0.."bad name".len() {
        press(&mut a, &["backspace"]);
    }
    type_text(&mut a, "deliveries");
    assert!(screen(&mut a, 120, 40).contains("✓ a valid collection name"));
    press(&mut a, &["enter"]);
    assert!(matches!(shown(&a).mode, Mode::Rows));
    let r = row(&a, "public.shipments");
    assert_eq!(r.target, "acmeCo/sales/deliveries");
    assert!(!r.effect.defined, "a new collection will be created");
    assert!(shown(&a).changed);
    // The recommendation shows where the target differs from Flow's name.
    let text = screen(&mut a, 120, 40);
    assert!(text.contains("acmeCo/sales/deliveries"), "{text}");
    // Esc while renaming keeps the old name; existing rows are not renamed here.
    press(&mut a, &["n", "x", "esc"]);
    assert_eq!(
        row(&a, "public.shipments").target,
        "acmeCo/sales/deliveries"
    );
    go_to(&mut a, "orders");
    press(&mut a, &["n"]);
    assert!(matches!(shown(&a).mode, Mode::Rows));
}

#[test]
fn enter_opens_the_resource_form_prefilled_without_meta_and_its_save_comes_back() {
    let mut a = app();
    go_to(&mut a, "shipments");
    press(&mut a, &["enter"]);
    let form = a.form().expect("the resource form is shown");
    let value = form.state.to_json();
    assert_eq!(value["stream"], "shipments");
    assert!(
        value.get("_meta").is_none(),
        "_meta is never shown: {value}"
    );
    let text = screen(&mut a, 120, 40);
    assert!(
        text.contains("Resource config of public.shipments"),
        "{text}"
    );
    assert!(!text.contains("_meta"), "{text}");
    // Mode: incremental → snapshot, then save: back on the screen, the catalog untouched.
    press(&mut a, &["down", "down", "right", "ctrl-s"]);
    assert!(
        matches!(a.screen(), Screen::Discovered(_)),
        "{:?}",
        a.screen()
    );
    assert!(!a.is_dirty(), "the form edits the row, not the catalog");
    let s = shown(&a);
    let i = s.current().unwrap();
    let resource = s.discovery.resource(i);
    assert_eq!(resource["mode"], "snapshot");
    assert_eq!(
        resource["_meta"],
        serde_json::json!({"path": ["public", "shipments"]}),
        "_meta is carried through untouched"
    );
    // `r` opens it too; an existing row keeps its resource.
    press(&mut a, &["r", "esc"]);
    assert!(matches!(a.screen(), Screen::Discovered(_)));
    go_to(&mut a, "orders");
    press(&mut a, &["r"]);
    assert!(matches!(a.screen(), Screen::Discovered(_)));
}

#[test]
fn tab_shows_the_detail_with_key_schema_and_what_changes() {
    let mut a = app();
    go_to(&mut a, "customers");
    press(&mut a, &["tab"]);
    assert_eq!(a.contexts().first(), Some(&Context::DiscoveredDetail));
    let text = screen(&mut a, 120, 40);
    assert!(text.contains("Discovered key  /id, /email"), "{text}");
    assert!(
        text.contains("the collection's key becomes /id, /email"),
        "{text}"
    );
    assert!(text.contains("schema is not managed"), "{text}");
    // `m` lets Flow manage the schema; the row says so.
    press(&mut a, &["m"]);
    assert_eq!(
        row(&a, "public.customers").policy,
        flowspec::discover::SchemaPolicy::TakeOver
    );
    press(&mut a, &["pgdn", "down", "up", "pgup", "tab"]);
    assert!(matches!(shown(&a).mode, Mode::Rows));
    press(&mut a, &["tab", "esc"]);
    assert!(matches!(shown(&a).mode, Mode::Rows));
}

#[test]
fn esc_leaves_at_once_without_changes_and_asks_with_them() {
    let mut a = app();
    press(&mut a, &["esc"]);
    assert!(matches!(a.screen(), Screen::Browse(_)));
    let mut a = app();
    press(&mut a, &["space", "esc"]);
    assert_eq!(
        a.overlay(),
        Some(&Overlay::Confirm(Confirm::LeaveDiscovery))
    );
    press(&mut a, &["n"]);
    assert!(matches!(a.screen(), Screen::Discovered(_)));
    press(&mut a, &["esc", "y"]);
    assert!(matches!(a.screen(), Screen::Browse(_)));
    assert!(!a.is_dirty(), "leaving writes nothing");
}

#[test]
fn ctrl_s_applies_every_row_shown_or_not_then_y_writes_and_reloads() {
    let mut a = app();
    go_to(&mut a, "shipments");
    press(
        &mut a,
        &[
            "n",
            "backspace",
            "backspace",
            "backspace",
            "backspace",
            "backspace",
        ],
    );
    type_text(&mut a, "pers");
    press(&mut a, &["enter"]);
    // The filter shows one row; Ctrl-S still applies all (refunds removed, audit_log left out).
    let effects = press(&mut a, &["ctrl-s"]);
    let [Effect::WriteDiscovery(job)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert!(a.shared.saving);
    let prepared = flowspec::tui::discovery_write::prepare((**job).clone());
    a.update(Msg::DiscoveryPrepared(prepared));
    let Some(Overlay::ApplyDiscovery { writes, .. }) = a.overlay() else {
        panic!("expected the diff, got {:?}", a.shared.overlays)
    };
    let all: String = writes.iter().map(|w| w.diff.as_str()).collect();
    assert!(
        all.contains("+        target: acmeCo/sales/shippers"),
        "{all}"
    );
    assert!(
        all.contains("-        target: acmeCo/sales/refunds"),
        "{all}"
    );
    assert!(
        !all.contains("audit_log"),
        "deselected, no autoDiscover: not added\n{all}"
    );
    assert!(
        all.contains("+  acmeCo/sales/shippers:"),
        "the new collection\n{all}"
    );
    assert!(all.contains("flow://connector-schema"), "{all}");
    let text = screen(&mut a, 120, 40);
    assert!(text.contains("Apply the discovery: write"), "{text}");
    // n keeps the choices; Ctrl-S again, y writes.
    press(&mut a, &["n"]);
    assert!(matches!(a.screen(), Screen::Discovered(_)));
    assert_eq!(row(&a, "public.shipments").target, "acmeCo/sales/shippers");
    let effects = press(&mut a, &["ctrl-s"]);
    let [Effect::WriteDiscovery(job)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let prepared = flowspec::tui::discovery_write::prepare((**job).clone());
    a.update(Msg::DiscoveryPrepared(prepared));
    let effects = press(&mut a, &["y"]);
    let [Effect::Save { writes, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(writes.len(), 2, "flow.yaml and collections.flow.yaml");
    let outcome = SaveOutcome {
        written: writes
            .iter()
            .map(|w| Written {
                file: w.file,
                display: w.display.clone(),
                text: w.new_text.clone(),
            })
            .collect(),
        failed: None,
    };
    let effects = a.update(Msg::Saved(outcome));
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Load(_))),
        "new files join through imports: the catalog is read again ({effects:?})"
    );
}

#[test]
fn a_secret_in_a_new_resource_asks_before_it_is_written_in_plaintext() {
    let mut a = trusted_app(&fixture("ui/flow.yaml"), Theme::color());
    let mut schema = discovery::resource_schema();
    schema["properties"]["token"] = serde_json::json!({"type": "string", "secret": true});
    let mut shipments: serde_json::Value =
        serde_json::to_value(binding("shipments", &["/id"], false)).unwrap();
    shipments["resourceConfig"]["token"] = serde_json::json!("hunter2-canary");
    let shipments = serde_json::from_str(&shipments.to_string()).unwrap();
    discover_with(
        &mut a,
        vec![binding("orders", &["/id"], false), shipments],
        schema,
    );
    let effects = press(&mut a, &["ctrl-s"]);
    let [Effect::WriteDiscovery(job)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let prepared = flowspec::tui::discovery_write::prepare((**job).clone());
    a.update(Msg::DiscoveryPrepared(prepared));
    let Some(Overlay::ApplyDiscovery { writes, .. }) = a.overlay() else {
        panic!("expected the diff, got {:?}", a.shared.overlays)
    };
    let all: String = writes.iter().map(|w| w.diff.as_str()).collect();
    assert!(!all.contains("hunter2-canary"), "masked in the diff\n{all}");
    // y: the plaintext question, not a save.
    let effects = press(&mut a, &["y"]);
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Save { .. })),
        "{effects:?}"
    );
    let Some(Overlay::Guard { exposed }) = a.overlay() else {
        panic!(
            "expected the plaintext question, got {:?}",
            a.shared.overlays
        )
    };
    assert!(exposed[0].shown.contains("/token"), "{exposed:?}");
    let text = screen(&mut a, 120, 40);
    assert!(!text.contains("hunter2-canary"), "{text}");
}

#[test]
fn nothing_to_write_says_so() {
    let mut a = trusted_app(&fixture("ui/flow.yaml"), Theme::color());
    // Exactly what is bound, with the keys the catalog has.
    discover(
        &mut a,
        vec![
            binding("orders", &["/id"], false),
            binding("customers", &["/id"], false),
            binding("refunds", &["/order_id", "/id"], false),
        ],
    );
    assert!(shown(&a)
        .discovery
        .rows
        .iter()
        .all(|r| r.status == Status::Existing));
    assert!(press(&mut a, &["ctrl-s"]).is_empty());
    let status = a.shared.status.clone().unwrap();
    assert!(
        status.text.starts_with("Nothing to write"),
        "{}",
        status.text
    );
}

#[test]
fn read_only_shows_the_rows_but_chooses_nothing() {
    let mut a = trusted_app(&fixture("ui/flow.yaml"), Theme::color());
    a.shared.read_only = true;
    discover(&mut a, fixture_bindings());
    assert!(!a.contexts().contains(&Context::DiscoveredEdit));
    go_to(&mut a, "shipments");
    press(&mut a, &["space", "a", "n", "ctrl-s"]);
    assert!(row(&a, "public.shipments").selected);
    assert!(a.shared.overlays.is_empty());
    press(&mut a, &["down"]);
    let footer = screen(&mut a, 120, 40);
    let footer = footer.lines().last().unwrap();
    assert!(
        !footer.contains("toggle") && !footer.contains("apply"),
        "{footer}"
    );
}

#[test]
fn a_discovery_flow_would_refuse_is_explained_and_opens_nothing() {
    let mut a = trusted_app(&fixture("ui/flow.yaml"), Theme::color());
    discover(
        &mut a,
        vec![
            binding("orders", &["/id"], false),
            binding("orders", &["/id"], false),
        ],
    );
    assert!(matches!(a.screen(), Screen::Browse(_)));
    let status = a.shared.status.clone().unwrap();
    assert!(status.text.contains("cannot be merged"), "{}", status.text);
}

#[test]
fn footer_and_help_list_the_screen_keys() {
    let mut a = app();
    press(&mut a, &["down"]); // dismisses the discover's summary
    let text = screen(&mut a, 120, 40);
    let footer = text.lines().last().unwrap();
    assert!(footer.contains("Space toggle"), "{footer}");
    press(&mut a, &["?"]);
    let help = screen(&mut a, 120, 40);
    assert!(
        help.contains("Rename the row's target collection"),
        "{help}"
    );
    assert!(help.contains("Toggle every row the filter shows"), "{help}");
    let _ = discovery::resource_schema();
}

#[test]
fn the_merge_runs_in_the_background_and_a_catalog_changed_meanwhile_opens_nothing() {
    let mut a = trusted_app(&fixture("ui/flow.yaml"), Theme::color());
    let job = discover_unmerged(&mut a, fixture_bindings());
    assert!(
        matches!(a.screen(), Screen::Browse(_)),
        "nothing opens before the merge"
    );
    let text = screen(&mut a, 120, 40);
    assert!(text.contains("Discovered 4 bindings"), "{text}");
    assert!(
        text.contains("merging them with acmeCo/sales/source-postgres"),
        "{text}"
    );
    // The user disables a binding while the merge runs: the merge describes the old catalog.
    press(&mut a, &["space"]);
    assert!(a.is_dirty());
    let merged = flowspec::tui::discovery_merge::run(job);
    assert!(merged.result.is_ok());
    a.update(Msg::DiscoveryMerged(Box::new(merged)));
    assert!(matches!(a.screen(), Screen::Browse(_)));
    assert!(!a.shared.merging);
    let text = screen(&mut a, 120, 40);
    assert!(
        text.contains("the catalog changed while the discovery was merged"),
        "{text}"
    );
}
