// Served only by `go run ./cmd/build -serve`: reload the page when the
// site has been rebuilt.
(function () {
  var src = new EventSource("/__livereload");
  src.addEventListener("reload", function () { location.reload(); });
})();
