//! Flowing Swedish text onto A4 pages: wrapping, headings, label–value fields, tables.
//!
//! Text is drawn in the DejaVu Sans [`CidFont`]; every line is measured with
//! the font's real advance widths, so nothing runs past the margin. Words too
//! long for a line break after a `/` (URLs, paths, record ids), else between
//! characters (SHA-256 sums).

use crate::font::{dejavu, printable, CidFont};

/// A4 in points.
pub(crate) const A4: (f64, f64) = (595.28, 841.89);

pub(crate) use crate::num::num;

/// Break `text` into lines no wider than `width` at `size` points.
pub(crate) fn wrap(text: &str, size: f64, width: f64) -> Vec<String> {
    let face = dejavu();
    let fits = |s: &str| face.width(s.trim_end(), size) <= width;
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let para: String = para
            .chars()
            .map(|c| if c == '\t' { ' ' } else { c })
            .filter(|&c| printable(c))
            .collect();
        let mut cur = String::new();
        for word in para.split_inclusive(' ') {
            let candidate = format!("{cur}{word}");
            if fits(&candidate) {
                cur = candidate;
                continue;
            }
            if !cur.trim().is_empty() {
                lines.push(cur.trim_end().to_string());
            }
            cur = String::new();
            if fits(word) {
                cur = word.to_string();
                continue;
            }
            // Too long for a line: after a `/` where one fits, else anywhere.
            for part in word.split_inclusive('/') {
                let candidate = format!("{cur}{part}");
                if fits(&candidate) {
                    cur = candidate;
                    continue;
                }
                if !cur.is_empty() && fits(part) {
                    lines.push(cur.trim_end().to_string());
                    cur = part.to_string();
                    continue;
                }
                for c in part.chars() {
                    let candidate = format!("{cur}{c}");
                    if fits(&candidate) || cur.is_empty() {
                        cur = candidate;
                    } else {
                        lines.push(cur.trim_end().to_string());
                        cur = c.to_string();
                    }
                }
            }
        }
        lines.push(cur.trim_end().to_string());
    }
    lines
}

/// Pages of flowing text in one font.
#[derive(Debug)]
pub(crate) struct Canvas<'f> {
    pub font: &'f mut CidFont,
    pub width: f64,
    pub height: f64,
    pub margin: f64,
    /// Content stream of every page so far.
    pub pages: Vec<String>,
    /// Distance of the next line's top from the top of the page.
    y: f64,
    /// Space kept free at the bottom for the footer.
    footer: f64,
}

impl<'f> Canvas<'f> {
    pub fn new(font: &'f mut CidFont, (width, height): (f64, f64), margin: f64) -> Canvas<'f> {
        Canvas {
            font,
            width,
            height,
            margin,
            pages: vec![String::new()],
            y: margin,
            footer: 24.0,
        }
    }

    /// Usable line width.
    pub fn line_width(&self) -> f64 {
        self.width - 2.0 * self.margin
    }

    pub fn new_page(&mut self) {
        self.pages.push(String::new());
        self.y = self.margin;
    }

    /// Start a new page unless `h` more points fit on this one.
    pub fn ensure(&mut self, h: f64) {
        if self.y + h > self.height - self.margin - self.footer {
            self.new_page();
        }
    }

    /// Draw one line of text with its top at `top` (from the top of the page).
    pub fn text_at(&mut self, x: f64, top: f64, size: f64, text: &str) {
        let last = self.pages.len() - 1;
        self.text_on(last, x, top, size, text);
    }

    fn text_on(&mut self, page: usize, x: f64, top: f64, size: f64, text: &str) {
        // Right-to-left text is shaped (Arabic joins); the rest is drawn character by character.
        let shaped = if crate::bidi::may_reorder(text) {
            crate::shape::line(text, crate::bidi::Base::Ltr)
        } else {
            None
        };
        let show = match shaped {
            Some(glyphs) if !glyphs.is_empty() => {
                format!("{} TJ", self.font.encode_shaped(&glyphs))
            }
            Some(_) => return,
            None => {
                let (hex, n) = self
                    .font
                    .encode(&crate::bidi::visual(text, crate::bidi::Base::Ltr));
                if n == 0 {
                    return;
                }
                format!("{hex} Tj")
            }
        };
        let baseline = self.height - top - size * 0.93;
        if let Some(page) = self.pages.get_mut(page) {
            page.push_str(&format!(
                "BT /F1 {} Tf 1 0 0 1 {} {} Tm {} ET\n",
                num(size),
                num(x),
                num(baseline),
                show
            ));
        }
    }

    /// A horizontal rule across the text width.
    pub fn rule(&mut self) {
        self.ensure(8.0);
        let y = self.height - self.y - 3.0;
        let (x0, x1) = (self.margin, self.width - self.margin);
        if let Some(page) = self.pages.last_mut() {
            page.push_str(&format!(
                "0.5 w {} {} m {} {} l S\n",
                num(x0),
                num(y),
                num(x1),
                num(y)
            ));
        }
        self.y += 8.0;
    }

    pub fn space(&mut self, h: f64) {
        self.y += h;
    }

    /// A wrapped paragraph at `indent` from the margin.
    pub fn paragraph(&mut self, text: &str, size: f64, indent: f64) {
        let leading = size * 1.3;
        for line in wrap(text, size, self.line_width() - indent) {
            self.ensure(leading);
            let (x, y) = (self.margin + indent, self.y);
            self.text_at(x, y, size, &line);
            self.y += leading;
        }
    }

    pub fn heading(&mut self, text: &str, size: f64) {
        self.ensure(size * 1.3 * 3.0);
        self.space(size * 0.5);
        self.paragraph(text, size, 0.0);
        self.space(size * 0.2);
    }

    /// `Label: value`, the value wrapped in a column right of the labels.
    pub fn field(&mut self, label: &str, value: &str, size: f64, label_width: f64) {
        let leading = size * 1.3;
        let lines = wrap(value, size, self.line_width() - label_width);
        let label_lines = wrap(label, size, label_width - 4.0);
        let rows = lines.len().max(label_lines.len());
        self.ensure(leading * rows.min(3) as f64);
        for i in 0..rows {
            self.ensure(leading);
            let y = self.y;
            if let Some(l) = label_lines.get(i) {
                let x = self.margin;
                self.text_at(x, y, size, l);
            }
            if let Some(v) = lines.get(i) {
                let x = self.margin + label_width;
                self.text_at(x, y, size, v);
            }
            self.y += leading;
        }
    }

    /// One table row: cells wrapped in their columns; `header` is repeated on new pages.
    pub fn row(&mut self, cells: &[String], widths: &[f64], size: f64, header: Option<&[String]>) {
        let leading = size * 1.25;
        let wrapped: Vec<Vec<String>> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| wrap(c, size, w - 6.0))
            .collect();
        let rows = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let h = rows as f64 * leading + 4.0;
        let fresh = self.y + h > self.height - self.margin - self.footer;
        if fresh {
            self.new_page();
        }
        if fresh || self.y <= self.margin {
            if let Some(header) = header {
                if !std::ptr::eq(header, cells) {
                    self.row(header, widths, size, None);
                }
            }
        }
        let top = self.y;
        let mut x = self.margin;
        for (lines, w) in wrapped.iter().zip(widths) {
            for (i, line) in lines.iter().enumerate() {
                self.text_at(x + 3.0, top + 2.0 + i as f64 * leading, size, line);
            }
            x += w;
        }
        self.y += h;
        let y = self.height - self.y;
        let (x0, x1) = (self.margin, self.margin + widths.iter().sum::<f64>());
        if let Some(page) = self.pages.last_mut() {
            page.push_str(&format!(
                "0.3 w {} {} m {} {} l S\n",
                num(x0),
                num(y),
                num(x1),
                num(y)
            ));
        }
    }

    /// Finish every page with a footer (`left`, and "sida x av n" on the right).
    pub fn finish(mut self, left: &str) -> Vec<String> {
        let n = self.pages.len();
        let size = 8.0;
        let top = self.height - self.margin + 6.0;
        for i in 0..n {
            let right = format!("sida {} av {}", i + 1, n);
            let right_w = dejavu().width(&right, size);
            let left = wrap(left, size, self.line_width() - right_w - 12.0)
                .into_iter()
                .next()
                .unwrap_or_default();
            self.text_on(i, self.margin, top, size, &left);
            self.text_on(i, self.width - self.margin - right_w, top, size, &right);
        }
        self.pages
            .into_iter()
            .map(|p| format!("0 0 0 rg 0 0 0 RG\n{p}"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_every_character_and_fits() {
        let hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let text = format!("Råfil capture/01-start/tile-001.png {hash} {hash}{hash}");
        let lines = wrap(&text, 10.0, 200.0);
        assert!(lines.len() > 3);
        for l in &lines {
            assert!(dejavu().width(l, 10.0) <= 200.0, "{l}");
        }
        let joined: String = lines
            .concat()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let want: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        assert_eq!(joined, want);
    }

    #[test]
    fn a_path_too_long_for_its_column_breaks_after_a_slash() {
        // The delivery list's file column: "snapshot.pdf" stays whole.
        let lines = wrap("data/2026-H1/blogg-skolan/snapshot.pdf", 7.5, 150.0);
        assert_eq!(lines, ["data/2026-H1/blogg-skolan/", "snapshot.pdf"]);
    }

    #[test]
    fn num_has_no_exponent() {
        assert_eq!(num(1e-9), "0");
        assert_eq!(num(12.5), "12.5");
        assert_eq!(num(-3.0), "-3");
    }
}
