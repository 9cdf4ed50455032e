import type { Delivery } from './delivery';
import type { SegmentQueue } from './outbox';
import type { RunPlan } from './run';

/** One project's way out: its segments, its delivery (its run, its token), the run to create when it has none. */
export interface Lane {
  readonly queue: SegmentQueue;
  readonly delivery: Delivery;
  /** The run to create once it has a result; undefined until the test run starts, or when the run is given. */
  plan(): RunPlan | undefined;
  /** The run exists now. */
  onRunCreated(): void;
}

/** Sends every project's outbox segments while tests run, and what is left at the end. */
export interface OutboxSender {
  /**
   * Sends the sealed segments, at most `maxInFlight` at once over all projects, taking from each in turn; first
   * creates a project's run when it does not exist yet and a result was written for it. Places left over send a
   * full request of files ahead of its batch.
   */
  pump(): void;
  /**
   * Waits for everything of `lane` in flight. Then, after a cool-down (the API unavailable through every retry),
   * which the end of a run cannot wait out, one quick request asks whether the API is back; if it is, sending
   * resumes. Each project is flushed on its own, so one whose API is away does not hold back the others' ends.
   */
  flush(lane: Lane): Promise<void>;
}

export interface OutboxSenderOptions {
  lanes: readonly Lane[];
  /** The one bound on requests in flight: each segment in flight, and each request of files ahead, is one. */
  maxInFlight: number;
  /** False in a dry run: requests are written, into no run. */
  needsRun: boolean;
}

export function createOutboxSender({ lanes, maxInFlight, needsRun }: OutboxSenderOptions): OutboxSender {
  // Each segment, and each request of files ahead, in flight, and whose it is.
  const active = new Map<Promise<unknown>, Lane>();
  const creating = new Map<Lane, Promise<unknown>>();

  // A project without its run yet: (re)create it once a result is written for it (after a failed try, once the
  // cool-down is over), not once a batch is full: then the end of a test run of fewer results than a batch does not
  // wait for it. False while it cannot take results.
  function hasRun(lane: Lane): boolean {
    if (!needsRun || lane.delivery.runId !== undefined) return true;
    const plan = lane.plan();
    if (plan && !creating.has(lane) && !lane.queue.isEmpty()) {
      creating.set(lane, lane.delivery.openRun(plan).then((id) => {
        creating.delete(lane);
        if (id === undefined) return;
        lane.onRunCreated();
        pump();
      }));
    }
    return false;
  }

  function pump(): void {
    const open = lanes.filter((lane) => lane.delivery.ready() && hasRun(lane));
    // One segment from each project in turn, so a project with many results does not hold back the others.
    for (let took = true; took && active.size < maxInFlight;) {
      took = false;
      for (const lane of open) {
        if (active.size >= maxInFlight) break;
        const [segment] = lane.queue.takeSealed(1);
        if (!segment) continue;
        took = true;
        track(lane.delivery.deliverSegment(segment), lane);
      }
    }
    // Places left over carry a full request of files ahead of its batch: the last batch's files then leave while
    // its tests still run, and after the last test only its results and the run's completion remain. Files need no
    // run: they may go while it is being created.
    for (const lane of lanes) {
      while (active.size < maxInFlight) {
        const files = lane.delivery.uploadAhead();
        if (!files) break;
        track(files, lane);
      }
    }
  }

  function track(work: Promise<unknown>, lane: Lane): void {
    const task = work.finally(() => {
      active.delete(task);
      pump();
    });
    active.set(task, lane);
  }

  async function drain(lane: Lane): Promise<void> {
    for (;;) {
      const tasks = [...active].filter(([, of]) => of === lane).map(([task]) => task);
      const creation = creating.get(lane);
      if (creation || tasks.length > 0) await Promise.all([creation, ...tasks]);
      // Its segments wait for a place in flight that other projects hold: each one freed is handed out in turn.
      else if (lane.queue.hasSealed() && lane.delivery.ready() && active.size > 0) await Promise.race(active.keys());
      else return;
    }
  }

  const settled = (lane: Lane) => lane.delivery.counts().delivered + lane.delivery.counts().refused;

  async function flush(lane: Lane): Promise<void> {
    await drain(lane);
    while (!lane.queue.isEmpty() && (await lane.delivery.probe())) {
      const before = settled(lane);
      pump();
      await drain(lane);
      // The API answered but nothing more went: the failure is not the API's (the outbox cannot be read), and
      // asking again would repeat it until the deadline.
      if (settled(lane) === before) return;
    }
  }

  return { pump, flush };
}
