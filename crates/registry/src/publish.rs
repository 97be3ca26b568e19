//! The published förteckning över sociala medier as one self-contained HTML page:
//! Swedish, accessible (`lang`, headings, a captioned table with header
//! scopes), inline CSS, no scripts, no external resources, everything escaped.

use chrono::NaiveDate;
use model::{Account, Contact};

use crate::Register;

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a URL, an e-mail address or a record id for HTML and lets it break
/// after `/`, `@`, `.`, `?` and `&` (`<wbr>`), so a line ends between its
/// parts, never inside a word of it.
pub fn breakable(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        out.push_str(&escape(&c.to_string()));
        let next = chars.get(i + 1).copied();
        if matches!(c, '/' | '@' | '.' | '?' | '&') && next.is_some_and(|n| n != '/') {
            out.push_str("<wbr>");
        }
    }
    out
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn contact(c: &Contact) -> String {
    let mut s = escape(&c.name);
    if let Some(e) = &c.email {
        s.push_str(&format!(
            "<br><a class=\"u\" href=\"mailto:{}\">{}</a>",
            escape(e),
            breakable(e)
        ));
    }
    if let Some(p) = &c.phone {
        s.push_str(&format!("<br>{}", escape(p)));
    }
    s
}

/// Column headings, in order; on a narrow screen each cell shows its heading
/// itself (`data-label`), because the table becomes a list of cards.
const COLUMNS: [&str; 8] = [
    "Plattform",
    "Konto",
    "Ansvarig verksamhet och nämnd",
    "Syfte",
    "Målgrupp",
    "Kontakt",
    "Startat",
    "Avslutat",
];

/// Wide screens: a table whose columns are as wide as their longest word
/// (words never break inside; URLs and addresses break after `/`, `@` and
/// `.`, and only a part of one longer than its column breaks inside). Under
/// 600 px every row is a card whose cells carry their heading, and a word
/// as long as the whole card (40 letters or more) gets Swedish hyphenation.
/// Print: black on white, A4 landscape, rows not split, headings repeated on
/// every page.
const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2rem;color:#1a1a1a;background:#fff;line-height:1.45;overflow-wrap:break-word}\
h1{font-size:1.6rem;margin:0 0 .3rem}p.meta{color:#444;margin:.2rem 0 1.2rem}\
table{border-collapse:collapse;width:100%;font-size:.92rem}caption{text-align:left;font-weight:600;font-size:1.1rem;padding:.4rem 0}\
th,td{border:1px solid #999;padding:.45rem .5rem;vertical-align:top;text-align:left;overflow-wrap:break-word;hyphens:manual}thead th{background:#e8eef4}\
tbody th{font-weight:600}td.d{white-space:nowrap}a{color:#0b4f8a}a:focus{outline:3px solid #f5a623}a.u{overflow-wrap:anywhere}\
p.data{margin-top:1.5rem}\
@media (max-width:600px){body{margin:1rem}h1{font-size:1.3rem}\
table,tbody,tr,th,td{display:block;width:auto}caption{display:block}\
thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap}\
tr{border:1px solid #999;border-radius:4px;margin:0 0 1rem;padding:.3rem .6rem}\
tbody th,td{border:0;padding:.25rem 0}tbody th{font-size:1rem;border-bottom:1px solid #ccc;padding-bottom:.4rem}\
td.d{white-space:normal}td::before{content:attr(data-label) \": \";font-weight:600}\
th,td,p{hyphens:auto;hyphenate-limit-chars:40 14 14}a.u{hyphens:manual}}\
@media print{@page{size:A4 landscape;margin:1.5cm}body{margin:0;font-size:10pt;color:#000}\
a{color:#000;text-decoration:none}thead th{background:none}thead{display:table-header-group}\
tr{break-inside:avoid}p.data{display:none}}";

fn rows(accounts: &[&Account]) -> String {
    let mut s = String::new();
    for a in accounts {
        let mut links = format!(
            "<a class=\"u\" href=\"{}\">{}</a>",
            escape(&a.url),
            breakable(&a.url)
        );
        for e in &a.extra_pages {
            links.push_str(&format!(
                "<br><a class=\"u\" href=\"{}\">{}</a>",
                escape(e),
                breakable(e)
            ));
        }
        let mut contacts = format!("Ansvarig: {}", contact(&a.responsible));
        if let Some(d) = &a.deputy {
            contacts.push_str(&format!("<br>Ersättare: {}", contact(d)));
        }
        s.push_str(&format!(
            "<tr><td data-label=\"{}\">{}</td><th scope=\"row\">{}<br>{}</th><td data-label=\"{}\">{}<br>{}</td><td data-label=\"{}\">{}</td><td data-label=\"{}\">{}</td><td data-label=\"{}\">{}</td><td class=\"d\" data-label=\"{}\">{}</td><td class=\"d\" data-label=\"{}\">{}</td></tr>\n",
            COLUMNS[0],
            escape(a.platform.display_sv()),
            escape(&a.name),
            links,
            COLUMNS[2],
            escape(&a.unit),
            escape(&a.board),
            COLUMNS[3],
            escape(&a.purpose),
            COLUMNS[4],
            escape(&a.audience),
            COLUMNS[5],
            contacts,
            COLUMNS[6],
            date(a.opened),
            COLUMNS[7],
            a.closed.map(date).unwrap_or_else(|| "–".into()),
        ));
    }
    s
}

fn table(caption: &str, accounts: &[&Account]) -> String {
    let heads: String = COLUMNS
        .iter()
        .map(|c| format!("<th scope=\"col\">{c}</th>"))
        .collect();
    format!(
        "<table>\n<caption>{}</caption>\n<thead><tr>{heads}</tr></thead>\n<tbody>\n{}</tbody>\n</table>\n",
        escape(caption),
        rows(accounts)
    )
}

/// Renders the register as a Swedish, accessible, self-contained HTML page.
/// Accounts open on `generated` come first; closed ones follow in their own table.
pub fn forteckning_html(register: &Register, generated: NaiveDate) -> String {
    forteckning_page(register, generated, None)
}

/// [`forteckning_html`], with a paragraph linking to the open data published
/// beside it as `<stem>.csv` and `<stem>.json` when `open_data` names the stem.
pub fn forteckning_page(
    register: &Register,
    generated: NaiveDate,
    open_data: Option<&str>,
) -> String {
    let org = &register.organisation;
    let open: Vec<&Account> = register
        .accounts
        .iter()
        .filter(|a| a.closed.is_none_or(|c| c > generated))
        .collect();
    let closed: Vec<&Account> = register
        .accounts
        .iter()
        .filter(|a| a.closed.is_some_and(|c| c <= generated))
        .collect();
    let title = format!("Förteckning över sociala medier – {}", org.name);
    let mut body = String::new();
    body.push_str(&format!("<header>\n<h1>{}</h1>\n", escape(&title)));
    body.push_str(&format!(
        "<p class=\"meta\">Officiella konton i sociala medier som {} ansvarar för. Arkivbildare: {}. Uppdaterad {}.</p>\n</header>\n<main>\n",
        escape(&org.name),
        escape(&org.archive_creator),
        date(generated)
    ));
    body.push_str("<h2>Aktiva konton</h2>\n");
    if open.is_empty() {
        body.push_str("<p>Inga aktiva konton.</p>\n");
    } else {
        body.push_str(&table(
            &format!("Aktiva konton ({} st.)", open.len()),
            &open,
        ));
    }
    if !closed.is_empty() {
        body.push_str("<h2>Avslutade konton</h2>\n");
        body.push_str(&table(
            &format!("Avslutade konton ({} st.)", closed.len()),
            &closed,
        ));
    }
    if let Some(stem) = open_data {
        let stem = escape(stem);
        body.push_str(&format!(
            "<p class=\"data\">Förteckningen som öppna data: <a href=\"{stem}.csv\">{stem}.csv</a> (CSV, semikolonavgränsad, UTF-8) och <a href=\"{stem}.json\">{stem}.json</a> (JSON).</p>\n"
        ));
    }
    body.push_str("</main>\n<footer>\n");
    let mut foot = String::from("<p>Inlägg och kommentarer på kontona är allmänna handlingar. Ögonblicksbilder av kontona bevaras i kommunens arkiv.");
    if let Some(c) = &org.contact {
        foot.push_str(&format!(" Frågor: {}.", contact(c)));
    }
    if let Some(w) = &org.website {
        foot.push_str(&format!(
            " <a class=\"u\" href=\"{}\">{}</a>",
            escape(w),
            breakable(w)
        ));
    }
    foot.push_str("</p>\n");
    body.push_str(&foot);
    body.push_str("</footer>\n");
    format!(
        "<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape(&title)
    )
}

/// The open-data columns of `forteckning.csv` and the keys of each account in
/// `forteckning.json`, in order; README.md documents each one.
pub const OPEN_DATA_COLUMNS: [&str; 20] = [
    "konto_id",
    "plattform",
    "plattform_namn",
    "kontonamn",
    "url",
    "extra_sidor",
    "verksamhet",
    "namnd",
    "syfte",
    "malgrupp",
    "ansvarig_namn",
    "ansvarig_epost",
    "ansvarig_telefon",
    "ersattare_namn",
    "ersattare_epost",
    "ersattare_telefon",
    "startat",
    "avslutat",
    "status",
    "bevarande",
];

/// One account as open data: the same facts the page shows, as plain strings
/// (empty when absent), keyed by [`OPEN_DATA_COLUMNS`].
fn open_data_row(a: &Account, generated: NaiveDate) -> [String; 20] {
    let part = |c: Option<&Contact>, f: fn(&Contact) -> Option<&String>| {
        c.and_then(f).cloned().unwrap_or_default()
    };
    let platform = serde_json::to_value(a.platform)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let retention = serde_json::to_value(a.retention)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let closed = a.closed.is_some_and(|c| c <= generated);
    [
        a.id.clone(),
        platform,
        a.platform.display_sv().to_string(),
        a.name.clone(),
        a.url.clone(),
        a.extra_pages.join(" "),
        a.unit.clone(),
        a.board.clone(),
        a.purpose.clone(),
        a.audience.clone(),
        a.responsible.name.clone(),
        part(Some(&a.responsible), |c| c.email.as_ref()),
        part(Some(&a.responsible), |c| c.phone.as_ref()),
        a.deputy
            .as_ref()
            .map(|d| d.name.clone())
            .unwrap_or_default(),
        part(a.deputy.as_ref(), |c| c.email.as_ref()),
        part(a.deputy.as_ref(), |c| c.phone.as_ref()),
        date(a.opened),
        a.closed.map(date).unwrap_or_default(),
        if closed { "avslutat" } else { "aktivt" }.to_string(),
        retention,
    ]
}

/// The register as open data in CSV, one row per account in register order:
/// UTF-8 with BOM, `;`-separated, CRLF, RFC 4180 quoting (as the delivery's
/// `forteckning.csv`, so a Swedish Excel opens both).
pub fn forteckning_csv(register: &Register, generated: NaiveDate) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&OPEN_DATA_COLUMNS.join(";"));
    out.push_str("\r\n");
    for a in &register.accounts {
        let row = open_data_row(a, generated);
        let fields: Vec<String> = row.iter().map(|f| crate::delivery::csv_field(f)).collect();
        out.push_str(&fields.join(";"));
        out.push_str("\r\n");
    }
    out
}

/// The register as open data in JSON: the organisation, the date, and one
/// object per account with the keys of [`OPEN_DATA_COLUMNS`] (same values as
/// the CSV; `extra_sidor` is a list here).
pub fn forteckning_json(register: &Register, generated: NaiveDate) -> String {
    let org = &register.organisation;
    let accounts: Vec<serde_json::Value> = register
        .accounts
        .iter()
        .map(|a| {
            let row = open_data_row(a, generated);
            let mut obj = serde_json::Map::new();
            for (k, v) in OPEN_DATA_COLUMNS.iter().zip(row) {
                obj.insert((*k).to_string(), serde_json::Value::String(v));
            }
            obj.insert("extra_sidor".into(), serde_json::json!(a.extra_pages));
            serde_json::Value::Object(obj)
        })
        .collect();
    let doc = serde_json::json!({
        "organisation": org.name,
        "arkivbildare": org.archive_creator,
        "webbplats": org.website.clone().unwrap_or_default(),
        "uppdaterad": date(generated),
        "kolumner": OPEN_DATA_COLUMNS,
        "konton": accounts,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes() {
        assert_eq!(
            escape("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
    }
}
