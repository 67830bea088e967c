// Keeping a job's progress current when it arrives by two ways: events pushed as the job runs, and a read of the
// whole job (jobs.get) that was answered a moment earlier but arrives later. A read must not undo an event: an item
// (or the job) never goes back from a later state to an earlier one (pending -> running -> ended), and among equal
// states the job with more items done is the newer.
import type { Job, JobDetail, JobEvent, JobItem } from '../../../shared/api/console.js';

const itemRank = (s: JobItem['state']): number => (s === 'pending' ? 0 : s === 'running' ? 1 : 2);
const jobRank = (s: Job['state']): number => (s === 'queued' ? 0 : s === 'running' ? 1 : 2);

/** The job summary that is further along; `incoming` wins a tie, unless `keepOnTie` (a read arriving after events). */
function newerJob(current: Job, incoming: Job, keepOnTie: boolean): Job {
  if (jobRank(incoming.state) !== jobRank(current.state)) return jobRank(incoming.state) > jobRank(current.state) ? incoming : current;
  if (incoming.done !== current.done) return incoming.done > current.done ? incoming : current;
  return keepOnTie ? current : incoming;
}

/** The fields of a Job, without the detail's (items, stoppedReason). */
function summary(j: JobDetail): Job {
  const { items: _items, stoppedReason: _reason, ...job } = j;
  return job;
}

/** The item that is further along; `incoming` wins a tie, unless `keepOnTie` (a read arriving after events). */
function newerItem(current: JobItem | undefined, incoming: JobItem, keepOnTie: boolean): JobItem {
  if (!current) return incoming;
  const a = itemRank(current.state);
  const b = itemRank(incoming.state);
  if (a !== b) return b > a ? incoming : current;
  return keepOnTie ? current : incoming;
}

/** The job after one pushed event (an event is newer than what came before it, unless it would move an item back). */
export function applyJobEvent(prev: JobDetail | undefined, e: JobEvent): JobDetail {
  const items = prev ? [...prev.items] : [];
  if (e.item) {
    const i = items.findIndex((x) => x.idx === e.item!.idx);
    if (i >= 0) items[i] = newerItem(items[i], e.item, false);
    else items.push(e.item);
    items.sort((a, b) => a.idx - b.idx);
  }
  const job = prev ? newerJob(summary(prev), e.job, false) : e.job;
  return { ...job, items, ...(prev?.stoppedReason !== undefined ? { stoppedReason: prev.stoppedReason } : {}) };
}

/** The job after a whole read of it: merged with what events already said, never going back. */
export function applyJobRead(prev: JobDetail | undefined, read: JobDetail): JobDetail {
  if (!prev) return read;
  const byIdx = new Map(prev.items.map((x) => [x.idx, x]));
  const items = read.items.map((x) => newerItem(byIdx.get(x.idx), x, true));
  for (const x of prev.items) if (!items.some((y) => y.idx === x.idx)) items.push(x);
  items.sort((a, b) => a.idx - b.idx);
  const job = newerJob(summary(prev), summary(read), true);
  const stoppedReason = read.stoppedReason ?? prev.stoppedReason;
  return { ...job, items, ...(stoppedReason !== undefined ? { stoppedReason } : {}) };
}
