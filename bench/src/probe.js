// Installed by web-bench in every page before the page's own scripts run (CDP
// Page.addScriptToEvaluateOnNewDocument). It gives the page its connection, as the connect screen
// would have left it in sessionStorage, and measures from inside the page. web-bench
// fills in the two double-underscored placeholders (origin and connection) before installing it.
(() => {
  if (location.origin !== __ORIGIN__) return;
  sessionStorage.setItem("roster.connection", __CONNECTION__);

  const bench = (window.__bench = { firstRow: null, result: null });
  const text = (css) => (document.querySelector(css)?.textContent ?? "").trim();
  // Runs `then` with the time just after the next frame has been produced: a task posted from
  // requestAnimationFrame runs once that frame's style, layout and paint are done.
  const afterNextFrame = (then) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => then(performance.now());
      channel.port2.postMessage(null);
    });

  // Cold load: the first table row painted.
  new MutationObserver((_, observer) => {
    if (bench.firstRow === null && document.querySelector("table tbody tr")) {
      observer.disconnect();
      bench.firstRow = -1;
      afterNextFrame((at) => (bench.firstRow = at));
    }
  }).observe(document, { childList: true, subtree: true });

  // Whether the table `want.table` shows what `want` says: its caption, the first row's id (read
  // from the element `want.first.css`, its text or `want.first.attribute`), the sort order of
  // one column.
  const firstId = ({ css, attribute }) => {
    const element = document.querySelector(css);
    return attribute ? element?.getAttribute(attribute) : (element?.textContent ?? "").trim();
  };
  const shows = (want) =>
    (want.caption === undefined || text(`${want.table} caption`) === want.caption) &&
    (want.firstId === undefined || firstId(want.first) === want.firstId) &&
    (want.sortKey === undefined ||
      document.querySelector(`button.sort[data-sort="${want.sortKey}"]`)?.closest("th").getAttribute("aria-sort") ===
        want.ariaSort);

  // Interactions: from the next `eventType` event (its own timestamp) to just after the first
  // frame that shows `want`.
  bench.arm = (eventType, want) => {
    bench.result = null;
    document.addEventListener(
      eventType,
      (event) => {
        const start = event.timeStamp;
        const deadline = performance.now() + 10000;
        const check = () => {
          if (shows(want)) {
            afterNextFrame((at) => (bench.result = { ms: at - start }));
          } else if (performance.now() > deadline) {
            bench.result = { error: `after 10 s the caption says "${text(`${want.table} caption`)}"` };
          } else {
            requestAnimationFrame(check);
          }
        };
        requestAnimationFrame(check);
      },
      { capture: true, once: true },
    );
  };

  // Scrolling: frame intervals and long tasks while `watching`.
  bench.watchFrames = () => {
    const frames = [];
    const longTasks = [];
    const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries()));
    observer.observe({ type: "longtask" });
    let watching = true;
    const tick = (at) => {
      frames.push(at);
      if (watching) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    bench.stopFrames = () => {
      watching = false;
      observer.disconnect();
      const budget = 1000 / 60;
      let dropped = 0;
      for (let i = 1; i < frames.length; i++) {
        dropped += Math.max(0, Math.round((frames[i] - frames[i - 1]) / budget) - 1);
      }
      return {
        frames: frames.length,
        dropped,
        longTasks: longTasks.length,
        longTaskMs: longTasks.reduce((sum, task) => sum + task.duration, 0),
      };
    };
  };
})();
