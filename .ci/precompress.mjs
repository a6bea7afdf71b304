// Beside each built text or WASM file, a brotli (.br) and a gzip (.gz) copy at maximum
// compression, for CDNs and for Roster's server, which serves them to browsers that accept
// them. Run by postbuild.mjs (Trunk's post-build hook), or on a folder given as an argument.
// Node is already required (.ci/setup installs binaryen through npm); its zlib has both
// algorithms, so no extra tool is needed.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const dir = process.env.TRUNK_STAGING_DIR ?? process.argv[2];
if (!dir) {
  console.error("precompress: no directory (TRUNK_STAGING_DIR or an argument)");
  process.exit(1);
}
for (const name of readdirSync(dir)) {
  if (!/\.(html|js|wasm|css|json|svg)$/.test(name)) continue;
  const data = readFileSync(join(dir, name));
  const brotli = brotliCompressSync(data, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_LGWIN]: constants.BROTLI_MAX_WINDOW_BITS,
      [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  });
  writeFileSync(join(dir, `${name}.br`), brotli);
  writeFileSync(join(dir, `${name}.gz`), gzipSync(data, { level: 9 }));
}
