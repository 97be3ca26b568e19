// Picturing the page in bands: pictures and their pixels, text that moved, heights pinned, fixed and sticky elements pictured once.

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
async function ogSegment(top, bottom, budgetMs, unfix, fresh) {
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
  // What the page made fixed or showed again while it was scrolled here is
  // hidden too; what it shows again at once stays, and is reported.
  let fixed = [];
  if (unfix && ogUnfix() > 0) {
    await ogFrames(1);
    fixed = ogFixedShown(top, bottom);
    if (fixed.length) ogUnfix();
  }
  if (fresh) st.stale = true;
  ogNoteKept(top, bottom);
  // Once one band had to be read again, the whole page's first reading is
  // out of date: a band reading replaces the probes with its own elements,
  // which no longer show that text further down was read in the old layout.
  // Every later band is read afresh (a layout that settled between the first
  // reading and band 3 left band 4's text up to 950 px off its picture).
  const changed = st.stale || !w || w.last < 0 || !st.readAt || w.last > st.readAt || ogMoved();
  if (changed) st.stale = true;
  return { pending, runs: changed ? ogTextRuns(top, bottom) : null, pictures: ogPictures(top, bottom), fixed };
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

// Whether a `position: fixed` element is fixed to the viewport: no ancestor
// is its containing block (a transform, filter, perspective or containment
// makes one, and the element then scrolls with the page like any other).
function ogViewportFixed(e) {
  for (let p = ogParent(e); p && p !== document.documentElement && p !== document.body; p = ogParent(p)) {
    const cs = getComputedStyle(p);
    if (cs.transform !== 'none' || cs.perspective !== 'none' || cs.filter !== 'none' ||
        (cs.backdropFilter && cs.backdropFilter !== 'none') || /paint|layout|strict|content/.test(cs.contain) ||
        /transform|perspective|filter/.test(cs.willChange) || (cs.containerType && cs.containerType !== 'normal')) return false;
  }
  return true;
}

// The elements that stay where they are while the page scrolls: fixed to
// the viewport, or sticky; in shadow roots too. `all` includes those not
// painted now (a button that shows itself once the page is scrolled).
function ogStuck(all) {
  const out = [];
  for (const e of ogAllElements()) {
    const cs = getComputedStyle(e);
    if (cs.position === 'sticky' || (cs.position === 'fixed' && ogViewportFixed(e))) {
      if (all || ogVisible(e)) out.push({ e, fixed: cs.position === 'fixed' });
    }
  }
  return out;
}

// The first screen, at the top of the page: each fixed element painted
// there with its box (document px) and the page's text under it, and all
// of the page's own text there (read with the fixed elements hidden for a
// moment). The first reading of the page's
// text stays the one later bands compare with.
function ogFixedCover() {
  const els = ogStuck(false).filter((s) => s.fixed).map((s) => s.e);
  if (!els.length) return { boxes: [], content: [] };
  const st = ogState();
  const kept = { readAt: st.readAt, probes: st.probes };
  const saved = els.map((e) => [e, e.style.getPropertyValue('opacity'), e.style.getPropertyPriority('opacity')]);
  for (const e of els) e.style.setProperty('opacity', '0', 'important');
  const runs = ogTextRuns(-1e9, innerHeight + scrollY);
  for (const [e, v, p] of saved) {
    if (v) e.style.setProperty('opacity', v, p); else e.style.removeProperty('opacity');
  }
  Object.assign(st, kept);
  const boxes = els.map((e) => {
    const r = e.getBoundingClientRect();
    const box = { x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height };
    return { what: ogDescribe(e), ...box, covers: runs.filter((t) => ogOver(box, t)) };
  });
  return { boxes, content: runs };
}

// Whether `box` covers a quarter or more of the text run `t`.
function ogOver(box, t) {
  const w = Math.min(box.x + box.width, t.x + t.width) - Math.max(box.x, t.x);
  const h = Math.min(box.y + box.height, t.y + t.height) - Math.max(box.y, t.y);
  return w > 0 && h > 0 && w * h >= 0.25 * t.width * t.height;
}

// After the first tile: fixed elements were painted there once, so later
// tiles hide them (opacity, which no part of them can undo as a child's own
// `visibility: visible` undoes a parent's hidden); sticky ones go back to
// their place in the flow. Called again in every band: a page may make an
// element fixed, or show it again, once it is scrolled.
function ogUnfix() {
  let n = 0;
  for (const { e, fixed } of ogStuck(true)) {
    if (fixed) {
      e.style.setProperty('opacity', '0', 'important');
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

// Fixed elements painted in the band top..bottom although they were hidden
// (the page showed them again at once): each with its box (document px) and
// the start of its own text.
function ogFixedShown(top, bottom) {
  const out = [];
  for (const { e, fixed } of ogStuck(false)) {
    const r = e.getBoundingClientRect();
    const y = r.top + scrollY;
    if (!fixed || y >= bottom || y + r.height <= top || r.right <= 0 || r.left >= innerWidth) continue;
    out.push({ what: ogDescribe(e), x: r.left + scrollX, y, width: r.width, height: r.height, text: ogClean(e.innerText).slice(0, 500) });
  }
  return out;
}

// Whether computed style `cs` paints a box: a background, a border or a shadow.
function ogPaintsBox(cs) {
  const seen = (c) => !!c && c !== 'transparent' && !/^rgba\(.*,\s*0\)$/.test(c);
  if (seen(cs.backgroundColor) || cs.backgroundImage !== 'none' || cs.boxShadow !== 'none') return true;
  return ['Top', 'Right', 'Bottom', 'Left'].some((s) => parseFloat(cs['border' + s + 'Width']) > 0
    && cs['border' + s + 'Style'] !== 'none' && seen(cs['border' + s + 'Color']));
}

// How far sideways anything is painted (window px, at the page's sideways
// start): text, pictures and controls, and boxes with a background, border
// or shadow, within what their ancestors' overflow lets show. A page laid
// out wider than what is pictured (a block made 7 000 px wide by an empty
// child) may paint nothing out there. { left, right }, both 0 where nothing
// is painted.
function ogPaintedExtent() {
  const clip = new Map();
  let left = Infinity, right = -Infinity;
  const add = (el, l, r) => {
    const c = ogContentClip(el, clip);
    if (c) { l = Math.max(l, c.l); r = Math.min(r, c.r); }
    if (r - l < 1) return;
    left = Math.min(left, l + scrollX);
    right = Math.max(right, r + scrollX);
  };
  const replaced = /^(IMG|SVG|VIDEO|CANVAS|IFRAME|FRAME|OBJECT|EMBED|INPUT|TEXTAREA|SELECT|BUTTON|PICTURE)$/i;
  for (const e of ogAllElements()) {
    if (OG_SKIP.test(e.tagName)) continue;
    const hasText = [...e.childNodes].some((n) => n.nodeType === 3 && /\S/.test(n.data));
    const cs = getComputedStyle(e);
    const box = replaced.test(e.tagName) || ogPaintsBox(cs);
    if (!hasText && !box) continue;
    if (!ogVisible(e)) continue;
    if (box) { const r = e.getBoundingClientRect(); add(ogParent(e), r.left, r.right); }
    if (!hasText || cs.color === 'transparent' || /^rgba\(.*,\s*0\)$/.test(cs.color)) continue;
    for (const n of e.childNodes) {
      if (n.nodeType !== 3 || !/\S/.test(n.data)) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      for (const r of range.getClientRects()) add(e, r.left, r.right);
    }
  }
  return right < left ? { left: 0, right: 0 } : { left, right };
}
