// HTTP as the load balancer and the tests see the hosts: one request per connection, so that
// what is measured is the host's listening socket.
import http from "node:http";
import { sleep } from "./process.js";

export interface Answer {
  status?: number;
  /** The error's code (ECONNREFUSED, ECONNRESET) or message, when there was no answer. */
  error?: string;
  seconds: number;
}

export function get(
  port: number,
  path: string,
  host = "127.0.0.1",
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // A connection of its own each time (no keep-alive): what is measured is the listening socket.
    const request = http.get(
      { host, port, path, timeout: 60_000, agent: false },
      (response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => (body += chunk.toString()));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, body }),
        );
      },
    );
    request.on("timeout", () =>
      request.destroy(new Error(`GET ${path} timed out`)),
    );
    request.on("error", reject);
  });
}

/**
 * GET /health at `host`:`port` every 100 ms, each request on its own connection and not waiting
 * for the ones before, until stopped.
 */
export function pollHealth(
  host: string,
  port: number,
): { stop(): Promise<Answer[]> } {
  const answers: Promise<Answer>[] = [];
  const timer = setInterval(() => {
    const started = Date.now();
    const seconds = () => (Date.now() - started) / 1000;
    answers.push(
      get(port, "/health", host).then(
        (r) => ({ status: r.status, seconds: seconds() }),
        (error: NodeJS.ErrnoException) => ({
          error: error.code ?? error.message,
          seconds: seconds(),
        }),
      ),
    );
  }, 100);
  let stopped: Promise<Answer[]> | undefined;
  return {
    // Once, however often it is asked (a failing scenario's clean-up asks again).
    stop: () =>
      (stopped ??= sleep(500).then(() => {
        clearInterval(timer);
        return Promise.all(answers);
      })),
  };
}

/** One round of /health requests to every host, made at the same moment. */
export interface Round {
  at: number;
  statuses: (number | string)[];
}

/**
 * GET /health on every address every 200 ms (each round not waiting for the ones before),
 * until stopped: a round in which no host answered 200 is a moment the fleet was down.
 */
export function watchHosts(
  addresses: readonly string[],
  port: number,
): { stop(): Promise<Round[]> } {
  const rounds: Promise<Round>[] = [];
  const timer = setInterval(() => {
    const at = Date.now();
    rounds.push(
      Promise.all(
        addresses.map((address) =>
          get(port, "/health", address).then(
            (r) => r.status,
            (error: NodeJS.ErrnoException) => error.code ?? error.message,
          ),
        ),
      ).then((statuses) => ({ at, statuses })),
    );
  }, 200);
  return {
    stop() {
      clearInterval(timer);
      return Promise.all(rounds);
    },
  };
}
