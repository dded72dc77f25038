import { EventScheduler } from '../../bench/support/event-scheduler';

describe('EventScheduler (the virtual clock of the convergence bench)', () => {
  it('runs events in time order, ties in the order they were scheduled, with the clock at each event', () => {
    const scheduler = new EventScheduler(1000);
    const seen: string[] = [];
    const note = (name: string) => () => seen.push(`${name}@${scheduler.now}`);
    scheduler.after(30, note('c'));
    scheduler.after(10, note('a'));
    scheduler.after(10, note('b'));
    scheduler.after(0, () => {
      note('now')();
      scheduler.after(5, note('nested'));
    });
    scheduler.after(20.2, note('rounded-up'));
    expect(scheduler.runUntil(10_000)).toBe(false);
    expect(seen).toEqual(['now@1000', 'nested@1005', 'a@1010', 'b@1010', 'rounded-up@1021', 'c@1030']);
    expect(scheduler.now).toBe(10_000);
    expect(scheduler.eventsRun).toBe(6);
  });

  it('stops at the bound without running later events, and as soon as the condition holds', () => {
    const scheduler = new EventScheduler(0);
    let count = 0;
    for (let i = 1; i <= 100; i++) scheduler.after(i * 10, () => count++);
    expect(scheduler.runUntil(255)).toBe(false);
    expect([count, scheduler.now, scheduler.pending]).toEqual([25, 255, 75]);
    expect(scheduler.runUntil(10_000, () => count === 40)).toBe(true);
    expect([count, scheduler.now, scheduler.pending]).toEqual([40, 400, 60]);
  });

  it('keeps a large random schedule in order (the heap against a sort of the same times)', () => {
    const scheduler = new EventScheduler(0);
    let seed = 11;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    const times = Array.from({ length: 5000 }, () => next() % 100_000);
    const ran: number[] = [];
    for (const at of times) scheduler.after(at, () => ran.push(scheduler.now));
    scheduler.runUntil(Number.MAX_SAFE_INTEGER - 1, () => ran.length === times.length);
    expect(ran).toEqual([...times].sort((a, b) => a - b));
  });
});
