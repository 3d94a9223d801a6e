// One handoff in the staff console: summary, transcript with each turn's trace, notes, the customer's
// masked context, and the actions (claim, reply, note, return, resolve, reassign). Live through the
// handoff's own stream; every text from customers, staff, merchants or the assistant goes in as text.

import { api, el, money, openStream } from "./api.js";
import {
  dateOf,
  RESOLUTION_LABEL,
  ROLE_LABEL,
  slaState,
  STATUS_LABEL,
  timeOf,
  words,
} from "./console-format.js";

const SUPPORT_ROLES = new Set(["agent", "supervisor"]);
const OUTCOME_LABEL = {
  reply: "answered",
  confirmation_required: "asked the customer to confirm",
  handoff: "handed to staff",
  silent: "held for staff (the assistant stays silent)",
};

// Runs of blank lines shown as one (the assistant separates parts of a reply with several).
function tidy(text) {
  return String(text).replace(/\n{3,}/g, "\n\n");
}

function field(id, label, control, help) {
  return el(
    "div",
    { class: "bd-field" },
    el("label", { for: id }, label),
    help ? el("p", { class: "bd-help", id: `${id}-help` }, help) : null,
    control,
  );
}

function textarea(id, { rows = 3, required = false, help = false, maxlength = 4000 } = {}) {
  return el("textarea", {
    id,
    rows,
    required,
    maxlength,
    "aria-describedby": help ? `${id}-help` : null,
  });
}

export class HandoffView {
  constructor(section, { announce, me, onClosed }) {
    this.section = section;
    this.title = section.querySelector("#bd-handoff-title");
    this.hint = section.querySelector("#bd-handoff-hint");
    this.body = section.querySelector("#bd-handoff-body");
    this.announce = announce;
    this.me = me;
    this.onClosed = onClosed;
    this.id = null;
    this.detail = null;
    this.stream = null;
    this.messages = new Map();
    this.staffLoaded = false;
  }

  // --- opening and closing ---------------------------------------------------------------------------

  async open(id) {
    this.close({ silent: true });
    this.id = id;
    this.build();
    // The actions stay out of reach until the detail is here: a keyboard user who tabs on while it
    // loads must not land on a Claim button that the loaded page then takes the focus away from.
    this.body.hidden = true;
    this.title.textContent = "Loading handoff…";
    this.title.focus();
    let detail;
    try {
      detail = await api(`/v1/handoffs/${encodeURIComponent(id)}`, { kind: "staff" });
    } catch (error) {
      if (this.id !== id) return;
      this.body.hidden = false;
      this.title.textContent = "This handoff cannot be opened";
      this.body.replaceChildren(el("p", { class: "bd-notice bd-notice--danger", role: "alert" }, error.detail || error.message));
      return;
    }
    if (this.id !== id) return;
    this.update(detail);
    this.body.hidden = false;
    // Back to the title only if the focus is still there (or nowhere): never pull it from where the user moved it.
    const active = document.activeElement;
    if (!active || active === document.body || active === this.title) this.title.focus();
    this.stream = openStream(`/v1/handoffs/${encodeURIComponent(id)}/stream`, {
      kind: "staff",
      lastEventId: detail.version,
      onEvent: (ev) => {
        if (this.id !== id) return;
        if (ev.event === "handoff") this.update(ev.data);
        else if (ev.event === "gone") this.gone(ev.data.detail);
      },
    });
  }

  close({ silent = false } = {}) {
    if (this.stream) this.stream.close();
    this.stream = null;
    this.id = null;
    this.detail = null;
    this.messages = new Map();
    this.body.replaceChildren();
    this.body.hidden = false;
    this.title.textContent = "No handoff selected";
    this.hint.hidden = false;
    if (!silent) this.onClosed();
  }

  gone(reason) {
    // A refused action's explanation (say, who claimed it first) stays on screen above the reason.
    const earlier = this.refs && !this.refs.alert.hidden ? this.refs.alert.textContent : "";
    const message = reason || "You can no longer open this handoff.";
    this.close();
    this.title.textContent = "Handoff no longer available to you";
    this.body.replaceChildren(
      el(
        "div",
        { class: "bd-notice bd-notice--danger", role: "alert" },
        earlier ? el("p", {}, earlier) : null,
        el("p", {}, message),
      ),
    );
    this.announce(earlier || message);
  }

  // --- the skeleton (built once per handoff, so typing in a form survives live updates) ---------------

  build() {
    this.hint.hidden = true;
    const r = {};
    this.refs = r;
    r.status = el("p", { class: "bd-handoff__status" });
    r.alert = el("p", { class: "bd-notice bd-notice--danger", role: "alert", hidden: true });
    r.claim = el("button", { type: "button", onclick: () => this.claim() }, "Claim this handoff");

    r.assignSelect = el("select", { id: "bd-assign-to" });
    r.assign = el(
      "details",
      { class: "bd-disclosure" },
      el("summary", {}, "Reassign"),
      el(
        "form",
        { class: "bd-inline-form", onsubmit: (e) => this.submit(e, () => this.reassign()) },
        field("bd-assign-to", "Give this handoff to", r.assignSelect),
        el("button", { type: "submit" }, "Assign"),
      ),
    );
    r.actions = el("div", { class: "bd-handoff__actions" }, r.claim, r.assign);

    r.summary = el("p", { class: "bd-handoff__summary" });
    // Scrolling lists take the focus (tabindex 0), so keyboard users can scroll them too.
    r.transcript = el("ol", { class: "bd-transcript", "aria-label": "Conversation transcript", tabindex: "0" });
    r.typing = el("p", { class: "bd-typing", hidden: true }, "The customer's latest message is being answered…");

    r.replyText = textarea("bd-reply-text", { rows: 3, required: true, help: true });
    r.reply = el(
      "form",
      { class: "bd-reply", onsubmit: (e) => this.submit(e, () => this.reply()) },
      field("bd-reply-text", "Reply to the customer", r.replyText, "Delivered to the customer's chat at once. Ctrl+Enter sends."),
      el("button", { type: "submit" }, "Send reply"),
    );
    r.replyText.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) r.reply.requestSubmit();
    });

    r.returnNote = textarea("bd-return-note", { rows: 2, help: true, maxlength: 2000 });
    r.returnForm = el(
      "details",
      { class: "bd-disclosure" },
      el("summary", {}, "Return to the assistant"),
      el(
        "form",
        { class: "bd-inline-form", onsubmit: (e) => this.submit(e, () => this.returnToAssistant()) },
        field("bd-return-note", "Note for the assistant (optional)", r.returnNote, "The assistant reads it on the customer's next message; the customer never sees it."),
        el("button", { type: "submit" }, "Return to the assistant"),
      ),
    );

    r.resolveCode = el(
      "select",
      { id: "bd-resolve-code", required: true },
      el("option", { value: "" }, "Choose a reason…"),
      ...Object.entries(RESOLUTION_LABEL).map(([code, label]) => el("option", { value: code }, label)),
    );
    r.resolveNote = textarea("bd-resolve-note", { rows: 2, maxlength: 2000 });
    r.resolveForm = el(
      "details",
      { class: "bd-disclosure" },
      el("summary", {}, "Resolve"),
      el(
        "form",
        { class: "bd-inline-form", onsubmit: (e) => this.submit(e, () => this.resolve()) },
        field("bd-resolve-code", "Reason", r.resolveCode),
        field("bd-resolve-note", "Private note (optional)", r.resolveNote),
        el("button", { type: "submit" }, "Resolve handoff"),
      ),
    );
    r.holderTools = el("div", { class: "bd-handoff__holder" }, r.reply, el("div", { class: "bd-handoff__close" }, r.returnForm, r.resolveForm));

    r.notes = el("ol", { class: "bd-notes", "aria-label": "Staff notes", tabindex: "0" });
    r.noteText = textarea("bd-note-text", { rows: 2, required: true, help: true });
    r.noteForm = el(
      "form",
      { class: "bd-note-form", onsubmit: (e) => this.submit(e, () => this.addNote()) },
      field("bd-note-text", "Private note", r.noteText, "For staff and auditors only: the customer never sees notes."),
      el("button", { type: "submit", class: "bd-secondary" }, "Add note"),
    );
    r.context = el("div", { class: "bd-context" });

    this.body.replaceChildren(
      r.status,
      r.alert,
      r.actions,
      el(
        "div",
        { class: "bd-handoff__grid" },
        el(
          "div",
          { class: "bd-handoff__conversation" },
          el("h3", {}, "Summary"),
          r.summary,
          el("h3", {}, "Conversation"),
          r.transcript,
          r.typing,
          r.holderTools,
        ),
        el(
          "aside",
          { class: "bd-handoff__side", "aria-label": "Notes and customer context" },
          el("section", { "aria-labelledby": "bd-notes-title" }, el("h3", { id: "bd-notes-title" }, "Notes"), r.notes, r.noteForm),
          el("section", { "aria-labelledby": "bd-context-title" }, el("h3", { id: "bd-context-title" }, "Customer"), r.context),
        ),
      ),
    );
  }

  // --- rendering a detail ----------------------------------------------------------------------------

  update(detail) {
    const first = this.detail === null;
    const before = this.detail;
    this.detail = detail;
    const r = this.refs;
    const h = detail.handoff;
    const me = this.me();
    const support = SUPPORT_ROLES.has(me?.role);
    const supervisor = me?.role === "supervisor";
    const holder = h.status === "claimed" && (h.assignee_id === me?.id || supervisor);
    const active = h.status === "open" || h.status === "claimed";

    this.title.textContent = `${detail.customer.full_name}: ${words(h.reason)}`;
    const sla = slaState(h.sla_due_at);
    const held =
      h.status === "claimed" ? (h.assignee_id === me?.id ? "held by you" : `held by ${h.assignee_name || "someone"}`) : null;
    r.status.replaceChildren(
      el("span", { class: `bd-badge bd-badge--${h.priority}` }, h.priority),
      " ",
      el("strong", {}, STATUS_LABEL[h.status] || h.status),
      held ? ` · ${held}` : "",
      active ? " · " : "",
      active ? el("span", { class: "bd-sla", dataset: { due: h.sla_due_at, level: sla.level } }, sla.text) : "",
      h.resolution ? ` · ${RESOLUTION_LABEL[h.resolution] || words(h.resolution)}` : "",
    );

    r.claim.hidden = !(support && h.status === "open");
    r.assign.hidden = !(supervisor && active);
    r.actions.hidden = r.claim.hidden && r.assign.hidden;
    if (supervisor && active) this.loadStaff(h);
    r.holderTools.hidden = !holder;
    r.noteForm.hidden = !support;
    r.summary.textContent = h.summary || "No summary.";
    r.typing.hidden = !detail.conversation.typing;

    this.renderTranscript(detail.transcript, first);
    this.renderNotes(detail.notes);
    this.renderContext(detail.customer);

    if (!first && before) {
      const newCustomer = detail.transcript.filter(
        (m) => m.role === "customer" && !before.transcript.some((b) => b.id === m.id),
      );
      if (newCustomer.length) this.announce("New message from the customer.");
      if (before.handoff.status !== h.status) this.announce(`Handoff is now: ${STATUS_LABEL[h.status] || h.status}.`);
    }
  }

  renderTranscript(entries, first) {
    const list = this.refs.transcript;
    const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    for (const entry of entries) {
      let item = this.messages.get(entry.id);
      if (!item) {
        item = this.message(entry);
        this.messages.set(entry.id, item);
        list.append(item);
      } else if (entry.turn) {
        item.querySelector(".bd-trace")?.replaceWith(this.trace(entry.turn));
      }
    }
    if (first || nearBottom) list.scrollTop = list.scrollHeight;
  }

  message(entry) {
    const who = entry.role === "staff" ? entry.author_name || "Staff" : ROLE_LABEL[entry.role] || entry.role;
    return el(
      "li",
      { class: `bd-msg bd-msg--${entry.role}` },
      el(
        "p",
        { class: "bd-msg__head" },
        el("strong", {}, who),
        " ",
        el("time", { datetime: entry.created_at }, timeOf(entry.created_at)),
      ),
      el("p", { class: "bd-msg__text" }, tidy(entry.content)),
      entry.turn ? this.trace(entry.turn) : null,
    );
  }

  trace(turn) {
    const parts = [];
    const add = (label, value, cls = "") => {
      if (!value) return;
      parts.push(el("div", { class: `bd-trace__item ${cls}`.trim() }, el("dt", {}, label), el("dd", {}, value)));
    };
    add(
      "Intent",
      turn.intents
        .map((i) => (i.confidence === null ? words(i.name) : `${words(i.name)} (${Math.round(i.confidence * 100)}%)`))
        .join(", "),
    );
    add("Route", turn.routes.map(words).join(" → "));
    add("Flags", turn.flags.map(words).join(", "), "bd-trace__item--flag");
    add("Tools", turn.tools.map(words).join(", "));
    add("Compliance", turn.compliance.map(words).join(", "));
    const outcome = turn.outcome ? OUTCOME_LABEL[turn.outcome] || words(turn.outcome) : "";
    add("Outcome", outcome && turn.handoff_reason ? `${outcome}: ${words(turn.handoff_reason)}` : outcome);
    return el("dl", { class: "bd-trace", "aria-label": "What the assistant made of this message" }, ...parts);
  }

  renderNotes(notes) {
    const list = this.refs.notes;
    if (!notes.length) {
      list.replaceChildren(el("li", { class: "bd-help" }, "No notes yet."));
      return;
    }
    list.replaceChildren(
      ...notes.map((note) =>
        el(
          "li",
          { class: `bd-note bd-note--${note.kind}` },
          el(
            "p",
            { class: "bd-msg__head" },
            el("strong", {}, note.author_name || "Staff"),
            ` · ${note.kind === "for_assistant" ? "for the assistant" : "private"} · `,
            el("time", { datetime: note.created_at }, timeOf(note.created_at)),
          ),
          el("p", { class: "bd-msg__text" }, note.content),
        ),
      ),
    );
  }

  renderContext(customer) {
    const section = (title, items, empty, stacked = false) =>
      el(
        "div",
        { class: "bd-context__group" },
        el("h4", {}, title),
        items.length
          ? el("ul", { class: `bd-context__list${stacked ? " bd-context__list--stacked" : ""}` }, ...items)
          : el("p", { class: "bd-help" }, empty),
      );
    const accounts = customer.accounts.map((a) =>
      el(
        "li",
        {},
        el("span", {}, `${a.name.toLowerCase().includes(a.kind) ? a.name : `${a.name} (${a.kind})`} ending ${a.number_last4}`),
        el("span", { class: "bd-amount" }, money(a.balance_minor, a.currency)),
      ),
    );
    const cards = customer.cards.map((c) =>
      el(
        "li",
        {},
        el("span", {}, `${c.brand} ending ${c.last4}`),
        el("span", { class: `bd-state bd-state--${c.status}` }, `${c.status}, expires ${c.expiry}`),
      ),
    );
    const disputes = customer.disputes.map((d) =>
      el(
        "li",
        {},
        el("span", {}, `${d.merchant}: ${money(Math.abs(d.amount_minor), d.currency)}`),
        el("span", { class: "bd-state" }, `${words(d.status)}, ${dateOf(d.created_at)}`),
        el("span", { class: "bd-help bd-context__why" }, d.reason),
      ),
    );
    const complaints = customer.complaints.map((c) =>
      el(
        "li",
        {},
        el("span", {}, c.summary),
        el(
          "span",
          { class: `bd-state${c.overdue ? " bd-state--overdue" : ""}` },
          `${words(c.status)}, final response due ${dateOf(c.final_response_due)}${c.overdue ? " (overdue)" : ""}`,
        ),
      ),
    );
    this.refs.context.replaceChildren(
      el("p", { class: "bd-context__name" }, customer.full_name),
      section("Accounts", accounts, "No accounts."),
      section("Cards", cards, "No cards."),
      section("Recent disputes", disputes, "No disputes.", true),
      section("Complaints", complaints, "No complaints.", true),
    );
  }

  async loadStaff(h) {
    const select = this.refs.assignSelect;
    if (!this.staffLoaded) {
      this.staffLoaded = true;
      try {
        const staff = await api("/v1/handoffs/staff", { kind: "staff" });
        this.staffOptions = staff.items;
      } catch (error) {
        this.staffOptions = [];
      }
    }
    if (document.activeElement === select) return;
    select.replaceChildren(
      el("option", { value: "" }, "Nobody: back to the open queue"),
      ...(this.staffOptions || []).map((s) => el("option", { value: s.id }, `${s.full_name} (${s.role})`)),
    );
    select.value = h.assignee_id || "";
  }

  // --- actions ---------------------------------------------------------------------------------------

  // Back to ``target`` after an action, unless the user has already moved on to something else.
  keepFocusIn(form, target) {
    const active = document.activeElement;
    if (!active || active === document.body || form.contains(active)) target.focus();
  }

  async submit(event, action) {
    event.preventDefault();
    const button = event.target.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    try {
      await action();
    } finally {
      if (button) button.disabled = false;
    }
  }

  showError(error) {
    const r = this.refs;
    const conflict = error.status === 409;
    r.alert.textContent = conflict ? `Not done. ${error.detail}` : error.detail || error.message;
    r.alert.hidden = false;
  }

  clearError() {
    this.refs.alert.hidden = true;
    this.refs.alert.textContent = "";
  }

  async call(path, body) {
    this.clearError();
    try {
      const result = await api(`/v1/handoffs/${encodeURIComponent(this.id)}${path}`, { method: "POST", body, kind: "staff" });
      await this.refresh();
      return result;
    } catch (error) {
      this.showError(error);
      if (error.status === 409) await this.refresh();
      return null;
    }
  }

  async refresh() {
    const id = this.id;
    try {
      const detail = await api(`/v1/handoffs/${encodeURIComponent(id)}`, { kind: "staff" });
      if (this.id === id) this.update(detail);
    } catch (error) {
      if (this.id === id && (error.status === 403 || error.status === 404)) this.gone(error.detail);
    }
  }

  async claim() {
    this.refs.claim.disabled = true;
    const done = await this.call("/claim");
    this.refs.claim.disabled = false;
    if (done) {
      this.announce("You claimed this handoff. Write your reply.");
      this.refs.replyText.focus();
    }
  }

  async reply() {
    const text = this.refs.replyText.value;
    if (!text.trim()) return;
    const done = await this.call("/messages", { content: text });
    if (done) {
      this.refs.replyText.value = "";
      this.announce("Reply sent to the customer.");
      this.keepFocusIn(this.refs.reply, this.refs.replyText);
    }
  }

  async addNote() {
    const text = this.refs.noteText.value;
    if (!text.trim()) return;
    const done = await this.call("/notes", { content: text });
    if (done) {
      this.refs.noteText.value = "";
      this.announce("Note added.");
      this.keepFocusIn(this.refs.noteForm, this.refs.noteText);
    }
  }

  async returnToAssistant() {
    const note = this.refs.returnNote.value.trim();
    const done = await this.call("/return", note ? { note } : {});
    if (done) {
      this.refs.returnNote.value = "";
      this.announce("The conversation is back with the assistant.");
      this.title.focus();
    }
  }

  async resolve() {
    const code = this.refs.resolveCode.value;
    if (!code) return;
    const note = this.refs.resolveNote.value.trim();
    const done = await this.call("/resolve", note ? { reason_code: code, note } : { reason_code: code });
    if (done) {
      this.announce("Handoff resolved.");
      this.title.focus();
    }
  }

  async reassign() {
    const to = this.refs.assignSelect.value || null;
    const done = await this.call("/assign", { assignee_id: to });
    if (done) {
      this.announce(to ? `Assigned to ${done.assignee_name}.` : "Back in the open queue.");
      this.refs.assign.open = false;
    }
  }
}
