//! The restore wizard: snapshot → target (a folder, or a connected device) → categories and folders → a
//! summary of what will be written → progress → what happened, per category.
//!
//! The summary step is where the cross-device fidelity report will go (what an iPhone keeps of an Android
//! backup): [`Wizard::fidelity_notes`] is its place, empty for now.

use std::collections::BTreeMap;
use std::path::PathBuf;

use iced::widget::{Column, button, checkbox, column, container, pick_list, row, scrollable, text};
use iced::{Alignment, Element, Fill, Length, Task};

use crate::data::{Category, CategorySet};
use crate::device::RestorePolicy;
use crate::engine::{self, Cancel, RestoreOptions, RestoreSummary, Status};
use crate::gui::devices::{DeviceInfo, Source};
use crate::gui::jobs::{self, JobEvent, JobId, SharedVault};
use crate::gui::screen::backups::snapshot_line;
use crate::gui::theme::{self, BOLD, size};
use crate::gui::widget::{self, Icon};
use crate::t;
use crate::vault::{Id, Snapshot};

/// The wizard's steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    /// Choose the snapshot.
    Snapshot,
    /// Choose where to.
    Target,
    /// Choose what.
    Items,
    /// Read what will happen.
    Summary,
    /// Running, then the result.
    Run,
}

/// An entry of the snapshot picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    id: Id,
    label: String,
}

impl std::fmt::Display for Choice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

/// Restore wizard messages.
#[derive(Debug, Clone)]
pub enum Message {
    /// A snapshot was picked.
    SnapshotPicked(Choice),
    /// "Choose a folder…" was pressed.
    PickFolder,
    /// The folder dialog closed.
    FolderPicked(Option<PathBuf>),
    /// A connected device was picked as the target.
    DevicePicked(String),
    /// A category was switched.
    Toggle(Category, bool),
    /// A top-level folder of the snapshot was switched.
    ToggleFolder(String, bool),
    /// Replace files that exist on the target.
    Overwrite(bool),
    /// Next step.
    Next,
    /// Previous step.
    Back,
    /// Start (needs the vault: the app calls [`Wizard::start`]).
    Start,
    /// The running restore reported.
    Restore(JobId, JobEvent<RestoreSummary>),
    /// Cancel the running restore.
    Cancel,
    /// Close the wizard.
    Close,
}

/// What the wizard asks of the app.
#[derive(Debug, Clone)]
pub enum Event {
    /// Run the restore now.
    StartRequested,
    /// The wizard is done.
    Closed,
}

/// Where to restore to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A folder (created if needed).
    Folder(PathBuf),
    /// A connected device.
    Device(Box<DeviceInfo>),
}

/// The wizard.
#[derive(Debug)]
pub struct Wizard {
    /// The step shown.
    pub step: Step,
    /// The snapshot.
    pub snapshot: Option<Snapshot>,
    /// Where to.
    pub target: Option<Target>,
    /// The categories chosen.
    pub categories: CategorySet,
    /// Top-level folders left out (empty: everything).
    pub excluded_folders: Vec<String>,
    /// Replace existing files.
    pub overwrite: bool,
    job: Option<(JobId, Cancel)>,
    /// Latest progress.
    pub status: Option<Status>,
    /// The result.
    pub result: Option<Result<RestoreSummary, String>>,
}

impl Wizard {
    /// A wizard, optionally starting from a snapshot.
    pub fn new(snapshot: Option<Snapshot>) -> Self {
        let categories = snapshot.as_ref().map(|s| s.totals.keys().copied().collect()).unwrap_or_default();
        Self {
            step: if snapshot.is_some() { Step::Target } else { Step::Snapshot },
            snapshot,
            target: None,
            categories,
            excluded_folders: Vec::new(),
            overwrite: false,
            job: None,
            status: None,
            result: None,
        }
    }

    /// Where the cross-device fidelity report will go: sentences about what the target cannot keep.
    pub fn fidelity_notes(&self) -> Vec<String> {
        Vec::new()
    }

    /// Handles a message.
    pub fn update(
        &mut self,
        message: Message,
        snapshots: &[Snapshot],
        devices: &[DeviceInfo],
    ) -> (Task<Message>, Option<Event>) {
        match message {
            Message::SnapshotPicked(choice) => {
                if let Some(snapshot) = snapshots.iter().find(|s| s.id == choice.id) {
                    self.categories = snapshot.totals.keys().copied().collect();
                    self.snapshot = Some(snapshot.clone());
                }
            }
            Message::PickFolder => {
                let pick = async {
                    rfd::AsyncFileDialog::new()
                        .set_title(t!("gui-restore-pick-folder"))
                        .pick_folder()
                        .await
                        .map(|f| f.path().to_path_buf())
                };
                return (Task::perform(pick, Message::FolderPicked), None);
            }
            Message::FolderPicked(Some(path)) => self.target = Some(Target::Folder(path)),
            Message::FolderPicked(None) => {}
            Message::DevicePicked(key) => {
                if let Some(device) = devices.iter().find(|d| d.key() == key) {
                    self.target = Some(Target::Device(Box::new(device.clone())));
                }
            }
            Message::Toggle(category, on) => {
                if on {
                    self.categories.insert(category)
                } else {
                    self.categories.remove(category)
                }
            }
            Message::ToggleFolder(folder, on) => {
                self.excluded_folders.retain(|f| f != &folder);
                if !on {
                    self.excluded_folders.push(folder);
                }
            }
            Message::Overwrite(on) => self.overwrite = on,
            Message::Next if self.can_continue() => {
                self.step = match self.step {
                    Step::Snapshot => Step::Target,
                    Step::Target => Step::Items,
                    Step::Items => Step::Summary,
                    Step::Summary | Step::Run => Step::Run,
                };
            }
            Message::Next => {}
            Message::Back => {
                self.step = match self.step {
                    Step::Snapshot | Step::Target => Step::Snapshot,
                    Step::Items => Step::Target,
                    Step::Summary => Step::Items,
                    Step::Run => Step::Run,
                };
            }
            Message::Start => return (Task::none(), Some(Event::StartRequested)),
            Message::Restore(id, event) => {
                if self.job.as_ref().is_some_and(|(job, _)| *job == id) {
                    match event {
                        JobEvent::Progress(status) => self.status = Some(*status),
                        JobEvent::Notice(_) => {}
                        JobEvent::Finished(result) => {
                            self.result = Some(result);
                            self.job = None;
                        }
                    }
                }
            }
            Message::Cancel => {
                if let Some((_, cancel)) = &self.job {
                    cancel.cancel();
                }
            }
            Message::Close => return (Task::none(), Some(Event::Closed)),
        }
        (Task::none(), None)
    }

    /// Whether the current step is filled in.
    pub fn can_continue(&self) -> bool {
        match self.step {
            Step::Snapshot => self.snapshot.is_some(),
            Step::Target => self.target.is_some(),
            Step::Items => !self.categories.is_empty(),
            Step::Summary => true,
            Step::Run => false,
        }
    }

    /// Whether a restore is running.
    pub fn busy(&self) -> bool {
        self.job.is_some()
    }

    /// The folders at the top of the snapshot's photos and files, which the person can leave out.
    fn top_folders(&self) -> Vec<String> {
        // The wizard does not read the catalog (the snapshot's totals are enough for every other step), so it
        // offers the folders phones use.
        ["DCIM", "Pictures", "Movies", "Download", "Documents", "Music"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    fn options(&self) -> RestoreOptions {
        let mut include = Vec::new();
        if !self.excluded_folders.is_empty() {
            // "Only these folders": the folders still ticked, plus the record documents and contact cards,
            // which live outside them.
            include = self.top_folders().into_iter().filter(|f| !self.excluded_folders.contains(f)).collect();
            include.extend(
                ["Contacts", "Messages", "Calls", "Settings", "Apps", "Raw", "*.vcf"].map(String::from),
            );
        }
        RestoreOptions {
            categories: Some(self.categories.clone()),
            include,
            policy: RestorePolicy { overwrite: self.overwrite },
        }
    }

    /// Starts the restore into `vault`'s snapshot.
    pub fn start(&mut self, vault: SharedVault) -> Task<Message> {
        let (Some(snapshot), Some(target)) = (self.snapshot.clone(), self.target.clone()) else {
            return Task::none();
        };
        let id = jobs::next_id();
        let cancel = Cancel::new();
        self.job = Some((id, cancel.clone()));
        self.step = Step::Run;
        self.result = None;
        let options = self.options();
        let stream = jobs::with_progress("lifeboat-restore", move |progress| {
            let source = match target {
                Target::Folder(path) => Source::Folder(path),
                Target::Device(device) => device.source,
            };
            let device = source.open_target().map_err(|e| e.to_string())?;
            engine::restore(&vault, &snapshot, device.as_ref(), &options, progress, &cancel)
                .map_err(|e| e.to_string())
        });
        Task::run(stream, move |event| Message::Restore(id, event))
    }

    /// The wizard.
    pub fn view<'a>(&'a self, snapshots: &'a [Snapshot], devices: &'a [DeviceInfo]) -> Element<'a, Message> {
        let steps = [
            (Step::Snapshot, t!("gui-step-snapshot")),
            (Step::Target, t!("gui-step-target")),
            (Step::Items, t!("gui-step-items")),
            (Step::Summary, t!("gui-step-summary")),
            (Step::Run, t!("gui-step-run")),
        ];
        let crumbs = row(steps.into_iter().enumerate().map(|(n, (step, label))| {
            let label = text(format!("{}. {label}", n + 1)).size(size::BODY);
            let label = if step == self.step {
                label.font(BOLD).style(|t: &iced::Theme| text::Style { color: Some(t.palette().primary) })
            } else {
                label.style(theme::muted)
            };
            label.into()
        }))
        .spacing(22);
        let body: Element<'_, Message> = match self.step {
            Step::Snapshot => self.pick_snapshot(snapshots),
            Step::Target => self.pick_target(devices),
            Step::Items => self.pick_items(),
            Step::Summary => self.summary(),
            Step::Run => self.run(),
        };
        let mut nav = row![].spacing(12);
        if !matches!(self.step, Step::Snapshot | Step::Run) {
            nav = nav.push(widget::secondary(Icon::Back, t!("gui-back"), Some(Message::Back)));
        }
        nav = nav.push(iced::widget::space::horizontal());
        match self.step {
            Step::Summary => {
                nav = nav.push(widget::primary(Icon::Restore, t!("gui-restore-start"), Some(Message::Start)))
            }
            Step::Run if self.busy() => {}
            Step::Run => nav = nav.push(widget::primary(Icon::Check, t!("gui-done"), Some(Message::Close))),
            _ => {
                nav = nav.push(widget::primary(
                    Icon::Check,
                    t!("gui-next"),
                    self.can_continue().then_some(Message::Next),
                ))
            }
        }
        column![
            widget::title(t!("gui-nav-restore")),
            crumbs,
            container(body).padding(24).width(Fill).height(Fill).style(theme::card),
            nav
        ]
        .spacing(18)
        .padding(24)
        .into()
    }

    fn pick_snapshot<'a>(&'a self, snapshots: &'a [Snapshot]) -> Element<'a, Message> {
        let choices: Vec<Choice> =
            snapshots.iter().rev().map(|s| Choice { id: s.id, label: snapshot_line(s) }).collect();
        let selected = self.snapshot.as_ref().map(|s| Choice { id: s.id, label: snapshot_line(s) });
        if choices.is_empty() {
            return widget::muted(t!("gui-no-backups"));
        }
        column![
            widget::heading(t!("gui-restore-which")),
            pick_list(choices, selected, Message::SnapshotPicked)
                .placeholder(t!("gui-restore-choose"))
                .width(Length::Fixed(520.0)),
        ]
        .spacing(12)
        .into()
    }

    fn pick_target<'a>(&'a self, devices: &'a [DeviceInfo]) -> Element<'a, Message> {
        let mut list = Column::new().spacing(8);
        list = list.push(widget::heading(t!("gui-restore-where")));
        let folder_label = match &self.target {
            Some(Target::Folder(path)) => t!("gui-restore-to-folder", path = path.display().to_string()),
            _ => t!("gui-restore-pick-folder"),
        };
        list = list.push(
            button(
                row![widget::icon(Icon::Folder, 22.0, false), text(folder_label)]
                    .spacing(10)
                    .align_y(Alignment::Center),
            )
            .padding(14)
            .width(Fill)
            .style(theme::row_button(matches!(self.target, Some(Target::Folder(_)))))
            .on_press(Message::PickFolder),
        );
        for device in devices {
            let selected = matches!(&self.target, Some(Target::Device(d)) if d.key() == device.key());
            list = list.push(
                button(
                    row![widget::icon(Icon::Phone, 22.0, false), text(device.identity.name.clone())]
                        .spacing(10)
                        .align_y(Alignment::Center),
                )
                .padding(14)
                .width(Fill)
                .style(theme::row_button(selected))
                .on_press(Message::DevicePicked(device.key())),
            );
        }
        list.into()
    }

    fn pick_items(&self) -> Element<'_, Message> {
        let Some(snapshot) = &self.snapshot else { return widget::muted("") };
        let mut list = Column::new().spacing(10);
        list = list.push(widget::heading(t!("gui-restore-what")));
        for (category, totals) in &snapshot.totals {
            let category = *category;
            list = list.push(
                checkbox(self.categories.contains(category))
                    .label(format!(
                        "{} — {} · {}",
                        widget::category_name(category),
                        t!("gui-items", count = totals.items),
                        crate::text::bytes(totals.bytes)
                    ))
                    .on_toggle(move |on| Message::Toggle(category, on)),
            );
        }
        if self.categories.contains(Category::Photos) || self.categories.contains(Category::Files) {
            list = list.push(widget::heading(t!("gui-restore-folders")));
            let mut folders = row![].spacing(16);
            for folder in self.top_folders() {
                let on = !self.excluded_folders.contains(&folder);
                folders = folders.push(
                    checkbox(on)
                        .label(folder.clone())
                        .on_toggle(move |on| Message::ToggleFolder(folder.clone(), on)),
                );
            }
            list = list.push(folders);
        }
        list = list
            .push(checkbox(self.overwrite).label(t!("gui-restore-overwrite")).on_toggle(Message::Overwrite));
        scrollable(list).into()
    }

    fn summary(&self) -> Element<'_, Message> {
        let Some(snapshot) = &self.snapshot else { return widget::muted("") };
        let target = match &self.target {
            Some(Target::Folder(path)) => path.display().to_string(),
            Some(Target::Device(device)) => device.identity.name.clone(),
            None => String::new(),
        };
        let mut list = column![
            widget::heading(t!("gui-restore-will")),
            text(t!("gui-restore-from", snapshot = snapshot_line(snapshot))),
            text(t!("gui-restore-into", target = target)),
        ]
        .spacing(8);
        for (category, totals) in snapshot.totals.iter().filter(|(c, _)| self.categories.contains(**c)) {
            list = list.push(text(format!(
                "• {} — {} · {}",
                widget::category_name(*category),
                t!("gui-items", count = totals.items),
                crate::text::bytes(totals.bytes)
            )));
        }
        if !self.excluded_folders.is_empty() {
            list = list.push(widget::muted(t!(
                "gui-restore-leaving-out",
                folders = self.excluded_folders.join(", ")
            )));
        }
        list = list.push(widget::muted(if self.overwrite {
            t!("gui-restore-overwrites")
        } else {
            t!("gui-restore-keeps")
        }));
        for note in self.fidelity_notes() {
            list = list.push(container(text(note)).padding(8).style(theme::warning_box));
        }
        list.into()
    }

    fn run(&self) -> Element<'_, Message> {
        let mut content = Column::new().spacing(12);
        match (&self.result, &self.status) {
            (Some(Ok(summary)), _) => {
                content = content.push(widget::heading(t!(
                    "gui-restore-done",
                    count = summary.restored(),
                    size = crate::text::bytes(summary.bytes)
                )));
                let per: BTreeMap<_, _> = summary.categories.iter().collect();
                for (category, count) in per {
                    content = content.push(text(t!(
                        "gui-restore-category",
                        category = widget::category_name(*category),
                        restored = count.restored,
                        present = count.already_present,
                        refused = count.refused
                    )));
                    for note in count.notes.iter().take(5) {
                        content = content.push(widget::muted(note.clone()));
                    }
                }
                for failure in summary.failures.iter().take(20) {
                    content = content.push(
                        text(format!("{}: {}", failure.path, failure.reason))
                            .size(size::SMALL)
                            .style(theme::danger_text),
                    );
                }
            }
            (Some(Err(e)), _) => {
                content = content.push(container(text(e.clone())).padding(10).style(theme::error_box))
            }
            (None, Some(status)) => {
                for c in &status.categories {
                    content = content.push(widget::progress_row(
                        c.category,
                        c.items_done,
                        c.items_total,
                        c.bytes_done,
                        c.bytes_total,
                    ));
                }
                content =
                    content.push(widget::secondary(Icon::Close, t!("gui-cancel"), Some(Message::Cancel)));
            }
            (None, None) => content = content.push(widget::muted(t!("gui-starting"))),
        }
        scrollable(content).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_step_must_be_filled_in_before_the_next() {
        let mut wizard = Wizard::new(None);
        assert_eq!(wizard.step, Step::Snapshot);
        let _ = wizard.update(Message::Next, &[], &[]);
        assert_eq!(wizard.step, Step::Snapshot, "no snapshot chosen yet");
        wizard.step = Step::Target;
        let _ = wizard.update(Message::Next, &[], &[]);
        assert_eq!(wizard.step, Step::Target, "no target chosen yet");
        let _ = wizard.update(Message::FolderPicked(Some("/tmp/out".into())), &[], &[]);
        wizard.categories.insert(Category::Photos);
        let _ = wizard.update(Message::Next, &[], &[]);
        let _ = wizard.update(Message::Next, &[], &[]);
        assert_eq!(wizard.step, Step::Summary);
        let _ = wizard.update(Message::Back, &[], &[]);
        assert_eq!(wizard.step, Step::Items);
    }

    #[test]
    fn leaving_out_a_folder_restricts_the_restore_to_the_others() {
        let mut wizard = Wizard::new(None);
        assert!(wizard.options().include.is_empty(), "everything by default");
        let _ = wizard.update(Message::ToggleFolder("Download".into(), false), &[], &[]);
        let include = wizard.options().include;
        assert!(include.contains(&"DCIM".to_string()));
        assert!(!include.contains(&"Download".to_string()));
    }
}
