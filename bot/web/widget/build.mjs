// One self-contained file, dist/widget.js: our code, socket.io-client, the CSS and the texts.
import { build } from "esbuild";

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
