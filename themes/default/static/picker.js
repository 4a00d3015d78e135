// A sample picker cut to the current sample's neighbours (a site of many
// samples): it lists every sample from self.tinyvggSamples, loaded just
// before this script, which only such pickers load, so the home page of a
// small site does not carry it. site.js runs it again after swapping a
// page's content. The first sample's overview is the home page.
(function () {
  "use strict";
  self.cnnxPicker = function (root) {
    root.querySelectorAll(".picker[data-pre]").forEach(function (nav) {
      var all = self.tinyvggSamples, ul = nav.querySelector("ul"), cur = nav.querySelector("a[aria-current]");
      if (!all || !ul) return;
      var id = cur && cur.getAttribute("data-sample"), frag = document.createDocumentFragment();
      all.forEach(function (s, i) {
        var li = document.createElement("li"), a = document.createElement("a"), img = document.createElement("img"), span = document.createElement("span");
        a.href = i === 0 ? nav.dataset.home : nav.dataset.pre + s[0] + "/index.html";
        a.setAttribute("data-sample", s[0]);
        if (s[0] === id) a.setAttribute("aria-current", "page");
        img.src = nav.dataset.root + s[2];
        img.alt = nav.dataset.alt.replace("{label}", s[1]);
        img.width = img.height = 48;
        img.loading = "lazy";
        span.textContent = s[1];
        a.appendChild(img); a.appendChild(span); li.appendChild(a); frag.appendChild(li);
      });
      ul.textContent = ""; ul.appendChild(frag);
      var more = nav.querySelector(".pmore"); if (more) more.hidden = true;
    });
  };
  self.cnnxPicker(document);
})();
