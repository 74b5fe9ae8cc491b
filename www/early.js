// Starts the texts the first render waits for while the wasm downloads (src/ui/ondemand.rs says
// why, and takes these responses); the language rule is src/ui/i18n `Lang::choose`.
(function () {
  // The first frame before background code (src/ui/settle.rs): a promise, made on the first ask
  // (after the app's first render), kept when the frame after it has been drawn and the browser
  // has had an idle moment (300 ms at most); after 1 s in any case, for a page that draws no
  // frames (a background tab, an embed out of view).
  var settle;
  window.__replscopeSettle = function () {
    return settle || (settle = new Promise(function (done) {
      setTimeout(done, 1000);
      requestAnimationFrame(function () {
        if (window.requestIdleCallback) requestIdleCallback(done, { timeout: 300 });
        else setTimeout(done, 0);
      });
    }));
  };
  // Already set: the wasm came first and asked for its texts itself (src/ui/ondemand.rs `early`).
  if (window.__replscopeEarly) return;
  // The lessons that are scenario files, named as their files (src/ui/lessons.rs, a test checks).
  var FILES = ['first-full-sync', 'offsets-and-ack-heartbeat', 'short-cut-partial-resync',
    'long-cut-backlog-overflow-full-resync', 'backlog-sizing', 'diskless-two-replicas-one-delay',
    'writes-during-rdb-transfer', 'replica-restart-partial-resync', 'failover-psync2',
    'slow-replica-output-buffer-limit', 'read-write-split-min-replicas-wait', 'chained-replica'];
  function tag(t) {
    var primary = String(t == null ? '' : t).trim().split(/[-_]/)[0].toLowerCase();
    return primary === 'zh' || primary === 'en' ? primary : null;
  }
  var params, stored = null, early = {};
  try { params = new URLSearchParams(location.search); } catch (e) { return; }
  try { stored = localStorage.getItem('replscope-lang'); } catch (e) { /* no storage */ }
  var browser = (navigator.languages || []).concat(navigator.language ? [navigator.language] : []);
  var lang = tag(params.get('lang')) || tag(stored) || browser.map(tag).filter(Boolean)[0] || 'en';
  var lesson = params.get('lesson');
  // The single file carries both inline (scripts/single.mjs).
  if (lang === 'zh' && !document.getElementById('replscope-zh')) early['zh.txt'] = fetch('zh.txt');
  if (FILES.indexOf(lesson) >= 0 && !document.getElementById('scn-' + lesson)) {
    early['scenarios/' + lesson + '.scn'] = fetch('scenarios/' + lesson + '.scn');
  }
  // A visit whose first render waits for the engine (src/ui/shell.rs `plain_visit`: any lesson
  // but the default, a step, a shared moment, a seed, autoplay): its chunks (scripts/split.mjs
  // names them on this tag) are preloaded now, with the wasm; the loader's fetch takes them.
  var me = document.currentScript;
  var chunks = me && me.getAttribute('data-engine');
  var waits = (lesson && lesson !== 'full-sync') || params.has('step') || params.get('m')
    || (params.has('autoplay') && /^(1|true|yes|on|)$/.test(params.get('autoplay')))
    || (params.has('seed') && params.get('seed') !== '1');
  if (chunks && waits && !document.getElementById('replscope-zh')) {
    chunks.split(' ').forEach(function (file) {
      var link = document.createElement('link');
      link.rel = 'preload';
      link.as = 'fetch';
      link.crossOrigin = 'anonymous';
      link.href = file;
      document.head.appendChild(link);
    });
  }
  // Unused, a failed request must not reach the fatal banner's `unhandledrejection`.
  for (var url in early) early[url].catch(function () {});
  window.__replscopeEarly = early;
})();
