// evalspec's version, written in package.json only. Both src/version.ts (tests) and dist/version.js (an
// installed package: node_modules/evalspec/dist/version.js) sit one folder below package.json, so the
// path is resolved from this module's own location, never from the working directory.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

function readVersion(): string {
  const packageJson = new URL('../package.json', import.meta.url);
  const version = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: unknown }).version;
  if (typeof version !== 'string') throw new Error(`${fileURLToPath(packageJson)} has no "version": the evalspec package is damaged, reinstall it`);
  return version;
}

export const VERSION: string = readVersion();
