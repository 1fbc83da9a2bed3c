//! The unlock dialog says plainly when a password is wrong, and asks again.

mod gui_common;

use std::time::Duration;

use gui_common::{Driver, isolate};
use iced_test::selector::id;
use lifeboat::gui::config::Config;
use lifeboat::gui::{App, Message};

const WAIT: Duration = Duration::from_secs(60);

#[test]
fn a_wrong_password_is_said_plainly_and_asked_again() {
    let dir = tempfile::tempdir().unwrap();
    isolate(dir.path());
    let vault = dir.path().join("vault");
    lifeboat::vault::Vault::init(&vault, "right", lifeboat::gui::jobs::kdf()).unwrap();
    let config = Config { vault: Some(vault), ..Config::default() };
    let (app, boot) = App::with_config(config, None);
    let mut ui = Driver::new(app, boot);
    ui.send(Message::Unlock);
    ui.until("the dialog", WAIT, |app| app.password.is_some());
    ui.interact(|ui| {
        ui.click(id("password"))?;
        ui.typewrite("wrong");
        Ok(())
    });
    ui.click("Open vault");
    ui.until("the answer", WAIT, |app| app.password.as_ref().is_some_and(|(d, _)| d.error.is_some()));
    assert!(ui.shows(
        "That password does not open this vault. Check the keyboard layout and Caps Lock, and try again."
    ));
    assert!(ui.app.vault.is_none());
    ui.interact(|ui| {
        ui.click(id("password"))?;
        ui.typewrite("right");
        Ok(())
    });
    ui.click("Open vault");
    ui.until("the vault", WAIT, |app| app.vault.is_some());
    assert!(ui.app.password.is_none());
}
