use super::*;
use Action as A;
use Context as C;

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn labels(contexts: &[Context]) -> Vec<&'static str> {
    hints(contexts).iter().map(|h| h.label).collect()
}

#[test]
fn context_bindings_win_over_outer_ones() {
    let q = key(KeyCode::Char('q'));
    assert_eq!(resolve(&[C::Help, C::Always], &q), Some(A::Back));
    assert_eq!(
        resolve(&[C::List, C::Browse, C::Screens], &q),
        Some(A::Quit)
    );
}

#[test]
fn ctrl_s_and_ctrl_c_resolve_where_they_work() {
    let s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
    let c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    let detail = [
        C::TaskEdit,
        C::Task,
        C::Detail,
        C::BrowseEdit,
        C::Browse,
        C::Screens,
        C::Always,
    ];
    assert_eq!(resolve(&detail, &s), Some(A::Save));
    assert_eq!(resolve(&[C::Diff, C::Always], &c), Some(A::ForceQuit));
    // Plain `s` is spec in a task's detail, nothing in the list.
    assert_eq!(resolve(&detail, &key(KeyCode::Char('s'))), Some(A::Spec));
    let list = [C::List, C::Browse, C::Screens, C::Always];
    assert_eq!(resolve(&list, &key(KeyCode::Char('s'))), None);
}

#[test]
fn shifted_characters_match() {
    let g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
    assert_eq!(resolve(&[C::List], &g), Some(A::Bottom));
    let help = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT);
    assert_eq!(resolve(&[C::List, C::Screens], &help), Some(A::Help));
}

#[test]
fn text_contexts_take_printable_keys_through_the_keymap() {
    let typing = [C::FormTyping, C::Screens, C::Always];
    for c in ['q', '?', 'p', ' ', 'é'] {
        assert_eq!(
            resolve(&typing, &key(KeyCode::Char(c))),
            Some(A::TypeText),
            "{c:?}"
        );
    }
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(resolve(&typing, &ctrl_c), Some(A::ForceQuit));
    assert_eq!(resolve(&typing, &key(KeyCode::F(1))), Some(A::Help));
    assert!(is_text_input(&key(KeyCode::Char('q'))));
    assert!(!is_text_input(&ctrl_c));
    assert!(!is_text_input(&key(KeyCode::Enter)));
}

#[test]
fn hints_leave_out_keys_that_are_text_and_keep_the_ones_still_reachable() {
    let filter = [C::FilterInput, C::Browse, C::Screens, C::Always];
    let h = hints(&filter);
    assert!(!h.iter().any(|h| h.label == "quit"), "{h:?}");
    let help = h
        .iter()
        .find(|h| h.label == "help")
        .expect("F1 still helps");
    assert_eq!(help.keys, "F1");
    let typing = [C::FormTyping, C::FormSecret, C::Screens, C::Always];
    assert_eq!(
        labels(&typing),
        ["reveal", "keep", "discard", "save", "help"]
    );
}

#[test]
fn hints_come_in_table_order_with_help_and_quit_last() {
    let capture = [
        C::TaskEdit,
        C::Task,
        C::Capture,
        C::Detail,
        C::BrowseEdit,
        C::Browse,
        C::Screens,
        C::Always,
    ];
    assert_eq!(
        labels(&capture),
        [
            "toggle", "spec", "discover", "validate", "pull", "config", "resource", "save",
            "reload", "new", "help", "quit"
        ]
    );
    let materialization = [
        C::TaskEdit,
        C::Task,
        C::Detail,
        C::Browse,
        C::Screens,
        C::Always,
    ];
    assert!(!labels(&materialization).contains(&"discover"));
    assert_eq!(
        resolve(&materialization, &key(KeyCode::Char('d'))),
        None,
        "d does nothing on a materialization"
    );
}

#[test]
fn effective_bindings_list_each_reachable_key_once() {
    // In an editable form, Enter edits; the read-only fold binding is not reachable.
    let form = [C::FormEdit, C::FormNav, C::Screens, C::Always];
    let e = effective(&form);
    let enter: Vec<&str> = e
        .iter()
        .filter(|e| {
            e.keys
                .contains(&Key::Press(KeyCode::Enter, KeyModifiers::NONE))
        })
        .map(|e| e.binding.desc)
        .collect();
    assert_eq!(enter, ["Edit the field, toggle it, or fold the section"]);
    let read_only = [C::FormNav, C::Screens, C::Always];
    assert!(effective(&read_only)
        .iter()
        .any(|e| e.binding.desc == "Fold or unfold the section"));
}

#[test]
fn readme_key_table_matches_the_keymap() {
    let readme = include_str!("../../../README.md");
    assert!(
        readme.contains(&markdown_table()),
        "README.md's key table is out of date; regenerate it from keymap::markdown_table()"
    );
}

#[test]
fn read_only_leaves_out_the_keys_that_change_the_catalog() {
    let read_only = [
        C::Task,
        C::Capture,
        C::Detail,
        C::Browse,
        C::Screens,
        C::Always,
    ];
    let l = labels(&read_only);
    assert!(!l.contains(&"toggle") && !l.contains(&"save"), "{l:?}");
    assert!(l.contains(&"spec") && l.contains(&"quit"), "{l:?}");
    let space = key(KeyCode::Char(' '));
    assert_eq!(resolve(&read_only, &space), None);
}
