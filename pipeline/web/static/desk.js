// readnotes desk: a little progressive enhancement. Every page works without it (plain forms and
// links); this adds the vocabulary popover, the layout toggle, the review keys and add progress.
"use strict";

function typing(event) {
  const el = event.target;
  return el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
}

// Reader: a vocabulary term opens its status buttons beside it.
function setUpReader() {
  const popover = document.getElementById("popover");
  if (!popover) return;
  const open = (span) => {
    const card = document.getElementById("term-" + span.dataset.term);
    if (!card) return;
    popover.replaceChildren(card.cloneNode(true));
    popover.firstElementChild.removeAttribute("id");
    const box = span.getBoundingClientRect();
    popover.style.left = `${Math.min(box.left + window.scrollX, window.innerWidth - 260)}px`;
    popover.style.top = `${box.bottom + window.scrollY + 4}px`;
    popover.hidden = false;
    popover.querySelector("button.current, button")?.focus();
  };
  document.addEventListener("click", (event) => {
    const span = event.target.closest(".vocab");
    if (span) { open(span); event.preventDefault(); return; }
    if (!event.target.closest("#popover")) popover.hidden = true;
  });
  document.addEventListener("keydown", (event) => {
    const span = event.target.closest?.(".vocab");
    if (span && (event.key === "Enter" || event.key === " ")) { open(span); event.preventDefault(); }
    if (event.key === "Escape") popover.hidden = true;
  });
  const toggle = document.getElementById("interleave");
  if (toggle) {
    toggle.checked = localStorage.getItem("readnotes.interleaved") === "1";
    document.body.classList.toggle("interleaved", toggle.checked);
    toggle.addEventListener("change", () => {
      document.body.classList.toggle("interleaved", toggle.checked);
      localStorage.setItem("readnotes.interleaved", toggle.checked ? "1" : "0");
    });
  }
}

// Review: keys like the terminal queue's.
function setUpReview() {
  const cards = [...document.querySelectorAll(".queue .card")];
  if (!cards.length) return;
  let current = Math.max(0, cards.findIndex((c) => location.hash === "#" + c.id));
  const show = (k) => {
    current = Math.max(0, Math.min(cards.length - 1, k));
    cards.forEach((c, i) => c.classList.toggle("current", i === current));
    cards[current].scrollIntoView({ block: "nearest" });
  };
  show(current);
  cards.forEach((card, k) => card.addEventListener("click", () => show(k)));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && typing(event)) { event.target.blur(); return; }
    if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    const card = cards[current];
    const submit = (cls) => card.querySelector(`form.${cls}`)?.requestSubmit();
    const focus = (cls) => {
      const input = card.querySelector(`form.${cls} input[type=text]`);
      if (input) { input.focus(); input.select(); event.preventDefault(); }
    };
    switch (event.key) {
      case "j": case "ArrowDown": show(current + 1); break;
      case "k": case "ArrowUp": show(current - 1); break;
      case "a": submit("act-accept"); break;
      case "d": submit("act-dismiss"); break;
      case "f": focus("act-fix"); break;
      case "n": focus("act-note"); break;
      default: return;
    }
  });
}

// Add: follow the job's stages, then land in the reader (or on the form with the problem).
function setUpJob() {
  const job = document.querySelector("[data-job]");
  if (!job) return;
  const stages = document.getElementById("stages");
  const poll = async () => {
    const answer = await fetch(`/add/jobs/${job.dataset.job}/status`, { headers: { Accept: "application/json" } });
    const state = await answer.json();
    stages.replaceChildren(...state.stages.map((s) => Object.assign(document.createElement("li"), { textContent: s })));
    if (state.state === "done") location.assign(`/a/${encodeURIComponent(state.slug)}`);
    else if (state.state === "failed") location.reload();
    else setTimeout(poll, 150);
  };
  poll();
}

document.addEventListener("keydown", (event) => {
  if (event.key === "?" && !typing(event)) {
    alert("Review: j/k next/previous, a accept, d dismiss, f fix, n note, Esc leave a field.\n" +
          "Reader: click a highlighted word to set its status.");
  }
});
setUpReader();
setUpReview();
setUpJob();
