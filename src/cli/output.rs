//! What the command line prints: progress (a bar on a terminal, a plain line every few seconds otherwise,
//! always on stderr so stdout stays clean for results and JSON) and simple aligned tables.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::engine::{Notice, Phase, Progress, Status};
use crate::{t, text};

const PLAIN_EVERY: Duration = Duration::from_secs(5);

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
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
        log::info!("{}: {}", notice.subject, notice.message);
    }
}

/// Prints rows as left-aligned columns; the first row is the header.
pub fn table(rows: &[Vec<String>]) {
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

/// Prints a value as pretty JSON on stdout.
pub fn json(value: &serde_json::Value) {
    println!("{}", serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".into()));
}
