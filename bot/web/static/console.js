// Live parts of the console: an element with data-poll="url" has its content replaced by that URL's HTML
// every 1.5 s until the fragment says data-final="yes". No library, no inline script (the CSP forbids it).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const box of document.querySelectorAll("[data-poll]")) {
    const done = () => box.querySelector('[data-final="yes"]') !== null;
    const tick = async () => {
      if (done()) return;
      try {
        const response = await fetch(box.dataset.poll, {credentials: "same-origin", cache: "no-store"});
        if (response.ok) box.innerHTML = await response.text();
      } catch (err) { /* offline for a moment: try again at the next tick */ }
      if (!done()) setTimeout(tick, 1500);
    };
    setTimeout(tick, 1500);
  }
});
