//! The home screen: the devices Lifeboat can see, and for the chosen one its categories (counted by a survey
//! on a job thread), when it was last backed up, and **Back Up Now** with per-category progress, Cancel and a
//! summary at the end.
//!
//! Devices arrive only as `DeviceAppeared` / `DeviceChanged` / `DeviceGone` messages, whatever their source.

use std::collections::HashMap;
use std::path::PathBuf;

use iced::widget::{Column, button, column, container, row, scrollable, text, toggler};
use iced::{Alignment, Element, Fill, Length, Task};

use crate::data::{Category, CategorySet};
use crate::device::{CategorySummary, DeviceKind};
use crate::engine::{self, BackupOptions, BackupSummary, Cancel, Notice, Phase, Status};
use crate::gui::clock;
use crate::gui::devices::{DeviceInfo, DeviceState, Source};
use crate::gui::jobs::{self, JobEvent, JobId, SharedVault};
use crate::gui::theme::{self, BOLD, size};
use crate::gui::widget::{self, Icon, icon};
use crate::t;
use crate::vault::Snapshot;

/// Three weeks: after this long without a backup the app reminds (when the setting is on).
pub const REMINDER_SECS: i64 = 21 * 86_400;

/// Devices screen messages.
#[derive(Debug, Clone)]
pub enum Message {
    /// A device is connected or a folder was added.
    DeviceAppeared(DeviceInfo),
    /// Something about a device changed.
    DeviceChanged(DeviceInfo),
    /// A device is gone (its key).
    DeviceGone(String),
    /// A device card was clicked.
    Select(String),
    /// The survey of a device finished.
    Surveyed(JobId, Result<Vec<CategorySummary>, String>),
    /// A category was switched on or off.
    Toggle(Category, bool),
    /// Back Up Now was pressed.
    BackUpNow,
    /// The running backup reported.
    Backup(JobId, Box<JobEvent<BackupSummary>>),
    /// Cancel was pressed.
    Cancel,
    /// The summary was read.
    DismissSummary,
    /// "Add a folder or SD card…" was pressed.
    AddFolder,
    /// The folder dialog closed.
    FolderPicked(Option<PathBuf>),
    /// "Try the demo phone" was pressed.
    TryDemo,
    /// The demo phone folder is ready.
    DemoReady(Result<PathBuf, String>),
    /// "Forget this folder" was pressed.
    Forget(String),
}

/// What the devices screen asks of the app.
#[derive(Debug, Clone)]
pub enum Event {
    /// Remember this folder as a device.
    AddFolder(PathBuf),
    /// Forget this folder.
    ForgetFolder(PathBuf),
    /// A backup was asked for and needs the open vault (the app calls [`Devices::start_backup`]).
    BackupRequested,
    /// A backup finished: the snapshot list is out of date.
    BackupFinished,
    /// A device the vault already knows has connected.
    KnownDeviceAppeared(String),
}

/// A backup in progress or just finished.
#[derive(Debug)]
pub struct BackupRun {
    /// Its job id.
    pub id: JobId,
    /// The device's key.
    pub device: String,
    cancel: Cancel,
    /// The latest progress.
    pub status: Option<Status>,
    /// Skipped items and unavailable categories.
    pub notices: Vec<Notice>,
    /// The result, once finished.
    pub result: Option<Result<BackupSummary, String>>,
}

/// The survey of the selected device.
#[derive(Debug)]
struct Survey {
    job: JobId,
    device: String,
    result: Option<Result<Vec<CategorySummary>, String>>,
}

/// The devices screen.
#[derive(Debug, Default)]
pub struct Devices {
    /// Connected devices, in the order they appeared.
    pub devices: Vec<DeviceInfo>,
    /// The chosen device's key.
    pub selected: Option<String>,
    survey: Option<Survey>,
    /// Categories chosen per device.
    pub choices: HashMap<String, CategorySet>,
    /// Categories for a device not chosen yet.
    pub default_categories: CategorySet,
    /// The backup, while one runs and until its summary is dismissed.
    pub run: Option<BackupRun>,
    demo_busy: bool,
    error: Option<String>,
}

impl Devices {
    /// Handles a message.
    pub fn update(&mut self, message: Message, snapshots: &[Snapshot]) -> (Task<Message>, Option<Event>) {
        match message {
            Message::DeviceAppeared(info) => {
                let key = info.key();
                if let Some(existing) = self.devices.iter_mut().find(|d| d.key() == key) {
                    *existing = info;
                } else {
                    self.devices.push(info);
                }
                let known = snapshots.iter().any(|s| s.device.key() == key);
                if self.selected.is_none() {
                    return (self.select(key.clone()), known.then_some(Event::KnownDeviceAppeared(key)));
                }
                (Task::none(), known.then_some(Event::KnownDeviceAppeared(key)))
            }
            Message::DeviceChanged(info) => {
                let key = info.key();
                if let Some(existing) = self.devices.iter_mut().find(|d| d.key() == key) {
                    *existing = info;
                }
                (Task::none(), None)
            }
            Message::DeviceGone(key) => {
                self.devices.retain(|d| d.key() != key);
                if self.selected.as_deref() == Some(&key) {
                    self.selected = None;
                    self.survey = None;
                }
                (Task::none(), None)
            }
            Message::Select(key) => (self.select(key), None),
            Message::Surveyed(job, result) => {
                if let Some(survey) = self.survey.as_mut().filter(|s| s.job == job) {
                    survey.result = Some(result);
                }
                (Task::none(), None)
            }
            Message::Toggle(category, on) => {
                if let Some(key) = &self.selected {
                    let set =
                        self.choices.entry(key.clone()).or_insert_with(|| self.default_categories.clone());
                    if on { set.insert(category) } else { set.remove(category) }
                }
                (Task::none(), None)
            }
            Message::BackUpNow => (Task::none(), Some(Event::BackupRequested)),
            Message::Backup(id, event) => self.backup_event(id, *event),
            Message::Cancel => {
                if let Some(run) = &self.run {
                    run.cancel.cancel();
                }
                (Task::none(), None)
            }
            Message::DismissSummary => {
                if self.run.as_ref().is_some_and(|r| r.result.is_some()) {
                    self.run = None;
                }
                (Task::none(), None)
            }
            Message::AddFolder => {
                let pick = async {
                    rfd::AsyncFileDialog::new()
                        .set_title(t!("gui-add-folder-title"))
                        .pick_folder()
                        .await
                        .map(|f| f.path().to_path_buf())
                };
                (Task::perform(pick, Message::FolderPicked), None)
            }
            Message::FolderPicked(Some(path)) => (Task::none(), Some(Event::AddFolder(path))),
            Message::FolderPicked(None) => (Task::none(), None),
            Message::TryDemo => {
                self.demo_busy = true;
                let task = Task::perform(
                    jobs::blocking("lifeboat-demo-phone", || {
                        let dir = crate::gui::devices::demo_phone_dir().ok_or_else(|| t!("no-vault-path"))?;
                        crate::gui::devices::make_demo_phone(&dir)
                    }),
                    Message::DemoReady,
                );
                (task, None)
            }
            Message::DemoReady(result) => {
                self.demo_busy = false;
                match result {
                    Ok(path) => (Task::none(), Some(Event::AddFolder(path))),
                    Err(e) => {
                        self.error = Some(e);
                        (Task::none(), None)
                    }
                }
            }
            Message::Forget(key) => {
                let folder = self.devices.iter().find(|d| d.key() == key).map(|d| match &d.source {
                    Source::Folder(path) => path.clone(),
                });
                (Task::none(), folder.map(Event::ForgetFolder))
            }
        }
    }

    fn select(&mut self, key: String) -> Task<Message> {
        let Some(device) = self.devices.iter().find(|d| d.key() == key) else { return Task::none() };
        self.selected = Some(key.clone());
        if self
            .survey
            .as_ref()
            .is_some_and(|s| s.device == key && s.result.as_ref().is_some_and(Result::is_ok))
        {
            return Task::none();
        }
        let job = jobs::next_id();
        self.survey = Some(Survey { job, device: key, result: None });
        let source = device.source.clone();
        Task::perform(
            jobs::blocking("lifeboat-survey", move || {
                let device = source.open().map_err(|e| e.to_string())?;
                device.survey(&CategorySet::all(), &Cancel::new()).map_err(|e| e.to_string())
            }),
            move |result| Message::Surveyed(job, result),
        )
    }

    /// The categories chosen for the selected device.
    pub fn chosen(&self) -> CategorySet {
        self.selected
            .as_ref()
            .and_then(|key| self.choices.get(key))
            .cloned()
            .unwrap_or_else(|| self.default_categories.clone())
    }

    /// Starts backing up the selected device into `vault`.
    pub fn start_backup(&mut self, vault: SharedVault) -> Task<Message> {
        if self.run.as_ref().is_some_and(|r| r.result.is_none()) {
            return Task::none();
        }
        let Some(device) = self.selected.as_ref().and_then(|k| self.devices.iter().find(|d| &d.key() == k))
        else {
            return Task::none();
        };
        let id = jobs::next_id();
        let cancel = Cancel::new();
        self.run = Some(BackupRun {
            id,
            device: device.key(),
            cancel: cancel.clone(),
            status: None,
            notices: Vec::new(),
            result: None,
        });
        let options = BackupOptions { categories: self.chosen(), ..BackupOptions::default() };
        let source = device.source.clone();
        let stream = jobs::with_progress("lifeboat-backup", move |progress| {
            let device = source.open().map_err(|e| e.to_string())?;
            engine::backup(&vault, device.as_ref(), &options, progress, &cancel).map_err(|e| e.to_string())
        });
        Task::run(stream, move |event| Message::Backup(id, Box::new(event)))
    }

    fn backup_event(&mut self, id: JobId, event: JobEvent<BackupSummary>) -> (Task<Message>, Option<Event>) {
        let Some(run) = self.run.as_mut().filter(|r| r.id == id) else { return (Task::none(), None) };
        match event {
            JobEvent::Progress(status) => run.status = Some(*status),
            JobEvent::Notice(notice) => run.notices.push(notice),
            JobEvent::Finished(result) => {
                run.result = Some(result);
                return (Task::none(), Some(Event::BackupFinished));
            }
        }
        (Task::none(), None)
    }

    /// Whether a backup is running.
    pub fn busy(&self) -> bool {
        self.run.as_ref().is_some_and(|r| r.result.is_none())
    }

    /// The screen.
    pub fn view<'a>(&'a self, snapshots: &'a [Snapshot], reminder: bool) -> Element<'a, Message> {
        if self.devices.is_empty() {
            return self.empty_state();
        }
        let mut cards = Column::new().spacing(10);
        for device in &self.devices {
            cards = cards.push(device_card(device, self.selected.as_deref() == Some(&device.key())));
        }
        cards = cards.push(widget::secondary(Icon::Plus, t!("gui-add-folder"), Some(Message::AddFolder)));
        let left = column![widget::title(t!("gui-nav-devices")), scrollable(cards).height(Fill)]
            .spacing(16)
            .width(Length::Fixed(330.0));
        let detail = match self.selected.as_ref().and_then(|k| self.devices.iter().find(|d| &d.key() == k)) {
            Some(device) => self.detail(device, snapshots, reminder),
            None => container(widget::muted(t!("gui-devices-pick"))).center(Fill).into(),
        };
        row![left, container(detail).padding(24).width(Fill).height(Fill).style(theme::card)]
            .spacing(20)
            .padding(24)
            .into()
    }

    fn empty_state(&self) -> Element<'_, Message> {
        let step = |glyph, title: String, body: String| -> Element<'_, Message> {
            container(
                row![
                    icon::accent(glyph, 32.0),
                    column![text(title).font(BOLD), text(body).size(size::BODY).style(theme::muted)]
                        .spacing(4)
                ]
                .spacing(16)
                .align_y(Alignment::Center),
            )
            .padding(16)
            .width(Fill)
            .style(theme::card)
            .into()
        };
        let mut content = column![
            icon::accent(Icon::Lifeboat, 64.0),
            text(t!("gui-empty-title")).size(size::TITLE).font(BOLD),
            text(t!("gui-empty-body")).style(theme::muted),
            step(Icon::Phone, t!("gui-empty-android-title"), t!("gui-empty-android-body")),
            step(Icon::Phone, t!("gui-empty-iphone-title"), t!("gui-empty-iphone-body")),
            row![
                widget::primary(
                    Icon::Phone,
                    t!("gui-try-demo"),
                    (!self.demo_busy).then_some(Message::TryDemo)
                ),
                widget::secondary(Icon::Folder, t!("gui-add-folder"), Some(Message::AddFolder)),
            ]
            .spacing(12),
        ]
        .spacing(16)
        .align_x(Alignment::Center)
        .max_width(620);
        if let Some(e) = &self.error {
            content = content.push(container(text(e.clone())).padding(10).style(theme::error_box));
        }
        container(content).center(Fill).padding(24).into()
    }

    fn detail<'a>(
        &'a self,
        device: &'a DeviceInfo,
        snapshots: &'a [Snapshot],
        reminder: bool,
    ) -> Element<'a, Message> {
        let key = device.key();
        let last = snapshots.iter().filter(|s| s.device.key() == key && s.complete).map(|s| s.time_ns).max();
        let last_line = match last {
            Some(ns) => t!("gui-last-backup", when = clock::when_ns(ns)),
            None => t!("gui-never-backed-up"),
        };
        let mut header = column![
            text(device.identity.name.clone()).size(size::TITLE).font(BOLD),
            widget::muted(describe(device)),
            text(last_line).size(size::BODY),
        ]
        .spacing(4);
        if reminder && last.is_some_and(|ns| clock::now_secs() - ns / 1_000_000_000 > REMINDER_SECS) {
            header = header.push(
                container(text(t!("gui-reminder")).size(size::BODY)).padding(8).style(theme::warning_box),
            );
        }
        if let DeviceState::NeedsPermission(why) = &device.state {
            header = header.push(container(text(why.clone())).padding(8).style(theme::warning_box));
        }
        let body: Element<'_, Message> = match &self.run {
            Some(run) if run.device == key && run.result.is_none() => running(run),
            Some(run) if run.device == key => summary(run),
            _ => self.categories(),
        };
        let forget = widget::link(t!("gui-forget-folder"), Message::Forget(key));
        column![
            row![icon::accent(kind_icon(device.identity.kind), 44.0), header.width(Fill), forget].spacing(16),
            body
        ]
        .spacing(24)
        .into()
    }

    fn categories(&self) -> Element<'_, Message> {
        let chosen = self.chosen();
        let survey = self.survey.as_ref().filter(|s| Some(&s.device) == self.selected.as_ref());
        let mut list = Column::new().spacing(4);
        for category in Category::ALL {
            let found = survey
                .and_then(|s| s.result.as_ref())
                .and_then(|r| r.as_ref().ok())
                .and_then(|list| list.iter().find(|c| c.category == category));
            let detail = match (survey.map(|s| &s.result), found) {
                (Some(None), _) => t!("gui-counting"),
                (_, Some(found)) if found.unavailable.is_some() => {
                    found.unavailable.clone().unwrap_or_default()
                }
                (_, Some(found)) => {
                    format!("{} · {}", t!("gui-items", count = found.items), crate::text::bytes(found.bytes))
                }
                (Some(Some(Err(e))), _) => e.clone(),
                _ => t!("gui-items", count = 0),
            };
            list = list.push(
                row![
                    icon(widget::category_icon(category), 20.0, false),
                    text(widget::category_name(category)).width(Length::Fixed(170.0)),
                    text(detail).size(size::SMALL).style(theme::muted).width(Fill),
                    toggler(chosen.contains(category)).on_toggle(move |on| Message::Toggle(category, on)),
                ]
                .spacing(12)
                .padding([8, 4])
                .align_y(Alignment::Center),
            );
        }
        let start = (!chosen.is_empty()).then_some(Message::BackUpNow);
        column![
            widget::heading(t!("gui-what-to-back-up")),
            list,
            widget::primary(Icon::Upload, t!("gui-back-up-now"), start)
        ]
        .spacing(12)
        .into()
    }
}

fn describe(device: &DeviceInfo) -> String {
    let identity = &device.identity;
    let mut parts: Vec<String> =
        [identity.manufacturer.clone(), identity.model.clone(), identity.os_version.clone()]
            .into_iter()
            .flatten()
            .collect();
    let Source::Folder(path) = &device.source;
    parts.push(path.display().to_string());
    if let Some((used, total)) = device.storage {
        parts.push(t!("gui-storage", used = crate::text::bytes(used), total = crate::text::bytes(total)));
    }
    parts.join(" · ")
}

fn kind_icon(kind: DeviceKind) -> Icon {
    match kind {
        DeviceKind::Android | DeviceKind::Iphone | DeviceKind::WindowsPhone => Icon::Phone,
        DeviceKind::Ipad => Icon::Tablet,
        DeviceKind::Camera => Icon::Camera,
        DeviceKind::Folder => Icon::Folder,
        DeviceKind::Import => Icon::Import,
    }
}

fn device_card(device: &DeviceInfo, selected: bool) -> Element<'_, Message> {
    let state = match &device.state {
        DeviceState::Ready => t!("gui-state-ready"),
        DeviceState::NeedsPermission(_) => t!("gui-state-permission"),
    };
    button(
        row![
            icon(kind_icon(device.identity.kind), 30.0, false),
            column![text(device.identity.name.clone()).font(BOLD), widget::muted(state)]
                .spacing(2)
                .width(Fill),
        ]
        .spacing(12)
        .align_y(Alignment::Center),
    )
    .width(Fill)
    .padding(14)
    .style(theme::row_button(selected))
    .on_press(Message::Select(device.key()))
    .into()
}

fn phase(phase: Phase) -> String {
    match phase {
        Phase::Scanning => t!("phase-scanning"),
        Phase::Transferring => t!("phase-transferring"),
        Phase::Finishing => t!("phase-finishing"),
        Phase::Verifying => t!("phase-verifying"),
    }
}

fn running(run: &BackupRun) -> Element<'_, Message> {
    let mut content = Column::new().spacing(12);
    match &run.status {
        Some(status) => {
            content = content.push(widget::heading(phase(status.phase)));
            for c in &status.categories {
                content = content.push(widget::progress_row(
                    c.category,
                    c.items_done,
                    c.items_total,
                    c.bytes_done,
                    c.bytes_total,
                ));
            }
            let eta = status.eta.map(crate::text::duration).unwrap_or_else(|| "–".into());
            content = content.push(widget::muted(t!(
                "gui-progress-total",
                done = crate::text::bytes(status.bytes_done),
                total = crate::text::bytes(status.bytes_total),
                rate = crate::text::rate(status.bytes_per_second),
                eta = eta
            )));
        }
        None => content = content.push(widget::heading(t!("gui-starting"))),
    }
    let cancelling = run.cancel.is_cancelled();
    content
        .push(widget::secondary(
            Icon::Close,
            if cancelling { t!("gui-cancelling") } else { t!("gui-cancel") },
            (!cancelling).then_some(Message::Cancel),
        ))
        .into()
}

fn summary(run: &BackupRun) -> Element<'_, Message> {
    let mut content = Column::new().spacing(10);
    match &run.result {
        Some(Ok(summary)) => {
            let snapshot = &summary.snapshot;
            content = content.push(
                row![icon::accent(Icon::Check, 24.0), widget::heading(t!("gui-backup-done"))].spacing(10),
            );
            content = content.push(text(t!(
                "gui-backup-stored",
                items = snapshot.items(),
                size = crate::text::bytes(snapshot.size()),
                duration = crate::text::duration(summary.duration)
            )));
            content = content.push(widget::muted(t!(
                "gui-backup-incremental",
                unchanged = summary.items_unchanged,
                read = summary.items_read,
                new = crate::text::bytes(summary.new_bytes)
            )));
            for (category, totals) in &snapshot.totals {
                content = content.push(
                    text(format!(
                        "{}: {} · {}",
                        widget::category_name(*category),
                        t!("gui-items", count = totals.items),
                        crate::text::bytes(totals.bytes)
                    ))
                    .size(size::BODY),
                );
            }
            for (category, reason) in &snapshot.unavailable {
                content = content.push(
                    text(t!(
                        "gui-unavailable",
                        category = widget::category_name(*category),
                        reason = reason.clone()
                    ))
                    .size(size::BODY)
                    .style(theme::danger_text),
                );
            }
            for skipped in snapshot.skipped.iter().take(20) {
                content = content.push(widget::muted(t!(
                    "backup-skipped",
                    what = skipped.what.clone(),
                    reason = skipped.reason.clone()
                )));
            }
        }
        Some(Err(e)) => {
            content = content.push(
                row![icon(Icon::Warning, 24.0, false), widget::heading(t!("gui-backup-failed"))].spacing(10),
            );
            content = content.push(container(text(e.clone())).padding(10).style(theme::error_box));
        }
        None => {}
    }
    content.push(widget::secondary(Icon::Check, t!("gui-ok"), Some(Message::DismissSummary))).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(dir: &std::path::Path) -> DeviceInfo {
        DeviceInfo::folder(dir).unwrap()
    }

    #[test]
    fn devices_come_and_go_by_messages() {
        let dir = tempfile::tempdir().unwrap();
        let info = folder(dir.path());
        let key = info.key();
        let mut screen = Devices { default_categories: CategorySet::all(), ..Devices::default() };
        let (_, event) = screen.update(Message::DeviceAppeared(info.clone()), &[]);
        assert!(event.is_none(), "a device never backed up is not a known one");
        assert_eq!(screen.selected.as_deref(), Some(key.as_str()), "the first device is chosen");
        // The same device appearing again replaces its card rather than adding one.
        let _ = screen.update(Message::DeviceAppeared(info), &[]);
        assert_eq!(screen.devices.len(), 1);
        let _ = screen.update(Message::Toggle(Category::Photos, false), &[]);
        assert!(!screen.chosen().contains(Category::Photos));
        assert!(screen.chosen().contains(Category::Contacts));
        let (_, event) = screen.update(Message::BackUpNow, &[]);
        assert!(matches!(event, Some(Event::BackupRequested)));
        let _ = screen.update(Message::DeviceGone(key), &[]);
        assert!(screen.devices.is_empty() && screen.selected.is_none());
    }

    #[test]
    fn stale_survey_results_are_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let mut screen = Devices::default();
        let _ = screen.update(Message::DeviceAppeared(folder(dir.path())), &[]);
        let stale = Message::Surveyed(u64::MAX, Ok(Vec::new()));
        let _ = screen.update(stale, &[]);
        assert!(screen.survey.as_ref().is_some_and(|s| s.result.is_none()));
    }
}
