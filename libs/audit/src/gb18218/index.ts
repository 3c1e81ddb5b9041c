export * from './tables.js';
export * from './hazard-categories.js';
export * from './assessment.js';
