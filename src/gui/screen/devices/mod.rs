//! The home screen: the devices Lifeboat can see (phones the discovery watcher found, folders the person
//! added, the virtual demo phones), and for the chosen one its categories (counted by a survey on a job
//! thread), when it was last backed up, and **Back Up Now** with per-category progress, Cancel and a summary
//! at the end.
//!
//! Devices arrive only as `DeviceAppeared` / `DeviceChanged` / `DeviceGone` messages, whatever their source.
//! A device that goes while it is being backed up stops its backup (the engine keeps what was copied) and
//! the summary says so. The views are in `view.rs`.

mod view;

pub use view::{kind_icon, role_tag, state_line};

use std::collections::HashMap;
use std::path::PathBuf;

use iced::Task;

use crate::data::{Category, CategorySet};
use crate::device::{CategorySummary, DeviceError};
use crate::engine::{self, BackupOptions, BackupSummary, Cancel, EngineError, Notice, PhotoQuality, Status};
use crate::gui::demo::{self, DemoPhone, Role};
use crate::gui::devices::{DeviceInfo, Source};
use crate::gui::jobs::{self, JobEvent, JobId, SharedVault};
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
    Backup(JobId, Box<JobEvent<Result<BackupSummary, BackupError>>>),
    /// Cancel was pressed.
    Cancel,
    /// The summary was read.
    DismissSummary,
    /// "Add a folder or SD card…" was pressed.
    AddFolder,
    /// The folder dialog closed.
    FolderPicked(Option<PathBuf>),
    /// "Try the demo phone" or "Add an empty demo phone" was pressed.
    StartDemo(Role),
    /// A virtual phone is running (the watcher will find it at its next look).
    DemoStarted(Role, Result<DemoPhone, String>),
    /// "Forget" was pressed on a folder or a remembered network phone.
    Forget(String),
}

/// What the devices screen asks of the app.
#[derive(Debug, Clone)]
pub enum Event {
    /// Remember this folder as a device.
    AddFolder(PathBuf),
    /// Forget this folder.
    ForgetFolder(PathBuf),
    /// Forget this remembered network phone (`HOST:PORT`).
    ForgetPhone(String),
    /// A backup was asked for and needs the open vault (the app calls [`Devices::start_backup`]).
    BackupRequested,
    /// A backup finished: the snapshot list is out of date.
    BackupFinished,
    /// A device the vault already knows has connected (and is ready).
    KnownDeviceAppeared(String),
}

/// Why a backup did not finish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupError {
    /// The device went away during the backup.
    Disconnected,
    /// Anything else, as a sentence.
    Failed(String),
}

impl std::fmt::Display for BackupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BackupError::Disconnected => f.write_str(&t!("gui-backup-disconnected")),
            BackupError::Failed(reason) => f.write_str(reason),
        }
    }
}

/// A backup in progress or just finished.
#[derive(Debug)]
pub struct BackupRun {
    /// Its job id.
    pub id: JobId,
    /// The device's key.
    pub device: String,
    /// The device's name (it may be gone by the time the summary is shown).
    pub device_name: String,
    cancel: Cancel,
    /// The device disappeared while the backup ran.
    pub gone: bool,
    /// The latest progress.
    pub status: Option<Status>,
    /// Skipped items and unavailable categories.
    pub notices: Vec<Notice>,
    /// The result, once finished.
    pub result: Option<Result<BackupSummary, BackupError>>,
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
    /// The virtual phones this session started; dropping the last handle stops a phone.
    pub demo: Vec<DemoPhone>,
    /// A virtual phone being started, until the watcher reports it.
    pub starting: Option<Role>,
    error: Option<String>,
}

impl Devices {
    /// Handles a message.
    pub fn update(&mut self, message: Message, snapshots: &[Snapshot]) -> (Task<Message>, Option<Event>) {
        match message {
            Message::DeviceAppeared(info) => self.appeared(info, snapshots),
            Message::DeviceChanged(info) => self.changed(info, snapshots),
            Message::DeviceGone(key) => {
                self.devices.retain(|d| d.key() != key);
                if let Some(run) = self.run.as_mut().filter(|r| r.device == key && r.result.is_none()) {
                    // A phone that vanished can leave a read waiting for minutes; stop now. The engine keeps
                    // what it copied, and the summary says the phone went.
                    run.gone = true;
                    run.cancel.cancel();
                }
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
            Message::BackUpNow => {
                let ready = self.selected_device().is_some_and(DeviceInfo::is_ready);
                (Task::none(), (ready && !self.busy()).then_some(Event::BackupRequested))
            }
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
            Message::StartDemo(role) => {
                if self.starting.is_some() || self.demo.iter().any(|p| p.role() == role) {
                    return (Task::none(), None);
                }
                self.starting = Some(role);
                self.error = None;
                let task = Task::perform(
                    jobs::blocking("lifeboat-virtual-phone", move || demo::start(role)),
                    move |result| Message::DemoStarted(role, result),
                );
                (task, None)
            }
            Message::DemoStarted(role, result) => {
                match result {
                    // `starting` stays until the watcher reports the phone: the button says it is coming.
                    Ok(phone) => {
                        self.demo.push(phone);
                        // The watcher may have been quicker than this message.
                        if self.devices.iter().any(|d| self.role_of(d) == Some(role)) {
                            self.starting = None;
                        }
                    }
                    Err(e) => {
                        if self.starting == Some(role) {
                            self.starting = None;
                        }
                        self.error = Some(e);
                    }
                }
                (Task::none(), None)
            }
            Message::Forget(key) => {
                let event = self.devices.iter().find(|d| d.key() == key).and_then(|d| match &d.source {
                    Source::Folder(path) => Some(Event::ForgetFolder(path.clone())),
                    Source::Phone(_) => d.network_address().map(|a| Event::ForgetPhone(a.to_string())),
                });
                (Task::none(), event)
            }
        }
    }

    fn appeared(&mut self, info: DeviceInfo, snapshots: &[Snapshot]) -> (Task<Message>, Option<Event>) {
        let key = info.key();
        let ready = info.is_ready();
        if self.starting.is_some_and(|role| self.role_of(&info) == Some(role)) {
            self.starting = None;
        }
        if let Some(existing) = self.devices.iter_mut().find(|d| d.key() == key) {
            *existing = info;
        } else {
            self.devices.push(info);
        }
        let known = ready && snapshots.iter().any(|s| s.device.key() == key);
        let event = known.then_some(Event::KnownDeviceAppeared(key.clone()));
        // The first usable device is chosen, unless the summary of a device that went is on show.
        if self.selected.is_none() && ready && self.orphan_run().is_none() {
            return (self.select(key), event);
        }
        (Task::none(), event)
    }

    fn changed(&mut self, info: DeviceInfo, snapshots: &[Snapshot]) -> (Task<Message>, Option<Event>) {
        let key = info.key();
        let Some(existing) = self.devices.iter_mut().find(|d| d.key() == key) else {
            return self.appeared(info, snapshots);
        };
        let became_ready = !existing.is_ready() && info.is_ready();
        *existing = info;
        if !became_ready {
            return (Task::none(), None);
        }
        // Allowed on the phone just now: count what it holds, and back it up if that is the habit.
        let known = snapshots.iter().any(|s| s.device.key() == key);
        let event = known.then_some(Event::KnownDeviceAppeared(key.clone()));
        let survey = if self.selected.as_deref() == Some(&key) { self.select(key) } else { Task::none() };
        (survey, event)
    }

    fn select(&mut self, key: String) -> Task<Message> {
        let Some(device) = self.devices.iter().find(|d| d.key() == key) else { return Task::none() };
        self.selected = Some(key.clone());
        if !device.is_ready() {
            // Nothing to count until the person does what the state's hint says.
            self.survey = None;
            return Task::none();
        }
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

    /// The chosen device, while it is connected.
    pub fn selected_device(&self) -> Option<&DeviceInfo> {
        self.selected.as_ref().and_then(|k| self.devices.iter().find(|d| &d.key() == k))
    }

    /// The categories chosen for the selected device.
    pub fn chosen(&self) -> CategorySet {
        self.selected
            .as_ref()
            .and_then(|key| self.choices.get(key))
            .cloned()
            .unwrap_or_else(|| self.default_categories.clone())
    }

    /// Which virtual phone of this session `device` is, if any.
    pub fn role_of(&self, device: &DeviceInfo) -> Option<Role> {
        role_of(device, &self.demo)
    }

    /// The backup whose device is no longer connected, while its summary (or its end) is awaited.
    pub fn orphan_run(&self) -> Option<&BackupRun> {
        self.run.as_ref().filter(|r| !self.devices.iter().any(|d| d.key() == r.device))
    }

    /// Starts backing up the selected device into `vault`.
    pub fn start_backup(&mut self, vault: SharedVault, photos: PhotoQuality) -> Task<Message> {
        if self.busy() {
            return Task::none();
        }
        let Some(device) = self.selected_device().filter(|d| d.is_ready()) else { return Task::none() };
        let id = jobs::next_id();
        let cancel = Cancel::new();
        let source = device.source.clone();
        self.run = Some(BackupRun {
            id,
            device: device.key(),
            device_name: device.identity.name.clone(),
            cancel: cancel.clone(),
            gone: false,
            status: None,
            notices: Vec::new(),
            result: None,
        });
        let options = BackupOptions { categories: self.chosen(), photos, ..BackupOptions::default() };
        let stream = jobs::with_progress("lifeboat-backup", move |progress| {
            let device = match source.open() {
                Ok(device) => device,
                Err(e) => return Ok(Err(BackupError::Failed(e.to_string()))),
            };
            Ok(engine::backup(&vault, device.as_ref(), &options, progress, &cancel).map_err(|e| match e {
                EngineError::Device(DeviceError::Disconnected { .. }) => BackupError::Disconnected,
                other => BackupError::Failed(other.to_string()),
            }))
        });
        Task::run(stream, move |event| Message::Backup(id, Box::new(event)))
    }

    fn backup_event(
        &mut self,
        id: JobId,
        event: JobEvent<Result<BackupSummary, BackupError>>,
    ) -> (Task<Message>, Option<Event>) {
        let Some(run) = self.run.as_mut().filter(|r| r.id == id) else { return (Task::none(), None) };
        match event {
            JobEvent::Progress(status) => run.status = Some(*status),
            JobEvent::Notice(notice) => run.notices.push(notice),
            JobEvent::Finished(result) => {
                let result = result.unwrap_or_else(|e| Err(BackupError::Failed(e)));
                // Stopped because the device went: whatever the engine said (cancelled, a broken read), that
                // is the sentence the person needs.
                run.result = Some(match result {
                    Err(_) if run.gone => Err(BackupError::Disconnected),
                    other => other,
                });
                return (Task::none(), Some(Event::BackupFinished));
            }
        }
        (Task::none(), None)
    }

    /// Whether a backup is running.
    pub fn busy(&self) -> bool {
        self.run.as_ref().is_some_and(|r| r.result.is_none())
    }

    /// Hands over the virtual phones, to be stopped off the UI thread (stopping joins their threads).
    pub fn take_demo_phones(&mut self) -> Vec<DemoPhone> {
        self.starting = None;
        std::mem::take(&mut self.demo)
    }
}

/// Which of `demo` `device` is: the watcher reaches a virtual phone at the address it listens on.
pub fn role_of(device: &DeviceInfo, demo: &[DemoPhone]) -> Option<Role> {
    let address = device.network_address()?;
    demo.iter().find(|p| p.address() == address).map(|p| p.role())
}

#[cfg(test)]
mod tests;
