//! What the command line prints: progress (a bar on a terminal, a plain line every few seconds otherwise,
//! always on stderr so stdout stays clean for results and JSON) and simple aligned tables.
//!
//! Every line goes out through here ([`outln!`](outln), [`errln!`](errln), [`table`], [`json`]): file names, device
//! names and warnings quoting a file's content come from strangers, and a name holding an escape sequence must
//! be seen, not obeyed by the terminal. The rest of the command line is kept from printing any other way by
//! `clippy::print_stdout` and `clippy::print_stderr`.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::borrow::Cow;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::engine::{Notice, Phase, Progress, Status};
use crate::{t, text};

const PLAIN_EVERY: Duration = Duration::from_secs(5);

/// Prints a line on stdout, its control characters escaped (see [`terminal_safe`]).
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::output::stdout_line(&format!($($arg)*))
    };
}

/// Prints a line on stderr, its control characters escaped (see [`terminal_safe`]).
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cli::output::stderr_line(&format!($($arg)*))
    };
}

pub(crate) use {errln, outln};

/// Whether `c` must not reach a terminal as it is: C0 and C1 control characters (escape sequences, carriage
/// return, backspace, bell) and the text-direction overrides that disguise a name's real extension.
fn unsafe_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every character a terminal would obey shown escaped instead (`\u{1b}`, `\r`, `\t`), as the ADB
/// listing shows hostile names (`char::escape_debug`). With `keep_lines`, line breaks stay: Lifeboat's own
/// messages can span lines.
pub fn terminal_safe(text: &str, keep_lines: bool) -> Cow<'_, str> {
    let escape = |c: char| unsafe_char(c) && !(keep_lines && c == '\n');
    if !text.chars().any(escape) {
        return Cow::Borrowed(text);
    }
    let mut safe = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if !escape(c) => safe.push(c),
            c if c.is_control() => safe.extend(c.escape_debug()),
            c => safe.extend(c.escape_unicode()),
        }
    }
    Cow::Owned(safe)
}

/// Prints one line (or several, for a message of Lifeboat's that spans lines) on stdout.
pub fn stdout_line(line: &str) {
    println!("{}", terminal_safe(line, true));
}

/// Prints one line on stderr.
pub fn stderr_line(line: &str) {
    eprintln!("{}", terminal_safe(line, true));
}

/// Progress for a terminal or a log.
pub struct Console {
    bar: Option<ProgressBar>,
    last_plain: Mutex<Option<Instant>>,
    quiet: bool,
}

impl Console {
    /// A bar when stderr is a terminal, plain lines otherwise; `quiet` prints only notices.
    pub fn new(quiet: bool) -> Self {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new(0);
            let style = ProgressStyle::with_template("{prefix:>11} [{bar:30}] {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Self { bar, last_plain: Mutex::new(None), quiet }
    }

    /// Removes the bar before the summary is printed.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn phase_name(phase: Phase) -> String {
    match phase {
        Phase::Scanning => t!("phase-scanning"),
        Phase::Transferring => t!("phase-transferring"),
        Phase::Finishing => t!("phase-finishing"),
        Phase::Verifying => t!("phase-verifying"),
    }
}

fn status_line(status: &Status) -> String {
    let eta = status.eta.map(text::duration).unwrap_or_else(|| "–".into());
    t!(
        "progress-line",
        items_done = status.items_done,
        items_total = status.items_total,
        bytes_done = text::bytes(status.bytes_done),
        bytes_total = text::bytes(status.bytes_total),
        rate = text::rate(status.bytes_per_second),
        eta = eta
    )
}

impl Progress for Console {
    fn update(&self, status: &Status) {
        if let Some(bar) = &self.bar {
            bar.set_prefix(phase_name(status.phase));
            bar.set_length(status.bytes_total.max(1));
            bar.set_position(status.bytes_done);
            bar.set_message(status_line(status));
            return;
        }
        if self.quiet {
            return;
        }
        let Ok(mut last) = self.last_plain.lock() else { return };
        let due = last.is_none_or(|at| at.elapsed() >= PLAIN_EVERY);
        if due && status.phase == Phase::Transferring {
            *last = Some(Instant::now());
            eprintln!("{}: {}", phase_name(status.phase), status_line(status));
        }
    }

    fn notice(&self, notice: &Notice) {
        let line = t!("notice-line", subject = notice.subject.clone(), message = notice.message.clone());
        match &self.bar {
            Some(bar) => bar.suspend(|| stderr_line(&line)),
            None => stderr_line(&line),
        }
        log::info!("{}: {}", notice.subject, notice.message);
    }
}

/// Prints rows as left-aligned columns; the first row is the header. A cell is one line: a line break in a
/// name is shown escaped too.
pub fn table(rows: &[Vec<String>]) {
    let rows: Vec<Vec<Cow<'_, str>>> =
        rows.iter().map(|row| row.iter().map(|cell| terminal_safe(cell, false)).collect()).collect();
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().filter_map(|r| r.get(c)).map(|cell| cell.chars().count()).max().unwrap_or(0))
        .collect();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.extend(std::iter::repeat_n(' ', widths[c] - cell.chars().count() + 2));
            }
        }
        println!("{}", line.trim_end());
    }
}

/// Prints a value as pretty JSON on stdout. JSON escapes C0 controls itself; C1 controls and direction
/// overrides are escaped as `\uXXXX` too, which leaves the same JSON value.
pub fn json(value: &serde_json::Value) {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".into());
    let mut safe = String::with_capacity(text.len());
    for c in text.chars() {
        if unsafe_char(c) && c != '\n' {
            safe.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            safe.push(c);
        }
    }
    println!("{safe}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_a_terminal_would_obey() {
        assert_eq!(terminal_safe("IMG_1.jpg", false), "IMG_1.jpg");
        assert_eq!(terminal_safe("a\u{1b}[31mb\rc\u{9b}d\u{7}", false), r"a\u{1b}[31mb\rc\u{9b}d\u{7}");
        assert_eq!(terminal_safe("gpj\u{202e}.exe", false), r"gpj\u{202e}.exe");
        assert_eq!(terminal_safe("one\ntwo", true), "one\ntwo");
        assert_eq!(terminal_safe("one\ntwo", false), r"one\ntwo");
    }
}
