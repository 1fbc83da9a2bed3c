//! System commands: `getprop`, `settings`, `pm` (and `cmd package`), `dumpsys`, `appops`, `am`, `id`, `date`.

use std::io;

use super::ShellIo;
use crate::device::sim::android::phone::{Package, Phone};
use crate::device::sim::android::profile::civil;
use crate::device::sim::android::refusals::{APPOPS_DENIAL, Refusal};

type Outcome = io::Result<u8>;

/// `getprop` (all, as `[key]: [value]`), `getprop KEY [DEFAULT]`.
pub fn getprop(phone: &Phone, args: &[String], io: &mut ShellIo<'_>) -> Outcome {
    match args {
        [] => {
            for (key, value) in phone.props() {
                writeln!(io.out, "[{key}]: [{value}]")?;
            }
        }
        [key, rest @ ..] => {
            let value = phone.props().get(key).cloned().or_else(|| rest.first().cloned()).unwrap_or_default();
            writeln!(io.out, "{value}")?;
        }
    }
    Ok(0)
}

/// `id` for the shell user.
pub fn id(io: &mut ShellIo<'_>) -> Outcome {
    writeln!(
        io.out,
        "uid=2000(shell) gid=2000(shell) groups=2000(shell),1004(input),1007(log),1011(adb),1015(sdcard_rw),\
         1028(sdcard_r),1078(ext_data_rw),1079(ext_obb_rw),3001(net_bt_admin),3002(net_bt),3003(inet),\
         3006(net_bw_stats),3009(readproc),3011(uhid),3012(readtracefs) context=u:r:shell:s0"
    )?;
    Ok(0)
}

/// `date` and `date +%s`.
pub fn date(args: &[String], io: &mut ShellIo<'_>) -> Outcome {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    match args.first().map(String::as_str) {
        Some("+%s") => writeln!(io.out, "{now}")?,
        _ => {
            let (y, mo, d, h, mi, s) = civil(now);
            let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
                [now.div_euclid(86_400).rem_euclid(7) as usize];
            let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
                [mo as usize - 1];
            writeln!(io.out, "{weekday} {month} {d:2} {h:02}:{mi:02}:{s:02} UTC {y}")?;
        }
    }
    Ok(0)
}

const NAMESPACES: [&str; 3] = ["system", "secure", "global"];

/// `settings list|get|put|delete NAMESPACE ...`
pub fn settings(phone: &Phone, args: &[String], io: &mut ShellIo<'_>) -> Outcome {
    let args: Vec<&str> =
        args.iter().map(String::as_str).filter(|a| *a != "--user" && *a != "current").collect();
    let (verb, namespace) = match args.as_slice() {
        [verb, namespace, ..] => (*verb, *namespace),
        _ => {
            writeln!(io.err, "usage:  settings [--user <USER_ID> | current] get namespace key")?;
            return Ok(255);
        }
    };
    if !NAMESPACES.contains(&namespace) {
        writeln!(io.err, "Invalid namespace '{namespace}'")?;
        return Ok(255);
    }
    let providers = phone.providers();
    let uri = format!("content://settings/{namespace}");
    let failed = |io: &mut ShellIo<'_>, e: &dyn std::fmt::Display| -> Outcome {
        writeln!(io.err, "Failure calling service settings: {e}")?;
        Ok(255)
    };
    match (verb, &args[2..]) {
        ("list", _) => match providers.settings_list(namespace) {
            Ok(rows) => {
                for (name, value) in rows {
                    writeln!(io.out, "{name}={}", value.as_deref().unwrap_or("null"))?;
                }
                Ok(0)
            }
            Err(e) => failed(io, &e),
        },
        ("get", [name, ..]) => {
            let value = providers
                .settings_list(namespace)
                .ok()
                .and_then(|rows| rows.into_iter().find(|(n, _)| n == name))
                .and_then(|(_, value)| value);
            writeln!(io.out, "{}", value.as_deref().unwrap_or("null"))?;
            Ok(0)
        }
        ("put", [name, value, ..]) => {
            use crate::device::sim::android::phone::providers::Value;
            let values = [
                ("name".to_owned(), Value::Text((*name).to_owned())),
                ("value".to_owned(), Value::Text((*value).to_owned())),
            ];
            match providers.insert(&uri, &values, false) {
                Ok(_) => Ok(0),
                Err(e) => failed(io, &e),
            }
        }
        ("delete", [name, ..]) => {
            let selection = format!("name = '{}'", name.replace('\'', "''"));
            match providers.delete(&uri, Some(&selection), false) {
                Ok(count) => {
                    writeln!(io.out, "Deleted {count} rows")?;
                    Ok(0)
                }
                Err(e) => failed(io, &e),
            }
        }
        _ => {
            writeln!(io.err, "usage:  settings [--user <USER_ID> | current] get namespace key")?;
            Ok(255)
        }
    }
}

/// `cmd package ...` is `pm ...`; other `cmd` services are not on this phone.
pub fn cmd(phone: &Phone, args: &[String], io: &mut ShellIo<'_>) -> Outcome {
    match args.first().map(String::as_str) {
        Some("package") => pm(phone, &args[1..], io),
        Some("settings") => settings(phone, &args[1..], io),
        Some("appops") => appops(phone, &args[1..], io),
        Some(service) => {
            writeln!(io.err, "cmd: Can't find service: {service}")?;
            Ok(20)
        }
        None => Ok(0),
    }
}

/// `pm list packages [-3] [-s] [-f] [-U] [-i] [--show-versioncode] [FILTER]`, `pm path PKG`.
pub fn pm(phone: &Phone, args: &[String], io: &mut ShellIo<'_>) -> Outcome {
    let packages = &phone.file().packages;
    match args.first().map(String::as_str) {
        Some("list") if args.get(1).map(String::as_str) == Some("packages") => {
            let options: Vec<&str> = args[2..].iter().map(String::as_str).collect();
            let has = |flag: &str| options.contains(&flag);
            let filter = options.iter().find(|o| !o.starts_with('-')).copied();
            let mut listed: Vec<&Package> = packages
                .iter()
                .filter(|p| if p.system { !has("-3") } else { !has("-s") })
                .filter(|p| filter.is_none_or(|f| p.name.contains(f)))
                .collect();
            listed.sort_by(|a, b| a.name.cmp(&b.name));
            for package in listed {
                let mut line = String::from("package:");
                if has("-f") {
                    line.push_str(package.apks.first().map(String::as_str).unwrap_or(""));
                    line.push('=');
                }
                line.push_str(&package.name);
                if has("--show-versioncode") {
                    line.push_str(&format!(" versionCode:{}", package.version_code));
                }
                if has("-U") {
                    line.push_str(&format!(" uid:{}", package.uid));
                }
                if has("-i") {
                    line.push_str(&format!(" installer={}", package.installer.as_deref().unwrap_or("null")));
                }
                writeln!(io.out, "{line}")?;
            }
            Ok(0)
        }
        Some("path") => {
            let Some(package) = args.get(1).and_then(|name| packages.iter().find(|p| &p.name == name)) else {
                return Ok(1);
            };
            for apk in &package.apks {
                writeln!(io.out, "package:{apk}")?;
            }
            Ok(0)
        }
        Some("list") => {
            writeln!(io.err, "Error: unknown list type '{}'", args.get(1).map(String::as_str).unwrap_or(""))?;
            Ok(255)
        }
        _ => {
            writeln!(io.err, "Unknown command: {}", args.first().map(String::as_str).unwrap_or(""))?;
            Ok(255)
        }
    }
}

fn date_time(ms: i64) -> String {
    let (y, mo, d, h, mi, s) = civil(ms.div_euclid(1000));
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
}

fn hash_id(text: &str, salt: u32) -> u32 {
    text.bytes()
        .fold(salt.wrapping_mul(2_654_435_761), |h, b| h.rotate_left(5) ^ u32::from(b))
        .wrapping_mul(0x9e37_79b1)
        >> 4
}

/// `dumpsys battery`, `dumpsys package PKG`.
pub fn dumpsys(phone: &Phone, args: &[String], io: &mut ShellIo<'_>) -> Outcome {
    match args.first().map(String::as_str) {
        Some("battery") => {
            let b = &phone.file().battery;
            writeln!(io.out, "Current Battery Service state:")?;
            writeln!(io.out, "  AC powered: false")?;
            writeln!(io.out, "  USB powered: {}", b.usb_powered)?;
            writeln!(io.out, "  Wireless powered: false")?;
            writeln!(io.out, "  Max charging current: {}", if b.usb_powered { 500_000 } else { 0 })?;
            writeln!(io.out, "  Max charging voltage: {}", if b.usb_powered { 5_000_000 } else { 0 })?;
            writeln!(io.out, "  Charge counter: {}", b.level * 43_000)?;
            writeln!(io.out, "  status: {}", b.status)?;
            writeln!(io.out, "  health: 2")?;
            writeln!(io.out, "  present: true")?;
            writeln!(io.out, "  level: {}", b.level)?;
            writeln!(io.out, "  scale: 100")?;
            writeln!(io.out, "  voltage: {}", b.voltage)?;
            writeln!(io.out, "  temperature: {}", b.temperature)?;
            writeln!(io.out, "  technology: Li-ion")?;
            Ok(0)
        }
        Some("package") => {
            let name = args.get(1).map(String::as_str).unwrap_or("");
            match phone.file().packages.iter().find(|p| p.name == name) {
                Some(package) => dump_package(package, io),
                None => {
                    writeln!(io.out, "Unable to find package: {name}")?;
                    Ok(0)
                }
            }
        }
        Some(service) => {
            writeln!(io.err, "Can't find service: {service}")?;
            Ok(0)
        }
        None => {
            writeln!(io.out, "Currently running services:\n  appops\n  battery\n  package\n  settings")?;
            Ok(0)
        }
    }
}

fn dump_package(package: &Package, io: &mut ShellIo<'_>) -> Outcome {
    let code_path = package.code_path();
    let splits: Vec<String> = package
        .apks
        .iter()
        .map(|apk| {
            let file = apk.rsplit('/').next().unwrap_or(apk);
            match file.strip_prefix("split_").and_then(|s| s.strip_suffix(".apk")) {
                Some(split) => split.to_owned(),
                None => "base".to_owned(),
            }
        })
        .collect();
    let flags = if package.system {
        "SYSTEM HAS_CODE ALLOW_CLEAR_USER_DATA"
    } else {
        "HAS_CODE ALLOW_CLEAR_USER_DATA ALLOW_BACKUP"
    };
    let id = |salt| format!("{:x}", hash_id(&package.name, salt));
    writeln!(io.out, "Packages:")?;
    writeln!(io.out, "  Package [{}] ({}):", package.name, id(1))?;
    writeln!(io.out, "    userId={}", package.uid)?;
    writeln!(io.out, "    pkg=Package{{{} {}}}", id(2), package.name)?;
    writeln!(io.out, "    codePath={code_path}")?;
    writeln!(io.out, "    resourcePath={code_path}")?;
    writeln!(io.out, "    legacyNativeLibraryDir={code_path}/lib")?;
    writeln!(io.out, "    primaryCpuAbi=arm64-v8a")?;
    writeln!(io.out, "    secondaryCpuAbi=null")?;
    writeln!(io.out, "    versionCode={} minSdk=24 targetSdk={}", package.version_code, package.target_sdk)?;
    writeln!(io.out, "    versionName={}", package.version_name)?;
    writeln!(io.out, "    splits=[{}]", splits.join(", "))?;
    writeln!(io.out, "    apkSigningVersion=2")?;
    writeln!(io.out, "    flags=[ {flags} ]")?;
    writeln!(io.out, "    dataDir=/data/user/0/{}", package.name)?;
    writeln!(io.out, "    timeStamp={}", date_time(package.last_update_ms))?;
    writeln!(io.out, "    firstInstallTime={}", date_time(package.first_install_ms))?;
    writeln!(io.out, "    lastUpdateTime={}", date_time(package.last_update_ms))?;
    if let Some(installer) = &package.installer {
        writeln!(io.out, "    installerPackageName={installer}")?;
    }
    writeln!(
        io.out,
        "    signatures=PackageSignatures{{{} version:2, signatures:[{}], past signatures:[]}}",
        id(3),
        id(4)
    )?;
    writeln!(io.out, "    installPermissionsFixed=true")?;
    writeln!(io.out, "    pkgFlags=[ {flags} ]")?;
    writeln!(
        io.out,
        "    User 0: ceDataInode={} installed=true hidden=false suspended=false stopped=false notLaunched=false enabled=0 instant=false virtual=false",
        hash_id(&package.name, 5)
    )?;
    Ok(0)
}

const MODES: [&str; 5] = ["allow", "ignore", "deny", "default", "foreground"];

/// `appops set PKG OP MODE`, `appops get PKG [OP]`.
pub fn appops(phone: &Phone, args: &[String], io: &mut ShellIo<'_>) -> Outcome {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["set", package, op, mode] => {
            if !MODES.contains(mode) {
                writeln!(io.err, "Error: Mode {mode} is not valid")?;
                return Ok(255);
            }
            if phone.file().packages.iter().all(|p| p.name != *package) {
                writeln!(io.err, "Error: Unknown package: {package}")?;
                return Ok(255);
            }
            if phone.refuses(Refusal::SmsWrite) {
                io.err.write_all(APPOPS_DENIAL.as_bytes())?;
                return Ok(255);
            }
            match phone.set_appop(package, op, mode) {
                Ok(()) => Ok(0),
                Err(e) => {
                    writeln!(io.err, "Error: {e}")?;
                    Ok(255)
                }
            }
        }
        ["get", package, op] => {
            writeln!(io.out, "{op}: {}", phone.appop(package, op))?;
            Ok(0)
        }
        ["get", package] => {
            let op = "WRITE_SMS";
            let mode = phone.appop(package, op);
            if mode == "default" {
                writeln!(io.out, "No operations.")?;
            } else {
                writeln!(io.out, "{op}: {mode}")?;
            }
            Ok(0)
        }
        _ => {
            writeln!(
                io.err,
                "Error: unknown or malformed appops command; use: appops set|get <PACKAGE> <OP> [<MODE>]"
            )?;
            Ok(255)
        }
    }
}

/// `am broadcast -a ACTION [-d URI] [...]`: the broadcast is accepted and reported like a phone does.
pub fn am(args: &[String], io: &mut ShellIo<'_>) -> Outcome {
    if args.first().map(String::as_str) != Some("broadcast") {
        writeln!(io.err, "Error: this phone's am only knows broadcast")?;
        return Ok(255);
    }
    let mut action = None;
    let mut data = None;
    let mut iter = args[1..].iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "-a" => action = iter.next(),
            "-d" => data = iter.next(),
            "--user" | "-p" | "-n" | "-c" | "--es" | "--ei" => {
                iter.next();
            }
            _ => {}
        }
    }
    let mut intent = String::from("Intent {");
    if let Some(action) = action {
        intent.push_str(&format!(" act={action}"));
    }
    if let Some(data) = data {
        intent.push_str(&format!(" dat={data}"));
    }
    intent.push_str(" flg=0x400000 }");
    writeln!(io.out, "Broadcasting: {intent}")?;
    writeln!(io.out, "Broadcast completed: result=0")?;
    Ok(0)
}
