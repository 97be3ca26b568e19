//! The cover page (följeblad) in Swedish, and the document metadata taken from the record.

use chrono::{DateTime, Utc};
use model::display::{neutralise, shorten};
use model::{PageFacts, Record};

use crate::font::CidFont;
use crate::layout::{Canvas, A4};
use crate::sv;
use crate::xmp::Meta;
use crate::PageInput;

// Type sizes and the label column, shared with the excerpt's cover.
pub(crate) const BODY: f64 = 9.5;
pub(crate) const SMALL: f64 = 7.5;
pub(crate) const H1: f64 = 17.0;
pub(crate) const H2: f64 = 12.0;
pub(crate) const LABEL: f64 = 130.0;
/// Text from a page on the cover is shortened to this many characters (a
/// title, a heading; a URL; a description or a warning quoting the page),
/// so it never pushes the cover's own labels off; record.json keeps it whole.
pub(crate) const TITLE_MAX: usize = 150;
pub(crate) const URL_MAX: usize = 200;
const TEXT_MAX: usize = 400;

fn or_missing(s: Option<&str>) -> String {
    match s {
        Some(s) if !s.trim().is_empty() => s.to_string(),
        _ => "uppgift saknas".to_string(),
    }
}

/// The name a person would call the record by: the account's, else the
/// page's title or URL, shortened; page text shown, never obeyed.
pub(crate) fn subject_name(record: &Record) -> String {
    if let Some(account) = &record.account {
        return neutralise(&account.name);
    }
    record
        .pages
        .first()
        .map(|p| {
            if p.title.trim().is_empty() {
                shorten(&p.final_url, URL_MAX)
            } else {
                shorten(p.title.trim(), TITLE_MAX)
            }
        })
        .unwrap_or_else(|| neutralise(&record.record_id))
}

/// The moment the document describes, and the moment it was finished.
fn times(record: &Record) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = record.captured_at().unwrap_or(DateTime::UNIX_EPOCH);
    let end = record
        .pages
        .iter()
        .map(|p| p.ended)
        .max()
        .unwrap_or(start)
        .max(start);
    (start, end)
}

/// Title, author and capture facts for XMP and Info.
pub(crate) fn meta(record: &Record) -> Meta {
    let (start, end) = times(record);
    let title = match &record.period {
        Some(period) => format!(
            "Ögonblicksbild av {}, {}",
            subject_name(record),
            period.replace('-', " ")
        ),
        None => format!(
            "Ögonblicksbild av {}, {}",
            subject_name(record),
            sv::moment(start)
        ),
    };
    let author = record
        .organisation
        .as_ref()
        .map(|o| o.name.clone())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| record.operator.clone());
    let urls: Vec<&str> = record.pages.iter().map(|p| p.final_url.as_str()).collect();
    let browsers: Vec<&str> = dedup(record.pages.iter().map(|p| p.browser_version.as_str()));
    Meta {
        title,
        author,
        subject: format!(
            "{} ({}), {}",
            record.kind.display_sv(),
            record.handling.display_sv(),
            record.record_id
        ),
        creator_tool: format!("ogonblick {}", record.ogonblick_version),
        producer: format!("ogonblick {} (pdfa, lopdf)", record.ogonblick_version),
        created: end,
        modified: end,
        custom: vec![
            (
                "recordId",
                "Record id in the archive",
                record.record_id.clone(),
            ),
            (
                "kind",
                "Why the record exists",
                record.kind.display_sv().to_string(),
            ),
            (
                "handling",
                "Upprättad or inkommen",
                record.handling.display_sv().to_string(),
            ),
            (
                "period",
                "Half-year period",
                record.period.clone().unwrap_or_default(),
            ),
            (
                "accountId",
                "Account id in the register",
                record
                    .account
                    .as_ref()
                    .map(|a| a.id.clone())
                    .unwrap_or_default(),
            ),
            (
                "pageUrls",
                "Final URLs of the captured pages",
                urls.join(" "),
            ),
            (
                "captureStarted",
                "Capture start (UTC)",
                crate::xmp::xmp_date(start),
            ),
            (
                "captureEnded",
                "Capture end (UTC)",
                crate::xmp::xmp_date(end),
            ),
            (
                "diarienummer",
                "Diarienummer at sealing",
                record.diarienummer.clone(),
            ),
            ("browser", "Browser version", browsers.join(", ")),
            (
                "ogonblickVersion",
                "ogonblick version",
                record.ogonblick_version.clone(),
            ),
        ],
    }
}

fn dedup<'a>(items: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for i in items {
        if !i.is_empty() && !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

/// The sammanfattning av innehållet of one page, in a few sentences.
pub(crate) fn summary_sv(page: &PageFacts) -> String {
    let s = &page.summary;
    let mut parts = Vec::new();
    let title = if s.title.trim().is_empty() {
        page.title.trim()
    } else {
        s.title.trim()
    };
    if title.is_empty() {
        parts.push("Sidan saknar titel.".to_string());
    } else {
        parts.push(format!(
            "Sidan har titeln \"{}\".",
            shorten(title, TITLE_MAX)
        ));
    }
    if let Some(d) = s.description.as_deref().filter(|d| !d.trim().is_empty()) {
        parts.push(format!(
            "Beskrivning: \"{}\".",
            shorten(d.trim().trim_end_matches('.'), TEXT_MAX)
        ));
    }
    if let Some(platform) = s.platform.as_deref().filter(|p| !p.is_empty()) {
        let known: Option<model::Platform> =
            serde_json::from_value(serde_json::Value::String(platform.to_ascii_lowercase())).ok();
        match known {
            Some(model::Platform::Blog) => parts.push("Sidan känns igen som en blogg.".into()),
            // "annan plattform" recognises nothing worth saying.
            Some(model::Platform::Other) => {}
            Some(p) => parts.push(format!(
                "Sidan känns igen som en sida på {}.",
                p.display_sv()
            )),
            None => parts.push(format!(
                "Sidan känns igen som en sida på {}.",
                shorten(platform, TITLE_MAX)
            )),
        }
    }
    // A date from the markup, or one read from the text shown (with what is known of it).
    let when = |markup: &Option<String>, read: &Option<model::DateRead>| {
        markup
            .as_deref()
            .map(sv::post_date)
            .or_else(|| read.as_ref().map(sv::date_read))
    };
    let newest = when(&s.newest_post, &s.newest_post_read);
    let oldest = when(&s.oldest_post, &s.oldest_post_read);
    match (s.posts_visible, newest, oldest) {
        (Some(n), newest, oldest) => {
            let mut t = format!("{n} inlägg syns i ögonblicksbilden");
            if let Some(newest) = newest {
                t.push_str(&format!(", det nyaste från {newest}"));
            }
            if let Some(oldest) = oldest {
                t.push_str(&format!(", det äldsta från {oldest}"));
            }
            parts.push(format!("{t}."));
        }
        (None, Some(newest), _) => {
            parts.push(format!("Det nyaste synliga inlägget är från {newest}."));
        }
        _ => {}
    }
    if let Some(f) = s.followers.as_deref().filter(|f| !f.is_empty()) {
        parts.push(format!("Sidan visar {} följare.", shorten(f, TITLE_MAX)));
    }
    if !s.headings.is_empty() {
        let shown: Vec<String> = s
            .headings
            .iter()
            .take(8)
            .map(|h| shorten(h.trim(), TITLE_MAX))
            .collect();
        let more = s.headings.len().saturating_sub(shown.len());
        let mut t = format!("Rubriker: {}", shown.join(" · "));
        if more > 0 {
            t.push_str(&format!(" (och {more} till)"));
        }
        parts.push(format!("{t}."));
    }
    parts.push(format!("Synlig text: {} ord.", sv::number(s.word_count)));
    parts.join(" ")
}

/// Who made the capture: the operator, else the organisation.
fn operator(record: &Record) -> String {
    let name = record.operator.trim();
    // "okänd" is what records made before `--operator` existed hold for "not known".
    if name.is_empty() || name == "okänd" {
        return match record
            .organisation
            .as_ref()
            .map(|o| neutralise(o.name.trim()))
            .filter(|n| !n.is_empty())
        {
            Some(org) => format!("{org} (ingen enskild person angavs)"),
            None => "uppgift saknas (ingen enskild person angavs)".to_string(),
        };
    }
    let contact = record
        .organisation
        .as_ref()
        .and_then(|o| o.contact.as_ref())
        .map(|c| c.name.trim());
    if contact == Some(name) {
        format!("{name} (kontakt enligt förteckningen)")
    } else {
        name.to_string()
    }
}

/// Every warning about one page, in Swedish: truncation, obstructions, the capture's notes.
fn page_warnings(page: &PageFacts) -> Vec<String> {
    let mut out = Vec::new();
    if page.truncated.is_some() {
        let because = match page.extent.stop_rule {
            Some(rule) => {
                let mut t = rule.display_sv().to_string();
                if let Some(c) = t.get_mut(..1) {
                    c.make_ascii_uppercase();
                }
                format!("{t}.")
            }
            None => "Skälet står i arkivhandlingens tekniska uppgifter.".to_string(),
        };
        out.push(format!(
            "Avkortad vid {} av {}. {because}",
            sv::px(page.captured_height),
            sv::px(page.full_height)
        ));
    }
    for o in &page.obstructions {
        out.push(match &o.finding {
            Some(f) => format!("Hinder – {}: {}.", o.kind.display_sv(), sv::finding(f)),
            None => format!(
                "Hinder – {}. Detaljerna står i arkivhandlingens tekniska uppgifter.",
                o.kind.display_sv()
            ),
        });
    }
    out.extend(page.notes.iter().map(sv::note));
    // Remarks recorded only as English lines (records made before notes were data).
    match page.warnings.len().saturating_sub(page.notes.len()) {
        0 => {}
        1 => out.push("Ytterligare en teknisk anmärkning från fångsten står i arkivhandlingens tekniska uppgifter.".into()),
        n => out.push(format!(
            "Ytterligare {n} tekniska anmärkningar från fångsten står i arkivhandlingens tekniska uppgifter."
        )),
    }
    out
}

/// Lay out the cover pages; `shot_pages[i]` is how many PDF pages page `i`'s screenshot takes.
pub(crate) fn pages(
    record: &Record,
    inputs: &[PageInput],
    shot_pages: &[usize],
    font: &mut CidFont,
    extras: crate::Extras,
) -> Vec<String> {
    // First pass with a guess for the number of cover pages, then again with the real number.
    let first = layout(record, inputs, shot_pages, 1, font, extras).len();
    let cover = layout(record, inputs, shot_pages, first, font, extras);
    if cover.len() == first {
        cover
    } else {
        layout(record, inputs, shot_pages, cover.len(), font, extras)
    }
}

fn layout(
    record: &Record,
    inputs: &[PageInput],
    shot_pages: &[usize],
    cover_pages: usize,
    font: &mut CidFont,
    extras: crate::Extras,
) -> Vec<String> {
    let mut c = Canvas::new(font, A4, 50.0);
    c.paragraph("Följeblad", BODY, 0.0);
    c.paragraph(
        &format!("Ögonblicksbild av {}", subject_name(record)),
        H1,
        0.0,
    );
    c.rule();
    record_fields(&mut c, record);
    seal_fields(&mut c, record);
    captured_pages(
        &mut c,
        record,
        &Placement::new(inputs, shot_pages, cover_pages),
    );
    declared_section(&mut c, record);
    summary_section(&mut c, record);
    warnings_section(&mut c, record);
    if let Some(changes) = extras.changes {
        crate::changes::section(&mut c, changes, BODY, H2);
    }
    checksums_section(&mut c, record);
    software_section(&mut c, record);
    let footer = format!("Följeblad för {}", record.record_id);
    c.finish(&footer)
}

/// The record's fields under the title: who, which account, which period,
/// what kind of record, when and by whom.
fn record_fields(c: &mut Canvas, record: &Record) {
    let (start, end) = times(record);
    let org = record.organisation.as_ref();
    let account = record.account.as_ref();
    c.field(
        "Organisation:",
        &or_missing(org.map(|o| o.name.as_str())),
        BODY,
        LABEL,
    );
    c.field(
        "Arkivbildare:",
        &or_missing(org.map(|o| o.archive_creator.as_str())),
        BODY,
        LABEL,
    );
    match account {
        Some(a) => {
            c.field("Konto:", &format!("{} (id {})", a.name, a.id), BODY, LABEL);
            c.field("Plattform:", a.platform.display_sv(), BODY, LABEL);
            c.field("Adress:", &shorten(&a.url, URL_MAX), BODY, LABEL);
            c.field("Verksamhet:", &or_missing(Some(&a.unit)), BODY, LABEL);
            c.field("Ansvarig nämnd:", &or_missing(Some(&a.board)), BODY, LABEL);
        }
        None => {
            c.field(
                "Konto:",
                "inget konto i förteckningen (manuell ögonblicksbild)",
                BODY,
                LABEL,
            );
            let url = record
                .pages
                .first()
                .map(|p| shorten(&p.requested_url, URL_MAX));
            c.field("Adress:", &or_missing(url.as_deref()), BODY, LABEL);
        }
    }
    c.field(
        "Period:",
        &or_missing(record.period.as_deref()),
        BODY,
        LABEL,
    );
    c.field("Typ:", record.kind.display_sv(), BODY, LABEL);
    c.field("Handlingstyp:", record.handling.display_sv(), BODY, LABEL);
    c.field("Id i arkivet:", &record.record_id, BODY, LABEL);
    c.field("Tagen (svensk tid):", &sv::span(start, end), BODY, LABEL);
    c.field("Tagen (UTC):", &sv::span_utc(start, end), BODY, LABEL);
    c.field("Utförd av:", &operator(record), BODY, LABEL);
    if let Some(reason) = record.reason.as_deref().filter(|r| !r.trim().is_empty()) {
        c.field("Anledning:", reason, BODY, LABEL);
    }
    if let Some(sender) = record.sender.as_deref().filter(|s| !s.trim().is_empty()) {
        c.field("Avsändare:", sender, BODY, LABEL);
    }
}

/// The registrar's field and the timestamp the seal asks for.
fn seal_fields(c: &mut Canvas, record: &Record) {
    let dnr = if record.diarienummer.trim().is_empty() {
        "______________________".to_string()
    } else {
        record.diarienummer.clone()
    };
    c.field("Diarienummer:", &dnr, BODY, LABEL);
    if !record.timestamp_authorities.is_empty() {
        // The cover is drawn before the record is sealed, so it names the
        // authorities asked; `ogonblick verify` says which tokens there are.
        c.field(
            "Tidsstämpel:",
            &format!(
                "betrodd tidsstämpel (RFC 3161) över arkivhandlingens förteckning över \
                 kontrollsummor, begärd vid förseglingen från {}; stämplarna förvaras \
                 tillsammans med arkivhandlingen (en stämpel som lades till senare \
                 förvaras i arkivet under arkivhandlingens id {})",
                record.timestamp_authorities.join(", "),
                record.record_id
            ),
            BODY,
            LABEL,
        );
    }
}

/// Where each captured page's screenshot lies in this document.
struct Placement<'a> {
    inputs: &'a [PageInput<'a>],
    /// How many PDF pages each input's screenshot takes.
    shot_pages: &'a [usize],
    /// The PDF page each input's screenshot starts on.
    starts: Vec<usize>,
}

impl<'a> Placement<'a> {
    /// Inputs are laid out in order after `cover_pages` cover pages.
    fn new(inputs: &'a [PageInput<'a>], shot_pages: &'a [usize], cover_pages: usize) -> Self {
        // Where each input's screenshot starts in the document (inputs are laid out in order).
        let starts: Vec<usize> = shot_pages
            .iter()
            .scan(cover_pages + 1, |next, &n| {
                let start = *next;
                *next += n;
                Some(start)
            })
            .collect();
        Placement {
            inputs,
            shot_pages,
            starts,
        }
    }

    /// The PDF pages of the `i`-th captured page's screenshot, in words.
    fn of(&self, i: usize, page: &PageFacts) -> String {
        // The input with this page's label, else the one in the same place.
        let k = self
            .inputs
            .iter()
            .position(|p| p.facts.label == page.label)
            .or((i < self.inputs.len()).then_some(i));
        let n = k.and_then(|k| self.shot_pages.get(k)).copied().unwrap_or(0);
        let next = k.and_then(|k| self.starts.get(k)).copied().unwrap_or(0);
        match n {
            0 => "ingen skärmbild".to_string(),
            1 => format!("PDF-sida {next}"),
            n => format!("PDF-sidorna {}–{} ({n} PDF-sidor)", next, next + n - 1),
        }
    }
}

/// *Fångade webbsidor*: each captured page's facts and where it lies in
/// this document.
fn captured_pages(c: &mut Canvas, record: &Record, placement: &Placement) {
    let loss = loss(record);
    // "Webbsida" is a captured web page, "PDF-sida" a page of this document.
    c.heading("Fångade webbsidor", H2);
    if record.pages.is_empty() {
        c.paragraph("Inga webbsidor fångades.", BODY, 0.0);
    }
    for (i, page) in record.pages.iter().enumerate() {
        page_fields(c, i, page, loss.as_deref());
        c.field("I detta dokument:", &placement.of(i, page), BODY, LABEL);
        c.space(3.0);
    }
}

/// Why the record may lack posts of the account's list, for "Fångad till:"
/// (`declared.rs` in capture): the account declares more than the record
/// holds, or the platform shows only the newest without a login and the list
/// did not reach the period's start.
fn loss(record: &Record) -> Option<String> {
    record
        .pages
        .iter()
        .filter_map(|p| p.extent.declared.as_ref())
        .find(|d| d.rest.is_some_and(model::DeclaredRest::is_loss))
        .map(|d| {
            format!(
                "kontot anger fler {} än arkivhandlingen innehåller (se Kontots {})",
                d.what.noun_sv(),
                d.what.noun_sv()
            )
        })
        .or_else(|| {
            record
                .pages
                .iter()
                .filter_map(|p| p.extent.without_login)
                .find(|w| !w.past_start)
                .map(|_| {
                    let platform = record.account.as_ref().map(|a| a.platform.display_sv());
                    format!(
                        "utan inloggning visar {} bara de senaste inläggen (se Kontots inlägg)",
                        platform.unwrap_or("plattformen")
                    )
                })
        })
}

/// One captured page's title, addresses, status, time, size and how far
/// it was captured; `loss` says why the record may lack posts of the
/// account's list.
fn page_fields(c: &mut Canvas, i: usize, page: &PageFacts, loss: Option<&str>) {
    let title = if page.title.trim().is_empty() {
        "(utan titel)".to_string()
    } else {
        shorten(page.title.trim(), TITLE_MAX)
    };
    c.paragraph(&format!("Webbsida {}. {}", i + 1, title), BODY, 0.0);
    c.field(
        "Begärd adress:",
        &shorten(&page.requested_url, URL_MAX),
        BODY,
        LABEL,
    );
    if page.final_url != page.requested_url {
        c.field(
            "Slutlig adress:",
            &shorten(&page.final_url, URL_MAX),
            BODY,
            LABEL,
        );
    }
    let status = page
        .http_status
        .map_or_else(|| "okänd".to_string(), |s| s.to_string());
    c.field("HTTP-status:", &status, BODY, LABEL);
    c.field(
        "Tagen:",
        &format!(
            "{} ({})",
            sv::moment(page.started),
            sv::moment_utc(page.started)
        ),
        BODY,
        LABEL,
    );
    c.field(
        "Storlek:",
        &format!(
            "fönster {} × {}, skala {}, sidhöjd {}, fångad höjd {}",
            page.viewport_width,
            sv::px(f64::from(page.viewport_height)),
            page.device_scale.to_string().replace('.', ","),
            sv::px(page.full_height),
            sv::px(page.captured_height)
        ),
        BODY,
        LABEL,
    );
    if let Some(rule) = page.extent.stop_rule {
        c.field("Fångad till:", &reached(page, rule, loss), BODY, LABEL);
    }
}

/// How far a page was captured: the rule that ended it, the period's start
/// and the oldest post reached.
fn reached(page: &PageFacts, rule: model::StopRule, loss: Option<&str>) -> String {
    let mut t = match (rule, loss) {
        // "Till slutet" only where nothing declared says there is more.
        (model::StopRule::PageEnd, Some(why)) => format!("sidans slut är nått, men {why}"),
        _ => rule.display_sv().to_string(),
    };
    if let Some(since) = page.extent.since {
        // "… tillbaka till periodens början" names it already.
        if rule == model::StopRule::PeriodStart {
            t.push_str(&format!(", {}", sv::date(since)));
        } else {
            t.push_str(&format!("; periodens början {}", sv::date(since)));
        }
    }
    if let Some(oldest) = page.extent.oldest_post_reached.as_deref() {
        t.push_str(&format!("; äldsta inlägg {}", sv::post_date(oldest)));
    } else if let Some(oldest) = &page.extent.oldest_post_reached_read {
        t.push_str(&format!("; äldsta inlägg {}", sv::date_read(oldest)));
    }
    t
}

/// *Kontots inlägg* (or followers …): what the account declares, from the
/// first page that read it.
fn declared_section(c: &mut Canvas, record: &Record) {
    if let Some((i, d)) = record
        .pages
        .iter()
        .enumerate()
        .find_map(|(i, p)| p.extent.declared.as_ref().map(|d| (i, d)))
    {
        c.heading(&format!("Kontots {}", d.what.noun_sv()), H2);
        let platform = record.account.as_ref().map(|a| a.platform.display_sv());
        let since = record.pages[i].extent.since;
        c.paragraph(&sv::declared(d, platform, i + 1, since), BODY, 0.0);
    } else if let Some((i, w)) = record
        .pages
        .iter()
        .enumerate()
        .find_map(|(i, p)| p.extent.without_login.map(|w| (i, w)))
    {
        c.heading("Kontots inlägg", H2);
        let platform = record.account.as_ref().map(|a| a.platform.display_sv());
        let since = record.pages[i].extent.since;
        c.paragraph(&sv::without_login(w, platform, i + 1, since), BODY, 0.0);
    }
}

/// *Sammanfattning av innehållet*: a few sentences per captured page.
fn summary_section(c: &mut Canvas, record: &Record) {
    c.heading("Sammanfattning av innehållet", H2);
    if record.pages.is_empty() {
        c.paragraph("Ingen sammanfattning: inga webbsidor fångades.", BODY, 0.0);
    }
    for (i, page) in record.pages.iter().enumerate() {
        c.paragraph(
            &format!("Webbsida {}. {}", i + 1, summary_sv(page)),
            BODY,
            0.0,
        );
        c.space(2.0);
    }
}

/// *Varningar*: a late capture, then every page's warnings.
fn warnings_section(c: &mut Canvas, record: &Record) {
    c.heading("Varningar", H2);
    let mut warnings = Vec::new();
    if record.late {
        warnings.push(
            "Ögonblicksbilden togs mer än 14 dagar efter halvårsskiftet (sen, inte bakåtdaterad)."
                .to_string(),
        );
    }
    for (i, page) in record.pages.iter().enumerate() {
        warnings.extend(
            page_warnings(page)
                .into_iter()
                .map(|w| format!("Webbsida {}: {w}", i + 1)),
        );
    }
    if warnings.is_empty() {
        c.paragraph("Inga varningar.", BODY, 0.0);
    }
    for w in &warnings {
        c.paragraph(&format!("• {}", shorten(w, TEXT_MAX)), BODY, 0.0);
    }
}

/// The raw files and their SHA-256 sums.
fn checksums_section(c: &mut Canvas, record: &Record) {
    c.heading("Kontrollsummor (SHA-256) för råfilerna", H2);
    if record.files.is_empty() {
        c.paragraph("Inga råfiler.", BODY, 0.0);
    }
    for (file, sum) in &record.files {
        c.ensure(SMALL * 1.3 * 2.0);
        c.paragraph(file, SMALL, 0.0);
        c.paragraph(sum, SMALL, 12.0);
    }
}

/// *Programvara*: ogonblick's version, the browsers and their user agents.
fn software_section(c: &mut Canvas, record: &Record) {
    c.heading("Programvara", H2);
    c.field(
        "Verktyg:",
        &format!("ogonblick {}", record.ogonblick_version),
        BODY,
        LABEL,
    );
    for b in dedup(record.pages.iter().map(|p| p.browser_version.as_str())) {
        c.field("Webbläsare:", b, BODY, LABEL);
    }
    for ua in dedup(record.pages.iter().map(|p| p.user_agent.as_str())) {
        c.field("Användaragent:", ua, SMALL, LABEL);
    }
}
