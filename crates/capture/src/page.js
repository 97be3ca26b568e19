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

// Click the most privacy-friendly button of a visible consent dialog.
function ogDismissConsent() {
  const cands = ogClickables().filter((b) => ogVisible(b) && b.closest('body'));
  const pick = (re) => cands.find((b) => re.test(ogLabel(b)) && ogInConsentContext(b));
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
  return { io: w.io > 0, listeners: w.scroll > 0 || handler };
}

// Scroll down a viewport at a time from `fromY` until the bottom of the page
// (or `maxY`), so observers and scroll listeners see every part of it. Each
// step waits two painted frames, so IntersectionObserver callbacks have run;
// a page with scroll listeners (often throttled) gets at least `pauseMs` a
// step. At the bottom a feed usually loads more at once: wait up to
// `growMs` for that (nudging), and go on if it came. A page that reacts to
// neither observers nor scrolling is not stepped through at all. Returns
// with the bottom in view; a slower feed is the caller's to wait for.
async function ogScrollPass(fromY, maxY, step, budgetMs, pauseMs, growMs) {
  const t0 = performance.now();
  const driven = ogScrollDriven();
  let y = fromY, timedOut = false;
  if (driven.io || driven.listeners) {
    for (;;) {
      if (performance.now() - t0 > budgetMs) { timedOut = true; break; }
      const h = ogDocHeight();
      if (y >= Math.min(h, maxY)) {
        if (y >= maxY) break;
        const bottom = Math.max(0, h - innerHeight);
        window.scrollTo(0, bottom);
        const tb = performance.now();
        let tick = 0;
        while (ogDocHeight() <= h && performance.now() - tb < growMs) {
          await ogSleep(50);
          tick += 1;
          if (tick % 2 === 0) {
            ogNudged();
            window.scrollTo(0, tick % 4 === 2 ? Math.max(0, bottom - innerHeight) : bottom);
          }
        }
        if (ogDocHeight() <= h) break;
        continue;
      }
      const ts = performance.now();
      window.scrollTo(0, y);
      await ogFrames(2);
      if (driven.listeners) {
        const left = pauseMs - (performance.now() - ts);
        if (left > 0) await ogSleep(left);
      }
      y += step;
    }
  }
  const h = ogDocHeight();
  y = Math.max(y, Math.min(h, maxY));
  window.scrollTo(0, Math.max(0, Math.min(h, maxY) - innerHeight));
  await ogFrames(2);
  return { y, height: ogDocHeight(), timedOut, atLimit: y >= maxY, driven: driven.io || driven.listeners };
}

// At the bottom, nudge the page the way a reader does: up a screen and back,
// so scroll listeners fire and observers see the end leave and re-enter.
function ogNudged() {
  if (window.__ogWatch) window.__ogWatch.nudged = performance.now();
}

async function ogNudge() {
  ogNudged();
  const bottom = Math.max(0, ogDocHeight() - innerHeight);
  window.scrollTo(0, Math.max(0, bottom - innerHeight));
  await ogFrames(2);
  window.scrollTo(0, bottom);
  await ogFrames(2);
  return ogDocHeight();
}

// After the scroll pass: native lazy images below the fold are asked for
// now, and the page goes back to the top.
async function ogScrollDone() {
  for (const el of document.querySelectorAll('img[loading=lazy], iframe[loading=lazy]')) el.loading = 'eager';
  window.scrollTo(0, 0);
  await ogFrames(1);
  return ogDocHeight();
}

async function ogWaitImages(maxY, budgetMs) {
  const t0 = performance.now();
  const pending = () => Array.from(document.images).filter((img) => {
    if (img.complete) return false;
    const r = img.getBoundingClientRect();
    return r.top + scrollY < maxY && r.width > 0 && r.height > 0;
  });
  let p = pending();
  while (p.length && performance.now() - t0 < budgetMs) {
    await ogSleep(100);
    p = pending();
  }
  // Give decoded images a frame to paint.
  await ogFrames(2);
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

function ogIsRtlText(s) { return /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/.test(s); }

// Visible text in DOM order, one run per line box, in document CSS px.
function ogTextRuns(maxY) {
  const runs = [];
  const sx = scrollX, sy = scrollY;
  const range = document.createRange();
  const walker = document.createTreeWalker(document.body || document.documentElement, NodeFilter.SHOW_TEXT, {
    acceptNode(n) { return /\S/.test(n.data) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT; },
  });
  const visCache = new Map();
  const push = (text, left, top, right, bottom, fs, rtl) => {
    const y = top + sy;
    if (right - left <= 0 || bottom - top <= 0 || y >= maxY || bottom + sy <= 0) return;
    runs.push({ text, x: left + sx, y, width: right - left, height: bottom - top, font_size: fs, rtl });
  };
  let n;
  while ((n = walker.nextNode())) {
    const el = n.parentElement;
    if (!el || el.closest('script, style, noscript, template, head, title')) continue;
    let vis = visCache.get(el);
    if (vis === undefined) { vis = ogVisible(el) && !ogClippedAway(el); visCache.set(el, vis); }
    if (!vis) continue;
    const cs = getComputedStyle(el);
    const fs = parseFloat(cs.fontSize) || 0;
    if (fs === 0 || cs.color === 'transparent' || /^rgba\(.*,\s*0\)$/.test(cs.color)) continue;
    range.selectNodeContents(n);
    const rects = range.getClientRects();
    const whole = n.data.replace(/\s+/g, ' ').trim();
    const rtl = cs.direction === 'rtl' || ogIsRtlText(whole);
    if (rects.length <= 1) {
      if (rects.length === 1) { const r = rects[0]; push(whole, r.left, r.top, r.right, r.bottom, fs, rtl); }
      continue;
    }
    // Several line boxes: group the words by line.
    const re = /\S+/g;
    let m, line = null;
    const flush = () => { if (line) push(line.words.join(' '), line.l, line.t, line.r, line.b, fs, rtl); line = null; };
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
  }
  return runs.filter((r) => r.text.length > 0);
}

const OG_ERROR_TEXT = /sidan finns inte|sidan kunde inte hittas|page not found|den här sidan är inte tillgänglig|this page isn.t available|this content isn.t available|innehållet är inte tillgängligt|hmm\.\.\.this page doesn.t exist|sorry, this page isn.t available|404 not found|^404$/i;
const OG_LOGIN_TEXT = /logga in för att|log in to (see|continue)|sign in to (see|continue)|logga in|log in|sign in|inloggning krävs|du måste logga in/i;

function ogObstructions(status) {
  const out = [];
  const vw = innerWidth, vh = innerHeight;
  const pw = Array.from(document.querySelectorAll('input[type=password]')).filter(ogVisible);
  if (pw.length) out.push({ kind: 'login-wall', detail: 'visible password field' });
  else {
    for (const e of ogFixedElements().concat(Array.from(document.querySelectorAll('[role=dialog], [aria-modal=true]')).filter(ogVisible))) {
      const r = e.getBoundingClientRect();
      const text = (e.innerText || '').replace(/\s+/g, ' ').trim();
      if (r.width * r.height > 0.3 * vw * vh && OG_LOGIN_TEXT.test(text)) {
        out.push({ kind: 'login-wall', detail: 'login overlay: "' + text.slice(0, 60) + '"' });
        break;
      }
    }
  }
  const c = ogConsentStillThere();
  if (c) out.push({ kind: 'consent-wall', detail: 'consent dialog still shown: "' + c + '"' });
  if (status && status >= 400) out.push({ kind: 'error-page', detail: 'HTTP ' + status });
  else {
    const heads = [document.title].concat(Array.from(document.querySelectorAll('h1, h2')).filter(ogVisible).slice(0, 5).map((h) => h.innerText));
    const hit = heads.map((t) => (t || '').replace(/\s+/g, ' ').trim()).find((t) => OG_ERROR_TEXT.test(t));
    if (hit) out.push({ kind: 'error-page', detail: 'the page says "' + hit.slice(0, 80) + '"' });
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
    height: ogDocHeight(),
    width: Math.max(document.documentElement.scrollWidth, innerWidth),
    ready: document.readyState,
    user_agent: navigator.userAgent,
  };
}
