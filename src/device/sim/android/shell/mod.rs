//! The phone's `/system/bin/sh`, as far as backup tools use it: words and quotes as mksh splits them,
//! `;`, `&&`, `||` and pipes, redirections (`>`, `>>`, `2>`, `2>&1`, `<`), `$?`, and the commands a client
//! runs (content, settings, pm, getprop, dumpsys, appops, am, ls, stat, cat, df, ...), each printing
//! exactly what Android prints. Anything else is "inaccessible or not found", status 127, as on a phone.

mod content;
mod files;
mod parse;
mod system;

use std::cell::RefCell;
use std::io::{self, Read, Write};

use super::phone::Phone;
use parse::{Connector, SimpleCommand, Target};

/// Where a command's bytes go and come from.
pub struct ShellIo<'a> {
    /// Standard output.
    pub out: &'a mut dyn Write,
    /// Standard error.
    pub err: &'a mut dyn Write,
    /// Standard input.
    pub stdin: &'a mut dyn Read,
}

/// Largest file a redirection may write (a redirected endless stream must not fill the host's memory).
const MAX_REDIRECT: usize = 256 * 1024 * 1024;

/// Runs a command line; returns its exit status.
pub fn run_line(phone: &Phone, line: &str, io: &mut ShellIo<'_>) -> u8 {
    let pipelines = match parse::parse(line) {
        Ok(pipelines) => pipelines,
        Err(message) => {
            let _ = writeln!(io.err, "/system/bin/sh: {message}");
            return 1;
        }
    };
    let mut status = 0u8;
    for (connector, pipeline) in pipelines {
        let run = match connector {
            Connector::Always => true,
            Connector::And => status == 0,
            Connector::Or => status != 0,
        };
        if run {
            status = run_pipeline(phone, &pipeline, status, io);
        }
        if io.out.flush().is_err() {
            break;
        }
    }
    status
}

/// A small interactive shell for `adb shell` without a command: a prompt, one line at a time.
pub fn interactive(phone: &Phone, io: &mut ShellIo<'_>) -> io::Result<u8> {
    let prompt =
        format!("{}:/ $ ", phone.props().get("ro.product.device").map(String::as_str).unwrap_or("phone"));
    let mut status = 0;
    loop {
        io.out.write_all(prompt.as_bytes())?;
        io.out.flush()?;
        let mut line = Vec::new();
        let mut byte = [0u8; 1];
        loop {
            if io.stdin.read(&mut byte)? == 0 {
                return Ok(status);
            }
            if byte[0] == b'\r' || byte[0] == b'\n' {
                break;
            }
            line.push(byte[0]);
        }
        let line = String::from_utf8_lossy(&line).trim().to_owned();
        if line == "exit" {
            return Ok(status);
        }
        if !line.is_empty() {
            let mut empty = io::empty();
            let mut inner = ShellIo { out: &mut *io.out, err: &mut *io.err, stdin: &mut empty };
            status = run_line(phone, &line, &mut inner);
        }
    }
}

/// Where the writes of one stage end up.
struct Sinks<'a> {
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
    files: Vec<Vec<u8>>,
    piped: Vec<u8>,
}

#[derive(Clone, Copy)]
enum Route {
    Out,
    Err,
    Null,
    File(usize),
    Pipe,
}

struct Routed<'s, 'a> {
    sinks: &'s RefCell<Sinks<'a>>,
    route: Route,
}

impl Write for Routed<'_, '_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut sinks = self.sinks.borrow_mut();
        match self.route {
            Route::Out => sinks.out.write(buf),
            Route::Err => sinks.err.write(buf),
            Route::Null => Ok(buf.len()),
            Route::File(i) => {
                if sinks.files[i].len() + buf.len() > MAX_REDIRECT {
                    return Err(io::Error::other("No space left on device"));
                }
                sinks.files[i].extend_from_slice(buf);
                Ok(buf.len())
            }
            Route::Pipe => {
                sinks.piped.extend_from_slice(buf);
                Ok(buf.len())
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        let mut sinks = self.sinks.borrow_mut();
        match self.route {
            Route::Out => sinks.out.flush(),
            Route::Err => sinks.err.flush(),
            _ => Ok(()),
        }
    }
}

fn run_pipeline(phone: &Phone, pipeline: &[SimpleCommand], last_status: u8, io: &mut ShellIo<'_>) -> u8 {
    let mut input: Option<Vec<u8>> = None;
    let mut status = 0;
    for (i, command) in pipeline.iter().enumerate() {
        let last = i + 1 == pipeline.len();
        let words: Vec<String> =
            command.words.iter().map(|w| w.replace("\u{0}?", &last_status.to_string())).collect();
        let sinks = RefCell::new(Sinks {
            out: &mut *io.out,
            err: &mut *io.err,
            files: Vec::new(),
            piped: Vec::new(),
        });
        let mut out_route = if last { Route::Out } else { Route::Pipe };
        let mut err_route = Route::Err;
        let mut file_targets = Vec::new();
        let mut stdin_file: Option<Vec<u8>> = None;
        for redirect in &command.redirects {
            let route = match &redirect.target {
                Target::File(path) if path == "/dev/null" => Route::Null,
                Target::File(path) => {
                    let append = redirect.append;
                    file_targets.push((path.clone(), append));
                    sinks.borrow_mut().files.push(Vec::new());
                    Route::File(file_targets.len() - 1)
                }
                Target::Stdout => out_route,
                Target::Stderr => err_route,
            };
            match redirect.fd {
                0 => {
                    if let Target::File(path) = &redirect.target {
                        match files::read_all(phone, path) {
                            Ok(bytes) => stdin_file = Some(bytes),
                            Err(message) => {
                                let _ = writeln!(sinks.borrow_mut().err, "/system/bin/sh: {path}: {message}");
                                return 1;
                            }
                        }
                    }
                }
                1 => out_route = route,
                _ => err_route = route,
            }
        }
        let mut out = Routed { sinks: &sinks, route: out_route };
        let mut err = Routed { sinks: &sinks, route: err_route };
        let mut piped_in = io::Cursor::new(stdin_file.or_else(|| input.take()).unwrap_or_default());
        status = if i == 0 && command.redirects.iter().all(|r| r.fd != 0) && pipeline.len() == 1 {
            let mut stage = ShellIo { out: &mut out, err: &mut err, stdin: &mut *io.stdin };
            execute(phone, &words, &mut stage)
        } else {
            let mut stage = ShellIo { out: &mut out, err: &mut err, stdin: &mut piped_in };
            execute(phone, &words, &mut stage)
        };
        let Sinks { files, piped, .. } = sinks.into_inner();
        for ((path, append), bytes) in file_targets.iter().zip(files) {
            if let Err(message) = files::write_all(phone, path, &bytes, *append) {
                let _ = writeln!(io.err, "/system/bin/sh: {path}: {message}");
                status = 1;
            }
        }
        input = Some(piped);
    }
    status
}

/// Runs one command with its words already expanded.
fn execute(phone: &Phone, words: &[String], io: &mut ShellIo<'_>) -> u8 {
    let Some(first) = words.first() else {
        return 0;
    };
    let name = ["/system/bin/", "/system/xbin/", "/vendor/bin/", "/bin/"]
        .iter()
        .find_map(|prefix| first.strip_prefix(prefix))
        .unwrap_or(first);
    let args = &words[1..];
    let outcome = match name {
        "sh" => return shell_command(phone, args, io),
        "true" => Ok(0),
        "false" => Ok(1),
        "exit" => Ok(args.first().and_then(|a| a.parse().ok()).unwrap_or(0)),
        "content" => content::run(phone, args, io),
        "settings" => system::settings(phone, args, io),
        "pm" => system::pm(phone, args, io),
        "cmd" => system::cmd(phone, args, io),
        "getprop" => system::getprop(phone, args, io),
        "dumpsys" => system::dumpsys(phone, args, io),
        "appops" => system::appops(phone, args, io),
        "am" => system::am(args, io),
        "id" => system::id(io),
        "whoami" => writeln!(io.out, "shell").map(|()| 0),
        "date" => system::date(args, io),
        "echo" => files::echo(args, io),
        "ls" => files::ls(phone, args, io),
        "stat" => files::stat(phone, args, io),
        "cat" => files::cat(phone, args, io),
        "mkdir" => files::mkdir(phone, args, io),
        "rm" => files::rm(phone, args, io),
        "touch" => files::touch(phone, args, io),
        "df" => files::df(phone, args, io),
        _ => {
            let _ = writeln!(io.err, "/system/bin/sh: {first}: inaccessible or not found");
            return 127;
        }
    };
    // A write error means the host went away; the status no longer matters to anyone.
    outcome.unwrap_or(1)
}

fn shell_command(phone: &Phone, args: &[String], io: &mut ShellIo<'_>) -> u8 {
    match args {
        [flag, line, ..] if flag == "-c" => run_line(phone, line, io),
        _ => {
            let mut script = Vec::new();
            if io.stdin.read_to_end(&mut script).is_err() {
                return 1;
            }
            let text = String::from_utf8_lossy(&script).into_owned();
            let mut status = 0;
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                status = run_line(phone, line, io);
            }
            status
        }
    }
}

#[cfg(test)]
#[path = "shell_tests.rs"]
mod tests;
