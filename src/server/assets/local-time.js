// Progressive enhancement: every <time datetime> on the page is shown in
// the reader's own time zone, with the zone named ("December 1, 2026 at
// 4:05 AM EST"). Without this script the server's text stands: the time in
// UTC, labelled UTC.
(function () {
  "use strict";
  if (!window.Intl || !Intl.DateTimeFormat) { return; }
  var lang = document.documentElement.lang || "en";
  var format;
  try {
    format = new Intl.DateTimeFormat(lang === "fr" ? "fr-CA" : "en-CA", {
      year: "numeric", month: "long", day: "numeric",
      hour: "numeric", minute: "2-digit", timeZoneName: "short"
    });
  } catch (e) { return; }
  Array.prototype.forEach.call(document.querySelectorAll("time[datetime]"), function (t) {
    var at = new Date(t.getAttribute("datetime"));
    if (isNaN(at.getTime())) { return; }
    t.setAttribute("title", t.textContent);
    t.textContent = format.format(at);
  });
})();
