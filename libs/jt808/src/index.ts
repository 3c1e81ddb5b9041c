// JT/T 808 (2011/2013/2019) codec: pure code, bytes in and messages out, no sockets.
export { FrameSplitter } from './framing.js';
export { type Header } from './header.js';
export {
  readLocation,
  readBatch,
  readRegistration,
  readAuthentication,
  platformResponse,
  registerResponse,
  resendRequest,
  writeLocation,
  MSG,
  RESULT,
  REGISTER_RESULT,
  type Location,
  type Registration,
} from './messages.js';
export { decodeFrame, encodeFrame, type Decoded } from './codec.js';
export * from './reassembly.js';
export {
  readDriverIdentity,
  writeDriverIdentity,
  driverIdentityRequest,
  DRIVER_IDENTITY_MSG,
  type DriverIdentityReport,
} from './driver-identity.js';
export { encodeGbk } from './gbk.js';
export {
  terminalResponse,
  readTerminalResponse,
  writeTextMessage,
  readTextMessage,
  writePositionAnswer,
  readPositionAnswer,
  parameterItems,
  parameterValues,
  writeSetParameters,
  writeParametersAnswer,
  readParametersAnswer,
  COMMAND_MSG,
  MAX_TEXT_BYTES,
  positionQuery,
  TERMINAL_PARAMETERS,
  type ParameterValues,
  readSetParameters,
  queryParameters,
} from './commands.js';
export * from './registration.js';
export { readWaybillReport, waybillText, WAYBILL_REPORT } from './waybill-report.js';
// for tests and benches
export { escape, xor } from './framing.js';
export { writeWaybillReport } from './waybill-report.js';
