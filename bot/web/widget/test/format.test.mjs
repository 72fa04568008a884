// node --test: message formatting, with a minimal DOM (elements, text nodes, attributes).
import assert from "node:assert/strict";
import { test } from "node:test";

import { formatText, safeUrl, shortLabel } from "../src/format.js";

class Node {
  constructor(tag, text) {
    Object.assign(this, { tag, text, children: [], attributes: {} });
  }
  append(...nodes) {
    this.children.push(...nodes.filter((n) => !(n.tag === "#text" && n.text === "")));
  }
  set textContent(value) {
    this.children = [new Node("#text", value)];
  }
  set href(value) {
    this.attributes.href = value;
  }
  set target(value) {
    this.attributes.target = value;
  }
  set rel(value) {
    this.attributes.rel = value;
  }
  set title(value) {
    this.attributes.title = value;
  }
}
const doc = {
  createElement: (tag) => new Node(tag),
  createTextNode: (text) => new Node("#text", text),
  createDocumentFragment: () => new Node("#fragment"),
};
const strings = { opensNewWindow: "(nuova finestra)" };

// The tree as compact markup, to compare (text is shown as it would be displayed).
function show(node) {
  if (node.tag === "#text") return node.text;
  const inner = node.children.map(show).join("");
  if (node.tag === "#fragment") return inner;
  if (node.tag === "br") return "<br>";
  const href = node.attributes.href ? ` href=${node.attributes.href}` : "";
  return `<${node.tag}${href}>${inner}</${node.tag}>`;
}
const render = (text) => show(formatText(doc, text, strings));

test("html stays text", () => {
  assert.equal(render("<b>x</b><img src=x onerror=alert(1)>"), "<b>x</b><img src=x onerror=alert(1)>");
  const tree = formatText(doc, "<script>alert(1)</script>", strings);
  assert.deepEqual(tree.children.map((c) => c.tag), ["#text"]);
});

test("bold, italic and line breaks", () => {
  assert.equal(render("**Attenzione**: _modulo_ *firmato*\nfine"), "<strong>Attenzione</strong>: <em>modulo</em> <em>firmato</em><br>fine");
  assert.equal(render("nome_file_lungo e 2*3*4"), "nome_file_lungo e 2*3*4");
});

test("links: http(s) only, sentence punctuation left out", () => {
  assert.equal(render("vada su https://www.inail.it/a."), "vada su <a href=https://www.inail.it/a>www.inail.it/a</a>.");
  assert.equal(render("[qui](https://www.inail.it/x)"), "<a href=https://www.inail.it/x>qui</a>");
  assert.equal(render("[clic](javascript:alert(1))"), "[clic](javascript:alert(1))");
  assert.equal(render("(www.inail.it)"), "(<a href=https://www.inail.it/>www.inail.it</a>)");
  assert.equal(safeUrl("data:text/html,x"), null);
  const link = formatText(doc, "https://www.inail.it", strings).children[0];
  assert.equal(link.attributes.target, "_blank");
  assert.match(link.attributes.rel, /noopener/);
});

test("long links are shortened to host and last part", () => {
  assert.equal(shortLabel("https://www.inail.it/cs/internet/docs/ucm_220206.pdf?x=1"), "www.inail.it/cs/internet/docs/ucm_220206.pdf");
  assert.equal(
    shortLabel("https://www.inail.it/cs/internet/accedi-ai-servizi-online/registrazione-login/registrazione-utente-generico.html"),
    "www.inail.it/…/registrazione-utente-generico.html",
  );
});
