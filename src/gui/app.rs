//! The root of the app: the navigation rail, the pages, the password dialog, and the one place where
//! subscriptions are built. Screens own their messages and hand [`Event`](super::screen::devices::Event)s
//! up; `update` here is a dispatch table from messages and events to small methods.
//!
//! The vault is opened once per session, on first use: anything that needs it records what it wanted
//! ([`Pending`]), the password dialog opens, and the wish is carried out once the vault is open.

use std::path::PathBuf;

use iced::keyboard::{self, Key, key::Named};
use iced::widget::{button, column, container, operation, row, text};
use iced::window;
use iced::{Alignment, Element, Fill, Length, Subscription, Task, Theme};

use super::config::Config;
use super::demo;
use super::devices::{self, DeviceEvent};
use super::jobs::{self, JobId, SharedVault};
use super::screen::backups::{self, Backups};
use super::screen::browse::{self, Browse, Tab};
use super::screen::devices::{self as devices_screen, Devices};
use super::screen::password::{self, Dialog, Mode};
use super::screen::restore::{self, Wizard};
use super::screen::settings;
use super::theme::{self, BOLD, size};
use super::thumbnails::Prepared;
use super::widget::{self, Icon, icon};
use crate::device::discovery::Remembered;
use crate::engine::Cancel;
use crate::t;
use crate::vault::{Snapshot, Vault};

/// The pages of the navigation rail (and the browser, reached from Backups).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// Devices (home).
    Devices,
    /// All backups.
    Backups,
    /// One backup, opened.
    Browse,
    /// The restore wizard.
    Restore,
    /// Settings.
    Settings,
}

/// What was wanted when the vault had to be opened first.
#[derive(Debug, Clone)]
pub enum Pending {
    /// Nothing: the person pressed Unlock.
    Nothing,
    /// Back up the selected device.
    Backup,
    /// Verify the vault.
    Verify,
    /// Compute the restore wizard's fidelity report.
    Plan,
    /// Run the restore wizard's restore.
    Restore,
    /// Show the backups page.
    ShowBackups,
    /// Open a snapshot in the browser.
    Browse(Box<Snapshot>, Tab),
}

/// Root messages.
#[derive(Debug, Clone)]
pub enum Message {
    /// A page was chosen in the rail.
    Navigate(Page),
    /// The Unlock button.
    Unlock,
    /// Whether a vault exists at the configured place.
    VaultProbed(PathBuf, bool),
    /// The snapshot list was read.
    SnapshotsLoaded(JobId, Result<Vec<Snapshot>, String>),
    /// A device source reported.
    Device(DeviceEvent),
    /// A key nobody else handled.
    Key(keyboard::Event),
    /// The settings were written (or not).
    ConfigSaved(Result<(), String>),
    /// The devices screen.
    Devices(devices_screen::Message),
    /// The backups screen.
    Backups(backups::Message),
    /// The browser.
    Browse(browse::Message),
    /// The restore wizard.
    Restore(restore::Message),
    /// The settings screen.
    Settings(settings::Message),
    /// The password dialog.
    Password(password::Message),
    /// The vault opened with `LIFEBOAT_PASSWORD` (or not), with no dialog involved.
    AutoUnlocked(Result<SharedVault, jobs::OpenError>),
    /// The window's close button: the virtual phones are stopped first.
    CloseRequested(window::Id),
    /// The virtual phones are stopped and forgotten; the app can end.
    Stopped,
    /// The thumbnails made ahead are in the cache (or the job stopped).
    PreviewsMade(Result<Prepared, String>),
    /// A job that only reports failure (forgetting a phone, tidying up) ended.
    Done(Result<(), String>),
}

/// The app.
pub struct App {
    /// The settings.
    pub config: Config,
    config_path: Option<PathBuf>,
    /// The open vault.
    pub vault: Option<SharedVault>,
    vault_exists: Option<bool>,
    /// Every snapshot, oldest first.
    pub snapshots: Vec<Snapshot>,
    snapshots_job: JobId,
    /// Stops the job making thumbnails ahead (see `previews.rs`).
    previews: Option<Cancel>,
    /// The page shown.
    pub page: Page,
    /// The devices screen.
    pub devices: Devices,
    /// The backups screen.
    pub backups: Backups,
    /// The browser, while a snapshot is open.
    pub browse: Option<Browse>,
    /// The restore wizard, while it is open.
    pub restore: Option<Wizard>,
    /// The password dialog and what it is for.
    pub password: Option<(Dialog, Pending)>,
    /// A line for the person (errors that belong to no screen, confirmations).
    pub notice: Option<String>,
    pub(super) start: Option<String>,
    /// A `LIFEBOAT_START` script that waits for a device, or for the restore's report (see `start.rs`).
    pub(super) start_waiting: Option<String>,
}

impl App {
    /// Boots with the settings at the default place.
    pub fn boot() -> (Self, Task<Message>) {
        let path = Config::default_path();
        let config = path.as_deref().map(Config::load).unwrap_or_default();
        Self::with_config(config, path)
    }

    /// Boots with `config`, saving changes to `path`. `LIFEBOAT_START` (a page, or `browse:<tab>`) opens a
    /// page once the vault is open, and `LIFEBOAT_PASSWORD` opens the vault at once: both are for scripted
    /// screenshots and measurements.
    pub fn with_config(config: Config, config_path: Option<PathBuf>) -> (Self, Task<Message>) {
        if let Some(language) = &config.language
            && let Err(e) = crate::i18n::set_language(language)
        {
            log::warn!("language {language}: {e}");
        }
        let mut devices = Devices::default();
        devices.default_categories = config.default_categories.clone();
        let app = Self {
            config,
            config_path,
            vault: None,
            vault_exists: None,
            snapshots: Vec::new(),
            snapshots_job: 0,
            previews: None,
            page: Page::Devices,
            devices,
            backups: Backups::default(),
            browse: None,
            restore: None,
            password: None,
            notice: None,
            start: std::env::var("LIFEBOAT_START").ok(),
            start_waiting: None,
        };
        let probe = app.probe_vault();
        let auto = match (std::env::var("LIFEBOAT_PASSWORD"), app.config.vault_path()) {
            (Ok(password), Some(path)) if !password.is_empty() => {
                Task::perform(jobs::open_vault(path, password, false), Message::AutoUnlocked)
            }
            _ => Task::none(),
        };
        let unlock =
            if app.start.as_deref() == Some("unlock") { Task::done(Message::Unlock) } else { Task::none() };
        let demo = if app.start.as_deref() == Some("demo") {
            Task::done(Message::Devices(devices_screen::Message::StartDemo(demo::Role::Demo)))
        } else {
            Task::none()
        };
        (app, Task::batch([probe, auto, unlock, forget_stale_demo_phones(), demo]))
    }

    fn probe_vault(&self) -> Task<Message> {
        let Some(path) = self.config.vault_path() else { return Task::none() };
        let probed = path.clone();
        Task::perform(
            jobs::blocking("lifeboat-probe", move || Ok(Vault::exists(&probed))),
            move |exists: Result<bool, String>| Message::VaultProbed(path.clone(), exists.unwrap_or(false)),
        )
    }

    /// The window title.
    pub fn title(&self) -> String {
        "Lifeboat".into()
    }

    /// The theme.
    pub fn theme(&self) -> Theme {
        theme::theme(self.config.theme)
    }

    /// Every subscription, built here and nowhere else: the device sources (added folders, and phones
    /// through the discovery watcher), the keyboard, and the window's close button.
    pub fn subscription(&self) -> Subscription<Message> {
        Subscription::batch([
            devices::watch_folders(self.config.folders.clone()).map(Message::Device),
            devices::watch_phones().map(Message::Device),
            keyboard::listen().map(Message::Key),
            window::close_requests().map(Message::CloseRequested),
        ])
    }

    /// Dispatches a message.
    pub fn update(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::Navigate(page) => self.navigate(page),
            Message::Unlock => self.with_vault(Pending::Nothing),
            Message::VaultProbed(path, exists) => {
                if self.config.vault_path().as_ref() != Some(&path) {
                    return Task::none();
                }
                self.vault_exists = Some(exists);
                // The dialog opened before the probe answered (a click right after the start) and asks to
                // unlock a vault that does not exist: it becomes the one that creates it.
                if !exists && let Some((dialog, pending)) = self.password.take() {
                    if dialog.mode == Mode::Unlock(path.clone()) {
                        let (dialog, task) = Dialog::new(Mode::Create(path));
                        self.password = Some((dialog, pending));
                        return task.map(Message::Password);
                    }
                    self.password = Some((dialog, pending));
                }
                Task::none()
            }
            Message::SnapshotsLoaded(job, result) => self.snapshots_loaded(job, result),
            Message::Device(event) => self.device_event(event),
            Message::Key(event) => self.key(event),
            Message::ConfigSaved(Err(e)) => {
                self.notice = Some(e);
                Task::none()
            }
            Message::ConfigSaved(Ok(())) => Task::none(),
            Message::Devices(message) => {
                let (task, event) = self.devices.update(message, &self.snapshots);
                let task = task.map(Message::Devices);
                match event {
                    Some(event) => Task::batch([task, self.devices_event(event)]),
                    None => task,
                }
            }
            Message::Backups(message) => {
                let (task, event) = self.backups.update(message, &self.snapshots);
                let task = task.map(Message::Backups);
                match event {
                    Some(backups::Event::Open(snapshot)) => {
                        Task::batch([task, self.open_browse(*snapshot, Tab::Photos)])
                    }
                    Some(backups::Event::Restore(snapshot)) => {
                        self.restore = Some(Wizard::new(Some(*snapshot)));
                        self.page = Page::Restore;
                        task
                    }
                    Some(backups::Event::VerifyRequested) => {
                        Task::batch([task, self.with_vault(Pending::Verify)])
                    }
                    None => task,
                }
            }
            Message::Browse(message) => {
                let Some(browse) = self.browse.as_mut() else { return Task::none() };
                let (task, event) = browse.update(message);
                let task = task.map(Message::Browse);
                match event {
                    Some(event) => Task::batch([task, self.browse_event(event)]),
                    None => task,
                }
            }
            Message::Restore(message) => {
                let Some(wizard) = self.restore.as_mut() else { return Task::none() };
                let (task, event) = wizard.update(message, &self.snapshots, &self.devices.devices);
                let task = task.map(Message::Restore);
                match event {
                    Some(restore::Event::PlanRequested) => {
                        Task::batch([task, self.with_vault(Pending::Plan)])
                    }
                    Some(restore::Event::AddEmptyDemoPhone) => Task::batch([
                        task,
                        self.update(Message::Devices(devices_screen::Message::StartDemo(demo::Role::Empty))),
                    ]),
                    Some(restore::Event::StartRequested) => {
                        Task::batch([task, self.with_vault(Pending::Restore)])
                    }
                    Some(restore::Event::Closed) => {
                        self.restore = None;
                        self.page = Page::Backups;
                        task
                    }
                    None => Task::batch([task, self.advance_start()]),
                }
            }
            Message::Settings(message) => {
                let (task, event) = settings::update(&self.config, message);
                let task = task.map(Message::Settings);
                match event {
                    Some(event) => Task::batch([task, self.settings_event(event)]),
                    None => task,
                }
            }
            Message::Password(message) => self.password_message(message),
            Message::AutoUnlocked(Ok(vault)) => self.unlocked(vault, Pending::Nothing),
            Message::AutoUnlocked(Err(e)) => {
                log::warn!("LIFEBOAT_PASSWORD did not open the vault: {e:?}");
                Task::none()
            }
            Message::CloseRequested(_) => self.close(),
            Message::Stopped => iced::exit(),
            Message::PreviewsMade(Ok(prepared)) => {
                log::info!(
                    "thumbnails made ahead: {} new, {} already cached, {} without a preview",
                    prepared.made,
                    prepared.cached,
                    prepared.no_preview
                );
                Task::none()
            }
            Message::PreviewsMade(Err(e)) => {
                log::warn!("thumbnails made ahead: {e}");
                Task::none()
            }
            Message::Done(Ok(())) => Task::none(),
            Message::Done(Err(e)) => {
                self.notice = Some(e);
                Task::none()
            }
        }
    }

    /// Stops the virtual phones (forgetting their addresses, so no unreachable entry is left for the next
    /// start), then ends the app. Stopping joins their threads, so it happens on a job thread.
    fn close(&mut self) -> Task<Message> {
        if let Some(previews) = self.previews.take() {
            previews.cancel();
        }
        let phones = self.devices.take_demo_phones();
        if phones.is_empty() {
            return iced::exit();
        }
        Task::perform(
            jobs::blocking("lifeboat-stop-phones", move || {
                drop(phones);
                Ok(())
            }),
            |_: Result<(), String>| Message::Stopped,
        )
    }

    pub(super) fn navigate(&mut self, page: Page) -> Task<Message> {
        match page {
            Page::Backups if self.vault.is_none() => {
                self.page = Page::Backups;
                self.with_vault(Pending::ShowBackups)
            }
            Page::Restore if self.restore.is_none() => {
                self.restore = Some(Wizard::new(None));
                self.page = Page::Restore;
                if self.vault.is_none() { self.with_vault(Pending::Nothing) } else { Task::none() }
            }
            Page::Browse if self.browse.is_none() => Task::none(),
            page => {
                self.page = page;
                Task::none()
            }
        }
    }

    /// Runs `pending` now if the vault is open, else asks for the password first.
    fn with_vault(&mut self, pending: Pending) -> Task<Message> {
        if let Some(vault) = self.vault.clone() {
            return self.run_pending(pending, vault);
        }
        if self.password.is_some() {
            return Task::none();
        }
        let Some(path) = self.config.vault_path() else {
            self.notice = Some(t!("no-vault-path"));
            return Task::none();
        };
        let mode = if self.vault_exists == Some(false) { Mode::Create(path) } else { Mode::Unlock(path) };
        let (dialog, task) = Dialog::new(mode);
        self.password = Some((dialog, pending));
        task.map(Message::Password)
    }

    fn run_pending(&mut self, pending: Pending, vault: SharedVault) -> Task<Message> {
        match pending {
            Pending::Nothing => Task::none(),
            Pending::Backup => {
                self.devices.start_backup(vault, self.config.photo_quality).map(Message::Devices)
            }
            Pending::Verify => self.backups.start_verify(vault).map(Message::Backups),
            Pending::Plan => match self.restore.as_mut() {
                Some(wizard) => wizard.plan(vault).map(Message::Restore),
                None => Task::none(),
            },
            Pending::Restore => match self.restore.as_mut() {
                Some(wizard) => wizard.start(vault).map(Message::Restore),
                None => Task::none(),
            },
            Pending::ShowBackups => {
                self.page = Page::Backups;
                Task::none()
            }
            Pending::Browse(snapshot, tab) => self.open_browse(*snapshot, tab),
        }
    }

    fn password_message(&mut self, message: password::Message) -> Task<Message> {
        let Some((dialog, _)) = self.password.as_mut() else { return Task::none() };
        let (task, event) = dialog.update(message, self.vault.as_ref());
        let task = task.map(Message::Password);
        match event {
            Some(password::Event::Unlocked(vault)) => {
                let pending = self.password.take().map(|(_, p)| p).unwrap_or(Pending::Nothing);
                Task::batch([task, self.unlocked(vault, pending)])
            }
            Some(password::Event::PasswordChanged) => {
                self.password = None;
                self.notice = Some(t!("password-changed"));
                task
            }
            Some(password::Event::Cancelled) => {
                self.password = None;
                if self.vault.is_none() && self.page == Page::Backups {
                    self.page = Page::Devices;
                }
                task
            }
            None => task,
        }
    }

    fn unlocked(&mut self, vault: SharedVault, pending: Pending) -> Task<Message> {
        self.vault = Some(vault.clone());
        self.vault_exists = Some(true);
        let load = self.reload_snapshots();
        Task::batch([load, self.run_pending(pending, vault)])
    }

    fn reload_snapshots(&mut self) -> Task<Message> {
        let Some(vault) = self.vault.clone() else { return Task::none() };
        let job = jobs::next_id();
        self.snapshots_job = job;
        Task::perform(
            jobs::blocking("lifeboat-snapshots", move || {
                let listing = vault.snapshots().map_err(|e| e.to_string())?;
                for (id, error) in &listing.damaged {
                    log::warn!("snapshot {}: {error}", id.short());
                }
                Ok(listing.snapshots)
            }),
            move |result| Message::SnapshotsLoaded(job, result),
        )
    }

    fn snapshots_loaded(&mut self, job: JobId, result: Result<Vec<Snapshot>, String>) -> Task<Message> {
        if job != self.snapshots_job {
            return Task::none();
        }
        let previews = match result {
            Ok(snapshots) => {
                self.snapshots = snapshots;
                self.make_previews()
            }
            Err(e) => {
                self.notice = Some(e);
                Task::none()
            }
        };
        Task::batch([previews, self.start_page()])
    }

    /// Starts making thumbnails ahead for the newest snapshot of each device (stopping a job already at it,
    /// which would repeat the same pictures).
    fn make_previews(&mut self) -> Task<Message> {
        if let Some(previous) = self.previews.take() {
            previous.cancel();
        }
        let (Some(vault), Some(cache)) = (self.vault.clone(), Config::cache_dir()) else {
            return Task::none();
        };
        let cancel = Cancel::new();
        self.previews = Some(cancel.clone());
        let snapshots = self.snapshots.clone();
        Task::perform(
            jobs::blocking("lifeboat-previews", move || {
                crate::gui::previews::prepare_newest(&vault, &snapshots, &cache, &cancel)
            }),
            Message::PreviewsMade,
        )
    }

    pub(super) fn open_browse(&mut self, snapshot: Snapshot, tab: Tab) -> Task<Message> {
        let Some(vault) = self.vault.clone() else {
            return self.with_vault(Pending::Browse(Box::new(snapshot), tab));
        };
        let (browse, task) = Browse::open(vault, snapshot, tab);
        self.browse = Some(browse);
        self.page = Page::Browse;
        task.map(Message::Browse)
    }

    fn device_event(&mut self, event: DeviceEvent) -> Task<Message> {
        let message = match event {
            DeviceEvent::Added(info) => devices_screen::Message::DeviceAppeared(info),
            DeviceEvent::Changed(info) => devices_screen::Message::DeviceChanged(info),
            DeviceEvent::Removed(key) => devices_screen::Message::DeviceGone(key),
        };
        let task = self.update(Message::Devices(message));
        Task::batch([task, self.advance_start()])
    }

    fn devices_event(&mut self, event: devices_screen::Event) -> Task<Message> {
        match event {
            devices_screen::Event::AddFolder(path) => {
                if !self.config.folders.contains(&path) {
                    let mut config = self.config.clone();
                    config.folders.push(path);
                    return self.apply_config(config);
                }
                Task::none()
            }
            devices_screen::Event::ForgetFolder(path) => {
                let mut config = self.config.clone();
                config
                    .folders
                    .retain(|f| f != &path && std::fs::canonicalize(f).ok().as_ref() != Some(&path));
                self.devices.devices.retain(|d| d.source != devices::Source::Folder(path.clone()));
                self.devices.selected = None;
                self.apply_config(config)
            }
            devices_screen::Event::ForgetPhone(address) => Task::perform(
                jobs::blocking("lifeboat-forget-phone", move || {
                    let dir = crate::device::discovery::config_dir().ok_or_else(|| t!("no-config-dir"))?;
                    let mut remembered = Remembered::load(&dir).map_err(|e| e.to_string())?;
                    remembered.remove(&address);
                    remembered.save(&dir).map_err(|e| e.to_string())
                }),
                Message::Done,
            ),
            devices_screen::Event::BackupRequested => self.with_vault(Pending::Backup),
            devices_screen::Event::BackupFinished => self.reload_snapshots(),
            devices_screen::Event::KnownDeviceAppeared(key) => {
                // Automatic backups run only in a session where the vault is already open: never a surprise
                // password prompt because a phone was plugged in.
                if self.config.auto_backup && self.vault.is_some() && !self.devices.busy() {
                    let select = self.devices.update(devices_screen::Message::Select(key), &self.snapshots).0;
                    let vault = self.vault.clone();
                    let photos = self.config.photo_quality;
                    let start =
                        vault.map(|v| self.devices.start_backup(v, photos)).unwrap_or_else(Task::none);
                    return Task::batch([select, start]).map(Message::Devices);
                }
                Task::none()
            }
        }
    }

    fn browse_event(&mut self, event: browse::Event) -> Task<Message> {
        match event {
            browse::Event::Closed => {
                self.browse = None;
                self.page = Page::Backups;
            }
            browse::Event::Restore(snapshot) => {
                self.restore = Some(Wizard::new(Some(*snapshot)));
                self.page = Page::Restore;
            }
        }
        Task::none()
    }

    fn settings_event(&mut self, event: settings::Event) -> Task<Message> {
        match event {
            settings::Event::Changed(config) => self.apply_config(config),
            settings::Event::VaultChosen(path) => {
                let mut config = self.config.clone();
                config.vault = Some(path);
                // A different vault: close this one and ask for the other's password.
                self.vault = None;
                self.snapshots.clear();
                self.browse = None;
                self.vault_exists = None;
                let save = self.apply_config(config);
                let probe = self.probe_vault();
                Task::batch([save, probe.chain(Task::done(Message::Unlock))])
            }
            settings::Event::ChangePassword => {
                let (dialog, task) = Dialog::new(Mode::Change);
                self.password = Some((dialog, Pending::Nothing));
                task.map(Message::Password)
            }
        }
    }

    /// Takes `config` into use and saves it off the UI thread.
    fn apply_config(&mut self, config: Config) -> Task<Message> {
        if config.language != self.config.language {
            let language = config.language.clone().unwrap_or_else(|| {
                i18n_embed::DesktopLanguageRequester::requested_languages()
                    .first()
                    .map(|l| l.language.to_string())
                    .unwrap_or_else(|| "en".into())
            });
            if let Err(e) = crate::i18n::set_language(&language) {
                log::warn!("language {language}: {e}");
            }
        }
        self.devices.default_categories = config.default_categories.clone();
        self.config = config;
        let Some(path) = self.config_path.clone() else { return Task::none() };
        let config = self.config.clone();
        Task::perform(jobs::blocking("lifeboat-config", move || config.save(&path)), Message::ConfigSaved)
    }

    fn key(&mut self, event: keyboard::Event) -> Task<Message> {
        let keyboard::Event::KeyPressed { key, modifiers, .. } = event else { return Task::none() };
        match key.as_ref() {
            Key::Named(Named::Tab) if modifiers.shift() => operation::focus_previous(),
            Key::Named(Named::Tab) => operation::focus_next(),
            Key::Named(Named::Escape) => self.escape(),
            Key::Named(Named::Enter) if self.password.is_none() => match self.page {
                Page::Devices if self.devices.selected.is_some() && !self.devices.busy() => {
                    self.update(Message::Devices(devices_screen::Message::BackUpNow))
                }
                Page::Restore => self.update(Message::Restore(restore::Message::Next)),
                _ => Task::none(),
            },
            Key::Named(Named::ArrowRight) if self.page == Page::Browse => {
                self.update(Message::Browse(browse::Message::Step(1)))
            }
            Key::Named(Named::ArrowLeft) if self.page == Page::Browse => {
                self.update(Message::Browse(browse::Message::Step(-1)))
            }
            _ => Task::none(),
        }
    }

    fn escape(&mut self) -> Task<Message> {
        if self.password.is_some() {
            return self.update(Message::Password(password::Message::Cancel));
        }
        match self.page {
            Page::Browse => {
                if let Some(event) = self.browse.as_mut().and_then(Browse::escape) {
                    return self.browse_event(event);
                }
                Task::none()
            }
            Page::Restore if !self.restore.as_ref().is_some_and(Wizard::busy) => {
                self.update(Message::Restore(restore::Message::Back))
            }
            _ => Task::none(),
        }
    }

    /// The window's content.
    pub fn view(&self) -> Element<'_, Message> {
        let content: Element<'_, Message> = match self.page {
            Page::Devices => self.devices.view(&self.snapshots, self.config.reminder).map(Message::Devices),
            Page::Backups => self.backups.view(&self.snapshots, self.vault.is_none()).map(Message::Backups),
            Page::Browse => match &self.browse {
                Some(browse) => browse.view().map(Message::Browse),
                None => widget::muted(""),
            },
            Page::Restore => match &self.restore {
                Some(wizard) => wizard
                    .view(
                        &self.snapshots,
                        &self.devices.devices,
                        &self.devices.demo,
                        self.devices.starting.is_some(),
                    )
                    .map(Message::Restore),
                None => widget::muted(""),
            },
            Page::Settings => settings::view(&self.config, self.vault.is_some()).map(Message::Settings),
        };
        let mut main = column![].height(Fill).width(Fill);
        if let Some(notice) = &self.notice {
            main = main.push(
                container(text(notice.clone()).size(size::BODY)).padding(10).width(Fill).style(theme::note),
            );
        }
        let page = row![self.sidebar(), main.push(content)];
        match &self.password {
            Some((dialog, _)) => widget::modal(page.into(), dialog.view().map(Message::Password), None),
            None => page.into(),
        }
    }

    fn sidebar(&self) -> Element<'_, Message> {
        let entry = |glyph: Icon, label: String, page: Page| {
            let selected = self.page == page || (page == Page::Backups && self.page == Page::Browse);
            button(row![icon(glyph, 20.0, false), text(label)].spacing(12).align_y(Alignment::Center))
                .width(Fill)
                .padding([10, 12])
                .style(theme::nav(selected))
                .on_press(Message::Navigate(page))
        };
        let vault: Element<'_, Message> = match &self.vault {
            Some(_) => {
                row![icon(Icon::Shield, 16.0, false), widget::muted(t!("gui-vault-open"))].spacing(8).into()
            }
            None => button(
                row![icon(Icon::Lock, 16.0, false), text(t!("gui-unlock")).size(size::SMALL)].spacing(8),
            )
            .style(button::text)
            .on_press(Message::Unlock)
            .into(),
        };
        container(
            column![
                row![widget::icon::accent(Icon::Lifeboat, 30.0), text("Lifeboat").size(20).font(BOLD)]
                    .spacing(10)
                    .align_y(Alignment::Center),
                widget::gap(18.0),
                entry(Icon::Devices, t!("gui-nav-devices"), Page::Devices),
                entry(Icon::Backups, t!("gui-nav-backups"), Page::Backups),
                entry(Icon::Restore, t!("gui-nav-restore"), Page::Restore),
                entry(Icon::Settings, t!("gui-nav-settings"), Page::Settings),
                iced::widget::space::vertical(),
                vault,
            ]
            .spacing(4)
            .padding(16),
        )
        .width(Length::Fixed(220.0))
        .height(Fill)
        .style(theme::sidebar)
        .into()
    }
}

/// Forgets the addresses of virtual phones that an earlier run did not stop (it crashed or was killed), so
/// they do not linger as unreachable phones.
fn forget_stale_demo_phones() -> Task<Message> {
    Task::perform(
        jobs::blocking("lifeboat-tidy", || {
            match (demo::demo_dir(), crate::device::discovery::config_dir()) {
                (Some(demo), Some(config)) => demo::forget_stale(&demo, &config).map_err(|e| e.to_string()),
                _ => Ok(()),
            }
        }),
        |result| {
            if let Err(e) = &result {
                log::warn!("could not tidy up the demo phones of an earlier run: {e}");
            }
            Message::Done(Ok(()))
        },
    )
}

#[cfg(test)]
#[path = "app_tests.rs"]
mod tests;
