//! A tiny runtime for driving the app in tests: the app's tasks run on plain threads (as iced's executor
//! would run them), their messages come back through a channel, and the view is clicked through iced_test's
//! headless simulator (the tiny-skia renderer, no window).
//!
//! Native dialogs cannot open in a test, so a test sends the message a dialog would have produced
//! (`FolderPicked(Some(path))`). The app's subscriptions (the folder watcher, the phone discovery watcher)
//! run for real when a test calls [`Driver::subscribe`]; window and keyboard events are not simulated.

#![allow(dead_code)]

use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

use iced::Task;
use iced_test::runtime::{Action, task};
use iced_test::{Error, Simulator};

use lifeboat::gui::{App, Message};

/// The app plus the messages its tasks produce.
pub struct Driver {
    pub app: App,
    sender: Sender<Message>,
    receiver: Receiver<Message>,
}

impl Driver {
    /// Drives `app`, running `boot`.
    pub fn new(app: App, boot: Task<Message>) -> Self {
        let (sender, receiver) = channel();
        let driver = Self { app, sender, receiver };
        driver.spawn(boot);
        driver
    }

    /// Runs a task's stream on its own thread, forwarding its messages.
    pub fn spawn(&self, task: Task<Message>) {
        let Some(stream) = task::into_stream(task) else { return };
        let sender = self.sender.clone();
        std::thread::spawn(move || {
            use iced::futures::StreamExt;
            iced::futures::executor::block_on(stream.for_each(|action| {
                if let Action::Output(message) = action {
                    let _ = sender.send(message);
                }
                std::future::ready(())
            }));
        });
    }

    /// Runs the app's subscriptions as the runtime would: each recipe's stream on its own thread, its
    /// messages into the same queue as the tasks'. The event input is empty (no keyboard, no window).
    pub fn subscribe(&self) {
        use iced::futures::StreamExt;
        for recipe in iced_test::futures::subscription::into_recipes(self.app.subscription()) {
            let mut stream = recipe.stream(Box::pin(iced::futures::stream::empty()));
            let sender = self.sender.clone();
            std::thread::spawn(move || {
                iced::futures::executor::block_on(async move {
                    while let Some(message) = stream.next().await {
                        if sender.send(message).is_err() {
                            return;
                        }
                    }
                })
            });
        }
    }

    /// Handles one message as the runtime would.
    pub fn send(&mut self, message: Message) {
        let task = self.app.update(message);
        self.spawn(task);
    }

    /// Processes messages until `done` holds (panics after `timeout`).
    pub fn until(&mut self, what: &str, timeout: Duration, done: impl Fn(&App) -> bool) {
        let deadline = Instant::now() + timeout;
        while !done(&self.app) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.receiver.recv_timeout(left) {
                Ok(message) => self.send(message),
                Err(_) => panic!("timed out waiting for {what}"),
            }
        }
    }

    /// Builds the view in the simulator, lets `act` click and type, then handles what that produced.
    pub fn interact(&mut self, act: impl FnOnce(&mut Simulator<'_, Message>) -> Result<(), Error>) {
        let messages: Vec<Message> = {
            let settings = iced::Settings {
                fonts: vec![
                    lifeboat::gui::theme::INTER_REGULAR.into(),
                    lifeboat::gui::theme::INTER_SEMIBOLD.into(),
                ],
                default_font: lifeboat::gui::theme::FONT,
                ..iced::Settings::default()
            };
            let mut ui = Simulator::with_size(settings, (1280.0, 820.0), self.app.view());
            if let Err(e) = act(&mut ui) {
                panic!("simulator: {e}");
            }
            ui.into_messages().collect()
        };
        for message in messages {
            self.send(message);
        }
    }

    /// Clicks the widget showing `label`.
    pub fn click(&mut self, label: &str) {
        let label = label.to_string();
        self.interact(move |ui| ui.click(label.as_str()).map(|_| ()));
    }

    /// Whether the view shows `label` somewhere.
    pub fn shows(&mut self, label: &str) -> bool {
        let mut ui = Simulator::with_size(iced::Settings::default(), (1280.0, 820.0), self.app.view());
        ui.find(label).is_ok()
    }
}

/// Points every folder the app uses into `dir` and makes key derivation cheap.
pub fn isolate(dir: &std::path::Path) {
    // SAFETY: set before any thread of the test reads the environment.
    unsafe {
        std::env::set_var("LIFEBOAT_CONFIG_DIR", dir.join("config"));
        std::env::set_var("LIFEBOAT_CACHE_DIR", dir.join("cache"));
        std::env::set_var("LIFEBOAT_DEMO_DIR", dir.join("demo"));
        std::env::set_var("LIFEBOAT_TEST_KDF", "1");
        std::env::remove_var("LIFEBOAT_PASSWORD");
        std::env::remove_var("LIFEBOAT_START");
        std::env::set_var("LIFEBOAT_LANG", "en");
        // adb keeps its host key here; the phone watcher never asks a developer's adb server (port 1: nothing
        // listens), so only the test's own virtual phones are seen.
        std::env::set_var("ANDROID_USER_HOME", dir.join("android"));
        std::env::set_var("ANDROID_ADB_SERVER_PORT", "1");
    }
    let _ = lifeboat::i18n::set_language("en");
}
