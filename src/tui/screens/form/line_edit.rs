//! The text being typed into a field: a `ratatui-textarea` buffer (undo-free here: the form
//! has its own undo), so multi-line values pasted in keep their lines. It may be a secret: its
//! `Debug` shows nothing of it.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui_textarea::{CursorMove, DataCursor, TextArea};

/// One line (or a few, for multi-line values) being typed.
#[derive(Clone)]
pub struct LineEdit {
    area: TextArea<'static>,
}

impl LineEdit {
    /// Starts with `text`, the cursor at its end.
    pub fn new(text: String) -> Self {
        let lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        let mut area = TextArea::new(lines);
        area.move_cursor(CursorMove::Bottom);
        area.move_cursor(CursorMove::End);
        LineEdit { area }
    }

    /// The whole text, lines joined with `\n`.
    pub fn text(&self) -> String {
        self.area.lines().join("\n")
    }

    /// The cursor as a character offset into [`LineEdit::text`].
    pub fn cursor(&self) -> usize {
        let DataCursor(row, col) = self.area.cursor();
        self.area.lines()[..row]
            .iter()
            .map(|l| l.chars().count() + 1)
            .sum::<usize>()
            + col
    }

    /// Inserts `s` at the cursor (pasted text, a first typed character).
    pub fn insert(&mut self, s: &str) {
        self.area.insert_str(s);
    }

    /// Deletes the character before the cursor.
    pub fn backspace(&mut self) {
        self.area.delete_char();
    }

    /// Deletes the character under the cursor.
    pub fn delete(&mut self) {
        self.area.delete_next_char();
    }

    /// Moves the cursor to the start of its line.
    pub fn home(&mut self) {
        self.area.move_cursor(CursorMove::Head);
    }

    /// Applies a key the keymap resolved to typing or text editing (a character, Backspace,
    /// Delete, arrows, Home, End).
    pub fn apply(&mut self, key: &KeyEvent) {
        match key.code {
            KeyCode::Char(c) => self.area.insert_char(c),
            KeyCode::Backspace => {
                self.area.delete_char();
            }
            KeyCode::Delete => {
                self.area.delete_next_char();
            }
            KeyCode::Left => self.area.move_cursor(CursorMove::Back),
            KeyCode::Right => self.area.move_cursor(CursorMove::Forward),
            KeyCode::Home => self.area.move_cursor(CursorMove::Head),
            KeyCode::End => self.area.move_cursor(CursorMove::End),
            _ => {}
        }
    }
}
