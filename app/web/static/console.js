// The staff handoff console: sign-in, the live queue, and the selected handoff (console-handoff.js).
//
// Everything shown comes from the JSON API and is inserted as text (el() and textContent), never as HTML.
// The token is kept in this tab's sessionStorage and sent as a bearer header: no cookie, no CSRF.

import { el, openStream } from "./api.js";
import { setServerNow, slaState, STATUS_LABEL, tickCountdowns, words } from "./console-format.js";
import { HandoffView } from "./console-handoff.js";
import { staffSignin } from "./staff-signin.js";

const $ = (id) => document.getElementById(id);
const ui = {
  conn: $("bd-conn"),
  queueTitle: $("bd-queue-title"),
  queueCount: $("bd-queue-count"),
  queueScope: $("bd-queue-scope"),
  queueList: $("bd-queue-list"),
  queueEmpty: $("bd-queue-empty"),
  announce: $("bd-announce"),
};

const state = {
  me: null,
  queue: [],
  seen: null, // ids of handoffs already announced (null until the first snapshot)
  stream: null,
  selected: null,
};

// One polite live region for the whole page; the same text twice is still announced.
export function announce(text) {
  ui.announce.textContent = "";
  window.setTimeout(() => {
    ui.announce.textContent = text;
  }, 50);
}

const view = new HandoffView($("bd-handoff"), {
  announce,
  me: () => state.me,
  onClosed: () => {
    state.selected = null;
    renderQueue();
  },
});

// --- sign-in ---------------------------------------------------------------------------------------------

const signin = staffSignin({
  me: "/v1/handoffs/me",
  offer: (staff) => {
    const roleOrder = { agent: 0, supervisor: 1, auditor: 2 };
    return [...staff].sort((a, b) => roleOrder[a.role] - roleOrder[b.role]);
  },
  refused: (error) =>
    error.status === 403 ? "This token is not a staff token." : error.detail || error.message,
  hide: [ui.conn],
  onSignedIn: (me) => {
    state.me = me;
    ui.queueScope.textContent =
      me.role === "agent"
        ? "Waiting handoffs and the ones you hold, most urgent first."
        : "The whole team's open and claimed handoffs, most urgent first.";
    startQueue();
    ui.queueTitle.focus();
  },
  onSignedOut: () => {
    if (state.stream) state.stream.close();
    state.stream = null;
    view.close({ silent: true });
    state.me = null;
    state.queue = [];
    state.seen = null;
  },
});

// --- the queue -------------------------------------------------------------------------------------------

function setConnection(status) {
  ui.conn.hidden = false;
  const text = {
    open: "Live",
    retrying: "Reconnecting…",
    closed: "Offline",
    denied: "Signed out",
  }[status];
  ui.conn.textContent = text || status;
  ui.conn.dataset.state = status;
}

function startQueue() {
  if (state.stream) state.stream.close();
  state.seen = null;
  state.stream = openStream("/v1/handoffs/stream", {
    kind: "staff",
    onEvent: (ev) => {
      if (ev.event !== "queue") return;
      setServerNow(ev.data.now);
      updateQueue(ev.data.items);
    },
    onState: (status, code) => {
      setConnection(status);
      if (status === "denied") signin.show(code === 401 ? "Your sign-in has expired. Please sign in again." : "");
    },
  });
}

function updateQueue(items) {
  const fresh = state.seen === null ? [] : items.filter((h) => !state.seen.has(h.id) && h.status === "open");
  state.seen = new Set([...(state.seen || []), ...items.map((h) => h.id)]);
  state.queue = items;
  renderQueue();
  for (const handoff of fresh) {
    announce(`New ${handoff.priority} handoff: ${handoff.customer_name || "a customer"}, ${words(handoff.reason)}.`);
  }
}

function queueItem(handoff) {
  const selected = state.selected === handoff.id;
  const holder =
    handoff.status === "claimed"
      ? handoff.assignee_id === state.me?.id
        ? "You hold it"
        : `Held by ${handoff.assignee_name || "someone"}`
      : STATUS_LABEL[handoff.status] || handoff.status;
  const sla = slaState(handoff.sla_due_at);
  const button = el(
    "button",
    {
      type: "button",
      class: "bd-queue__item",
      "aria-current": selected ? "true" : null,
      dataset: { id: handoff.id, priority: handoff.priority },
      onclick: () => select(handoff.id),
    },
    el("span", { class: `bd-badge bd-badge--${handoff.priority}` }, handoff.priority),
    el("span", { class: "bd-queue__who" }, handoff.customer_name || "Customer"),
    el("span", { class: "bd-queue__reason" }, words(handoff.reason)),
    el("span", { class: "bd-queue__meta" },
      el("span", { class: "bd-sla", dataset: { due: handoff.sla_due_at, level: sla.level } }, sla.text),
      el("span", { class: "bd-queue__holder" }, holder),
    ),
  );
  return el("li", {}, button);
}

function renderQueue() {
  const focused = document.activeElement?.closest?.(".bd-queue__item")?.dataset.id;
  ui.queueList.replaceChildren(...state.queue.map(queueItem));
  ui.queueEmpty.hidden = state.queue.length > 0;
  ui.queueCount.textContent = `(${state.queue.length})`;
  if (focused) ui.queueList.querySelector(`[data-id="${CSS.escape(focused)}"]`)?.focus();
}

function select(id) {
  state.selected = id;
  renderQueue();
  view.open(id);
}

// --- start -----------------------------------------------------------------------------------------------

window.setInterval(() => tickCountdowns(), 1000);
signin.start();
