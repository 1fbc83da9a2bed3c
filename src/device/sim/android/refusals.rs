//! What a virtual phone refuses, the way some makers' phones do (`lifeboat sim android --refuse calls,sms-write`).
//!
//! Real phones differ in what they let USB debugging touch: some keep the call log, the contacts or the
//! messages from the shell user (the provider refuses to open, and `content` prints a `SecurityException`
//! with "Permission Denial"), and some do not let `appops` give the shell the right to write messages
//! (a restore of SMS is then silently ignored by the provider). A refusal makes this phone print exactly
//! what such a phone prints, so clients can be tested against it.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU32, Ordering};

/// One thing the phone refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Refusal {
    /// The call log provider will not open for the shell (`READ_CALL_LOG`).
    Calls,
    /// The contacts provider will not open for the shell (`READ_CONTACTS`).
    Contacts,
    /// The SMS and MMS providers will not open for the shell (`READ_SMS`).
    Sms,
    /// `appops set com.android.shell WRITE_SMS allow` is refused, so the SMS and MMS providers ignore the
    /// shell's inserts, as they do for any app that is not the default messaging app.
    SmsWrite,
}

impl Refusal {
    /// Every refusal, in the order they are listed in help texts.
    pub const ALL: [Refusal; 4] = [Refusal::Calls, Refusal::Contacts, Refusal::Sms, Refusal::SmsWrite];

    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::Calls => "calls",
            Refusal::Contacts => "contacts",
            Refusal::Sms => "sms",
            Refusal::SmsWrite => "sms-write",
        }
    }

    /// Parses a comma-separated list (`calls,sms-write`); an empty text is no refusal.
    pub fn parse_list(text: &str) -> Result<BTreeSet<Refusal>, String> {
        text.split(',').map(str::trim).filter(|w| !w.is_empty()).map(str::parse).collect()
    }
}

impl std::str::FromStr for Refusal {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Refusal::ALL.into_iter().find(|r| r.as_str() == text).ok_or_else(|| {
            let known: Vec<&str> = Refusal::ALL.iter().map(|r| r.as_str()).collect();
            format!(
                "\"{text}\" is not something a virtual phone can refuse; choose from {}",
                known.join(", ")
            )
        })
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The provider class and the permissions a phone names when it refuses to open `authority` for the shell.
fn provider_of(authority: &str) -> Option<(Refusal, &'static str, &'static str, &'static str)> {
    Some(match authority {
        "call_log" | "call_log_shadow" => (
            Refusal::Calls,
            "com.android.providers.contacts.CallLogProvider",
            "android.permission.READ_CALL_LOG",
            "android.permission.WRITE_CALL_LOG",
        ),
        "com.android.contacts" | "contacts" => (
            Refusal::Contacts,
            "com.android.providers.contacts.ContactsProvider2",
            "android.permission.READ_CONTACTS",
            "android.permission.WRITE_CONTACTS",
        ),
        "sms" => (
            Refusal::Sms,
            "com.android.providers.telephony.SmsProvider",
            "android.permission.READ_SMS",
            "android.permission.WRITE_SMS",
        ),
        "mms" => (
            Refusal::Sms,
            "com.android.providers.telephony.MmsProvider",
            "android.permission.READ_SMS",
            "android.permission.WRITE_SMS",
        ),
        "mms-sms" => (
            Refusal::Sms,
            "com.android.providers.telephony.MmsSmsProvider",
            "android.permission.READ_SMS",
            "android.permission.WRITE_SMS",
        ),
        _ => return None,
    })
}

/// Process ids for the messages: each `content` run is a new process on a phone.
static NEXT_PID: AtomicU32 = AtomicU32::new(13_021);

/// The message of the `SecurityException` a phone refusing `authority` throws at the shell, if it refuses
/// it: ActivityManagerService's own wording ("from (null)": the `content` tool is no app process).
pub fn provider_denial(refusals: &BTreeSet<Refusal>, authority: &str) -> Option<String> {
    let (refusal, class, read, write) = provider_of(authority)?;
    if !refusals.contains(&refusal) {
        return None;
    }
    let pid = NEXT_PID.fetch_add(7, Ordering::Relaxed);
    Some(format!(
        "Permission Denial: opening provider {class} from (null) (pid={pid}, uid=2000) requires {read} or {write}"
    ))
}

/// What `appops set` prints on stderr when the phone does not let the shell change app-ops: the shell
/// command handler's report of the `SecurityException` thrown by `AppOpsService.setMode`.
pub const APPOPS_DENIAL: &str = "\nException occurred while executing 'set':
java.lang.SecurityException: uid 2000 does not have android.permission.MANAGE_APP_OPS_MODES.
\tat android.app.ContextImpl.enforce(ContextImpl.java:2240)
\tat android.app.ContextImpl.enforceCallingOrSelfPermission(ContextImpl.java:2268)
\tat com.android.server.appop.AppOpsService.enforceManageAppOpsModes(AppOpsService.java:2031)
\tat com.android.server.appop.AppOpsService.setMode(AppOpsService.java:2046)
\tat com.android.server.appop.AppOpsService$Shell.onCommand(AppOpsService.java:5329)
\tat com.android.modules.utils.BasicShellCommandHandler.exec(BasicShellCommandHandler.java:97)
\tat android.os.ShellCommand.exec(ShellCommand.java:38)
\tat com.android.server.appop.AppOpsService.onShellCommand(AppOpsService.java:5474)
\tat android.os.Binder.shellCommand(Binder.java:1049)
\tat android.os.Binder.onTransact(Binder.java:877)
\tat com.android.internal.app.IAppOpsService$Stub.onTransact(IAppOpsService.java:1262)
\tat android.os.Binder.execTransactInternal(Binder.java:1316)
\tat android.os.Binder.execTransact(Binder.java:1280)
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_parse_and_unknown_names_are_explained() {
        let set = Refusal::parse_list("calls, sms-write").unwrap();
        assert_eq!(set.into_iter().collect::<Vec<_>>(), [Refusal::Calls, Refusal::SmsWrite]);
        assert!(Refusal::parse_list("").unwrap().is_empty());
        let error = Refusal::parse_list("calls,photos").unwrap_err();
        assert!(error.contains("\"photos\"") && error.contains("sms-write"), "{error}");
    }

    #[test]
    fn denials_name_the_provider_and_its_permissions() {
        let refusals = Refusal::parse_list("calls").unwrap();
        let denial = provider_denial(&refusals, "call_log").unwrap();
        assert!(denial.starts_with("Permission Denial: opening provider com.android.providers.contacts.CallLogProvider from (null) (pid="));
        assert!(denial.ends_with(
            "uid=2000) requires android.permission.READ_CALL_LOG or android.permission.WRITE_CALL_LOG"
        ));
        assert_eq!(provider_denial(&refusals, "sms"), None, "only what was asked is refused");
        assert_eq!(provider_denial(&refusals, "settings"), None);
        let sms = Refusal::parse_list("sms").unwrap();
        assert!(provider_denial(&sms, "mms").unwrap().contains("MmsProvider"));
    }
}
