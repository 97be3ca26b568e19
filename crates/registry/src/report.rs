//! The archive overview for people (`ogonblick report`): one static Swedish
//! HTML page with every period, record, its warnings in red, links to each
//! snapshot PDF and its cover page, and the journal's latest events. Inline
//! CSS, no scripts, no external resources, so it opens from a file share.

use chrono::{DateTime, Utc};
use chrono_tz::Europe::Stockholm;
use model::{Record, RecordKind};

use crate::failure_sv::failure_sv;
use crate::journal::{Event, JournalEntry};
use crate::publish::{breakable, escape};
use crate::status::{timestamp_tokens, ArchiveView};

/// How many of the journal's latest events the page shows.
pub const LATEST_EVENTS: usize = 25;

/// Table on wide screens, cards under 600 px, red warnings (with the word
/// "Varning" too, never colour alone), a print stylesheet. Words never break
/// inside, as in the förteckning (see `publish::CSS`): columns are as wide as
/// their longest word, record ids and paths break after `/`, and only on a
/// phone does a word as long as the card (40 letters or more) get hyphenated.
const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2rem;color:#1a1a1a;background:#fff;line-height:1.45;overflow-wrap:break-word}\
h1{font-size:1.6rem;margin:0 0 .3rem}p.meta{color:#444;margin:.2rem 0 1.2rem}\
table{border-collapse:collapse;width:100%;font-size:.92rem;margin-bottom:1.5rem}caption{text-align:left;font-weight:600;font-size:1.05rem;padding:.4rem 0}\
th,td{border:1px solid #999;padding:.45rem .5rem;vertical-align:top;text-align:left;overflow-wrap:break-word;hyphens:manual}thead th{background:#e8eef4}\
tbody th{font-weight:600}a{color:#0b4f8a}a:focus{outline:3px solid #f5a623}\
.varning{color:#b00020;font-weight:600}ul.varningar{margin:0;padding-left:1.1rem}tr.behover td,tr.behover th{background:#fdecee}\
dl.summa{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dl.summa dt{font-weight:600}dl.summa dd{margin:0}\
@media (max-width:600px){body{margin:1rem}h1{font-size:1.3rem}\
table,tbody,tr,th,td{display:block;width:auto}caption{display:block}\
thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap}\
tr{border:1px solid #999;border-radius:4px;margin:0 0 1rem;padding:.3rem .6rem}\
tbody th,td{border:0;padding:.25rem 0}tbody th{font-size:1rem;border-bottom:1px solid #ccc;padding-bottom:.4rem}\
td::before{content:attr(data-label) \": \";font-weight:600}dl.summa{grid-template-columns:1fr}\
th,td,p,li{hyphens:auto;hyphenate-limit-chars:40 14 14}}\
@media print{@page{size:A4 landscape;margin:1.5cm}body{margin:0;font-size:10pt;color:#000}\
a{color:#000}thead th{background:none}thead{display:table-header-group}tr{break-inside:avoid}\
tr.behover td,tr.behover th{background:none}.varning{color:#000}}";

fn stockholm(t: DateTime<Utc>) -> String {
    t.with_timezone(&Stockholm)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn td(label: &str, inner: &str) -> String {
    format!("<td data-label=\"{label}\">{inner}</td>")
}

fn head(columns: &[&str]) -> String {
    let cells: String = columns
        .iter()
        .map(|c| format!("<th scope=\"col\">{c}</th>"))
        .collect();
    format!("<thead><tr>{cells}</tr></thead>\n")
}

/// Warnings about a record, in Swedish: late, truncated pages, obstructions,
/// and how many of the capture's technical remarks the cover page holds.
/// "Webbsida n" is the n-th captured web page, never a PDF page.
pub fn warnings_sv(record: &Record) -> Vec<String> {
    let mut out = Vec::new();
    if record.late {
        out.push("Tagen mer än 14 dagar efter halvårsskiftet (sen, inte bakåtdaterad).".into());
    }
    for (i, page) in record.pages.iter().enumerate() {
        let n = i + 1;
        if page.truncated.is_some() {
            out.push(format!(
                "Webbsida {n}: avkortad vid {:.0} av {:.0} px.",
                page.captured_height, page.full_height
            ));
        }
        for o in &page.obstructions {
            out.push(format!("Webbsida {n}: hinder – {}.", o.kind.display_sv()));
        }
        match page.warnings.len() {
            0 => {}
            1 => out.push(format!(
                "Webbsida {n}: en teknisk anmärkning från fångsten (se följebladet)."
            )),
            k => out.push(format!(
                "Webbsida {n}: {k} tekniska anmärkningar från fångsten (se följebladet)."
            )),
        }
    }
    out
}

/// Whether a record needs a human: obstructed or incomplete.
fn flagged(record: &Record) -> bool {
    record.obstructions().next().is_some()
}

fn warning_list(items: &[String]) -> String {
    if items.is_empty() {
        return "Inga".into();
    }
    let lis: String = items
        .iter()
        .map(|w| {
            format!(
                "<li><span class=\"varning\">Varning:</span> {}</li>",
                escape(w)
            )
        })
        .collect();
    format!("<ul class=\"varningar\">{lis}</ul>")
}

/// One table of records; `link` is the relative URL prefix of the archive.
fn records_table(
    caption: &str,
    records: &[&(Record, std::path::PathBuf)],
    view: &ArchiveView,
    link: &str,
) -> String {
    let mut s = format!(
        "<table>\n<caption>{}</caption>\n{}<tbody>\n",
        escape(caption),
        head(&[
            "Konto",
            "Slag",
            "Tagen (svensk tid)",
            "Fångade webbsidor",
            "Diarienummer",
            "Tidsstämplar",
            "Status",
            "Varningar",
            "Handlingar",
        ])
    );
    for (record, dir) in records {
        let account = record
            .account
            .as_ref()
            .map(|a| format!("{} ({})", a.name, a.platform.display_sv()))
            .unwrap_or_else(|| {
                record
                    .pages
                    .first()
                    .map(|p| p.requested_url.clone())
                    .unwrap_or_default()
            });
        let warnings = warnings_sv(record);
        let is_flagged = flagged(record);
        let status = if is_flagged {
            "<span class=\"varning\">Flaggad – behöver granskas</span>".to_string()
        } else {
            "Förseglad".to_string()
        };
        let dnr = view
            .diarienummer(&record.record_id)
            .map(|d| escape(&d))
            .unwrap_or_else(|| "Ej tilldelat".into());
        let stamps = match timestamp_tokens(dir).len() {
            0 => "Inga".to_string(),
            n => format!("{n} st."),
        };
        let href = format!("{link}{}/snapshot.pdf", escape(&record.record_id));
        let docs = format!(
            "<a href=\"{href}\">Ögonblicksbild (PDF/A) för {id}</a><br><a href=\"{href}#page=1\">Följeblad för {id}</a>",
            id = breakable(&record.record_id)
        );
        s.push_str(&format!(
            "<tr{}><th scope=\"row\">{}</th>{}{}{}{}{}{}{}{}</tr>\n",
            if is_flagged { " class=\"behover\"" } else { "" },
            escape(&account),
            td("Slag", escape(record.kind.display_sv()).as_str()),
            td(
                "Tagen (svensk tid)",
                &record
                    .captured_at()
                    .map(stockholm)
                    .unwrap_or_else(|| "–".into())
            ),
            td("Fångade webbsidor", &record.pages.len().to_string()),
            td("Diarienummer", &dnr),
            td("Tidsstämplar", &stamps),
            td("Status", &status),
            td("Varningar", &warning_list(&warnings)),
            td("Handlingar", &docs),
        ));
    }
    s.push_str("</tbody>\n</table>\n");
    s
}

/// Whether a `verify.run` found nothing wrong.
fn check_passed(e: &crate::JournalEntry) -> bool {
    e.field("result") == Some("ok")
}

/// A `verify.run`'s verdict and counts, in Swedish.
fn check_counts(e: &crate::JournalEntry) -> String {
    let n = |k: &str| {
        e.fields
            .get(k)
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0)
    };
    if check_passed(e) {
        format!(
            "Utan anmärkning: {} ögonblicksbilder, {} filer kontrollerade",
            n("records"),
            n("files_ok")
        )
    } else {
        format!(
            "Fel hittade: {} ändrade, {} saknade och {} oväntade filer, {} problem ({} filer utan fel)",
            n("files_changed"),
            n("files_missing"),
            n("files_unexpected"),
            n("problems"),
            n("files_ok")
        )
    }
}

/// The newest `verify.run`, for the summary: failed ones stand out.
fn last_check(view: &ArchiveView) -> String {
    match view
        .journal
        .iter()
        .rev()
        .find(|e| e.event == Event::VERIFY_RUN)
    {
        None => "Ingen kontroll körd".into(),
        Some(e) if check_passed(e) => {
            format!("{} – {}", stockholm(e.at), escape(&check_counts(e)))
        }
        Some(e) => format!(
            "<span class=\"varning\">Varning: {} – {}</span>",
            stockholm(e.at),
            escape(&check_counts(e))
        ),
    }
}

/// Escapes `text` and lets the URLs in it break after `/` (see [`breakable`]).
fn breakable_urls(text: &str) -> String {
    text.split(' ')
        .map(|w| {
            if w.contains("://") {
                breakable(w)
            } else {
                escape(w)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn event_sv(event: &str) -> &str {
    match event {
        Event::RECORD_SEALED => "Ögonblicksbild förseglad",
        Event::RECORD_FAILED => "Fångst misslyckades",
        Event::ACCOUNT_CLOSED => "Konto avslutat",
        Event::DNR_ASSIGNED => "Diarienummer tilldelat",
        Event::DELIVERY_CREATED => "Leverans skapad",
        Event::VERIFY_RUN => "Kontroll körd",
        Event::TIMESTAMP_ADDED => "Tidsstämpel tillagd",
        Event::TIMESTAMP_MISSING => "Tidsstämpel saknas",
        Event::CHANGES_FOUND => "Förändringar sedan föregående ögonblicksbild",
        Event::EXTRACT_CREATED => "Utdrag skapat",
        Event::WACZ_CREATED => "Webbarkiv (WACZ) utlämnat",
        Event::PREFLIGHT_RUN => "Förhandskontroll körd",
        other => other,
    }
}

/// Renders the overview. `link` is the archive's location relative to the
/// page (`../arkiv/`), so the links work from a file share.
pub fn report_html(view: &ArchiveView, generated: DateTime<Utc>, link: &str) -> String {
    let org = view
        .records
        .iter()
        .rev()
        .find_map(|(r, _)| r.organisation.as_ref());
    let title = match org {
        Some(o) => format!("Arkivöversikt – {}", o.name),
        None => "Arkivöversikt – ögonblicksbilder av sociala medier".to_string(),
    };
    let mut body = format!("<header>\n<h1>{}</h1>\n", escape(&title));
    body.push_str(&format!(
        "<p class=\"meta\">Ögonblicksbilder av kommunens konton i sociala medier. Sammanställd {} (svensk tid) ur arkivet.</p>\n</header>\n<main>\n",
        stockholm(generated)
    ));

    let failures: Vec<_> = view
        .journal
        .iter()
        .filter(|e| e.event == Event::RECORD_FAILED)
        .filter(|e| {
            e.field("record_id")
                .is_some_and(|id| view.record(id).is_none())
        })
        .collect();
    body.push_str(&summary_section(view, failures.len()));
    body.push_str(&preflight_section(view));

    body.push_str(&failures_section(&failures));

    body.push_str(&records_sections(view, link));

    body.push_str(&journal_section(view));
    body.push_str("</main>\n<footer>\n<p>Sidan skapades av ogonblick. Ögonblicksbilderna är allmänna handlingar. Kontrollera dem med <code>ogonblick verify</code>, eller mot kontrollsummorna som varje ögonblicksbild har i sin <code>manifest-sha256.txt</code>.</p>\n</footer>\n");
    format!(
        "<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape(&title)
    )
}

/// *Sammanfattning*: periods, records, flagged ones, `failures` without a
/// record, journal events, the latest check and the chain.
fn summary_section(view: &ArchiveView, failures: usize) -> String {
    let mut body = String::new();
    let flagged_count = view.records.iter().filter(|(r, _)| flagged(r)).count();
    body.push_str("<h2>Sammanfattning</h2>\n<dl class=\"summa\">\n");
    let mut summary = vec![
        ("Perioder", view.periods().len().to_string()),
        (
            "Förseglade ögonblicksbilder",
            view.records.len().to_string(),
        ),
        (
            "Flaggade (behöver granskas)",
            if flagged_count > 0 {
                format!("<span class=\"varning\">{flagged_count}</span>")
            } else {
                "0".into()
            },
        ),
        (
            "Misslyckade fångster utan ögonblicksbild",
            if failures == 0 {
                "0".into()
            } else {
                format!("<span class=\"varning\">{failures}</span>")
            },
        ),
        ("Händelser i journalen", view.journal.len().to_string()),
    ];
    summary.push(("Senaste kontroll", last_check(view)));
    summary.push((
        "Journalens kedja",
        if view.chain_problems.is_empty() {
            "Obruten".into()
        } else {
            format!(
                "<span class=\"varning\">Varning: bruten på {} ställen – kör ogonblick verify</span>",
                view.chain_problems.len()
            )
        },
    ));
    for (k, v) in summary {
        body.push_str(&format!("<dt>{k}</dt><dd>{v}</dd>\n"));
    }
    body.push_str("</dl>\n");
    body
}

/// *Misslyckade fångster*: captures that failed and still have no record.
fn failures_section(failures: &[&JournalEntry]) -> String {
    let mut body = String::new();
    if !failures.is_empty() {
        body.push_str("<h2>Misslyckade fångster</h2>\n<table>\n<caption>Fångster som misslyckades och ännu saknar ögonblicksbild</caption>\n");
        body.push_str(&head(&["Post", "Tid (svensk tid)", "Orsak"]));
        body.push_str("<tbody>\n");
        for e in failures {
            body.push_str(&format!(
                "<tr class=\"behover\"><th scope=\"row\">{}</th>{}{}</tr>\n",
                breakable(e.field("record_id").unwrap_or("")),
                td("Tid (svensk tid)", &stockholm(e.at)),
                td(
                    "Orsak",
                    &format!(
                        "<span class=\"varning\">Varning:</span> {}",
                        breakable_urls(
                            &e.field("reason")
                                .map_or_else(|| "Orsaken är okänd.".to_string(), failure_sv)
                        )
                    )
                ),
            ));
        }
        body.push_str("</tbody>\n</table>\n");
    }
    body
}

/// One table of half-year records per period, then the other records.
fn records_sections(view: &ArchiveView, link: &str) -> String {
    let mut body = String::new();
    for period in view.periods() {
        let id = period.to_string();
        let records: Vec<_> = view
            .records
            .iter()
            .filter(|(r, _)| {
                r.period.as_deref() == Some(id.as_str()) && r.kind == RecordKind::Halvar
            })
            .collect();
        body.push_str(&format!(
            "<h2>Period {}</h2>\n",
            escape(&period.display_sv())
        ));
        if records.is_empty() {
            body.push_str("<p>Inga förseglade ögonblicksbilder för perioden.</p>\n");
        } else {
            body.push_str(&records_table(
                &format!(
                    "Halvårsögonblicksbilder {} ({} st.)",
                    period.display_sv(),
                    records.len()
                ),
                &records,
                view,
                link,
            ));
        }
    }
    let others: Vec<_> = view
        .records
        .iter()
        .filter(|(r, _)| r.kind != RecordKind::Halvar)
        .collect();
    if !others.is_empty() {
        body.push_str("<h2>Bevis och andra ögonblicksbilder</h2>\n");
        body.push_str(&records_table(
            &format!(
                "Bevis, slutliga och manuella ögonblicksbilder ({} st.)",
                others.len()
            ),
            &others,
            view,
            link,
        ));
    }
    body
}

/// *Senaste händelserna i journalen*, newest first.
fn journal_section(view: &ArchiveView) -> String {
    let mut body = String::new();
    body.push_str("<h2>Senaste händelserna i journalen</h2>\n");
    if view.journal.is_empty() {
        body.push_str("<p>Journalen är tom.</p>\n");
    } else {
        body.push_str(&format!(
            "<table>\n<caption>De {} senaste händelserna, nyast först</caption>\n",
            view.journal.len().min(LATEST_EVENTS)
        ));
        body.push_str(&head(&[
            "Nr",
            "Tid (svensk tid)",
            "Händelse",
            "Post",
            "Uppgift",
        ]));
        body.push_str("<tbody>\n");
        for e in view.journal.iter().rev().take(LATEST_EVENTS) {
            let check = (e.event == Event::VERIFY_RUN).then(|| check_counts(e));
            let red = e.event == Event::RECORD_FAILED || (check.is_some() && !check_passed(e));
            let detail = match (
                check,
                e.field("diarienummer"),
                e.field("reason"),
                e.field("out"),
            ) {
                (Some(c), _, _, _) => escape(&c),
                (None, Some(d), _, _) => escape(d),
                (None, None, Some(r), _) if red => breakable_urls(&failure_sv(r)),
                (None, None, Some(r), _) => breakable_urls(r),
                // Where a delivery or an excerpt was written: for the archivist.
                (None, None, None, Some(out)) => breakable(out),
                _ => String::new(),
            };
            body.push_str(&format!(
                "<tr{}><th scope=\"row\">{}</th>{}{}{}{}</tr>\n",
                if red { " class=\"behover\"" } else { "" },
                e.seq,
                td("Tid (svensk tid)", &stockholm(e.at)),
                td("Händelse", &escape(event_sv(&e.event))),
                td(
                    "Post",
                    &breakable(
                        e.field("record_id")
                            .or_else(|| e.field("account"))
                            .unwrap_or("–")
                    )
                ),
                td(
                    "Uppgift",
                    &if red {
                        format!("<span class=\"varning\">Varning:</span> {detail}")
                    } else {
                        detail
                    }
                ),
            ));
        }
        body.push_str("</tbody>\n</table>\n");
    }
    body
}

/// The latest `preflight.run`: whether the next run needs nobody, and when
/// each account's cookies expire.
fn preflight_section(view: &ArchiveView) -> String {
    let Some(p) = crate::status::last_preflight(view) else {
        return String::new();
    };
    let verdict = if p.result == "ok" {
        "nästa körning behöver ingen åtgärd.".to_string()
    } else {
        format!(
            "<span class=\"varning\">Varning:</span> nästa körning behöver åtgärd ({} st.).",
            p.problems.len()
        )
    };
    let mut s = format!(
        "<h2>Senaste förhandskontroll</h2>\n<p>{} (svensk tid): {verdict}</p>\n<table>\n<caption>Konton inför halvårsskiftet {}</caption>\n",
        stockholm(p.at),
        escape(&p.boundary)
    );
    s.push_str(&head(&["Konto", "Kan fångas helt", "Kakorna går ut"]));
    s.push_str("<tbody>\n");
    for a in &p.accounts {
        let state = if a.ok {
            "Ja".to_string()
        } else {
            let why: Vec<&str> = a.issues.iter().map(|i| issue_sv(i)).collect();
            format!(
                "<span class=\"varning\">Nej:</span> {}",
                escape(&why.join(", "))
            )
        };
        s.push_str(&format!(
            "<tr><th scope=\"row\">{}</th>{}{}</tr>\n",
            escape(&a.account),
            td("Kan fångas helt", &state),
            td(
                "Kakorna går ut",
                &escape(a.cookies_expire.as_deref().unwrap_or("–"))
            ),
        ));
    }
    s.push_str("</tbody>\n</table>\n");
    s
}

/// A preflight issue code in Swedish.
fn issue_sv(code: &str) -> &str {
    match code {
        "unreachable" => "sidan nås inte",
        "error-page" => "felsida",
        "login-wall" => "inloggningsvägg",
        "needs-cookies" => "behöver inloggningskakor",
        "consent-wall" => "samtyckesruta",
        "obstructed" => "annat hinder på sidan",
        "cookies-expired" => "kakorna har gått ut",
        "cookies-expire-soon" => "kakorna går ut före fångstfönstrets slut",
        "unchecked" => "inte kontrollerat: webbläsaren startade inte",
        other => other,
    }
}
