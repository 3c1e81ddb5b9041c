export * from './tables.js';
export * from './exact.js';
export * from './category-mapping.js';
export * from './hazard-categories.js';
export * from './assessment.js';
