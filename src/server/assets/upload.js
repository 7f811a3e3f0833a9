// Progressive enhancement of the upload form: the form works without it.
// 1. Once a token is typed, list the agency's profiles (the token never leaves this page except to this server).
// 2. Show the chosen file's SHA-256, to compare with the receipt.
(function () {
  "use strict";
  var token = document.getElementById("token");
  var select = document.getElementById("profile");
  var file = document.getElementById("file");
  var shaOut = document.getElementById("file-sha");
  function loadProfiles() {
    var parts = token.value.trim().split(".");
    if (parts.length !== 3 || parts[0] !== "sc1") { return; }
    fetch("/api/v1/agencies/" + encodeURIComponent(parts[1]) + "/profiles", {
      headers: { "Authorization": "Bearer " + token.value.trim() }
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (body) {
      if (!body || !body.profiles || body.profiles.length < 2) { return; }
      select.innerHTML = "";
      body.profiles.forEach(function (p) {
        var o = document.createElement("option");
        o.value = p.id;
        o.textContent = p.id + " (" + p.kinds.join(", ") + ")";
        select.appendChild(o);
      });
    }).catch(function () {});
  }
  token.addEventListener("change", loadProfiles);
  file.addEventListener("change", function () {
    shaOut.textContent = "";
    var f = file.files && file.files[0];
    if (!f || !window.crypto || !crypto.subtle || f.size > 200 * 1024 * 1024) { return; }
    f.arrayBuffer().then(function (buf) { return crypto.subtle.digest("SHA-256", buf); }).then(function (d) {
      var hex = Array.prototype.map.call(new Uint8Array(d), function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      shaOut.textContent = shaOut.getAttribute("data-label") + " " + hex;
    }).catch(function () {});
  });
})();
