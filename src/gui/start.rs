//! `LIFEBOAT_START`: where the app opens, for scripted screenshots and measurements (`dist/screenshots.sh`).
//! A page (`devices`, `backups`, `settings`, `restore`, `browse:photos|contacts|messages|calls|files`) is
//! opened when the first snapshot list arrives; `unlock` and `demo` act at boot. Three scripts wait for the
//! phones the discovery watcher reports:
//!
//! - `backup`: presses Back Up Now as soon as the first ready phone is chosen;
//! - `restore-plan:SERIAL`: opens the wizard on the newest complete backup with the phone `SERIAL` as the
//!   target, at the summary step with its fidelity report;
//! - `restore-run:SERIAL`: the same, then presses Restore now once the report is shown.
//!
//! Everything goes through the ordinary messages, as clicks would.

use iced::Task;

use super::app::{App, Message, Page};
use super::screen::browse::Tab;
use super::screen::devices as devices_screen;
use super::screen::restore::{self, Wizard};

impl App {
    /// Applies `LIFEBOAT_START` once, when the first snapshot list arrives.
    pub(super) fn start_page(&mut self) -> Task<Message> {
        let Some(start) = self.start.take() else { return Task::none() };
        let latest = self.snapshots.iter().rev().find(|s| s.complete).cloned();
        match (start.as_str(), latest) {
            ("backups", _) => self.navigate(Page::Backups),
            ("settings", _) => self.navigate(Page::Settings),
            ("restore", latest) => {
                self.restore = Some(Wizard::new(latest));
                self.page = Page::Restore;
                Task::none()
            }
            (other, Some(latest)) if other.starts_with("browse") => {
                let tab = match other.trim_start_matches("browse").trim_start_matches(':') {
                    "contacts" => Tab::Contacts,
                    "messages" => Tab::Messages,
                    "calls" => Tab::Calls,
                    "files" => Tab::Files,
                    _ => Tab::Photos,
                };
                self.open_browse(latest, tab)
            }
            (script, _) if script == "backup" || script.starts_with("restore-") => {
                self.start_waiting = Some(script.to_string());
                self.advance_start()
            }
            _ => Task::none(),
        }
    }

    /// Takes the next step of a waiting script, when what it waits for is there.
    pub(super) fn advance_start(&mut self) -> Task<Message> {
        let Some(script) = self.start_waiting.clone() else { return Task::none() };
        if script == "backup" {
            if !self.devices.selected_device().is_some_and(|d| d.is_ready()) {
                return Task::none();
            }
            self.start_waiting = None;
            return self.update(Message::Devices(devices_screen::Message::BackUpNow));
        }
        if script == "restore-start" {
            if !self.restore.as_ref().is_some_and(Wizard::can_start) {
                return Task::none();
            }
            self.start_waiting = None;
            return self.update(Message::Restore(restore::Message::Start));
        }
        let Some((mode, serial)) = script.split_once(':') else {
            self.start_waiting = None;
            return Task::none();
        };
        let Some(target) = self.devices.devices.iter().find(|d| d.identity.serial == serial && d.is_ready())
        else {
            return Task::none();
        };
        let key = target.key();
        let latest = self.snapshots.iter().rev().find(|s| s.complete).cloned();
        self.start_waiting = (mode == "restore-run").then(|| "restore-start".to_string());
        self.restore = Some(Wizard::new(latest));
        self.page = Page::Restore;
        let tasks = [restore::Message::DevicePicked(key), restore::Message::Next, restore::Message::Next]
            .map(|message| self.update(Message::Restore(message)));
        Task::batch(tasks)
    }
}
