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
          // The build puts each mode's map at the unit map's path with
          // "/unit/" replaced by "/<mode>/" (site/views.go, rangeModes).
          var has = (img.dataset.ranges || "").split(" ").indexOf(mode) >= 0;
          var src = has ? img.dataset.unit.replace("/unit/", "/" + mode + "/") : img.dataset.unit;
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

  function pct(a, b) { return (a / b * 100) + "%"; }
  function place(box, y0, x0, h, w, H, W) {
    if (!box) return;
    var y = Math.max(y0, 0), x = Math.max(x0, 0), y1 = Math.min(y0 + h, H), x1 = Math.min(x0 + w, W);
    box.style.left = pct(x, W); box.style.top = pct(y, H);
    box.style.width = pct(Math.max(x1 - x, 0), W); box.style.height = pct(Math.max(y1 - y, 0), H);
  }
  function fmt(v, d) { var s = v.toFixed(d); return /^-0\.?0*$/.test(s) ? s.slice(1) : s; }
  function mn(v, d) { var s = fmt(v, d); return s.charAt(0) === "-" ? "<mo>(</mo><mn>" + s + "</mn><mo>)</mo>" : "<mn>" + s + "</mn>"; }

  function initDetail(el) {
    var d = JSON.parse(el.dataset.detail), data = null;
    var H = d.out[0], W = d.out[1], iH = d.inShape[0], iW = d.inShape[1], C = d.inShape[2];
    var art = el.closest(".detail");
    function at(y, x, c) { return (y < 0 || x < 0 || y >= iH || x >= iW) ? null : data[(y * iW + x) * C + c]; }
    function show(i) {
      var oy = Math.floor(i / W), ox = i % W;
      var y0 = oy * d.s[0] - d.p[0], x0 = ox * d.s[1] - d.p[1];
      var pos = art.querySelector(".pos");
      if (pos && el.dataset.pos) pos.textContent = el.dataset.pos.replace("{row}", oy).replace("{col}", ox);
      var outs = $$(".mapbox", art), last = outs[outs.length - 1];
      place(last.querySelector(".cell"), oy, ox, 1, 1, H, W);
      var math = art.querySelector(".math"), out;
      if (d.kind === "conv2d") {
        var total = d.bias, parts = [];
        $$(".channels > li", art).forEach(function (li, c) {
          place(li.querySelector(".win"), y0, x0, d.k[0], d.k[1], iH, iW);
          var cells = $$(".winv td", li), s = 0;
          for (var ky = 0; ky < d.k[0]; ky++) for (var kx = 0; kx < d.k[1]; kx++) {
            var v = at(y0 + ky, x0 + kx, c), w = d.kernel[c][ky * d.k[1] + kx];
            v = v === null ? 0 : v; s += v * w;
            var td = cells[ky * d.k[1] + kx]; if (td) td.textContent = fmt(v, 2);
          }
          total += s; parts.push(mn(s, 3));
          var o = li.querySelector("output"); if (o) o.textContent = fmt(s, 3);
        });
        out = d.relu ? Math.max(0, total) : total;
        math.innerHTML = '<math display="block"><mrow><msub><mi>z</mi><mrow><mn>' + oy + "</mn><mo>,</mo><mn>" + ox + "</mn></mrow></msub><mo>=</mo>" +
          parts.join("<mo>+</mo>") + "<mo>+</mo>" + mn(d.bias, 4) + "<mo>=</mo>" + mn(total, 4) +
          (d.relu ? '<mspace width="1em"></mspace><mo>max</mo><mo>(</mo><mn>0</mn><mo>,</mo>' + mn(total, 4) + "<mo>)</mo><mo>=</mo>" + mn(out, 4) : "") + "</mrow></math>";
      } else {
        var vals = [], cells = $$(".winv td", art);
        place(art.querySelector(".pair .win"), y0, x0, d.k[0], d.k[1], iH, iW);
        place(art.querySelector(".pair .cell"), oy, ox, 1, 1, iH, iW);
        for (var y = 0; y < d.k[0]; y++) for (var x = 0; x < d.k[1]; x++) {
          var v2 = at(y0 + y, x0 + x, d.n);
          if (cells[y * d.k[1] + x]) cells[y * d.k[1] + x].textContent = v2 === null ? "" : fmt(v2, d.kind === "relu" ? 4 : 3);
          if (v2 !== null) vals.push(v2);
        }
        out = d.kind === "relu" ? Math.max(0, vals[0]) : Math.max.apply(null, vals);
        math.innerHTML = '<math display="block"><mrow><mo>max</mo><mo>(</mo>' + (d.kind === "relu" ? "<mn>0</mn><mo>,</mo>" : "") +
          vals.map(function (v) { return mn(v, d.kind === "relu" ? 4 : 3); }).join("<mo>,</mo>") + "<mo>)</mo><mo>=</mo>" + mn(out, 4) + "</mrow></math>";
      }
    }
    // The player appears only once the numbers are here: without them
    // (opened from disk, where fetch is refused) the page keeps showing the
    // position it was built with, rather than a window with stale numbers.
    fetch(el.dataset.base + d.in + ".json").then(function (r) { return r.json(); })
      .then(function (j) {
        data = j.data;
        player(el, H * W, show).at(d.pos[0] * W + d.pos[1]);
      }).catch(function () {});
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
  $$(".detail .player[data-detail]").forEach(initDetail);
  $$(".fig-playground[data-pg]").forEach(initPlayground);
})();
