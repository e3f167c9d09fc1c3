// Headless Chromium (Debian's package) driven over the DevTools protocol on a pipe, and a stand-in
// for the load balancer's HTTPS listener in front of each host: Chromium opens
// https://<domain>/ as a user would (the Origin and Host the app allows), each tab through its
// host's listener. Chromium and its folder are held by the run's clean-up (cleanup.ts): close()
// stops it, a run that ends without close() kills it by process id.
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { splice, type Host } from "./fleet.js";
import { selfSigned } from "./certificates.js";
import { Resources } from "./cleanup.js";

interface Pending {
  resolve: (value: Record<string, unknown>) => void;
  reject: (error: Error) => void;
}

export class Browser {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners: ((message: Record<string, unknown>) => void)[] =
    [];
  private readonly servers: net.Server[] = [];
  /** The listeners' open connections: a server's close() leaves them open. */
  private readonly sockets = new Set<net.Socket>();
  /** Made once for every listener: listeners started together must not make it twice at once. */
  private certificate?: Promise<{ key: string; cert: string }>;
  /** Set once Chromium is gone: every call in flight or made later fails, so no loop outlives it. */
  private gone?: Error;

  private constructor(
    private readonly chromium: ChildProcess,
    /** Chromium and its profile folder. */
    private readonly resources: Resources,
    private readonly dir: string,
  ) {
    let buffered = "";
    const output = chromium.stdio[4] as NodeJS.ReadableStream;
    output.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      let end: number;
      while ((end = buffered.indexOf("\0")) >= 0) {
        const message = JSON.parse(buffered.slice(0, end)) as Record<
          string,
          unknown
        >;
        buffered = buffered.slice(end + 1);
        const waiting = this.pending.get(message.id as number);
        if (waiting) {
          this.pending.delete(message.id as number);
          if (message.error)
            waiting.reject(new Error(JSON.stringify(message.error)));
          else waiting.resolve(message.result as Record<string, unknown>);
        }
        for (const listener of this.listeners) listener(message);
      }
    });
    chromium.once("exit", (code, signal) => {
      this.gone = new Error(`Chromium exited (${signal ?? `code ${code}`})`);
      for (const waiting of this.pending.values()) waiting.reject(this.gone);
      this.pending.clear();
    });
  }

  static async launch(): Promise<Browser> {
    const resources = new Resources();
    const dir = resources.tempFolder(join(tmpdir(), "rails-aws-e2e-chromium-"));
    const chromium = spawn(
      "chromium",
      [
        "--headless",
        // As root, in a machine without user namespaces for its sandbox.
        "--no-sandbox",
        "--remote-debugging-pipe",
        `--user-data-dir=${dir}`,
        // The listeners' certificate is made for this run.
        "--ignore-certificate-errors",
        "--no-first-run",
        "--disable-gpu",
        // Every tab types and watches at once: none is throttled as a background tab.
        "--disable-background-timer-throttling",
        "--disable-renderer-backgrounding",
        "--disable-backgrounding-occluded-windows",
        "about:blank",
      ],
      { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] },
    );
    resources.child(chromium);
    let stderr = "";
    chromium.stderr!.on("data", (chunk: Buffer) => (stderr += chunk));
    const browser = new Browser(chromium, resources, dir);
    let timer: NodeJS.Timeout | undefined;
    const started = await Promise.race([
      browser.send("Browser.getVersion").then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), 60_000);
      }),
    ]);
    clearTimeout(timer);
    if (!started) {
      await browser.close();
      throw new Error(`Chromium did not start:\n${stderr.slice(-2000)}`);
    }
    return browser;
  }

  send(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
  ): Promise<Record<string, unknown>> {
    if (this.gone) return Promise.reject(this.gone);
    const id = this.nextId++;
    const input = this.chromium.stdio[3] as NodeJS.WritableStream;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      input.write(`${JSON.stringify({ id, method, params, sessionId })}\0`);
    });
  }

  /**
   * A stand-in for the load balancer's HTTPS listener in front of `host`: Chromium's proxy,
   * which accepts its CONNECT to <domain>:443, ends TLS with a certificate made for this run,
   * and passes the bytes to Puma on the host, as the listener passes them to the target group.
   */
  async loadBalancer(host: Host, port: number): Promise<number> {
    this.certificate ??= selfSigned(
      this.dir,
      "load-balancer",
      "/CN=load balancer stand-in",
    );
    // Made here, so that a bad key fails this call rather than a connection's handler.
    const secureContext = tls.createSecureContext(await this.certificate);
    const server = http.createServer((_, response) => {
      response.writeHead(405).end("only CONNECT");
    });
    server.on("connect", (_request, client: net.Socket, head: Buffer) => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      const secure = new tls.TLSSocket(client, {
        isServer: true,
        secureContext,
      });
      const upstream = net.connect(port, host.address);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.once("close", () => this.sockets.delete(socket));
      }
      if (head.length) secure.unshift(head);
      splice(secure, upstream);
      client.on("error", (error) => secure.destroy(error));
    });
    this.servers.push(server);
    await new Promise<void>((resolve) =>
      server.listen(0, "127.0.0.1", resolve),
    );
    return (server.address() as net.AddressInfo).port;
  }

  /** A tab in a context of its own, whose requests go through `proxyPort`, at `url`. */
  async open(url: string, proxyPort: number): Promise<Tab> {
    const { browserContextId } = await this.send(
      "Target.createBrowserContext",
      { proxyServer: `http://127.0.0.1:${proxyPort}` },
    );
    const { targetId } = await this.send("Target.createTarget", {
      url: "about:blank",
      browserContextId,
    });
    const { sessionId } = await this.send("Target.attachToTarget", {
      targetId,
      flatten: true,
    });
    const tab = new Tab(this, sessionId as string);
    await tab.send("Page.enable");
    await tab.send("Runtime.enable");
    await tab.send("Log.enable");
    await tab.send("Page.navigate", { url });
    return tab;
  }

  /** Console messages and exceptions of every tab, for failure messages. */
  onMessage(listener: (message: Record<string, unknown>) => void): void {
    this.listeners.push(listener);
  }

  /** Stops Chromium (by its process id, killed after 5 s) and the listeners with their connections. */
  async close(): Promise<void> {
    for (const server of this.servers) server.close();
    for (const socket of this.sockets) socket.destroy();
    if (this.chromium.exitCode === null && this.chromium.signalCode === null) {
      const exited = new Promise((resolve) =>
        this.chromium.once("exit", resolve),
      );
      this.send("Browser.close").catch(() => undefined);
      const timer = setTimeout(() => this.chromium.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    this.resources.release();
  }
}

export class Tab {
  constructor(
    private readonly browser: Browser,
    readonly sessionId: string,
  ) {}

  send(method: string, params: Record<string, unknown> = {}) {
    return this.browser.send(method, params, this.sessionId);
  }

  /** The value of a JavaScript expression in the page. */
  async evaluate<T>(expression: string): Promise<T> {
    const result = await this.send("Runtime.evaluate", {
      expression,
      returnByValue: true,
      awaitPromise: true,
    });
    if (result.exceptionDetails)
      throw new Error(
        `${expression}: ${JSON.stringify(result.exceptionDetails)}`,
      );
    return (result.result as { value: T }).value;
  }

  /** Types `text` where the caret is, as a keyboard's input does (an input event). */
  async type(text: string): Promise<void> {
    await this.send("Input.insertText", { text });
  }
}
