// Text as a reader sees it: normalised, in reading order, one run per line box.

// Text as a reader reads it: whitespace runs as one space, none at the ends.
function ogClean(s) {
  return (s || '').replace(/\s+/g, ' ').trim();
}

// Elements a line of text ends at where no style says otherwise (one with
// `display: none` has no box to ask).
const OG_BLOCK_TAGS = /^(ADDRESS|ARTICLE|ASIDE|BLOCKQUOTE|CAPTION|DD|DETAILS|DIALOG|DIV|DL|DT|FIELDSET|FIGCAPTION|FIGURE|FOOTER|FORM|H[1-6]|HEADER|HR|LI|MAIN|NAV|OL|P|PRE|SECTION|SUMMARY|TABLE|TBODY|TD|TFOOT|TH|THEAD|TR|UL)$/;

// How an element's text meets its neighbours' for a reader, by its tag and
// computed `display`: 'line' (a block, a list item, a table row, a line
// break), 'space' (a table cell), '' (inline: "Gislaveds <b>sim</b>hall"
// is one word).
function ogBreakOf(tag, display) {
  if (tag === 'BR') return 'line';
  if (!display || display === 'none') {
    if (!OG_BLOCK_TAGS.test(tag)) return '';
    return tag === 'TD' || tag === 'TH' ? 'space' : 'line';
  }
  if (display.startsWith('inline') || display === 'contents' || display.startsWith('ruby')) return '';
  return display === 'table-cell' ? 'space' : 'line';
}

// The text of `root` as a reader reads it, for an element off screen too:
// the characters of the text nodes `textContent` gives (less the elements
// `skipped` names), with a line break where blocks meet and a space between
// table cells, other white space collapsed. So it holds exactly the
// characters `ogClean(textContent)` holds, and white space besides.
// `displayOf(el)` is the element's computed `display`.
function ogReadableText(root, skipped, displayOf) {
  const out = [];
  const walk = (n) => {
    for (let c = n.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 3 || c.nodeType === 4) {
        out.push(c.data.replace(/\s+/g, ' '));
      } else if (c.nodeType === 1 && !skipped(c)) {
        const k = ogBreakOf(c.tagName, displayOf(c));
        const gap = k === 'line' ? '\n' : k ? ' ' : '';
        out.push(gap);
        walk(c);
        out.push(gap);
      }
    }
  };
  walk(root);
  return out.join('').split('\n').map(ogClean).filter(Boolean).join('\n');
}

// `text` without a leading `lead` (the same characters, white space aside),
// or as it is where it does not begin so.
function ogStripLead(text, lead) {
  const want = lead.replace(/\s+/g, '');
  let i = 0, k = 0;
  while (k < want.length && i < text.length) {
    if (/\s/.test(text[i])) { i += 1; continue; }
    if (text[i] !== want[k]) return text;
    i += 1; k += 1;
  }
  return k === want.length ? text.slice(i).trim() : text;
}

// The same for an element of the page, each element's display computed.
function ogShownText(root, skipped) {
  return ogReadableText(root, skipped, (e) => getComputedStyle(e).display);
}

// Text hidden the accessible way (WordPress .screen-reader-text, .sr-only):
// laid out but clipped to a pixel, so nothing of it is painted.
function ogClippedAway(el) {
  let e = el;
  for (let i = 0; e && e !== document.body && i < 6; i++, e = e.parentElement) {
    const cs = getComputedStyle(e);
    if (cs.clip && cs.clip !== 'auto' && /rect\((0|1)px,? (0|1)px,? (0|1)px,? (0|1)px\)/.test(cs.clip)) return true;
    if (cs.clipPath && /inset\(50%\)/.test(cs.clipPath)) return true;
    if (cs.overflow !== 'visible') {
      const r = e.getBoundingClientRect();
      if (r.width <= 2 || r.height <= 2) return true;
    }
  }
  return false;
}

// The flat tree's parent: a shadow root's host stands above its children.
function ogParent(e) {
  if (e.parentElement) return e.parentElement;
  const root = e.getRootNode && e.getRootNode();
  return root && root.host ? root.host : null;
}

// The box (viewport px) that the content of `el` is clipped to by `el`
// and its ancestors' overflow, or null where nothing clips it. An
// absolutely placed element escapes the clipping of the ancestors between
// it and its containing block; a fixed one escapes all of them. Cached per
// element, as a page's elements share most of their ancestors.
function ogContentClip(el, cache) {
  if (!el || el === document.body || el === document.documentElement || el.nodeType !== 1) return null;
  if (cache.has(el)) return cache.get(el);
  const cs = getComputedStyle(el);
  let box;
  if (cs.position === 'fixed') box = null;
  else if (cs.position === 'absolute') {
    box = null;
    for (let p = ogParent(el); p && p !== document.body && p !== document.documentElement; p = ogParent(p)) {
      const ps = getComputedStyle(p);
      if (ps.position !== 'static' || ps.transform !== 'none') { box = ogContentClip(p, cache); break; }
    }
  } else box = ogContentClip(ogParent(el), cache);
  if (cs.overflowX !== 'visible' || cs.overflowY !== 'visible') {
    const r = el.getBoundingClientRect();
    const l = r.left + el.clientLeft, t = r.top + el.clientTop;
    const own = {
      l: cs.overflowX === 'visible' ? -Infinity : l,
      r: cs.overflowX === 'visible' ? Infinity : l + el.clientWidth,
      t: cs.overflowY === 'visible' ? -Infinity : t,
      b: cs.overflowY === 'visible' ? Infinity : t + el.clientHeight,
    };
    box = box ? { l: Math.max(box.l, own.l), r: Math.min(box.r, own.r), t: Math.max(box.t, own.t), b: Math.min(box.b, own.b) } : own;
  }
  cache.set(el, box);
  return box;
}

// Whether a line box (viewport px) of text in `el` is where a reader can
// see it: not clipped away by an ancestor (a screen-reader label in a 1 px
// box, text-indent: -9999px), and not placed outside the document (left:
// -9999px). At least half of the line's height, and 2 px of its width, must show.
function ogShows(el, l, t, r, b, cache) {
  const c = ogContentClip(el, cache);
  if (c && (Math.min(r, c.r) - Math.max(l, c.l) < 2 || Math.min(b, c.b) - Math.max(t, c.t) < Math.max(2, (b - t) / 2))) return false;
  const d = el.ownerDocument.documentElement;
  const rtl = getComputedStyle(d).direction === 'rtl';
  const x0 = rtl ? innerWidth - d.scrollWidth : 0, x1 = rtl ? innerWidth : d.scrollWidth;
  const w = el.ownerDocument.defaultView || window;
  return r + w.scrollX > x0 + 1 && l + w.scrollX < x1 - 1 && b + w.scrollY > 1;
}

// Elements whose text is never shown. Case-blind: SVG's own <title> and
// <style> are lower case.
const OG_SKIP = /^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE|HEAD|TITLE)$/i;

// A computed colour as [r, g, b] (0–255), or null for a form other than rgb().
function ogRgb(c) {
  const m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/.exec(c || '');
  return m ? [m[1], m[2], m[3]].map((v) => Math.min(255, Math.round(parseFloat(v)))) : null;
}

function ogIsRtlText(s) { return /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/.test(s); }

// Visible text in reading order, one run per line box, in document CSS px,
// for the lines whose middle lies in the band top..bottom. Reading order is
// the flat tree's: open shadow roots in place of their hosts' children,
// slotted nodes where their slot is, and same-origin frames where the frame
// is (their runs moved by the frame's place on the page).
function ogTextRuns(top, bottom) {
  const runs = [];
  const visCache = new Map(), clipCache = new Map(), runElements = [];
  let el = null;
  let ink = null;
  const push = (text, left, t, right, b, fs, rtl, ox, oy) => {
    const y = t + oy, mid = y + (b - t) / 2;
    if (right - left <= 0 || b - t <= 0 || mid < top || mid >= bottom || b + oy <= 0) return;
    if (!ogShows(el, left, t, right, b, clipCache)) return;
    runs.push({ text, x: left + ox, y, width: right - left, height: b - t, font_size: fs, rtl, ink });
    if (el.ownerDocument === document && runElements[runElements.length - 1] !== el) runElements.push(el);
  };
  const textNode = (n, doc, ox, oy) => {
    if (!/\S/.test(n.data)) return;
    el = n.parentElement;
    if (!el) return;
    let vis = visCache.get(el);
    if (vis === undefined) { vis = ogVisible(el) && !ogClippedAway(el); visCache.set(el, vis); }
    if (!vis) return;
    const cs = getComputedStyle(el);
    const fs = parseFloat(cs.fontSize) || 0;
    if (fs === 0 || cs.color === 'transparent' || /^rgba\(.*,\s*0\)$/.test(cs.color)) return;
    ink = ogRgb(cs.color);
    const range = doc.createRange();
    range.selectNodeContents(n);
    const rects = range.getClientRects();
    const whole = n.data.replace(/\s+/g, ' ').trim();
    const rtl = cs.direction === 'rtl' || ogIsRtlText(whole);
    if (rects.length <= 1) {
      if (rects.length === 1) { const r = rects[0]; push(whole, r.left, r.top, r.right, r.bottom, fs, rtl, ox, oy); }
      return;
    }
    // Several line boxes: group the words by line.
    const re = /\S+/g;
    let m, line = null;
    const flush = () => { if (line) push(line.words.join(' '), line.l, line.t, line.r, line.b, fs, rtl, ox, oy); line = null; };
    while ((m = re.exec(n.data))) {
      range.setStart(n, m.index);
      range.setEnd(n, m.index + m[0].length);
      const wr = range.getClientRects();
      if (!wr.length) continue;
      const r = wr[0];
      if (r.width === 0 && r.height === 0) continue;
      if (line && Math.abs(r.top - line.t) < Math.max(2, (line.b - line.t) / 2)) {
        line.words.push(m[0]);
        line.l = Math.min(line.l, r.left); line.r = Math.max(line.r, r.right);
        line.t = Math.min(line.t, r.top); line.b = Math.max(line.b, r.bottom);
      } else {
        flush();
        line = { words: [m[0]], l: r.left, t: r.top, r: r.right, b: r.bottom };
      }
      // A word broken over two lines: its second part starts the next line.
      for (let i = 1; i < wr.length; i++) {
        const r2 = wr[i];
        flush();
        line = { words: [], l: r2.left, t: r2.top, r: r2.right, b: r2.bottom };
      }
    }
    flush();
  };
  const SKIP = OG_SKIP;
  const walk = (node, doc, ox, oy, depth) => {
    if (depth > 200) return;
    if (node.nodeType === 3) { textNode(node, doc, ox, oy); return; }
    if (node.nodeType !== 1 && node.nodeType !== 11 && node.nodeType !== 9) return;
    if (node.nodeType === 1) {
      if (SKIP.test(node.tagName)) return;
      if (node.tagName === 'IFRAME' || node.tagName === 'FRAME') {
        let inner = null;
        try { inner = node.contentDocument; } catch (e) { inner = null; }
        if (inner && inner.body && ogVisible(node)) {
          const r = node.getBoundingClientRect();
          const cs = getComputedStyle(node);
          const fx = r.left + node.clientLeft + (parseFloat(cs.paddingLeft) || 0);
          const fy = r.top + node.clientTop + (parseFloat(cs.paddingTop) || 0);
          walk(inner.body, inner, ox + fx, oy + fy, depth + 1);
        }
        return;
      }
      if (node.tagName === 'SLOT') {
        const assigned = node.assignedNodes({ flatten: true });
        if (assigned.length) { for (const a of assigned) walk(a, doc, ox, oy, depth + 1); return; }
      }
      if (node.shadowRoot) { walk(node.shadowRoot, doc, ox, oy, depth + 1); return; }
    }
    for (let c = node.firstChild; c; c = c.nextSibling) walk(c, doc, ox, oy, depth + 1);
  };
  const probes = [];
  walk(document.body || document.documentElement, document, scrollX, scrollY, 0);
  // Where some of the text's elements are now: if any of them moves before
  // its band is pictured (an image above it loaded, the layout answered the
  // viewport), the band's text is read again.
  const st = ogState();
  st.readAt = performance.now();
  const step = Math.max(1, Math.floor(runElements.length / 512));
  for (let i = 0; i < runElements.length; i += step) {
    const e = runElements[i];
    probes.push([e, e.getBoundingClientRect().top + scrollY]);
  }
  st.probes = probes;
  return runs.filter((r) => r.text.length > 0);
}

// The words of `s` as the summary counts them: runs of non-space with a
// letter or a digit in them.
function ogWordCount(s) {
  return ((s || '').match(/\S+/g) || []).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

// The texts a reader is shown between `top` and `bottom` (document CSS px)
// now: each visible text node's text (as ogTextRuns judges visibility: not
// hidden, not clipped away by an ancestor, not off the document), with how
// many nodes show it, and the highest place it is shown. The document and its
// open shadow roots; frames give their own text.
function ogShownTexts(top, bottom) {
  const out = new Map();
  const visCache = new Map(), clipCache = new Map();
  const range = document.createRange();
  const textNode = (n) => {
    if (!/[\p{L}\p{N}]/u.test(n.data)) return;
    const el = n.parentElement;
    if (!el) return;
    let vis = visCache.get(el);
    if (vis === undefined) {
      const cs = getComputedStyle(el);
      vis = ogVisible(el) && !ogClippedAway(el) && (parseFloat(cs.fontSize) || 0) > 0 &&
        cs.color !== 'transparent' && !/^rgba\(.*,\s*0\)$/.test(cs.color);
      visCache.set(el, vis);
    }
    if (!vis) return;
    range.selectNodeContents(n);
    for (const r of range.getClientRects()) {
      if (r.width <= 0 || r.height <= 0) continue;
      const y = r.top + scrollY, mid = y + r.height / 2;
      if (mid < top || mid >= bottom || !ogShows(el, r.left, r.top, r.right, r.bottom, clipCache)) continue;
      const k = ogClean(n.data);
      const was = out.get(k);
      out.set(k, was ? { n: was.n + 1, y: Math.min(was.y, y) } : { n: 1, y });
      return;
    }
  };
  const walk = (node, depth) => {
    if (depth > 200) return;
    if (node.nodeType === 3) { textNode(node); return; }
    if (node.nodeType === 1) {
      if (OG_SKIP.test(node.tagName) || node.tagName === 'IFRAME' || node.tagName === 'FRAME') return;
      if (node.tagName === 'SLOT') {
        const assigned = node.assignedNodes({ flatten: true });
        if (assigned.length) { for (const a of assigned) walk(a, depth + 1); return; }
      }
      if (node.shadowRoot) { walk(node.shadowRoot, depth + 1); return; }
    }
    for (let c = node.firstChild; c; c = c.nextSibling) walk(c, depth + 1);
  };
  walk(document.body || document.documentElement, 0);
  return out;
}

// Note the words shown between `top` and `bottom` now. A text is counted as
// often as the most nodes that showed it at once, so a row a virtualised
// feed unmounts and mounts again counts once, and the page's repeated
// labels ("Gilla", "Dela") as often as they stood together.
function ogNoteWords(top, bottom) {
  const st = ogState();
  if (!st.words) st.words = new Map();
  for (const [k, v] of ogShownTexts(top, bottom)) {
    const was = st.words.get(k);
    if (!was || v.n > was.n || v.y < was.y) st.words.set(k, { n: Math.max(v.n, was ? was.n : 0), y: Math.min(v.y, was ? was.y : Infinity) });
  }
}

// The screen in view during the scroll pass: noted where the DOM changed
// since the last look (a page that changes nothing shows its words again
// in the whole-page look of ogWordsSeen).
function ogNoteWordsInView() {
  const st = ogState(), w = window.__ogWatch;
  const mark = w ? w.last : NaN;
  if (st.words && mark === st.wordsMark) return;
  st.wordsMark = mark;
  ogNoteWords(scrollY, scrollY + innerHeight);
}

// The words the page showed above `maxY`: those noted during the scroll
// pass and those the whole page shows now, each text counted once per node
// that showed it at once (see ogNoteWords).
function ogWordsSeen(maxY) {
  ogNoteWords(-Infinity, maxY);
  let n = 0;
  for (const [k, v] of ogState().words) if (v.y < maxY) n += ogWordCount(k) * v.n;
  return n;
}
