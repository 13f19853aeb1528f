// deckgen serve: reload when a new deck is built (the URL hash keeps the slide), and show a
// build error over the last good deck, which stays usable. DECKGEN_DECK and DECKGEN_EVENTS
// are set by the server just before this script.
(function () {
  "use strict";
  var box = null;
  function show(message) {
    if (!message) {
      if (box) box.hidden = true;
      return;
    }
    if (!box) {
      box = document.createElement("div");
      box.id = "deckgen-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:50%;top:1rem;transform:translateX(-50%);" +
        "z-index:100;max-width:90vw;background:#8b1a1a;color:#fff;padding:.8rem 3rem .8rem 1rem;" +
        "border-radius:.4rem;box-shadow:0 4px 16px rgba(0,0,0,.5);font:15px/1.4 system-ui,sans-serif";
      var title = document.createElement("strong");
      title.textContent = DECKGEN_DECK ? "Build failed; showing the last good deck" :
        "Build failed; the deck appears here once it builds";
      var text = document.createElement("pre");
      text.style.cssText = "margin:.4rem 0 0;white-space:pre-wrap;font:14px/1.4 ui-monospace,monospace";
      var close = document.createElement("button");
      close.type = "button";
      close.textContent = "\u00d7";
      close.setAttribute("aria-label", "Hide the error");
      close.style.cssText = "position:absolute;right:.5rem;top:.4rem;background:none;border:0;" +
        "color:#fff;font-size:1.4rem;cursor:pointer";
      close.addEventListener("click", function () { box.hidden = true; });
      box.appendChild(title);
      box.appendChild(text);
      box.appendChild(close);
      var style = document.createElement("style");
      style.textContent = "@media print{#deckgen-error{display:none!important}}";
      document.head.appendChild(style);
      document.body.appendChild(box);
    }
    box.querySelector("pre").textContent = message;
    box.hidden = false;
  }
  var events = new EventSource(DECKGEN_EVENTS);
  events.addEventListener("state", function (e) {
    var state = JSON.parse(e.data);
    if (state.deck !== DECKGEN_DECK) {
      events.close();
      location.reload();
      return;
    }
    show(state.error);
  });
})();
