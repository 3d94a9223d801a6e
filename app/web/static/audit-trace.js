// One conversation for the auditor: its facts, the chain check, handoffs, and each turn with its step trace
// (triage, route, procedure, tools, model calls, compliance, replies, staff). Read-only: the only things an
// auditor can add here are review scores and findings, which never change the transcript.
//
// Every string from the API (customer, assistant and staff text, merchant names inside tool results, notes)
// is inserted as a text node through el().

import { api, el } from "./api.js";
import { chip, day, facts, KIND, pre, problemText, showError, table, usd, when, words } from "./audit-util.js";

const ROLE_LABEL = { customer: "Customer", assistant: "Assistant", staff: "Staff", system: "System" };
const MARKS = [
  ["met", "Met"],
  ["not_met", "Not met"],
  ["not_applicable", "Not applicable"],
];
const RUBRIC = [
  ["accurate", "Accurate"],
  ["compliant", "Compliant"],
  ["fair_treatment", "Fair treatment"],
  ["vulnerable_customer_handled", "Vulnerable customer handled"],
];
const CRITERIA = [...RUBRIC, ["other", "Other"]];
const SEVERITIES = [
  ["low", "Low"],
  ["medium", "Medium"],
  ["high", "High"],
];
const STAFF_EVENT = {
  "handoff.opened": "Handed to a person",
  "handoff.claimed": "Claimed by staff",
  "handoff.returned": "Returned to the assistant",
  "handoff.resolved": "Resolved by staff",
  "handoff.reassigned": "Reassigned",
};

let uid = 0;
const nextId = (prefix) => `${prefix}-${++uid}`;

function message(m, label) {
  if (!m) return el("p", { class: "bd-audit__muted" }, "(message not found)");
  return el(
    "div",
    { class: `bd-audit__msg bd-audit__msg--${m.role}` },
    el("p", { class: "bd-audit__msg-who" }, label || ROLE_LABEL[m.role] || m.role, " · ", when(m.created_at)),
    el("p", { class: "bd-audit__msg-text" }, m.content),
  );
}

function triageText(t) {
  const confidence = t.confidence === null || t.confidence === undefined ? "?" : `${(t.confidence * 100).toFixed(1)} %`;
  return `${words(t.intent)} (${confidence}${t.tier ? `, ${t.tier} tier` : ""})`;
}

function stepTrace(turn) {
  const parts = [];
  if (turn.triage.length) {
    parts.push(
      el("h5", {}, "Triage"),
      table(
        "Triage",
        ["Intent", "Confidence", "Route", "Tier", "Alternatives"],
        turn.triage.map((t) => [
          words(t.intent),
          t.confidence === null ? "" : `${(t.confidence * 100).toFixed(1)} %${t.confident === false ? " (low)" : ""}`,
          words(t.route),
          t.tier || "",
          (t.alternatives || []).map((a) => (Array.isArray(a) ? `${words(a[0])} ${(Number(a[1]) * 100).toFixed(1)} %` : String(a))).join(", "),
        ]),
        { captionHidden: true },
      ),
    );
  }
  if (turn.routes.length) {
    parts.push(
      el("h5", {}, "Route"),
      el("ul", {}, turn.routes.map((r) => el("li", {}, el("strong", {}, words(r.flow)), r.reason ? ` — ${r.reason}` : ""))),
    );
  }
  if (turn.procedure.length) {
    parts.push(
      el("h5", {}, "Procedure"),
      el(
        "ol",
        {},
        turn.procedure.map((s) =>
          el("li", {}, el("strong", {}, `${words(s.node)}: ${words(s.decision)}`), s.data.procedure ? ` (${words(s.data.procedure)})` : ""),
        ),
      ),
    );
  }
  if (turn.tool_calls.length) {
    parts.push(
      el("h5", {}, "Tool calls"),
      el(
        "ol",
        { class: "bd-audit__tools" },
        turn.tool_calls.map((c) =>
          el(
            "li",
            {},
            el("p", {}, el("strong", { class: "bd-mono" }, c.tool), ` from ${words(c.node)}`),
            el("p", { class: "bd-audit__label" }, "Arguments"),
            pre(c.arguments),
            el("p", { class: "bd-audit__label" }, "Result"),
            pre(c.result),
          ),
        ),
      ),
    );
  }
  if (turn.actions.length) {
    parts.push(
      el("h5", {}, "Changes made"),
      el(
        "ul",
        {},
        turn.actions.map((a) =>
          el(
            "li",
            {},
            el("strong", {}, words(a.action)),
            ` on ${a.target_id || "?"} at ${when(a.at)}`,
            a.consent ? ` — the customer agreed (${a.consent.channel}: “${a.consent.words || ""}”)` : " — no consent recorded",
            pre(a.outcome),
          ),
        ),
      ),
    );
  }
  if (turn.model_calls.length) {
    parts.push(
      el("h5", {}, "Model calls"),
      table(
        "Model calls",
        ["Step", "Tier", "Provider", "Model", "Tokens in / out", "Cost", "Latency", "Outcome"],
        turn.model_calls.map((c) => [
          words(c.node),
          c.tier,
          c.provider,
          c.model,
          `${c.input_tokens} / ${c.output_tokens}`,
          usd(c.cost_usd_micros),
          `${Math.round(c.latency_ms)} ms`,
          c.outcome + (c.detail ? ` (${c.detail})` : ""),
        ]),
        { captionHidden: true },
      ),
    );
  }
  if (turn.compliance.length) {
    parts.push(
      el("h5", {}, "Compliance"),
      el(
        "ul",
        {},
        turn.compliance.map((c) =>
          el(
            "li",
            {},
            el("strong", {}, `Outcome: ${c.outcome}`),
            c.findings.length
              ? el("ul", {}, c.findings.map((f) => el("li", {}, `${words(f.rule)} (${f.action || "noted"}): ${f.detail || ""}`)))
              : " — no findings",
          ),
        ),
      ),
    );
  }
  if (turn.other_events.length) {
    parts.push(
      el("h5", {}, "Also logged"),
      el(
        "ul",
        {},
        turn.other_events.map((e) => el("li", {}, el("strong", {}, e.kind), ` at ${when(e.created_at)}`, pre(e.payload))),
      ),
    );
  }
  parts.push(
    el("h5", {}, "Every step"),
    el(
      "ol",
      { class: "bd-audit__steps" },
      turn.steps.map((s) => el("li", {}, el("span", { class: "bd-mono" }, s.node), " → ", s.decision)),
    ),
  );
  return parts;
}

function staffBlock(turn) {
  return turn.staff.map((event) =>
    event.message
      ? message(event.message, `Staff${event.message.author_name ? ` · ${event.message.author_name}` : ""}`)
      : el(
          "p",
          { class: "bd-audit__event" },
          el("strong", {}, STAFF_EVENT[event.kind] || event.kind),
          ` · ${when(event.at)}`,
          event.payload && event.payload.reason ? ` · ${event.payload.reason}` : "",
          event.payload && event.payload.priority ? ` · ${event.payload.priority} priority` : "",
        ),
  );
}

function radioGroup(name, legend, options, required = true) {
  const group = el("fieldset", { class: "bd-audit__radios" }, el("legend", {}, legend));
  options.forEach(([value, label], i) => {
    const id = nextId(name);
    group.append(
      el("input", { type: "radio", name, value, id, required: required && i === 0 }),
      el("label", { for: id }, label),
    );
  });
  return group;
}

export class TranscriptView {
  constructor(root, { announce, onReviewed }) {
    this.root = root;
    this.title = root.querySelector("#bd-transcript-title");
    this.hint = root.querySelector("#bd-transcript-hint");
    this.body = root.querySelector("#bd-transcript-body");
    this.announce = announce;
    this.onReviewed = onReviewed || (() => {});
    this.current = null;
  }

  async open(conversationId, { item = null } = {}) {
    this.title.textContent = "Loading conversation…";
    this.hint.hidden = true;
    this.body.replaceChildren();
    let transcript;
    let review;
    try {
      [transcript, review] = await Promise.all([
        api(`/v1/audit/conversations/${encodeURIComponent(conversationId)}`, { kind: KIND }),
        api(`/v1/review/conversations/${encodeURIComponent(conversationId)}`, { kind: KIND }),
      ]);
    } catch (error) {
      this.title.textContent = "Could not open the conversation";
      this.body.replaceChildren(el("p", { class: "bd-audit__error", role: "alert" }, problemText(error)));
      return;
    }
    this.current = { transcript, review, item };
    this.render();
    this.title.focus();
    this.announce(`Opened the conversation with ${transcript.conversation.customer_name || "a customer"}.`);
    this.verify(conversationId);
  }

  render() {
    const { transcript: t, review, item } = this.current;
    const c = t.conversation;
    this.title.textContent = `Conversation with ${c.customer_name || "unknown customer"} · ${day(c.created_at)}`;
    this.chain = el("p", { class: "bd-audit__badge", role: "status" }, "Checking this conversation's chain…");
    const summary = facts([
      ["Conversation", el("span", { class: "bd-mono" }, c.id)],
      ["Customer", `${c.customer_name || ""} (${c.customer_id})`],
      ["Started", when(c.created_at)],
      ["Status", words(c.status)],
      ["Model variant", c.variant],
      ["Turns", String(c.turns)],
      ["Tokens", String(c.tokens_used)],
      ["Cost", usd(c.cost_usd_micros)],
      ["Flags", c.flags.length ? el("span", {}, c.flags.map((f) => chip(words(f), "warn"))) : "none"],
    ]);
    const handoffs = t.handoffs.length
      ? el(
          "ul",
          { class: "bd-audit__handoffs" },
          t.handoffs.map((h) =>
            el(
              "li",
              {},
              el("strong", {}, `${words(h.status)} handoff`),
              ` · ${h.priority} priority · ${h.reason} · opened ${when(h.created_at)}`,
              h.assignee_name ? ` · with ${h.assignee_name}` : "",
              el("p", { class: "bd-audit__msg-text" }, h.summary),
            ),
          ),
        )
      : null;
    const turns = el(
      "ol",
      { class: "bd-audit__turns" },
      t.turns.map((turn) => this.turn(turn)),
    );
    this.body.replaceChildren(
      this.chain,
      summary,
      handoffs ? el("h3", {}, "Handoffs") : "",
      handoffs || "",
      this.reviewBlock(review, item),
      el("h3", {}, "Turns"),
      t.turns.length ? turns : el("p", { class: "bd-audit__muted" }, "No messages yet."),
      t.before_first_turn.length
        ? el(
            "details",
            {},
            el("summary", {}, `Logged before the first message (${t.before_first_turn.length})`),
            el("ul", {}, t.before_first_turn.map((e) => el("li", {}, `${e.kind} · ${when(e.created_at)}`))),
          )
        : "",
    );
  }

  turn(turn) {
    const first = turn.triage[0];
    const headline = [
      first ? triageText(first) : null,
      turn.routes.length ? `→ ${turn.routes.map((r) => words(r.flow)).join(", ")}` : null,
      turn.compliance.some((c) => c.outcome !== "pass") ? `compliance ${turn.compliance.map((c) => c.outcome).join(", ")}` : null,
    ].filter(Boolean);
    const finding = el("div", { class: "bd-audit__finding-slot" });
    const record = el("button", { type: "button", class: "bd-secondary" }, `Record a finding on turn ${turn.index}`);
    record.addEventListener("click", () => this.findingForm(turn, finding, record));
    return el(
      "li",
      { class: "bd-audit__turn", id: `turn-${turn.index}` },
      el(
        "article",
        { "aria-labelledby": `turn-${turn.index}-title` },
        el(
          "h4",
          { id: `turn-${turn.index}-title` },
          `Turn ${turn.index}`,
          el("span", { class: "bd-audit__muted" }, ` · ${turn.kind} · ${when(turn.started_at)}`),
        ),
        turn.flags.length ? el("p", {}, turn.flags.map((f) => chip(words(f), "warn"))) : "",
        message(turn.customer_message, turn.kind === "confirmation" ? "Customer (confirmation)" : "Customer"),
        headline.length ? el("p", { class: "bd-audit__headline" }, headline.join(" · ")) : "",
        el(
          "details",
          { class: "bd-audit__trace" },
          el("summary", {}, `Step trace (${turn.steps.length} steps, ${turn.model_calls.length} model calls, ${usd(turn.cost_usd_micros)})`),
          ...stepTrace(turn),
        ),
        ...turn.replies.map((m) => message(m)),
        ...staffBlock(turn),
        el("div", { class: "bd-audit__actions" }, record),
        finding,
      ),
    );
  }

  findingForm(turn, slot, opener) {
    const messages = [
      turn.customer_message && ["Customer message", turn.customer_message],
      ...turn.replies.map((m, i) => [`Assistant reply${turn.replies.length > 1 ? ` ${i + 1}` : ""}`, m]),
      ...turn.staff.filter((e) => e.message).map((e, i) => [`Staff message ${i + 1}`, e.message]),
    ].filter(Boolean);
    const ids = { message: nextId("fm"), criterion: nextId("fc"), severity: nextId("fs"), note: nextId("fn") };
    const error = el("p", { class: "bd-audit__error", role: "alert", hidden: true });
    const form = el(
      "form",
      { class: "bd-audit__panel bd-audit__stack", "aria-label": `Finding on turn ${turn.index}` },
      el("h5", {}, `Finding on turn ${turn.index}`),
      el("label", { for: ids.message }, "About"),
      el("select", { id: ids.message, name: "message_id", required: true }, messages.map(([label, m]) => el("option", { value: m.id }, label))),
      el("label", { for: ids.criterion }, "Criterion"),
      el("select", { id: ids.criterion, name: "criterion", required: true }, CRITERIA.map(([v, l]) => el("option", { value: v }, l))),
      el("label", { for: ids.severity }, "Severity"),
      el("select", { id: ids.severity, name: "severity", required: true }, SEVERITIES.map(([v, l]) => el("option", { value: v }, l))),
      el("label", { for: ids.note }, "Note"),
      el("textarea", { id: ids.note, name: "note", rows: "3", maxlength: "4000", required: true }),
      el(
        "div",
        { class: "bd-audit__actions" },
        el("button", { type: "submit" }, "Save finding"),
        el("button", { type: "button", class: "bd-secondary", "data-cancel": "1" }, "Cancel"),
      ),
      error,
    );
    const close = () => {
      slot.replaceChildren();
      opener.hidden = false;
      opener.focus();
    };
    form.querySelector("[data-cancel]").addEventListener("click", close);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const { transcript, item } = this.current;
      try {
        await api("/v1/review/findings", {
          method: "POST",
          kind: KIND,
          body: {
            conversation_id: transcript.conversation.id,
            message_id: data.get("message_id"),
            item_id: item ? item.id : null,
            criterion: data.get("criterion"),
            severity: data.get("severity"),
            note: String(data.get("note") || ""),
          },
        });
      } catch (err) {
        showError(error, err);
        return;
      }
      this.announce(`Finding recorded on turn ${turn.index}.`);
      await this.refreshReview();
      this.onReviewed();
      close();
    });
    opener.hidden = true;
    slot.replaceChildren(form);
    form.querySelector("select").focus();
  }

  reviewBlock(review, item) {
    const block = el("section", { class: "bd-audit__review", "aria-labelledby": "bd-review-here" }, el("h3", { id: "bd-review-here" }, "Review"));
    if (item) block.append(this.scoreForm(item));
    if (review.scores.length) {
      block.append(
        table(
          "Scores",
          ["When", "By", ...RUBRIC.map(([, l]) => l), "Comment"],
          review.scores.map((s) => [
            when(s.created_at),
            s.scored_by_name || "",
            ...RUBRIC.map(([k]) => words(s[k])),
            s.comment,
          ]),
        ),
      );
    }
    if (review.findings.length) {
      block.append(
        table(
          "Findings",
          ["When", "Turn", "Criterion", "Severity", "Note", "By"],
          review.findings.map((f) => [
            when(f.created_at),
            f.turn ? el("a", { href: `#turn-${f.turn}` }, `Turn ${f.turn}`) : "",
            words(f.criterion),
            f.severity,
            f.note,
            f.created_by_name || "",
          ]),
        ),
      );
    }
    if (!item && !review.scores.length && !review.findings.length) {
      block.append(el("p", { class: "bd-audit__muted" }, "Not reviewed yet. Draw a sample to score it, or record a finding on a turn."));
    }
    return block;
  }

  scoreForm(item) {
    const comment = nextId("sc");
    const error = el("p", { class: "bd-audit__error", role: "alert", hidden: true });
    const form = el(
      "form",
      { class: "bd-audit__panel bd-audit__score", "aria-label": "Score against the rubric" },
      el("h4", {}, `Score against the rubric (sample item ${item.position})`),
      ...RUBRIC.map(([key, label]) => radioGroup(key, label, MARKS)),
      el("label", { for: comment }, "Comment"),
      el("textarea", { id: comment, name: "comment", rows: "2", maxlength: "4000" }),
      el("div", { class: "bd-audit__actions" }, el("button", { type: "submit" }, "Save score")),
      error,
    );
    if (item.score) {
      for (const [key] of RUBRIC) {
        const input = form.querySelector(`input[name="${key}"][value="${item.score[key]}"]`);
        if (input) input.checked = true;
      }
    }
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const body = Object.fromEntries(RUBRIC.map(([key]) => [key, data.get(key)]));
      body.comment = String(data.get("comment") || "");
      try {
        item.score = await api(`/v1/review/items/${encodeURIComponent(item.id)}/scores`, { method: "POST", kind: KIND, body });
      } catch (err) {
        showError(error, err);
        return;
      }
      this.announce("Score saved.");
      await this.refreshReview();
      this.onReviewed();
    });
    return form;
  }

  async refreshReview() {
    const id = this.current.transcript.conversation.id;
    this.current.review = await api(`/v1/review/conversations/${encodeURIComponent(id)}`, { kind: KIND });
    const old = this.body.querySelector(".bd-audit__review");
    if (old) old.replaceWith(this.reviewBlock(this.current.review, this.current.item));
  }

  async verify(conversationId) {
    const badge = this.chain;
    try {
      const report = await api(`/v1/audit/conversations/${encodeURIComponent(conversationId)}/verify`, { kind: KIND });
      if (badge !== this.chain) return;
      badge.dataset.state = report.ok ? "ok" : "broken";
      badge.replaceChildren(
        report.ok
          ? `Chain verified: this conversation's ${report.checked} audit events are intact.`
          : `Chain broken: ${report.problems.length} problem(s) in this conversation's audit events.`,
      );
      if (!report.ok) badge.append(el("ul", {}, report.problems.map((p) => el("li", {}, p))));
    } catch (error) {
      badge.dataset.state = "broken";
      badge.textContent = `Could not check the chain: ${problemText(error)}`;
    }
  }
}
