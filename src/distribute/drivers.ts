// The PostgreSQL driver and pg-boss, loaded when a distributed run or a worker first needs them rather than with
// the module: `evalspec run` on the default SQLite store imports distribute/ for its options (--distributed,
// --attach) and uses neither (~20 MB of modules, issue #22). Both are CommonJS, so a synchronous require loads
// them where they are used; the types come from their type declarations.
import { createRequire } from 'node:module';
import type pg from 'pg';
import type PgBoss from 'pg-boss';

const require = createRequire(import.meta.url);

export const pgDriver = (): typeof pg => require('pg') as typeof pg;
export const pgBoss = (): typeof PgBoss => require('pg-boss') as typeof PgBoss;
