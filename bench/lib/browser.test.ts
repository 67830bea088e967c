// Reading main-thread busy time out of a Chromium trace: the window between two user-timing marks, wall and CPU time
// of top-level tasks cut at the window's edges, and self time by event name with nested events subtracted.
import { describe, expect, it } from 'vitest';
import { mainThreadWindows } from './browser.js';

const PID = 7;
const MAIN = 1;
const OTHER = 2;

const trace = (events: object[]): string =>
  JSON.stringify({
    traceEvents: [
      { ph: 'M', name: 'thread_name', pid: PID, tid: MAIN, ts: 0, args: { name: 'CrRendererMain' } },
      { ph: 'M', name: 'thread_name', pid: PID, tid: OTHER, ts: 0, args: { name: 'Compositor' } },
      ...events,
    ],
  });

const mark = (name: string, ts: number): object => ({ ph: 'R', cat: 'blink.user_timing', name, pid: PID, tid: MAIN, ts });
const task = (ts: number, dur: number, tdur: number, tid = MAIN): object => ({
  ph: 'X',
  name: 'ThreadControllerImpl::RunTask',
  cat: 'toplevel',
  pid: PID,
  tid,
  ts,
  dur,
  tdur,
});
const event = (name: string, ts: number, dur: number, tdur = dur): object => ({ ph: 'X', name, cat: 'devtools.timeline', pid: PID, tid: MAIN, ts, dur, tdur });

describe('mainThreadWindows', () => {
  it('sums the main thread tasks inside the marks, cutting those at the edges, and attributes self time', () => {
    const json = trace([
      mark('run:start', 1000),
      task(500, 1000, 1000), // half inside: 500 us of wall and CPU count
      task(2000, 3000, 2000), // inside; 1,000 us of it the OS gave to someone else
      event('FunctionCall', 2000, 2000, 1500),
      event('Layout', 2500, 1000, 500), // nested in FunctionCall
      event('Paint', 4000, 1000, 500),
      task(2000, 9000, 9000, OTHER), // another thread: ignored
      task(6000, 1000, 1000),
      mark('run:end', 6500), // cuts the last task in half
      task(7000, 1000, 1000), // after the window
    ]);
    const [w] = mainThreadWindows(json, ['run']);
    expect(w!.label).toBe('run');
    expect(w!.ms).toBeCloseTo(5.5);
    expect(w!.busy).toBeCloseTo(0.5 + 3 + 0.5);
    expect(w!.cpu).toBeCloseTo(0.5 + 2 + 0.5);
    const self = Object.fromEntries(w!.selfTime.map((s) => [s.name, s.ms]));
    expect(self['FunctionCall']).toBeCloseTo(1.5 - 0.5);
    expect(self['Layout']).toBeCloseTo(0.5);
    expect(self['Paint']).toBeCloseTo(0.5);
    expect(self['ThreadControllerImpl::RunTask']).toBeCloseTo(0.5 + (2 - 1.5 - 0.5) + 0.5);
  });

  it('refuses a trace without the marks or without the renderer main thread', () => {
    expect(() => mainThreadWindows(trace([]), ['run'])).toThrow(/no mark run:start/);
    expect(() => mainThreadWindows(JSON.stringify({ traceEvents: [mark('run:start', 0), mark('run:end', 1)] }), ['run'])).toThrow(/CrRendererMain/);
    expect(() => mainThreadWindows(trace([mark('run:start', 0)]), ['run'])).toThrow(/misses the marks of run/);
  });
});
