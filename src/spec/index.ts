// The spec stage (issue #19): the suite rendered as the product spec, as data (buildSpec) and as Markdown or one
// self-contained HTML page. The only import surface of spec/.
export { buildSpec, type BuildSpecOptions } from './build.js';
export { renderSpecMarkdown } from './markdown.js';
export { renderSpecHtml } from './html.js';
export { specGaps, allGaps, type SpecDocument, type SpecSection, type SpecGap, type SpecBlock, type SpecSectionId } from './types.js';
export { suiteChangeLog, changeWords, type ChangeLog, type ChangeLogEntry } from './changelog.js';
export { criticalBounds, type CriticalBound } from './failures.js';
