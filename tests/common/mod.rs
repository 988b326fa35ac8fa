//! Helpers shared by the TUI tests: a loaded app, key parsing and rendering to text.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use flowspec::tui::app::{App, Effect, Msg};
use flowspec::tui::theme::Theme;
use flowspec::tui::ui;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;

pub mod discovery;
pub mod wizard;

pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// An app with `path` loaded, as the runtime would have it after `Loaded` and `Checked`.
pub fn loaded_app(path: &Path, theme: Theme) -> App {
    loaded_app_with(path, false, theme)
}

/// [`loaded_app`], started with `--read-only` when `read_only`.
pub fn loaded_app_with(path: &Path, read_only: bool, theme: Theme) -> App {
    let shown = path
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf());
    let mut app = App::new(shown, read_only, theme);
    let cat = flowspec::catalog::load(path, &mut |_| {}).expect("fixture loads");
    let effects = app.update(Msg::Loaded(Ok(Box::new(cat))));
    for e in effects {
        if let Effect::Check(c) = e {
            let problems = flowspec::catalog::check::check(
                &c,
                flowspec::catalog::check::CheckOptions::default(),
            );
            app.update(Msg::Checked(problems));
        }
    }
    app
}

/// [`loaded_app`] started with `--trust`: connectors run without the first-run question.
pub fn trusted_app(path: &Path, theme: Theme) -> App {
    loaded_app(path, theme).with_trust(Default::default(), true)
}

/// Shows `form` over the browser, as `e` does once the spec is known.
pub fn show_form(app: &mut App, form: flowspec::tui::screens::form::FormEditor) {
    use flowspec::tui::screens::form::{Closing, FormScreen};
    use flowspec::tui::screens::Screen;
    app.screens
        .push(Screen::Form(Box::new(FormScreen::new(form, Closing::Back))));
}

/// Parses `"ctrl-s"`, `"enter"`, `"a"`, `"space"`... into a key event.
pub fn key(spec: &str) -> KeyEvent {
    let (mods, name) = match spec.strip_prefix("ctrl-") {
        Some(rest) => (KeyModifiers::CONTROL, rest),
        None => (KeyModifiers::NONE, spec),
    };
    let code = match name {
        "enter" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pgup" => KeyCode::PageUp,
        "pgdn" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "space" => KeyCode::Char(' '),
        "backspace" => KeyCode::Backspace,
        "delete" => KeyCode::Delete,
        "f1" => KeyCode::F(1),
        s if s.chars().count() == 1 => KeyCode::Char(s.chars().next().unwrap()),
        other => panic!("unknown key {other}"),
    };
    let mods = if matches!(code, KeyCode::Char(c) if c.is_uppercase()) {
        mods | KeyModifiers::SHIFT
    } else {
        mods
    };
    KeyEvent::new(code, mods)
}

/// Presses keys in order; returns the effects of the last one.
pub fn press(app: &mut App, keys: &[&str]) -> Vec<Effect> {
    let mut last = vec![];
    for k in keys {
        last = app.update(Msg::Key(key(k)));
    }
    last
}

/// Types text into whatever has the focus.
pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Msg::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )));
    }
}

pub fn terminal(app: &mut App, w: u16, h: u16) -> Terminal<TestBackend> {
    app.update(Msg::Resize(w, h));
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ui::render(app, f)).unwrap();
    t
}

/// Renders the app at `w`x`h` and returns the screen as text.
pub fn screen(app: &mut App, w: u16, h: u16) -> String {
    let t = terminal(app, w, h);
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        let mut line = String::new();
        for x in 0..w {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
