// Formatting for the staff console: SLA countdowns against the server's clock, times, labels.

let clockOffsetMs = 0; // server time minus this browser's time, from the queue stream's "now"

export function setServerNow(iso) {
  const server = Date.parse(iso);
  if (!Number.isNaN(server)) clockOffsetMs = server - Date.now();
}

export function serverNow() {
  return Date.now() + clockOffsetMs;
}

function span(ms) {
  const totalSeconds = Math.floor(Math.abs(ms) / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const ss = String(seconds).padStart(2, "0");
  if (hours) return `${hours}:${String(minutes).padStart(2, "0")}:${ss}`;
  return `${minutes}:${ss}`;
}

// "due in 3:59:12" / "due in 12:34" / "overdue by 3:05", and whether it is overdue or close (< 5 min).
export function slaState(dueIso) {
  const left = Date.parse(dueIso) - serverNow();
  if (left < 0) return { text: `overdue by ${span(left)}`, level: "overdue" };
  return { text: `due in ${span(left)}`, level: left < 5 * 60 * 1000 ? "soon" : "ok" };
}

// Refresh every countdown on the page (elements with data-due); called every second.
export function tickCountdowns(root = document) {
  for (const node of root.querySelectorAll("[data-due]")) {
    const state = slaState(node.dataset.due);
    if (node.textContent !== state.text) node.textContent = state.text;
    node.dataset.level = state.level;
  }
}

export function timeOf(iso) {
  const when = new Date(iso);
  const today = new Date(serverNow());
  const sameDay = when.toDateString() === today.toDateString();
  const time = when.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
  return sameDay ? time : `${when.toLocaleDateString("en-GB", { day: "numeric", month: "short" })} ${time}`;
}

export function dateOf(isoDate) {
  return new Date(`${isoDate.slice(0, 10)}T12:00:00Z`).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
  });
}

export function words(value) {
  return String(value ?? "").replaceAll("_", " ");
}

export const STATUS_LABEL = {
  open: "Waiting",
  claimed: "Claimed",
  returned: "Back with the assistant",
  resolved: "Resolved",
};

export const ROLE_LABEL = { customer: "Customer", assistant: "Assistant", staff: "Staff", system: "System" };

export const RESOLUTION_LABEL = {
  answered: "Answered the customer's question",
  action_taken: "Action taken for the customer",
  complaint_recorded: "Complaint recorded and passed on",
  referred: "Referred to a specialist team",
  fraud_case_opened: "Fraud case opened",
  customer_unreachable: "Customer stopped replying",
  duplicate: "Duplicate of another conversation",
};
