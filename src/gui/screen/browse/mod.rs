//! One snapshot, opened: tabs per category (photos & videos, contacts, messages, calls, settings, apps,
//! files), a search across all of them, the full-size photo viewer and the Export buttons.
//!
//! Opening reads the catalog and the record documents on a job thread ([`load`]); the photo grid then asks a
//! pool of thumbnail workers for what is on screen.

pub mod contacts;
pub mod export;
pub mod load;
pub mod messages;
pub mod photos;
pub mod tables;

use std::sync::Arc;

use iced::widget::image::Handle;
use iced::widget::{Column, button, column, container, image, row, scrollable, text, text_input};
use iced::{Alignment, Element, Fill, Length, Task};

use crate::data::{Category, MediaItem};
use crate::gui::clock;
use crate::gui::jobs::{self, JobId, SharedVault};
use crate::gui::theme::{self, BOLD, size};
use crate::gui::thumbnails::{self, Pool};
use crate::gui::widget::{self, Icon};
use crate::t;
use crate::vault::Snapshot;

use load::Loaded;

/// The browser's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// Pictures and videos.
    Photos,
    /// The address book.
    Contacts,
    /// Conversations.
    Messages,
    /// Call history.
    Calls,
    /// Settings.
    Settings,
    /// Apps.
    Apps,
    /// Everything else.
    Files,
}

impl Tab {
    const ALL: [Tab; 7] =
        [Tab::Photos, Tab::Contacts, Tab::Messages, Tab::Calls, Tab::Settings, Tab::Apps, Tab::Files];

    fn category(self) -> Category {
        match self {
            Tab::Photos => Category::Photos,
            Tab::Contacts => Category::Contacts,
            Tab::Messages => Category::Messages,
            Tab::Calls => Category::Calls,
            Tab::Settings => Category::Settings,
            Tab::Apps => Category::Apps,
            Tab::Files => Category::Files,
        }
    }

    fn count(self, loaded: &Loaded) -> usize {
        match self {
            Tab::Photos => loaded.photos.len(),
            Tab::Contacts => loaded.contacts.len(),
            Tab::Messages => loaded.threads.len(),
            Tab::Calls => loaded.calls.len(),
            Tab::Settings => loaded.settings.len(),
            Tab::Apps => loaded.apps.len(),
            Tab::Files => loaded.files.len(),
        }
    }
}

/// A picture shown full size.
#[derive(Debug, Clone)]
pub struct Viewed {
    /// Index into the photos.
    pub index: usize,
    /// The picture, once decoded.
    pub image: Option<Handle>,
    /// Its metadata (date, camera), once read.
    pub info: Option<MediaItem>,
    /// Why it cannot be shown.
    pub error: Option<String>,
    job: JobId,
}

/// Browser messages.
#[derive(Debug, Clone)]
pub enum Message {
    /// The snapshot was read.
    Loaded(JobId, Result<Arc<Loaded>, String>),
    /// A tab was chosen.
    TabSelected(Tab),
    /// The search text changed.
    SearchChanged(String),
    /// The photo grid.
    Photos(photos::Message),
    /// The contacts tab.
    Contacts(contacts::Message),
    /// The messages tab.
    Messages(messages::Message),
    /// Pictures of a conversation were read.
    PicturesLoaded(usize, Vec<(String, Handle)>),
    /// The full view's picture was decoded.
    Viewed(JobId, Result<Box<(Handle, MediaItem)>, String>),
    /// Show the next (+1) or previous (-1) picture.
    Step(isize),
    /// Close the full view.
    CloseViewer,
    /// Export button pressed.
    Export(export::Kind),
    /// Where to export was picked (or not).
    ExportPicked(export::Kind, Option<std::path::PathBuf>),
    /// An export finished.
    Exported(Result<String, String>),
    /// A search result was clicked: show its tab, then select it.
    Reveal(Tab, Box<Message>),
    /// Back to the list of backups.
    Close,
    /// Restore from this snapshot.
    Restore,
}

/// What the browser asks of the app.
#[derive(Debug, Clone)]
pub enum Event {
    /// Close the browser.
    Closed,
    /// Start the restore wizard on this snapshot.
    Restore(Box<Snapshot>),
}

/// The browser.
#[derive(Debug)]
pub struct Browse {
    vault: SharedVault,
    /// The snapshot.
    pub snapshot: Snapshot,
    job: JobId,
    /// The snapshot's content, once read.
    pub loaded: Option<Arc<Loaded>>,
    error: Option<String>,
    /// The tab shown.
    pub tab: Tab,
    search: String,
    /// The photo grid (empty until loaded).
    pub grid: photos::Grid,
    contacts: contacts::State,
    messages: messages::State,
    pool: Option<Pool>,
    viewer: Option<Viewed>,
    export: Option<Result<String, String>>,
    exporting: bool,
    opened: std::time::Instant,
}

impl Browse {
    /// Opens `snapshot`; the returned task reads it.
    pub fn open(vault: SharedVault, snapshot: Snapshot, tab: Tab) -> (Self, Task<Message>) {
        let job = jobs::next_id();
        let task = {
            let (vault, snapshot) = (vault.clone(), snapshot.clone());
            Task::perform(
                jobs::blocking("lifeboat-catalog", move || load::load(&vault, snapshot).map(Arc::new)),
                move |result| Message::Loaded(job, result),
            )
        };
        let browse = Self {
            vault,
            snapshot,
            job,
            loaded: None,
            error: None,
            tab,
            search: String::new(),
            grid: photos::Grid::new(Vec::new(), std::time::Instant::now()),
            contacts: contacts::State::default(),
            messages: messages::State::default(),
            pool: None,
            viewer: None,
            export: None,
            exporting: false,
            opened: std::time::Instant::now(),
        };
        (browse, task)
    }

    /// Handles a message.
    pub fn update(&mut self, message: Message) -> (Task<Message>, Option<Event>) {
        let task = match message {
            Message::Loaded(job, result) => self.loaded(job, result),
            Message::TabSelected(tab) => {
                self.tab = tab;
                self.search.clear();
                Task::none()
            }
            Message::SearchChanged(search) => {
                self.search = search;
                Task::none()
            }
            Message::Photos(message) => {
                let action = self.grid.update(message);
                self.photo_action(action)
            }
            Message::Contacts(message) => {
                self.contacts.update(message);
                Task::none()
            }
            Message::Messages(message) => {
                self.messages.update(message);
                self.load_pictures()
            }
            Message::PicturesLoaded(thread, pictures) => {
                if self.messages.selected == Some(thread) {
                    self.messages.pictures.extend(pictures);
                }
                Task::none()
            }
            Message::Viewed(job, result) => {
                if let Some(viewer) = self.viewer.as_mut().filter(|v| v.job == job) {
                    match result {
                        Ok(viewed) => {
                            let (image, info) = *viewed;
                            viewer.image = Some(image);
                            viewer.info = Some(info);
                        }
                        Err(e) => viewer.error = Some(e),
                    }
                }
                Task::none()
            }
            Message::Step(delta) => match &self.viewer {
                Some(viewer) => {
                    let next = viewer.index as isize + delta;
                    if next >= 0 && (next as usize) < self.grid.items().len() {
                        self.view_photo(next as usize)
                    } else {
                        Task::none()
                    }
                }
                None => Task::none(),
            },
            Message::CloseViewer => {
                self.viewer = None;
                Task::none()
            }
            Message::Export(kind) => {
                Task::perform(export::pick(kind), move |path| Message::ExportPicked(kind, path))
            }
            Message::ExportPicked(kind, Some(path)) => self.export(kind, path),
            Message::ExportPicked(_, None) => Task::none(),
            Message::Exported(result) => {
                self.exporting = false;
                self.export = Some(result);
                Task::none()
            }
            Message::Reveal(tab, inner) => {
                self.tab = tab;
                self.search.clear();
                return self.update(*inner);
            }
            Message::Close => return (Task::none(), Some(Event::Closed)),
            Message::Restore => return (Task::none(), Some(Event::Restore(Box::new(self.snapshot.clone())))),
        };
        (task, None)
    }

    /// Escape: closes the viewer, else leaves the browser.
    pub fn escape(&mut self) -> Option<Event> {
        if self.viewer.take().is_some() { None } else { Some(Event::Closed) }
    }

    /// Runs an export to `path` (the dialog already asked); public so tests can skip the dialog.
    pub fn export(&mut self, kind: export::Kind, path: std::path::PathBuf) -> Task<Message> {
        let Some(loaded) = self.loaded.clone() else { return Task::none() };
        self.exporting = true;
        self.export = None;
        let vault = self.vault.clone();
        Task::perform(
            jobs::blocking("lifeboat-export", move || export::run(&vault, &loaded, kind, &path)),
            Message::Exported,
        )
    }

    fn loaded(&mut self, job: JobId, result: Result<Arc<Loaded>, String>) -> Task<Message> {
        if job != self.job {
            return Task::none();
        }
        match result {
            Ok(loaded) => {
                log::info!(
                    "catalog of {} items ({} photos) read in {} ms",
                    loaded.nodes.len(),
                    loaded.photos.len(),
                    self.opened.elapsed().as_millis()
                );
                for problem in &loaded.problems {
                    log::warn!("{problem}");
                }
                self.grid = photos::Grid::new(loaded.photos.clone(), self.opened);
                let (pool, receiver) = Pool::start(
                    self.vault.clone(),
                    loaded.index.clone(),
                    crate::gui::config::Config::cache_dir(),
                    2,
                );
                self.pool = Some(pool);
                // Open on the first tab that has something when the asked-for one is empty.
                if self.tab.count(&loaded) == 0
                    && let Some(tab) = Tab::ALL.into_iter().find(|t| t.count(&loaded) > 0)
                {
                    self.tab = tab;
                }
                // Show someone rather than an empty pane: the first contact and the newest conversation.
                if !loaded.contacts.is_empty() {
                    self.contacts.selected = Some(0);
                }
                self.loaded = Some(loaded.clone());
                let pictures = if loaded.threads.is_empty() {
                    Task::none()
                } else {
                    self.messages.update(messages::Message::Selected(0));
                    self.load_pictures()
                };
                Task::batch([
                    pictures,
                    Task::run(receiver, |t| Message::Photos(photos::Message::ThumbnailReady(t))),
                ])
            }
            Err(e) => {
                self.error = Some(e);
                Task::none()
            }
        }
    }

    fn photo_action(&mut self, action: photos::Action) -> Task<Message> {
        match action {
            photos::Action::None => Task::none(),
            photos::Action::Request { items, wanted } => {
                if let Some(pool) = &self.pool {
                    let grid_items = self.grid.items();
                    pool.set_wanted(wanted.iter().map(|i| grid_items[*i].key));
                    for index in items {
                        let item = &grid_items[index];
                        pool.request(thumbnails::Request { key: item.key, chunks: item.chunks.clone() });
                    }
                }
                Task::none()
            }
            photos::Action::Open(index) => self.view_photo(index),
        }
    }

    fn view_photo(&mut self, index: usize) -> Task<Message> {
        let (Some(loaded), Some(item)) = (self.loaded.clone(), self.grid.items().get(index).cloned()) else {
            return Task::none();
        };
        let job = jobs::next_id();
        self.viewer = Some(Viewed { index, image: None, info: None, error: None, job });
        let vault = self.vault.clone();
        Task::perform(
            jobs::blocking("lifeboat-viewer", move || {
                let node = loaded.node(&item.path).ok_or_else(|| item.path.clone())?;
                let bytes = load::read_item(&vault, &loaded.index, node)?;
                // The library reads EXIF from files; a private temporary copy is the simplest way to reuse it.
                let mut temp = tempfile::NamedTempFile::new().map_err(|e| e.to_string())?;
                std::io::Write::write_all(&mut temp, &bytes).map_err(|e| e.to_string())?;
                let info = MediaItem::from_file(temp.path(), &item.path).map_err(|e| e.to_string())?;
                let picture = if item.video {
                    None
                } else {
                    ::image::load_from_memory(&bytes).ok().map(|p| p.thumbnail(2048, 2048))
                };
                let picture = picture
                    .or_else(|| thumbnails::thumbnail_of(&bytes))
                    .ok_or_else(|| t!("gui-no-preview", name = item.name().to_string()))?;
                let rgba = picture.to_rgba8();
                Ok(Box::new((Handle::from_rgba(rgba.width(), rgba.height(), rgba.into_raw()), info)))
            }),
            move |result| Message::Viewed(job, result),
        )
    }

    fn load_pictures(&mut self) -> Task<Message> {
        let (Some(loaded), Some(selected)) = (self.loaded.clone(), self.messages.selected) else {
            return Task::none();
        };
        let Some(thread) = loaded.threads.get(selected) else { return Task::none() };
        let paths = messages::picture_paths(thread);
        if paths.is_empty() {
            return Task::none();
        }
        let vault = self.vault.clone();
        Task::perform(
            jobs::blocking("lifeboat-attachments", move || {
                Ok(paths
                    .into_iter()
                    .filter_map(|path| {
                        let node = loaded.node(&path)?;
                        let bytes = load::read_item(&vault, &loaded.index, node).ok()?;
                        Some((path, Handle::from_bytes(bytes)))
                    })
                    .collect::<Vec<_>>())
            }),
            move |result: Result<Vec<_>, String>| {
                Message::PicturesLoaded(selected, result.unwrap_or_default())
            },
        )
    }

    /// The browser.
    pub fn view(&self) -> Element<'_, Message> {
        let s = &self.snapshot;
        let header = row![
            button(widget::icon(Icon::Back, 18.0, false)).style(button::text).on_press(Message::Close),
            column![
                text(s.device.name.clone()).size(size::TITLE).font(BOLD),
                widget::muted(format!(
                    "{} · {} · {}",
                    clock::when_ns(s.time_ns),
                    t!("gui-items", count = s.items()),
                    crate::text::bytes(s.size())
                )),
            ]
            .spacing(2)
            .width(Fill),
            widget::secondary(Icon::Restore, t!("gui-restore-this"), Some(Message::Restore)),
        ]
        .spacing(12)
        .align_y(Alignment::Center);
        let Some(loaded) = &self.loaded else {
            let body = match &self.error {
                Some(e) => container(text(e.clone())).padding(12).style(theme::error_box),
                None => container(widget::muted(t!("gui-loading"))),
            };
            return column![header, body].spacing(20).padding(24).into();
        };
        let tabs =
            row(Tab::ALL.into_iter().filter(|t| t.count(loaded) > 0 || *t == Tab::Photos).map(|tab| {
                button(
                    row![
                        widget::icon(widget::category_icon(tab.category()), 16.0, false),
                        text(format!("{} {}", widget::category_name(tab.category()), tab.count(loaded)))
                    ]
                    .spacing(6)
                    .align_y(Alignment::Center),
                )
                .padding([6, 10])
                .style(theme::tab(self.tab == tab))
                .on_press(Message::TabSelected(tab))
                .into()
            }))
            .spacing(2)
            // Seven categories do not fit a narrow window on one line: the tabs wrap rather than overflow.
            .wrap()
            .vertical_spacing(4);
        let search = text_input(&t!("gui-search-snapshot"), &self.search)
            .on_input(Message::SearchChanged)
            .padding(8)
            .width(Length::Fixed(300.0));
        // Search on the left, this tab's exports on the right, under the tabs.
        let mut toolbar =
            row![search, iced::widget::space::horizontal()].spacing(12).align_y(Alignment::Center);
        let exports: Vec<(export::Kind, String)> = match self.tab {
            Tab::Photos => vec![
                (export::Kind::PhotosFolder, t!("gui-export-folder")),
                (export::Kind::PhotosZip, t!("gui-export-zip")),
            ],
            Tab::Contacts => vec![(export::Kind::Contacts, t!("gui-export-vcard"))],
            Tab::Messages => vec![(export::Kind::Messages, t!("gui-export-html"))],
            Tab::Calls => vec![(export::Kind::Calls, t!("gui-export-csv"))],
            _ => Vec::new(),
        };
        for (kind, label) in exports {
            toolbar = toolbar.push(widget::secondary(
                Icon::Export,
                label,
                (!self.exporting).then_some(Message::Export(kind)),
            ));
        }
        let query = self.search.trim().to_lowercase();
        let body: Element<'_, Message> =
            if !query.is_empty() && matches!(self.tab, Tab::Photos | Tab::Contacts | Tab::Messages) {
                self.search_results(loaded, &query)
            } else {
                match self.tab {
                    Tab::Photos if loaded.photos.is_empty() => widget::muted(t!("gui-browse-empty")),
                    Tab::Photos => self.grid.view().map(Message::Photos),
                    Tab::Contacts => self.contacts.view(loaded).map(Message::Contacts),
                    Tab::Messages => self.messages.view(loaded).map(Message::Messages),
                    Tab::Calls => tables::calls(loaded, &query),
                    Tab::Settings => tables::settings(loaded, &query),
                    Tab::Apps => tables::apps(loaded, &query),
                    Tab::Files => tables::files(loaded, &query),
                }
            };
        let mut page = column![header, tabs, toolbar].spacing(14).padding(24);
        match &self.export {
            Some(Ok(done)) => {
                page = page.push(container(text(done.clone())).padding(10).width(Fill).style(theme::note))
            }
            Some(Err(e)) => {
                page = page.push(container(text(e.clone())).padding(10).width(Fill).style(theme::error_box))
            }
            None if self.exporting => page = page.push(widget::muted(t!("gui-exporting"))),
            None => {}
        }
        let page: Element<'_, Message> = page.push(body).into();
        match &self.viewer {
            Some(viewer) => widget::modal(page, self.viewer(viewer), Some(Message::CloseViewer)),
            None => page,
        }
    }

    fn viewer<'a>(&'a self, viewer: &'a Viewed) -> Element<'a, Message> {
        let item = &self.grid.items()[viewer.index];
        let picture: Element<'_, Message> = match (&viewer.image, &viewer.error) {
            (Some(handle), _) => image(handle.clone()).width(Fill).height(Fill).into(),
            (None, Some(e)) => text(e.clone()).into(),
            (None, None) => widget::muted(t!("gui-loading")),
        };
        let mut facts = vec![item.name().to_string(), crate::text::bytes(item.size)];
        if let Some(info) = &viewer.info {
            if let Some(captured) = &info.captured {
                facts.push(t!("gui-photo-taken", date = captured.replace('T', " ")));
            }
            let camera: Vec<&str> =
                [info.camera_make.as_deref(), info.camera_model.as_deref()].into_iter().flatten().collect();
            if !camera.is_empty() {
                facts.push(camera.join(" "));
            }
            if let (Some(w), Some(h)) = (info.width, info.height) {
                facts.push(format!("{w} × {h}"));
            }
        }
        let bar = row![
            button(widget::icon(Icon::Back, 18.0, false)).style(button::text).on_press(Message::Step(-1)),
            text(facts.join(" · ")).width(Fill),
            button(widget::icon(Icon::Close, 18.0, false)).style(button::text).on_press(Message::CloseViewer),
        ]
        .spacing(10)
        .align_y(Alignment::Center);
        container(column![picture, bar].spacing(12))
            .padding(16)
            .width(Length::Fixed(900.0))
            .height(Length::Fixed(640.0))
            .style(theme::card)
            .into()
    }

    fn search_results<'a>(&'a self, loaded: &'a Loaded, query: &str) -> Element<'a, Message> {
        const LIMIT: usize = 30;
        let mut results = Column::new().spacing(6);
        let contacts: Vec<_> = loaded
            .contacts
            .iter()
            .enumerate()
            .filter(|(_, c)| contacts::matches(c, query))
            .take(LIMIT)
            .collect();
        if !contacts.is_empty() {
            results = results.push(widget::heading(widget::category_name(Category::Contacts)));
            for (i, contact) in contacts {
                results = results.push(result_row(
                    contact.display_name(),
                    contact.phones.first().map(|p| p.number.clone()).unwrap_or_default(),
                    Message::Contacts(contacts::Message::Selected(i)),
                    Tab::Contacts,
                ));
            }
        }
        let mut messages = 0;
        for (i, thread) in loaded.threads.iter().enumerate() {
            for message in &thread.messages {
                let body = message.body.as_deref().unwrap_or_default();
                if messages < LIMIT && body.to_lowercase().contains(query) {
                    if messages == 0 {
                        results = results.push(widget::heading(widget::category_name(Category::Messages)));
                    }
                    messages += 1;
                    results = results.push(result_row(
                        messages::thread_name(thread),
                        body.to_string(),
                        Message::Messages(messages::Message::Selected(i)),
                        Tab::Messages,
                    ));
                }
            }
        }
        let photos: Vec<_> = self
            .grid
            .items()
            .iter()
            .enumerate()
            .filter(|(_, p)| p.path.to_lowercase().contains(query))
            .take(LIMIT)
            .collect();
        if !photos.is_empty() {
            results = results.push(widget::heading(widget::category_name(Category::Photos)));
            for (i, photo) in photos {
                results = results.push(
                    button(
                        row![text(photo.name().to_string()).width(Fill), widget::muted(photo.path.clone())]
                            .spacing(10),
                    )
                    .width(Fill)
                    .style(theme::nav(false))
                    .on_press(Message::Photos(photos::Message::Open(i))),
                );
            }
        }
        scrollable(results.width(Fill)).height(Fill).into()
    }
}

fn result_row<'a>(title: String, detail: String, message: Message, tab: Tab) -> Element<'a, Message> {
    button(
        row![text(title).font(BOLD).width(Length::Fixed(220.0)), text(detail).size(size::BODY)].spacing(10),
    )
    .width(Fill)
    .style(theme::nav(false))
    .on_press(Message::Reveal(tab, Box::new(message)))
    .into()
}
