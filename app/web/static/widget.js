// Bankdesk's customer chat widget. A bank embeds it with one tag:
//
//   <script type="module" src="https://bankdesk.example/static/widget.js"
//           data-bank-name="Northbank" data-help-origins="https://help.northbank.example"></script>
//
// and, once its own login has a Bankdesk customer token for the signed-in customer, hands it over:
//
//   window.Bankdesk.signIn(token)            // or, before the widget has loaded:
//   document.dispatchEvent(new CustomEvent("bankdesk:token", { detail: { token } }))
//   window.Bankdesk.signOut()                // when the customer signs out of online banking
//
// The token never goes in a URL; it is kept in this tab's sessionStorage and sent as a bearer header.
// The widget renders into a shadow root, so the host page's CSS cannot reach it; the theme's custom
// properties (--bd-brand, --bd-fg ...) still pass through, so a bank can re-theme it.
//
// Data attributes on the script tag: data-bank-name (shown in the header), data-help-origins (space-separated
// origins, besides the page's own, that links in replies may open), data-api (where the API lives; by
// default the server the script came from), data-open ("true": start open).
//
// All text from customers, the assistant and staff is inserted as text nodes (markdown.js for the subset).

import { ApiError, api, clearToken, el, getToken, openStream, setToken } from "./api.js";
import { renderMarkdown } from "./markdown.js";

const script = [...document.querySelectorAll("script[src]")].find((s) => s.src === import.meta.url);
const data = script ? script.dataset : {};
const API = new URL(data.api || "../", import.meta.url);
const BANK = data.bankName || "Northbank";
const HELP_ORIGINS = (data.helpOrigins || "")
  .split(/\s+/)
  .map((value) => {
    try {
      return value ? new URL(value).origin : null;
    } catch {
      return null;
    }
  })
  .filter(Boolean);

const KEY_CONVERSATION = "bankdesk.widget.conversation";
const KEY_SUBJECT = "bankdesk.widget.subject";
const KEY_OPEN = "bankdesk.widget.open";
const MAX_CHARS = 4000;

const clock = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit" });

function url(path) {
  return new URL(path.replace(/^\//, ""), API).href;
}

function newKey() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

// The subject of a token, to tell one customer's conversation from another's in this tab. Not trusted for
// anything else: the server verifies every token.
function subjectOf(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return String(JSON.parse(atob(part)).sub || "");
  } catch {
    return "";
  }
}

function friendlyError(error) {
  if (error instanceof ApiError) {
    if (error.status === 401) return "Your session has ended. Please sign in again.";
    if (error.status === 429) return error.detail || "You're sending messages quickly. Please wait a moment.";
    if (error.status === 409) return error.detail || "Please wait for the reply to your last message.";
    if (error.status === 422) return error.detail || "That message could not be sent.";
    if (error.status >= 500) return "Something went wrong on our side. Please try again.";
    return error.detail || error.title;
  }
  return "You seem to be offline. Check your connection and try again.";
}

// A speech bubble, drawn as SVG nodes (no font or image to load).
function chatIcon() {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  for (const [name, value] of Object.entries({
    viewBox: "0 0 24 24",
    width: "20",
    height: "20",
    "aria-hidden": "true",
    focusable: "false",
    class: "bdw-launcher-icon",
  })) {
    svg.setAttribute(name, value);
  }
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H10l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z");
  path.setAttribute("fill", "currentColor");
  svg.append(path);
  return svg;
}

class ChatWidget {
  constructor() {
    this.conversationId = sessionStorage.getItem(KEY_CONVERSATION);
    this.stream = null;
    this.messages = new Map(); // message id -> <li>
    this.statuses = new Set(); // status event ids already shown
    this.pending = []; // messages being sent: {node, text, key}
    this.localTyping = false;
    this.remoteTyping = false;
    this.replaying = false;
    this.status = "active";
    this.confirmation = null; // {messageId, node}
    this.build();
  }

  // --- the DOM -------------------------------------------------------------------------------------------

  build() {
    this.host = el("div", { id: "bankdesk-chat", "data-bankdesk": "widget" });
    const root = this.host.attachShadow({ mode: "open" });
    this.root = root;
    root.append(el("link", { rel: "stylesheet", href: new URL("widget.css", import.meta.url).href }));

    this.launcher = el(
      "button",
      { type: "button", class: "bdw-launcher", "aria-expanded": "false", "aria-controls": "bdw-panel" },
      chatIcon(),
      el("span", {}, "Chat with us"),
    );
    this.unread = 0;
    this.badge = el("span", { class: "bdw-badge", hidden: true });
    this.launcher.append(this.badge);
    this.launcher.addEventListener("click", () => this.open());

    this.log = el("ol", { class: "bdw-log", "aria-label": "Conversation" });
    this.intro = el(
      "li",
      { class: "bdw-intro" },
      el("p", {}, `Hello! Ask about your cards, payments, accounts or anything else ${BANK} can help with.`),
    );
    this.log.append(this.intro);
    this.typing = el(
      "div",
      { class: "bdw-typing", hidden: true, "aria-hidden": "true" },
      el("span", { class: "bdw-dot" }),
      el("span", { class: "bdw-dot" }),
      el("span", { class: "bdw-dot" }),
      el("span", { class: "bdw-typing-label" }, "Assistant is typing"),
    );
    this.banner = el("p", { class: "bdw-banner", hidden: true });
    this.signinNote = el(
      "p",
      { class: "bdw-signin", hidden: true },
      `Please sign in to ${BANK} online banking to chat with us.`,
    );

    this.input = el("textarea", {
      id: "bdw-input",
      class: "bdw-input",
      rows: "2",
      maxlength: String(MAX_CHARS),
      placeholder: "Type your message",
      autocomplete: "off",
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.form.requestSubmit();
      }
    });
    this.sendButton = el("button", { type: "submit", class: "bdw-send" }, "Send");
    this.form = el(
      "form",
      { class: "bdw-form" },
      el("label", { for: "bdw-input", class: "bdw-sr" }, "Your message"),
      this.input,
      this.sendButton,
    );
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = this.input.value;
      if (!text.trim()) return;
      this.input.value = "";
      this.send(text);
    });

    this.closeButton = el(
      "button",
      { type: "button", class: "bdw-close", "aria-label": "Close chat" },
      el("span", { "aria-hidden": "true" }, "×"),
    );
    this.closeButton.addEventListener("click", () => this.close());

    // Screen readers hear new messages here (short, one at a time), not the whole log on every change.
    this.announcer = el("div", { class: "bdw-sr", role: "log", "aria-live": "polite" });
    this.statusLine = el("div", { class: "bdw-sr", role: "status" });

    this.panel = el(
      "section",
      { id: "bdw-panel", class: "bdw-panel", role: "dialog", "aria-labelledby": "bdw-title", hidden: true },
      el(
        "header",
        { class: "bdw-header" },
        el(
          "div",
          { class: "bdw-heading" },
          el("h2", { id: "bdw-title", class: "bdw-title" }, `${BANK} help`),
          el(
            "p",
            { class: "bdw-disclosure" },
            "You're chatting with an AI assistant. You can ask for a person at any time.",
          ),
        ),
        this.closeButton,
      ),
      this.banner,
      // Focusable, so the history can be scrolled with the keyboard.
      el("div", { class: "bdw-body", tabindex: "0", role: "region", "aria-label": "Messages" }, this.log, this.typing),
      this.signinNote,
      this.form,
      this.announcer,
      this.statusLine,
    );
    this.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this.close();
      }
    });
    root.append(el("div", { class: "bdw" }, this.launcher, this.panel));
    document.body.append(this.host);
  }

  // --- open / close, sign in / out --------------------------------------------------------------------

  // `focus: false` when the chat reopens itself after a reload: the page's focus is left where it is.
  open({ focus = true } = {}) {
    this.setUnread(0);
    this.panel.hidden = false;
    this.launcher.hidden = true;
    this.launcher.setAttribute("aria-expanded", "true");
    sessionStorage.setItem(KEY_OPEN, "1");
    this.refreshSignIn();
    this.connect();
    this.scrollDown();
    if (focus) this.input.focus();
  }

  close() {
    this.panel.hidden = true;
    this.launcher.hidden = false;
    this.launcher.setAttribute("aria-expanded", "false");
    sessionStorage.removeItem(KEY_OPEN);
    this.launcher.focus();
  }

  signIn(token) {
    if (typeof token !== "string" || !token) throw new TypeError("Bankdesk.signIn needs a customer token");
    const subject = subjectOf(token);
    if (subject !== sessionStorage.getItem(KEY_SUBJECT)) this.forgetConversation();
    sessionStorage.setItem(KEY_SUBJECT, subject);
    setToken("customer", token);
    this.refreshSignIn();
    if (!this.panel.hidden) this.connect();
  }

  signOut() {
    clearToken("customer");
    sessionStorage.removeItem(KEY_SUBJECT);
    this.forgetConversation();
    this.refreshSignIn();
  }

  forgetConversation() {
    if (this.stream) this.stream.close();
    this.stream = null;
    this.conversationId = null;
    sessionStorage.removeItem(KEY_CONVERSATION);
    this.messages.clear();
    this.statuses.clear();
    this.pending = [];
    this.confirmation = null;
    this.status = "active";
    this.remoteTyping = this.localTyping = false;
    this.log.replaceChildren(this.intro);
    this.showTyping();
    this.showBanner(null);
  }

  refreshSignIn() {
    const signedIn = Boolean(getToken("customer"));
    this.signinNote.hidden = signedIn;
    this.input.disabled = !signedIn;
    this.sendButton.disabled = !signedIn;
  }

  // --- the conversation ----------------------------------------------------------------------------------

  connect(lastEventId = null) {
    if (this.stream || !this.conversationId || !getToken("customer")) return;
    const id = this.conversationId;
    this.replaying = lastEventId === null;
    this.stream = openStream(url(`v1/conversations/${id}/events`), {
      kind: "customer",
      lastEventId,
      onEvent: (event) => this.onEvent(event),
      onState: (state, status) => this.onStreamState(state, status),
    });
  }

  // The browser says the network went away: the open stream is dead (a real drop may never close the
  // socket), so stop reading it; when the network is back, resume at once after the last event seen.
  offline() {
    if (!this.stream) return;
    this.stream.reconnect();
  }

  online() {
    if (!this.stream) return;
    const last = this.stream.lastEventId;
    this.stream.close();
    this.stream = null;
    this.connect(last);
  }

  onStreamState(state, status) {
    if (state === "open") this.showBanner(null);
    else if (state === "retrying") {
      this.showBanner(
        navigator.onLine
          ? "Connection lost. Reconnecting…"
          : "You're offline. The chat will reconnect when your connection is back.",
      );
    }
    else if (state === "denied") {
      this.stream = null;
      if (status === 401) {
        clearToken("customer");
        this.refreshSignIn();
        this.showBanner("Your session has ended. Please sign in again.");
      } else {
        this.forgetConversation(); // not this customer's conversation (or gone): start afresh
      }
    }
  }

  onEvent(event) {
    if (event.event === "message") this.addMessage(event.data, { live: !this.replaying });
    else if (event.event === "status") this.addStatus(event.id, event.data, { live: !this.replaying });
    else if (event.event === "typing") {
      this.replaying = false; // the server sends typing once it has sent what was already there
      this.remoteTyping = Boolean(event.data && event.data.active);
      this.showTyping();
    }
  }

  async ensureConversation() {
    if (this.conversationId && this.status !== "resolved") return this.conversationId;
    if (this.conversationId) {
      // Closed by our team: a new question starts a new conversation below the old one.
      if (this.stream) this.stream.close();
      this.stream = null;
      this.conversationId = null;
      this.status = "active";
      this.statuses.clear();
    }
    const created = await api(url("v1/conversations"), { method: "POST", kind: "customer" });
    this.conversationId = created.id;
    sessionStorage.setItem(KEY_CONVERSATION, created.id);
    this.connect();
    return created.id;
  }

  async send(text, retry = null) {
    if (!getToken("customer")) {
      this.refreshSignIn();
      return;
    }
    const item = retry || this.addPending(text);
    item.node.classList.remove("bdw-msg--failed");
    item.error?.remove();
    this.setLocalTyping(true);
    try {
      const id = await this.ensureConversation();
      const body = await api(url(`v1/conversations/${id}/messages`), {
        method: "POST",
        body: { content: item.text },
        kind: "customer",
        headers: { "Idempotency-Key": item.key },
      });
      this.applyTurn(item, body);
    } catch (error) {
      this.failPending(item, error);
    } finally {
      this.setLocalTyping(false);
    }
  }

  async answer(decision, group) {
    for (const button of group.querySelectorAll("button")) button.disabled = true;
    const key = newKey();
    this.setLocalTyping(true);
    try {
      const body = await api(url(`v1/conversations/${this.conversationId}/confirm`), {
        method: "POST",
        body: { decision },
        kind: "customer",
        headers: { "Idempotency-Key": key },
      });
      this.applyTurn(null, body);
      this.input.focus();
    } catch (error) {
      for (const button of group.querySelectorAll("button")) button.disabled = false;
      if (error instanceof ApiError && error.status === 409 && /waiting for your confirmation/.test(error.detail)) {
        this.clearConfirmation(); // already answered (in another tab, or in words)
      }
      this.notice(friendlyError(error), "error");
    } finally {
      this.setLocalTyping(false);
    }
  }

  applyTurn(item, body) {
    if (item) this.settlePending(item, body.message);
    else this.addMessage(body.message, { live: false });
    if (body.reply) {
      const confirmation = body.kind === "confirmation_required" ? body.confirmation : null;
      this.addMessage({ ...body.reply, confirmation }, { live: true });
    }
  }

  // --- rendering ---------------------------------------------------------------------------------------

  addPending(text) {
    const node = this.bubble("customer", text, new Date().toISOString());
    node.classList.add("bdw-msg--pending");
    this.log.append(node);
    const item = { node, text, key: newKey(), error: null };
    this.pending.push(item);
    this.scrollDown();
    return item;
  }

  settlePending(item, message) {
    this.pending = this.pending.filter((p) => p !== item);
    if (this.messages.has(message.id)) {
      item.node.remove(); // the stream showed it first
      return;
    }
    const stored = this.bubble(message.role, message.content, message.created_at);
    stored.dataset.id = message.id;
    item.node.replaceWith(stored); // the stored text (card numbers masked) replaces what was typed
    this.messages.set(message.id, stored);
  }

  failPending(item, error) {
    item.node.classList.add("bdw-msg--failed");
    const retry = el("button", { type: "button", class: "bdw-link" }, "Try again");
    retry.addEventListener("click", () => this.send(item.text, item));
    item.error = el("p", { class: "bdw-error" }, `Not sent. ${friendlyError(error)} `, retry);
    item.node.append(item.error);
    this.announce(`Your message was not sent. ${friendlyError(error)}`);
    if (error instanceof ApiError && error.status === 401) {
      clearToken("customer");
      this.refreshSignIn();
    }
  }

  addMessage(message, { live }) {
    if (!message || this.messages.has(message.id)) return;
    if (this.confirmation && this.confirmation.messageId !== message.id) this.clearConfirmation();
    const node = this.bubble(message.role, message.content, message.created_at);
    node.dataset.id = message.id;
    this.messages.set(message.id, node);
    // Before any message still being sent from this tab: the server stored this one first.
    const firstPending = this.pending.length ? this.pending[0].node : null;
    this.log.insertBefore(node, firstPending);
    if (message.role !== "customer") {
      this.remoteTyping = false;
      this.showTyping();
    }
    if (message.role === "assistant" && message.confirmation) this.offerConfirmation(message, node);
    if (live && message.role !== "customer") {
      const who = message.role === "staff" ? `${BANK} team` : "Assistant";
      this.announce(`${who}: ${message.content}`);
      if (this.panel.hidden) this.setUnread(this.unread + 1);
    }
    this.scrollDown();
  }

  bubble(role, content, createdAt) {
    const who = { customer: "You", assistant: "AI assistant", staff: `${BANK} team` }[role] || role;
    const body =
      role === "customer"
        ? el("div", { class: "bdw-text bdw-text--plain" }, content)
        : el("div", { class: "bdw-text" }, renderMarkdown(content, { linkOrigins: HELP_ORIGINS }));
    const when = new Date(createdAt);
    return el(
      "li",
      { class: `bdw-msg bdw-msg--${role}` },
      el("span", { class: "bdw-who" }, who),
      body,
      Number.isNaN(when.getTime())
        ? null
        : el("time", { class: "bdw-time", datetime: when.toISOString() }, clock.format(when)),
    );
  }

  offerConfirmation(message, node) {
    const summary = message.confirmation.summary || "the action";
    const yes = el("button", { type: "button", class: "bdw-yes" }, "Yes, go ahead");
    const no = el("button", { type: "button", class: "bdw-no" }, "No");
    const group = el(
      "div",
      { class: "bdw-confirm", role: "group", "aria-label": `Confirm: ${summary}` },
      yes,
      no,
    );
    yes.addEventListener("click", () => this.answer("yes", group));
    no.addEventListener("click", () => this.answer("no", group));
    node.append(group);
    this.confirmation = { messageId: message.id, node: group };
  }

  clearConfirmation() {
    if (this.confirmation) this.confirmation.node.remove();
    this.confirmation = null;
  }

  addStatus(id, status, { live }) {
    if (id !== null && this.statuses.has(id)) return;
    if (id !== null) this.statuses.add(id);
    this.clearConfirmation();
    this.status = status.status;
    let text;
    if (status.status === "handed_off") text = this.handoffText(status);
    else if (status.status === "claimed") text = "A member of our team has joined the conversation.";
    else if (status.status === "waiting") {
      const place = status.queue_position ? ` You're number ${status.queue_position}.` : "";
      text = `You're in the queue for the next available person.${place}`;
    }
    else if (status.status === "returned") text = "You're back with the AI assistant.";
    else if (status.status === "resolved") text = "Our team has closed this conversation. Write again any time.";
    else return;
    const lines = [text];
    if (status.status === "handed_off" && status.hours && !status.hours.open_now) {
      lines.push(`Our opening hours: ${status.hours.summary}.`);
    }
    this.notice(lines, "status", { live });
  }

  handoffText(status) {
    const hours = status.hours || {};
    if (hours.open_now) {
      const place = status.queue_position ? ` You're number ${status.queue_position} in the queue.` : "";
      return `A person from our team is joining the conversation.${place}`;
    }
    if (hours.next_open_at) {
      const back = new Intl.DateTimeFormat("en-GB", {
        weekday: "long",
        day: "numeric",
        month: "long",
        hour: "2-digit",
        minute: "2-digit",
        timeZone: hours.timezone || undefined,
        timeZoneName: "short",
      }).format(new Date(hours.next_open_at));
      return `Our team is away right now. A person will reply when we're back: ${back}.`;
    }
    return "Our team is away right now. A person will reply when we're back.";
  }

  notice(text, kind, { live = true } = {}) {
    const lines = Array.isArray(text) ? text : [text];
    const node = el("li", { class: `bdw-notice bdw-notice--${kind}` }, ...lines.map((line) => el("p", {}, line)));
    const firstPending = this.pending.length ? this.pending[0].node : null;
    this.log.insertBefore(node, firstPending);
    if (live) this.announce(lines.join(" "));
    this.scrollDown();
  }

  announce(text) {
    const line = el("p", {}, text.length > 400 ? `${text.slice(0, 400)}…` : text);
    this.announcer.append(line);
    while (this.announcer.childElementCount > 3) this.announcer.firstElementChild.remove();
  }

  // While the chat is closed, the launcher counts the replies that came in (and says so to screen readers).
  setUnread(count) {
    this.unread = count;
    this.badge.hidden = count === 0;
    this.badge.replaceChildren(
      el("span", { "aria-hidden": "true" }, String(count)),
      el("span", { class: "bdw-sr" }, count === 1 ? ", 1 new message" : `, ${count} new messages`),
    );
  }

  setLocalTyping(on) {
    this.localTyping = on;
    this.showTyping();
  }

  showTyping() {
    const byAssistant = !["handed_off", "claimed", "waiting"].includes(this.status);
    const on = byAssistant && (this.localTyping || this.remoteTyping);
    if (on === !this.typing.hidden) return;
    this.typing.hidden = !on;
    this.statusLine.textContent = on ? "The assistant is typing…" : "";
    if (on) this.scrollDown();
  }

  showBanner(text) {
    this.banner.hidden = !text;
    this.banner.textContent = text || "";
  }

  scrollDown() {
    const body = this.log.parentElement;
    if (body) body.scrollTop = body.scrollHeight;
  }
}

const widget = new ChatWidget();

window.Bankdesk = Object.freeze({
  signIn: (token) => widget.signIn(token),
  signOut: () => widget.signOut(),
  open: () => widget.open(),
  close: () => widget.close(),
});
window.addEventListener("offline", () => widget.offline());
window.addEventListener("online", () => widget.online());
document.addEventListener("bankdesk:token", (event) => {
  const token = event.detail && event.detail.token;
  if (token) widget.signIn(token);
  else widget.signOut();
});
widget.refreshSignIn();
if (data.open === "true" || sessionStorage.getItem(KEY_OPEN)) widget.open({ focus: false });
else widget.connect(); // a conversation in progress keeps listening, so the launcher can count replies
document.dispatchEvent(new CustomEvent("bankdesk:ready"));
