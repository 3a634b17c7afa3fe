// The report stage: terminal, JSON, JUnit and Markdown renderings of a stored run. Only import surface of report/.
export { buildRunReport, loadRun, resultForJson, type RunReport, type VariantSummary } from './run-report.js';
export { writeJsonReport } from './json-report.js';
export { writeJunitReport } from './junit-report.js';
export { renderMarkdownReport, writeMarkdownReport } from './markdown-report.js';
export { renderTerminalReport, variantTable } from './terminal-report.js';
export { escapeXml, escapeMarkdownInline, escapeTerminal, stripControl } from './escape.js';
export { pct, ciText, usd, ms, textTable } from './format.js';
