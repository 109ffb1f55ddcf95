//! What the program prints: results on stdout, notes on stderr, and input quoted in messages
//! with its control characters escaped (`\u{1b}`, `\n`), so that a file name, an option or a
//! key id cannot move the terminal's cursor or forge a line of output.

use std::borrow::Cow;
use std::io::{self, Write};

use camunda_authz::error::escape_controls;
use serde::Serialize;

use crate::Fail;

/// Input as a message quotes it: every control character escaped, newlines too.
pub fn shown(text: &str) -> Cow<'_, str> {
    escape_controls(text)
}

/// Writes a line to stdout. A closed pipe (`| head`) is not an error.
pub fn out(text: &str) -> Result<(), Fail> {
    let mut stdout = io::stdout().lock();
    match writeln!(stdout, "{text}").and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Fail::Input(format!(
            "error: cannot write to stdout: {}",
            io_message(&e)
        ))),
    }
}

/// Writes a note to stderr; nothing to do if that fails. The note's own line breaks are kept;
/// any other control character is escaped (input should have gone through [`shown`] already,
/// this is the second line of defence).
pub fn note(text: &str) {
    let lines: Vec<Cow<'_, str>> = text.split('\n').map(escape_controls).collect();
    let _ = writeln!(io::stderr().lock(), "{}", lines.join("\n"));
}

/// An I/O error as a message: lowercase first letter.
pub fn io_message(error: &io::Error) -> String {
    let text = error.to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

pub fn pretty<T: Serialize + ?Sized>(value: &T) -> Result<String, Fail> {
    serde_json::to_string_pretty(value)
        .map_err(|e| Fail::Input(format!("error: cannot write JSON: {e}")))
}

/// `in 900 s` or `900 s ago`.
pub fn relative(at: i64, now: i64) -> String {
    let delta = at.saturating_sub(now);
    if delta >= 0 {
        format!("in {delta} s")
    } else {
        format!("{} s ago", delta.saturating_neg())
    }
}
