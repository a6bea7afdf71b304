// Trunk post-build hook, run on the staging directory before it becomes dist/:
// 1. The bootstrap Trunk writes inline into index.html becomes a file, boot-<hash>.js, so the
//    console starts under `script-src 'self'` with no hash to keep up to date. It loads the
//    app and its WASM relative to its own address.
// 2. The links Trunk writes from the site root (/main-….css) become relative, and they move
//    with the bootstrap into index.html's inert <template id="roster-assets">: the boot script
//    inserts them once it has set <base href> to the mount point, so one dist/ works at / and
//    under any sub-path, served at any route. (Left in <head>, the browser's preload scanner
//    would fetch them relative to a deep link first.)
// 3. The boot script that finds the mount point stays inline, allowed by its hash: the build
//    fails unless hosting/_headers (and so every recipe, kept equal to it by a test) allows
//    exactly this script.
// 4. precompress.mjs writes the .br and .gz copies.
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
const assets = [];
const take = (tag) => {
  assets.push(tag);
  return "";
};
html = html
  .replace(/<link rel="(stylesheet|icon|modulepreload|preload)"[^>]*>/g, take)
  .replace(/<script type="module" src="[^"]*"><\/script>/, take);
const slot = '<template id="roster-assets"></template>';
if (assets.length < 4 || !html.includes(slot)) {
  console.error(`postbuild: index.html needs ${slot} and Trunk's stylesheet and scripts`);
  process.exit(1);
}
html = html.replace(slot, `<template id="roster-assets">${assets.join("")}</template>`);
writeFileSync(page, html);

const mountScript = html.match(/<script>([\s\S]*?)<\/script>/);
if (!mountScript) {
  console.error("postbuild: index.html has no inline script that finds the mount point");
  process.exit(1);
}
const allowed = `'sha256-${createHash("sha256").update(mountScript[1]).digest("base64")}'`;
const headers = readFileSync(join(dir, "_headers"), "utf8");
if (!headers.includes(allowed)) {
  console.error(
    `postbuild: the security policy in hosting/_headers does not allow index.html's boot ` +
      `script; its hash is ${allowed} (put it in script-src there and in every recipe)`,
  );
  process.exit(1);
}

await import("./precompress.mjs");
