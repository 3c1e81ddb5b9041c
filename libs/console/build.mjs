// The console's build: its static files and the mapbox-gl 1.13 CSP bundle (BSD-3) into dist/console.
import { cpSync, mkdirSync } from 'node:fs';

const out = 'dist/console';
mkdirSync(`${out}/vendor`, { recursive: true });
cpSync('libs/console/public', out, { recursive: true });
for (const file of ['mapbox-gl-csp.js', 'mapbox-gl-csp-worker.js', 'mapbox-gl.css', 'LICENSE.txt'])
  cpSync(`node_modules/mapbox-gl/${file === 'LICENSE.txt' ? '' : 'dist/'}${file}`, `${out}/vendor/${file}`);
