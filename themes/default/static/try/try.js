// "Try your own picture". site.js loads this file on the first click of the
// panel's button; it then loads the engine (cmd/wasm: the project's Go
// engine, imageio and render compiled to WebAssembly) and the model as
// scripts, which also works from disk, where fetching a .wasm is refused.
// Every number and every pixel shown comes from the engine; this file only
// lays them out. Nothing leaves the page.
(function () {
  "use strict";
  var reduce = window.matchMedia && matchMedia("(prefers-reduced-motion: reduce)").matches;
  var engine = null; // one promise of {api, info} for the page's lifetime

  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k]; else e.setAttribute(k, attrs[k]);
    });
    (kids || []).forEach(function (k) { if (k) e.appendChild(k); });
    return e;
  }
  function fill(s, vars) {
    Object.keys(vars || {}).forEach(function (k) { s = s.split("{" + k + "}").join(vars[k]); });
    return s;
  }
  function num(v) {
    var s = v.toFixed(3);
    return /^-0\.0+$/.test(s) ? s.slice(1) : s;
  }
  function check(r) {
    if (r && typeof r === "object" && r.error) throw new Error(r.error);
    return typeof r === "string" ? JSON.parse(r) : r;
  }
  function script(src) {
    return new Promise(function (ok, bad) {
      var s = el("script", { src: src });
      s.onload = ok;
      s.onerror = function () { bad(new Error(src)); };
      document.head.appendChild(s);
    });
  }
  function gunzip(b64) {
    var bin = atob(b64), u = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) u[i] = bin.charCodeAt(i);
    return new Response(new Blob([u]).stream().pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
  }

  // boot loads and starts the engine once, reporting steps 1..3.
  function boot(sec, step) {
    if (engine) return engine;
    engine = (async function () {
      step(1, "loading_engine");
      await script(sec.dataset.engine);
      step(2, "loading_model");
      await script(sec.dataset.model);
      step(3, "starting");
      var ready = new Promise(function (ok) { window.cnnTryReady = ok; });
      var go = new Go();
      var inst = await WebAssembly.instantiate(await gunzip(window.cnnTryWasm), go.importObject);
      go.run(inst.instance);
      await ready;
      var api = window.cnnTryEngine, m = window.cnnTryModel;
      var info = check(api.load(m.json, new Uint8Array(await gunzip(m.weights))));
      return { api: api, info: info };
    })();
    engine.catch(function () { engine = null; });
    return engine;
  }

  window.cnnTryStart = function (sec) {
    var status = sec.querySelector(".try-status"), prog = sec.querySelector(".try-progress");
    var btn = sec.querySelector(".try-start");
    btn.disabled = true;
    if (!document.querySelector("link[data-try]")) document.head.appendChild(el("link", { rel: "stylesheet", href: sec.dataset.css, "data-try": "" }));
    (window.cnnTryStrings ? Promise.resolve() : script(sec.dataset.strings)).then(function () {
      var W = window.cnnTryStrings, S = W.strings;
      var T = function (k, v) { return fill(S["try." + k] || S[k] || k, v); };
      if (typeof WebAssembly !== "object" || typeof DecompressionStream !== "function") {
        status.textContent = T("no_wasm");
        return;
      }
      prog.hidden = false;
      return boot(sec, function (n, key) { prog.value = n - 1; status.textContent = T(key); }).then(function (e) {
        prog.value = 3;
        prog.hidden = true;
        btn.hidden = true;
        sec.querySelector(".try-size").hidden = true;
        status.textContent = T("ready");
        panel(sec, e.api, e.info, T, W.classes);
      }, function (err) {
        btn.disabled = false;
        prog.hidden = true;
        status.textContent = T("failed", { error: err.message });
      });
    }, function (err) {
      btn.disabled = false;
      status.textContent = err.message;
    });
  };

  function panel(sec, api, info, T, classes) {
    var ui = sec.querySelector(".try-ui"), status = sec.querySelector(".try-status");
    var H = info.input[0], W = info.input[1], C = info.input[2];
    var urls = [], mode = "unit", shown = null;
    ui.textContent = "";
    ui.hidden = false;

    // Drawing: a brush suited to the input, light on dark for one channel
    // (Fashion-MNIST garments are light on black), dark on white for colour.
    var side = 280, dark = C === 1;
    var cv = el("canvas", { class: "try-canvas", width: side, height: side, role: "img", "aria-label": T("canvas") });
    var ctx = cv.getContext("2d", { willReadFrequently: true });
    var undo = [], drawing = false, last = null;
    function ground() { ctx.fillStyle = dark ? "#000" : "#fff"; ctx.fillRect(0, 0, side, side); }
    ground();
    var bUndo = el("button", { type: "button", text: T("undo") }), bClear = el("button", { type: "button", text: T("clear") });
    var file = el("input", { type: "file", accept: "image/png,image/jpeg", class: "try-file" });
    var seen = el("div", { class: "try-seen-maps" });
    ui.appendChild(el("div", { class: "try-inputs" }, [
      el("div", { class: "try-pad" }, [cv, el("p", { class: "try-brush", text: T(dark ? "brush_dark" : "brush_light") }),
        el("p", { class: "try-tools" }, [bUndo, document.createTextNode(" "), bClear])]),
      el("div", { class: "try-files" }, [el("label", { class: "try-upload" }, [document.createTextNode(T("upload") + " "), file]),
        el("p", { text: T("drop") })]),
      el("figure", { class: "try-seen" }, [seen, el("figcaption", { text: T("seen", { w: W, h: H }) })]),
    ]));
    var pred = el("p", { class: "try-pred", "aria-live": "polite" });
    var bars = el("div", { class: "try-bars", role: "group", "aria-label": T("classes") });
    var modes = el("fieldset", { class: "try-modes" }, [el("legend", { text: T("overview.range") })]);
    ["unit", "module", "global"].forEach(function (m) {
      var r = el("input", { type: "radio", name: "try-range", value: m });
      if (m === mode) r.checked = true;
      modes.appendChild(el("label", {}, [r, document.createTextNode(" " + T("range." + m))]));
    });
    var ov = el("div", { class: "try-ov" });
    var det = el("section", { class: "try-detail", "aria-labelledby": "try-detail-title", hidden: "" });
    ui.appendChild(el("div", { class: "try-result", hidden: "" }, [pred, bars,
      el("h3", { text: T("overview") }), el("p", { text: T("overview_help") }), modes, ov, det]));

    // Picture URLs live as long as what shows them: the overview's until the
    // next run, the detail's until the next detail.
    var detUrls = [], into = urls;
    function png(bytes) {
      var u = URL.createObjectURL(new Blob([check(bytes)], { type: "image/png" }));
      into.push(u);
      return u;
    }
    function mapImg(layer, n, cls) {
      var t = info.layers[layer] ? info.layers[layer].shape : info.input;
      return el("img", { src: png(api.mapPNG(layer, n, mode)), alt: "", width: t[1], height: t[0], class: cls || "" });
    }

    function show(res) {
      if (res && res.error) { status.textContent = T("bad_image", { error: res.error }); return; }
      urls.forEach(URL.revokeObjectURL);
      urls.length = 0;
      ui.querySelector(".try-result").hidden = false;
      seen.textContent = "";
      for (var c = 0; c < C; c++) seen.appendChild(mapImg(-1, c, "try-seen-img"));
      var top = res.top, name = classes[top] || String(top);
      pred.textContent = T("result", { class: name, prob: (100 * res.probs[top]).toFixed(1) });
      bars.textContent = "";
      res.probs.forEach(function (p, k) {
        var b = el("button", { type: "button", class: "try-bar" + (k === top ? " top" : ""), "data-n": k }, [
          el("span", { class: "lbl", text: classes[k] || String(k) }),
          el("span", { class: "track" }, [el("span", { class: "fill", style: "width:" + (100 * p).toFixed(1) + "%" })]),
          el("span", { class: "pct", text: (100 * p).toFixed(1) + "%" })]);
        bars.appendChild(b);
      });
      ov.textContent = "";
      info.layers.forEach(function (l, i) {
        if (l.shape.length !== 3) return;
        var row = el("div", { class: "try-row" }, [el("h4", { text: l.name + " · " + T("layer." + l.kind) })]);
        var maps = el("div", { class: "try-maps" });
        for (var n = 0; n < l.shape[2]; n++) {
          maps.appendChild(el("button", { type: "button", class: "try-nb", "data-layer": i, "data-n": n,
            "aria-label": T("neuron", { layer: l.name, n: n }) }, [mapImg(i, n)]));
        }
        row.appendChild(maps);
        ov.appendChild(row);
      });
      if (shown) detail(shown.layer, shown.n, shown.y, shown.x);
    }

    var lastRes = null;
    function run(f) {
      try {
        lastRes = check(f());
        show(lastRes);
      } catch (err) { status.textContent = T("bad_image", { error: err.message }); }
    }
    function runCanvas() { run(function () { return api.runRGBA(side, side, new Uint8Array(ctx.getImageData(0, 0, side, side).data.buffer)); }); }
    var pending = false;
    // Results follow the pen at most every 120 ms: a phone keeps up and
    // the last stroke always gets its own run.
    function schedule() {
      if (pending) return;
      pending = true;
      setTimeout(function () { requestAnimationFrame(function () { pending = false; runCanvas(); }); }, 120);
    }

    function at(e) {
      var r = cv.getBoundingClientRect();
      return [(e.clientX - r.left) * side / r.width, (e.clientY - r.top) * side / r.height];
    }
    cv.addEventListener("pointerdown", function (e) {
      e.preventDefault();
      cv.setPointerCapture(e.pointerId);
      undo.push(ctx.getImageData(0, 0, side, side));
      if (undo.length > 30) undo.shift();
      drawing = true;
      last = at(e);
      stroke(last);
    });
    cv.addEventListener("pointermove", function (e) { if (drawing) stroke(at(e)); });
    ["pointerup", "pointercancel"].forEach(function (t) {
      cv.addEventListener(t, function () { if (drawing) { drawing = false; runCanvas(); } });
    });
    function stroke(p) {
      ctx.strokeStyle = dark ? "#fff" : "#000";
      ctx.lineWidth = side / W * 2.2;
      ctx.lineCap = ctx.lineJoin = "round";
      ctx.beginPath();
      ctx.moveTo(last[0], last[1]);
      ctx.lineTo(p[0] + 0.01, p[1]);
      ctx.stroke();
      last = p;
      schedule();
    }
    bUndo.addEventListener("click", function () { if (undo.length) { ctx.putImageData(undo.pop(), 0, 0); runCanvas(); } });
    bClear.addEventListener("click", function () { undo.push(ctx.getImageData(0, 0, side, side)); ground(); runCanvas(); });

    // A file goes to the Go decoder as it is. Only a photo too large for it
    // (a 48-megapixel camera's) is first shrunk by the browser to 2048
    // pixels on its longer side; Go's crop, resize and scale still follow.
    function readFile(f) {
      if (!f) return;
      f.arrayBuffer().then(function (buf) {
        var r = api.runImage(new Uint8Array(buf));
        if (!(r && r.error && /larger than/.test(r.error) && window.createImageBitmap)) return run(function () { return r; });
        return createImageBitmap(f).then(function (bm) {
          var k = 2048 / Math.max(bm.width, bm.height), w = Math.round(bm.width * k), h = Math.round(bm.height * k);
          var c = el("canvas", { width: w, height: h }), g = c.getContext("2d");
          g.drawImage(bm, 0, 0, w, h);
          run(function () { return api.runRGBA(w, h, new Uint8Array(g.getImageData(0, 0, w, h).data.buffer)); });
        });
      }).catch(function (err) { status.textContent = T("bad_image", { error: err.message }); });
    }
    file.addEventListener("change", function () { readFile(file.files[0]); });
    sec.addEventListener("dragover", function (e) { e.preventDefault(); sec.classList.add("drop"); });
    sec.addEventListener("dragleave", function () { sec.classList.remove("drop"); });
    sec.addEventListener("drop", function (e) {
      e.preventDefault();
      sec.classList.remove("drop");
      readFile(e.dataTransfer.files[0]);
    });
    modes.addEventListener("change", function (e) { mode = e.target.value; if (lastRes) show(lastRes); });

    ui.addEventListener("click", function (e) {
      var nb = e.target.closest(".try-nb, .try-bar");
      if (!nb) return;
      var layer = nb.classList.contains("try-bar") ? info.layers.length - 1 : +nb.dataset.layer;
      detail(layer, +nb.dataset.n, -1, -1);
      det.querySelector("h3").focus({ preventScroll: reduce });
      det.scrollIntoView({ behavior: reduce ? "auto" : "smooth", block: "nearest" });
    });

    // detail shows the arithmetic behind output (y, x) of neuron n; a
    // negative position picks the neuron's largest value.
    function detail(layer, n, y, x) {
      var l = info.layers[layer];
      if (l.shape.length === 3 && y < 0) {
        var d = api.layerData(layer), best = -Infinity, C2 = l.shape[2];
        for (var i = n; i < d.length; i += C2) if (d[i] > best) { best = d[i]; y = Math.floor(i / C2 / l.shape[1]); x = Math.floor(i / C2) % l.shape[1]; }
      }
      if (y < 0) { y = 0; x = 0; }
      var v = check(api.detail(layer, n, y, x));
      detUrls.forEach(URL.revokeObjectURL);
      detUrls.length = 0;
      into = detUrls;
      shown = { layer: layer, n: n, y: y, x: x };
      det.hidden = false;
      det.textContent = "";
      det.appendChild(el("h3", { id: "try-detail-title", tabindex: "-1", text: T("detail") }));
      det.appendChild(el("p", { class: "try-pos", text: T("position", { layer: l.name + " (" + T("layer." + l.kind) + ")", n: n, y: y, x: x }) }));
      var body = el("div", { class: "try-detail-body", "data-kind": v.kind });
      det.appendChild(body);
      if (l.shape.length === 3) body.appendChild(picker(layer, n, y, x, l.shape));
      if (v.kind === "conv2d") convTable(body, layer, v);
      else if (v.kind === "relu") body.appendChild(el("p", { class: "try-eq", text: T("relu", { in: num(v.in), out: num(v.out) }) }));
      else if (v.kind === "maxpool2d") {
        body.appendChild(grid(v.window, v.kw, "try-window"));
        body.appendChild(el("p", { class: "try-eq", text: T("maxpool", { out: num(v.out) }) }));
      } else if (v.kind === "dense") {
        var inN = info.layers[layer - 1] ? info.layers[layer - 1].shape[0] : 0;
        body.appendChild(el("p", { class: "try-eq", text: T("dense", { bias: num(v.bias), n: inN, sum: num(v.sum), out: num(v.out) }) }));
      }
      body.appendChild(el("p", { class: "try-out" }, [el("strong", { text: T("out") + ": " }), el("span", { class: "try-out-v", text: num(v.out) })]));
      into = urls;
    }

    // picker is the neuron's map with the chosen position; click or arrow
    // keys move it.
    function picker(layer, n, y, x, shape) {
      var wrap = el("div", { class: "try-picker", tabindex: "0", role: "group", "aria-label": T("detail_help") });
      var img = mapImg(layer, n, "try-big");
      var mark = el("span", { class: "try-mark", style: "left:" + (100 * x / shape[1]) + "%;top:" + (100 * y / shape[0]) +
        "%;width:" + (100 / shape[1]) + "%;height:" + (100 / shape[0]) + "%" });
      wrap.appendChild(img);
      wrap.appendChild(mark);
      img.addEventListener("click", function (e) {
        var r = img.getBoundingClientRect();
        detail(layer, n, Math.min(shape[0] - 1, Math.floor((e.clientY - r.top) / r.height * shape[0])),
          Math.min(shape[1] - 1, Math.floor((e.clientX - r.left) / r.width * shape[1])));
        det.querySelector(".try-picker").focus();
      });
      wrap.addEventListener("keydown", function (e) {
        var d = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[e.key];
        if (!d) return;
        e.preventDefault();
        detail(layer, n, Math.max(0, Math.min(shape[0] - 1, y + d[0])), Math.max(0, Math.min(shape[1] - 1, x + d[1])));
        det.querySelector(".try-picker").focus();
      });
      return wrap;
    }

    function grid(values, w, cls) {
      var t = el("table", { class: "try-grid " + cls }), tr = null;
      values.forEach(function (v, i) {
        if (i % w === 0) { tr = el("tr"); t.appendChild(tr); }
        tr.appendChild(el("td", { text: num(v) }));
      });
      return t;
    }

    function convTable(body, layer, v) {
      var t = el("table", { class: "try-conv" });
      t.appendChild(el("tr", {}, ["channel", "window", "kernel", "dot"].map(function (k) { return el("th", { text: T(k, { c: "" }).trim() }); })));
      v.terms.forEach(function (term) {
        var k = el("img", { src: png(api.kernelPNG(layer, v.neuron, term.channel)), alt: "", width: v.kw, height: v.kh, class: "try-kernel" });
        t.appendChild(el("tr", { "data-channel": term.channel }, [
          el("th", { text: T("channel", { c: term.channel }) }, [el("br"), mapImg(layer - 1, term.channel, "try-in")]),
          el("td", {}, [grid(term.window, v.kw, "try-window")]),
          el("td", {}, [k, grid(term.kernel, v.kw, "try-kern")]),
          el("td", { class: "try-dot", text: num(term.dot) })]));
      });
      t.appendChild(el("tr", {}, [el("th", { text: T("bias") }), el("td"), el("td"), el("td", { class: "try-bias", text: num(v.bias) })]));
      t.appendChild(el("tr", {}, [el("th", { text: T("sum") }), el("td"), el("td"), el("td", { class: "try-sum", text: num(v.sum) })]));
      body.appendChild(el("div", { class: "try-scroll", tabindex: "0" }, [t]));
    }

    runCanvas();
  }
})();
