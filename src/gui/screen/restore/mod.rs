//! The restore wizard: snapshot → target (a folder, or a connected phone) → categories and folders → a
//! summary with the fidelity report (what will transfer as it is, what is converted, what cannot transfer
//! and why, computed by the engine's `plan` on a job thread when the step is reached) → progress → what
//! happened per category, and whether the target holds afterwards what was sent. The report views are in
//! `report.rs`.

mod report;

use std::path::PathBuf;

use iced::widget::{Column, button, checkbox, column, container, pick_list, row, scrollable, text};
use iced::{Alignment, Element, Fill, Length, Task};

use crate::data::{Category, CategorySet};
use crate::device::RestorePolicy;
use crate::device::{DeviceIdentity, DeviceKind};
use crate::engine::{self, Cancel, CategoryPlan, RestoreOptions, RestoreSummary, Status};
use crate::gui::demo::{DemoPhone, Role};
use crate::gui::devices::{DeviceInfo, Source};
use crate::gui::jobs::{self, JobEvent, JobId, SharedVault};
use crate::gui::screen::backups::snapshot_line;
use crate::gui::screen::devices::{kind_icon, role_of, role_tag, state_line};
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
    /// The fidelity report was computed.
    Planned(JobId, PlanResult),
    /// "Add an empty demo phone" was pressed on the target step.
    AddEmptyDemo,
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
    /// The summary step was reached: compute the fidelity report (needs the vault: the app calls
    /// [`Wizard::plan`]).
    PlanRequested,
    /// Start an empty virtual phone to restore onto.
    AddEmptyDemoPhone,
    /// Run the restore now.
    StartRequested,
    /// The wizard is done.
    Closed,
}

/// The fidelity report per category, or why it could not be made.
pub type PlanResult = Result<Vec<CategoryPlan>, String>;

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
    /// The fidelity report of the summary step: its job, then its result.
    pub plan: Option<(JobId, Option<PlanResult>)>,
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
            plan: None,
            job: None,
            status: None,
            result: None,
        }
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
                if self.step == Step::Summary {
                    // The target or the categories may have changed since the last report.
                    self.plan = None;
                    return (Task::none(), Some(Event::PlanRequested));
                }
            }
            Message::Next => {}
            Message::Back => {
                self.step = match self.step {
                    Step::Snapshot | Step::Target => Step::Snapshot,
                    Step::Items => Step::Target,
                    Step::Summary => Step::Items,
                    Step::Run => Step::Run,
                };
                if self.step != Step::Summary {
                    self.plan = None;
                }
            }
            Message::Planned(job, result) => {
                if let Some((_, slot)) = self.plan.as_mut().filter(|(id, _)| *id == job) {
                    *slot = Some(result);
                }
            }
            Message::AddEmptyDemo => return (Task::none(), Some(Event::AddEmptyDemoPhone)),
            Message::Start if self.can_start() => return (Task::none(), Some(Event::StartRequested)),
            Message::Start => {}
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
            Step::Summary => self.can_start(),
            Step::Run => false,
        }
    }

    /// Whether the restore can start: the summary step shows its fidelity report (or why there is none), and
    /// nothing is written before the person has seen it.
    pub fn can_start(&self) -> bool {
        self.step == Step::Summary && self.plan.as_ref().is_some_and(|(_, result)| result.is_some())
    }

    /// Who the target is, as the fidelity plan needs it (a folder keeps everything as files).
    fn target_identity(&self) -> Option<DeviceIdentity> {
        match self.target.as_ref()? {
            Target::Device(device) => Some(device.identity.clone()),
            Target::Folder(path) => Some(DeviceIdentity {
                kind: DeviceKind::Folder,
                name: path.display().to_string(),
                manufacturer: None,
                model: None,
                serial: path.display().to_string(),
                os_version: None,
            }),
        }
    }

    /// Computes the fidelity report of the chosen snapshot, target and categories on a job thread.
    pub fn plan(&mut self, vault: SharedVault) -> Task<Message> {
        let (Some(snapshot), Some(target)) = (self.snapshot.clone(), self.target_identity()) else {
            return Task::none();
        };
        let job = jobs::next_id();
        self.plan = Some((job, None));
        // The same choice of categories and folders as the restore itself.
        let options = self.options();
        Task::perform(
            jobs::blocking("lifeboat-fidelity", move || {
                let index = vault.load_index().map_err(|e| e.to_string())?;
                engine::restore_plan(&vault, &index, &snapshot, &target, &options).map_err(|e| e.to_string())
            }),
            move |result| Message::Planned(job, result),
        )
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

    /// The wizard. `demo` are the virtual phones this session started (they are tagged in the target list,
    /// which offers an empty one to restore onto when only the demo phone runs).
    pub fn view<'a>(
        &'a self,
        snapshots: &'a [Snapshot],
        devices: &'a [DeviceInfo],
        demo: &'a [DemoPhone],
        demo_starting: bool,
    ) -> Element<'a, Message> {
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
            Step::Target => self.pick_target(devices, demo, demo_starting),
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
                nav = nav.push(widget::primary(
                    Icon::Restore,
                    t!("gui-restore-start"),
                    self.can_start().then_some(Message::Start),
                ))
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

    fn pick_target<'a>(
        &'a self,
        devices: &'a [DeviceInfo],
        demo: &'a [DemoPhone],
        demo_starting: bool,
    ) -> Element<'a, Message> {
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
        // Restoring onto the phone the backup came from is allowed (it puts back what went missing), as is
        // any other connected phone; one that is not ready says what to do and cannot be chosen.
        for device in devices {
            let selected = matches!(&self.target, Some(Target::Device(d)) if d.key() == device.key());
            let mut lines = column![text(device.identity.name.clone()).font(BOLD)].spacing(2).width(Fill);
            if let Some(role) = role_of(device, demo) {
                lines = lines.push(role_tag(role));
            }
            let about = match &device.source {
                Source::Folder(path) => path.display().to_string(),
                Source::Phone(_) => [device.identity.model.clone(), device.identity.os_version.clone()]
                    .into_iter()
                    .flatten()
                    .chain([t!("gui-serial", serial = device.identity.serial.clone())])
                    .collect::<Vec<_>>()
                    .join(" · "),
            };
            lines = lines.push(widget::muted(about)).push(state_line(device));
            list = list.push(
                button(
                    row![widget::icon(kind_icon(device.identity.kind), 22.0, false), lines]
                        .spacing(10)
                        .align_y(Alignment::Center),
                )
                .padding(14)
                .width(Fill)
                .style(theme::row_button(selected))
                .on_press_maybe(device.is_ready().then(|| Message::DevicePicked(device.key()))),
            );
        }
        if demo.iter().any(|p| p.role() == Role::Demo) && !demo.iter().any(|p| p.role() == Role::Empty) {
            let label = if demo_starting { t!("gui-starting-empty-demo") } else { t!("gui-add-empty-demo") };
            list = list.push(widget::secondary(
                Icon::Plus,
                label,
                (!demo_starting).then_some(Message::AddEmptyDemo),
            ));
        }
        scrollable(list).into()
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::{CategorySummary, RestoreCount};

    fn at_summary() -> (Wizard, Option<Event>) {
        let mut wizard = Wizard::new(None);
        wizard.step = Step::Target;
        let _ = wizard.update(Message::FolderPicked(Some("/tmp/out".into())), &[], &[]);
        wizard.categories.insert(Category::Contacts);
        let _ = wizard.update(Message::Next, &[], &[]);
        let (_, event) = wizard.update(Message::Next, &[], &[]);
        (wizard, event)
    }

    #[test]
    fn the_summary_asks_for_the_fidelity_report_and_nothing_starts_before_it_is_shown() {
        let (mut wizard, event) = at_summary();
        assert_eq!(wizard.step, Step::Summary);
        assert!(matches!(event, Some(Event::PlanRequested)), "reaching the summary asks for the report");
        assert!(!wizard.can_start());
        let (_, event) = wizard.update(Message::Start, &[], &[]);
        assert!(event.is_none(), "no restore before the report is there");

        // The app runs the plan job; its answer arrives (a stale one is dropped).
        wizard.plan = Some((5, None));
        let report = vec![CategoryPlan {
            category: Category::Contacts,
            as_is: 20,
            converted: 0,
            impossible: 0,
            reasons: Vec::new(),
        }];
        let _ = wizard.update(Message::Planned(4, Ok(Vec::new())), &[], &[]);
        assert!(!wizard.can_start(), "a report for another choice is not this one");
        let _ = wizard.update(Message::Planned(5, Ok(report.clone())), &[], &[]);
        assert_eq!(wizard.plan, Some((5, Some(Ok(report)))));
        let (_, event) = wizard.update(Message::Start, &[], &[]);
        assert!(matches!(event, Some(Event::StartRequested)));

        // Going back to change the choice drops the report; coming back asks again.
        let _ = wizard.update(Message::Back, &[], &[]);
        assert!(wizard.plan.is_none());
        let (_, event) = wizard.update(Message::Next, &[], &[]);
        assert!(matches!(event, Some(Event::PlanRequested)));
    }

    #[test]
    fn a_folder_target_is_planned_as_files() {
        let (wizard, _) = at_summary();
        let identity = wizard.target_identity().unwrap();
        assert_eq!(identity.kind, DeviceKind::Folder);
        assert_eq!(engine::Platform::of(&identity), engine::Platform::Files);
    }

    #[test]
    fn a_target_that_holds_fewer_than_expected_is_pointed_out() {
        let mut summary = RestoreSummary::default();
        summary
            .categories
            .insert(Category::Contacts, RestoreCount { restored: 18, ..RestoreCount::default() });
        summary.categories.insert(Category::Photos, RestoreCount { restored: 30, ..RestoreCount::default() });
        let counted = |category, items| CategorySummary { category, items, bytes: 0, unavailable: None };
        summary.before = vec![counted(Category::Contacts, 2), counted(Category::Photos, 0)];
        summary.after = vec![counted(Category::Contacts, 19), counted(Category::Photos, 30)];
        let sentences = report::differences(&summary.report());
        assert_eq!(sentences.len(), 1, "only the contacts differ: {sentences:?}");
        let (sentence, warning) = &sentences[0];
        assert!(*warning && sentence.contains('1'), "2 before + 18 restored, 19 held: {sentence}");
        // A folder is never counted: nothing to explain.
        summary.before.clear();
        summary.after.clear();
        assert!(report::differences(&summary.report()).is_empty());
    }

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
