// The calibrations table (migration 3): how far a judge agrees with human labels, per judge and metric,
// stored by `evalspec calibrate` and shown whenever that judge is used.
import type Database from 'better-sqlite3';
import type { CalibrationQuery, CalibrationRecord, Store } from './types.js';

type Row = Record<string, unknown>;

function fromRow(r: Row): CalibrationRecord {
  return {
    id: r.id as string,
    runId: r.run_id as string,
    suiteName: r.suite_name as string,
    judge: r.judge as string,
    metric: r.metric as string,
    checkType: r.check_type as string,
    labels: Number(r.n),
    agreement: r.agreement === null ? null : Number(r.agreement),
    kappa: r.kappa === null ? null : Number(r.kappa),
    kappaWeights: (r.kappa_weights as string) ?? null,
    figures: JSON.parse(r.figures_json as string),
    createdAt: r.created_at as string,
  };
}

/** The `calibrations` group of the SQLite store; `db` is read when a method runs. */
export function sqliteCalibrations(db: () => Database.Database): Store['calibrations'] {
  return {
    putMany: async (rows: CalibrationRecord[]) => {
      const put = db().prepare(`INSERT OR REPLACE INTO calibrations (id, run_id, suite_name, judge, metric, check_type, n, agreement, kappa,
        kappa_weights, figures_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      db().transaction(() => {
        for (const c of rows) {
          put.run(
            c.id,
            c.runId,
            c.suiteName,
            c.judge,
            c.metric,
            c.checkType,
            c.labels,
            c.agreement,
            c.kappa,
            c.kappaWeights,
            JSON.stringify(c.figures),
            c.createdAt,
          );
        }
      })();
    },
    list: async (query: CalibrationQuery = {}) => {
      const where: string[] = [];
      const args: unknown[] = [];
      if (query.runId !== undefined) (where.push('run_id = ?'), args.push(query.runId));
      if (query.judge !== undefined) (where.push('judge = ?'), args.push(query.judge));
      if (query.metric !== undefined) (where.push('metric = ?'), args.push(query.metric));
      if (query.suiteName !== undefined) (where.push('suite_name = ?'), args.push(query.suiteName));
      const sql = `SELECT * FROM calibrations ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, rowid DESC LIMIT ?`;
      return (
        db()
          .prepare(sql)
          .all(...args, query.limit ?? 1000) as Row[]
      ).map(fromRow);
    },
  };
}
