// Feature-space scatter: the picture of the point under the pointer or the
// keyboard focus is shown beside the plot, with the point's name.
(function () {
  "use strict";
  document.querySelectorAll(".scatter-box").forEach(function (box) {
    var img = box.querySelector(".scatter-preview img");
    var text = box.querySelector(".scatter-preview p");
    function show(ev) {
      var pt = ev.target.closest && ev.target.closest(".pt");
      if (!pt) return;
      img.src = pt.getAttribute("data-src");
      img.hidden = false;
      text.textContent = pt.getAttribute("aria-label");
    }
    box.addEventListener("mouseover", show);
    box.addEventListener("focusin", show);
  });
})();
