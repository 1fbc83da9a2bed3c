//! File commands as toybox prints them: `ls`, `stat`, `cat`, `echo`, `mkdir`, `rm`, `touch`, `df`.

use std::io::{self, Read, Write};

use super::ShellIo;
use crate::device::sim::android::phone::Phone;
use crate::device::sim::android::profile::civil;
use crate::device::sim::android::vfs::{self, Errno, S_IFDIR, S_IFLNK, S_IFREG, VStat};

type Outcome = io::Result<u8>;

/// Splits `-abc` style flags from operands (`--` ends flags).
fn flags_and_operands(args: &[String]) -> (String, Vec<String>) {
    let mut flags = String::new();
    let mut operands = Vec::new();
    let mut flags_done = false;
    for arg in args {
        if !flags_done && arg == "--" {
            flags_done = true;
        } else if !flags_done && arg.len() > 1 && arg.starts_with('-') {
            flags.push_str(&arg[1..]);
        } else {
            operands.push(arg.clone());
        }
    }
    (flags, operands)
}

/// `echo [-n] [-e] words...`
pub fn echo(args: &[String], io: &mut ShellIo<'_>) -> Outcome {
    let mut newline = true;
    let mut words = args;
    while let Some(first) = words.first() {
        match first.as_str() {
            "-n" => newline = false,
            "-e" | "-E" => {}
            _ => break,
        }
        words = &words[1..];
    }
    io.out.write_all(words.join(" ").as_bytes())?;
    if newline {
        io.out.write_all(b"\n")?;
    }
    Ok(0)
}

/// Reads a whole file for `<` redirections.
pub fn read_all(phone: &Phone, path: &str) -> Result<Vec<u8>, &'static str> {
    let reader = phone.vfs().open(path.as_bytes()).map_err(Errno::message)?;
    let mut bytes = Vec::new();
    reader.take(super::MAX_REDIRECT as u64).read_to_end(&mut bytes).map_err(|_| Errno::Io.message())?;
    Ok(bytes)
}

/// Writes a file for `>` and `>>` redirections.
pub fn write_all(phone: &Phone, path: &str, bytes: &[u8], append: bool) -> Result<(), &'static str> {
    let mut content = if append { read_all(phone, path).unwrap_or_default() } else { Vec::new() };
    content.extend_from_slice(bytes);
    let (mut file, _) = phone.vfs().create(path.as_bytes()).map_err(Errno::message)?;
    file.write_all(&content).map_err(|_| Errno::Io.message())
}

/// `cat [files...]`: standard input when no file is named.
pub fn cat(phone: &Phone, args: &[String], io: &mut ShellIo<'_>) -> Outcome {
    let (_, files) = flags_and_operands(args);
    if files.is_empty() {
        io::copy(io.stdin, io.out)?;
        return Ok(0);
    }
    let mut status = 0;
    for file in files {
        match phone.vfs().open(file.as_bytes()) {
            Ok(mut reader) => {
                io::copy(&mut reader, io.out)?;
            }
            Err(errno) => {
                writeln!(io.err, "cat: {file}: {}", errno.message())?;
                status = 1;
            }
        }
    }
    Ok(status)
}

/// `mkdir [-p] dirs...`
pub fn mkdir(phone: &Phone, args: &[String], io: &mut ShellIo<'_>) -> Outcome {
    let (flags, dirs) = flags_and_operands(args);
    let mut status = 0;
    for dir in dirs {
        if let Err(errno) = phone.vfs().mkdir(dir.as_bytes(), flags.contains('p'))
            && !(flags.contains('p') && errno == Errno::Exists)
        {
            writeln!(io.err, "mkdir: '{dir}': {}", errno.message())?;
            status = 1;
        }
    }
    Ok(status)
}

/// `rm [-rf] paths...`
pub fn rm(phone: &Phone, args: &[String], io: &mut ShellIo<'_>) -> Outcome {
    let (flags, paths) = flags_and_operands(args);
    let force = flags.contains('f');
    let recursive = flags.contains('r') || flags.contains('R');
    let mut status = 0;
    for path in paths {
        match phone.vfs().remove(path.as_bytes(), recursive) {
            Ok(()) => {}
            Err(Errno::NotFound) if force => {}
            Err(errno) => {
                writeln!(io.err, "rm: {path}: {}", errno.message())?;
                status = 1;
            }
        }
    }
    Ok(status)
}

/// `touch files...`: creates missing files and sets times to now.
pub fn touch(phone: &Phone, args: &[String], io: &mut ShellIo<'_>) -> Outcome {
    let (_, files) = flags_and_operands(args);
    let mut status = 0;
    for file in files {
        let result = match phone.vfs().stat(file.as_bytes(), true) {
            Ok(_) => {
                let clean = phone.vfs().resolve(file.as_bytes(), true);
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs() as i64)
                    .unwrap_or(0);
                phone.vfs().set_mtime(&phone.vfs().host_path(&clean), now)
            }
            Err(Errno::NotFound) => phone.vfs().create(file.as_bytes()).map(|_| ()),
            Err(errno) => Err(errno),
        };
        if let Err(errno) = result {
            writeln!(io.err, "touch: '{file}': {}", errno.message())?;
            status = 1;
        }
    }
    Ok(status)
}

fn user_name(uid: u32) -> String {
    match uid {
        0 => "root".into(),
        1000 => "system".into(),
        1023 => "media_rw".into(),
        2000 => "shell".into(),
        10_000..=19_999 => format!("u0_a{}", uid - 10_000),
        other => other.to_string(),
    }
}

/// `drwxrwx--x` for a mode.
fn mode_string(mode: u32) -> String {
    let kind = match mode & 0o170000 {
        S_IFDIR => 'd',
        S_IFLNK => 'l',
        _ => '-',
    };
    let mut out = String::from(kind);
    for shift in [6, 3, 0] {
        let bits = (mode >> shift) & 7;
        out.push(if bits & 4 != 0 { 'r' } else { '-' });
        out.push(if bits & 2 != 0 { 'w' } else { '-' });
        let exec = bits & 1 != 0;
        let special = match shift {
            6 => mode & 0o4000 != 0,
            3 => mode & 0o2000 != 0,
            _ => mode & 0o1000 != 0,
        };
        out.push(match (exec, special, shift) {
            (true, true, 0) => 't',
            (false, true, 0) => 'T',
            (true, true, _) => 's',
            (false, true, _) => 'S',
            (true, false, _) => 'x',
            (false, false, _) => '-',
        });
    }
    out
}

fn date_minutes(secs: i64) -> String {
    let (y, mo, d, h, mi, _) = civil(secs);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}")
}

fn date_full(secs: i64) -> String {
    let (y, mo, d, h, mi, s) = civil(secs);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}.000000000 +0000")
}

/// Bytes of a (non-UTF-8) name as the terminal would get them.
fn display(name: &[u8]) -> String {
    String::from_utf8_lossy(name).into_owned()
}

/// `ls [-1aAdl] [paths...]`: one name a line when output is not a terminal, as toybox does.
pub fn ls(phone: &Phone, args: &[String], io: &mut ShellIo<'_>) -> Outcome {
    let (flags, mut paths) = flags_and_operands(args);
    if paths.is_empty() {
        paths.push(".".into());
    }
    let long = flags.contains('l') || flags.contains('n');
    let all = flags.contains('a');
    let almost_all = flags.contains('A');
    let mut status = 0;
    let many = paths.len() > 1;
    let mut first = true;
    for path in &paths {
        let target = if path == "." { "/" } else { path.as_str() };
        let stat = match phone.vfs().stat(target.as_bytes(), true) {
            Ok(stat) => stat,
            Err(errno) => {
                writeln!(io.err, "ls: {path}: {}", errno.message())?;
                status = 1;
                continue;
            }
        };
        if !stat.is_dir() || flags.contains('d') {
            let lstat = phone.vfs().stat(target.as_bytes(), false).unwrap_or(stat);
            let rows = vec![(path.as_bytes().to_vec(), lstat)];
            print_rows(phone, target, &rows, long, false, io)?;
            continue;
        }
        let entries = match phone.vfs().list(target.as_bytes()) {
            Ok(entries) => entries,
            Err(errno) => {
                writeln!(io.err, "ls: {path}: {}", errno.message())?;
                status = 1;
                continue;
            }
        };
        let rows: Vec<(Vec<u8>, VStat)> = entries
            .into_iter()
            .filter(|(name, _)| {
                let dot = name.first() == Some(&b'.');
                let special = name.as_slice() == b"." || name.as_slice() == b"..";
                all || (almost_all && !special) || !dot
            })
            .collect();
        if many {
            if !first {
                writeln!(io.out)?;
            }
            writeln!(io.out, "{path}:")?;
        }
        first = false;
        print_rows(phone, target, &rows, long, true, io)?;
    }
    Ok(status)
}

fn print_rows(
    phone: &Phone,
    dir: &str,
    rows: &[(Vec<u8>, VStat)],
    long: bool,
    total: bool,
    io: &mut ShellIo<'_>,
) -> io::Result<()> {
    if !long {
        for (name, _) in rows {
            io.out.write_all(name)?;
            io.out.write_all(b"\n")?;
        }
        return Ok(());
    }
    let blocks = |s: &VStat| if s.is_dir() { 8 } else { s.size.div_ceil(4096) * 8 };
    if total {
        writeln!(io.out, "total {}", rows.iter().map(|(_, s)| blocks(s)).sum::<u64>() / 2)?;
    }
    let width = |f: &dyn Fn(&VStat) -> String| rows.iter().map(|(_, s)| f(s).len()).max().unwrap_or(0);
    let (links_w, user_w, group_w, size_w) = (
        width(&|s| s.nlink.to_string()),
        width(&|s| user_name(s.uid)),
        width(&|s| user_name(s.gid)),
        width(&|s| s.size.to_string()),
    );
    for (name, stat) in rows {
        let mut line = format!(
            "{} {:>links_w$} {:<user_w$} {:<group_w$} {:>size_w$} {} {}",
            mode_string(stat.mode),
            stat.nlink,
            user_name(stat.uid),
            user_name(stat.gid),
            stat.size,
            date_minutes(stat.mtime),
            display(name)
        );
        if stat.is_link() {
            let mut link = dir.as_bytes().to_vec();
            if name.first() != Some(&b'/') {
                link.push(b'/');
                link.extend_from_slice(name);
            } else {
                link = name.clone();
            }
            let target = phone.vfs().resolve(&link, true);
            line.push_str(&format!(" -> {}", display(&target)));
        }
        writeln!(io.out, "{line}")?;
    }
    Ok(())
}

fn file_type(stat: &VStat) -> &'static str {
    match stat.mode & 0o170000 {
        S_IFDIR => "directory",
        S_IFLNK => "symbolic link",
        S_IFREG if stat.size == 0 => "regular empty file",
        _ => "regular file",
    }
}

/// `stat [-L] [-c FORMAT] paths...`
pub fn stat(phone: &Phone, args: &[String], io: &mut ShellIo<'_>) -> Outcome {
    let mut format: Option<String> = None;
    let mut follow = false;
    let mut paths = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "-c" | "--format" => format = iter.next().map(|f| format!("{f}\n")),
            "-L" => follow = true,
            a if a.starts_with("--format=") => format = Some(format!("{}\n", &a[9..])),
            a if a.starts_with("-c") && a.len() > 2 => format = Some(format!("{}\n", &a[2..])),
            _ => paths.push(arg.clone()),
        }
    }
    if paths.is_empty() {
        writeln!(io.err, "stat: Needs 1 argument")?;
        return Ok(1);
    }
    let default = "  File: %N\n  Size: %s\t Blocks: %b\t IO Blocks: %B\t%F\nDevice: %Dh/%dd\t Inode: %i\t Links: %h\nAccess: (%a/%A)\tUid: (%5u/%8U)\tGid: (%5g/%8G)\nAccess: %x\nModify: %y\nChange: %z\n";
    let format = format.unwrap_or_else(|| default.to_owned());
    let mut status = 0;
    for path in paths {
        match phone.vfs().stat(path.as_bytes(), follow) {
            Ok(stat) => io.out.write_all(render_stat(&format, &path, &stat).as_bytes())?,
            Err(errno) => {
                writeln!(io.err, "stat: '{path}': {}", errno.message())?;
                status = 1;
            }
        }
    }
    Ok(status)
}

fn render_stat(format: &str, path: &str, stat: &VStat) -> String {
    let mut out = String::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = String::new();
        while let Some(&d) = chars.peek() {
            if d.is_ascii_digit() || d == '-' {
                spec.push(d);
                chars.next();
            } else {
                break;
            }
        }
        let value = match chars.next() {
            Some('%') => "%".to_owned(),
            Some('n') => path.to_owned(),
            Some('N') => format!("'{path}'"),
            Some('s') => stat.size.to_string(),
            Some('b') => (stat.size.div_ceil(512)).to_string(),
            Some('B') => "512".to_owned(),
            Some('F') => file_type(stat).to_owned(),
            Some('f') => format!("{:x}", stat.mode),
            Some('a') => format!("{:o}", stat.mode & 0o7777),
            Some('A') => mode_string(stat.mode),
            Some('u') => stat.uid.to_string(),
            Some('U') => user_name(stat.uid),
            Some('g') => stat.gid.to_string(),
            Some('G') => user_name(stat.gid),
            Some('i') => stat.ino.to_string(),
            Some('h') => stat.nlink.to_string(),
            Some('d') => stat.dev.to_string(),
            Some('D') => format!("{:x}", stat.dev),
            Some('X') => stat.atime.to_string(),
            Some('Y') => stat.mtime.to_string(),
            Some('Z') => stat.ctime.to_string(),
            Some('x') => date_full(stat.atime),
            Some('y') => date_full(stat.mtime),
            Some('z') => date_full(stat.ctime),
            Some(other) => format!("?{other}"),
            None => String::new(),
        };
        let width: i64 = spec.parse().unwrap_or(0);
        if width < 0 {
            out.push_str(&format!("{value:<w$}", w = width.unsigned_abs() as usize));
        } else {
            out.push_str(&format!("{value:>w$}", w = width as usize));
        }
    }
    out
}

/// One mounted file system for `df`: device, mount point, size and used KiB.
struct Mount {
    device: &'static str,
    dir: &'static str,
    size: u64,
    used: u64,
}

fn mounts(phone: &Phone) -> Vec<Mount> {
    let storage = phone.file().storage;
    let shared = dir_size(&phone.vfs().host_path(vfs::SHARED_STORAGE.as_bytes())) / 1024;
    let data_used = (storage.data_base_used_kb + shared).min(storage.data_total_kb);
    vec![
        Mount { device: "/dev/block/dm-4", dir: "/", size: 5_988_668, used: 5_969_948 },
        Mount { device: "tmpfs", dir: "/dev", size: 3_852_232, used: 1356 },
        Mount { device: "tmpfs", dir: "/mnt", size: 3_852_232, used: 0 },
        Mount { device: "/dev/block/dm-5", dir: "/product", size: 2_875_544, used: 2_866_304 },
        Mount { device: "/dev/block/dm-47", dir: "/data", size: storage.data_total_kb, used: data_used },
        Mount { device: "/dev/fuse", dir: "/storage/emulated", size: storage.data_total_kb, used: data_used },
    ]
}

fn dir_size(path: &std::path::Path) -> u64 {
    let mut total = 0;
    let mut pending = vec![path.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            match entry.metadata() {
                Ok(m) if m.is_dir() => pending.push(entry.path()),
                Ok(m) => total += m.len(),
                Err(_) => {}
            }
        }
    }
    total
}

fn human(kib: u64) -> String {
    let mut value = kib as f64 * 1024.0;
    let mut unit = 0;
    const UNITS: [&str; 5] = ["", "K", "M", "G", "T"];
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if value < 10.0 && unit > 0 {
        format!("{value:.1}{}", UNITS[unit])
    } else {
        format!("{}{}", value.round() as u64, UNITS[unit])
    }
}

/// `df [-hk] [paths...]`, in toybox's column layout.
pub fn df(phone: &Phone, args: &[String], io: &mut ShellIo<'_>) -> Outcome {
    let (flags, paths) = flags_and_operands(args);
    let all = mounts(phone);
    let mut chosen: Vec<&Mount> = Vec::new();
    let mut status = 0;
    if paths.is_empty() {
        chosen.extend(all.iter());
    }
    for path in &paths {
        if let Err(errno) = phone.vfs().stat(path.as_bytes(), true) {
            writeln!(io.err, "df: '{path}': {}", errno.message())?;
            status = 1;
            continue;
        }
        let clean = String::from_utf8_lossy(&phone.vfs().resolve(path.as_bytes(), true)).into_owned();
        let mount = all
            .iter()
            .filter(|m| m.dir == "/" || clean == m.dir || clean.starts_with(&format!("{}/", m.dir)))
            .max_by_key(|m| m.dir.len());
        chosen.extend(mount);
    }
    let percent = |m: &Mount| {
        let avail = m.size - m.used;
        if m.used + avail == 0 { 0 } else { (m.used * 100).div_ceil(m.used + avail) }
    };
    let device_w = chosen.iter().map(|m| m.device.len()).max().unwrap_or(0).max(14);
    if flags.contains('h') {
        if !chosen.is_empty() {
            writeln!(io.out, "{:<device_w$} Size  Used Avail Use% Mounted on", "Filesystem")?;
        }
        for m in &chosen {
            writeln!(
                io.out,
                "{:<device_w$} {:>4}  {:>4}  {:>4} {:>3}% {}",
                m.device,
                human(m.size),
                human(m.used),
                human(m.size - m.used),
                // printf's "% 3lld": a space for the sign, then at least three characters.
                format!(" {}", percent(m)),
                m.dir
            )?;
        }
        return Ok(status);
    }
    let w = |f: &dyn Fn(&Mount) -> u64, label: &str| {
        chosen.iter().map(|m| f(m).to_string().len()).max().unwrap_or(0).max(label.len())
    };
    let (size_w, used_w, avail_w) =
        (w(&|m| m.size, "1K-blocks"), w(&|m| m.used, "Used"), w(&|m| m.size - m.used, "Available"));
    if !chosen.is_empty() {
        writeln!(
            io.out,
            "{:<device_w$} {:>size_w$} {:>used_w$} {:>avail_w$} Use% Mounted on",
            "Filesystem", "1K-blocks", "Used", "Available"
        )?;
    }
    for m in &chosen {
        writeln!(
            io.out,
            "{:<device_w$} {:>size_w$} {:>used_w$} {:>avail_w$} {:>3}% {}",
            m.device,
            m.size,
            m.used,
            m.size - m.used,
            percent(m),
            m.dir
        )?;
    }
    Ok(status)
}
