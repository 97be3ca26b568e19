// Runs in every new document before the page's own scripts, so the capture
// can wait for what the page does instead of sleeping a fixed time. It only
// observes: when the DOM last changed (style-only changes excluded, so an
// animation does not look like loading), and whether the page set up
// anything that reacts to scrolling (IntersectionObserver, scroll or wheel
// listeners on the window or document, or on an element: an app shell's
// inner scroller). A page with neither does not need a scroll pass: nothing
// in it can load because of scrolling. Shadow roots are watched too, so a
// web component that renders late is not mistaken for a quiet page.
(function () {
  if (window.__ogWatch) return;
  // `id` tells this document from the next one in the same tab; `nudged` is
  // when the capture last scrolled up and back, and the DOM changes scroll
  // handlers make right after that (a header hiding) are not "loading".
  const w = { id: performance.timeOrigin + '-' + Math.random(), last: performance.now(), nudged: -1e9, io: 0, scroll: 0, scrollEl: 0 };
  Object.defineProperty(window, '__ogWatch', { value: w });
  const OPTS = { subtree: true, childList: true, attributes: true, characterData: true };
  let mo = null;
  try {
    mo = new MutationObserver((list) => {
      if (performance.now() - w.nudged < 150) return;
      for (const m of list) {
        if (m.type !== 'attributes' || m.attributeName !== 'style') { w.last = performance.now(); return; }
      }
    });
    mo.observe(document, OPTS);
  } catch (e) { w.last = -1; }
  const EP = window.Element && window.Element.prototype;
  if (mo && EP && EP.attachShadow) {
    EP.attachShadow = new Proxy(EP.attachShadow, {
      apply(target, self, args) {
        const root = Reflect.apply(target, self, args);
        try { mo.observe(root, OPTS); w.last = performance.now(); } catch (e) { /* not observable */ }
        return root;
      },
    });
  }
  const IO = window.IntersectionObserver;
  if (IO) {
    window.IntersectionObserver = new Proxy(IO, {
      construct(target, args, newTarget) { w.io += 1; return Reflect.construct(target, args, newTarget); },
    });
  }
  const ET = window.EventTarget && window.EventTarget.prototype;
  if (ET && ET.addEventListener) {
    ET.addEventListener = new Proxy(ET.addEventListener, {
      apply(target, self, args) {
        // A bare `addEventListener(...)` call has no `this`: it is the window's.
        const t = self == null ? window : self;
        if (/^(scroll|wheel|mousewheel|touchmove)$/.test(String(args[0]))) {
          if (t === window || t === document || t === document.documentElement || t === document.body) w.scroll += 1;
          else w.scrollEl += 1;
        }
        return Reflect.apply(target, self, args);
      },
    });
  }
})();
