// The staff idle-timeout warning. The server ends a staff session after a quiet spell
// (accounts/middleware.py); this only warns before it and offers "Stay signed in".
// Same-origin and without inline code, as the Content-Security-Policy requires.
(function () {
  "use strict";
  var box = document.getElementById("idle-warning");
  if (!box) {
    return;
  }
  var idle = Number(box.dataset.idleSeconds);
  var warning = Number(box.dataset.warningSeconds);
  var countdown = box.querySelector(".idle-countdown");
  var form = box.querySelector("form");
  var lastActive = Date.now();

  function remaining() {
    return idle - Math.floor((Date.now() - lastActive) / 1000);
  }

  function show(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = String(seconds % 60).padStart(2, "0");
    countdown.textContent = minutes + ":" + rest;
    if (box.hidden) {
      box.hidden = false;
      form.querySelector("button").focus();
    }
  }

  function tick() {
    var left = remaining();
    if (left <= 0) {
      // The server has ended the session by now: reloading shows the sign-in page.
      window.location.reload();
      return;
    }
    if (left <= warning) {
      show(left);
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    }).then(function (response) {
      if (response.ok) {
        lastActive = Date.now();
        box.hidden = true;
      } else {
        window.location.reload();
      }
    });
  });

  window.setInterval(tick, 1000);
})();
