import { clearFix, hold, openIfDue } from './dwell.js';
import type { Episode } from './episode.js';
import type { FixContext } from './fix-context.js';
import { LAST_LAT, LAST_LON, LAST_TS, NONE } from './state.js';
import type { EvidencePoint } from './types.js';

/**
 * JT/T 808 alarm bits (§8.18 table 24, 2013 and 2019) that matter to a loaded tanker, grouped by
 * what a responder does about them. Each group is an episode of its own (one TERMINAL_ALARM per
 * group, `detail.alarm` naming it), so a collision while an emergency is open is a new alert, not
 * a silent extension of the old one. Overspeed (bit 1) and fatigue (bit 2) are judged by the
 * platform's own OVERSPEED and FATIGUE_DRIVING rules, which apply the regulatory limits rather
 * than whatever limit the terminal was set to; their bits are kept on the fix and noted on those
 * rules' episodes (`detail.terminalAlarm`).
 */
export const TERMINAL_ALARMS = [
  /** Bit 0 紧急报警: the driver's emergency button. */
  { alarm: 'emergency', bits: 1 << 0 },
  /** Bits 5 GNSS 天线未接或被剪断, 6 GNSS 天线短路: cutting the antenna hides the tanker. */
  { alarm: 'gnss_antenna', bits: (1 << 5) | (1 << 6) },
  /** Bits 7 主电源欠压, 8 主电源掉电: the terminal is about to go dark (or was unplugged). */
  { alarm: 'power', bits: (1 << 7) | (1 << 8) },
  /** Bit 27 车辆非法点火. */
  { alarm: 'illegal_ignition', bits: 1 << 27 },
  /** Bit 28 车辆非法位移: moved with the ignition off (towed, stolen). */
  { alarm: 'illegal_displacement', bits: 1 << 28 },
  /** Bit 29 碰撞预警 (2011: 碰撞侧翻报警). */
  { alarm: 'collision', bits: 1 << 29 },
  /** Bit 30 侧翻预警. */
  { alarm: 'rollover', bits: 1 << 30 },
] as const;

export type TerminalAlarm = (typeof TERMINAL_ALARMS)[number]['alarm'];

/** Bits the platform's own rules judge; noted on their episodes. */
export const OVERSPEED_BIT = 1 << 1;
export const FATIGUE_BIT = 1 << 2;

/**
 * Where an alarm's evidence point is. `reported`: the fix's own position. `last_known`: the
 * report has no usable position (GNSS not located, or a jump), so the alarm is placed at the
 * vehicle's last usable fix; such an alarm is marked `positionValid: false` either way (with no
 * usable fix yet, it keeps the reported coordinates, still marked invalid).
 */
export type AlarmPosition = 'reported' | 'last_known';

/** Why a fix is handled outside the in-order path (recorded on the violation's detail). */
export type AlarmNote = 'late' | 'clock_ahead' | 'unlocated' | 'jump' | 'merged';

const slot = (s: FixContext['state'], alarm: TerminalAlarm): Episode | null =>
  alarm === 'emergency' ? s.alarm : (s.alarms?.[alarm] ?? null);

function setSlot(s: FixContext['state'], alarm: TerminalAlarm, ep: Episode | null): void {
  if (alarm === 'emergency') {
    s.alarm = ep;
    return;
  }
  if (ep !== null) (s.alarms ??= {})[alarm] = ep;
  else if (s.alarms) {
    delete s.alarms[alarm];
    if (Object.keys(s.alarms).length === 0) s.alarms = null;
  }
}

/**
 * TERMINAL_ALARM on an in-order, usable fix: each group holds while any of its bits is set and
 * clears by the close dwell once none is.
 */
export function stepTerminalAlarm(ctx: FixContext): void {
  const s = ctx.state;
  const flags = ctx.fix.alarmFlags;
  for (const { alarm, bits } of TERMINAL_ALARMS) {
    const ep = slot(s, alarm);
    if ((flags & bits) !== 0) setSlot(s, alarm, holdAlarm(ctx, ep, alarm, ctx.evidence(), null));
    else if (ep !== null) setSlot(s, alarm, clearFix(ctx, 'TERMINAL_ALARM', ep));
  }
}

/**
 * The alarms of a report that is not an in-order usable fix (late, ahead of its receipt, not
 * located, a jump, or new bits merged into a fix already evaluated): every group whose bits are
 * set is raised (or extended); nothing is cleared, since such a report says nothing
 * about the alarm having stopped now. Returns whether any alarm bit that matters was set.
 */
export function raiseAlarms(ctx: FixContext, note: AlarmNote): boolean {
  const flags = ctx.fix.alarmFlags;
  if (flags === 0) return false;
  const s = ctx.state;
  // Unlocated and jump reports have no usable position: the alarm goes to the last usable one.
  const substitute = (note === 'unlocated' || note === 'jump') && s.track[LAST_TS] !== NONE;
  const place: OutOfBand = {
    note,
    positionValid: note !== 'unlocated' && note !== 'jump',
    position: substitute ? 'last_known' : 'reported',
  };
  let any = false;
  let point: EvidencePoint | null = null;
  for (const { alarm, bits } of TERMINAL_ALARMS) {
    if ((flags & bits) === 0) continue;
    any = true;
    point ??= substitute ? lastKnown(ctx) : ctx.evidence();
    setSlot(s, alarm, holdAlarm(ctx, slot(s, alarm), alarm, point, place));
  }
  return any;
}

interface OutOfBand {
  note: AlarmNote;
  positionValid: boolean;
  position: AlarmPosition;
}

function holdAlarm(
  ctx: FixContext,
  ep: Episode | null,
  alarm: TerminalAlarm,
  point: EvidencePoint,
  outOfBand: OutOfBand | null,
): Episode {
  // An episode that closed silently before opening is not reused; an open one takes new bits of
  // its group (power low, then cut) as the same alert.
  const held = hold(ctx, ep, null, point, ctx.ts, null);
  const d = held.detail;
  d.alarm = alarm;
  d.alarmFlags = ((typeof d.alarmFlags === 'number' ? d.alarmFlags : 0) | ctx.fix.alarmFlags) >>> 0;
  if (outOfBand) {
    // Only the report that opens the alert decides how its position is described.
    if (!held.open) {
      d.positionValid = outOfBand.positionValid;
      d.position = outOfBand.position;
      d.report = outOfBand.note;
      if (outOfBand.position === 'last_known') {
        d.lastKnownTs = ctx.state.track[LAST_TS]!;
        d.reportedLon = ctx.fix.lon;
        d.reportedLat = ctx.fix.lat;
      }
    }
  } else if (!held.open) {
    d.positionValid = true;
  }
  openIfDue(ctx, 'TERMINAL_ALARM', held);
  return held;
}

/**
 * The vehicle's last usable position, stamped with the report's time (the alarm happened then;
 * the vehicle was last seen there). Its time is in the detail (`lastKnownTs`).
 */
function lastKnown(ctx: FixContext): EvidencePoint {
  const t = ctx.state.track;
  const f = ctx.fix;
  return Object.freeze({ ts: f.ts, lon: t[LAST_LON]!, lat: t[LAST_LAT]!, speedKmh: f.speedKmh });
}
