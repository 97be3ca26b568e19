//! Telling people when the scheduled job needs a human: when `run`,
//! `preflight` or `verify` ends with exit 1 or 2 and `$OGONBLICK_NOTIFY`
//! names a mail configuration (the service sets it), a Swedish message goes
//! to the register's archivist, the responsible person of each account
//! named, and the configuration's own `to`, through sendmail or SMTP
//! (lettre). `ogonblick notify` is the unit's `OnFailure=` side: it speaks
//! when the command could not say anything itself (killed, not started).
//! Nothing secret goes into a message: no cookie, no password, no URL's
//! user name or password.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{bail, Context};
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Message, SendmailTransport, SmtpTransport, Transport};
use serde::Deserialize;

use crate::{CmdResult, Exit};

/// The environment variable that names the mail configuration. Set by the
/// systemd units; a person at the terminal gets no mail.
pub const ENV: &str = "OGONBLICK_NOTIFY";

/// `/etc/ogonblick/mail.toml`: how notices are sent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailConfig {
    /// The sender, e.g. `ogonblick@kommun.se`.
    pub from: String,
    /// Always told, besides the register's addresses (IT's own mailbox).
    #[serde(default)]
    pub to: Vec<String>,
    /// `sendmail` (the default) or `smtp`.
    #[serde(default)]
    pub transport: TransportKind,
    /// The sendmail-compatible program (default `/usr/sbin/sendmail`).
    #[serde(default)]
    pub sendmail: Option<PathBuf>,
    #[serde(default)]
    pub smtp: Option<SmtpConfig>,
}

#[derive(Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TransportKind {
    #[default]
    Sendmail,
    Smtp,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    #[serde(default)]
    pub port: Option<u16>,
    /// `starttls` (the default), `tls` (implicit, port 465) or `none`
    /// (only for a relay on the machine itself).
    #[serde(default)]
    pub tls: Security,
    #[serde(default)]
    pub user: Option<String>,
    /// A secret: read here, never printed.
    #[serde(default)]
    pub password: Option<String>,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// How the SMTP connection is protected (`tls = ...`).
#[derive(Debug, Default, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    #[default]
    Starttls,
    Tls,
    None,
}

impl MailConfig {
    pub fn load(path: &Path) -> anyhow::Result<MailConfig> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the mail configuration {}", path.display()))?;
        let config: MailConfig = toml_edit::de::from_str(&text).map_err(|e| {
            // The parser's message names the key and line, never a value it read.
            anyhow::anyhow!(
                "the mail configuration {} is not valid: {}",
                path.display(),
                e.message()
            )
        })?;
        if config.transport == TransportKind::Smtp && config.smtp.is_none() {
            bail!(
                "the mail configuration {} says transport = \"smtp\" but has no [smtp] table with a host",
                path.display()
            );
        }
        Ok(config)
    }
}

/// One thing a human must act on, gathered while a command runs.
#[derive(Debug, Clone)]
struct Problem {
    account: Option<String>,
    /// Swedish: what needs a human.
    sv: String,
    /// English detail from the command (no secrets: the commands never
    /// print cookie values or passwords).
    detail: String,
}

static PROBLEMS: Mutex<Vec<Problem>> = Mutex::new(Vec::new());
static REGISTER: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Notes a problem for the notice (a no-op cost when nobody is told).
pub fn problem(account: Option<&str>, sv: &str, detail: &str) {
    PROBLEMS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(Problem {
            account: account.map(str::to_string),
            sv: sv.to_string(),
            detail: scrub_credentials(detail),
        });
}

/// `s` with the user name and password of any URL in it taken out
/// (`https://user:secret@host/` becomes `https://host/`).
pub fn scrub_credentials(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| c == '/' || c.is_whitespace() || c == '"' || c == '\'')
            .unwrap_or(tail.len());
        match tail[..end].rfind('@') {
            Some(at) => rest = &tail[at + 1..],
            None => rest = tail,
        }
    }
    out.push_str(rest);
    out
}

/// The register the command read, whose addresses are told.
pub fn use_register(path: &Path) {
    *REGISTER.lock().unwrap_or_else(|e| e.into_inner()) = Some(path.to_path_buf());
}

/// Which command names a notice follows.
fn command_sv(command: &str) -> (&'static str, &'static str) {
    match command {
        "run" => (
            "Den schemalagda körningen (ogonblick run)",
            "ogonblick status",
        ),
        "preflight" => (
            "Förhandskontrollen inför halvårsskiftet (ogonblick preflight)",
            "ogonblick preflight",
        ),
        "verify" => (
            "Kontrollen av arkivet (ogonblick verify)",
            "ogonblick verify arkiv",
        ),
        _ => ("ogonblick", "ogonblick status"),
    }
}

/// Called by `main` when a watched command ends: sends the notice when the
/// exit is 1 or 2 and `$OGONBLICK_NOTIFY` is set. Failing to send is said on
/// stderr; it never changes the exit.
pub fn after(command: &str, code: u8, error: Option<&anyhow::Error>) {
    let Some(config) = std::env::var_os(ENV).filter(|v| !v.is_empty()) else {
        return;
    };
    if code == 0 {
        return;
    }
    let mut problems = std::mem::take(&mut *PROBLEMS.lock().unwrap_or_else(|e| e.into_inner()));
    if let Some(err) = error {
        let chain: Vec<String> = err.chain().map(|c| c.to_string()).collect();
        problems.push(Problem {
            account: None,
            sv: "kommandot kunde inte köras; ingenting fångades eller förseglades".into(),
            detail: scrub_credentials(&chain.join(": ")),
        });
    }
    if problems.is_empty() {
        problems.push(Problem {
            account: None,
            sv: "kommandot behöver en människa; se utskriften".into(),
            detail: String::new(),
        });
    }
    let (what, more) = command_sv(command);
    let meaning = if code == 1 {
        "den blev klar, men något behöver åtgärdas"
    } else {
        "den kunde inte köras alls"
    };
    let register = REGISTER
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .unwrap_or_else(|| PathBuf::from("accounts.toml"));
    let notice = Notice {
        subject: format!("{what}: åtgärd behövs (kod {code})"),
        opening: format!("{what} avslutades med kod {code}: {meaning}."),
        problems,
        more: more.to_string(),
    };
    if let Err(e) = send(Path::new(&config), &register, &notice) {
        eprintln!("warning: the notice could not be sent: {e:#}");
    }
}

/// A message to send.
struct Notice {
    subject: String,
    opening: String,
    problems: Vec<Problem>,
    /// The command that shows more.
    more: String,
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "servern".into())
}

/// Who is told: the configuration's `to`, the register's archivist, and the
/// responsible person of each account a problem names.
fn recipients(
    config: &MailConfig,
    register: Option<&registry::Register>,
    problems: &[Problem],
) -> Vec<String> {
    let mut out: Vec<String> = config.to.clone();
    if let Some(reg) = register {
        if let Some(email) = reg.archivist.as_ref().and_then(|c| c.email.clone()) {
            out.push(email);
        }
        for p in problems {
            let Some(account) = p.account.as_deref().and_then(|id| reg.account(id)) else {
                continue;
            };
            if let Some(email) = &account.responsible.email {
                out.push(email.clone());
            }
        }
    }
    let mut seen = Vec::new();
    out.retain(|a| {
        let key = a.to_ascii_lowercase();
        let new = !seen.contains(&key);
        seen.push(key);
        new
    });
    out
}

fn body(notice: &Notice, register: Option<&registry::Register>) -> String {
    let mut s = String::from("Hej!\n\n");
    let org = register.map(|r| r.organisation.name.as_str());
    s += &format!(
        "Det här är ett automatiskt meddelande från ogonblick på {}, som arkiverar {} konton i sociala medier.\n\n",
        hostname(),
        org.map_or("kommunens".to_string(), |o| format!("{o}s"))
    );
    s += &notice.opening;
    s += "\n\nDet här behöver en människa:\n";
    for p in &notice.problems {
        let who = match (&p.account, register) {
            (Some(id), Some(reg)) => match reg.account(id) {
                Some(a) => format!("Kontot {id} ({}): ", a.name),
                None => format!("Kontot {id}: "),
            },
            (Some(id), None) => format!("Kontot {id}: "),
            (None, _) => String::new(),
        };
        s += &format!("\n- {who}{}\n", p.sv);
        if !p.detail.is_empty() {
            s += &format!("  Teknisk detalj (engelska): {}\n", p.detail);
        }
    }
    s += &format!(
        "\nMer information visar kommandot\n\n    {}\n\nkört som användaren ogonblick i /var/lib/ogonblick (sudo -u ogonblick), och loggen: journalctl -u ogonblick\n",
        notice.more
    );
    s += "\nHur inloggningskakorna förnyas och var adresserna ställs in står i ogonblicks README (/usr/share/doc/ogonblick/README.md).\n";
    s += "Meddelandet innehåller inga lösenord eller inloggningskakor.\n";
    s
}

fn send(config_path: &Path, register_path: &Path, notice: &Notice) -> anyhow::Result<()> {
    let config = MailConfig::load(config_path)?;
    let register = match registry::load(register_path) {
        Ok((r, _)) => Some(r),
        Err(e) => {
            eprintln!(
                "warning: the notice goes only to the mail configuration's `to`: the register cannot be read ({e})"
            );
            None
        }
    };
    let to = recipients(&config, register.as_ref(), &notice.problems);
    if to.is_empty() {
        bail!(
            "nobody to tell: set `archivist = {{ name = \"...\", email = \"...\" }}` under [organisation] in {}, or `to` in {}",
            register_path.display(),
            config_path.display()
        );
    }
    let from: Mailbox = config
        .from
        .parse()
        .with_context(|| format!("`from` in {} is not an address", config_path.display()))?;
    let mut builder = Message::builder()
        .from(from)
        .subject(format!("ogonblick på {}: {}", hostname(), notice.subject))
        .header(ContentType::TEXT_PLAIN);
    for address in &to {
        let mailbox: Mailbox = address
            .parse()
            .with_context(|| format!("{address} is not an e-mail address"))?;
        builder = builder.to(mailbox);
    }
    let message = builder
        .body(body(notice, register.as_ref()))
        .context("building the message")?;
    match config.transport {
        TransportKind::Sendmail => {
            let program = config
                .sendmail
                .clone()
                .unwrap_or_else(|| PathBuf::from("/usr/sbin/sendmail"));
            SendmailTransport::new_with_command(program.as_os_str())
                .send(&message)
                .with_context(|| format!("sending through {}", program.display()))?;
        }
        TransportKind::Smtp => {
            let smtp = config.smtp.as_ref().context("no [smtp] table")?;
            let builder = match smtp.tls {
                Security::None => SmtpTransport::builder_dangerous(&smtp.host),
                Security::Starttls => SmtpTransport::starttls_relay(&smtp.host)?,
                Security::Tls => SmtpTransport::relay(&smtp.host)?,
            };
            let mut builder = builder.timeout(Some(Duration::from_secs(30)));
            if let Some(port) = smtp.port {
                builder = builder.port(port);
            }
            if let (Some(user), Some(password)) = (&smtp.user, &smtp.password) {
                builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
            }
            builder
                .build()
                .send(&message)
                .with_context(|| format!("sending through the SMTP server {}", smtp.host))?;
        }
    }
    eprintln!("notice sent to {}", to.join(", "));
    Ok(())
}

/// `ogonblick notify`: run by `ogonblick-notify@.service` when a unit failed.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The unit that failed (`%i` in the template).
    #[arg(long, value_name = "UNIT")]
    unit: String,
    /// The account register whose addresses are told.
    #[arg(long, value_name = "FILE", default_value = "accounts.toml")]
    register: PathBuf,
}

/// Speaks only when the command could not: a run that ended with exit 1 or
/// 2 has sent its own notice; anything else (killed, timed out, crashed,
/// not started) gets one here. systemd (≥ 251) passes how the unit ended
/// in `$MONITOR_*`.
pub fn main(args: Args) -> CmdResult {
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    let (result, code, status) = (
        var("MONITOR_SERVICE_RESULT"),
        var("MONITOR_EXIT_CODE"),
        var("MONITOR_EXIT_STATUS"),
    );
    if code == "exited" && (status == "1" || status == "2") {
        println!(
            "{} ended with exit {status}; the command sent its own notice",
            args.unit
        );
        return Ok(Exit::Ok);
    }
    let Some(config) = std::env::var_os(ENV).filter(|v| !v.is_empty()) else {
        bail!("${ENV} is not set: it names the mail configuration (/etc/ogonblick/mail.toml)");
    };
    let how = match code.as_str() {
        "killed" => format!("den avbröts av signalen {status}"),
        "dumped" => format!("den kraschade (signalen {status})"),
        "exited" => format!("den avslutades med kod {status}"),
        "" => "systemd sade inte hur".to_string(),
        other => format!("{other} {status}"),
    };
    let notice = Notice {
        subject: format!("{} kunde inte köras klart", args.unit),
        opening: format!(
            "Tjänsten {} kunde inte köras klart: {how} (systemd: {}).",
            args.unit,
            if result.is_empty() { "okänt" } else { &result }
        ),
        problems: vec![Problem {
            account: None,
            sv: "programmet startade inte eller avbröts innan det kunde säga vad som hände; \
                 kontrollera att ogonblick och Chromium är installerade och att servern har minne och diskutrymme"
                .into(),
            detail: format!("service result {result}, exit {code} {status}"),
        }],
        more: format!("systemctl status {}", args.unit),
    };
    send(Path::new(&config), &args.register, &notice)?;
    Ok(Exit::Ok)
}

#[cfg(test)]
mod tests {
    use super::scrub_credentials;

    #[test]
    fn credentials_in_urls_never_reach_a_notice() {
        for (given, want) in [
            (
                "TSA gave no token: https://kommun:hemligt@tsa.example.se/tsr: no answer",
                "TSA gave no token: https://tsa.example.se/tsr: no answer",
            ),
            (
                "http://u@h:8080 and ftp://a:b@c/d",
                "http://h:8080 and ftp://c/d",
            ),
            (
                "mail anna@example.se about https://h/p",
                "mail anna@example.se about https://h/p",
            ),
            ("no url", "no url"),
        ] {
            assert_eq!(scrub_credentials(given), want);
        }
    }
}
