//! Every snapshot in the vault, grouped by device and newest first, with size, categories, whether it is
//! complete, and what the last Verify found. Opening one starts the browser; Restore starts the wizard.

use std::collections::BTreeMap;

use iced::widget::{Column, column, container, row, scrollable, text};
use iced::{Alignment, Element, Fill, Length, Task};

use crate::engine::{Cancel, Meter, Silent};
use crate::gui::clock;
use crate::gui::jobs::{self, JobId, SharedVault};
use crate::gui::theme::{self, BOLD, size};
use crate::gui::widget::{self, Icon, icon};
use crate::t;
use crate::vault::{Id, Snapshot, VerifyOptions, VerifyReport};

/// Backups screen messages.
#[derive(Debug, Clone)]
pub enum Message {
    /// Open a snapshot in the browser.
    Open(Id),
    /// Start the restore wizard on a snapshot.
    Restore(Id),
    /// Verify the vault.
    Verify,
    /// Verification finished.
    Verified(JobId, Result<VerifyReport, String>),
}

/// What the backups screen asks of the app.
#[derive(Debug, Clone)]
pub enum Event {
    /// Browse this snapshot.
    Open(Box<Snapshot>),
    /// Restore from this snapshot.
    Restore(Box<Snapshot>),
    /// Verify needs the open vault (the app calls [`Backups::start_verify`]).
    VerifyRequested,
}

/// What Verify found.
#[derive(Debug, Clone)]
pub enum Verification {
    /// Running.
    Running(JobId),
    /// Finished.
    Done(VerifyReport),
    /// Could not run.
    Failed(String),
}

/// The backups screen.
#[derive(Debug, Default)]
pub struct Backups {
    /// The last verification.
    pub verification: Option<Verification>,
}

impl Backups {
    /// Handles a message.
    pub fn update(&mut self, message: Message, snapshots: &[Snapshot]) -> (Task<Message>, Option<Event>) {
        let find = |id: Id| snapshots.iter().find(|s| s.id == id).cloned().map(Box::new);
        match message {
            Message::Open(id) => (Task::none(), find(id).map(Event::Open)),
            Message::Restore(id) => (Task::none(), find(id).map(Event::Restore)),
            Message::Verify => (Task::none(), Some(Event::VerifyRequested)),
            Message::Verified(job, result) => {
                if matches!(self.verification, Some(Verification::Running(j)) if j == job) {
                    self.verification = Some(match result {
                        Ok(report) => Verification::Done(report),
                        Err(e) => Verification::Failed(e),
                    });
                }
                (Task::none(), None)
            }
        }
    }

    /// Starts verifying `vault` (all snapshots, all data).
    pub fn start_verify(&mut self, vault: SharedVault) -> Task<Message> {
        let job = jobs::next_id();
        self.verification = Some(Verification::Running(job));
        Task::perform(
            jobs::blocking("lifeboat-verify", move || {
                vault
                    .verify(VerifyOptions::default(), &Meter::new(&Silent), &Cancel::new())
                    .map_err(|e| e.to_string())
            }),
            move |result| Message::Verified(job, result),
        )
    }

    fn status(&self, snapshot: &Snapshot) -> (String, bool) {
        match &self.verification {
            Some(Verification::Done(report)) => {
                let short = snapshot.id.short();
                let damaged = report.damaged_items.iter().filter(|d| d.snapshot == short).count();
                if damaged > 0 {
                    (t!("gui-verify-damaged", count = damaged), false)
                } else if report.is_ok() {
                    (t!("gui-verify-ok"), true)
                } else {
                    (t!("gui-verify-problems"), false)
                }
            }
            Some(Verification::Running(_)) => (t!("gui-verifying"), true),
            _ => (t!("gui-not-verified"), true),
        }
    }

    /// The screen.
    pub fn view<'a>(&'a self, snapshots: &'a [Snapshot], locked: bool) -> Element<'a, Message> {
        let verifying = matches!(self.verification, Some(Verification::Running(_)));
        let header = row![
            column![
                widget::title(t!("gui-nav-backups")),
                widget::muted(t!("gui-backups-count", count = snapshots.len()))
            ]
            .spacing(4)
            .width(Fill),
            widget::secondary(
                Icon::Shield,
                t!("gui-verify"),
                (!verifying && !snapshots.is_empty()).then_some(Message::Verify)
            ),
        ]
        .align_y(Alignment::Center);
        let mut page = column![header].spacing(16).padding(24);
        match &self.verification {
            Some(Verification::Done(report)) if !report.is_ok() => {
                let mut lines = Column::new().spacing(4);
                for problem in report.problems.iter().take(10) {
                    lines = lines.push(text(problem.clone()).size(size::SMALL));
                }
                page = page.push(container(lines).padding(10).width(Fill).style(theme::error_box));
            }
            Some(Verification::Failed(e)) => {
                page = page.push(container(text(e.clone())).padding(10).width(Fill).style(theme::error_box));
            }
            _ => {}
        }
        if locked {
            return page.push(widget::muted(t!("gui-backups-locked"))).into();
        }
        if snapshots.is_empty() {
            return page.push(widget::muted(t!("gui-no-backups"))).into();
        }
        let mut groups: BTreeMap<String, Vec<&Snapshot>> = BTreeMap::new();
        for snapshot in snapshots {
            groups.entry(snapshot.device.key()).or_default().push(snapshot);
        }
        let mut groups: Vec<Vec<&Snapshot>> = groups.into_values().collect();
        for group in &mut groups {
            group.sort_by_key(|s| std::cmp::Reverse(s.time_ns));
        }
        groups.sort_by(|a, b| b[0].time_ns.cmp(&a[0].time_ns));
        let mut list = Column::new().spacing(20);
        for group in groups {
            let device = &group[0].device;
            let mut rows = Column::new().spacing(8);
            rows = rows.push(
                row![
                    icon(Icon::Phone, 20.0, false),
                    text(device.name.clone()).size(size::HEADING).font(BOLD)
                ]
                .spacing(8)
                .align_y(Alignment::Center),
            );
            for snapshot in group {
                rows = rows.push(self.snapshot_row(snapshot));
            }
            list = list.push(rows);
        }
        page.push(scrollable(list.width(Fill)).height(Fill)).into()
    }

    fn snapshot_row<'a>(&'a self, s: &'a Snapshot) -> Element<'a, Message> {
        let categories: Vec<String> = s.totals.keys().map(|c| widget::category_name(*c)).collect();
        let (verify, good) = self.status(s);
        let complete = if s.complete { t!("status-complete") } else { t!("status-incomplete") };
        let facts = column![
            text(clock::when_ns(s.time_ns)).font(BOLD),
            widget::muted(format!(
                "{} · {} · {}",
                t!("gui-items", count = s.items()),
                crate::text::bytes(s.size()),
                categories.join(", ")
            )),
        ]
        .spacing(3)
        .width(Fill);
        let badges = column![
            text(complete).size(size::SMALL).style(if s.complete {
                theme::success_text
            } else {
                theme::danger_text
            }),
            text(verify).size(size::SMALL).style(if good { theme::muted } else { theme::danger_text }),
        ]
        .spacing(3)
        .width(Length::Fixed(170.0));
        container(
            row![
                facts,
                badges,
                widget::secondary(Icon::Photos, t!("gui-open"), Some(Message::Open(s.id))),
                widget::secondary(Icon::Restore, t!("gui-restore"), Some(Message::Restore(s.id))),
            ]
            .spacing(12)
            .align_y(Alignment::Center),
        )
        .padding(14)
        .style(theme::card)
        .into()
    }
}

/// A button-free summary line for a snapshot (used by the restore wizard's picker).
pub fn snapshot_line(s: &Snapshot) -> String {
    format!("{} — {} · {}", s.device.name, clock::when_ns(s.time_ns), crate::text::bytes(s.size()))
}
