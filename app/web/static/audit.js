// The compliance auditor's workspace: sign-in, the three views (conversations, quality review, volume and
// cost) and the whole-log chain badge.
//
// Read-only on transcripts: the page only ever writes review samples, scores and findings. Everything shown
// is inserted as text (el() / textContent); charts arrive as SVG images (data: URLs), never as markup. The
// token is kept in this tab's sessionStorage and sent as a bearer header: no cookie, so no CSRF.

import { api } from "./api.js";
import { ConversationSearch } from "./audit-conversations.js";
import { MetricsView } from "./audit-metrics.js";
import { Review } from "./audit-review.js";
import { TranscriptView } from "./audit-trace.js";
import { staffSignin } from "./staff-signin.js";
import { KIND, problemText } from "./audit-util.js";

const $ = (id) => document.getElementById(id);
const ui = {
  chain: $("bd-chain"),
  announce: $("bd-announce"),
};
const tabs = ["conversations", "review", "metrics"].map((name) => ({
  name,
  tab: $(`bd-tab-${name}`),
  panel: $(`bd-view-${name}`),
}));
const loaded = new Set();

function announce(text) {
  ui.announce.textContent = "";
  window.setTimeout(() => {
    ui.announce.textContent = text;
  }, 50);
}

const transcript = new TranscriptView($("bd-transcript"), {
  announce,
  onReviewed: () => {
    if (loaded.has("review")) review.refresh();
  },
});

const search = new ConversationSearch({
  form: $("bd-filters"),
  results: $("bd-results"),
  count: $("bd-results-count"),
  prev: $("bd-prev"),
  next: $("bd-next"),
  page: $("bd-page"),
  error: $("bd-filters-error"),
  exportJsonl: $("bd-export-jsonl"),
  exportCsv: $("bd-export-csv"),
  onOpen: (id) => transcript.open(id),
  announce,
});

const review = new Review({
  form: $("bd-sample-form"),
  formError: $("bd-sample-error"),
  samples: $("bd-samples"),
  sample: $("bd-sample"),
  sampleTitle: $("bd-sample-open-title"),
  sampleMeta: $("bd-sample-meta"),
  sampleItems: $("bd-sample-items"),
  findings: $("bd-findings"),
  chart: $("bd-findings-chart"),
  exportJsonl: $("bd-review-jsonl"),
  exportCsv: $("bd-review-csv"),
  filters: () => search.sampleFilters(),
  openItem: (item) => {
    select("conversations");
    transcript.open(item.conversation.id, { item });
  },
  announce,
});

const metrics = new MetricsView({
  form: $("bd-metrics-form"),
  error: $("bd-metrics-error"),
  kpis: $("bd-kpis"),
  volume: $("bd-chart-volume"),
  variant: $("bd-chart-variant"),
  tier: $("bd-chart-tier"),
  tables: $("bd-metrics-tables"),
});

// --- tabs (WAI-ARIA tabs pattern: arrow keys move between tabs, Tab goes into the panel) ------------------

function select(name, { focus = false } = {}) {
  for (const t of tabs) {
    const on = t.name === name;
    t.tab.setAttribute("aria-selected", on ? "true" : "false");
    t.tab.tabIndex = on ? 0 : -1;
    t.panel.hidden = !on;
    if (on && focus) t.tab.focus();
  }
  if (!loaded.has(name)) {
    loaded.add(name);
    if (name === "review") review.refresh();
    if (name === "metrics") metrics.load();
  }
}

for (const [i, t] of tabs.entries()) {
  t.tab.addEventListener("click", () => select(t.name));
  t.tab.addEventListener("keydown", (event) => {
    const moves = { ArrowRight: 1, ArrowLeft: -1 };
    if (event.key in moves) {
      event.preventDefault();
      select(tabs[(i + moves[event.key] + tabs.length) % tabs.length].name, { focus: true });
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      select(tabs[event.key === "Home" ? 0 : tabs.length - 1].name, { focus: true });
    }
  });
}

// --- the whole log's chain badge -----------------------------------------------------------------------

async function verifyLog() {
  ui.chain.hidden = false;
  ui.chain.dataset.state = "checking";
  ui.chain.textContent = "Checking the audit log…";
  try {
    const report = await api("/v1/audit/verify", { kind: KIND });
    ui.chain.dataset.state = report.ok ? "ok" : "broken";
    const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
    const checkpoints = report.checkpoints_verified
      ? `${plural(report.checkpoints_verified, "signed checkpoint", "signed checkpoints")} match`
      : "no signed checkpoint yet";
    ui.chain.textContent = report.ok
      ? `Audit log verified: ${plural(report.checked, "event", "events")} in ${plural(report.chains, "chain", "chains")}, ${checkpoints}`
      : `Audit log NOT verified: ${plural(report.problems.length, "problem", "problems")}, first at event ${report.first_broken_seq ?? "?"}`;
    ui.chain.title = report.ok ? "" : report.problems.join("\n");
  } catch (error) {
    ui.chain.dataset.state = "broken";
    ui.chain.textContent = `Audit log check failed: ${problemText(error)}`;
  }
}

// --- sign-in -------------------------------------------------------------------------------------------

const signin = staffSignin({
  me: "/v1/audit/me",
  offer: (staff) =>
    staff
      .filter((p) => p.role === "auditor" || p.role === "supervisor")
      .sort((a, b) => (a.role === b.role ? a.full_name.localeCompare(b.full_name) : a.role === "auditor" ? -1 : 1)),
  refused: (error) =>
    error.status === 403 ? "this workspace is for auditors and supervisors." : problemText(error),
  hide: [ui.chain],
  onSignedIn: async () => {
    loaded.clear();
    select("conversations");
    verifyLog();
    try {
      await search.loadFacets();
    } catch (error) {
      announce(`Could not load the filter values: ${problemText(error)}`);
    }
    await search.search();
    $("bd-filters-title").setAttribute("tabindex", "-1");
    $("bd-filters-title").focus();
  },
});

signin.start();
