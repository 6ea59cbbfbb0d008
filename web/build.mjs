#!/usr/bin/env node
// Builds the guest page into web/dist: index.html, hashed JS chunks and CSS under assets/, public files.
// The entry chunk draws the join screen; livekit-client and the room UI are a chunk loaded by import().
// Prints the gzipped weight of what a guest downloads. `node web/build.mjs` from anywhere.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const web = import.meta.dirname;
const dist = join(web, 'dist');
const assets = join(dist, 'assets');

rmSync(dist, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });

const result = await build({
  absWorkingDir: web,
  entryPoints: [join(web, 'src/main.ts')],
  bundle: true,
  minify: true,
  splitting: true,
  format: 'esm',
  // Safari 14.1 / iOS 14.5: esbuild cannot lower destructuring, which its data marks incomplete before 14.1.
  target: ['es2020', 'safari14.1', 'ios14.5'],
  outdir: assets,
  entryNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  assetNames: '[name]-[hash]',
  metafile: true,
  sourcemap: 'linked',
  // Licences of bundled code (livekit-client is Apache-2.0) go into a file beside each chunk.
  legalComments: 'linked',
  tsconfig: join(web, 'tsconfig.json'),
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
});

const outputs = result.metafile.outputs;
const toDist = (path) => relative(dist, join(web, path)).split('\\').join('/');
const entryPath = Object.keys(outputs).find((path) => outputs[path].entryPoint && path.endsWith('.js'));
if (!entryPath) throw new Error('esbuild produced no entry chunk');
const entry = outputs[entryPath];
const cssPath = entry.cssBundle;

// Chunks the entry imports statically load with it: preload them so the join screen has no waterfall.
const staticChunks = [];
const collect = (path) => {
  for (const imported of outputs[path]?.imports ?? []) {
    if (imported.kind !== 'import-statement' || staticChunks.includes(imported.path)) continue;
    staticChunks.push(imported.path);
    collect(imported.path);
  }
};
collect(entryPath);

const head = [
  cssPath ? `<link rel="stylesheet" href="${toDist(cssPath)}" />` : '',
  ...staticChunks.map((path) => `<link rel="modulepreload" href="${toDist(path)}" />`),
  `<script type="module" src="${toDist(entryPath)}"></script>`,
]
  .filter(Boolean)
  .join('\n    ');
const html = readFileSync(join(web, 'src/index.html'), 'utf8').replace('<!-- build:head -->', head);
writeFileSync(join(dist, 'index.html'), html);
if (existsSync(join(web, 'public'))) cpSync(join(web, 'public'), dist, { recursive: true });

// Pre-compressed twins: the gateway (and nginx's gzip_static) send them as they are, no compression per request.
const compressible = /\.(js|css|html|svg|json)$/;
const writeTwins = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) writeTwins(path);
    else if (compressible.test(entry.name)) {
      const data = readFileSync(path);
      writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
      writeFileSync(
        `${path}.br`,
        brotliCompressSync(data, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
        }),
      );
    }
  }
};
writeTwins(dist);

// What a guest downloads: the entry (with its static chunks and CSS) first, the room chunks while typing.
const gz = (path) => statSync(`${join(web, path)}.gz`).size;
const br = (path) => statSync(`${join(web, path)}.br`).size;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const rows = [];
for (const [path, output] of Object.entries(outputs)) {
  if (path.endsWith('.map') || path.endsWith('.txt')) continue;
  const kind =
    path === entryPath ? 'entry' : path === cssPath ? 'css' : staticChunks.includes(path) ? 'entry (shared)' : 'lazy';
  rows.push({ file: basename(path), kind, raw: output.bytes, gzip: gz(path), brotli: br(path) });
}
rows.sort((a, b) => a.kind.localeCompare(b.kind) || b.gzip - a.gzip);
const width = Math.max(...rows.map((row) => row.file.length));
for (const row of rows) {
  process.stdout.write(
    `${row.file.padEnd(width)}  ${row.kind.padEnd(14)} ${kb(row.raw).padStart(9)}  ${kb(row.gzip).padStart(9)} gz  ${kb(row.brotli).padStart(9)} br\n`,
  );
}
const sum = (filter, field) => rows.filter(filter).reduce((total, row) => total + row[field], 0);
const first = (field) => kb(sum((row) => row.kind !== 'lazy', field));
const total = (field) => kb(sum(() => true, field));
process.stdout.write(
  `first render (JS+CSS): ${first('gzip')} gz, ${first('brotli')} br; everything: ${total('gzip')} gz, ${total('brotli')} br -> ${relative(process.cwd(), dist) || '.'}\n`,
);
