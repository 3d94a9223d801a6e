// Small helpers the audit workspace's modules share. Everything here builds DOM from text (el()); nothing
// parses a string as HTML.

import { ApiError, el, getToken } from "./api.js";

export const KIND = "staff";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (text) => UUID.test(text.trim());

const dateTime = new Intl.DateTimeFormat("en-GB", {
  day: "2-digit", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit",
  timeZone: "UTC", timeZoneName: "short",
});
const dateOnly = new Intl.DateTimeFormat("en-GB", { day: "2-digit", month: "short", year: "numeric", timeZone: "UTC" });

export function when(iso) {
  return iso ? dateTime.format(new Date(iso)) : "";
}

export function day(iso) {
  return iso ? dateOnly.format(new Date(iso)) : "";
}

// Integer micro-dollars as dollars to four places, without floating-point arithmetic on the amount.
export function usd(micros) {
  const value = BigInt(micros || 0);
  const sign = value < 0n ? "-" : "";
  const abs = value < 0n ? -value : value;
  return `${sign}$${abs / 1000000n}.${String((abs % 1000000n) / 100n).padStart(4, "0")}`;
}

export function percent(rate) {
  return `${(Number(rate || 0) * 100).toFixed(1)} %`;
}

export function words(name) {
  return String(name || "").replaceAll("_", " ");
}

// "2026-11-03" from a date input -> the instant that day starts in UTC; `inclusiveEnd` gives the next day's
// start, so "to 3 Nov" includes the whole of 3 November.
export function dayStart(value, inclusiveEnd = false) {
  if (!value) return null;
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return null;
  if (inclusiveEnd) date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString();
}

export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === "") continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

export function problemText(error) {
  if (error instanceof ApiError) {
    if (error.status === 401) return "Your sign-in has expired. Sign out and sign in again.";
    if (error.status === 403) return "This needs an auditor's or supervisor's token.";
    return error.detail || error.title;
  }
  return error && error.message ? error.message : String(error);
}

export function showError(node, error) {
  if (!node) return;
  node.hidden = !error;
  node.textContent = error ? problemText(error) : "";
}

export function chip(text, tone = "") {
  return el("span", { class: `bd-audit__chip${tone ? ` bd-audit__chip--${tone}` : ""}` }, text);
}

export function pre(value) {
  const text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  return el("pre", { class: "bd-audit__json", tabindex: "0" }, text ?? "");
}

// A definition list from [term, description] pairs; descriptions may be nodes or text.
export function facts(pairs, className = "bd-audit__facts") {
  const list = el("dl", { class: className });
  for (const [term, value] of pairs) {
    if (value === null || value === undefined || value === "") continue;
    list.append(el("dt", {}, term), el("dd", {}, value));
  }
  return list;
}

export function table(caption, headers, rows, { captionHidden = false } = {}) {
  return el(
    "table",
    { class: "bd-audit__table" },
    el("caption", { class: captionHidden ? "bd-visually-hidden" : "" }, caption),
    el("thead", {}, el("tr", {}, headers.map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((c) => el("td", {}, c))))),
  );
}

// An SVG chart from the API shown as an image: fetched with the bearer token, read as a data: URL (the page's
// policy allows img-src 'self' data:), so the SVG is only ever an image (no script, no requests, no access to
// this page) and never markup in this document.
export async function chartInto(figure, path, caption) {
  const response = await fetch(path, {
    headers: { Accept: "image/svg+xml", Authorization: `Bearer ${getToken(KIND)}` },
    credentials: "omit",
  });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new ApiError(response.status, problem.title, problem.detail, problem);
  }
  const blob = await response.blob();
  const url = await new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(new Blob([blob], { type: "image/svg+xml" }));
  });
  const image = el("img", { alt: caption, src: url, class: "bd-audit__chart-img" });
  figure.replaceChildren(image, el("figcaption", { class: "bd-audit__help" }, caption));
}
