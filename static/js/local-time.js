// Beside a time shown in Beijing time, the same moment in the reader's own zone (when it is another one).
// Without JavaScript the page still says the Beijing time; this only adds to it.
(function () {
  function show(root) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone || zone === "Asia/Shanghai" || zone === "Asia/Chongqing" || zone === "PRC") return;
    root.querySelectorAll("[data-local-time]").forEach(function (el) {
      var when = new Date(el.getAttribute("data-local-time"));
      if (isNaN(when)) return;
      var text = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
        // dateStyle/timeStyle cannot be combined with timeZoneName: spell the parts out
        year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short"
      }).format(when);
      el.textContent = (el.getAttribute("data-label") || "%s").replace("%s", text);
      el.hidden = false;
    });
  }
  document.addEventListener("DOMContentLoaded", function () { show(document); });
  document.addEventListener("htmx:load", function (event) { show(event.target); });
})();
