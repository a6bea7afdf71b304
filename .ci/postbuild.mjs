// Trunk post-build hook, run on the staging directory before it becomes dist/:
// 1. The bootstrap Trunk writes inline into index.html becomes a file, boot-<hash>.js, so the
//    console starts under `script-src 'self'` with no hash to keep up to date. It loads the
//    app and its WASM relative to its own address.
// 2. The links Trunk writes from the site root (/main-….css) become relative to index.html,
//    so one dist/ works at / and under any sub-path.
// 3. precompress.mjs writes the .br and .gz copies.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.env.TRUNK_STAGING_DIR ?? process.argv[2];
if (!dir) {
  console.error("postbuild: no directory (TRUNK_STAGING_DIR or an argument)");
  process.exit(1);
}
const page = join(dir, "index.html");
let html = readFileSync(page, "utf8");
const inline = /<script type="module">([\s\S]*?)<\/script>/;
const found = html.match(inline);
if (!found) {
  console.error("postbuild: index.html has no inline bootstrap to move into a file");
  process.exit(1);
}
const relative = (path) => (path.startsWith("/") ? `.${path}` : path);
const boot = found[1]
  .replace(/from '([^']+)'/, (_, path) => `from '${relative(path)}'`)
  .replace(
    /module_or_path: '([^']+)'/,
    (_, path) => `module_or_path: new URL('${relative(path)}', import.meta.url)`,
  )
  .trim();
const name = `boot-${createHash("sha256").update(boot).digest("hex").slice(0, 16)}.js`;
writeFileSync(join(dir, name), boot + "\n");
html = html
  .replace(inline, `<script type="module" src="./${name}"></script>`)
  .replace(/(href|src)="\/(?!\/)/g, '$1="./');
writeFileSync(page, html);

await import("./precompress.mjs");
