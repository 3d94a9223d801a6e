// Quality review: draw a sample, open its conversations to score them, see findings over time, export.

import { api, download, el } from "./api.js";
import { chartInto, chip, KIND, problemText, query, showError, table, when, words } from "./audit-util.js";

const REASON_LABEL = {
  jailbreak: "jailbreak",
  injection: "prompt injection",
  scam: "scam",
  vulnerability: "vulnerability",
  complaint: "complaint",
  handoff: "handed off",
  low_confidence: "low triage confidence",
  compliance_block: "compliance block",
  compliance_rewrite: "compliance rewrite",
};

export class Review {
  constructor({ form, formError, samples, sample, sampleTitle, sampleMeta, sampleItems, findings, chart, exportJsonl, exportCsv, filters, openItem, announce }) {
    Object.assign(this, { form, formError, samples, sample, sampleTitle, sampleMeta, sampleItems, findings, chart, filters, openItem, announce });
    this.current = null;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.draw();
    });
    exportJsonl.addEventListener("click", () => this.export("jsonl"));
    exportCsv.addEventListener("click", () => this.export("csv"));
  }

  async refresh() {
    await Promise.all([this.loadSamples(), this.loadFindings()]);
    if (this.current) await this.openSample(this.current.id, { focus: false });
  }

  async draw() {
    showError(this.formError, null);
    const data = new FormData(this.form);
    const body = { method: data.get("method"), size: Number(data.get("size")) };
    const seed = String(data.get("seed") || "").trim();
    if (seed) body.seed = Number(seed);
    if (data.get("use_filters")) body.filters = this.filters();
    let sample;
    try {
      sample = await api("/v1/review/samples", { method: "POST", kind: KIND, body });
    } catch (error) {
      showError(this.formError, error);
      return;
    }
    this.announce(`Sample drawn: ${sample.items.length} of ${sample.population} conversations, seed ${sample.seed}.`);
    await this.loadSamples();
    this.showSample(sample, { focus: true });
  }

  async loadSamples() {
    let body;
    try {
      body = await api("/v1/review/samples?limit=20", { kind: KIND });
    } catch (error) {
      this.samples.replaceChildren(el("p", { class: "bd-audit__error" }, problemText(error)));
      return;
    }
    if (!body.items.length) {
      this.samples.replaceChildren(el("p", { class: "bd-audit__muted" }, "No sample drawn yet."));
      return;
    }
    this.samples.replaceChildren(
      el(
        "ul",
        { class: "bd-audit__samples" },
        body.items.map((s) => {
          const open = el("button", { type: "button", class: "bd-secondary" }, `${s.method === "risk" ? "Risk-weighted" : "Random"} sample (up to ${s.size}), ${when(s.created_at)}`);
          open.addEventListener("click", () => this.openSample(s.id, { focus: true }));
          return el("li", {}, open, el("span", { class: "bd-audit__muted" }, ` ${s.scored} scored · seed ${s.seed} · by ${s.created_by_name || "?"}`));
        }),
      ),
    );
  }

  async openSample(id, { focus }) {
    try {
      this.showSample(await api(`/v1/review/samples/${encodeURIComponent(id)}`, { kind: KIND }), { focus });
    } catch (error) {
      showError(this.formError, error);
    }
  }

  showSample(sample, { focus }) {
    this.current = sample;
    this.sample.hidden = false;
    this.sampleTitle.textContent = `${sample.method === "risk" ? "Risk-weighted" : "Random"} sample of ${sample.items.length}`;
    const filters = Object.entries(sample.filters).map(([k, v]) => `${words(k)} ${v}`).join(", ");
    this.sampleMeta.textContent = `Drawn ${when(sample.created_at)} by ${sample.created_by_name || "?"} from ${sample.population} conversation(s)${filters ? ` where ${filters}` : ""}; seed ${sample.seed} (the same seed over the same conversations draws the same sample).`;
    const rows = sample.items.map((item) => {
      const review = el("button", { type: "button" }, `Review ${item.conversation.customer_name || "conversation"}`);
      review.addEventListener("click", () => this.openItem(item));
      return [
        String(item.position),
        review,
        when(item.conversation.created_at),
        `${item.weight}`,
        item.reasons.length ? el("span", {}, item.reasons.map((r) => chip(REASON_LABEL[r] || r, "warn"))) : "none",
        item.score ? `scored ${when(item.score.created_at)}` : "not scored",
        String(item.findings),
      ];
    });
    this.sampleItems.replaceChildren(
      table("Conversations in the sample", ["#", "Conversation", "Started", "Weight", "Why", "Score", "Findings"], rows, { captionHidden: true }),
    );
    if (focus) this.sampleTitle.focus();
  }

  async loadFindings() {
    try {
      await chartInto(this.chart, "/v1/review/findings/trend.svg?bucket=week&from=" + encodeURIComponent(weeksAgo(12)), "Review findings per week over the last 12 weeks, by severity.");
    } catch (error) {
      this.chart.replaceChildren(el("p", { class: "bd-audit__error" }, problemText(error)));
    }
    let body;
    try {
      body = await api(`/v1/review/findings${query({ limit: 50 })}`, { kind: KIND });
    } catch (error) {
      this.findings.replaceChildren(el("p", { class: "bd-audit__error" }, problemText(error)));
      return;
    }
    if (!body.items.length) {
      this.findings.replaceChildren(el("p", { class: "bd-audit__muted" }, "No findings recorded yet."));
      return;
    }
    this.findings.replaceChildren(
      table(
        `Latest findings (${body.items.length} of ${body.total})`,
        ["When", "Conversation", "Turn", "Criterion", "Severity", "Note", "By"],
        body.items.map((f) => [
          when(f.created_at),
          el("span", { class: "bd-mono" }, f.conversation_id.slice(0, 8)),
          f.turn ? String(f.turn) : "",
          words(f.criterion),
          chip(f.severity, f.severity === "high" ? "bad" : f.severity === "medium" ? "warn" : ""),
          f.note,
          f.created_by_name || "",
        ]),
      ),
    );
  }

  async export(format) {
    try {
      await download(`/v1/review/export${query({ format })}`, { kind: KIND, filename: `bankdesk-review.${format}` });
      this.announce("Scores and findings downloaded.");
    } catch (error) {
      showError(this.formError, error);
    }
  }
}

function weeksAgo(weeks) {
  const date = new Date();
  date.setUTCHours(0, 0, 0, 0);
  date.setUTCDate(date.getUTCDate() - 7 * weeks);
  return date.toISOString();
}
