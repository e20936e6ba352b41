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
  // A status set from the popover or the word list is saved, then shown in place: the page neither
  // reloads nor jumps to the word list (without scripts the form posts and the page comes back).
  document.addEventListener("submit", async (event) => {
    const form = event.target.closest(".status-form");
    if (!form) return;
    event.preventDefault();
    const data = new FormData(form, event.submitter);
    const [term, status] = [data.get("term"), data.get("status")];
    const reply = await fetch(form.action, { method: "POST", body: data, redirect: "manual" }).catch(() => null);
    if (!reply || reply.type !== "opaqueredirect") {  // refused: the error page says why
      const page = reply && new DOMParser().parseFromString(await reply.text(), "text/html");
      const why = page?.querySelector(".message")?.textContent || "Error: the desk's server did not answer";
      form.querySelector(".problem")?.remove();
      form.append(Object.assign(document.createElement("p"), { className: "problem", textContent: why }));
      return;
    }
    const same = `[data-term="${CSS.escape(term)}"]`;
    document.querySelectorAll(`.vocab${same}`).forEach((word) => {
      word.className = word.className.replace(/\bst-[a-z]+/, `st-${status}`);
      word.title = word.title.replace(/ · [a-z]+$/, "") + ` · ${status}`;
    });
    document.querySelectorAll(`.term-card${same} .status-form button`).forEach((button) => {
      button.classList.toggle("current", button.value === status);
      button.setAttribute("aria-pressed", String(button.value === status));
    });
    popover.hidden = true;
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
  const marked = cards.findIndex((c) => location.hash === "#" + c.id);
  let current = Math.max(0, marked >= 0 ? marked : cards.findIndex((c) => c.classList.contains("current")));
  const show = (k) => {
    current = Math.max(0, Math.min(cards.length - 1, k));
    cards.forEach((c, i) => c.classList.toggle("current", i === current));
    cards[current].scrollIntoView({ block: "nearest" });
  };
  show(current);
  cards.forEach((card, k) => card.addEventListener("click", () => show(k)));
  document.querySelectorAll(".queue form.ask").forEach((form) =>
    form.addEventListener("submit", (event) => { event.preventDefault(); ask(form); }));
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
      case "b": ask(card.querySelector("form.act-back")); break;
      case "l": ask(card.querySelector("form.act-llm")); break;
      default: return;
    }
  });
}

// Review: a back-translation or the LLM's view of a pair, put under the flag without leaving the
// queue. The server answers with the queue page; this card's answer is taken from it and replaces
// only an earlier answer of the same kind.
async function ask(form) {
  if (!form) return;
  const box = form.closest(".card").querySelector(".lookups");
  const kind = form.elements.kind.value;
  const pending = Object.assign(document.createElement("p"), { className: "pending", textContent: "asking…" });
  box.append(pending);
  const problem = (text) => {
    const part = Object.assign(document.createElement("section"), { className: "answer-of" });
    part.dataset.kind = kind;
    part.append(Object.assign(document.createElement("p"), { className: "problem", textContent: text }));
    return [part];
  };
  let parts;
  try {
    const reply = await fetch(form.action, { method: "POST", body: new FormData(form) });
    const page = new DOMParser().parseFromString(await reply.text(), "text/html");
    const fresh = page.getElementById(box.id);
    // Not the queue: the error page says what went wrong.
    parts = fresh ? [...fresh.children] : problem(page.querySelector(".message")?.textContent ||
                                                  `Error: the server answered ${reply.status}`);
  } catch (error) {
    parts = problem("Error: the desk's server did not answer (is it still running?)");
  }
  pending.remove();
  for (const part of parts) {
    box.querySelectorAll(`[data-kind="${part.dataset.kind}"]`).forEach((old) => old.remove());
    box.append(document.adoptNode(part));
  }
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
    alert("Review: j/k next/previous, a accept, d dismiss, f fix, n note, b back-translate, l ask the LLM, " +
          "Esc leave a field.\n" +
          "Reader: click a highlighted word to set its status.");
  }
});
setUpReader();
setUpReview();
setUpJob();
