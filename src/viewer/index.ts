// The web viewer: a local web app over the store (`evalspec view`). The only import surface of viewer/.
export {
  startViewer,
  createViewerApp,
  defaultWebRoot,
  CONTENT_SECURITY_POLICY,
  TOKEN_HEADER,
  REQUEST_HEADER,
  type ViewerOptions,
  type ViewerServer,
} from './server.js';
export { generateToken, hashToken, TOKEN_PREFIX, SESSION_COOKIE, FAILED_ATTEMPT_LIMIT } from './auth.js';
export { ViewerData, type ResultFilter, type LabelInput } from './data.js';
export type * from './types.js';
export type * from './monitor-types.js';
export type * from './playground-types.js';
export type * from './experiment-types.js';
