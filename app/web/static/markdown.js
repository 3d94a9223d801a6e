// The small Markdown subset the assistant and staff write, built as DOM nodes: never innerHTML.
//
//   **bold**            -> <strong>
//   - item / * item     -> <ul><li>        (a line starting "-£5" is not an item: it needs a space)
//   1. item / 1) item   -> <ol><li>
//   blank line          -> a new paragraph; a single newline -> <br>
//   [text](url)         -> <a> only for http(s) links to the page's own origin or a configured help origin;
//                          any other link (javascript:, data:, another site) shows its text only
//   ![alt](src)         -> its alt text: images never load
//
// Everything else, HTML included, is text. Masked card numbers ("****1234") are not bold markers.

const BULLET = /^\s*[-*•]\s+(.*)$/;
const NUMBERED = /^\s*(\d{1,3})[.)]\s+(.*)$/;
// Bold: content neither starts nor ends with a space or an asterisk. Link: [text](url) with no spaces in url.
const INLINE = /\*\*([^*\s](?:[^*\n]*[^*\s])?)\*\*|(!?)\[([^\]\n]{1,300})\]\(([^()\s]{1,2000})\)/g;

// The origin of a link if it may be followed, else null.
export function allowedLink(href, origins) {
  let url;
  try {
    url = new URL(href, window.location.href);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  if (url.username || url.password) return null;
  return origins.has(url.origin) ? url.href : null;
}

function appendInline(parent, text, origins) {
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) parent.append(document.createTextNode(text.slice(last, match.index)));
    last = match.index + match[0].length;
    const [, bold, bang, label, href] = match;
    if (bold !== undefined) {
      const strong = document.createElement("strong");
      strong.textContent = bold;
      parent.append(strong);
      continue;
    }
    const target = bang ? null : allowedLink(href, origins);
    if (target === null) {
      parent.append(document.createTextNode(label));
      continue;
    }
    const link = document.createElement("a");
    link.href = target;
    link.textContent = label;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    parent.append(link);
  }
  if (last < text.length) parent.append(document.createTextNode(text.slice(last)));
}

// Render `text` as a DocumentFragment. `linkOrigins`: extra origins (e.g. "https://help.bank.example")
// whose pages links may open, besides the page's own.
export function renderMarkdown(text, { linkOrigins = [] } = {}) {
  const origins = new Set([window.location.origin, ...linkOrigins]);
  const fragment = document.createDocumentFragment();
  let paragraph = null;
  let list = null;
  let listTag = null;

  for (const line of String(text ?? "").replace(/\r\n?/g, "\n").split("\n")) {
    if (!line.trim()) {
      paragraph = null;
      list = null;
      listTag = null;
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    if (bullet || numbered) {
      paragraph = null;
      const tag = bullet ? "ul" : "ol";
      if (listTag !== tag) {
        list = document.createElement(tag);
        if (numbered && Number(numbered[1]) > 1) list.start = Number(numbered[1]);
        fragment.append(list);
        listTag = tag;
      }
      const item = document.createElement("li");
      appendInline(item, bullet ? bullet[1] : numbered[2], origins);
      list.append(item);
      continue;
    }
    list = null;
    listTag = null;
    if (paragraph) {
      paragraph.append(document.createElement("br"));
    } else {
      paragraph = document.createElement("p");
      fragment.append(paragraph);
    }
    appendInline(paragraph, line, origins);
  }
  return fragment;
}
