// Fault injection for the crash tests (quality.md "Data"): with TENANTRY_FAULT=<op>:<k>, the k-th fault point
// reached by operation <op> in this process kills the process with SIGKILL, as a power cut would. With
// TENANTRY_FAULT=<op>:list every point of <op> prints "<op> <k> <name>" on stderr and nothing is killed.
const counters = new Map<string, number>();

export function faultPoint(op: string, name: string): void {
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
