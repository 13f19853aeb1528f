// deckgen HTML deck: navigation, overview, presenter view, and keeping two windows in sync.
// The slide number lives in the URL hash (#4), so a reload keeps the place and #12 links work.
(function () {
  "use strict";
  var root = document.documentElement;
  var deck = document.getElementById("deck");
  var slides = Array.prototype.slice.call(document.querySelectorAll("section.slide"));
  var data = JSON.parse(document.getElementById("deck-data").textContent);
  var help = document.getElementById("help");
  var status = document.getElementById("status");
  var presenter = new URLSearchParams(location.search).get("view") === "presenter";
  var total = slides.length;
  var cur = -1;
  var peer = presenter ? window.opener : null; // the other window, for postMessage
  var channel = null;

  function fromHash() {
    var m = /^#(\d+)$/.exec(location.hash);
    return m ? Math.min(Math.max(parseInt(m[1], 10), 1), total) - 1 : 0;
  }

  // -- showing a slide -------------------------------------------------------------------
  function go(i, quiet) {
    if (!total) return;
    i = Math.min(Math.max(i, 0), total - 1);
    if (i === cur) return;
    slides.forEach(function (s, k) {
      s.classList.toggle("current", k === i);
      s.classList.toggle("next", presenter && k === i + 1);
    });
    cur = i;
    if (location.hash !== "#" + (i + 1)) history.replaceState(null, "", "#" + (i + 1));
    var title = data.slides[i].title || "Slide " + (i + 1);
    document.title = presenter ? "Presenter: " + data.title : data.title;
    status.textContent = "Slide " + (i + 1) + " of " + total + ": " + title;
    if (root.classList.contains("overview")) slides[i].scrollIntoView({ block: "nearest" });
    if (presenter) showNotes(i);
    if (!quiet) send(i);
  }

  // -- keeping the deck and the presenter view on the same slide ---------------------------
  function send(i) {
    var msg = { deckgen: "go", slide: i + 1 };
    if (channel) channel.postMessage(msg);
    if (peer && !peer.closed) {
      try { peer.postMessage(msg, "*"); } catch (e) { /* the other window went away */ }
    }
  }
  function receive(msg) {
    if (msg && msg.deckgen === "go" && typeof msg.slide === "number") go(msg.slide - 1, true);
  }
  if ("BroadcastChannel" in window) {
    try {
      channel = new BroadcastChannel("deckgen:" + location.pathname);
      channel.onmessage = function (e) { receive(e.data); };
    } catch (e) { channel = null; }
  }
  window.addEventListener("message", function (e) {
    if (peer && e.source === peer) receive(e.data);
  });

  function openPresenter() {
    var url = location.href.split("#")[0].split("?")[0] + "?view=presenter#" + (cur + 1);
    var w = window.open(url, "deckgen-presenter", "width=1280,height=800");
    if (w) peer = w;
  }

  // -- presenter view: notes, counter, timer -----------------------------------------------
  var notes = document.getElementById("notes");
  var counter = document.getElementById("counter");
  function showNotes(i) {
    notes.textContent = "";
    var list = data.slides[i].notes;
    if (!list.length) {
      var p = document.createElement("p");
      p.className = "none";
      p.textContent = "No notes for this slide.";
      notes.appendChild(p);
    }
    list.forEach(function (note) {  // [text, written by deckgen rather than the post]
      var p = document.createElement("p");
      p.textContent = note[0];
      if (note[1]) p.className = "generated";
      notes.appendChild(p);
    });
    notes.scrollTop = 0;
    counter.textContent = (i + 1) + " / " + total;
    var end = document.querySelector("#presenter .end");
    if (end) end.hidden = i + 1 < total;
  }

  var clock = { start: Date.now(), pausedAt: 0 }; // survives a reload of the window
  function startTimer() {
    var timer = document.getElementById("timer");
    var pause = document.getElementById("pause");
    try {
      var saved = JSON.parse(sessionStorage.getItem("deckgen-clock") || "null");
      if (saved && typeof saved.start === "number") clock = saved;
    } catch (e) { /* storage may be off */ }
    function save() {
      try { sessionStorage.setItem("deckgen-clock", JSON.stringify(clock)); } catch (e) { }
    }
    function tick() {
      var ms = (clock.pausedAt || Date.now()) - clock.start;
      var s = Math.floor(ms / 1000);
      var mm = String(Math.floor(s / 60) % 60).padStart(2, "0");
      timer.textContent = Math.floor(s / 3600) + ":" + mm + ":" + String(s % 60).padStart(2, "0");
      timer.classList.toggle("paused", !!clock.pausedAt);
      pause.textContent = clock.pausedAt ? "Resume" : "Pause";
    }
    pause.addEventListener("click", function () {
      if (clock.pausedAt) { clock.start += Date.now() - clock.pausedAt; clock.pausedAt = 0; }
      else clock.pausedAt = Date.now();
      save(); tick();
    });
    document.getElementById("reset").addEventListener("click", function () {
      clock.start = Date.now();
      if (clock.pausedAt) clock.pausedAt = clock.start;
      save(); tick();
    });
    save(); tick();
    setInterval(tick, 250);
  }

  // -- overview and help ---------------------------------------------------------------------
  function overview(on) {
    root.classList.toggle("overview", on);
    slides.forEach(function (s) {
      if (on) s.setAttribute("tabindex", "-1"); else s.removeAttribute("tabindex");
    });
    if (on) { slides[cur].scrollIntoView({ block: "center" }); slides[cur].focus(); }
    else window.scrollTo(0, 0);
  }
  function toggleHelp(on) { help.hidden = !on; }

  function fullscreen() {
    if (document.fullscreenElement) document.exitFullscreen();
    else if (root.requestFullscreen) root.requestFullscreen().catch(function () { });
  }

  // -- keys, clicks, taps ------------------------------------------------------------------
  function columns() {
    if (slides.length < 2) return 1;
    var top = slides[0].getBoundingClientRect().top, n = 0;
    slides.forEach(function (s) { if (Math.abs(s.getBoundingClientRect().top - top) < 2) n++; });
    return Math.max(n, 1);
  }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var tag = e.target && e.target.tagName;
    if ((tag === "BUTTON" || tag === "A") && (e.key === " " || e.key === "Enter")) return;
    if (tag === "INPUT" || tag === "TEXTAREA") return;
    if (!help.hidden) { toggleHelp(false); e.preventDefault(); return; }
    var inOverview = root.classList.contains("overview");
    var k = e.key;
    if (inOverview && (k === "ArrowUp" || k === "ArrowDown")) {
      go(cur + (k === "ArrowDown" ? columns() : -columns()));
      slides[cur].focus();
    } else if (k === "ArrowRight" || k === "PageDown" || k === " " || k === "ArrowDown") {
      go(cur + 1);
      if (inOverview) slides[cur].focus();
    } else if (k === "ArrowLeft" || k === "PageUp" || k === "ArrowUp" || k === "Backspace") {
      go(cur - 1);
      if (inOverview) slides[cur].focus();
    } else if (k === "Home") go(0);
    else if (k === "End") go(total - 1);
    else if (k === "Enter" && inOverview) overview(false);
    else if ((k === "o" || k === "O" || k === "Escape") && !presenter) overview(!inOverview);
    else if ((k === "f" || k === "F") && !presenter) fullscreen();
    else if ((k === "p" || k === "P") && !presenter) openPresenter();
    else if (k === "?") toggleHelp(true);
    else return;
    e.preventDefault();
  });

  deck.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("a")) return;
    var slide = e.target.closest && e.target.closest("section.slide");
    if (root.classList.contains("overview")) {
      if (slide) { go(slides.indexOf(slide)); overview(false); }
      return;
    }
    if (presenter) {
      if (slide && slide.classList.contains("next")) go(cur + 1);
      return;
    }
    go(e.clientX < window.innerWidth / 2 ? cur - 1 : cur + 1);
  });
  help.addEventListener("click", function () { toggleHelp(false); });

  // the pointer hides after two idle seconds, so it never sits on a slide in front of a room
  var idle = 0;
  document.addEventListener("mousemove", function () {
    root.classList.remove("idle");
    clearTimeout(idle);
    idle = setTimeout(function () { root.classList.add("idle"); }, 2000);
  });

  window.addEventListener("hashchange", function () { go(fromHash()); });

  if (presenter) {
    root.classList.add("presenter");
    var aside = document.getElementById("presenter");
    var end = document.createElement("div");
    end.className = "end";
    end.textContent = "End of the deck";
    end.hidden = true;
    aside.appendChild(end);
    aside.hidden = false;
    startTimer();
  }
  go(fromHash(), true);
})();
