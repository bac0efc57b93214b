export * from './conformance/index.js';
export * from './arbitraries/index.js';
export * from './properties/index.js';
export * from './model/index.js';
