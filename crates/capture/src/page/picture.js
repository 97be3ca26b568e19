// Picturing the page in bands: pictures and their pixels, text that moved, heights pinned, fixed elements hidden.

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
