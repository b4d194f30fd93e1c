// Bundles the test page's script (page/app.js + JsSIP) into build/app.js with esbuild.
//   node build.mjs        (run.mjs calls build() itself before every run; it takes ~100 ms)
import { build as esbuild } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const HERE = path.dirname(fileURLToPath(import.meta.url));

export async function build() {
  await esbuild({
    entryPoints: [path.join(HERE, 'page', 'app.js')],
    outfile: path.join(HERE, 'build', 'app.js'),
    bundle: true,
    format: 'iife',
    target: 'chrome120',
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await build();
  console.log('built build/app.js');
}
