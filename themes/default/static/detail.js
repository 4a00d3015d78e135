// Detail views (neuron pages), loaded by those pages only. A position is
// picked by pointing at, clicking or using the arrow keys on any map, or
// stepped by the player; every map's window and cell, the numbers and the
// formula follow. The map the layer reads comes from a data script
// (self.tinyvggData) loaded just before this one, which runs from disk as it
// does served; without it the page keeps the position it was built with.
// The class view links each term of a logit with its map cell and weight,
// and the softmax table its rows with the denominator's terms.
(function () {
  "use strict";
  var reduce = window.matchMedia && matchMedia("(prefers-reduced-motion: reduce)").matches;
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function $(sel, root) { return (root || document).querySelector(sel); }
  function on(el, type, fn) { el.addEventListener(type, fn); }
  function pct(a, b) { return (a / b * 100) + "%"; }
  function place(box, y0, x0, h, w, H, W) {
    var y = Math.max(y0, 0), x = Math.max(x0, 0), y1 = Math.min(y0 + h, H), x1 = Math.min(x0 + w, W);
    box.style.left = pct(x, W); box.style.top = pct(y, H);
    box.style.width = pct(Math.max(x1 - x, 0), W); box.style.height = pct(Math.max(y1 - y, 0), H);
  }
  function fmt(v, d) { var s = v.toFixed(d); return /^-0\.?0*$/.test(s) ? s.slice(1) : s; }
  // Brackets around a negative term keep their text size (a stretchy one
  // grows to the height of the subscripted z beside it).
  function mathml(x) { return '<math display="block"><mrow>' + x + "</mrow></math>"; }
  function mn(v, d) { var s = fmt(v, d); return s.charAt(0) === "-" ? '<mo stretchy="false">(</mo><mn>' + s + '</mn><mo stretchy="false">)</mo>' : "<mn>" + s + "</mn>"; }
  function fill(tpl, vals) {
    return tpl.replace(/\{(\w+)\}/g, function (m, k) { return k in vals ? vals[k] : m; });
  }
  // The cell of a map under the pointer, in the map's own rows and columns.
  function cellAt(box, e) {
    var img = $("img", box), r = img.getBoundingClientRect();
    var h = +img.getAttribute("height"), w = +img.getAttribute("width");
    var y = Math.floor((e.clientY - r.top) / r.height * h), x = Math.floor((e.clientX - r.left) / r.width * w);
    return [Math.min(Math.max(y, 0), h - 1), Math.min(Math.max(x, 0), w - 1)];
  }
  function initDetailView(dv, redraw) {
    var d = JSON.parse(dv.dataset.detail), store = self.tinyvggData || {}, src = store[d.in];
    if (!src || !src.data) return;
    // A convolution's kernels come from one script for the whole layer.
    if (d.kk) d.kernel = (store[d.kk] || [])[d.n];
    if (d.kind === "conv2d" && !d.kernel) return;
    var data = src.data, H = d.out[0], W = d.out[1], iH = d.inShape[0], iW = d.inShape[1], C = d.inShape[2];
    var kh = d.k[0], kw = d.k[1], cur = d.pos[0] * W + d.pos[1], timer = null;
    var el = $(".player", dv), playBtn = $('[data-act="play"]', el);
    var status = $(".dstatus", dv), math = $(".math", dv), posText = $(".pos", dv);
    var boxes = $$(".mapbox", dv), chans = $$(".dchan", dv);
    function at(y, x, c) { return (y < 0 || x < 0 || y >= iH || x >= iW) ? null : data[(y * iW + x) * C + c]; }
    function y0(oy) { return oy * d.s[0] - d.p[0]; }
    function x0(ox) { return ox * d.s[1] - d.p[1]; }
    // One channel's share of a convolution at an output cell.
    function part(c, oy, ox) {
      var s = 0;
      for (var ky = 0; ky < kh; ky++) for (var kx = 0; kx < kw; kx++) {
        var v = at(y0(oy) + ky, x0(ox) + kx, c);
        if (v !== null) s += v * d.kernel[c][ky * kw + kx];
      }
      return s;
    }
    function windowVals(oy, ox, c) {
      var vals = [];
      for (var ky = 0; ky < kh; ky++) for (var kx = 0; kx < kw; kx++) vals.push(at(y0(oy) + ky, x0(ox) + kx, c));
      return vals;
    }
    function output(oy, ox) {
      if (d.kind === "conv2d") {
        var z = d.bias;
        for (var c = 0; c < C; c++) z += part(c, oy, ox);
        return d.relu ? Math.max(0, z) : z;
      }
      var vals = windowVals(oy, ox, d.n).filter(function (v) { return v !== null; });
      if (d.kind in point) return point[d.kind](vals[0]);
      if (d.kind === "avgpool2d" || d.kind === "globalavgpool") return vals.reduce(function (a, v) { return a + v; }, 0) / divisor(vals);
      return d.kind === "relu" ? Math.max(0, vals[0]) : Math.max.apply(null, vals);
    }
    // The kinds TinyVGG lacks: value-by-value layers, and the averages.
    var point = {
      leakyrelu: function (v) { return v > 0 ? v : d.alpha * v; },
      sigmoid: function (v) { return 1 / (1 + Math.exp(-v)); },
      tanh: function (v) { return Math.tanh(v); },
      batchnorm: function (v) { return (v - d.bn[0]) / d.bn[1] * d.bn[2] + d.bn[3]; }
    };
    function divisor(vals) { return d.cp ? kh * kw : vals.length; }
    function kindMath(vals, out) {
      var v = vals[0], eq = "<mo>=</mo>" + mn(out, 4);
      if (d.kind === "leakyrelu") return "<mo>max</mo><mo>(</mo>" + mn(v, 4) + "<mo>,</mo>" + mn(d.alpha, 4) + "<mo>⋅</mo>" + mn(v, 4) + "<mo>)</mo>" + eq;
      if (d.kind === "sigmoid") return "<mfrac><mn>1</mn><mrow><mn>1</mn><mo>+</mo><mi>exp</mi><mo>(</mo><mo>-</mo>" + mn(v, 4) + "<mo>)</mo></mrow></mfrac>" + eq;
      if (d.kind === "tanh") return "<mi>tanh</mi><mo>(</mo>" + mn(v, 4) + "<mo>)</mo>" + eq;
      if (d.kind === "batchnorm") return "<mfrac><mrow>" + mn(v, 4) + "<mo>-</mo>" + mn(d.bn[0], 4) + "</mrow>" + mn(d.bn[1], 4) + "</mfrac><mo>⋅</mo>" + mn(d.bn[2], 4) + "<mo>+</mo>" + mn(d.bn[3], 4) + eq;
      var sum = vals.reduce(function (a, x) { return a + x; }, 0);
      return "<mfrac>" + mn(sum, 4) + "<mn>" + divisor(vals) + "</mn></mfrac>" + eq;
    }
    function overlay(box, cls) {
      var o = box.querySelector("." + cls);
      if (!o) { o = document.createElement("span"); o.className = cls; box.appendChild(o); }
      return o;
    }
    function show(i) {
      cur = (i + H * W) % (H * W);
      var oy = Math.floor(cur / W), ox = cur % W;
      if (posText && dv.dataset.pos) posText.textContent = fill(dv.dataset.pos, { row: oy, col: ox });
      boxes.forEach(function (box) {
        if (box.dataset.role === "in") {
          if (kh * kw === 1) place(overlay(box, "cell"), oy, ox, 1, 1, iH, iW);
          else place(overlay(box, "win"), y0(oy), x0(ox), kh, kw, iH, iW);
        } else place(overlay(box, "cell"), oy, ox, 1, 1, H, W);
      });
      var out = output(oy, ox), val = $(".dval", dv);
      if (val && dv.dataset.value) val.textContent = fill(dv.dataset.value, { value: fmt(out, 4) });
      if (d.kind === "conv2d") {
        var total = d.bias, parts = [];
        chans.forEach(function (li, c) {
          var vals = windowVals(oy, ox, c), cells = $$(".winv td", li), s = part(c, oy, ox);
          vals.forEach(function (v, k) { if (cells[k]) cells[k].textContent = fmt(v === null ? 0 : v, 2); });
          total += s; parts.push(mn(s, 3));
          var o = $("output", li); if (o) o.textContent = fmt(s, 3);
        });
        math.innerHTML = mathml("<msub><mi>z</mi><mrow><mn>" + oy + "</mn><mo>,</mo><mn>" + ox + "</mn></mrow></msub><mo>=</mo>" +
          parts.join("<mo>+</mo>") + "<mo>+</mo>" + mn(d.bias, 4) + "<mo>=</mo>" + mn(total, 4) +
          (d.relu ? '<mspace width="1em"></mspace><mo>max</mo><mo>(</mo><mn>0</mn><mo>,</mo>' + mn(total, 4) + "<mo>)</mo><mo>=</mo>" + mn(out, 4) : ""));
        var sum = $(".dsum .sum", dv);
        if (sum && sum.dataset.tpl) {
          sum.textContent = fill(sum.dataset.tpl, { n: sum.dataset.n, bias: sum.dataset.bias, sum: fmt(total, 4) }) +
            (sum.dataset.relu ? " " + fill(sum.dataset.relu, { value: fmt(out, 4) }) : "");
        }
      } else {
        var vals = windowVals(oy, ox, d.n), cells = $$(".winv td", dv), prec = d.kind === "relu" || d.kind in point ? 4 : 3;
        vals.forEach(function (v, k) { if (cells[k]) cells[k].textContent = v === null ? (d.cp ? fmt(0, prec) : "") : fmt(v, prec); });
        vals = vals.filter(function (v) { return v !== null; });
        if (d.kind !== "relu" && d.kind !== "maxpool2d") math.innerHTML = mathml(kindMath(vals, out));
        else math.innerHTML = mathml("<mo>max</mo><mo>(</mo>" + (d.kind === "relu" ? "<mn>0</mn><mo>,</mo>" : "") +
          vals.map(function (v) { return mn(v, prec); }).join("<mo>,</mo>") + "<mo>)</mo><mo>=</mo>" + mn(out, 4));
      }
    }
    // The value under one cell of one map, for the status line.
    function describe(box, y, x) {
      var role = box.dataset.role, c = +box.dataset.c, v;
      if (role === "in") v = at(y, x, c);
      else if (role === "part") v = part(c, y, x);
      else v = output(y, x);
      var cap = $("figcaption", box.parentNode);
      status.textContent = fill(dv.dataset.status || "", {
        name: cap ? cap.textContent : "", row: y, col: x, value: v === null ? "" : fmt(v, 4), lo: box.dataset.lo, hi: box.dataset.hi
      });
    }
    // A cell of an input map picks the output position whose window is
    // centred nearest to it.
    function toOut(box, y, x) {
      if (box.dataset.role !== "in") return [y, x];
      var oy = Math.round((y + d.p[0] - (kh - 1) / 2) / d.s[0]), ox = Math.round((x + d.p[1] - (kw - 1) / 2) / d.s[1]);
      return [Math.min(Math.max(oy, 0), H - 1), Math.min(Math.max(ox, 0), W - 1)];
    }
    function stop() {
      clearInterval(timer); timer = null;
      playBtn.setAttribute("aria-pressed", "false"); playBtn.textContent = dv.dataset.play || playBtn.textContent;
    }
    function pick(box, y, x) {
      var o = toOut(box, y, x);
      show(o[0] * W + o[1]);
      describe(box, y, x);
    }
    boxes.forEach(function (box) {
      var cap = $("figcaption", box.parentNode);
      box.tabIndex = 0;
      box.setAttribute("role", "group");
      if (cap) box.setAttribute("aria-label", cap.textContent);
      on(box, "mousemove", function (e) { stop(); var c = cellAt(box, e); pick(box, c[0], c[1]); });
      on(box, "click", function (e) { stop(); var c = cellAt(box, e); pick(box, c[0], c[1]); box.focus(); });
      on(box, "focus", function () { var oy = Math.floor(cur / W), ox = cur % W; describe(box, box.dataset.role === "in" ? Math.max(y0(oy), 0) : oy, box.dataset.role === "in" ? Math.max(x0(ox), 0) : ox); });
      on(box, "keydown", function (e) {
        var dy = { ArrowUp: -1, ArrowDown: 1 }[e.key] || 0, dx = { ArrowLeft: -1, ArrowRight: 1 }[e.key] || 0;
        if (!dy && !dx) return;
        e.preventDefault(); stop();
        var oy = Math.min(Math.max(Math.floor(cur / W) + dy, 0), H - 1), ox = Math.min(Math.max(cur % W + dx, 0), W - 1);
        show(oy * W + ox);
        if (box.dataset.role === "in") describe(box, Math.min(Math.max(y0(oy) + (kh >> 1), 0), iH - 1), Math.min(Math.max(x0(ox) + (kw >> 1), 0), iW - 1));
        else describe(box, oy, ox);
      });
    });
    on(el, "click", function (e) {
      var act = e.target.getAttribute && e.target.getAttribute("data-act");
      if (act === "next") { stop(); show(cur + 1); }
      if (act === "prev") { stop(); show(cur - 1); }
      if (act === "play") {
        if (timer) { stop(); return; }
        playBtn.setAttribute("aria-pressed", "true");
        playBtn.textContent = dv.dataset.pause || playBtn.textContent;
        timer = setInterval(function () { show(cur + 1); }, reduce ? 1000 : 250);
      }
    });
    if (redraw) show(cur);
    // One output cell (a global average): nothing to step through.
    if (H * W < 2) return;
    el.hidden = false;
    var help = $(".dhelp", dv); if (help) help.hidden = false;
  }

  // Softmax: a class's row (with its bar) and its term of the denominator
  // highlight each other, and the formula shows that class's probability.
  function initSoftmax(sec) {
    var rows = $$("table.softmax tbody tr", sec), terms = $$(".smt", sec), math = $(".math", sec);
    var foot = $("table.softmax tfoot td:nth-of-type(2)", sec);
    if (!math || !foot || rows.length !== terms.length) return;
    function cell(tr, i) { return tr.querySelectorAll("td")[i].textContent.trim(); }
    var logits = rows.map(function (tr) { return parseFloat(cell(tr, 0)); }), m = Math.max.apply(null, logits);
    function show(k, lit) {
      rows.forEach(function (tr, i) { tr.classList.toggle("hl", lit && i === k); });
      terms.forEach(function (t, i) { t.classList.toggle("hl", lit && i === k); });
      if (!lit) return;
      var p = parseFloat(cell(rows[k], 2)) / 100;
      math.innerHTML = mathml("<msub><mi>p</mi><mn>" + k + '</mn></msub><mo>=</mo><mfrac><mrow><mo>exp</mo><mo>(</mo>' +
        mn(logits[k], 4) + "<mo>−</mo>" + mn(m, 4) + '<mo>)</mo></mrow><mrow><munder><mo>∑</mo><mi>j</mi></munder><mo>exp</mo><mo>(</mo><msub><mi>z</mi><mi>j</mi></msub><mo>−</mo>' +
        mn(m, 4) + "<mo>)</mo></mrow></mfrac><mo>=</mo><mfrac><mn>" + cell(rows[k], 1) + "</mn><mn>" + foot.textContent.trim() + "</mn></mfrac><mo>=</mo>" + mn(p, 4));
    }
    [rows, terms].forEach(function (list) {
      list.forEach(function (el, k) {
        on(el, "mouseenter", function () { show(k, true); });
        on(el, "focusin", function () { show(k, true); });
        on(el, "mouseleave", function () { show(k, false); });
        on(el, "focusout", function () { show(k, false); });
      });
    });
  }

  // Flatten and dense: each term of the logit (a value times its weight)
  // and the cell it comes from light up together. Pointing at or focusing
  // a row marks its cell on the map and on the weight picture; pointing at
  // a map cell names its term in the status line, and its row if listed.
  function initClass(cv) {
    var d = JSON.parse(cv.dataset.class), store = self.tinyvggData || {};
    var src = store[d.in], wts = store[d.w], status = $(".dstatus", cv);
    if (!status) return;
    var H = d.map[0], W = d.map[1], C = d.map[2], cur = [0, 0, 0];
    // Maps come in channel order; each picture is wrapped in a box that
    // holds its cell outline.
    var rows = $$("table.terms tbody tr[data-t]", cv), figs = $$(".class-maps li", cv);
    var at = rows.map(function (r) { return r.dataset.t.split(",").map(Number); });
    figs.forEach(function (li) {
      $$("img", li).forEach(function (img) {
        var box = document.createElement("span");
        box.className = "cbox";
        img.parentNode.insertBefore(box, img);
        box.appendChild(img);
      });
    });
    function flat(y, x, c) { return d.cf ? (c * H + y) * W + x : (y * W + x) * C + c; }
    function rowOf(y, x, c) {
      for (var i = 0; i < rows.length; i++) if (at[i][0] === y && at[i][1] === x && at[i][2] === c) return rows[i];
      return null;
    }
    function mark(y, x, c) {
      cur = [y, x, c];
      figs.forEach(function (li, k) {
        var lit = k === c;
        li.classList.toggle("hl", lit);
        $$(".cbox", li).forEach(function (box) {
          var o = $(".cell", box);
          if (!lit) { if (o) o.hidden = true; return; }
          if (!o) { o = document.createElement("span"); o.className = "cell"; box.appendChild(o); }
          o.hidden = false;
          place(o, y, x, 1, 1, H, W);
        });
      });
      var row = rowOf(y, x, c);
      rows.forEach(function (r) { r.classList.toggle("hl", r === row); });
      var t, where = fill(status.dataset.where, { row: y, col: x, c: c });
      if (row) {
        var td = row.querySelectorAll("td");
        t = { i: td[0].textContent, where: where, v: td[2].textContent, w: td[3].textContent, p: td[4].textContent };
      } else if (src && wts) {
        var i = flat(y, x, c), v = src.data[(y * W + x) * C + c], w = wts.data[i];
        t = { i: i, where: where, v: fmt(v, 3), w: fmt(w, 3), p: fmt(v * w, 3) };
      }
      status.textContent = t ? fill(status.dataset.tpl, t) : "";
    }
    function clear() {
      figs.forEach(function (li) { li.classList.remove("hl"); });
      $$(".cbox .cell", cv).forEach(function (o) { o.hidden = true; });
      rows.forEach(function (r) { r.classList.remove("hl"); });
    }
    rows.forEach(function (row, k) {
      row.tabIndex = 0;
      function hl() { mark(at[k][0], at[k][1], at[k][2]); }
      on(row, "mouseenter", hl);
      on(row, "focus", hl);
      on(row, "keydown", function (e) {
        var step = { ArrowUp: -1, ArrowDown: 1 }[e.key];
        if (!step || !rows[k + step]) return;
        e.preventDefault(); rows[k + step].focus();
      });
    });
    on(cv, "mouseleave", clear);
    // A map cell names its term only when the map and weights are loaded.
    if (!src || !wts) return;
    figs.forEach(function (li, c) {
      $$(".cbox", li).forEach(function (box) {
        box.tabIndex = 0;
        box.setAttribute("role", "group");
        box.setAttribute("aria-label", $("img", box).alt);
        on(box, "mousemove", function (e) { var p = cellAt(box, e); mark(p[0], p[1], c); });
        on(box, "click", function (e) { var p = cellAt(box, e); mark(p[0], p[1], c); box.focus(); });
        on(box, "focus", function () { mark(cur[2] === c ? cur[0] : 0, cur[2] === c ? cur[1] : 0, c); });
        on(box, "keydown", function (e) {
          var dy = { ArrowUp: -1, ArrowDown: 1 }[e.key] || 0, dx = { ArrowLeft: -1, ArrowRight: 1 }[e.key] || 0;
          if (!dy && !dx) return;
          e.preventDefault();
          mark(Math.min(Math.max(cur[0] + dy, 0), H - 1), Math.min(Math.max(cur[1] + dx, 0), W - 1), c);
        });
      });
    });
    var help = $(".dhelp", cv); if (help) help.hidden = false;
  }

  // A long list of samples is cut to the current one's neighbours; the
  // whole list comes from one script for every neuron page.
  function initSamples(det) {
    var all = self.tinyvggSamples, ul = $("ul", det), host = det.dataset.host, from = +det.dataset.static;
    if (!all || !ul) return;
    var frag = document.createDocumentFragment();
    all.forEach(function (s, i) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.textContent = s[1];
      if (s[0] === det.dataset.cur) {
        a.href = i >= from ? "index.html?s=" + s[0] : "index.html";
        a.setAttribute("aria-current", "page");
      } else a.href = det.dataset.pre + (host && i >= from ? host : s[0]) + "/" + det.dataset.post + "/index.html" + (host && i >= from ? "?s=" + s[0] : "");
      li.appendChild(a); frag.appendChild(li);
    });
    ul.textContent = ""; ul.appendChild(frag);
    var more = $(".dmore", det); if (more) more.hidden = true;
  }

  // Switched samples: past the first samples of a long list, a sample's
  // view of a convolution, ReLU or max-pool neuron is the first sample's
  // page with ?s=<id>. Its maps and the numbers the page shows beside them
  // (positions, ranges, legends) come from that sample's scripts, loaded
  // here by script tags so that this works from disk too.
  function switchTo(dv, done) {
    var host = dv.dataset.host, m = /[?&]s=([^&]*)/.exec(location.search), id = m && decodeURIComponent(m[1]), nm = {};
    (self.tinyvggSamples || []).forEach(function (s) { nm[s[0]] = s[3]; });
    var tag = $("script[src*='data/" + host + "/']");
    if (id == host || !nm[id] || !tag) return done();
    // The host's numbers stay hidden until the sample's replace them.
    var src = tag.getAttribute("src"), left = 2, ok = 1, st = dv.style;
    st.visibility = "hidden";
    [src, src.replace(/[^/]+$/, "views.js")].forEach(function (u) {
      var t = document.createElement("script");
      t.src = u.replace("data/" + host + "/", "data/" + id + "/");
      t.onload = t.onerror = function (e) {
        ok &= e.type == "load";
        if (--left) return;
        var w = self.tinyvggView, v = ok && w.v[dv.dataset.layer + "/" + JSON.parse(dv.dataset.detail).n];
        if (v) applyView(dv, host, id, nm, w, v);
        done(!!v);
        st.visibility = "";
      };
      dv.appendChild(t);
    });
  }
  function swap(s, a, b) { var i = s.lastIndexOf(a); return i < 0 ? s : s.slice(0, i) + b + s.slice(i + a.length); }
  function applyView(dv, host, id, nm, w, v) {
    var d = JSON.parse(dv.dataset.detail), h = "/s/" + host + "/", to = "/s/" + id + "/", re = RegExp(h + "([^/]+)/\\d+/index.html$");
    d.pos = v.p;
    dv.dataset.detail = JSON.stringify(d);
    $$(".mapbox", dv).forEach(function (b, i) {
      var c = $("figcaption", b.parentNode);
      if (c) c.textContent = swap(c.textContent, b.dataset.hi, v.b[2 * i + 1]);
      b.dataset.lo = v.b[2 * i]; b.dataset.hi = v.b[2 * i + 1];
    });
    $$(".dlegend", dv).forEach(function (g, i) {
      // Its ends are lo, zero and hi, as v.l lists them.
      var l = v.l[i], e = $$(".dl-ends span", g);
      e.forEach(function (x, k) { x.textContent = l[k]; });
      e[1].hidden = !l[1];
      $(".dl-bar", g).setAttribute("style", l[3]);
    });
    $$("img").forEach(function (g) { g.src = g.src.replace(h, to); });
    // Its intermediate maps may be one strip a neuron, channels stacked.
    var parts = $$("[data-role=part] img", dv);
    if (w.st) parts.forEach(function (g, c) {
      g.src = g.src.replace(/\/\d+\.png$/, ".png");
      // Shown at one map's shape (its width and height attributes), the
      // channel's part chosen by object-position.
      g.style.cssText = "object-fit:cover;aspect-ratio:" + g.getAttribute("width") + "/" + g.getAttribute("height") + ";object-position:0 " + c / (parts.length - 1 || 1) * 100 + "%";
    });
    // The link from the last map names the class the sample is taken for.
    $$("a[data-pred]").forEach(function (a) {
      a.href = a.href.replace(/\d+(?=\/index)/, w.pred);
      a.textContent = self.tinyvggClasses[w.pred];
    });
    // A link to a switched layer's page gets the same ?s=; one to another
    // page of the host sample goes to this sample's own.
    $$("a[href]").forEach(function (a) {
      var u = a.href.split(/[?#]/)[0], k = re.exec(u);
      if (a.getAttribute("href")[0] === "#" || u.indexOf(h) < 0) return;
      a.href = k && w.sw.indexOf(k[1]) >= 0 ? u + "?s=" + id : u.replace(h, to);
    });
    var det = $(".dsamples[data-pre]"), t = $("h1");
    if (det) {
      det.dataset.cur = id;
      $$(".crumbs a:first-child,.dmore a").forEach(function (a) { a.setAttribute("href", det.dataset.pre + id + "/index.html"); });
    }
    t.textContent = swap(t.textContent, nm[host], nm[id]);
    document.title = swap(document.title, nm[host], nm[id]);
  }

  var main = $$(".dv[data-detail]");
  function initAll(switched) {
    $$(".dsamples[data-pre]").forEach(initSamples);
    main.forEach(function (dv) { initDetailView(dv, switched); });
  }
  if (main.length === 1 && main[0].dataset.host) switchTo(main[0], initAll);
  else initAll();
  $$(".dsoftmax").forEach(initSoftmax);
  $$(".cv[data-class]").forEach(initClass);
})();
