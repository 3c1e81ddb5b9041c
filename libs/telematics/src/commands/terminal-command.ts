import type { ParameterValues } from '@lib/jt808';

/** What the platform asks a terminal (JT/T 808 §8.10–8.12, §8.18, §8.21). */
export const COMMAND_KINDS = ['text', 'position_query', 'set_parameters', 'query_parameters'] as const;
export type CommandKind = (typeof COMMAND_KINDS)[number];

/** queued → sent → answered (result 0) / failed (any other result, or not sendable) / timed_out; expired: never sent. */
export const COMMAND_STATES = ['queued', 'sent', 'answered', 'failed', 'timed_out', 'expired'] as const;
export type CommandState = (typeof COMMAND_STATES)[number];

/** Why the command exists: asked through the API, pushed by the gateway itself, or a violation's spoken warning. */
export type CommandOrigin = 'api' | 'loaded_report_interval' | 'spoken_warning';

export interface TextRequest {
  content: string;
  emergency: boolean;
  display: boolean;
  tts: boolean;
  advertising: boolean;
  textType: 'notice' | 'service';
}

export interface CommandRequest {
  text?: TextRequest;
  parameters?: ParameterValues;
}

/** The terminal's general response results (§8.1), by name. */
export const RESULT_NAMES = ['ok', 'failure', 'message_wrong', 'unsupported'] as const;
export type ResultName = (typeof RESULT_NAMES)[number];

export interface CommandAnswer {
  /** The message the terminal answered with (0x0001, 0x0201, 0x0104). */
  messageId: number;
  result: ResultName;
  location?: {
    ts: string;
    lon: number;
    lat: number;
    speedKmh: number;
    heading: number;
    altitudeM: number;
    alarm: number;
    status: number;
    located: boolean;
  } | null;
  parameters?: ParameterValues;
  otherParameters?: Record<string, string>;
  /** Why a command could not be sent (it then failed without an answer). */
  error?: string;
}

export interface TerminalCommand {
  id: string;
  vehicleId: string;
  kind: CommandKind;
  request: CommandRequest;
  origin: CommandOrigin;
  /** admin, agency:<agency>, enterprise:<id>, or platform. */
  requestedBy: string;
  requestedByKeyId: string | null;
  state: CommandState;
  createdAt: Date;
  expiresAt: Date;
  sentAt: Date | null;
  /** The platform serial number (流水号) the command went with; answers name it. */
  serial: number | null;
  answerDueAt: Date | null;
  answeredAt: Date | null;
  answer: CommandAnswer | null;
}
