// The kiosk's answer goes back to the sign-in screen by itself, so the next person in line
// does not read this one's name. A timed change needs a way to stop it (WCAG 2.2.1): the
// "Keep this screen" button ends the countdown; "Done" still goes back at once.
(() => {
  const box = document.querySelector("[data-return-after]");
  if (!box) return;
  const counter = box.querySelector("[data-seconds]");
  let left = Number(box.dataset.returnAfter);
  const timer = window.setInterval(() => {
    left -= 1;
    if (counter) counter.textContent = String(Math.max(left, 0));
    if (left <= 0) {
      window.clearInterval(timer);
      window.location.assign(box.dataset.returnTo);
    }
  }, 1000);
  box.querySelector("[data-keep]")?.addEventListener("click", () => {
    window.clearInterval(timer);
    box.hidden = true;
  });
})();
