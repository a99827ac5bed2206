// On a phone the report menu is one line that scrolls sideways: bring the
// report shown into the middle of it, where the reader looks for it.
(function () {
  "use strict";
  function centre() {
    var nav = document.getElementById("report-nav");
    var shown = nav && nav.querySelector("[aria-current=page]");
    if (!shown || nav.scrollWidth <= nav.clientWidth) {
      return;
    }
    nav.scrollLeft = shown.offsetLeft - nav.offsetLeft - (nav.clientWidth - shown.offsetWidth) / 2;
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", centre);
  } else {
    centre();
  }
})();
