// Progressive enhancement for the explainer. Every page is complete without
// this script; it adds highlighting, the range switch, sample swapping
// without a reload, and step-by-step replay of a neuron's computation.
(function () {
  "use strict";
  var reduce = window.matchMedia && matchMedia("(prefers-reduced-motion: reduce)").matches;
  function fill(s, v) { return s.replace(/\{(\w+)\}/g, function (m, k) { return k in v ? v[k] : m; }); }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  // Overview: highlight a neuron's inputs and show its values.
  function focusNeuron(nb, on) {
    var ov = nb.closest(".overview");
    if (!ov) return;
    var id = nb.getAttribute("data-id");
    $$(".hi, .src", ov).forEach(function (e) { e.classList.remove("hi", "src"); });
    var status = ov.querySelector(".ov-status");
    if (!on) { if (status) status.textContent = ""; return; }
    nb.classList.add("hi");
    // Each edge names the neuron it leaves (data-i) and the one it feeds
    // (data-o); short names, since the home page carries 470 of them.
    $$('.ov-edges path[data-o="' + id + '"]', ov).forEach(function (p) {
      p.classList.add("hi");
      var from = ov.querySelector('.nb[data-id="' + p.getAttribute("data-i") + '"]');
      if (from) from.classList.add("src");
    });
    if (status) status.textContent = (nb.getAttribute("aria-label") || "") + rangeText(ov, nb, status);
  }
  // The colour range the neuron is drawn on in the chosen mode: its own
  // (data-r), its block's or the network's (from the legend).
  function rangeText(ov, nb, status) {
    var mode = ov.dataset.mode || "unit", col = nb.closest(".ov-col"), lo, hi;
    if (mode === "unit") { hi = nb.dataset.r; lo = hi && "-" + hi; } else {
      var lg = col && col.dataset.block !== undefined &&
        ov.querySelector('.lg[data-mode="' + mode + '"]' + (mode === "module" ? '[data-block="' + col.dataset.block + '"]' : ""));
      if (lg) { lo = lg.dataset.lo; hi = lg.dataset.hi; }
    }
    return hi ? "; " + fill(status.dataset.range || "", { lo: lo, hi: hi }) : "";
  }
  ["mouseover", "focusin"].forEach(function (t) {
    document.addEventListener(t, function (e) {
      var nb = e.target.closest && e.target.closest(".nb");
      if (nb) focusNeuron(nb, true);
    });
  });
  ["mouseout", "focusout"].forEach(function (t) {
    document.addEventListener(t, function (e) {
      var nb = e.target.closest && e.target.closest(".nb");
      if (nb) focusNeuron(nb, false);
    });
  });

  // Overview: colour range per neuron, per block or for the whole network.
  // The choice is kept for the session, so it survives a sample switch
  // (swapped or, from disk, loaded anew).
  function applyMode(ov, mode) {
    ov.dataset.mode = mode;
    $$(".ov-col[data-modes] .nb img", ov).forEach(function (img) {
      img.setAttribute("src", img.getAttribute("src").replace(/\/(unit|module|global)\/(?=[^/]*$)/, "/" + mode + "/"));
    });
    $$(".ov-legend .lg", ov).forEach(function (lg) { lg.hidden = lg.dataset.mode !== mode; });
  }
  function initModes(root) {
    var saved = null;
    try { saved = sessionStorage.getItem("cnnx-range"); } catch (e) {}
    $$(".modes", root).forEach(function (fs) {
      var ov = fs.closest(".overview"), radio = saved && fs.querySelector('input[value="' + saved + '"]');
      fs.hidden = false;
      if (radio) { radio.checked = true; applyMode(ov, saved); }
      fs.addEventListener("change", function (e) {
        applyMode(ov, e.target.value);
        try { sessionStorage.setItem("cnnx-range", e.target.value); } catch (err) {}
      });
    });
  }

  // Sample picker: swap the page's main content without a reload. Links
  // still work as plain links when this fails (for example from disk).
  function swap(href, push) {
    return fetch(href).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.text();
    }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var main = doc.querySelector("main"), top = doc.querySelector("header.top");
      if (!main) throw new Error("no main");
      // Every link is relative. Before the address changes, pin the head's
      // links (taken from the new page) and the scripts to absolute URLs, so
      // nothing is looked for below the new address.
      var had = document.head.querySelectorAll("link[href]"), got = doc.head.querySelectorAll("link[href]");
      if (had.length === got.length) {
        for (var i = 0; i < got.length; i++) had[i].setAttribute("href", new URL(got[i].getAttribute("href"), href).href);
      }
      document.querySelectorAll("script[src]").forEach(function (s) { s.setAttribute("src", s.src); });
      if (push) history.pushState({ swap: true }, "", href);
      document.title = doc.title;
      document.querySelector("main").innerHTML = main.innerHTML;
      var cur = document.querySelector("header.top");
      if (cur && top) cur.innerHTML = top.innerHTML;
      initModes(document);
      initTry(document);
      if (self.cnnxPicker) self.cnnxPicker(document);
      var picked = document.querySelector('.picker a[aria-current]');
      if (picked) picked.focus();
    });
  }
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest(".overview .picker a");
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey || location.protocol === "file:") return;
    e.preventDefault();
    swap(a.href, true).catch(function () { location.href = a.href; });
  });
  window.addEventListener("popstate", function () {
    swap(location.href, false).catch(function () { location.reload(); });
  });

  // Players: step a window over a map, by hand or on a timer.
  function player(el, steps, show) {
    var i = 0, timer = null, play = el.querySelector('[data-act="play"]');
    el.hidden = false;
    function go(n) { i = (n + steps) % steps; show(i); }
    function stop() {
      clearInterval(timer); timer = null;
      if (play) { play.setAttribute("aria-pressed", "false"); play.textContent = el.dataset.play || play.textContent; }
    }
    el.addEventListener("click", function (e) {
      var act = e.target.getAttribute && e.target.getAttribute("data-act");
      if (act === "next") { stop(); go(i + 1); }
      if (act === "prev") { stop(); go(i - 1); }
      if (act === "play") {
        if (timer) { stop(); return; }
        play.setAttribute("aria-pressed", "true");
        play.textContent = el.dataset.pause || play.textContent;
        timer = setInterval(function () { go(i + 1); }, reduce ? 1000 : 250);
      }
    });
    return { go: go, at: function (n) { i = n; } };
  }

  // Playground: the controls pick one of the animations render drew;
  // formula and notes follow the same rules as site/playground.go.
  function initPlayground(fig) {
    var g = JSON.parse(fig.dataset.pg), t = g.t, ctl = fig.querySelector(".pg-controls");
    var view = fig.querySelector(".pg-view"), fit = fig.querySelector(".pg-fit"), cap = fig.querySelector("figcaption");
    ctl.hidden = false;
    ctl.addEventListener("change", function () {
      var v = {};
      $$("select", ctl).forEach(function (s) { v[s.dataset.k] = +s.value; });
      var n = v.size, p = v.padding, k = v.kernel, s = v.stride, rest = n + 2 * p - k;
      var x = { n: n, p: p, k: k, s: s, size: n, padding: p, kernel: k, stride: s, side: n + 2 * p, rest: rest, gap: s - k,
        out: rest >= 0 ? Math.floor(rest / s) + 1 : 0, left: rest >= 0 ? rest % s : 0 };
      x.steps = x.out - 1;
      var notes = rest < 0 ? [t.none] : [];
      if (rest >= 0) {
        if (rest % s) notes.push(t.uneven);
        if (s > k) notes.push(t.skips);
        if (p >= k) notes.push(t.padding_only);
      }
      fig.querySelector(".pg-formula").textContent = rest < 0 ? "" : fill(t.formula, x);
      fit.textContent = "";
      (notes.length ? notes : [t.fits]).forEach(function (m) {
        var el = document.createElement("p");
        el.className = notes.length ? "pg-bad" : "pg-ok";
        el.textContent = fill(m, x);
        fit.appendChild(el);
      });
      cap.textContent = rest < 0 ? "" : fill(t.summary, x);
      var img = view.querySelector("img");
      if (rest < 0) { if (img) img.hidden = true; return; }
      if (!img) { img = document.createElement("img"); img.className = "pg-anim"; view.appendChild(img); }
      img.hidden = false;
      img.alt = cap.textContent;
      img.onload = function () { img.width = img.naturalWidth * g.scale; img.height = img.naturalHeight * g.scale; };
      img.setAttribute("src", fill(g.src, x));
    });
  }

  // ---- Try your own picture (issue 13): the panel needs scripts, so it
  // shows only here; try.js and the engine load on the first click only.
  function initTry(root) { $$(".try[hidden]", root).forEach(function (s) { s.hidden = false; }); }
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest(".try-start");
    if (!b) return;
    var sec = b.closest(".try");
    if (window.cnnTryStart) { window.cnnTryStart(sec); return; }
    b.disabled = true;
    var s = document.createElement("script");
    s.src = sec.dataset.script;
    s.onload = function () { window.cnnTryStart(sec); };
    s.onerror = function () { b.disabled = false; };
    document.head.appendChild(s);
  });
  initTry(document);
  // ---- end of try

  initModes(document);
  $$(".fig-playground[data-pg]").forEach(initPlayground);
})();
