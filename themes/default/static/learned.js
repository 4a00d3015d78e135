// Feature-space scatter: the picture of the point under the pointer or the
// keyboard focus is shown beside the plot, with the point's name. Probe
// pictures are tiles of one sprite (data-bg, a CSS background); the site's
// samples are files of their own (data-src).
(function () {
  "use strict";
  document.querySelectorAll(".scatter-box").forEach(function (box) {
    var tile = box.querySelector(".scatter-preview .pv");
    var text = box.querySelector(".scatter-preview p");
    function show(ev) {
      var pt = ev.target.closest && ev.target.closest(".pt");
      if (!pt) return;
      var bg = pt.getAttribute("data-bg");
      tile.style.cssText = bg || "background:url(" + pt.getAttribute("data-src") + ") 0 0/100% 100%";
      tile.hidden = false;
      text.textContent = pt.getAttribute("aria-label");
    }
    box.addEventListener("mouseover", show);
    box.addEventListener("focusin", show);
  });
})();
