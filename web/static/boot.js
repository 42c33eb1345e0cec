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
    document.querySelectorAll("[data-starting]").forEach(function (p) {
      p.textContent = "not run: the client could not start";
      p.closest("[data-cell]").setAttribute("data-state", "error");
    });
    console.error("wirebook client:", message);
  }

  // A click is never lost. The client takes a few seconds to arrive on a
  // slow network, so until it is ready, Run, Run all and Shift/Ctrl+Enter
  // are remembered here, in order, and the cell says "starting…"; the
  // client runs them as soon as it starts (window.wirebookPending).
  var pending = window.wirebookPending = [];
  var ready = function () { return document.documentElement.getAttribute("data-ready") === "true"; };
  function starting(cell) {
    if (!cell || cell.hasAttribute("data-state")) return; // remembered already
    pending.push({ cell: cell.id });
    cell.setAttribute("data-state", "starting");
    var out = cell.querySelector("[data-outputs]");
    if (out) {
      var p = document.createElement("p");
      p.className = "out-starting";
      p.setAttribute("data-starting", "");
      p.textContent = "starting… this request runs as soon as the client is ready";
      out.replaceChildren(p);
    }
  }
  document.querySelectorAll("[data-run], [data-run-all]").forEach(function (b) { b.removeAttribute("disabled"); });
  document.addEventListener("click", function (ev) {
    if (ready()) return;
    var b = ev.target.closest && ev.target.closest("[data-run], [data-run-all]");
    if (!b) return;
    if (b.hasAttribute("data-run-all")) {
      if (b.getAttribute("data-state") !== "starting") {
        pending.push({ all: true });
        b.setAttribute("data-state", "starting");
      }
      return;
    }
    starting(b.closest("[data-cell]"));
  });
  document.addEventListener("keydown", function (ev) {
    if (ready() || ev.key !== "Enter" || !(ev.shiftKey || ev.ctrlKey || ev.metaKey)) return;
    var ta = ev.target.closest && ev.target.closest("[data-request]");
    if (!ta) return;
    ev.preventDefault();
    var cell = ta.closest("[data-cell]");
    starting(cell);
    if (ev.shiftKey) { // Shift+Enter moves on, as it will once the client runs
      var cells = Array.prototype.slice.call(document.querySelectorAll("[data-cell]"));
      var next = cells[cells.indexOf(cell) + 1];
      if (next) next.querySelector("[data-request]").focus();
    }
  });

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
