import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as amqp from 'amqplib';
import { z } from 'zod';
import { defineEvent, defineRpc, DomainError, UnprocessableError } from '@herald/contracts';
import { Bus, BusOptions, DeadLetter, MemoryBus, MessageContext, RabbitMqBus } from '@herald/messaging';
import { eventually, servers, uniqueName } from '@herald/testing';

/**
 * Contract suite of the bus port (libs/messaging/src/bus.ts): the same tests run against the in-process bus and
 * the RabbitMQ adapter (a real broker), so both give the same delivery, retry, dead-letter and RPC guarantees.
 * Every test gets its own namespace; RabbitMQ exchanges and queues are deleted afterwards.
 */

const Thing = z.object({ id: z.string(), n: z.number().int().nonnegative() });
type Thing = z.infer<typeof Thing>;
const EchoRequest = z.object({ text: z.string().min(1) });
const EchoReply = z.object({ upper: z.string() });

/** Throw-away contracts; each test uses its own keys. */
const C = {
  thing: defineEvent('test.thing.v1', 'delivery', Thing),
  /** Same key, looser schema: a producer whose idea of the payload drifted from the consumer's. */
  thingLoose: defineEvent('test.thing.v1', 'delivery', z.object({ id: z.string(), n: z.number() })),
  retried: defineEvent('test.retried.v1', 'delivery', Thing),
  doomed: defineEvent('test.doomed.v1', 'delivery', Thing),
  busy: defineEvent('test.busy.v1', 'delivery', Thing),
  capped: defineEvent('test.capped.v1', 'delivery', Thing, { prefetch: 1 }),
  shared: defineEvent('test.shared.v1', 'audit', Thing),
  fanout: defineEvent('test.fanout.v1', 'gateway', Thing, { broadcast: true }),
  echo: defineRpc('test.echo.v1', 'directory', EchoRequest, EchoReply),
  echoLoose: defineRpc('test.echo.v1', 'directory', z.object({ text: z.string() }), EchoReply),
  nobody: defineRpc('test.nobody.v1', 'directory', EchoRequest, EchoReply),
  slow: defineRpc('test.slow.v1', 'directory', EchoRequest, EchoReply),
};

/**
 * Queues a namespace can hold: one per consumer group (broadcast queues are exclusive and vanish by themselves, but
 * are listed too in case an adapter ever made them durable; deleting a queue that does not exist is a no-op).
 */
const queuesOf = (ns: string) => [...new Set(Object.values(C).map((c) => `${ns}.${c.consumer}.${c.key}`))];

const BASE: Omit<BusOptions, 'namespace'> = { prefetch: 10, maxAttempts: 3, retryDelayMs: 20, rpcTimeoutMs: 5_000 };

interface Adapter {
  /** Separate bus instances share queues (a broker); false for the in-process bus. */
  broker: boolean;
  open(ns: string, opts: Partial<BusOptions>): Promise<Bus>;
  /** Removes whatever the namespace left behind, once every bus of it is closed. */
  cleanup(ns: string): Promise<void>;
}

const ADAPTERS: [string, Adapter][] = [
  [
    'MemoryBus',
    {
      broker: false,
      open: async (ns, opts) => new MemoryBus({ ...BASE, namespace: ns, ...opts }),
      cleanup: async () => undefined,
    },
  ],
  [
    'RabbitMqBus',
    {
      broker: true,
      open: async (ns, opts) => {
        const bus = new RabbitMqBus(servers.amqpUrl, { ...BASE, namespace: ns, ...opts });
        await bus.connect();
        return bus;
      },
      cleanup: async (ns) => {
        const bus = new RabbitMqBus(servers.amqpUrl, { ...BASE, namespace: ns });
        await bus.connect();
        try {
          await bus.destroyTopology(queuesOf(ns));
        } finally {
          await bus.close();
        }
      },
    },
  ],
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Long enough for a stray duplicate, retry or dead letter to show up if the adapter were going to send one. */
const settle = () => sleep(400);

/** One test's namespace, its buses, and what must happen before they close. */
class World {
  readonly ns = uniqueName('t');
  private readonly buses: Bus[] = [];
  private readonly beforeClose: (() => Promise<void> | void)[] = [];
  constructor(private readonly adapter: Adapter) {}

  async bus(opts: Partial<BusOptions> = {}): Promise<Bus> {
    const bus = await this.adapter.open(this.ns, opts);
    this.buses.push(bus);
    return bus;
  }

  /** Dead letters seen by `bus`, in arrival order. */
  async deadLetters(bus: Bus): Promise<DeadLetter[]> {
    const seen: DeadLetter[] = [];
    await bus.onDeadLetter((dl) => seen.push(dl));
    return seen;
  }

  onDispose(fn: () => Promise<void> | void): void {
    this.beforeClose.push(fn);
  }

  async dispose(): Promise<void> {
    for (const fn of this.beforeClose) await fn();
    for (const bus of this.buses) await bus.close();
    await this.adapter.cleanup(this.ns);
  }
}

/** A gate handlers can wait on; opened by the test, or at the latest before the buses close. */
function gate(w: World): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  w.onDispose(() => open());
  return { wait, open };
}

for (const [name, adapter] of ADAPTERS) {
  describe(`Bus contract — ${name}`, () => {
    let w: World;
    beforeEach(() => {
      w = new World(adapter);
    });
    afterEach(async () => {
      await w.dispose();
    });

    test('publish → consume delivers the validated payload once, in order, with attempt 1 and the correlation id', async () => {
      const bus = await w.bus();
      const dead = await w.deadLetters(bus);
      const got: [Thing, MessageContext][] = [];
      await bus.consume(C.thing, async (p, ctx) => void got.push([p, ctx]));

      await bus.publish(C.thing, { id: 'a', n: 1, extra: 'dropped by the schema' } as Thing, { correlationId: 'corr-a' });
      await bus.publish(C.thing, { id: 'b', n: 2 });
      await bus.publish(C.thing, { id: 'c', n: 3 }, { correlationId: 'corr-c' });
      await eventually(() => got.length >= 3, 5_000, 'three deliveries');
      await settle();

      assert.deepEqual(got, [
        [{ id: 'a', n: 1 }, { attempt: 1, correlationId: 'corr-a' }],
        [{ id: 'b', n: 2 }, { attempt: 1, correlationId: undefined }],
        [{ id: 'c', n: 3 }, { attempt: 1, correlationId: 'corr-c' }],
      ]);
      assert.deepEqual(dead, []);
    });

    test('healthy() is true while the bus is connected and false once it is closed (readiness)', async () => {
      const bus = await w.bus();
      assert.equal(bus.healthy(), true);
      await bus.close();
      assert.equal(bus.healthy(), false);
    });

    test('publish refuses a payload that violates the schema, and nothing is delivered', async () => {
      const bus = await w.bus();
      const dead = await w.deadLetters(bus);
      const got: unknown[] = [];
      await bus.consume(C.thing, async (p) => void got.push(p));

      await assert.rejects(bus.publish(C.thing, { id: 'a', n: -1 }), { name: 'ZodError' });
      await assert.rejects(bus.publish(C.thing, { id: 7 } as unknown as Thing), { name: 'ZodError' });
      await settle();
      assert.deepEqual(got, []);
      assert.deepEqual(dead, []);
    });

    test('a handler that fails twice then succeeds gets the message 3 times (attempt 1, 2, 3) and nothing is dead-lettered', async () => {
      const bus = await w.bus();
      const dead = await w.deadLetters(bus);
      const calls: [Thing, MessageContext][] = [];
      await bus.consume(C.retried, async (p, ctx) => {
        calls.push([p, ctx]);
        if (ctx.attempt < 3) throw new Error(`flaky ${ctx.attempt}`);
      });

      await bus.publish(C.retried, { id: 'r', n: 5 }, { correlationId: 'corr-r' });
      await eventually(() => calls.length >= 3, 5_000, 'three attempts');
      await settle();

      assert.deepEqual(calls, [1, 2, 3].map((attempt) => [{ id: 'r', n: 5 }, { attempt, correlationId: 'corr-r' }]));
      assert.deepEqual(dead, []);
    });

    test('a handler that always fails is dead-lettered after maxAttempts, with the key, the reason and the body', async () => {
      const bus = await w.bus();
      const dead = await w.deadLetters(bus);
      const attempts: number[] = [];
      await bus.consume(C.doomed, async (_p, ctx) => {
        attempts.push(ctx.attempt);
        throw new Error('boom');
      });

      await bus.publish(C.doomed, { id: 'd', n: 0 });
      await eventually(() => dead.length >= 1, 5_000, 'a dead letter');
      await settle();

      assert.deepEqual(attempts, [1, 2, 3]);
      assert.deepEqual(dead, [{ key: 'test.doomed.v1', reason: 'failed 3 times: boom', body: { id: 'd', n: 0 } }]);
    });

    test('a payload that violates the consumer\'s schema (producer on a looser schema) is dead-lettered without calling the handler', async () => {
      const bus = await w.bus();
      const dead = await w.deadLetters(bus);
      const got: [Thing, number][] = [];
      await bus.consume(C.thing, async (p, ctx) => void got.push([p, ctx.attempt]));

      await bus.publish(C.thingLoose, { id: 'bad', n: -1.5 });
      await bus.publish(C.thing, { id: 'good', n: 1 });
      await eventually(() => dead.length >= 1 && got.length >= 1, 5_000, 'the dead letter and the good message');
      await settle();

      assert.deepEqual(got, [[{ id: 'good', n: 1 }, 1]], 'the handler never saw the invalid message, and was not retried');
      assert.equal(dead.length, 1);
      assert.equal(dead[0].key, 'test.thing.v1');
      assert.match(dead[0].reason, /^invalid payload: n: /);
      assert.deepEqual(dead[0].body, { id: 'bad', n: -1.5 });
    });

    test(
      'raw messages on the wire (schema-violating JSON, non-JSON) are dead-lettered without calling the handler',
      { skip: adapter.broker ? false : 'MemoryBus has no wire to bypass publish(); the looser-producer test above covers consumer-side validation' },
      async () => {
        const bus = await w.bus();
        const dead = await w.deadLetters(bus);
        const got: Thing[] = [];
        await bus.consume(C.thing, async (p) => void got.push(p));

        const conn = await amqp.connect(servers.amqpUrl);
        try {
          const ch = await conn.createConfirmChannel();
          ch.publish(`${w.ns}.events`, 'test.thing.v1', Buffer.from(JSON.stringify({ id: 7, n: 1 })), { contentType: 'application/json' });
          ch.publish(`${w.ns}.events`, 'test.thing.v1', Buffer.from('not json {'), { contentType: 'application/json' });
          ch.publish(`${w.ns}.events`, 'test.thing.v1', Buffer.from(JSON.stringify({ id: 'raw-ok', n: 2 })), { contentType: 'application/json' });
          await ch.waitForConfirms();
        } finally {
          await conn.close();
        }
        await eventually(() => dead.length >= 2 && got.length >= 1, 5_000, 'two dead letters and one delivery');
        await settle();

        assert.deepEqual(got, [{ id: 'raw-ok', n: 2 }]);
        assert.equal(dead.length, 2);
        assert.equal(dead[0].key, 'test.thing.v1');
        assert.match(dead[0].reason, /^invalid payload: id: /);
        assert.deepEqual(dead[0].body, { id: 7, n: 1 });
        assert.deepEqual(dead[1], { key: 'test.thing.v1', reason: 'body is not JSON', body: 'not json {' });
      },
    );

    test('prefetch bounds concurrency: with prefetch 2, never more than 2 handlers run at once', async () => {
      const bus = await w.bus({ prefetch: 2 });
      const g = gate(w);
      let inFlight = 0;
      let maxInFlight = 0;
      const started: string[] = [];
      const finished: string[] = [];
      await bus.consume(C.busy, async (p) => {
        started.push(p.id);
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await g.wait;
        inFlight--;
        finished.push(p.id);
      });

      for (let i = 0; i < 6; i++) await bus.publish(C.busy, { id: `m${i}`, n: i });
      await eventually(() => started.length >= 2, 5_000, 'two handlers to start');
      await settle();
      assert.deepEqual(started, ['m0', 'm1'], 'no third message is handed out while two are unacknowledged');
      assert.equal(maxInFlight, 2);

      g.open();
      await eventually(() => finished.length === 6, 5_000, 'all six to finish');
      assert.deepEqual([...started].sort(), ['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
      assert.equal(maxInFlight, 2);
    });

    test("a contract's own prefetch caps the bus-wide one: prefetch 1 on a bus with prefetch 10 holds one message at a time", async () => {
      const bus = await w.bus({ prefetch: 10 });
      const g = gate(w);
      const started: string[] = [];
      await bus.consume(C.capped, async (p) => {
        started.push(p.id);
        if (p.id === 'm0') await g.wait;
      });
      for (let i = 0; i < 3; i++) await bus.publish(C.capped, { id: `m${i}`, n: i });
      await eventually(() => started.length >= 1, 5_000, 'the first handler to start');
      await settle();
      assert.deepEqual(started, ['m0'], 'nothing more is handed out while one is unacknowledged');
      g.open();
      await eventually(() => started.length === 3, 5_000, 'the other two to follow');
      assert.deepEqual(started, ['m0', 'm1', 'm2']);
    });

    test('a broadcast contract delivers its own copy to every consumer instance', async () => {
      const a = await w.bus();
      const b = adapter.broker ? await w.bus() : a; // in-process: two consumers on one bus
      const gotA: Thing[] = [];
      const gotB: Thing[] = [];
      await a.consume(C.fanout, async (p) => void gotA.push(p));
      await b.consume(C.fanout, async (p) => void gotB.push(p));

      await a.publish(C.fanout, { id: 'f1', n: 1 });
      await b.publish(C.fanout, { id: 'f2', n: 2 });
      await eventually(() => gotA.length >= 2 && gotB.length >= 2, 5_000, 'both copies of both messages');
      await settle();

      assert.deepEqual(gotA, [{ id: 'f1', n: 1 }, { id: 'f2', n: 2 }]);
      assert.deepEqual(gotB, [{ id: 'f1', n: 1 }, { id: 'f2', n: 2 }]);
    });

    test(
      'competing consumers on two instances share a queue: each message is handled exactly once',
      { skip: adapter.broker ? false : 'MemoryBus allows one consumer group per key in a process (it refuses a second one)' },
      async () => {
        const a = await w.bus();
        const b = await w.bus();
        const gotA: string[] = [];
        const gotB: string[] = [];
        await a.consume(C.shared, async (p) => void gotA.push(p.id));
        await b.consume(C.shared, async (p) => void gotB.push(p.id));

        const sent = Array.from({ length: 20 }, (_, i) => `s${String(i).padStart(2, '0')}`);
        for (const [i, id] of sent.entries()) await a.publish(C.shared, { id, n: i });
        await eventually(() => gotA.length + gotB.length >= 20, 5_000, 'all twenty');
        await settle();

        assert.deepEqual([...gotA, ...gotB].sort(), sent);
        assert.ok(gotA.length > 0 && gotB.length > 0, `both instances got work (${gotA.length} / ${gotB.length})`);
      },
    );

    test('RPC: request/reply returns the validated value, with the caller\'s correlation id; concurrent requests get their own replies', async () => {
      const server = await w.bus();
      const client = adapter.broker ? await w.bus() : server;
      const seen: MessageContext[] = [];
      await server.serve(C.echo, async (q, ctx) => {
        seen.push(ctx);
        await sleep(q.text.length * 5);
        return { upper: q.text.toUpperCase(), extra: 'dropped by the schema' } as { upper: string };
      });

      assert.deepEqual(await client.request(C.echo, { text: 'hello' }, { correlationId: 'corr-rpc' }), { upper: 'HELLO' });
      assert.deepEqual(seen, [{ attempt: 1, correlationId: 'corr-rpc' }]);

      const texts = ['ccccccccc', 'a', 'bbbbb', 'dd', 'eeeeeeeeeeeee'];
      assert.deepEqual(await Promise.all(texts.map((text) => client.request(C.echo, { text }))), texts.map((t) => ({ upper: t.toUpperCase() })));
      assert.equal(seen.length, 6);
    });

    test('RPC: a domain error thrown by the responder arrives as a DomainError with its status and field; others as 500', async () => {
      const server = await w.bus();
      const client = adapter.broker ? await w.bus() : server;
      const calls: string[] = [];
      await server.serve(C.echo, async (q) => {
        calls.push(q.text);
        if (q.text === 'crash') throw new Error('secret internals');
        throw new UnprocessableError('x', 'field');
      });

      await assert.rejects(client.request(C.echo, { text: 'please' }), (err: unknown) => {
        assert.ok(err instanceof DomainError, `expected a DomainError, got ${String(err)}`);
        assert.equal(err.status, 422);
        assert.equal(err.code, 'UNPROCESSABLE');
        assert.equal(err.message, 'x');
        assert.equal(err.field, 'field');
        return true;
      });
      await assert.rejects(client.request(C.echo, { text: 'crash' }), (err: unknown) => {
        assert.ok(err instanceof DomainError);
        assert.deepEqual([err.status, err.code, err.message, err.field], [500, 'INTERNAL', 'internal error', undefined]);
        return true;
      });
      // A request the responder's schema refuses (client on a looser schema) is a 400 naming the field; no handler call.
      await assert.rejects(client.request(C.echoLoose, { text: '' }), (err: unknown) => {
        assert.ok(err instanceof DomainError);
        assert.deepEqual([err.status, err.code, err.field], [400, 'VALIDATION_FAILED', 'text']);
        return true;
      });
      assert.deepEqual(calls, ['please', 'crash']);
    });

    test('RPC with no responder fails fast with 503, not after the timeout', async () => {
      const client = await w.bus();
      const t0 = Date.now();
      await assert.rejects(client.request(C.nobody, { text: 'anyone?' }, { timeoutMs: 4_000 }), (err: unknown) => {
        assert.ok(err instanceof DomainError, `expected a DomainError, got ${String(err)}`);
        assert.equal(err.status, 503);
        assert.match(err.message, /no responder for test\.nobody\.v1/);
        return true;
      });
      const took = Date.now() - t0;
      assert.ok(took < 1_000, `failed after ${took} ms, expected well under the 4000 ms timeout`);
    });

    test('RPC timeout rejects with 503 after timeoutMs', async () => {
      const server = await w.bus();
      const client = adapter.broker ? await w.bus() : server;
      const g = gate(w);
      let finished = 0;
      await server.serve(C.slow, async (q) => {
        await g.wait;
        finished++;
        return { upper: q.text };
      });

      const t0 = Date.now();
      await assert.rejects(client.request(C.slow, { text: 'late' }, { timeoutMs: 300 }), (err: unknown) => {
        assert.ok(err instanceof DomainError, `expected a DomainError, got ${String(err)}`);
        assert.equal(err.status, 503);
        assert.match(err.message, /timed out after 300 ms/);
        return true;
      });
      const took = Date.now() - t0;
      assert.ok(took >= 290 && took < 2_000, `timed out after ${took} ms, expected about 300 ms`);

      // Let the responder finish (its late reply is ignored) before the buses close.
      g.open();
      await eventually(() => finished === 1, 5_000, 'the slow responder to finish');
      await settle();
    });

    test('a handler and a responder still running when their bus closes finish without error; a broker redelivers what was not acked', async () => {
      const bus = await w.bus();
      const client = adapter.broker ? await w.bus() : bus;
      const g = gate(w);
      const got: [string, number][] = [];
      let answering = 0;
      let finished = 0;
      await bus.consume(C.thing, async (p, ctx) => {
        got.push([p.id, ctx.attempt]);
        await g.wait;
        finished++;
      });
      await bus.serve(C.slow, async (q) => {
        answering++;
        await g.wait;
        finished++;
        return { upper: q.text.toUpperCase() };
      });
      await bus.publish(C.thing, { id: 'in-flight', n: 1 });
      const reply = client.request(C.slow, { text: 'x' }, { timeoutMs: 5_000 });
      reply.catch(() => undefined); // awaited below
      await eventually(() => got.length === 1 && answering === 1, 5_000, 'the handler and the responder to start');

      await bus.close();
      g.open();
      await eventually(() => finished === 2, 5_000, 'both to finish after the close');
      await settle(); // an error from acking or replying on a closed channel would surface (and fail the test) here

      if (adapter.broker) {
        // At-least-once: neither was acked, so the broker hands both to the next instance.
        const next = await w.bus();
        const again: [string, number][] = [];
        await next.consume(C.thing, async (p, ctx) => void again.push([p.id, ctx.attempt]));
        await next.serve(C.slow, async (q) => ({ upper: `${q.text.toUpperCase()}!` }));
        assert.deepEqual(await reply, { upper: 'X!' });
        await eventually(() => again.length >= 1, 5_000, 'the redelivered event');
        await settle();
        assert.deepEqual(again, [['in-flight', 1]]);
      } else {
        assert.deepEqual(await reply, { upper: 'X' });
      }
      assert.deepEqual(got, [['in-flight', 1]], 'the closed bus did not retry the message');
    });

    test(
      'messages published while no consumer runs are kept in the durable queue and delivered when a consumer starts',
      { skip: adapter.broker ? false : 'MemoryBus queues live in the process (documented single-node limit): nothing survives a closed bus' },
      async () => {
        const first = await w.bus();
        await first.consume(C.thing, async () => assert.fail('the first consumer must not receive anything'));
        await first.close(); // the durable queue stays, with no consumer

        const producer = await w.bus();
        for (let n = 0; n < 3; n++) await producer.publish(C.thing, { id: `kept-${n}`, n }, { correlationId: `corr-${n}` });
        await producer.close();

        const consumer = await w.bus();
        const got: [Thing, MessageContext][] = [];
        await consumer.consume(C.thing, async (p, ctx) => void got.push([p, ctx]));
        await eventually(() => got.length >= 3, 5_000, 'the three kept messages');
        await settle();

        assert.deepEqual(got, [0, 1, 2].map((n) => [{ id: `kept-${n}`, n }, { attempt: 1, correlationId: `corr-${n}` }]));
      },
    );
  });
}
