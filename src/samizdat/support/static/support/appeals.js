/* Appeals, decided in this browser: samizdat's server never learns who saw what.
   Reads /support/appeals.json (published beside the pages), then shows at most one appeal per
   place (banner, end of article, modal) unless this browser said "Remind me later" recently,
   gave recently, or saw the modal too recently. Remembers those in localStorage, nowhere else. */
(function () {
  "use strict";
  var KEY = "samizdat.support.";
  var DAY = 86400000;
  function recall(name) {
    try { return Number(window.localStorage.getItem(KEY + name)) || 0; } catch (e) { return 0; }
  }
  function remember(name, value) {
    try { window.localStorage.setItem(KEY + name, String(value)); } catch (e) { /* storage off: nothing to keep */ }
  }
  /* support.css keeps the banner's space from the first paint, so the page does not jump when it
     fills in; once this script knows no banner will show there, it gives the space back. */
  function releaseBannerSpace() {
    var slot = document.querySelector('[data-support-slot="banner"]');
    if (slot && !slot.firstChild) { slot.classList.add("support-slot-unused"); }
  }
  var site = document.getElementById("support-site");
  if (!site) { return; }
  if (document.querySelector("[data-support-gave]")) { remember("gaveAt", Date.now()); }
  if (window.location.protocol === "file:") { releaseBannerSpace(); return; }  /* a mirror read from disk: nothing to fetch */
  if (document.querySelector("main .donate-form")) { releaseBannerSpace(); return; }  /* the page is an appeal already */
  /* Told "later": known before the appeals file arrives, so the space goes at once. */
  if (Date.now() < recall("snoozeUntil")) { releaseBannerSpace(); }
  var link = site.querySelector("a.support-link");
  var words = site.dataset;  /* the page's own words, in its language (support/includes/site.html) */
  var endpoint = document.querySelector("form.support-endpoint");
  var shown = [];

  function hideAll() {
    shown.forEach(function (element) {
      if (element.tagName === "DIALOG" && element.open) { element.close(); }
      element.remove();
    });
    shown = [];
    releaseBannerSpace();
  }

  function later() {
    remember("snoozeUntil", Date.now() + SNOOZE * DAY);
    hideAll();
  }
  var SNOOZE = 7;

  function build(appeal, data, place) {
    var box = document.createElement(place === "modal" ? "dialog" : "section");
    box.className = "support-appeal support-appeal-" + place;
    box.setAttribute("aria-label", appeal.heading);
    var heading = document.createElement(place === "banner" ? "p" : "h2");
    heading.className = "support-appeal-heading";
    heading.textContent = appeal.heading;
    box.appendChild(heading);
    if (appeal.body) {
      var body = document.createElement("div");
      body.className = "support-appeal-body prose";
      body.innerHTML = appeal.body;
      box.appendChild(body);
    }
    if (appeal.showForm && data.formHtml && place !== "banner") {
      var holder = document.createElement("div");
      holder.innerHTML = data.formHtml.split(data.formPrefix).join("appeal-" + place);
      var form = holder.querySelector("form");
      if (form && endpoint) {
        form.setAttribute("action", endpoint.action);
        var note = endpoint.querySelector(".mirror-note");
        if (note) { form.appendChild(note.cloneNode(true)); }
      }
      box.appendChild(holder);
    } else if (link) {
      var give = document.createElement("a");
      give.className = "support-appeal-give";
      give.href = link.href;
      give.textContent = words.give;
      box.appendChild(give);
    }
    var foot = document.createElement("p");
    foot.className = "support-later";
    foot.appendChild(document.createTextNode(words.notReady + " "));
    var button = document.createElement("button");
    button.type = "button";
    button.className = "support-later-button";
    button.textContent = words.later;
    button.addEventListener("click", later);
    foot.appendChild(button);
    box.appendChild(foot);
    if (place === "modal") {
      var close = document.createElement("button");
      close.type = "button";
      close.className = "support-close";
      close.textContent = words.close;
      close.addEventListener("click", function () { box.close(); });
      box.insertBefore(close, box.firstChild);
    }
    return box;
  }

  function show(data) {
    decide(data);
    releaseBannerSpace();
  }

  function decide(data) {
    if (!data || !Array.isArray(data.appeals)) { return; }
    SNOOZE = Number(data.snoozeDays) || 0;
    var now = Date.now();
    if (now < recall("snoozeUntil")) { return; }
    if (now < recall("gaveAt") + (Number(data.quietDays) || 0) * DAY) { return; }
    var done = {};
    data.appeals.forEach(function (appeal) {
      if ((appeal.start && now < appeal.start) || (appeal.end && now >= appeal.end) || done[appeal.placement]) { return; }
      var slot = document.querySelector('[data-support-slot="' + appeal.placement + '"]');
      if (appeal.placement === "modal") {
        if (now < recall("modalShownAt") + (Number(data.modalEveryDays) || 0) * DAY || typeof HTMLDialogElement === "undefined") { return; }
        var dialog = build(appeal, data, "modal");
        document.body.appendChild(dialog);
        dialog.showModal();
        remember("modalShownAt", now);
        shown.push(dialog);
      } else if (slot) {
        var box = build(appeal, data, appeal.placement);
        slot.appendChild(box);
        shown.push(box);
      } else {
        return;
      }
      done[appeal.placement] = true;
    });
  }

  var source = link ? new URL("appeals.json", link.href).href : "/support/appeals.json";
  window.fetch(source, { credentials: "omit" })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(show)
    .catch(function () { releaseBannerSpace(); /* offline or no appeals file: the page reads fine without */ });
})();
