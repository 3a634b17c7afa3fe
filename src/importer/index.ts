// The importer stage: other tools' configs → an evalspec suite, with an account of what was not carried over.
// The only import surface of importer/.
export { importPromptfoo, DEFAULT_GRADER, type ImportOptions } from './import.js';
export { renderImportTerminal, renderImportMarkdown, commonFeatures, type ImportReport } from './report.js';
export { type ImportIssue, type ImportStatus } from './issues.js';
export { ASSERTIONS, PROMPTFOO_TYPES, type PromptfooType } from './assertion-table.js';
export { mapAssertion, assertionFromString } from './assertions.js';
export { convertTemplate } from './templates.js';
export { expandVars } from './tests.js';
export { mapProviderId } from './providers.js';
