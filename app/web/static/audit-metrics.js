// Volume and cost at a glance: totals, three small server-drawn charts, and the same figures as tables.

import { api, el } from "./api.js";
import { chartInto, dayStart, KIND, percent, problemText, query, showError, table, usd, day } from "./audit-util.js";

export class MetricsView {
  constructor({ form, error, kpis, volume, variant, tier, tables }) {
    Object.assign(this, { form, error, kpis, volume, variant, tier, tables });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.load();
    });
  }

  params() {
    const data = new FormData(this.form);
    return { from: dayStart(data.get("from")), to: dayStart(data.get("to"), true), bucket: data.get("bucket") };
  }

  async load() {
    showError(this.error, null);
    const params = this.params();
    let m;
    try {
      m = await api(`/v1/audit/metrics${query(params)}`, { kind: KIND });
    } catch (error) {
      showError(this.error, error);
      return;
    }
    // Show the range the server used (the last 30 days when none was given).
    const f = this.form.elements;
    if (!f.from.value) f.from.value = m.start.slice(0, 10);
    if (!f.to.value) f.to.value = new Date(new Date(m.end).getTime() - 1).toISOString().slice(0, 10);
    const t = m.totals;
    this.kpis.replaceChildren(
      ...[
        ["Conversations", String(t.conversations)],
        ["Resolved without handoff", `${t.resolved_without_handoff} (${percent(t.resolution_rate)})`],
        ["Handoff rate", percent(t.handoff_rate)],
        ["Complaints", String(t.complaints)],
        ["Cost per conversation", usd(t.cost_per_conversation_usd_micros)],
        ["Total cost", usd(t.cost_usd_micros)],
      ].map(([term, value]) => el("div", { class: "bd-audit__kpi" }, el("dt", {}, term), el("dd", {}, value))),
    );
    const range = `${day(m.start)} to ${day(new Date(new Date(m.end).getTime() - 1).toISOString())}`;
    const q = query(params);
    const charts = [
      [this.volume, "volume", `Conversations per ${m.bucket}, ${range}: resolved without handoff, handed off, and without a customer message.`],
      [this.variant, "cost-by-variant", `Cost per conversation by model variant, ${range}.`],
      [this.tier, "cost-by-tier", `Cost per conversation by model tier, ${range}.`],
    ];
    await Promise.all(
      charts.map(([figure, name, caption]) =>
        chartInto(figure, `/v1/audit/metrics/${name}.svg${q}`, caption).catch((error) =>
          figure.replaceChildren(el("p", { class: "bd-audit__error" }, problemText(error))),
        ),
      ),
    );
    this.tables.replaceChildren(
      table(
        `Per ${m.bucket}`,
        ["From", "Conversations", "Resolved without handoff", "Handed off", "Complaints", "Cost"],
        m.series.map((p) => [day(p.start), String(p.conversations), String(p.resolved_without_handoff), String(p.handed_off), String(p.complaints), usd(p.cost_usd_micros)]),
      ),
      table(
        "By model variant",
        ["Variant", "Conversations", "Handed off", "Cost", "Cost per conversation"],
        m.by_variant.map((v) => [v.variant, String(v.conversations), String(v.handed_off), usd(v.cost_usd_micros), usd(v.cost_per_conversation_usd_micros)]),
      ),
      table(
        "By model tier",
        ["Tier", "Calls", "Tokens in", "Tokens out", "Cost", "Cost per conversation"],
        m.by_tier.map((x) => [x.tier, String(x.calls), String(x.input_tokens), String(x.output_tokens), usd(x.cost_usd_micros), usd(x.cost_per_conversation_usd_micros)]),
      ),
    );
  }
}
