// In-page helpers for ogonblick's capture. Each call site wraps this file in a
// function, so nothing leaks into the page's globals. Every helper returns
// JSON-able data; the Rust side parses it.

const OG_VISIBLE_OPTS = { opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: true };

function ogVisible(el) {
  if (!el || !el.isConnected) return false;
  if (el.checkVisibility && !el.checkVisibility(OG_VISIBLE_OPTS)) return false;
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0;
}

function ogDocHeight() {
  const d = document.documentElement, b = document.body;
  return Math.max(d ? d.scrollHeight : 0, b ? b.scrollHeight : 0, d ? d.offsetHeight : 0, b ? b.offsetHeight : 0);
}

function ogSleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

// What the capture remembers between calls: kept on watch.js's object (not
// enumerable on the page), or on a property of its own without it.
function ogState() {
  const w = window.__ogWatch;
  if (w) { if (!w.state) w.state = {}; return w.state; }
  if (!window.__ogState) Object.defineProperty(window, '__ogState', { value: {} });
  return window.__ogState;
}

// Every element of the document and of its open shadow roots, in tree order.
function ogAllElements() {
  const out = [];
  const visit = (root) => {
    for (const e of root.querySelectorAll('*')) {
      out.push(e);
      if (e.shadowRoot) visit(e.shadowRoot);
    }
  };
  visit(document);
  return out;
}

function ogDescribe(e) {
  return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\s+/).slice(0, 2).join('.') : '');
}

// An app shell (LinkedIn, Instagram web) keeps the document one screen tall
// and scrolls an element inside it. That element is the one with the most
// on-screen area among those that scroll further than the document does;
// it must cover a quarter of the screen (a comment box is not a scroller).
function ogFindScroller() {
  const st = ogState();
  const docRange = ogDocHeight() - innerHeight;
  let best = null, bestArea = 0;
  for (const e of ogAllElements()) {
    if (e.scrollHeight <= e.clientHeight + 100 || e.scrollHeight - e.clientHeight <= docRange) continue;
    const oy = getComputedStyle(e).overflowY;
    if (oy !== 'auto' && oy !== 'scroll' && oy !== 'overlay') continue;
    const r = e.getBoundingClientRect();
    const w = Math.min(r.right, innerWidth) - Math.max(r.left, 0);
    const h = Math.min(r.bottom, innerHeight) - Math.max(r.top, 0);
    if (w > 0 && h > 0 && w * h > bestArea) { best = e; bestArea = w * h; }
  }
  st.scroller = bestArea >= 0.25 * innerWidth * innerHeight ? best : null;
  return st.scroller ? ogDescribe(st.scroller) : null;
}

// What the scroll pass moves: the inner scroller if there is one, else the window.
function ogTarget() {
  const e = ogState().scroller;
  if (e && e.isConnected) {
    return { height: () => e.scrollHeight, view: () => e.clientHeight, to: (y) => { e.scrollTop = y; }, inner: true };
  }
  return { height: ogDocHeight, view: () => innerHeight, to: (y) => window.scrollTo(window.scrollX, y), inner: false };
}

// After the scroll pass, an app shell's scroller and everything around it
// is let out to its full height, so the document holds the whole feed and
// is pictured like any other page.
function ogUnroll() {
  const st = ogState(), e = st.scroller;
  st.scroller = null;
  if (!e || !e.isConnected) return null;
  const free = (el) => {
    for (const [k, v] of [['height', 'auto'], ['max-height', 'none'], ['overflow', 'visible']]) el.style.setProperty(k, v, 'important');
    if (getComputedStyle(el).position === 'fixed') el.style.setProperty('position', 'absolute', 'important');
  };
  let n = 0;
  for (let p = e; p; p = p.parentElement || (p.getRootNode && p.getRootNode().host) || null) { free(p); n += 1; }
  window.scrollTo(0, 0);
  return { freed: n, height: ogDocHeight() };
}

// Deferred rendering, undone: content-visibility:auto subtrees are painted
// (hidden ones stay hidden, as a reader sees them), and lazy images and
// frames, in shadow roots too, are asked for now.
function ogRenderAll() {
  let n = 0;
  for (const e of ogAllElements()) {
    if ((e.tagName === 'IMG' || e.tagName === 'IFRAME') && e.loading === 'lazy') { e.loading = 'eager'; n += 1; }
    if (getComputedStyle(e).contentVisibility === 'auto') {
      e.style.setProperty('content-visibility', 'visible', 'important');
      n += 1;
    }
  }
  return n;
}

// The items of a feed (posts, videos, articles), outermost only.
const OG_ITEMS = 'article, [role=article], [data-testid=tweet], .feed-shared-update-v2, ytd-rich-item-renderer, ytd-grid-video-renderer, ytd-video-renderer, ytd-reel-item-renderer';
const OG_PERMALINK = 'a[href*="/status/"], a[href*="/posts/"], a[href*="/p/"], a[href*="/reel/"], a[href*="/watch?"], a[href*="/feed/update/"], a[href*="story_fbid"], a[href*="/permalink/"]';

// An item's identity that survives being unmounted and mounted again by a
// virtualised feed: its permalink, its platform id or numbered id, else its
// date with its headline or the start of its text.
function ogItemKey(e) {
  const a = e.querySelector(OG_PERMALINK);
  if (a) return 'a:' + a.getAttribute('href');
  const id = e.getAttribute('data-id') || e.getAttribute('data-urn') || e.getAttribute('data-post-id') ||
    (/\d/.test(e.id) ? e.id : '');
  if (id) return 'id:' + id;
  // A headline rarely changes; the text around it may (a byline filled in,
  // a relative time: "2 min" becomes "3 min"), so time text is left out.
  const times = Array.from(e.querySelectorAll('time'));
  const when = times.length ? times[0].getAttribute('datetime') || '' : '';
  const head = e.querySelector('h1, h2, h3, h4');
  let text = head && /\S/.test(head.textContent) ? head.textContent : e.textContent || '';
  for (const t of times) text = text.replace(t.textContent, '');
  return 't:' + when + '|' + text.replace(/\s+/g, ' ').trim().slice(0, 100);
}

function ogItems() {
  return Array.from(document.querySelectorAll(OG_ITEMS)).filter((e) => !(e.parentElement && e.parentElement.closest(OG_ITEMS)));
}

// Note the items on screen now (the scroll pass) with where they were.
function ogNoteSeen() {
  const st = ogState();
  if (!st.seen) st.seen = new Map();
  for (const e of ogItems()) {
    const r = e.getBoundingClientRect();
    if (r.height <= 0 || r.bottom < 0 || r.top > innerHeight) continue;
    const k = ogItemKey(e);
    if (!st.seen.has(k)) st.seen.set(k, r.top + scrollY);
  }
}

// Note the items painted in the band top..bottom (a screenshot tile).
function ogNoteKept(top, bottom) {
  const st = ogState();
  if (!st.kept) st.kept = new Set();
  for (const e of ogItems()) {
    const r = e.getBoundingClientRect();
    if (r.height <= 0 || !ogVisible(e)) continue;
    const a = r.top + scrollY, b = r.bottom + scrollY;
    if (b > top && a < bottom) st.kept.add(ogItemKey(e));
  }
}

// Items seen while scrolling (above `maxY`) against those in the tiles.
function ogCoverage(maxY) {
  const st = ogState();
  const seen = st.seen || new Map(), kept = st.kept || new Set();
  const missing = [];
  let counted = 0;
  for (const [k, y] of seen) {
    if (y >= maxY) continue;
    counted += 1;
    if (!kept.has(k)) missing.push(k);
  }
  let extra = 0;
  for (const k of kept) if (!seen.has(k)) extra += 1;
  return { seen: counted + extra, kept: counted + extra - missing.length, missing: missing.slice(0, 3).map((k) => k.slice(0, 100)) };
}

function ogLabel(el) {
  const t = (el.innerText || el.value || el.getAttribute('aria-label') || el.getAttribute('title') || '');
  return t.replace(/\s+/g, ' ').trim();
}

function ogClickables(root) {
  return Array.from((root || document).querySelectorAll(
    'button, [role=button], a, input[type=button], input[type=submit], [aria-label][tabindex]'));
}

const OG_REJECT = /^(tillåt |använd )?(endast|bara|enbart) (de )?(nödvändiga|väsentliga)( cookies| kakor)?$|^(avvisa|neka|avböj|vägra)( alla)?( valfria| icke[- ]nödvändiga| ej nödvändiga| övriga| frivilliga)?( cookies| kakor)?$|^(reject|decline|refuse|deny)( all)?( optional| non-essential| additional| unnecessary)?( cookies)?$|^(only allow |allow only |use )?(necessary|essential|required)( cookies)?( only)?$|^only (allow )?(necessary|essential|required)( cookies)?$|^allow (only )?(necessary|essential)( cookies)?$/i;
const OG_ACCEPT = /^(tillåt|acceptera|godkänn|godta)( alla)?( cookies| kakor)?$|^jag (godkänner|accepterar)$|^(accept|allow|agree)( all)?( cookies)?$|^i (agree|accept)$|^(ok|okej|okay)$/i;
const OG_CONSENT_CONTEXT = /cookie|kakor|samtycke|consent|personuppgifter|gdpr/i;

function ogInConsentContext(el) {
  let e = el;
  for (let i = 0; e && i < 10; i++, e = e.parentElement) {
    const cs = getComputedStyle(e);
    const modal = e.getAttribute('role') === 'dialog' || e.getAttribute('aria-modal') === 'true' ||
      cs.position === 'fixed' || cs.position === 'sticky';
    if ((modal || i >= 2) && OG_CONSENT_CONTEXT.test(e.innerText || '')) return true;
  }
  return false;
}

// Click the most privacy-friendly button of a visible consent dialog. In a
// frame of its own (`inFrame`) the whole document is the dialog.
function ogDismissConsent(inFrame) {
  const cands = ogClickables().filter((b) => ogVisible(b) && b.closest('body'));
  const context = (b) => inFrame ? OG_CONSENT_CONTEXT.test((document.body && document.body.innerText) || '') : ogInConsentContext(b);
  const pick = (re) => cands.find((b) => re.test(ogLabel(b)) && context(b));
  let b = pick(OG_REJECT), kind = 'reject';
  if (!b) { b = pick(OG_ACCEPT); kind = 'accept'; }
  if (!b) return { clicked: null };
  const label = ogLabel(b);
  b.click();
  return { clicked: label, kind };
}

function ogFixedElements() {
  const out = [];
  for (const e of document.querySelectorAll('body *')) {
    const p = getComputedStyle(e).position;
    if ((p === 'fixed' || p === 'sticky') && ogVisible(e)) out.push(e);
  }
  return out;
}

function ogConsentStillThere() {
  const vw = innerWidth, vh = innerHeight;
  const boxes = ogFixedElements().concat(Array.from(document.querySelectorAll('[role=dialog], [aria-modal=true]')).filter(ogVisible));
  for (const e of boxes) {
    const text = e.innerText || '';
    if (!OG_CONSENT_CONTEXT.test(text)) continue;
    const buttons = ogClickables(e).filter(ogVisible).map(ogLabel);
    if (buttons.some((t) => OG_REJECT.test(t) || OG_ACCEPT.test(t))) {
      return text.replace(/\s+/g, ' ').trim().slice(0, 80);
    }
    const r = e.getBoundingClientRect();
    if (r.width * r.height > 0.3 * vw * vh) return text.replace(/\s+/g, ' ').trim().slice(0, 80);
  }
  return null;
}

// A consent dialog still shown in this frame (a consent vendor's frame):
// its text, or null.
function ogFrameConsent() {
  const text = ((document.body && document.body.innerText) || '').replace(/\s+/g, ' ').trim();
  if (!OG_CONSENT_CONTEXT.test(text)) return null;
  const buttons = ogClickables().filter(ogVisible).map(ogLabel);
  return buttons.some((t) => OG_REJECT.test(t) || OG_ACCEPT.test(t)) ? text.slice(0, 80) : null;
}

// Buttons that reveal more of the conversation or a shortened post (never "Dölj").
const OG_EXPAND = /^(visa|se|läs) mer$|^(visa|se) (fler|tidigare|alla|ytterligare)( \d+)? (kommentarer|svar)( \(\d+\))?$|^(visa|se) \d+ (fler |tidigare |ytterligare )?(kommentarer|svar)$|^visa svar( \(\d+\))?$|^\d+ (svar|repl(y|ies))$|^(view|show|see|load) (more|previous|all|\d+ more|\d+)( \d+)? (comments|replies)( \(\d+\))?$|^(view|show) replies( \(\d+\))?$|^(see|show) more$/i;

function ogExpand(maxClicks) {
  let n = 0;
  const labels = [];
  for (const b of ogClickables()) {
    if (n >= maxClicks) break;
    if (!ogVisible(b)) continue;
    const t = ogLabel(b);
    if (!OG_EXPAND.test(t)) continue;
    if (b.tagName === 'A') {
      const href = b.getAttribute('href') || '';
      if (href && !href.startsWith('#') && !href.startsWith('javascript:')) continue; // would navigate away
    }
    b.click();
    n += 1;
    if (labels.length < 5) labels.push(t);
  }
  return { clicked: n, labels };
}

// Resolves after `n` painted frames, or after 100 ms a frame if the page
// does not paint (a hidden tab gets no animation frames).
function ogFrames(n) {
  return new Promise((resolve) => {
    let k = 0;
    const t = setTimeout(resolve, 100 * n);
    const f = () => { k += 1; if (k >= n) { clearTimeout(t); resolve(); } else requestAnimationFrame(f); };
    requestAnimationFrame(f);
  });
}

// Whether scrolling can make the page load anything: it set up an
// IntersectionObserver or a scroll listener (counted by watch.js from the
// start of the document), or has an onscroll handler. Unknown counts as yes.
function ogScrollDriven() {
  const w = window.__ogWatch;
  if (!w) return { io: true, listeners: true };
  const handler = !!(window.onscroll || document.onscroll || (document.body && document.body.onscroll) || window.onwheel);
  const inner = ogState().scroller;
  return { io: w.io > 0, listeners: w.scroll > 0 || handler || (!!inner && (w.scrollEl > 0 || !!inner.onscroll)) };
}

// Scroll down a viewport at a time from `fromY` until the bottom of the page
// (or `maxY`), so observers and scroll listeners see every part of it. Each
// step waits two painted frames, so IntersectionObserver callbacks have run;
// a page with scroll listeners (often throttled) gets at least `pauseMs` a
// step. At the bottom a feed usually loads more at once: wait up to
// `growMs` for that (nudging), and go on if it came. A page that reacts to
// neither observers nor scrolling is not stepped through at all. Whenever
// the page's height changes (a feed often loads its next batch before the
// bottom is reached) the pass returns at once with `changed` and what the
// page shows (`ogSeen`): whether to go on is the capture's depth rule
// (depth.rs), and the caller starts the next pass at `y`. Otherwise it
// returns with the bottom in view; a slower feed is the caller's to wait for.
async function ogScrollPass(fromY, maxY, step, budgetMs, pauseMs, growMs) {
  const t0 = performance.now();
  const driven = ogScrollDriven();
  const t = ogTarget();
  const was = t.height();
  const isDriven = driven.io || driven.listeners;
  const changed = (y) => ({ y, timedOut: false, atLimit: false, driven: isDriven, changed: true, seen: ogSeen() });
  let y = fromY, timedOut = false;
  ogNoteSeen();
  if (driven.io || driven.listeners) {
    for (;;) {
      if (performance.now() - t0 > budgetMs) { timedOut = true; break; }
      const h = t.height();
      if (y >= Math.min(h, maxY)) {
        if (y >= maxY) break;
        const bottom = Math.max(0, h - t.view());
        t.to(bottom);
        const tb = performance.now();
        let tick = 0;
        while (t.height() <= h && performance.now() - tb < growMs) {
          await ogSleep(50);
          tick += 1;
          if (tick % 2 === 0) {
            ogNudged();
            t.to(tick % 4 === 2 ? Math.max(0, bottom - t.view()) : bottom);
          }
        }
        ogNoteSeen();
        if (t.height() <= h) break;
        return changed(y);
      }
      const ts = performance.now();
      t.to(y);
      await ogFrames(2);
      ogNoteSeen();
      if (t.height() !== was) return changed(y + step);
      if (driven.listeners) {
        const left = pauseMs - (performance.now() - ts);
        if (left > 0) await ogSleep(left);
      }
      y += step;
    }
  }
  const h = t.height();
  y = Math.max(y, Math.min(h, maxY));
  t.to(Math.max(0, Math.min(h, maxY) - t.view()));
  await ogFrames(2);
  ogNoteSeen();
  return { y, timedOut, atLimit: y >= maxY, driven: isDriven, changed: false, seen: ogSeen() };
}

// The oldest post date on the page (above `maxY` if given), from
// time[datetime] in its feed items (anywhere on the page where it has
// none): { ms, v } or null.
function ogOldestPost(maxY) {
  const items = ogItems();
  let best = null;
  for (const root of items.length ? items : [document]) {
    for (const t of root.querySelectorAll('time[datetime]')) {
      if (maxY !== undefined && t.getBoundingClientRect().top + scrollY >= maxY) continue;
      const v = t.getAttribute('datetime');
      const ms = Date.parse(v);
      if (!isNaN(ms) && (!best || ms < best.ms)) best = { ms, v };
    }
  }
  return best;
}

// What the depth rule (depth.rs) reads: the height of what scrolls, and the
// oldest post date shown.
function ogSeen() {
  return { height: ogTarget().height(), oldest: ogOldestPost() };
}

// "Visa fler" / "Load more": a button that fetches more of the same list
// (not one that opens another page, and none in a form).
const OG_LOAD_MORE = /^(visa|läs in|hämta|ladda|se) (fler|flera)( nyheter| inlägg| artiklar| händelser| resultat| poster)?$|^fler (nyheter|inlägg|artiklar|händelser)$|^(load|show|see|view) more (posts|news|stories|articles|results|items)$|^load more$|^more (posts|news|stories)$/i;

// Clicks the first such button (or, with `look`, only names it).
function ogLoadMore(look) {
  for (const b of ogClickables()) {
    if (!ogVisible(b) || b.closest('form')) continue;
    const t = ogLabel(b);
    if (!OG_LOAD_MORE.test(t)) continue;
    if (b.tagName === 'A') {
      const href = b.getAttribute('href') || '';
      if (href && !href.startsWith('#') && !href.startsWith('javascript:')) continue;
    }
    if (!look) b.click();
    return { clicked: t };
  }
  return { clicked: null };
}

// At the bottom, nudge the page the way a reader does: up a screen and back,
// so scroll listeners fire and observers see the end leave and re-enter.
function ogNudged() {
  if (window.__ogWatch) window.__ogWatch.nudged = performance.now();
}

async function ogNudge() {
  ogNudged();
  const t = ogTarget();
  const bottom = Math.max(0, t.height() - t.view());
  t.to(Math.max(0, bottom - t.view()));
  await ogFrames(2);
  t.to(bottom);
  await ogFrames(2);
  ogNoteSeen();
  return t.height();
}

// After the scroll pass: native lazy images below the fold are asked for
// now, and the page goes back to the top.
async function ogScrollDone() {
  ogRenderAll();
  const t = ogTarget();
  t.to(0);
  await ogFrames(1);
  return t.height();
}

// Images, in shadow roots too, that are still loading in the band top..bottom.
// Every image of the document and its open shadow roots. A band's checks
// ask for them many times while the page settles; the list is walked again
// only when the DOM has changed since (watch.js says when) or the document
// holds another number of images.
function ogImages() {
  const st = ogState(), w = window.__ogWatch;
  // Changes right after a nudge are not counted as DOM changes by watch.js,
  // so the document's own image count is part of the key too.
  const at = w && w.last >= 0 ? w.last + ':' + document.images.length : null;
  if (at === null || st.imagesAt !== at || !st.images) {
    st.images = ogAllElements().filter((e) => e.tagName === 'IMG');
    st.imagesAt = at;
  }
  return st.images;
}

function ogPendingImages(top, bottom) {
  return ogImages().filter((img) => {
    if (img.complete) return false;
    const r = img.getBoundingClientRect();
    return r.bottom + scrollY > top && r.top + scrollY < bottom && r.width > 0 && r.height > 0;
  });
}

async function ogWaitImages(maxY, budgetMs) {
  const t0 = performance.now();
  const pending = () => ogPendingImages(-1e9, maxY);
  let p = pending();
  const waited = p.length > 0;
  while (p.length && performance.now() - t0 < budgetMs) {
    await ogSleep(100);
    p = pending();
  }
  // Give decoded images a frame to paint.
  if (waited) await ogFrames(2);
  return { pending: p.length, examples: p.slice(0, 3).map((i) => (i.currentSrc || i.src || '').slice(0, 120)) };
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
  const push = (text, left, t, right, b, fs, rtl, ox, oy) => {
    const y = t + oy, mid = y + (b - t) / 2;
    if (right - left <= 0 || b - t <= 0 || mid < top || mid >= bottom || b + oy <= 0) return;
    if (!ogShows(el, left, t, right, b, clipCache)) return;
    runs.push({ text, x: left + ox, y, width: right - left, height: b - t, font_size: fs, rtl });
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
  // Case-blind: SVG's own <title> and <style> are lower case.
  const SKIP = /^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE|HEAD|TITLE)$/i;
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

// The loaded pictures in the band top..bottom that a reader would see, with
// a 4 × 4 sample of their own pixels where the page lets them be read
// (null for a picture from another site): a flat band over a picture whose
// own pixels are not that flat colour is a picture the screenshot lost. A
// spacer or a picture the colour of the page is no evidence.
function ogPictures(top, bottom) {
  const out = [];
  const clipCache = new Map();
  const canvas = document.createElement('canvas');
  canvas.width = 4; canvas.height = 4;
  const g = canvas.getContext('2d', { willReadFrequently: true });
  for (const img of ogImages()) {
    if (!img.complete || !img.naturalWidth || !ogVisible(img)) continue;
    const r = img.getBoundingClientRect();
    if (r.width < 32 || r.height < 32) continue;
    const y = r.top + scrollY;
    if (y < top || y + r.height > bottom || !ogShows(img, r.left, r.top, r.right, r.bottom, clipCache)) continue;
    let sample = null;
    try {
      g.clearRect(0, 0, 4, 4);
      g.drawImage(img, 0, 0, 4, 4);
      sample = Array.from(g.getImageData(0, 0, 4, 4).data);
    } catch (e) { sample = null; }
    out.push({ x: r.left + scrollX, y, width: r.width, height: r.height, src: (img.currentSrc || img.src || '').slice(0, 100), sample });
  }
  return out;
}

// Whether the text last read has moved since (an image above it loaded,
// the layout answered the viewport): some of its elements are elsewhere.
function ogMoved() {
  return (ogState().probes || []).some(([e, y]) => !e.isConnected || Math.abs(e.getBoundingClientRect().top + scrollY - y) > 1);
}

// One band of the picture: scroll it into view (the viewport is as tall as
// the band, so a virtualised feed mounts every row in it), wait until the
// page has rendered what came into view (DOM quiet, images in the band
// loaded, bounded by `budgetMs`), note the items it holds, and read its text
// again if the DOM changed or the text moved since the last reading (null if
// not).
async function ogSegment(top, bottom, budgetMs) {
  const t0 = performance.now();
  const w = window.__ogWatch, st = ogState();
  const before = w ? w.last : -1;
  window.scrollTo(window.scrollX, top);
  // A page that nothing on reacts to scrolling renders no differently for
  // it (deferred rendering is undone already): the screenshot's own frame
  // is enough. Any other page gets frames to run its observers and
  // listeners, then time until it is quiet.
  const driven = ogScrollDriven();
  if (driven.io || driven.listeners) await ogFrames(2);
  let pending = 0;
  for (;;) {
    pending = ogPendingImages(top, bottom).length;
    const quiet = !w || w.last < 0 || performance.now() - w.last >= 150;
    if ((quiet && pending === 0) || performance.now() - t0 > budgetMs) break;
    await ogSleep(30);
  }
  if (!w || w.last !== before || performance.now() - t0 > 40) await ogFrames(2);
  ogNoteKept(top, bottom);
  // Once one band had to be read again, the whole page's first reading is
  // out of date: a band reading replaces the probes with its own elements,
  // which no longer show that text further down was read in the old layout.
  // Every later band is read afresh (a layout that settled between the first
  // reading and band 3 left band 4's text up to 950 px off its picture).
  const changed = st.stale || !w || w.last < 0 || !st.readAt || w.last > st.readAt || ogMoved();
  if (changed) st.stale = true;
  return { pending, runs: changed ? ogTextRuns(top, bottom) : null, pictures: ogPictures(top, bottom) };
}

const OG_ERROR_TEXT = /sidan finns inte|sidan kunde inte hittas|page not found|den här sidan är inte tillgänglig|this page isn.t available|this content isn.t available|innehållet är inte tillgängligt|hmm\.\.\.this page doesn.t exist|sorry, this page isn.t available|404 not found|^404$/i;
const OG_LOGIN_TEXT = /logga in för att|log in to (see|continue)|sign in to (see|continue)|logga in|log in|sign in|inloggning krävs|du måste logga in/i;

function ogObstructions(status) {
  const out = [];
  const vw = innerWidth, vh = innerHeight;
  // A password field is a wall where it stands in the way: in an overlay or
  // a dialog, or on a page with little else to read. A login box in the
  // header of a long article (a real news page) is not.
  const words = ((document.body && document.body.innerText) || '').split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
  const inOverlay = (e) => {
    for (let p = e; p && p !== document.body; p = p.parentElement) {
      const cs = getComputedStyle(p);
      if (cs.position === 'fixed' || cs.position === 'sticky' || p.getAttribute('role') === 'dialog' || p.getAttribute('aria-modal') === 'true') return true;
    }
    return false;
  };
  const pw = Array.from(document.querySelectorAll('input[type=password]')).filter((e) => ogVisible(e) && (words < 200 || inOverlay(e)));
  if (pw.length) out.push({ finding: 'password-field' });
  else {
    for (const e of ogFixedElements().concat(Array.from(document.querySelectorAll('[role=dialog], [aria-modal=true]')).filter(ogVisible))) {
      const r = e.getBoundingClientRect();
      const text = (e.innerText || '').replace(/\s+/g, ' ').trim();
      if (r.width * r.height > 0.3 * vw * vh && OG_LOGIN_TEXT.test(text)) {
        out.push({ finding: 'login-overlay', text: text.slice(0, 60) });
        break;
      }
    }
  }
  const c = ogConsentStillThere();
  if (c) out.push({ finding: 'consent-shown', text: c });
  if (status && status >= 400) out.push({ finding: 'http-status', status });
  else {
    const heads = [document.title].concat(Array.from(document.querySelectorAll('h1, h2')).filter(ogVisible).slice(0, 5).map((h) => h.innerText));
    const hit = heads.map((t) => (t || '').replace(/\s+/g, ' ').trim()).find((t) => OG_ERROR_TEXT.test(t));
    if (hit) out.push({ finding: 'page-says', text: hit.slice(0, 80) });
  }
  return out;
}

function ogPlatformPosts() {
  const q = (s) => Array.from(document.querySelectorAll(s));
  const host = location.hostname.replace(/^www\.|^m\./, '');
  const top = (els) => els.filter((a) => !(a.parentElement && a.parentElement.closest('[role=article], article')));
  if (q('article[data-testid=tweet]').length || /(^|\.)(x|twitter)\.com$/.test(host)) return ['x', q('article[data-testid=tweet]')];
  if (/(^|\.)facebook\.com$/.test(host) || q('[data-pagelet]').length) return ['facebook', top(q('[role=article]'))];
  if (/(^|\.)youtube\.com$/.test(host) || q('ytd-app').length) return ['youtube', q('ytd-grid-video-renderer, ytd-rich-item-renderer, ytd-video-renderer, ytd-reel-item-renderer')];
  if (/(^|\.)instagram\.com$/.test(host) || document.title.includes('Instagram')) return ['instagram', q('main a[href*="/p/"], main a[href*="/reel/"]')];
  if (/(^|\.)linkedin\.com$/.test(host)) return ['linkedin', q('.feed-shared-update-v2, [data-urn*="activity"]')];
  const gen = document.querySelector('meta[name=generator]');
  if ((gen && /wordpress/i.test(gen.content)) || q('article.post, article.hentry').length) return ['blog', q('article.post, article.hentry, article.type-post')];
  const articles = top(q('article, [role=article]'));
  return [null, articles];
}

function ogSummary(maxY) {
  const [platform, postsAll] = ogPlatformPosts();
  const inCapture = (e) => { const r = e.getBoundingClientRect(); return r.top + scrollY < maxY && r.height > 0; };
  const posts = postsAll.filter((e) => ogVisible(e) && inCapture(e));
  const timeRoots = posts.length ? posts : [document];
  const dates = [];
  for (const root of timeRoots) {
    for (const t of root.querySelectorAll('time[datetime]')) {
      if (!inCapture(t)) continue;
      const v = t.getAttribute('datetime');
      const ms = Date.parse(v);
      if (!isNaN(ms)) dates.push([ms, v]);
    }
  }
  dates.sort((a, b) => a[0] - b[0]);
  const text = (document.body && document.body.innerText) || '';
  const fm = text.replace(/\u00a0|\u202f/g, ' ').match(/(\d[\d ,.]*\d|\d)(\s?(?:tn|mn|k|m|mil|milj\.?|tusen|K|M))?\s+(följare|followers|prenumeranter|subscribers|personer följer)/i);
  const desc = document.querySelector('meta[name=description], meta[property="og:description"]');
  const headings = Array.from(document.querySelectorAll('h1, h2, h3')).filter((h) => ogVisible(h) && inCapture(h))
    .map((h) => h.innerText.replace(/\s+/g, ' ').trim()).filter((t) => t).slice(0, 10).map((t) => t.slice(0, 200));
  const words = text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
  return {
    platform,
    title: document.title || '',
    description: desc ? (desc.getAttribute('content') || '').trim() || null : null,
    headings,
    word_count: words,
    posts_visible: platform || posts.length ? posts.length : null,
    newest_post: dates.length ? dates[dates.length - 1][1] : null,
    oldest_post: dates.length ? dates[0][1] : null,
    followers: fm ? (fm[1] + (fm[2] || '')).trim() : null,
  };
}

// Heights that follow the viewport (100vh heroes, inset:0 overlays) would
// grow with the tall capture viewport: measure which ones do, pin them.
function ogMeasureHeights() {
  const els = Array.from(document.querySelectorAll('body, body *'));
  window.__ogHeights = els.map((e) => [e, e.getBoundingClientRect().height]);
  return els.length;
}
function ogPinHeights() {
  let pinned = 0;
  for (const [e, h] of window.__ogHeights || []) {
    const now = e.getBoundingClientRect().height;
    if (Math.abs(now - h) > 0.5) {
      for (const p of ['height', 'min-height', 'max-height']) e.style.setProperty(p, h + 'px', 'important');
      pinned += 1;
    }
  }
  delete window.__ogHeights;
  return pinned;
}

// After the first tile: fixed elements were painted there once, so later
// tiles hide them; sticky ones go back to their place in the flow.
function ogUnfix() {
  let n = 0;
  for (const e of ogFixedElements()) {
    if (getComputedStyle(e).position === 'fixed') {
      e.style.setProperty('visibility', 'hidden', 'important');
    } else {
      e.style.setProperty('position', 'relative', 'important');
      e.style.setProperty('top', 'auto', 'important');
      e.style.setProperty('bottom', 'auto', 'important');
    }
    n += 1;
  }
  return n;
}

// Seconds until a `<meta http-equiv=refresh>` sends the page elsewhere, or -1.
function ogRefreshDelay() {
  const m = document.querySelector('meta[http-equiv="refresh" i]');
  const c = m ? (m.getAttribute('content') || '').trim() : '';
  const d = parseFloat(c);
  return m && !isNaN(d) && /url\s*=/i.test(c) ? d : -1;
}

// This document's id from watch.js (null without it).
function ogDocumentId() {
  return window.__ogWatch ? window.__ogWatch.id : null;
}

function ogPageInfo() {
  let status = null;
  try {
    const nav = performance.getEntriesByType('navigation')[0];
    if (nav && nav.responseStatus) status = nav.responseStatus;
  } catch (e) { /* older browsers */ }
  return {
    status,
    url: location.href,
    title: document.title || '',
    height: ogTarget().height(),
    width: Math.max(document.documentElement.scrollWidth, document.body ? document.body.scrollWidth : 0, innerWidth),
    ready: document.readyState,
    user_agent: navigator.userAgent,
  };
}

// The posts and comments within the captured height, each with its identity
// where the markup gives one (permalink, platform id), its date, author, own
// text and box in document CSS px; and the account's profile (name,
// description, picture, followers). Ids are finished in Rust (a text hash
// where the markup gives none).
const OG_COMMENTS = '.comment, [data-testid=comment], ytd-comment-renderer, ytd-comment-thread-renderer, li.comment, .comment-body, [role=article] [role=article]';
const OG_AUTHOR = '[data-testid=User-Name], [rel=author], .author, .byline, .entry-author, .fn, .meta b, .meta strong, header b, b, strong';
function ogPosts(maxY) {
  const abs = (h) => { try { return new URL(h, location.href).href; } catch (e) { return h; } };
  const clean = (s) => (s || '').replace(/\s+/g, ' ').trim();
  const box = (e) => { const r = e.getBoundingClientRect(); return { x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height }; };
  const inCapture = (e) => { const r = e.getBoundingClientRect(); return r.height > 0 && r.top + scrollY < maxY && ogVisible(e); };
  // The platform's own identity of a link: [id, kind, url].
  const idOf = (href) => {
    if (!href || href === '#' || /^(javascript|mailto):/i.test(href)) return null;
    const u = abs(href);
    let m;
    if ((m = u.match(/\/status(?:es)?\/(\d+)/))) return ['x:' + m[1], 'permalink', u];
    if ((m = u.match(/[?&]story_fbid=(\w+)/) || u.match(/facebook\.com\/.*\/(?:posts|permalink|videos)\/([\w.-]+)/) || u.match(/\/(?:posts|permalink)\/([\w.-]+)/))) return ['facebook:' + m[1], 'permalink', u];
    if ((m = u.match(/[?&]v=([\w-]{6,})/) || u.match(/youtu\.be\/([\w-]{6,})/) || u.match(/\/shorts\/([\w-]{6,})/))) return ['youtube:' + m[1], 'platform-id', u];
    if ((m = u.match(/\/(?:p|reel|tv)\/([\w-]+)/))) return ['instagram:' + m[1], 'platform-id', u];
    if ((m = u.match(/\/feed\/update\/([\w:%-]+)/))) return ['linkedin:' + decodeURIComponent(m[1]), 'permalink', u];
    return null;
  };
  const own = (e, skip) => {
    // The element's text without its comments (and without what `skip` names).
    const c = e.cloneNode(true);
    for (const x of c.querySelectorAll(OG_COMMENTS + ', button, script, style, template' + (skip ? ', ' + skip : ''))) x.remove();
    return clean(c.textContent);
  };
  const identify = (e) => {
    const self = e.matches('a[href]') ? idOf(e.getAttribute('href')) : null;
    if (self) return self;
    for (const a of e.querySelectorAll('a[href]')) {
      if (a.closest(OG_COMMENTS) && a.closest(OG_COMMENTS) !== e) continue;
      const id = idOf(a.getAttribute('href'));
      if (id) return id;
    }
    // A blog permalink: the headline's link, or rel=bookmark.
    const link = e.querySelector('a[rel=bookmark], .entry-title a, h1 a, h2 a, h3 a');
    if (link) { const h = link.getAttribute('href'); if (h && h !== '#' && !/^(javascript|mailto):/i.test(h)) return ['url:' + abs(h), 'permalink', abs(h)]; }
    const n = e.getAttribute('data-post-id') || e.getAttribute('data-id') || e.getAttribute('data-urn') || e.getAttribute('data-video-id') || (/\d/.test(e.id) ? e.id : '');
    if (n) return ['id:' + n, 'platform-id', null];
    return [null, 'text-hash', null];
  };
  const firstOutside = (e, sel) => {
    for (const x of e.querySelectorAll(sel)) { const c = x.closest(OG_COMMENTS); if (!c || c === e || !e.contains(c)) return x; }
    return null;
  };
  const [, found] = ogPlatformPosts();
  const roots = (found.length ? found : ogItems()).filter(inCapture);
  const out = [];
  for (const e of roots) {
    const [id, kind, url] = identify(e);
    const t = firstOutside(e, 'time[datetime]');
    const au = firstOutside(e, OG_AUTHOR);
    const text = own(e, '.meta, time, [data-testid=User-Name]') || own(e, '');
    if (!text && !id) continue;
    const p = Object.assign({ id, id_kind: kind, kind: 'post', url, date: t ? t.getAttribute('datetime') : null, author: au ? clean(au.textContent) || null : null, text, comments: [] }, box(e));
    const comments = Array.from(e.querySelectorAll(OG_COMMENTS)).filter((c) => c !== e && inCapture(c));
    for (const c of comments) {
      const [cid, ckind, curl] = identify(c);
      const ca = c.querySelector(OG_AUTHOR);
      const author = ca ? clean(ca.textContent) : '';
      let ctext = own(c, '');
      if (author && ctext.startsWith(author)) ctext = ctext.slice(author.length).trim();
      const ct = c.querySelector('time[datetime]');
      if (!ctext) continue;
      p.comments.push(Object.assign({ id: cid, id_kind: ckind, kind: 'comment', url: curl, date: ct ? ct.getAttribute('datetime') : null, author: author || null, text: ctext }, box(c)));
    }
    out.push(p);
  }
  const meta = (sel) => { const m = document.querySelector(sel); return m ? clean(m.getAttribute('content')) || null : null; };
  const nameEl = document.querySelector('[data-testid=UserName] h2, [data-pagelet=ProfileHeader] h1, #channel-name, header h1, h1, header h2, .site-title');
  const descEl = document.querySelector('[data-testid=UserDescription], #description, .site-description, [data-pagelet=ProfileHeader] p, header p');
  const pic = document.querySelector('img[alt*="profilbild" i], img[alt*="profile" i], img.profile-picture, img.avatar, [data-testid=UserAvatar] img, #avatar img, header img');
  const fm = ((document.body && document.body.innerText) || '').replace(/\u00a0|\u202f/g, ' ').match(/(\d[\d ,.]*\d|\d)(\s?(?:tn|mn|k|m|mil|milj\.?|tusen|K|M))?\s+(följare|followers|prenumeranter|subscribers|personer följer)/i);
  return {
    posts: out,
    profile: {
      name: (nameEl && clean(nameEl.textContent)) || meta('meta[property="og:title"]') || clean(document.title) || null,
      description: (descEl && clean(descEl.textContent)) || meta('meta[name=description]') || null,
      picture: pic ? abs(pic.getAttribute('src') || pic.getAttribute('data-src') || '') || null : null,
      followers: fm ? (fm[1] + (fm[2] || '')).trim() : null,
    },
  };
}

// The one way in: Rust sends `{ call, ...fields }` (protocol.rs), and each
// call has one entry here, its fields named as protocol.rs names them.
const OG_CALLS = {
  pageInfo: () => ogPageInfo(),
  documentId: () => ogDocumentId(),
  scrollOffset: () => [scrollX, scrollY],
  popupsAsked: () => (window.__ogPopups || []).slice(0, 100),
  refreshDelay: () => ogRefreshDelay(),
  findScroller: () => ogFindScroller(),
  renderAll: () => ogRenderAll(),
  expand: (a) => ogExpand(a.maxClicks),
  scrollPass: (a) => ogScrollPass(a.fromY, a.maxY, a.step, a.budgetMs, a.pauseMs, a.growMs),
  nudge: () => ogNudge(),
  seen: () => ogSeen(),
  scrollDone: () => ogScrollDone(),
  loadMore: (a) => ogLoadMore(a.look),
  unroll: () => ogUnroll(),
  waitImages: (a) => ogWaitImages(a.maxY, a.budgetMs),
  oldestPost: (a) => ogOldestPost(a.maxY === null ? undefined : a.maxY),
  obstructions: (a) => ogObstructions(a.status),
  summary: (a) => ogSummary(a.maxY),
  textRuns: (a) => ogTextRuns(a.top, a.bottom),
  coverage: (a) => ogCoverage(a.maxY),
  posts: (a) => ogPosts(a.maxY),
  dismissConsent: (a) => ogDismissConsent(a.inFrame),
  frameConsent: () => ogFrameConsent(),
  measureHeights: () => ogMeasureHeights(),
  pinHeights: () => ogPinHeights(),
  scrollTop: () => (window.scrollTo(0, 0), 0),
  unfix: () => ogUnfix(),
  segment: (a) => ogSegment(a.top, a.bottom, a.budgetMs),
  moved: () => ogMoved(),
};

function ogCall(req) {
  const f = Object.prototype.hasOwnProperty.call(OG_CALLS, req.call) ? OG_CALLS[req.call] : null;
  if (!f) throw new Error('page.js answers no call named ' + req.call);
  return f(req);
}
