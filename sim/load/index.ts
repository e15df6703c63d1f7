/**
 * Loading scenario and agent-config YAML: unit schemas, a YAML loader with positioned,
 * actionable errors, and JSON Schema export for editors.
 *
 * @module
 */
export * from './units.js';
export * from './yaml-load.js';
export * from './json-schema.js';
export * from './read.js';
export { didYouMean, showValue } from './messages.js';
