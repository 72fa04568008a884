// Message text -> DOM nodes, never through innerHTML: whatever a message contains is shown as
// text. Light formatting: line breaks, **bold**, *italic* / _italic_, [label](url) and bare
// http(s)/www links. Links are http/https only and open in a new tab with rel=noopener.

// No lookbehind (Safari before 16.4 would refuse the whole script): a marker's preceding
// character is matched as a group and given back as text.
const TOKEN =
  /\[([^\]\n]{1,200})\]\(([^)\s]{1,2000})\)|\*\*([^*\n]+?)\*\*|(^|[^\w*])\*([^*\n]+?)\*(?![\w*])|(^|[^\w_])_([^_\n]+?)_(?![\w_])|((?:https?:\/\/|www\.)[^\s<>"«»]+)/giu;
// Punctuation that ends a sentence rather than a URL.
const TRAILING = /[.,;:!?'")\]»]+$/u;

/** The URL as an absolute http(s) URL, or null when it is anything else. */
export function safeUrl(raw) {
  const candidate = /^www\./i.test(raw) ? `https://${raw}` : raw;
  try {
    const url = new URL(candidate);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

/** A long bare URL shown as host/…/last-part; the whole address stays in href and title. */
export function shortLabel(href) {
  const url = new URL(href);
  const host = url.hostname.replace(/^www\./, "www.");
  const parts = url.pathname.split("/").filter(Boolean);
  const full = `${host}${url.pathname === "/" ? "" : url.pathname}`;
  if (full.length <= 48 || parts.length < 2) return full.length <= 60 ? full : `${full.slice(0, 57)}…`;
  return `${host}/…/${parts[parts.length - 1]}`;
}

function link(doc, href, label, strings) {
  const a = doc.createElement("a");
  a.href = href;
  a.textContent = label;
  a.target = "_blank";
  a.rel = "noopener noreferrer";
  a.title = `${href} ${strings.opensNewWindow}`;
  return a;
}

function appendInline(doc, parent, text, strings) {
  let last = 0;
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(text); match; match = TOKEN.exec(text)) {
    const [whole, label, target, bold, starBefore, star, underBefore, under, bare] = match;
    const before = starBefore ?? underBefore ?? "";
    const start = match.index + before.length;
    let end = match.index + whole.length;
    let node = null;
    if (label !== undefined) {
      const href = safeUrl(target);
      node = href ? link(doc, href, label, strings) : null;
    } else if (bold !== undefined) {
      node = doc.createElement("strong");
      appendInline(doc, node, bold, strings);
    } else if (star !== undefined || under !== undefined) {
      node = doc.createElement("em");
      appendInline(doc, node, star ?? under, strings);
    } else if (bare !== undefined) {
      const url = bare.replace(TRAILING, "");
      end = match.index + url.length;
      const href = safeUrl(url);
      node = href ? link(doc, href, shortLabel(href), strings) : null;
    }
    if (!node) continue; // not a safe link: the characters stay as plain text
    parent.append(doc.createTextNode(text.slice(last, start)), node);
    last = end;
    TOKEN.lastIndex = end;
  }
  parent.append(doc.createTextNode(text.slice(last)));
}

/** A fragment with the formatted text; every character of `text` stays text. */
export function formatText(doc, text, strings) {
  const fragment = doc.createDocumentFragment();
  String(text ?? "")
    .split("\n")
    .forEach((line, index) => {
      if (index > 0) fragment.append(doc.createElement("br"));
      appendInline(doc, fragment, line, strings);
    });
  return fragment;
}
