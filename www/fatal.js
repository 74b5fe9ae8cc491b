// The release build compiles a panic into a wasm trap (scripts/dev.sh, APP_ENV): if one ever
// happens, say so on the page instead of leaving it frozen. A file, not an inline script: the
// page's Content-Security-Policy allows scripts from its own origin only (scripts/csp.mjs).
(function () {
  function fatal(err) {
    if (!(err instanceof WebAssembly.RuntimeError) || document.querySelector('[data-testid=fatal-error]')) return;
    var div = document.createElement('div');
    div.className = 'banner error fatal';
    div.setAttribute('role', 'alert');
    div.setAttribute('data-testid', 'fatal-error');
    div.textContent = 'ReplScope stopped on an internal error (' + err.message + '). Reload the page to start again.';
    document.body.prepend(div);
  }
  addEventListener('error', function (e) { fatal(e.error); });
  addEventListener('unhandledrejection', function (e) { fatal(e.reason); });
})();
