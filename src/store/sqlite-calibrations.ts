// The calibrations table (migration 3): how far a judge agrees with human labels, per judge and metric,
// stored by `evalspec calibrate` and shown whenever that judge is used.
import type Database from 'better-sqlite3';
import { CALIBRATION_COLUMNS, calibrationFromRow, calibrationValues, type Row } from './rows.js';
import type { CalibrationQuery, CalibrationRecord, Store } from './types.js';

/** The `calibrations` group of the SQLite store; `db` is read when a method runs. */
export function sqliteCalibrations(db: () => Database.Database): Store['calibrations'] {
  return {
    putMany: async (rows: CalibrationRecord[]) => {
      const put = db().prepare(
        `INSERT OR REPLACE INTO calibrations (${CALIBRATION_COLUMNS.join(', ')}) VALUES (${CALIBRATION_COLUMNS.map(() => '?').join(', ')})`,
      );
      db().transaction(() => {
        for (const c of rows) {
          put.run(...calibrationValues(c));
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
      ).map(calibrationFromRow);
    },
  };
}
