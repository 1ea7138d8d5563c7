/**
 * What a conformance test opens (the simulator, an ARI event stream, an AMI session), set up as the
 * recorder's run was, and closed after each test in the reverse order of opening, so the stream and
 * session go before the simulator they talk to.
 */
import { afterEach } from 'vitest';
import type { RawAmiClient } from '../ami/testing/raw-client.js';
import { startPbxSim } from '../index.js';
import type { PbxSim, PbxSimOptions } from '../index.js';
import { amiSession, amiTap } from './ami-conformance.js';
import { AriRest, EventStream } from './ari-harness.js';
import { APP } from './conformance.js';
import { control } from './sim-control.js';

type Closable = { close(): void } | { stop(): Promise<void> };

/** Registers an afterEach that closes everything passed to the returned function during the test. */
export function closeAfterEach(): <T extends Closable>(thing: T) => T {
  const open: Closable[] = [];
  afterEach(async () => {
    const errors: unknown[] = [];
    for (const thing of open.splice(0).reverse()) {
      try {
        if ('stop' in thing) await thing.stop();
        else thing.close();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw errors[0];
  });
  return (thing) => {
    open.push(thing);
    return thing;
  };
}

export interface RunOptions {
  sim?: PbxSimOptions;
  /** Phones that had no contact during the recording (taken offline before anything listens). */
  offline?: string[];
  /**
   * `tap` logs in with the recorder's event classes (system,call); `session` gets every event and
   * leaves the filtering to amiAbout (both give the same frames about a run's channels).
   */
  ami: 'tap' | 'session';
}

export interface Run {
  sim: PbxSim;
  ari: AriRest;
  /** The ARI events of APP. */
  events: EventStream;
  ami: RawAmiClient;
}

/** Registers the afterEach that closes each test's run; `start` opens one. */
export function useConformanceRun(): { start(options: RunOptions): Promise<Run> } {
  const opened = closeAfterEach();
  return {
    async start(options) {
      // The recorder logged in without eventfilter lines (the recordings show every event of its
      // classes), so the simulator's cti user has none here whatever manager.conf says.
      const sim = opened(await startPbxSim({ amiUsers: [{ username: 'cti', secret: 'cti-secret', eventFilters: [] }], ...options.sim }));
      if (options.offline) {
        for (const resource of options.offline) await control(sim, 'PUT', `/endpoints/PJSIP/${resource}`, { online: false });
        // Let the unregistrations' events pass before the stream and the AMI session open.
        await new Promise((r) => setTimeout(r, 20));
      }
      const events = opened(await EventStream.open(sim.httpUrl, APP));
      const ami = opened(options.ami === 'tap' ? await amiTap(sim) : await amiSession(sim));
      return { sim, ari: new AriRest(sim.httpUrl), events, ami };
    },
  };
}
