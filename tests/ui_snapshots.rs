//! Snapshots of the main screens at 80x24 and 120x40 (insta + ratatui's TestBackend).

mod common;

use common::*;
use flowspec::catalog::Progress;
use flowspec::tui::app::{App, Msg};
use flowspec::tui::theme::Theme;
use insta::assert_snapshot;
use ratatui::style::Modifier;

fn app() -> App {
    loaded_app(&fixture("ui/flow.yaml"), Theme::color())
}

fn both_sizes(name: &str, app: &mut App) {
    assert_snapshot!(format!("{name}_80x24"), screen(app, 80, 24));
    assert_snapshot!(format!("{name}_120x40"), screen(app, 120, 40));
}

#[test]
fn main_screen() {
    both_sizes("main", &mut app());
}

#[test]
fn detail_focused_on_bindings() {
    let mut a = app();
    press(&mut a, &["enter", "down"]);
    both_sizes("detail", &mut a);
}

#[test]
fn collection_detail() {
    let mut a = app();
    press(&mut a, &["j", "j", "j"]);
    both_sizes("collection", &mut a);
}

#[test]
fn filter_active() {
    let mut a = app();
    press(&mut a, &["/"]);
    type_text(&mut a, "sales");
    both_sizes("filter", &mut a);
}

#[test]
fn prefix_tree() {
    let mut a = app();
    press(&mut a, &["t"]);
    both_sizes("prefix", &mut a);
}

#[test]
fn help_overlay() {
    let mut a = app();
    press(&mut a, &["?"]);
    both_sizes("help", &mut a);
}

#[test]
fn diff_overlay() {
    let mut a = app();
    press(&mut a, &["enter", "down", "down", "space", "ctrl-s"]);
    both_sizes("diff", &mut a);
}

#[test]
fn quit_confirmation() {
    let mut a = app();
    press(&mut a, &["enter", "space", "q"]);
    both_sizes("quit_confirm", &mut a);
}

#[test]
fn loading_and_failure() {
    let mut a = App::new("big/flow.yaml".into(), false, Theme::color());
    a.update(Msg::LoadProgress(Progress {
        files: 12,
        bytes: 3_400_000,
    }));
    assert_snapshot!("loading_80x24", screen(&mut a, 80, 24));
    a.update(Msg::Loaded(Err("big/flow.yaml: file not found".into())));
    assert_snapshot!("failed_80x24", screen(&mut a, 80, 24));
}

#[test]
fn too_small_terminal() {
    assert_snapshot!("too_small_60x20", screen(&mut app(), 60, 20));
}

#[test]
fn read_only_header() {
    let mut a = app();
    a.read_only = true;
    assert_snapshot!("read_only_80x24", screen(&mut a, 80, 24));
}

#[test]
fn mono_theme_keeps_selection_and_focus_visible() {
    let mut a = loaded_app(&fixture("ui/flow.yaml"), Theme::mono());
    let t = terminal(&mut a, 80, 24);
    let buf = t.backend().buffer();
    // Row 3 is the first entity (selected, list focused): reversed across the row.
    for x in 1..20 {
        let cell = &buf[(x, 3)];
        assert!(cell.modifier.contains(Modifier::REVERSED), "x={x} {cell:?}");
        assert_eq!(cell.fg, ratatui::style::Color::Reset);
        assert_eq!(cell.bg, ratatui::style::Color::Reset);
    }
    // The focused pane's border is bold; the other one is not.
    assert!(buf[(0, 1)].modifier.contains(Modifier::BOLD));
    let right = buf.area.width - 1;
    assert!(!buf[(right, 1)].modifier.contains(Modifier::BOLD));
    // No colour anywhere on screen.
    for cell in buf.content() {
        assert_eq!(
            (cell.fg, cell.bg),
            (ratatui::style::Color::Reset, ratatui::style::Color::Reset)
        );
    }
}

#[test]
fn connector_job_pane() {
    use flowspec::connector::{LogLevel, LogLine, PullProgress, RunEvent};
    use flowspec::tui::app::Effect;
    use flowspec::tui::jobs::JobEvent;
    let mut a = app();
    let effects = press(&mut a, &["enter", "s"]);
    let Some(Effect::Connector(id, _)) = effects.first() else {
        panic!("{effects:?}")
    };
    let id = *id;
    for event in [
        RunEvent::Phase("inspecting ghcr.io/estuary/source-postgres:v1".into()),
        RunEvent::Pull(PullProgress {
            layers_done: 2,
            layers: 5,
            current: 12_300_000,
            total: 45_600_000,
            status: "Downloading".into(),
        }),
        RunEvent::Log(LogLine {
            level: LogLevel::Warn,
            message: "slow registry".into(),
            fields: None,
        }),
    ] {
        a.update(Msg::Job(id, JobEvent::Run(event)));
    }
    both_sizes("job_running", &mut a);
    a.update(Msg::Job(
        id,
        JobEvent::Done(Err(
            "pulling ghcr.io/estuary/source-postgres:v1 failed: no network".into(),
        )),
    ));
    assert_snapshot!("job_failed_120x40", screen(&mut a, 120, 40));
}
