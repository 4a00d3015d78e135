// Progressive enhancement for the explainer. Every page is complete without
// this script; it adds highlighting, the range switch, sample swapping
// without a reload, and step-by-step replay of a neuron's computation.
(function () {
  "use strict";
  var reduce = window.matchMedia && matchMedia("(prefers-reduced-motion: reduce)").matches;
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
    $$('.ov-edges path[data-to="' + id + '"]', ov).forEach(function (p) {
      p.classList.add("hi");
      var from = ov.querySelector('.nb[data-id="' + p.getAttribute("data-from") + '"]');
      if (from) from.classList.add("src");
    });
    if (status) status.textContent = nb.getAttribute("aria-label") || "";
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
  function initModes(root) {
    $$(".modes", root).forEach(function (fs) {
      fs.hidden = false;
      fs.addEventListener("change", function (e) {
        var mode = e.target.value;
        $$(".nb img", fs.closest(".overview")).forEach(function (img) {
          if (!img.dataset.unit) img.dataset.unit = img.getAttribute("src");
          var src = img.dataset[mode] || img.dataset.unit;
          if (src) img.setAttribute("src", src);
        });
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

  function initPlayground(fig) {
    var g = JSON.parse(fig.dataset.pg), side = g.n + 2 * g.p, out = Math.floor((side - g.k) / g.s) + 1;
    var ins = $$(".pg-in tr", fig), outs = $$(".pg-out td", fig);
    player(fig.querySelector(".player"), out * out, function (i) {
      var oy = Math.floor(i / out), ox = i % out;
      ins.forEach(function (tr, y) {
        Array.prototype.forEach.call(tr.children, function (td, x) {
          var inWin = y >= oy * g.s && y < oy * g.s + g.k && x >= ox * g.s && x < ox * g.s + g.k;
          td.classList.toggle("win", inWin);
        });
      });
      outs.forEach(function (td, j) { td.classList.toggle("win", j === i); });
    });
  }

  initModes(document);
  $$(".fig-playground[data-pg]").forEach(initPlayground);
})();
