// The one way in: the dispatcher for the requests of protocol.rs.

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
  scrollPass: (a) => ogScrollPass(a.clock, a.fromY, a.maxY, a.step, a.budgetMs, a.pauseMs, a.growMs),
  nudge: () => ogNudge(),
  seen: (a) => ogSeen(a.clock),
  scrollDone: () => ogScrollDone(),
  loadMore: (a) => ogLoadMore(a.look),
  unroll: () => ogUnroll(),
  waitImages: (a) => ogWaitImages(a.maxY, a.budgetMs),
  oldestPost: (a) => ogOldestPost(a.clock, a.maxY === null ? undefined : a.maxY),
  obstructions: (a) => ogObstructions(a.status),
  summary: (a) => ogSummary(a.clock, a.maxY),
  declared: () => ogDeclared(),
  listNeedsLogin: () => ogListNeedsLogin(),
  textRuns: (a) => ogTextRuns(a.top, a.bottom),
  coverage: (a) => ogCoverage(a.maxY),
  posts: (a) => ogPosts(a.clock, a.maxY),
  dismissConsent: (a) => ogDismissConsent(a.inFrame),
  frameConsent: () => ogFrameConsent(),
  measureHeights: () => ogMeasureHeights(),
  pinHeights: () => ogPinHeights(),
  scrollTop: () => (window.scrollTo(0, 0), 0),
  unfix: () => ogUnfix(),
  fixedCover: () => ogFixedCover(),
  letOutSideways: () => ogLetOutSideways(),
  paintedExtent: () => ogPaintedExtent(),
  segment: (a) => ogSegment(a.top, a.bottom, a.budgetMs, a.unfix, a.fresh),
  moved: () => ogMoved(),
};

function ogCall(req) {
  const f = Object.prototype.hasOwnProperty.call(OG_CALLS, req.call) ? OG_CALLS[req.call] : null;
  if (!f) throw new Error('the page helpers answer no call named ' + req.call);
  return f(req);
}
