// Page behaviours shared by every page. The Content-Security-Policy forbids inline scripts and
// on*= attributes, so markup asks for behaviour with data-* attributes handled here.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
