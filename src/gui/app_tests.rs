//! `update()` on the root: closing stops the virtual phones first, a password dialog that opened before the
//! vault was probed becomes the one that creates it, and the wizard's report asks for the vault.

use super::*;
use crate::gui::demo::{DemoPhone, Role, VirtualPhone};

fn app(dir: &std::path::Path) -> App {
    let config = Config { vault: Some(dir.join("vault")), ..Config::default() };
    App::with_config(config, None).0
}

/// Runs a task to its end as the runtime would, collecting what it produces.
fn outputs(task: Task<Message>) -> Vec<Message> {
    use iced::futures::StreamExt;
    let Some(stream) = iced_test::runtime::task::into_stream(task) else { return Vec::new() };
    iced::futures::executor::block_on(stream.collect::<Vec<_>>())
        .into_iter()
        .filter_map(|action| match action {
            iced_test::runtime::Action::Output(message) => Some(message),
            _ => None,
        })
        .collect()
}

#[test]
fn closing_stops_and_forgets_the_virtual_phones_before_the_app_ends() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    let phone = VirtualPhone::start_in(Role::Empty, dir.path(), None).unwrap();
    let address = phone.address().to_string();
    app.devices.demo.push(DemoPhone::new(phone));
    let task = app.update(Message::CloseRequested(window::Id::unique()));
    assert!(app.devices.demo.is_empty(), "the phones are handed to the stopping job");
    let produced = outputs(task);
    assert!(matches!(produced.as_slice(), [Message::Stopped]), "{produced:?}");
    assert!(std::net::TcpStream::connect(&address).is_err(), "the phone stopped before the app ends");
}

#[test]
fn a_dialog_opened_before_the_probe_answered_creates_the_vault() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    let path = dir.path().join("vault");
    let _ = app.update(Message::Unlock);
    assert!(matches!(&app.password, Some((dialog, _)) if dialog.mode == Mode::Unlock(path.clone())));
    let _ = app.update(Message::VaultProbed(path.clone(), false));
    assert!(matches!(&app.password, Some((dialog, _)) if dialog.mode == Mode::Create(path.clone())));
    // A probe of another folder (the setting changed meanwhile) changes nothing.
    let _ = app.update(Message::VaultProbed(dir.path().join("elsewhere"), true));
    assert!(matches!(&app.password, Some((dialog, _)) if dialog.mode == Mode::Create(path)));
}

#[test]
fn the_fidelity_report_waits_for_the_vault() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    let mut wizard = Wizard::new(None);
    wizard.step = restore::Step::Items;
    wizard.target = Some(restore::Target::Folder(dir.path().join("out")));
    wizard.categories.insert(crate::data::Category::Photos);
    app.restore = Some(wizard);
    app.page = Page::Restore;
    let _ = app.update(Message::Restore(restore::Message::Next));
    assert_eq!(app.restore.as_ref().unwrap().step, restore::Step::Summary);
    assert!(
        matches!(app.password, Some((_, Pending::Plan))),
        "the report needs the vault: the password is asked, and the report is made once it opens"
    );
}
