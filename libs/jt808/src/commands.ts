import { decodeGbk, encodeGbk } from './gbk.js';
import { type Location, readLocation } from './messages.js';

/**
 * The platform talking to a terminal (JT/T 808-2013 §8.10–8.12, §8.18, §8.21; 2019 the same
 * clauses, renumbered): text messages, position queries, terminal parameters, and the answers.
 * Pure: bodies in, bodies out; the frame and the serial number are the caller's.
 */
export const COMMAND_MSG = {
  /** 终端通用应答: answer serial, message id, result (RESULT: 0 ok, 1 failure, 2 message wrong, 3 unsupported). */
  terminalResponse: 0x0001,
  setParameters: 0x8103,
  queryParameters: 0x8104,
  parametersAnswer: 0x0104,
  positionQuery: 0x8201,
  positionAnswer: 0x0201,
  textMessage: 0x8300,
} as const;

/** The messages a terminal answers a command with; they carry the platform's serial first. */
export const COMMAND_ANSWERS: readonly number[] = [
  COMMAND_MSG.terminalResponse,
  COMMAND_MSG.parametersAnswer,
  COMMAND_MSG.positionAnswer,
];

// ---- 0x0001 terminal general response

export function terminalResponse(flow: number, messageId: number, result: number): Buffer {
  const b = Buffer.alloc(5);
  b.writeUInt16BE(flow, 0);
  b.writeUInt16BE(messageId, 2);
  b[4] = result;
  return b;
}

export function readTerminalResponse(body: Buffer): { answerFlow: number; messageId: number; result: number } | null {
  if (body.length < 5) return null;
  return { answerFlow: body.readUInt16BE(0), messageId: body.readUInt16BE(2), result: body[4]! };
}

// ---- 0x8300 text message

export interface TextMessage {
  text: string;
  /** 2013 bit 0; 2019 bits 0–1 = 10 (紧急). */
  emergency?: boolean;
  /** Bit 2: shown on the terminal's display. */
  display?: boolean;
  /** Bit 3: read aloud (TTS 播读). */
  tts?: boolean;
  /** 2013 bit 4: shown on the advertising screen (dropped in 2019). */
  advertising?: boolean;
  /** 2019: the text-type byte and, when not an emergency, bits 0–1 (01 service, 11 notice). Default notice. */
  textType?: 'notice' | 'service';
}

/** The longest text a single-frame 0x8300 carries (a body is at most 1023 bytes, §4.4.3). */
export const MAX_TEXT_BYTES = 1000;

/**
 * 0x8300 body: flag byte (2019: then the text-type byte, 1 notice, 2 service), then the GBK text.
 * Null when the text has a character GBK cannot write or is longer than MAX_TEXT_BYTES.
 */
export function writeTextMessage(m: TextMessage, edition: 2013 | 2019): Buffer | null {
  const text = encodeGbk(m.text);
  if (!text || text.length > MAX_TEXT_BYTES) return null;
  const shown = (m.display ? 0x04 : 0) | (m.tts ? 0x08 : 0);
  if (edition === 2013) {
    return Buffer.concat([Buffer.of((m.emergency ? 0x01 : 0) | shown | (m.advertising ? 0x10 : 0)), text]);
  }
  const kind = m.emergency ? 0b10 : m.textType === 'service' ? 0b01 : 0b11;
  return Buffer.concat([Buffer.of(kind | shown, m.textType === 'service' ? 2 : 1), text]);
}

export function readTextMessage(
  body: Buffer,
  edition: 2013 | 2019,
): (Required<Omit<TextMessage, 'textType'>> & { textType: TextMessage['textType'] | null }) | null {
  const head = edition === 2019 ? 2 : 1;
  if (body.length < head) return null;
  const flag = body[0]!;
  return {
    emergency: edition === 2019 ? (flag & 0x03) === 0b10 : (flag & 0x01) !== 0,
    display: (flag & 0x04) !== 0,
    tts: (flag & 0x08) !== 0,
    advertising: edition === 2013 && (flag & 0x10) !== 0,
    textType: edition === 2019 ? (body[1] === 2 ? 'service' : 'notice') : null,
    text: decodeGbk(body.subarray(head)),
  };
}

// ---- 0x8201 position query, 0x0201 its answer

/** 0x8201 has an empty body. */
export const positionQuery = (): Buffer => Buffer.alloc(0);

export function writePositionAnswer(answerFlow: number, location: Buffer): Buffer {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(answerFlow, 0);
  return Buffer.concat([head, location]);
}

/** 0x0201: the serial of the 0x8201 answered, then a 0x0200 location body (null when that is unreadable). */
export function readPositionAnswer(body: Buffer): { answerFlow: number; location: Location | null } | null {
  if (body.length < 2) return null;
  return { answerFlow: body.readUInt16BE(0), location: readLocation(body.subarray(2)) };
}

// ---- 0x8103 set parameters, 0x8104 query, 0x0104 answer

/**
 * The terminal parameters the platform names (2013 Table 12, 2019 Table 13): id and type. Others
 * travel as raw items and come back as hex.
 */
export const TERMINAL_PARAMETERS = {
  /** 主服务器地址: IP or host name (2019: host:port, several separated by ';'). */
  mainServerAddress: { id: 0x0013, type: 'string' },
  /** 休眠时汇报时间间隔, seconds. */
  sleepReportIntervalS: { id: 0x0027, type: 'dword' },
  /** 紧急报警时汇报时间间隔, seconds. */
  emergencyReportIntervalS: { id: 0x0028, type: 'dword' },
  /** 缺省时间汇报间隔, seconds. */
  defaultReportIntervalS: { id: 0x0029, type: 'dword' },
  /** 最高速度, km/h. */
  maxSpeedKmh: { id: 0x0055, type: 'dword' },
  /** 超速持续时间, seconds. */
  overspeedDurationS: { id: 0x0056, type: 'dword' },
} as const;
export type ParameterName = keyof typeof TERMINAL_PARAMETERS;
export type ParameterValues = {
  [K in ParameterName]?: (typeof TERMINAL_PARAMETERS)[K]['type'] extends 'string' ? string : number;
};
export interface ParameterItem {
  id: number;
  value: Buffer;
}

const BY_ID = new Map<number, { name: ParameterName; type: 'string' | 'dword' }>(
  Object.entries(TERMINAL_PARAMETERS).map(([name, p]) => [p.id, { name: name as ParameterName, type: p.type }]),
);

/** Named values → items; null when a string value has a character GBK cannot write. */
export function parameterItems(values: ParameterValues): ParameterItem[] | null {
  const items: ParameterItem[] = [];
  for (const [name, value] of Object.entries(values) as Array<[ParameterName, string | number | undefined]>) {
    if (value === undefined) continue;
    const p = TERMINAL_PARAMETERS[name];
    if (p.type === 'string') {
      const bytes = encodeGbk(String(value));
      if (!bytes) return null;
      items.push({ id: p.id, value: bytes });
    } else {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(Number(value) >>> 0, 0);
      items.push({ id: p.id, value: b });
    }
  }
  return items;
}

/** Items → named values (the ones this codec names) and the others as hex by id ("0x0001"). */
export function parameterValues(items: ParameterItem[]): { values: ParameterValues; other: Record<string, string> } {
  const values: Record<string, string | number> = {};
  const other: Record<string, string> = {};
  for (const { id, value } of items) {
    const known = BY_ID.get(id);
    if (known?.type === 'dword' && value.length === 4) values[known.name] = value.readUInt32BE(0);
    else if (known?.type === 'string') values[known.name] = decodeGbk(value);
    else other[`0x${id.toString(16).padStart(4, '0')}`] = value.toString('hex');
  }
  return { values: values as ParameterValues, other };
}

function writeItems(items: ParameterItem[]): Buffer {
  const parts: Buffer[] = [Buffer.of(items.length)];
  for (const { id, value } of items) {
    const head = Buffer.alloc(5);
    head.writeUInt32BE(id, 0);
    head[4] = value.length;
    parts.push(head, value);
  }
  return Buffer.concat(parts);
}

function readItems(body: Buffer, at: number): ParameterItem[] | null {
  if (body.length < at + 1) return null;
  const count = body[at]!;
  const items: ParameterItem[] = [];
  let i = at + 1;
  for (let n = 0; n < count; n++) {
    if (i + 5 > body.length) return null;
    const len = body[i + 4]!;
    if (i + 5 + len > body.length) return null;
    items.push({ id: body.readUInt32BE(i), value: Buffer.from(body.subarray(i + 5, i + 5 + len)) });
    i += 5 + len;
  }
  return items;
}

/** 0x8103 body: count (BYTE), then per item its id (DWORD), length (BYTE) and value. */
export function writeSetParameters(items: ParameterItem[]): Buffer {
  if (items.length === 0 || items.length > 255) throw new RangeError('0x8103 carries 1 to 255 parameters');
  return writeItems(items);
}

export const readSetParameters = (body: Buffer): ParameterItem[] | null => readItems(body, 0);

/** 0x8104 (query all parameters) has an empty body. */
export const queryParameters = (): Buffer => Buffer.alloc(0);

/** 0x0104 body: the serial of the 0x8104 answered, count (BYTE), items as in 0x8103. */
export function writeParametersAnswer(answerFlow: number, items: ParameterItem[]): Buffer {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(answerFlow, 0);
  return Buffer.concat([head, writeItems(items)]);
}

export function readParametersAnswer(body: Buffer): { answerFlow: number; items: ParameterItem[] } | null {
  if (body.length < 3) return null;
  const items = readItems(body, 2);
  return items ? { answerFlow: body.readUInt16BE(0), items } : null;
}
