//go:build js && wasm

// Package fakedom installs a minimal document for client tests under Node,
// which has no DOM: elements with attributes, children, listeners, and
// querySelector for the selectors the client and its tests use (tag, #id,
// [attr], [attr="value"], descendants, comma-separated lists).
package fakedom

import (
	"syscall/js"
	"testing"
)

const script = `(() => {
  class Node {
    constructor() { this.childNodes = []; this.parentNode = null; }
    appendChild(c) { if (c.parentNode) c.remove(); c.parentNode = this; this.childNodes.push(c); return c; }
    insertBefore(c, ref) {
      if (c.parentNode) c.remove();
      c.parentNode = this;
      const i = this.childNodes.indexOf(ref);
      if (i < 0) this.childNodes.push(c); else this.childNodes.splice(i, 0, c);
      return c;
    }
    prepend(...cs) { const old = this.childNodes; this.childNodes = []; cs.forEach(c => this.appendChild(c)); old.forEach(c => this.childNodes.push(c)); }
    replaceChildren(...cs) { this.childNodes.forEach(c => c.parentNode = null); this.childNodes = []; cs.forEach(c => this.appendChild(c)); }
    remove() { if (this.parentNode) { const p = this.parentNode; p.childNodes = p.childNodes.filter(c => c !== this); this.parentNode = null; } }
    get textContent() { return this.childNodes.map(c => c.textContent).join(""); }
    set textContent(s) { this.replaceChildren(new Text(String(s))); }
    get children() { return this.childNodes.filter(c => c instanceof Element); }
    querySelectorAll(sel) {
      const alts = sel.split(",").map(s => s.trim()).map(parse);
      const out = [];
      const walk = n => { for (const c of n.children) { if (alts.some(a => a(c))) out.push(c); walk(c); } };
      walk(this);
      return out;
    }
    querySelector(sel) { return this.querySelectorAll(sel)[0] ?? null; }
  }
  // parse compiles a selector: compounds of tag, #id and [attr] or
  // [attr="value"], joined by the descendant combinator (a space).
  function parse(s) {
    const compounds = s.split(/\s+/).map(compound);
    return el => {
      if (!compounds[compounds.length - 1](el)) return false;
      let i = compounds.length - 2;
      for (let p = el.parentNode; p && i >= 0; p = p.parentNode) {
        if (p instanceof Element && compounds[i](p)) i--;
      }
      return i < 0;
    };
  }
  function compound(s) {
    const m = /^([a-z0-9]*)(#[\w-]+)?((?:\[[^\]]+\])*)$/i.exec(s);
    if (!m) throw new Error("fakedom: unsupported selector " + s);
    const tag = m[1].toUpperCase(), id = m[2] ? m[2].slice(1) : null;
    const attrs = [...m[3].matchAll(/\[([^\]=]+)(?:="([^"]*)")?\]/g)].map(a => [a[1], a[2]]);
    return el => (!tag || el.tagName === tag) && (id === null || el.getAttribute("id") === id) &&
      attrs.every(([n, v]) => el.hasAttribute(n) && (v === undefined || el.getAttribute(n) === v));
  }
  class Text extends Node {
    constructor(s) { super(); this.data = s; }
    get textContent() { return this.data; }
  }
  class Element extends Node {
    constructor(tag) {
      super(); this.tagName = tag.toUpperCase(); this.attrs = new Map(); this.listeners = new Map(); this.value = "";
      const props = new Map();
      this.style = { setProperty: (n, v) => props.set(n, String(v)), getPropertyValue: n => props.get(n) ?? "" };
    }
    setAttribute(n, v) { this.attrs.set(n, String(v)); if (n === "value") this.value = String(v); }
    getAttribute(n) { return this.attrs.has(n) ? this.attrs.get(n) : null; }
    hasAttribute(n) { return this.attrs.has(n); }
    removeAttribute(n) { this.attrs.delete(n); }
    get id() { return this.getAttribute("id") ?? ""; }
    addEventListener(t, f) { if (!this.listeners.has(t)) this.listeners.set(t, new Set()); this.listeners.get(t).add(f); }
    removeEventListener(t, f) { this.listeners.get(t)?.delete(f); }
    focus() { doc.activeElement = this; }
    select() {}
    listenerCount(t) { return this.listeners.get(t)?.size ?? 0; }
    // dispatch fires an event of type t with the given fields; it returns
    // whether a listener called preventDefault.
    dispatch(t, fields) {
      let prevented = false;
      const ev = Object.assign({ type: t, target: this, preventDefault() { prevented = true; } }, fields || {});
      for (const f of [...(this.listeners.get(t) ?? [])]) f(ev);
      return prevented;
    }
  }
  const html = new Element("html");
  const body = html.appendChild(new Element("body"));
  const doc = {
    documentElement: html, body, activeElement: null,
    createElement: tag => new Element(tag),
    createTextNode: s => new Text(String(s)),
    querySelectorAll: sel => html.querySelectorAll(sel),
    querySelector: sel => html.querySelector(sel),
    execCommand: () => true,
  };
  return doc;
})()`

// Install sets globalThis.document to a fresh fake document until the test ends.
func Install(t testing.TB) js.Value {
	t.Helper()
	doc := js.Global().Call("eval", script)
	js.Global().Set("document", doc)
	t.Cleanup(func() { js.Global().Delete("document") })
	return doc
}

const storage = `(quota => {
  const m = new Map();
  const used = () => { let n = 0; for (const [k, v] of m) n += k.length + v.length; return n; };
  return {
    get length() { return m.size; },
    key(i) { return [...m.keys()][i] ?? null; },
    getItem(k) { return m.has(k) ? m.get(k) : null; },
    setItem(k, v) {
      v = String(v);
      const old = m.has(k) ? k.length + m.get(k).length : 0;
      if (quota > 0 && used() - old + k.length + v.length > quota) {
        const e = new Error("The quota has been exceeded."); e.name = "QuotaExceededError"; throw e;
      }
      m.set(k, v);
    },
    removeItem(k) { m.delete(k); },
  };
})`

// InstallStorage sets globalThis.localStorage to an empty in-memory
// Storage until the test ends. Like a browser's, setItem throws a
// QuotaExceededError past quota characters of keys and values (0: no
// limit). It outlives Install, as a browser's storage outlives a reload.
func InstallStorage(t testing.TB, quota int) js.Value {
	t.Helper()
	ls := js.Global().Call("eval", storage).Invoke(quota)
	js.Global().Set("localStorage", ls)
	t.Cleanup(func() { js.Global().Delete("localStorage") })
	return ls
}
