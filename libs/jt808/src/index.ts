// JT/T 808 (2011/2013/2019) codec: pure code, bytes in and messages out, no sockets.
export * from './framing.js';
export * from './header.js';
export * from './messages.js';
export * from './codec.js';
export * from './reassembly.js';
export * from './driver-identity.js';
export * from './gbk.js';
export * from './commands.js';
export * from './registration.js';
export * from './waybill-report.js';
