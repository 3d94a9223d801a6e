// The conversation search: filters (fed by /v1/audit/facets), the paged result list, and exports of the
// filtered set.

import { api, download, el } from "./api.js";
import { chip, dayStart, isUuid, KIND, query, showError, usd, when, words } from "./audit-util.js";

const PAGE = 20;
const FLAG_LABEL = {
  jailbreak: "Jailbreak",
  injection: "Prompt injection",
  scam: "Scam",
  complaint: "Complaint",
  vulnerability: "Vulnerability",
};

function options(select, values, label = words) {
  const keep = select.value;
  select.replaceChildren(select.options[0], ...values.map((v) => el("option", { value: v }, label(v))));
  select.value = keep;
}

export class ConversationSearch {
  constructor({ form, results, count, prev, next, page, error, exportJsonl, exportCsv, onOpen, announce }) {
    Object.assign(this, { form, results, count, prev, next, page, error, onOpen, announce });
    this.offset = 0;
    this.total = 0;
    this.filters = {};
    this.selected = null;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.offset = 0;
      this.search();
    });
    form.addEventListener("reset", () => {
      window.setTimeout(() => {
        this.offset = 0;
        this.search();
      }, 0);
    });
    prev.addEventListener("click", () => {
      this.offset = Math.max(0, this.offset - PAGE);
      this.search();
    });
    next.addEventListener("click", () => {
      this.offset += PAGE;
      this.search();
    });
    exportJsonl.addEventListener("click", () => this.export("jsonl"));
    exportCsv.addEventListener("click", () => this.export("csv"));
  }

  async loadFacets() {
    const facets = await api("/v1/audit/facets", { kind: KIND });
    const f = this.form.elements;
    options(f.intent, facets.intents);
    options(f.route, facets.routes);
    options(f.flag, facets.flags, (v) => FLAG_LABEL[v] || words(v));
    options(f.compliance_rule, facets.compliance_rules);
    options(f.variant, facets.variants, (v) => v);
  }

  // The form as API filters (dates are whole days in UTC; "to" includes its day).
  readFilters() {
    const data = new FormData(this.form);
    const customer = String(data.get("customer") || "").trim();
    const filters = {
      from: dayStart(data.get("from")),
      to: dayStart(data.get("to"), true),
      intent: data.get("intent"),
      route: data.get("route"),
      flag: data.get("flag"),
      handed_off: data.get("handed_off"),
      compliance: data.get("compliance"),
      compliance_rule: data.get("compliance_rule"),
      variant: data.get("variant"),
      status: data.get("status"),
      review_finding: data.get("review_finding"),
    };
    if (customer) filters[isUuid(customer) ? "customer_id" : "customer"] = customer;
    return Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== null && v !== ""));
  }

  // Filters as the JSON body of a sample draw (booleans as booleans).
  sampleFilters() {
    const filters = { ...this.readFilters() };
    for (const key of ["handed_off", "review_finding"]) if (key in filters) filters[key] = filters[key] === "true";
    return filters;
  }

  async search() {
    showError(this.error, null);
    this.filters = this.readFilters();
    let body;
    try {
      body = await api(`/v1/audit/conversations${query({ ...this.filters, limit: PAGE, offset: this.offset })}`, { kind: KIND });
    } catch (error) {
      showError(this.error, error);
      return;
    }
    this.total = body.total;
    this.render(body.items);
    const last = Math.min(this.offset + body.items.length, body.total);
    this.count.textContent = body.total ? `(${this.offset + 1}–${last} of ${body.total})` : "(none)";
    this.page.textContent = body.total ? `Page ${Math.floor(this.offset / PAGE) + 1} of ${Math.ceil(body.total / PAGE)}` : "";
    this.prev.disabled = this.offset === 0;
    this.next.disabled = last >= body.total;
    this.announce(`${body.total} conversation${body.total === 1 ? "" : "s"} found.`);
  }

  render(items) {
    if (!items.length) {
      this.results.replaceChildren(el("p", { class: "bd-audit__muted" }, "No conversation matches these filters."));
      return;
    }
    const rows = items.map((c) => {
      const open = el(
        "button",
        {
          type: "button",
          class: "bd-audit__open",
          "aria-current": c.id === this.selected ? "true" : "false",
          "aria-label": `Open the conversation with ${c.customer_name || c.customer_id} started ${when(c.created_at)}`,
          "data-id": c.id,
        },
        c.customer_name || c.customer_id,
      );
      open.addEventListener("click", () => {
        this.selected = c.id;
        for (const b of this.results.querySelectorAll("button.bd-audit__open")) {
          b.setAttribute("aria-current", b.dataset.id === c.id ? "true" : "false");
        }
        this.onOpen(c.id);
      });
      return el(
        "tr",
        {},
        el("td", {}, open, el("span", { class: "bd-audit__when" }, `${when(c.created_at)} · ${c.variant} · ${usd(c.cost_usd_micros)}`)),
        el("td", {}, String(c.turns)),
        el("td", {}, c.intents.map(words).join(", ")),
        el("td", {}, c.flags.map((f) => chip(FLAG_LABEL[f] || f, "warn")), c.handed_off ? chip("Handed off", "info") : ""),
      );
    });
    this.results.replaceChildren(
      el(
        "table",
        { class: "bd-audit__table bd-audit__results" },
        el("caption", { class: "bd-visually-hidden" }, "Matching conversations, newest first"),
        el(
          "thead",
          {},
          el("tr", {}, ["Conversation", "Turns", "Intents", "Flags"].map((h) => el("th", { scope: "col" }, h))),
        ),
        el("tbody", {}, rows),
      ),
    );
  }

  async export(format) {
    showError(this.error, null);
    const filters = this.readFilters();
    try {
      await download(`/v1/audit/conversations/export${query({ ...filters, format })}`, {
        kind: KIND,
        filename: `bankdesk-conversations.${format}`,
      });
      this.announce(`Export (${format === "csv" ? "CSV" : "JSON lines"}) downloaded.`);
    } catch (error) {
      showError(this.error, error);
    }
  }
}
