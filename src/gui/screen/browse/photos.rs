//! The photo grid, virtualized: of 10,000 pictures only the rows in view (and one row either side) are built
//! as widgets, and only their thumbnails are asked for. The rows above and below are a single empty space of
//! the right height each, so the scroll bar still tells the truth.
//!
//! The visible range is computed in `update` from the scroll offset ([`scrollable::Viewport`]) and the
//! grid's size (reported by a `sensor` when it is laid out), never in `view`, so requests stay a pure
//! consequence of messages and can be tested without a window.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::time::Instant;

use iced::widget::image::Handle;
use iced::widget::{Space, button, column, container, image, row, scrollable, sensor, text};
use iced::{Alignment, ContentFit, Element, Fill, Length, Size};

use crate::gui::theme::{self, size};
use crate::gui::thumbnails::{Outcome, ThumbKey, Thumbnail};
use crate::gui::widget::{Icon, icon};
use crate::vault::Id;

/// A tile's side, in logical pixels.
pub const TILE: f32 = 148.0;
/// Space between tiles.
pub const GAP: f32 = 8.0;
/// Thumbnails kept in memory; older ones are dropped first (about 230 kB each).
pub const MEMORY_CACHE: usize = 360;

/// One picture or video of the snapshot.
#[derive(Debug, Clone)]
pub struct PhotoItem {
    /// Content key for thumbnails.
    pub key: ThumbKey,
    /// The item's path in the snapshot.
    pub path: String,
    /// Its size.
    pub size: u64,
    /// Its modification time.
    pub mtime_ns: Option<i64>,
    /// Its content.
    pub chunks: Vec<Id>,
    /// Whether it is a video (no preview is attempted).
    pub video: bool,
}

impl PhotoItem {
    /// The file name.
    pub fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

/// The most characters of a file name a placeholder tile shows: two lines of small text.
const TILE_NAME_CHARS: usize = 28;

/// `name` cut in the middle when longer than `max` characters, keeping its start and its end (where the
/// extension and a camera's counter are: "VID_20240612…183012.mp4").
fn shortened(name: &str, max: usize) -> String {
    let count = name.chars().count();
    if count <= max || max < 3 {
        return name.to_string();
    }
    let tail = (max - 1) / 2;
    let head = max - 1 - tail;
    let start: String = name.chars().take(head).collect();
    let end: String = name.chars().skip(count - tail).collect();
    format!("{start}…{end}")
}

/// Grid messages.
#[derive(Debug, Clone)]
pub enum Message {
    /// The grid was scrolled: it shows `size` pixels starting `y` pixels down.
    Scrolled {
        /// Distance from the top.
        y: f32,
        /// The visible size.
        size: Size,
    },
    /// The grid was laid out at this size.
    Resized(Size),
    /// A thumbnail worker finished.
    ThumbnailReady(Thumbnail),
    /// A tile was clicked.
    Open(usize),
}

/// What the grid asks of its parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Nothing.
    None,
    /// Make thumbnails of these items (indexes into the items); `wanted` is everything worth keeping queued.
    Request {
        /// Items to queue now.
        items: Vec<usize>,
        /// Items in or near view.
        wanted: Vec<usize>,
    },
    /// Show this item in full.
    Open(usize),
}

/// The grid's state.
#[derive(Debug)]
pub struct Grid {
    items: Vec<PhotoItem>,
    scroll_y: f32,
    viewport: Size,
    cache: HashMap<ThumbKey, (Handle, u64)>,
    no_preview: HashSet<ThumbKey>,
    in_flight: HashSet<ThumbKey>,
    tick: u64,
    requested: usize,
    opened: Instant,
    first_screen: Option<std::time::Duration>,
}

impl Grid {
    /// A grid over `items`, for a snapshot the person opened at `opened` (the first screen is timed from then).
    pub fn new(items: Vec<PhotoItem>, opened: Instant) -> Self {
        Self {
            items,
            scroll_y: 0.0,
            viewport: Size::ZERO,
            cache: HashMap::new(),
            no_preview: HashSet::new(),
            in_flight: HashSet::new(),
            tick: 0,
            requested: 0,
            opened,
            first_screen: None,
        }
    }

    /// The pictures.
    pub fn items(&self) -> &[PhotoItem] {
        &self.items
    }

    /// How many thumbnails were asked for so far.
    pub fn requested(&self) -> usize {
        self.requested
    }

    /// How long the first screenful of thumbnails took, once it is complete.
    pub fn first_screen(&self) -> Option<std::time::Duration> {
        self.first_screen
    }

    /// Tiles per row at the current width.
    pub fn columns(&self) -> usize {
        (((self.viewport.width + GAP) / (TILE + GAP)).floor() as usize).max(1)
    }

    fn rows(&self) -> usize {
        self.items.len().div_ceil(self.columns())
    }

    /// The rows in view, plus one either side.
    pub fn visible_rows(&self) -> Range<usize> {
        if self.viewport.height <= 0.0 {
            return 0..0;
        }
        let row = TILE + GAP;
        let first = (self.scroll_y / row).floor().max(0.0) as usize;
        let last = ((self.scroll_y + self.viewport.height) / row).ceil() as usize;
        first.saturating_sub(1)..(last + 1).min(self.rows())
    }

    /// The items in view (plus one row either side).
    pub fn visible_items(&self) -> Range<usize> {
        let rows = self.visible_rows();
        let columns = self.columns();
        (rows.start * columns).min(self.items.len())..(rows.end * columns).min(self.items.len())
    }

    /// Handles a message.
    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Scrolled { y, size } => self.scrolled(y, size),
            Message::Resized(size) => {
                self.viewport = size;
                self.request_visible()
            }
            Message::ThumbnailReady(thumbnail) => self.thumbnail_ready(thumbnail),
            Message::Open(index) => Action::Open(index),
        }
    }

    /// The grid now shows `size` pixels starting `y` pixels down.
    pub fn scrolled(&mut self, y: f32, size: Size) -> Action {
        self.scroll_y = y.max(0.0);
        self.viewport = size;
        self.request_visible()
    }

    fn thumbnail_ready(&mut self, thumbnail: Thumbnail) -> Action {
        self.in_flight.remove(&thumbnail.key);
        match thumbnail.outcome {
            Outcome::Image(handle) => {
                self.tick += 1;
                self.cache.insert(thumbnail.key, (handle, self.tick));
                self.evict();
            }
            Outcome::NoPreview => {
                self.no_preview.insert(thumbnail.key);
            }
            // Scrolled away before its turn; if it is back in view, ask again.
            Outcome::Skipped => return self.request_visible(),
        }
        if self.first_screen.is_none()
            && !self.viewport.height.is_nan()
            && self.viewport.height > 0.0
            && self.screen_complete()
        {
            let elapsed = self.opened.elapsed();
            self.first_screen = Some(elapsed);
            log::info!("first screen of thumbnails shown {} ms after opening", elapsed.as_millis());
        }
        Action::None
    }

    /// How many tiles in view are known to have no thumbnail (a video, a picture that does not decode).
    pub fn without_preview_in_view(&self) -> usize {
        self.items[self.visible_items()].iter().filter(|item| self.no_preview.contains(&item.key)).count()
    }

    /// Whether every tile in view has its thumbnail (or is known to have none).
    pub fn screen_complete(&self) -> bool {
        self.items[self.visible_items()]
            .iter()
            .all(|item| self.cache.contains_key(&item.key) || self.no_preview.contains(&item.key))
    }

    /// Drops the least recently shown thumbnails beyond [`MEMORY_CACHE`], never one that is in view.
    fn evict(&mut self) {
        if self.cache.len() <= MEMORY_CACHE {
            return;
        }
        let visible: HashSet<ThumbKey> = self.items[self.visible_items()].iter().map(|i| i.key).collect();
        let mut by_age: Vec<(u64, ThumbKey)> =
            self.cache.iter().filter(|(k, _)| !visible.contains(*k)).map(|(k, (_, t))| (*t, *k)).collect();
        by_age.sort_unstable();
        let excess = self.cache.len() - MEMORY_CACHE;
        for (_, key) in by_age.into_iter().take(excess) {
            self.cache.remove(&key);
        }
    }

    fn request_visible(&mut self) -> Action {
        let range = self.visible_items();
        self.tick += 1;
        let tick = self.tick;
        let mut items = Vec::new();
        for index in range.clone() {
            let key = self.items[index].key;
            if let Some(entry) = self.cache.get_mut(&key) {
                entry.1 = tick;
            } else if !self.no_preview.contains(&key) && self.in_flight.insert(key) {
                items.push(index);
            }
        }
        self.requested += items.len();
        Action::Request { items, wanted: range.collect() }
    }

    /// The grid.
    pub fn view(&self) -> Element<'_, Message> {
        let columns = self.columns();
        let rows = self.visible_rows();
        let row_height = TILE + GAP;
        let mut content = column![Space::new().height(rows.start as f32 * row_height)];
        for r in rows.clone() {
            let mut line = row![].spacing(GAP);
            for index in r * columns..((r + 1) * columns).min(self.items.len()) {
                line = line.push(self.tile(index));
            }
            content = content.push(container(line).height(row_height));
        }
        content = content.push(Space::new().height(self.rows().saturating_sub(rows.end) as f32 * row_height));
        let grid = scrollable(content.width(Fill))
            .on_scroll(|viewport| Message::Scrolled {
                y: viewport.absolute_offset().y,
                size: viewport.bounds().size(),
            })
            .width(Fill)
            .height(Fill);
        sensor(grid).on_show(Message::Resized).on_resize(Message::Resized).into()
    }

    fn tile(&self, index: usize) -> Element<'_, Message> {
        let item = &self.items[index];
        let inner: Element<'_, Message> = match self.cache.get(&item.key) {
            Some((handle, _)) => image(handle.clone())
                .width(Length::Fixed(TILE))
                .height(Length::Fixed(TILE))
                .content_fit(ContentFit::Fill)
                .border_radius(6)
                .into(),
            None => {
                let placeholder = self.no_preview.contains(&item.key) || item.video;
                let glyph = if item.video { Icon::Video } else { Icon::Photos };
                let body: Element<'_, Message> = if placeholder {
                    let name = text(shortened(item.name(), TILE_NAME_CHARS))
                        .size(size::SMALL)
                        .wrapping(iced::widget::text::Wrapping::WordOrGlyph)
                        .align_x(Alignment::Center);
                    column![icon(glyph, 28.0, false), name].spacing(6).align_x(Alignment::Center).into()
                } else {
                    Space::new().into()
                };
                container(body).padding(6).center(Length::Fixed(TILE)).clip(true).style(theme::tile).into()
            }
        };
        button(inner).padding(0).style(button::text).on_press(Message::Open(index)).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_keep_their_start_and_end() {
        assert_eq!(shortened("IMG_0001.jpg", 28), "IMG_0001.jpg");
        let long = "VID_20240612_183012_HDR_slow_motion_final.mp4";
        let short = shortened(long, 28);
        assert_eq!(short.chars().count(), 28);
        assert!(short.starts_with("VID_20240612_") && short.ends_with("_final.mp4"), "{short}");
        assert_eq!(shortened("ÄÖÜäöüßÄÖÜäöüß", 5), "ÄÖ…üß", "cut at characters, not bytes");
    }

    fn items(n: usize) -> Vec<PhotoItem> {
        (0..n)
            .map(|i| {
                let chunks = vec![Id([(i % 251) as u8; 32]), Id([(i / 251) as u8; 32])];
                PhotoItem {
                    key: crate::gui::thumbnails::key_of(&chunks),
                    path: format!("DCIM/IMG_{i:05}.jpg"),
                    size: 1000,
                    mtime_ns: None,
                    chunks,
                    video: false,
                }
            })
            .collect()
    }

    #[test]
    fn only_rows_in_view_are_requested_and_each_once() {
        let mut grid = Grid::new(items(10_000), Instant::now());
        // Before layout nothing is known, so nothing is asked for.
        assert_eq!(grid.visible_items(), 0..0);
        let Action::Request { items, .. } = grid.update(Message::Resized(Size::new(800.0, 600.0))) else {
            panic!("expected requests");
        };
        // 800 px fit 5 columns of 148+8; 600 px show rows 0..=3, plus one row below.
        assert_eq!(grid.columns(), 5);
        assert_eq!(items, (0..25).collect::<Vec<_>>());
        // The same layout again asks for nothing new: everything is in flight.
        let Action::Request { items, .. } = grid.update(Message::Resized(Size::new(800.0, 600.0))) else {
            panic!("expected requests");
        };
        assert!(items.is_empty());
        // Far down the grid only the rows around the new offset are asked for: 5,000 rows × 156 px.
        let Action::Request { items, wanted } = grid.scrolled(156.0 * 1000.0, Size::new(800.0, 600.0)) else {
            panic!("expected requests");
        };
        assert_eq!(items.first(), Some(&(999 * 5)));
        assert_eq!(items.len(), 30);
        assert_eq!(wanted, items);
    }
}
