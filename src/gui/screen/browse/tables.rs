//! The plain tabs: call history, settings, apps and other files, each a table.

use iced::widget::{Column, Row, column, container, rule, scrollable, text};
use iced::{Element, Fill, Length};

use crate::data::CallDirection;
use crate::gui::clock;
use crate::gui::theme::{self, BOLD, size};
use crate::gui::widget;
use crate::t;

use super::load::Loaded;

/// Rows shown at most; a table longer than this says how many more there are (search narrows it).
const MAX_ROWS: usize = 2000;

fn table<'a, M: 'a>(
    widths: &[f32],
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    total: usize,
) -> Element<'a, M> {
    let cell = |value: String, width: f32, bold: bool| -> Element<'a, M> {
        let label = text(value).size(size::BODY);
        let label = if bold { label.font(BOLD) } else { label };
        let length = if width > 0.0 { Length::Fixed(width) } else { Fill };
        container(label).width(length).padding([6, 8]).into()
    };
    let head = Row::with_children(header.into_iter().zip(widths).map(|(h, w)| cell(h, *w, true)));
    let body = Column::with_children(
        rows.into_iter()
            .map(|r| Row::with_children(r.into_iter().zip(widths).map(|(v, w)| cell(v, *w, false))).into()),
    );
    let mut content = column![head, rule::horizontal(1), scrollable(body).height(Fill)].spacing(4);
    if total > MAX_ROWS {
        let more: usize = total - MAX_ROWS;
        content = content.push(widget::muted(t!("gui-table-more", count = more)));
    }
    container(content).padding(12).style(theme::card).height(Fill).into()
}

fn direction(direction: CallDirection) -> String {
    match direction {
        CallDirection::Incoming => t!("gui-call-incoming"),
        CallDirection::Outgoing => t!("gui-call-outgoing"),
        CallDirection::Missed => t!("gui-call-missed"),
        other => other.as_str().to_string(),
    }
}

/// Call history.
pub fn calls<'a, M: 'a>(loaded: &'a Loaded, query: &str) -> Element<'a, M> {
    let matching: Vec<_> = loaded
        .calls
        .iter()
        .filter(|c| {
            query.is_empty()
                || c.number.contains(query)
                || c.name.as_deref().unwrap_or_default().to_lowercase().contains(query)
        })
        .collect();
    let rows = matching
        .iter()
        .take(MAX_ROWS)
        .map(|c| {
            vec![
                clock::when_ms(c.date),
                c.name.clone().unwrap_or_default(),
                c.number.clone(),
                direction(c.direction),
                crate::text::duration(std::time::Duration::from_secs(c.duration_secs)),
            ]
        })
        .collect();
    let header = vec![
        t!("gui-col-when"),
        t!("gui-col-name"),
        t!("gui-col-number"),
        t!("gui-col-type"),
        t!("gui-col-duration"),
    ];
    table(&[190.0, 200.0, 170.0, 120.0, 0.0], header, rows, matching.len())
}

/// Settings.
pub fn settings<'a, M: 'a>(loaded: &'a Loaded, query: &str) -> Element<'a, M> {
    let matching: Vec<_> =
        loaded.settings.iter().filter(|s| query.is_empty() || s.key.to_lowercase().contains(query)).collect();
    let rows = matching
        .iter()
        .take(MAX_ROWS)
        .map(|s| vec![s.namespace.clone(), s.key.clone(), s.value.clone().unwrap_or_default()])
        .collect();
    table(
        &[140.0, 320.0, 0.0],
        vec![t!("gui-col-group"), t!("gui-col-key"), t!("gui-col-value")],
        rows,
        matching.len(),
    )
}

/// Apps.
pub fn apps<'a, M: 'a>(loaded: &'a Loaded, query: &str) -> Element<'a, M> {
    let matching: Vec<_> = loaded
        .apps
        .iter()
        .filter(|a| {
            query.is_empty()
                || a.id.to_lowercase().contains(query)
                || a.name.as_deref().unwrap_or_default().to_lowercase().contains(query)
        })
        .collect();
    let rows = matching
        .iter()
        .take(MAX_ROWS)
        .map(|a| {
            vec![
                a.name.clone().unwrap_or_default(),
                a.id.clone(),
                a.version_name.clone().unwrap_or_default(),
                if a.package.is_some() { t!("gui-yes") } else { t!("gui-no") },
            ]
        })
        .collect();
    let header = vec![t!("gui-col-name"), t!("gui-col-app-id"), t!("gui-col-version"), t!("gui-col-package")];
    table(&[220.0, 320.0, 120.0, 0.0], header, rows, matching.len())
}

/// Other files.
pub fn files<'a, M: 'a>(loaded: &'a Loaded, query: &str) -> Element<'a, M> {
    let matching: Vec<_> = loaded
        .files
        .iter()
        .map(|i| &loaded.nodes[*i])
        .filter(|n| query.is_empty() || n.entry.path.as_str().to_lowercase().contains(query))
        .collect();
    let rows = matching
        .iter()
        .take(MAX_ROWS)
        .map(|n| {
            vec![
                n.entry.path.to_string(),
                crate::text::bytes(n.entry.size),
                n.entry.mtime_ns.map(clock::when_ns).unwrap_or_default(),
            ]
        })
        .collect();
    table(
        &[0.0, 110.0, 200.0],
        vec![t!("gui-col-path"), t!("gui-col-size"), t!("gui-col-modified")],
        rows,
        matching.len(),
    )
}
