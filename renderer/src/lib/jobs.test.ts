// A job's progress from events and from a read of the whole job, in either order: nothing goes back.
import { describe, expect, it } from 'vitest';
import type { Job, JobDetail, JobItem } from '../../../shared/api/console.js';
import { applyJobEvent, applyJobRead } from './jobs.js';

const job = (state: Job['state'], done: number): Job => ({
  id: 'j1',
  title: 'Install',
  state,
  createdAt: '2026-11-23T00:00:00Z',
  total: 2,
  done,
  cancelRequested: false,
});
const item = (idx: number, state: JobItem['state']): JobItem => ({ idx, connectionId: 'c1', tenantId: `t${idx}`, label: 'install', state });
const detail = (j: Job, items: JobItem[]): JobDetail => ({ ...j, items });

describe('job progress', () => {
  it('a read answered before an item ended, arriving after its event, does not undo it', () => {
    let s = applyJobEvent(undefined, { job: job('running', 0), item: item(0, 'running') });
    s = applyJobEvent(s, { job: job('running', 1), item: item(0, 'succeeded') });
    s = applyJobRead(s, detail(job('running', 0), [item(0, 'running'), item(1, 'pending')]));
    expect(s.items.map((x) => x.state)).toEqual(['succeeded', 'pending']);
    expect(s.done).toBe(1);
    s = applyJobEvent(s, { job: job('running', 1), item: item(1, 'running') });
    s = applyJobEvent(s, { job: job('succeeded', 2), item: item(1, 'succeeded') });
    expect(s).toMatchObject({ state: 'succeeded', done: 2 });
    expect(s.items.map((x) => x.state)).toEqual(['succeeded', 'succeeded']);
  });

  it('a read that is ahead of the events is kept when the late events arrive; events in order update as before', () => {
    let s = applyJobRead(undefined, detail(job('succeeded', 2), [item(0, 'succeeded'), { ...item(1, 'failed'), message: 'refused' }]));
    s = applyJobEvent(s, { job: job('running', 1), item: item(1, 'running') });
    expect(s).toMatchObject({ state: 'succeeded', done: 2 });
    expect(s.items[1]).toMatchObject({ state: 'failed', message: 'refused' });
    // same state: the event (newer) replaces the item, with its steps
    let r = applyJobEvent(undefined, { job: job('running', 0), item: item(0, 'running') });
    r = applyJobEvent(r, { job: { ...job('running', 0), cancelRequested: true }, item: { ...item(0, 'running'), message: 'step 2' } });
    expect(r.items[0]!.message).toBe('step 2');
    expect(r.cancelRequested).toBe(true);
  });
});
