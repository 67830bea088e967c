// Fault injection for the crash tests (quality.md "Data"): with TENANTRY_FAULT=<op>:<k>, the k-th fault point
// reached by operation <op> in this process kills the process with SIGKILL, as a power cut would. With
// TENANTRY_FAULT=<op>:list every point of <op> prints "<op> <k> <name>" on stderr and nothing is killed.
// The same points are the steps of an operation that a caller may watch (setStepListener): the server's jobs
// report them as progress events.
const counters = new Map<string, number>();

type StepListener = (op: string, step: string) => void;
let stepListener: StepListener | null = null;

/** Watches the steps of the operations run (synchronously) until it is cleared with null; returns the previous one. */
export function setStepListener(listener: StepListener | null): StepListener | null {
  const prev = stepListener;
  stepListener = listener;
  return prev;
}

export function faultPoint(op: string, name: string): void {
  stepListener?.(op, name);
  const spec = process.env['TENANTRY_FAULT'];
  if (!spec) return;
  const sep = spec.lastIndexOf(':');
  if (sep < 0 || spec.slice(0, sep) !== op) return;
  const k = (counters.get(op) ?? 0) + 1;
  counters.set(op, k);
  const arg = spec.slice(sep + 1);
  if (arg === 'list') {
    process.stderr.write(`fault-point ${op} ${k} ${name}\n`);
    return;
  }
  if (Number(arg) === k) process.kill(process.pid, 'SIGKILL');
}
