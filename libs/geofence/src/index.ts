export * from './types.js';
export { DEFAULT_ENGINE_CONFIG, type EngineOptions } from './config.js';
export { GeofenceEngine } from './engine.js';
export { violationKey } from './violation-key.js';
