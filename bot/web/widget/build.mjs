// One self-contained file: our code, socket.io-client, the CSS and the texts. Written as
// dist/widget.<hash>.js (cache-busting name, served with a long cache), precompressed (.gz, .br),
// with dist/manifest.json naming it; the web process serves /widget/widget.js as a small loader
// of that file, so the snippet on other sites never changes.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

mkdirSync("dist", { recursive: true });
await build({
  entryPoints: ["src/index.js"],
  outfile: "dist/widget.js",
  bundle: true,
  minify: true,
  sourcemap: true,
  format: "iife",
  target: ["chrome90", "firefox90", "safari14", "edge90"],
  loader: { ".css": "text" },
  legalComments: "linked",
  logLevel: "warning",
});

const code = readFileSync("dist/widget.js");
const hash = createHash("sha256").update(code).digest("hex").slice(0, 12);
const name = `widget.${hash}.js`;
copyFileSync("dist/widget.js", `dist/${name}`);
writeFileSync(`dist/${name}.gz`, gzipSync(code, { level: 9 }));
writeFileSync(
  `dist/${name}.br`,
  brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
);
writeFileSync("dist/manifest.json", JSON.stringify({ "widget.js": name }, null, 2) + "\n");
