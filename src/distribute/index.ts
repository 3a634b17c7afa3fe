// Distributed runs on the team store (docs/team.md, "Distributed runs"): the queue (pg-boss), the worker, the
// coordinating process. Only import surface of distribute/.
export { startWorker, type RunningWorker, type WorkerOptions } from './worker.js';
export { coordinatorRole, planJobs, DEFAULT_BATCH_ITEMS, DEFAULT_LEASE_SECONDS, type CoordinateOptions } from './coordinate.js';
export { requireTeamStore, unsettledJobsOf, QUEUE, QUEUE_SCHEMA, type JobData } from './queue.js';
