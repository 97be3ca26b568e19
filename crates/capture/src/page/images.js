// Images still loading, and waiting for them.

// Images, in shadow roots too, that are still loading in the band top..bottom.
// Every image of the document and its open shadow roots. A band's checks
// ask for them many times while the page settles; the list is walked again
// only when the DOM has changed since (watch.js says when) or the document
// holds another number of images.
function ogImages() {
  return ogImagesAndFrames().images;
}

// The page's images and frames (through shadow roots), walked once per DOM
// change: a band polls them every 30 ms while it waits.
function ogImagesAndFrames() {
  const st = ogState(), w = window.__ogWatch;
  // Changes right after a nudge are not counted as DOM changes by watch.js,
  // so the document's own image count is part of the key too.
  const at = w && w.last >= 0 ? w.last + ':' + document.images.length : null;
  if (at === null || st.imagesAt !== at || !st.images) {
    const all = ogAllElements();
    st.images = all.filter((e) => e.tagName === 'IMG');
    st.iframes = all.filter((e) => e.tagName === 'IFRAME');
    st.imagesAt = at;
  }
  return { images: st.images, frames: st.iframes };
}

// Whether a frame of the page's own site is still loading: not yet
// navigated (a lazy frame just scrolled into view), its document not
// complete, or an image in its own view not yet loaded. A frame of another
// site is read through its own target and is not waited for here.
function ogFrameBusy(f) {
  let d = null;
  try { d = f.contentDocument; } catch (e) { return false; }
  if (!d) return false;
  const src = f.getAttribute('src');
  if (src && !/^(about|javascript):/i.test(src) && d.URL === 'about:blank') return true;
  if (d.readyState !== 'complete') return true;
  const h = d.defaultView ? d.defaultView.innerHeight : 0;
  return Array.from(d.images).some((img) => {
    if (img.complete) return false;
    const r = img.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < h;
  });
}

// Images in the band from `top` to `bottom` (document px) that have not
// loaded, and frames of the page's own site there that are still loading.
function ogPendingImages(top, bottom) {
  const inBand = (e) => {
    const r = e.getBoundingClientRect();
    return r.bottom + scrollY > top && r.top + scrollY < bottom && r.width > 0 && r.height > 0;
  };
  const all = ogImagesAndFrames();
  const images = all.images.filter((img) => !img.complete && inBand(img));
  const frames = all.frames.filter((f) => inBand(f) && ogFrameBusy(f));
  return images.concat(frames);
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
