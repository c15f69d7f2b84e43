// A copy button beside an embed code where JavaScript runs (without it, the code box is selected by
// hand). Wired on load and again on every piece htmx swaps in.
(function () {
  function wire(root) {
    root.querySelectorAll("[data-copy]").forEach(function (button) {
      if (button.dataset.wired) return;
      button.dataset.wired = "1";
      var box = document.getElementById(button.dataset.copy);
      var status = button.nextElementSibling;
      button.hidden = false;
      button.addEventListener("click", function () {
        box.select();
        var done = function () { if (status) status.textContent = button.dataset.copied; };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(box.value).then(done, function () { document.execCommand("copy"); done(); });
        } else {
          document.execCommand("copy");
          done();
        }
      });
    });
  }
  wire(document);
  document.addEventListener("htmx:load", function (event) { wire(event.target); });
})();
