// boot.js starts the wirebook client (app.wasm). It is a file, not an inline
// script, so the page can be served with a Content-Security-Policy that
// forbids inline scripts. The client itself sets html[data-ready="true"].
"use strict";
(function () {
  var script = document.currentScript;
  var wasm = (script && script.dataset.wasm) || "/static/app.wasm";

  function fail(message) {
    var note = document.querySelector("[data-client-note]");
    if (note) {
      note.textContent = "The client could not start: " + message +
        ". The lesson still reads; its requests cannot run.";
      note.setAttribute("data-state", "error");
    }
    document.documentElement.removeAttribute("data-ready");
    console.error("wirebook client:", message);
  }

  if (typeof WebAssembly !== "object" || typeof Go !== "function") {
    fail("this browser lacks WebAssembly, or wasm_exec.js did not load");
    return;
  }
  var go = new Go();
  WebAssembly.instantiateStreaming(fetch(wasm), go.importObject)
    .then(function (result) {
      return go.run(result.instance);
    })
    .then(function () {
      // The client runs until the page closes; returning means it stopped.
      fail("it stopped");
    })
    .catch(function (err) {
      fail(String(err && err.message || err));
    });
})();
