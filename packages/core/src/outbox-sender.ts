import type { Delivery } from './delivery';
import type { Outbox } from './outbox';
import type { RunPlan } from './run';

/** Sends an outbox through a delivery while tests run, and what is left at the end. */
export interface OutboxSender {
  /** Sends the sealed segments, at most `maxInFlight` at once; first creates the run when it does not exist yet. */
  pump(): void;
  /**
   * Waits for everything in flight. Then, after a cool-down (the API unavailable through every retry), which the end
   * of a run cannot wait out, one quick request asks whether the API is back; if it is, sending resumes.
   */
  flush(): Promise<void>;
}

export interface OutboxSenderOptions {
  delivery: Delivery;
  outbox: Outbox;
  /** The one bound on requests in flight: each segment in flight sends one request at a time. */
  maxInFlight: number;
  /** False in a dry run: requests are written, into no run. */
  needsRun: boolean;
  /** The run to create once results wait for it; undefined until the test run starts, or when the run is given. */
  plan(): RunPlan | undefined;
  /** The run exists now. */
  onRunCreated(): void;
}

export function createOutboxSender({ delivery, outbox, maxInFlight, needsRun, plan, onRunCreated }: OutboxSenderOptions): OutboxSender {
  const active = new Set<Promise<unknown>>();
  let creating: Promise<unknown> | undefined;

  function pump(): void {
    if (!delivery.ready()) return;
    if (needsRun && delivery.runId === undefined) {
      // The first results are waiting, or creating the run failed and the cool-down is over: (re)create it.
      const runPlan = plan();
      if (runPlan && !creating && outbox.hasSealed()) {
        creating = delivery.openRun(runPlan).then((id) => {
          creating = undefined;
          if (id === undefined) return;
          onRunCreated();
          pump();
        });
      }
      return;
    }
    for (const segment of outbox.takeSealed(Math.max(0, maxInFlight - active.size))) {
      const task = delivery.deliverSegment(segment).finally(() => {
        active.delete(task);
        pump();
      });
      active.add(task);
    }
  }

  async function drain(): Promise<void> {
    while (creating || active.size > 0) await Promise.all([creating, ...active]);
  }

  const settled = () => delivery.counts().delivered + delivery.counts().refused;

  async function flush(): Promise<void> {
    await drain();
    while (!outbox.isEmpty() && (await delivery.probe())) {
      const before = settled();
      pump();
      await drain();
      // The API answered but nothing more went: the failure is not the API's (the outbox cannot be read), and
      // asking again would repeat it until the deadline.
      if (settled() === before) break;
    }
  }

  return { pump, flush };
}
